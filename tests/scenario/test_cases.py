"""The bundled cases syria-2025 and iran-2015: they validate without warnings, every policy runs,
their calibration targets name series the model records, and one mechanism of each acts as its
equations say."""

from __future__ import annotations

import math

import numpy as np
import pytest
from typer.testing import CliRunner

import pactsim
from pactsim.cli import app
from pactsim.engagement.package import Package
from pactsim.engagement.world import World
from pactsim.scenario.checks import known_series_names, scenario_warnings

CASES = ["syria-2025", "iran-2015"]
#: a small, short population so that every policy runs in well under a second
SMALL = {"population.width": 16, "population.height": 16, "population.ticks_per_month": 2}

runner = CliRunner()


@pytest.mark.parametrize("name", CASES)
def test_the_case_validates_with_no_warning_and_no_migration(name: str) -> None:
    sc = pactsim.load(name)
    assert scenario_warnings(sc) == []
    assert sc.migration_notes == []
    result = runner.invoke(app, ["validate", name])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output.lower()
    assert result.output.startswith(f"valid: {name}")


@pytest.mark.parametrize("name", CASES)
def test_every_policy_runs_and_reports_every_outcome(name: str) -> None:
    sc = pactsim.load(name, SMALL)
    assert len(sc.policies) >= 4
    for policy in sc.policies:
        res = pactsim.run(sc, policy=policy, seed=3, months=4)
        assert list(res.series["month"]) == [1, 2, 3, 4]
        for outcome in sc.outcomes:
            assert math.isfinite(res.summary[outcome.name]), (policy, outcome.name)


@pytest.mark.parametrize("name", CASES)
def test_calibration_targets_name_series_the_model_records(name: str) -> None:
    sc = pactsim.load(name)
    cal = sc.calibration
    assert cal is not None and cal.targets
    assert cal.policy in sc.policies
    series = known_series_names(sc)
    for target in cal.targets:
        assert target.metric in series, target.name
        assert cal.start <= target.start <= target.end
        assert target.low <= target.high


@pytest.mark.parametrize("name", CASES)
def test_the_report_names_its_own_policies_and_every_claim_a_source(name: str) -> None:
    sc = pactsim.load(name)
    assert sc.report.main_policy in sc.policies and sc.report.baseline in sc.policies
    assert sc.report.main_policy != sc.report.baseline
    assert len(sc.claims) >= 4
    assert {c.source for c in sc.claims} <= set(sc.meta.sources)


def test_syria_israels_strikes_lower_readiness_by_their_strength_each_month_it_strikes() -> None:
    """Readiness relaxes toward the same target with or without strikes, so the gap between
    the two runs follows D(t) = (1 - r) D(t-1) + s * reacting(t-1), r the readiness rate and s
    Israel's strength, as long as readiness stays above zero."""
    s = 0.004  # small enough that readiness never reaches zero in the months run
    over = {**SMALL, "region.neighbours.israel.reaction_strength": s}
    on = pactsim.run("syria-2025", "as-offered", seed=5, months=12, overrides=over).series
    off = pactsim.run(
        "syria-2025",
        "as-offered",
        seed=5,
        months=12,
        overrides={**over, "engagement.mechanisms.strikes": False},
    ).series
    r = pactsim.load("syria-2025").engagement.readiness_rate
    reacting = on["reacting_israel"].to_numpy()
    assert reacting.sum() >= 3  # Israel strikes in several of these months
    assert (on["readiness"] > 0).all()
    gap = np.zeros(len(on))
    for t in range(1, len(on)):
        gap[t] = (1 - r) * gap[t - 1] + s * reacting[t - 1]
    np.testing.assert_allclose(off["readiness"] - on["readiness"], gap, atol=1e-12)
    assert gap[-1] > 0


def _iran_package(policy: str) -> tuple[World, Package]:
    sc = pactsim.load("iran-2015").with_policy(policy)
    world = World(sc=sc, rng=np.random.default_rng(0), population_seed=0)
    world.adopted = {i.id: float(i.status_quo) for i in sc.issues}
    return world, Package(world)


def test_iran_snapback_cuts_the_relief_flow_when_the_limits_fail_and_for_good() -> None:
    """The waivers are a reciprocal flow of 30,000 over 60 months (500 a month) scaled by
    c * mean(min(1, level / 75)) + 1 - c with c = 0.8; from month 7 a level of enrichment
    below 70 imposes the snapback, which withdraws c of what is left of the flow."""
    world, package = _iran_package("jcpoa")
    world.adopted.update(enrichment_limits=60.0, inspections=75.0)
    package.step(world, 6)  # the limits fail, but the penalty is not yet due
    assert world.paid["us_waivers"] == pytest.approx(500 * (0.8 * (60 / 75 + 1) / 2 + 0.2))
    assert world.sanctions == 0.0
    package.step(world, 7)  # due: in force, snapback
    assert world.paid["us_waivers"] == pytest.approx(0.2 * 500 * (0.8 * (60 / 75 + 1) / 2 + 0.2))
    # US (0.25) and EU (0.15) hardship, each times its credibility 0.8
    assert world.sanctions == pytest.approx(0.8 * 0.25 + 0.8 * 0.15)
    world.adopted["enrichment_limits"] = 72.0
    package.step(world, 8)  # back within the limits: no penalty, but the relief stays cut
    assert world.sanctions == 0.0
    assert world.paid["us_waivers"] == pytest.approx(0.2 * 500 * (0.8 * (72 / 75 + 1) / 2 + 0.2))


def test_iran_without_a_breach_the_flow_is_paid_in_full_and_no_penalty_bites() -> None:
    world, package = _iran_package("jcpoa")
    world.adopted.update(enrichment_limits=72.0, inspections=75.0)
    for month in range(1, 13):
        package.step(world, month)
        assert world.sanctions == 0.0
        assert world.paid["us_waivers"] == pytest.approx(500 * (0.8 * (72 / 75 + 1) / 2 + 0.2))


def test_iran_the_leadership_holds_the_limits_the_snapback_protects() -> None:
    """After Implementation Day the assets are paid; what keeps the limits is avoiding the
    snapback, which only a target at or above its level of 70 does (a lower target would let
    the level slide under 70 and the penalty return)."""
    s = pactsim.run("iran-2015", "jcpoa", seed=2, months=20, overrides=SMALL).series
    after = s[s["month"] >= 8]
    assert (after["target_enrichment_limits"] >= 70).all()
    assert (after["reform_enrichment_limits"] >= 70 - 1e-9).all()
    assert (s["penalties_in_force"] == 0).all()


def test_iran_the_withdrawal_event_acts_only_in_the_policy_that_sets_it() -> None:
    kept = pactsim.load("iran-2015").with_policy("jcpoa")
    left = pactsim.load("iran-2015").with_policy("us-withdraws")
    assert kept.events[0].month == left.events[0].month == 35
    over = {**SMALL}
    a = pactsim.run(kept, seed=2, months=40, overrides=over).series
    b = pactsim.run(left, seed=2, months=40, overrides=over).series
    before = slice(0, 34)
    np.testing.assert_array_equal(
        a["reform_enrichment_limits"].iloc[before], b["reform_enrichment_limits"].iloc[before]
    )
    assert (a["penalties_in_force"] == 0).all()
    # from month 35 the US sanctions are in force whatever Iran does (weight 0.8 each)
    assert (b["penalties_in_force"].iloc[34:] >= 1.6 - 1e-9).all()
    assert b["hardship"].iloc[-1] > a["hardship"].iloc[-1]
