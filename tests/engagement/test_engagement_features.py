"""Several patrons, sanctions relief, penalties with snapback, neighbours that read reforms and
strike equipment, dated events, and Model II as the population, each on the toy scenario."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TOY

from pactsim.engagement import declared_outputs, run
from pactsim.scenario import ScenarioError

TOY_PATRON = TOY.actors[3].model_dump()
SECOND = {
    **{k: v for k, v in TOY_PATRON.items() if k != "id"},
    "id": "donor",
    "name": "Second donor",
}


def with_second_patron(**package: object) -> dict:
    return {
        "actors": [a.model_dump() for a in TOY.actors] + [SECOND],
        "packages": [
            {
                "patron": "donor",
                "instruments": [
                    {
                        "id": "relief",
                        "kind": "sanctions_relief",
                        "value": 400,
                        "money": False,
                        "mode": "milestone",
                        "milestones": [{"issue": "opening", "level": 30, "share": 1.0}],
                    }
                ],
                **package,
            }
        ],
    }


def test_a_second_patrons_package_pays_relieves_and_adds_leverage() -> None:
    sc = TOY.with_overrides(with_second_patron())
    assert [p.patron for p in sc.all_packages()] == ["patron", "donor"]
    one = run(TOY, "milestone", seed=1, months=24).series
    two = run(sc, "milestone", seed=1, months=24).series
    assert two["contingent_value"].iloc[0] > one["contingent_value"].iloc[0]
    # sanctions relief is no money of the patrons' but relieves hardship
    assert two["cost_cumulative"].iloc[-1] == pytest.approx(one["cost_cumulative"].iloc[-1])
    assert two["hardship"].iloc[-1] < one["hardship"].iloc[-1]
    # and it is addressed by its patron in paths
    cheaper = sc.with_overrides({"packages.donor.instruments.relief.value": 0})
    assert cheaper.packages[0].instruments[0].value == 0


def test_two_packages_of_one_patron_or_one_instrument_id_twice_are_refused() -> None:
    dup = with_second_patron()
    dup["packages"][0]["patron"] = "patron"
    with pytest.raises(ScenarioError, match="second package of patron 'patron'"):
        TOY.with_overrides(dup)
    same = with_second_patron()
    same["packages"][0]["instruments"][0]["id"] = "aid"
    with pytest.raises(ScenarioError, match="duplicate instrument id 'aid'"):
        TOY.with_overrides(same)


PENALTY = {
    "package.penalties": [
        {
            "id": "snap",
            "issue": "opening",
            "level": 90,
            "due": 3,
            "hardship": 0.2,
            "snapback": ["aid"],
        }
    ],
    "package.credibility": 0.5,
    "engagement.mechanisms.relief": False,
    "region.neighbours.neighbour.reaction": "none",
}


def test_a_penalty_in_force_raises_hardship_and_snapback_withdraws_the_instrument() -> None:
    s = run(TOY, "milestone", seed=1, months=12, overrides=PENALTY).series
    off = run(
        TOY,
        "milestone",
        seed=1,
        months=12,
        overrides={**PENALTY, "engagement.mechanisms.penalties": False},
    ).series
    # from month 3 on, the level of 90 is not met: in force with weight c = 0.5
    assert list(s["penalties_in_force"]) == [0.0, 0.0] + [0.5] * 10
    np.testing.assert_allclose(s["hardship"].iloc[2:], 1.0 + 0.5 * 0.2)
    assert (off["hardship"] == 1.0).all()
    # half of the aid's remaining value is withdrawn: its contingent value halves
    assert s["contingent_value"].iloc[2] < off["contingent_value"].iloc[2]


def test_avoiding_a_penalty_is_an_incentive_to_comply() -> None:
    costly = {
        "package.instruments.aid.enabled": False,
        "package.instruments.repair.enabled": False,
        "package.penalties": [
            {"id": "fine", "issue": "opening", "level": 30, "due": 2, "cost": 20.0}
        ],
        "package.credibility": 1.0,
    }
    s = run(TOY, "milestone", seed=1, months=12, overrides=costly).series
    assert s["reform_opening"].max() >= 30
    free = {
        **costly,
        "package.penalties": [
            {"id": "fine", "issue": "opening", "level": 30, "due": 2, "cost": 0.0}
        ],
    }
    assert (
        run(TOY, "milestone", seed=1, months=12, overrides=free).series["reform_opening"].max() < 30
    )


def test_neighbours_read_reforms_and_strike_equipment() -> None:
    watch = {
        "region.neighbours.neighbour.reform_sensitivity": {"opening": 5.0},
        "region.neighbours.neighbour.scope_sensitivity": 0.0,
        "region.neighbours.neighbour.attack_sensitivity": 0.0,
        "region.neighbours.neighbour.ct_reassurance": 0.0,
        "region.neighbours.neighbour.reaction": "strike_equipment",
        "region.neighbours.neighbour.reaction_strength": 0.1,
        "region.neighbours.neighbour.threshold": 0.5,
    }
    s = run(TOY, "milestone", seed=1, months=24, overrides=watch).series
    # threat = 5 x (opening - 10) / 100 a month; tension T' = T + threat - 0.2 T
    t = 0.0
    for level in s["reform_opening"]:
        t = max(0.0, t + 5.0 * (level - 10.0) / 100.0 - 0.2 * t)
    assert s["tension_neighbour"].iloc[-1] == pytest.approx(t)
    assert s["reacting_neighbour"].sum() > 0
    calm = run(
        TOY,
        "milestone",
        seed=1,
        months=24,
        overrides={**watch, "engagement.mechanisms.strikes": False},
    ).series
    assert s["readiness"].iloc[-1] < calm["readiness"].iloc[-1] - 0.05


def test_a_dated_event_changes_the_scenario_from_its_month() -> None:
    event = {
        "events": [
            {
                "month": 6,
                "set": {
                    "package.instruments.aid.enabled": True,
                    "package.instruments.aid.mode": "unconditional",
                    "package.instruments.aid.start": 6,
                },
                "note": "aid freed",
            },
            {"month": 8, "add": {"extremists.foreign_inflow": 100.0}},
        ],
        "package.instruments.aid.upfront_months": 1,
        "package.instruments.aid.enabled": False,
    }
    s = run(
        TOY, "none", seed=1, months=10, overrides={**event, "package.instruments.aid.value": 600}
    ).series
    base = run(
        TOY, "none", seed=1, months=10, overrides={"package.instruments.aid.value": 600}
    ).series
    assert s["disbursed"].iloc[5] == pytest.approx(600.0) and s["disbursed"].iloc[:5].sum() == 0
    assert (
        s["iskp_strength" if "iskp_strength" in s else "insurgents_strength"].iloc[7:]
        > base["insurgents_strength"].iloc[7:] + 50
    ).all()
    with pytest.raises(ScenarioError):
        TOY.with_overrides({"events": [{"month": 2, "set": {"package.leverag": 1}}]})


def test_model_two_population_records_inter_group_violence() -> None:
    ethnic = {
        "population.model": "ethnic",
        "population.cop_density": 0.0,
        "population.legitimacy": 0.2,
    }
    sc = TOY.with_overrides(ethnic)
    assert "killed" in declared_outputs(sc) and "killed_total" in declared_outputs(sc)
    res = run(sc, "none", seed=2, months=12)
    assert res.summary["killed_total"] == res.series["killed"].sum() > 0
    again = run(sc, "none", seed=2, months=12)
    assert res.series.equals(again.series)
    peace = run(
        TOY.with_overrides({**ethnic, "population.cop_density": 0.1, "population.legitimacy": 0.9}),
        "none",
        seed=2,
        months=12,
    )
    assert peace.summary["killed_total"] < res.summary["killed_total"]
