"""A command stopped by SIGINT, SIGTERM or SIGHUP: one line that says how to resume, and the
shell's exit code for that signal (128 + its number: 130, 143, 129); never a traceback."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pactsim.experiments.stopping import Stopped, as_stop, check, stop_on_signals


@contextmanager
def exit_on_stop(store: str | Path) -> Iterator[None]:
    """Run the block with :func:`stop_on_signals`; if it stops, print one line to stderr and
    exit with 128 + the signal's number. The handlers stay until the line is printed, so a
    second Ctrl-C cannot interrupt the last read of the store."""
    with stop_on_signals():
        try:
            yield
            check()  # a signal after the last safe point still stops the command
        except BaseException as exc:
            stop = as_stop(exc)
            if stop is None:
                raise
            sys.stderr.write(stopped_line(stop, store) + "\n")
            sys.stderr.flush()
            raise SystemExit(stop.exit_code) from None


def stopped_line(stop: Stopped, store: str | Path) -> str:
    """``stopped by SIGTERM: 212 of 1200 runs are saved in a.duckdb; to resume, run the same
    command again: pactsim ensemble ...``"""
    from pactsim.experiments.store import Store

    try:
        counts = Store(store).counts()
        saved = f"{counts['stored']} of {counts['expected']} runs are saved in {store}"
    except Exception:  # stopped before the store was made, or it cannot be read
        saved = f"no run is saved in {store} yet"
    again = shlex.join(["pactsim", *sys.argv[1:]])
    return f"stopped by {stop.signal_name}: {saved}; to resume, run the same command again: {again}"
