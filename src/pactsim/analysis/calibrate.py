"""Calibration of a scenario's uncertain parameters to its observed targets by ABC.

The scenario's ``calibration`` section says how: run ``calibration.policy`` from
``calibration.start`` (the run's ``meta.start`` is set to it) with ``calibration.overrides``
applied, for the months up to the last target's end; each target compares a series column
(``metric``), its months selected by the ``date`` column between ``start`` and ``end`` and
reduced by ``reduce`` (sum, mean, max, last), with the observed range [low, high].

The uncertainties are drawn from their prior (the scenario's ranges and distributions, a Latin
hypercube, :mod:`pactsim.experiments.design`); those whose path is fixed by
``calibration.overrides`` describe another date's state and are not calibrated (their ranges are
kept). The ABC core is :func:`pactsim.analysis.abc.abc_rejection`. The posterior's central 90%
interval becomes each calibrated uncertainty's new range (:func:`posterior_scenario_text`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pactsim.analysis.abc import AbcResult, abc_rejection
from pactsim.errors import InputError, PactsimError

RunFn = Callable[..., Any]
REDUCERS: dict[str, Callable[[np.ndarray], float]] = {
    "sum": lambda v: float(np.sum(v)),
    "mean": lambda v: float(np.mean(v)),
    "max": lambda v: float(np.max(v)),
    "last": lambda v: float(v[-1]),
}


def _month_index(ym: str) -> int:
    year, month = (int(x) for x in ym.split("-"))
    return year * 12 + month - 1


def calibration_months(scenario: Any) -> int:
    """Months from ``calibration.start`` to the last target's end, both included."""
    cal = _calibration(scenario)
    last = max(_month_index(t.end) for t in cal.targets)
    months = last - _month_index(cal.start) + 1
    if months < 1:
        raise InputError(
            f"{scenario.origin}: calibration.targets end ({max(t.end for t in cal.targets)}) "
            f"before calibration.start ({cal.start})"
        )
    return months


def _calibration(scenario: Any) -> Any:
    cal = getattr(scenario, "calibration", None)
    if cal is None or not cal.targets:
        raise InputError(
            f"{scenario.origin}: the scenario has no calibration targets "
            "(section 'calibration.targets')"
        )
    return cal


def target_value(series: pd.DataFrame, target: Any) -> float:
    """The run's value of one target: ``target.metric`` over the months whose ``date`` lies in
    [target.start, target.end], reduced by ``target.reduce``."""
    if target.metric not in series.columns:
        import difflib

        have = [c for c in series.columns if c not in ("month", "date")]
        close = difflib.get_close_matches(target.metric, have, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"the run records: {', '.join(have)}"
        raise InputError(
            f"calibration target '{target.name}': the run has no series column "
            f"'{target.metric}'; {hint}"
        )
    if "date" not in series.columns:
        raise InputError("calibration: the run's series has no 'date' column")
    dates = series["date"].astype(str)
    mask = (dates >= target.start) & (dates <= target.end)
    values = series.loc[mask, target.metric].to_numpy(dtype=float)
    if values.size == 0:
        raise InputError(
            f"calibration target '{target.name}': no month of the run lies in "
            f"{target.start}..{target.end}"
        )
    return REDUCERS[target.reduce](values)


@dataclass
class CalibrationSetup:
    """What a calibration samples and compares (built from the scenario by :func:`setup`)."""

    params: list[Any]  # experiments.design.Parameter, the calibrated uncertainties
    fixed: dict[str, Any]  # calibration.overrides (plus meta.start)
    policy: str | None
    months: int
    targets: list[Any]


def setup(scenario: Any) -> CalibrationSetup:
    """The calibrated parameters, fixed overrides, policy, horizon and targets of a scenario."""
    from pactsim.experiments.design import parameters

    cal = _calibration(scenario)
    fixed = {"meta.start": cal.start, **dict(cal.overrides)}
    params = [p for p in parameters(scenario) if p.path not in fixed]
    if not params:
        raise InputError(
            f"{scenario.origin}: no uncertainty left to calibrate "
            "(every uncertain path is fixed by calibration.overrides)"
        )
    policy = cal.policy
    if policy not in scenario.policies:
        raise InputError(
            f"{scenario.origin}: calibration.policy '{policy}' is not one of the "
            f"scenario's policies ({', '.join(scenario.policies) or 'none'})"
        )
    return CalibrationSetup(params, fixed, policy, calibration_months(scenario), list(cal.targets))


def _simulate_one(args: tuple[Any, ...]) -> list[float]:
    run, scenario, policy, seed, months, overrides, targets = args
    try:
        res = run(scenario, policy=policy, seed=seed, months=months, overrides=overrides)
    except PactsimError:
        raise  # a bad override path or value is the user's to fix, not a failed world
    except Exception:  # a world where the model breaks counts as a missing summary
        return [math.nan] * len(targets)
    return [target_value(res.series, t) for t in targets]


def simulate(
    scenario: Any,
    samples: int = 500,
    seed: int = 0,
    run: RunFn | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[CalibrationSetup, np.ndarray, np.ndarray]:
    """Draw ``samples`` worlds from the prior and run each once: returns the setup, the draws
    (samples, d) and the simulated target values (samples, m). ``run`` defaults to
    :func:`pactsim.engagement.run`; world w uses seed ``run_seed(seed, w, 0)``."""
    from pactsim.experiments.design import make_design, run_seed

    if run is None:
        from pactsim.engagement import run as run
    su = setup(scenario)
    design = make_design(su.params, "lhs", samples, seed)
    theta = np.array([[float(v[p.path]) for p in su.params] for v in design.values])
    jobs = [
        (
            run,
            scenario,
            su.policy,
            run_seed(seed, w, 0),
            su.months,
            {**su.fixed, **design.values[w]},
            su.targets,
        )
        for w in range(design.n_worlds)
    ]
    out: list[list[float]] = []
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            for row in pool.map(_simulate_one, jobs, chunksize=max(1, len(jobs) // (8 * workers))):
                out.append(row)
                if progress:
                    progress(len(out), len(jobs))
    else:
        for job in jobs:
            out.append(_simulate_one(job))
            if progress:
                progress(len(out), len(jobs))
    return su, theta, np.array(out, dtype=float)


def calibrate(
    scenario: Any,
    samples: int = 500,
    seed: int = 0,
    quantile: float = 0.1,
    regression: bool = False,
    run: RunFn | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> AbcResult:
    """Rejection ABC of the scenario's uncertainties against its calibration targets."""
    su, theta, S = simulate(scenario, samples, seed, run, workers, progress)
    bounds = np.array([[p.low, p.high] for p in su.params], dtype=float)
    res = abc_rejection(
        theta,
        S,
        [t.low for t in su.targets],
        [t.high for t in su.targets],
        names=[p.path for p in su.params],
        bounds=bounds,
        quantile=quantile,
        regression=regression,
        target_names=[t.name for t in su.targets],
    )
    res.info.update(
        {
            "samples": samples,
            "seed": seed,
            "policy": su.policy,
            "start": su.fixed["meta.start"],
            "months": su.months,
            "fixed": {k: v for k, v in su.fixed.items() if k != "meta.start"},
            "failed": int(np.sum(~np.all(np.isfinite(S), axis=1))),
            "dists": {p.path: p.dist for p in su.params},
        }
    )
    res.info["warnings"] = calibration_warnings(res)
    return res


def calibration_warnings(res: AbcResult) -> list[str]:
    """Plain-language cautions: too few accepted draws, targets no accepted run reproduces."""
    out = []
    if res.n_accepted < 20:
        out.append(
            f"only {res.n_accepted} draws accepted: the posterior intervals are rough; "
            "raise --samples"
        )
    for _, t in res.targets.iterrows():
        if t["share_in_range"] == 0:
            out.append(
                f"no accepted run reproduces '{t['name']}' ({t['low']:g}-{t['high']:g}; "
                f"posterior median {t['sim_median']:.4g}): the posterior is the least-bad "
                "region of the prior, not a fit"
            )
    return out


# ------------------------------------------------------------------ writing the posterior back
def _fmt(x: float, width: float, integer: bool) -> str:
    if integer:
        return str(round(x))
    decimals = max(0, 3 - math.floor(math.log10(width))) if width > 0 else 6
    return np.format_float_positional(round(x, decimals), trim="-")


def posterior_ranges(
    result: AbcResult, dists: dict[str, str] | None = None, level: float = 0.9
) -> dict[str, tuple[float, float]]:
    """The central ``level`` interval of each calibrated parameter, made a valid range (integer
    parameters widened to whole numbers; never empty)."""
    iv = result.intervals(level)
    out = {}
    for name, row in iv.iterrows():
        lo, hi = float(row["post_low"]), float(row["post_high"])
        plo, phi = float(row["prior_low"]), float(row["prior_high"])
        if (dists or {}).get(str(name)) == "integer":
            lo, hi = math.floor(lo), max(math.ceil(hi), math.floor(lo) + 1)
        if not hi > lo:
            pad = 1e-3 * (phi - plo)
            lo, hi = max(plo, lo - pad), min(phi, hi + pad)
        out[str(name)] = (lo, hi)
    return out


def posterior_scenario_text(
    text: str,
    ranges: dict[str, tuple[float, float]],
    origin: str = "<scenario>",
    header: str | None = None,
) -> str:
    """The scenario ``text`` with each named uncertainty's ``low``/``high`` replaced by ``ranges``
    (a triangular ``mode`` outside the new range is moved to its nearest end); every other
    character is kept. The result is validated with :func:`pactsim.scenario.from_text`."""
    import yaml

    from pactsim.scenario import from_text

    root = yaml.compose(text)
    node = _child(root, "uncertainties") if root is not None else None
    if node is None or not isinstance(node, yaml.SequenceNode):
        raise InputError(f"{origin}: no 'uncertainties' list to update")
    edits: list[tuple[int, int, str]] = []
    seen = set()
    for item in node.value:
        path_node = _child(item, "path")
        if path_node is None or path_node.value not in ranges:
            continue
        path = path_node.value
        seen.add(path)
        lo, hi = ranges[path]
        dist = _child(item, "dist")
        integer = dist is not None and dist.value == "integer"
        width = hi - lo
        for key, val in (("low", lo), ("high", hi)):
            edits.append(_edit(item, key, _fmt(val, width, integer), origin, path))
        mode = _child(item, "mode")
        if mode is not None and isinstance(mode, yaml.ScalarNode):
            m = float(mode.value)
            if not lo <= m <= hi:
                edits.append(
                    (
                        mode.start_mark.index,
                        mode.end_mark.index,
                        _fmt(min(max(m, lo), hi), width, integer),
                    )
                )
    missing = sorted(set(ranges) - seen)
    if missing:
        raise InputError(f"{origin}: no uncertainty with path {', '.join(missing)}")
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    if header:
        out = "".join(f"# {line}\n" for line in header.splitlines()) + out
    from_text(out, origin)
    return out


def _child(node: Any, key: str) -> Any:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _edit(item: Any, key: str, new: str, origin: str, path: str) -> tuple[int, int, str]:
    import yaml

    node = _child(item, key)
    if isinstance(node, yaml.MappingNode):  # {value: ..., source: ...}
        node = _child(node, "value")
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(f"{origin}: uncertainty {path} has no plain '{key}' number to update")
    return node.start_mark.index, node.end_mark.index, new
