"""Stopping an ensemble on SIGINT, SIGTERM or SIGHUP without losing or corrupting anything.

Ctrl-C sends SIGINT, batch schedulers and supervisors send SIGTERM (then SIGKILL after a grace
period), a closed terminal sends SIGHUP. Python's defaults are wrong for an ensemble: SIGTERM
and SIGHUP kill the parent at once (its workers are left to notice by themselves), and SIGINT
raises ``KeyboardInterrupt`` wherever the main thread happens to be, including inside a DuckDB
query, which DuckDB then reports as ``RuntimeError: Query interrupted``.

While :func:`stop_on_signals` is active, these signals are noted rather than obeyed on the
spot. The ensemble stops with :class:`Stopped` at the next safe point:

- at once while the main thread waits for workers or runs a model itself (the sections marked
  :func:`interruptible`): nothing is half-written there;
- otherwise (a store commit, starting a Dask cluster) when that step is over (:func:`check`,
  or the next interruptible section), so a commit is never cut in half.

The exception runs every clean-up on its way out (workers stopped, store closed), so what was
committed stays and running the same ensemble again continues it. A signal that is ignored
when the handlers are installed (``nohup`` ignores SIGHUP) stays ignored. Off the main thread
(Python only delivers signals there) everything here does nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Stopped(BaseException):
    """The ensemble was stopped by a signal; the runs committed before it stay in the store.

    ``exit_code`` is the shell's convention for death by that signal, 128 + its number
    (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP)."""

    signum: int

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class Interrupted(Stopped, KeyboardInterrupt):
    """Stopped by SIGINT: a ``KeyboardInterrupt``, as Python code and notebooks expect."""


class Terminated(Stopped, SystemExit):
    """Stopped by SIGTERM or SIGHUP: a ``SystemExit`` with code 128 + the signal's number,
    so a script that does not catch it ends quietly with that code, as the signal would."""


def stopped(signum: int) -> Stopped:
    """The exception that reports a stop by ``signum``."""
    exc: Stopped
    if signum == signal.SIGINT:
        exc = Interrupted(f"stopped by {signal.Signals(signum).name}")
    else:
        exc = Terminated(128 + signum)  # SystemExit's code: the exit status
    exc.signum = signum
    return exc


@dataclass
class _Watch:
    thread: int  # the main thread, where handlers run
    signum: int | None = None  # the first stop signal received
    depth: int = 0  # nesting of interruptible sections


_watch: _Watch | None = None


def _handler(signum: int, frame: FrameType | None) -> None:
    watch = _watch
    if watch is None:  # pragma: no cover - handlers are removed with the watch
        return
    if watch.signum is None:
        watch.signum = signum
    if watch.depth > 0:
        raise stopped(watch.signum)


def _mine() -> _Watch | None:
    watch = _watch
    return watch if watch is not None and threading.get_ident() == watch.thread else None


@contextmanager
def stop_on_signals(signals: tuple[int, ...] = STOP_SIGNALS) -> Iterator[None]:
    """Within the block, ``signals`` stop the work with :class:`Stopped` at a safe point.

    Nested uses share the outer one. A signal that arrives after the last safe point is
    reported when the block ends, so the caller still learns that it was asked to stop; so is
    an error raised after a stop signal (typically workers that the same signal killed).
    Previous handlers come back on exit."""
    global _watch
    outer = _watch is None and threading.current_thread() is threading.main_thread()
    previous: dict[int, Any] = {}
    if outer:
        _watch = _Watch(threading.get_ident())
    try:
        if outer:
            for sig in signals:
                if signal.getsignal(sig) is not signal.SIG_IGN:
                    previous[sig] = signal.signal(sig, _handler)
        check()
        try:
            yield
        except Exception as exc:
            stop = as_stop(exc)
            if stop is None:
                raise
            raise stop from exc
        if outer:
            check()
    finally:
        if outer:
            for sig, old in previous.items():
                signal.signal(sig, old)
            _watch = None


def as_stop(exc: BaseException) -> Stopped | None:
    """``exc`` as a stop: itself if it is one; for an error raised after a stop signal (its
    consequence: workers killed by the same signal, a pool broken under it), the stop;
    else None."""
    if isinstance(exc, Stopped):
        return exc
    signum = stop_requested()
    return stopped(signum) if signum is not None and isinstance(exc, Exception) else None


def check() -> None:
    """A safe point: raise :class:`Stopped` if a stop signal came in since the block began."""
    watch = _mine()
    if watch is not None and watch.signum is not None:
        raise stopped(watch.signum)


def stop_requested() -> int | None:
    """The stop signal received so far, if any (None outside :func:`stop_on_signals`)."""
    watch = _mine()
    return None if watch is None else watch.signum


@contextmanager
def interruptible() -> Iterator[None]:
    """A section that a stop signal may end at once (no store write or start-up inside)."""
    watch = _mine()
    if watch is None:
        yield
        return
    check()
    watch.depth += 1
    try:
        yield
    finally:
        watch.depth -= 1
