"""The monthly schedule of the engagement loop and the run that iterates over it.

Each month, in this order (docs/odd.md, process overview): the package disburses on last
month's reforms; the stakeholders bargain (every ``bargaining_period`` months); the council's
leadership chooses and pays for its reform levels; hardship and legitimacy follow; equipment
readiness and CT capacity follow repair; the population runs its ticks; the extremists recruit,
fight and attack; the neighbours' tension and reactions advance. One row is recorded.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pactsim.engagement.bargaining import Bargaining
from pactsim.engagement.council import Council
from pactsim.engagement.equipment import Equipment
from pactsim.engagement.extremists import Extremists
from pactsim.engagement.package import Package
from pactsim.engagement.population import Population
from pactsim.engagement.region import Region
from pactsim.engagement.welfare import Welfare
from pactsim.engagement.world import Component, World
from pactsim.outputs import Output, Outputs
from pactsim.runresult import RunResult
from pactsim.scenario import Scenario, ScenarioError, load

#: The schedule: components in the order they step each month.
SCHEDULE: tuple[type[Component], ...] = (
    Package,
    Bargaining,
    Council,
    Welfare,
    Equipment,
    Population,
    Extremists,
    Region,
)

#: Columns every run's series starts with.
CLOCK = (
    Output("month", "month", "series", "info", "Month of the run, from 1", dtype="int"),
    Output("date", "YYYY-MM", "series", "info", "Calendar month", dtype="str"),
)


def declared_outputs(sc: Scenario) -> Outputs:
    """Every series and summary a run of ``sc`` produces, in the order they are recorded."""
    outputs: list[Output] = list(CLOCK)
    for component in SCHEDULE:
        outputs += component.declare(sc)
    return Outputs(outputs)


def stored_outputs(scenario_text: str | None) -> Outputs | None:
    """The declared outputs of the scenario an ensemble stored as text (None when absent or no
    longer valid): what stores, reports and dashboards read names, units and directions from."""
    if not scenario_text:
        return None
    from pactsim.scenario import from_text

    try:
        return declared_outputs(from_text(scenario_text, "<store>"))
    except ScenarioError:
        return None


def apply_events(sc: Scenario, events: list[Any]) -> Scenario:
    """The scenario after the month's dated events: ``set`` values, then ``add`` amounts."""
    from pactsim.scenario.paths import get_path

    doc = sc.model_dump(mode="python")
    overrides: dict[str, Any] = {}
    for event in events:
        overrides.update(event.set)
        for path, amount in event.add.items():
            base = overrides.get(path, get_path(doc, path))
            overrides[path] = float(base) + float(amount)
    return sc.with_overrides(overrides)


def month_label(start: str, offset: int) -> str:
    year, month = (int(x) for x in start.split("-"))
    total = year * 12 + (month - 1) + offset
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def run(
    scenario: Scenario | str,
    policy: str | None = None,
    seed: int = 0,
    months: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> RunResult:
    """One run of a scenario, month by month. The same inputs and seed give identical results."""
    from pactsim import __version__

    sc = load(scenario) if isinstance(scenario, str) else scenario
    if policy is not None:
        sc = sc.with_policy(policy)
    if overrides:
        sc = sc.with_overrides(overrides)
    horizon = sc.meta.months if months is None else months
    if horizon <= 0:
        raise ScenarioError.single(sc.origin, "months", f"must be at least 1 (got {horizon})")
    pop_seed, ext_seed = np.random.SeedSequence(seed).spawn(2)
    world = World(
        sc=sc,
        rng=np.random.default_rng(ext_seed),
        population_seed=int(pop_seed.generate_state(1, dtype=np.uint32)[0]),
    )
    components = [c(world) for c in SCHEDULE]
    events = sorted(sc.events, key=lambda e: e.month)
    rows: list[dict[str, Any]] = []
    for month in range(1, horizon + 1):
        world.row = {"month": month, "date": month_label(sc.meta.start, month - 1)}
        happening = [e for e in events if e.month == month]
        if happening:
            world.sc = apply_events(world.sc, happening)
            for component in components:
                component.reconfigure(world)
        for component in components:
            component.step(world, month)
        rows.append(world.row)
    outputs = declared_outputs(sc)
    series = pd.DataFrame(rows, columns=outputs.names("series"))
    summary = outputs.summarise(series)
    for component in components:
        component.summarise(series, summary)
    summary = {o.name: summary[o.name] for o in outputs.summary}
    return RunResult(
        policy=policy,
        seed=seed,
        summary=summary,
        series=series,
        scenario_hash=sc.hash,
        version=__version__,
    )
