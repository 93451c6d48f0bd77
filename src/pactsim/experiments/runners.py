"""Runners: where the runs execute, behind one ``concurrent.futures.Executor`` interface.

- ``serial``: in this process (one worker; no start-up cost, easy to debug);
- ``local``: a pool of processes on this machine (``forkserver`` start method, so workers are
  clean and never inherit the parent's threads), the default, one per core;
- ``dask``: an existing ``distributed`` cluster by address, or ``"local"`` for a
  ``LocalCluster`` on 127.0.0.1 started and stopped here (no dashboard).

Runs are batched into tasks of at least ``batch_seconds`` of work (docs/design.md, Experiments
and analysis): the first tasks hold one run each; from then on the batch size is the target
divided by the mean run time observed, and at most a share of what remains so the last tasks
still spread over the workers.
"""

from __future__ import annotations

import math
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import contextmanager
from typing import Any

from pactsim.errors import InputError, PactsimError
from pactsim.experiments.worker import RunSpec, Task, TaskResult, run_task

MAX_BATCH = 2000


class SerialExecutor(Executor):
    """Runs each task at submission, in this process."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            fut.set_exception(exc)
        return fut


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def open_runner(
    workers: int | None = None, dask: str | None = None
) -> Iterator[tuple[Executor, int, str]]:
    """Yield (executor, number of workers, description); everything started here is stopped."""
    if dask is not None:
        with _dask_runner(workers, dask) as out:
            yield out
        return
    n = default_workers() if workers is None else int(workers)
    if n < 1:
        raise InputError(f"--workers: must be at least 1 (got {n})")
    if n == 1:
        yield SerialExecutor(), 1, "serial (this process)"
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["pactsim.experiments.worker"])
    pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx)
    try:
        yield pool, n, f"local ({n} processes)"
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _dask_runner(workers: int | None, address: str) -> Iterator[tuple[Executor, int, str]]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is a dependency
        raise InputError("--dask: the 'distributed' package is not installed") from None
    cluster = None
    if address == "local":
        n = default_workers() if workers is None else int(workers)
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        )
        target: Any = cluster
    else:
        target = address
    try:
        try:
            client = Client(target, timeout="20s")
        except OSError as exc:
            raise InputError(f"--dask {address}: cannot reach the scheduler ({exc})") from None
        try:
            info = client.scheduler_info()
            n = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))
            where = "LocalCluster" if cluster is not None else address
            yield client.get_executor(pure=False), n, f"dask {where} ({n} threads)"
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def execute(
    executor: Executor,
    n_workers: int,
    make_task: Callable[[tuple[RunSpec, ...]], Task],
    specs: list[RunSpec],
    on_result: Callable[[TaskResult], None],
    batch_seconds: float = 0.1,
) -> None:
    """Run ``specs`` in adaptive batches, calling ``on_result`` in this process as each task
    finishes (in completion order; the results themselves do not depend on it)."""
    pending = deque(specs)
    in_flight: dict[Future[TaskResult], int] = {}
    max_in_flight = 2 * n_workers
    run_time = 0.0
    runs_timed = 0

    def next_size() -> int:
        if runs_timed == 0:
            return 1
        per_run = max(run_time / runs_timed, 1e-7)
        size = math.ceil(batch_seconds / per_run)
        share = math.ceil(len(pending) / (2 * n_workers))
        return max(1, min(size, share, MAX_BATCH))

    try:
        while pending or in_flight:
            while pending and len(in_flight) < max_in_flight:
                size = next_size()
                batch = tuple(pending.popleft() for _ in range(min(size, len(pending))))
                in_flight[executor.submit(run_task, make_task(batch))] = len(batch)
            done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for fut in done:
                in_flight.pop(fut)
                try:
                    res = fut.result()
                except PactsimError:
                    raise
                except Exception as exc:
                    raise PactsimError(f"a worker failed: {type(exc).__name__}: {exc}") from exc
                run_time += sum(r["seconds"] for r in res.runs)
                runs_timed += len(res.runs)
                on_result(res)
    finally:
        for fut in in_flight:
            fut.cancel()
