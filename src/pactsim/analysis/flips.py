"""Where a headline comparison flips inside the sampled ranges.

A headline compares two policies on an outcome, world by world (the paired difference d_w of
the same sampled world under both). It *flips* along a sampled parameter p when the mean of d
over the worlds with p in one part of its range has the other sign than over another part. The
worlds are split at the quantiles of p into ``bins`` groups of equal size; a flip is reported
where the sign of the group mean changes and both groups are clearly away from zero (their
mean beyond ``z`` standard errors), with the value of p between the two groups.

This reads the stored ensemble only: it runs nothing. With few worlds per group the split is
coarse; the report says how many worlds each group holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Flip", "find_flips"]


@dataclass(frozen=True)
class Flip:
    """The comparison changes sign along ``parameter`` at about ``at``.

    below, above: mean paired difference in the groups on either side [outcome's unit].
    worlds: worlds per group.
    """

    parameter: str
    at: float
    below: float
    above: float
    worlds: int


def _group_means(x: np.ndarray, d: np.ndarray, bins: int) -> tuple[list[np.ndarray], np.ndarray]:
    order = np.argsort(x, kind="stable")
    groups = np.array_split(order, bins)
    return groups, np.array([d[g].mean() for g in groups])


def find_flips(
    parameters: pd.DataFrame, difference: pd.Series | np.ndarray, bins: int = 4, z: float = 2.0
) -> list[Flip]:
    """Every sampled parameter along which the paired difference changes sign.

    ``parameters`` has one row per world and one column per sampled parameter; ``difference``
    the paired difference of the same worlds, in the same order. Returns the flips found,
    strongest first (largest gap between the two groups' means).
    """
    d = np.asarray(difference, dtype=float)
    ok = np.isfinite(d)
    out: list[Flip] = []
    if ok.sum() < 2 * bins:
        return out
    for name in parameters.columns:
        x = parameters[name].to_numpy(dtype=float)[ok]
        if np.unique(x).size < bins:
            continue
        dd = d[ok]
        groups, means = _group_means(x, dd, bins)
        se = np.array(
            [dd[g].std(ddof=1) / np.sqrt(len(g)) if len(g) > 1 else np.inf for g in groups]
        )
        clear = np.abs(means) > z * se
        for i in range(bins - 1):
            for j in range(i + 1, bins):
                if clear[i] and clear[j] and np.sign(means[i]) != np.sign(means[j]):
                    at = float(0.5 * (x[groups[j - 1]].max() + x[groups[j]].min()))
                    out.append(Flip(name, at, float(means[i]), float(means[j]), len(groups[i])))
                    break
            else:
                continue
            break
    return sorted(out, key=lambda f: -abs(f.above - f.below))
