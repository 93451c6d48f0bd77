"""Bueno de Mesquita's expected utility model, one problem, written as plain Python loops.

This is the equation-by-equation reading of the model (Scholz, Calbert & Smith 2011,
*Journal of Theoretical Politics* 23(4)), kept deliberately simple: it is the reference that
the vectorised :func:`pactsim.models.bargaining.eum.eum` is tested against, and the baseline
of ``benchmarks/bench_bargaining.py``. Use :func:`~pactsim.models.bargaining.eum.eum` in
models; it gives the same numbers for whole batches at once.

The variants and choices are those documented in :mod:`pactsim.models.bargaining.eum` and in
``docs/bargaining.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["EUMLoopResult", "eum_loop"]

NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3


@dataclass
class EUMLoopResult:
    """Positions (rounds + 1 lists), median and mean per state, offers taken per round."""

    positions: list[list[float]]
    median: list[float]
    mean: list[float]
    kind: list[list[int]]
    source: list[list[int]]
    risk: list[list[float]]


def _median(x: Sequence[float], w: Sequence[float]) -> float:
    """Condorcet winner among the positions under risk-neutral votes (lowest among ties)."""
    cost = {p: sum(wk * abs(xk - p) for xk, wk in zip(x, w, strict=True)) for p in set(x)}
    best = min(cost.values())
    tol = 1e-12 * sum(w) * (max(x) - min(x))
    return min(p for p, v in cost.items() if v - best <= tol)


def _util(z: float, r: float) -> float:
    return 2.0 - 4.0 * z**r


def _eu(
    p: float, s_target: float, d: float, dmu: float, r: float, q: float
) -> float:  # expected utility of challenging, with d and dmu already divided by R
    us = _util(0.5 - 0.5 * d, r)
    uf = _util(0.5 + 0.5 * d, r)
    usq = _util(0.5, r)
    eu = s_target * (p * us + (1.0 - p) * uf) + (1.0 - s_target) * us - q * usq
    if q != 1.0:
        ub = _util(0.5 - 0.25 * (dmu + d), r)
        uw = _util(0.5 + 0.25 * (dmu + d), r)
        eu -= (1.0 - q) * (ub if dmu < d else uw)
    return eu


def eum_loop(
    capability: Sequence[float],
    position: Sequence[float],
    salience: Sequence[float],
    *,
    rounds: int = 10,
    q: float = 1.0,
    variant: str = "scholz",
) -> EUMLoopResult:
    """Run the EUM on one problem with Python loops (reference implementation)."""
    n = len(position)
    c = [float(v) for v in capability]
    s = [float(v) for v in salience]
    x = [float(v) for v in position]
    w = [ci * si for ci, si in zip(c, s, strict=True)]
    span = max(x) - min(x)
    res = EUMLoopResult([list(x)], [_median(x, w)], [_mean(x, w)], [], [], [])
    if span <= 0.0 or n < 2:
        for _ in range(rounds):
            res.positions.append(list(x))
            res.median.append(res.median[-1])
            res.mean.append(res.mean[-1])
            res.kind.append([NONE] * n)
            res.source.append([-1] * n)
            res.risk.append([1.0] * n)
        return res
    scholz = variant == "scholz"
    for _ in range(rounds):
        mu = _median(x, w)
        dist = [[abs(x[a] - x[b]) / span for b in range(n)] for a in range(n)]
        dmu = [abs(x[a] - mu) / span for a in range(n)]

        def prob(r: list[float], dist: list[list[float]] = dist) -> list[list[float]]:
            # vote of k for a over b: w_k ((d_kb)^r_k - (d_ka)^r_k)  (scholz), r = 1 (paper)
            pw = [[dist[k][a] ** r[k] for a in range(n)] for k in range(n)]
            pos = [[0.0] * n for _ in range(n)]
            tot = [[0.0] * n for _ in range(n)]
            for a in range(n):
                for b in range(n):
                    for k in range(n):
                        v = w[k] * (pw[k][b] - pw[k][a])
                        if v > 0.0:
                            pos[a][b] += v
                        tot[a][b] += abs(v)
            if scholz:
                g = sum(sum(row) for row in tot)
                return [[pos[a][b] / g if g > 0.0 else 0.0 for b in range(n)] for a in range(n)]
            return [
                [pos[a][b] / tot[a][b] if tot[a][b] > 0.0 else 0.5 for b in range(n)]
                for a in range(n)
            ]

        # risk exponents from the danger each actor is in, all computed risk-neutral
        ones = [1.0] * n
        p1 = prob(ones)
        danger = [
            sum(_eu(p1[o][a], s[a], dist[o][a], dmu[o], 1.0, q) for o in range(n) if o != a)
            for a in range(n)
        ]
        hi, lo = max(danger), min(danger)
        big_r = [(2.0 * dg - hi - lo) / (hi - lo) if hi > lo else 0.0 for dg in danger]
        r = [(1.0 - br / 3.0) / (1.0 + br / 3.0) for br in big_r]
        p = prob(r) if scholz else p1

        new_x = list(x)
        kinds = [NONE] * n
        sources = [-1] * n
        for a in range(n):
            best = (NONE, math.inf, -1, x[a])  # kind, key, source, new position
            for o in range(n):
                if o == a or x[o] == x[a]:
                    continue
                if scholz:  # both seen from a, with a's risk exponent
                    e_ao = _eu(p[a][o], s[o], dist[a][o], dmu[a], r[a], q)
                    e_oa = _eu(p[o][a], s[a], dist[o][a], dmu[o], r[a], q)
                else:  # each actor with its own risk exponent
                    e_ao = _eu(p[a][o], s[o], dist[a][o], dmu[a], r[a], q)
                    e_oa = _eu(p[o][a], s[a], dist[o][a], dmu[o], r[o], q)
                if e_oa > e_ao > 0.0:
                    kind, to = CONFRONTATION, x[o]
                elif e_oa > 0.0 > e_ao and e_oa > abs(e_ao):
                    kind, to = COMPROMISE, x[a] + (x[o] - x[a]) * abs(e_ao / e_oa)
                elif e_oa > 0.0 > e_ao:
                    kind, to = CAPITULATION, x[o]
                else:
                    continue
                if scholz and kind == COMPROMISE:
                    key = (abs(e_ao) * x[a] + abs(e_oa) * x[o]) / (abs(e_ao) + abs(e_oa))
                else:
                    key = abs(to - x[a])
                if best[0] == NONE or kind < best[0] or (kind == best[0] and key < best[1]):
                    best = (kind, key, o, to)
            kinds[a], sources[a], new_x[a] = best[0], best[2], best[3]
        x = new_x
        res.positions.append(list(x))
        res.median.append(_median(x, w))
        res.mean.append(_mean(x, w))
        res.kind.append(kinds)
        res.source.append(sources)
        res.risk.append(r)
    return res


def _mean(x: Sequence[float], w: Sequence[float]) -> float:
    tw = sum(w)
    return sum(wi * xi for wi, xi in zip(w, x, strict=True)) / tw if tw > 0 else math.nan
