"""Extremists: recruitment from newly active citizens (scaled to the country) and from
defecting spoilers, foreign and sponsored inflow and the neighbours' support to the armed
opposition, attrition by CT capacity, attacks at home and abroad
(:mod:`pactsim.models.extremists`)."""

from __future__ import annotations

import dataclasses

from pactsim.engagement.population import citizens
from pactsim.engagement.world import Component, World
from pactsim.models import extremists as ext
from pactsim.outputs import Output
from pactsim.scenario import Scenario


class Extremists(Component):
    name = "extremists"

    def __init__(self, world: World):
        super().__init__(world)
        e = world.sc.extremists
        world.strength = e.initial_strength
        self.reconfigure(world)
        self.people_per_agent = world.sc.population.country_population / citizens(world.sc)
        self.strength_col = f"{e.name}_strength"

    def reconfigure(self, world: World) -> None:
        e = world.sc.extremists
        self.params = ext.ExtremistParams(
            **{f.name: getattr(e, f.name) for f in dataclasses.fields(ext.ExtremistParams)}
        )

    @classmethod
    def declare(cls, sc: Scenario) -> list[Output]:
        n = sc.extremists.name
        return [
            Output("recruits", "fighters", "series", "minimize", "New fighters this month"),
            Output(
                f"{n}_strength",
                "fighters",
                "series",
                "minimize",
                "Strength of the extremist organisation",
                headline=True,
            ),
            Output("attacks_home", "attacks", "series", "minimize", "Attacks at home this month"),
            Output("attacks_abroad", "attacks", "series", "minimize", "Attacks abroad this month"),
            Output(
                "deaths_home",
                "persons",
                "series",
                "minimize",
                "Deaths from attacks at home this month",
            ),
            Output(
                "semi_conventional", "0/1", "series", "minimize", "The threat is semi-conventional"
            ),
            Output(
                "interdiction", "0-1", "series", "info", "Share of attack attempts at home stopped"
            ),
            Output(
                "attacks_home_total",
                "attacks",
                "summary",
                "minimize",
                "Attacks at home",
                of="attacks_home",
                reduce="sum",
            ),
            Output(
                "attacks_abroad_total",
                "attacks",
                "summary",
                "minimize",
                "Attacks abroad",
                of="attacks_abroad",
                reduce="sum",
            ),
            Output(
                "deaths_home_total",
                "persons",
                "summary",
                "minimize",
                "Deaths from attacks at home",
                of="deaths_home",
                reduce="sum",
            ),
            Output(
                f"{n}_peak",
                "fighters",
                "summary",
                "minimize",
                "Peak strength of the extremist organisation",
                of=f"{n}_strength",
                reduce="max",
            ),
            Output(
                f"{n}_final",
                "fighters",
                "summary",
                "minimize",
                "Strength of the extremist organisation, last month",
                of=f"{n}_strength",
                reduce="final",
            ),
            Output(
                "semi_conventional_months",
                "months",
                "summary",
                "minimize",
                "Months the threat was semi-conventional",
                of="semi_conventional",
                reduce="sum",
            ),
        ]

    def step(self, world: World, month: int) -> None:
        e, sw = world.sc.extremists, world.switches
        recruits = 0.0
        if sw.recruitment:
            recruits += e.recruits_per_active * world.newly_active * self.people_per_agent
        if sw.spoiler_recruitment:
            recruits += e.spoiler_recruits * world.new_defectors
        inflow = e.foreign_inflow
        if sw.sponsor:
            inflow += e.sponsor_inflow
        if sw.opposition_support:
            inflow += world.support
        xs = ext.step(
            world.strength,
            recruits=recruits,
            inflow=inflow,
            ct_capacity=world.ct_capacity,
            readiness=world.readiness,
            params=self.params,
            rng=world.rng,
        )
        world.attacks_abroad = xs.attacks_abroad
        world.row.update(
            {
                "recruits": recruits,
                self.strength_col: xs.strength,
                "attacks_home": float(xs.attacks_home),
                "attacks_abroad": float(xs.attacks_abroad),
                "deaths_home": xs.deaths_home,
                "semi_conventional": float(xs.semi_conventional),
                "interdiction": xs.interdiction,
            }
        )
        world.strength = xs.strength
