"""Ensembles: sample a scenario's uncertainties (and levers), run every policy in every sampled
world with replications, locally or on a Dask cluster, into one DuckDB store (docs/design.md,
Experiments and analysis)."""

from pactsim.experiments.design import (
    SAMPLERS,
    Design,
    Parameter,
    make_design,
    parameters,
    run_seed,
)
from pactsim.experiments.ensemble import ensemble
from pactsim.experiments.result import RunResult
from pactsim.experiments.store import Store, open_store

__all__ = [
    "SAMPLERS",
    "Design",
    "Parameter",
    "RunResult",
    "Store",
    "ensemble",
    "make_design",
    "open_store",
    "parameters",
    "run_seed",
]
