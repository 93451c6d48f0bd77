"""PRIM scenario discovery recovers a planted box (Friedman & Fisher 1999; Bryant & Lempert
2010); the --where parser accepts exactly '<name> <op> <number>'."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from analysis_models import toy_bounds
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from pactsim.analysis.condition import parse_condition
from pactsim.analysis.discovery import discover, prim_boxes
from pactsim.analysis.store import discover_from_store
from pactsim.errors import InputError


def planted(n: int = 2000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Five uniform parameters; the cases of interest are a > 0.6 and c < 0.3 (mass 0.12),
    with 3% label noise everywhere."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(n, 5)), columns=list("abcde"))
    inside = (x["a"] > 0.6) & (x["c"] < 0.3)
    flip = rng.uniform(size=n) < 0.03
    return x, np.asarray(inside ^ flip), np.asarray(inside)


def test_prim_recovers_a_planted_box():
    x, y, truth = planted()
    res = prim_boxes(x, y, threshold=0.8)
    assert len(res.boxes) == 1
    box = res.boxes[0]
    assert set(box.limits.index) == {"a", "c"}  # only the planted dimensions are restricted
    assert box.limits.loc["a", "lower"] == pytest.approx(0.6, abs=0.04)
    assert box.limits.loc["c", "upper"] == pytest.approx(0.3, abs=0.04)
    # as good as the planted box itself (label noise caps both below 1)
    ideal_coverage = (y & truth).sum() / y.sum()
    ideal_density = (y & truth).sum() / truth.sum()
    assert box.coverage == pytest.approx(ideal_coverage, abs=0.04)
    assert box.density == pytest.approx(ideal_density, abs=0.04)
    # the reported statistics agree with a direct count
    inside = box.contains(x)
    assert inside.sum() == box.n and y[inside].sum() == box.k
    assert box.coverage == pytest.approx(box.k / y.sum())
    assert box.density == pytest.approx(box.k / box.n)
    assert box.mass == pytest.approx(box.n / len(x))
    # the trajectory starts with the whole space and ends at the densest box
    t = box.trajectory
    assert t["mass"].iloc[0] == 1.0 and t["coverage"].iloc[0] == 1.0
    assert t["density"].iloc[0] == pytest.approx(y.mean())
    q = box.limits[["qp_lower", "qp_upper"]].to_numpy()
    assert np.nanmax(q) < 1e-6  # both restrictions are significant


def test_prim_finds_a_second_box_and_condition_direction():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.uniform(size=(3000, 3)), columns=["u", "v", "w"])
    out = np.where((x.u < 0.25) | (x.v > 0.8), 0.0, 100.0)  # failure in two separate slabs
    res = discover(x, out, "reform < 50", max_boxes=2, threshold=0.9)
    assert res.n_interest == int((out < 50).sum())
    assert len(res.boxes) == 2  # the second box is found among the runs outside the first
    lims = [b.limits for b in res.boxes]
    u_box = [b for b in lims if "u" in b.index and b.loc["u", "upper"] < 0.5]
    v_box = [b for b in lims if "v" in b.index and b.loc["v", "lower"] > 0.5]
    assert len(u_box) == 1 and len(v_box) == 1
    assert u_box[0].loc["u", "upper"] == pytest.approx(0.25, abs=0.03)
    assert v_box[0].loc["v", "lower"] == pytest.approx(0.8, abs=0.03)
    assert all(b.density >= 0.9 for b in res.boxes)
    ok = discover(x, out, "reform >= 50", threshold=0.9)  # success: the complement
    assert ok.boxes[0].limits.loc["u", "lower"] == pytest.approx(0.25, abs=0.03)


def test_prim_with_no_case_of_interest():
    x, _, _ = planted(200)
    res = discover(x, np.zeros(200), "y > 1")
    assert res.boxes == [] and res.info["message"] == "no run meets the condition"


@pytest.mark.parametrize(
    ("text", "name", "op", "value"),
    [
        ("reform_36m < 50", "reform_36m", "<", 50.0),
        ("x>=-1.5e2", "x", ">=", -150.0),
        ("  inclusive_by_36m == 0 ", "inclusive_by_36m", "==", 0.0),
        ("a.b != .5", "a.b", "!=", 0.5),
        ("y <= 3", "y", "<=", 3.0),
        ("y > 3.", "y", ">", 3.0),
    ],
)
def test_parse_condition(text, name, op, value):
    c = parse_condition(text)
    assert (c.name, c.op, c.value) == (name, op, value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "reform",
        "reform < ",
        "< 5",
        "reform << 5",
        "reform < 5 and 1",
        "__import__('os').system('true') < 1",
        "reform < abc",
        "1 < 2",
        "reform = 5",
    ],
)
def test_parse_condition_rejects(text):
    with pytest.raises(InputError, match="--where"):
        parse_condition(text)


@given(st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
def test_condition_matches_python_comparison(v, op):
    c = parse_condition(f"z {op} {v!r}")
    values = np.array([v - 1.0, v, v + 1.0, c.value])
    expected = [eval(f"{a!r} {op} {c.value!r}") for a in values]  # reference only, in the test
    assert c(values).tolist() == expected


def test_discover_from_store_finds_the_planted_failure(lhs_store, toy):
    res = discover_from_store(lhs_store, "fails == 1")
    box = res.boxes[0]
    legit, _kappa, inflow = toy_bounds(toy)
    assert set(box.limits.index) == {legit, inflow}
    lo, hi = toy_bounds(toy)[legit]
    assert box.limits.loc[legit, "lower"] == pytest.approx(lo + 0.5 * (hi - lo), rel=0.05)
    lo, hi = toy_bounds(toy)[inflow]
    assert box.limits.loc[inflow, "upper"] == pytest.approx(lo + 0.3 * (hi - lo), rel=0.08)
    assert box.density > 0.95 and box.coverage > 0.9


def test_cli_discover(lhs_store, tmp_path):
    import typer

    from pactsim.cli import analysis_cmd

    app = typer.Typer()
    analysis_cmd.register(app)
    png = tmp_path / "prim.png"
    r = CliRunner().invoke(
        app,
        [
            "analyze",
            "discover",
            str(lhs_store),
            "--outcome",
            "fails",
            "--where",
            "fails == 1",
            "--json",
            "--plot",
            str(png),
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["condition"] == "fails == 1" and len(doc["boxes"]) == 1
    assert {"coverage", "density", "mass", "trajectory", "limits"} <= set(doc["boxes"][0])
    assert png.stat().st_size > 10_000
    r = CliRunner().invoke(
        app, ["analyze", "discover", str(lhs_store), "--outcome", "fails", "--where", "> 0.5"]
    )
    assert r.exit_code == 0 and "coverage" in r.stdout and "peeling trajectory" in r.stdout
    r = CliRunner().invoke(app, ["analyze", "discover", str(lhs_store), "--where", "y ~ 1"])
    assert isinstance(r.exception, InputError)
