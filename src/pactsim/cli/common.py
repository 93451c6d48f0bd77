"""Helpers shared by the CLI commands: options, JSON output, scenario loading."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import numpy as np
import typer
from rich.console import Console

console = Console()
if not console.is_terminal:  # logs and pipes: wide enough for the policy tables
    console = Console(width=140)

SetOption = typer.Option(
    None,
    "--set",
    help="Override a scenario value by dotted path, e.g. population.legitimacy=0.7 (repeatable).",
)
JsonOption = typer.Option(False, "--json", help="Print one JSON document for scripts.")


def _default(obj: Any) -> Any:
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return _finite(float(obj))
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.bool_):
        return bool(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def print_json(doc: Any) -> None:
    """Write one JSON document to stdout (NaN and infinities become null)."""
    sys.stdout.write(json.dumps(_clean(doc), default=_default, indent=2) + "\n")


def _clean(obj: Any) -> Any:
    if isinstance(obj, float):
        return _finite(obj)
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    return obj


def load_scenario(name_or_path: str, assignments: list[str] | None = None) -> Any:
    """Load a scenario (path or bundled name) with ``--set`` overrides applied."""
    from pactsim.scenario import load, parse_assignments

    overrides = parse_assignments(assignments or [])
    return load(name_or_path, overrides or None)
