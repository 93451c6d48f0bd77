"""Exact Shapley–Shubik and Banzhaf power indices of weighted voting games with vetoes.

Method: generating functions over integer weights (Mann & Shapley 1962 for the Shapley value of
the electoral college; Brams & Affuso 1976 for Banzhaf; Bilbao, Fernández, Jiménez Losada & López
2000, "Generating functions for computing power indices efficiently", TOP 8(2):191–213).
One pass builds c[k, w], the number of coalitions of the non-veto players with k members and
weight w < residual quota; removing one player from the polynomial ("deletion",
c_{-i}[k] = c[k] - x^{w_i} c_{-i}[k-1]) gives the coalitions of the others, among which player i's
swings are read off directly. Cost O(m^2 q) integer operations for m non-veto players and quota q,
with one deletion per distinct weight, instead of O(2^n) for enumeration.

Counts are exact integers (int64 while they fit, that is for at most 62 non-veto players; Python
integers beyond), so the indices are exact fractions; floats are their correct rounding.

Swing (Felsenthal & Machover 1998, def. 3.1.3): S without i is losing and S with i is winning.
Shapley–Shubik index: sum over i's swings S of |S|! (n - |S| - 1)! / n!  (Shapley & Shubik 1954).
Normalised Banzhaf index: i's swing count over the sum of all players' swing counts (Banzhaf 1965).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pactsim.models.factions.game import IntegerGame, integer_game

#: Above this many non-veto players coalition counts may overflow int64: use Python integers.
INT64_MAX_PLAYERS = 62


@dataclass(frozen=True)
class PowerIndices:
    """Power indices of each player, in input order.

    Attributes:
        shapley: Shapley–Shubik index (sums to 1) [-].
        banzhaf: normalised Banzhaf index (sums to 1) [-].
        shapley_exact: the same, as exact fractions.
        banzhaf_exact: the same, as exact fractions.
        swings: raw Banzhaf score, the number of coalitions in which the player swings [count].
        n_players: number of players.
    """

    shapley: NDArray[np.float64]
    banzhaf: NDArray[np.float64]
    shapley_exact: tuple[Fraction, ...]
    banzhaf_exact: tuple[Fraction, ...]
    swings: tuple[int, ...]
    n_players: int

    @property
    def banzhaf_absolute(self) -> NDArray[np.float64]:
        """Absolute (non-normalised) Banzhaf index: swings / 2^(n-1) [-]."""
        return np.array([float(Fraction(s, 2 ** (self.n_players - 1))) for s in self.swings])


def subset_counts(weights: NDArray[np.int64], cap: int) -> NDArray[Any]:
    """c[k, w]: number of subsets of ``weights`` with k members and total weight w < cap.

    The coefficients of prod_j (1 + y x^{w_j}) truncated below x^cap (Bilbao et al. 2000).
    """
    m = int(weights.size)
    dtype: Any = np.int64 if m <= INT64_MAX_PLAYERS else object
    c = np.zeros((m + 1, max(cap, 0)), dtype=dtype)
    if cap <= 0:
        return c
    c[0, 0] = 1
    for j, wj in enumerate(weights.tolist()):
        if wj < cap:
            c[1 : j + 2, wj:] = c[1 : j + 2, wj:] + c[0 : j + 1, : cap - wj]
    return c


def _delete(c: NDArray[Any], wi: int) -> NDArray[Any]:
    """Counts without one player of weight ``wi``: c_{-i}[k] = c[k] - x^{wi} c_{-i}[k-1]."""
    m1, cap = c.shape
    d = c[:-1].copy()
    if wi < cap:
        for k in range(1, m1 - 1):
            d[k, wi:] -= d[k - 1, : cap - wi]
    return d


def _swings_by_size(game: IntegerGame) -> list[list[int]]:
    """For each player, the number of its swing coalitions S of each size |S| = 0..n-1."""
    n = game.n
    w = game.weights
    veto = game.veto
    non_veto = np.flatnonzero(~veto)
    m = int(non_veto.size)
    v = n - m
    residual = game.quota - int(w[veto].sum())  # weight the non-veto members must bring
    cap = max(residual, 0)
    c = subset_counts(w[non_veto], cap)
    out: list[list[int]] = [[0] * n for _ in range(n)]
    cache: dict[int, list[int]] = {}
    for i in range(n):
        wi = int(w[i])
        if veto[i]:
            # S = (vetoes but i) + T, T any non-veto subset with w(T) >= residual.
            losing = [int(x) for x in c.sum(axis=1).tolist()] if cap else [0] * (m + 1)
            for k in range(m + 1):
                out[i][v - 1 + k] = math.comb(m, k) - losing[k]
            continue
        if wi not in cache:
            if cap == 0:
                cache[wi] = [0] * m
            else:
                d = _delete(c, wi)
                lo = max(0, cap - wi)
                cache[wi] = [int(x) for x in d[:, lo:cap].sum(axis=1).tolist()]
        for k, count in enumerate(cache[wi]):
            out[i][v + k] = count
    return out


def power_indices(
    weights: ArrayLike,
    quota: float,
    *,
    veto: ArrayLike | None = None,
) -> PowerIndices:
    """Exact Shapley–Shubik and normalised Banzhaf indices of the game [quota; weights].

    Args:
        weights: positive weight of each player [weight units] (decimals are scaled exactly).
        quota: weight a coalition needs to win [weight units], 0 < quota <= total weight.
        veto: booleans per player, or 0-based indices, of players every winning coalition must
            contain (in addition to whatever the weights imply).

    Returns:
        PowerIndices in input order.

    Raises:
        pactsim.errors.InputError: see :func:`integer_game`.

    Example: the EEC Council of Ministers 1958, [12; 4,4,4,2,2,1], has Shapley–Shubik indices
    (14, 14, 14, 9, 9, 0)/60 (Felsenthal & Machover 1998).
    """
    game = weights if isinstance(weights, IntegerGame) else integer_game(weights, quota, veto)
    n = game.n
    fact = [math.factorial(k) for k in range(n + 1)]
    by_size = _swings_by_size(game)
    swings = tuple(sum(row) for row in by_size)
    shapley = tuple(
        Fraction(sum(cnt * fact[s] * fact[n - s - 1] for s, cnt in enumerate(row)), fact[n])
        for row in by_size
    )
    total_swings = sum(swings)
    banzhaf = tuple(Fraction(s, total_swings) for s in swings)
    return PowerIndices(
        shapley=np.array([float(x) for x in shapley]),
        banzhaf=np.array([float(x) for x in banzhaf]),
        shapley_exact=shapley,
        banzhaf_exact=banzhaf,
        swings=swings,
        n_players=n,
    )


def shapley_shubik(
    weights: ArrayLike, quota: float, *, veto: ArrayLike | None = None
) -> NDArray[np.float64]:
    """Shapley–Shubik index of each player (floats); see :func:`power_indices`."""
    return power_indices(weights, quota, veto=veto).shapley


def banzhaf(
    weights: ArrayLike, quota: float, *, veto: ArrayLike | None = None
) -> NDArray[np.float64]:
    """Normalised Banzhaf index of each player (floats); see :func:`power_indices`."""
    return power_indices(weights, quota, veto=veto).banzhaf
