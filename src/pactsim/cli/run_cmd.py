"""``pactsim run``: one seeded run of a scenario per policy, side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from pactsim.cli.common import (
    JsonOption,
    SetOption,
    check_int,
    console,
    load_scenario,
    print_json,
    styled,
)
from pactsim.errors import InputError

#: Seeds fit a 64-bit integer, as the results stores (BIGINT) keep them.
MAX_SEED = 2**63 - 1
#: Replications of ``check-calibration``: enough for any interval, few enough to finish.
MAX_REPLICATIONS = 1000


def register(app: typer.Typer) -> None:
    """Add ``run`` and ``check-calibration`` to the app."""
    app.command("run")(run)
    app.command("check-calibration")(check_calibration)


def run(
    scenario: str = typer.Argument(..., help="Scenario file or bundled name."),
    policy: list[str] | None = typer.Option(
        None, "--policy", "-p", help="Policy name (repeatable); 'all' runs every policy."
    ),
    seed: int = typer.Option(0, "--seed", help=f"Random seed (0 to {MAX_SEED})."),
    months: int | None = typer.Option(
        None,
        "--months",
        help="Horizon [months], up to the scenario format's limit on meta.months "
        "(default: the scenario's).",
    ),
    assignments: list[str] | None = SetOption,
    out: Path | None = typer.Option(
        None, "--out", help="Folder for the monthly series (Parquet and CSV) and run records."
    ),
    plot: bool = typer.Option(
        False, "--plot", help="Draw the main series (PNG in --out, or out/)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Run a scenario month by month and print the outcomes (policies side by side)."""
    from pactsim.engagement import run as run_once

    check_int("--seed", seed, 0, MAX_SEED)
    if months is not None:
        check_int("--months", months, 1, max_months(), "the scenario format's limit")
    sc = load_scenario(scenario, assignments)
    names: list[str | None] = [*policy] if policy else [None]
    if "all" in names:
        names = list(sc.policies) or [None]
    for name in names:
        if name is not None and name not in sc.policies:
            known = ", ".join(sc.policies) or "none"
            raise InputError(f"--policy {name}: no such policy in {sc.origin} (known: {known})")
    results = []
    with console.status("running...", spinner="dots") if not as_json else _null():
        for name in names:
            results.append(run_once(sc, name, seed=seed, months=months))
    if out is not None:
        _write(out, sc, results, seed)
    png = None
    if plot:
        from pactsim.report.run_plots import plot_runs

        png = plot_runs(
            results,
            (out or Path("out")) / f"{sc.meta.name}_seed{seed}.png",
            title=f"{sc.meta.title or sc.meta.name} (seed {seed})",
        )
    if as_json:
        docs = [r.to_dict() for r in results]
        print_json(docs[0] if len(docs) == 1 else {"runs": docs})
        return
    _table(sc, results)
    if out is not None:
        console.print(f"series written to {out}/")
    if png is not None:
        console.print(f"plot written to {png}")


def max_months() -> int:
    """The longest horizon a run may have: the scenario format's limit on ``meta.months``."""
    from pactsim.scenario.model import Meta
    from pactsim.scenario.numbers import upper_bound

    return int(upper_bound(Meta, "months"))


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: Any) -> None:
        return None


def _rows(sc: Any, summary: dict[str, float]) -> list[str]:
    """The declared summaries that have a direction (the outcomes), in declaration order."""
    from pactsim.engagement import declared_outputs

    return [
        o.name for o in declared_outputs(sc).summary if o.direction != "info" and o.name in summary
    ]


def _table(sc: Any, results: list[Any]) -> None:
    table = Table(
        title=f"{sc.meta.name}: one run (seed {results[0].seed}), {len(results[0].series)} months"
    )
    table.add_column("outcome", no_wrap=True)
    for r in results:
        table.add_column(r.policy or "as written", justify="right")
    for key in _rows(sc, results[0].summary):
        table.add_row(key, *(_fmt(r.summary[key]) for r in results))
    console.print(table)
    for r in results:
        months = {i.id: _first_month(r.series, i.id, sc) for i in sc.issues if i.reform}
        reached = ", ".join(f"{k} at month {v}" for k, v in months.items() if v)
        if reached:
            console.print(
                styled((r.policy or "as written", "bold"), f": success level reached: {reached}")
            )


def _first_month(series: Any, issue: str, sc: Any) -> int | None:
    level = sc.engagement.success_levels.get(issue)
    if level is None:
        return None
    hit = series.loc[series[f"reform_{issue}"] >= level, "month"]
    return int(hit.iloc[0]) if len(hit) else None


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.2f}"


def _write(out: Path, sc: Any, results: list[Any], seed: int) -> None:
    from pactsim import __version__

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out}: cannot create the folder ({exc.strerror})") from None
    (out / "scenario.yaml").write_text(sc.source_text)
    for r in results:
        stem = f"{sc.meta.name}_{r.policy or 'as-written'}_seed{seed}"
        r.series.to_parquet(out / f"{stem}.parquet", index=False)
        r.series.to_csv(out / f"{stem}.csv", index=False)
        record = {
            "scenario": sc.meta.name,
            "origin": sc.origin,
            "scenario_hash": sc.hash,
            "policy": r.policy,
            "seed": seed,
            "version": __version__,
            "summary": r.summary,
        }
        (out / f"{stem}.json").write_text(json.dumps(record, indent=2))


def check_calibration(
    scenario: str = typer.Argument(..., help="Scenario file or bundled name."),
    seeds: int = typer.Option(
        8, "--seeds", help=f"Replications of the baseline run (1 to {MAX_REPLICATIONS})."
    ),
    assignments: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Run the calibration baseline and show where it lands against each observed target."""
    import numpy as np

    from pactsim.analysis.calibrate import setup, target_value
    from pactsim.engagement import run as run_once

    check_int("--seeds", seeds, 1, MAX_REPLICATIONS)
    sc = load_scenario(scenario, assignments)
    cs = setup(sc)
    values = np.array(
        [
            [
                target_value(
                    run_once(sc, cs.policy, seed=s, months=cs.months, overrides=cs.fixed).series, t
                )
                for t in cs.targets
            ]
            for s in range(seeds)
        ]
    )
    rows = []
    for t, v in zip(cs.targets, values.T, strict=True):
        mean = float(v.mean())
        rows.append(
            {
                "target": t.name,
                "metric": t.metric,
                "period": f"{t.start}..{t.end}",
                "low": t.low,
                "high": t.high,
                "mean": mean,
                "min": float(v.min()),
                "max": float(v.max()),
                "inside": bool(t.low <= mean <= t.high),
                "share_inside": float(np.mean((v >= t.low) & (v <= t.high))),
                "source": t.source,
            }
        )
    if as_json:
        print_json(
            {
                "scenario": sc.meta.name,
                "policy": cs.policy,
                "start": cs.fixed["meta.start"],
                "seeds": seeds,
                "targets": rows,
            }
        )
        return
    table = Table(
        title=f"{sc.meta.name}: '{cs.policy}' from {cs.fixed['meta.start']}, {seeds} seeds"
    )
    for col in ("target", "observed range", "simulated mean", "min-max", "runs inside"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["target"],
            f"{r['low']:,.0f}-{r['high']:,.0f}",
            Text(f"{r['mean']:,.0f}", style="green" if r["inside"] else "red"),
            f"{r['min']:,.0f}-{r['max']:,.0f}",
            f"{r['share_inside']:.0%}",
        )
    console.print(table)
