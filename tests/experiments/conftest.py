"""Fixtures for the ensemble tests: the trivial model and small scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

TRIVIAL = "pactsim.experiments.trivial:run"
SLOW = "pactsim.experiments.trivial:slow_run"
REPO = Path(__file__).resolve().parents[2]
TOY = REPO / "src" / "pactsim" / "scenarios" / "toy-3-factions.yaml"


@pytest.fixture
def toy_text() -> str:
    return TOY.read_text()


def outcomes(store) -> tuple:
    """Stored outcomes and series in key order, without timings: what must be bit-identical."""
    runs = store.runs(status=None)
    cols = ["experiment_id", "replication", "seed", "status", *store.outcome_names()]
    runs = runs[cols].sort_values(["experiment_id", "replication"]).reset_index(drop=True)
    series = store.series().sort_values(["experiment_id", "replication", "month"])
    return runs, series.reset_index(drop=True)
