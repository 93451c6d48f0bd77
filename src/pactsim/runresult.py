"""The result of one run of a scenario: a summary and the monthly series."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class RunResult:
    """One run: ``summary`` maps outcome names to numbers; ``series`` has one row per month."""

    policy: str | None
    seed: int
    summary: dict[str, float]
    series: pd.DataFrame
    scenario_hash: str
    version: str
    info: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``pactsim run --json``."""
        return {
            "policy": self.policy,
            "seed": self.seed,
            "summary": self.summary,
            "series": {c: self.series[c].tolist() for c in self.series.columns},
            "scenario_hash": self.scenario_hash,
            "version": self.version,
            **self.info,
        }
