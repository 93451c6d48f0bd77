"""Plots of one or several runs' monthly series."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pactsim.report.series import strength_columns


def plot_runs(
    results: list[Any], path: str | Path, title: str = "", scenario: Any | None = None
) -> Path:
    """Draw the main series of each run (one line per policy) into a PNG; the extremists'
    strength is the scenario's series (:func:`~pactsim.report.series.strength_columns`)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("Adopted reform [0-100]", lambda s: [c for c in s.columns if c.startswith("reform_")]),
        ("Cumulative cost [USD M]", lambda s: ["cost_cumulative"]),
        ("Legitimacy and hardship", lambda s: ["legitimacy", "hardship"]),
        ("Extremists' strength [fighters]", lambda s: strength_columns(s.columns, scenario)),
        ("Attacks a month", lambda s: ["attacks_home", "attacks_abroad"]),
        ("Neighbours' tension", lambda s: [c for c in s.columns if c.startswith("tension_")]),
    ]
    fig, axes = plt.subplots(3, 2, figsize=(12, 10), sharex=True)
    # colour = policy (the same in every panel), line style = series within a panel
    styles = ["-", "--", ":", "-."]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, (label, cols) in zip(axes.flat, panels, strict=True):
        for i, res in enumerate(results):
            s = res.series
            for j, col in enumerate(cols(s)):
                name = f"{res.policy or 'as written'}: {col}" if len(results) > 1 else col
                ax.plot(
                    s["month"],
                    s[col],
                    styles[j % len(styles)],
                    label=name,
                    lw=1.2,
                    color=colours[i % len(colours)],
                )
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6, loc="best", ncol=2 if len(ax.lines) > 6 else 1)
    for ax in axes[-1]:
        ax.set_xlabel("month")
    fig.suptitle(title)
    fig.tight_layout()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
