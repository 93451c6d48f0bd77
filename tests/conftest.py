"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def toy_text() -> str:
    return (REPO / "scenarios" / "toy-3-factions.yaml").read_text()


@pytest.fixture
def afghanistan_text() -> str:
    return (REPO / "scenarios" / "afghanistan-2023.yaml").read_text()
