"""``pactsim analyze sensitivity|discover``, ``pactsim calibrate`` and ``pactsim design``."""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from pactsim.cli.common import (
    JsonOption,
    SetOption,
    console,
    load_scenario,
    print_json,
    styled,
)
from pactsim.errors import InputError

analyze_app = typer.Typer(
    name="analyze",
    help="Analyse an ensemble's results store: sensitivity indices and scenario discovery.",
    no_args_is_help=True,
)

ModelOption = typer.Option(
    "pactsim.engagement:run", "--model", help="Model to run, as module:function."
)
PlotOption = typer.Option(None, "--plot", help="Write a PNG figure to this file.")


def register(app: typer.Typer) -> None:
    """Add ``analyze`` (sub-app), ``calibrate`` and ``design`` to the app."""
    app.add_typer(analyze_app, name="analyze")
    app.command("calibrate")(calibrate)
    app.command("design")(design)


# ------------------------------------------------------------------------------ helpers
MAX_COLUMNS = 8  # packages shown side by side in the lever table


def _fmt(x: Any, digits: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float | int):
        if isinstance(x, float) and not math.isfinite(x):
            return "-"
        return f"{x:.{digits}g}"
    return str(x)


def _model(name: str) -> Callable[..., Any]:
    module, _, attr = name.partition(":")
    if not module or not attr:
        raise InputError(f"--model: expected 'package.module:function' (got '{name}')")
    try:
        obj: Any = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise InputError(f"--model: cannot import '{name}' ({exc})") from None
    if not callable(obj):
        raise InputError(f"--model: '{name}' is not callable")
    return obj


@contextmanager
def _progress(label: str, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr (stdout stays clean for --json)."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        f"[bold]{label}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _plot(result: Any, path: Path | None) -> str | None:
    if path is None:
        return None
    if path.suffix.lower() != ".png":
        raise InputError(f"--plot: expected a .png file name (got '{path}')")
    path.parent.mkdir(parents=True, exist_ok=True)
    return result.plot(str(path))


def _check_unit(name: str, value: float, low: float, high: float) -> None:
    if not low < value < high:
        raise InputError(f"{name}: must be between {low} and {high} (got {value})")


# ------------------------------------------------------------------------- sensitivity
@analyze_app.command("sensitivity")
def sensitivity(
    store: Path = typer.Argument(..., help="Results store made by 'pactsim ensemble'."),
    method: str = typer.Option(..., "--method", help="sobol or morris (the ensemble's sampler)."),
    outcome: str = typer.Option(..., "--outcome", help="Summary outcome to explain."),
    policy: str | None = typer.Option(None, "--policy", help="Policy (default: the only one)."),
    conf_level: float = typer.Option(0.95, "--conf-level", help="Bootstrap interval level."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
    plot: Path | None = PlotOption,
    as_json: bool = JsonOption,
) -> None:
    """First-order, total (and second-order for Sobol) indices with confidence intervals."""
    from pactsim.analysis.store import sensitivity_from_store

    _check_unit("--conf-level", conf_level, 0.0, 1.0)
    res = sensitivity_from_store(store, method, outcome, policy, conf_level, seed)
    png = _plot(res, plot)
    if as_json:
        print_json({**res.to_dict(), "plot": png})
        return
    pol = res.info.get("policy")
    t = Table(
        title=f"{method} indices of {outcome} (policy {pol or 'as written'}, "
        f"{res.n_runs} worlds; +- is the {conf_level:.0%} interval half-width)"
    )
    t.add_column("parameter", no_wrap=True)
    tab = res.table.loc[res.ranking()]
    if method == "sobol":
        for c in ("S1", "ST"):
            t.add_column(c, justify="right")
        for name, row in tab.iterrows():
            t.add_row(
                str(name),
                f"{row['S1']:.3f} +- {row['S1_conf']:.3f}",
                f"{row['ST']:.3f} +- {row['ST_conf']:.3f}",
            )
    else:
        for c in ("mu*", "mu", "sigma"):
            t.add_column(c, justify="right")
        for name, row in tab.iterrows():
            t.add_row(
                str(name),
                f"{row['mu_star']:.4g} +- {row['mu_star_conf']:.2g}",
                f"{row['mu']:.4g}",
                f"{row['sigma']:.4g}",
            )
    console.print(t)
    if res.S2 is not None and res.S2_conf is not None:
        pairs = res.to_dict()["second_order"]
        pairs.sort(key=lambda p: -abs(p["S2"]) if math.isfinite(p["S2"]) else 0)
        t2 = Table(title="largest second-order indices S2")
        for c in ("a", "b", "S2"):
            t2.add_column(c, justify="right" if c == "S2" else "left")
        for p in pairs[:10]:
            t2.add_row(p["a"], p["b"], f"{p['S2']:.3f} +- {p['S2_conf']:.3f}")
        console.print(t2)
    if png:
        console.print(f"plot written to {png}")


# ---------------------------------------------------------------------------- discover
@analyze_app.command("discover")
def discover(
    store: Path = typer.Argument(..., help="Results store made by 'pactsim ensemble'."),
    where: str = typer.Option(
        ...,
        "--where",
        help="Cases of interest, '<outcome> <op> <number>', op one of "
        '< <= > >= == != (e.g. "reform_inclusivity_36m < 50").',
    ),
    outcome: str | None = typer.Option(
        None, "--outcome", help="Outcome named in --where (then --where may be just '< 50')."
    ),
    policy: str | None = typer.Option(None, "--policy", help="Policy (default: the only one)."),
    threshold: float = typer.Option(0.8, "--threshold", help="Least density of a box."),
    mass_min: float = typer.Option(0.05, "--mass-min", help="Least share of runs in a box."),
    peel_alpha: float = typer.Option(0.05, "--peel-alpha", help="Share peeled per step."),
    boxes: int = typer.Option(1, "--boxes", help="Most boxes to find."),
    plot: Path | None = PlotOption,
    as_json: bool = JsonOption,
) -> None:
    """PRIM boxes of uncertain parameters where the condition holds (e.g. the policy fails)."""
    from pactsim.analysis.condition import parse_condition
    from pactsim.analysis.store import discover_from_store

    text = where.strip()
    if outcome is not None:
        if text[:1] in "<>=!":
            text = f"{outcome} {text}"
        elif parse_condition(text).name != outcome:
            raise InputError(
                f"--where names '{parse_condition(text).name}' but --outcome is '{outcome}'"
            )
    _check_unit("--threshold", threshold, 0.0, 1.0 + 1e-12)
    _check_unit("--mass-min", mass_min, 0.0, 1.0)
    _check_unit("--peel-alpha", peel_alpha, 0.0, 0.5)
    if boxes < 1:
        raise InputError(f"--boxes: must be at least 1 (got {boxes})")
    res = discover_from_store(store, text, policy, threshold, peel_alpha, mass_min, boxes)
    if not res.boxes and "message" not in res.info:
        res.info["message"] = f"no box reaches density {threshold:g}; try a lower --threshold"
    png = _plot(res, plot)
    if as_json:
        print_json({**res.to_dict(), "plot": png})
        return
    pol = res.info.get("policy")
    console.print(
        styled(
            (str(res.condition), "bold"),
            f" under policy {pol or 'as written'}: "
            f"{res.n_interest} of {res.n_runs} worlds ({res.n_interest / res.n_runs:.0%})",
        )
    )
    if "message" in res.info:
        console.print(res.info["message"])
    for j, box in enumerate(res.boxes, 1):
        t = Table(
            title=f"box {j}: coverage {box.coverage:.2f}, density {box.density:.2f}, "
            f"mass {box.mass:.2f} ({box.k} of {box.n} runs in the box)"
        )
        for c in ("parameter", "lower", "upper", "full range", "quasi-p"):
            t.add_column(c, justify="left" if c == "parameter" else "right")
        for name, row in box.limits.iterrows():
            if row["values"] is not None:
                t.add_row(str(name), "{" + ", ".join(map(str, row["values"])) + "}", "", "", "")
                continue
            qps = [q for q in (row["qp_lower"], row["qp_upper"]) if q == q]
            t.add_row(
                str(name),
                _fmt(row["lower"], 4),
                _fmt(row["upper"], 4),
                f"{_fmt(row['min'], 4)} - {_fmt(row['max'], 4)}",
                _fmt(max(qps)) if qps else "-",
            )
        console.print(t)
        traj = Table(title=f"box {j}: peeling trajectory (chosen step {box.index})")
        for c in ("step", "coverage", "density", "mass", "restricted"):
            traj.add_column(c, justify="right")
        steps = list(range(len(box.trajectory)))
        shown = sorted(set([*steps[:: max(1, len(steps) // 12)], box.index, steps[-1]]))
        for i in shown:
            r = box.trajectory.iloc[i]
            mark = "*" if i == box.index else ""
            traj.add_row(
                f"{i}{mark}",
                f"{r['coverage']:.2f}",
                f"{r['density']:.2f}",
                f"{r['mass']:.2f}",
                f"{int(r['res_dim'])}",
            )
        console.print(traj)
    if png:
        console.print(f"plot written to {png}")


# --------------------------------------------------------------------------- calibrate
def calibrate(
    scenario: str = typer.Argument(..., help="Scenario file or bundled name."),
    samples: int = typer.Option(500, "--samples", help="Prior draws (one run each)."),
    quantile: float = typer.Option(0.1, "--quantile", help="Share of draws accepted."),
    regression: bool = typer.Option(
        False, "--regression", help="Beaumont et al. (2002) regression adjustment."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    workers: int = typer.Option(1, "--workers", help="Local processes."),
    out: Path | None = typer.Option(None, "--out", help="Write the calibrated scenario here."),
    assignments: list[str] | None = SetOption,
    model: str = ModelOption,
    plot: Path | None = PlotOption,
    as_json: bool = JsonOption,
) -> None:
    """Fit the uncertain parameters to the scenario's observed targets by ABC."""
    from pactsim.analysis.calibrate import (
        calibrate as run_abc,
    )
    from pactsim.analysis.calibrate import (
        posterior_ranges,
        posterior_scenario_text,
    )

    if samples < 10:
        raise InputError(f"--samples: must be at least 10 (got {samples})")
    _check_unit("--quantile", quantile, 0.0, 1.0 + 1e-12)
    if workers < 1:
        raise InputError(f"--workers: must be at least 1 (got {workers})")
    if out is not None and out.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(f"--out: expected a .yaml file name (got '{out}')")
    sc = load_scenario(scenario, assignments)
    run = _model(model)
    with _progress("calibrating", not as_json) as bar:
        res = run_abc(
            sc,
            samples=samples,
            seed=seed,
            quantile=quantile,
            regression=regression,
            run=run,
            workers=workers,
            progress=bar,
        )
    written = None
    if out is not None:
        ranges = posterior_ranges(res, res.info["dists"])
        header = (
            f"Calibrated by 'pactsim calibrate' (rejection ABC, {samples} draws, seed {seed},\n"
            f"{res.n_accepted} accepted): uncertainty ranges are the posterior's central 90% "
            "intervals."
        )
        text = posterior_scenario_text(sc.source_text, ranges, str(out), header)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        written = str(out)
    png = _plot(res, plot)
    if as_json:
        print_json({**res.to_dict(), "scenario": sc.meta.name, "out": written, "plot": png})
        return
    console.print(
        styled(
            (sc.meta.name, "bold"),
            f": {res.n_accepted} of {samples} draws accepted "
            f"(tolerance {res.epsilon:.3g}; policy {res.info['policy']} from "
            f"{res.info['start']}, {res.info['months']} months; "
            f"{res.info['failed']} failed runs)",
        )
    )
    t = Table(title="targets: observed range, simulated (prior median -> posterior median)")
    for c in ("target", "observed", "prior", "posterior", "in range (prior -> post.)"):
        t.add_column(c, justify="left" if c == "target" else "right")
    for _, r in res.targets.iterrows():
        t.add_row(
            str(r["name"]),
            f"{_fmt(r['low'], 4)} - {_fmt(r['high'], 4)}",
            _fmt(r["prior_median"], 4),
            _fmt(r["sim_median"], 4),
            f"{r['share_in_range_prior']:.0%} -> {r['share_in_range']:.0%}",
        )
    console.print(t)
    p = Table(title="parameters: prior range -> posterior median and central 90%")
    p.add_column("parameter", overflow="fold")
    for c in ("prior", "posterior 90%", "median", "shrinkage"):
        p.add_column(c, justify="right")
    for name, r in res.intervals().iterrows():
        p.add_row(
            str(name),
            f"{_fmt(r['prior_low'])} - {_fmt(r['prior_high'])}",
            f"{_fmt(r['post_low'])} - {_fmt(r['post_high'])}",
            _fmt(r["post_median"]),
            f"{r['shrinkage']:.0%}",
        )
    console.print(p)
    for warning in res.info.get("warnings", []):
        console.print(styled(("warning:", "yellow"), f" {warning}"))
    if res.info.get("fixed"):
        console.print(
            "held at calibration.overrides: "
            + ", ".join(f"{k}={v}" for k, v in res.info["fixed"].items())
        )
    if written:
        console.print(f"calibrated scenario written to {written}")
    if png:
        console.print(f"plot written to {png}")


# ------------------------------------------------------------------------------ design
def design(
    scenario: str = typer.Argument(..., help="Scenario file or bundled name."),
    budget: float | None = typer.Option(
        None, "--budget", help="Most expected cost (mean cost_total over the worlds)."
    ),
    generations: int = typer.Option(10, "--generations", help="NSGA-II generations."),
    population: int = typer.Option(20, "--population", help="NSGA-II population size."),
    samples: int = typer.Option(8, "--samples", help="Sampled worlds per candidate."),
    policy: str | None = typer.Option(None, "--policy", help="Base policy the levers modify."),
    months: int | None = typer.Option(None, "--months", help="Horizon [months]."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    workers: int = typer.Option(1, "--workers", help="Local processes."),
    assignments: list[str] | None = SetOption,
    model: str = ModelOption,
    plot: Path | None = PlotOption,
    as_json: bool = JsonOption,
) -> None:
    """Robust multi-objective package design (NSGA-II over the levers)."""
    from pactsim.analysis.robust import design_package

    if budget is not None and not budget >= 0:
        raise InputError(f"--budget: must be 0 or more (got {budget})")
    if months is not None and months <= 0:
        raise InputError(f"--months: must be at least 1 (got {months})")
    if workers < 1:
        raise InputError(f"--workers: must be at least 1 (got {workers})")
    sc = load_scenario(scenario, assignments)
    run = _model(model)
    with _progress("generations", not as_json) as bar:
        res = design_package(
            sc,
            budget,
            generations,
            population,
            samples,
            seed,
            policy,
            months,
            run=run,
            progress=bar,
            workers=workers,
        )
    png = _plot(res, plot)
    if as_json:
        print_json({**res.to_dict(), "scenario": sc.meta.name, "plot": png})
        return
    b = "no budget" if budget is None else f"expected cost <= {budget:g}"
    console.print(
        styled(
            (sc.meta.name, "bold"),
            f": NSGA-II, {generations} generations of {population}, "
            f"each candidate over {samples} worlds ({b}); {res.info['runs']} runs",
        )
    )
    if not len(res.table):
        console.print("no feasible package found: raise --budget or the search effort")
    t = Table(title=f"Pareto set: {len(res.table)} packages (expected values over the worlds)")
    t.add_column("#", justify="right")
    for name, sense in zip(res.objectives, res.senses, strict=True):
        t.add_column(f"{name} ({sense})", justify="right")
    for i, row in res.table.iterrows():
        t.add_row(str(i + 1), *[_fmt(row[c], 4) for c in res.objectives])
    console.print(t)
    shown = res.table.iloc[:MAX_COLUMNS]
    if len(shown):
        lv = Table(
            title="levers of each package"
            + (f" (first {MAX_COLUMNS}; all in --json)" if len(res.table) > MAX_COLUMNS else "")
        )
        lv.add_column("lever", overflow="fold")
        for i in shown.index:
            lv.add_column(f"#{i + 1}", justify="right")
        for c in res.variables:
            lv.add_row(c, *[_fmt(v, 4) for v in shown[c].tolist()])
        console.print(lv)
    if png:
        console.print(f"plot written to {png}")
