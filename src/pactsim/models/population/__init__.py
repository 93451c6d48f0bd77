"""Population model: Epstein's (2002) civil violence, Model I (rebellion against a central
authority) and Model II (ethnic violence with peacekeepers), exact and fast with numba."""

from pactsim.models.population.batch import run_many
from pactsim.models.population.model import CivilViolence, StepCounts, remove_cops, simulate
from pactsim.models.population.outbursts import Outbursts, default_threshold, outbursts
from pactsim.models.population.params import (
    SEMANTICS,
    VARIANTS,
    CivilViolenceParams,
    Semantics,
)
from pactsim.models.population.presets import PRESETS, preset_params, run_preset

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
