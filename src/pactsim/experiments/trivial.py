"""A trivial stand-in model with the signature of :func:`pactsim.engagement.run`.

It costs microseconds, so tests and benchmarks of the ensemble machinery (samplers, runners,
store, resume) measure the machinery, not the model. It is deterministic in (policy, overrides,
seed) and its outcomes depend on the sampled parameters, so a test can check that every sampled
value reaches the model and every outcome reaches the store:

- ``drift`` = sum of the numeric override values (booleans count 0/1, other values 0) plus a
  policy offset ``crc32(policy) % 100 / 100`` (0 for no policy);
- ``level[t] = drift * t / months + 0.1 * z[t]`` with ``z`` standard normal draws from
  ``numpy.random.default_rng(seed)``; ``shock[t] = z[t]``;
- summary: ``drift``, ``final`` (last level), ``peak`` (largest level), ``success``
  (1 when the final level exceeds 0.5, else 0).
"""

from __future__ import annotations

import hashlib
import time
import zlib
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from pactsim.experiments.result import RunResult

DEFAULT_MONTHS = 12


def policy_offset(policy: str | None) -> float:
    """The trivial model's fixed shift for a named policy (0 for none)."""
    return 0.0 if policy is None else (zlib.crc32(policy.encode()) % 100) / 100.0


def drift(policy: str | None, overrides: dict[str, Any] | None) -> float:
    """Sum of the numeric override values plus the policy offset (see the module docstring)."""
    total = policy_offset(policy)
    for value in (overrides or {}).values():
        if isinstance(value, bool | int | float | np.bool_ | np.integer | np.floating):
            total += float(value)
    return total


@lru_cache(maxsize=64)
def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _scenario_hash(scenario: Any) -> str:
    text = getattr(scenario, "source_text", None)
    return _text_hash(text if isinstance(text, str) else str(scenario))


def run(
    scenario: Any,
    policy: str | None = None,
    seed: int = 0,
    months: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> RunResult:
    """One trivial run (see the module docstring). ``scenario`` is only hashed, never read."""
    from pactsim import __version__

    n = DEFAULT_MONTHS if months is None else int(months)
    d = drift(policy, overrides)
    z = np.random.default_rng(seed).standard_normal(n)
    t = np.arange(1, n + 1)
    level = d * t / n + 0.1 * z
    series = pd.DataFrame({"month": t, "level": level, "shock": z})
    summary = {
        "drift": d,
        "final": float(level[-1]),
        "peak": float(level.max()),
        "success": float(level[-1] > 0.5),
    }
    return RunResult(
        policy=policy,
        seed=seed,
        summary=summary,
        series=series,
        scenario_hash=_scenario_hash(scenario),
        version=__version__,
    )


def slow_run(
    scenario: Any,
    policy: str | None = None,
    seed: int = 0,
    months: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> RunResult:
    """:func:`run` plus about 5 ms of busy CPU work: a model whose cost dominates the machinery,
    for scaling benchmarks and for tests that must interrupt an ensemble mid-way."""
    end = time.perf_counter() + 0.005
    x = 0.0
    while time.perf_counter() < end:
        x += float(np.sum(np.sqrt(np.arange(200.0))))
    return run(scenario, policy, seed, months, overrides)
