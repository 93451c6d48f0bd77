"""Epstein's (2002) Model II: communal violence between two groups, with peacekeepers.

Each citizen belongs to group 0 ("blue") or 1 ("green"), has hardship H and risk aversion R
(both U(0,1)) and a grievance G = H (1 - L) towards the other group, L being the legitimacy
each group accords the other. A free citizen moves to a random empty cell within vision, then
estimates P = 1 - exp(-k g(C/A)) with C the cops and A the actives *of its own group* within
vision (itself included); if G - R P > T and a member of the other group is within vision, it
is active and kills one of them at random. Cops ("peacekeepers") move and arrest a random
active citizen within vision; jailed citizens leave the grid for U{0..J} ticks and return on a
random empty cell. Optional births (``birth_rate``, assumption) refill the grid: a free citizen
places a child of its group on a random empty cell within its vision.

Presets run6-run8 follow the paper's Figs. 12-14 (peaceful coexistence; local ethnic cleansing
to genocide; safe havens under peacekeeping); their values are pactsim's reconstruction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from pactsim.errors import InputError
from pactsim.models.population.kernel import tick_seed
from pactsim.models.population.model import half_widths, offsets
from pactsim.models.population.params import CivilViolenceParams

_ROUND = {"none": 0, "floor": 1, "round": 2}


@dataclass(frozen=True)
class EthnicParams:
    """Parameters of Model II (Epstein 2002). Units and sources as in
    :class:`CivilViolenceParams`, plus:

    Attributes:
        blue_share: share of citizens in group 0 (0-1). Default 0.5, Epstein (2002).
        birth_rate: chance per tick that a free citizen has a child (0-1). Default 0,
            assumption (no births), so that killings are not masked.
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
        )
        for name in ("blue_share", "birth_rate"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
                raise InputError(f"population parameter {name!r}: must be in [0, 1] (got {v!r})")

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
        {"legitimacy": 0.6, "cop_density": 0.0},
        200,
    ),
    "run8": EthnicPreset(
        "run8",
        "Safe havens under peacekeeping (Fig. 14): low legitimacy, peacekeepers at 0.04.",
        {"legitimacy": 0.6, "cop_density": 0.04},
        200,
    ),
}


@njit(cache=True, nogil=True)
def _ethnic_kernel(
    seed,
    nticks,
    h,
    w,
    r,
    hw,
    ody,
    odx,
    rounding,
    leg,
    k,
    thr,
    max_jail,
    birth,
    grid,
    group,
    hard,
    risk,
    state,
    jail,
    pos,
    copos,
    out,
):
    """grid[cell]: -1 empty, i >= 0 citizen i, -2 - c cop c. state: 0 quiet, 1 active,
    2 jailed, 3 dead. out[t] = (blue, green, active, jailed, killed)."""
    cap = group.shape[0]
    n_cop = copos.shape[0]
    n_cells = h * w
    order = np.empty(cap + n_cop, dtype=np.int64)
    buf = np.empty(ody.shape[0] + 1, dtype=np.int64)
    killed = 0
    for t in range(nticks):
        np.random.seed(tick_seed(seed, t))
        n = 0
        for i in range(cap):
            if state[i] == 0 or state[i] == 1:
                order[n] = i
                n += 1
        for c in range(n_cop):
            order[n] = cap + c
            n += 1
        np.random.shuffle(order[:n])
        for m in range(n):
            idx = order[m]
            is_cit = idx < cap
            if is_cit and (state[idx] == 2 or state[idx] == 3):
                continue  # jailed or killed earlier in this tick
            here = pos[idx] if is_cit else copos[idx - cap]
            y = here // w
            x = here - y * w
            # move
            ne = 0
            for j in range(ody.shape[0]):
                cc = ((y + ody[j]) % h) * w + (x + odx[j]) % w
                if grid[cc] == -1:
                    buf[ne] = cc
                    ne += 1
            if ne > 0:
                dest = buf[np.random.randint(0, ne)]
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
                for j in range(ody.shape[0]):
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
                    victim = buf[np.random.randint(0, ne)]
                    state[victim] = 3
                    grid[pos[victim]] = -1
                    killed += 1
                else:
                    state[i] = 0
                if birth > 0.0 and np.random.random() < birth:
                    ne = 0
                    for j in range(ody.shape[0]):
                        cc = ((y + ody[j]) % h) * w + (x + odx[j]) % w
                        if grid[cc] == -1:
                            buf[ne] = cc
                            ne += 1
                    if ne > 0:
                        for s in range(cap):
                            if state[s] == 3:
                                cell = buf[np.random.randint(0, ne)]
                                group[s] = group[i]
                                hard[s] = np.random.random()
                                risk[s] = np.random.random()
                                state[s] = 0
                                pos[s] = cell
                                grid[cell] = s
                                break
            else:
                na = 0
                for j in range(ody.shape[0]):
                    a = grid[((y + ody[j]) % h) * w + (x + odx[j]) % w]
                    if a >= 0 and state[a] == 1:
                        buf[na] = a
                        na += 1
                if na > 0:
                    s = buf[np.random.randint(0, na)]
                    state[s] = 2
                    jail[s] = np.random.randint(0, max_jail + 1)
                    grid[pos[s]] = -1
        for i in range(cap):
            if state[i] == 2:
                if jail[i] > 0:
                    jail[i] -= 1
                    continue
                for _ in range(64):
                    cc = np.random.randint(0, n_cells)
                    if grid[cc] == -1:
                        grid[cc] = i
                        pos[i] = cc
                        state[i] = 0
                        break
        nb = 0
        ng = 0
        na = 0
        nj = 0
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
        out[t, 0] = nb
        out[t, 1] = ng
        out[t, 2] = na
        out[t, 3] = nj
        out[t, 4] = killed


def run_ethnic(params: EthnicParams, seed: int, steps: int) -> dict[str, NDArray[np.int64]]:
    """One run of Model II; series ``blue``, ``green``, ``active``, ``jailed``, ``killed``
    (cumulative), initial state first."""
    p = params
    if steps < 0 or seed < 0:
        raise InputError("run_ethnic: steps and seed must be non-negative")
    cells = p.width * p.height
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xE7]))
    n_cit = round(p.citizen_density * cells)
    n_cop = min(round(p.cop_density * cells), cells - n_cit)
    perm = rng.permutation(cells)
    copos = np.sort(perm[:n_cop]).astype(np.int64)
    pos = np.sort(perm[n_cop : n_cop + n_cit]).astype(np.int64)
    group = (rng.random(n_cit) >= p.blue_share).astype(np.int64)
    hard = rng.random(n_cit)
    risk = rng.random(n_cit)
    init = [int(n_cit - np.count_nonzero(group)), int(np.count_nonzero(group)), 0, 0, 0]
    grid = np.full(cells, -1, dtype=np.int64)
    grid[pos] = np.arange(n_cit)
    grid[copos] = -2 - np.arange(n_cop)
    state = np.zeros(n_cit, dtype=np.int64)
    jail = np.zeros(n_cit, dtype=np.int64)
    from pactsim.models.population.params import SEMANTICS

    shape = SEMANTICS[p.variant].neighbourhood
    hw = half_widths(p.vision, shape)
    ody, odx = offsets(p.vision, shape)
    out = np.zeros((steps, 5), dtype=np.int64)
    if steps:
        _ethnic_kernel(
            seed,
            steps,
            p.height,
            p.width,
            p.vision,
            hw,
            ody,
            odx,
            _ROUND[SEMANTICS[p.variant].rounding],
            float(p.legitimacy),
            float(p.k),
            float(p.threshold),
            int(p.max_jail),
            float(p.birth_rate),
            grid,
            group,
            hard,
            risk,
            state,
            jail,
            pos,
            copos,
            out,
        )
    full = np.vstack([np.asarray(init, dtype=np.int64)[None, :], out])
    return {
        name: full[:, j].copy()
        for j, name in enumerate(("blue", "green", "active", "jailed", "killed"))
    }
