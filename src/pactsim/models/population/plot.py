"""Plots of the civil-violence model: the series, and the grid over time (GIF)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pactsim.errors import InputError

#: colours of the grid codes 0 empty, 1 quiet, 2 active, 3 jailed, 4 cop
GRID_COLOURS = ["#202020", "#4c9a2a", "#d62728", "#7f7f7f", "#1f77b4"]
#: Model II cell codes (ethnic.GRID_CODES): empty, blue, green, blue active, green active,
#: peacekeeper
ETHNIC_COLOURS = ["#202020", "#1f77b4", "#2ca02c", "#9ecae1", "#b5e8a1", "#d62728"]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _check_target(path: Path, suffix: str, flag: str) -> None:
    if path.suffix.lower() != suffix:
        raise InputError(f"{flag}: expected a {suffix} file name (got {path})")
    if not path.parent.exists():
        raise InputError(f"{flag}: directory {path.parent} does not exist")


def plot_series(
    series: dict[str, Any],
    path: Path,
    *,
    title: str = "",
    threshold: float | None = None,
    schedule: dict[str, Any] | None = None,
) -> None:
    """Quiet, active and jailed citizens (and tension) per tick, as in Epstein (2002) Fig. 3."""
    _check_target(Path(path), ".png", "--plot")
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    t = np.arange(len(series["active"]))
    ax.plot(t, series["active"], color="#d62728", label="active")
    ax.plot(t, series["jailed"], color="#7f7f7f", label="jailed")
    ax.plot(t, series["tension"], color="#1f77b4", lw=0.8, label="tension")
    ax.plot(t, series["quiet"], color="#4c9a2a", lw=0.8, label="quiet")
    if threshold is not None:
        ax.axhline(threshold, color="k", lw=0.5, ls=":", label="outburst threshold")
    ax.set_xlabel("tick")
    ax.set_ylabel("citizens")
    if schedule and "legitimacy" in schedule:
        ax2 = ax.twinx()
        ax2.plot(t, schedule["legitimacy"][: len(t)], color="k", lw=0.8, ls="--")
        ax2.set_ylabel("legitimacy (dashed)")
        ax2.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_ethnic(series: dict[str, Any], path: Path, *, title: str = "") -> None:
    """Members of each group, actives and jailed per tick (Model II)."""
    _check_target(Path(path), ".png", "--plot")
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    t = np.arange(len(series["blue"]))
    for key, colour in (
        ("blue", "#1f77b4"),
        ("green", "#2ca02c"),
        ("active", "#d62728"),
        ("jailed", "#7f7f7f"),
    ):
        ax.plot(t, series[key], color=colour, label=key)
    ax.set_xlabel("tick")
    ax.set_ylabel("citizens")
    ax.legend(fontsize=8, loc="upper left")
    if "segregation" in series:  # 0.5 mixed, 1 separate enclaves
        ax2 = ax.twinx()
        ax2.plot(t, series["segregation"], color="#9467bd", ls="--", label="segregation")
        ax2.set_ylim(0, 1.05)
        ax2.set_ylabel("segregation index (0.5 mixed, 1 enclaves)")
        ax2.legend(fontsize=8, loc="upper right")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def animate_grid(
    frames: list[np.ndarray],
    path: Path,
    fps: int = 8,
    colours: Sequence[str] = GRID_COLOURS,
) -> None:
    """The grid over time as a GIF (matplotlib animation with the Pillow writer); cell code
    c is drawn in ``colours[c]`` (Model I: :data:`GRID_COLOURS`, Model II:
    :data:`ETHNIC_COLOURS`)."""
    _check_target(Path(path), ".gif", "--animate")
    plt = _pyplot()
    from matplotlib import animation
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(list(colours))
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.set_axis_off()
    im = ax.imshow(frames[0], cmap=cmap, vmin=0, vmax=len(colours) - 1, interpolation="nearest")
    label = ax.set_title("tick 0")

    def update(i: int) -> Any:
        im.set_data(frames[i])
        label.set_text(f"tick {i}")
        return (im, label)

    anim = animation.FuncAnimation(fig, update, frames=len(frames), blit=False)
    anim.save(str(path), writer=animation.PillowWriter(fps=fps))
    plt.close(fig)
