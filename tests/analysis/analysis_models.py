"""Cheap synthetic models with known answers, shared by the analysis tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pactsim.runresult import RunResult

TOY = Path(__file__).resolve().parents[2] / "src" / "pactsim" / "scenarios" / "toy-3-factions.yaml"

# True values of the synthetic calibration model and the targets they produce.
TRUE_LEGITIMACY = 0.62
TRUE_INFLOW = 12.0

CALIBRATION = """
calibration:
  start: "2023-07"
  policy: none
  overrides:
    population.width: 20
  targets:
    - {name: "attacks 2024", metric: attacks_home, start: "2024-01", end: "2024-12", reduce: sum,
       low: 138, high: 150, source: "synthetic: 12 x 12 +- 6"}
    - {name: "strength mid 2024", metric: strength, start: "2024-06", end: "2024-06",
       reduce: last, low: 600, high: 640, source: "synthetic: 1000 x 0.62 +- 20"}
"""


def toy_text(with_calibration: bool = True) -> str:
    text = TOY.read_text(encoding="utf-8")
    return text + CALIBRATION if with_calibration else text


def _date(start: str, offset: int) -> str:
    y, m = (int(x) for x in start.split("-"))
    t = y * 12 + m - 1 + offset
    return f"{t // 12:04d}-{t % 12 + 1:02d}"


def calibration_run(
    scenario: Any,
    policy: str | None = None,
    seed: int = 0,
    months: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> RunResult:
    """attacks_home per month ~ inflow + N(0, 0.3); strength = 1000 legitimacy + N(0, 5).
    The hardliners' kappa has no effect (it must stay unidentified)."""
    o = overrides or {}
    start = str(o.get("meta.start", scenario.meta.start))
    n = int(months or scenario.meta.months)
    legit = float(o.get("population.legitimacy", scenario.population.legitimacy))
    inflow = float(o.get("extremists.foreign_inflow", 0.0))
    rng = np.random.default_rng(seed)
    series = pd.DataFrame(
        {
            "month": np.arange(1, n + 1),
            "date": [_date(start, i) for i in range(n)],
            "attacks_home": inflow + rng.normal(0.0, 0.3, n),
            "strength": 1000 * legit + rng.normal(0.0, 5.0, n),
        }
    )
    return RunResult(policy, seed, {}, series, "synthetic", "0")


# Bounds of the toy scenario's three uncertainties, in file order.
def toy_bounds(scenario: Any) -> dict[str, tuple[float, float]]:
    return {u.path: (u.low, u.high) for u in scenario.uncertainties}


def _unit(scenario: Any, overrides: dict[str, Any]) -> np.ndarray:
    b = toy_bounds(scenario)
    return np.array([(float(overrides[p]) - lo) / (hi - lo) for p, (lo, hi) in b.items()])


def ishigami_run(
    scenario: Any,
    policy: str | None = None,
    seed: int = 0,
    months: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> RunResult:
    """Ishigami of the three uncertainties mapped linearly onto [-pi, pi] (indices are invariant
    under that map), plus a linear outcome with known elementary effects and a planted box."""
    from pactsim.analysis.sensitivity import ishigami

    u = _unit(scenario, overrides or {})
    y = float(ishigami((-np.pi + 2 * np.pi * u)[None, :])[0])
    linear = float(np.dot(LINEAR, u))
    fails = float(u[0] > 0.5 and u[2] < 0.3)
    summary = {"y": y, "linear": linear, "fails": fails}
    return RunResult(policy, seed, summary, pd.DataFrame({"month": [1], "y": [y]}), "s", "0")


# Coefficients of the linear outcome per unit of each uncertainty's range.
LINEAR = np.array([3.0, -2.0, 0.5])


def design_run(
    scenario: Any,
    policy: str | None = None,
    seed: int = 0,
    months: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> RunResult:
    """A package model with a known Pareto set on the toy scenario's levers:
    the reform is reached when aid >= 1000 x legitimacy (400-800); milestone payment costs the aid
    value, reciprocal 1.5 x, unconditional 2 x (milestone dominates); repair trades attacks
    (10 -> 5) against tension (1 -> 2)."""
    o = overrides or {}
    aid = float(o["package.instruments.aid.value"])
    mode = o["package.instruments.aid.mode"]
    repair = bool(o["package.instruments.repair.enabled"])
    legit = float(o["population.legitimacy"])
    factor = {"milestone": 1.0, "reciprocal": 1.5, "unconditional": 2.0}[mode]
    summary = {
        "reached_opening_36m": float(aid >= 1000 * legit),
        "cost_total": aid * factor,
        "attacks_home_total": 5.0 if repair else 10.0,
        "tension_peak_max": 2.0 if repair else 1.0,
    }
    return RunResult(policy, seed, summary, pd.DataFrame({"month": [1]}), "s", "0")
