"""A synthetic stand-in for the engagement run, for report tests: it reports the engagement
loop's outcome names for the Afghanistan policies, with effects chosen so each claim's verdict is
known in advance (see EXPECTED).

- P(reached_all_36m): no-package 0.05, milestone 0.6, bribery 0.2, modern-systems 0.55,
  reciprocal 0.5 (one uniform draw per run: common random numbers across policies);
- hardship_final 0.8 without a package, 0.5 with one; iskp_final 300 fighters lower with one;
  attacks_home_total 20 lower with one (each plus noise);
- tension_peak_max: 1 without a package, 2 with any package (modern systems too) plus noise;
  neighbour_reacted always 0;
- iskp_peak and attacks_abroad_total rise with extremists.sponsor_inflow only where
  package.leverage exceeds 1.5.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pactsim.experiments.result import RunResult

MODEL = "report_synth:run"
P_REACH = {
    "no-package": 0.05,
    "milestone": 0.6,
    "bribery": 0.2,
    "modern-systems": 0.55,
    "reciprocal": 0.5,
}
EXPECTED = {
    "package": "supported",
    "conditionality": "supported",
    "reconstruction": "supported",
    "repair": "supported",
    "neighbours": "not supported",
    "belt": "depends on package.leverage",
}


def run(
    scenario: Any,
    policy: str | None = None,
    seed: int = 0,
    months: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> RunResult:
    ov = overrides or {}
    n = months or 24
    rng = np.random.default_rng(seed)
    u, z = rng.random(), rng.standard_normal(6)
    package = policy not in (None, "no-package")
    sponsor = float(ov.get("extremists.sponsor_inflow", 0.0))
    active = float(ov.get("package.leverage", 0.0)) > 1.5
    reached = float(u < P_REACH.get(policy or "", 0.1))
    summary = {
        "reached_all_36m": reached,
        "reform_inclusivity_36m": 60.0 * reached + 10 * abs(z[0]),
        "hardship_final": (0.5 if package else 0.8) + 0.05 * z[1],
        "iskp_final": (2700.0 if package else 3000.0) + 100 * z[2],
        "attacks_home_total": (80.0 if package else 100.0) + 5 * z[3],
        "tension_peak_max": (2.0 if package else 1.0) + 0.5 * z[4],
        "neighbour_reacted": 0.0,
        "iskp_peak": 3000.0 + (30.0 * sponsor if active else 0.0) + 100 * z[5],
        "attacks_abroad_total": 10.0 + (0.5 * sponsor if active else 0.0) + z[0],
        "cost_total": 1500.0 if package else 0.0,
    }
    t = np.arange(1, n + 1)
    series = pd.DataFrame(
        {
            "month": t,
            "reform_inclusivity": summary["reform_inclusivity_36m"] * t / n,
            "iskp_strength": 3000.0 + (summary["iskp_final"] - 3000.0) * t / n,
            "cost_cumulative": summary["cost_total"] * t / n,
            "hardship": np.full(n, summary["hardship_final"]),
        }
    )
    return RunResult(policy, seed, summary, series, "synthetic", "0")
