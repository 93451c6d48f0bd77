"""Policy lab: edit the package's levers, run one seeded run or a small ensemble, and compare
with the scenario's baseline policies."""

from __future__ import annotations

import io
import json
import os
from typing import Any

import pandas as pd
import streamlit as st

from pactsim.dashboard import charts, levers, limits, report_link, runs, tables
from pactsim.dashboard.settings import Settings
from pactsim.dashboard.tables import LAB, fmt
from pactsim.dashboard.text import md, md_frame
from pactsim.errors import PactsimError
from pactsim.scenario import Scenario

AS_WRITTEN = "(as written)"
SINGLE, ENSEMBLE = "one seeded run", "small ensemble"
PREFIX = "lab-"


def widget_key(control_key: str) -> str:
    """The widget key of a lever control (also its CSS class ``st-key-<key>`` in the page)."""
    return PREFIX + control_key.replace(".", "-")


def _reset_if_changed(signature: str) -> None:
    """Controls start again from the base policy when the scenario or the base changes."""
    if st.session_state.get("lab-signature") != signature:
        for key in [k for k in st.session_state if str(k).startswith(PREFIX + "package")]:
            del st.session_state[key]
        for key in [k for k in st.session_state if str(k).startswith(PREFIX + "x-")]:
            del st.session_state[key]
        st.session_state["lab-signature"] = signature


def _control(c: levers.Control) -> Any:
    key = widget_key(c.key) if c.group != "other" else PREFIX + "x-" + c.key.replace(".", "-")
    label, help_ = md(c.label), md(c.help) if c.help else None
    if c.kind == "bool":
        return st.checkbox(label, value=bool(c.value), key=key, help=help_)
    if c.kind in ("choice", "military"):
        index = c.options.index(c.value) if c.value in c.options else 0
        return st.selectbox(label, c.options, index=index, key=key, help=help_, format_func=str)
    return st.slider(
        label,
        format="%.0f" if c.step >= 1 else "%.2f",
        min_value=float(c.low),
        max_value=float(c.high),
        value=float(c.value),
        step=float(c.step),
        key=key,
        help=help_,
    )


def _levers_panel(base_sc: Scenario) -> tuple[list[levers.Control], dict[str, Any]]:
    ctrls = levers.controls(base_sc)
    values: dict[str, Any] = {}
    groups = list(dict.fromkeys(c.group for c in ctrls))
    kinds = {k.id: k.kind for k in (base_sc.package.instruments if base_sc.package else [])}
    cols = st.columns(3)
    for n, group in enumerate(groups):
        with cols[n % 3].container(border=True):
            title = {"package": "Package", "other": "Other levers"}.get(group, group)
            st.markdown(f"**{md(title)}**" + (f" - {md(kinds[group])}" if group in kinds else ""))
            for c in (c for c in ctrls if c.group == group):
                values[c.key] = _control(c)
    return ctrls, values


def show(sc: Scenario, settings: Settings) -> None:
    st.title("Policy lab")
    note = runs.stopped_note("lab")
    if note:
        st.info(note)
    st.caption(
        "Change the package's levers, run, and compare with the scenario's policies. "
        "The same seed gives the same run: `pactsim run` with the changes below reproduces it."
    )
    names = [AS_WRITTEN, *sc.policies]
    pick = st.selectbox(
        "Start from policy",
        names,
        key="lab-base",
        format_func=lambda p: p if p == AS_WRITTEN else f"{p}: {sc.policies[p].description}"[:110],
    )
    base = None if pick == AS_WRITTEN else pick
    base_sc = sc.with_policy(base) if base else sc
    _reset_if_changed(f"{sc.hash}:{pick}")
    ctrls, values = _levers_panel(base_sc)
    overrides = levers.overrides(ctrls, values)

    st.subheader("Run")
    c1, c2, c3, c4 = st.columns(4)
    mode = c1.radio("What to run", (SINGLE, ENSEMBLE), key="lab-mode")
    seed = int(c2.number_input("Seed", min_value=0, value=1, step=1, key="lab-seed"))
    months = int(
        c3.number_input(
            "Months",
            min_value=1,
            max_value=limits.MAX_MONTHS,
            value=min(int(sc.meta.months), limits.MAX_MONTHS),
            step=1,
            key="lab-months",
        )
    )
    baselines = c4.multiselect(
        "Compare with", list(sc.policies), default=list(sc.policies), key="lab-baselines"
    )
    samples, workers = 10, 1
    if mode == ENSEMBLE:
        e1, e2, _ = st.columns([1, 1, 2])
        samples = int(
            e1.number_input(
                "Sampled worlds",
                min_value=2,
                max_value=200,
                value=10,
                step=1,
                key="lab-samples",
                help="Latin hypercube over the scenario's uncertainties; every policy meets "
                "the same worlds.",
            )
        )
        workers = int(
            e2.number_input(
                "Worker processes",
                min_value=1,
                max_value=max(1, os.cpu_count() or 1),
                value=1,
                step=1,
                key="lab-workers",
            )
        )
    with st.container(key="lab-changes"):
        if overrides:
            st.markdown("Changes from the base policy:")
            st.code(json.dumps(overrides, indent=1), language="json")
        else:
            st.caption("No change from the base policy yet.")
    if st.button("Run", type="primary", key="lab-run"):
        try:
            edited = base_sc.with_overrides(overrides) if overrides else base_sc
            limits.check_run(
                [edited, *(sc.with_policy(p) for p in baselines)],
                months,
                sampled=mode == ENSEMBLE,
            )
        except PactsimError as exc:
            st.error(md(str(exc)))
            return
        request = {
            "scenario": sc.hash,
            "base": base,
            "overrides": overrides,
            "seed": seed,
            "months": months,
            "baselines": baselines,
            "mode": mode,
            "samples": samples,
        }
        try:
            if mode == SINGLE:
                st.session_state["lab-result"] = _single(sc, settings, request)
            else:
                st.session_state["lab-result"] = _ensemble(sc, settings, request, workers)
        except PactsimError as exc:
            st.error(md(str(exc)))
            return
    result = st.session_state.get("lab-result")
    if result and result["request"]["scenario"] == sc.hash:
        if result["request"] != _current(
            sc, base, overrides, seed, months, baselines, mode, samples
        ):
            st.warning("The levers changed since this result was computed: press Run again.")
        (_show_single if result["kind"] == SINGLE else _show_ensemble)(sc, result)


def _current(
    sc: Scenario,
    base: str | None,
    overrides: dict[str, Any],
    seed: int,
    months: int,
    baselines: list[str],
    mode: str,
    samples: int,
) -> dict[str, Any]:
    return {
        "scenario": sc.hash,
        "base": base,
        "overrides": overrides,
        "seed": seed,
        "months": months,
        "baselines": baselines,
        "mode": mode,
        "samples": samples,
    }


# --------------------------------------------------------------------------------- one run
def _single(sc: Scenario, settings: Settings, req: dict[str, Any]) -> dict[str, Any]:
    tasks: list[tuple[str, str | None, dict[str, Any]]] = [(LAB, req["base"], req["overrides"])]
    tasks += [(p, p, {}) for p in req["baselines"]]
    cache = runs.result_cache()

    def key(policy: str | None, ov: dict[str, Any]) -> tuple[Any, ...]:
        inputs = (policy, req["seed"], req["months"], json.dumps(ov, sort_keys=True))
        return (settings.model, sc.hash, *inputs)

    found = {label: cache.get(key(policy, ov)) for label, policy, ov in tasks}
    todo = [t for t in tasks if found[t[0]] is None]
    if todo:
        made = runs.run_job(
            "single",
            {
                "model": settings.model,
                "sc": sc,
                "tasks": todo,
                "seed": req["seed"],
                "months": req["months"],
            },
            key="lab",
            text=f"running {len(todo)} of {len(tasks)} runs...",
        )
        for label, policy, ov in todo:
            cache.put(key(policy, ov), made[label])
            found[label] = made[label]
    return {"kind": SINGLE, "request": req, "results": found}


def _show_single(sc: Scenario, result: dict[str, Any]) -> None:
    res = result["results"]
    req = result["request"]
    st.subheader(f"Outcomes (seed {req['seed']}, {req['months']} months)")
    with st.container(key="lab-outcomes"):
        st.table(md_frame(tables.outcome_table(sc, res)))
    cols = tables.numeric_series(res)
    chosen = st.multiselect(
        "Monthly series", cols, default=tables.default_series(cols, sc=sc), key="lab-series"
    )
    if chosen:
        with st.container(key="lab-chart"):
            charts.draw(st, charts.series_chart(tables.series_long(res, chosen)))
    st.subheader("Download")
    lab = res[LAB].series
    d1, d2, d3, d4 = st.columns(4)
    stem = f"{sc.meta.name}_lab_seed{req['seed']}"
    d1.download_button(
        "Series (CSV)",
        lab.to_csv(index=False).encode(),
        f"{stem}.csv",
        "text/csv",
        key="lab-dl-csv",
    )
    d2.download_button(
        "Series (Parquet)",
        _parquet(lab),
        f"{stem}.parquet",
        "application/octet-stream",
        key="lab-dl-parquet",
    )
    every = pd.concat(
        [r.series.assign(policy=label) for label, r in res.items()], ignore_index=True
    )
    d3.download_button(
        "All runs' series (CSV)",
        every.to_csv(index=False).encode(),
        f"{sc.meta.name}_seed{req['seed']}_all.csv",
        "text/csv",
        key="lab-dl-all",
    )
    _report_note(d4)


def _parquet(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def _report_note(col: Any) -> None:
    if report_link.store_report_builder() is None:
        col.caption("HTML report: not available in this version of pactsim.")
    else:
        col.caption(
            "HTML report: it covers ensembles. Run a small ensemble here, or open a stored "
            "one, to download it."
        )


# -------------------------------------------------------------------------------- ensemble
def _ensemble(
    sc: Scenario, settings: Settings, req: dict[str, Any], workers: int
) -> dict[str, Any]:
    lab_sc = runs.lab_scenario(sc, req["base"], req["overrides"])
    jobs: list[tuple[Scenario, list[str] | None]] = [(lab_sc, None)]
    if req["baselines"]:
        jobs.append((sc, list(req["baselines"])))
    frames = runs.run_job(
        "ensemble",
        {
            "model": settings.model,
            "jobs": jobs,
            "samples": req["samples"],
            "seed": req["seed"],
            "months": req["months"],
            "workers": workers,
            "report": True,
        },
        key="lab",
        text="running the ensemble...",
    )
    return {"kind": ENSEMBLE, "request": req, **frames}


def _show_ensemble(sc: Scenario, result: dict[str, Any]) -> None:
    req = result["request"]
    table: pd.DataFrame = result["compare"]
    st.subheader(
        f"Outcomes over {req['samples']} sampled worlds (seed {req['seed']}, "
        f"{req['months']} months)"
    )
    shown = table.assign(
        estimate=table["estimate"].map(fmt),
        low=table["low"].map(fmt),
        high=table["high"].map(fmt),
    )[["outcome", "policy", "kind", "n", "estimate", "low", "high"]]
    with st.container(key="lab-ens-outcomes"):
        st.dataframe(shown, hide_index=True)
    names = list(dict.fromkeys(table["outcome"]))
    if names:
        outcome = st.selectbox("Outcome", names, key="lab-ens-outcome")
        left, right = st.columns(2)
        left.markdown("Estimate and 95% interval")
        charts.draw(left, charts.interval_chart(table, outcome))
        right.markdown("Distribution over runs")
        charts.draw(right, charts.distribution_chart(result["runs"], outcome))
    series: pd.DataFrame = result["series"]
    cols = [
        c
        for c in series.columns
        if c not in ("experiment_id", "replication", "world", "policy", "month", "date")
        and pd.api.types.is_numeric_dtype(series[c])
    ]
    chosen = st.multiselect(
        "Monthly series", cols, default=tables.default_series(cols, 2, sc=sc), key="lab-ens-series"
    )
    for col in chosen:
        charts.draw(st, charts.envelope_chart(runs.envelopes(series, col), col))
    st.subheader("Download")
    d1, d2, d3 = st.columns(3)
    if result.get("report") is not None:
        d3.download_button(
            "HTML report (the lab's package)",
            result["report"],
            f"{sc.meta.name}_lab_report.html",
            "text/html",
            key="lab-dl-report",
        )
    else:
        d3.caption(result.get("report_note") or "HTML report: not available.")
    d1.download_button(
        "Runs' outcomes (CSV)",
        result["runs"].to_csv(index=False).encode(),
        f"{sc.meta.name}_ensemble_runs.csv",
        "text/csv",
        key="lab-dl-ens-runs",
    )
    d2.download_button(
        "Series (Parquet)",
        _parquet(series),
        f"{sc.meta.name}_ensemble_series.parquet",
        "application/octet-stream",
        key="lab-dl-ens-series",
    )
