"""The engagement loop: accounting, conditionality, determinism, bounds and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pactsim
from pactsim.engagement import run
from pactsim.scenario import ScenarioError

SMALL = {"population.width": 30, "population.height": 30, "population.ticks_per_month": 3}
AFG = pactsim.load("afghanistan-2023").with_overrides(SMALL)


def test_series_has_one_row_per_month_and_the_contract_columns() -> None:
    res = run(AFG, "milestone", seed=1, months=24)
    s = res.series
    assert list(s["month"]) == list(range(1, 25))
    assert s["date"].iloc[0] == "2023-07" and s["date"].iloc[-1] == "2025-06"
    for col in (
        "reform_inclusivity",
        "reform_womens_rights",
        "cost_cumulative",
        "legitimacy",
        "hardship",
        "active",
        "iskp_strength",
        "attacks_home",
        "attacks_abroad",
        "tension_pakistan",
        "tension_iran",
    ):
        assert col in s.columns
    doc = res.to_dict()
    assert doc["policy"] == "milestone" and doc["seed"] == 1
    assert set(doc["series"]) == set(s.columns)
    assert all(len(v) == 24 for v in doc["series"].values())


def test_cost_is_the_sum_of_money_disbursed() -> None:
    for policy in ("milestone", "bribery", "reciprocal"):
        s = run(AFG, policy, seed=2, months=48).series
        np.testing.assert_allclose(s["cost_cumulative"], s["disbursed"].cumsum())
        assert (s["disbursed"] >= 0).all()


def test_unconditional_pays_everything_up_front() -> None:
    sc = AFG.with_policy("bribery")
    res = run(sc, None, seed=3, months=12)
    money = sum(k.value for k in sc.package.instruments if k.enabled and k.money)
    s = res.series
    upfront = max(k.upfront_months for k in sc.package.instruments if k.enabled)
    assert s["cost_cumulative"].iloc[upfront - 1] == pytest.approx(money)
    assert (s["disbursed"].iloc[upfront:] == 0).all()


def test_milestone_tranches_are_paid_once_when_met_and_due_or_released() -> None:
    sc = AFG.with_policy("milestone").with_overrides({"package.credibility": 1.0})
    s = run(sc, None, seed=4, months=60).series
    expected = 0.0
    for k in sc.package.instruments:
        if not (k.enabled and k.money):
            continue
        for m in k.milestones:
            held = np.flatnonzero(s[f"reform_{m.issue}"].to_numpy() >= m.level)
            if len(held) and max(held[0] + 2, m.due) <= 60:
                expected += k.value * m.share
    assert s["cost_cumulative"].iloc[-1] == pytest.approx(expected)


def test_declared_outputs_are_exactly_what_a_run_records() -> None:
    from pactsim.engagement import declared_outputs

    res = run(AFG, "milestone", seed=1, months=12)
    outputs = declared_outputs(AFG)
    assert list(res.series.columns) == outputs.names("series")
    assert list(res.summary) == outputs.names("summary")
    for o in outputs:
        assert o.unit and o.direction in ("maximize", "minimize", "info")
    assert "iskp_strength" in outputs and "iskp_peak" in outputs  # the scenario names them
    renamed = declared_outputs(AFG.with_overrides({"extremists.name": "isis"}))
    assert "isis_strength" in renamed and "iskp_strength" not in renamed
    later = declared_outputs(AFG.with_overrides({"engagement.assess_at": 24}))
    assert "reached_inclusivity_24m" in later and "reached_all_24m" in later


def test_no_package_costs_nothing_and_keeps_the_status_quo() -> None:
    res = run(AFG, "no-package", seed=5, months=36)
    assert res.summary["cost_total"] == 0
    assert res.series["contingent_value"].max() == 0
    assert res.series["side_payments"].max() == 0


def test_same_seed_same_run_and_different_seeds_differ() -> None:
    a = run(AFG, "milestone", seed=7, months=24)
    b = run(AFG, "milestone", seed=7, months=24)
    c = run(AFG, "milestone", seed=8, months=24)
    assert a.series.equals(b.series)
    assert a.summary == b.summary
    assert not a.series[["active", "attacks_home"]].equals(c.series[["active", "attacks_home"]])


def test_bad_input_is_a_clean_error() -> None:
    with pytest.raises(ScenarioError, match="no policy 'nope'"):
        run(AFG, "nope")
    with pytest.raises(ScenarioError, match="months"):
        run(AFG, None, months=0)
    with pytest.raises(ScenarioError, match="did you mean"):
        run(AFG, None, overrides={"package.leverag": 1.0})
    with pytest.raises(ScenarioError, match="does not exist"):
        run(
            AFG,
            None,
            overrides={"package.instruments.reconstruction.milestones.0.issue": "democracy"},
        )


UNCERTAIN = AFG.uncertainties


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.floats(0, 1), min_size=len(UNCERTAIN), max_size=len(UNCERTAIN)),
    st.sampled_from(sorted(AFG.policies)),
    st.integers(0, 2**31),
)
def test_sweep_of_uncertain_parameters_stays_in_bounds(
    u: list[float], policy: str, seed: int
) -> None:
    overrides = {}
    for x, unc in zip(u, UNCERTAIN, strict=True):
        value = unc.low + x * (unc.high - unc.low)
        overrides[unc.path] = round(value) if unc.dist == "integer" else value
    s = run(AFG, policy, seed=seed, months=24, overrides=overrides).series
    numeric = s.drop(columns=["date"])
    assert np.isfinite(numeric.to_numpy()).all()
    assert (numeric >= 0).all().all()
    assert (s["treasury"] >= 0).all()
    for col in [c for c in s.columns if c.startswith(("reform_", "proposal_", "target_"))]:
        assert s[col].between(0, 100).all()
    assert s["legitimacy"].between(0, 1).all()
    assert s["readiness"].between(0, 1).all()
    assert s["spoilers"].between(0, 1).all()
    assert not math.isnan(s["iskp_strength"].iloc[-1])
