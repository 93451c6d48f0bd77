"""Population: ``ticks_per_month`` ticks a month of Epstein's (2002) model, with this month's
legitimacy, hardship multiplier and arrest constant (raised by equipment readiness).

``population.model`` chooses Model I (``civil_violence``: citizens against the regime's police)
or Model II (``ethnic``: two groups and peacekeepers, the cops; an active citizen kills a member
of the other group, the violence the ``killed`` series counts). Model II's kernel takes no
hardship multiplier, so the month's multiplier h enters its grievance H (1 - L) through the
legitimacy it is given, L' = 1 - h (1 - L): the same grievance wherever H h stays below 1.
"""

from __future__ import annotations

from typing import Any

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
        p = world.sc.population
        shared: dict[str, Any] = {
            "width": p.width,
            "height": p.height,
            "citizen_density": p.citizen_density,
            "cop_density": p.cop_density,
            "vision": p.vision,
            "legitimacy": p.legitimacy,
            "max_jail": p.max_jail,
            "threshold": p.threshold,
            "k": p.k,
            "variant": p.variant,
        }
        self.ethnic = p.model == "ethnic"
        if self.ethnic:
            from pactsim.models.population.ethnic import EthnicConflict, EthnicParams

            self.model2 = EthnicConflict(
                EthnicParams(**shared, blue_share=p.blue_share), world.population_seed
            )
            self.killed = 0  # cumulative kills so far, to report each month's
            self._active = 0  # actives at the end of last month
        else:
            from pactsim.models.population import CivilViolence, CivilViolenceParams

            self.model = CivilViolence(CivilViolenceParams(**shared), world.population_seed)
        self.n = citizens(world.sc)

    @classmethod
    def declare(cls, sc: Scenario) -> list[Output]:
        out = [
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
        if sc.population.model == "ethnic":
            out += [
                Output(
                    "killed",
                    "citizens",
                    "series",
                    "minimize",
                    "Citizens killed by members of the other group this month",
                ),
                Output(
                    "killed_total",
                    "citizens",
                    "summary",
                    "minimize",
                    "Citizens killed in inter-group violence",
                    of="killed",
                    reduce="sum",
                ),
            ]
        return out

    def step(self, world: World, month: int) -> None:
        p = world.sc.population
        eng = world.sc.engagement
        boost = eng.arrest_equipment * world.readiness if world.switches.equipment_arrest else 0.0
        k = p.k * (1 + boost)
        if self.ethnic:
            self._step_ethnic(world, p.ticks_per_month, k)
            return
        counts = self.model.advance(
            p.ticks_per_month,
            legitimacy=world.legitimacy,
            hardship_multiplier=world.hardship,
            arrest_k=k,
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

    def _step_ethnic(self, world: World, ticks: int, k: float) -> None:
        legitimacy = min(1.0, max(0.0, 1.0 - world.hardship * (1.0 - world.legitimacy)))
        rows = self.model2.ticks(ticks, legitimacy, k=k)
        alive = rows[-1, 0] + rows[-1, 1]
        active, jailed = rows[:, 2], rows[:, 3]
        previous = np.concatenate([[self._active], active[:-1]])
        # Model II counts no activations: the rises of the active count stand for them
        world.newly_active = float(np.maximum(0, active - previous).sum())
        self._active = int(active[-1])
        killed = int(rows[-1, 4])
        world.row.update(
            {
                "quiet": float(alive - active[-1] - jailed[-1]),
                "active": float(active[-1]),
                "jailed": float(jailed[-1]),
                "newly_active": world.newly_active,
                "killed": float(killed - self.killed),
            }
        )
        self.killed = killed

    def summarise(self, series, summary: dict[str, float]) -> None:  # type: ignore[no-untyped-def]
        summary["active_share_mean"] = float(series["active"].mean() / self.n)
