"""How large a scenario the dashboard agrees to show and run.

The page runs simulations for whoever reaches it, so an uploaded file must not be able to hold a
core and gigabytes for hours: each cost driver of a run has a ceiling, checked when a file is
uploaded and again before every run (the lab can lengthen the horizon). The ceilings leave the
bundled scenarios ample room (the largest: a 100 x 100 grid, 10 ticks a month for 60 months,
some 15 actors, 4 issues, 4 factions, 5 policies; a test checks every bundled scenario). They
are limits of the page, not of pactsim: ``pactsim run`` and ``pactsim ensemble`` accept
whatever the scenario format does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pactsim.scenario import Scenario, ScenarioError
from pactsim.scenario.errors import Problem

#: Largest population grid, width x height [cells].
MAX_GRID_CELLS = 250_000
#: Longest horizon of one run [months].
MAX_MONTHS = 240
#: Most population ticks in one run, ticks_per_month x months [ticks].
MAX_TICKS = 6_000
#: Most cell updates in one run, grid cells x ticks_per_month x months [cell-ticks].
MAX_CELL_TICKS = 300_000_000
#: Widest vision of the population's agents [cells] (a tick costs cells x (2 vision + 1)^2).
MAX_VISION = 25
#: Most stakeholders (bargaining costs grow with the square of their number).
MAX_ACTORS = 100
#: Most issues bargained on.
MAX_ISSUES = 20
#: Most factions in the council, and their largest total voting weight (the exact power
#: indices cost factions^2 x quota).
MAX_FACTIONS = 24
MAX_COUNCIL_WEIGHT = 10_000
#: Most named policies (each is one more run per comparison).
MAX_POLICIES = 20
#: Longest a run or a small ensemble started from the page may take [seconds].
MAX_JOB_SECONDS = 3_600

#: The fields whose values set a run's cost, for the ranges an ensemble samples.
COST_PATHS = (
    "population.width",
    "population.height",
    "population.ticks_per_month",
    "population.vision",
    "meta.months",
)

LIMITS = {
    "MAX_GRID_CELLS": MAX_GRID_CELLS,
    "MAX_MONTHS": MAX_MONTHS,
    "MAX_TICKS": MAX_TICKS,
    "MAX_CELL_TICKS": MAX_CELL_TICKS,
    "MAX_VISION": MAX_VISION,
    "MAX_ACTORS": MAX_ACTORS,
    "MAX_ISSUES": MAX_ISSUES,
    "MAX_FACTIONS": MAX_FACTIONS,
    "MAX_COUNCIL_WEIGHT": MAX_COUNCIL_WEIGHT,
    "MAX_POLICIES": MAX_POLICIES,
}


def _over(origin: str, field: str, value: float, limit: int, what: str) -> Problem:
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3g}"
    return Problem(
        file=origin,
        path=field,
        message=f"{shown} {what}; the dashboard runs at most {limit:,} (its limit; "
        "`pactsim run` has none)",
    )


def _size_problems(origin: str, counts: dict[str, int]) -> list[Problem]:
    rules = (
        ("actors", MAX_ACTORS, "actors"),
        ("issues", MAX_ISSUES, "issues"),
        ("factions.members", MAX_FACTIONS, "factions"),
        ("policies", MAX_POLICIES, "policies"),
    )
    return [
        _over(origin, field, counts[field], limit, what)
        for field, limit, what in rules
        if counts.get(field, 0) > limit
    ]


def _run_problems(
    origin: str,
    *,
    width: float,
    height: float,
    ticks_per_month: float,
    vision: float,
    months: float,
    months_field: str,
) -> list[Problem]:
    out = []
    cells = width * height
    ticks = ticks_per_month * months
    if cells > MAX_GRID_CELLS:
        out.append(
            _over(
                origin,
                "population.width x population.height",
                cells,
                MAX_GRID_CELLS,
                f"grid cells ({width:,.0f} x {height:,.0f})",
            )
        )
    if months > MAX_MONTHS:
        out.append(_over(origin, months_field, months, MAX_MONTHS, "months"))
    if ticks > MAX_TICKS:
        out.append(
            _over(
                origin,
                f"population.ticks_per_month x {months_field}",
                ticks,
                MAX_TICKS,
                f"ticks ({ticks_per_month:,.0f} a month for {months:,.0f} months)",
            )
        )
    if cells * ticks > MAX_CELL_TICKS and cells <= MAX_GRID_CELLS and ticks <= MAX_TICKS:
        out.append(
            _over(
                origin,
                "grid cells x ticks",
                cells * ticks,
                MAX_CELL_TICKS,
                f"cell updates ({cells:,.0f} cells x {ticks:,.0f} ticks)",
            )
        )
    if vision > MAX_VISION:
        out.append(_over(origin, "population.vision", vision, MAX_VISION, "cells of vision"))
    return out


def scenario_problems(
    sc: Scenario, months: int | None = None, months_field: str = "meta.months"
) -> list[Problem]:
    """Every limit ``sc`` exceeds, for a run of ``months`` (the scenario's horizon by default)."""
    origin = sc.origin
    council = sc.factions
    counts = {
        "actors": len(sc.actors),
        "issues": len(sc.issues),
        "factions.members": len(council.members) if council else 0,
        "policies": len(sc.policies),
    }
    out = _size_problems(origin, counts)
    if council is not None:
        total = sum(m.weight for m in council.members)
        if total > MAX_COUNCIL_WEIGHT:
            out.append(
                _over(
                    origin,
                    "factions.members.weight",
                    total,
                    MAX_COUNCIL_WEIGHT,
                    "units of council weight in total",
                )
            )
    p = sc.population
    horizon = sc.meta.months if months is None else months
    out += _run_problems(
        origin,
        width=p.width,
        height=p.height,
        ticks_per_month=p.ticks_per_month,
        vision=p.vision,
        months=horizon,
        months_field=months_field if months is not None else "meta.months",
    )
    return out


def _sampled_highs(sc: Scenario) -> dict[str, float]:
    """The largest value an ensemble may draw for each cost field it samples."""
    return {u.path: float(u.high) for u in sc.uncertainties if u.path in COST_PATHS}


def sampled_problems(sc: Scenario) -> list[Problem]:
    """Limits exceeded by the largest values of the ranges an ensemble samples."""
    highs = _sampled_highs(sc)
    if not highs:
        return []
    p = sc.population
    out = _run_problems(
        sc.origin,
        width=highs.get("population.width", p.width),
        height=highs.get("population.height", p.height),
        ticks_per_month=highs.get("population.ticks_per_month", p.ticks_per_month),
        vision=highs.get("population.vision", p.vision),
        months=highs.get("meta.months", sc.meta.months),
        months_field="meta.months",
    )
    return [Problem(file=q.file, path=f"uncertainties ({q.path})", message=q.message) for q in out]


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def check_scenario(sc: Scenario) -> None:
    """Refuse a scenario the page will not run as written, under any of its named policies, or
    at the top of the ranges an ensemble samples (ScenarioError naming field, value, limit)."""
    problems = scenario_problems(sc)
    if not problems:
        for name in sc.policies:
            problems += [
                Problem(file=q.file, path=f"policies.{name}: {q.path}", message=q.message)
                for q in scenario_problems(sc.with_policy(name))
            ]
    problems += sampled_problems(sc)
    if problems:
        raise ScenarioError(_unique(problems))


def check_run(runs: Iterable[Scenario], months: int, *, sampled: bool = False) -> None:
    """Refuse a request from the lab before anything starts: each scenario it would run, for
    ``months`` months (and the ranges sampled, for an ensemble)."""
    problems: list[Problem] = []
    for sc in runs:
        problems += scenario_problems(sc, months, months_field="Months")
        if sampled:
            problems += sampled_problems(sc)
    if problems:
        raise ScenarioError(_unique(problems))


#: The lists counted in an upload before it is validated, by their path in the document.
_COUNTED = {
    ("actors",): "actors",
    ("issues",): "issues",
    ("factions", "members"): "factions.members",
    ("policies",): "policies",
}


@dataclass
class _Frame:
    """An open mapping or sequence while reading YAML events."""

    path: tuple[Any, ...] | None  # None inside a mapping key
    mapping: bool
    is_key: bool = False
    expect_key: bool = True
    key: Any = None
    entries: int = 0


def collection_sizes(text: str) -> dict[str, int]:
    """How many entries each counted list (or mapping) of a YAML document has, read from the
    parser's event stream without building the document (a second for a megabyte, where
    building and validating it would take many); {} when the text does not parse."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    stack: list[_Frame] = []
    sizes: dict[str, int] = {}
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.DocumentEndEvent):
                break
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                done = stack.pop()
                if done.path in _COUNTED:
                    sizes[_COUNTED[done.path]] = done.entries
                if stack and stack[-1].mapping and not done.is_key:
                    stack[-1].expect_key = True
                continue
            opens = isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent)
            if not (opens or isinstance(event, yaml.ScalarEvent | yaml.AliasEvent)):
                continue
            mapping = isinstance(event, yaml.MappingStartEvent)
            if not stack:
                if opens:
                    stack.append(_Frame((), mapping))
                continue
            top = stack[-1]
            if top.mapping and top.expect_key:
                top.expect_key = False
                top.key = event.value if isinstance(event, yaml.ScalarEvent) else None
                if opens:  # a complex key: read through, never counted
                    stack.append(_Frame(None, mapping, is_key=True))
                continue
            top.entries += 1
            step = top.key if top.mapping else top.entries - 1
            path = None if top.path is None else (*top.path, step)
            if opens:
                stack.append(_Frame(path, mapping))
            elif top.mapping:
                top.expect_key = True
    except yaml.YAMLError:
        return {}
    return sizes


def precheck_text(text: str, origin: str) -> None:
    """Refuse an upload whose lists are too long before it is validated (validating thousands
    of actors takes many seconds); everything else is left to the full check."""
    problems = _size_problems(origin, collection_sizes(text))
    if problems:
        raise ScenarioError(problems)
