"""A `pactsim ensemble` stopped by a signal: SIGTERM, SIGINT and SIGHUP stop it cleanly (one
line on how to resume, exit code 128 + the signal's number), SIGKILL at least takes every
worker with it; in each case no process it started survives, nothing is left in the temporary
directory, and running the same command again completes the ensemble with every run once and
the outcomes bit-identical to an uninterrupted ensemble.

Each case runs a real ensemble in a subprocess (its own session, like a job under a shell or a
supervisor), reads the committed-run count from its progress bar, and signals it once some
runs are committed."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from pactsim.experiments import ensemble, open_store

REPO = Path(__file__).resolve().parents[2]
SLOW = "pactsim.experiments.trivial:slow_run"  # about 5 ms a run
TRIVIAL = "pactsim.experiments.trivial:run"  # the same outcomes, at once
DESIGN = dict(samples=50, replications=2, seed=5)  # 3 policies: 300 runs
RUNS = 300
MONTHS = 12  # the trivial model's default horizon
COMMAND = [
    "ensemble",
    "toy-3-factions",
    "--samples",
    "50",
    "--replications",
    "2",
    "--seed",
    "5",
    "--workers",
    "2",
    "--model",
    SLOW,
]
BAR = re.compile(rb"\b(\d+)/(\d+)\b")
MESSAGE = re.compile(
    r"^stopped by (SIG[A-Z]+): (\d+) of (\d+) runs are saved in (.+); "
    r"to resume, run the same command again: pactsim ensemble toy-3-factions .*--store \S+.*$"
)


# ------------------------------------------------------------------------------- harness
@pytest.fixture
def temp() -> Path:
    """The subprocesses' TMPDIR: short, since it holds the fork server's socket path."""
    folder = Path(tempfile.mkdtemp(prefix="pst-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Outcomes and series of the same ensemble run without interruption, in this process."""
    store = ensemble(
        "toy-3-factions",
        workers=1,
        model=TRIVIAL,
        store=tmp_path_factory.mktemp("ref") / "ref.duckdb",
        **DESIGN,
    )
    return _outcomes(store)


def _outcomes(store) -> tuple[pd.DataFrame, pd.DataFrame]:
    runs = store.runs(status=None)
    cols = ["experiment_id", "replication", "seed", "status", *store.outcome_names()]
    runs = runs[cols].sort_values(["experiment_id", "replication"]).reset_index(drop=True)
    series = store.series().sort_values(["experiment_id", "replication", "month"])
    return runs, series.reset_index(drop=True)


def _env(temp: Path) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH")) if p)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "TMPDIR": str(temp),
        "FORCE_COLOR": "1",  # rich draws its live progress bar into the log file
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }


def _command(store: Path, extra: list[str]) -> list[str]:
    return [sys.executable, "-m", "pactsim", *COMMAND, "--store", str(store), *extra]


def _start(store: Path, temp: Path, log: Path, extra: list[str]) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            _command(store, extra),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=out,
            env=_env(temp),
            start_new_session=True,  # its own process group, as under a shell or supervisor
        )


def _wait_for_commits(proc: subprocess.Popen, log: Path, at_least: int) -> int:
    """Wait until the progress bar (runs committed to the store) shows ``at_least``."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        seen = BAR.findall(log.read_bytes())
        if seen and int(seen[-1][0]) >= at_least:
            done, total = map(int, seen[-1])
            assert done < total, "the ensemble finished before it could be signalled"
            return done
        assert proc.poll() is None, f"the ensemble ended early:\n{log.read_text()[-2000:]}"
        time.sleep(0.02)
    raise AssertionError(f"no progress within 180 s:\n{log.read_text()[-2000:]}")


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _survivors(procs: list[psutil.Process], within: float) -> list[str]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        left = [p for p in procs if _alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return [f"{p.pid} {' '.join(p.cmdline())[:120]}" for p in procs if _alive(p)]


def _last_line(log: Path) -> str:
    """The last line of the log as a terminal shows it (after the bar's redraws)."""
    lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", lines[-1].split("\r")[-1]).strip()


def _signal_midway(
    tmp_path: Path, temp: Path, sig: signal.Signals, group: bool, extra: list[str] = ()
) -> tuple[Path, Path, int, int]:
    """Start the ensemble, signal it once 20 runs are committed; return the store, the log,
    the commit count seen before the signal and the exit code. Asserts that every process
    it started is gone within 10 s."""
    store, log = tmp_path / "e.duckdb", tmp_path / "stderr.txt"
    proc = _start(store, temp, log, list(extra))
    try:
        seen = _wait_for_commits(proc, log, at_least=20)
        family = psutil.Process(proc.pid).children(recursive=True)
        assert len(family) >= 3, f"expected workers and helpers, got {family}"
        if group:
            os.killpg(proc.pid, sig)  # Ctrl-C, a closed terminal, systemd: the whole group
        else:
            os.kill(proc.pid, sig)  # kill PID, a batch scheduler, the OOM killer
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    survivors = _survivors(family, within=10)
    for p in family:  # a failing case leaves nothing behind either
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    assert not survivors, f"still running after {sig.name}: {survivors}"
    return store, log, seen, code


def _assert_clean_stop(log: Path, store: Path, sig: signal.Signals, seen: int) -> int:
    text = log.read_text(errors="replace")
    for bad in ("Traceback", "Query interrupted", "internal error", "leaked", "Error"):
        assert bad not in text, f"{bad!r} in the output:\n{text[-3000:]}"
    match = MESSAGE.match(_last_line(log))
    assert match, f"not the one-line stop message: {_last_line(log)!r}"
    name, saved, total, where = match.groups()
    assert (name, int(total), where) == (sig.name, RUNS, str(store))
    assert seen <= int(saved) < RUNS
    assert open_store(store).counts()["stored"] == int(saved)  # what it said is what is there
    return int(saved)


def _assert_resumes(store: Path, temp: Path, reference, same_command: bool) -> None:
    """Resuming completes the ensemble: each run once, as if never interrupted. With
    ``same_command``, by running the same command again, as the message says; else (quicker)
    in this process on one worker, which continues the same ensemble."""
    if same_command:
        done = subprocess.run(
            _command(store, []),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=_env(temp),
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    else:
        ensemble("toy-3-factions", workers=1, model=SLOW, store=store, resume=True, **DESIGN)
    st = open_store(store)
    keys = st.query("SELECT experiment_id, replication, count(*) AS n FROM runs GROUP BY ALL")
    assert len(keys) == RUNS and (keys["n"] == 1).all()
    rows = st.query("SELECT experiment_id, replication, count(*) AS n FROM series GROUP BY ALL")
    assert len(rows) == RUNS and (rows["n"] == MONTHS).all()
    runs, series = _outcomes(st)
    pd.testing.assert_frame_equal(runs, reference[0], check_exact=True)
    pd.testing.assert_frame_equal(series, reference[1], check_exact=True)


# ------------------------------------------------------------------------ local processes
@pytest.mark.parametrize(
    ("sig", "group", "code", "same_command"),
    [
        (signal.SIGTERM, False, 143, True),  # kill PID, a batch scheduler's first warning
        (signal.SIGTERM, True, 143, False),  # systemd: workers die of it too
        (signal.SIGINT, True, 130, False),  # Ctrl-C in a terminal
        (signal.SIGHUP, True, 129, False),  # the terminal closed
    ],
    ids=["term", "term-group", "int-group", "hup-group"],
)
def test_a_signal_stops_the_ensemble_cleanly_and_it_resumes(
    tmp_path, temp, reference, sig, group, code, same_command
):
    store, log, seen, exit_code = _signal_midway(tmp_path, temp, sig, group)
    assert exit_code == code
    _assert_clean_stop(log, store, sig, seen)
    assert list(temp.iterdir()) == []  # no pymp-* folder, nothing else
    _assert_resumes(store, temp, reference, same_command)
    assert list(temp.iterdir()) == []


def test_sigkill_takes_the_workers_and_helpers_with_it(tmp_path, temp, reference):
    store, _log, seen, exit_code = _signal_midway(tmp_path, temp, signal.SIGKILL, group=False)
    assert exit_code == -signal.SIGKILL
    # the fork server removed its pymp-* folder on its way out, once the workers had gone
    assert list(temp.iterdir()) == []
    assert seen <= open_store(store).counts()["stored"] < RUNS
    _assert_resumes(store, temp, reference, same_command=True)


# --------------------------------------------------------------------- Dask LocalCluster
@pytest.mark.parametrize(
    ("sig", "group", "code"),
    [(signal.SIGTERM, False, 143), (signal.SIGINT, True, 130)],
    ids=["term", "int-group"],
)
def test_dask_local_cluster_stops_cleanly(tmp_path, temp, reference, sig, group, code):
    store, log, seen, exit_code = _signal_midway(tmp_path, temp, sig, group, ["--dask", "local"])
    assert exit_code == code
    _assert_clean_stop(log, store, sig, seen)
    # dask keeps an empty scratch folder with two lock files; no worker's folder is left
    assert not list(temp.glob("pymp-*"))
    assert not list(temp.glob("dask-scratch-space/*/"))
    _assert_resumes(store, temp, reference, same_command=False)


# ------------------------------------------------------------- the mechanism, in-process
# (pactsim.experiments.stopping is imported in each test, so that the tests above run, and
# fail for what they check, without it)
def _handled(sig: signal.Signals) -> None:
    assert signal.getsignal(sig) not in (signal.SIG_DFL, signal.default_int_handler), (
        f"no {sig.name} handler installed: sending it would end the test run"
    )


def test_a_signal_in_an_interruptible_section_stops_at_once():
    from pactsim.experiments.stopping import Terminated, interruptible, stop_on_signals

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated) as caught, stop_on_signals():
        _handled(signal.SIGTERM)
        with interruptible():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # interrupted: never reaches the end
            pytest.fail("not stopped")
    assert isinstance(caught.value, SystemExit) and caught.value.code == 143
    assert caught.value.signal_name == "SIGTERM" and caught.value.exit_code == 143
    assert signal.getsignal(signal.SIGTERM) is before  # restored


def test_a_signal_elsewhere_waits_for_the_next_safe_point():
    from pactsim.experiments.stopping import Interrupted, check, stop_on_signals

    steps = []
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(Interrupted) as caught, stop_on_signals():
        _handled(signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        steps.append("the step under way finishes")
        check()
        steps.append("never")
    assert steps == ["the step under way finishes"]
    assert isinstance(caught.value, KeyboardInterrupt) and caught.value.exit_code == 130
    assert signal.getsignal(signal.SIGINT) is before


def test_an_ignored_signal_stays_ignored():
    from pactsim.experiments.stopping import check, stop_on_signals

    old = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with stop_on_signals():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(0.05)
            check()  # nothing to report
    finally:
        signal.signal(signal.SIGHUP, old)


def test_a_signal_while_a_batch_is_stored_stops_before_the_next(tmp_path):
    """SIGINT while a batch is being stored (the progress call comes right after its commit,
    still inside the store step): the step finishes, no batch starts after it, and every
    batch stored so far is complete."""
    from pactsim.experiments.stopping import Interrupted

    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 4:
            _handled(signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # delivered here, inside the store step

    with pytest.raises(Interrupted):
        ensemble(
            "toy-3-factions",
            workers=1,
            model=SLOW,
            store=tmp_path / "e.duckdb",
            progress=progress,
            batch_seconds=0.01,
            **DESIGN,
        )
    st = open_store(tmp_path / "e.duckdb")
    # stored: what was reported, i.e. the batches finished before the signal (the serial
    # runner holds at most two: the one being stored and one more); nothing started after it
    assert len(calls) <= 5
    assert st.counts()["stored"] == calls[-1] < RUNS
    rows = st.query("SELECT experiment_id, replication, count(*) AS n FROM series GROUP BY ALL")
    assert len(rows) == calls[-1] and (rows["n"] == MONTHS).all()


def test_stopped_is_not_an_error():
    from pactsim.experiments.stopping import Stopped

    # ``except Exception`` in user code or in a library must not swallow a stop
    assert not issubclass(Stopped, Exception)
