"""numba kernel of the expected utility model: all rounds of a batch of one-dimensional problems.

The equations and the two variants are documented in :mod:`pactsim.models.bargaining.eum`; the
plain-Python reading of the same equations is :mod:`pactsim.models.bargaining.eum_reference`,
which the tests hold this kernel to. Nothing is random, so no seeding is needed.

Speed: the probability that i prevails against j needs sum_k max(0, v_k(i, j)) for every pair,
naively A^3 per round. On one dimension voter k prefers i to j exactly when x_k lies on i's side
of the midpoint (x_i + x_j) / 2, for any risk exponent, so the sum is a difference of prefix sums
over the voters sorted by position: A^2 log A per round.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

CONFRONTATION, COMPROMISE, CAPITULATION = 1, 2, 3
_MEDIAN_TOL = 1e-12


@njit(cache=True, error_model="numpy")
def _power(z, r):  # type: ignore[no-untyped-def]
    return z if r == 1.0 else z**r


@njit(cache=True, error_model="numpy")
def _log(z):  # type: ignore[no-untyped-def]
    return np.log(z) if z > 0.0 else -np.inf


@njit(cache=True, error_model="numpy")
def _pow_from_log(z, log_z, r):  # type: ignore[no-untyped-def]
    """z^r from a precomputed log z: exp and log cost about a quarter of a pow each."""
    return z if r == 1.0 else np.exp(r * log_z)


@njit(cache=True, error_model="numpy")
def _eu(p, s_target, d, d_mu, r, q):  # type: ignore[no-untyped-def]
    """E(i challenges j) with P = p, s_j, d = |x_i - x_j|/R, d_mu = |x_i - mu|/R, risk r."""
    us = 2.0 - 4.0 * _power(0.5 - 0.5 * d, r)
    uf = 2.0 - 4.0 * _power(0.5 + 0.5 * d, r)
    usq = 2.0 - 4.0 * _power(0.5, r)
    eu = s_target * (p * us + (1.0 - p) * uf) + (1.0 - s_target) * us - q * usq
    if q != 1.0:
        if d_mu < d:
            eu -= (1.0 - q) * (2.0 - 4.0 * _power(0.5 - 0.25 * (d_mu + d), r))
        else:
            eu -= (1.0 - q) * (2.0 - 4.0 * _power(0.5 + 0.25 * (d_mu + d), r))
    return eu


@njit(cache=True, error_model="numpy")
def _eu_pre(p, s_target, us, uf, usq, d, d_mu, r, q):  # type: ignore[no-untyped-def]
    """:func:`_eu` with U_s, U_f and U_sq already computed (they are shared between pairs)."""
    eu = s_target * (p * us + (1.0 - p) * uf) + (1.0 - s_target) * us - q * usq
    if q != 1.0:
        if d_mu < d:
            eu -= (1.0 - q) * (2.0 - 4.0 * _power(0.5 - 0.25 * (d_mu + d), r))
        else:
            eu -= (1.0 - q) * (2.0 - 4.0 * _power(0.5 + 0.25 * (d_mu + d), r))
    return eu


@njit(cache=True, error_model="numpy")
def _median(x, w):  # type: ignore[no-untyped-def]
    """Position of least sum_k w_k |x_k - x| among the actors' (lowest among ties)."""
    n = x.size
    lo = x.min()
    hi = x.max()
    tw = 0.0
    for k in range(n):
        tw += w[k]
    tol = _MEDIAN_TOL * tw * (hi - lo)
    best = np.inf
    cost = np.empty(n)
    for a in range(n):
        acc = 0.0
        for k in range(n):
            acc += w[k] * abs(x[k] - x[a])
        cost[a] = acc
        if acc < best:
            best = acc
    med = np.inf
    for a in range(n):
        if cost[a] - best <= tol and x[a] < med:
            med = x[a]
    return med


@njit(cache=True, error_model="numpy")
def _probability(x, w, pw, order, xs, per_pair, prefix, prob):  # type: ignore[no-untyped-def]
    """prob[i, j]: share of the votes for i over j, votes v_k = w_k (pw[k, j] - pw[k, i]).

    per_pair: denominator sum_k |v_k(i, j)| (the paper); else the global sum over all ordered
    pairs (Scholz et al.'s code).
    """
    n = x.size
    for a in range(n):
        prefix[a, 0] = 0.0
        for m in range(n):
            k = order[m]
            prefix[a, m + 1] = prefix[a, m] + w[k] * pw[k, a]
    total = 0.0
    for i in range(n):
        for j in range(n):
            if x[i] == x[j]:
                prob[i, j] = 0.0
                continue
            cnt = np.searchsorted(xs, 0.5 * (x[i] + x[j]))  # voters strictly below the midpoint
            if x[i] < x[j]:
                pos = prefix[j, cnt] - prefix[i, cnt]
            else:
                pos = (prefix[j, n] - prefix[j, cnt]) - (prefix[i, n] - prefix[i, cnt])
            pos = max(pos, 0.0)
            absum = max(2.0 * pos - (prefix[j, n] - prefix[i, n]), 0.0)
            if per_pair:
                prob[i, j] = pos / absum if absum > 0.0 else 0.5
            else:
                prob[i, j] = pos
                total += absum
    if not per_pair:
        for i in range(n):
            for j in range(n):
                prob[i, j] = prob[i, j] / total if total > 0.0 else 0.0


@njit(cache=True, error_model="numpy")
def _one_problem(c, x0, s, fixed, rounds, q, scholz, pos, med, kind, source, rsk):  # type: ignore[no-untyped-def]
    """All rounds of one problem (1-D rows of :func:`eum_kernel`'s arrays), written in place."""
    n = x0.size
    d = np.empty((n, n))
    pw = np.empty((n, n))
    p1 = np.empty((n, n))
    pr = np.empty((n, n))
    prefix = np.empty((n, n + 1))
    log_d = np.empty((n, n))
    log_s = np.empty((n, n))
    log_f = np.empty((n, n))
    us = np.empty((n, n))
    uf = np.empty((n, n))
    usq = np.empty(n)
    d_mu = np.empty(n)
    danger = np.empty(n)
    r = np.empty(n)
    w = np.empty(n)
    x = np.empty(n)
    new_x = np.empty(n)
    xs = np.empty(n)
    for a in range(n):
        x[a] = x0[a]
        w[a] = c[a] * s[a]
        pos[0, a] = x[a]
    med[0] = _median(x, w)
    span = x.max() - x.min()
    for t in range(rounds):
        for a in range(n):
            kind[t, a] = 0
            source[t, a] = -1
            rsk[t, a] = 1.0
    if not span > 0.0:
        for t in range(rounds):
            for a in range(n):
                pos[t + 1, a] = x[a]
            med[t + 1] = med[0]
        return
    inv = 1.0 / span
    for t in range(rounds):
        mu = med[t]
        order = np.argsort(x, kind="mergesort")
        for m in range(n):
            xs[m] = x[order[m]]
        for a in range(n):
            d_mu[a] = abs(x[a] - mu) * inv
            for o in range(n):
                d[a, o] = abs(x[a] - x[o]) * inv
        # risk exponents from the danger each actor is in, all risk-neutral
        _probability(x, w, d, order, xs, not scholz, prefix, p1)
        for a in range(n):
            acc = 0.0
            for o in range(n):
                if o != a:
                    acc += _eu(p1[o, a], s[a], d[o, a], d_mu[o], 1.0, q)
            danger[a] = acc
        hi = danger.max()
        lo = danger.min()
        for a in range(n):
            big_r = (2.0 * danger[a] - hi - lo) / (hi - lo) if hi > lo else 0.0
            r[a] = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
            if not np.isnan(fixed[a]):
                r[a] = fixed[a]
            rsk[t, a] = r[a]
        # logs of the distance terms, shared by every risk exponent (symmetric in a, o)
        for a in range(n):
            for o in range(a, n):
                log_d[a, o] = log_d[o, a] = _log(d[a, o])
                log_s[a, o] = log_s[o, a] = _log(0.5 - 0.5 * d[a, o])
                log_f[a, o] = log_f[o, a] = _log(0.5 + 0.5 * d[a, o])
        if scholz:
            for k in range(n):
                for a in range(n):
                    pw[k, a] = _pow_from_log(d[k, a], log_d[k, a], r[k])
            _probability(x, w, pw, order, xs, False, prefix, pr)
            prob = pr
        else:
            prob = p1
        # U_s, U_f of the pair (a, o) with a's risk exponent: us[a, o], uf[a, o]
        for a in range(n):
            usq[a] = 2.0 - 4.0 * _power(0.5, r[a])
            for o in range(n):
                us[a, o] = 2.0 - 4.0 * _pow_from_log(0.5 - 0.5 * d[a, o], log_s[a, o], r[a])
                uf[a, o] = 2.0 - 4.0 * _pow_from_log(0.5 + 0.5 * d[a, o], log_f[a, o], r[a])
        # offers received by each actor a from each other actor o
        for a in range(n):
            best_kind = 0
            best_key = np.inf
            best_src = -1
            best_to = x[a]
            for o in range(n):
                if x[o] == x[a]:
                    continue
                e_ao = _eu_pre(
                    prob[a, o], s[o], us[a, o], uf[a, o], usq[a], d[a, o], d_mu[a], r[a], q
                )
                if scholz:  # seen from a, with a's risk exponent
                    e_oa = _eu_pre(
                        prob[o, a], s[a], us[a, o], uf[a, o], usq[a], d[o, a], d_mu[o], r[a], q
                    )
                else:  # with o's own risk exponent
                    e_oa = _eu_pre(
                        prob[o, a], s[a], us[o, a], uf[o, a], usq[o], d[o, a], d_mu[o], r[o], q
                    )
                if e_oa > e_ao and e_ao > 0.0:
                    k_o = CONFRONTATION
                    to = x[o]
                elif e_oa > 0.0 and e_ao < 0.0 and e_oa > abs(e_ao):
                    k_o = COMPROMISE
                    to = x[a] + (x[o] - x[a]) * abs(e_ao / e_oa)
                elif e_oa > 0.0 and e_ao < 0.0:
                    k_o = CAPITULATION
                    to = x[o]
                else:
                    continue
                if scholz and k_o == COMPROMISE:
                    key = (abs(e_ao) * x[a] + abs(e_oa) * x[o]) / (abs(e_ao) + abs(e_oa))
                else:
                    key = abs(to - x[a])
                if best_kind == 0 or k_o < best_kind or (k_o == best_kind and key < best_key):
                    best_kind = k_o
                    best_key = key
                    best_src = o
                    best_to = to
            new_x[a] = best_to
            kind[t, a] = best_kind
            source[t, a] = best_src
        for a in range(n):
            x[a] = new_x[a]
            pos[t + 1, a] = x[a]
        med[t + 1] = _median(x, w)


@njit(cache=True, error_model="numpy")
def eum_kernel(c, x0, s, fixed, rounds, q, scholz, pos, med, kind, source, rsk):  # type: ignore[no-untyped-def]
    """Run ``rounds`` rounds on each row of (N, A) inputs, writing the history in place.

    fixed: (N, A) fixed risk exponents, NaN where computed. pos: (N, rounds + 1, A);
    med: (N, rounds + 1) medians; kind, source, rsk: (N, rounds, A).
    """
    for b in range(x0.shape[0]):
        _one_problem(
            c[b],
            x0[b],
            s[b],
            fixed[b],
            rounds,
            q,
            scholz,
            pos[b],
            med[b],
            kind[b],
            source[b],
            rsk[b],
        )


@njit(cache=True, parallel=True, error_model="numpy")
def eum_kernel_parallel(c, x0, s, fixed, rounds, q, scholz, pos, med, kind, source, rsk):  # type: ignore[no-untyped-def]
    """:func:`eum_kernel` with the problems spread over numba's threads (results identical)."""
    for b in prange(x0.shape[0]):
        _one_problem(
            c[b],
            x0[b],
            s[b],
            fixed[b],
            rounds,
            q,
            scholz,
            pos[b],
            med[b],
            kind[b],
            source[b],
            rsk[b],
        )
