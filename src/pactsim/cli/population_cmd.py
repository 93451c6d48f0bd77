"""``pactsim population``: Epstein's (2002) civil-violence model from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from pactsim.cli.common import print_json
from pactsim.errors import InputError

console = Console()


def _series_table(series: dict[str, Any], every: int) -> Table:
    table = Table(title="citizens per tick (tick 0 = initial state)")
    for col in ("tick", "quiet", "active", "jailed", "newly active", "tension"):
        table.add_column(col, justify="right")
    n = len(series["quiet"])
    for t in range(0, n, every):
        table.add_row(
            str(t),
            *(
                str(int(series[k][t]))
                for k in ("quiet", "active", "jailed", "newly_active", "tension")
            ),
        )
    return table


def population_cmd(
    preset: str | None = typer.Option(
        None, "--preset", help="A run of Epstein (2002): run1 ... run8, gradual, jump."
    ),
    width: int | None = typer.Option(None, "--width", help="Grid columns (cells)."),
    height: int | None = typer.Option(None, "--height", help="Grid rows (cells)."),
    citizen_density: float | None = typer.Option(
        None, "--citizen-density", help="Share of cells with a citizen (0-1)."
    ),
    cop_density: float | None = typer.Option(
        None, "--cop-density", help="Share of cells with a cop (0-1)."
    ),
    vision: int | None = typer.Option(
        None, "--vision", help="Vision of citizens and cops (cells)."
    ),
    legitimacy: float | None = typer.Option(
        None, "--legitimacy", help="Regime legitimacy L (0-1)."
    ),
    max_jail: int | None = typer.Option(None, "--max-jail", help="Longest jail term (ticks)."),
    threshold: float | None = typer.Option(None, "--threshold", help="Activation threshold T."),
    k: float | None = typer.Option(None, "--k", help="Arrest constant k."),
    variant: str = typer.Option("netlogo", "--variant", help="paper, netlogo or mesa."),
    birth_rate: float | None = typer.Option(
        None, "--birth-rate", help="Model II (run6-run8): chance per tick of a child (0-1)."
    ),
    max_age: int | None = typer.Option(
        None, "--max-age", help="Model II (run6-run8): longest life span, ticks (0: no ageing)."
    ),
    steps: int | None = typer.Option(
        None, "--steps", help="Ticks to run (default: preset's, or 500)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed (non-negative integer)."),
    every: int = typer.Option(0, "--every", help="Print every n-th tick (0: a summary only)."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document for scripts."),
    plot: Path | None = typer.Option(None, "--plot", help="Draw the series to this PNG file."),
    animate: Path | None = typer.Option(
        None, "--animate", help="Render the grid over time to this GIF file."
    ),
) -> None:
    """Run Epstein's civil-violence model: quiet, active and jailed citizens per tick, and the
    outbursts (number, waiting times, total activation, tension)."""
    from pactsim.models.population import (
        PRESETS,
        CivilViolenceParams,
        default_threshold,
        outbursts,
        preset_params,
        run_preset,
    )
    from pactsim.models.population.presets import MODEL_II_PRESETS

    if seed < 0:
        raise InputError(f"--seed: must be a non-negative integer (got {seed})")
    if steps is not None and steps < 0:
        raise InputError(f"--steps: must be a non-negative integer (got {steps})")
    if every < 0:
        raise InputError(f"--every: must be a non-negative integer (got {every})")
    overrides = {
        "width": width,
        "height": height,
        "citizen_density": citizen_density,
        "cop_density": cop_density,
        "vision": vision,
        "legitimacy": legitimacy,
        "max_jail": max_jail,
        "threshold": threshold,
        "k": k,
    }
    if preset in MODEL_II_PRESETS:
        overrides.update(birth_rate=birth_rate, max_age=max_age)
        _ethnic(preset, overrides, variant, steps, seed, json_out, plot, animate, every)
        return
    if birth_rate is not None or max_age is not None:
        raise InputError("--birth-rate and --max-age: only for the Model II presets run6-run8")
    name = preset or "custom"
    if preset is None:
        params = CivilViolenceParams(
            variant=variant,
            **{key: v for key, v in overrides.items() if v is not None},  # type: ignore[arg-type]
        )
        n_steps = 500 if steps is None else steps
        from pactsim.models.population import simulate

        frames: list[np.ndarray] = []
        series = (
            _with_frames(params, seed, n_steps, frames)
            if animate
            else simulate(params, seed, n_steps)
        )
        schedule: dict[str, Any] = {}
    else:
        params = preset_params(preset, variant=variant, **overrides)
        n_steps = PRESETS[preset].steps if steps is None else steps
        series, schedule = run_preset(preset, seed, params=params, steps=n_steps)
        frames = []
        if animate:
            _with_frames(params, seed, n_steps, frames, preset=preset)
    n_cit = int(series["quiet"][0] + series["active"][0] + series["jailed"][0])
    ob = outbursts(series["active"], default_threshold(n_cit))
    doc = {
        "model": "civil-violence-I",
        "preset": name,
        "params": {**params.as_dict(), "seed": seed, "steps": n_steps},
        "citizens": n_cit,
        "series": {key: np.asarray(v).tolist() for key, v in series.items()},
        "schedule": schedule,
        "outbursts": ob.as_dict(),
    }
    if plot:
        from pactsim.models.population.plot import plot_series

        plot_series(
            series,
            plot,
            title=f"civil violence ({name}, {params.variant}, seed {seed})",
            threshold=ob.threshold,
            schedule=schedule,
        )
    if animate:
        from pactsim.models.population.plot import animate_grid

        animate_grid(frames, animate)
    if json_out:
        print_json(doc)
        return
    _print_summary(doc, series, every)
    if plot:
        console.print(f"plot written to {plot}")
    if animate:
        console.print(f"animation written to {animate}")


def _with_frames(
    params: Any, seed: int, steps: int, frames: list[np.ndarray], preset: str | None = None
) -> dict[str, Any]:
    """Run again tick by tick, keeping the grid of each tick for the animation."""
    from pactsim.models.population import CivilViolence
    from pactsim.models.population.model import remove_cops
    from pactsim.models.population.presets import PRESETS

    model = CivilViolence(params, seed)
    pre = PRESETS[preset] if preset else None
    removals = dict(pre.cop_removals) if pre else {}
    leg = pre.legitimacy if pre else None
    frames.append(model.grid().copy())
    out: dict[str, list[int]] = {
        k: [] for k in ("quiet", "active", "jailed", "newly_active", "tension")
    }
    c0 = model.counts()
    for key in out:
        out[key].append(c0.get(key, 0))
    for t in range(1, steps + 1):
        if t in removals:
            remove_cops(model, removals[t])
        lv = None if leg is None else leg[min(t, len(leg)) - 1]
        r = model.advance(1, legitimacy=lv)
        for key in out:
            out[key].append(int(getattr(r, key)[0]))
        frames.append(model.grid().copy())
    return {k: np.asarray(v) for k, v in out.items()}


def _print_summary(doc: dict[str, Any], series: dict[str, Any], every: int) -> None:
    p = doc["params"]
    console.print(
        f"[bold]civil violence[/] preset {doc['preset']}, variant {p['variant']}, "
        f"{p['width']} x {p['height']}, {doc['citizens']} citizens, seed {p['seed']}, "
        f"{p['steps']} ticks"
    )
    if every:
        console.print(_series_table(series, every))
    t = Table(title="summary")
    t.add_column("series")
    for col in ("initial", "mean", "max", "final"):
        t.add_column(col, justify="right")
    for key in ("quiet", "active", "jailed", "tension"):
        v = np.asarray(series[key])
        t.add_row(key, str(int(v[0])), f"{v.mean():.1f}", str(int(v.max())), str(int(v[-1])))
    console.print(t)
    ob = doc["outbursts"]

    def fmt(x: float | None) -> str:
        return "-" if x is None or x != x else f"{x:.1f}"

    o = Table(title=f"outbursts (actives > {ob['threshold']:.0f})")
    o.add_column("statistic")
    o.add_column("value", justify="right")
    o.add_row("number", str(ob["count"]))
    o.add_row("waiting time, mean (s.d.)", f"{fmt(ob['mean_wait'])} ({fmt(ob['sd_wait'])})")
    o.add_row(
        "total activation, mean (s.d.)",
        f"{fmt(ob['mean_total_activation'])} ({fmt(ob['sd_total_activation'])})",
    )
    console.print(o)


def _ethnic(
    preset: str,
    overrides: dict[str, Any],
    variant: str,
    steps: int | None,
    seed: int,
    json_out: bool,
    plot: Path | None,
    animate: Path | None,
    every: int,
) -> None:
    from pactsim.models.population.ethnic import ETHNIC_PRESETS, EthnicParams, run_ethnic

    pre = ETHNIC_PRESETS[preset]
    fields = {**pre.params, "variant": variant}
    fields.update({key: v for key, v in overrides.items() if v is not None})
    params = EthnicParams(**fields)
    n_steps = pre.steps if steps is None else steps
    frames: list[np.ndarray] | None = [] if animate else None
    series = run_ethnic(params, seed, n_steps, frames=frames)
    # the same contract as Model I: quiet, active and jailed citizens, and the outbursts
    alive = series["blue"] + series["green"]
    series["quiet"] = alive - series["active"] - series["jailed"]
    from pactsim.models.population.outbursts import default_threshold, outbursts

    doc = {
        "model": "civil-violence-II",
        "preset": preset,
        "params": {**params.as_dict(), "seed": seed, "steps": n_steps},
        "citizens": int(alive[0]),
        "series": {key: np.asarray(v).tolist() for key, v in series.items()},
        "outbursts": outbursts(series["active"], default_threshold(int(alive[0]))).as_dict(),
    }
    if plot:
        from pactsim.models.population.plot import plot_ethnic

        plot_ethnic(series, plot, title=f"ethnic violence ({preset}, seed {seed})")
    if animate and frames is not None:
        from pactsim.models.population.plot import ETHNIC_COLOURS, animate_grid

        animate_grid(frames, animate, colours=ETHNIC_COLOURS)
    if json_out:
        print_json(doc)
        return
    console.print(f"[bold]ethnic violence[/] preset {preset}, seed {seed}, {n_steps} ticks")
    t = Table(title="population by group")
    cols = ("blue", "green", "quiet", "active", "jailed", "killed", "born", "died")
    for col in ("tick", *cols, "segregation"):
        t.add_column(col, justify="right")
    step = every or max(1, n_steps // 10)
    for i in range(0, n_steps + 1, step):
        t.add_row(
            str(i),
            *(str(int(series[c][i])) for c in cols),
            "-" if np.isnan(series["segregation"][i]) else f"{series['segregation'][i]:.2f}",
        )
    console.print(t)
    if plot:
        console.print(f"plot written to {plot}")
    if animate:
        console.print(
            f"animation written to {animate} (blue and green groups, lighter when active; "
            "peacekeepers red)"
        )


def register(app: typer.Typer) -> None:
    """Add the ``population`` command to the app."""
    app.command("population")(population_cmd)
