"""The package component: disbursement by mode, credibility, income, value still contingent."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TOY

from pactsim.engagement.package import Package, earned, leadership_share, reciprocal_ratio
from pactsim.engagement.world import World


def world_of(overrides: dict) -> World:
    sc = TOY.with_overrides(overrides)
    return World(sc=sc, rng=np.random.default_rng(0), population_seed=0)


def step(pkg: Package, w: World, month: int, level: float) -> dict[str, float]:
    w.adopted = {"opening": level, "scope": 0.0}
    w.row = {}
    pkg.step(w, month)
    return dict(w.paid)


def test_unconditional_pays_the_value_in_equal_parts_up_front() -> None:
    w = world_of(
        {
            "package.instruments.aid.mode": "unconditional",
            "package.instruments.aid.upfront_months": 4,
        }
    )
    pkg = Package(w)
    paid = [step(pkg, w, m, 10.0)["aid"] for m in range(1, 8)]
    assert paid == pytest.approx([150.0] * 4 + [0.0] * 3)
    assert w.row["cost_cumulative"] == pytest.approx(600.0 + 0.0)  # repair waits for level 40


def test_a_tranche_waits_for_its_condition_and_its_due_month_and_is_paid_once() -> None:
    w = world_of({"package.instruments.aid.milestones.0.due": 3, "package.credibility": 1.0})
    pkg = Package(w)
    assert step(pkg, w, 1, 35.0)["aid"] == 0.0  # met, but not due
    assert step(pkg, w, 2, 35.0)["aid"] == 0.0
    assert step(pkg, w, 3, 35.0)["aid"] == pytest.approx(300.0)  # due: paid whole
    assert step(pkg, w, 4, 35.0)["aid"] == 0.0  # once
    assert step(pkg, w, 5, 55.0)["aid"] == pytest.approx(300.0)  # the second tranche (due 1)


@pytest.mark.parametrize("credibility", [0.0, 0.3, 1.0])
def test_an_unmet_condition_still_releases_one_minus_credibility_at_its_due_month(
    credibility: float,
) -> None:
    w = world_of(
        {"package.instruments.aid.milestones.0.due": 2, "package.credibility": credibility}
    )
    pkg = Package(w)
    first = step(pkg, w, 1, 10.0)["aid"]
    # tranche 1 (300, level 30) is not due yet; tranche 2 (300, level 50, due 1) releases now
    assert first == pytest.approx((1 - credibility) * 300.0)
    assert step(pkg, w, 2, 10.0)["aid"] == pytest.approx((1 - credibility) * 300.0)
    assert step(pkg, w, 3, 10.0)["aid"] == 0.0  # released once only
    # the credible rest is paid when the condition comes to hold
    assert step(pkg, w, 4, 60.0)["aid"] == pytest.approx(2 * credibility * 300.0)


def test_reciprocal_flow_pays_credibility_times_the_earned_share_plus_the_rest() -> None:
    w = world_of(
        {
            "package.instruments.aid.mode": "reciprocal",
            "package.instruments.aid.months": 10,
            "package.credibility": 0.6,
        }
    )
    pkg = Package(w)
    # target 50; level 20 earns 0.4 of the flow of 60 a month
    assert step(pkg, w, 1, 20.0)["aid"] == pytest.approx(60.0 * (0.6 * 0.4 + 0.4))
    assert step(pkg, w, 11, 20.0)["aid"] == 0.0  # the flow has ended


def test_income_is_each_paid_money_instruments_share_and_non_money_gives_none() -> None:
    w = world_of(
        {
            "package.instruments.aid.mode": "unconditional",
            "package.instruments.aid.upfront_months": 1,
            "package.instruments.aid.leadership_share": 0.25,
            "package.instruments.repair.mode": "unconditional",
            "package.instruments.repair.upfront_months": 1,
            "package.side_payment_share": 0.5,
        }
    )
    pkg = Package(w)
    step(pkg, w, 1, 10.0)
    assert w.income == pytest.approx(0.25 * 600 + 0.5 * 150)
    recognition = w.sc.package.instruments[0].model_copy(
        update={"money": False, "leadership_share": None}
    )
    assert leadership_share(w.sc.package, recognition) == 0.0


def test_contingent_value_is_the_credible_unmet_part() -> None:
    w = world_of(
        {
            "package.credibility": 0.5,
            "package.instruments.aid.milestones.0.due": 5,
            "package.instruments.aid.milestones.1.due": 5,
        }
    )
    pkg = Package(w)
    step(pkg, w, 1, 10.0)
    # aid 600 in two tranches, repair 150: all unmet, none due, half credible
    assert w.contingent["opening"] == pytest.approx(0.5 * (600 + 150))
    step(pkg, w, 2, 35.0)  # the level-30 tranche is met: earned, no longer leverage
    assert w.contingent["opening"] == pytest.approx(0.5 * (300 + 150))
    assert w.row["contingent_value"] == pytest.approx(w.contingent["opening"])


def test_reciprocal_ratio_and_earned() -> None:
    k = TOY.with_overrides({"package.instruments.aid.mode": "reciprocal"}).package.instruments[0]
    assert reciprocal_ratio(k, {"opening": 25.0}) == pytest.approx(0.5)
    assert reciprocal_ratio(k, {"opening": 80.0}) == 1.0
    assert earned(5.0, 0.0) == 1.0
