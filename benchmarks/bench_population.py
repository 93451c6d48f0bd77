"""Civil violence: ms per step of pactsim against Mesa's example in the same script.

    python benchmarks/bench_population.py [--quick]

Mesa: mesa.examples.advanced.epstein_civil_violence with its defaults (vision 7, densities
0.7 / 0.074, L 0.8, J 1000); pactsim: variant "mesa" with the same values. Also the
1000 x 1000 grid (ms per step, peak memory) and the time a fresh process needs to step.
"""

from __future__ import annotations

import subprocess
import sys
import time


def _mesa_ms(width: int, steps: int) -> float:
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    m = EpsteinCivilViolence(width=width, height=width, seed=1)
    m.step()  # Mesa builds its neighbourhood caches on the first step
    t = time.perf_counter()
    for _ in range(steps):
        m.step()
    return (time.perf_counter() - t) / steps * 1e3


def _ours_ms(width: int, steps: int) -> float:
    from pactsim.models.population import CivilViolence, CivilViolenceParams

    p = CivilViolenceParams(
        width=width,
        height=width,
        cop_density=0.074,
        legitimacy=0.8,
        max_jail=1000,
        variant="mesa",
    )
    m = CivilViolence(p, 1)
    m.advance(1)
    t = time.perf_counter()
    m.advance(steps)
    return (time.perf_counter() - t) / steps * 1e3


_BIG = """
import resource, time
from pactsim.models.population import CivilViolence, CivilViolenceParams
p = CivilViolenceParams(width=1000, height=1000, cop_density=0.074, legitimacy=0.8,
                        max_jail=1000, variant="mesa")
m = CivilViolence(p, 1); m.advance(1)
t = time.perf_counter(); m.advance({n}); dt = (time.perf_counter() - t) / {n} * 1e3
print(dt, m.n_citizens + m.n_cops, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

_START = """
import time
t = time.perf_counter()
from pactsim.models.population import CivilViolence, CivilViolenceParams
m = CivilViolence(CivilViolenceParams(), 0); m.advance(1)
print(time.perf_counter() - t)
"""


def main() -> None:
    quick = "--quick" in sys.argv
    print(f"{'grid':>10} {'mesa ms/step':>13} {'pactsim ms/step':>16} {'ratio':>8} {'target':>7}")
    for width, target, mesa_steps in ((40, 300, 10), (100, 400, 3)):
        mesa = _mesa_ms(width, 3 if quick else mesa_steps)
        ours = _ours_ms(width, 100 if quick else 500)
        print(f"{width:>4} x {width:<4} {mesa:13.2f} {ours:16.3f} {mesa / ours:8.0f} {target:>7}")
    n = 3 if quick else 10
    out = subprocess.run(
        [sys.executable, "-c", _BIG.format(n=n)], capture_output=True, text=True, check=True
    ).stdout.split()
    print(
        f"1000 x 1000: {float(out[0]):.0f} ms/step, {int(out[1])} agents, "
        f"peak memory {float(out[2]):.0f} MB (targets: < 200 ms, < 500 MB)"
    )
    start = subprocess.run(
        [sys.executable, "-c", _START], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(f"fresh process, import to first step done: {float(start):.2f} s (target < 0.5 s)")


if __name__ == "__main__":
    main()
