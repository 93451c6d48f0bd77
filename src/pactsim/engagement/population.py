"""Population: ``ticks_per_month`` ticks of Epstein's civil-violence model a month, with this
month's legitimacy, hardship multiplier and arrest constant (raised by equipment readiness)."""

from __future__ import annotations

import numpy as np

from pactsim.engagement.world import Component, World
from pactsim.outputs import Output
from pactsim.scenario import Scenario


def citizens(sc: Scenario) -> int:
    """Citizens on the grid (at least one)."""
    p = sc.population
    return max(1, round(p.width * p.height * p.citizen_density))


class Population(Component):
    name = "population"

    def __init__(self, world: World):
        super().__init__(world)
        from pactsim.models.population import CivilViolence, CivilViolenceParams

        p = world.sc.population
        params = CivilViolenceParams(
            width=p.width,
            height=p.height,
            citizen_density=p.citizen_density,
            cop_density=p.cop_density,
            vision=p.vision,
            legitimacy=p.legitimacy,
            max_jail=p.max_jail,
            threshold=p.threshold,
            k=p.k,
            variant=p.variant,
        )
        self.model = CivilViolence(params, world.population_seed)
        self.n = citizens(world.sc)

    @classmethod
    def declare(cls, sc: Scenario) -> list[Output]:
        return [
            Output("quiet", "citizens", "series", "info", "Quiet citizens on the grid"),
            Output("active", "citizens", "series", "minimize", "Active (rebelling) citizens"),
            Output("jailed", "citizens", "series", "info", "Jailed citizens"),
            Output(
                "newly_active",
                "citizens",
                "series",
                "minimize",
                "Citizens who turned active this month",
            ),
            Output(
                "active_share_mean", "0-1", "summary", "minimize", "Mean share of citizens active"
            ),
        ]

    def step(self, world: World, month: int) -> None:
        p = world.sc.population
        eng = world.sc.engagement
        boost = eng.arrest_equipment * world.readiness if world.switches.equipment_arrest else 0.0
        counts = self.model.advance(
            p.ticks_per_month,
            legitimacy=world.legitimacy,
            hardship_multiplier=world.hardship,
            arrest_k=p.k * (1 + boost),
        )
        world.newly_active = float(np.sum(counts.newly_active))
        world.row.update(
            {
                "quiet": float(counts.quiet[-1]),
                "active": float(counts.active[-1]),
                "jailed": float(counts.jailed[-1]),
                "newly_active": world.newly_active,
            }
        )

    def summarise(self, series, summary: dict[str, float]) -> None:  # type: ignore[no-untyped-def]
        summary["active_share_mean"] = float(series["active"].mean() / self.n)
