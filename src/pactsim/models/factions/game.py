"""Weighted voting games: validation and exact scaling to integer weights.

A weighted voting game [q; w_1, ..., w_n] (Felsenthal & Machover 1998, ch. 2) makes a coalition
S winning when w(S) = sum of its weights >= q and, if some players hold a veto, S contains every
one of them. The power indices and the buy-off knapsack both run dynamic programmes over integer
weights, so decimal weights are scaled by the least common multiple of their denominators (the
game is unchanged) or refused when that would make the tables too large.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pactsim.errors import InputError

#: Largest denominator accepted when a decimal weight is read as a fraction (0.1 -> 1/10).
MAX_DENOMINATOR = 1000
#: Largest dynamic-programming table (players x quota cells) a game may need.
MAX_CELLS = 20_000_000


@dataclass(frozen=True)
class IntegerGame:
    """A validated weighted voting game with positive integer weights.

    Attributes:
        weights: integer weight of each player, in input order [weight units, scaled].
        quota: weight a coalition needs to win [weight units, scaled].
        veto: True for players every winning coalition must contain.
        scale: factor the input weights and quota were multiplied by (1 if already integers).
    """

    weights: NDArray[np.int64]
    quota: int
    veto: NDArray[np.bool_]
    scale: int

    @property
    def n(self) -> int:
        return int(self.weights.size)

    @property
    def total(self) -> int:
        return int(self.weights.sum())


def _as_fraction(value: Any, what: str) -> Fraction:
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return Fraction(int(value))
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} is {value!r}; expected a number") from None
    if not math.isfinite(x):
        raise InputError(f"{what} is {x}; expected a finite number")
    if x.is_integer():
        return Fraction(round(x))
    frac = Fraction(x).limit_denominator(MAX_DENOMINATOR)
    if abs(float(frac) - x) > 1e-9 * max(1.0, abs(x)):
        raise InputError(
            f"{what} is {x}, which is not a multiple of 1/{MAX_DENOMINATOR}; "
            "weighted voting needs integer weights: multiply all weights and the quota by a "
            "common factor and round them yourself"
        )
    return frac


def integer_game(
    weights: ArrayLike,
    quota: float,
    veto: ArrayLike | None = None,
) -> IntegerGame:
    """Validate a weighted voting game and scale it exactly to integer weights.

    Args:
        weights: one positive weight per player (integers, or decimals such as 0.5 or 2.25,
            which are scaled exactly by the least common multiple of their denominators).
        quota: weight a coalition needs to win; 0 < quota <= total weight.
        veto: optional booleans (one per player), or integer indices of the veto players.

    Raises:
        InputError: empty council, non-positive or non-finite weights, a quota out of range, a
            weight that is not a multiple of 1/1000, or a game too large for exact tables.
    """
    fast = _integer_fast_path(weights, quota, veto)
    if fast is not None:
        return fast
    raw = np.asarray(weights, dtype=object).ravel() if not np.isscalar(weights) else None
    if raw is None or raw.size == 0:
        raise InputError("the council is empty: give at least one player with a positive weight")
    fracs = [_as_fraction(w, f"weight of player {i + 1}") for i, w in enumerate(raw)]
    for i, f in enumerate(fracs):
        if f <= 0:
            raise InputError(
                f"weight of player {i + 1} is {float(f):g}; weights must be positive "
                "(a player without weight is not a member)"
            )
    q = _as_fraction(quota, "quota")
    scale = math.lcm(*(f.denominator for f in [*fracs, q]))
    w_int = np.array([int(f * scale) for f in fracs], dtype=np.int64)
    q_int = int(q * scale)
    total = int(w_int.sum())
    if q_int <= 0:
        raise InputError(f"quota is {float(q):g}; it must be positive")
    if q_int > total:
        raise InputError(
            f"quota {float(q):g} is above the total weight {total / scale:g}: "
            "no coalition could ever win"
        )
    v = _veto_mask(veto, w_int.size)
    if (w_int.size + 1) * q_int > MAX_CELLS:
        raise InputError(
            f"the game needs a table of {(w_int.size + 1) * q_int:,} cells "
            f"({w_int.size} players, quota {q_int} after scaling by {scale}); the limit is "
            f"{MAX_CELLS:,}: use fewer decimals in the weights"
        )
    return IntegerGame(weights=w_int, quota=q_int, veto=v, scale=scale)


def _integer_fast_path(
    weights: ArrayLike, quota: float, veto: ArrayLike | None
) -> IntegerGame | None:
    """Validate the common case (integer weights and quota) without fractions: it is on the
    engagement loop's hot path."""
    if not isinstance(weights, np.ndarray | list | tuple):
        return None
    w = np.asarray(weights)
    if w.ndim != 1 or w.size == 0 or w.dtype.kind not in "iu":
        return None
    if not isinstance(quota, int | np.integer) or isinstance(quota, bool):
        return None
    if w.min() <= 0 or quota <= 0 or quota > w.sum() or (w.size + 1) * quota > MAX_CELLS:
        return None  # the general path raises the detailed error
    return IntegerGame(
        weights=w.astype(np.int64), quota=int(quota), veto=_veto_mask(veto, w.size), scale=1
    )


def _veto_mask(veto: ArrayLike | None, n: int) -> NDArray[np.bool_]:
    if veto is None:
        return np.zeros(n, dtype=bool)
    arr = np.asarray(veto)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise InputError(f"veto has {arr.size} flags for {n} players; give one per player")
        return arr.copy()
    if arr.size == 0:
        return np.zeros(n, dtype=bool)
    if not np.issubdtype(arr.dtype, np.integer):
        raise InputError("veto must be booleans (one per player) or player indices (0-based)")
    idx = arr.ravel()
    bad = idx[(idx < 0) | (idx >= n)]
    if bad.size:
        raise InputError(f"veto player index {int(bad[0])} is out of range 0..{n - 1}")
    mask = np.zeros(n, dtype=bool)
    mask[idx] = True
    return mask
