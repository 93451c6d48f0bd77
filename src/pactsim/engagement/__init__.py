"""The coupled model: a declared schedule of components, stepped month by month.

:data:`SCHEDULE` lists the components (package, bargaining, council, welfare, equipment,
population, extremists, region); each takes its parameters from its scenario section only,
keeps a small state, steps once a month and declares its outputs; :func:`declared_outputs`
collects them, and :func:`run` iterates over the schedule. docs/design.md gives the equations.
"""

from pactsim.engagement.schedule import (
    SCHEDULE,
    declared_outputs,
    month_label,
    run,
    stored_outputs,
)
from pactsim.engagement.world import Component, World
from pactsim.runresult import RunResult

__all__ = [
    "SCHEDULE",
    "Component",
    "RunResult",
    "World",
    "declared_outputs",
    "month_label",
    "run",
    "stored_outputs",
]
