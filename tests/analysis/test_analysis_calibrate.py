"""Rejection ABC (Pritchard et al. 1999; Beaumont, Zhang & Balding 2002) recovers known
parameters of synthetic models, and the calibrated ranges are written back into the scenario."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from analysis_models import TRUE_INFLOW, TRUE_LEGITIMACY, calibration_run, toy_text
from typer.testing import CliRunner

from pactsim.analysis.abc import abc_rejection, range_distance, weighted_quantile
from pactsim.analysis.calibrate import (
    calibrate,
    calibration_months,
    posterior_ranges,
    posterior_scenario_text,
    target_value,
)
from pactsim.errors import InputError
from pactsim.scenario import from_text

LEGIT = "population.legitimacy"
KAPPA = "factions.members.hardliners.kappa.opening"
INFLOW = "extremists.foreign_inflow"


def test_range_distance_by_hand():
    s = np.array([[5.0, 10.0], [0.0, 10.0], [5.0, 16.0], [np.nan, 1.0]])
    rho = range_distance(s, low=[2.0, 8.0], high=[6.0, 12.0], scale=np.array([4.0, 2.0]))
    assert rho[0] == 0.0  # inside both ranges
    assert rho[1] == pytest.approx(0.5)  # 2 below a range of width 4
    assert rho[2] == pytest.approx(2.0)  # 4 above, scale 2
    assert rho[3] == np.inf  # a failed run is never accepted


def test_weighted_quantile_matches_numpy_for_equal_weights():
    x = np.random.default_rng(0).normal(size=1001)
    assert weighted_quantile(x, [0.05, 0.5, 0.95]) == pytest.approx(
        np.quantile(x, [0.05, 0.5, 0.95]), abs=0.02
    )
    assert weighted_quantile(np.array([0.0, 1.0]), [0.5], np.array([1.0, 3.0]))[0] > 0.5


def linear_gaussian_problem(n: int = 4000, seed: int = 0):
    """theta ~ U([0, 10]^2); s1 = theta1 + theta2 + e, s2 = theta1 - theta2 + e, e ~ N(0, 0.2);
    true theta = (3, 7) and targets are +-0.5 around its noise-free summaries."""
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0, 10, size=(n, 2))
    s = np.column_stack([theta.sum(axis=1), theta[:, 0] - theta[:, 1]])
    s += rng.normal(0, 0.2, size=s.shape)
    truth = np.array([3.0, 7.0])
    obs = np.array([truth.sum(), truth[0] - truth[1]])
    return theta, s, obs - 0.5, obs + 0.5, truth


@pytest.mark.parametrize("regression", [False, True])
def test_abc_recovers_true_parameters(regression):
    theta, s, low, high, truth = linear_gaussian_problem()
    res = abc_rejection(
        theta,
        s,
        low,
        high,
        names=["a", "b"],
        bounds=[[0, 10], [0, 10]],
        quantile=0.02,
        regression=regression,
    )
    iv = res.intervals()
    for name, value in zip(["a", "b"], truth, strict=True):
        assert iv.loc[name, "post_low"] <= value <= iv.loc[name, "post_high"]
        assert iv.loc[name, "shrinkage"] > 0.8  # the data are informative
        assert iv.loc[name, "post_median"] == pytest.approx(value, abs=0.5)
    assert res.n_accepted == pytest.approx(0.02 * len(theta), abs=2)
    assert res.targets["share_in_range"].min() > res.targets["share_in_range_prior"].max()


def test_abc_accepts_every_draw_inside_all_ranges():
    theta, s, low, high, _ = linear_gaussian_problem(n=2000)
    inside = np.all((s >= low) & (s <= high), axis=1)
    res = abc_rejection(theta, s, low, high, quantile=0.001)
    assert res.n_accepted >= inside.sum() > 0
    assert np.all(res.accepted[inside])


def test_abc_input_errors():
    with pytest.raises(InputError, match="targets"):
        abc_rejection(np.zeros((5, 1)), np.zeros((5, 2)), [0.0], [1.0])
    with pytest.raises(InputError, match="quantile"):
        abc_rejection(np.zeros((5, 1)), np.zeros((5, 1)), [0.0], [1.0], quantile=0.0)
    with pytest.raises(InputError, match="every simulation failed"):
        abc_rejection(np.zeros((5, 1)), np.full((5, 1), np.nan), [0.0], [1.0])


def test_target_value_reductions():
    sc = from_text(toy_text(), "toy.yaml")
    series = pd.DataFrame(
        {
            "date": ["2023-12", "2024-01", "2024-02", "2024-03"],
            "attacks_home": [100.0, 1.0, 5.0, 2.0],
        }
    )
    t = sc.calibration.targets[0].model_copy(update={"end": "2024-03"})
    assert target_value(series, t) == 8.0
    assert target_value(series, t.model_copy(update={"reduce": "mean"})) == pytest.approx(8 / 3)
    assert target_value(series, t.model_copy(update={"reduce": "max"})) == 5.0
    assert target_value(series, t.model_copy(update={"reduce": "last"})) == 2.0
    with pytest.raises(InputError, match="no month"):
        target_value(series, t.model_copy(update={"start": "2030-01", "end": "2030-02"}))
    with pytest.raises(InputError, match="no series column"):
        target_value(series, t.model_copy(update={"metric": "nope"}))


def test_calibration_horizon_runs_to_the_last_target():
    sc = from_text(toy_text(), "toy.yaml")
    assert calibration_months(sc) == 18  # 2023-07 .. 2024-12


def test_calibrate_synthetic_scenario_recovers_truth():
    sc = from_text(toy_text(), "toy.yaml")
    res = calibrate(sc, samples=600, seed=4, quantile=0.08, run=calibration_run)
    iv = res.intervals()
    assert iv.loc[LEGIT, "post_low"] <= TRUE_LEGITIMACY <= iv.loc[LEGIT, "post_high"]
    assert iv.loc[INFLOW, "post_low"] <= TRUE_INFLOW <= iv.loc[INFLOW, "post_high"]
    assert iv.loc[LEGIT, "shrinkage"] > 0.5 and iv.loc[INFLOW, "shrinkage"] > 0.5
    # the model ignores kappa: its posterior stays close to the prior (90% of its range)
    assert iv.loc[KAPPA, "shrinkage"] < 0.35
    assert res.info["months"] == 18 and res.info["start"] == "2023-07"
    assert res.info["fixed"] == {"population.width": 20} and res.info["failed"] == 0


def test_calibrate_holds_overridden_paths_fixed():
    text = toy_text().replace("population.width: 20", "population.legitimacy: 0.5")
    res = calibrate(from_text(text, "t.yaml"), samples=50, run=calibration_run)
    assert LEGIT not in res.names and res.info["fixed"] == {LEGIT: 0.5}


def test_posterior_text_changes_only_the_ranges():
    text = toy_text()
    new = posterior_scenario_text(
        text, {LEGIT: (0.55, 0.675), INFLOW: (9.1234567, 14.5)}, header="calibrated"
    )
    sc = from_text(new, "new.yaml")
    got = {u.path: (u.low, u.high) for u in sc.uncertainties}
    assert got[LEGIT] == (0.55, 0.675)
    assert got[INFLOW] == pytest.approx((9.123, 14.5))
    assert got[KAPPA] == (0.002, 0.008)
    old_lines, new_lines = text.splitlines(), new.splitlines()
    assert new_lines[0] == "# calibrated" and len(new_lines) == len(old_lines) + 1
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines[1:], strict=True)) if a != b]
    assert len(changed) == 2  # one line per uncertainty; comments and layout kept
    assert yaml.safe_load(new)["levers"] == yaml.safe_load(text)["levers"]


def test_posterior_text_block_style_triangular_and_errors():
    text = toy_text().replace(
        '  - {path: extremists.foreign_inflow, low: 0, high: 20, assumption: "toy range"}',
        "  - path: extremists.foreign_inflow\n    low: 0\n    high: 20\n"
        "    dist: triangular\n    mode: 15\n",
    )
    assert from_text(text, "t.yaml")
    new = posterior_scenario_text(text, {INFLOW: (2.0, 9.0)})
    u = {u.path: u for u in from_text(new, "n.yaml").uncertainties}[INFLOW]
    assert (u.low, u.high, u.mode, u.dist) == (2.0, 9.0, 9.0, "triangular")
    with pytest.raises(InputError, match="no uncertainty with path nope"):
        posterior_scenario_text(text, {"nope": (0.0, 1.0)})


def test_posterior_ranges_integer_and_degenerate():
    theta, s, low, high, _ = linear_gaussian_problem(n=500)
    res = abc_rejection(theta, s, low, high, names=["a", "b"], bounds=[[0, 10], [0, 10]])
    r = posterior_ranges(res, {"a": "integer"})
    assert float(r["a"][0]).is_integer() and float(r["a"][1]).is_integer()
    assert r["a"][1] > r["a"][0] and r["b"][1] > r["b"][0]


def test_cli_calibrate_writes_a_valid_scenario(tmp_path):
    import typer

    from pactsim.cli import analysis_cmd

    src = tmp_path / "toy-cal.yaml"
    src.write_text(toy_text(), encoding="utf-8")
    out, png = tmp_path / "posterior.yaml", tmp_path / "abc.png"
    app = typer.Typer()
    analysis_cmd.register(app)
    args = [
        "calibrate",
        str(src),
        "--samples",
        "300",
        "--model",
        "analysis_models:calibration_run",
        "--out",
        str(out),
        "--plot",
        str(png),
    ]
    r = CliRunner().invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["accepted"] == 30 and doc["out"] == str(out)
    sc = from_text(out.read_text(encoding="utf-8"), str(out))
    ranges = {u.path: (u.low, u.high) for u in sc.uncertainties}
    assert ranges[LEGIT][0] <= TRUE_LEGITIMACY <= ranges[LEGIT][1]
    assert ranges[LEGIT][1] - ranges[LEGIT][0] < 0.5 * 0.4
    assert png.read_bytes()[:4] == b"\x89PNG"
    r = CliRunner().invoke(app, args[:-4])
    assert r.exit_code == 0 and "posterior" in r.stdout
    r = CliRunner().invoke(app, ["calibrate", "toy-3-factions", "--samples", "20"])
    assert isinstance(r.exception, InputError) and "no calibration targets" in str(r.exception)


def test_calibrate_in_processes_equals_serial():
    sc = from_text(toy_text(), "toy.yaml")
    serial = calibrate(sc, samples=40, seed=9, run=calibration_run)
    parallel = calibrate(sc, samples=40, seed=9, run=calibration_run, workers=2)
    assert np.array_equal(serial.posterior, parallel.posterior)
    assert np.array_equal(serial.distances, parallel.distances)
    assert any("only" in w for w in serial.info["warnings"])  # 4 accepted draws are too few
