"""The numba kernel of Epstein's (2002) Model I: one run, single-threaded, exact.

Why it is fast: a citizen's decision needs the numbers of cops C and actives A within its
vision. Instead of scanning ~100-150 cells per decision, the kernel keeps an *influence field*:
for every cell, ``cops << 16 | actives`` summed over the vision neighbourhood of that cell.
A cop that moves updates two neighbourhoods; a citizen reads one cell. Cops are ten times
fewer than citizens and actives are few outside outbursts, so the work per tick falls several
times; the counts are the same integers a scan would give, so the model stays exact.

Memory layout (what matters at 1000 x 1000, where agents act in random order and nearly every
access misses the cache): each citizen's data sits in one 32-byte record (:data:`AGENT`), the
field is uint32, occupancy int16 and the activation order int32. Cops find the citizen to
arrest through per-cell lists of *active* citizens only, so a quiet citizen's move touches
nothing but its own record and the occupancy of two cells. Only in the NetLogo variant can two
free citizens share a cell; there each citizen carries a stamp of when it entered its cell and
the actives of a cell are taken newest first (the order of a list of all citizens per cell).

Every helper is written inline in the main loop: njit helpers taking arrays are called with
reference counting in the hot loop (docs/design.md). Updates of the field requested during an
agent's turn are queued and applied at the end of the turn; this does not change what the
agent itself reads, because it moves only within its vision (the neighbourhood is symmetric)
and its own contribution is handled explicitly.

Random numbers: a fresh xoshiro256** stream at the start of every tick from (seed, tick)
(:mod:`pactsim.models.population.rng`), so a run is bit-identical whether it is advanced in one
call or many, and two runs in one process (or on two threads) never share a stream.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from pactsim.models.population.rng import below, stream

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

#: one citizen: its cell (y, x), jail term left, state, hardship H(0) and risk aversion R
AGENT = np.dtype(
    [
        ("y", np.int32),
        ("x", np.int32),
        ("jail", np.int32),
        ("state", np.int8),
        ("h0", np.float64),
        ("risk", np.float64),
    ],
    align=True,
)


#: how many activations ahead a citizen's record, and then its cell's field, are prefetched
PREFETCH_RECORD = 12
PREFETCH_FIELD = 6


@intrinsic
def prefetch(typingctx, arr, idx):  # type: ignore[no-untyped-def]
    """Hint the CPU to load ``arr[idx]`` into cache (LLVM's prefetch; no effect on results).

    Agents act in random order, so without it almost every agent's record and field cell is
    a cache miss that stalls the loop; with it the loads of the next agents overlap."""
    if not isinstance(arr, types.Array) or arr.ndim != 1 or not isinstance(idx, types.Integer):
        return None
    sig = types.void(arr, idx)

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        aryty, idxty = signature.args
        ary = context.make_array(aryty)(context, builder, args[0])
        index = context.cast(builder, args[1], idxty, types.intp)
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [index], wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        # read access, keep in all cache levels, data cache
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen


@njit(nogil=True)  # compiled into build (cached there)
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
    h,
    w,
    ag,
    cops,
    jail_blocks,
    track,
    hw1,
    r1,
    f1,
    hw2,
    r2,
    f2,
    actc,
    occ,
    busy,
    multi,
    abits,
    ahead,
    anext,
    aprev,
    stamp,
    counter,
):
    """Fill the fields, occupancy, active counts and active lists from the agents.

    Stamps follow the citizens' index order, as if each were placed on its cell in turn."""
    for c in range(cops.shape[0]):
        field_add(f1, cops[c, 0], cops[c, 1], COP_UNIT, h, w, hw1, r1)
        if r2 != r1:
            field_add(f2, cops[c, 0], cops[c, 1], COP_UNIT, h, w, hw2, r2)
        occ[cops[c, 0] * w + cops[c, 1]] += 1
    nxt_stamp = counter[0]
    for i in range(ag.shape[0]):
        y = ag[i].y
        x = ag[i].x
        cell = y * w + x
        anext[i] = -1
        aprev[i] = -1
        if ag[i].state == JAILED:
            if jail_blocks:
                occ[cell] += 1
            continue
        occ[cell] += 1
        if track:
            stamp[i] = nxt_stamp
            nxt_stamp += 1
        if ag[i].state == ACTIVE:
            actc[cell] += 1
            j = ahead[cell]
            anext[i] = j
            if j >= 0:
                aprev[j] = i
            ahead[cell] = i
            field_add(f1, y, x, 1, h, w, hw1, r1)
            if r2 != r1:
                field_add(f2, y, x, 1, h, w, hw2, r2)
    counter[0] = nxt_stamp
    one = np.uint64(1)
    busy[:] = 0
    multi[:] = 0
    for cell in range(occ.shape[0]):
        if occ[cell] != 0:
            busy[cell >> 6] |= one << np.uint64(cell & 63)
        if occ[cell] > 1:
            multi[cell >> 6] |= one << np.uint64(cell & 63)
    abits[:] = 0
    for cell in range(ahead.shape[0]):
        if ahead[cell] >= 0:
            abits[cell >> 6] |= one << np.uint64(cell & 63)


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
    ag,
    cops,
    f1,
    f2,
    actc,
    occ,
    busy,
    multi,
    abits,
    ahead,
    anext,
    aprev,
    stamp,
    counter,
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
    n_cit = ag.shape[0]
    n = order.shape[0]
    n_cells = h * w
    jail_hi = max_jail + 1 if jail_inclusive else max_jail
    two = r2 != r1
    track = jail_mode == JAIL_NETLOGO  # only there can two free citizens share a cell
    nxt_stamp = counter[0]
    n_regions_cells = region.shape[0]
    one = np.uint64(1)
    n_off1 = ody1.shape[0]
    offy = np.concatenate((ody1, ody2))
    offx = np.concatenate((odx1, odx2))
    qy = np.empty(8, dtype=np.int64)
    qx = np.empty(8, dtype=np.int64)
    qd = np.empty(8, dtype=np.int64)
    for t in range(nticks):
        s0, s1, s2, s3 = stream(seed, tick0 + t)
        for m in range(n):  # a fresh random order (inside-out Fisher-Yates)
            s0, s1, s2, s3, jr = below(s0, s1, s2, s3, m + 1)
            order[m] = order[jr]
            order[jr] = m
        k = kk[t]
        newly = 0
        for m in range(n):
            if m + PREFETCH_RECORD < n:
                jf = order[m + PREFETCH_RECORD]
                if jf < n_cit:
                    prefetch(ag, jf)
                    if track and movement:
                        prefetch(stamp, jf)
            if m + PREFETCH_FIELD < n:
                jf = order[m + PREFETCH_FIELD]
                if jf < n_cit:
                    prefetch(f1, np.int64(ag[jf].y) * w + ag[jf].x)
            idx = order[m]
            nq = 0  # queued field updates
            is_cit = idx < n_cit
            i = idx
            c = idx - n_cit
            st = QUIET
            if is_cit:
                st = ag[i].state
                if st == JAILED:
                    if jail_mode != JAIL_MESA:
                        continue
                    if ag[i].jail > 0:
                        ag[i].jail -= 1
                        continue
                    # Mesa: the term is over at this activation; the citizen decides now
                    ag[i].state = QUIET
                    if track:
                        stamp[i] = nxt_stamp
                        nxt_stamp += 1
            for phase in range(2):
                if (phase == 0) == move_first:
                    # ---------------------------------------------------------------- move
                    if is_cit and not movement:
                        continue
                    # (no array is assigned to a new name in the loop: that costs an atomic
                    # reference count each time)
                    if is_cit:
                        y = np.int64(ag[i].y)
                        x = np.int64(ag[i].x)
                        ob = 0
                        no = n_off1
                    else:
                        y = np.int64(cops[c, 0])
                        x = np.int64(cops[c, 1])
                        ob = n_off1
                        no = offy.shape[0] - n_off1
                    dest = -1
                    for _ in range(32):
                        s0, s1, s2, s3, jj = below(s0, s1, s2, s3, no)
                        yy = y + offy[ob + jj]
                        if yy < 0:
                            yy += h
                        elif yy >= h:
                            yy -= h
                        xx = x + offx[ob + jj]
                        if xx < 0:
                            xx += w
                        elif xx >= w:
                            xx -= w
                        cc = yy * w + xx
                        if (busy[cc >> 6] >> np.uint64(cc & 63)) & one == 0:
                            dest = cc
                            break
                    if dest < 0:
                        cnt = 0
                        for jj in range(no):
                            cc = ((y + offy[ob + jj]) % h) * w + (x + offx[ob + jj]) % w
                            if (busy[cc >> 6] >> np.uint64(cc & 63)) & one == 0:
                                cnt += 1
                        if cnt > 0:
                            s0, s1, s2, s3, rr = below(s0, s1, s2, s3, cnt)
                            for jj in range(no):
                                cc = ((y + offy[ob + jj]) % h) * w + (x + offx[ob + jj]) % w
                                if (busy[cc >> 6] >> np.uint64(cc & 63)) & one == 0:
                                    if rr == 0:
                                        dest = cc
                                        break
                                    rr -= 1
                    if dest < 0:
                        continue
                    if is_cit and move_first:
                        prefetch(f1, dest)  # read by the decision that follows
                    old = y * w + x
                    ny = dest // w
                    nx = dest - ny * w
                    bw = (old) >> 6
                    bb = one << np.uint64((old) & 63)
                    if multi[bw] & bb != 0:
                        occ[old] -= 1
                        if occ[old] == 1:
                            multi[bw] &= ~bb
                    else:
                        busy[bw] &= ~bb
                    bw = (dest) >> 6
                    bb = one << np.uint64((dest) & 63)
                    if busy[bw] & bb == 0:
                        busy[bw] |= bb
                    elif multi[bw] & bb == 0:
                        multi[bw] |= bb
                        occ[dest] = 2
                    else:
                        occ[dest] += 1
                    if is_cit:
                        ag[i].y = ny
                        ag[i].x = nx
                        if track:
                            stamp[i] = nxt_stamp
                            nxt_stamp += 1
                        if ag[i].state == ACTIVE:
                            # move in the lists of actives
                            if not track:  # one citizen per cell: the list is the cell
                                ahead[old] = -1
                                ahead[dest] = i
                                abits[(old) >> 6] &= ~(one << np.uint64((old) & 63))
                            else:
                                actc[old] -= 1
                                actc[dest] += 1
                                if aprev[i] >= 0:
                                    anext[aprev[i]] = anext[i]
                                else:
                                    ahead[old] = anext[i]
                                if anext[i] >= 0:
                                    aprev[anext[i]] = aprev[i]
                                j = ahead[dest]
                                anext[i] = j
                                aprev[i] = -1
                                if j >= 0:
                                    aprev[j] = i
                                ahead[dest] = i
                                if ahead[old] < 0:
                                    abits[(old) >> 6] &= ~(one << np.uint64((old) & 63))
                            abits[(dest) >> 6] |= one << np.uint64((dest) & 63)
                            qy[nq] = y
                            qx[nq] = x
                            qd[nq] = -1
                            qy[nq + 1] = ny
                            qx[nq + 1] = nx
                            qd[nq + 1] = 1
                            nq += 2
                    else:
                        cops[c, 0] = ny
                        cops[c, 1] = nx
                        qy[nq] = y
                        qx[nq] = x
                        qd[nq] = -COP_UNIT
                        qy[nq + 1] = ny
                        qx[nq + 1] = nx
                        qd[nq + 1] = COP_UNIT
                        nq += 2
                elif is_cit:
                    # ------------------------------------------------------ decide (rule A)
                    y = np.int64(ag[i].y)
                    x = np.int64(ag[i].x)
                    cell = y * w + x
                    s = np.int64(f1[cell])
                    ncop = s >> 16
                    act = s & ACT_MASK
                    cur = ag[i].state
                    if not count_own and cur == ACTIVE:
                        act -= 1
                    a = act + 1
                    if rounding == ROUND_NONE:
                        q = ncop / a
                    elif rounding == ROUND_FLOOR:
                        q = float(ncop // a)
                    else:
                        q = np.rint(ncop / a)
                    p = 1.0 - np.exp(-k * q)
                    if per_agent:
                        g = i
                    elif n_regions_cells > 1:
                        g = region[cell]
                    else:
                        g = 0
                    hh = ag[i].h0 * hard[t, g]
                    if hh > 1.0:
                        hh = 1.0
                    griev = hh * (1.0 - leg[t, g])
                    if griev - ag[i].risk * p > threshold:
                        if cur != ACTIVE:
                            ag[i].state = ACTIVE
                            abits[(cell) >> 6] |= one << np.uint64((cell) & 63)
                            if not track:
                                ahead[cell] = i
                            else:
                                actc[cell] += 1
                                j = ahead[cell]
                                anext[i] = j
                                aprev[i] = -1
                                if j >= 0:
                                    aprev[j] = i
                                ahead[cell] = i
                            qy[nq] = y
                            qx[nq] = x
                            qd[nq] = 1
                            nq += 1
                            if st != ACTIVE:
                                newly += 1
                    elif cur == ACTIVE:
                        ag[i].state = QUIET
                        if not track:
                            ahead[cell] = -1
                        else:
                            actc[cell] -= 1
                            if aprev[i] >= 0:
                                anext[aprev[i]] = anext[i]
                            else:
                                ahead[cell] = anext[i]
                            if anext[i] >= 0:
                                aprev[anext[i]] = aprev[i]
                            anext[i] = -1
                            aprev[i] = -1
                        if ahead[cell] < 0:
                            abits[(cell) >> 6] &= ~(one << np.uint64((cell) & 63))
                        qy[nq] = y
                        qx[nq] = x
                        qd[nq] = -1
                        nq += 1
                else:
                    # ------------------------------------------------------- arrest (rule C)
                    y = np.int64(cops[c, 0])
                    x = np.int64(cops[c, 1])
                    na = np.int64(f2[y * w + x] if two else f1[y * w + x]) & ACT_MASK
                    if na == 0:
                        continue
                    s0, s1, s2, s3, target = below(s0, s1, s2, s3, na)
                    suspect = -1
                    no = ody2.shape[0]
                    for jj in range(-1, no):
                        cc = y * w + x if jj < 0 else (y + ody2[jj]) % h * w + (x + odx2[jj]) % w
                        if (abits[cc >> 6] >> np.uint64(cc & 63)) & one == 0:
                            continue  # no active on the cell (a bit per cell, cached)
                        an = np.int64(actc[cc]) if track else np.int64(1)
                        if target >= an:
                            target -= an
                            continue
                        if an == 1 or not track:
                            j = ahead[cc]
                            for _ in range(target):
                                j = anext[j]
                            suspect = j
                        else:
                            # newest arrival on the cell first: the rank of j is the number
                            # of actives on the cell that entered it after j
                            j = ahead[cc]
                            while j >= 0:
                                rank = 0
                                j2 = ahead[cc]
                                while j2 >= 0:
                                    if stamp[j2] > stamp[j]:
                                        rank += 1
                                    j2 = anext[j2]
                                if rank == target:
                                    suspect = j
                                    break
                                j = anext[j]
                        break
                    j = suspect
                    jy = np.int64(ag[j].y)
                    jx = np.int64(ag[j].x)
                    jcell = jy * w + jx
                    if not track:
                        ahead[jcell] = -1
                    else:
                        actc[jcell] -= 1
                        if aprev[j] >= 0:
                            anext[aprev[j]] = anext[j]
                        else:
                            ahead[jcell] = anext[j]
                        if anext[j] >= 0:
                            aprev[anext[j]] = aprev[j]
                        anext[j] = -1
                        aprev[j] = -1
                    if ahead[jcell] < 0:
                        abits[(jcell) >> 6] &= ~(one << np.uint64((jcell) & 63))
                    qy[nq] = jy
                    qx[nq] = jx
                    qd[nq] = -1
                    nq += 1
                    term = 0
                    if jail_hi > 0:
                        s0, s1, s2, s3, term = below(s0, s1, s2, s3, jail_hi)
                    if jail_mode == JAIL_NETLOGO:
                        if term > 0:
                            ag[j].state = JAILED
                            ag[j].jail = term
                            bw = (jcell) >> 6
                            bb = one << np.uint64((jcell) & 63)
                            if multi[bw] & bb != 0:
                                occ[jcell] -= 1
                                if occ[jcell] == 1:
                                    multi[bw] &= ~bb
                            else:
                                busy[bw] &= ~bb
                        else:
                            ag[j].state = QUIET
                        # the cop moves onto the arrestee's patch
                        if jcell != y * w + x:
                            bw = (y * w + x) >> 6
                            bb = one << np.uint64((y * w + x) & 63)
                            if multi[bw] & bb != 0:
                                occ[y * w + x] -= 1
                                if occ[y * w + x] == 1:
                                    multi[bw] &= ~bb
                            else:
                                busy[bw] &= ~bb
                            bw = (jcell) >> 6
                            bb = one << np.uint64((jcell) & 63)
                            if busy[bw] & bb == 0:
                                busy[bw] |= bb
                            elif multi[bw] & bb == 0:
                                multi[bw] |= bb
                                occ[jcell] = 2
                            else:
                                occ[jcell] += 1
                            cops[c, 0] = jy
                            cops[c, 1] = jx
                            qy[nq] = y
                            qx[nq] = x
                            qd[nq] = -COP_UNIT
                            qy[nq + 1] = jy
                            qx[nq + 1] = jx
                            qd[nq + 1] = COP_UNIT
                            nq += 2
                    else:
                        ag[j].state = JAILED
                        ag[j].jail = term
                        if jail_mode == JAIL_PAPER:
                            bw = (jcell) >> 6
                            bb = one << np.uint64((jcell) & 63)
                            if multi[bw] & bb != 0:
                                occ[jcell] -= 1
                                if occ[jcell] == 1:
                                    multi[bw] &= ~bb
                            else:
                                busy[bw] &= ~bb
            # ---------------------------------------------- apply the queued field updates
            for u in range(nq):
                uy = qy[u]
                ux = qx[u]
                d = qd[u]
                for ii in range(2 * r1 + 1):
                    yy = uy - r1 + ii
                    if yy < 0:
                        yy += h
                    elif yy >= h:
                        yy -= h
                    base = yy * w
                    wd = hw1[ii]
                    x0 = ux - wd
                    x1 = ux + wd
                    if x0 < 0:
                        for xx in range(x0 + w, w):
                            f1[base + xx] += d
                        x0 = 0
                    if x1 >= w:
                        for xx in range(0, x1 - w + 1):
                            f1[base + xx] += d
                        x1 = w - 1
                    for xx in range(x0, x1 + 1):
                        f1[base + xx] += d
                if two:
                    for ii in range(2 * r2 + 1):
                        yy = uy - r2 + ii
                        if yy < 0:
                            yy += h
                        elif yy >= h:
                            yy -= h
                        base = yy * w
                        wd = hw2[ii]
                        x0 = ux - wd
                        x1 = ux + wd
                        if x0 < 0:
                            for xx in range(x0 + w, w):
                                f2[base + xx] += d
                            x0 = 0
                        if x1 >= w:
                            for xx in range(0, x1 - w + 1):
                                f2[base + xx] += d
                            x1 = w - 1
                        for xx in range(x0, x1 + 1):
                            f2[base + xx] += d
        # ------------------------- end of tick: jail on the clock, then the counts, one pass
        ca = 0
        cj = 0
        ct = 0
        for i in range(n_cit):
            if ag[i].state == JAILED:
                if jail_mode == JAIL_NETLOGO:
                    ag[i].jail -= 1
                    if ag[i].jail <= 0:
                        ag[i].jail = 0
                        ag[i].state = QUIET
                        cell = np.int64(ag[i].y) * w + ag[i].x
                        bw = (cell) >> 6
                        bb = one << np.uint64((cell) & 63)
                        if busy[bw] & bb == 0:
                            busy[bw] |= bb
                        elif multi[bw] & bb == 0:
                            multi[bw] |= bb
                            occ[cell] = 2
                        else:
                            occ[cell] += 1
                        stamp[i] = nxt_stamp
                        nxt_stamp += 1
                elif jail_mode == JAIL_PAPER:
                    if ag[i].jail > 0:
                        ag[i].jail -= 1
                    else:
                        cell = -1
                        for _ in range(64):
                            s0, s1, s2, s3, cc = below(s0, s1, s2, s3, n_cells)
                            if (busy[cc >> 6] >> np.uint64(cc & 63)) & one == 0:
                                cell = cc
                                break
                        if cell < 0:
                            cnt = 0
                            for cc in range(n_cells):
                                if (busy[cc >> 6] >> np.uint64(cc & 63)) & one == 0:
                                    cnt += 1
                            if cnt > 0:
                                s0, s1, s2, s3, rr = below(s0, s1, s2, s3, cnt)
                                for cc in range(n_cells):
                                    if (busy[cc >> 6] >> np.uint64(cc & 63)) & one == 0:
                                        if rr == 0:
                                            cell = cc
                                            break
                                        rr -= 1
                        if cell >= 0:
                            ag[i].state = QUIET
                            ag[i].y = cell // w
                            ag[i].x = cell - (cell // w) * w
                            bw = (cell) >> 6
                            bb = one << np.uint64((cell) & 63)
                            if busy[bw] & bb == 0:
                                busy[bw] |= bb
                            elif multi[bw] & bb == 0:
                                multi[bw] |= bb
                                occ[cell] = 2
                            else:
                                occ[cell] += 1
                            if track:
                                stamp[i] = nxt_stamp
                                nxt_stamp += 1
            # without branches on the (random) state and grievance
            st = ag[i].state
            ca += st == ACTIVE
            cj += st == JAILED
            if per_agent:
                g = i
            elif n_regions_cells > 1:
                g = region[ag[i].y * w + ag[i].x]
            else:
                g = 0
            hh = min(ag[i].h0 * hard[t, g], 1.0)
            ct += (hh * (1.0 - leg[t, g]) > threshold) & (st == QUIET)
        cq = n_cit - ca - cj
        out_q[t] = cq
        out_a[t] = ca
        out_j[t] = cj
        out_new[t] = newly
        out_tension[t] = ct
    counter[0] = nxt_stamp
