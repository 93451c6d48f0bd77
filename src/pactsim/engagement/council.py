"""The council: the leading faction chooses each month the reform levels that pay it best.

A principal-agent reading of aid conditionality (Svensson 2000, J. Dev. Econ. 61; Svensson 2003,
J. Dev. Econ. 70: 381-402). On each decided issue the leadership weighs a candidate level r:

    payoff(r) = sum over offers of what r unlocks, in present value
              - H(r) * (C(r) + K(r) - pi (min(r, F) - r_0))

- an unpaid tranche of stake S, condition level l and due month d pays S delta^w once the adopted
  level reaches l (w: months until then, at least until d; never if r < l); a reciprocal flow
  pays its monthly stake times min(1, r / target) for the months it has left;
- C(r) is the monthly cost of the cheapest winning coalition at r (the buy-off model, the leader
  always in it), paid from the leadership's side-payment budget every month it is held;
- K(r) = kappa_L max(0, r - x_L)^alpha is the leader's own ideological cost;
- H(r) is how many months (discounted at delta) the level must be paid for: until it is reached
  when reforms never slide back (reversal_rate 0), for ``institutionalisation`` months when they
  do and are institutionalised, else for ever, 1 / (1 - delta).

Money already received, or paid whatever the reform, is income: it fills the budget but adds
nothing to any payoff. The budget is real: the payments reaching the leadership (a share per
instrument) and its own revenue, spent every month; the choice must be payable this month
(a multiple-choice knapsack over issues, :func:`pactsim.models.factions.leadership.choose_levels`).
The stakeholders' bargaining forecast F is the reference they press for: meeting it is worth
``pressure`` [USD million a month] per point up to F, a smooth pull, not a cap (a cap would make
every condition above the forecast unreachable, a threshold the coupling would invent).

Adopted levels move toward the chosen target by ``council_inertia`` of the gap a month; when the
target falls below them (the payments that held them stop), they slide back by
``reversal_rate`` of the gap a month. A level held for ``institutionalisation`` months becomes
every faction's new status quo and needs no more paying.
"""

from __future__ import annotations

import math

import numpy as np

from pactsim.engagement.bargaining import decided_issues
from pactsim.engagement.world import Component, World
from pactsim.models.factions import min_budget_batch
from pactsim.models.factions.leadership import Candidates, choose_levels
from pactsim.outputs import Output
from pactsim.scenario import Scenario

#: A gap to the target below this closes at once [reform points].
SNAP = 0.5


def months_to_reach(level: float, target: np.ndarray, now: float, inertia: float) -> np.ndarray:
    """Months until the adopted level, now ``now`` and moving toward each ``target`` by
    ``inertia`` of the gap a month (closing gaps under SNAP at once), reaches ``level``;
    inf where it never does."""
    target = np.asarray(target, dtype=float)
    if now >= level:
        return np.zeros(target.shape)
    gap = target - now
    out = np.full(target.shape, np.inf)
    ok = target >= level
    at_once = ok & ((gap < SNAP) | (inertia >= 1.0))
    out[at_once] = 1.0
    slow = ok & ~at_once
    if slow.any():
        need = np.maximum(target[slow] - level, SNAP * (1 - 1e-9))
        n = np.ceil(np.log(need / gap[slow]) / math.log(1.0 - inertia))
        out[slow] = np.maximum(1.0, n)
    return out


class Council(Component):
    name = "council"

    def __init__(self, world: World):
        super().__init__(world)
        sc = world.sc
        self.issues = decided_issues(sc)
        for spec in sc.issues:
            world.adopted[spec.id] = float(spec.status_quo)
        self.status_quo = dict(world.adopted)
        self.reconfigure(world)
        self.floor = {i: self.status_quo[i] for i in self.issues}
        self.target = {i: self.status_quo[i] for i in self.issues}
        self.history: dict[str, list[float]] = {i: [] for i in self.issues}
        self.defected = np.zeros(len(self.weights))
        self.treasury = 0.0

    def reconfigure(self, world: World) -> None:
        """The council's parameters (an event may change them; the factions stay the same)."""
        council = world.sc.factions
        sq = self.status_quo
        if council is None:  # a regime of one: free to adopt whatever pays
            self.weights = np.array([1], dtype=np.int64)
            self.quota = 1
            self.alpha = 2.0
            self.rho = np.zeros(1)
            self.ideal = {i: np.array([sq[i]]) for i in self.issues}
            self.kappa = {i: np.zeros(1) for i in self.issues}
            self.leader = 0
            self.discount = 0.95
            self.revenue = 0.0
            self.veto = np.zeros(1, dtype=bool)
        else:
            members = council.members
            self.weights = np.array([m.weight for m in members], dtype=np.int64)
            self.quota = council.quota
            self.alpha = council.alpha
            self.rho = np.array([m.principled_share for m in members])
            self.ideal = {
                i: np.array([m.ideal.get(i, sq[i]) for m in members]) for i in self.issues
            }
            self.kappa = {i: np.array([m.kappa.get(i, 0.0) for m in members]) for i in self.issues}
            ids = [m.id for m in members]
            self.leader = (
                ids.index(council.leader) if council.leader else int(np.argmax(self.weights))
            )
            self.discount = council.discount
            self.revenue = council.revenue
            self.veto = np.array([m.veto for m in members], dtype=bool)
        self.veto[self.leader] = True  # the leader proposes: it is in every coalition
        self.others_kappa: dict[str, np.ndarray] = {}
        for i in self.issues:
            k = self.kappa[i].copy()
            k[self.leader] = 0.0  # the leader pays no one to agree with itself
            self.others_kappa[i] = k
        self._costs: dict[tuple[str, float], dict[float, tuple]] = {}
        self._assembled: dict[tuple[str, float, bytes], tuple] = {}

    @classmethod
    def declare(cls, sc: Scenario) -> list[Output]:
        m = sc.engagement.assess_at
        out: list[Output] = []
        for i in decided_issues(sc):
            name = sc.issue(i).name
            out += [
                Output(
                    f"reform_{i}",
                    "0-100",
                    "series",
                    "maximize",
                    f"Adopted {name}",
                    headline=sc.issue(i).reform,
                ),
                Output(
                    f"target_{i}",
                    "0-100",
                    "series",
                    "info",
                    f"Level the leadership pays for: {name}",
                ),
                Output(
                    f"reform_{i}_final",
                    "0-100",
                    "summary",
                    "maximize",
                    f"Adopted {name}, last month",
                    of=f"reform_{i}",
                    reduce="final",
                ),
                Output(
                    f"reform_{i}_{m}m",
                    "0-100",
                    "summary",
                    "maximize",
                    f"Adopted {name} at month {m}",
                    of=f"reform_{i}",
                    reduce="at",
                    month=m,
                ),
                Output(
                    f"reform_{i}_peak",
                    "0-100",
                    "summary",
                    "maximize",
                    f"Highest adopted {name}",
                    of=f"reform_{i}",
                    reduce="max",
                ),
            ]
            level = sc.engagement.success_levels.get(i)
            if level is not None:
                out.append(
                    Output(
                        f"reached_{i}_{m}m",
                        "0/1",
                        "summary",
                        "maximize",
                        f"{name} of {level:g} or more within {m} months",
                        of=f"reform_{i}",
                        reduce="reached",
                        level=level,
                        month=m,
                    )
                )
        if sc.engagement.success_levels:
            out.append(
                Output(
                    f"reached_all_{m}m",
                    "0/1",
                    "summary",
                    "maximize",
                    f"Every success level reached within {m} months",
                )
            )
        out += [
            Output(
                "side_payments",
                "USD million",
                "series",
                "info",
                "Side payments to factions this month",
            ),
            Output(
                "treasury",
                "USD million",
                "series",
                "info",
                "The leadership's side-payment budget left after paying",
            ),
            Output(
                "spoilers",
                "0-1",
                "series",
                "minimize",
                "Council weight that has defected on principle (share)",
            ),
            Output(
                "spoilers_final",
                "0-1",
                "summary",
                "minimize",
                "Defected council weight, last month (share)",
                of="spoilers",
                reduce="final",
            ),
        ]
        return out

    # ------------------------------------------------------------------ the decision
    def _coalitions(self, issue: str, levels: np.ndarray) -> tuple:
        """Cheapest winning coalition at each level, given the institutionalised floor: monthly
        cost, payments and spoilers per faction, and the leader's own cost. Levels already
        solved at this floor are looked up; the rest are solved in one batch."""
        floor = self.floor[issue]
        key = (issue, floor, levels.tobytes())
        hit = self._assembled.get(key)
        if hit is not None:
            return hit
        table = self._costs.setdefault((issue, floor), {})
        missing = np.array([r for r in levels if float(r) not in table])
        ideal = np.maximum(self.ideal[issue], floor)
        if len(missing):
            batch = min_budget_batch(
                self.weights,
                self.quota,
                ideal,
                self.others_kappa[issue],
                self.alpha,
                missing,
                veto=self.veto,
                principled_share=self.rho,
            )
            for j, r in enumerate(missing):
                table[float(r)] = (batch.cost[j], batch.payments[j], batch.spoilers[j])
        rows = [table[float(r)] for r in levels]
        cost = np.array([row[0] for row in rows])
        payments = np.array([row[1] for row in rows])
        spoilers = np.array([row[2] for row in rows])
        own = (
            self.kappa[issue][self.leader]
            * np.maximum(0.0, levels - ideal[self.leader]) ** self.alpha
        )
        if len(self._assembled) > 256:
            self._assembled.clear()
        self._assembled[key] = (cost, payments, spoilers, own)
        return cost, payments, spoilers, own

    def _levels(self, world: World, issue: str) -> np.ndarray:
        """Candidate levels: every whole point from the institutionalised floor to 100, the
        offers' condition levels, and the current adopted and target levels."""
        lo = self.floor[issue]
        conditions = [o.level for o in world.offers if o.issue == issue and o.level >= lo]
        grid = np.arange(math.ceil(lo), 101, dtype=float)
        extra = [lo, world.adopted[issue], self.target[issue]]
        return np.unique(np.concatenate([grid, conditions, extra]).clip(lo, 100.0))

    def _hold_months(
        self, issue: str, levels: np.ndarray, now: float, inertia: float
    ) -> np.ndarray:
        """Discounted months each level must be paid for (H in the module docstring)."""
        d = self.discount
        eng = self.world.sc.engagement
        if eng.reversal_rate == 0:
            n = np.zeros(len(levels))
            up = levels > now
            for j in np.flatnonzero(up):  # months until each level itself is reached
                n[j] = months_to_reach(levels[j], levels[j : j + 1], now, inertia)[0]
            return (1.0 - d**n) / (1.0 - d)
        if eng.institutionalisation > 0:
            return np.full(len(levels), (1.0 - d**eng.institutionalisation) / (1.0 - d))
        return np.full(len(levels), 1.0 / (1.0 - d))

    def _gains(self, world: World, issue: str, levels: np.ndarray, month: int) -> np.ndarray:
        """Present value of what each level unlocks on ``issue`` [USD million]."""
        gains = np.zeros(len(levels))
        if not world.switches.conditionality:
            return gains
        d = self.discount
        now = world.adopted[issue]
        inertia = world.sc.engagement.council_inertia
        for o in world.offers:
            if o.issue != issue:
                continue
            if o.stake > 0:
                n = months_to_reach(o.level, levels, now, inertia)
                wait = np.maximum(n, max(o.due - month, 0))
                gains += np.where(np.isfinite(wait), o.stake * d ** np.minimum(wait, 1e6), 0.0)
            if o.avoided > 0:  # a penalty avoided for good once the level is reached and held
                n = months_to_reach(o.level, levels, now, inertia)
                wait = np.maximum(n, max(o.due - month, 0))
                # a target below the condition lets the level slide under it: the penalty returns
                held = np.isfinite(wait) & (levels >= o.level)
                gains += np.where(held, o.avoided * d ** np.minimum(wait, 1e6) / (1.0 - d), 0.0)
            if o.monthly > 0 and o.months > 0:
                annuity = d * (1.0 - d**o.months) / (1.0 - d)
                share = np.minimum(1.0, levels / o.level) if o.level > 0 else np.ones(len(levels))
                gains += o.monthly * annuity * share
        return gains

    def step(self, world: World, month: int) -> None:
        eng = world.sc.engagement
        cash = self.treasury + world.income + self.revenue
        options, tables, grids = [], [], []
        for i in self.issues:
            levels = self._levels(world, i)
            cost, payments, spoilers, own = self._coalitions(i, levels)
            hold = self._hold_months(i, levels, world.adopted[i], eng.council_inertia)
            pressure = eng.pressure * (np.minimum(levels, world.proposal[i]) - self.status_quo[i])
            payoff = self._gains(world, i, levels, month) - hold * (cost + own - pressure)
            options.append(Candidates(levels, payoff, cost, self.target[i]))
            tables.append((cost, payments, spoilers))
            grids.append(levels)
        picks, _ = choose_levels(options, cash)
        spent = 0.0
        spoilers_now = np.zeros(len(self.weights))
        for i, j, levels, (cost, _payments, spoilers) in zip(
            self.issues, picks, grids, tables, strict=True
        ):
            self.target[i] = float(levels[j])
            spent += float(cost[j])
            spoilers_now = np.maximum(spoilers_now, spoilers[j])
            self._move(world, i, eng)
        self.treasury = max(0.0, cash - spent)
        new = np.maximum(0.0, spoilers_now - self.defected)
        self.defected = np.maximum(self.defected, spoilers_now)  # principled shares defect once
        world.new_defectors = float(new.sum())
        world.spoiler_share = float(self.defected.sum() / self.weights.sum())
        for i in self.issues:
            world.row[f"reform_{i}"] = world.adopted[i]
            world.row[f"target_{i}"] = self.target[i]
        world.row.update(
            {"side_payments": spent, "treasury": self.treasury, "spoilers": world.spoiler_share}
        )

    def _move(self, world: World, issue: str, eng) -> None:  # type: ignore[no-untyped-def]
        """Adopted level toward the target; the institutionalised floor follows."""
        a, t = world.adopted[issue], self.target[issue]
        rate = eng.council_inertia if t > a else eng.reversal_rate
        a += rate * (t - a)
        if abs(t - a) < SNAP and rate > 0:
            a = t
        world.adopted[issue] = a
        if eng.reversal_rate == 0:
            self.floor[issue] = max(self.floor[issue], a)
        elif eng.institutionalisation > 0:
            h = self.history[issue]
            h.append(a)
            if len(h) >= eng.institutionalisation:
                self.floor[issue] = max(self.floor[issue], min(h[-eng.institutionalisation :]))
                del h[: -eng.institutionalisation]

    def summarise(self, series, summary: dict[str, float]) -> None:  # type: ignore[no-untyped-def]
        m = self.world.sc.engagement.assess_at
        reached = [
            v for k, v in summary.items() if k.startswith("reached_") and k != f"reached_all_{m}m"
        ]
        if self.world.sc.engagement.success_levels:
            summary[f"reached_all_{m}m"] = float(min(reached)) if reached else 0.0
