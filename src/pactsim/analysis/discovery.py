"""Scenario discovery: PRIM boxes of uncertain parameters where a policy fails (or succeeds).

Friedman & Fisher (1999) patient rule induction, as used for scenario discovery by Bryant &
Lempert (2010), through the EMA Workbench's implementation (``ema_workbench.analysis.prim``,
Kwakkel 2017). A box is described by its limits on each restricted parameter, its *coverage*
(share of all cases of interest that fall in the box), *density* (share of the runs in the box that
are cases of interest) and *mass* (share of all runs in the box); the quasi-p value of each limit
is Bryant & Lempert's one-sided binomial test of whether the restriction matters.

The box reported for each PRIM iteration is, among the boxes on the peeling trajectory whose
density reaches ``threshold``, the one with the largest harmonic mean of coverage and density (an
automatic stand-in for the analyst's choice on the coverage-density trade-off; an assumption of
pactsim); the whole trajectory is returned so another box can be read off it.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pactsim.errors import InputError


@dataclass
class Box:
    """One box: ``limits`` has a row per restricted parameter (lower, upper, qp_lower, qp_upper,
    and the parameter's full range min, max); categorical parameters list the values kept."""

    index: int  # position on the peeling trajectory
    coverage: float
    density: float
    mass: float
    n: int  # runs in the box
    k: int  # cases of interest in the box
    limits: pd.DataFrame
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim, n, k per peeling step

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "n": self.n,
            "k": self.k,
            "limits": self.limits.reset_index().to_dict(orient="records"),
            "trajectory": self.trajectory.to_dict(orient="records"),
        }

    def contains(self, x: pd.DataFrame) -> np.ndarray:
        """Which rows of ``x`` fall inside the box (closed limits)."""
        inside = np.ones(len(x), dtype=bool)
        for name, row in self.limits.iterrows():
            col = x[name]
            if isinstance(row["lower"], float | int | np.floating | np.integer):
                inside &= (col.to_numpy(dtype=float) >= row["lower"]) & (
                    col.to_numpy(dtype=float) <= row["upper"]
                )
            else:
                inside &= col.isin(list(row["values"])).to_numpy()
        return inside


@dataclass
class DiscoveryResult:
    """The PRIM boxes found for one condition on one outcome."""

    condition: str
    outcome: str
    n_runs: int
    n_interest: int
    threshold: float
    boxes: list[Box]
    ranges: dict[str, tuple[float, float]]
    info: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "condition": self.condition,
            "outcome": self.outcome,
            "n_runs": self.n_runs,
            "n_interest": self.n_interest,
            "share_interest": self.n_interest / max(self.n_runs, 1),
            "threshold": self.threshold,
            "boxes": [b.to_dict() for b in self.boxes],
            **self.info,
        }

    def plot(self, path: str) -> str:
        """Left: the peeling trajectory (coverage against density, colour = restricted dims) with
        the chosen box marked; right: each box's limits on the parameters' normalised ranges."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 5))
        if not self.boxes:
            ax.text(0.5, 0.5, "no box found", ha="center")
        for j, box in enumerate(self.boxes):
            t = box.trajectory
            sc = ax.scatter(
                t["coverage"],
                t["density"],
                c=t["res_dim"],
                cmap="viridis",
                marker="os^v"[j % 4],
                s=18,
                label=f"box {j + 1}",
            )
            ax.scatter([box.coverage], [box.density], facecolors="none", edgecolors="red", s=120)
            if j == 0:
                fig.colorbar(sc, ax=ax, label="restricted dimensions")
        ax.set_xlabel("coverage")
        ax.set_ylabel("density")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.set_title(f"peeling trajectory: {self.condition}")
        names = sorted({str(n) for b in self.boxes for n in b.limits.index})
        for j, box in enumerate(self.boxes):
            for i, name in enumerate(names):
                if name not in box.limits.index or name not in self.ranges:
                    continue
                row = box.limits.loc[name]
                lo, hi = self.ranges[name]
                if not isinstance(row["lower"], float | int | np.floating | np.integer) or hi <= lo:
                    continue
                a, b = (row["lower"] - lo) / (hi - lo), (row["upper"] - lo) / (hi - lo)
                y = i + 0.15 * j
                ax2.plot(
                    [a, b],
                    [y, y],
                    lw=6,
                    alpha=0.7,
                    color=f"C{j}",
                    label=f"box {j + 1}" if i == 0 else None,
                )
                ax2.annotate(
                    f"{row['lower']:.3g} - {row['upper']:.3g}",
                    (b, y),
                    fontsize=7,
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                )
        ax2.set_yticks(range(len(names)), [n if len(n) < 36 else "..." + n[-33:] for n in names])
        ax2.set_xlim(0, 1.35)
        ax2.set_ylim(-0.6, max(len(names), 1) - 0.4)
        ax2.set_xlabel("position in the parameter's range (0 = low, 1 = high)")
        ax2.set_title("box limits")
        if self.boxes:
            ax2.legend(loc="lower right")
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)
        return path


def _quiet_prim() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    logging.getLogger("EMA").setLevel(logging.WARNING)
    logging.getLogger("EMA.ema_workbench.analysis.prim").setLevel(logging.WARNING)
    return prim


def _choose(t: pd.DataFrame, threshold: float) -> int:
    cov = t["coverage"].to_numpy(dtype=float)
    den = t["density"].to_numpy(dtype=float)
    ok = den >= threshold
    if not ok.any():
        return int(len(t) - 1)
    score = np.where(ok, 2 * cov * den / np.maximum(cov + den, 1e-12), -1.0)
    return int(np.argmax(score))


def _limits(box: Any, i: int, x: pd.DataFrame) -> pd.DataFrame:
    lim = box.box_lims[i]
    init = box.box_lims[0]
    qp = box.qp[i] if i < len(box.qp) else {}
    rows = []
    for name in x.columns:
        lo, hi = lim[name].iloc[0], lim[name].iloc[1]
        if isinstance(lo, set):
            if lo == init[name].iloc[0]:
                continue
            rows.append(
                {
                    "parameter": name,
                    "lower": None,
                    "upper": None,
                    "values": sorted(lo, key=str),
                    "qp_lower": np.nan,
                    "qp_upper": np.nan,
                    "min": None,
                    "max": None,
                }
            )
            continue
        if lo == init[name].iloc[0] and hi == init[name].iloc[1]:
            continue
        q = qp.get(name, [np.nan, np.nan])
        rows.append(
            {
                "parameter": name,
                "lower": float(lo),
                "upper": float(hi),
                "values": None,
                "qp_lower": np.nan if q[0] == -1 else float(q[0]),
                "qp_upper": np.nan if q[1] == -1 else float(q[1]),
                "min": float(x[name].min()),
                "max": float(x[name].max()),
            }
        )
    cols = ["parameter", "lower", "upper", "values", "qp_lower", "qp_upper", "min", "max"]
    return pd.DataFrame(rows, columns=cols).set_index("parameter")


def prim_boxes(
    x: pd.DataFrame,
    y: np.ndarray,
    threshold: float = 0.8,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    max_boxes: int = 1,
    condition: str = "",
    outcome: str = "",
) -> DiscoveryResult:
    """PRIM over parameters ``x`` (one row per run) with cases of interest ``y`` (bool).

    Finds up to ``max_boxes`` boxes (each next box on the runs outside the previous ones), keeping
    only boxes whose density reaches ``threshold``.
    """
    prim = _quiet_prim()
    y = np.asarray(y, dtype=bool)
    if len(x) != y.size:
        raise InputError(f"discover: {len(x)} parameter rows but {y.size} outcomes")
    if len(x.columns) == 0:
        raise InputError("discover: no uncertain parameters to build boxes on")
    k = int(y.sum())
    x = x.reset_index(drop=True).copy()
    for c in x.columns:
        if x[c].dtype == bool or x[c].dtype == object:
            x[c] = x[c].astype(str)
        elif pd.api.types.is_integer_dtype(x[c]):
            x[c] = x[c].astype(np.int64)
        else:
            x[c] = x[c].astype(np.float64)
    ranges = {
        str(c): (float(x[c].min()), float(x[c].max()))
        for c in x.columns
        if pd.api.types.is_numeric_dtype(x[c])
    }
    result = DiscoveryResult(condition, outcome, len(x), k, threshold, [], ranges)
    if k == 0 or k == len(x):
        result.info["message"] = (
            "no run meets the condition" if k == 0 else "every run meets the condition"
        )
        return result
    with warnings.catch_warnings():
        # the EMA Workbench's PRIM uses pandas idioms that pandas 3 deprecates
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=FutureWarning)
        p = prim.Prim(
            x,
            y.astype(int),
            threshold=threshold,
            peel_alpha=peel_alpha,
            paste_alpha=paste_alpha,
            mass_min=mass_min,
        )
        _find(p, x, result, threshold, max_boxes)
    return result


def _find(p: Any, x: pd.DataFrame, result: DiscoveryResult, threshold: float, n: int) -> None:
    for _ in range(n):
        box = p.find_box()
        if box is None:
            break
        t = box.peeling_trajectory.reset_index(drop=True)
        if box.res_dim == 0 and len(t) == 1:
            break  # PRIM's "dump box": nothing left worth boxing
        i = _choose(t, threshold)
        if float(t.loc[i, "density"]) < threshold:
            break
        traj = t[["coverage", "density", "mass", "res_dim", "n", "k"]].astype(float)
        result.boxes.append(
            Box(
                index=i,
                coverage=float(t.loc[i, "coverage"]),
                density=float(t.loc[i, "density"]),
                mass=float(t.loc[i, "mass"]),
                n=int(t.loc[i, "n"]),
                k=int(t.loc[i, "k"]),
                limits=_limits(box, i, x),
                trajectory=traj,
            )
        )


def discover(
    x: pd.DataFrame, outcomes: pd.Series | np.ndarray, condition: Any, **options: Any
) -> DiscoveryResult:
    """Boxes where ``condition`` (a :class:`~pactsim.analysis.condition.Condition` or its text)
    holds for ``outcomes``; ``options`` go to :func:`prim_boxes`."""
    from pactsim.analysis.condition import Condition, parse_condition

    cond = condition if isinstance(condition, Condition) else parse_condition(str(condition))
    values = np.asarray(outcomes, dtype=float)
    if np.isnan(values).any():
        raise InputError(f"discover: outcome {cond.name} has missing values")
    return prim_boxes(x, cond(values), condition=str(cond), outcome=cond.name, **options)
