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

Stopping: waiting for workers and running a model in this process are the interruptible
sections of :mod:`pactsim.experiments.stopping`; everything started here is stopped on the way
out, local workers at once (through their lifeline, :mod:`pactsim.experiments.lifeline`, which
also ends them if this process is killed), a Dask ``LocalCluster`` by closing it.
"""

from __future__ import annotations

import logging
import math
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import contextmanager, suppress
from typing import Any

from pactsim.errors import InputError, PactsimError
from pactsim.experiments.lifeline import Lifeline, init_worker, quiet_worker_logs
from pactsim.experiments.stopping import check, interruptible
from pactsim.experiments.worker import RunSpec, Task, TaskResult, run_task

MAX_BATCH = 2000


class SerialExecutor(Executor):
    """Runs each task at submission, in this process (a stop signal may end it mid-run)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        try:
            with interruptible():
                result = fn(*args, **kwargs)
        except Exception as exc:  # a failed task (KeyboardInterrupt or Stopped go up)
            fut.set_exception(exc)
        else:
            fut.set_result(result)
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
    ctx.set_forkserver_preload(
        ["pactsim.experiments.worker", "pactsim.experiments.forkserver_cleanup"]
    )
    _start_helpers(forkserver=True)
    lifeline = Lifeline(ctx)
    pool = ProcessPoolExecutor(
        max_workers=n, mp_context=ctx, initializer=init_worker, initargs=(lifeline.reader,)
    )
    try:
        yield pool, n, f"local ({n} processes)"
    except BaseException:
        lifeline.cut()  # stopped or failed: the batches in flight are not wanted any more
        _let_results_end(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        lifeline.close()


def _let_results_end(pool: Any) -> None:
    """Close this process's copy of the pool's result pipe, which it only reads.

    A worker that exits half-way through sending a result would leave the pool's manager
    thread waiting for the rest forever (and this process with it, at exit). With no writer
    left in this process, the read ends once every worker is gone, and the pool shuts down.
    (``_result_queue`` is private to ``ProcessPoolExecutor``; if it is missing, nothing is
    done.)"""
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()


# what a terminal sends to its whole foreground process group
TERMINAL_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGHUP") if hasattr(signal, n))


@contextmanager
def _blocked(signals: tuple[int, ...]) -> Iterator[None]:
    """Block ``signals`` in this thread; threads and processes started meanwhile inherit the
    mask (a signal sent to this process meanwhile is delivered to another thread, or when the
    block ends: not lost)."""
    if not hasattr(signal, "pthread_sigmask") or not signals:
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, set(signals))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _start_helpers(forkserver: bool) -> None:
    """Start multiprocessing's resource tracker (and the fork server) with SIGINT and SIGHUP
    blocked.

    They inherit the mask, and so do the workers forked from the fork server. A terminal sends
    both to its whole process group: the tracker ignores SIGINT (and SIGTERM) but would die of
    SIGHUP, and the parent's clean-up would then restart it and fill the terminal with its
    complaints; the fork server ignores SIGINT only once it has imported its preload modules.
    Shielded, they wait for the parent to stop them."""
    import multiprocessing.resource_tracker as tracker
    from multiprocessing import forkserver as server

    with _blocked(TERMINAL_SIGNALS):
        tracker.ensure_running()  # which unblocks SIGINT and SIGTERM on its way out
    if forkserver:
        with _blocked(TERMINAL_SIGNALS):
            server.ensure_running()


@contextmanager
def _dask_runner(workers: int | None, address: str) -> Iterator[tuple[Executor, int, str]]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is a dependency
        raise InputError("--dask: the 'distributed' package is not installed") from None
    cluster = None
    if address == "local":
        n = default_workers() if workers is None else int(workers)
        _start_helpers(forkserver=False)
        # the cluster's threads, and the worker processes they start, inherit this mask: a
        # Ctrl-C while the workers are still importing cannot reach them (afterwards their
        # dask_setup ignores it too, whichever thread starts them)
        with _blocked(TERMINAL_SIGNALS):
            cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                preload=["pactsim.experiments.lifeline"],  # its dask_setup
                # a run's failure comes back as its result; what the workers log as they are
                # stopped (heartbeats to a scheduler already gone) is noise, not a message
                silence_logs=logging.CRITICAL,
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
            check()  # a stop signal during the start-up: now that all is up, close it again
            info = client.scheduler_info()
            n = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))
            where = "LocalCluster" if cluster is not None else address
            executor = client.get_executor(pure=False)
            try:
                yield executor, n, f"dask {where} ({n} threads)"
            except BaseException:
                # stopped or failed: cancel what is in flight, without a warning per task
                with suppress(Exception):
                    client.run(quiet_worker_logs)
                executor.shutdown(wait=False)
                raise
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
            with interruptible():  # with a timeout: a signal may land on another thread
                done, _ = wait(list(in_flight), timeout=0.5, return_when=FIRST_COMPLETED)
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
