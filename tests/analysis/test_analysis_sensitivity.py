"""Sobol and Morris indices against known answers: the Ishigami function (Ishigami & Homma 1990;
analytic indices from Sobol' & Levitan 1999) and a linear function (exact elementary effects)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_models import LINEAR, toy_bounds
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from typer.testing import CliRunner

from pactsim.analysis.sensitivity import (
    ishigami,
    ishigami_indices,
    morris_indices,
    sobol_indices,
)
from pactsim.analysis.store import sensitivity_from_store
from pactsim.errors import InputError

PI = np.pi
PROBLEM = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-PI, PI]] * 3}


def test_analytic_ishigami_indices_sum_to_one():
    ref = ishigami_indices()
    # S1 + S2 + S3 + S13 = 1: the only interaction of Ishigami is x1-x3.
    assert ref["S1"].sum() + ref["S13"] == pytest.approx(1.0)
    assert ref["S1"] == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-4)  # published values
    assert ref["ST"] == pytest.approx([0.5576, 0.4424, 0.2437], abs=1e-4)


def test_sobol_recovers_ishigami_indices():
    x = sobol_sample.sample(PROBLEM, 2048, seed=7)
    res = sobol_indices(PROBLEM, ishigami(x), outcome="ishigami", seed=0)
    ref = ishigami_indices()
    t = res.table
    assert t["S1"].to_numpy() == pytest.approx(ref["S1"], abs=0.04)
    assert t["ST"].to_numpy() == pytest.approx(ref["ST"], abs=0.04)
    # the bootstrap intervals are honest: the truth lies within 2 half-widths of each estimate
    assert np.all(np.abs(t["S1"] - ref["S1"]) <= 2 * t["S1_conf"] + 0.01)
    assert np.all(np.abs(t["ST"] - ref["ST"]) <= 2 * t["ST_conf"] + 0.01)
    assert res.S2.loc["x1", "x3"] == pytest.approx(float(ref["S13"]), abs=0.06)
    assert abs(res.S2.loc["x1", "x2"]) < 0.05 and abs(res.S2.loc["x2", "x3"]) < 0.05
    assert res.ranking() == ["x1", "x2", "x3"]


def test_sobol_without_second_order_is_inferred_from_length():
    x = sobol_sample.sample(PROBLEM, 512, calc_second_order=False, seed=3)
    res = sobol_indices(PROBLEM, ishigami(x))
    assert res.S2 is None and res.n_runs == 512 * 5
    assert res.table.loc["x2", "S1"] == pytest.approx(0.4424, abs=0.08)


def test_sobol_rejects_bad_inputs():
    with pytest.raises(InputError, match="do not fit a Sobol design"):
        sobol_indices(PROBLEM, np.ones(7))
    with pytest.raises(InputError, match="constant"):
        sobol_indices(PROBLEM, np.ones(8 * 16))
    with pytest.raises(InputError, match="NaN"):
        sobol_indices(PROBLEM, np.full(8 * 16, np.nan))


def test_morris_elementary_effects_of_a_linear_function_are_its_slopes():
    unit = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    x = morris_sample.sample(unit, 30, num_levels=4, seed=1)
    res = morris_indices(unit, x, x @ LINEAR, num_levels=4)
    assert res.table["mu"].to_numpy() == pytest.approx(LINEAR, abs=1e-9)
    assert res.table["mu_star"].to_numpy() == pytest.approx(np.abs(LINEAR), abs=1e-9)
    assert res.table["sigma"].to_numpy() == pytest.approx([0, 0, 0], abs=1e-9)


def test_morris_on_ishigami_flags_x3_as_interacting():
    x = morris_sample.sample(PROBLEM, 60, num_levels=4, seed=2)
    res = morris_indices(PROBLEM, x, ishigami(x))
    t = res.table
    # x3 acts only through its interaction with x1: mean effect near 0, large spread
    assert abs(t.loc["x3", "mu"]) < 0.3 * t.loc["x3", "mu_star"]
    assert t.loc["x3", "sigma"] > t.loc["x3", "mu_star"]


def test_store_adapter_gives_ishigami_indices(sobol_store):
    res = sensitivity_from_store(sobol_store, "sobol", "y")
    ref = ishigami_indices()
    assert res.table["S1"].to_numpy() == pytest.approx(ref["S1"], abs=0.06)
    assert res.table["ST"].to_numpy() == pytest.approx(ref["ST"], abs=0.06)
    assert res.info["policy"] == "milestone"


def test_store_adapter_morris_uses_the_unit_design(morris_store, toy):
    res = sensitivity_from_store(morris_store, "morris", "linear", policy="upfront")
    assert res.info["design_units"] == "unit cube"
    assert res.table["mu"].to_numpy() == pytest.approx(LINEAR, abs=1e-9)
    assert list(res.table.index) == list(toy_bounds(toy))


def test_store_adapter_errors(sobol_store, morris_store):
    with pytest.raises(InputError, match="--sampler morris"):
        sensitivity_from_store(sobol_store, "morris", "y")
    with pytest.raises(InputError, match="no outcome 'nope'"):
        sensitivity_from_store(sobol_store, "sobol", "nope")
    with pytest.raises(InputError, match="several policies"):
        sensitivity_from_store(morris_store, "morris", "y")
    with pytest.raises(InputError, match="no such results store"):
        sensitivity_from_store("/nonexistent/x.duckdb", "sobol", "y")


def test_cli_sensitivity_json_and_plot(sobol_store, tmp_path):
    import typer

    from pactsim.cli import analysis_cmd

    app = typer.Typer()
    analysis_cmd.register(app)
    png = tmp_path / "s.png"
    r = CliRunner().invoke(
        app,
        [
            "analyze",
            "sensitivity",
            str(sobol_store),
            "--method",
            "sobol",
            "--outcome",
            "y",
            "--json",
            "--plot",
            str(png),
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["method"] == "sobol" and len(doc["parameters"]) == 3
    assert len(doc["second_order"]) == 3
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = CliRunner().invoke(
        app, ["analyze", "sensitivity", str(sobol_store), "--method", "sobol", "--outcome", "y"]
    )
    assert r.exit_code == 0 and "ST" in r.stdout
