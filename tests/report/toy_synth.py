"""A synthetic stand-in for the engagement run on the toy scenario (toy-3-factions), for report
tests of the generic claims engine on a second case: it reports the toy's outcome names, with
effects chosen so the verdict on each of the toy's claims is known in advance (see EXPECTED).

- reform_opening_final: 10 without a package (policy ``none``), 30 with the aid paid up front
  (``upfront``), and under ``milestone`` 80 - 5000 (kappa - 0.002), where kappa is the
  hardliners' sampled ideological cost (0.002-0.008): 50-80, so at least 50 in nearly every
  world; each plus noise (sd 2);
- cost_total: 0, 600 up front, 750 under milestones (every tranche paid): milestones cost more;
- reached_opening_36m: 1 when the opening is at least 50.

So ``conditionality`` is not supported (the opening check holds, the cost check is reversed) and
``hardliners`` is supported: the share of worlds at 50 or more is near 1, above 0.5, and the
package's effect on the opening (milestone minus none) falls with kappa, by 5000 x (mean kappa
above its median minus at or below it), about 5000 x 0.003 = 15 points.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pactsim.experiments.result import RunResult

MODEL = "toy_synth:run"
KAPPA = "factions.members.hardliners.kappa.opening"
EXPECTED = {"conditionality": "not supported", "hardliners": "supported"}


def run(
    scenario: Any,
    policy: str | None = None,
    seed: int = 0,
    months: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> RunResult:
    kappa = float((overrides or {}).get(KAPPA, 0.004))
    noise = float(np.random.default_rng(seed).normal(0, 2))
    opening = {"none": 10.0, "upfront": 30.0}.get(policy or "", 80.0 - 5000 * (kappa - 0.002))
    opening += noise
    cost = {"none": 0.0, "upfront": 600.0}.get(policy or "", 750.0)
    summary = {
        "reform_opening_final": opening,
        "cost_total": cost,
        "reached_opening_36m": float(opening >= 50),
        "attacks_home_total": 5.0 + noise,
    }
    n = months or 12
    t = np.arange(1, n + 1)
    series = pd.DataFrame(
        {"month": t, "reform_opening": opening * t / n, "cost_cumulative": cost * t / n}
    )
    return RunResult(policy, seed, summary, series, "synthetic", "0")
