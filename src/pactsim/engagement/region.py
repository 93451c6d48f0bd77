"""Region: the neighbours' threat perception, tension and reactions (:mod:`pactsim.models.region`).

Attacks abroad are shared among the neighbours; each one's tension integrates the scope of the
military-technical help, the attacks on its soil, the regime's CT cooperation and the adopted
reforms it watches (``reform_sensitivity``); above its threshold it reacts, and the reaction is
felt the next month (trade restrictions raise hardship, support to armed opposition adds to the
extremists' inflow, strikes destroy equipment readiness).
"""

from __future__ import annotations

import numpy as np

from pactsim.engagement.world import Component, World
from pactsim.models import region as reg
from pactsim.outputs import Output
from pactsim.scenario import Scenario


class Region(Component):
    name = "region"

    def __init__(self, world: World):
        super().__init__(world)
        self.tension = np.zeros(len(world.sc.region.neighbours))
        self.reconfigure(world)

    def reconfigure(self, world: World) -> None:
        sc = world.sc
        ns = sc.region.neighbours
        self.neighbours = ns
        self.status_quo = {i.id: float(i.status_quo) for i in sc.issues}
        self.params = reg.NeighbourParams(
            scope_sensitivity=np.array([n.scope_sensitivity for n in ns]),
            attack_sensitivity=np.array([n.attack_sensitivity for n in ns]),
            ct_reassurance=np.array([n.ct_reassurance for n in ns]),
            decay=np.array([n.decay for n in ns]),
            threshold=np.array([n.threshold for n in ns]),
            attack_share=np.array([n.attack_share for n in ns]),
        )
        self.strength = {
            kind: np.array([n.reaction_strength if n.reaction == kind else 0.0 for n in ns])
            for kind in ("restrict_trade", "support_opposition", "strike_equipment")
        }

    @classmethod
    def declare(cls, sc: Scenario) -> list[Output]:
        out: list[Output] = []
        for n in sc.region.neighbours:
            a = n.actor
            out += [
                Output(f"tension_{a}", "-", "series", "minimize", f"Tension felt by {a}"),
                Output(f"reacting_{a}", "0/1", "series", "minimize", f"{a} reacts"),
                Output(
                    f"attacks_on_{a}", "attacks", "series", "minimize", f"Attacks on {a} this month"
                ),
                Output(
                    f"tension_peak_{a}",
                    "-",
                    "summary",
                    "minimize",
                    f"Peak tension felt by {a}",
                    of=f"tension_{a}",
                    reduce="max",
                ),
                Output(
                    f"reaction_months_{a}",
                    "months",
                    "summary",
                    "minimize",
                    f"Months {a} reacted",
                    of=f"reacting_{a}",
                    reduce="sum",
                ),
            ]
        out += [
            Output("tension_peak_max", "-", "summary", "minimize", "Highest neighbour tension"),
            Output(
                "neighbour_reacted",
                "0/1",
                "summary",
                "minimize",
                "Any neighbour crossed its reaction threshold",
            ),
        ]
        return out

    def step(self, world: World, month: int) -> None:
        hits = reg.split_attacks(world.attacks_abroad, self.params.attack_share, world.rng)
        ct_issue = world.sc.engagement.ct_issue
        ct = world.adopted.get(ct_issue, 0.0) if ct_issue else 0.0
        reforms = np.array(
            [
                sum(
                    w * (world.adopted.get(i, 0.0) - self.status_quo[i]) / 100.0
                    for i, w in n.reform_sensitivity.items()
                )
                if world.switches.reform_threat
                else 0.0
                for n in self.neighbours
            ]
        )
        rs = reg.step(
            self.tension,
            scope=world.scope,
            attacks=hits,
            ct_coop=ct,
            params=self.params,
            reform_threat=reforms,
        )
        self.tension = rs.tension
        world.restriction = float(self.strength["restrict_trade"][rs.reacting].sum())
        world.support = float(self.strength["support_opposition"][rs.reacting].sum())
        world.strike = float(self.strength["strike_equipment"][rs.reacting].sum())
        for n, t, r, h in zip(self.neighbours, rs.tension, rs.reacting, hits, strict=True):
            world.row[f"tension_{n.actor}"] = float(t)
            world.row[f"reacting_{n.actor}"] = float(r)
            world.row[f"attacks_on_{n.actor}"] = float(h)

    def summarise(self, series, summary: dict[str, float]) -> None:  # type: ignore[no-untyped-def]
        peaks = [summary[f"tension_peak_{n.actor}"] for n in self.neighbours]
        summary["tension_peak_max"] = max(peaks) if peaks else 0.0
        summary["neighbour_reacted"] = float(
            any(summary[f"reaction_months_{n.actor}"] > 0 for n in self.neighbours)
        )
