"""``pactsim report``: a self-contained HTML report of an ensemble (docs/report.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from pactsim.cli.common import JsonOption, console, print_json


def register(app: typer.Typer) -> None:
    """Add the report command to the app."""

    @app.command()
    def report(
        store: Path = typer.Argument(..., help="DuckDB results store of an ensemble."),
        out: Path = typer.Option(
            Path("report.html"), "--out", "-o", help="HTML file to write (one file, plots inside)."
        ),
        as_json: bool = JsonOption,
    ) -> None:
        """Write one self-contained HTML report: question, scenario and parameters, policies
        with intervals, monthly envelopes, sensitivity, where the comparisons flip, scenario
        discovery and a verdict on each claim the scenario makes (its ``claims:``)."""
        from pactsim.experiments.store import open_store
        from pactsim.report.html import write_report

        st = open_store(store)
        path, verdicts = write_report(st, out)
        if as_json:
            print_json(
                {
                    "report": str(path.resolve()),
                    "bytes": path.stat().st_size,
                    "verdicts": [
                        {k: v for k, v in vd.to_dict().items() if k != "checks"} for vd in verdicts
                    ],
                }
            )
            return
        from rich.table import Table
        from rich.text import Text

        tab = Table(title="Verdicts on the scenario's claims")
        tab.add_column("claim")
        tab.add_column("verdict")
        colours = {"supported": "green", "not supported": "red", "depends": "yellow"}
        for vd in verdicts:
            colour = colours.get(vd.status, "dim")
            tab.add_row(vd.claim, Text(vd.verdict, style=colour))
        console.print(tab)
        console.print(f"report written to {path.resolve()}", highlight=False, soft_wrap=True)
