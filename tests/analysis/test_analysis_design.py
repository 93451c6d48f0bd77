"""NSGA-II (Deb et al. 2002, pymoo) finds known Pareto fronts through the same code path as the
robust package design; the package design respects the budget and finds the dominant mode."""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_models import design_run
from typer.testing import CliRunner

from pactsim.analysis.robust import LeverSpace, design_package, reform_probability
from pactsim.analysis.search import nsga2
from pactsim.errors import InputError


def zdt1(x: np.ndarray) -> tuple[np.ndarray, None]:
    """Zitzler, Deb & Thiele (2000) ZDT1: Pareto front f2 = 1 - sqrt(f1), f1 in [0, 1]."""
    f1 = x[:, 0]
    g = 1 + 9 * x[:, 1:].mean(axis=1)
    return np.column_stack([f1, g * (1 - np.sqrt(f1 / g))]), None


def test_nsga2_finds_the_zdt1_front():
    res = nsga2(zdt1, np.zeros(5), np.ones(5), n_obj=2, population=40, generations=80, seed=1)
    f1, f2 = res.F[:, 0], res.F[:, 1]
    assert len(res.F) >= 30
    assert np.max(np.abs(f2 - (1 - np.sqrt(f1)))) < 0.03  # on the true front
    assert f1.min() < 0.02 and f1.max() > 0.95  # and spread along all of it
    assert res.evaluations == 40 * 80
    # the table shows the same points, sorted by the first objective
    assert res.table["f1"].to_numpy() == pytest.approx(np.sort(f1))


def test_nsga2_constrained_convex_pair_and_maximisation():
    """min x^2 and max -(x - 2)^2 subject to x^2 <= 1: Pareto set x in [0, 1]."""

    def evaluate(x):
        f = np.column_stack([x[:, 0] ** 2, (x[:, 0] - 2) ** 2])  # second negated: maximised
        return f, (x[:, 0] ** 2 - 1)[:, None]

    res = nsga2(
        evaluate,
        [-5.0],
        [5.0],
        n_obj=2,
        n_constr=1,
        population=20,
        generations=40,
        seed=0,
        objectives=["a", "b"],
        senses=["min", "max"],
    )
    assert res.X.min() > -0.01 and res.X.max() <= 1.0 + 1e-9
    assert res.X.max() > 0.95 and res.X.min() < 0.05
    assert np.all(res.G <= 1e-9)
    assert np.all(res.table["b"] <= 0)  # shown with its natural sign: -(x-2)^2


def test_nsga2_rejects_bad_bounds():
    with pytest.raises(InputError, match="high > low"):
        nsga2(zdt1, np.ones(2), np.ones(2), n_obj=2)


def test_lever_space_decodes_every_kind(toy):
    space = LeverSpace(list(toy.levers))
    lo, hi = space.bounds()
    assert lo.tolist() == [0.0, 0.0, 0.0] and hi.tolist() == [2000.0, 3.0, 2.0]
    v = space.decode(np.array([1234.5, 2.9999, 0.2]))
    assert v == {
        "package.instruments.aid.value": 1234.5,
        "package.instruments.aid.mode": "reciprocal",
        "package.instruments.repair.enabled": True,
    }
    assert space.decode(hi)["package.instruments.aid.mode"] == "reciprocal"  # upper end kept


def test_reform_probability_needs_every_milestone():
    runs = [{"reached_a": 1.0, "reached_b": 1.0}, {"reached_a": 1.0, "reached_b": 0.0}]
    assert reform_probability(runs) == 0.5
    assert reform_probability([{"milestones_share": 0.25}, {"milestones_share": 0.75}]) == 0.5


def test_robust_design_on_a_model_with_a_known_pareto_set(toy):
    res = design_package(
        toy, budget=900, generations=25, population=24, samples=6, seed=2, run=design_run
    )
    t = res.table
    assert res.objectives == ["reform_probability", "cost", "attacks", "tension"]
    assert np.all(t["cost"] <= 900 + 1e-9)  # the budget binds expected cost
    # milestone payment dominates: every paid package on the front uses it
    paid = t[t["cost"] > 1.0]
    assert len(paid) > 0 and set(paid["package.instruments.aid.mode"]) == {"milestone"}
    # reaching the reform in every world costs at least the largest sampled threshold (<= 800)
    assert t["reform_probability"].max() == 1.0
    assert t.loc[t["reform_probability"] == 1.0, "cost"].min() < 850
    # repair trades attacks against tension: both sides of the trade are on the front
    assert set(t["package.instruments.repair.enabled"]) == {True, False}
    # a candidate is judged in the same worlds as every other (common random numbers)
    assert res.info["runs"] == (res.info["candidates"] + 1) * 6


def test_robust_design_errors(toy):
    with pytest.raises(InputError, match="--policy"):
        design_package(toy, policy="nope", run=design_run)
    with pytest.raises(InputError, match="cost_total"):
        design_package(
            toy,
            run=lambda *a, **k: type("R", (), {"summary": {"x": 1.0}})(),
            generations=1,
            population=4,
            samples=1,
        )


def test_cli_design(tmp_path):
    import typer

    from pactsim.cli import analysis_cmd

    app = typer.Typer()
    analysis_cmd.register(app)
    png = tmp_path / "pareto.png"
    args = [
        "design",
        "toy-3-factions",
        "--budget",
        "700",
        "--generations",
        "5",
        "--population",
        "8",
        "--samples",
        "3",
        "--model",
        "analysis_models:design_run",
        "--plot",
        str(png),
    ]
    r = CliRunner().invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["budget"] == 700 and all(p["cost"] <= 700 for p in doc["pareto"])
    assert png.read_bytes()[:4] == b"\x89PNG"
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0 and "Pareto set" in r.stdout


def test_robust_design_in_processes_equals_serial(toy):
    kw = {"budget": 900, "generations": 3, "population": 8, "samples": 3, "seed": 4}
    serial = design_package(toy, run=design_run, **kw)
    parallel = design_package(toy, run=design_run, workers=2, **kw)
    assert serial.table.equals(parallel.table)
