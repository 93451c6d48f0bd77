"""Fast page-level checks with Streamlit's AppTest (no browser): every view renders, a lab run
shows the numbers ``pactsim.run`` gives, and a stored ensemble is explored."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

import pactsim
from pactsim.dashboard import APP_FILE
from pactsim.dashboard.tables import fmt

TRIVIAL = "pactsim.experiments.trivial:run"


@pytest.fixture
def app(monkeypatch, tmp_path):
    monkeypatch.setenv("PACTSIM_STORES", str(tmp_path))
    at = AppTest.from_file(str(APP_FILE), default_timeout=120)
    return at.run()


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_scenario_view_shows_the_council_and_parameters(app):
    _no_exception(app)
    assert app.sidebar.selectbox(key="scenario-name").value == "afghanistan-2023"
    assert "Afghanistan 2023" in app.title[0].value
    frames = [d.value for d in app.dataframe]
    council = next(f for f in frames if "Shapley-Shubik" in f.columns)
    assert list(council["faction"]) == ["kandahar", "haqqani", "doha", "northern"]
    params = next(f for f in frames if "provenance" in f.columns)
    assert len(params) > 100
    assert params["provenance"].str.contains("source:").any()


def test_lab_run_shows_the_run_of_the_same_inputs(app):
    app.sidebar.selectbox(key="scenario-name").set_value("toy-3-factions").run()
    app.sidebar.radio(key="view").set_value("Policy lab").run()
    _no_exception(app)
    app.selectbox(key="lab-base").set_value("milestone").run()
    app.selectbox(key="lab-package-instruments-aid-mode").set_value("reciprocal")
    app.number_input(key="lab-months").set_value(8)
    app.number_input(key="lab-seed").set_value(5)
    app.multiselect(key="lab-baselines").set_value(["none"])
    app.button(key="lab-run").click().run()
    _no_exception(app)
    overrides = {"package.instruments.aid.mode": "reciprocal"}
    shown = json.loads(app.code[0].value)
    assert shown == overrides
    table = app.table[0].value
    assert list(table.columns[:4]) == ["better", "lab", "none", "meaning"]
    lab = pactsim.run("toy-3-factions", "milestone", seed=5, months=8, overrides=overrides)
    none = pactsim.run("toy-3-factions", "none", seed=5, months=8)
    for name in table.index:
        assert table.loc[name, "lab"] == fmt(lab.summary[name]), name
        assert table.loc[name, "none"] == fmt(none.summary[name]), name
    assert lab.summary != none.summary


def test_lab_small_ensemble_with_progress(app, monkeypatch):
    monkeypatch.setenv("PACTSIM_DASHBOARD_MODEL", TRIVIAL)
    app.sidebar.selectbox(key="scenario-name").set_value("toy-3-factions").run()
    app.sidebar.radio(key="view").set_value("Policy lab").run()
    app.radio(key="lab-mode").set_value("small ensemble").run()
    app.number_input(key="lab-samples").set_value(4)
    app.multiselect(key="lab-baselines").set_value(["none", "upfront"])
    app.button(key="lab-run").click().run()
    _no_exception(app)
    table = app.dataframe[0].value
    # 4 worlds for the lab's package and for each of the two baselines
    assert set(table["policy"]) == {"lab", "none", "upfront"}
    assert set(table["n"]) == {4}
    assert set(table["outcome"]) == {"drift", "final", "peak", "success"}
    keys = {b.key for b in app.get("download_button")}
    notes = [c.value for c in app.caption]
    assert {"lab-dl-ens-runs", "lab-dl-ens-series", "lab-dl-report"} <= keys, notes


def test_explore_a_stored_ensemble(monkeypatch, tmp_path):
    from pactsim.experiments import ensemble

    (tmp_path / "runs").mkdir()
    ensemble(
        "toy-3-factions",
        samples=6,
        seed=2,
        workers=1,
        model=TRIVIAL,
        store=tmp_path / "runs" / "toy.duckdb",
    )
    monkeypatch.setenv("PACTSIM_STORES", str(tmp_path))
    at = AppTest.from_file(str(APP_FILE), default_timeout=120).run()
    at.sidebar.radio(key="view").set_value("Stored ensembles").run()
    _no_exception(at)
    assert at.selectbox(key="explore-store").options == ["runs/toy.duckdb"]
    table = at.dataframe[0].value
    assert set(table["policy"]) == {"none", "milestone", "upfront"}
    assert set(table["n"]) == {6}
    # an LHS ensemble: sensitivity indices are not computed, and the page says why
    assert any("--sampler sobol" in i.value for i in at.info)
    at.button(key="explore-disc-run").click().run()
    _no_exception(at)
    assert any("worlds satisfy" in m.value for m in at.markdown)
    at.button(key="explore-report").click().run()
    _no_exception(at)
    assert "explore-dl-report" in {b.key for b in at.get("download_button")}


def test_explore_without_stores_says_how_to_make_one(app):
    app.sidebar.radio(key="view").set_value("Stored ensembles").run()
    _no_exception(app)
    assert any("pactsim ensemble" in i.value for i in app.info)


def flaky(scenario, policy=None, seed=0, months=None, overrides=None):
    """The trivial model, failing every ``upfront`` run and the ``milestone`` runs of odd
    seeds, with two different errors."""
    from pactsim.experiments.trivial import run

    if policy == "upfront":
        raise ValueError("no budget for upfront")
    if policy == "milestone" and seed % 2 == 1:
        raise RuntimeError("milestone diverged")
    return run(scenario, policy, seed, months, overrides)


def test_stored_ensemble_says_how_many_runs_failed_and_why(monkeypatch, tmp_path):
    from pactsim.experiments import ensemble, open_store

    ensemble(
        "toy-3-factions",
        samples=8,
        seed=3,
        workers=1,
        model=f"{__name__}:flaky",
        store=tmp_path / "flaky.duckdb",
    )
    every = open_store(tmp_path / "flaky.duckdb").runs(status=None)
    upfront = int((every["policy"] == "upfront").sum())
    diverged = int(((every["policy"] == "milestone") & (every["seed"] % 2 == 1)).sum())
    assert upfront == 8 and diverged > 0  # the rule applied to each run's inputs
    monkeypatch.setenv("PACTSIM_STORES", str(tmp_path))
    at = AppTest.from_file(str(APP_FILE), default_timeout=120).run()
    at.sidebar.radio(key="view").set_value("Stored ensembles").run()
    _no_exception(at)
    warning = next(w.value for w in at.warning if "stored runs failed" in w.value)
    assert f"{upfront + diverged} of {len(every)} stored runs failed, with 2 distinct errors" in (
        warning
    )
    failures = next(d.value for d in at.dataframe if "error" in d.value.columns)
    got = dict(zip(failures["error"], failures["runs"], strict=True))
    assert got == {
        "ValueError: no budget for upfront": upfront,
        "RuntimeError: milestone diverged": diverged,
    }
    assert set(failures["policy"]) == {"upfront", "milestone"}
    # the comparison counts only the runs that succeeded
    table = next(d.value for d in at.dataframe if "estimate" in d.value.columns)
    n = dict(zip(table["policy"], table["n"], strict=False))
    assert (n["none"], n["milestone"], n.get("upfront", 0)) == (8, 8 - diverged, 0)


@pytest.mark.parametrize(
    ("address", "warned"), [(None, True), ("0.0.0.0", True), ("127.0.0.1", False)]
)
def test_the_page_warns_when_served_beyond_this_machine(monkeypatch, tmp_path, address, warned):
    from streamlit import config

    monkeypatch.setenv("PACTSIM_STORES", str(tmp_path))
    before = config.get_option("server.address")
    config.set_option("server.address", address)
    try:
        at = AppTest.from_file(str(APP_FILE), default_timeout=120).run()
    finally:
        config.set_option("server.address", before)
    _no_exception(at)
    shown = [w.value for w in at.warning if "without authentication" in w.value]
    assert len(shown) == (1 if warned else 0), shown
