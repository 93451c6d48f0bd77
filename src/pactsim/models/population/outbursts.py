"""Outburst statistics of a series of active citizens (Epstein 2002, Figs. 3-8).

An *outburst* is a maximal run of ticks in which the number of actives exceeds a threshold;
the *waiting time* is the number of ticks from the end of one outburst to the start of the
next; the *total activation* of an outburst is the sum of actives over its ticks (agent-ticks).
The paper reports for run 2 a mean waiting time of 60 (s.d. 55) and a mean total activation of
708 (s.d. 230); it does not state its threshold, so pactsim's default is an assumption
(50 actives on the paper's 40 x 40 grid with 1,120 citizens, scaled with the population).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

#: actives per citizen above which a tick belongs to an outburst (50 / 1120; assumption)
DEFAULT_SHARE = 50 / 1120


@dataclass(frozen=True)
class Outbursts:
    """Outbursts found in a series (ticks are indices into the series)."""

    threshold: float
    count: int
    starts: list[int]
    ends: list[int]
    waiting_times: list[int]
    total_activation: list[int]
    peak: list[int]
    mean_wait: float
    sd_wait: float
    mean_total_activation: float
    sd_total_activation: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_threshold(n_citizens: int) -> float:
    """The default outburst threshold for a population of ``n_citizens`` (assumption)."""
    return max(1.0, DEFAULT_SHARE * n_citizens)


def outbursts(active: ArrayLike, threshold: float) -> Outbursts:
    """Find the outbursts in a series of active counts (ticks with actives > threshold)."""
    a = np.asarray(active, dtype=np.int64)
    above = a > threshold
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    n = a.shape[0]
    while i < n:
        if above[i]:
            j = i
            while j + 1 < n and above[j + 1]:
                j += 1
            starts.append(i)
            ends.append(j)
            i = j + 1
        else:
            i += 1
    waits = [starts[m + 1] - ends[m] - 1 for m in range(len(starts) - 1)]
    totals = [int(a[s : e + 1].sum()) for s, e in zip(starts, ends, strict=True)]
    peaks = [int(a[s : e + 1].max()) for s, e in zip(starts, ends, strict=True)]

    def _ms(x: list[int]) -> tuple[float, float]:
        if not x:
            return float("nan"), float("nan")
        arr = np.asarray(x, dtype=float)
        return float(arr.mean()), float(arr.std(ddof=1)) if arr.size > 1 else float("nan")

    mw, sw = _ms(waits)
    mt, stt = _ms(totals)
    return Outbursts(
        threshold=float(threshold),
        count=len(starts),
        starts=starts,
        ends=ends,
        waiting_times=waits,
        total_activation=totals,
        peak=peaks,
        mean_wait=mw,
        sd_wait=sw,
        mean_total_activation=mt,
        sd_total_activation=stt,
    )
