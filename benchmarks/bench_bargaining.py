"""Speed of the expected utility model: the batch kernel against a plain-Python loop.

EUM (Scholz variant, Q = 1) with 20 actors and 10 rounds, on a batch of 10,000 random
problems (``--quick``: 1,000). The plain loop (``eum_reference.eum_loop``: the same equations,
one problem at a time) runs on a smaller batch in the same script; the ratio compares time per
run. Target: 100 or more. Also times the static baselines on the same batch.

    python benchmarks/bench_bargaining.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from pactsim.models.bargaining import compromise, eum, nash, weighted_median
from pactsim.models.bargaining.eum_reference import eum_loop

ACTORS, ROUNDS = 20, 10


def _problems(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (
        rng.uniform(0.05, 1.0, (n, ACTORS)),
        rng.uniform(0.0, 100.0, (n, ACTORS)),
        rng.uniform(0.05, 1.0, (n, ACTORS)),
    )


def _best_of(repeats: int, fn) -> float:  # type: ignore[no-untyped-def]
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller batches")
    args = parser.parse_args()
    batch = 1_000 if args.quick else 10_000
    n_loop = 5 if args.quick else 20
    c, x, s = _problems(batch, seed=2024)

    t0 = time.perf_counter()
    eum(c[:2], x[:2], s[:2], rounds=ROUNDS)  # compile or load both kernels
    eum(c[:2], x[:2], s[:2], rounds=ROUNDS, parallel=True)
    warm = time.perf_counter() - t0

    t_vec = _best_of(2 if args.quick else 1, lambda: eum(c, x, s, rounds=ROUNDS))
    res = eum(c[:n_loop], x[:n_loop], s[:n_loop], rounds=ROUNDS)
    t_loop = 0.0
    for k in range(n_loop):
        t0 = time.perf_counter()
        ref = eum_loop(c[k], x[k], s[k], rounds=ROUNDS)
        t_loop += time.perf_counter() - t0
        if not np.allclose(res.positions[k], ref.positions, atol=1e-9):
            raise SystemExit(f"kernel and plain loop disagree on problem {k}")

    per_vec = t_vec / batch
    per_loop = t_loop / n_loop
    rows = [
        ("eum, batch kernel", batch, t_vec, 1 / per_vec, per_loop / per_vec),
        ("eum, plain-Python loop", n_loop, t_loop, 1 / per_loop, 1.0),
    ]
    for name, fn in (("compromise", compromise), ("weighted median", weighted_median)):
        t = _best_of(3, lambda fn=fn: fn(c, x, s))
        rows.append((name, batch, t, batch / t, float("nan")))
    t = _best_of(3, lambda: nash(c, x, s, 0.0))
    rows.append(("nash (linear)", batch, t, batch / t, float("nan")))

    import numba

    print(
        f"EUM: {ACTORS} actors, {ROUNDS} rounds (scholz, Q = 1); kernel warm-up {warm:.2f} s; "
        f"{numba.get_num_threads()} numba threads"
    )
    print(f"{'implementation':<26}{'runs':>8}{'seconds':>10}{'runs/s':>12}{'ratio':>9}")
    for name, n, t, rate, ratio in rows:
        ratio_text = "" if np.isnan(ratio) else f"{ratio:9.0f}"
        print(f"{name:<26}{n:>8}{t:>10.3f}{rate:>12.0f}{ratio_text}")
    ratio = per_loop / per_vec
    verdict = "meets" if ratio >= 100 else "misses"
    print(f"kernel / plain loop: {ratio:.0f}x per run ({verdict} the 100x target)")


if __name__ == "__main__":
    main()
