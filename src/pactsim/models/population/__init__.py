"""Population model: Epstein's (2002) civil violence, Model I (rebellion against a central
authority) and Model II (ethnic violence with peacekeepers), exact and fast with numba.

Batch runs and presets load on first use, so that a process that only steps the model
imports only the model and its kernel (docs/population.md, start-up).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from pactsim.models.population.model import CivilViolence, StepCounts, remove_cops, simulate
from pactsim.models.population.outbursts import Outbursts, default_threshold, outbursts
from pactsim.models.population.params import (
    SEMANTICS,
    VARIANTS,
    CivilViolenceParams,
    Semantics,
)

if TYPE_CHECKING:
    from pactsim.models.population.batch import run_many
    from pactsim.models.population.presets import PRESETS, preset_params, run_preset

_WHERE = {
    "run_many": "batch",
    "PRESETS": "presets",
    "preset_params": "presets",
    "run_preset": "presets",
}

__all__ = [
    "PRESETS",
    "SEMANTICS",
    "VARIANTS",
    "CivilViolence",
    "CivilViolenceParams",
    "Outbursts",
    "Semantics",
    "StepCounts",
    "default_threshold",
    "outbursts",
    "preset_params",
    "remove_cops",
    "run_many",
    "run_preset",
    "simulate",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
