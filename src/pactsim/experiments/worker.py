"""What a worker process does with a task: rebuild the scenario once, run a batch, pack results.

A task carries the scenario's text (not a path, so a worker on another machine needs no shared
file system) and its hash; each worker validates the text once and caches the scenario by hash.
The model is named as ``"module:function"`` and imported lazily, so process and Dask workers can
resolve it themselves.
"""

from __future__ import annotations

import importlib
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

_SCENARIOS: dict[str, Any] = {}  # per-process cache: scenario hash -> validated Scenario
_MODELS: dict[str, Callable[..., Any]] = {}


@dataclass(frozen=True)
class RunSpec:
    """One run to do: (experiment, replication) with its seed, policy and sampled values."""

    experiment_id: int
    replication: int
    seed: int
    policy: str | None
    overrides: dict[str, Any]


@dataclass(frozen=True)
class Task:
    """A batch of runs of one scenario with one model."""

    model: str
    scenario_text: str
    scenario_hash: str
    origin: str
    months: int | None
    runs: tuple[RunSpec, ...]


@dataclass
class TaskResult:
    """Per run: key, seed, status, error text, seconds and summary; and all series stacked."""

    runs: list[dict[str, Any]] = field(default_factory=list)
    series: pd.DataFrame | None = None
    seconds: float = 0.0


def resolve_model(name: str) -> Callable[..., Any]:
    """Import ``"package.module:function"`` (cached per process)."""
    fn = _MODELS.get(name)
    if fn is None:
        module, _, attr = name.partition(":")
        obj: Any = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
        fn = _MODELS[name] = obj
    return fn


def model_name(model: str | Callable[..., Any]) -> str:
    """The importable name of a model given as a callable or as ``"module:function"``."""
    if isinstance(model, str):
        if ":" not in model:
            raise ValueError(f"model '{model}': expected 'package.module:function'")
        return model
    name = f"{model.__module__}:{model.__qualname__}"
    if "<" in name:
        raise ValueError(f"model {model!r} is not importable by name; define it at module level")
    return name


def scenario_for(text: str, digest: str, origin: str) -> Any:
    """The validated scenario of ``text``, built once per process and cached by hash."""
    sc = _SCENARIOS.get(digest)
    if sc is None:
        from pactsim.scenario import from_text

        sc = from_text(text, origin)
        if len(_SCENARIOS) > 8:
            _SCENARIOS.clear()
        _SCENARIOS[digest] = sc
    return sc


def run_task(task: Task) -> TaskResult:
    """Run every run of ``task``; a failing run is recorded with its error, not raised."""
    t0 = time.perf_counter()
    model = resolve_model(task.model)
    sc = scenario_for(task.scenario_text, task.scenario_hash, task.origin)
    out = TaskResult()
    frames: list[dict[str, Any]] = []
    lengths: list[tuple[int, int, int]] = []
    for spec in task.runs:
        start = time.perf_counter()
        record: dict[str, Any] = {
            "experiment_id": spec.experiment_id,
            "replication": spec.replication,
            "seed": spec.seed,
        }
        try:
            res = model(
                sc,
                policy=spec.policy,
                seed=spec.seed,
                months=task.months,
                overrides=spec.overrides or None,
            )
        except Exception as exc:  # a failing run is data: record it and go on
            record.update(status="error", error=_describe(exc), summary={})
        else:
            record.update(
                status="ok", error=None, summary={k: float(v) for k, v in res.summary.items()}
            )
            s = res.series
            frames.append({c: s[c].to_numpy() for c in s.columns})
            lengths.append((spec.experiment_id, spec.replication, len(s)))
        record["seconds"] = time.perf_counter() - start
        out.runs.append(record)
    if frames:
        out.series = _stack(frames, lengths)
    out.seconds = time.perf_counter() - t0
    return out


def _stack(frames: list[dict[str, Any]], lengths: list[tuple[int, int, int]]) -> pd.DataFrame:
    """All runs' series in one frame, keyed by experiment_id and replication (numpy
    concatenation: far cheaper than a pandas concat per run)."""
    import numpy as np

    counts = [n for _, _, n in lengths]
    cols: dict[str, Any] = {
        "experiment_id": np.repeat([e for e, _, _ in lengths], counts).astype(np.int64),
        "replication": np.repeat([r for _, r, _ in lengths], counts).astype(np.int64),
    }
    names = list(dict.fromkeys(c for f in frames for c in f))
    if all(len(f) == len(names) for f in frames):
        for c in names:
            cols[c] = np.concatenate([f[c] for f in frames])
        return pd.DataFrame(cols)
    parts = [pd.DataFrame(f) for f in frames]  # runs with different columns: align by name
    merged = pd.concat(parts, ignore_index=True)
    return pd.concat([pd.DataFrame(cols), merged], axis=1)


def _describe(exc: Exception) -> str:
    tail = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return tail[:2000]
