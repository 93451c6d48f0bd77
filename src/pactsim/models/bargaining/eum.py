"""Bueno de Mesquita's expected utility model (EUM), vectorised over batches of problems.

Reference: Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De
Mesquita's group decision model. *Journal of Theoretical Politics* 23(4), 510-531; the model is
Bueno de Mesquita's (1994, 2002). Equations (as in docs/bargaining.md), actor i, capability
c_i, position x_i, salience s_i, R = the range of the initial positions (fixed):

- votes of k for i over j: v_k(i, j) = c_k s_k (|x_k - x_j| - |x_k - x_i|) / R;
- the median mu: the Condorcet winner among the current positions, risk-neutral votes;
- probability that i prevails against j: P(i, j) = sum_k max(v_k(i, j), 0) / denominator;
- utilities with risk exponent r: U_s = 2 - 4 (0.5 - 0.5 d_ij)^r, U_f = 2 - 4 (0.5 + 0.5 d_ij)^r,
  U_b, U_w = 2 - 4 (0.5 -/+ 0.25 (d_i,mu + d_ij))^r, U_sq = 2 - 4 (0.5)^r, d = |.|/R;
- E(i challenges j) = s_j [P U_s + (1 - P) U_f] + (1 - s_j) U_s - Q U_sq
  - (1 - Q) [T U_b + (1 - T) U_w], T = 1 if d_i,mu < d_ij;
- risk: danger_a = sum_{o != a} E(o challenges a) risk-neutral; R_a = (2 danger_a - max - min) /
  (max - min); r_a = (1 - R_a / 3) / (1 + R_a / 3) in [0.5, 2];
- offers (received by a from o, e_ao = E(a challenges o), e_oa = E(o challenges a)):
  confrontation if e_oa > e_ao > 0 (a moves to x_o); compromise if e_oa > 0 > e_ao and
  e_oa > |e_ao| (a moves to x_a + (x_o - x_a) |e_ao / e_oa|); capitulation if e_oa > 0 > e_ao
  otherwise (a moves to x_o). Each actor takes a confrontation first, then a compromise, then a
  capitulation; all move at once.

Two variants (details and their effect on the worked example in ``docs/bargaining.md``):

``"scholz"`` (default) -- the choices of Scholz et al.'s own code, which reproduce their
    published table: votes weight distances by the voter's risk exponent,
    v_k = c_k s_k ((|x_k - x_j|/R)^r_k - (|x_k - x_i|/R)^r_k); P's denominator is one global sum
    of |v_k(a, b)| over all voters and all ordered pairs of actors; actor a evaluates both e_ao
    and e_oa with its own risk exponent; among compromises a takes the one with the smallest
    (|e_ao| x_a + |e_oa| x_o) / (|e_ao| + |e_oa|), among the other kinds the smallest move.
``"paper"`` -- the printed formulas: risk-neutral votes, P per pair (P(i,j) + P(j,i) = 1; 1/2
    when nobody votes), each actor's utilities with its own risk exponent, and within each kind
    of offer the smallest move.

Choices made by pactsim in both variants (the sources are silent): the median among tied
positions is the lowest; when all dangers are equal every r is 1; Q != 1 keeps the
(1 - Q)[T U_b + (1 - T) U_w] term as printed (the public ``jmckib`` replication drops it);
ties between offers of one kind go to the lowest actor index; with R = 0 (all actors at one
position) or a single actor nothing moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from pactsim.errors import InputError
from pactsim.models.bargaining.arrays import as_problems

__all__ = ["OFFER_KINDS", "EUMResult", "eum"]

#: Offer kinds, indexed by the codes in :attr:`EUMResult.kind` (0 = no offer taken).
OFFER_KINDS: tuple[str, ...] = ("none", "confrontation", "compromise", "capitulation")

#: Batches at least this large run on numba's threads by default.
_PARALLEL_FROM = 256


@dataclass
class EUMResult:
    """History of an EUM run. Shapes below for a batch (B, A); unbatched input drops B, and
    (B, A, D) input appends D as the last axis of every array.

    Attributes:
        positions: (B, T+1, A) positions, the initial state first.
        median: (B, T+1) Condorcet (weighted-median) position of each state.
        mean: (B, T+1) sum(c s x) / sum(c s) of each state.
        kind: (B, T, A) offer taken by each actor in each round (codes of :data:`OFFER_KINDS`).
        source: (B, T, A) index of the actor whose offer was taken, -1 for none.
        risk: (B, T, A) risk exponents r used in each round (0.5 risk-averse .. 2 risk-acceptant).
        forecast: (B,) median after the last round (Bueno de Mesquita's forecast).
        variant: ``"scholz"`` or ``"paper"``.
        q: the Q parameter used.
    """

    positions: np.ndarray
    median: np.ndarray
    mean: np.ndarray
    kind: np.ndarray
    source: np.ndarray
    risk: np.ndarray
    forecast: np.ndarray | float
    variant: str
    q: float


def eum(
    capability: np.ndarray | list[float],
    position: np.ndarray | list[float],
    salience: np.ndarray | list[float],
    *,
    rounds: int = 10,
    q: float = 1.0,
    variant: Literal["scholz", "paper"] = "scholz",
    risk: np.ndarray | list[float] | None = None,
    parallel: bool | None = None,
) -> EUMResult:
    """Run Bueno de Mesquita's expected utility model for ``rounds`` rounds.

    Args:
        capability: (A,) or (B, A) capabilities >= 0 (any unit; only ratios matter).
        position: (A,), (B, A) or (B, A, D) positions on the issue scale (any unit).
        salience: (A,), (B, A) or (B, A, D) saliences in [0, 1].
        rounds: number of rounds (>= 0). Default 10 (assumption; the worked example has 8).
        q: Q, the weight of the status quo staying put against it changing, in [0, 1];
            default 1.0 (Scholz et al.'s replication).
        variant: ``"scholz"`` (default; reproduces Scholz et al.'s published table) or
            ``"paper"`` (the printed formulas). See the module docstring.
        risk: optional fixed risk exponents r in [0.5, 2], shaped like ``capability`` (or
            like ``salience`` for several dimensions); NaN entries are computed by the model
            each round as usual. Default: all computed.
        parallel: spread the problems over numba's threads; default (None): only for batches
            of at least 256 problems. Results are identical either way. With numba's
            ``workqueue`` threading layer, do not call it from several Python threads at once.

    Returns:
        :class:`EUMResult`.
    """
    if variant not in ("scholz", "paper"):
        raise InputError(f"eum: variant must be 'scholz' or 'paper', got {variant!r}")
    if not (np.isfinite(q) and 0.0 <= q <= 1.0):
        raise InputError(f"eum: q must be a number in [0, 1], got {q!r}")
    if int(rounds) != rounds or rounds < 0:
        raise InputError(f"eum: rounds must be a whole number >= 0, got {rounds!r}")
    rounds = int(rounds)
    p = as_problems(capability, position, salience)
    fixed = p.extra(risk, "risk")
    if fixed is not None:
        bad = ~np.isnan(fixed) & ~((fixed >= 0.5) & (fixed <= 2.0))
        if bad.any():
            raise InputError(f"risk: {fixed[bad][0]!r} is outside [0.5, 2] (NaN means computed)")
    from pactsim.models.bargaining import _eum_kernel  # numba: imported when used

    n, a = p.position.shape
    pos = np.empty((n, rounds + 1, a))
    med = np.empty((n, rounds + 1))
    kind = np.zeros((n, rounds, a), dtype=np.int8)
    source = np.full((n, rounds, a), -1, dtype=np.int64)
    rsk = np.ones((n, rounds, a))
    if fixed is None:
        fixed = np.full((n, a), np.nan)
    use_threads = n >= _PARALLEL_FROM if parallel is None else bool(parallel)
    kernel = _eum_kernel.eum_kernel_parallel if use_threads else _eum_kernel.eum_kernel
    kernel(
        p.capability,
        p.position,
        p.salience,
        np.ascontiguousarray(fixed),
        rounds,
        float(q),
        variant == "scholz",
        pos,
        med,
        kind,
        source,
        rsk,
    )
    w = p.weight[:, None, :]
    mean = (w * pos).sum(axis=2) / w.sum(axis=2)
    return EUMResult(
        positions=p.per_problem(pos),  # type: ignore[arg-type]
        median=p.per_problem(med),  # type: ignore[arg-type]
        mean=p.per_problem(mean),  # type: ignore[arg-type]
        kind=p.per_problem(kind),  # type: ignore[arg-type]
        source=p.per_problem(source),  # type: ignore[arg-type]
        risk=p.per_problem(rsk),  # type: ignore[arg-type]
        forecast=p.per_problem(med[:, -1]),
        variant=variant,
        q=float(q),
    )
