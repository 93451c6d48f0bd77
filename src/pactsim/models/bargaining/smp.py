"""KTAB's multi-dimensional Spatial Model of Politics (SMP) in numpy.

Reference: KAPSARC Toolkit for Behavioral Analysis, KTAB (MIT licence), model in
``examples/smp/libsrc/smp.cpp`` and ``smpbcn.cpp`` with ``KTAB/kmodel/libsrc/kmodel.cpp``;
user guide ``web/tutorial/SMPTutorial.md``; Wise, Lumsdaine et al., KAPSARC discussion papers
"An Introduction to KTAB" and "Multidimensional Bargaining using KTAB". This is an
independent re-implementation, checked against KTAB's printed runs (``smpc`` logs).

One turn, as KTAB does it with its default options:

1. Utilities. Actor i values actor j's position by u = (1 - d)(1 + d R) where d is the
   salience-weighted RMS distance between them on 0-1. A probabilistic Condorcet election
   among all positions (risk-neutral utilities, proportional votes weighted by capability)
   gives each position a probability; the risk attitude R of each actor rises linearly from
   -1/2 (least probable position) to +1 (most probable). Each actor h estimates i's R as
   (2 R_h + R_i) / 3.
2. Challenges. Each actor i estimates, for every j, the probability that i would win a contest
   with j (principals vote with capability x total salience; each third party joins the side
   that serves it better in the three-actor contest) and its expected gain from challenging j;
   it targets the j of largest gain, if that gain exceeds 1e-5.
3. Bargains. i proposes a bargain to j: on each dimension a mean of the two positions weighted
   by (salience x probability of success)^2, rounded to 4 decimals on 0-1. The bargain enters
   the queues of both i and j; each queue also holds the actor's status quo.
4. Choice. For each actor k, every actor values the state that each bargain in k's queue
   would produce (mean of its utilities of all positions); a Condorcet election over those
   states (capabilities as weights) gives each bargain a probability and k adopts its side of
   the most probable one.

The run stops when a turn moves the actors by less than 2 % of the first turn's movement
(sum over actors of Euclidean moves), after at least 2 turns, or after ``max_turns``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from pactsim.errors import InputError
from pactsim.models.bargaining import smp_core as core

__all__ = ["SMP_DEFAULTS", "SMPResult", "smp"]

#: KTAB's default model options (``SMPModel`` members, ``smp.h``; tutorial table in blue).
SMP_DEFAULTS: dict[str, str] = {
    "victory_prob_model": "Linear",
    "voting_rule": "Prop",
    "pce_model": "Conditional",
    "state_transitions": "Deterministic",
    "big_r_range": "Mid",
    "big_r_adjust": "OneThird",
    "third_party_commit": "SemiCommit",
    "inter_vec_brgn": "S2P2",
    "bargn_model": "InitOnlyInterp",
}

_CHOICES: dict[str, tuple[str, ...]] = {
    "victory_prob_model": core.VICTORY_PROB_MODELS,
    "voting_rule": core.VOTING_RULES,
    "pce_model": core.PCE_MODELS,
    "state_transitions": ("Deterministic", "Stochastic"),
    "big_r_range": core.BIG_R_RANGES,
    "big_r_adjust": core.BIG_R_ADJUSTS,
    "third_party_commit": core.THIRD_PARTY_COMMITS,
    "inter_vec_brgn": ("S1P1", "S2P2", "S2PMax"),
    "bargn_model": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}

_POS_TOL = 1e-3  # KTAB SMPModel::posTol: positions closer than 0.1 on 0-100 are one position
_MIN_SIG_EDU = 1e-5  # KTAB bestChallenge: smallest expected gain worth a challenge
_MIN_SIG_DELTA = 1e-4  # KTAB configExec: guard added to the first turn's movement


@dataclass
class SMPResult:
    """Outcome of :func:`smp`.

    Attributes:
        positions: ((T+1), A, D) positions on 0-100, the initial state first.
        forecast: (D,) the probability-weighted mean of the final distinct positions, with
            the probabilities KTAB prints for the final state (KTAB prints no single
            forecast; this is pactsim's summary of its final state).
        turns: T, the number of turns run.
        win_prob: ((T+1), A) probability that the position held by each actor wins, per state,
            as KTAB prints it ("History of actors' winning probabilities"); actors sharing a
            position share its probability, so a row can sum to more than 1.
        risk: ((T+1), A) inferred risk attitudes R (from -1/2 to +1 with the Mid range).
        options: the model options used (KTAB names and values).
    """

    positions: np.ndarray
    forecast: np.ndarray
    turns: int
    win_prob: np.ndarray
    risk: np.ndarray
    options: dict[str, str] = field(default_factory=dict)


def smp(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    *,
    max_turns: int = 100,
    **options: object,
) -> SMPResult:
    """Run KTAB's Spatial Model of Politics on one scenario.

    Args:
        capability: (A,) actor power, > 0, arbitrary units (KTAB "Power"/"Influence").
        position: (A, D) advocated positions on the 0-100 scale; or a batch (B, A, D) with
            capability (B, A) and salience (B, A, D), run scenario by scenario (turn counts
            and bargain queues differ between scenarios) and returned as one
            :class:`SMPResult` whose arrays have a leading batch axis, histories padded with
            each scenario's final state to the longest run, and ``turns`` an array (B,).
        salience: (A, D) saliences on 0-1 (KTAB's 0-100 divided by 100); each actor's sum
            in (0, 1].
        max_turns: largest number of turns (KTAB maxIter, default 100).
        **options: KTAB's model options, default KTAB's defaults (``SMP_DEFAULTS``):
            ``victory_prob_model`` (Linear | Square | Quartic | Octic | Binary),
            ``voting_rule`` (Prop | PropBin | Binary | PropCbc | Cubic | ASymProsp),
            ``pce_model`` (Conditional | MarkovIncentive | MarkovUniform),
            ``state_transitions`` (Deterministic | Stochastic; Stochastic draws the bargain
            from its probability with numpy's generator seeded by ``seed``, so it cannot
            reproduce KTAB's own random stream), ``big_r_range`` (Min | Mid | Max),
            ``big_r_adjust`` (None | OneThird | Half | TwoThirds | Full),
            ``third_party_commit`` (NoCommit | SemiCommit | FullCommit),
            ``inter_vec_brgn`` (S1P1 | S2P2 | S2PMax),
            ``bargn_model`` (InitOnlyInterp | InitRcvrInterp | PWCompInterp);
            ``seed`` (int, for Stochastic), ``min_turns`` (int, KTAB minIter 2),
            ``stop_ratio`` (float, KTAB minDeltaRatio 0.02).

    Returns:
        :class:`SMPResult` with the position history, the forecast and per-state
        probabilities.

    Raises:
        InputError: for arrays of the wrong shape, non-finite values, capability <= 0,
            positions outside 0-100, saliences outside 0-1 or an actor's saliences summing
            to 0 or more than 1, or an unknown option.
    """
    if np.ndim(position) == 3:
        return _smp_batch(capability, position, salience, max_turns=max_turns, **options)
    cap, x0, sal = _check_inputs(capability, position, salience)
    opts, seed, min_turns, stop_ratio = _check_options(options)
    if int(max_turns) < 1:
        raise InputError(f"smp: max_turns must be >= 1, got {max_turns}")
    rng = np.random.default_rng(seed)

    x = x0 / 100.0  # KTAB works on 0-1
    history = [x]
    r, a_util = _assess(x, sal, cap, opts)
    risks = [r]
    utils = [a_util]
    turns = 0
    while True:
        turns += 1
        x = _turn(x, sal, cap, r, a_util, opts, rng)
        history.append(x)
        r, a_util = _assess(x, sal, cap, opts)
        risks.append(r)
        utils.append(a_util)
        d01 = _state_dist(history[0], history[1]) + _MIN_SIG_DELTA
        dxy = _state_dist(history[-1], history[-2])
        quiet = dxy / d01 < stop_ratio
        if turns >= int(max_turns) or (turns >= min_turns and quiet):
            break

    win_prob = np.empty((len(history), cap.size))
    forecast = np.zeros(x.shape[1])
    for t, (xt, ut) in enumerate(zip(history, utils, strict=True)):
        unq, p = _position_probs(xt, ut, cap, opts)
        win_prob[t] = _actor_probs(xt, unq, p)
        if t == len(history) - 1:
            forecast = 100.0 * (p[:, None] * xt[unq]).sum(axis=0)
    return SMPResult(
        positions=100.0 * np.stack(history),
        forecast=forecast,
        turns=turns,
        win_prob=win_prob,
        risk=np.stack(risks),
        options=opts,
    )


# ------------------------------------------------------------------ checks


def _check_inputs(
    capability: np.ndarray, position: np.ndarray, salience: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cap = np.asarray(capability, dtype=float)
    pos = np.asarray(position, dtype=float)
    sal = np.asarray(salience, dtype=float)
    if pos.ndim != 2:
        raise InputError(
            f"smp: position must be (actors, dimensions), got shape {pos.shape}; "
            "a batch is (B, actors, dimensions)"
        )
    n_act, n_dim = pos.shape
    if n_act < 2 or n_dim < 1:
        raise InputError(f"smp: need at least 2 actors and 1 dimension, got shape {pos.shape}")
    if cap.shape != (n_act,):
        raise InputError(f"smp: capability must have shape ({n_act},), got {cap.shape}")
    if sal.shape != pos.shape:
        raise InputError(f"smp: salience must have shape {pos.shape}, got {sal.shape}")
    for name, arr in (("capability", cap), ("position", pos), ("salience", sal)):
        if not np.all(np.isfinite(arr)):
            raise InputError(f"smp: {name} has non-finite values (NaN or inf)")
    if np.any(cap <= 0.0):
        raise InputError(
            f"smp: capability must be > 0, actor {int(np.argmin(cap))} has {cap.min():g}"
        )
    if np.any(pos < 0.0) or np.any(pos > 100.0):
        raise InputError("smp: positions must lie on 0-100")
    if np.any(sal < 0.0) or np.any(sal > 1.0):
        raise InputError("smp: saliences must lie on 0-1 (KTAB's 0-100 divided by 100)")
    tot = sal.sum(axis=1)
    if np.any(tot <= 0.0) or np.any(tot > 1.0 + 1e-9):
        bad = int(np.argmax((tot <= 0.0) | (tot > 1.0 + 1e-9)))
        raise InputError(
            f"smp: each actor's saliences must sum to a value in (0, 1]; "
            f"actor {bad} sums to {tot[bad]:g}"
        )
    return cap, pos, sal


def _check_options(options: dict[str, object]) -> tuple[dict[str, str], int | None, int, float]:
    opts = dict(SMP_DEFAULTS)
    seed: int | None = None
    min_turns = 2
    stop_ratio = 0.02
    for key, val in options.items():
        if key == "seed":
            seed = None if val is None else int(val)  # type: ignore[call-overload]
        elif key == "min_turns":
            min_turns = int(val)  # type: ignore[call-overload]
        elif key == "stop_ratio":
            stop_ratio = float(val)  # type: ignore[arg-type]
        elif key in _CHOICES:
            if val not in _CHOICES[key]:
                raise InputError(
                    f"smp: option {key} must be one of {', '.join(_CHOICES[key])}; got {val!r}"
                )
            opts[key] = str(val)
        else:
            known = ", ".join([*_CHOICES, "seed", "min_turns", "stop_ratio"])
            raise InputError(f"smp: unknown option {key!r}; known options: {known}")
    return opts, seed, min_turns, stop_ratio


# ------------------------------------------------------------------ model


def _assess(
    x: np.ndarray, sal: np.ndarray, cap: np.ndarray, o: dict[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Risk attitudes R (A,) and every actor's estimate of the utility matrix (H, I, J).

    KTAB ``SMPState::setAllAUtil``: ideals equal positions (identity accommodation).
    """
    vd = core.sal_dist(x[:, None, :], x[None, :, :], sal[:, None, :])  # [i, j], i's saliences
    u_neutral = core.bs_util(vd, np.zeros(1))
    c = core.coalitions(o["voting_rule"], cap, u_neutral)
    p = core.pce(o["pce_model"], o["victory_prob_model"], c)
    r = core.big_r_from_prob(p, o["big_r_range"])
    r_hi = core.est_nra(r[:, None], r[None, :], o["big_r_adjust"])  # [h, i]
    a_util = core.bs_util(vd[None, :, :], r_hi[:, :, None])
    return r, a_util


def _challenge(
    a_util: np.ndarray,
    wsal: np.ndarray,
    sj_tot: np.ndarray,
    h: np.ndarray,
    k: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    o: dict[str, str],
) -> tuple[np.ndarray, np.ndarray]:
    """h's estimate of P[i beats j] and of k's expected gain from i challenging j.

    KTAB ``SMPState::probEduChlg``; all arguments after ``sj_tot`` are (P,) index arrays.
    ``wsal`` (A,) is capability x total salience, ``sj_tot`` (A,) total salience.
    """
    vr = o["voting_rule"]
    n_act = a_util.shape[1]
    uii = a_util[h, i, i]
    uij = a_util[h, i, j]
    uji = a_util[h, j, i]
    ujj = a_util[h, j, j]
    ci = core.vote(vr, wsal[i], uii - uij)
    cj = core.vote(vr, wsal[j], uji - ujj)
    chij0 = core.MIN_CONTEST + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    chji0 = core.MIN_CONTEST + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)
    n = np.arange(n_act)[None, :]
    uni = a_util[h[:, None], n, i[:, None]]
    unj = a_util[h[:, None], n, j[:, None]]
    unn = a_util[h[:, None], n, n]
    wn = wsal[None, :]
    cn = core.vote(vr, wn, uni - unj)
    cni = chij0[:, None] + np.maximum(cn, 0.0)
    cnj = chji0[:, None] + np.maximum(-cn, 0.0)
    pin = cni / (cni + cnj)
    vk = core.third_party_vote(vr, o["third_party_commit"], wn, pin, uni, unj, unn)
    third = (n != i[:, None]) & (n != j[:, None])
    chij = chij0 + np.where(third, np.maximum(vk, 0.0), 0.0).sum(axis=1)
    chji = chji0 + np.where(third, np.maximum(-vk, 0.0), 0.0).sum(axis=1)
    phij = chij / (chij + chji)
    phji = chji / (chij + chji)
    uki = a_util[h, k, i]
    ukj = a_util[h, k, j]
    eu_sq = uki + ukj
    eu_vict = 2.0 * uki
    eu_contest = phij * eu_vict + phji * 2.0 * ukj
    sj = sj_tot[j]
    eu_chlg = (1.0 - sj) * eu_vict + sj * eu_contest
    return phij, eu_chlg - eu_sq


class _Proposal(NamedTuple):
    """Actor ``init``'s challenge to ``rcvr`` and the bargains it gives rise to.

    Each bargain is a pair (position for the initiator, position for the receiver) on 0-1.
    """

    init: int
    rcvr: int
    gain: float  # init's expected gain from the challenge
    prob: float  # init's estimate of P[init beats rcvr]
    init_view: tuple[np.ndarray, np.ndarray]  # KTAB brgnIIJ
    rcvr_view: tuple[np.ndarray, np.ndarray]  # KTAB brgnJIJ
    compromise: tuple[np.ndarray, np.ndarray]  # KTAB brgnIJ


def _proposals(
    x: np.ndarray,
    sal: np.ndarray,
    cap: np.ndarray,
    a_util: np.ndarray,
    o: dict[str, str],
) -> list[_Proposal]:
    """Every actor's best challenge and its bargains (KTAB ``SMPState::doBCN(i)``).

    The receiver's view follows KTAB's code, which interpolates with j's estimate of i's
    expected gain from the challenge where a probability would be expected; the compromise
    weighs the initiator's view by c_i * sum(s_i) and the receiver's by c_i * sum(s_j), also as
    KTAB's code does. Both matter only for the non-default bargaining models.
    """
    n_act = cap.size
    s_tot = sal.sum(axis=1)
    wsal = cap * s_tot
    ii, jj = np.meshgrid(np.arange(n_act), np.arange(n_act), indexing="ij")
    off = ii != jj
    i_idx, j_idx = ii[off], jj[off]
    p_ij, edu = _challenge(a_util, wsal, s_tot, i_idx, i_idx, i_idx, j_idx, o)
    gain = np.full((n_act, n_act), -np.inf)
    gain[i_idx, j_idx] = edu
    prob = np.zeros((n_act, n_act))
    prob[i_idx, j_idx] = p_ij
    inits = []
    targets = []
    for i in range(n_act):
        j = int(np.argmax(gain[i]))  # first maximum, as KTAB's strict '>' scan over j
        if gain[i, j] > _MIN_SIG_EDU:
            inits.append(i)
            targets.append(j)
    if not inits:
        return []
    ia, ja = np.array(inits), np.array(targets)
    _, edu_j = _challenge(a_util, wsal, s_tot, ja, ia, ia, ja, o)  # j's view of i's gain
    kind = o["inter_vec_brgn"]
    out = []
    for m, (i, j) in enumerate(zip(inits, targets, strict=True)):
        p_iij = float(prob[i, j])
        b_iij = core.interp_bargain(kind, x[i], sal[i], p_iij, x[j], sal[j], 1.0 - p_iij)
        q = float(edu_j[m])
        b_jij = core.interp_bargain(kind, x[i], sal[i], q, x[j], sal[j], 1.0 - q)
        wi = cap[i] * s_tot[i]
        wj = cap[i] * s_tot[j]
        comp = (
            (wi * b_iij[0] + wj * b_jij[0]) / (wi + wj),
            (wi * b_iij[1] + wj * b_jij[1]) / (wi + wj),
        )
        out.append(_Proposal(i, j, float(gain[i, j]), p_iij, b_iij, b_jij, comp))
    return out


def _turn(
    x: np.ndarray,
    sal: np.ndarray,
    cap: np.ndarray,
    r: np.ndarray,
    a_util: np.ndarray,
    o: dict[str, str],
    rng: np.random.Generator,
) -> np.ndarray:
    """One build-challenge-negotiate turn (KTAB ``SMPState::doBCN``); returns new positions."""
    n_act = cap.size
    # bargains: (initiator, receiver, position for initiator, position for receiver)
    bargains: list[tuple[int, int, np.ndarray, np.ndarray]] = []
    for pr in _proposals(x, sal, cap, a_util, o):
        if o["bargn_model"] == "InitOnlyInterp":
            bargains.append((pr.init, pr.rcvr, *pr.init_view))
        elif o["bargn_model"] == "InitRcvrInterp":
            bargains.append((pr.init, pr.rcvr, *pr.init_view))
            bargains.append((pr.init, pr.rcvr, *pr.rcvr_view))
        else:  # PWCompInterp
            bargains.append((pr.init, pr.rcvr, *pr.compromise))

    own = a_util[np.arange(n_act), np.arange(n_act), :]  # own[n, j] = u_n(position j)
    pu_init = [core.bs_util(core.sal_dist(x, b[2][None, :], sal), r) for b in bargains]
    pu_rcvr = [core.bs_util(core.sal_dist(x, b[3][None, :], sal), r) for b in bargains]
    new_x = x.copy()
    for k in range(n_act):
        queue = [m for m, b in enumerate(bargains) if k in (b[0], b[1])]
        if not queue:
            continue  # only the status quo: k keeps its position
        cols = [own.sum(axis=1) / n_act]
        for m in queue:
            a, b = bargains[m][0], bargains[m][1]
            rest = np.ones(n_act, dtype=bool)
            rest[[a, b]] = False
            cols.append((pu_init[m] + pu_rcvr[m] + (own * rest[None, :]).sum(axis=1)) / n_act)
        u_im = np.stack(cols, axis=1)
        c = core.coalitions(o["voting_rule"], cap, u_im)
        p = core.pce(o["pce_model"], o["victory_prob_model"], c)
        if o["state_transitions"] == "Deterministic":
            pick = int(np.argmax(p))
        else:
            pick = int(rng.choice(p.size, p=p / p.sum()))
        if pick == 0:
            continue
        a, b, pa, pb = bargains[queue[pick - 1]]
        new_x[k] = pa if k == a else pb
    return new_x


def _state_dist(x1: np.ndarray, x2: np.ndarray) -> float:
    """Sum over actors of the Euclidean distance between two states (KTAB ``stateDist``)."""
    return float(np.sqrt(((x1 - x2) ** 2).sum(axis=1)).sum())


def _same_position(x: np.ndarray) -> np.ndarray:
    """eq[i, j]: actors i and j hold one position (closer than KTAB's posTol, ``equivNdx``)."""
    return np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=-1)) < _POS_TOL


def _unique_positions(eq: np.ndarray) -> list[int]:
    """Indices of the first actor at each distinct position (KTAB ``ueIndices``)."""
    unq: list[int] = []
    for i in range(eq.shape[0]):
        if not eq[i, unq].any():
            unq.append(i)
    return unq


def _position_probs(
    x: np.ndarray, a_util: np.ndarray, cap: np.ndarray, o: dict[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Probability of each distinct position winning (KTAB ``SMPState::pDist(-1)``)."""
    unq = np.array(_unique_positions(_same_position(x)))
    n_act = cap.size
    own = a_util[np.arange(n_act), np.arange(n_act), :]
    c = core.coalitions(o["voting_rule"], cap, own[:, unq])
    p = core.pce(o["pce_model"], o["victory_prob_model"], c)
    return unq, p


def _actor_probs(x: np.ndarray, unq: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Probability of the position each actor holds (KTAB ``State::posProb``).

    As in KTAB, an actor close to several representatives takes the last one's probability.
    """
    eq = _same_position(x)[:, unq]  # (A, U)
    last = eq.shape[1] - 1 - np.argmax(eq[:, ::-1], axis=1)
    return p[last]


def _smp_batch(
    capability: np.ndarray, position: np.ndarray, salience: np.ndarray, **kwargs: Any
) -> SMPResult:
    """Run :func:`smp` on each scenario of a batch and stack the results (see :func:`smp`)."""
    cap, pos, sal = (np.asarray(a, dtype=float) for a in (capability, position, salience))
    if cap.ndim != 2 or sal.shape != pos.shape or cap.shape != pos.shape[:2]:
        raise InputError(
            "smp: a batch needs capability (B, A), position (B, A, D) and salience (B, A, D); "
            f"got {cap.shape}, {pos.shape} and {sal.shape}"
        )
    runs = [smp(cap[b], pos[b], sal[b], **kwargs) for b in range(pos.shape[0])]
    longest = max(r.positions.shape[0] for r in runs)

    def pad(a: np.ndarray) -> np.ndarray:
        extra = longest - a.shape[0]
        return np.concatenate([a, np.repeat(a[-1:], extra, axis=0)]) if extra else a

    return SMPResult(
        positions=np.stack([pad(r.positions) for r in runs]),
        forecast=np.stack([r.forecast for r in runs]),
        turns=np.array([r.turns for r in runs]),  # type: ignore[arg-type]
        win_prob=np.stack([pad(r.win_prob) for r in runs]),
        risk=np.stack([pad(r.risk) for r in runs]),
        options=runs[0].options,
    )
