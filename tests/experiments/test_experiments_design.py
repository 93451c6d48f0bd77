"""Samplers: values respect ranges and distributions; SALib designs have the expected shapes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from pactsim.errors import InputError
from pactsim.experiments.design import Parameter, make_design, parameters, run_seed

U = Parameter("a.u", "uncertainty", "uniform", 2.0, 5.0)
LOG = Parameter("a.log", "uncertainty", "loguniform", 0.01, 10.0)
TRI = Parameter("a.tri", "uncertainty", "triangular", 0.0, 10.0, mode=2.0)
INT = Parameter("a.int", "uncertainty", "integer", 1.0, 4.0)
CAT = Parameter("a.cat", "lever", "categorical", values=("x", "y", True))
ALL = [U, LOG, TRI, INT, CAT]


def column(design, path):
    return np.array([v[path] for v in design.values], dtype=object)


def test_lhs_values_respect_ranges_and_distributions():
    d = make_design(ALL, "lhs", 2000, seed=3)
    u = column(d, "a.u").astype(float)
    assert u.min() >= 2.0 and u.max() <= 5.0
    # Latin hypercube: exactly one point in each of the n equal strata of every column
    strata = np.floor((u - 2.0) / 3.0 * 2000).astype(int)
    assert sorted(strata) == list(range(2000))
    lg = column(d, "a.log").astype(float)
    assert lg.min() >= 0.01 and lg.max() <= 10.0
    assert stats.kstest(lg, stats.loguniform(0.01, 10.0).cdf).pvalue > 0.01
    tri = column(d, "a.tri").astype(float)
    assert tri.min() >= 0.0 and tri.max() <= 10.0
    assert stats.kstest(tri, stats.triang(c=0.2, loc=0.0, scale=10.0).cdf).pvalue > 0.01
    ints = column(d, "a.int").astype(float)
    assert set(ints) == {1.0, 2.0, 3.0, 4.0}
    assert np.allclose(np.bincount(ints.astype(int))[1:] / 2000, 0.25, atol=0.01)
    cats = list(column(d, "a.cat"))
    assert {cats.count("x"), cats.count("y"), cats.count(True)} <= set(range(660, 674))


def test_designs_are_deterministic_in_the_seed():
    a = make_design(ALL, "lhs", 50, seed=1).values
    assert a == make_design(ALL, "lhs", 50, seed=1).values
    assert a != make_design(ALL, "lhs", 50, seed=2).values


def test_sobol_design_shape_matches_saltelli_scheme():
    from SALib.analyze import sobol

    params = [U, LOG, TRI]
    d = make_design(params, "sobol", 64, seed=0)
    assert d.n_worlds == 64 * (2 * 3 + 2) and d.unit.shape == (64 * 8, 3)
    d1 = make_design(params, "sobol", 64, seed=0, options={"calc_second_order": False})
    assert d1.n_worlds == 64 * (3 + 2)
    # SALib accepts the stored problem and a Y of the design's length
    x = np.array([[v[p.path] for p in params] for v in d.values], dtype=float)
    y = x[:, 0] * 10 + x[:, 1]  # depends on the first two only
    si = sobol.analyze(d.problem(), y, seed=0)
    assert si["S1"][0] > 0.8 and abs(si["ST"][2]) < 0.02
    with pytest.raises(InputError, match="power of 2"):
        make_design(params, "sobol", 60)


def test_morris_design_shape_and_levels():
    d = make_design([U, INT, CAT], "morris", 10, seed=0, options={"num_levels": 4})
    assert d.n_worlds == 10 * (3 + 1)
    assert set(np.round(d.unit.ravel(), 9)) <= {0.0, round(1 / 3, 9), round(2 / 3, 9), 1.0}
    u = column(d, "a.u").astype(float)
    assert u.min() >= 2.0 and u.max() <= 5.0
    # each trajectory moves one parameter at a time
    steps = np.abs(np.diff(d.unit.reshape(10, 4, 3), axis=1)) > 1e-12
    assert (steps.sum(axis=2) == 1).all()


def test_factorial_grid():
    d = make_design([U, INT, CAT], "factorial", 3)
    assert d.n_worlds == 3 * 3 * 3
    assert sorted(set(column(d, "a.u").astype(float))) == [2.0, 3.5, 5.0]
    assert sorted(set(column(d, "a.int").astype(float))) == [1.0, 2.0, 4.0]


def test_run_seeds_are_independent_of_everything_but_world_and_replication():
    seeds = {run_seed(7, w, r) for w in range(100) for r in range(5)}
    assert len(seeds) == 500
    assert all(0 <= s < 2**63 for s in seeds)
    assert run_seed(7, 3, 1) == run_seed(7, 3, 1) != run_seed(8, 3, 1)


def test_scenario_parameters_and_bad_input():
    import pactsim

    sc = pactsim.load("toy-3-factions")
    ps = parameters(sc)
    assert [p.path for p in ps] == [u.path for u in sc.uncertainties]
    with_levers = parameters(sc, levers=True)
    assert len(with_levers) == len(sc.uncertainties) + len(sc.levers)
    cat = next(p for p in with_levers if p.path == "package.instruments.aid.mode")
    assert cat.values == ("unconditional", "milestone", "reciprocal")
    with pytest.raises(InputError, match="unknown sampler"):
        make_design(ps, "grid", 10)
    with pytest.raises(InputError, match="at least 1"):
        make_design(ps, "lhs", 0)
    assert math.isclose(U.transform(np.array([0.5]))[0], 3.5)
