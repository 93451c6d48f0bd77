"""Model II: how peacekeepers and population turnover change the end of a run.

    python scripts/model2_peacekeepers.py [--seeds 10] [--steps 300]

Prints, for each setting, the seeds in which both groups survive (each keeps at least 5% of
half the initial population), the seeds in which one group is extinct, and the median
segregation index at the end among the surviving runs (0.5 mixed, 1 separate enclaves).
With --waits it prints instead the time until one group is extinct against the peacekeepers'
density (Epstein 2002, Figs. 15-17), at the run 7/8 values (L 0.75, no turnover); runs that
reach --steps without a genocide count as --steps. The tables in docs/population.md (Model
II) come from this script.
"""

from __future__ import annotations

import argparse

import numpy as np

from pactsim.models.population.ethnic import EthnicParams, run_ethnic

SETTINGS = [
    *[(L, 0, 0.0, c) for L in (0.6, 0.7, 0.75, 0.8) for c in (0.0, 0.04, 0.08, 0.12)],
    *[(0.75, 0, 0.02, c) for c in (0.0, 0.08, 0.12)],
    *[(0.75, 200, 0.02, c) for c in (0.0, 0.12)],
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--waits", action="store_true", help="time to genocide vs peacekeepers")
    args = ap.parse_args()
    if args.waits:
        waits(args.seeds, args.steps)
        return
    print("    L  max_age  births  cops   both  extinct  segregation (median, survivors)")
    for legitimacy, max_age, births, cops in SETTINGS:
        both = extinct = 0
        seg = []
        for seed in range(args.seeds):
            p = EthnicParams(
                legitimacy=legitimacy, max_age=max_age, birth_rate=births, cop_density=cops
            )
            r = run_ethnic(p, seed, args.steps)
            low = min(r["blue"][-1], r["green"][-1])
            extinct += int(low == 0)
            if low >= 0.05 * (r["blue"][0] + r["green"][0]) / 2:
                both += 1
                seg.append(r["segregation"][-1])
        med = f"{np.median(seg):.2f}" if seg else "-"
        print(
            f"{legitimacy:5.2f}  {max_age:7d}  {births:6.2f}  {cops:4.2f}  {both:5d}  "
            f"{extinct:7d}  {med}",
            flush=True,
        )


def waits(seeds: int, steps: int) -> None:
    print(" cops  time to genocide: mean  s.d.  min-max  (ticks)")
    for cops in (0.0, 0.04, 0.06, 0.08, 0.10, 0.12, 0.16):
        t = []
        for seed in range(seeds):
            r = run_ethnic(EthnicParams(legitimacy=0.75, cop_density=cops), seed, steps)
            low = np.minimum(r["blue"], r["green"])
            t.append(int(np.argmax(low == 0)) if (low == 0).any() else steps)
        print(
            f"{cops:5.2f}  {np.mean(t):22.0f}  {np.std(t, ddof=1):4.0f}  {min(t)}-{max(t)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
