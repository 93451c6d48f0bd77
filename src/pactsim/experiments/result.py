"""The result of one run: the type every model run by an ensemble returns.

``pactsim.engagement.run`` and ``pactsim.experiments.trivial.run`` return this same class, so the
runners, the store and the analysis code never depend on which model produced a run.
"""

from pactsim.runresult import RunResult

__all__ = ["RunResult"]
