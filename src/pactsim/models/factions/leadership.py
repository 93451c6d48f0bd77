"""The leadership's choice of reform levels: one level per issue, the best net payoff it can pay.

The leading faction picks, on each issue, one candidate level. Candidate c on issue i has a net
payoff v_ic (what the level unlocks minus what holding it costs, both in present value) and a
cash cost p_ic this month (the side payments of the cheapest winning coalition at that level).
It maximises sum_i v_ic subject to sum_i p_ic <= cash: a multiple-choice knapsack (Kellerer,
Pferschy & Pisinger 2004, ch. 11), solved exactly by merging the issues' (cost, payoff) lists and
keeping only the Pareto-efficient combinations (no other costs less and pays more).

Ties (the same payoff, as when nothing is offered and every level is free) go to the levels
nearest the current ones: the leadership does not move without a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Candidates", "choose_levels"]

#: Preference for staying put: payoff given up per point moved [USD million]. Small enough
#: to decide only between options whose payoffs are equal (1 USD a point).
STAY = 1e-6


@dataclass(frozen=True)
class Candidates:
    """The options on one issue: levels, net payoff [USD M, present value], cash cost this
    month [USD M], and the current level (for the tie-break)."""

    levels: NDArray[np.float64]
    payoff: NDArray[np.float64]
    cash: NDArray[np.float64]
    current: float


def _pareto(cash: NDArray[np.float64], payoff: NDArray[np.float64]) -> NDArray[np.intp]:
    """Indices of the combinations that no other beats on both cash (<=) and payoff (>=)."""
    order = np.lexsort((-payoff, cash))  # cheapest first, best payoff first among equals
    keep: list[int] = []
    best = -np.inf
    for j in order:
        if payoff[j] > best:
            keep.append(int(j))
            best = float(payoff[j])
    return np.asarray(keep, dtype=np.intp)


def choose_levels(options: Sequence[Candidates], cash: float) -> tuple[list[int], bool]:
    """Index of the chosen candidate on each issue, and whether any combination was affordable.

    When even the cheapest combination costs more than ``cash``, the cheapest is returned with
    ``False``: the caller decides what an unpaid coalition means (payments stop, reforms slide).
    """
    if not options:
        return [], True
    # start with the first issue's options; each combination remembers its choices
    total_cash = np.zeros(1)
    total_pay = np.zeros(1)
    closeness = np.zeros(1)
    picks = np.zeros((1, 0), dtype=np.intp)
    for opt in options:
        dist = np.abs(opt.levels - opt.current)
        # an option that another beats on both cash and payoff is never part of the best
        own = _pareto(opt.cash, opt.payoff - STAY * dist)
        c = (total_cash[:, None] + opt.cash[None, own]).ravel()
        p = (total_pay[:, None] + opt.payoff[None, own]).ravel()
        d = (closeness[:, None] + dist[None, own]).ravel()
        k = len(own)
        new_picks = np.concatenate(
            [np.repeat(picks, k, axis=0), np.tile(own, len(total_cash))[:, None]], axis=1
        )
        # the tie-break enters the payoff as a vanishing preference for staying put
        keep = _pareto(c, p - STAY * d)
        total_cash, total_pay, closeness, picks = c[keep], p[keep], d[keep], new_picks[keep]
    affordable = total_cash <= cash + 1e-12
    if not affordable.any():
        j = int(np.argmin(total_cash))
        return [int(x) for x in picks[j]], False
    score = np.where(affordable, total_pay - STAY * closeness, -np.inf)
    j = int(np.argmax(score))
    return [int(x) for x in picks[j]], True
