"""Plot the bargaining forecast against the value still promised on each issue.

One EUM run (the forecast a single bargaining gives) against the expected forecast the
engagement loop uses (docs/bargaining.md, "Coupling the forecast"). Usage:

    .venv/bin/python scripts/plot_forecast_curve.py afghanistan-2023 \
        docs/figures/forecast-vs-promise.png
"""

from __future__ import annotations

import sys

import numpy as np


def main(scenario: str, out: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import pactsim
    from pactsim.engagement.bargaining import (
        decided_issues,
        expected_forecast,
        forecast_curve,
        max_contingent,
    )

    sc = pactsim.load(scenario)
    main_policy = next((p for p in sc.policies if p not in ("no-package",)), None)
    if main_policy:
        sc = sc.with_policy(main_policy)
    issues = [i for i in decided_issues(sc) if max_contingent(sc, i) > 0] or decided_issues(sc)
    fig, axes = plt.subplots(1, len(issues), figsize=(5 * len(issues), 4), squeeze=False)
    for ax, issue in zip(axes[0], issues, strict=True):
        vmax = max(max_contingent(sc, issue), 1.0)
        promised = np.linspace(0.0, 1.5 * vmax, 121)
        single = expected_forecast(
            sc.with_overrides({"engagement.forecast_spread": 0.0}), issue, promised
        )
        grid, curve = forecast_curve(sc, issue)
        expected = expected_forecast(sc, issue, promised)
        ax.plot(promised, single, color="0.6", lw=1, label="one EUM run")
        ax.plot(promised, expected, ":", color="C0", label="mean over position draws")
        loop = (
            np.interp(promised, grid, curve) if len(grid) > 1 else np.full_like(promised, curve[0])
        )
        ax.plot(promised, loop, color="C1", lw=2, label="used by the loop (monotone)")
        ax.set_title(sc.issue(issue).name)
        ax.set_xlabel("value still promised on the issue [USD million]")
        ax.set_ylabel("forecast [0-100]")
        ax.set_ylim(-2, 102)
    axes[0][0].legend(loc="best", fontsize=8)
    fig.suptitle(f"{sc.meta.name}: the stakeholders' forecast against the promised value")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*(sys.argv[1:3] if len(sys.argv) >= 3 else ["afghanistan-2023", "forecast.png"]))
