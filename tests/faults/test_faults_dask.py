"""A Dask scheduler that dies in the middle of an ensemble: a clear message that the cluster was
lost and how to resume; the runs stored before are kept and a resume finishes the ensemble."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import pandas as pd
import pytest
from fault_tools import SLOW, TRIVIAL

from pactsim.errors import PactsimError
from pactsim.experiments import ensemble, open_store

ARGS = dict(samples=40, replications=2, seed=11)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _rows(store):
    runs = store.runs(status=None)[["experiment_id", "replication", "seed", "status", "final"]]
    return runs.sort_values(["experiment_id", "replication"]).reset_index(drop=True)


def test_a_lost_scheduler_is_reported_with_how_to_resume(tmp_path, capfd):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _start(
        "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
        "--no-dashboard",
    )  # fmt: skip
    worker = _start(
        "distributed.cli.dask_worker", address, "--nworkers", "1", "--nthreads", "1",
        "--no-dashboard",
    )  # fmt: skip
    path = tmp_path / "lost.duckdb"

    def kill_scheduler(done: int, total: int) -> None:
        if done >= 20 and scheduler.poll() is None:
            os.killpg(scheduler.pid, signal.SIGKILL)

    try:
        deadline = time.monotonic() + 60
        while True:  # the scheduler is up when its port answers
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the Dask scheduler did not start"
                time.sleep(0.2)
        with pytest.raises(PactsimError) as info:
            ensemble(
                "toy-3-factions", dask=address, store=path, model=SLOW, batch_seconds=0.02,
                progress=kill_scheduler, **ARGS,
            )  # fmt: skip
    finally:
        _stop(scheduler)
        _stop(worker)
    stored = open_store(path).counts()["stored"]
    assert 20 <= stored < 240
    message = re.sub(r" \((CancelledError|CommClosedError)\)", "", str(info.value))
    assert message == (
        f"--dask {address}: the connection to the Dask cluster at {address} was lost after "
        f"{stored} of 240 runs: the scheduler stopped or the network failed. The {stored} "
        f"runs are stored in {path}; start the scheduler and its workers again and run the "
        f"same command (or add --resume) to run the {240 - stored} that are missing."
    )
    assert "Traceback" not in capfd.readouterr().err  # distributed's own tracebacks are held
    resumed = ensemble("toy-3-factions", workers=1, store=path, model=SLOW, resume=True, **ARGS)
    serial = ensemble(
        "toy-3-factions", workers=1, store=tmp_path / "s.duckdb", model=TRIVIAL, **ARGS
    )
    pd.testing.assert_frame_equal(_rows(resumed), _rows(serial), check_exact=True)
