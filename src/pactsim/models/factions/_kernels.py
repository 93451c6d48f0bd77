"""numba kernels of the buy-off model: min-cost cover knapsack and bisection on the reform level.

Kept apart from the public API so that the numerics can be read in one place. All arrays are
C-contiguous; nothing is random, so no seeding is needed.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _payments(r, ideal, kappa, alpha, pay):  # type: ignore[no-untyped-def]
    """pay_f = kappa_f * max(0, r - x_f)^alpha [USD million per month]; docs/design.md, Factions."""
    for f in range(ideal.size):
        gap = r - ideal[f]
        pay[f] = kappa[f] * gap ** alpha[f] if gap > 0.0 else 0.0


@njit(cache=True)
def _cheapest(r, w, q, ideal, kappa, alpha, rho, veto, pay, dp_c, dp_s, take, record):  # type: ignore[no-untyped-def]
    """Cost of the cheapest winning coalition at reform level r.

    Vetoes are always in and paid; factions with r <= ideal accept for free and are always in;
    the others are chosen by a 0/1 min-cost cover knapsack over integer weights (dp over the
    weight still missing), ties broken toward fewer spoilers (rho_f * w_f).
    If ``record``, take[f, j] says whether faction f was taken with j weight units missing.
    """
    n = w.size
    _payments(r, ideal, kappa, alpha, pay)
    base_cost = 0.0
    base_w = 0
    for f in range(n):
        if veto[f]:
            base_cost += pay[f]
            base_w += w[f]
        elif r <= ideal[f]:
            base_w += w[f]
    need = q - base_w
    if need <= 0:
        return base_cost
    dp_c[0] = 0.0
    dp_s[0] = 0.0
    for j in range(1, need + 1):
        dp_c[j] = np.inf
        dp_s[j] = np.inf
    for f in range(n):
        if veto[f] or r <= ideal[f]:
            continue
        pf = pay[f]
        sf = rho[f] * w[f]
        for j in range(need, 0, -1):
            src = j - w[f]
            if src < 0:
                src = 0
            c = dp_c[src] + pf
            s = dp_s[src] + sf
            better = c < dp_c[j] or (c == dp_c[j] and s < dp_s[j])
            if better:
                dp_c[j] = c
                dp_s[j] = s
            if record:
                take[f, j] = better
    return base_cost + dp_c[need]


@njit(cache=True)
def _coalition(r, w, q, ideal, veto, take, coal):  # type: ignore[no-untyped-def]
    """Rebuild the coalition chosen by the last recorded :func:`_cheapest` call."""
    n = w.size
    need = q
    for f in range(n):
        chosen = veto[f] or r <= ideal[f]
        coal[f] = chosen
        if chosen:
            need -= w[f]
    for f in range(n - 1, -1, -1):
        if need <= 0:
            break
        if coal[f]:
            continue
        if take[f, need]:
            coal[f] = True
            need -= w[f]


@njit(cache=True)
def buyoff_batch_kernel(  # type: ignore[no-untyped-def]
    w,
    q,
    ideal,
    kappa,
    alpha,
    rho,
    veto,
    budget,
    r_min,
    r_max,
    tol,
    mode,
    reform,
    coal,
    pay,
    cost,
):
    """For each batch row b: mode 0, the largest r in [r_min, r_max] whose cheapest winning
    coalition costs at most budget[b] (bisection on the nondecreasing cost(r)); mode 1, the
    cheapest coalition at r = r_max[b] (the minimum budget for that target).
    """
    nb, n = ideal.shape
    dp_c = np.empty(q + 1)
    dp_s = np.empty(q + 1)
    take = np.zeros((n, q + 1), dtype=np.bool_)
    p = np.empty(n)
    for b in range(nb):
        x = ideal[b]
        k = kappa[b]
        a = alpha[b]
        h = rho[b]
        if mode == 1:
            r = r_max[b]
        else:
            hi = r_max[b]
            lo = r_min[b]
            if _cheapest(hi, w, q, x, k, a, h, veto, p, dp_c, dp_s, take, False) <= budget[b]:
                r = hi
            elif _cheapest(lo, w, q, x, k, a, h, veto, p, dp_c, dp_s, take, False) > budget[b]:
                r = lo
            else:
                while hi - lo > tol:
                    mid = 0.5 * (lo + hi)
                    if mid <= lo or mid >= hi:
                        break
                    c = _cheapest(mid, w, q, x, k, a, h, veto, p, dp_c, dp_s, take, False)
                    if c <= budget[b]:
                        lo = mid
                    else:
                        hi = mid
                r = lo
        reform[b] = r
        cost[b] = _cheapest(r, w, q, x, k, a, h, veto, p, dp_c, dp_s, take, True)
        _coalition(r, w, q, x, veto, take, coal[b])
        for f in range(n):
            pay[b, f] = p[f] if coal[b, f] else 0.0
