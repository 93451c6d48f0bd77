"""The council: the leader's payoff, a real budget, reversal and institutionalisation, spoilers.

Hand-worked on the toy scenario: the hardliners lead (weight 5, ideal 5, kappa 0.004, alpha 2);
with the pragmatists (weight 3, ideal 50) they make the quota of 6, so up to 50 the coalition
is free. The status quo (10) costs no one, so the leader's own cost is K(r) = 0.004 (r - 10)^2
(1.6 USD M a month at 30). With council_inertia 1 a target is adopted at once, so a tranche met
this month is paid next month (one month's discount).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TOY
from hypothesis import given, settings
from hypothesis import strategies as st

from pactsim.engagement import run
from pactsim.engagement.council import months_to_reach

DELTA = 0.95


def one_tranche(stake: float, **extra: object) -> dict:
    """Aid of one tranche worth ``stake`` at opening 30 (the second tranche out of reach)."""
    return {
        "package.instruments.repair.enabled": False,
        "package.instruments.aid.value": 2 * stake,
        "package.instruments.aid.milestones.1.level": 100,
        "package.leverage": 0.0,
        "engagement.council_inertia": 1.0,
        **extra,
    }


def reform(overrides: dict, months: int = 12) -> np.ndarray:
    return (
        run(TOY, "milestone", seed=0, months=months, overrides=overrides)
        .series["reform_opening"]
        .to_numpy()
    )


def test_months_to_reach_by_hand() -> None:
    # from 10 toward 60 at a fifth of the gap: 10, 20, 28, 34.4, ... reaches 30 in 3 months
    assert months_to_reach(30.0, np.array([60.0]), 10.0, 0.2)[0] == 3
    assert months_to_reach(30.0, np.array([20.0]), 10.0, 0.2)[0] == np.inf
    assert months_to_reach(30.0, np.array([60.0]), 35.0, 0.2)[0] == 0
    assert months_to_reach(30.0, np.array([30.0]), 10.0, 1.0)[0] == 1


def test_the_leader_reforms_exactly_when_the_tranche_outweighs_its_own_cost() -> None:
    # ratchet (reversal_rate 0): the level is paid for one month, H = 1
    threshold = 0.004 * (30 - 10) ** 2 / DELTA  # 1.68 USD M
    assert (reform(one_tranche(0.9 * threshold)) == 10.0).all()
    assert reform(one_tranche(1.1 * threshold))[0] == 30.0


def test_levels_that_slide_back_must_be_paid_for_ever_unless_institutionalised() -> None:
    # reversal_rate > 0 and no institutionalisation: H = 1 / (1 - delta) = 20 months
    threshold = 20 * 0.004 * (30 - 10) ** 2 / DELTA  # 33.7 USD M
    sliding = {"engagement.reversal_rate": 0.5}
    assert (reform(one_tranche(0.9 * threshold, **sliding)) == 10.0).all()
    path = reform(one_tranche(1.1 * threshold, **sliding))
    # reached in month 1, paid in month 2, then nothing is at stake: it slides back by half
    # the gap a month toward the status quo
    assert path[:5] == pytest.approx([30.0, 20.0, 15.0, 12.5, 11.25])
    assert path[-1] == 10.0


def test_an_institutionalised_level_stays() -> None:
    # held 2 months (30, then 20 as it slides): 20 becomes every faction's new status quo
    inst = {"engagement.reversal_rate": 0.5, "engagement.institutionalisation": 2}
    threshold = (1 - DELTA**2) / (1 - DELTA) * 0.004 * 20**2 / DELTA
    assert (reform(one_tranche(0.9 * threshold, **inst)) == 10.0).all()
    path = reform(one_tranche(1.1 * threshold, **inst))
    assert path[:3] == pytest.approx([30.0, 20.0, 20.0])
    assert path[-1] == 20.0


def test_the_budget_is_real_income_never_promises() -> None:
    # make every partner's consent cost 0.01 (r - 10)^2 a month: 4 USD M at 30
    priced = one_tranche(
        100.0,
        **{
            "factions.members.pragmatists.ideal.opening": 10,
            "factions.members.pragmatists.kappa.opening": 0.01,
            "factions.members.moderates.ideal.opening": 10,
            "factions.members.moderates.kappa.opening": 0.01,
        },
    )
    assert reform(priced)[-1] == 10.0  # 100 promised, nothing in hand: no coalition
    with_revenue = reform({**priced, "factions.revenue": 5.0})
    assert with_revenue[0] == 30.0
    s = run(
        TOY, "milestone", seed=0, months=3, overrides={**priced, "factions.revenue": 5.0}
    ).series
    assert s["side_payments"].iloc[0] == pytest.approx(0.01 * 20**2)
    assert s["treasury"].iloc[0] == pytest.approx(5.0 - 4.0)


@settings(max_examples=15, deadline=None)
@given(value=st.floats(0, 5000), kappa=st.floats(0.05, 1.0))
def test_unconditional_money_buys_no_reform_from_a_status_quo_leader(
    value: float, kappa: float
) -> None:
    overrides = {
        "package.instruments.aid.mode": "unconditional",
        "package.instruments.aid.value": value,
        "package.instruments.repair.mode": "unconditional",
        "factions.members.hardliners.ideal.opening": 10,
        "factions.members.hardliners.kappa.opening": kappa,
        "factions.revenue": 100.0,
    }
    assert (reform(overrides, months=18) == 10.0).all()


def test_principled_shares_of_compromised_factions_defect_once() -> None:
    s = run(TOY, "milestone", seed=0, months=6, overrides=one_tranche(50.0)).series
    # the leader accepts 30 beyond its ideal 5: its principled 0.3 of weight 5 defect
    assert s["spoilers"].iloc[0] == pytest.approx(0.3 * 5 / 10)
    assert (s["spoilers"] == s["spoilers"].iloc[0]).all()
