"""Civil violence: ms per step of pactsim against Mesa's example in the same script.

    python benchmarks/bench_population.py [--quick]

Mesa: mesa.examples.advanced.epstein_civil_violence with its defaults (vision 7, densities
0.7 / 0.074, L 0.8, J 1000); pactsim: variant "mesa" with the same values. Then the
1000 x 1000 grid (variants mesa, netlogo and paper, cop densities 0.074 and 0.04; best and
median ms per step over several steps, and peak memory, each in a fresh process) and the time
a fresh process needs from import to the end of its first step (best and median of several,
after a warm-up run that fills numba's cache), with where that time goes.
"""

from __future__ import annotations

import statistics
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
import statistics, time
from pactsim.models.population import CivilViolence, CivilViolenceParams
p = CivilViolenceParams(width=1000, height=1000, cop_density={cop}, legitimacy=0.8,
                        max_jail=1000, variant="{variant}")
m = CivilViolence(p, 1); m.advance(1)
ts = []
for _ in range({n}):
    t = time.perf_counter(); c = m.advance(1); ts.append((time.perf_counter() - t) * 1e3)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec
hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM")][0].split()[1]
print(min(ts), statistics.median(ts), m.n_citizens + m.n_cops, int(c.active[-1]),
      int(hwm) / 1024)
"""

_START = """
import time
t = time.perf_counter()
from pactsim.models.population import CivilViolence, CivilViolenceParams
m = CivilViolence(CivilViolenceParams(), 1); m.advance(1)
print(time.perf_counter() - t)
"""

_PARTS = """
import time
t0 = time.perf_counter()
import numpy
t1 = time.perf_counter()
import pactsim
t2 = time.perf_counter()
import numba
t3 = time.perf_counter()
from pactsim.models.population import CivilViolence, CivilViolenceParams
t4 = time.perf_counter()
from numba.core.registry import cpu_target
cpu_target.target_context.refresh()  # what numba does before its first cache load
t5 = time.perf_counter()
m = CivilViolence(CivilViolenceParams(), 1); m.advance(1)
t6 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)
"""


def _run(code: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [float(v) for v in out.stdout.split()]


def main() -> None:
    quick = "--quick" in sys.argv
    print(f"{'grid':>10} {'mesa ms/step':>13} {'pactsim ms/step':>16} {'ratio':>8} {'target':>7}")
    for width, target, mesa_steps in ((40, 300, 10), (100, 400, 3)):
        mesa = _mesa_ms(width, 3 if quick else mesa_steps)
        ours = _ours_ms(width, 100 if quick else 500)
        print(f"{width:>4} x {width:<4} {mesa:13.2f} {ours:16.3f} {mesa / ours:8.0f} {target:>7}")

    n = 3 if quick else 8
    print(f"\n1000 x 1000, L 0.8, J 1000, {n} steps after the first (target < 200 ms, < 500 MB)")
    print(
        f"{'variant':>8} {'cops':>6} {'agents':>8} {'actives':>8} {'best ms':>8} "
        f"{'median ms':>10} {'peak MB':>8}"
    )
    for variant in ("mesa", "netlogo", "paper"):
        for cop in (0.074, 0.04):
            best, med, agents, act, mb = _run(_BIG.format(n=n, cop=cop, variant=variant))
            print(
                f"{variant:>8} {cop:6.3f} {int(agents):8d} {int(act):8d} {best:8.0f} "
                f"{med:10.0f} {mb:8.0f}"
            )

    _run(_START)  # warm numba's cache
    starts = [_run(_START)[0] for _ in range(3 if quick else 7)]
    print(
        f"\nfresh process, import to first step done: best {min(starts):.2f} s, median "
        f"{statistics.median(starts):.2f} s (target < 0.5 s)"
    )
    parts = [_run(_PARTS) for _ in range(3 if quick else 5)]
    names = (
        "numpy",
        "pactsim package (scenario)",
        "numba",
        "population modules",
        "numba target set-up (incl. scipy)",
        "population cache loads and step",
    )
    for k, name in enumerate(names):
        print(f"  {name:36s} {statistics.median(p[k] for p in parts):.3f} s (median)")


if __name__ == "__main__":
    main()
