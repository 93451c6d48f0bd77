"""Runs started from the page, each in a process of its own that can be stopped at once.

A simulation cannot be interrupted from inside (``pactsim.run`` has no hook), so the page does
not run it in the server: :func:`start` launches ``python -m pactsim.dashboard.jobs FOLDER`` as
the leader of a new process group, with the request pickled in its private temporary folder;
the child writes its progress and then its result (or its error) there. :func:`wait` polls it
and, however it ends (the run finishes, the visitor presses Cancel, changes a control, or
leaves, which makes Streamlit stop the script), kills the whole group (worker processes of an
ensemble included) and removes the folder. A child whose server dies kills its own group.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pactsim.dashboard.limits import MAX_JOB_SECONDS
from pactsim.errors import PactsimError

REQUEST, PROGRESS, RESULT, ERROR, LOG = (
    "request.pkl",
    "progress.json",
    "result.pkl",
    "error.json",
    "job.log",
)
#: How often the page looks at a running job (and so how soon a stop takes effect) [s].
POLL_SECONDS = 0.25
#: Most jobs running at once in one server (each may use worker processes of its own).
MAX_CONCURRENT_JOBS = 4

_live: set[int] = set()
_live_lock = threading.Lock()


class JobFailed(PactsimError):
    """A job that ended without a result: its error, or why it was stopped."""


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    text: str

    @property
    def fraction(self) -> float:
        return min(1.0, max(0.0, self.done / self.total)) if self.total > 0 else 0.0


class Job:
    """A running job: its process (leader of its own group) and its folder."""

    def __init__(self, proc: subprocess.Popen[bytes], folder: Path) -> None:
        self.proc = proc
        self.folder = folder
        self.started = time.monotonic()
        self._stopped = False

    @property
    def pid(self) -> int:
        return self.proc.pid

    def running(self) -> bool:
        """Whether the child is still running (without reaping it, so that its process-group id
        cannot be reused before :meth:`stop` has killed the group)."""
        if os.name != "posix":
            return self.proc.poll() is None
        if self.proc.returncode is not None:
            return False
        try:
            info = os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return False
        return info is None

    def exit_code(self) -> int | None:
        """The child's exit status once it has ended (a negative signal number if killed)."""
        if os.name != "posix" or self.proc.returncode is not None:
            return self.proc.poll()
        try:
            info = os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return self.proc.returncode
        if info is None:
            return None
        return -info.si_status if info.si_code in (os.CLD_KILLED, os.CLD_DUMPED) else info.si_status

    def progress(self) -> Progress | None:
        try:
            data = json.loads((self.folder / PROGRESS).read_text())
            return Progress(int(data["done"]), int(data["total"]), str(data["text"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def outcome(self) -> Any:
        """The result of a finished job; JobFailed with its error otherwise."""
        result = self.folder / RESULT
        if result.exists():
            with result.open("rb") as f:
                return pickle.load(f)  # written by our own child, in a private folder
        error = self.folder / ERROR
        if error.exists():
            raise JobFailed(json.loads(error.read_text())["message"])
        code = self.exit_code()
        tail = ""
        try:
            lines = (self.folder / LOG).read_text(errors="replace").strip().splitlines()
            tail = f": {lines[-1]}" if lines else ""
        except OSError:
            pass
        raise JobFailed(f"the run stopped unexpectedly (exit code {code}){tail}")

    def stop(self) -> None:
        """Kill the job's whole process group, reap it and remove its folder (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        try:
            if os.name == "posix":
                os.killpg(self.pid, signal.SIGKILL)
            else:  # pragma: no cover - the dashboard is served from POSIX systems
                self.proc.kill()
        except (ProcessLookupError, PermissionError):
            pass
        with contextlib.suppress(subprocess.TimeoutExpired):  # SIGKILL is not ignored
            self.proc.wait(timeout=30)
        with _live_lock:
            _live.discard(self.pid)
        shutil.rmtree(self.folder, ignore_errors=True)


def live_jobs() -> int:
    """How many jobs this server is running now."""
    with _live_lock:
        return len(_live)


def _child_env() -> dict[str, str]:
    """The server's environment, with the pactsim it runs first on the path."""
    import pactsim

    env = dict(os.environ)
    root = str(Path(pactsim.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def start(task: str, payload: dict[str, Any]) -> Job:
    """Start ``task`` (a name in :data:`pactsim.dashboard.work.TASKS`) with ``payload``."""
    folder = Path(tempfile.mkdtemp(prefix="pactsim-dashboard-job-"))
    with (folder / REQUEST).open("wb") as f:
        pickle.dump({"task": task, "payload": payload}, f, protocol=pickle.HIGHEST_PROTOCOL)
    with _live_lock, (folder / LOG).open("wb") as log:
        if len(_live) >= MAX_CONCURRENT_JOBS:
            shutil.rmtree(folder, ignore_errors=True)
            raise JobFailed(
                f"the server is already running {len(_live)} simulations (its limit is "
                f"{MAX_CONCURRENT_JOBS}); try again when one has finished"
            )
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "pactsim.dashboard.jobs", str(folder), str(os.getpid())],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_child_env(),
                start_new_session=True,
            )
        except OSError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise JobFailed(f"could not start the run ({exc})") from None
        _live.add(proc.pid)
    return Job(proc, folder)


def wait(
    job: Job,
    tick: Callable[[Progress | None, float], None],
    *,
    poll: float = POLL_SECONDS,
    limit: float = MAX_JOB_SECONDS,
) -> Any:
    """Wait for ``job``, calling ``tick(progress, seconds)`` every ``poll`` seconds, and return
    its result. Whatever ends the wait (the result, an error, the time ``limit``, or an
    exception raised by ``tick``, as Streamlit does when the page reruns or the session ends),
    the job is stopped."""
    try:
        while job.running():
            elapsed = time.monotonic() - job.started
            if elapsed > limit:
                raise JobFailed(
                    f"the run was stopped after {limit:,.0f} s, the dashboard's limit for one "
                    "run; run it with `pactsim run` or `pactsim ensemble` instead"
                )
            tick(job.progress(), elapsed)
            time.sleep(poll)
        return job.outcome()
    finally:
        job.stop()


# -------------------------------------------------------------------------------- the child
def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def _watch_parent(parent: int, folder: Path) -> None:
    """When the server that started this job is gone, remove the job's folder (nobody else
    will) and kill its process group."""
    while True:
        if os.getppid() != parent:
            shutil.rmtree(folder, ignore_errors=True)
            os.killpg(os.getpgrp(), signal.SIGKILL)
        time.sleep(0.5)


def _child(folder: Path, parent: int) -> int:
    threading.Thread(target=_watch_parent, args=(parent, folder), daemon=True).start()
    from pactsim.dashboard.work import TASKS

    last = [0.0]

    def progress(done: int, total: int, text: str) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.1:
            return
        last[0] = now
        _write_json(folder / PROGRESS, {"done": done, "total": total, "text": text})

    try:
        with (folder / REQUEST).open("rb") as f:
            request = pickle.load(f)
        result = TASKS[request["task"]](**request["payload"], progress=progress, folder=folder)
        tmp = folder / (RESULT + ".tmp")
        with tmp.open("wb") as out:
            pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / RESULT)
        return 0
    except PactsimError as exc:
        _write_json(folder / ERROR, {"message": str(exc)})
        return 1
    except Exception as exc:
        traceback.print_exc()
        _write_json(
            folder / ERROR,
            {
                "message": f"Internal error: {type(exc).__name__}: {exc}. Please report it with "
                "the scenario and the steps that led here."
            },
        )
        return 1


if __name__ == "__main__":  # python -m pactsim.dashboard.jobs FOLDER SERVER_PID
    sys.exit(_child(Path(sys.argv[1]), int(sys.argv[2])))
