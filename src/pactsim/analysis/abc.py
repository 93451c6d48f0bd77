"""Approximate Bayesian computation over an array of simulated summaries, for range targets.

Rejection ABC (Pritchard et al. 1999) with the tolerance set as a quantile of the distances
(Beaumont, Zhang & Balding 2002), and optionally their local-linear regression adjustment.

Observations here are *ranges* [low, high] (the sources disagree, so a target is an interval, not
a number). The distance of a simulated summary vector s to the targets is

    rho(s) = sqrt( sum_j ( dist(s_j, [low_j, high_j]) / scale_j )^2 ),

with dist the distance to the nearest point of the interval (0 inside it) and scale_j the
interval's width, or, when wider, the median absolute deviation of the simulated s_j (so that a
point target of zero width does not dominate). The tolerance epsilon is the ``quantile`` quantile of
rho over the prior draws; every draw with rho <= epsilon is accepted, so draws that land inside
every range are always accepted (the posterior under a likelihood that is flat inside the ranges).

The regression adjustment (Beaumont et al. 2002, eq. 5) regresses each parameter on the summaries
among accepted draws with Epanechnikov weights 1 - (rho/epsilon)^2 and moves each draw by
-beta (s - s*), where s* is the nearest point of the target ranges to s (draws that hit every range
are not moved); adjusted values are clipped to the prior bounds. It only applies when epsilon > 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pactsim.errors import InputError


@dataclass
class AbcResult:
    """Prior draws, accepted (posterior) draws and their weights, and summary tables."""

    names: list[str]
    prior: np.ndarray  # (n, d) all parameter draws
    posterior: np.ndarray  # (k, d) accepted draws (regression-adjusted when asked)
    weights: np.ndarray  # (k,) normalised
    distances: np.ndarray  # (n,) rho of every draw
    epsilon: float
    accepted: np.ndarray  # (n,) bool
    targets: pd.DataFrame  # name, low, high, sim_median (accepted), share_in_range (accepted)
    bounds: np.ndarray  # (d, 2) prior bounds
    level: float = 0.9
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def n_accepted(self) -> int:
        return int(self.accepted.sum())

    def intervals(self, level: float | None = None) -> pd.DataFrame:
        """Per parameter: prior bounds, posterior median and central ``level`` interval."""
        level = self.level if level is None else level
        a = (1 - level) / 2
        rows = []
        for j, name in enumerate(self.names):
            col = self.posterior[:, j]
            lo, med, hi = weighted_quantile(col, [a, 0.5, 1 - a], self.weights)
            rows.append(
                {
                    "parameter": name,
                    "prior_low": float(self.bounds[j, 0]),
                    "prior_high": float(self.bounds[j, 1]),
                    "post_low": lo,
                    "post_median": med,
                    "post_high": hi,
                    "post_mean": float(np.average(col, weights=self.weights)),
                    "shrinkage": 1.0
                    - (hi - lo) / max(self.bounds[j, 1] - self.bounds[j, 0], 1e-300),
                }
            )
        return pd.DataFrame(rows).set_index("parameter")

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "rejection-abc" + ("+regression" if self.info.get("regression") else ""),
            "draws": int(self.prior.shape[0]),
            "accepted": self.n_accepted,
            "epsilon": self.epsilon,
            "level": self.level,
            "parameters": self.intervals().reset_index().to_dict(orient="records"),
            "targets": self.targets.to_dict(orient="records"),
            **self.info,
        }

    def plot(self, path: str) -> str:
        """Prior (all draws) against posterior (accepted draws) histograms, one per parameter,
        with the posterior's central interval marked."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        d = len(self.names)
        cols = min(3, max(d, 1))
        rows = max(1, -(-d // cols))
        fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.8 * rows), squeeze=False)
        iv = self.intervals()
        for j, name in enumerate(self.names):
            ax = axes[j // cols][j % cols]
            lo, hi = self.bounds[j]
            log = self.info.get("dists", {}).get(name) == "loguniform" and lo > 0
            bins = np.geomspace(lo, hi, 25) if log else np.linspace(lo, hi, 25)
            if log:
                ax.set_xscale("log")
            ax.hist(self.prior[:, j], bins=bins, density=True, alpha=0.4, label="prior")
            ax.hist(
                np.clip(self.posterior[:, j], lo, hi),
                bins=bins,
                density=True,
                weights=self.weights,
                alpha=0.6,
                label="posterior",
            )
            ax.axvspan(iv.loc[name, "post_low"], iv.loc[name, "post_high"], color="C1", alpha=0.1)
            ax.set_title(name if len(name) < 40 else "..." + name[-37:], fontsize=8)
            ax.tick_params(labelsize=7)
            if j == 0:
                ax.legend(fontsize=7)
        for j in range(d, rows * cols):
            axes[j // cols][j % cols].axis("off")
        fig.suptitle(
            f"ABC calibration: {self.n_accepted} of {self.prior.shape[0]} draws "
            f"accepted; shaded: central {self.level:.0%} of the posterior"
        )
        fig.tight_layout(rect=(0, 0, 1, 0.97))
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path


def weighted_quantile(x: np.ndarray, q: list[float], w: np.ndarray | None = None) -> list[float]:
    """Quantiles of ``x`` with weights ``w`` (the inverse of the weighted empirical CDF, with
    linear interpolation between mid-points; equal weights give numpy's 'linear'-like result)."""
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        return [float("nan")] * len(q)
    w = np.ones_like(x) if w is None else np.asarray(w, dtype=float)
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    cw = np.cumsum(ws) - 0.5 * ws
    cw /= ws.sum()
    return [float(np.interp(p, cw, xs)) for p in q]


def range_distance(
    S: ArrayLike, low: ArrayLike, high: ArrayLike, scale: np.ndarray | None = None
) -> np.ndarray:
    """rho of each row of ``S`` to the target ranges (see the module docstring)."""
    S = np.atleast_2d(np.asarray(S, dtype=float))
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    if scale is None:
        scale = default_scale(S, low, high)
    gap = np.maximum(low - S, 0.0) + np.maximum(S - high, 0.0)
    out = np.sqrt(np.sum((gap / scale) ** 2, axis=1))
    return np.where(np.all(np.isfinite(S), axis=1), out, np.inf)


def default_scale(S: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Per target: max(range width, MAD of the finite simulated values, a tiny floor)."""
    width = np.asarray(high, dtype=float) - np.asarray(low, dtype=float)
    mad = np.zeros(S.shape[1])
    for j in range(S.shape[1]):
        col = S[:, j][np.isfinite(S[:, j])]
        if col.size:
            mad[j] = 1.4826 * np.median(np.abs(col - np.median(col)))
    floor = 1e-12 * np.maximum(1.0, np.abs(np.asarray(high, dtype=float)))
    return np.maximum.reduce([width, mad, floor])


def abc_rejection(
    theta: ArrayLike,
    S: ArrayLike,
    low: ArrayLike,
    high: ArrayLike,
    names: list[str] | None = None,
    bounds: ArrayLike | None = None,
    quantile: float = 0.1,
    regression: bool = False,
    target_names: list[str] | None = None,
    level: float = 0.9,
) -> AbcResult:
    """Rejection ABC of parameter draws ``theta`` (n, d) given their simulated summaries ``S``
    (n, m) and the observed target ranges ``[low, high]`` (m,).

    ``bounds`` (d, 2) are the prior's bounds (default: the range of the draws); ``quantile`` the
    share of draws kept as the tolerance (at least every draw inside all ranges).
    """
    theta = np.atleast_2d(np.asarray(theta, dtype=float))
    S = np.asarray(S, dtype=float)
    if S.ndim == 1:
        S = S[:, None]
    n, d = theta.shape
    low = np.atleast_1d(np.asarray(low, dtype=float))
    high = np.atleast_1d(np.asarray(high, dtype=float))
    if S.shape[0] != n:
        raise InputError(f"abc: {n} parameter draws but {S.shape[0]} simulated summaries")
    if S.shape[1] != low.size or high.size != low.size:
        raise InputError(f"abc: {S.shape[1]} summaries per draw but {low.size} targets")
    if not 0 < quantile <= 1:
        raise InputError(f"abc: the tolerance quantile must be in (0, 1] (got {quantile})")
    names = names or [f"theta{j}" for j in range(d)]
    target_names = target_names or [f"target{j}" for j in range(low.size)]
    if bounds is None:
        bounds = np.column_stack([theta.min(axis=0), theta.max(axis=0)])
    bounds = np.asarray(bounds, dtype=float)
    rho = range_distance(S, low, high)
    finite = np.isfinite(rho)
    if not finite.any():
        raise InputError("abc: every simulation failed or gave a missing summary")
    eps = float(np.quantile(rho[finite], quantile))
    accepted = finite & (rho <= eps)
    post = theta[accepted].copy()
    w = np.ones(post.shape[0])
    s_acc = S[accepted]
    if regression and eps > 0 and post.shape[0] > S.shape[1] + 2:
        w = np.clip(1.0 - (rho[accepted] / eps) ** 2, 0.0, None)
        if w.sum() <= 0:
            w = np.ones(post.shape[0])
        nearest = np.clip(s_acc, low, high)
        design = np.column_stack([np.ones(len(s_acc)), s_acc - nearest])
        sw = np.sqrt(w)[:, None]
        beta, *_ = np.linalg.lstsq(design * sw, post * sw, rcond=None)
        post = post - (s_acc - nearest) @ beta[1:]
        post = np.clip(post, bounds[:, 0], bounds[:, 1])
        w = np.where(w > 0, w, 0.0)
    w = w / w.sum()
    inside = (s_acc >= low) & (s_acc <= high)
    targets = pd.DataFrame(
        {
            "name": target_names,
            "low": low,
            "high": high,
            "prior_median": np.nanmedian(S, axis=0),
            "sim_median": [weighted_quantile(s_acc[:, j], [0.5], w)[0] for j in range(low.size)],
            "share_in_range_prior": np.mean((low <= S) & (high >= S), axis=0),
            "share_in_range": (inside * w[:, None]).sum(axis=0),
        }
    )
    return AbcResult(
        list(names),
        theta,
        post,
        w,
        rho,
        eps,
        accepted,
        targets,
        bounds,
        level,
        {
            "quantile": quantile,
            "regression": bool(regression and eps > 0),
            "all_ranges_hit": int(np.sum(rho == 0)),
        },
    )
