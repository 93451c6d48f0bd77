"""Building blocks of KTAB's Spatial Model of Politics: votes, coalitions, Condorcet elections.

A numpy restatement of the formulas of KAPSARC's KTAB (MIT licence), read from
``KTAB/kmodel/libsrc/kmodel.cpp`` (``Model::vote``, ``coalitions``, ``vProb``, ``condPCE``,
``markovUniformPCE``, ``markovIncentivePCE``, ``bigRfromProb``, ``estNRA``,
``Actor::vProbLittle``, ``Actor::thirdPartyVoteSU``) and ``examples/smp/libsrc/smp.cpp``
(``bsUtil``, ``bvDiff``, ``interpBrgnSnPm``, ``interpBrgnS2PMax``). Positions are on KTAB's
internal 0-1 scale here; utilities are on 0-1.
"""

from __future__ import annotations

import numpy as np

VOTING_RULES = ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")
VICTORY_PROB_MODELS = ("Linear", "Square", "Quartic", "Octic", "Binary")
PCE_MODELS = ("Conditional", "MarkovIncentive", "MarkovUniform")
BIG_R_RANGES = ("Min", "Mid", "Max")
BIG_R_ADJUSTS = ("None", "OneThird", "Half", "TwoThirds", "Full")
THIRD_PARTY_COMMITS = ("NoCommit", "SemiCommit", "FullCommit")

MIN_COALITION = 1e-8  # KTAB's floor on a coalition's strength in an election (Model::coalitions)
MIN_CONTEST = 1e-10  # KTAB's floor on a coalition's strength in a challenge (probEduChlg)


def vote(rule: str, weight: np.ndarray | float, du: np.ndarray) -> np.ndarray:
    """Influence an actor of ``weight`` exerts for option i over j, given du = u_i - u_j.

    KTAB ``Model::vote``: Prop is w*du; Cubic w*du^3; PropCbc their average; Binary w*sign(du)
    with a linear ramp over |du| < 1e-8; PropBin 0.8 Prop + 0.2 Binary; ASymProsp w*du for a
    loss and (2/3) w*du for a gain.
    """
    du = np.asarray(du, dtype=float)
    if rule == "Prop":
        return weight * du
    if rule == "Cubic":
        return weight * du**3
    if rule == "PropCbc":
        return weight * (0.5 * du + 0.5 * du**3)
    binary = np.clip(du / 1e-8, -1.0, 1.0)
    if rule == "Binary":
        return weight * binary
    if rule == "PropBin":
        return weight * (0.8 * du + 0.2 * binary)
    if rule == "ASymProsp":
        return np.where(du < 0.0, weight * du, np.where(du > 0.0, 2.0 * weight * du / 3.0, 0.0))
    raise ValueError(f"unknown voting rule {rule!r}")


def coalitions(rule: str, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Strength c[i, j] of the coalition for option i against option j.

    ``w`` (A,) voting weights, ``u`` (A, M) utility to actor k of option m. As in KTAB, each
    pair i > j is voted once (du = u_i - u_j); positive votes go to c[i, j], negative ones to
    c[j, i]; every entry carries the floor 1e-8.
    """
    du = u[:, :, None] - u[:, None, :]  # (A, M, M): u_ki - u_kj
    v = vote(rule, w[:, None, None], du)
    pos = np.maximum(v, 0.0).sum(axis=0)
    neg = np.maximum(-v, 0.0).sum(axis=0)
    c = np.tril(pos, -1) + np.tril(neg, -1).T + MIN_COALITION
    return c


def victory_prob(model: str, c: np.ndarray) -> np.ndarray:
    """pv[i, j] = probability option i beats j given coalition strengths (KTAB ``vProb``).

    Linear: c_ij / (c_ij + c_ji); Square, Quartic, Octic raise strengths to the 2nd, 4th, 8th
    power first; Binary gives certainty beyond a 10 % margin with a linear ramp inside it.
    The diagonal is 1/2.
    """
    cij = np.tril(c, -1)
    cji = np.tril(c.T, -1)
    if model == "Linear":
        x1, x2 = cij, cji
    elif model == "Square":
        x1, x2 = cij**2, cji**2
    elif model == "Quartic":
        x1, x2 = cij**4, cji**4
    elif model == "Octic":
        x1, x2 = cij**8, cji**8
    elif model == "Binary":
        thresh = 1.10
        with np.errstate(invalid="ignore", divide="ignore"):
            r12 = cij / (cij + cji)
        p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(cij >= thresh * cji, 1.0, np.where(cji >= thresh * cij, 1e-6, p12))
        x2 = np.where(cij >= thresh * cji, 1e-6, np.where(cji >= thresh * cij, 1.0, 1.0 - p12))
    else:
        raise ValueError(f"unknown victory-probability model {model!r}")
    m = c.shape[0]
    low = np.tril(np.ones((m, m), dtype=bool), -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_low = np.where(low, x1 / (x1 + x2), 0.0)
        p_up = np.where(low, x2 / (x1 + x2), 0.0)
    pv = p_low + p_up.T
    np.fill_diagonal(pv, 0.5)
    return pv


def pce(model: str, vpm: str, c: np.ndarray) -> np.ndarray:
    """Probabilistic Condorcet election: probability of each option (KTAB ``probCE2``).

    Conditional: p_i proportional to prod_j pv[i, j]. MarkovUniform and MarkovIncentive iterate
    KTAB's Markov chains (uniform challenges, or challenges in proportion to the incentive
    c_ij * pv_ij) to their fixed point with KTAB's damping p <- (p + q) / 2.
    """
    pv = victory_prob(vpm, c)
    m = c.shape[0]
    if model == "Conditional":
        p = np.prod(pv, axis=1)
        return p / p.sum()
    if model == "MarkovUniform":
        p = np.full(m, 1.0 / m)
        for _ in range(1000):
            q = (pv * (p[:, None] + p[None, :])).sum(axis=1) / m
            change = np.max(np.abs(q - p))
            p = (p + q) / 2.0
            if change <= 1e-6:
                return p
        raise ArithmeticError("MarkovUniform PCE did not converge in 1000 iterations")
    if model == "MarkovIncentive":
        inc = c * pv
        inc = inc + np.eye(m) * 1e-10
        chlg = inc / inc.sum(axis=0, keepdims=True)  # chlg[i, j] = P[i challenges j]
        p = np.full(m, 1.0 / m)
        for _ in range(1000):
            ct = p[:, None] * chlg.T  # ct[i, j] = p_i * chlg[j, i]
            q = (pv * (ct + ct.T)).sum(axis=1)
            change = np.max(np.abs(q - p))
            p = (p + q) / 2.0
            if change <= 1e-8:
                return p
        raise ArithmeticError("MarkovIncentive PCE did not converge in 1000 iterations")
    raise ValueError(f"unknown PCE model {model!r}")


def big_r_from_prob(p: np.ndarray, rng: str) -> np.ndarray:
    """Risk attitudes R from position probabilities (KTAB ``bigRfromProb``).

    The most probable position gets R = +1 (risk averse); the least probable gets 0 (Min),
    -1/2 (Mid) or -1 (Max), linearly in between. If all probabilities are equal (all actors at
    one position) KTAB divides by zero; here every actor is then risk neutral (assumption).
    """
    pmin, pmax = float(p.min()), float(p.max())
    span = pmax - pmin
    if span <= 0.0:
        return np.zeros_like(p)
    if rng == "Min":
        return (p - pmin) / span
    if rng == "Mid":
        return (3.0 * p - (pmax + 2.0 * pmin)) / (2.0 * span)
    if rng == "Max":
        return (2.0 * p - (pmax + pmin)) / span
    raise ValueError(f"unknown BigRRange {rng!r}")


def est_nra(rh: np.ndarray, ri: np.ndarray, adjust: str) -> np.ndarray:
    """h's estimate of i's risk attitude, anchored on h's own (KTAB ``estNRA``)."""
    if adjust == "Full":
        return ri + 0.0 * rh
    if adjust == "TwoThirds":
        return (rh + 2.0 * ri) / 3.0
    if adjust == "Half":
        return (rh + ri) / 2.0
    if adjust == "OneThird":
        return (2.0 * rh + ri) / 3.0
    if adjust == "None":
        return rh + 0.0 * ri
    raise ValueError(f"unknown BigRAdjust {adjust!r}")


def bs_util(d: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Utility of a salience-weighted distance d on 0-1 for risk attitude R (KTAB ``bsUtil``).

    u = (1 - d)(1 + d R): linear for R = 0, concave (risk averse) for R > 0.
    """
    return np.where(d <= 1.0, (1.0 - d) * (1.0 + d * r), (1.0 - d) * (1.0 + r))


def sal_dist(ideal: np.ndarray, pos: np.ndarray, sal: np.ndarray) -> np.ndarray:
    """Salience-weighted RMS distance from ``ideal`` to ``pos`` (KTAB ``bvDiff``).

    sqrt(sum_k (s_k (x_k - y_k))^2 / sum_k s_k^2); arrays broadcast over leading axes.
    """
    num = ((sal * (ideal - pos)) ** 2).sum(axis=-1)
    den = (sal**2).sum(axis=-1)
    return np.sqrt(num / den)


def third_party_vote(
    rule: str,
    commit: str,
    wn: np.ndarray,
    pin: np.ndarray,
    uni: np.ndarray,
    unj: np.ndarray,
    unn: np.ndarray,
) -> np.ndarray:
    """Vote of third party n in i's challenge to j (KTAB ``thirdPartyVoteSU``, sum of utilities).

    n compares joining i (ik > j with probability pin) with joining j; the states' utilities
    add the three positions of i, j, n after the contest, which depend on the commitment rule.
    """
    pjn = 1.0 - pin
    if commit == "FullCommit":
        ik_def_j, j_def_ik = 3 * uni, 3 * unj
        i_def_jk, jk_def_i = 3 * uni, 3 * unj
    elif commit == "SemiCommit":
        ik_def_j, j_def_ik = 2 * uni + unn, 3 * unj
        i_def_jk, jk_def_i = 3 * uni, 2 * unj + unn
    elif commit == "NoCommit":
        ik_def_j, j_def_ik = 2 * uni + unn, 2 * unj + unn
        i_def_jk, jk_def_i = 2 * uni + unn, 2 * unj + unn
    else:
        raise ValueError(f"unknown ThirdPartyCommit {commit!r}")
    u_ik_j = pin * ik_def_j + pjn * j_def_ik
    u_i_jk = pin * i_def_jk + pjn * jk_def_i
    return vote(rule, wn, u_ik_j - u_i_jk)


def round4(x: np.ndarray) -> np.ndarray:
    """KTAB's rounding of interpolated bargains to 4 decimals on 0-1 (half up)."""
    return np.floor(0.5 + x * 10000.0) / 10000.0


def interp_bargain(
    kind: str,
    ti: np.ndarray,
    si: np.ndarray,
    pi: float,
    tj: np.ndarray,
    sj: np.ndarray,
    pj: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Positions proposed to i and j in i's bargain with j (KTAB ``interpolateBrgn``).

    S1P1 / S2P2: each dimension's bargain is the average of the two positions weighted by
    (salience * probability of success) to the power 1 or 2, with KTAB's small bias 1e-6 toward
    one's own position and rounding to 4 decimals on 0-1. S2PMax: asymmetric shift of the
    weaker side by the truncated difference in probabilities.
    """
    if kind in ("S1P1", "S2P2"):
        n = 1 if kind == "S1P1" else 2
        wi = si**n * pi**n
        wj = sj**n * pj**n
        min_w = 1e-6
        tot = wi + min_w + wj
        bi = round4(((wi + min_w) * ti + wj * tj) / tot)
        bj = round4((wi * ti + (min_w + wj) * tj) / tot)
        return bi, bj
    if kind == "S2PMax":
        di = max(pj - pi, 0.0)
        dj = max(pi - pj, 0.0)
        si2, sj2 = si * si, sj * sj
        min_w = 1e-6
        dik = (di * sj2) / (di * sj2 + min_w + (1 - di) * si2)
        djk = (dj * si2) / (dj * si2 + min_w + (1 - dj) * sj2)
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    raise ValueError(f"unknown InterVecBrgn {kind!r}")
