"""Names of the model's series that the report's figures read from a scenario."""

from __future__ import annotations

from typing import Any

DEFAULT_EXTREMISTS = "extremists"


def strength_series(scenario: Any) -> str:
    """The monthly series of the extremist organisation's strength: ``<name>_strength``, with
    the name the scenario gives its extremists (``extremists.name``)."""
    name = scenario.extremists.name if scenario is not None else DEFAULT_EXTREMISTS
    return f"{name}_strength"


def strength_columns(columns: Any, scenario: Any | None = None) -> list[str]:
    """The strength series among ``columns``: the scenario's (:func:`strength_series`) when the
    runs have it, else any ``*_strength`` series (a store or a run made before the series
    took the scenario's name)."""
    cols = [str(c) for c in columns]
    if scenario is not None and strength_series(scenario) in cols:
        return [strength_series(scenario)]
    return [c for c in cols if c.endswith("_strength")]
