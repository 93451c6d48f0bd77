"""The package: what each instrument pays, when, and the value still contingent on each issue.

Modes (docs/design.md, the package): ``unconditional`` pays the whole value in the first
``upfront_months``; ``milestone`` pays a tranche from its ``due`` month on, the month after its
condition holds (conditions are read on last month's adopted levels); ``reciprocal`` pays a flow
scaled to the reform reached. The patron's **credibility** c is how sure the regime is that an
unmet condition means no money (Svensson 2000): at a tranche's due month an unmet condition still
releases (1 - c) of it, and of a reciprocal flow (1 - c) is paid whatever the reform. At c = 0 a
milestone package is the same money on the same dates paid unconditionally.

The value still contingent (what the regime can still earn by reforming) is the patron's
leverage in bargaining; money already paid, or paid anyway, is income and buys none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pactsim.engagement.world import Component, Offer, World
from pactsim.outputs import Output
from pactsim.scenario import Scenario
from pactsim.scenario.model import Instrument


@dataclass
class Tranche:
    """One milestone tranche: ``remaining`` is what is still to be paid [USD million]."""

    instrument: Instrument
    issue: str
    level: float
    due: int
    remaining: float
    released: bool = False  # the share paid anyway at the due month has been paid


def earned(level: float, target: float) -> float:
    """Share of a reciprocal flow that ``level`` earns against ``target``: min(1, level/target)."""
    return min(1.0, level / target) if target > 0 else 1.0


def reciprocal_ratio(k: Instrument, levels: dict[str, float]) -> float:
    """Share of a reciprocal flow earned by the levels: the mean over its targets."""
    ratios = [earned(levels.get(i, 0.0), lvl) for i, lvl in k.targets.items()]
    return float(np.mean(ratios)) if ratios else 0.0


def leadership_share(sc: Scenario, k: Instrument) -> float:
    """Share of instrument k's payments that reaches the leadership's side-payment budget."""
    if not k.money or sc.package is None:
        return 0.0
    return sc.package.side_payment_share if k.leadership_share is None else k.leadership_share


class Package(Component):
    name = "package"

    def __init__(self, world: World):
        super().__init__(world)
        sc = world.sc
        self.credibility = sc.package.credibility if sc.package else 1.0
        self.instruments = [k for k in (sc.package.instruments if sc.package else []) if k.enabled]
        self.tranches = [
            Tranche(k, m.issue, m.level, m.due, k.value * m.share)
            for k in self.instruments
            if k.mode == "milestone"
            for m in k.milestones
        ]
        self.shares = {k.id: leadership_share(sc, k) for k in self.instruments}
        self.cost = 0.0
        world.delivered = {k.id: 0.0 for k in self.instruments}
        world.paid = {k.id: 0.0 for k in self.instruments}

    @classmethod
    def declare(cls, sc: Scenario) -> list[Output]:
        return [
            Output("disbursed", "USD million", "series", "info", "Money paid this month"),
            Output("cost_cumulative", "USD million", "series", "minimize", "Money paid so far"),
            Output(
                "contingent_value",
                "USD million",
                "series",
                "info",
                "Value still contingent on reforms (the patron's leverage)",
            ),
            Output(
                "income",
                "USD million",
                "series",
                "info",
                "Payments reaching the leadership's side-payment budget this month",
            ),
            Output(
                "cost_total",
                "USD million",
                "summary",
                "minimize",
                "Money paid by the patron",
                of="cost_cumulative",
                reduce="final",
            ),
            Output(
                "milestones_share",
                "0-1",
                "summary",
                "maximize",
                "Share of the package's milestone conditions met",
            ),
        ]

    def step(self, world: World, month: int) -> None:
        levels = world.adopted  # last month's adopted levels
        c = self.credibility
        paid = {k.id: 0.0 for k in self.instruments}
        for k in self.instruments:
            if k.mode == "unconditional" and month <= k.upfront_months:
                paid[k.id] += k.value / k.upfront_months
            elif k.mode == "reciprocal" and month <= k.months:
                share = c * reciprocal_ratio(k, levels) + (1.0 - c)
                paid[k.id] += k.value / k.months * share
        for t in self.tranches:
            if t.remaining <= 0 or month < t.due:
                continue
            if levels.get(t.issue, 0.0) >= t.level:
                paid[t.instrument.id] += t.remaining
                t.remaining = 0.0
            elif not t.released:
                anyway = (1.0 - c) * t.remaining
                paid[t.instrument.id] += anyway
                t.remaining -= anyway
            t.released = True
        money = sum(paid[k.id] for k in self.instruments if k.money)
        self.cost += money
        for key, value in paid.items():
            world.delivered[key] += value
        world.paid = paid
        world.money = money
        world.income = sum(paid[k.id] * self.shares[k.id] for k in self.instruments)
        world.offers = self.offers(month + 1, levels)
        world.contingent = {}
        for o in world.offers:
            # value whose condition the levels already meet is earned, not leverage
            unearned = 1.0 - earned(levels.get(o.issue, 0.0), o.level)
            value = (o.stake if unearned > 0 else 0.0) + o.monthly * o.months * unearned
            world.contingent[o.issue] = world.contingent.get(o.issue, 0.0) + value
        world.row.update(
            {
                "disbursed": money,
                "cost_cumulative": self.cost,
                "contingent_value": sum(world.contingent.values()),
                "income": world.income,
            }
        )

    def offers(self, month: int, levels: dict[str, float]) -> list[Offer]:
        """What the regime can still earn from ``month`` on: the credible part of each unpaid
        tranche (all of it once its due month has passed) and of each reciprocal flow."""
        c = self.credibility
        out = [
            Offer(t.issue, t.level, stake=t.remaining if t.released else c * t.remaining, due=t.due)
            for t in self.tranches
            if t.remaining > 0
        ]
        for k in self.instruments:
            if k.mode == "reciprocal" and month <= k.months:
                for issue, level in k.targets.items():
                    monthly = c * k.value / k.months / len(k.targets)
                    out.append(Offer(issue, level, monthly=monthly, months=k.months - month + 1))
        return out

    def summarise(self, series, summary: dict[str, float]) -> None:  # type: ignore[no-untyped-def]
        # every enabled instrument's conditions, whatever its mode (bribery lists them too)
        conditions = {(m.issue, m.level) for k in self.instruments for m in k.milestones}
        met = [
            float(series[f"reform_{i}"].max() >= lvl)
            for i, lvl in conditions
            if f"reform_{i}" in series
        ]
        summary["milestones_share"] = float(np.mean(met)) if met else 0.0
