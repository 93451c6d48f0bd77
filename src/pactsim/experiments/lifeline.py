"""Workers never outlive their ensemble: a pipe that only the ensemble holds open.

The ensemble (the parent) makes a one-way pipe and keeps its write end; nothing is ever
written. Each worker process gets the read end through the pool's initializer and blocks on it
in a daemon thread. The kernel closes the write end when the parent exits for any reason,
SIGKILL included; the worker's read then ends (EOF) and the worker leaves at once with
``os._exit``: its parent can no longer receive its results. Closing the write end on purpose
(:meth:`Lifeline.cut`) stops the workers the same way, whatever they are doing, which is how an
interrupted ensemble stops its pool without waiting for the batches in flight.

Why a pipe, and not ``prctl(PR_SET_PDEATHSIG)`` or a thread polling ``os.getppid()``: the local
runner starts workers from a fork server, so a worker's parent is the fork server, not the
ensemble. Both of those watch the parent, which here stays alive as long as any worker does (a
worker holds the fork server's own "alive" pipe): they would never fire. The pipe follows the
ensemble itself, under any start method and on every platform, reacts at once instead of at the
next poll, and cannot be fooled by a reused PID. (``distributed`` stops its worker processes
the same way.) With the workers gone, the fork server and multiprocessing's resource tracker see
their own pipes close and exit too; :mod:`pactsim.experiments.forkserver_cleanup` then removes
the fork server's ``pymp-*`` folder.

Workers also ignore SIGINT: Ctrl-C reaches every process of the terminal's foreground group,
and the parent, which owns the store, decides how to stop; a worker that died of it would only
turn a clean stop into a broken pool (and print a traceback).
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

EXIT_CODE = 70  # sysexits' EX_SOFTWARE: only the (gone) parent would have seen it


class Lifeline:
    """The parent's end of the pipe; pass :attr:`reader` to :func:`init_worker`."""

    def __init__(self, context: Any):
        self.reader, self._writer = context.Pipe(duplex=False)

    def cut(self) -> None:
        """Close the write end: every worker exits now."""
        self._writer.close()

    def close(self) -> None:
        """Release both ends (after the pool is shut down)."""
        self._writer.close()
        self.reader.close()


def init_worker(reader: Any) -> None:
    """Pool initializer: ignore SIGINT and exit as soon as ``reader`` reaches EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(
        target=_exit_when_cut, args=(reader,), name="pactsim-lifeline", daemon=True
    ).start()


def dask_setup(worker: Any) -> None:
    """Dask worker preload (``LocalCluster(preload=[this module])``): the same division of
    labour for the worker processes of a local cluster. They ignore SIGINT and SIGHUP, which a
    terminal sends to its whole process group, and leave the stop to the ensemble, which
    closes the cluster; ``distributed`` itself ends them if the ensemble dies."""
    for name in ("SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)


def quiet_worker_logs() -> None:
    """Run on each Dask worker before an ensemble that stops cancels its tasks: distributed
    logs a warning for every task cancelled mid-run, expected then and of no use."""
    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)


def _exit_when_cut(reader: Any) -> None:
    try:
        while True:
            reader.recv_bytes()  # nothing is ever sent: this returns only at EOF (or error)
    except (EOFError, OSError):
        pass
    os._exit(EXIT_CODE)
