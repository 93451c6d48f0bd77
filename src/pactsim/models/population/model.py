"""A stateful run of Epstein's (2002) Model I that can be advanced tick by tick while its inputs
change (legitimacy, hardship, arrest constant, cops' vision), plus one-shot and batch helpers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pactsim.errors import InputError
from pactsim.models.population import kernel as kn
from pactsim.models.population.params import CivilViolenceParams, check_vision_fits

_JAIL = {"mesa": kn.JAIL_MESA, "netlogo": kn.JAIL_NETLOGO, "paper": kn.JAIL_PAPER}
_ROUND = {"none": kn.ROUND_NONE, "floor": kn.ROUND_FLOOR, "round": kn.ROUND_HALF_EVEN}


@dataclass(frozen=True)
class StepCounts:
    """Counts of citizens after each tick of one ``advance`` call (int64 arrays, one per tick).

    ``tension`` counts quiet citizens whose grievance exceeds the threshold: those held back
    only by the risk of arrest (pactsim's reading of the paper's "tension", Fig. 8).
    """

    quiet: NDArray[np.int64]
    active: NDArray[np.int64]
    jailed: NDArray[np.int64]
    newly_active: NDArray[np.int64]
    tension: NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.quiet.shape[0])

    @staticmethod
    def concat(parts: Sequence[StepCounts]) -> StepCounts:
        """Join the counts of consecutive calls."""
        return StepCounts(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in _FIELDS)  # type: ignore[arg-type]
        )


_FIELDS = ("quiet", "active", "jailed", "newly_active", "tension")


def half_widths(radius: int, shape: str) -> NDArray[np.int64]:
    """Half-width of each row dy = -r..r of a vision neighbourhood of the given shape."""
    dy = np.arange(-radius, radius + 1)
    if shape == "von_neumann":
        return (radius - np.abs(dy)).astype(np.int64)
    if shape == "moore":
        return np.full(dy.shape, radius, dtype=np.int64)
    if shape == "euclidean":
        return np.array([math.isqrt(radius * radius - d * d) for d in dy], dtype=np.int64)
    raise InputError(f"unknown neighbourhood shape {shape!r}")


def offsets(radius: int, shape: str) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Offsets (dy, dx) of the cells within vision, the agent's own cell excluded."""
    hw = half_widths(radius, shape)
    dys: list[int] = []
    dxs: list[int] = []
    for i, wd in enumerate(hw):
        d = i - radius
        for dx in range(-int(wd), int(wd) + 1):
            if d or dx:
                dys.append(d)
                dxs.append(dx)
    return np.array(dys, dtype=np.int64), np.array(dxs, dtype=np.int64)


class CivilViolence:
    """One run of Model I (Epstein 2002), advanced by :meth:`advance`.

    The same ``params`` and ``seed`` give bit-identical runs, however the ticks are split
    between calls. Inputs changed in ``advance`` persist until changed again.
    """

    def __init__(self, params: CivilViolenceParams, seed: int) -> None:
        if not isinstance(params, CivilViolenceParams):
            raise InputError("CivilViolence needs a CivilViolenceParams")
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise InputError(f"population seed: expected a non-negative integer (got {seed!r})")
        self.params = params
        self.seed = int(seed)
        self.tick = 0
        sem = params.semantics
        self._sem = sem
        self.legitimacy = float(params.legitimacy)
        self.hardship_multiplier = 1.0
        self.arrest_k = float(params.k)
        self.cop_vision = params.cops_vision
        self._place()

    # ------------------------------------------------------------------ setup
    def _place(self) -> None:
        p = self.params
        h, w = p.height, p.width
        cells = h * w
        rng = np.random.default_rng(np.random.SeedSequence([self.seed, 0x5EED]))
        if self._sem.bernoulli_placement:
            u = rng.random(cells)
            cit_cells = np.flatnonzero(u < p.citizen_density)
            cop_cells = np.flatnonzero(
                (u >= p.citizen_density) & (u < p.citizen_density + p.cop_density)
            )
        else:
            n_cit = round(p.citizen_density * cells)
            n_cop = round(p.cop_density * cells)
            if n_cit + n_cop > cells:
                n_cop = cells - n_cit
            perm = rng.permutation(cells)
            cop_cells = np.sort(perm[:n_cop])
            cit_cells = np.sort(perm[n_cop : n_cop + n_cit])
        n_cit = cit_cells.size
        self.n_citizens = int(n_cit)
        self.n_cops = int(cop_cells.size)
        self.agents = np.zeros(n_cit, dtype=kn.AGENT)
        self.agents["h0"] = rng.random(n_cit)
        self.agents["risk"] = rng.random(n_cit)
        self.agents["y"] = cit_cells // w
        self.agents["x"] = cit_cells % w
        self.cops = np.empty((self.n_cops, 2), dtype=np.int32)
        self.cops[:, 0] = cop_cells // w
        self.cops[:, 1] = cop_cells % w
        self.order = np.arange(n_cit + self.n_cops, dtype=np.int32)
        self._stamp_counter = np.zeros(1, dtype=np.int64)
        self.region = np.zeros(1, dtype=np.int64)
        self.per_agent = False
        self._region_tables: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None
        self._geom: dict[int, tuple[Any, ...]] = {}
        self._build_grid()

    def _build_grid(self) -> None:
        """(Re)build the influence fields, occupancy and cell lists from the agents."""
        p = self.params
        h, w = p.height, p.width
        cells = h * w
        self.f1 = np.zeros(cells, dtype=np.uint32)
        self.f2 = np.zeros(cells if self.cop_vision != p.vision else 1, dtype=np.uint32)
        # actives per cell, kept only where a cell can hold two (NetLogo); elsewhere the
        # list head says it all
        self._actc = np.zeros(cells, dtype=np.int32)
        # occupancy: bit c of busy says a cell holds someone, bit c of multi that it holds
        # more than one (NetLogo variant only), and then occn[c] says how many
        self.occn = np.zeros(cells, dtype=np.int16)
        self.busy = np.zeros((cells + 63) // 64, dtype=np.uint64)
        self.multi = np.zeros((cells + 63) // 64, dtype=np.uint64)
        self.abits = np.zeros((cells + 63) // 64, dtype=np.uint64)  # cells with an active
        self.ahead = np.full(cells, -1, dtype=np.int32)
        self.anext = np.full(self.n_citizens, -1, dtype=np.int32)
        self.aprev = np.full(self.n_citizens, -1, dtype=np.int32)
        track = self._sem.jail == "netlogo"
        self.stamp = np.zeros(self.n_citizens if track else 1, dtype=np.int64)
        hw1, _, _ = self._geometry(p.vision)
        hw2, _, _ = self._geometry(self.cop_vision)
        kn.build(
            h,
            w,
            self.agents,
            self.cops,
            self._sem.jail == "mesa",
            track,
            hw1,
            p.vision,
            self.f1,
            hw2,
            self.cop_vision,
            self.f2,
            self._actc,
            self.occn,
            self.busy,
            self.multi,
            self.abits,
            self.ahead,
            self.anext,
            self.aprev,
            self.stamp,
            self._stamp_counter,
        )

    def _geometry(self, radius: int) -> tuple[Any, ...]:
        if radius not in self._geom:
            shape = self._sem.neighbourhood
            self._geom[radius] = (half_widths(radius, shape), *offsets(radius, shape))
        return self._geom[radius]

    # ------------------------------------------ views of the packed agent data
    @property
    def ay(self) -> NDArray[np.int32]:
        """Citizens' rows (a view of :attr:`agents`)."""
        return self.agents["y"]

    @ay.setter
    def ay(self, value: ArrayLike) -> None:
        self.agents["y"] = value

    @property
    def ax(self) -> NDArray[np.int32]:
        """Citizens' columns."""
        return self.agents["x"]

    @ax.setter
    def ax(self, value: ArrayLike) -> None:
        self.agents["x"] = value

    @property
    def state(self) -> NDArray[np.int8]:
        """Citizens' states: 0 quiet, 1 active, 2 jailed."""
        return self.agents["state"]

    @state.setter
    def state(self, value: ArrayLike) -> None:
        self.agents["state"] = value

    @property
    def jail(self) -> NDArray[np.int32]:
        """Ticks of jail left (Mesa and NetLogo variants) or still to serve (paper)."""
        return self.agents["jail"]

    @jail.setter
    def jail(self, value: ArrayLike) -> None:
        self.agents["jail"] = value

    @property
    def hardship(self) -> NDArray[np.float64]:
        """Citizens' hardship H(0) ~ U(0, 1), before any multiplier."""
        return self.agents["h0"]

    @property
    def risk_aversion(self) -> NDArray[np.float64]:
        """Citizens' risk aversion R ~ U(0, 1)."""
        return self.agents["risk"]

    @property
    def cy(self) -> NDArray[np.int32]:
        """Cops' rows (a view of :attr:`cops`)."""
        return self.cops[:, 0]

    @cy.setter
    def cy(self, value: ArrayLike) -> None:
        self.cops[:, 0] = value

    @property
    def cx(self) -> NDArray[np.int32]:
        """Cops' columns."""
        return self.cops[:, 1]

    @cx.setter
    def cx(self, value: ArrayLike) -> None:
        self.cops[:, 1] = value

    @property
    def actc(self) -> NDArray[np.int32]:
        """Active citizens on each cell."""
        if self._sem.jail == "netlogo":
            return self._actc
        return (self.ahead >= 0).astype(np.int32)

    @property
    def occ(self) -> NDArray[np.int16]:
        """Agents that block each cell (cops, free citizens, and jailed ones in Mesa)."""
        cells = self.params.height * self.params.width
        bits = np.unpackbits(self.busy.view(np.uint8), bitorder="little")[:cells]
        many = np.unpackbits(self.multi.view(np.uint8), bitorder="little")[:cells]
        return np.where(many == 1, self.occn, bits).astype(np.int16)

    # --------------------------------------------------------------- extensions
    def set_regions(self, regions: ArrayLike | None) -> None:
        """Divide the grid into regions (an int array of shape (height, width), labels 0..R-1)
        so that legitimacy and hardship can differ by region; None returns to one region."""
        if regions is None:
            self.region = np.zeros(1, dtype=np.int64)
            return
        arr = np.asarray(regions)
        p = self.params
        if arr.shape != (p.height, p.width) or not np.issubdtype(arr.dtype, np.integer):
            raise InputError(
                f"regions: expected an integer array of shape ({p.height}, {p.width}), "
                f"got {arr.dtype} {arr.shape}"
            )
        if arr.min() < 0:
            raise InputError("regions: labels must be non-negative integers")
        self.region = arr.reshape(-1).astype(np.int64)
        if self.region.shape[0] == 1:  # a 1 x 1 grid cannot be told from "no regions"
            self.region = np.zeros(1, dtype=np.int64)

    @property
    def n_regions(self) -> int:
        return int(self.region.max()) + 1

    # ------------------------------------------------------------------ running
    def advance(
        self,
        ticks: int,
        *,
        legitimacy: float | None = None,
        hardship_multiplier: float | None = None,
        arrest_k: float | None = None,
        vision: int | None = None,
    ) -> StepCounts:
        """Run ``ticks`` ticks with the given inputs held constant (None keeps the current one).

        ``hardship_multiplier`` h scales each citizen's hardship as H_i = min(1, H_i(0) h)
        (docs/design.md); ``arrest_k`` is the arrest constant k; ``vision`` the cops' vision.
        """
        if isinstance(ticks, bool) or not isinstance(ticks, int | np.integer) or ticks < 0:
            raise InputError(f"advance: ticks must be a non-negative integer (got {ticks!r})")
        ticks = int(ticks)
        if legitimacy is not None:
            _in_range("legitimacy", legitimacy, 0.0, 1.0)
            self.legitimacy = float(legitimacy)
        if hardship_multiplier is not None:
            _in_range("hardship_multiplier", hardship_multiplier, 0.0, math.inf)
            self.hardship_multiplier = float(hardship_multiplier)
        if arrest_k is not None:
            _in_range("arrest_k", arrest_k, 0.0, math.inf)
            self.arrest_k = float(arrest_k)
        if vision is not None:
            self._set_cop_vision(vision)
        nreg = self.n_regions if self.region.shape[0] > 1 else 1
        leg = np.full((ticks, nreg), self.legitimacy)
        hard = np.full((ticks, nreg), self.hardship_multiplier)
        kk = np.full(ticks, self.arrest_k)
        return self._run(ticks, leg, hard, kk)

    def run_schedule(
        self,
        ticks: int,
        *,
        legitimacy: ArrayLike | None = None,
        hardship_multiplier: ArrayLike | None = None,
        arrest_k: ArrayLike | None = None,
        cop_vision: ArrayLike | None = None,
    ) -> StepCounts:
        """Run ``ticks`` ticks with inputs that change every tick.

        ``legitimacy`` and ``hardship_multiplier`` are arrays of shape (ticks,) or
        (ticks, regions) (see :meth:`set_regions`); ``arrest_k`` and ``cop_vision`` of shape
        (ticks,). None keeps the current value throughout. The values of the last tick persist.
        """
        nreg = self.n_regions if self.region.shape[0] > 1 else 1
        leg = _table("legitimacy", legitimacy, ticks, nreg, self.legitimacy, 0.0, 1.0)
        hard = _table(
            "hardship_multiplier", hardship_multiplier, ticks, nreg, self.hardship_multiplier
        )
        kk = _table("arrest_k", arrest_k, ticks, 1, self.arrest_k)[:, 0].copy()
        cv = (
            np.full(ticks, self.cop_vision, dtype=np.int64)
            if cop_vision is None
            else np.asarray(cop_vision).astype(np.int64).reshape(-1)
        )
        if cv.shape != (ticks,):
            raise InputError(f"cop_vision: expected {ticks} values, got {cv.shape}")
        parts: list[StepCounts] = []
        start = 0
        while start < ticks:
            stop = start + 1
            while stop < ticks and cv[stop] == cv[start]:
                stop += 1
            self._set_cop_vision(int(cv[start]))
            parts.append(
                self._run(
                    stop - start,
                    np.ascontiguousarray(leg[start:stop]),
                    np.ascontiguousarray(hard[start:stop]),
                    np.ascontiguousarray(kk[start:stop]),
                )
            )
            start = stop
        if ticks:
            self.legitimacy = float(leg[-1].mean()) if nreg > 1 else float(leg[-1, 0])
            self.hardship_multiplier = float(hard[-1].mean()) if nreg > 1 else float(hard[-1, 0])
            self.arrest_k = float(kk[-1])
        return StepCounts.concat(parts) if parts else _empty()

    def _set_cop_vision(self, vision: int) -> None:
        if isinstance(vision, bool) or not isinstance(vision, int | np.integer) or vision < 1:
            raise InputError(f"vision: expected an integer >= 1 (got {vision!r})")
        check_vision_fits("vision", int(vision), self.params.width, self.params.height)
        if int(vision) != self.cop_vision:
            self.cop_vision = int(vision)
            self._build_grid()

    def _run(
        self,
        ticks: int,
        leg: NDArray[np.float64],
        hard: NDArray[np.float64],
        kk: NDArray[np.float64],
    ) -> StepCounts:
        out = [np.zeros(ticks, dtype=np.int64) for _ in _FIELDS]
        if ticks == 0:
            return StepCounts(*out)
        p = self.params
        sem = self._sem
        hw_c, ody_c, odx_c = self._geometry(p.vision)
        hw_k, ody_k, odx_k = self._geometry(self.cop_vision)
        kn.advance_kernel(
            self.seed,
            self.tick,
            ticks,
            p.height,
            p.width,
            hw_c,
            p.vision,
            ody_c,
            odx_c,
            hw_k,
            self.cop_vision,
            ody_k,
            odx_k,
            _ROUND[sem.rounding],
            _JAIL[sem.jail],
            sem.jail_inclusive,
            sem.count_own_cell,
            sem.move_first,
            p.movement,
            float(p.threshold),
            int(p.max_jail),
            self.agents,
            self.cops,
            self.f1,
            self.f2,
            self._actc,
            self.occn,
            self.busy,
            self.multi,
            self.abits,
            self.ahead,
            self.anext,
            self.aprev,
            self.stamp,
            self._stamp_counter,
            self.order,
            leg,
            hard,
            kk,
            self.region,
            self.per_agent,
            *out,
        )
        self.tick += ticks
        return StepCounts(*out)

    # ------------------------------------------------------------------ state
    def counts(self) -> dict[str, int]:
        """Current numbers of quiet, active and jailed citizens, and the tension."""
        st = self.state
        quiet = st == kn.QUIET
        g = np.minimum(1.0, self.hardship * self.hardship_multiplier) * (1.0 - self.legitimacy)
        return {
            "quiet": int(quiet.sum()),
            "active": int((st == kn.ACTIVE).sum()),
            "jailed": int((st == kn.JAILED).sum()),
            "tension": int((quiet & (g > self.params.threshold)).sum()),
        }

    def grid(self) -> NDArray[np.int8]:
        """The grid as codes: 0 empty, 1 quiet, 2 active, 3 jailed (on its cell), 4 cop.

        A cop drawn on a cell wins over a citizen sharing it (NetLogo variant only)."""
        p = self.params
        g = np.zeros(p.height * p.width, dtype=np.int8)
        cells = self.ay * p.width + self.ax
        on_grid = (self.state != kn.JAILED) | (self._sem.jail != "paper")
        g[cells[on_grid]] = (self.state[on_grid] + 1).astype(np.int8)
        free = self.state != kn.JAILED
        g[cells[free]] = (self.state[free] + 1).astype(np.int8)
        g[self.cy * p.width + self.cx] = 4
        return g.reshape(p.height, p.width)


def _empty() -> StepCounts:
    return StepCounts(*(np.zeros(0, dtype=np.int64) for _ in _FIELDS))


def _in_range(name: str, value: Any, lo: float, hi: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise InputError(f"{name}: expected a number (got {value!r})")
    if not (lo <= float(value) <= hi) or math.isnan(float(value)):
        raise InputError(f"{name}: must be in [{lo}, {hi}] (got {value})")


def _table(
    name: str,
    values: ArrayLike | None,
    ticks: int,
    nreg: int,
    default: float,
    lo: float = 0.0,
    hi: float = math.inf,
) -> NDArray[np.float64]:
    if values is None:
        return np.full((ticks, nreg), float(default))
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 1:
        arr = np.repeat(arr[:, None], nreg, axis=1)
    if arr.shape != (ticks, nreg):
        raise InputError(
            f"{name}: expected shape ({ticks},) or ({ticks}, {nreg}) for {ticks} ticks and "
            f"{nreg} regions, got {arr.shape}"
        )
    if not np.all(np.isfinite(arr)) or arr.min() < lo or arr.max() > hi:
        raise InputError(f"{name}: every value must be in [{lo}, {hi}]")
    return np.ascontiguousarray(arr)


def simulate(
    params: CivilViolenceParams,
    seed: int,
    steps: int,
    *,
    legitimacy: ArrayLike | None = None,
    hardship_multiplier: ArrayLike | None = None,
    arrest_k: ArrayLike | None = None,
    cop_vision: ArrayLike | None = None,
    regions: ArrayLike | None = None,
) -> dict[str, NDArray[np.int64]]:
    """One run of ``steps`` ticks; series with the initial state first (length steps + 1)."""
    model = CivilViolence(params, seed)
    if regions is not None:
        model.set_regions(regions)
    c0 = model.counts()
    res = model.run_schedule(
        steps,
        legitimacy=legitimacy,
        hardship_multiplier=hardship_multiplier,
        arrest_k=arrest_k,
        cop_vision=cop_vision,
    )
    series = {
        f: np.concatenate([[c0.get(f, 0)], getattr(res, f)]).astype(np.int64) for f in _FIELDS
    }
    return series


def with_params(params: CivilViolenceParams, **changes: Any) -> CivilViolenceParams:
    """A copy of ``params`` with some fields changed (validated)."""
    return replace(params, **changes)


def remove_cops(model: CivilViolence, count: int) -> None:
    """Take ``count`` cops chosen at random (from the run's seed and tick) off the grid.

    Used by the cop-reduction experiment (Epstein 2002, Fig. 11)."""
    if count <= 0:
        return
    count = min(count, model.n_cops)
    rng = np.random.default_rng(np.random.SeedSequence([model.seed, 0xC0B5, model.tick]))
    keep = np.sort(rng.permutation(model.n_cops)[count:])
    model.cops = np.ascontiguousarray(model.cops[keep])
    model.n_cops = int(keep.size)
    model.order = np.arange(model.n_citizens + model.n_cops, dtype=np.int32)
    model._build_grid()
