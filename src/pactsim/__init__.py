"""pactsim: simulate and evaluate conditional engagement.

An outside power offers a regime a package of incentives in exchange for reforms; pactsim couples
stakeholder bargaining, the regime's council, the population, an extremist organisation and the
neighbours, and runs ensembles to answer with honest uncertainty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pactsim.scenario import Scenario, ScenarioError, load

__version__ = "0.1.0"

__all__ = ["Scenario", "ScenarioError", "__version__", "ensemble", "load", "run"]


def run(*args, **kwargs):  # type: ignore[no-untyped-def]
    """One run of a scenario: see :func:`pactsim.engagement.run`."""
    from pactsim.engagement import run as _run

    return _run(*args, **kwargs)


def ensemble(*args, **kwargs):  # type: ignore[no-untyped-def]
    """An ensemble of runs stored in DuckDB: see :func:`pactsim.experiments.ensemble`."""
    from pactsim.experiments import ensemble as _ensemble

    return _ensemble(*args, **kwargs)


def __getattr__(name: str) -> Any:
    """Import the scenario layer (pydantic) on first use, so that models start fast."""
    if name in ("Scenario", "ScenarioError", "load"):
        import pactsim.scenario as scenario

        return getattr(scenario, name)
    raise AttributeError(f"module 'pactsim' has no attribute {name!r}")
