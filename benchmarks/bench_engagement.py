"""One 60-month run of the Afghanistan scenario (100 x 100 grid, 10 ticks a month): wall time,
the ratio to its population model run alone for the same ticks (what the coupling costs on
top, a figure that does not depend on how fast or busy the machine is), and where the time
goes, by model, from a profile.

    python benchmarks/bench_engagement.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import pactsim
from pactsim.engagement import run

PARTS = {
    "population (civil violence)": "models/population",
    "bargaining": "models/bargaining",
    "council (factions)": "models/factions",
    "extremists and region": ("models/extremists", "models/region"),
    "scenario (validation, overrides)": "scenario/",
    "engagement components": "pactsim/engagement/",
}


def population_alone(sc: pactsim.Scenario, runs: int) -> float:
    """Best wall time of the run's civil-violence model alone: 60 months of its ticks."""
    from pactsim.engagement import World
    from pactsim.engagement.population import Population

    best = float("inf")
    for seed in range(runs):
        import numpy as np

        world = World(sc=sc, rng=np.random.default_rng(seed), population_seed=seed)
        world.legitimacy, world.hardship = sc.population.legitimacy, 1.0
        pop = Population(world)
        t0 = time.perf_counter()
        for month in range(1, sc.meta.months + 1):
            pop.step(world, month)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args()
    runs = args.runs or (2 if args.quick else 5)
    sc = pactsim.load("afghanistan-2023")
    assert sc.population.width >= 100 and sc.population.ticks_per_month >= 10
    run(sc, "milestone", seed=0)  # compile and warm the caches
    times = []
    for seed in range(runs):
        t0 = time.perf_counter()
        run(sc, "milestone", seed=seed)
        times.append(time.perf_counter() - t0)
    best, mean = min(times), sum(times) / len(times)
    print(
        f"60-month run, {sc.population.width}x{sc.population.height} grid, "
        f"{sc.population.ticks_per_month} ticks a month, policy 'milestone'"
    )
    print(
        f"  wall time: best {best:.3f} s, mean {mean:.3f} s over {runs} runs "
        f"(target < 2 s: {'met' if mean < 2 else 'NOT met'})"
    )
    print(f"  1,000 runs on 2 cores: about {1000 * mean / 2 / 60:.1f} minutes")
    alone = population_alone(sc, runs)
    print(
        f"  the population model alone, same grid and ticks: best {alone:.3f} s; "
        f"run / population = {best / alone:.2f} (the coupling's overhead)"
    )

    prof = cProfile.Profile()
    prof.enable()
    run(sc, "milestone", seed=99)
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt  # type: ignore[attr-defined]
    by_part = dict.fromkeys(PARTS, 0.0)
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        for part, pattern in PARTS.items():
            patterns = pattern if isinstance(pattern, tuple) else (pattern,)
            if any(p in filename for p in patterns):
                by_part[part] += tottime
                break
    print("  where the time goes (own time in each part's Python code and kernels):")
    for part, t in sorted(by_part.items(), key=lambda kv: -kv[1]):
        print(f"    {part:34s} {t:7.3f} s  {100 * t / total:5.1f}%")
    rest = total - sum(by_part.values())
    print(f"    {'other (numpy, pandas, pydantic)':34s} {rest:7.3f} s  {100 * rest / total:5.1f}%")


if __name__ == "__main__":
    main()
