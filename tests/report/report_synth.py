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
  package.leverage exceeds 1.5;
- with a package: spoilers_final is half the Kandahar faction's principled share, and iskp_peak
  rises by 1000 fighters per unit of that share; each reform at month 36 rises by 100 (or 60)
  points per unit of package.side_payment_share; legitimacy_final is 0.05 higher;
- tension_peak_pakistan and tension_peak_iran follow tension_peak_max, and nothing depends on
  extremists.recruits_per_active (attacks abroad do not alarm anyone here);
- P(reached_all_36m) under milestone is 0.6 in every world: undecided, and no parameter decides it.
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
    "spoilers": "supported",
    "side-payments": "supported",
    "legitimacy": "supported",
    "attacks-abroad": "not supported",
    "enough": "supported",
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
    u, z = rng.random(), rng.standard_normal(9)
    package = policy not in (None, "no-package")
    sponsor = float(ov.get("extremists.sponsor_inflow", 0.0))
    active = float(ov.get("package.leverage", 0.0)) > 1.5
    principled = float(ov.get("factions.members.kandahar.principled_share", 0.35)) * package
    side = float(ov.get("package.side_payment_share", 0.3)) * package
    reached = float(u < P_REACH.get(policy or "", 0.1))
    summary = {
        "reached_all_36m": reached,
        "reform_inclusivity_36m": 8.0 + 30.0 * reached + 100.0 * side + 5 * abs(z[0]),
        "reform_womens_rights_36m": 3.0 + 20.0 * reached + 60.0 * side + 5 * abs(z[6]),
        "hardship_final": (0.5 if package else 0.8) + 0.05 * z[1],
        "iskp_final": (2700.0 if package else 3000.0) + 100 * z[2],
        "attacks_home_total": (80.0 if package else 100.0) + 5 * z[3],
        "tension_peak_max": (2.0 if package else 1.0) + 0.5 * z[4],
        "tension_peak_pakistan": (2.0 if package else 1.0) + 0.5 * z[4],
        "tension_peak_iran": (1.6 if package else 0.8) + 0.4 * z[4],
        "spoilers_final": 0.5 * principled,
        "legitimacy_final": (0.65 if package else 0.6) + 0.02 * z[7],
        "neighbour_reacted": 0.0,
        "iskp_peak": 3000.0
        + (30.0 * sponsor if active else 0.0)
        + 1000.0 * principled
        + 100 * z[5],
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
