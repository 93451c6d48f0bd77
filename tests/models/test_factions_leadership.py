"""The leadership's choice of reform levels: brute force over every combination, ties, cash."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactsim.models.factions.leadership import Candidates, _pareto, choose_levels


def cand(levels, payoff, cash, current=0.0) -> Candidates:  # type: ignore[no-untyped-def]
    return Candidates(
        np.asarray(levels, dtype=float),
        np.asarray(payoff, dtype=float),
        np.asarray(cash, dtype=float),
        float(current),
    )


def totals(options: list[Candidates], picks: list[int] | tuple[int, ...]) -> tuple[float, ...]:
    """(payoff, cash, distance from the current levels) of one combination."""
    pay = sum(float(o.payoff[j]) for o, j in zip(options, picks, strict=True))
    cash = sum(float(o.cash[j]) for o, j in zip(options, picks, strict=True))
    dist = sum(abs(float(o.levels[j]) - o.current) for o, j in zip(options, picks, strict=True))
    return pay, cash, dist


# ------------------------------------------------------------------------------- by hand
def test_no_issues() -> None:
    assert choose_levels([], 5.0) == ([], True)


def test_best_affordable_payoff_by_hand() -> None:
    # issue A: levels 0/50/100 pay 0/6/10 for cash 0/2/5; issue B: 0/100 pays 0/7 for cash 0/4.
    # With cash 6: A=100 + B=0 pays 10 (cash 5); A=50 + B=100 pays 13 (cash 6): the best.
    a = cand([0, 50, 100], [0, 6, 10], [0, 2, 5])
    b = cand([0, 100], [0, 7], [0, 4])
    assert choose_levels([a, b], 6.0) == ([1, 1], True)
    # with cash 5.5: A=100 alone (10) beats A=0 + B=100 (7) and A=50 alone (6)
    assert choose_levels([a, b], 5.5) == ([2, 0], True)
    # with plenty of cash: both at the top, 17
    assert choose_levels([a, b], 100.0) == ([2, 1], True)


def test_a_combination_costing_exactly_the_cash_is_affordable() -> None:
    a = cand([0, 100], [0, 5], [0, 3])
    assert choose_levels([a], 3.0) == ([1], True)
    assert choose_levels([a], 2.999) == ([0], True)
    # even where cash + 1e-12 rounds back to cash
    big = cand([0, 100], [0, 5], [0, 2.0**20])
    assert choose_levels([big], 2.0**20) == ([1], True)
    assert choose_levels([big], 2.0**20 - 1.0) == ([0], True)


def test_cost_just_over_the_cash_is_not_affordable() -> None:
    a = cand([0, 100], [0, 5], [0.5, 2.5])
    assert choose_levels([a], 2.0) == ([0], True)
    assert choose_levels([a], 0.25) == ([0], False)


def test_unaffordable_returns_the_cheapest_with_false() -> None:
    # every level costs something and the cash is short: the cheapest combination, flagged
    a = cand([10, 20, 30], [9, 1, 5], [3, 1, 2])
    b = cand([40, 60], [0, 8], [5, 2])
    assert choose_levels([a, b], 2.0) == ([1, 1], False)
    assert choose_levels([a, b], 0.0) == ([1, 1], False)


def test_negative_payoffs_are_avoided_when_something_better_is_affordable() -> None:
    a = cand([0, 50], [-3, -1], [0, 0])
    assert choose_levels([a], 0.0) == ([1], True)


# ------------------------------------------------------------------------------- ties
def test_ties_go_to_the_current_level() -> None:
    # nothing offered, every level free: stay where you are
    free = cand([0, 25, 50, 75, 100], [0] * 5, [0] * 5, current=50)
    assert choose_levels([free], 0.0) == ([2], True)
    high = cand([0, 25, 50, 75, 100], [0] * 5, [0] * 5, current=100)
    assert choose_levels([high], 0.0) == ([4], True)
    # the current level between two candidates: the nearer one
    between = cand([0, 30, 100], [0] * 3, [0] * 3, current=40)
    assert choose_levels([between], 0.0) == ([1], True)


def test_ties_go_to_the_nearest_levels_over_several_issues() -> None:
    # cash 1 pays for one of the two reforms, each worth 4: (A=100, B=0) or (A=0, B=100)
    a = cand([0, 100], [0, 4], [0, 1], current=80)
    b = cand([0, 100], [0, 4], [0, 1], current=10)
    # distances 20 + 10 = 30 against 80 + 90 = 170
    assert choose_levels([a, b], 1.0) == ([1, 0], True)
    a = cand([0, 100], [0, 4], [0, 1], current=10)
    b = cand([0, 100], [0, 4], [0, 1], current=80)
    assert choose_levels([a, b], 1.0) == ([0, 1], True)


def test_a_higher_payoff_beats_staying_put() -> None:
    # one unit more payoff outweighs moving the whole scale
    a = cand([0, 100], [1, 0], [0, 0], current=100)
    assert choose_levels([a], 0.0) == ([0], True)


def test_ties_in_cost_when_unaffordable_go_to_the_first_cheapest() -> None:
    a = cand([0, 50], [0, 3], [4, 4], current=50)
    picks, ok = choose_levels([a], 1.0)
    assert not ok and picks in ([0], [1])


# --------------------------------------------------------------------------- brute force
def instances() -> st.SearchStrategy[tuple[list[Candidates], float]]:
    level = st.integers(0, 100)
    issue = st.integers(1, 4).flatmap(
        lambda k: st.tuples(
            st.lists(level, min_size=k, max_size=k, unique=True),
            st.lists(st.integers(-5, 20), min_size=k, max_size=k),
            st.lists(st.integers(0, 10), min_size=k, max_size=k),
            level,
        )
    )
    return st.tuples(st.lists(issue, min_size=1, max_size=3), st.integers(0, 25)).map(
        lambda t: ([cand(*i) for i in t[0]], float(t[1]))
    )


@settings(max_examples=300, deadline=None)
@given(instances())
def test_agrees_with_brute_force(instance: tuple[list[Candidates], float]) -> None:
    options, cash = instance
    picks, ok = choose_levels(options, cash)
    assert len(picks) == len(options)
    assert all(0 <= j < len(o.levels) for o, j in zip(options, picks, strict=True))
    every = [
        totals(options, c) for c in itertools.product(*(range(len(o.levels)) for o in options))
    ]
    pay, spent, dist = totals(options, picks)
    affordable = [t for t in every if t[1] <= cash]
    if not affordable:
        assert not ok
        assert spent == min(t[1] for t in every)
        return
    assert ok
    assert spent <= cash
    best = max(t[0] for t in affordable)
    assert pay == best  # integer payoffs: the tie-break never trades away a unit of payoff
    # among the best, the levels nearest the current ones
    assert dist == min(t[2] for t in affordable if t[0] == best)


# ----------------------------------------------------------------------------- the front
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=12))
def test_pareto_keeps_exactly_the_efficient_points(points: list[tuple[int, int]]) -> None:
    cash = np.array([c for c, _ in points], dtype=float)
    pay = np.array([p for _, p in points], dtype=float)
    keep = _pareto(cash, pay)
    assert keep.dtype == np.intp
    kept = [points[j] for j in keep]
    efficient = {
        (c, p)
        for c, p in points
        if not any(c2 <= c and p2 >= p and (c2, p2) != (c, p) for c2, p2 in points)
    }
    assert sorted(kept) == sorted(efficient)  # each efficient point once, nothing dominated
    assert [c for c, _ in kept] == sorted(c for c, _ in kept)  # cheapest first


def test_pareto_by_hand() -> None:
    cash = np.array([3.0, 1.0, 2.0, 1.0, 5.0])
    pay = np.array([4.0, 2.0, 1.0, 3.0, 4.0])
    # (1, 3) beats (1, 2) and (2, 1); (3, 4) beats (5, 4)
    assert _pareto(cash, pay).tolist() == [3, 0]


def test_pareto_of_nothing_is_an_empty_index() -> None:
    keep = _pareto(np.zeros(0), np.zeros(0))
    assert keep.dtype == np.intp and keep.shape == (0,)
    assert np.zeros(0)[keep].shape == (0,)  # usable as an index even when empty


def test_choice_is_unchanged_by_the_order_of_candidates() -> None:
    a = cand([0, 50, 100], [0, 6, 10], [0, 2, 5])
    rev = cand([100, 50, 0], [10, 6, 0], [5, 2, 0])
    assert choose_levels([a], 3.0) == ([1], True)
    assert choose_levels([rev], 3.0) == ([1], True)


@pytest.mark.parametrize("cash", [0.0, 1.0, 2.0, 4.0, 7.0])
def test_more_cash_never_lowers_the_payoff(cash: float) -> None:
    a = cand([0, 30, 60, 90], [0, 3, 5, 9], [0, 1, 3, 6])
    b = cand([0, 50, 100], [0, 2, 6], [0, 1, 4])
    lo = totals([a, b], choose_levels([a, b], cash)[0])[0]
    hi = totals([a, b], choose_levels([a, b], cash + 1.0)[0])[0]
    assert hi >= lo
