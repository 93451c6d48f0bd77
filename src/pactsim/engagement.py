"""The monthly engagement loop: the package's conditionality couples the models (DESIGN.md 7).

Each month, in this order: the package disburses; every ``bargaining_period`` months the
stakeholders bargain on each issue, with the patron's capability and salience raised by the value
still contingent on that issue; the council adopts the largest reform up to the proposal that the
side-payment budget buys; legitimacy and hardship follow reforms, reconstruction and neighbours'
restrictions; the population model runs ``ticks_per_month`` ticks; the extremist organisation and
the neighbours advance; one row is recorded. The loop is the only place where models meet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pactsim.runresult import RunResult
from pactsim.scenario import Scenario, ScenarioError, load
from pactsim.scenario.model import Instrument

__all__ = ["RunResult", "run"]

MILITARY = ("military_repair", "military_modern")
RELIEF = ("reconstruction", "energy_food")


def _month_label(start: str, offset: int) -> str:
    year, month = (int(x) for x in start.split("-"))
    total = year * 12 + (month - 1) + offset
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


# ----------------------------------------------------------------------------------- package
@dataclass
class _Tranche:
    instrument: Instrument
    issue: str
    level: float
    value: float
    paid: bool = False


@dataclass
class _Package:
    """Disbursement book-keeping for every enabled instrument (DESIGN.md 7.1, first bullet)."""

    instruments: list[Instrument]
    tranches: list[_Tranche] = field(default_factory=list)
    paid: dict[str, float] = field(default_factory=dict)

    @classmethod
    def build(cls, sc: Scenario) -> _Package:
        instruments = [k for k in (sc.package.instruments if sc.package else []) if k.enabled]
        tranches = [
            _Tranche(k, m.issue, m.level, k.value * m.share)
            for k in instruments
            if k.mode == "milestone"
            for m in k.milestones
        ]
        return cls(instruments, tranches, {k.id: 0.0 for k in instruments})

    def disburse(self, month: int, adopted: dict[str, float]) -> dict[str, float]:
        """Payments this month per instrument; conditions are read on last month's reforms."""
        out = {k.id: 0.0 for k in self.instruments}
        for k in self.instruments:
            if k.mode == "unconditional" and month <= k.upfront_months:
                out[k.id] += k.value / k.upfront_months
            elif k.mode == "reciprocal" and month <= k.months:
                out[k.id] += k.value / k.months * _reciprocal_ratio(k, adopted)
        for t in self.tranches:
            if not t.paid and adopted.get(t.issue, 0.0) >= t.level:
                t.paid = True
                out[t.instrument.id] += t.value
        for key, value in out.items():
            self.paid[key] += value
        return out

    def contingent(self, month: int, adopted: dict[str, float]) -> dict[str, float]:
        """Value still promised against each issue: the patron's leverage (DESIGN.md 7.1)."""
        out: dict[str, float] = {}
        for t in self.tranches:
            if not t.paid:
                out[t.issue] = out.get(t.issue, 0.0) + t.value
        for k in self.instruments:
            if k.mode == "reciprocal" and month <= k.months:
                remaining = k.value * (k.months - month + 1) / k.months
                unearned = remaining * (1.0 - _reciprocal_ratio(k, adopted))
                for issue in k.targets:
                    out[issue] = out.get(issue, 0.0) + unearned / len(k.targets)
        return out


def _reciprocal_ratio(k: Instrument, adopted: dict[str, float]) -> float:
    ratios = [
        min(1.0, adopted.get(i, 0.0) / lvl) if lvl > 0 else 1.0 for i, lvl in k.targets.items()
    ]
    return float(np.mean(ratios)) if ratios else 0.0


# ----------------------------------------------------------------------------------- models
def _bargain(sc: Scenario, issue: str, contingent: float, rounds: int) -> float:
    """The leadership's proposal on ``issue``: the bargaining forecast with leverage applied."""
    from pactsim.models.bargaining import forecast

    table = sc.actor_table(issue)
    cap = table.capability.copy()
    sal = table.salience.copy()
    if sc.package and sc.package.patron in table.ids and contingent > 0:
        i = table.ids.index(sc.package.patron)
        ratio = contingent / sc.package.value_ref
        cap[i] *= 1.0 + sc.package.leverage * ratio
        sal[i] = min(1.0, sal[i] + sc.package.salience_boost * min(1.0, ratio))
    eng = sc.engagement
    options: dict[str, Any] = {}
    if eng.bargaining_model == "eum":
        options = {"rounds": rounds, "q": eng.eum_q}
    return float(forecast(eng.bargaining_model, cap, table.position, sal, **options))


def _population(sc: Scenario, seed: int) -> Any:
    from pactsim.models.population import CivilViolence, CivilViolenceParams

    p = sc.population
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
    return CivilViolence(params, seed)


# -------------------------------------------------------------------------------------- run
def run(
    scenario: Scenario | str,
    policy: str | None = None,
    seed: int = 0,
    months: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> RunResult:
    """One run of a scenario, month by month. The same inputs and seed give identical results."""
    from pactsim import __version__
    from pactsim.models import extremists as ext
    from pactsim.models import region as reg
    from pactsim.models.factions import max_affordable_reform

    sc = load(scenario) if isinstance(scenario, str) else scenario
    if policy is not None:
        sc = sc.with_policy(policy)
    if overrides:
        sc = sc.with_overrides(overrides)
    horizon = sc.meta.months if months is None else months
    if horizon <= 0:
        raise ScenarioError.single(sc.origin, "months", f"must be at least 1 (got {horizon})")
    eng = sc.engagement
    seq = np.random.SeedSequence(seed)
    pop_seed, ext_seed = seq.spawn(2)
    rng = np.random.default_rng(ext_seed)
    population = _population(sc, int(pop_seed.generate_state(1, dtype=np.uint32)[0]))

    reform_issues = [i.id for i in sc.issues if i.reform]
    lambdas = {i.id: i.legitimacy for i in sc.issues if i.reform and i.legitimacy}
    adopted = {i.id: float(i.status_quo) for i in sc.issues}
    proposal = dict(adopted)
    status_quo = dict(adopted)

    def reform_legitimacy(levels: dict[str, float]) -> float:
        """Legitimacy from reforms adopted beyond the status quo, issue by issue."""
        return sum(lam * (levels[i] - status_quo[i]) / 100.0 for i, lam in lambdas.items())

    package = _Package.build(sc)
    ct_issue = eng.ct_issue

    council = sc.factions
    if council:
        weights = np.array([m.weight for m in council.members], dtype=np.int64)
        veto = np.array([m.veto for m in council.members], dtype=bool)
        rho = np.array([m.principled_share for m in council.members])
        total_weight = float(weights.sum())
    defected = {m.id: 0.0 for m in council.members} if council else {}

    neighbours = sc.region.neighbours
    nparams = reg.NeighbourParams(
        scope_sensitivity=np.array([n.scope_sensitivity for n in neighbours]),
        attack_sensitivity=np.array([n.attack_sensitivity for n in neighbours]),
        ct_reassurance=np.array([n.ct_reassurance for n in neighbours]),
        decay=np.array([n.decay for n in neighbours]),
        threshold=np.array([n.threshold for n in neighbours]),
        attack_share=np.array([n.attack_share for n in neighbours]),
    )
    tension = np.zeros(len(neighbours))
    reacting = np.zeros(len(neighbours), dtype=bool)
    e = sc.extremists
    xparams = ext.ExtremistParams(
        attrition=e.attrition,
        natural_attrition=e.natural_attrition,
        interdiction=e.interdiction,
        attack_rate=e.attack_rate,
        attack_rate_abroad=e.attack_rate_abroad,
        interdiction_abroad=e.interdiction_abroad,
        conventional_threshold=e.conventional_threshold,
        deaths_per_attack=e.deaths_per_attack,
        conventional_lethality=e.conventional_lethality,
    )
    strength = e.initial_strength
    pop = sc.population
    n_citizens = max(1, round(pop.width * pop.height * pop.citizen_density))
    people_per_agent = pop.country_population / n_citizens

    stock = felt = 0.0
    repair_stock = modern_stock = 0.0
    readiness = eng.readiness_initial
    cost = 0.0
    flows: list[float] = []
    delivered = {k.id: 0.0 for k in package.instruments}
    rows: list[dict[str, Any]] = []

    for month in range(1, horizon + 1):
        # 1. package
        paid = package.disburse(month, adopted)
        money = sum(paid[k.id] for k in package.instruments if k.money)
        cost += money
        for key, value in paid.items():
            delivered[key] += value
        flows.append(sum(paid.values()))
        contingent = package.contingent(month, adopted)
        # 2. bargaining
        if (month - 1) % eng.bargaining_period == 0:
            for spec in sc.issues:
                if spec.reform or spec.id == ct_issue:
                    proposal[spec.id] = _bargain(
                        sc, spec.id, contingent.get(spec.id, 0.0), eng.bargaining_rounds
                    )
        if ct_issue:
            adopted[ct_issue] += eng.council_inertia * (proposal[ct_issue] - adopted[ct_issue])
        # 3. council
        recent = float(np.mean(flows[-12:]))
        promised = sum(contingent.values())
        pkg = sc.package
        budget = (
            pkg.side_payment_share * (recent + pkg.promise_weight * promised / pkg.promise_horizon)
            if pkg
            else 0.0
        )
        weights_by_issue = np.array([contingent.get(i, 0.0) for i in reform_issues])
        shares = (
            weights_by_issue / weights_by_issue.sum()
            if weights_by_issue.sum() > 0
            else np.full(len(reform_issues), 1.0 / max(1, len(reform_issues)))
        )
        new_defectors = 0.0
        for issue, share in zip(reform_issues, shares, strict=True):
            if not council:
                target = proposal[issue]
            else:
                ideal = np.array([m.ideal.get(issue, status_quo[issue]) for m in council.members])
                kappa = np.array([m.kappa.get(issue, 0.0) for m in council.members])
                result = max_affordable_reform(
                    weights,
                    council.quota,
                    ideal,
                    kappa,
                    council.alpha,
                    budget * share,
                    r_max=max(proposal[issue], 0.0),
                    veto=veto,
                    principled_share=rho,
                )
                target = float(result.reform)
                for j, m in enumerate(council.members):
                    # a faction's principled share defects once, the first time it is paid
                    if result.spoilers[j] > defected[m.id]:
                        new_defectors += result.spoilers[j] - defected[m.id]
                        defected[m.id] = float(result.spoilers[j])
            gap = target - adopted[issue]
            if gap > 0 or eng.reversible:
                adopted[issue] += eng.council_inertia * gap
        spoiler_share = sum(defected.values()) / total_weight if council else 0.0
        # 4. legitimacy and hardship
        relief = sum(
            paid[k.id] * (1.0 if k.kind == "reconstruction" else eng.energy_food_weight)
            for k in package.instruments
            if k.kind in RELIEF
        )
        stock = (1.0 - eng.reconstruction_decay) * stock + relief
        felt += (stock - felt) / eng.reconstruction_lag
        restriction = sum(
            n.reaction_strength
            for n, r in zip(neighbours, reacting, strict=True)
            if r and n.reaction == "restrict_trade"
        )
        relieved = eng.hardship_floor + (1 - eng.hardship_floor) * math.exp(
            -felt / eng.reconstruction_scale
        )
        hardship = relieved * (1.0 + restriction)
        legitimacy = float(
            np.clip(
                pop.legitimacy
                + reform_legitimacy(adopted)
                + eng.legitimacy_services * (1.0 - hardship)
                - eng.legitimacy_spoilers * spoiler_share,
                0.0,
                1.0,
            )
        )
        # 6a. equipment (readiness sets this month's arrest constant and CT capacity)
        for k in package.instruments:
            if k.kind == "military_repair":
                repair_stock += paid[k.id]
            elif k.kind == "military_modern":
                modern_stock += paid[k.id]
        repair_stock *= 1.0 - eng.readiness_decay
        modern_stock *= 1.0 - eng.readiness_decay
        target_ready = min(
            1.0,
            eng.readiness_baseline
            + eng.readiness_per_repair * repair_stock
            + eng.readiness_per_modern * modern_stock,
        )
        readiness += eng.readiness_rate * (target_ready - readiness)
        ct_coop = adopted[ct_issue] if ct_issue else 0.0
        ct_capacity = (
            eng.ct_capacity
            * (1 + eng.ct_equipment * readiness)
            * (1 + eng.ct_cooperation * ct_coop / 100.0)
        )
        # 5. population
        counts = population.advance(
            pop.ticks_per_month,
            legitimacy=legitimacy,
            hardship_multiplier=hardship,
            arrest_k=pop.k * (1 + eng.arrest_equipment * readiness),
        )
        newly_active = float(np.sum(counts.newly_active))
        # 6b. extremists and region
        recruits = (
            e.recruits_per_active * newly_active * people_per_agent
            + e.spoiler_recruits * new_defectors
        )
        support = sum(
            n.reaction_strength
            for n, r in zip(neighbours, reacting, strict=True)
            if r and n.reaction == "support_opposition"
        )
        xs = ext.step(
            strength,
            recruits=recruits,
            inflow=e.foreign_inflow + e.sponsor_inflow + support,
            ct_capacity=ct_capacity,
            readiness=readiness,
            params=xparams,
            rng=rng,
        )
        hits = reg.split_attacks(xs.attacks_abroad, nparams.attack_share, rng)
        scope = _scope(sc, package, delivered)
        rs = reg.step(tension, scope=scope, attacks=hits, ct_coop=ct_coop, params=nparams)
        tension, reacting = rs.tension, rs.reacting
        # 7. record
        row: dict[str, Any] = {"month": month, "date": _month_label(sc.meta.start, month - 1)}
        for issue in reform_issues:
            row[f"reform_{issue}"] = adopted[issue]
            row[f"proposal_{issue}"] = proposal[issue]
        if ct_issue:
            row["ct_cooperation"] = ct_coop
        row.update(
            {
                "mil_scope": scope,
                "disbursed": money,
                "cost_cumulative": cost,
                "contingent_value": promised,
                "side_budget": budget,
                "legitimacy": legitimacy,
                "hardship": hardship,
                "readiness": readiness,
                "ct_capacity": ct_capacity,
                "quiet": float(counts.quiet[-1]),
                "active": float(counts.active[-1]),
                "jailed": float(counts.jailed[-1]),
                "newly_active": newly_active,
                "recruits": recruits,
                "iskp_strength": xs.strength,
                "attacks_home": float(xs.attacks_home),
                "attacks_abroad": float(xs.attacks_abroad),
                "deaths_home": xs.deaths_home,
                "semi_conventional": float(xs.semi_conventional),
                "interdiction": xs.interdiction,
                "spoilers": spoiler_share,
            }
        )
        for n, t, r, h in zip(neighbours, tension, reacting, hits, strict=True):
            row[f"tension_{n.actor}"] = float(t)
            row[f"reacting_{n.actor}"] = float(r)
            row[f"attacks_on_{n.actor}"] = float(h)
        rows.append(row)
        strength = xs.strength

    series = pd.DataFrame(rows)
    summary = _summarise(sc, series, reform_issues, package, n_citizens)
    return RunResult(
        policy=policy,
        seed=seed,
        summary=summary,
        series=series,
        scenario_hash=sc.hash,
        version=__version__,
    )


def _scope(sc: Scenario, package: _Package, delivered: dict[str, float]) -> float:
    """Military-technical scope of what has been delivered: the kind's scope times the share
    of the instrument delivered (repair 50, modern systems 100 at full delivery)."""
    scope = 0.0
    for k in package.instruments:
        if k.kind in MILITARY and k.value > 0:
            level = (
                sc.engagement.scope_repair
                if k.kind == "military_repair"
                else (sc.engagement.scope_modern)
            )
            scope = max(scope, level * min(1.0, delivered[k.id] / k.value))
    return scope


def _summarise(
    sc: Scenario, s: pd.DataFrame, reform_issues: list[str], package: _Package, n_citizens: int
) -> dict[str, float]:
    out: dict[str, float] = {}
    at36 = s.iloc[min(36, len(s)) - 1]
    for issue in reform_issues:
        col = s[f"reform_{issue}"]
        out[f"reform_{issue}_final"] = float(col.iloc[-1])
        out[f"reform_{issue}_36m"] = float(at36[f"reform_{issue}"])
        out[f"reform_{issue}_peak"] = float(col.max())
        level = sc.engagement.success_levels.get(issue)
        if level is not None:
            out[f"reached_{issue}_36m"] = float(bool((col.iloc[:36] >= level).any()))
    reached = [v for k, v in out.items() if k.startswith("reached_")]
    if reached:
        out["reached_all_36m"] = float(min(reached))
    conditions = {(t.issue, t.level) for k in package.instruments for t in k.milestones}
    met = [float(s[f"reform_{i}"].max() >= lvl) for i, lvl in conditions if f"reform_{i}" in s]
    out["milestones_share"] = float(np.mean(met)) if met else 0.0
    out["cost_total"] = float(s["cost_cumulative"].iloc[-1])
    out["attacks_home_total"] = float(s["attacks_home"].sum())
    out["attacks_abroad_total"] = float(s["attacks_abroad"].sum())
    out["deaths_home_total"] = float(s["deaths_home"].sum())
    out["iskp_peak"] = float(s["iskp_strength"].max())
    out["iskp_final"] = float(s["iskp_strength"].iloc[-1])
    out["semi_conventional_months"] = float(s["semi_conventional"].sum())
    out["legitimacy_final"] = float(s["legitimacy"].iloc[-1])
    out["hardship_final"] = float(s["hardship"].iloc[-1])
    out["active_share_mean"] = float(s["active"].mean() / n_citizens)
    out["spoilers_final"] = float(s["spoilers"].iloc[-1])
    peaks = []
    for n in sc.region.neighbours:
        peak = float(s[f"tension_{n.actor}"].max())
        out[f"tension_peak_{n.actor}"] = peak
        out[f"reaction_months_{n.actor}"] = float(s[f"reacting_{n.actor}"].sum())
        peaks.append(peak)
    out["tension_peak_max"] = max(peaks) if peaks else 0.0
    out["neighbour_reacted"] = float(
        any(out[f"reaction_months_{n.actor}"] > 0 for n in sc.region.neighbours)
    )
    return out
