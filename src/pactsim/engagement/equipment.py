"""Equipment: readiness of the regime's armour and artillery, and counter-terrorism capacity.

Repair (and modern systems) delivered build stocks that decay without maintenance; the readiness
target is baseline + per-USD gains times the stocks (at most 1), and readiness closes a share
of the gap to it a month; neighbours' strikes destroy readiness (``strike_equipment``). CT
capacity kappa(t) = kappa_0 (1 + beta_E E(t)) (1 + beta_C ct/100). The military-technical scope
the neighbours watch is the kind's scope (repair 50, modern 100) times the share of the
instrument delivered.
"""

from __future__ import annotations

from pactsim.engagement.world import Component, World, enabled_instruments
from pactsim.outputs import Output
from pactsim.scenario import Scenario

MILITARY = ("military_repair", "military_modern")


class Equipment(Component):
    name = "equipment"

    def __init__(self, world: World):
        super().__init__(world)
        self.repair = 0.0
        self.modern = 0.0
        world.readiness = world.sc.engagement.readiness_initial
        self.reconfigure(world)

    def reconfigure(self, world: World) -> None:
        self.military = enabled_instruments(world.sc, MILITARY)

    @classmethod
    def declare(cls, sc: Scenario) -> list[Output]:
        return [
            Output("readiness", "0-1", "series", "info", "Share of armour and artillery ready"),
            Output("ct_capacity", "-", "series", "info", "Counter-terrorism capacity kappa"),
            Output(
                "mil_scope",
                "0-100",
                "series",
                "minimize",
                "Military-technical scope of what has been delivered",
            ),
        ]

    def step(self, world: World, month: int) -> None:
        eng = world.sc.engagement
        for k in self.military:
            if k.kind == "military_repair":
                self.repair += world.paid.get(k.id, 0.0)
            else:
                self.modern += world.paid.get(k.id, 0.0)
        self.repair *= 1.0 - eng.readiness_decay
        self.modern *= 1.0 - eng.readiness_decay
        target = min(
            1.0,
            eng.readiness_baseline
            + eng.readiness_per_repair * self.repair
            + eng.readiness_per_modern * self.modern,
        )
        world.readiness += eng.readiness_rate * (target - world.readiness)
        if world.switches.strikes:  # what neighbours' strikes destroyed last month
            world.readiness = max(0.0, world.readiness - world.strike)
        ct = world.adopted.get(eng.ct_issue, 0.0) if eng.ct_issue else 0.0
        sw = world.switches
        world.ct_capacity = (
            eng.ct_capacity
            * (1 + (eng.ct_equipment * world.readiness if sw.equipment_ct else 0.0))
            * (1 + (eng.ct_cooperation * ct / 100.0 if sw.cooperation_ct else 0.0))
        )
        scope = 0.0
        for k in self.military:
            if k.value > 0:
                level = eng.scope_repair if k.kind == "military_repair" else eng.scope_modern
                scope = max(scope, level * min(1.0, world.delivered[k.id] / k.value))
        world.scope = scope
        world.row.update(
            {"readiness": world.readiness, "ct_capacity": world.ct_capacity, "mil_scope": scope}
        )
