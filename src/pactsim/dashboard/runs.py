"""Runs from the page: started as jobs (:mod:`pactsim.dashboard.jobs`) with a progress bar and a
Cancel button, stopped when the page reruns or the visitor leaves; seeded runs are kept in a
small cache shared by the server's sessions, so asking again for a run already made is free."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import pandas as pd
import streamlit as st

from pactsim.dashboard import jobs
from pactsim.dashboard.work import lab_scenario, model_function

__all__ = ["ResultCache", "envelopes", "lab_scenario", "model_function", "result_cache", "run_job"]

CACHED_RUNS = 256


class ResultCache:
    """A bounded, thread-safe map (least recently used entries go first)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def result_cache() -> ResultCache:
    """The server's cache of seeded runs, keyed on model, scenario hash and run inputs."""
    return ResultCache(CACHED_RUNS)


def _flag(key: str, what: str) -> str:
    return f"{key}-job-{what}"


def _cancelled(key: str) -> None:
    st.session_state[_flag(key, "cancelled")] = True


def stopped_note(key: str) -> str | None:
    """Why the page's last job under ``key`` did not finish, once (None if it did)."""
    cancelled = st.session_state.pop(_flag(key, "cancelled"), False)
    interrupted = st.session_state.pop(_flag(key, "running"), False)
    if cancelled:
        return "Run cancelled: the simulation was stopped. Press Run to start it again."
    if interrupted:
        return (
            "The run in progress was stopped because the page changed before it finished. "
            "Press Run to start it again."
        )
    return None


def run_job(task: str, payload: dict[str, Any], *, key: str, text: str) -> Any:
    """Run ``task`` as a job while the page shows its progress and a Cancel button; return its
    result (JobFailed when it failed). Pressing Cancel, changing a control or leaving the page
    stops the script, and with it the job."""
    slot = st.empty()
    with slot.container():
        bar = st.progress(0.0, text=text)
        st.button("Cancel", key=f"{key}-cancel", on_click=_cancelled, args=(key,))

    def tick(progress: jobs.Progress | None, seconds: float) -> None:
        label = progress.text if progress is not None else text
        bar.progress(
            progress.fraction if progress is not None else 0.0,
            text=f"{label} - {seconds:,.0f} s",
        )

    try:
        job = jobs.start(task, payload)
        st.session_state[_flag(key, "running")] = True
        result = jobs.wait(job, tick)
    except Exception:  # the job failed: the page says why, not that it was stopped
        _finished(key, slot)
        raise
    _finished(key, slot)
    return result


def _finished(key: str, slot: Any) -> None:
    # not reached on a rerun or stop request (BaseExceptions): the flag tells the next run
    st.session_state.pop(_flag(key, "running"), None)
    slot.empty()


def envelopes(series: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per policy and month: 5%, 50% and 95% quantiles of ``column`` over the runs."""
    g = series.groupby(["policy", "month"])[column]
    out = g.quantile([0.05, 0.5, 0.95]).unstack()
    out.columns = ["p05", "p50", "p95"]
    return out.reset_index()
