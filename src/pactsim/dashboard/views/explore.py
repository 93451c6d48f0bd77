"""Stored ensembles: a results store (made by ``pactsim ensemble``) chosen from the configured
folder; policy comparison with intervals, envelopes, and sensitivity and scenario-discovery
results when the analysis package is present."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from pactsim.dashboard import charts, report_link, sources
from pactsim.dashboard.settings import Settings
from pactsim.dashboard.tables import fmt, policy_label
from pactsim.dashboard.text import md
from pactsim.errors import PactsimError

OPS = ("<", "<=", ">", ">=", "==", "!=")
#: Error messages listed for a store's failed runs (the most frequent first).
SHOWN_ERRORS = 20


def failed_runs(store: Any) -> pd.DataFrame:
    """The store's failed runs grouped by policy and error message, most frequent first: how
    many, and the first world, replication and seed that failed (to reproduce it)."""
    frame: pd.DataFrame = store.query(
        "SELECT e.policy, coalesce(r.error, '(no message recorded)') AS error, "
        "count(*) AS runs, arg_min(e.world, r.experiment_id * 1000000 + r.replication) AS world, "
        "arg_min(r.replication, r.experiment_id * 1000000 + r.replication) AS replication, "
        "arg_min(r.seed, r.experiment_id * 1000000 + r.replication) AS seed "
        "FROM runs r JOIN experiments e USING (experiment_id) WHERE r.status <> 'ok' "
        "GROUP BY e.policy, r.error ORDER BY runs DESC, error, e.policy"
    )
    frame["policy"] = frame["policy"].map(policy_label)
    return frame


@st.cache_data(max_entries=16, show_spinner=False)
def _load(path: str, mtime: float) -> dict[str, Any]:
    from pactsim.experiments import open_store
    from pactsim.experiments.compare import compare, envelopes, main_series

    store = open_store(path)
    runs = store.runs()
    runs["policy"] = runs["policy"].map(policy_label)
    table = compare(store)
    table["policy"] = table["policy"].map(policy_label)
    env = {}
    for col in main_series(store):
        e = envelopes(store, col)
        e["policy"] = e["policy"].map(policy_label)
        env[col] = e
    return {
        "provenance": store.provenance(),
        "counts": store.counts(),
        "runs": runs,
        "compare": table,
        "envelopes": env,
        "outcomes": store.outcome_names(),
        "policies": store.policies(),
        "failures": failed_runs(store),
    }


def show(settings: Settings) -> None:
    st.title("Stored ensembles")
    folder = settings.stores
    names = sources.list_stores(folder)
    st.caption(f"Results stores found in `{folder}` (set with `pactsim dashboard --stores DIR`).")
    if not names:
        st.info(
            f"No results store in `{folder}`. Make one with, for example, "
            f"`pactsim ensemble toy-3-factions --samples 50 --store {folder}/toy.duckdb` "
            "(`pactsim scenarios` lists the bundled scenarios)."
        )
        return
    name = st.selectbox("Results store", names, key="explore-store")
    path = sources.store_path(folder, name)
    try:
        data = _load(str(path), path.stat().st_mtime)
    except PactsimError as exc:
        st.error(md(str(exc)))
        return
    except Exception as exc:
        st.error(
            md(f"{name}: cannot be read as a pactsim results store ({type(exc).__name__}: {exc})")
        )
        return
    prov, counts = data["provenance"], data["counts"]
    st.markdown(
        f"**{md(prov.get('scenario_name'))}** - "
        + md(
            f"{prov.get('sampler')} design, "
            f"{prov.get('samples')} samples x {prov.get('replications')} replications, "
            f"{len(data['policies'])} policies - {counts['stored']} of {counts['expected']} runs "
            f"stored ({counts['failed']} failed) - made {prov.get('created')} "
            f"with pactsim {prov.get('version')}"
        )
    )
    _failures(data["failures"], counts)
    tab_cmp, tab_series, tab_sens, tab_disc, tab_dl = st.tabs(
        ["Policies", "Series", "Sensitivity", "Scenario discovery", "Download"]
    )
    with tab_cmp:
        _comparison(data)
    with tab_series:
        for col, env in data["envelopes"].items():
            charts.draw(st, charts.envelope_chart(env, col))
    with tab_sens:
        _sensitivity(str(path), path.stat().st_mtime, data)
    with tab_disc:
        _discovery(str(path), data)
    with tab_dl:
        _downloads(str(path), name, data)


def _failures(failures: pd.DataFrame, counts: dict[str, int]) -> None:
    """How many runs failed and why; their outcomes are missing from everything below."""
    failed = int(counts["failed"])
    if not failed:
        return
    kinds = len(failures)
    with st.container(key="explore-failures"):
        st.warning(
            f"{failed:,} of {counts['stored']:,} stored runs failed, with {kinds} distinct "
            f"error{'s' if kinds != 1 else ''}; their outcomes are left out of every table "
            "and chart below. Each error is listed with the first world, replication and "
            "seed that met it."
        )
        shown = failures.head(SHOWN_ERRORS)
        st.dataframe(shown, hide_index=True)
        if kinds > SHOWN_ERRORS:
            st.caption(f"The {SHOWN_ERRORS} most frequent of {kinds} errors.")


def _comparison(data: dict[str, Any]) -> None:
    table: pd.DataFrame = data["compare"]
    st.markdown(
        "Each outcome per policy: a probability (Wilson interval) for 0/1 outcomes, else a mean "
        "(Student-t interval); 95% intervals over every stored run."
    )
    shown = table.assign(
        estimate=table["estimate"].map(fmt),
        low=table["low"].map(fmt),
        high=table["high"].map(fmt),
    )[["outcome", "policy", "kind", "n", "estimate", "low", "high", "direction"]]
    with st.container(key="explore-compare"):
        st.dataframe(shown, hide_index=True)
    names = list(dict.fromkeys(table["outcome"]))
    if not names:
        return
    outcome = st.selectbox("Outcome", names, key="explore-outcome")
    left, right = st.columns(2)
    left.markdown("Estimate and 95% interval")
    charts.draw(left, charts.interval_chart(table, outcome))
    right.markdown("Distribution over runs")
    charts.draw(right, charts.distribution_chart(data["runs"], outcome))


@st.cache_data(max_entries=32, show_spinner=False)
def _sobol_or_morris(
    path: str, mtime: float, method: str, outcome: str, policy: str | None
) -> pd.DataFrame:
    from pactsim.analysis.store import sensitivity_from_store

    return sensitivity_from_store(path, method, outcome, policy).table


def _sensitivity(path: str, mtime: float, data: dict[str, Any]) -> None:
    try:
        import pactsim.analysis.store  # noqa: F401
    except ImportError:
        st.info("Sensitivity analysis is not available in this version of pactsim.")
        return
    sampler = data["provenance"].get("sampler")
    if sampler not in ("sobol", "morris"):
        st.info(
            f"This ensemble was sampled with '{sampler}'. Sensitivity indices need an ensemble "
            "made with `--sampler sobol` or `--sampler morris`; its comparison and scenario "
            "discovery are in the other tabs."
        )
        return
    c1, c2 = st.columns(2)
    outcome = c1.selectbox("Outcome", data["outcomes"], key="explore-sens-outcome")
    pols = data["policies"]
    policy = c2.selectbox("Policy", pols, format_func=policy_label, key="explore-sens-policy")
    try:
        table = _sobol_or_morris(path, mtime, sampler, outcome, policy)
    except PactsimError as exc:
        st.error(md(str(exc)))
        return
    if sampler == "sobol":
        st.markdown("Sobol indices: first order S1 and total ST, with bootstrap 95% intervals.")
        charts.draw(st, charts.bars_chart(table, "ST", "ST_conf", "total index ST"))
    else:
        st.markdown("Morris elementary effects: mu* (mean absolute effect) and sigma.")
        charts.draw(st, charts.bars_chart(table, "mu_star", "mu_star_conf", "mu*"))
    st.dataframe(table)


def _discovery(path: str, data: dict[str, Any]) -> None:
    try:
        from pactsim.analysis.store import discover_from_store
    except ImportError:
        st.info("Scenario discovery (PRIM) is not available in this version of pactsim.")
        return
    st.markdown(
        "PRIM finds boxes of the sampled parameters where a condition on an outcome holds "
        "(for instance where the package fails)."
    )
    c1, c2, c3, c4 = st.columns(4)
    outcome = c1.selectbox("Outcome", data["outcomes"], key="explore-disc-outcome")
    op = c2.selectbox("Condition", OPS, index=0, key="explore-disc-op")
    value = c3.number_input("Value", value=0.5, key="explore-disc-value")
    policy = c4.selectbox(
        "Policy", data["policies"], format_func=policy_label, key="explore-disc-policy"
    )
    threshold = st.slider("Least density of a box", 0.5, 1.0, 0.8, 0.05, key="explore-disc-th")
    if not st.button("Find boxes", key="explore-disc-run"):
        return
    where = f"{outcome} {op} {value!r}"
    try:
        res = discover_from_store(path, where, policy=policy, threshold=threshold)
    except PactsimError as exc:
        st.error(md(str(exc)))
        return
    st.markdown(f"{res.n_interest} of {res.n_runs} worlds satisfy: {md(res.condition)}.")
    if not res.boxes:
        st.info("No box reaches that density.")
    for j, box in enumerate(res.boxes):
        st.markdown(
            f"**Box {j + 1}**: coverage {box.coverage:.2f}, density {box.density:.2f}, "
            f"mass {box.mass:.2f} ({box.k} of {box.n} runs)"
        )
        st.dataframe(box.limits)


def _downloads(path: str, name: str, data: dict[str, Any]) -> None:
    runs: pd.DataFrame = data["runs"]
    stem = name.rsplit(".", 1)[0].replace("/", "_")
    st.download_button(
        "Runs' outcomes (CSV)",
        runs.to_csv(index=False).encode(),
        f"{stem}_runs.csv",
        "text/csv",
        key="explore-dl-runs",
    )
    st.download_button(
        "Comparison (CSV)",
        data["compare"].to_csv(index=False).encode(),
        f"{stem}_compare.csv",
        "text/csv",
        key="explore-dl-compare",
    )
    builder = report_link.store_report_builder()
    if builder is None:
        st.caption("HTML report: not available in this version of pactsim.")
        return
    cache = st.session_state.setdefault("explore-reports", {})
    mtime = Path(path).stat().st_mtime
    if (path, mtime) not in cache and st.button("Build the HTML report", key="explore-report"):
        with st.spinner("writing the report..."):
            try:
                cache[(path, mtime)] = report_link.render_store(builder, path)
            except Exception as exc:
                st.error(md(f"The HTML report could not be built: {exc}"))
    if (path, mtime) in cache:
        st.download_button(
            "HTML report",
            cache[(path, mtime)],
            f"{stem}.html",
            "text/html",
            key="explore-dl-report",
        )
