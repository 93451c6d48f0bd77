"""The paper's runs of Model I as presets (Epstein 2002, Table 2 and Figs. 1-11).

Every run uses a 40 x 40 torus, citizen density 0.7, vision 7, k = 2.3 and T = 0.1. Where a
value below is marked "reconstruction" it is pactsim's reading of the paper's text and figures
(docs/population.md says which figure each run is checked against). The default variant of
the presets is ``netlogo``: without an integer C/A the paper's outbursts do not appear
(Mesa's example says the same of its rounding; docs/population.md shows both).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pactsim.errors import InputError
from pactsim.models.population.model import CivilViolence, StepCounts, remove_cops
from pactsim.models.population.params import CivilViolenceParams


@dataclass(frozen=True)
class Preset:
    """A named experiment: parameters, length, and what changes over time."""

    name: str
    description: str
    params: dict[str, Any]
    steps: int
    #: legitimacy per tick (ticks 1..steps), or None for constant legitimacy
    legitimacy: tuple[float, ...] | None = None
    #: (tick, number of cops removed at the start of that tick), cop-reduction experiment
    cop_removals: tuple[tuple[int, int], ...] = field(default_factory=tuple)


def _gradual(
    steps: int, start: float = 0.9, stop: float = 0.2, every: int = 5
) -> tuple[float, ...]:
    t = np.arange(1, steps + 1)
    return tuple(np.round(np.maximum(stop, start - 0.01 * (t // every)), 10).tolist())


def _jump(steps: int, at: int = 77, before: float = 0.9, after: float = 0.7) -> tuple[float, ...]:
    t = np.arange(1, steps + 1)
    return tuple(np.where(t >= at, after, before).tolist())


_BASE = {"width": 40, "height": 40, "citizen_density": 0.7, "vision": 7, "k": 2.3, "threshold": 0.1}

PRESETS: dict[str, Preset] = {
    "run1": Preset(
        "run1",
        "Local outbursts and deceptive quiet (Figs. 1-2): high legitimacy, short jail terms.",
        {**_BASE, "cop_density": 0.04, "legitimacy": 0.89, "max_jail": 15},
        200,
    ),
    "run2": Preset(
        "run2",
        "Punctuated equilibrium (Figs. 3-8): outbursts separated by quiet periods "
        "(cop density 0.04, L = 0.82, J = 30; reconstruction, also NetLogo's defaults).",
        {**_BASE, "cop_density": 0.04, "legitimacy": 0.82, "max_jail": 30},
        1000,
    ),
    "run3": Preset(
        "run3",
        "Large legitimacy reduction in small increments (Fig. 9): L falls from 0.9 to 0.2 "
        "by 0.01 every 5 ticks.",
        {**_BASE, "cop_density": 0.04, "legitimacy": 0.9, "max_jail": 30},
        400,
        legitimacy=_gradual(400),
    ),
    "run4": Preset(
        "run4",
        "Small legitimacy reduction in one jump (Fig. 10): L = 0.9, then 0.7 from t = 77.",
        {**_BASE, "cop_density": 0.04, "legitimacy": 0.9, "max_jail": 30},
        300,
        legitimacy=_jump(300),
    ),
    "run5": Preset(
        "run5",
        "Cop reductions (Fig. 11): from density 0.08, 8 cops are removed every 30 ticks; "
        "below a critical density the actives tip upwards (reconstruction).",
        {**_BASE, "cop_density": 0.08, "legitimacy": 0.82, "max_jail": 30},
        480,
        cop_removals=tuple((t, 8) for t in range(31, 481, 30)),
    ),
}
PRESETS["gradual"] = replace(PRESETS["run3"], name="gradual")
PRESETS["jump"] = replace(PRESETS["run4"], name="jump")

#: Model II presets (runs 6-8) live in :mod:`pactsim.models.population.ethnic`.
MODEL_II_PRESETS = ("run6", "run7", "run8")


def preset_params(name: str, variant: str = "netlogo", **overrides: Any) -> CivilViolenceParams:
    """The parameters of a Model I preset, with a variant and any field overridden."""
    if name not in PRESETS:
        raise InputError(
            f"--preset: unknown preset {name!r}; expected one of "
            f"{', '.join([*PRESETS, *MODEL_II_PRESETS])}"
        )
    fields = {**PRESETS[name].params, "variant": variant}
    fields.update({k: v for k, v in overrides.items() if v is not None})
    return CivilViolenceParams(**fields)


def run_preset(
    name: str,
    seed: int,
    *,
    params: CivilViolenceParams | None = None,
    steps: int | None = None,
) -> tuple[dict[str, NDArray[np.int64]], dict[str, Any]]:
    """Run a Model I preset; returns the series (initial state first) and the schedule used."""
    pre = PRESETS[name]
    p = params if params is not None else preset_params(name)
    n = pre.steps if steps is None else steps
    model = CivilViolence(p, seed)
    c0 = model.counts()
    leg = None
    if pre.legitimacy is not None:
        base = np.asarray(pre.legitimacy)
        leg = (
            base[:n] if n <= base.size else np.concatenate([base, np.full(n - base.size, base[-1])])
        )
    removals = dict(pre.cop_removals)
    parts: list[StepCounts] = []
    cops: list[int] = []
    cuts = sorted({1, *(k for k in removals if 1 <= k <= n)})
    cuts.append(n + 1)
    for a, b in itertools.pairwise(cuts):
        if a in removals:
            remove_cops(model, removals[a])
        length = b - a
        if length <= 0:
            continue
        parts.append(
            model.run_schedule(length, legitimacy=None if leg is None else leg[a - 1 : b - 1])
        )
        cops.extend([model.n_cops] * length)
    res = StepCounts.concat(parts)
    series = {
        "quiet": np.concatenate([[c0["quiet"]], res.quiet]),
        "active": np.concatenate([[c0["active"]], res.active]),
        "jailed": np.concatenate([[c0["jailed"]], res.jailed]),
        "newly_active": np.concatenate([[0], res.newly_active]),
        "tension": np.concatenate([[c0["tension"]], res.tension]),
    }
    schedule: dict[str, Any] = {}
    if leg is not None:
        schedule["legitimacy"] = [float(p.legitimacy), *leg.tolist()]
    if removals:
        schedule["cops"] = [cops[0] + removals.get(1, 0), *cops] if cops else []
    return series, schedule
