"""Calls into the run and ensemble API, cached per session so a rerun of the page is free."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from pactsim.dashboard.tables import LAB
from pactsim.scenario import Scenario


def model_function(model: str) -> Callable[..., Any]:
    """The run function named ``module:function`` (the engagement loop by default)."""
    from pactsim.experiments.worker import resolve_model

    return resolve_model(model)  # type: ignore[no-any-return]


@st.cache_data(max_entries=256, show_spinner=False)
def run_once(
    model: str,
    scenario_hash: str,
    _sc: Scenario,
    policy: str | None,
    seed: int,
    months: int,
    overrides_json: str,
) -> Any:
    """``run(scenario, policy, seed, months, overrides)``, cached on the scenario's hash."""
    overrides = json.loads(overrides_json) or None
    return model_function(model)(_sc, policy, seed=seed, months=months, overrides=overrides)


def lab_scenario(sc: Scenario, base: str | None, overrides: dict[str, Any]) -> Scenario:
    """The scenario as the lab edits it: base policy and overrides applied, named policies and
    calibration dropped so that an ensemble runs it as written."""
    edited = sc.with_policy(base) if base else sc
    if overrides:
        edited = edited.with_overrides(overrides)
    return edited.with_overrides({"policies": {}, "calibration": None})


def ensemble_frames(
    model: str,
    jobs: list[tuple[Scenario, list[str] | None]],
    *,
    samples: int,
    seed: int,
    months: int,
    workers: int,
    progress: Callable[[int, int], None],
    report: Callable[..., Any] | None = None,
) -> dict[str, Any]:
    """Run each (scenario, policies) ensemble with the same design and seed (so every policy
    meets the same sampled worlds) and return the runs, the comparison with intervals and the
    monthly series, with the lab's scenario labelled ``lab``; with ``report`` (the HTML
    report's builder) also the report of the first ensemble as HTML bytes."""
    from pactsim.dashboard.report_link import render_store
    from pactsim.experiments import ensemble
    from pactsim.experiments.compare import compare

    totals = [samples * max(1, len(p or [None])) for _, p in jobs]
    grand = sum(totals)
    runs, tables_, series = [], [], []
    offset = 0
    html: bytes | None = None
    note = "HTML report: not available in this version of pactsim."
    with tempfile.TemporaryDirectory(prefix="pactsim-dashboard-") as tmp:
        for i, ((sc, pols), total) in enumerate(zip(jobs, totals, strict=True)):

            def tick(done: int, _total: int, offset: int = offset) -> None:
                progress(offset + done, grand)

            store = ensemble(
                sc,
                pols,
                samples=samples,
                seed=seed,
                months=months,
                workers=workers,
                store=Path(tmp) / f"e{i}.duckdb",
                model=model,
                progress=tick,
                command="pactsim dashboard (policy lab)",
            )
            r, t, s = store.runs(), compare(store), store.series()
            for frame in (r, t, s):
                frame["policy"] = frame["policy"].fillna(LAB).astype(str)
            runs.append(r)
            tables_.append(t)
            series.append(s)
            offset += total
            if i == 0 and report is not None:
                try:
                    html = render_store(report, store.path)
                except Exception as exc:  # the report is optional: say why it is missing
                    note = f"HTML report could not be built: {exc}"
    return {
        "runs": pd.concat(runs, ignore_index=True),
        "compare": pd.concat(tables_, ignore_index=True),
        "series": pd.concat(series, ignore_index=True),
        "report": html,
        "report_note": note,
    }


def envelopes(series: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per policy and month: 5%, 50% and 95% quantiles of ``column`` over the runs."""
    g = series.groupby(["policy", "month"])[column]
    out = g.quantile([0.05, 0.5, 0.95]).unstack()
    out.columns = ["p05", "p50", "p95"]
    return out.reset_index()
