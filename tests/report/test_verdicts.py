"""Verdict rules on synthetic ensembles whose answer is known: one supported, one not supported,
one that depends on a parameter, and graceful refusal when the store lacks what a rule needs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pactsim.report import verdicts as v

POLICIES = ("no-package", "milestone", "bribery", "modern-systems", "reciprocal")
PARAMS = ("package.leverage", "extremists.sponsor_inflow", "a.x", "b.y")


def frame(outcome: str, value, n_worlds: int = 200, reps: int = 2, seed: int = 1) -> v.VerdictData:
    """Runs of every policy in sampled worlds; ``value(policy, world params, rng)`` gives the
    outcome."""
    rng = np.random.default_rng(seed)
    worlds = pd.DataFrame(
        {
            "package.leverage": rng.uniform(0, 3, n_worlds),
            "extremists.sponsor_inflow": rng.uniform(0, 40, n_worlds),
            "a.x": rng.uniform(0, 1, n_worlds),
            "b.y": rng.uniform(0, 1, n_worlds),
        }
    )
    rows = []
    for w in range(n_worlds):
        p = worlds.iloc[w].to_dict()
        for r in range(reps):
            for pol in POLICIES:
                rows.append(
                    {"world": w, "replication": r, "policy": pol, **p, outcome: value(pol, p, rng)}
                )
    return v.VerdictData(pd.DataFrame(rows), list(PARAMS))


def bernoulli(probs):
    return lambda pol, p, rng: float(rng.random() < probs(pol, p))


# ----------------------------------------------------------------------- statistics by hand
def test_mean_estimate_matches_the_t_interval_by_hand():
    e = v.mean_estimate(np.array([1.0, 2.0, 3.0, 4.0]))
    se = math.sqrt(5 / 3) / 2
    half = stats.t.ppf(0.975, 3) * se
    assert (e.value, e.n) == (2.5, 4)
    assert e.low == pytest.approx(2.5 - half) and e.high == pytest.approx(2.5 + half)
    assert half == pytest.approx(3.1824 * 0.6455, abs=2e-4)  # t table, 3 df


def test_welch_estimate_matches_scipy():
    rng = np.random.default_rng(3)
    a, b = rng.normal(1, 1, 30), rng.normal(0, 3, 50)
    e = v.welch_estimate(a, b)
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert e.value == pytest.approx(a.mean() - b.mean())
    assert (e.low, e.high) == (pytest.approx(ci.low), pytest.approx(ci.high))


@pytest.mark.parametrize(
    ("low", "high", "direction", "expected"),
    [
        (0.1, 0.3, "greater", "holds"),
        (-0.3, -0.1, "greater", "reversed"),
        (-0.1, 0.1, "greater", "null"),
        (-0.3, -0.1, "less", "holds"),
        (-0.1, 0.1, "not_greater", "holds"),
        (0.1, 0.2, "not_greater", "reversed"),
    ],
)
def test_status_of_an_interval(low, high, direction, expected):
    assert v.status_of(v.Estimate((low + high) / 2, low, high, 0.05, 100), direction) == expected


# --------------------------------------------------------------------- policy contrasts
def test_conditionality_supported_when_milestone_reaches_more_everywhere():
    probs = {"milestone": 0.7, "bribery": 0.2}
    data = frame("reached_all_36m", bernoulli(lambda pol, p: probs.get(pol, 0.1)))
    out = v.conditionality_beats_bribery(data)
    assert (out.status, out.verdict) == ("supported", "supported")
    check = out.checks[0]
    assert check.kind == "probability"
    assert check.effect.value == pytest.approx(0.5, abs=0.08)
    assert check.groups["milestone"].value == pytest.approx(0.7, abs=0.06)
    assert "milestone 7" in out.evidence and "points" in out.evidence


def test_conditionality_not_supported_when_both_reach_equally_or_less():
    same = frame("reached_all_36m", bernoulli(lambda pol, p: 0.3))
    assert v.conditionality_beats_bribery(same).status == "not supported"
    assert v.conditionality_beats_bribery(same).checks[0].status == "null"
    worse = frame("reached_all_36m", bernoulli(lambda pol, p: 0.2 if pol == "milestone" else 0.6))
    out = v.conditionality_beats_bribery(worse)
    assert out.status == "not supported" and out.checks[0].status == "reversed"


def test_conditionality_depends_on_the_parameter_that_switches_the_effect():
    def probs(pol, p):
        if pol == "milestone":
            return 0.7 if p["package.leverage"] > 1.5 else 0.3
        return 0.3

    out = v.conditionality_beats_bribery(frame("reached_all_36m", bernoulli(probs)))
    assert (out.status, out.verdict) == ("depends", "depends on package.leverage")
    mod = out.checks[0].moderator
    assert mod["holds_in"] == "high"
    assert mod["split"] == pytest.approx(1.5, abs=0.3)
    assert mod["high"].value == pytest.approx(0.4, abs=0.1)
    assert abs(mod["low"].value) < 0.1
    assert "the effect is concentrated where package.leverage is above" in out.evidence


def test_neighbours_not_greater_check_fails_only_on_a_significant_increase():
    def tension(pol, p, rng):
        return {"modern-systems": 3.0, "milestone": 2.0}.get(pol, 1.0) + rng.normal(0, 0.3)

    data = frame("tension_peak_max", tension)
    data.runs["neighbour_reacted"] = 0.0
    assert v.repair_does_not_alarm_neighbours(data).status == "supported"
    data.runs["neighbour_reacted"] = (data.runs["policy"] != "no-package").astype(float)
    out = v.repair_does_not_alarm_neighbours(data)
    assert out.status == "not supported" and out.checks[1].status == "reversed"


# ------------------------------------------------------------------- parameter effects
@pytest.mark.parametrize(
    ("slope", "expected"),
    [
        (lambda p: 30.0, "supported"),
        (lambda p: 0.0, "not supported"),
        (lambda p: 30.0 if p["package.leverage"] > 1.5 else 0.0, "depends on package.leverage"),
    ],
)
def test_belt_of_tension_from_the_sponsor_inflow_split(slope, expected):
    def iskp(pol, p, rng):
        return 3000 + slope(p) * p["extremists.sponsor_inflow"] + rng.normal(0, 100)

    data = frame("iskp_peak", iskp)
    data.runs["attacks_abroad_total"] = data.runs["iskp_peak"] / 100
    assert v.belt_of_tension(data).verdict == expected


def test_parameter_effect_reports_both_halves_of_the_sampled_range():
    data = frame("iskp_peak", lambda pol, p, rng: 3000 + 10 * p["extremists.sponsor_inflow"])
    check = v.parameter_effect(data, "iskp_peak", "extremists.sponsor_inflow", "greater")
    assert check.status == "holds"
    # means of 10 x a uniform(0, 40) draw above and below its median: about 300 and 100
    assert check.effect.value == pytest.approx(200, rel=0.15)
    assert len(check.groups) == 2


# ---------------------------------------------------------------------- not assessed
def test_rules_skip_gracefully_when_the_store_lacks_what_they_need():
    data = frame("reached_all_36m", bernoulli(lambda pol, p: 0.5))
    data.runs = data.runs[data.runs["policy"] != "bribery"]
    out = v.conditionality_beats_bribery(data)
    assert out.status == "not assessed"
    assert out.verdict == "not assessed: the store has no policy 'bribery'"
    out = v.reconstruction_reduces_extremism(data)
    assert out.verdict.startswith("not assessed: the store has no outcome 'hardship_final'")
    data.parameters = ["a.x"]
    data.runs["iskp_peak"] = 1.0
    data.runs["attacks_abroad_total"] = 1.0
    out = v.belt_of_tension(data)
    assert out.verdict == "not assessed: the ensemble did not sample 'extremists.sponsor_inflow'"
    verdicts = v.assess(data)
    assert [x.claim_id for x in verdicts] == [
        "package",
        "conditionality",
        "reconstruction",
        "repair",
        "neighbours",
        "belt",
    ]
    assert all(x.to_dict()["evidence"] for x in verdicts)
