"""Fixtures for the analysis tests: small stores made with cheap synthetic models."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactsim.scenario import from_text

REPO = Path(__file__).resolve().parents[2]
TOY = REPO / "src" / "pactsim" / "scenarios" / "toy-3-factions.yaml"


@pytest.fixture(scope="session")
def toy():
    return from_text(TOY.read_text(encoding="utf-8"), str(TOY))


@pytest.fixture(scope="session")
def sobol_store(tmp_path_factory, toy) -> Path:
    from pactsim.experiments import ensemble

    path = tmp_path_factory.mktemp("stores") / "sobol.duckdb"
    ensemble(
        toy,
        ["milestone"],
        samples=512,
        sampler="sobol",
        seed=1,
        workers=1,
        store=path,
        model="analysis_models:ishigami_run",
    )
    return path


@pytest.fixture(scope="session")
def morris_store(tmp_path_factory, toy) -> Path:
    from pactsim.experiments import ensemble

    path = tmp_path_factory.mktemp("stores") / "morris.duckdb"
    ensemble(
        toy,
        ["milestone", "upfront"],
        samples=20,
        sampler="morris",
        seed=2,
        workers=1,
        store=path,
        model="analysis_models:ishigami_run",
    )
    return path


@pytest.fixture(scope="session")
def lhs_store(tmp_path_factory, toy) -> Path:
    from pactsim.experiments import ensemble

    path = tmp_path_factory.mktemp("stores") / "lhs.duckdb"
    ensemble(
        toy,
        ["milestone"],
        samples=1500,
        sampler="lhs",
        seed=3,
        workers=1,
        store=path,
        model="analysis_models:ishigami_run",
    )
    return path
