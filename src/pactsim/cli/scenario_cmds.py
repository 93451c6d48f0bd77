"""Scenario commands: list, validate, print the schema, show."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from pactsim.cli.common import JsonOption, SetOption, console, load_scenario, print_json, styled


def register(app: typer.Typer) -> None:
    """Add the scenario commands to the app."""
    app.command("scenarios")(scenarios)
    app.command("validate")(validate)
    app.command("schema")(schema)
    app.command("show")(show)


def scenarios(as_json: bool = JsonOption) -> None:
    """List the bundled scenarios and their policies."""
    from pactsim.scenario import bundled_names, bundled_path, load

    rows: list[dict[str, Any]] = []
    for name in bundled_names():
        sc = load(name)
        rows.append(
            {
                "name": name,
                "title": sc.meta.title,
                "path": str(bundled_path(name)),
                "months": sc.meta.months,
                "policies": list(sc.policies),
            }
        )
    if as_json:
        print_json({"scenarios": rows})
        return
    table = Table(title="Bundled scenarios")
    for col in ("name", "title", "months", "policies"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], r["title"], str(r["months"]), ", ".join(r["policies"]))
    console.print(table)


def validate(
    scenario: str = typer.Argument(..., help="Scenario file or bundled name."),
    assignments: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Check a scenario; exit 0 when valid, 1 with every problem named when not.

    A valid scenario may still get notes (what loading changed to bring an older file to the
    current format) and warnings (what it probably does not mean); both leave the exit code 0.
    """
    from pactsim.scenario.checks import scenario_warnings

    sc = load_scenario(scenario, assignments)
    notes = sc.migration_notes
    warnings = scenario_warnings(sc)
    if as_json:
        print_json(
            {
                "valid": True,
                "scenario": sc.meta.name,
                "hash": sc.hash,
                "format_version": sc.format_version,
                "notes": notes,
                "warnings": [{"path": w.path, "message": w.message} for w in warnings],
            }
        )
    else:
        # plain echo: one line each, never wrapped, and no rich markup in the paths' brackets
        for note in notes:
            typer.echo(f"note: {sc.origin}: {note}", err=True)
        for w in warnings:
            typer.echo(f"warning: {w.file}: {w.path}: {w.message}", err=True)
        console.print(
            styled(
                ("valid", "green"),
                f": {scenario} ({sc.meta.name}, {len(sc.actors)} actors, "
                f"{len(sc.policies)} policies)",
            )
        )


def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    from pactsim.scenario import Scenario

    doc = Scenario.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "pactsim scenario"
    typer.echo(json.dumps(doc, indent=2))


def show(
    scenario: str = typer.Argument(..., help="Scenario file or bundled name."),
    assignments: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Print a scenario as tables: issues, actors, council, package, parameters and sources."""
    from pactsim.scenario.summary import parameter_rows

    sc = load_scenario(scenario, assignments)
    params = parameter_rows(sc)
    if as_json:
        doc = sc.model_dump(mode="json")
        doc["parameters"] = params
        print_json(doc)
        return
    console.print(styled((sc.meta.title or sc.meta.name, "bold")))
    if sc.meta.question:
        console.print(sc.meta.question.strip())
    issues = Table(title="Issues (0-100)")
    for col in ("id", "name", "0 means", "100 means", "status quo", "reform"):
        issues.add_column(col)
    for i in sc.issues:
        issues.add_row(i.id, i.name, i.low, i.high, f"{i.status_quo:g}", "yes" if i.reform else "")
    console.print(issues)
    actors = Table(title="Actors: position / salience per issue")
    actors.add_column("actor")
    actors.add_column("role")
    actors.add_column("capability", justify="right")
    for i in sc.issues:
        actors.add_column(i.id, justify="right")
    for a in sc.actors:
        cells = [
            f"{a.positions[i.id]:g} / {a.salience.get(i.id, 0):.2g}" if i.id in a.positions else ""
            for i in sc.issues
        ]
        actors.add_row(a.name, a.role, f"{a.capability:g}", *cells)
    console.print(actors)
    if sc.factions:
        council = Table(
            title=f"Leadership council (quota {sc.factions.quota}, alpha {sc.factions.alpha:g})"
        )
        for col in ("faction", "weight", "veto", "ideal", "kappa", "principled share"):
            council.add_column(col)
        for m in sc.factions.members:
            council.add_row(
                m.name,
                str(m.weight),
                "yes" if m.veto else "",
                ", ".join(f"{k} {v:g}" for k, v in m.ideal.items()),
                ", ".join(f"{k} {v:g}" for k, v in m.kappa.items()),
                f"{m.principled_share:g}",
            )
        console.print(council)
    if sc.package:
        pkg = Table(title=f"Package offered by {sc.package.patron}")
        for col in ("instrument", "kind", "on", "value (USD M)", "mode", "conditions"):
            pkg.add_column(col)
        for k in sc.package.instruments:
            cond = "; ".join(f"{m.share:.0%} at {m.issue} >= {m.level:g}" for m in k.milestones)
            pkg.add_row(k.id, k.kind, "yes" if k.enabled else "no", f"{k.value:g}", k.mode, cond)
        console.print(pkg)
    if sc.policies:
        pol = Table(title="Policies")
        pol.add_column("policy")
        pol.add_column("description")
        pol.add_column("levers set")
        for name, p in sc.policies.items():
            pol.add_row(name, p.description, str(len(p.levers)))
        console.print(pol)
    table = Table(title=f"Parameters ({len(params)})")
    for col in ("path", "value", "meaning", "source / assumption"):
        table.add_column(col, overflow="fold")
    for r in params:
        table.add_row(r["path"], r["value"], r["meaning"], r["provenance"])
    console.print(table)
