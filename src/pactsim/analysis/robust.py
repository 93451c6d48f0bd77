"""Robust package design: NSGA-II over a scenario's levers, each candidate judged over an
ensemble of sampled worlds (docs/design.md, Experiments and analysis).

Decision variables are the scenario's levers: a numeric lever over [low, high] (rounded when
``integer``), a categorical lever as an index over its values. Each candidate package is run in the
same ``samples`` worlds (a Latin hypercube over the uncertainties, common to all candidates, with
the same run seeds: common random numbers, so candidates differ by design, not by sampling noise).
Objectives, as expectations over the worlds (Bryant & Lempert-style robustness as expected
performance over a set of plausible futures):

- ``reform_probability`` (maximise): share of worlds in which every ``reached_*`` outcome of the
  run is 1 (every reform milestone reached); ``milestones_share`` when there is no ``reached_*``;
- ``cost`` (minimise): mean ``cost_total`` [the scenario's money unit];
- ``attacks`` (minimise): mean ``attacks_home_total + attacks_abroad_total`` (those present);
- ``tension`` (minimise): mean ``tension_peak_max`` (when the run reports it).

The budget B is a constraint on expected cost: mean ``cost_total`` <= B (NSGA-II's constraint
domination: a feasible candidate beats an infeasible one; among infeasible ones the smaller
excess wins).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pactsim.analysis.search import ParetoResult, nsga2
from pactsim.errors import InputError

RunFn = Callable[..., Any]


@dataclass
class LeverSpace:
    """Maps a real decision vector to lever values and back."""

    levers: list[Any]  # scenario Lever objects

    @property
    def names(self) -> list[str]:
        return [lv.path for lv in self.levers]

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = [], []
        for lv in self.levers:
            if lv.values is not None:
                lo.append(0.0)
                hi.append(float(len(lv.values)))
            else:
                lo.append(float(lv.low))
                hi.append(float(lv.high))
        return np.array(lo), np.array(hi)

    def decode(self, x: np.ndarray) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for lv, v in zip(self.levers, x, strict=True):
            if lv.values is not None:
                k = len(lv.values)
                out[lv.path] = lv.values[min(math.floor(v), k - 1)]
            elif lv.integer:
                out[lv.path] = int(
                    min(max(round(float(v)), math.ceil(lv.low)), math.floor(lv.high))
                )
            else:
                out[lv.path] = float(v)
        return out


def reform_probability(summaries: list[dict[str, float]]) -> float:
    """Share of runs in which every ``reached_*`` outcome is 1 (mean ``milestones_share`` when
    the runs report no ``reached_*``)."""
    keys = sorted(k for k in summaries[0] if k.startswith("reached_"))
    if keys:
        return float(np.mean([all(s.get(k, 0.0) >= 0.5 for k in keys) for s in summaries]))
    if "milestones_share" in summaries[0]:
        return float(np.mean([s["milestones_share"] for s in summaries]))
    raise InputError("design: the runs report no reached_* outcome and no milestones_share")


def _mean(summaries: list[dict[str, float]], keys: Sequence[str]) -> float:
    return float(np.mean([sum(s[k] for k in keys) for s in summaries]))


def default_objectives(
    example: dict[str, float],
) -> list[tuple[str, str, Callable[[list[dict[str, float]]], float]]]:
    """The objectives available in a run's summary, as (name, sense, aggregate)."""
    objs: list[tuple[str, str, Callable[[list[dict[str, float]]], float]]] = [
        ("reform_probability", "max", reform_probability)
    ]
    if "cost_total" not in example:
        raise InputError("design: the runs report no cost_total outcome")
    objs.append(("cost", "min", lambda s: _mean(s, ["cost_total"])))
    attacks = [k for k in ("attacks_home_total", "attacks_abroad_total") if k in example]
    if attacks:
        objs.append(("attacks", "min", lambda s: _mean(s, attacks)))
    if "tension_peak_max" in example:
        objs.append(("tension", "min", lambda s: _mean(s, ["tension_peak_max"])))
    return objs


def design_package(
    scenario: Any,
    budget: float | None = None,
    generations: int = 10,
    population: int = 20,
    samples: int = 8,
    seed: int = 0,
    policy: str | None = None,
    months: int | None = None,
    run: RunFn | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> ParetoResult:
    """NSGA-II over the scenario's levers, robust over ``samples`` sampled worlds (see the module
    docstring); ``budget`` bounds the expected cost. ``run`` defaults to
    :func:`pactsim.engagement.run`; ``policy`` is the base the levers are applied to.
    ``workers`` > 1 runs each generation's candidates and worlds in that many local processes
    (``run`` must then be importable by name, as module-level functions are)."""
    from pactsim.experiments.design import make_design, parameters, run_seed

    if run is None:
        from pactsim.engagement import run as run
    if not scenario.levers:
        raise InputError(f"{scenario.origin}: the scenario has no levers to design over")
    if samples < 1:
        raise InputError(f"--samples: must be at least 1 (got {samples})")
    if population < 4 or generations < 1:
        raise InputError(
            f"design: need --population >= 4 and --generations >= 1 "
            f"(got {population}, {generations})"
        )
    if policy is not None and policy not in scenario.policies:
        raise InputError(f"--policy: no policy '{policy}' (have: {', '.join(scenario.policies)})")
    space = LeverSpace(list(scenario.levers))
    params = parameters(scenario)
    worlds = make_design(params, "lhs", samples, seed).values if params else [{}] * samples
    seeds = [run_seed(seed, w, 0) for w in range(len(worlds))]

    pool = None
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(workers)

    def jobs(x: np.ndarray) -> list[tuple[Any, ...]]:
        levers = space.decode(x)
        return [
            (run, scenario, policy, s, months, {**world, **levers})
            for world, s in zip(worlds, seeds, strict=True)
        ]

    def summaries_of(X: list[np.ndarray]) -> list[list[dict[str, float]]]:
        """Every world of every candidate in ``X``, in parallel when ``workers`` > 1."""
        flat = [job for x in X for job in jobs(x)]
        if pool is not None:
            out = list(pool.map(_summary, flat, chunksize=max(1, len(flat) // (4 * workers))))
        else:
            out = [_summary(job) for job in flat]
        n = len(worlds)
        return [out[i * n : (i + 1) * n] for i in range(len(X))]

    xl, xu = space.bounds()
    try:
        probe = summaries_of([(xl + xu) / 2])[0]
        objs = default_objectives(probe[0])
    except BaseException:
        if pool is not None:
            pool.shutdown()
        raise
    cache: dict[bytes, tuple[list[float], float]] = {}

    def evaluate(X: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        keys = [np.asarray(x, dtype=float).tobytes() for x in X]
        todo = {k: x for k, x in zip(keys, X, strict=True) if k not in cache}
        for key, s in zip(todo, summaries_of(list(todo.values())), strict=True):
            cache[key] = ([agg(s) for _, _, agg in objs], _mean(s, ["cost_total"]))
        F, G = [], []
        for key in keys:
            vals, cost = cache[key]
            F.append(
                [-v if sense == "max" else v for (_, sense, _), v in zip(objs, vals, strict=True)]
            )
            G.append([cost - budget] if budget is not None else [])
        return np.array(F), (np.array(G) if budget is not None else None)

    try:
        res = _search(
            evaluate, xl, xu, objs, budget, population, generations, seed, space, progress
        )
    finally:
        if pool is not None:
            pool.shutdown()
    res.info.update(
        {
            "budget": budget,
            "samples": samples,
            "policy": policy,
            "runs": (len(cache) + 1) * len(worlds),
            "candidates": len(cache),
        }
    )
    return res


def _summary(job: tuple[Any, ...]) -> dict[str, float]:
    run, scenario, policy, seed, months, overrides = job
    return dict(run(scenario, policy=policy, seed=seed, months=months, overrides=overrides).summary)


def _search(
    evaluate: Any,
    xl: np.ndarray,
    xu: np.ndarray,
    objs: list[Any],
    budget: float | None,
    population: int,
    generations: int,
    seed: int,
    space: LeverSpace,
    progress: Callable[[int, int], None] | None,
) -> ParetoResult:
    return nsga2(
        evaluate,
        xl,
        xu,
        n_obj=len(objs),
        n_constr=1 if budget is not None else 0,
        population=population,
        generations=generations,
        seed=seed,
        objectives=[o[0] for o in objs],
        variables=space.names,
        senses=[o[1] for o in objs],
        decode=space.decode,
        callback=progress,
    )
