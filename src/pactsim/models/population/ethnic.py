"""Epstein's (2002) Model II: communal violence between two groups, with peacekeepers.

Each citizen belongs to group 0 ("blue") or 1 ("green"), has hardship H and risk aversion R
(both U(0,1)) and a grievance G = H (1 - L) towards the other group, L being the legitimacy
each group accords the other. A free citizen moves to a random empty cell within vision, then
estimates P = 1 - exp(-k g(C/A)) with C the cops and A the actives *of its own group* within
vision (itself included); if G - R P > T and a member of the other group is within vision, it
is active and kills one of them at random. Cops ("peacekeepers") move and arrest a random
active citizen of either group within vision; jailed citizens leave the grid for U{0..J} ticks
and return on a random empty cell.

Population turnover (the paper's Model II agents age and have offspring; its values are not
given in pactsim's sources, so both are assumptions, off by default): with ``max_age`` > 0
each citizen has a life span U{0..max_age} ticks and dies, free or jailed, when older; with
``birth_rate`` > 0 a free citizen has, with that chance per tick, a child of its own group
(fresh H, R, life span; age 0) on a random empty cell within its vision. Births are limited
by space only (up to one citizen per cell not held by a cop).

Presets run6-run8 follow the paper's Figs. 12-14 (peaceful coexistence; local ethnic cleansing
to genocide; safe havens under peacekeeping); their values are pactsim's reconstruction, and
run 8's safe havens are not reproduced (docs/population.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from pactsim.errors import InputError
from pactsim.models.population import rng
from pactsim.models.population.model import offsets
from pactsim.models.population.params import SEMANTICS, CivilViolenceParams

_ROUND = {"none": 0, "floor": 1, "round": 2}


@dataclass(frozen=True)
class EthnicParams:
    """Parameters of Model II (Epstein 2002). Units and sources as in
    :class:`CivilViolenceParams`, plus:

    Attributes:
        blue_share: share of citizens in group 0 (0-1). Default 0.5, Epstein (2002).
        birth_rate: chance per tick that a free citizen has a child of its group on a
            random empty cell within its vision (0-1). Default 0 (no births). Epstein (2002)
            gives Model II agents offspring; the rate is an assumption.
        max_age: longest life span (ticks); each citizen's span is U{0..max_age}, initial
            ages U{0..span}; a citizen older than its span dies. Default 0 (no death by
            age). Epstein (2002) gives Model II agents a random maximum age; the value is an
            assumption.
        cop_vision: the peacekeepers' vision (cells) for moving and arresting, if it differs
            from ``vision``; None means ``vision`` (Epstein 2002 gives agents and cops each a
            vision).
    """

    width: int = 40
    height: int = 40
    citizen_density: float = 0.7
    cop_density: float = 0.0
    vision: int = 7
    legitimacy: float = 0.9
    max_jail: int = 30
    threshold: float = 0.1
    k: float = 2.3
    variant: str = "netlogo"
    blue_share: float = 0.5
    birth_rate: float = 0.0
    max_age: int = 0
    cop_vision: int | None = None

    def __post_init__(self) -> None:
        # the Model I checks cover every shared field
        CivilViolenceParams(
            width=self.width,
            height=self.height,
            citizen_density=self.citizen_density,
            cop_density=self.cop_density,
            vision=self.vision,
            legitimacy=self.legitimacy,
            max_jail=self.max_jail,
            threshold=self.threshold,
            k=self.k,
            variant=self.variant,
            cop_vision=self.cop_vision,
        )
        for name in ("blue_share", "birth_rate"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
                raise InputError(f"population parameter {name!r}: must be in [0, 1] (got {v!r})")
        m = self.max_age
        if isinstance(m, bool) or not isinstance(m, int) or not 0 <= m <= 2**31 - 2:
            raise InputError(
                f"population parameter 'max_age': must be an integer in [0, 2^31 - 2] ticks "
                f"(got {m!r})"
            )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EthnicPreset:
    name: str
    description: str
    params: dict[str, Any]
    steps: int


ETHNIC_PRESETS: dict[str, EthnicPreset] = {
    "run6": EthnicPreset(
        "run6",
        "Peaceful coexistence (Fig. 12): high mutual legitimacy, no peacekeepers.",
        {"legitimacy": 0.9, "cop_density": 0.0},
        200,
    ),
    "run7": EthnicPreset(
        "run7",
        "Local ethnic cleansing to genocide (Fig. 13): low legitimacy, no peacekeepers.",
        {"legitimacy": 0.75, "cop_density": 0.0},
        300,
    ),
    "run8": EthnicPreset(
        "run8",
        "Peacekeeping (Fig. 14): run 7 with peacekeepers at 0.12; they delay the genocide "
        "by hundreds of ticks, but the paper's separate safe havens do not form.",
        {"legitimacy": 0.75, "cop_density": 0.12},
        300,
    ),
}


@njit(cache=True, nogil=True)
def _ethnic_kernel(
    seed,
    tick0,
    nticks,
    h,
    w,
    ody,
    odx,
    cody,
    codx,
    rounding,
    leg,
    k,
    thr,
    max_jail,
    birth,
    max_age,
    grid,
    group,
    hard,
    risk,
    state,
    jail,
    age,
    life,
    pos,
    copos,
    free,
    n_free,
    tally,
    out,
):
    """Ticks tick0 .. tick0 + nticks - 1, in place. grid[cell]: -1 empty, i >= 0 citizen i,
    -2 - c cop c. state: 0 quiet, 1 active, 2 jailed, 3 dead (its slot is on the stack
    ``free[:n_free]`` for a newborn). tally = (killed, born, died) so far, updated.
    out[t] = (blue, green, active, jailed, killed, born, died, then for blue and for green
    members: same-group neighbours, citizen neighbours). Returns the new n_free."""
    cap = group.shape[0]
    n_cop = copos.shape[0]
    n_cells = h * w
    n_off = ody.shape[0]
    n_coff = cody.shape[0]
    order = np.empty(cap + n_cop, dtype=np.int64)
    buf = np.empty(max(n_off, n_coff) + 1, dtype=np.int64)
    killed = tally[0]
    born = tally[1]
    died = tally[2]
    for t in range(nticks):
        s0, s1, s2, s3 = rng.stream(seed, tick0 + t)
        # activation order: inside-out Fisher-Yates over free citizens, then cops
        n = 0
        for idx in range(cap + n_cop):
            if idx < cap and state[idx] >= 2:
                continue
            s0, s1, s2, s3, j = rng.below(s0, s1, s2, s3, n + 1)
            order[n] = order[j]
            order[j] = idx
            n += 1
        for m in range(n):
            idx = order[m]
            is_cit = idx < cap
            if is_cit and state[idx] >= 2:
                continue  # jailed or killed earlier in this tick
            here = pos[idx] if is_cit else copos[idx - cap]
            y = here // w
            x = here - y * w
            # move to a random empty cell within vision (the cops': cop vision)
            ne = 0
            for j in range(n_off if is_cit else n_coff):
                if is_cit:
                    cc = ((y + ody[j]) % h) * w + (x + odx[j]) % w
                else:
                    cc = ((y + cody[j]) % h) * w + (x + codx[j]) % w
                if grid[cc] == -1:
                    buf[ne] = cc
                    ne += 1
            if ne > 0:
                s0, s1, s2, s3, v = rng.below(s0, s1, s2, s3, ne)
                dest = buf[v]
                grid[dest] = grid[here]
                grid[here] = -1
                here = dest
                y = here // w
                x = here - y * w
                if is_cit:
                    pos[idx] = here
                else:
                    copos[idx - cap] = here
            if is_cit:
                i = idx
                cops = 0
                act = 1
                ne = 0
                for j in range(n_off):
                    a = grid[((y + ody[j]) % h) * w + (x + odx[j]) % w]
                    if a <= -2:
                        cops += 1
                    elif a >= 0:
                        if group[a] == group[i]:
                            if state[a] == 1:
                                act += 1
                        else:
                            buf[ne] = a
                            ne += 1
                if rounding == 0:
                    q = cops / act
                elif rounding == 1:
                    q = float(cops // act)
                else:
                    q = np.rint(cops / act)
                p = 1.0 - np.exp(-k * q)
                g = hard[i] * (1.0 - leg)
                if g - risk[i] * p > thr and ne > 0:
                    state[i] = 1
                    s0, s1, s2, s3, v = rng.below(s0, s1, s2, s3, ne)
                    victim = buf[v]
                    state[victim] = 3
                    grid[pos[victim]] = -1
                    free[n_free] = victim
                    n_free += 1
                    killed += 1
                else:
                    state[i] = 0
                if birth > 0.0:
                    s0, s1, s2, s3, u = rng.uniform(s0, s1, s2, s3)
                    if u < birth and n_free > 0:
                        ne = 0
                        for j in range(n_off):
                            cc = ((y + ody[j]) % h) * w + (x + odx[j]) % w
                            if grid[cc] == -1:
                                buf[ne] = cc
                                ne += 1
                        if ne > 0:
                            n_free -= 1
                            s = free[n_free]
                            s0, s1, s2, s3, v = rng.below(s0, s1, s2, s3, ne)
                            cell = buf[v]
                            group[s] = group[i]
                            s0, s1, s2, s3, u = rng.uniform(s0, s1, s2, s3)
                            hard[s] = u
                            s0, s1, s2, s3, u = rng.uniform(s0, s1, s2, s3)
                            risk[s] = u
                            age[s] = 0
                            if max_age > 0:
                                s0, s1, s2, s3, v = rng.below(s0, s1, s2, s3, max_age + 1)
                                life[s] = v
                            state[s] = 0
                            pos[s] = cell
                            grid[cell] = s
                            born += 1
            else:
                na = 0
                for j in range(n_coff):
                    a = grid[((y + cody[j]) % h) * w + (x + codx[j]) % w]
                    if a >= 0 and state[a] == 1:
                        buf[na] = a
                        na += 1
                if na > 0:
                    s0, s1, s2, s3, v = rng.below(s0, s1, s2, s3, na)
                    s = buf[v]
                    state[s] = 2
                    s0, s1, s2, s3, v = rng.below(s0, s1, s2, s3, max_jail + 1)
                    jail[s] = v
                    grid[pos[s]] = -1
        # jail terms run out; the released return to a random empty cell (64 tries)
        for i in range(cap):
            if state[i] == 2:
                if jail[i] > 0:
                    jail[i] -= 1
                    continue
                for _ in range(64):
                    s0, s1, s2, s3, cc = rng.below(s0, s1, s2, s3, n_cells)
                    if grid[cc] == -1:
                        grid[cc] = i
                        pos[i] = cc
                        state[i] = 0
                        break
        # ageing: a citizen (free or jailed) older than its life span dies
        if max_age > 0:
            for i in range(cap):
                if state[i] == 3:
                    continue
                age[i] += 1
                if age[i] > life[i]:
                    if state[i] < 2:
                        grid[pos[i]] = -1
                    state[i] = 3
                    free[n_free] = i
                    n_free += 1
                    died += 1
        nb = 0
        ng = 0
        na = 0
        nj = 0
        same0 = 0
        pairs0 = 0
        same1 = 0
        pairs1 = 0
        for i in range(cap):
            if state[i] == 3:
                continue
            if group[i] == 0:
                nb += 1
            else:
                ng += 1
            if state[i] == 1:
                na += 1
            elif state[i] == 2:
                nj += 1
            if state[i] < 2:
                y = pos[i] // w
                x = pos[i] - y * w
                for dy in range(-1, 2):
                    for dx in range(-1, 2):
                        if dy == 0 and dx == 0:
                            continue
                        a = grid[((y + dy) % h) * w + (x + dx) % w]
                        if a >= 0:
                            if group[i] == 0:
                                pairs0 += 1
                                same0 += group[a] == 0
                            else:
                                pairs1 += 1
                                same1 += group[a] == 1
        out[t, 0] = nb
        out[t, 1] = ng
        out[t, 2] = na
        out[t, 3] = nj
        out[t, 4] = killed
        out[t, 5] = born
        out[t, 6] = died
        out[t, 7] = same0
        out[t, 8] = pairs0
        out[t, 9] = same1
        out[t, 10] = pairs1
    tally[0] = killed
    tally[1] = born
    tally[2] = died
    return n_free


SERIES = ("blue", "green", "active", "jailed", "killed", "born", "died")


def segregation_index(same: NDArray[Any], pairs: NDArray[Any]) -> NDArray[np.float64]:
    """Mean over the two groups of the share of own-group citizens among a member's citizen
    neighbours (``same[..., g] / pairs[..., g]``); NaN where a group has no free member with
    a citizen neighbour (extinct, or every member isolated).

    Under random mixing each group's share is its population share, so the mean is 0.5
    whatever the sizes of the groups; it is 1 when the groups live in separate enclaves. (The
    pooled share of same-group neighbours would not do: a small minority scattered at random
    among a large majority gives it close to 1.)"""
    same = np.asarray(same, dtype=np.float64)
    pairs = np.asarray(pairs, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = same / pairs
    return np.asarray(share.mean(axis=-1), dtype=np.float64)


def _neighbour_pairs(
    grid: NDArray[np.int64], group: NDArray[np.int64], h: int, w: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per group: same-group and all citizen neighbours of its members (8 cells, torus)."""
    g = grid.reshape(h, w)
    occ = g >= 0
    grp = np.where(occ, group[np.maximum(g, 0)], -1)
    same = np.zeros(2, dtype=np.int64)
    pairs = np.zeros(2, dtype=np.int64)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy == 0 and dx == 0:
                continue
            nb = np.roll(np.roll(grp, dy, axis=0), dx, axis=1)
            both = occ & (nb >= 0)
            for k in (0, 1):
                mine = both & (grp == k)
                pairs[k] += int(mine.sum())
                same[k] += int((mine & (nb == k)).sum())
    return same, pairs


def _segregation(grid: NDArray[np.int64], group: NDArray[np.int64], h: int, w: int) -> float:
    """The segregation index of a grid (see :func:`segregation_index`)."""
    same, pairs = _neighbour_pairs(grid, group, h, w)
    return float(segregation_index(same, pairs))


#: cell codes of :func:`run_ethnic`'s frames
GRID_CODES = ("empty", "blue", "green", "blue active", "green active", "peacekeeper")


def _codes(
    grid: NDArray[np.int64], group: NDArray[np.int64], state: NDArray[np.int64]
) -> NDArray[np.int8]:
    """The grid as :data:`GRID_CODES`, flat (the caller gives it its shape)."""
    codes = np.zeros(grid.shape[0], dtype=np.int8)
    cit = grid >= 0
    who = grid[cit]
    codes[cit] = 1 + group[who] + 2 * (state[who] == 1)
    codes[grid <= -2] = 5
    return codes


def run_ethnic(
    params: EthnicParams,
    seed: int,
    steps: int,
    *,
    frames: list[NDArray[np.int8]] | None = None,
) -> dict[str, NDArray[Any]]:
    """One run of Model II, initial state first. Series (int64): ``blue``, ``green`` (alive
    members of each group, jailed included), ``active``, ``jailed``, and cumulative
    ``killed``, ``born``, ``died`` (of age), so that initial + born - killed - died = alive;
    and ``segregation`` (float, :func:`segregation_index`: 0.5 when the groups are mixed
    at random, whatever their sizes, 1 in separate enclaves, NaN once a group is gone).

    With ``frames`` (a list), the grid (height x width, :data:`GRID_CODES`) after each tick,
    initial state first, is appended to it; the run is the same as without."""
    p = params
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise InputError(f"run_ethnic: 'steps' must be a non-negative integer (got {steps!r})")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"run_ethnic: 'seed' must be a non-negative integer (got {seed!r})")
    model = EthnicConflict(p, int(seed))
    out = np.zeros((steps, 11), dtype=np.int64)
    init = model.initial
    seg0 = _segregation(model.grid, model.group, p.height, p.width)
    # one call for the whole run, or one per tick when the grid is kept for an animation
    chunk = 1 if frames is not None else max(1, steps)
    if frames is not None:
        frames.append(model.codes())
    for t0 in range(0, steps, chunk):
        n = min(chunk, steps - t0)
        model.ticks(n, float(p.legitimacy), out[t0 : t0 + n])
        if frames is not None:
            frames.append(model.codes())
    full = np.vstack([np.asarray(init, dtype=np.int64)[None, :], out[:, :7]])
    series: dict[str, NDArray[Any]] = {name: full[:, j].copy() for j, name in enumerate(SERIES)}
    seg = segregation_index(out[:, [7, 9]], out[:, [8, 10]])
    series["segregation"] = np.concatenate([[seg0], seg])
    return series


class EthnicConflict:
    """Model II's state between calls, so that a caller can run it month by month with a
    legitimacy that changes (the engagement loop). :func:`run_ethnic` is one such caller."""

    def __init__(self, params: EthnicParams, seed: int):
        p = params
        self.params = p
        self.seed = int(seed)
        cells = p.width * p.height
        gen = np.random.default_rng(np.random.SeedSequence([int(seed), 0xE7]))
        n_cit = round(p.citizen_density * cells)
        n_cop = min(round(p.cop_density * cells), cells - n_cit)
        perm = gen.permutation(cells)
        copos = np.sort(perm[:n_cop]).astype(np.int64)
        # one slot per cell that a cop does not hold: births can fill the grid; the slots
        # beyond the initial citizens start dead, on the stack of free slots
        cap = cells - n_cop
        pos = np.zeros(cap, dtype=np.int64)
        pos[:n_cit] = np.sort(perm[n_cop : n_cop + n_cit])
        group = np.zeros(cap, dtype=np.int64)
        group[:n_cit] = gen.random(n_cit) >= p.blue_share
        hard = np.zeros(cap)
        risk = np.zeros(cap)
        hard[:n_cit] = gen.random(n_cit)
        risk[:n_cit] = gen.random(n_cit)
        life = np.zeros(cap, dtype=np.int64)
        age = np.zeros(cap, dtype=np.int64)
        if p.max_age > 0:
            life[:n_cit] = gen.integers(0, p.max_age, size=n_cit, endpoint=True)
            age[:n_cit] = (gen.random(n_cit) * (life[:n_cit] + 1)).astype(np.int64)  # U{0..life}
        grid = np.full(cells, -1, dtype=np.int64)
        grid[pos[:n_cit]] = np.arange(n_cit)
        grid[copos] = -2 - np.arange(n_cop)
        state = np.full(cap, 3, dtype=np.int64)
        state[:n_cit] = 0
        jail = np.zeros(cap, dtype=np.int64)
        free = np.zeros(cap, dtype=np.int64)
        n_free = cap - n_cit
        free[:n_free] = np.arange(cap - 1, n_cit - 1, -1)  # lowest slot on top
        n_blue = int(n_cit - np.count_nonzero(group[:n_cit]))
        init = [n_blue, n_cit - n_blue, 0, 0, 0, 0, 0]
        self.cells, self.n_cop = cells, n_cop
        self.grid, self.group, self.hard, self.risk = grid, group, hard, risk
        self.state, self.jail, self.age, self.life = state, jail, age, life
        self.pos, self.copos, self.free, self.n_free = pos, copos, free, n_free
        self.initial = init
        shape = SEMANTICS[p.variant].neighbourhood
        self.ody, self.odx = offsets(p.vision, shape)
        self.cody, self.codx = offsets(p.vision if p.cop_vision is None else p.cop_vision, shape)
        self.tally = np.zeros(3, dtype=np.int64)
        self.tick = 0

    def ticks(
        self,
        n: int,
        legitimacy: float,
        out: NDArray[np.int64] | None = None,
        k: float | None = None,
    ) -> NDArray[np.int64]:
        """Advance ``n`` ticks with ``legitimacy`` (and arrest constant ``k``, default the
        parameters'); returns (and fills ``out``) one row a tick as :func:`_ethnic_kernel`
        documents (cumulative killed, born, died in columns 4-6)."""
        p = self.params
        rows = np.zeros((n, 11), dtype=np.int64) if out is None else out
        self.n_free = _ethnic_kernel(
            self.seed,
            self.tick,
            n,
            p.height,
            p.width,
            self.ody,
            self.odx,
            self.cody,
            self.codx,
            _ROUND[SEMANTICS[p.variant].rounding],
            float(legitimacy),
            float(p.k if k is None else k),
            float(p.threshold),
            int(p.max_jail),
            float(p.birth_rate),
            int(p.max_age),
            self.grid,
            self.group,
            self.hard,
            self.risk,
            self.state,
            self.jail,
            self.age,
            self.life,
            self.pos,
            self.copos,
            self.free,
            self.n_free,
            self.tally,
            rows,
        )
        self.tick += n
        return rows

    def codes(self) -> NDArray[np.int8]:
        """The grid as :data:`GRID_CODES` (height x width)."""
        return _codes(self.grid, self.group, self.state).reshape(
            self.params.height, self.params.width
        )
