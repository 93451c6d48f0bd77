"""Checks an ensemble makes before it starts, and the error it gives when its cluster is lost.

Every bad flag gets a one-paragraph error naming the flag and what was expected before anything is
sampled or stored: a sample count whose plan would not fit in memory (with the estimate), a Dask
address that is not one. A Dask cluster that stops mid-run is reported as such, with how to
resume; the runs stored before it are kept.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pactsim.errors import InputError, PactsimError

# Planning an ensemble holds, per experiment (world x policy), its row of sampled values (a
# dict, then a row of the experiments table) and, per run, a RunSpec and its key: measured with
# tracemalloc at about 2,000 + 180 D bytes an experiment and 300 bytes a run (D parameters).
BYTES_PER_EXPERIMENT = 2000
BYTES_PER_EXPERIMENT_PARAMETER = 180
BYTES_PER_RUN = 300
MEMORY_SHARE = 0.5  # of the memory available when the ensemble starts
MAX_EXPERIMENTS = 2**31 - 1  # experiment_id is a 32-bit INTEGER in the store


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux ``MemAvailable``), else the
    physical memory, else None when neither can be read."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import os

        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):
        return None


def planned_worlds(params: list[Any], sampler: str, samples: int, options: dict[str, Any]) -> int:
    """How many worlds ``make_design`` would make, computed without making them (an upper
    bound for a factorial over integer ranges, whose rounded levels can coincide)."""
    d = len(params)
    if d == 0:
        return 1 if sampler == "factorial" else samples
    if sampler == "sobol":
        second = bool(options.get("calc_second_order", True))
        return samples * (2 * d + 2 if second else d + 2)
    if sampler == "morris":
        return samples * (d + 1)
    if sampler == "factorial":
        count = 1
        for p in params:
            if p.dist == "categorical":
                count *= len(p.values or ())
            elif p.dist == "integer":
                count *= min(samples, math.floor(float(p.high)) - math.ceil(float(p.low)) + 1)
            else:
                count *= samples
        return count
    return samples


def plan_bytes(worlds: int, policies: int, replications: int, d: int) -> int:
    """Estimated bytes the parent needs to plan the ensemble (see the constants above)."""
    experiments = worlds * policies
    per_experiment = BYTES_PER_EXPERIMENT + BYTES_PER_EXPERIMENT_PARAMETER * d
    return experiments * per_experiment + experiments * replications * BYTES_PER_RUN


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB", "PB", "EB"):
        if n < 1000:
            return f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} ZB"


def _count(n: int) -> str:
    return f"{n:,}" if n < 10**15 else f"{n:.3g}"


def check_size(
    params: list[Any],
    sampler: str,
    samples: int,
    options: dict[str, Any] | None,
    policies: int,
    replications: int,
    memory: int | None = None,
) -> None:
    """Refuse, before anything is sampled, an ensemble whose plan cannot fit in memory or in
    the store's 32-bit experiment ids; the message gives the estimate and what would fit."""
    if samples < 1:
        return  # make_design's own message
    worlds = planned_worlds(params, sampler, samples, dict(options or {}))
    experiments = worlds * policies
    runs = experiments * replications
    d = len(params)
    if sampler == "factorial":
        what = (
            f"--sampler factorial --samples {samples}: the factorial sampler takes --samples as "
            f"the number of levels of each numeric parameter, so {samples} levels over the "
            f"{d} sampled parameters make {_count(worlds)} worlds"
        )
        hint = "use 2 to 5 levels, or fewer parameters, or --sampler lhs for many worlds"
    else:
        what = f"--samples {samples}: the {sampler} design has {_count(worlds)} worlds"
        hint = "use fewer --samples (or --replications), or split the ensemble into several "
        hint += "stores with different --seed"
    total = f"{_count(worlds)} worlds x {policies} policies x {replications} replications"
    need = plan_bytes(worlds, policies, replications, d)
    have = available_memory() if memory is None else memory
    budget = int(have * MEMORY_SHARE) if have is not None else None
    if have is not None and budget is not None and need > budget:
        per_run = need / max(runs, 1)
        fit = int(budget / per_run)
        raise InputError(
            f"{what}; {total} is {_count(runs)} runs, and planning them needs about "
            f"{_size(need)} of memory (about {per_run:.0f} bytes a run), more than the "
            f"{_size(budget)} this machine can spare (half of the {_size(have)} available). "
            f"About {fit:,} runs fit in one ensemble here: {hint}."
        )
    if experiments > MAX_EXPERIMENTS:
        raise InputError(
            f"{what}; {total} is {_count(runs)} runs, more than the "
            f"{MAX_EXPERIMENTS:,} experiments a store can number: {hint}."
        )


def check_dask_address(address: str) -> None:
    """Refuse a ``--dask`` value that is neither ``local`` nor a scheduler address."""
    if address == "local":
        return
    expected = (
        "expected 'local' (a cluster on this machine) or a scheduler address such as "
        "tcp://10.0.0.1:8786 (the address dask-scheduler prints)"
    )
    try:
        from distributed.comm.addressing import get_address_host_port, parse_address

        scheme, _ = parse_address(address)
        if scheme in ("tcp", "tls", "ws", "wss"):
            host, _port = get_address_host_port(address)
            if not host:
                raise ValueError("no host")
    except ValueError as exc:
        raise InputError(
            f"--dask {address}: not a Dask scheduler address ({exc}); {expected}"
        ) from None


def cluster_lost(exc: BaseException) -> bool:
    """True when a runner's error comes from losing the Dask cluster (cancelled futures, a
    closed connection), not from a task."""
    import asyncio
    import concurrent.futures

    cause = exc.__cause__
    if isinstance(cause, concurrent.futures.CancelledError | asyncio.CancelledError):
        return True
    try:
        from distributed.comm.core import CommClosedError
    except ImportError:  # pragma: no cover - dask is a dependency
        return False
    return isinstance(cause, CommClosedError | ConnectionError)


class ClusterLostError(PactsimError):
    """The Dask cluster stopped (or became unreachable) in the middle of an ensemble."""

    def __init__(self, address: str, done: int, total: int, store: Path, cause: Any):
        which = "the local Dask cluster" if address == "local" else f"the Dask cluster at {address}"
        detail = f" ({type(cause).__name__})" if cause is not None else ""
        again = (
            "run the same command again"
            if address == "local"
            else "start the scheduler and its workers again and run the same command"
        )
        super().__init__(
            f"--dask {address}: the connection to {which} was lost{detail} after {done} of "
            f"{total} runs: the scheduler stopped or the network failed. The {done} runs are "
            f"stored in {store}; {again} (or add --resume) to run the {total - done} "
            "that are missing."
        )


class _DropConnectionLoss(logging.Filter):
    """Drops distributed's tracebacks about a lost scheduler connection: the ensemble reports
    the loss itself, in one paragraph."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        while exc is not None:
            if isinstance(exc, ConnectionError | OSError) or type(exc).__name__ == (
                "CommClosedError"
            ):
                return False
            exc = exc.__cause__ or exc.__context__
        return True


@contextmanager
def quiet_lost_connections(dask: str | None) -> Iterator[None]:
    """While a Dask ensemble runs, keep distributed's client from printing connection-loss
    tracebacks (the ensemble raises :class:`ClusterLostError` instead)."""
    if dask is None:
        yield
        return
    logger = logging.getLogger("distributed.client")
    flt = _DropConnectionLoss()
    logger.addFilter(flt)
    try:
        yield
    finally:
        logger.removeFilter(flt)
