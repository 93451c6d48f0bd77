"""Benchmark of the factions model: exact power indices and the buy-off knapsack.

Run: python benchmarks/bench_factions.py [--quick]

1. Power indices of the US electoral college (51 players, total weight 538, quota 270) by
   generating functions, against full enumeration of coalitions timed on 20 players and
   extrapolated to 51 (cost ~ n 2^n).
2. Buy-off: the largest reform 10 factions can be paid to accept, for a batch of 10,000 budgets
   in one call, against one call per budget; and the single call the engagement loop makes
   (6 factions), against enumerating all coalitions.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from pactsim.models.factions import (
    max_affordable_reform,
    max_affordable_reform_batch,
    min_budget,
    power_indices,
)

# Electoral votes by state and DC for 2024 and 2028 (2020 census apportionment).
ELECTORAL_COLLEGE = [
    54, 40, 30, 28, 19, 19, 17, 16, 16, 15, 14, 13, 12, 11, 11, 11, 11, 10, 10, 10, 10, 10, 9, 9,
    8, 8, 8, 7, 7, 6, 6, 6, 6, 6, 6, 5, 5, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3,
]  # fmt: skip


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def enumerate_swings(w: list[int], q: int) -> list[int]:
    """Raw Banzhaf swings by enumerating all 2^n coalitions (the reference method)."""
    n = len(w)
    masks = np.arange(1 << n, dtype=np.int64)
    weight = np.zeros(masks.size, dtype=np.int64)
    for j, wj in enumerate(w):
        weight += ((masks >> j) & 1) * wj
    win = weight >= q
    out = []
    for i in range(n):
        without = masks[(masks >> i) & 1 == 0]
        out.append(int((~win[without] & win[without | (1 << i)]).sum()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller batches")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    rows: list[tuple[str, str, str]] = []

    # 1. power indices
    assert len(ELECTORAL_COLLEGE) == 51 and sum(ELECTORAL_COLLEGE) == 538
    power_indices(ELECTORAL_COLLEGE, 270)  # warm-up
    t_gf = best_of(lambda: power_indices(ELECTORAL_COLLEGE, 270), repeat)
    n_enum = 16 if args.quick else 20
    small = ELECTORAL_COLLEGE[:n_enum]
    q_small = sum(small) // 2 + 1
    assert enumerate_swings(small, q_small) == list(power_indices(small, q_small).swings)
    t_enum = best_of(lambda: enumerate_swings(small, q_small), 1 if not args.quick else 2)
    t_gf_small = best_of(lambda: power_indices(small, q_small), repeat)
    t_extra = t_enum * 2.0 ** (51 - n_enum) * 51 / n_enum
    rows += [
        (
            "power, 51 players, weight 538, quota 270 (generating functions)",
            f"{t_gf * 1e3:.2f} ms",
            "",
        ),
        (f"power, {n_enum} players (generating functions)", f"{t_gf_small * 1e3:.2f} ms", ""),
        (
            f"power, {n_enum} players (full enumeration)",
            f"{t_enum * 1e3:.1f} ms",
            f"{t_enum / t_gf_small:,.0f}x slower",
        ),
        (
            "power, 51 players (enumeration extrapolated: n 2^n)",
            f"{t_extra / 86400 / 365:,.0f} years",
            f"{t_extra / t_gf:.1e}x slower",
        ),
    ]

    # 2. buy-off
    rng = np.random.default_rng(2024)
    n = 10
    w = rng.integers(1, 10, n)
    q = int(w.sum()) // 2 + 1
    x = rng.uniform(0, 60, n)
    k = rng.uniform(0.001, 0.02, n)
    rho = rng.uniform(0, 0.4, n)
    top = min_budget(w, q, x, k, 2.0, 100.0).cost
    nb = 1_000 if args.quick else 10_000
    budgets = rng.uniform(0, top, nb)
    max_affordable_reform_batch(w, q, x, k, 2.0, budgets[:2], principled_share=rho)  # compile
    t_batch = best_of(
        lambda: max_affordable_reform_batch(w, q, x, k, 2.0, budgets, principled_share=rho),
        max(1, repeat // 2),
    )
    m = 500
    t0 = time.perf_counter()
    for b in budgets[:m]:
        max_affordable_reform(w, q, x, k, 2.0, b, principled_share=rho)
    t_loop = (time.perf_counter() - t0) / m * nb
    rows += [
        (
            f"buy-off, 10 factions, batch of {nb:,} budgets (one call)",
            f"{t_batch * 1e3:.1f} ms",
            f"{t_batch / nb * 1e6:.2f} us per budget",
        ),
        (
            f"buy-off, 10 factions, {nb:,} single calls (extrapolated from {m})",
            f"{t_loop * 1e3:.1f} ms",
            f"{t_loop / t_batch:.1f}x slower than the batch",
        ),
    ]

    # the engagement loop's call: 6 factions, one issue, one month
    w6 = np.array([5, 4, 3, 2, 1, 1])
    x6 = np.array([8.0, 20, 40, 60, 30, 10])
    k6 = np.array([0.02, 0.01, 0.004, 0.002, 0.006, 0.03])
    rho6 = np.array([0.35, 0.2, 0.05, 0.1, 0.1, 0.3])
    veto6 = np.array([True, False, False, False, False, False])
    calls = 2_000 if args.quick else 20_000
    t0 = time.perf_counter()
    for i in range(calls):
        max_affordable_reform(w6, 9, x6, k6, 2.0, 5.0 + i % 20, veto=veto6, principled_share=rho6)
    t_call = (time.perf_counter() - t0) / calls

    coalitions = (np.arange(1 << 6)[:, None] >> np.arange(6)) & 1

    def brute(r: float) -> float:
        pay = k6 * np.maximum(0.0, r - x6) ** 2
        ok = (coalitions @ w6 >= 9) & (coalitions[:, 0] == 1)
        return float((coalitions[ok] @ pay).min())

    def brute_bisect(budget: float) -> float:
        lo, hi = 0.0, 100.0
        if brute(hi) <= budget:
            return hi
        while hi - lo > 1e-9:
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if brute(mid) <= budget else (lo, mid)
        return lo

    t0 = time.perf_counter()
    for i in range(calls // 10):
        brute_bisect(5.0 + i % 20)
    t_brute = (time.perf_counter() - t0) / (calls // 10)
    rows += [
        ("buy-off, 6 factions, one max_affordable_reform call", f"{t_call * 1e6:.0f} us", ""),
        (
            "buy-off, 6 factions, numpy enumeration + bisection",
            f"{t_brute * 1e6:.0f} us",
            f"{t_brute / t_call:.1f}x slower",
        ),
    ]

    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'time':>14}  ratio")
    for name, t, ratio in rows:
        print(f"{name:<{width}}  {t:>14}  {ratio}")


if __name__ == "__main__":
    main()
