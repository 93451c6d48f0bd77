"""The state the components of the engagement loop share, and the base class of a component.

Each component owns a small state of its own and reads or writes the shared quantities below;
who writes what is listed here so that the coupling can be read in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from pactsim.outputs import Output
from pactsim.scenario import Scenario


def enabled_instruments(sc: Scenario, kinds: tuple[str, ...] | None = None) -> list[Any]:
    """Every patron's enabled instruments, of the given kinds (all kinds when None)."""
    return [
        k
        for pkg in sc.all_packages()
        for k in pkg.instruments
        if k.enabled and (kinds is None or k.kind in kinds)
    ]


@dataclass(frozen=True)
class Offer:
    """What the regime can still earn on an issue, as the leadership sees it.

    A tranche: ``level`` to reach, from month ``due``, ``stake`` [USD million] at stake (the
    credible part of what is still unpaid). A reciprocal flow: ``monthly`` [USD million a month]
    at stake for ``months`` more months, earned in proportion to level / ``level``. A penalty:
    ``avoided`` [USD million a month] saved for good by reaching ``level`` (and ``stake``, the
    value its snapback would withdraw).
    """

    issue: str
    level: float
    stake: float = 0.0
    due: int = 1
    monthly: float = 0.0
    months: int = 0
    avoided: float = 0.0


@dataclass
class World:
    """Quantities that cross from one component to another within or across months.

    Written by ``package``: paid (per instrument, this month), money, income, contingent,
    offers, delivered, sanctions, penalty_weight. By ``bargaining``: proposal. By ``council``:
    adopted, spoiler_share, new_defectors. By ``welfare``: hardship, legitimacy. By
    ``equipment``: readiness, ct_capacity, scope. By ``population``: newly_active. By
    ``extremists``: strength, attacks_abroad. By ``region``: restriction, support, strike
    (read the next month).
    """

    sc: Scenario
    rng: np.random.Generator
    population_seed: int
    row: dict[str, Any] = field(default_factory=dict)
    adopted: dict[str, float] = field(default_factory=dict)
    proposal: dict[str, float] = field(default_factory=dict)
    paid: dict[str, float] = field(default_factory=dict)
    delivered: dict[str, float] = field(default_factory=dict)
    contingent: dict[str, float] = field(default_factory=dict)
    offers: list[Offer] = field(default_factory=list)
    money: float = 0.0
    income: float = 0.0
    spoiler_share: float = 0.0
    new_defectors: float = 0.0
    hardship: float = 1.0
    legitimacy: float = 0.0
    readiness: float = 0.0
    ct_capacity: float = 0.0
    scope: float = 0.0
    newly_active: float = 0.0
    strength: float = 0.0
    attacks_abroad: int = 0
    restriction: float = 0.0
    support: float = 0.0
    strike: float = 0.0
    sanctions: float = 0.0
    penalty_weight: float = 0.0

    @property
    def switches(self) -> Any:
        """The scenario's mechanism switches (``engagement.mechanisms``)."""
        return self.sc.engagement.mechanisms


class Component:
    """One step of the monthly schedule.

    A subclass sets ``name``, builds its state from its scenario section in ``__init__``,
    declares its outputs in ``declare`` (series it writes into ``world.row`` every month and the
    summaries of them), and advances in ``step``. ``summarise`` adds summaries that combine
    several series (the default reduces declared ones in :class:`pactsim.outputs.Outputs`).
    """

    name: ClassVar[str] = ""

    def __init__(self, world: World):
        self.world = world

    @classmethod
    def declare(cls, sc: Scenario) -> list[Output]:
        return []

    def step(self, world: World, month: int) -> None:
        raise NotImplementedError

    def reconfigure(self, world: World) -> None:
        """Re-read the parameters after a dated event changed the scenario, keeping the state.
        Components that read their parameters from ``world.sc`` at every step need nothing."""

    def summarise(self, series: Any, summary: dict[str, float]) -> None:
        """Summaries computed from several series; write them into ``summary``."""
