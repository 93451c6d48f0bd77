"""What the page asks pactsim to compute: seeded runs and small ensembles.

These functions do not touch Streamlit: :mod:`pactsim.dashboard.jobs` calls them in a separate
process, so that a run can be stopped at once (Cancel, or the visitor leaving).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from pactsim.dashboard.tables import LAB
from pactsim.scenario import Scenario

#: One seeded run: (label, policy, overrides).
RunTask = tuple[str, str | None, dict[str, Any]]
Progress = Callable[[int, int, str], None]


def model_function(model: str) -> Callable[..., Any]:
    """The run function named ``module:function`` (the engagement loop by default)."""
    from pactsim.experiments.worker import resolve_model

    return resolve_model(model)  # type: ignore[no-any-return]


def lab_scenario(sc: Scenario, base: str | None, overrides: dict[str, Any]) -> Scenario:
    """The scenario as the lab edits it: base policy and overrides applied, named policies,
    calibration and the claims and report settings that name policies dropped, so that an
    ensemble runs it as written."""
    edited = sc.with_policy(base) if base else sc
    if overrides:
        edited = edited.with_overrides(overrides)
    return edited.with_overrides({"policies": {}, "calibration": None, "claims": [], "report": {}})


def single_runs(
    model: str,
    sc: Scenario,
    tasks: list[RunTask],
    *,
    seed: int,
    months: int,
    progress: Progress,
    folder: Path | None = None,
) -> dict[str, Any]:
    """``run(scenario, policy, seed, months, overrides)`` for each task, by label."""
    run = model_function(model)
    out = {}
    for i, (label, policy, overrides) in enumerate(tasks):
        progress(i, len(tasks), f"running {label} ({i + 1} of {len(tasks)})")
        out[label] = run(sc, policy, seed=seed, months=months, overrides=overrides or None)
    progress(len(tasks), len(tasks), f"done: {len(tasks)} runs")
    return out


def ensemble_frames(
    model: str,
    jobs: list[tuple[Scenario, list[str] | None]],
    *,
    samples: int,
    seed: int,
    months: int,
    workers: int,
    progress: Progress,
    report: bool = False,
    folder: Path,
) -> dict[str, Any]:
    """Run each (scenario, policies) ensemble with the same design and seed (so every policy
    meets the same sampled worlds), its store in ``folder``, and return the runs, the comparison
    with intervals and the monthly series, with the lab's scenario labelled ``lab``; with
    ``report`` also the HTML report of the first ensemble as bytes (or why there is none)."""
    from pactsim.dashboard.report_link import render_store, store_report_builder
    from pactsim.experiments import ensemble
    from pactsim.experiments.compare import compare

    builder = store_report_builder() if report else None
    totals = [samples * max(1, len(p or [None])) for _, p in jobs]
    grand = sum(totals)
    runs, tables_, series = [], [], []
    offset = 0
    html: bytes | None = None
    note = "HTML report: not available in this version of pactsim."
    for i, ((sc, pols), total) in enumerate(zip(jobs, totals, strict=True)):

        def tick(done: int, _total: int, offset: int = offset) -> None:
            progress(offset + done, grand, f"{offset + done} of {grand} runs")

        store = ensemble(
            sc,
            pols,
            samples=samples,
            seed=seed,
            months=months,
            workers=workers,
            store=folder / f"e{i}.duckdb",
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
        if i == 0 and builder is not None:
            try:
                html = render_store(builder, store.path)
            except Exception as exc:  # the report is optional: say why it is missing
                note = f"HTML report could not be built: {exc}"
    return {
        "runs": pd.concat(runs, ignore_index=True),
        "compare": pd.concat(tables_, ignore_index=True),
        "series": pd.concat(series, ignore_index=True),
        "report": html,
        "report_note": note,
    }


TASKS: dict[str, Callable[..., Any]] = {"single": single_runs, "ensemble": ensemble_frames}
