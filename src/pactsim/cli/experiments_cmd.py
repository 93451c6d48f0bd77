"""``pactsim ensemble``, ``pactsim compare`` and ``pactsim export`` (docs/ensembles.md)."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path
from typing import Any

import typer

from pactsim.cli.common import (
    JsonOption,
    SetOption,
    console,
    err_console,
    print_json,
    styled,
)


def _fmt(kind: str, est: float, lo: float, hi: float) -> str:
    import math

    if kind == "probability":
        if math.isnan(lo):
            return f"{100 * est:.0f}%"
        return f"{100 * est:.0f}% ({100 * lo:.0f}-{100 * hi:.0f})"
    if math.isnan(est):
        return "-"
    if math.isnan(lo):
        return f"{est:.4g}"
    return f"{est:.4g} ({lo:.4g}-{hi:.4g})"


RUNS_FAILED = 3  # exit code of an ensemble that ran but in which some runs failed


def _failure_records(fails: Any) -> list[dict[str, Any]]:
    cols = ["error", "runs", "worlds", "policies"]
    return [{k: r[k] for k in cols} for r in fails.to_dict(orient="records")]


def register(app: typer.Typer) -> None:
    """Add the ensemble, compare and export commands to the app."""

    @app.command()
    def ensemble(
        scenario: str = typer.Argument(..., help="Scenario file or bundled name."),
        policy: list[str] = typer.Option(
            None, "--policy", "-p", help="Policy to run (repeatable; default: every policy)."
        ),
        samples: int = typer.Option(
            100,
            "--samples",
            "-n",
            help="Worlds (lhs), base size N (sobol, a power of 2), trajectories (morris) or "
            "levels per parameter (factorial).",
        ),
        sampler: str = typer.Option("lhs", "--sampler", help="lhs | sobol | morris | factorial."),
        replications: int = typer.Option(
            1, "--replications", "-r", help="Runs per world and policy, each with its own seed."
        ),
        seed: int = typer.Option(0, "--seed", help="Master seed of the design and the runs."),
        levers: bool = typer.Option(False, "--levers", help="Sample the levers too."),
        months: int = typer.Option(None, "--months", help="Horizon (default: the scenario's)."),
        workers: int = typer.Option(
            None, "--workers", "-w", help="Local worker processes (default: every core)."
        ),
        dask: str = typer.Option(
            None, "--dask", help="Dask scheduler address, or 'local' for a local cluster."
        ),
        store: Path = typer.Option(
            None, "--store", help="DuckDB results file (default: <scenario>-ensemble.duckdb)."
        ),
        resume: bool = typer.Option(
            False, "--resume", help="Continue an existing store (only missing runs are run)."
        ),
        force: bool = typer.Option(
            False, "--force", help="Discard a store that holds a different ensemble."
        ),
        model: str = typer.Option(
            "pactsim.engagement:run", "--model", help="Model to run, as module:function."
        ),
        assignments: list[str] = SetOption,
        as_json: bool = JsonOption,
    ) -> None:
        """Run every policy in every sampled world and store the results in DuckDB."""
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        from pactsim.cli.stopping import exit_on_stop
        from pactsim.experiments import ensemble as run_ensemble
        from pactsim.scenario import parse_assignments

        class RateColumn(ProgressColumn):
            def render(self, task: Any) -> Text:
                speed = task.speed
                return Text("" if speed is None else f"{speed:.1f} runs/s", style="cyan")

        target = store or Path(f"{Path(scenario).stem}-ensemble.duckdb")
        overrides = parse_assignments(assignments or []) or None
        err = Console(stderr=True)
        bar = Progress(
            TextColumn("ensemble"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=err,
            transient=as_json,
        )
        state: dict[str, Any] = {"task": None, "start_done": None}

        def progress(done: int, total: int) -> None:
            if state["task"] is None:
                state["task"] = bar.add_task("runs", total=total, completed=done)
                state["start_done"] = done
            else:
                bar.update(state["task"], completed=done)

        t0 = time.perf_counter()
        with exit_on_stop(target), bar:  # a signal: one line on how to resume, exit 128 + n
            result = run_ensemble(
                scenario,
                policy or None,
                samples=samples,
                sampler=sampler,
                replications=replications,
                seed=seed,
                levers=levers,
                months=months,
                overrides=overrides,
                workers=workers,
                dask=dask,
                store=target,
                resume=resume,
                force=force,
                model=model,
                progress=progress,
                command=shlex.join(sys.argv),
            )
        seconds = time.perf_counter() - t0
        counts = result.counts()
        prov = result.provenance()
        fails = result.failures()
        doc = {
            "store": str(target),
            "scenario": prov["scenario_name"],
            "scenario_hash": prov["scenario_hash"],
            "sampler": sampler,
            "worlds": prov["n_worlds"],
            "policies": prov["policies"],
            "replications": replications,
            "runs_expected": counts["expected"],
            "runs_stored": counts["stored"],
            "runs_failed": counts["failed"],
            "runs_this_call": counts["stored"] - (state["start_done"] or 0),
            "seconds": round(seconds, 3),
        }
        if as_json:
            doc["failures"] = _failure_records(fails)
            print_json(doc)
            if counts["failed"]:
                raise typer.Exit(RUNS_FAILED)
            return
        from rich.table import Table

        table = Table(title=f"ensemble of {prov['scenario_name']}", show_header=False)
        for key, value in doc.items():
            table.add_row(key.replace("_", " "), str(value))
        console.print(table)
        console.print(f"Next: pactsim compare {target}")
        if counts["failed"]:
            from pactsim.experiments.compare import causes

            err_console.print(
                styled(("warning:", "bold yellow")),
                f"{counts['failed']} of {counts['stored']} runs failed "
                f"(in {counts['worlds_failed']} of {counts['worlds']} worlds); they are stored "
                f"with their errors, and compare and report count them as failed and give "
                f"every figure over the {counts['ok']} runs that finished. {causes(result)} "
                f"Exit code {RUNS_FAILED}: the ensemble ran, but not every run finished.",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(RUNS_FAILED)

    @app.command()
    def compare(
        store: Path = typer.Argument(..., help="Results store written by pactsim ensemble."),
        outcome: list[str] = typer.Option(
            None, "--outcome", "-o", help="Outcome to show (repeatable; default: the scenario's)."
        ),
        plot: Path = typer.Option(
            None, "--plot", help="Write outcome distributions and monthly envelopes as PNG."
        ),
        as_json: bool = JsonOption,
    ) -> None:
        """Per policy, each outcome's probability or mean with a 95% interval."""
        from pactsim.experiments import open_store
        from pactsim.experiments.compare import compare as compare_table
        from pactsim.experiments.compare import failure_note
        from pactsim.experiments.compare import plot as plot_store

        st = open_store(store)
        table = compare_table(st, outcome or None)
        counts = st.counts()
        note = failure_note(st)
        if plot is not None:
            plot_store(st, table, plot)
        if as_json:
            print_json(
                {
                    "store": str(store),
                    "scenario": st.provenance()["scenario_name"],
                    "runs": counts,
                    "over": "the runs that finished (status 'ok')",
                    "failures": _failure_records(st.failures()),
                    "note": note,
                    "rows": table.to_dict(orient="records"),
                    "plot": str(plot) if plot is not None else None,
                }
            )
            return
        from rich.table import Table

        pols = st.policies()
        names = ["(as written)" if p is None else p for p in pols]
        over = f"{counts['ok']} finished runs of {counts['expected']}"
        if counts["failed"]:
            over += f", {counts['failed']} failed"
        if counts["missing"]:
            over += f", {counts['missing']} not run yet"
        rt = Table(title=f"{st.provenance()['scenario_name']}: {over} (95% intervals)")
        rt.add_column("outcome", no_wrap=True)
        rt.add_column("better", style="dim")
        for n in names:
            rt.add_column(n, justify="right")
        for name in dict.fromkeys(table["outcome"]):
            rows = table[table["outcome"] == name]
            cells = []
            for pol in pols:
                sel = rows[rows["policy"].isna()] if pol is None else rows[rows["policy"] == pol]
                r = sel.iloc[0]
                cells.append(_fmt(r["kind"], r["estimate"], r["low"], r["high"]))
            direction = {"maximize": "higher", "minimize": "lower"}.get(
                rows.iloc[0]["direction"], ""
            )
            rt.add_row(name, direction, *cells)
        console.print(rt)
        if note:
            console.print(
                styled(("warning:", "bold yellow")), note, highlight=False, soft_wrap=True
            )
        if plot is not None:
            console.print(f"plot written to {plot}")

    @app.command()
    def export(
        store: Path = typer.Argument(..., help="Results store written by pactsim ensemble."),
        directory: Path = typer.Argument(..., help="Directory to write the tables to."),
        fmt: str = typer.Option("parquet", "--format", "-f", help="parquet | csv."),
        as_json: bool = JsonOption,
    ) -> None:
        """Write the store's tables as Parquet or CSV files, one per table."""
        from pactsim.experiments import open_store
        from pactsim.experiments.compare import export as export_store

        files = export_store(open_store(store), fmt, directory)
        if as_json:
            print_json({"store": str(store), "files": [str(f) for f in files]})
            return
        for f in files:
            console.print(str(f))
