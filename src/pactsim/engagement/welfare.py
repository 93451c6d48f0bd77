"""Welfare: hardship and the regime's legitimacy.

Reconstruction (and, weighted, energy and food and sanctions relief) builds a stock A(t) =
(1 - delta_A) A(t-1) + relief(t), felt with a first-order delay of tau_A months; hardship
h(t) = (h_min + (1 - h_min) exp(-A_felt / A_scale)) (1 + restrictions + sanctions), raised by the
neighbours' trade restrictions and the penalties in force. Legitimacy L = clip(L_0 + sum_i
lambda_i (adopted_i - status quo_i) / 100 + lambda_S (1 - h) - lambda_X spoilers, 0, 1).
"""

from __future__ import annotations

import math

from pactsim.engagement.world import Component, World, enabled_instruments
from pactsim.outputs import Output
from pactsim.scenario import Scenario

#: Instrument kinds that relieve hardship (weighed by engagement fields).
RELIEF = ("reconstruction", "energy_food", "sanctions_relief")


class Welfare(Component):
    name = "welfare"

    def __init__(self, world: World):
        super().__init__(world)
        self.stock = 0.0
        self.felt = 0.0
        self.reconfigure(world)

    def reconfigure(self, world: World) -> None:
        sc = world.sc
        self.status_quo = {i.id: float(i.status_quo) for i in sc.issues}
        self.lambdas = {i.id: i.legitimacy for i in sc.issues if i.reform and i.legitimacy}
        eng = sc.engagement
        weight = {
            "reconstruction": 1.0,
            "energy_food": eng.energy_food_weight,
            "sanctions_relief": eng.sanctions_relief_weight,
        }
        self.relief_weight = {k.id: weight[k.kind] for k in enabled_instruments(sc, RELIEF)}

    @classmethod
    def declare(cls, sc: Scenario) -> list[Output]:
        return [
            Output("legitimacy", "0-1", "series", "maximize", "Perceived legitimacy of the regime"),
            Output(
                "hardship",
                "multiplier",
                "series",
                "minimize",
                "Hardship multiplier of the citizens",
            ),
            Output(
                "legitimacy_final",
                "0-1",
                "summary",
                "maximize",
                "Legitimacy, last month",
                of="legitimacy",
                reduce="final",
            ),
            Output(
                "hardship_final",
                "multiplier",
                "summary",
                "minimize",
                "Hardship multiplier, last month",
                of="hardship",
                reduce="final",
            ),
        ]

    def step(self, world: World, month: int) -> None:
        sc, sw = world.sc, world.switches
        eng = sc.engagement
        relief = sum(world.paid.get(k, 0.0) * w for k, w in self.relief_weight.items())
        if not sw.relief:
            relief = 0.0
        self.stock = (1.0 - eng.reconstruction_decay) * self.stock + relief
        self.felt += (self.stock - self.felt) / eng.reconstruction_lag
        relieved = eng.hardship_floor + (1 - eng.hardship_floor) * math.exp(
            -self.felt / eng.reconstruction_scale
        )
        restriction = world.restriction if sw.restrictions else 0.0
        hardship = relieved * (1.0 + restriction + world.sanctions)
        reforms = sum(
            lam * (world.adopted[i] - self.status_quo[i]) / 100.0 for i, lam in self.lambdas.items()
        )
        legitimacy = sc.population.legitimacy
        if sw.reform_legitimacy:
            legitimacy += reforms
        if sw.services_legitimacy:
            legitimacy += eng.legitimacy_services * (1.0 - hardship)
        if sw.spoiler_legitimacy:
            legitimacy -= eng.legitimacy_spoilers * world.spoiler_share
        world.hardship = hardship
        world.legitimacy = min(1.0, max(0.0, legitimacy))
        world.row.update({"legitimacy": world.legitimacy, "hardship": hardship})
