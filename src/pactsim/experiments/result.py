"""The result of one run: the type every model run by an ensemble returns.

``pactsim.engagement.run`` and ``pactsim.experiments.trivial.run`` return this same class, so the
runners, the store and the analysis code never depend on which model produced a run.
"""

from __future__ import annotations

try:  # one class for the whole package: the engagement loop's, when it is present
    from pactsim.runresult import RunResult
except ImportError:  # pragma: no cover - only when the package is trimmed
    from dataclasses import dataclass, field
    from typing import Any

    import pandas as pd

    @dataclass
    class RunResult:  # type: ignore[no-redef]
        """One run: ``summary`` maps outcome names to numbers; ``series`` has a row per month."""

        policy: str | None
        seed: int
        summary: dict[str, float]
        series: pd.DataFrame
        scenario_hash: str
        version: str
        info: dict[str, Any] = field(default_factory=dict)


__all__ = ["RunResult"]
