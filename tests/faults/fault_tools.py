"""Helpers of the fault-injection tests: the command line run in this process, and models that
fail on purpose (importable by name, ``fault_tools:fails_above``, by an ensemble that runs in
this process).

Every test of this folder breaks something on purpose (a flag, a scenario, the store's file, the
disk, the cluster) and checks the one-paragraph message, the exit code, and that what was stored
before is still there. (No conftest.py here: test modules elsewhere import theirs by name.)"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pactsim.experiments.trivial import run as trivial_run

TRIVIAL = "pactsim.experiments.trivial:run"
SLOW = "pactsim.experiments.trivial:slow_run"
FAILS_ABOVE = "fault_tools:fails_above"
ALWAYS_FAILS = "fault_tools:always_fails"
THRESHOLD = 0.6


@dataclass
class Result:
    """Exit code and output of one command."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        """stdout and stderr with line breaks and runs of spaces collapsed (rich may wrap)."""
        return " ".join(f"{self.out}\n{self.err}".split())


def command_line(monkeypatch: Any, capsys: Any) -> Any:
    """A function that runs ``pactsim ARGS...`` through its real entry point (exit code, error
    printing) and returns a :class:`Result`; each test module makes it its ``cli`` fixture."""
    from pactsim.cli import main

    def run(*args: object) -> Result:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["pactsim", *map(str, args)])
        with pytest.raises(SystemExit) as exit_info:
            main()
        captured = capsys.readouterr()
        return Result(int(exit_info.value.code or 0), captured.out, captured.err)

    return run


def digest(path: Path) -> str:
    """SHA-256 of a file and of its DuckDB log next to it (what 'unchanged' means)."""
    h = hashlib.sha256(Path(path).read_bytes())
    wal = Path(f"{path}.wal")
    if wal.exists():
        h.update(wal.read_bytes())
    return h.hexdigest()


def fails_above(
    scenario: Any,
    policy: str | None = None,
    seed: int = 0,
    months: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> Any:
    """The trivial model, except that it raises when the sampled legitimacy is above 0.6."""
    value = float((overrides or {}).get("population.legitimacy", 0.0))
    if value > THRESHOLD:
        raise ValueError(f"legitimacy {value:.4f} is above {THRESHOLD}")
    return trivial_run(scenario, policy, seed, months, overrides)


def always_fails(
    scenario: Any,
    policy: str | None = None,
    seed: int = 0,
    months: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> Any:
    """A model whose every run raises."""
    raise RuntimeError(f"the model cannot run (seed {seed})")
