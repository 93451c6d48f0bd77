"""Many runs at once: seeds spread over threads (the numba kernel releases the GIL).

One run stays single-threaded and exact; parallelism is across runs, and the result of each
seed does not depend on the number of workers or on the order in which runs finish.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.typing import NDArray

from pactsim.errors import InputError
from pactsim.models.population.model import simulate
from pactsim.models.population.params import CivilViolenceParams


def run_many(
    params: CivilViolenceParams,
    seeds: Sequence[int],
    steps: int,
    workers: int | None = None,
) -> dict[str, NDArray[np.int64]]:
    """Run one simulation per seed; arrays of shape (len(seeds), steps + 1) per series
    (``quiet``, ``active``, ``jailed``, ``newly_active``, ``tension``), initial state first.

    ``workers`` threads (default: all cores) share the seeds.
    """
    seeds = [int(s) for s in seeds]
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise InputError(f"run_many: steps must be a non-negative integer (got {steps!r})")
    if workers is not None and workers < 1:
        raise InputError(f"run_many: workers must be at least 1 (got {workers})")
    n_workers = workers or os.cpu_count() or 1
    if not seeds:
        return {}
    if n_workers == 1 or len(seeds) == 1:
        results = [simulate(params, s, steps) for s in seeds]
    else:
        with ThreadPoolExecutor(max_workers=min(n_workers, len(seeds))) as pool:
            results = list(pool.map(lambda s: simulate(params, s, steps), seeds))
    return {k: np.stack([r[k] for r in results]) for k in results[0]}
