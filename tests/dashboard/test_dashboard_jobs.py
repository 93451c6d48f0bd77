"""The page's runs are jobs in processes of their own: they give the same numbers as
``pactsim.run``, and whatever stops them (Cancel, a rerun, the session ending, the time limit,
the server dying) kills their whole process group, ensemble workers included."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

import pactsim
from pactsim.dashboard import jobs

SLOW_MODEL = "pactsim.experiments.trivial:slow_run"


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _group(pgid: int) -> list[int]:
    """The live processes of process group ``pgid``."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(entry.name))
    return out


def _eventually(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _long_single() -> dict:
    """Seeded runs that take minutes: five baselines of the bundled case over 240 months."""
    sc = pactsim.load("afghanistan-2023")
    tasks = [(p, p, {}) for p in sc.policies]
    return {"model": "pactsim.engagement:run", "sc": sc, "tasks": tasks, "seed": 1, "months": 240}


def test_a_job_gives_the_numbers_of_pactsim_run():
    sc = pactsim.load("toy-3-factions")
    overrides = {"package.instruments.aid.mode": "reciprocal"}
    tasks = [("lab", "milestone", overrides), ("none", "none", {})]
    payload = {"model": "pactsim.engagement:run", "sc": sc, "tasks": tasks, "seed": 4}
    job = jobs.start("single", {**payload, "months": 7})
    seen = []
    out = jobs.wait(job, lambda p, s: seen.append(p))
    assert set(out) == {"lab", "none"}
    lab = pactsim.run(sc, "milestone", seed=4, months=7, overrides=overrides)
    assert out["lab"].summary == lab.summary
    assert out["lab"].series.equals(lab.series)
    assert out["none"].summary == pactsim.run(sc, "none", seed=4, months=7).summary
    assert seen  # the page was called back while the job ran
    assert not job.folder.exists() and not _alive(job.pid)


def test_stopping_a_job_kills_it_at_once():
    job = jobs.start("single", _long_single())
    assert _eventually(lambda: job.progress() is not None)  # it is running the first run
    assert _alive(job.pid)
    t = time.monotonic()
    job.stop()
    assert time.monotonic() - t < 5
    assert not _alive(job.pid) and _group(job.pid) == []
    assert not job.folder.exists()
    assert jobs.live_jobs() == 0


def test_a_stop_request_from_streamlit_stops_the_job():
    """Streamlit stops a script (the visitor left, or the page reruns) by raising at its next
    call into Streamlit: the progress callback here."""
    job = jobs.start("single", _long_single())
    calls = []

    def tick(progress, seconds):
        calls.append(seconds)
        if progress is not None:  # the job has begun its runs: the visitor leaves
            raise StopException()

    with pytest.raises(StopException):
        jobs.wait(job, tick, poll=0.05)
    assert not _alive(job.pid) and _group(job.pid) == []
    assert not job.folder.exists()


def test_an_ensemble_job_is_stopped_with_its_worker_processes():
    sc = pactsim.load("toy-3-factions")
    payload = {
        "model": SLOW_MODEL,
        "jobs": [(sc, list(sc.policies))],
        "samples": 2000,
        "seed": 1,
        "months": 12,
        "workers": 2,
        "report": False,
    }
    job = jobs.start("ensemble", payload)
    # the worker processes have started when runs are being stored
    assert _eventually(lambda: (p := job.progress()) is not None and p.done > 0, 60)
    members = _group(job.pid)
    assert len(members) >= 3, members  # the job and at least its two workers
    job.stop()
    assert _eventually(lambda: not any(_alive(p) for p in members), 5)


def test_the_time_limit_stops_a_job():
    job = jobs.start("single", _long_single())
    with pytest.raises(jobs.JobFailed, match="stopped after 1 s"):
        jobs.wait(job, lambda p, s: None, limit=1.0)
    assert not _alive(job.pid)


def test_a_failing_job_reports_its_error():
    sc = pactsim.load("toy-3-factions")
    payload = {"model": "pactsim.engagement:run", "sc": sc, "seed": 1, "months": 2}
    job = jobs.start("single", {**payload, "tasks": [("x", "no-such-policy", {})]})
    with pytest.raises(jobs.JobFailed, match="no policy 'no-such-policy'"):
        jobs.wait(job, lambda p, s: None)
    job = jobs.start("single", {**payload, "model": "pactsim.nowhere:run", "tasks": []})
    with pytest.raises(jobs.JobFailed, match="Internal error: ModuleNotFoundError"):
        jobs.wait(job, lambda p, s: None)


def test_a_job_dies_with_its_server(tmp_path):
    """A server killed without cleaning up (SIGKILL) leaves no simulation running."""
    script = textwrap.dedent(
        """
        import sys, time
        import pactsim
        from pactsim.dashboard import jobs
        sc = pactsim.load("afghanistan-2023")
        tasks = [(p, p, {}) for p in sc.policies]
        job = jobs.start("single", {"model": "pactsim.engagement:run", "sc": sc,
                                    "tasks": tasks, "seed": 1, "months": 240})
        print(job.pid, job.folder, flush=True)
        time.sleep(120)
        """
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(pactsim.__file__).parents[1]), *sys.path])
    server = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        pid, folder = int(line.split()[0]), Path(line.split()[1])
        assert _alive(pid) and folder.is_dir()
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        assert _eventually(lambda: _group(pid) == [], 10)
        assert not folder.exists()
    finally:
        server.kill()
        server.wait()


def test_too_many_jobs_at_once_are_refused(monkeypatch):
    monkeypatch.setattr(jobs, "MAX_CONCURRENT_JOBS", 1)
    first = jobs.start("single", _long_single())
    try:
        with pytest.raises(jobs.JobFailed, match="already running 1 simulations"):
            jobs.start("single", _long_single())
    finally:
        first.stop()
    assert jobs.live_jobs() == 0
