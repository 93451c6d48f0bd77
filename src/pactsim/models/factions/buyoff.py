"""Buying a winning coalition for a reform: the regime's internal decision (docs/design.md, Factions
and Component: council).

The leadership proposes a reform level r (0-100) on one issue. Faction f (integer weight w_f in a
council with quota q) has an ideal x_f, the highest level it accepts for free, and an ideological
cost kappa_f per (reform point)^alpha beyond it: with side payment p_f its net utility is
u_f(r) = p_f - kappa_f * max(0, r - x_f)^alpha, so it accepts r for p_f(r) = kappa_f max(0, r -
x_f)^alpha [USD million per month]. The cheapest winning coalition at r (weight >= q, every veto
member in) is a 0/1 min-cost cover knapsack over integer weights, solved exactly by dynamic
programming (Martello & Toth 1990, ch. 2; the cover form as in Kellerer, Pferschy & Pisinger 2004,
sec. 13.3.3). Its cost, cost(r), is the minimum of finitely many continuous nondecreasing
functions, hence continuous and nondecreasing: the largest level a budget B can buy is found by
bisection on r. A share rho_f of each faction resists on principle and cannot be bought: when its
faction accepts a level beyond its ideal, that share defects (spoilers, in weight units rho_f w_f).

Modelling choices (assumptions, see docs/factions.md):
- The leadership's own faction is a member like any other: it is paid from the same budget for
  the distance between r and its own ideal (the budget is the money the leadership steers, part of
  which keeps its own cadres on side). Mark it ``veto`` to require it in every coalition.
- Factions whose ideal is at least r accept for free and always vote for r; they are not spoilers.
- Among equally cheap coalitions the one with the fewest spoilers is chosen.

A claim that "some members might always resist these changes out of principle, but many more
could potentially be bought off" (the source article of the first bundled case) is this model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pactsim.errors import InputError
from pactsim.models.factions._kernels import buyoff_batch_kernel
from pactsim.models.factions.game import IntegerGame, integer_game

#: Bisection stops when the bracket on the reform level is narrower than this [reform points].
DEFAULT_TOL = 1e-9


@dataclass(frozen=True)
class BuyoffResult:
    """Outcome of the council's decision on one reform issue.

    Attributes:
        reform: adopted reform level r [0-100 scale of the issue].
        coalition: True for the factions that vote for r (paid, free or veto) [per faction].
        payments: side payment each faction receives [USD million per month].
        cost: total of the payments [USD million per month].
        spoilers: rho_f * w_f for coalition members that accept r beyond their ideal, else 0
            [council weight units, unscaled].
        compromised: coalition members that accept r beyond their ideal (their principled share
            defects) [per faction].
        opposed: factions outside the coalition whose ideal is below r: outvoted, not bought.
        feasible: False when even the lowest level searched costs more than the budget.
        budget: the budget the decision was taken with (inf for a minimum-budget query).
        total_weight: total council weight [weight units, unscaled].
    """

    reform: float
    coalition: NDArray[np.bool_]
    payments: NDArray[np.float64]
    cost: float
    spoilers: NDArray[np.float64]
    compromised: NDArray[np.bool_]
    opposed: NDArray[np.bool_]
    feasible: bool
    budget: float
    total_weight: float

    @property
    def spoiler_weight(self) -> float:
        """Total principled weight that defects [weight units]."""
        return float(self.spoilers.sum())

    @property
    def spoiler_share(self) -> float:
        """Defecting principled weight as a share of the council's total weight [0-1]."""
        return self.spoiler_weight / self.total_weight


@dataclass(frozen=True)
class BuyoffBatch:
    """Outcomes for a batch of B parameter sets; fields as in :class:`BuyoffResult`, with a leading
    batch axis (reform, cost, feasible, budget: shape (B,); the others (B, n))."""

    reform: NDArray[np.float64]
    coalition: NDArray[np.bool_]
    payments: NDArray[np.float64]
    cost: NDArray[np.float64]
    spoilers: NDArray[np.float64]
    compromised: NDArray[np.bool_]
    opposed: NDArray[np.bool_]
    feasible: NDArray[np.bool_]
    budget: NDArray[np.float64]
    total_weight: float

    def __len__(self) -> int:
        return int(self.reform.size)

    @property
    def spoiler_share(self) -> NDArray[np.float64]:
        """Defecting principled weight as a share of the total weight, per row [0-1]."""
        return self.spoilers.sum(axis=1) / self.total_weight

    def __getitem__(self, i: int) -> BuyoffResult:
        return BuyoffResult(
            reform=float(self.reform[i]),
            coalition=self.coalition[i],
            payments=self.payments[i],
            cost=float(self.cost[i]),
            spoilers=self.spoilers[i],
            compromised=self.compromised[i],
            opposed=self.opposed[i],
            feasible=bool(self.feasible[i]),
            budget=float(self.budget[i]),
            total_weight=self.total_weight,
        )


def payment_needed(
    reform: ArrayLike, ideal: ArrayLike, kappa: ArrayLike, alpha: ArrayLike = 2.0
) -> NDArray[np.float64]:
    """Side payment a faction needs to accept ``reform``: kappa * max(0, reform - ideal)^alpha.

    Broadcasts over all arguments [USD million per month].
    """
    gap = np.maximum(0.0, np.asarray(reform, float) - np.asarray(ideal, float))
    return np.asarray(kappa, float) * gap ** np.asarray(alpha, float)


def _rows(value: ArrayLike, nb: int, n: int, name: str) -> NDArray[np.float64]:
    """A (nb, n) C-contiguous float array from a scalar, an (n,) row or an (nb, n) batch."""
    arr = np.asarray(value, dtype=float)
    if arr.shape == (nb, n):
        out = np.ascontiguousarray(arr)
    elif arr.ndim == 0:
        out = np.full((nb, n), float(arr))
    elif arr.shape == (n,) or arr.shape == (1, n):
        out = arr.reshape(1, n) if nb == 1 else np.tile(arr.reshape(1, n), (nb, 1))
        out = np.ascontiguousarray(out)
    elif arr.ndim == 1 or (arr.ndim == 2 and arr.shape[1] != n):
        raise InputError(
            f"{name} has {arr.shape[-1]} values per row for {n} factions; give one per faction"
        )
    elif arr.ndim == 2:
        raise InputError(f"{name} has {arr.shape[0]} rows for a batch of {nb}")
    else:
        raise InputError(
            f"{name} must be a scalar, one value per faction, or a (batch, factions) array"
        )
    if not np.isfinite(out).all():
        raise InputError(f"{name} contains a value that is not a finite number")
    return out


def _column(value: ArrayLike, nb: int, name: str) -> NDArray[np.float64]:
    """A (nb,) float array from a scalar or a (nb,) batch."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        out = np.full(nb, float(arr))
    elif arr.shape == (nb,):
        out = np.ascontiguousarray(arr)
    elif arr.shape == (1,):
        out = np.full(nb, float(arr[0]))
    else:
        raise InputError(
            f"{name} must be a scalar or a batch of {nb} values, not shape {arr.shape}"
        )
    if np.isnan(out).any():
        raise InputError(f"{name} contains NaN")
    return out


def _batch_size(*values: ArrayLike, per_faction: int) -> int:
    sizes = set()
    for i, v in enumerate(values):
        arr = np.asarray(v)
        batched_ndim = 2 if i < per_faction else 1
        if arr.ndim == batched_ndim:
            sizes.add(arr.shape[0])
    sizes.discard(1)
    if len(sizes) > 1:
        raise InputError(f"batched arguments have different batch sizes: {sorted(sizes)}")
    return sizes.pop() if sizes else 1


def _solve(
    weights: ArrayLike,
    quota: float,
    ideal: ArrayLike,
    kappa: ArrayLike,
    alpha: ArrayLike,
    budget: ArrayLike,
    r_min: ArrayLike,
    r_max: ArrayLike,
    veto: ArrayLike | None,
    principled_share: ArrayLike | None,
    tol: float,
    mode: int,
) -> BuyoffBatch:
    game: IntegerGame = integer_game(weights, quota, veto)
    n = game.n
    rho_in = 0.0 if principled_share is None else principled_share
    nb = _batch_size(ideal, kappa, alpha, rho_in, budget, r_min, r_max, per_faction=4)
    x = _rows(ideal, nb, n, "ideal")
    k = _rows(kappa, nb, n, "kappa")
    a = _rows(alpha, nb, n, "alpha")
    rho = _rows(rho_in, nb, n, "principled_share")
    if k.min() < 0:
        raise InputError("kappa (ideological cost) must be >= 0 [USD million per point^alpha]")
    if a.min() <= 0:
        raise InputError("alpha (exponent of the ideological cost) must be > 0")
    if rho.min() < 0 or rho.max() > 1:
        raise InputError("principled_share must lie in [0, 1]")
    bud = _column(budget, nb, "budget")
    lo = _column(r_min, nb, "r_min")
    hi = _column(r_max, nb, "r_max")
    if bud.min() < 0:
        raise InputError("budget must be >= 0 [USD million per month]")
    if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
        raise InputError("reform levels must be finite numbers")
    if mode == 0 and (hi < lo).any():
        raise InputError("r_max is below r_min")
    reform = np.empty(nb)
    coal = np.zeros((nb, n), dtype=np.bool_)
    pay = np.zeros((nb, n))
    cost = np.empty(nb)
    buyoff_batch_kernel(
        game.weights,
        game.quota,
        x,
        k,
        a,
        rho,
        game.veto,
        bud,
        lo,
        hi,
        float(tol),
        mode,
        reform,
        coal,
        pay,
        cost,
    )
    w_units = game.weights / game.scale
    beyond = reform[:, None] > x
    compromised = coal & beyond
    return BuyoffBatch(
        reform=reform,
        coalition=coal,
        payments=pay,
        cost=cost,
        spoilers=np.where(compromised, rho * w_units, 0.0),
        compromised=compromised,
        opposed=~coal & beyond,
        feasible=cost <= bud,
        budget=bud,
        total_weight=float(w_units.sum()),
    )


def max_affordable_reform_batch(
    weights: ArrayLike,
    quota: float,
    ideal: ArrayLike,
    kappa: ArrayLike,
    alpha: ArrayLike,
    budget: ArrayLike,
    *,
    r_max: ArrayLike = 100.0,
    r_min: ArrayLike = 0.0,
    veto: ArrayLike | None = None,
    principled_share: ArrayLike | None = None,
    tol: float = DEFAULT_TOL,
) -> BuyoffBatch:
    """Largest reform level each budget buys, for a batch of parameter sets in one call.

    Args:
        weights: integer council weight per faction, shape (n,) [weight units].
        quota: weight a coalition needs to decide [weight units].
        ideal: x_f, highest level accepted for free [reform points]; (n,) or (B, n).
        kappa: ideological cost [USD million per month per (reform point)^alpha]; (n,) or (B, n).
        alpha: cost exponent [-], scalar, (n,), or (B, n); the scenario format's default 2.
        budget: side-payment budget [USD million per month]; scalar or (B,).
        r_max: the level proposed, the highest level searched [reform points]; scalar or (B,).
        r_min: the lowest level searched [reform points]; scalar or (B,). Default 0.
        veto: booleans or indices of factions every winning coalition must contain.
        principled_share: rho_f, share of each faction that defects if it is bought [0-1];
            scalar, (n,) or (B, n); default 0.
        tol: bisection stops when the bracket is narrower than this [reform points].

    Returns:
        BuyoffBatch with B rows (B = the common batch size of the batched arguments). The reform
        returned is affordable: cost <= budget (unless ``feasible`` is False, which happens only
        if even r_min costs more than the budget, and then reform = r_min).
    """
    return _solve(
        weights, quota, ideal, kappa, alpha, budget, r_min, r_max, veto, principled_share, tol, 0
    )


def max_affordable_reform(
    weights: ArrayLike,
    quota: float,
    ideal: ArrayLike,
    kappa: ArrayLike,
    alpha: ArrayLike,
    budget: float,
    *,
    r_max: float = 100.0,
    r_min: float = 0.0,
    veto: ArrayLike | None = None,
    principled_share: ArrayLike | None = None,
    tol: float = DEFAULT_TOL,
) -> BuyoffResult:
    """Largest reform level r <= r_max a winning coalition can be paid to accept with ``budget``,
    the cheapest such coalition and its payments. One parameter set; see
    :func:`max_affordable_reform_batch` for the arguments and their units."""
    return _solve(
        weights, quota, ideal, kappa, alpha, budget, r_min, r_max, veto, principled_share, tol, 0
    )[0]


def min_budget_batch(
    weights: ArrayLike,
    quota: float,
    ideal: ArrayLike,
    kappa: ArrayLike,
    alpha: ArrayLike,
    target: ArrayLike,
    *,
    veto: ArrayLike | None = None,
    principled_share: ArrayLike | None = None,
) -> BuyoffBatch:
    """Cheapest winning coalition at each target level: cost is the minimum budget that buys it.

    ``target`` [reform points] is a scalar or a (B,) batch; other arguments as in
    :func:`max_affordable_reform_batch`. Rows have budget = inf and reform = target.
    """
    return _solve(
        weights,
        quota,
        ideal,
        kappa,
        alpha,
        np.inf,
        target,
        target,
        veto,
        principled_share,
        DEFAULT_TOL,
        1,
    )


def min_budget(
    weights: ArrayLike,
    quota: float,
    ideal: ArrayLike,
    kappa: ArrayLike,
    alpha: ArrayLike,
    target: float,
    *,
    veto: ArrayLike | None = None,
    principled_share: ArrayLike | None = None,
) -> BuyoffResult:
    """Minimum side-payment budget for a winning coalition to accept ``target``, with that
    coalition and its payments (``cost`` is the budget) [USD million per month]."""
    return min_budget_batch(
        weights, quota, ideal, kappa, alpha, target, veto=veto, principled_share=principled_share
    )[0]
