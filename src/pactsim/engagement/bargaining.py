"""Bargaining: what the outside stakeholders press the regime to adopt on each issue.

Every ``bargaining_period`` months the stakeholders bargain on each decided issue; a package
raises its patron's capability by (1 + gamma V / V_ref) and its salience by boost min(1, V /
V_ref), V its value still contingent on the issue (the leverage channel; with several patrons
the contingent value is split among them as their stakes on the issue are). The forecast is the
reference the leadership is pressed toward (``engagement.pressure``, in the council).

EUM's forecast is discontinuous by nature (an actor's offer is taken or not; the median jumps
from one actor's position to another's), so the loop does not take one run of it. It takes the
**expected forecast** over a spread of the actors' positions (``forecast_spread`` points,
``forecast_draws`` draws, fixed for the scenario so that it does not vary with the run's seed),
each draw's forecast the mean of the median over the last half of the rounds; it is computed on
a grid of V and interpolated, and made monotone toward the patron's position (more conditional
value never lowers the expected forecast for the patron's side). docs/bargaining.md plots the
curve against the promised value.
"""

from __future__ import annotations

import numpy as np

from pactsim.engagement.world import Component, World
from pactsim.outputs import Output
from pactsim.scenario import Scenario

#: Points of the contingent-value grid on which the forecast curve is computed.
GRID = 9
#: Seed of the position draws: a property of the scenario, not of the run.
DRAWS_SEED = 20_230_629


def decided_issues(sc: Scenario) -> list[str]:
    """Issues the council decides: every reform issue, and the CT-cooperation issue."""
    ids = [i.id for i in sc.issues if i.reform]
    ct = sc.engagement.ct_issue
    if ct and ct not in ids:
        ids.append(ct)
    return ids


def patron_stakes(sc: Scenario, issue: str) -> dict[str, float]:
    """Patron id -> the most value its package can ever make contingent on ``issue``
    [USD million]."""
    out: dict[str, float] = {}
    for pkg in sc.all_packages():
        total = 0.0
        for k in pkg.instruments:
            if not k.enabled:
                continue
            if k.mode == "milestone":
                total += sum(k.value * m.share for m in k.milestones if m.issue == issue)
            elif k.mode == "reciprocal" and issue in k.targets:
                total += k.value / len(k.targets)
        out[pkg.patron] = total
    return out


def max_contingent(sc: Scenario, issue: str) -> float:
    """The most value that can ever be contingent on ``issue``, all patrons [USD million]."""
    return sum(patron_stakes(sc, issue).values())


def expected_forecast(sc: Scenario, issue: str, contingent: np.ndarray) -> np.ndarray:
    """The stakeholders' expected forecast on ``issue`` at each value still contingent
    [USD million]: the mean over the position draws (see the module docstring)."""
    from pactsim.models.bargaining import compromise, eum, nash, weighted_median

    eng = sc.engagement
    table = sc.actor_table(issue)
    values_v = np.asarray(contingent, dtype=float)
    n_actors = len(table.ids)
    cap = np.repeat(table.capability[None, :], len(values_v), axis=0)
    sal = np.repeat(table.salience[None, :], len(values_v), axis=0)
    stakes = patron_stakes(sc, issue)
    total = sum(stakes.values())
    for pkg in sc.all_packages():
        if pkg.patron not in table.ids:
            continue
        # the total contingent value split among the patrons as their stakes are
        part = stakes[pkg.patron] / total if total > 0 else 1.0 / len(stakes)
        i = table.ids.index(pkg.patron)
        ratio = part * values_v / pkg.value_ref
        cap[:, i] *= 1.0 + pkg.leverage * ratio
        sal[:, i] = np.minimum(1.0, sal[:, i] + pkg.salience_boost * np.minimum(1.0, ratio))
    draws = eng.forecast_draws if eng.forecast_spread > 0 else 1
    noise = np.random.default_rng(DRAWS_SEED).standard_normal((draws, n_actors))
    if draws > 1:
        noise[draws // 2 :] = -noise[: draws - draws // 2]  # antithetic pairs
    else:
        noise[:] = 0.0
    pos = np.clip(table.position[None, :] + eng.forecast_spread * noise, 0.0, 100.0)
    # problems: every contingent value with every draw
    b_cap = np.repeat(cap, draws, axis=0)
    b_sal = np.repeat(sal, draws, axis=0)
    b_pos = np.tile(pos, (len(values_v), 1))
    model = eng.bargaining_model
    if model == "eum":
        res = eum(b_cap, b_pos, b_sal, rounds=eng.bargaining_rounds, q=eng.eum_q)
        tail = max(1, (eng.bargaining_rounds + 1) // 2)
        values = np.asarray(res.median)[:, -tail:].mean(axis=1)
    elif model == "compromise":
        values = np.asarray(compromise(b_cap, b_pos, b_sal))
    elif model == "median":
        values = np.asarray(weighted_median(b_cap, b_pos, b_sal))
    else:
        values = np.asarray(nash(b_cap, b_pos, b_sal))
    return values.reshape(len(values_v), draws).mean(axis=1)


def forecast_curve(sc: Scenario, issue: str) -> tuple[np.ndarray, np.ndarray]:
    """(V grid, expected forecast) for ``issue``, made monotone toward the patron. Runs of
    the same bargaining problem (replications, policies with the same conditions) share it."""
    key = _curve_key(sc, issue)
    hit = _CURVES.get(key)
    if hit is None:
        hit = _forecast_curve(sc, issue)
        if len(_CURVES) >= 256:
            _CURVES.pop(next(iter(_CURVES)))
        _CURVES[key] = hit
    return hit[0].copy(), hit[1].copy()


_CURVES: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


def _curve_key(sc: Scenario, issue: str) -> tuple:
    """Everything the curve depends on: the actors on the issue, the package's leverage and
    the most that can be contingent, and the engagement's bargaining settings."""
    t = sc.actor_table(issue)
    eng = sc.engagement
    return (
        issue,
        tuple(t.ids),
        t.capability.tobytes(),
        t.position.tobytes(),
        t.salience.tobytes(),
        tuple((p.patron, p.leverage, p.salience_boost, p.value_ref) for p in sc.all_packages()),
        tuple(sorted(patron_stakes(sc, issue).items())),
        (eng.bargaining_model, eng.bargaining_rounds, eng.eum_q, eng.forecast_spread),
        (eng.forecast_draws, eng.mechanisms.leverage),
    )


def _forecast_curve(sc: Scenario, issue: str) -> tuple[np.ndarray, np.ndarray]:
    stakes = patron_stakes(sc, issue)
    table_ids = sc.actor_table(issue).ids
    at_stake = {p: v for p, v in stakes.items() if v > 0 and p in table_ids}
    leverage = sc.engagement.mechanisms.leverage and bool(at_stake)
    vmax = sum(stakes.values())
    grid = np.linspace(0.0, vmax, GRID) if leverage else np.zeros(1)
    curve = expected_forecast(sc, issue, grid)
    if leverage:
        # the patrons' side: their positions weighted by their stakes
        side = sum(sc.actor(p).positions[issue] * v for p, v in at_stake.items())
        toward_up = side / sum(at_stake.values()) >= curve[0]
        curve = np.maximum.accumulate(curve) if toward_up else np.minimum.accumulate(curve)
    return grid, curve


class Bargaining(Component):
    name = "bargaining"

    def __init__(self, world: World):
        super().__init__(world)
        sc = world.sc
        self.issues = decided_issues(sc)
        self.reconfigure(world)
        for i in self.issues:
            world.proposal[i] = self.forecast(i, 0.0)

    def reconfigure(self, world: World) -> None:
        self.curves = {i: forecast_curve(world.sc, i) for i in self.issues}

    def forecast(self, issue: str, contingent: float) -> float:
        grid, curve = self.curves[issue]
        if len(grid) == 1:
            return float(curve[0])
        return float(np.interp(contingent, grid, curve))

    @classmethod
    def declare(cls, sc: Scenario) -> list[Output]:
        return [
            Output(
                f"proposal_{i}",
                "0-100",
                "series",
                "info",
                f"What the stakeholders press for on {sc.issue(i).name} (the ceiling)",
            )
            for i in decided_issues(sc)
        ]

    def step(self, world: World, month: int) -> None:
        if (month - 1) % world.sc.engagement.bargaining_period == 0:
            for i in self.issues:
                world.proposal[i] = self.forecast(i, world.contingent.get(i, 0.0))
        for i in self.issues:
            world.row[f"proposal_{i}"] = world.proposal[i]
