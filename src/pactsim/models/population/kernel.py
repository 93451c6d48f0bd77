"""The numba kernel of Epstein's (2002) Model I: one run, single-threaded, exact.

Why it is fast: a citizen's decision needs the numbers of cops C and actives A within its
vision. Instead of scanning ~100-150 cells per decision, the kernel keeps an *influence field*:
for every cell, ``cops << 16 | actives`` summed over the vision neighbourhood of that cell.
A cop that moves updates two neighbourhoods; a citizen reads one cell. Cops are ten times
fewer than citizens and actives are few outside outbursts, so the work per tick falls several
times; the counts are the same integers a scan would give, so the model stays exact.

Every helper is written inline in the main loop: njit helpers taking arrays are called with
reference counting in the hot loop (DESIGN 11). Updates of the field requested during an
agent's turn are queued and applied at the end of the turn; this does not change what the
agent itself reads, because it moves only within its vision (the neighbourhood is symmetric)
and its own contribution is handled explicitly.

Random numbers: numba's generator, reseeded at the start of every tick from (seed, tick), so a
run is bit-identical whether it is advanced in one call or many, and two runs in one process
(or on two threads) never share a stream.
"""

from __future__ import annotations

import numpy as np
from numba import njit

QUIET = 0
ACTIVE = 1
JAILED = 2

JAIL_MESA = 0
JAIL_NETLOGO = 1
JAIL_PAPER = 2

ROUND_NONE = 0
ROUND_FLOOR = 1
ROUND_HALF_EVEN = 2

COP_UNIT = 1 << 16
ACT_MASK = 0xFFFF


@njit(cache=True, nogil=True)
def tick_seed(seed: int, tick: int) -> int:
    """SplitMix64 of (seed, tick), reduced to 31 bits for ``np.random.seed``."""
    z = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(tick)
    z = z + np.uint64(0x632BE59BD9B4E019)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return np.int64(z & np.uint64(0x7FFFFFFF))  # type: ignore[return-value]


@njit(cache=True, nogil=True)
def field_add(field, y, x, delta, h, w, hw, r):
    """Add ``delta`` to every cell within radius r of (y, x) (row half-widths ``hw``)."""
    for i in range(2 * r + 1):
        yy = y - r + i
        if yy < 0:
            yy += h
        elif yy >= h:
            yy -= h
        base = yy * w
        wd = hw[i]
        x0 = x - wd
        x1 = x + wd
        if x0 < 0:
            for xx in range(x0 + w, w):
                field[base + xx] += delta
            x0 = 0
        if x1 >= w:
            for xx in range(0, x1 - w + 1):
                field[base + xx] += delta
            x1 = w - 1
        for xx in range(x0, x1 + 1):
            field[base + xx] += delta


@njit(cache=True, nogil=True)
def build(
    h, w, ay, ax, state, cy, cx, jail_blocks, hw1, r1, f1, hw2, r2, f2, actc, occ, head, nxt, prv
):
    """Fill the fields, occupancy, active counts and cell lists from the agents."""
    for c in range(cy.shape[0]):
        field_add(f1, cy[c], cx[c], COP_UNIT, h, w, hw1, r1)
        if r2 != r1:
            field_add(f2, cy[c], cx[c], COP_UNIT, h, w, hw2, r2)
        occ[cy[c] * w + cx[c]] += 1
    for i in range(ay.shape[0]):
        cell = ay[i] * w + ax[i]
        if state[i] == JAILED:
            if jail_blocks:
                occ[cell] += 1
            continue
        occ[cell] += 1
        j = head[cell]
        nxt[i] = j
        prv[i] = -1
        if j >= 0:
            prv[j] = i
        head[cell] = i
        if state[i] == ACTIVE:
            actc[cell] += 1
            field_add(f1, ay[i], ax[i], 1, h, w, hw1, r1)
            if r2 != r1:
                field_add(f2, ay[i], ax[i], 1, h, w, hw2, r2)


@njit(cache=True, nogil=True)
def advance_kernel(
    seed,
    tick0,
    nticks,
    h,
    w,
    hw1,
    r1,
    ody1,
    odx1,
    hw2,
    r2,
    ody2,
    odx2,
    rounding,
    jail_mode,
    jail_inclusive,
    count_own,
    move_first,
    movement,
    threshold,
    max_jail,
    ay,
    ax,
    h0,
    risk,
    state,
    jail,
    cy,
    cx,
    f1,
    f2,
    actc,
    occ,
    head,
    nxt,
    prv,
    order,
    leg,
    hard,
    kk,
    region,
    per_agent,
    out_q,
    out_a,
    out_j,
    out_new,
    out_tension,
):
    """Run ``nticks`` ticks of Model I in place and write the counts after each tick.

    Radius r1 (field f1) is the citizens' vision, r2 (field f2) the cops'; when they are equal
    f2 is not maintained and f1 serves both.
    """
    n_cit = ay.shape[0]
    n = order.shape[0]
    n_cells = h * w
    jail_hi = max_jail + 1 if jail_inclusive else max_jail
    two = r2 != r1
    n_regions_cells = region.shape[0]
    qy = np.empty(8, dtype=np.int64)
    qx = np.empty(8, dtype=np.int64)
    qd = np.empty(8, dtype=np.int64)
    for t in range(nticks):
        np.random.seed(tick_seed(seed, tick0 + t))
        for m in range(n):
            order[m] = m
        np.random.shuffle(order)
        k = kk[t]
        newly = 0
        for m in range(n):
            idx = order[m]
            nq = 0  # queued field updates
            is_cit = idx < n_cit
            i = idx
            c = idx - n_cit
            st = QUIET
            if is_cit:
                st = state[i]
                if st == JAILED:
                    if jail_mode != JAIL_MESA:
                        continue
                    if jail[i] > 0:
                        jail[i] -= 1
                        continue
                    # Mesa: the term is over at this activation; the citizen decides now
                    cell = ay[i] * w + ax[i]
                    j = head[cell]
                    nxt[i] = j
                    prv[i] = -1
                    if j >= 0:
                        prv[j] = i
                    head[cell] = i
                    state[i] = QUIET
            for phase in range(2):
                if (phase == 0) == move_first:
                    # ---------------------------------------------------------------- move
                    if is_cit and not movement:
                        continue
                    if is_cit:
                        y = ay[i]
                        x = ax[i]
                        ody = ody1
                        odx = odx1
                    else:
                        y = cy[c]
                        x = cx[c]
                        ody = ody2
                        odx = odx2
                    no = ody.shape[0]
                    dest = -1
                    for _ in range(32):
                        jj = np.random.randint(0, no)
                        yy = y + ody[jj]
                        if yy < 0:
                            yy += h
                        elif yy >= h:
                            yy -= h
                        xx = x + odx[jj]
                        if xx < 0:
                            xx += w
                        elif xx >= w:
                            xx -= w
                        if occ[yy * w + xx] == 0:
                            dest = yy * w + xx
                            break
                    if dest < 0:
                        cnt = 0
                        for jj in range(no):
                            cc = ((y + ody[jj]) % h) * w + (x + odx[jj]) % w
                            if occ[cc] == 0:
                                cnt += 1
                        if cnt > 0:
                            rr = np.random.randint(0, cnt)
                            for jj in range(no):
                                cc = ((y + ody[jj]) % h) * w + (x + odx[jj]) % w
                                if occ[cc] == 0:
                                    if rr == 0:
                                        dest = cc
                                        break
                                    rr -= 1
                    if dest < 0:
                        continue
                    old = y * w + x
                    ny = dest // w
                    nx = dest - ny * w
                    occ[old] -= 1
                    occ[dest] += 1
                    if is_cit:
                        # unlink from the old cell, link into the new one
                        if prv[i] >= 0:
                            nxt[prv[i]] = nxt[i]
                        else:
                            head[old] = nxt[i]
                        if nxt[i] >= 0:
                            prv[nxt[i]] = prv[i]
                        j = head[dest]
                        nxt[i] = j
                        prv[i] = -1
                        if j >= 0:
                            prv[j] = i
                        head[dest] = i
                        ay[i] = ny
                        ax[i] = nx
                        if state[i] == ACTIVE:
                            actc[old] -= 1
                            actc[dest] += 1
                            qy[nq] = y
                            qx[nq] = x
                            qd[nq] = -1
                            qy[nq + 1] = ny
                            qx[nq + 1] = nx
                            qd[nq + 1] = 1
                            nq += 2
                    else:
                        cy[c] = ny
                        cx[c] = nx
                        qy[nq] = y
                        qx[nq] = x
                        qd[nq] = -COP_UNIT
                        qy[nq + 1] = ny
                        qx[nq + 1] = nx
                        qd[nq + 1] = COP_UNIT
                        nq += 2
                elif is_cit:
                    # ------------------------------------------------------ decide (rule A)
                    y = ay[i]
                    x = ax[i]
                    cell = y * w + x
                    s = f1[cell]
                    cops = s >> 16
                    act = s & ACT_MASK
                    if not count_own and state[i] == ACTIVE:
                        act -= 1
                    a = act + 1
                    if rounding == ROUND_NONE:
                        q = cops / a
                    elif rounding == ROUND_FLOOR:
                        q = float(cops // a)
                    else:
                        q = np.rint(cops / a)
                    p = 1.0 - np.exp(-k * q)
                    if per_agent:
                        g = i
                    elif n_regions_cells > 1:
                        g = region[cell]
                    else:
                        g = 0
                    hh = h0[i] * hard[t, g]
                    if hh > 1.0:
                        hh = 1.0
                    griev = hh * (1.0 - leg[t, g])
                    if griev - risk[i] * p > threshold:
                        if state[i] != ACTIVE:
                            state[i] = ACTIVE
                            actc[cell] += 1
                            qy[nq] = y
                            qx[nq] = x
                            qd[nq] = 1
                            nq += 1
                            if st != ACTIVE:
                                newly += 1
                    elif state[i] == ACTIVE:
                        state[i] = QUIET
                        actc[cell] -= 1
                        qy[nq] = y
                        qx[nq] = x
                        qd[nq] = -1
                        nq += 1
                else:
                    # ------------------------------------------------------- arrest (rule C)
                    y = cy[c]
                    x = cx[c]
                    na = (f2[y * w + x] if two else f1[y * w + x]) & ACT_MASK
                    if na == 0:
                        continue
                    target = np.random.randint(0, na)
                    suspect = -1
                    no = ody2.shape[0]
                    for jj in range(-1, no):
                        cc = y * w + x if jj < 0 else (y + ody2[jj]) % h * w + (x + odx2[jj]) % w
                        an = actc[cc]
                        if an == 0:
                            continue
                        if target >= an:
                            target -= an
                            continue
                        j = head[cc]
                        while j >= 0:
                            if state[j] == ACTIVE:
                                if target == 0:
                                    suspect = j
                                    break
                                target -= 1
                            j = nxt[j]
                        break
                    j = suspect
                    jcell = ay[j] * w + ax[j]
                    actc[jcell] -= 1
                    qy[nq] = ay[j]
                    qx[nq] = ax[j]
                    qd[nq] = -1
                    nq += 1
                    term = np.random.randint(0, jail_hi) if jail_hi > 0 else 0
                    leaves = True
                    if jail_mode == JAIL_NETLOGO:
                        if term > 0:
                            state[j] = JAILED
                            jail[j] = term
                            occ[jcell] -= 1
                        else:
                            state[j] = QUIET
                            leaves = False
                        # the cop moves onto the arrestee's patch
                        if jcell != y * w + x:
                            occ[y * w + x] -= 1
                            occ[jcell] += 1
                            cy[c] = ay[j]
                            cx[c] = ax[j]
                            qy[nq] = y
                            qx[nq] = x
                            qd[nq] = -COP_UNIT
                            qy[nq + 1] = ay[j]
                            qx[nq + 1] = ax[j]
                            qd[nq + 1] = COP_UNIT
                            nq += 2
                    else:
                        state[j] = JAILED
                        jail[j] = term
                        if jail_mode == JAIL_PAPER:
                            occ[jcell] -= 1
                    if leaves:
                        if prv[j] >= 0:
                            nxt[prv[j]] = nxt[j]
                        else:
                            head[jcell] = nxt[j]
                        if nxt[j] >= 0:
                            prv[nxt[j]] = prv[j]
                        nxt[j] = -1
                        prv[j] = -1
            # ---------------------------------------------- apply the queued field updates
            for u in range(nq):
                uy = qy[u]
                ux = qx[u]
                d = qd[u]
                for fi in range(2):
                    if fi == 0:
                        fld = f1
                        hw = hw1
                        r = r1
                    elif two:
                        fld = f2
                        hw = hw2
                        r = r2
                    else:
                        break
                    for ii in range(2 * r + 1):
                        yy = uy - r + ii
                        if yy < 0:
                            yy += h
                        elif yy >= h:
                            yy -= h
                        base = yy * w
                        wd = hw[ii]
                        x0 = ux - wd
                        x1 = ux + wd
                        if x0 < 0:
                            for xx in range(x0 + w, w):
                                fld[base + xx] += d
                            x0 = 0
                        if x1 >= w:
                            for xx in range(0, x1 - w + 1):
                                fld[base + xx] += d
                            x1 = w - 1
                        for xx in range(x0, x1 + 1):
                            fld[base + xx] += d
        # ------------------------------------------------ end of tick: jail on the clock
        if jail_mode == JAIL_NETLOGO:
            for i in range(n_cit):
                if state[i] == JAILED:
                    jail[i] -= 1
                    if jail[i] <= 0:
                        jail[i] = 0
                        state[i] = QUIET
                        cell = ay[i] * w + ax[i]
                        occ[cell] += 1
                        j = head[cell]
                        nxt[i] = j
                        prv[i] = -1
                        if j >= 0:
                            prv[j] = i
                        head[cell] = i
        elif jail_mode == JAIL_PAPER:
            for i in range(n_cit):
                if state[i] == JAILED:
                    if jail[i] > 0:
                        jail[i] -= 1
                        continue
                    cell = -1
                    for _ in range(64):
                        cc = np.random.randint(0, n_cells)
                        if occ[cc] == 0:
                            cell = cc
                            break
                    if cell < 0:
                        cnt = 0
                        for cc in range(n_cells):
                            if occ[cc] == 0:
                                cnt += 1
                        if cnt == 0:
                            continue
                        rr = np.random.randint(0, cnt)
                        for cc in range(n_cells):
                            if occ[cc] == 0:
                                if rr == 0:
                                    cell = cc
                                    break
                                rr -= 1
                    state[i] = QUIET
                    ay[i] = cell // w
                    ax[i] = cell - ay[i] * w
                    occ[cell] += 1
                    j = head[cell]
                    nxt[i] = j
                    prv[i] = -1
                    if j >= 0:
                        prv[j] = i
                    head[cell] = i
        # ------------------------------------------------------------------ counts
        cq = 0
        ca = 0
        cj = 0
        ct = 0
        for i in range(n_cit):
            st = state[i]
            if st == ACTIVE:
                ca += 1
            elif st == JAILED:
                cj += 1
            else:
                cq += 1
                if per_agent:
                    g = i
                elif n_regions_cells > 1:
                    g = region[ay[i] * w + ax[i]]
                else:
                    g = 0
                hh = h0[i] * hard[t, g]
                if hh > 1.0:
                    hh = 1.0
                if hh * (1.0 - leg[t, g]) > threshold:
                    ct += 1
        out_q[t] = cq
        out_a[t] = ca
        out_j[t] = cj
        out_new[t] = newly
        out_tension[t] = ct
