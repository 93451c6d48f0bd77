"""The packages: what each patron's instruments pay, when, the sticks, and the value at stake.

Modes (docs/design.md, the package): ``unconditional`` pays the whole value in the first
``upfront_months``; ``milestone`` pays a tranche from its ``due`` month on, the month after its
condition holds (conditions are read on last month's adopted levels); ``reciprocal`` pays a flow
scaled to the reform reached. The patron's **credibility** c is how sure the regime is that an
unmet condition means no money (Svensson 2000): at a tranche's due month an unmet condition still
releases (1 - c) of it, and of a reciprocal flow (1 - c) is paid whatever the reform. At c = 0 a
milestone package is the same money on the same dates paid unconditionally.

**Penalties** are the sticks: from its due month, in every month its condition is not met, a
penalty is in force, scaled by c: hardship rises by c times its ``hardship``, and when it is first
imposed the instruments it names (``snapback``) lose c of their remaining value.

The value still contingent (what the regime can still earn by reforming) is the patrons'
leverage in bargaining; money already paid, or paid anyway, is income and buys none. Several
patrons each bring their own package, credibility and leverage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pactsim.engagement.world import Component, Offer, World
from pactsim.outputs import Output
from pactsim.scenario import Scenario
from pactsim.scenario.model import Instrument, Penalty
from pactsim.scenario.model import Package as Offered


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


def leadership_share(pkg: Offered | None, k: Instrument) -> float:
    """Share of instrument k's payments that reaches the leadership's side-payment budget: its
    own ``leadership_share`` if set, else the package's for money, none for the rest."""
    if k.leadership_share is not None:
        return k.leadership_share
    if not k.money or pkg is None:
        return 0.0
    return pkg.side_payment_share


class Package(Component):
    name = "package"

    def __init__(self, world: World):
        super().__init__(world)
        self.tranches: dict[tuple[str, int], Tranche] = {}
        self.scale: dict[str, float] = {}  # what snapback has left of each instrument
        self.imposed: set[str] = set()
        self.cost = 0.0
        world.delivered, world.paid = {}, {}
        self.reconfigure(world)

    def reconfigure(self, world: World) -> None:
        """(Re)read the packages, keeping what has been paid, released and withdrawn."""
        sc = world.sc
        self.packages = sc.all_packages()
        self.patron_of: dict[str, Offered] = {}
        self.instruments: list[Instrument] = []
        for pkg in self.packages:
            for k in pkg.instruments:
                if k.enabled:
                    self.instruments.append(k)
                    self.patron_of[k.id] = pkg
        tranches: dict[tuple[str, int], Tranche] = {}
        for k in self.instruments:
            if k.mode != "milestone":
                continue
            for j, m in enumerate(k.milestones):
                old = self.tranches.get((k.id, j))
                value = k.value * m.share * self.scale.get(k.id, 1.0)
                t = Tranche(k, m.issue, m.level, m.due, value)
                if old is not None:  # keep its history; a changed value applies to the rest
                    t.remaining = 0.0 if old.remaining <= 0 else min(old.remaining, value)
                    t.released = old.released
                tranches[(k.id, j)] = t
        self.tranches = tranches
        self.shares = {k.id: leadership_share(self.patron_of[k.id], k) for k in self.instruments}
        for k in self.instruments:
            world.delivered.setdefault(k.id, 0.0)
            self.scale.setdefault(k.id, 1.0)

    @classmethod
    def declare(cls, sc: Scenario) -> list[Output]:
        return [
            Output("disbursed", "USD million", "series", "info", "Money paid this month"),
            Output(
                "cost_cumulative",
                "USD million",
                "series",
                "minimize",
                "Money paid so far",
                headline=True,
            ),
            Output(
                "contingent_value",
                "USD million",
                "series",
                "info",
                "Value still contingent on reforms (the patrons' leverage)",
            ),
            Output(
                "income",
                "USD million",
                "series",
                "info",
                "Payments reaching the leadership's side-payment budget this month",
            ),
            Output(
                "penalties_in_force",
                "-",
                "series",
                "minimize",
                "Penalties in force this month, each weighted by its patron's credibility",
            ),
            Output(
                "cost_total",
                "USD million",
                "summary",
                "minimize",
                "Money paid by the patrons",
                of="cost_cumulative",
                reduce="final",
            ),
            Output(
                "milestones_share",
                "0-1",
                "summary",
                "maximize",
                "Share of the packages' milestone conditions met",
            ),
            Output(
                "penalty_months",
                "months",
                "summary",
                "minimize",
                "Months of penalties in force, weighted by credibility",
                of="penalties_in_force",
                reduce="sum",
            ),
        ]

    def _credibility(self, k: Instrument) -> float:
        return self.patron_of[k.id].credibility

    def step(self, world: World, month: int) -> None:
        levels = world.adopted  # last month's adopted levels
        self._penalties(world, month, levels)
        paid = {k.id: 0.0 for k in self.instruments}
        for k in self.instruments:
            left = self.scale[k.id]
            since = month - k.start  # months since its schedule started
            if k.mode == "unconditional" and 0 <= since < k.upfront_months:
                paid[k.id] += left * k.value / k.upfront_months
            elif k.mode == "reciprocal" and 0 <= since < k.months:
                c = self._credibility(k)
                share = c * reciprocal_ratio(k, levels) + (1.0 - c)
                paid[k.id] += left * k.value / k.months * share
        for t in self.tranches.values():
            if t.remaining <= 0 or month < t.due:
                continue
            if levels.get(t.issue, 0.0) >= t.level:
                paid[t.instrument.id] += t.remaining
                t.remaining = 0.0
            elif not t.released:
                anyway = (1.0 - self._credibility(t.instrument)) * t.remaining
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
                "penalties_in_force": world.penalty_weight,
            }
        )

    def _penalties(self, world: World, month: int, levels: dict[str, float]) -> None:
        """Penalties in force this month: hardship rise, and snapback when first imposed."""
        world.sanctions = 0.0
        world.penalty_weight = 0.0
        if not world.switches.penalties:
            return
        for pkg in self.packages:
            c = pkg.credibility
            for pen in pkg.penalties:
                if month < pen.due or levels.get(pen.issue, 0.0) >= pen.level:
                    continue
                world.sanctions += c * pen.hardship
                world.penalty_weight += c
                if pen.id not in self.imposed:
                    self.imposed.add(pen.id)
                    self._snapback(pen, c)

    def _snapback(self, pen: Penalty, c: float) -> None:
        for ref in pen.snapback:
            if ref in self.scale:
                self.scale[ref] *= 1.0 - c
        for t in self.tranches.values():
            if t.instrument.id in pen.snapback:
                t.remaining *= 1.0 - c

    def offers(self, month: int, levels: dict[str, float]) -> list[Offer]:
        """What the regime can still earn from ``month`` on: the credible part of each unpaid
        tranche (all of it once its due month has passed), of each reciprocal flow, and what
        complying with each penalty not yet imposed saves it."""
        out = [
            Offer(
                t.issue,
                t.level,
                stake=t.remaining if t.released else self._credibility(t.instrument) * t.remaining,
                due=t.due,
            )
            for t in self.tranches.values()
            if t.remaining > 0
        ]
        for k in self.instruments:
            left = k.start + k.months - month  # months of the flow still to come
            if k.mode == "reciprocal" and left > 0:
                c = self._credibility(k)
                for issue, level in k.targets.items():
                    monthly = c * self.scale[k.id] * k.value / k.months / len(k.targets)
                    out.append(Offer(issue, level, monthly=monthly, months=min(left, k.months)))
        for pkg in self.packages:
            c = pkg.credibility
            for pen in pkg.penalties:
                kept = sum(
                    t.remaining for t in self.tranches.values() if t.instrument.id in pen.snapback
                )
                stake = 0.0 if pen.id in self.imposed else c * kept
                out.append(
                    Offer(pen.issue, pen.level, stake=stake, due=pen.due, avoided=c * pen.cost)
                )
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
