"""Buy-off model: a hand-worked case, brute force, monotonicity, batching and bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from pactsim.errors import InputError
from pactsim.models.factions import (
    max_affordable_reform,
    max_affordable_reform_batch,
    min_budget,
    min_budget_batch,
    payment_needed,
)

# Three factions of the bundled toy scenario: Hardliners, Pragmatists, Moderates.
W = [5, 3, 2]
Q = 6
X = [5.0, 50.0, 80.0]
K = [0.004, 0.002, 0.001]
RHO = [0.3, 0.1, 0.0]


# ------------------------------------------------------------------------- hand-worked case
def test_three_factions_by_hand() -> None:
    # Winning coalitions: {H,P}, {H,M}, {H,P,M} (P+M = 5 < 6), so H is needed and is paid
    # 0.004 (r-5)^2; M is free up to r = 80. With B = 10: r = 5 + sqrt(10/0.004) = 55, coalition
    # {H, M}, P (ideal 50) is outvoted, spoilers = 0.3 * 5 = 1.5 of 10 weight units.
    res = max_affordable_reform(W, Q, X, K, 2.0, 10.0, principled_share=RHO)
    assert res.reform == pytest.approx(55.0, abs=1e-8)
    assert res.coalition.tolist() == [True, False, True]
    np.testing.assert_allclose(res.payments, [10.0, 0.0, 0.0], atol=1e-7)
    assert res.cost <= 10.0 and res.cost == pytest.approx(10.0, abs=1e-7)
    assert res.spoilers.tolist() == [1.5, 0.0, 0.0]
    assert res.spoiler_share == pytest.approx(0.15)
    assert res.opposed.tolist() == [False, True, False]
    assert res.compromised.tolist() == [True, False, False]
    assert res.feasible

    # B = 30: beyond r = 80 M must be paid too (0.001 (r-80)^2 < P's 0.002 (r-50)^2), so
    # 0.004 (r-5)^2 + 0.001 (r-80)^2 = 30, i.e. r^2 - 40 r - 4700 = 0, r = 20 + sqrt(5100).
    res = max_affordable_reform(W, Q, X, K, 2.0, 30.0, principled_share=RHO)
    r = 20 + np.sqrt(5100)
    assert res.reform == pytest.approx(r, abs=1e-8)
    np.testing.assert_allclose(res.payments, [0.004 * (r - 5) ** 2, 0, 0.001 * (r - 80) ** 2])
    assert res.compromised.tolist() == [True, False, True]
    assert res.spoilers.tolist() == [1.5, 0.0, 0.0]  # moderates have no principled share

    # Full reform costs 0.004 * 95^2 + 0.001 * 20^2 = 36.5: any larger budget reaches r_max.
    full = min_budget(W, Q, X, K, 2.0, 100.0)
    assert full.cost == pytest.approx(36.5)
    assert max_affordable_reform(W, Q, X, K, 2.0, 36.5 + 1e-9).reform == 100.0
    assert max_affordable_reform(W, Q, X, K, 2.0, 50.0, r_max=70.0).reform == 70.0

    # Minimum budget for r = 60: H alone is paid 0.004 * 55^2 = 12.1.
    t60 = min_budget(W, Q, X, K, 2.0, 60.0, principled_share=RHO)
    assert t60.cost == pytest.approx(12.1) and t60.reform == 60.0
    assert t60.coalition.tolist() == [True, False, True]

    # With a veto for the Pragmatists they must be in and paid 0.002 * 10^2 = 0.2 more.
    vetoed = min_budget(W, Q, X, K, 2.0, 60.0, veto=[1])
    assert vetoed.cost == pytest.approx(12.3)
    assert vetoed.coalition.tolist() == [True, True, True]


def test_free_reform_and_zero_budget() -> None:
    # Up to the second-highest ideal that still makes a winning coalition, no money is needed:
    # the cheapest coalition at r <= 5 is everyone, for free.
    res = max_affordable_reform(W, Q, X, K, 2.0, 0.0)
    assert res.reform == pytest.approx(5.0, abs=1e-8) and res.cost == 0.0
    assert payment_needed(60.0, X, K).tolist() == pytest.approx([12.1, 0.2, 0.0])


def test_unaffordable_floor_is_reported() -> None:
    res = max_affordable_reform(W, Q, X, K, 2.0, 1.0, r_min=40.0)
    assert not res.feasible and res.reform == 40.0 and res.cost > 1.0


def test_leadership_is_paid_like_any_member() -> None:
    # A veto-holding leadership whose ideal is below r is paid from the same budget.
    res = min_budget(
        [5, 4, 3, 1], 7, [8, 20, 40, 60], [0.02, 0.01, 0.004, 0.002], 2.0, 30.0, veto=[0]
    )
    assert res.payments[0] == pytest.approx(0.02 * 22**2)
    assert res.coalition.tolist() == [True, False, True, True]


# ----------------------------------------------------------------------------- brute force
def brute_cost(w, q, x, k, a, veto, r) -> float:
    n = len(w)
    pay = [k[f] * max(0.0, r - x[f]) ** a for f in range(n)]
    best = np.inf
    for bits in itertools.product([0, 1], repeat=n):
        members = [f for f in range(n) if bits[f]]
        if sum(w[f] for f in members) >= q and all(bits[f] for f in range(n) if veto[f]):
            best = min(best, sum(pay[f] for f in members))
    return best


def brute_max_reform(w, q, x, k, a, veto, budget, r_max) -> float:
    """max over winning coalitions S of the largest r with C_S(r) <= B (C_S nondecreasing)."""
    n = len(w)
    best = 0.0
    for bits in itertools.product([0, 1], repeat=n):
        members = [f for f in range(n) if bits[f]]
        if sum(w[f] for f in members) < q or any(veto[f] and not bits[f] for f in range(n)):
            continue

        def excess(r: float, members: list[int] = members) -> float:
            return sum(k[f] * max(0.0, r - x[f]) ** a for f in members) - budget

        r_s = r_max if excess(r_max) <= 0 else brentq(excess, 0.0, r_max, xtol=1e-13)
        best = max(best, r_s)
    return best


@st.composite
def councils(draw: st.DrawFn, max_n: int = 7) -> dict:
    n = draw(st.integers(1, max_n))
    w = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    return {
        "w": w,
        "q": draw(st.integers(1, sum(w))),
        "x": draw(st.lists(st.floats(0, 100), min_size=n, max_size=n)),
        "k": draw(st.lists(st.floats(0.0005, 0.05), min_size=n, max_size=n)),
        "a": draw(st.sampled_from([1.0, 1.5, 2.0, 3.0])),
        "veto": draw(st.lists(st.booleans(), min_size=n, max_size=n))
        if draw(st.booleans())
        else [False] * n,
        "rho": draw(st.lists(st.floats(0, 1), min_size=n, max_size=n)),
    }


@settings(max_examples=80, deadline=None)
@given(councils(), st.floats(0.0, 100.0))
def test_min_budget_equals_brute_force(c: dict, target: float) -> None:
    res = min_budget(
        c["w"], c["q"], c["x"], c["k"], c["a"], target, veto=c["veto"], principled_share=c["rho"]
    )
    expected = brute_cost(c["w"], c["q"], c["x"], c["k"], c["a"], c["veto"], target)
    assert res.cost == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # the coalition returned wins, holds every veto, and is paid exactly what it needs
    assert sum(np.asarray(c["w"])[res.coalition]) >= c["q"]
    assert all(res.coalition[np.asarray(c["veto"], bool)])
    need = payment_needed(target, c["x"], c["k"], c["a"])
    np.testing.assert_allclose(res.payments, np.where(res.coalition, need, 0.0))
    assert res.payments.sum() == pytest.approx(res.cost, rel=1e-12, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(councils(max_n=6), st.floats(0.01, 60.0))
def test_max_reform_equals_brute_force(c: dict, budget: float) -> None:
    res = max_affordable_reform(c["w"], c["q"], c["x"], c["k"], c["a"], budget, veto=c["veto"])
    expected = brute_max_reform(c["w"], c["q"], c["x"], c["k"], c["a"], c["veto"], budget, 100.0)
    assert res.reform == pytest.approx(expected, abs=1e-7)
    assert res.cost <= budget * (1 + 1e-12)
    assert res.cost == pytest.approx(
        brute_cost(c["w"], c["q"], c["x"], c["k"], c["a"], c["veto"], res.reform), abs=1e-12
    )


# ---------------------------------------------------------------------------- monotonicity
@settings(max_examples=40, deadline=None)
@given(councils(), st.lists(st.floats(0.0, 200.0), min_size=2, max_size=30))
def test_more_budget_never_lowers_reform(c: dict, budgets: list[float]) -> None:
    b = np.sort(np.asarray(budgets))
    batch = max_affordable_reform_batch(c["w"], c["q"], c["x"], c["k"], c["a"], b, veto=c["veto"])
    assert np.all(np.diff(batch.reform) >= -1e-9)
    assert np.all(batch.cost <= b * (1 + 1e-12) + 1e-15)


@settings(max_examples=40, deadline=None)
@given(councils(), st.integers(0, 6), st.floats(1.0, 10.0), st.floats(0.0, 100.0))
def test_higher_ideological_cost_never_lowers_price(
    c: dict, which: int, factor: float, target: float
) -> None:
    f = which % len(c["w"])
    k2 = list(c["k"])
    k2[f] *= factor
    kappas = np.array([c["k"], k2])
    batch = min_budget_batch(c["w"], c["q"], c["x"], kappas, c["a"], target, veto=c["veto"])
    assert batch.cost[1] >= batch.cost[0] * (1 - 1e-12)
    reach = max_affordable_reform_batch(c["w"], c["q"], c["x"], kappas, c["a"], 5.0, veto=c["veto"])
    assert reach.reform[1] <= reach.reform[0] + 1e-9


# -------------------------------------------------------------------------------- batching
def test_batch_equals_single_calls_bit_for_bit() -> None:
    rng = np.random.default_rng(7)
    budgets = rng.uniform(0, 40, 50)
    kappas = rng.uniform(0.001, 0.01, (50, 3))
    batch = max_affordable_reform_batch(W, Q, X, kappas, 2.0, budgets, principled_share=RHO)
    assert len(batch) == 50
    for i in range(50):
        one = max_affordable_reform(W, Q, X, kappas[i], 2.0, budgets[i], principled_share=RHO)
        assert one.reform == batch.reform[i] and one.cost == batch.cost[i]
        assert (one.coalition == batch.coalition[i]).all()
        assert (one.spoilers == batch.spoilers[i]).all()
    again = max_affordable_reform_batch(W, Q, X, kappas, 2.0, budgets, principled_share=RHO)
    assert (again.reform == batch.reform).all()


def test_ties_prefer_fewer_spoilers() -> None:
    # Two interchangeable free-of-cost partners (kappa 0): the one without principled members.
    res = min_budget(
        [2, 1, 1], 3, [0, 0, 0], [1.0, 0.0, 0.0], 2.0, 10.0, principled_share=[0.0, 0.5, 0.1]
    )
    assert res.coalition.tolist() == [True, False, True]


# ------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": [5, 0, 2]}, "weight of player 2 is 0"),
        ({"quota": 11}, "above the total weight 10"),
        ({"weights": []}, "empty"),
        ({"ideal": [5.0, 50.0]}, "ideal has 2 values"),
        ({"kappa": [0.004, -0.1, 0.001]}, "kappa"),
        ({"alpha": 0.0}, "alpha"),
        ({"budget": -1.0}, "budget must be >= 0"),
        ({"budget": float("nan")}, "budget contains NaN"),
        ({"principled_share": [0.1, 1.5, 0.0]}, "principled_share"),
        ({"budget": [1.0, 2.0], "kappa": np.ones((3, 3))}, "batch"),
    ],
)
def test_bad_input_is_refused(kwargs: dict, message: str) -> None:
    args = {"weights": W, "quota": Q, "ideal": X, "kappa": K, "alpha": 2.0, "budget": 10.0}
    args.update(kwargs)
    extra = {k: args.pop(k) for k in ["principled_share"] if k in args}
    fn = max_affordable_reform_batch
    with pytest.raises(InputError, match=message):
        fn(
            args["weights"],
            args["quota"],
            args["ideal"],
            args["kappa"],
            args["alpha"],
            args["budget"],
            **extra,
        )
