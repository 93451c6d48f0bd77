"""Static bargaining baselines: compromise, weighted median and the Nash bargaining solution.

These are strong baselines: on the European Union's legislative decisions the compromise model
forecasts about as well as procedural and bargaining models (Thomson, Stokman, Achen & König
(eds.), *The European Union Decides*, 2006; Achen, ch. 10 there).

Each actor i has a capability c_i >= 0 (any unit; only ratios matter), a position x_i on the
issue scale and a salience s_i in [0, 1]; its weight is w_i = c_i s_i. Shapes are described in
:mod:`pactsim.models.bargaining.arrays`: (A,) gives a float, (B, A) gives (B,), (B, A, D)
gives (B, D).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from pactsim.errors import InputError
from pactsim.models.bargaining.arrays import as_problems

__all__ = ["compromise", "nash", "weighted_median"]

#: Relative tolerance under which a cumulative weight counts as exactly one half.
_HALF_TOL = 1e-12


def compromise(
    capability: np.ndarray | list[float],
    position: np.ndarray | list[float],
    salience: np.ndarray | list[float],
) -> np.ndarray | float:
    """Compromise model: sum(c s x) / sum(c s) (Achen 2006; Thomson et al. 2006).

    Raises:
        InputError: bad input (see :func:`~pactsim.models.bargaining.arrays.as_problems`),
            including a problem in which every actor has zero weight.
    """
    p = as_problems(capability, position, salience)
    w = p.weight
    return p.per_problem((w * p.position).sum(axis=1) / w.sum(axis=1))


def weighted_median(
    capability: np.ndarray | list[float],
    position: np.ndarray | list[float],
    salience: np.ndarray | list[float],
) -> np.ndarray | float:
    """Weighted median: the position where the cumulative weight c s, by position, crosses half.

    Black's median voter with weights. When the cumulative weight equals exactly half at a
    position (within a relative 1e-12), every point up to the next weighted position is a
    median; pactsim returns the midpoint of the two (the usual convention for even counts).
    Actors of zero weight have no influence.
    """
    p = as_problems(capability, position, salience)
    order = np.argsort(p.position, axis=1, kind="stable")
    x = np.take_along_axis(p.position, order, axis=1)
    w = np.take_along_axis(p.weight, order, axis=1)
    cum = np.cumsum(w, axis=1)
    half = 0.5 * cum[:, -1:]
    tol = _HALF_TOL * cum[:, -1:]
    lower = np.argmax(cum >= half - tol, axis=1)
    upper = np.argmax(cum > half + tol, axis=1)
    rows = np.arange(x.shape[0])
    return p.per_problem(0.5 * (x[rows, lower] + x[rows, upper]))


def nash(
    capability: np.ndarray | list[float],
    position: np.ndarray | list[float],
    salience: np.ndarray | list[float],
    status_quo: np.ndarray | float | None = None,
    *,
    utility: Literal["linear", "quadratic"] = "linear",
) -> np.ndarray | float:
    """Asymmetric Nash bargaining solution with the status quo as the disagreement point.

    The x maximising sum_i c_i s_i log(u_i(x) - u_i(q)), q the status quo, with
    u_i(x) = -|x - x_i| (``utility="linear"``) or -(x - x_i)^2 (``"quadratic"``)
    (Nash 1950; weighted form as in Achen 2006, *The European Union Decides*, ch. 10).

    The solution must leave every actor of positive weight strictly better off than the status
    quo, i.e. lie in the intersection of the intervals |x - x_i| < |q - x_i|. When that set is
    empty (some actor sits at q, or actors lie on both sides of it), no agreement beats
    disagreement and the answer is q itself. Actors of zero weight are not parties.
    The objective is concave, so the maximiser is found by bisection on its right derivative
    (to 1e-13 of the interval).

    Args:
        status_quo: q on the issue scale: a float, or an array broadcastable to the result's
            shape ((B,) or (B, D)). Default: the lowest initial position of each problem
            (assumption: pactsim's issue scales put "no reform" at the low end).
        utility: ``"linear"`` (default; docs/design.md, Bargaining) or ``"quadratic"``.
    """
    if utility not in ("linear", "quadratic"):
        raise InputError(f"nash: utility must be 'linear' or 'quadratic', got {utility!r}")
    p = as_problems(capability, position, salience)
    x, w = p.position, p.weight
    n = x.shape[0]
    if status_quo is None:
        q = x.min(axis=1)
    else:
        q_arr = np.asarray(status_quo, dtype=float)
        if not np.isfinite(q_arr).all():
            raise InputError("nash: status_quo must be a finite number")
        try:
            if p.dims is None:
                q = np.broadcast_to(q_arr, (p.batch or 1,)).reshape(n).copy()
            else:
                q = np.broadcast_to(q_arr, (p.batch or 1, p.dims)).reshape(n).copy()
        except ValueError:
            raise InputError(f"nash: status_quo shaped {q_arr.shape} does not fit") from None
    party = w > 0
    reach = np.abs(q[:, None] - x)
    lo = np.where(party, x - reach, -np.inf).max(axis=1)
    hi = np.where(party, x + reach, np.inf).min(axis=1)
    ok = lo < hi
    a = np.where(ok, lo, q)
    b = np.where(ok, hi, q)
    for _ in range(200):
        mid = 0.5 * (a + b)
        up = _right_derivative(mid, x, w, q, utility) > 0
        a = np.where(up, mid, a)
        b = np.where(up, b, mid)
        if np.all(b - a <= 1e-13 * np.maximum(1.0, np.abs(hi - lo) * ok)):
            break
    return p.per_problem(np.where(ok, 0.5 * (a + b), q))


def _right_derivative(
    t: np.ndarray, x: np.ndarray, w: np.ndarray, q: np.ndarray, utility: str
) -> np.ndarray:
    """d/dt of sum_i w_i log(g_i(t)), taking the right derivative at kinks (t = x_i)."""
    diff = t[:, None] - x
    if utility == "linear":
        gain = np.abs(q[:, None] - x) - np.abs(diff)
        slope = -np.where(diff >= 0, 1.0, -1.0)
    else:
        gain = (q[:, None] - x) ** 2 - diff**2
        slope = -2.0 * diff
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(w > 0, w * slope / gain, 0.0)
        return terms.sum(axis=1)
