"""``pactsim.ensemble``: every policy in every sampled world, R replications each, stored.

The parent samples the design, records it in the store, hands batches of runs to a runner and
writes each finished batch at once (see :mod:`pactsim.experiments.store`). Running the same
ensemble again on the same store runs only what is missing.
"""

from __future__ import annotations

import atexit
import datetime as _dt
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from pactsim.errors import InputError, PactsimError
from pactsim.experiments.design import Design, make_design, parameters, run_seed
from pactsim.experiments.guards import (
    ClusterLostError,
    check_dask_address,
    check_size,
    cluster_lost,
    quiet_lost_connections,
)
from pactsim.experiments.runners import execute, open_runner
from pactsim.experiments.stopping import stop_on_signals
from pactsim.experiments.store import FORMAT, Store, StoreWriter, column_type
from pactsim.experiments.worker import RunSpec, Task, TaskResult, model_name, resolve_model

DEFAULT_MODEL = "pactsim.engagement:run"
# what must agree between a store and a command for the command to continue that store
_MATCH = (
    "scenario_hash",
    "model",
    "sampler",
    "sampler_options",
    "samples",
    "seed",
    "replications",
    "levers",
    "months",
    "policies",
)


def _load(scenario: Any, overrides: dict[str, Any] | None) -> Any:
    from pactsim.scenario import Scenario, load

    if isinstance(scenario, Scenario):
        return scenario.with_overrides(overrides) if overrides else scenario
    return load(scenario, overrides or None)


def _worker_text(sc: Any, verbatim: bool = False) -> str:
    """Text from which a worker rebuilds exactly ``sc``: the file itself when it is unchanged,
    else the validated content (overrides applied) written back as YAML."""
    import yaml

    from pactsim.scenario import from_text

    text = sc.source_text
    if text and (verbatim or from_text(text, sc.origin).hash == sc.hash):
        return text
    return yaml.safe_dump(sc.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def _experiments_frame(design: Design, policies: list[str | None]) -> tuple[pd.DataFrame, set[str]]:
    categorical = {p.path for p in design.params if p.dist == "categorical"}
    rows = []
    for w, values in enumerate(design.values):
        for k, pol in enumerate(policies):
            row: dict[str, Any] = {
                "experiment_id": w * len(policies) + k,
                "world": w,
                "policy": pol,
            }
            for path, v in values.items():
                row[path] = (
                    (v if isinstance(v, str) else json.dumps(v))
                    if path in categorical
                    else float(v)
                )
            rows.append(row)
    cols = ["experiment_id", "world", "policy", *[p.path for p in design.params]]
    frame = pd.DataFrame(rows, columns=cols)
    frame["policy"] = frame["policy"].astype(object)
    return frame, categorical


def _mismatch(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    reasons = []
    for key in _MATCH:
        if json.dumps(old.get(key), sort_keys=True) != json.dumps(new.get(key), sort_keys=True):
            if key == "scenario_hash":
                reasons.append(
                    f"it was made from a different scenario ('{old.get('scenario_name')}'"
                    f" with hash {str(old.get(key))[:12]}, this one is "
                    f"'{new.get('scenario_name')}' with hash {str(new[key])[:12]})"
                )
            else:
                reasons.append(f"{key} was {old.get(key)!r}, now {new.get(key)!r}")
    return reasons


def _temporary_store() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="pactsim-ensemble-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder / "ensemble.duckdb"


def ensemble(
    scenario: Any,
    policies: Sequence[str] | None = None,
    *,
    samples: int = 100,
    sampler: str = "lhs",
    replications: int = 1,
    seed: int = 0,
    levers: bool = False,
    months: int | None = None,
    overrides: dict[str, Any] | None = None,
    workers: int | None = None,
    dask: str | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    force: bool = False,
    model: str | Callable[..., Any] = DEFAULT_MODEL,
    sampler_options: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_seconds: float = 0.1,
    command: str | None = None,
) -> Store:
    """Run ``scenario`` under each policy in each sampled world, ``replications`` times.

    ``scenario`` is a :class:`~pactsim.scenario.Scenario`, a bundled name or a path;
    ``policies`` defaults to every policy of the scenario (the file as written when it has
    none). ``sampler`` is ``lhs``, ``sobol``, ``morris`` or ``factorial`` over the scenario's
    uncertainties (and its levers with ``levers=True``; sampled levers override a policy's).
    ``workers`` processes run locally (default: every core; 1 runs in this process), or
    ``dask`` names a scheduler address or ``"local"``. Results go to ``store`` (a DuckDB file;
    a temporary one when None), which may already hold part of the same ensemble: only missing
    runs are run. A store made by a different ensemble is refused unless ``force`` (which
    discards it). ``progress(done, total)`` is called after each stored batch.
    Returns the store opened for reading (pandas and xarray views).
    """
    if replications < 1:
        raise InputError(f"--replications: must be at least 1 (got {replications})")
    if months is not None and months < 1:
        raise InputError(f"--months: must be at least 1 (got {months})")
    if seed < 0:
        raise InputError(
            f"--seed: must be a whole number of 0 or more (got {seed}); it seeds the design "
            "and, with the world and replication, every run"
        )
    if dask is not None:
        check_dask_address(dask)
    name = model_name(model)
    try:
        resolve_model(name)
    except (ImportError, AttributeError) as exc:
        raise InputError(f"model '{name}' cannot be imported: {exc}") from None
    sc = _load(scenario, overrides)
    if policies:
        unknown = [p for p in policies if p not in sc.policies]
        if unknown:
            raise InputError(
                f"{sc.origin}: no policy {', '.join(map(repr, unknown))} "
                f"(known: {', '.join(sc.policies) or 'none'})"
            )
        pols: list[str | None] = list(dict.fromkeys(policies))
    else:
        pols = list(sc.policies) or [None]
    params = parameters(sc, levers)
    check_size(params, sampler, samples, sampler_options, len(pols), replications)
    design = make_design(params, sampler, samples, seed, sampler_options)
    # fail early, with the path named, on values a policy or the design cannot take
    for pol in pols:
        base = sc.with_policy(pol) if pol is not None else sc
        if design.values and design.values[0]:
            base.with_overrides(design.values[0])
    from pactsim.scenario import Scenario

    text = _worker_text(sc, verbatim=not isinstance(scenario, Scenario) and not overrides)
    n_exp = design.n_worlds * len(pols)
    provenance = {
        "format": FORMAT,
        "scenario_name": sc.meta.name,
        "scenario_origin": sc.origin,
        "scenario_hash": sc.hash,
        "scenario_text": text,
        "version": _version(),
        "command": command or f"pactsim.ensemble({sc.meta.name!r}, ...)",
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "model": name,
        "sampler": sampler,
        "sampler_options": design.options,
        "samples": samples,
        "seed": seed,
        "replications": replications,
        "levers": levers,
        "months": months,
        "policies": pols,
        "parameters": [p.to_dict() for p in params],
        "problem": design.problem(),
        "n_worlds": design.n_worlds,
        "n_experiments": n_exp,
        "n_runs": n_exp * replications,
        "seeds": "seed of (world w, replication r) = SeedSequence(seed, spawn_key=(w, r)), "
        "63 bits; the same for every policy",
    }
    if store is None:
        if resume:
            raise InputError("--resume needs --store: the store to continue")
        path = _temporary_store()
    else:
        path = Path(store)
        if resume and not path.exists():
            raise InputError(f"{path}: no such store to resume")
    with stop_on_signals(), StoreWriter(path) as writer:  # a signal stops it cleanly
        if writer.existing is not None:
            reasons = _mismatch(writer.existing, provenance)
            if reasons and not force:
                raise InputError(
                    f"{path}: this store holds another ensemble: "
                    + "; ".join(reasons)
                    + ". Use another --store, or --force to discard it."
                )
            mistyped = writer.mistyped_columns()
            if mistyped and not reasons and not force:
                cols = ", ".join(
                    f"{c} is {t}, declared {column_type(c.split('.', 1)[1])}"
                    for c, t in mistyped.items()
                )
                raise InputError(
                    f"{path}: this store was written by an earlier pactsim that took column "
                    f"types from the first batch ({cols}): a value of another type written "
                    "there later was converted (every fraction after a first batch of whole "
                    "numbers was rounded), so its values cannot be trusted. Run the same "
                    "command with --force to start this store over, or use another --store."
                )
            if reasons or mistyped:
                writer.reset()
        if writer.existing is None:
            frame, categorical = _experiments_frame(design, pols)
            writer.create(provenance, frame, categorical)
        done = writer.done()
        specs = []
        for w, values in enumerate(design.values):
            for k, pol in enumerate(pols):
                eid = w * len(pols) + k
                for r in range(replications):
                    if (eid, r) not in done:
                        specs.append(RunSpec(eid, r, run_seed(seed, w, r), pol, values))
        total = n_exp * replications
        finished = total - len(specs)
        if progress is not None:
            progress(finished, total)

        def make_task(batch: tuple[RunSpec, ...]) -> Task:
            return Task(name, text, sc.hash, sc.origin, months, batch)

        def on_result(res: TaskResult) -> None:
            nonlocal finished
            writer.write(res.runs, res.series)
            finished += len(res.runs)
            if progress is not None:
                progress(finished, total)

        if specs:
            try:
                runner = open_runner(workers, dask)
                with quiet_lost_connections(dask), runner as (executor, n_workers, _desc):
                    execute(executor, n_workers, make_task, specs, on_result, batch_seconds)
            except PactsimError as exc:
                if dask is not None and cluster_lost(exc):
                    raise ClusterLostError(dask, finished, total, path, exc.__cause__) from None
                raise
    return Store(path)


def _version() -> str:
    from pactsim import __version__

    return __version__
