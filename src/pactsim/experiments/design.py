"""Experimental designs: which worlds an ensemble visits (docs/design.md, Experiments and analysis).

A design samples the unit hypercube, one column per parameter, and maps each column to the
parameter's range and distribution. Samplers:

- ``lhs``: Latin hypercube, ``scipy.stats.qmc.LatinHypercube`` (McKay, Beckman & Conover 1979);
  ``samples`` worlds.
- ``sobol``: Saltelli's scheme for Sobol indices, ``SALib.sample.sobol.sample`` (Saltelli 2002;
  Saltelli et al. 2010); ``samples`` is the base size N (a power of 2) and the design has
  N (2D + 2) worlds with second-order indices, N (D + 2) without.
- ``morris``: Morris trajectories, ``SALib.sample.morris.sample`` (Morris 1991; Campolongo et al.
  2007); ``samples`` trajectories, N (D + 1) worlds.
- ``factorial``: the full factorial grid; ``samples`` levels per numeric parameter (a categorical
  lever takes each of its values, an integer range at most each of its integers).

Mapping from a uniform u in [0, 1): ``uniform`` low + u (high - low); ``loguniform``
exp(log low + u (log high - log low)); ``triangular`` the inverse CDF with the given mode;
``integer`` floor(low + u (high - low + 1)), at most high; categorical lever values[floor(u k)].
SALib's designs are drawn on [0, 1] bounds and mapped the same way, so Sobol and Morris indices
refer to the parameters' own distributions.

Seeds: run (world w, replication r) of an ensemble with seed s gets the integer seed drawn from
``numpy.random.SeedSequence(s, spawn_key=(w, r))``. Every policy sees the same seed in the same
world and replication (common random numbers, so policy differences are not sampling noise), and
no seed depends on the runner, the number of workers or the order in which runs finish.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from pactsim.errors import InputError

SAMPLERS = ("lhs", "sobol", "morris", "factorial")


@dataclass(frozen=True)
class Parameter:
    """One sampled dimension: an uncertainty or a lever of the scenario, by dotted path."""

    path: str
    kind: str  # "uncertainty" | "lever"
    dist: str  # "uniform" | "triangular" | "loguniform" | "integer" | "categorical"
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    values: tuple[Any, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["values"] = list(self.values) if self.values is not None else None
        return out

    def transform(self, u: np.ndarray) -> np.ndarray:
        """Map uniform draws in [0, 1] to this parameter's values (see the module docstring)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.dist == "categorical":
            assert self.values is not None
            k = len(self.values)
            idx = np.minimum((u * k).astype(int), k - 1)
            return np.array([self.values[i] for i in idx], dtype=object)
        low, high = float(self.low), float(self.high)  # type: ignore[arg-type]
        if self.dist == "uniform":
            return low + u * (high - low)
        if self.dist == "loguniform":
            return np.exp(math.log(low) + u * (math.log(high) - math.log(low)))
        if self.dist == "integer":
            lo, hi = math.ceil(low), math.floor(high)
            return np.minimum(np.floor(lo + u * (hi - lo + 1)), hi)
        if self.dist == "triangular":
            c = (float(self.mode) - low) / (high - low)  # type: ignore[arg-type]
            left = low + np.sqrt(u * (high - low) * (float(self.mode) - low))  # type: ignore[arg-type]
            right = high - np.sqrt((1 - u) * (high - low) * (high - float(self.mode)))  # type: ignore[arg-type]
            return np.where(u < c, left, right)
        raise InputError(f"{self.path}: unknown distribution '{self.dist}'")

    def levels(self, n: int) -> list[Any]:
        """Factorial levels: every value of a categorical or small integer range, else n points
        from low to high (the midpoint when n is 1)."""
        if self.dist == "categorical":
            return list(self.values or ())
        if self.dist == "integer":
            lo, hi = math.ceil(float(self.low)), math.floor(float(self.high))  # type: ignore[arg-type]
            grid = np.unique(np.round(np.linspace(lo, hi, min(n, hi - lo + 1))))
            return [float(x) for x in grid]
        qs = np.array([0.5]) if n == 1 else np.linspace(0.0, 1.0, n)
        return [float(x) for x in self.transform(qs)]


def parameters(scenario: Any, levers: bool = False) -> list[Parameter]:
    """The scenario's uncertainties (and, with ``levers``, its levers) as sampled dimensions."""
    out = []
    for u in scenario.uncertainties:
        if not u.high > u.low:
            raise InputError(f"uncertainty {u.path}: empty range [{u.low}, {u.high}]")
        out.append(Parameter(u.path, "uncertainty", u.dist, u.low, u.high, u.mode))
    if levers:
        for lv in scenario.levers:
            if lv.values is not None:
                out.append(Parameter(lv.path, "lever", "categorical", values=tuple(lv.values)))
            else:
                dist = "integer" if lv.integer else "uniform"
                out.append(Parameter(lv.path, "lever", dist, lv.low, lv.high))
    paths = [p.path for p in out]
    dup = sorted({p for p in paths if paths.count(p) > 1})
    if dup:
        raise InputError(f"{', '.join(dup)}: sampled twice (an uncertainty and a lever?)")
    return out


@dataclass
class Design:
    """The worlds of an ensemble, in the sampler's order (row w is world w)."""

    sampler: str
    params: list[Parameter]
    samples: int
    seed: int
    options: dict[str, Any]
    values: list[dict[str, Any]]  # one {path: value} per world
    unit: np.ndarray | None  # the unit-cube design behind ``values`` (None for factorial)

    @property
    def n_worlds(self) -> int:
        return len(self.values)

    def problem(self) -> dict[str, Any]:
        """A SALib problem definition: names are the dotted paths; bounds the parameter ranges
        (categorical levers: [0, number of values]); the design was drawn on the unit cube."""
        bounds = [
            [0.0, float(len(p.values or ()))] if p.dist == "categorical" else [p.low, p.high]
            for p in self.params
        ]
        return {
            "num_vars": len(self.params),
            "names": [p.path for p in self.params],
            "bounds": bounds,
            "dists": [p.dist for p in self.params],
            "kinds": [p.kind for p in self.params],
        }


def _unit_problem(d: int) -> dict[str, Any]:
    return {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}


def make_design(
    params: list[Parameter],
    sampler: str = "lhs",
    samples: int = 100,
    seed: int = 0,
    options: dict[str, Any] | None = None,
) -> Design:
    """Sample ``params`` with ``sampler`` (see the module docstring); deterministic in ``seed``."""
    options = dict(options or {})
    if sampler not in SAMPLERS:
        raise InputError(f"--sampler: unknown sampler '{sampler}' (expected {', '.join(SAMPLERS)})")
    if samples < 1:
        raise InputError(f"--samples: must be at least 1 (got {samples})")
    d = len(params)
    unit: np.ndarray | None
    if d == 0:
        if sampler in ("sobol", "morris"):
            raise InputError(f"--sampler {sampler}: the scenario has no uncertainties to vary")
        values: list[dict[str, Any]] = [{} for _ in range(1 if sampler == "factorial" else samples)]
        return Design(sampler, params, samples, seed, options, values, np.zeros((len(values), 0)))
    if sampler == "factorial":
        grids = [p.levels(samples) for p in params]
        values = [
            dict(zip([p.path for p in params], combo, strict=True))
            for combo in itertools.product(*grids)
        ]
        return Design(sampler, params, samples, seed, options, values, None)
    if sampler == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed)).random(samples)
    elif sampler == "sobol":
        from SALib.sample import sobol

        if samples & (samples - 1):
            raise InputError(f"--samples: the sobol sampler needs a power of 2 (got {samples})")
        options.setdefault("calc_second_order", True)
        unit = sobol.sample(
            _unit_problem(d),
            samples,
            seed=seed,
            calc_second_order=bool(options["calc_second_order"]),
        )
    else:
        from SALib.sample import morris

        options.setdefault("num_levels", 4)
        unit = morris.sample(
            _unit_problem(d), samples, seed=seed, num_levels=int(options["num_levels"])
        )
    cols = [p.transform(unit[:, j]) for j, p in enumerate(params)]
    values = [
        {p.path: _plain(cols[j][i]) for j, p in enumerate(params)} for i in range(unit.shape[0])
    ]
    return Design(sampler, params, samples, seed, options, values, unit)


def _plain(x: Any) -> Any:
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    return x


def run_seed(seed: int, world: int, replication: int) -> int:
    """The model seed of (world, replication): 63 bits from ``SeedSequence(seed, spawn_key)``."""
    state = np.random.SeedSequence(seed, spawn_key=(world, replication)).generate_state(
        2, dtype=np.uint32
    )
    return int((int(state[0]) << 31) ^ int(state[1])) & (2**63 - 1)
