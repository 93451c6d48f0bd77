"""The scenario format: YAML files validated by pydantic, bundled scenarios, overrides."""

from pactsim.scenario.errors import Problem, ScenarioError
from pactsim.scenario.loader import (
    apply_overrides,
    bundled_names,
    bundled_path,
    from_text,
    load,
    parse_assignments,
)
from pactsim.scenario.model import Scenario

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "apply_overrides",
    "bundled_names",
    "bundled_path",
    "from_text",
    "load",
    "parse_assignments",
]
