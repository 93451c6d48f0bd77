"""One test per row of docs/mechanisms.md. Each isolates the channel its claim names: the
mechanism switch (``engagement.mechanisms``) is flipped with every other channel that could
move the same quantity held fixed, and the difference is checked against what the channel's
equation says it must be."""

from __future__ import annotations

import numpy as np
import pytest

import pactsim
from pactsim.engagement import run
from pactsim.engagement.bargaining import forecast_curve

SMALL = {"population.width": 30, "population.height": 30, "population.ticks_per_month": 3}
AFG = pactsim.load("afghanistan-2023").with_overrides(SMALL)
SEEDS = range(3)
# legitimacy held fixed: no reform, service or spoiler channel reaches it
FIXED_LEGITIMACY = {
    "engagement.mechanisms.reform_legitimacy": False,
    "engagement.mechanisms.services_legitimacy": False,
    "engagement.mechanisms.spoiler_legitimacy": False,
}
QUIET_NEIGHBOURS = {
    f"region.neighbours.{n}.reaction": "none" for n in ("pakistan", "iran", "central_asia", "china")
}


def series(policy: str | None, overrides: dict, seed: int = 0, months: int = 36):  # type: ignore[no-untyped-def]
    return run(AFG, policy, seed=seed, months=months, overrides=overrides).series


def mean_over_seeds(policy: str | None, column: str, overrides: dict, months: int = 36) -> float:
    return float(np.mean([series(policy, overrides, s, months)[column].mean() for s in SEEDS]))


# 1. reconstruction "can reduce the appeal of extremist groups by preventing people from
#    becoming so desperate that they turn to them"
def test_reconstruction_lowers_hardship_and_hardship_reaches_the_citizens() -> None:
    base = {
        "package.instruments.reconstruction.mode": "unconditional",
        **QUIET_NEIGHBOURS,
        **FIXED_LEGITIMACY,
    }
    on = series("milestone", base)
    off = series("milestone", {**base, "engagement.mechanisms.relief": False})
    # with relief off nothing moves hardship from 1
    assert (off["hardship"] == 1.0).all()
    assert on["hardship"].iloc[-1] < 0.9
    assert (on["legitimacy"] == off["legitimacy"]).all()  # legitimacy held fixed
    # lower hardship, same legitimacy: fewer citizens turn active, fewer recruits
    assert mean_over_seeds("milestone", "newly_active", base) < mean_over_seeds(
        "milestone", "newly_active", {**base, "engagement.mechanisms.relief": False}
    )


# 2. equipment that lets the regime "thwart contemporary terrorist threats"
def test_repair_raises_ct_capacity_by_its_equation_and_lowers_attacks() -> None:
    base = {"package.instruments.military_repair.mode": "unconditional"}
    on = series("milestone", base)
    off = series("milestone", {**base, "engagement.mechanisms.equipment_ct": False})
    eng = AFG.engagement
    ct = 1 + eng.ct_cooperation * on["reform_ct_cooperation"] / 100
    np.testing.assert_allclose(
        on["ct_capacity"], eng.ct_capacity * (1 + eng.ct_equipment * on["readiness"]) * ct
    )
    np.testing.assert_allclose(off["ct_capacity"], eng.ct_capacity * ct)
    assert on["readiness"].iloc[-1] > series("no-package", {})["readiness"].iloc[-1]
    assert mean_over_seeds("milestone", "attacks_home", base) < mean_over_seeds(
        "milestone", "attacks_home", {**base, "engagement.mechanisms.equipment_ct": False}
    )


# 3. threats "increasingly becoming semi-conventional": above S_conv interdiction needs armour
def test_semi_conventional_threat_switches_on_and_needs_ready_armour() -> None:
    low = {"extremists.conventional_threshold": 1000.0}
    s = series("no-package", low)
    semi = s["semi_conventional"].to_numpy() == 1.0
    assert semi[:6].all()  # strength starts above 1,000
    eta = AFG.extremists.interdiction
    d = 1 - np.exp(-eta * s["ct_capacity"])
    np.testing.assert_allclose(s["interdiction"], np.where(semi, d * s["readiness"], d))
    # out of reach at the default threshold, where readiness plays no part in interdiction
    d = series("no-package", {})
    assert (d["semi_conventional"] == 0.0).all()
    np.testing.assert_allclose(d["interdiction"], 1 - np.exp(-eta * d["ct_capacity"]))


# 4. repair "likely only as a tangible reward" for making good on its promises
def test_milestone_tranches_wait_for_the_reform_and_credibility_releases_the_rest() -> None:
    hard = {
        "factions.members.kandahar.kappa.inclusivity": 50.0,
        "factions.members.kandahar.kappa.womens_rights": 50.0,
        "package.credibility": 1.0,
    }
    s = series("milestone", hard)
    assert s["cost_cumulative"].iloc[-1] == 0  # no reform, no payment
    half = series("milestone", {**hard, "package.credibility": 0.5}, months=40)
    money = sum(k.value for k in AFG.package.instruments if k.enabled and k.money)
    assert half["cost_cumulative"].iloc[-1] == pytest.approx(0.5 * money)
    assert series("bribery", hard)["cost_cumulative"].iloc[-1] == pytest.approx(money)


# 5. "mutually beneficial deals ... instead of bribery": leverage lives in contingent value
def test_leverage_lives_in_value_still_contingent() -> None:
    sc = AFG.with_overrides({"engagement.bargaining_model": "compromise"})
    _grid, curve = forecast_curve(sc, "inclusivity")
    assert curve[-1] > curve[0] + 1  # promised value raises the forecast
    flat = forecast_curve(
        sc.with_overrides({"engagement.mechanisms.leverage": False}), "inclusivity"
    )
    assert len(flat[1]) == 1 and flat[1][0] == pytest.approx(curve[0])
    # money paid unconditionally is not contingent: bribery's forecast is no package's
    first = {
        p: run(sc, p, seed=0, months=1).series["proposal_inclusivity"].iloc[0]
        for p in ("no-package", "bribery", "milestone")
    }
    assert first["bribery"] == pytest.approx(first["no-package"])
    assert first["milestone"] > first["no-package"]
    # and the leadership's own incentive: without conditionality the package buys nothing
    off = series("milestone", {"engagement.mechanisms.conditionality": False})
    none = series("no-package", {})
    assert off["reform_inclusivity"].max() <= none["reform_inclusivity"].max() + 1e-9


# 6. "some members might always resist these changes out of principle, but many more could
#    potentially be bought off": spoilers feed recruitment, legitimacy held fixed
def test_defecting_spoilers_feed_recruitment_by_their_equation() -> None:
    base = {**FIXED_LEGITIMACY, **QUIET_NEIGHBOURS}
    on = series("milestone", base)
    off = series("milestone", {**base, "engagement.mechanisms.spoiler_recruitment": False})
    assert on["spoilers"].max() > 0
    new = np.diff(np.concatenate([[0.0], on["spoilers"].to_numpy()])) * 13  # council weight
    np.testing.assert_allclose(
        on["recruits"] - off["recruits"], AFG.extremists.spoiler_recruits * new, atol=1e-9
    )


# 7. the leading faction finds "ways in which its internal rivals could benefit": the budget
def test_the_side_payment_budget_is_real_income() -> None:
    # every partner must be paid for inclusivity; nothing is paid before a condition is met
    priced = {
        "package.credibility": 1.0,
        **{f"factions.members.{f}.ideal.inclusivity": 8 for f in ("haqqani", "doha", "northern")},
    }
    broke = series("milestone", {**priced, "factions.revenue": 0.0})
    paid = series("milestone", {**priced, "factions.revenue": 20.0})
    # until the first tranche (women's rights, free to reach) brings money at month 12, a
    # broke leadership cannot buy inclusivity however much it would unlock
    first = slice(0, 11)
    assert broke["income"].iloc[first].sum() == 0
    assert broke["side_payments"].iloc[first].sum() == 0
    assert broke["reform_inclusivity"].iloc[first].max() == 8
    assert paid["side_payments"].iloc[first].sum() > 0
    assert paid["reform_inclusivity"].iloc[first].max() > 20
    # and once income arrives it is spent on the coalition (reform pays for more reform)
    assert broke["reform_inclusivity"].max() > 20
    assert (paid["treasury"] >= 0).all() and (broke["treasury"] >= 0).all()


# 8. Pakistan and Iran "shouldn't be alarmed ... since Russia isn't inclined to sell them
#    modern equipment"
def test_modern_systems_alarm_neighbours_through_scope_only() -> None:
    on = {
        "package.instruments.military_repair.mode": "unconditional",
        "package.instruments.military_modern.mode": "unconditional",
        "region.neighbours.pakistan.attack_sensitivity": 0.0,
        "region.neighbours.pakistan.ct_reassurance": 0.0,
    }
    repair = series("milestone", on)
    modern = series("modern-systems", on)
    assert repair["mil_scope"].iloc[-1] == pytest.approx(50.0)
    assert modern["mil_scope"].iloc[-1] == pytest.approx(100.0)
    # tension integrates a scope/100 with decay: T' = T + a scope/100 - delta T
    a = 1.2
    t = 0.0
    for scope in modern["mil_scope"]:
        t = max(0.0, t + a * scope / 100 - 0.2 * t)
    assert modern["tension_pakistan"].iloc[-1] == pytest.approx(t)
    assert modern["tension_pakistan"].max() > repair["tension_pakistan"].max()


# 9. the "belt of tension": an external sponsor of the extremists
def test_an_external_sponsor_adds_its_inflow() -> None:
    sponsored = {
        "extremists.sponsor_inflow": 40.0,
        "extremists.natural_attrition": 0.0,
        "extremists.attrition": 0.0,
    }
    on = series("no-package", sponsored, months=6)
    off = series("no-package", {**sponsored, "engagement.mechanisms.sponsor": False}, months=6)
    # no attrition: the difference grows by the inflow each month
    np.testing.assert_allclose(on["iskp_strength"] - off["iskp_strength"], 40.0 * np.arange(1, 7))


# 10. legitimacy rises with adopted reforms
def test_adopted_reforms_raise_legitimacy_by_their_weights() -> None:
    only_reforms = {
        "engagement.mechanisms.services_legitimacy": False,
        "engagement.mechanisms.spoiler_legitimacy": False,
    }
    s = series("milestone", only_reforms)
    gain = sum(
        i.legitimacy * (s[f"reform_{i.id}"] - i.status_quo) / 100 for i in AFG.issues if i.reform
    )
    np.testing.assert_allclose(s["legitimacy"], np.clip(AFG.population.legitimacy + gain, 0, 1))
    assert gain.max() > 0.05


# 11. recruitment from the population's newly active citizens
def test_newly_active_citizens_feed_recruitment_by_their_equation() -> None:
    s = series("no-package", {"engagement.mechanisms.spoiler_recruitment": False})
    per_agent = AFG.population.country_population / round(30 * 30 * AFG.population.citizen_density)
    np.testing.assert_allclose(
        s["recruits"], AFG.extremists.recruits_per_active * s["newly_active"] * per_agent
    )
    off = series(
        "no-package",
        {
            "engagement.mechanisms.recruitment": False,
            "engagement.mechanisms.spoiler_recruitment": False,
        },
    )
    assert (off["recruits"] == 0).all() and s["recruits"].sum() > 0


# 12. neighbours' reactions: trade restrictions raise hardship
def test_trade_restrictions_multiply_hardship() -> None:
    alarmed = {
        "region.neighbours.pakistan.threshold": 0.0,
        "region.neighbours.pakistan.attack_sensitivity": 5.0,
    }
    on = series("no-package", alarmed)
    off = series("no-package", {**alarmed, "engagement.mechanisms.restrictions": False})
    reacting = on["reacting_pakistan"].shift(1, fill_value=0.0).to_numpy()
    expected = off["hardship"] * (
        1 + 0.05 * reacting + 0.03 * on["reacting_iran"].shift(1, fill_value=0.0)
    )
    np.testing.assert_allclose(on["hardship"], expected)
    assert reacting.sum() > 0
