"""Ensembles across processes: a Dask LocalCluster stores exactly what a serial run stores, and
an ensemble killed with SIGKILL resumes with every run present once and unchanged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pandas as pd
from conftest import SLOW, TRIVIAL, outcomes

from pactsim.experiments import ensemble, open_store

ARGS = dict(samples=40, replications=2, seed=11)


def test_dask_local_cluster_stores_the_same_outcomes_as_local(tmp_path):
    serial = ensemble(
        "toy-3-factions", workers=1, store=tmp_path / "s.duckdb", model=TRIVIAL, **ARGS
    )
    dask = ensemble(
        "toy-3-factions",
        workers=2,
        dask="local",
        store=tmp_path / "d.duckdb",
        model=TRIVIAL,
        batch_seconds=0.001,
        **ARGS,
    )
    a, b = outcomes(serial), outcomes(dask)
    pd.testing.assert_frame_equal(a[0], b[0], check_exact=True)
    pd.testing.assert_frame_equal(a[1], b[1], check_exact=True)


SCRIPT = """
import sys
from pactsim.experiments import ensemble

def progress(done, total):
    print(done, total, flush=True)

if __name__ == "__main__":
    ensemble("toy-3-factions", samples=40, replications=2, seed=11, workers=2,
             store=sys.argv[1], model={model!r}, batch_seconds=0.02, progress=progress)
"""


def _kill_midway(store, tmp_path, after: int) -> None:
    script = tmp_path / "run_ensemble.py"
    script.write_text(textwrap.dedent(SCRIPT.format(model=SLOW)))
    proc = subprocess.Popen(
        [sys.executable, str(script), str(store)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        for line in proc.stdout:
            done, total = map(int, line.split())
            if done >= after:
                break
    finally:
        # the ensemble, its forkserver and its workers are all in the session started above
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
    assert done < total, "the ensemble finished before it could be interrupted"


def test_killed_ensemble_resumes_with_every_run_once(tmp_path):
    store = tmp_path / "killed.duckdb"
    _kill_midway(store, tmp_path, after=40)
    partial = open_store(store).counts()["stored"]
    assert 0 < partial < 240
    _kill_midway(store, tmp_path, after=partial + 40)
    resumed = ensemble("toy-3-factions", workers=2, store=store, model=SLOW, resume=True, **ARGS)
    st = open_store(store)
    keys = st.query("SELECT experiment_id, replication, count(*) AS n FROM runs GROUP BY ALL")
    assert len(keys) == 240 and (keys["n"] == 1).all()
    rows = st.query("SELECT experiment_id, replication, count(*) AS n FROM series GROUP BY ALL")
    assert len(rows) == 240 and (rows["n"] == 12).all()
    clean = ensemble(
        "toy-3-factions", workers=1, store=tmp_path / "clean.duckdb", model=TRIVIAL, **ARGS
    )
    a, b = outcomes(clean), outcomes(resumed)
    pd.testing.assert_frame_equal(a[0], b[0], check_exact=True)
    pd.testing.assert_frame_equal(a[1], b[1], check_exact=True)
