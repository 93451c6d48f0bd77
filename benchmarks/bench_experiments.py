"""Benchmarks of the ensemble machinery (docs/ensembles.md, "Performance").

1. Throughput (runs/s) with 1 and 2 local workers on a model of about 5 ms a run, and the
   scaling ratio (target: at least 1.8 on 2 cores).
2. Overhead per run on the trivial model (about 0.2 ms a run), pactsim's local runner (store
   included) side by side with the EMA Workbench's MultiprocessingEvaluator on the same model
   and the same number of worlds (target: less overhead than it).
3. Peak memory (max RSS) of the parent of an ensemble of 10,000 runs against one of 1,000:
   results are streamed to the store, so the ratio should stay near 1.

    python benchmarks/bench_experiments.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

TRIVIAL = "pactsim.experiments.trivial:run"
SLOW = "pactsim.experiments.trivial:slow_run"


def _ensemble_seconds(samples: int, workers: int, model: str, store: Path) -> float:
    """Wall time of a whole ensemble (start-up, scenario checks and store included)."""
    return _timed(samples, workers, model, store)[0]


def _timed(samples: int, workers: int, model: str, store: Path) -> tuple[float, float]:
    """(whole wall time, steady-state seconds per run after the first tenth of the runs)."""
    from pactsim.experiments import ensemble

    marks: list[tuple[float, int]] = []
    t0 = time.perf_counter()
    ensemble(
        "toy-3-factions",
        ["milestone"],
        samples=samples,
        workers=workers,
        model=model,
        store=store,
        seed=1,
        progress=lambda d, t: marks.append((time.perf_counter(), d)),
    )
    end = time.perf_counter()
    first = next((m for m in marks if m[1] >= samples // 10), marks[0])
    return end - t0, (end - first[0]) / max(1, samples - first[1])


def _model_seconds(n: int) -> float:
    from pactsim.experiments import trivial

    ov = {"a": 0.5, "b": 0.004, "c": 10.0}
    t0 = time.perf_counter()
    for i in range(n):
        trivial.run("x", "milestone", i, None, ov)
    return (time.perf_counter() - t0) / n


def ema_model(**kwargs: float) -> dict:
    """The trivial model wrapped for the EMA Workbench (same work, same outputs)."""
    from pactsim.experiments import trivial

    seed = int(kwargs.pop("seed", 0))
    res = trivial.run("x", "milestone", seed, None, kwargs)
    out = dict(res.summary)
    out["level"] = res.series["level"].to_numpy()
    out["shock"] = res.series["shock"].to_numpy()
    return out


def _ema_seconds(samples: int, workers: int) -> float:
    warnings.filterwarnings("ignore")
    from ema_workbench import (
        ArrayOutcome,
        IntegerParameter,
        Model,
        MultiprocessingEvaluator,
        RealParameter,
        ScalarOutcome,
    )

    model = Model("trivial", function=ema_model)
    model.uncertainties = [
        RealParameter("legitimacy", 0.4, 0.8),
        RealParameter("kappa", 0.002, 0.008),
        RealParameter("inflow", 0.0, 20.0),
        IntegerParameter("seed", 0, 2**31 - 1),
    ]
    model.outcomes = [ScalarOutcome(n) for n in ("drift", "final", "peak", "success")] + [
        ArrayOutcome("level"),
        ArrayOutcome("shock"),
    ]
    t0 = time.perf_counter()
    with MultiprocessingEvaluator(model, n_processes=workers) as ev:
        ev.perform_experiments(scenarios=samples)
    return time.perf_counter() - t0


def _peak_rss(samples: int) -> float:
    code = f"""
import resource, tempfile, pathlib
from pactsim.experiments import ensemble
if __name__ == "__main__":
    d = tempfile.mkdtemp()
    ensemble("toy-3-factions", ["milestone"], samples={samples}, workers=2, model={TRIVIAL!r},
             store=pathlib.Path(d) / "m.duckdb")
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        n_slow = 300 if args.quick else 1500
        t1, s1 = _timed(n_slow, 1, SLOW, d / "s1.duckdb")
        t2, s2 = _timed(n_slow, 2, SLOW, d / "s2.duckdb")
        rows += [
            ("runs/s, 1 worker (5 ms model)", n_slow / t1),
            ("runs/s, 2 workers (5 ms model)", n_slow / t2),
            ("scaling 2 vs 1 workers, whole ensemble", t1 / t2),
            ("scaling 2 vs 1 workers, steady state (target >= 1.8)", s1 / s2),
        ]
        n = 2000 if args.quick else 10000
        model = _model_seconds(2000)
        ours = _ensemble_seconds(n, 2, TRIVIAL, d / "t.duckdb")
        ema = _ema_seconds(n, 2)
        ours_over = (ours - n * model / 2) / n
        ema_over = (ema - n * model / 2) / n
        rows += [
            ("trivial model, ms per run", 1e3 * model),
            (f"pactsim local x2: ms per run ({n} runs, store incl.)", 1e3 * ours / n),
            (f"EMA Multiprocessing x2: ms per run ({n} runs)", 1e3 * ema / n),
            ("overhead per run, pactsim [ms]", 1e3 * ours_over),
            ("overhead per run, EMA Workbench [ms]", 1e3 * ema_over),
            ("overhead ratio EMA / pactsim (target > 1)", ema_over / ours_over),
        ]
    small, big = (1000, 4000) if args.quick else (1000, 10000)
    m_small, m_big = _peak_rss(small), _peak_rss(big)
    rows += [
        (f"peak RSS, {small} runs [MB]", m_small),
        (f"peak RSS, {big} runs [MB]", m_big),
        (f"peak RSS ratio {big}/{small} (flat ~ 1)", m_big / m_small),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:10.3f}")
    print(json.dumps({name: round(value, 4) for name, value in rows}))


if __name__ == "__main__":
    main()
