"""Verdicts on synthetic ensembles whose answer is known: one supported, one not supported, one
that depends on a parameter, and graceful refusal when the store lacks what a check needs. The
claims judged here are those of the bundled afghanistan-2023 scenario (its ``claims`` section),
through the same generic engine as the report: these are the verdicts the hand-written rules
gave before the claims became data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pactsim.report import verdicts as v
from pactsim.scenario import load

CASE = load("afghanistan-2023")


def claim_of(claim_id: str):
    """The bundled scenario's claim ``claim_id``, judged as the report judges it."""
    claim = next(c for c in CASE.claims if c.id == claim_id)
    return lambda data: v.judge(claim, data, v.defaults_of(CASE))


package_produces_reform = claim_of("package")
conditionality_beats_bribery = claim_of("conditionality")
reconstruction_reduces_extremism = claim_of("reconstruction")
repair_does_not_alarm_neighbours = claim_of("neighbours")
belt_of_tension = claim_of("belt")
buying_off_creates_spoilers = claim_of("spoilers")
side_payments_buy_reform = claim_of("side-payments")
reforms_raise_legitimacy = claim_of("legitimacy")
attacks_abroad_alarm_neighbours = claim_of("attacks-abroad")
too_early_to_tell = claim_of("enough")

POLICIES = ("no-package", "milestone", "bribery", "modern-systems", "reciprocal")
PRINCIPLED = "factions.members.kandahar.principled_share"
SIDE = "package.side_payment_share"
RECRUITS = "extremists.recruits_per_active"
RANGES = {
    "package.leverage": (0, 3),
    "extremists.sponsor_inflow": (0, 40),
    "a.x": (0, 1),
    "b.y": (0, 1),
    PRINCIPLED: (0.1, 0.6),
    SIDE: (0.1, 0.5),
    RECRUITS: (3e-6, 5e-5),
}
PARAMS = tuple(RANGES)


def frame(
    outcome,
    value=None,
    n_worlds: int = 200,
    reps: int = 2,
    seed: int = 1,
    extra: dict[str, tuple[float, float]] | None = None,
    tie=None,
) -> v.VerdictData:
    """Runs of every policy in sampled worlds; ``value(policy, world params, rng)`` gives the
    outcome (``outcome`` may instead map several outcome names to such functions); ``extra``
    adds sampled parameters with their ranges; ``tie(worlds, rng)`` may rewrite the sampled
    worlds (to correlate parameters by construction)."""
    outcomes = outcome if isinstance(outcome, dict) else {outcome: value}
    ranges = {**RANGES, **(extra or {})}
    rng = np.random.default_rng(seed)
    worlds = pd.DataFrame({k: rng.uniform(lo, hi, n_worlds) for k, (lo, hi) in ranges.items()})
    if tie is not None:
        tie(worlds, rng)
    rows = []
    for w in range(n_worlds):
        p = worlds.iloc[w].to_dict()
        for r in range(reps):
            for pol in POLICIES:
                y = {name: fn(pol, p, rng) for name, fn in outcomes.items()}
                rows.append({"world": w, "replication": r, "policy": pol, **p, **y})
    return v.VerdictData(pd.DataFrame(rows), list(ranges))


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
    out = conditionality_beats_bribery(data)
    assert (out.status, out.verdict) == ("supported", "supported")
    check = out.checks[0]
    assert check.kind == "probability"
    assert check.effect.value == pytest.approx(0.5, abs=0.08)
    assert check.groups["milestone"].value == pytest.approx(0.7, abs=0.06)
    assert "milestone 7" in out.evidence and "points" in out.evidence


def test_conditionality_not_supported_when_both_reach_equally_or_less():
    same = frame("reached_all_36m", bernoulli(lambda pol, p: 0.3))
    assert conditionality_beats_bribery(same).status == "not supported"
    assert conditionality_beats_bribery(same).checks[0].status == "null"
    worse = frame("reached_all_36m", bernoulli(lambda pol, p: 0.2 if pol == "milestone" else 0.6))
    out = conditionality_beats_bribery(worse)
    assert out.status == "not supported" and out.checks[0].status == "reversed"


def test_conditionality_depends_on_the_parameter_that_switches_the_effect():
    def probs(pol, p):
        if pol == "milestone":
            return 0.7 if p["package.leverage"] > 1.5 else 0.3
        return 0.3

    out = conditionality_beats_bribery(frame("reached_all_36m", bernoulli(probs)))
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
    assert repair_does_not_alarm_neighbours(data).status == "supported"
    data.runs["neighbour_reacted"] = (data.runs["policy"] != "no-package").astype(float)
    out = repair_does_not_alarm_neighbours(data)
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
    assert belt_of_tension(data).verdict == expected


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
    out = conditionality_beats_bribery(data)
    assert out.status == "not assessed"
    assert out.verdict == "not assessed: the store has no policy 'bribery'"
    out = reconstruction_reduces_extremism(data)
    assert out.verdict.startswith("not assessed: the store has no outcome 'hardship_final'")
    data.parameters = ["a.x"]
    data.runs["iskp_peak"] = 1.0
    data.runs["attacks_abroad_total"] = 1.0
    out = belt_of_tension(data)
    assert out.verdict == "not assessed: the ensemble did not sample 'extremists.sponsor_inflow'"
    verdicts = v.assess(data, CASE)
    assert [x.claim_id for x in verdicts] == [
        "package",
        "conditionality",
        "reconstruction",
        "repair",
        "neighbours",
        "belt",
        "spoilers",
        "side-payments",
        "legitimacy",
        "attacks-abroad",
        "enough",
    ]
    assert all(x.to_dict()["evidence"] for x in verdicts)


# --------------------------------------------------------- spoilers (mechanism 6)
def package_on(pol: str) -> bool:
    return pol != "no-package"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (lambda p: 1000 * p[PRINCIPLED], "supported"),
        (lambda p: 300.0, "not supported"),
        (
            lambda p: 1000 * p[PRINCIPLED] if p["package.leverage"] > 1.5 else 0.0,
            "depends on package.leverage",
        ),
    ],
)
def test_spoilers_from_the_principled_share_feed_the_extremists(extra, expected):
    # a world's own baseline (2000 + 3000 a.x) is shared by its policies and cancels in the pairs
    def iskp(pol, p, rng):
        return 2000 + 3000 * p["a.x"] + (extra(p) if package_on(pol) else 0) + rng.normal(0, 100)

    def spoilers(pol, p, rng):
        return 0.5 * p[PRINCIPLED] * package_on(pol)

    out = buying_off_creates_spoilers(frame({"iskp_peak": iskp, "spoilers_final": spoilers}))
    assert out.verdict == expected
    assert out.checks[0].status == "holds"
    assert out.checks[0].effect.value == pytest.approx(0.5 * 0.35, abs=0.02)
    if expected == "supported":
        # 1000 x (mean share above the median of U(0.1, 0.6) minus below it) = 1000 x 0.25
        assert out.checks[1].effect.value == pytest.approx(250, abs=30)
        assert len(out.checks[1].groups) == 2


def test_contrast_split_removes_each_worlds_baseline():
    """The same package effect measured on raw outcomes is lost in the worlds' spread (from a
    factor that was not sampled, so no adjustment can remove it), while the paired split finds
    it (the reason contrast_split exists)."""

    def iskp(pol, p, rng):
        base = 2000 + 6000 * p["hidden"]
        return base + (400 * p[PRINCIPLED] if package_on(pol) else 0) + rng.normal(0, 20)

    data = frame("iskp_peak", iskp, n_worlds=60, seed=2, extra={"hidden": (0, 1)})
    data.parameters.remove("hidden")
    paired = v.contrast_split(data, "iskp_peak", "milestone", "no-package", PRINCIPLED, "greater")
    raw = v.parameter_effect(data, "iskp_peak", PRINCIPLED, "greater", ["milestone"])
    assert paired.status == "holds" and raw.status == "null"
    # 400 x (mean of the share above its median minus below it in this sample; about 100)
    w = data.runs.drop_duplicates("world")[PRINCIPLED]
    expected = 400 * (w[w > w.median()].mean() - w[w <= w.median()].mean())
    assert paired.effect.low < expected < paired.effect.high
    assert paired.effect.value == pytest.approx(expected, abs=15)


# ---------------------------------------------------- side payments (mechanism 7)
@pytest.mark.parametrize(
    ("women", "expected", "statuses"),
    [
        (lambda p: 60 * p[SIDE], "supported", ["holds", "holds"]),
        (lambda p: 0.0, "not supported", ["holds", "null"]),
        (lambda p: -60 * p[SIDE], "not supported", ["holds", "reversed"]),
    ],
)
def test_side_payment_budget_buys_each_reform(women, expected, statuses):
    def inclusivity(pol, p, rng):
        return 8 + 100 * p[SIDE] * package_on(pol) + rng.normal(0, 10)

    def rights(pol, p, rng):
        return 30 + women(p) * package_on(pol) + rng.normal(0, 10)

    data = frame({"reform_inclusivity_36m": inclusivity, "reform_womens_rights_36m": rights})
    out = side_payments_buy_reform(data)
    assert out.verdict == expected
    assert [c.status for c in out.checks] == statuses
    # 100 x (mean of U(0.1, 0.5) above its median minus below it) = 100 x 0.2
    assert out.checks[0].effect.value == pytest.approx(20, abs=3)


def test_side_payments_depend_on_the_leverage_that_makes_the_budget_count():
    def reform(pol, p, rng):
        slope = 100 if p["package.leverage"] > 1.5 else 0
        return 8 + slope * p[SIDE] * package_on(pol) + rng.normal(0, 10)

    data = frame({"reform_inclusivity_36m": reform, "reform_womens_rights_36m": reform})
    out = side_payments_buy_reform(data)
    assert out.verdict == "depends on package.leverage"
    assert out.checks[0].moderator["holds_in"] == "high"


# -------------------------------------------------------- legitimacy (mechanism 10)
@pytest.mark.parametrize(
    ("gain", "expected"), [(0.05, "supported"), (0.0, "not supported"), (-0.05, "not supported")]
)
def test_reforms_raise_legitimacy(gain, expected):
    def legitimacy(pol, p, rng):
        return 0.6 + 0.1 * p["b.y"] + gain * package_on(pol) + rng.normal(0, 0.05)

    out = reforms_raise_legitimacy(frame("legitimacy_final", legitimacy))
    assert out.verdict == expected
    assert out.checks[0].effect.value == pytest.approx(gain, abs=0.01)


# --------------------------------------------------- attacks abroad (mechanism 12)
@pytest.mark.parametrize(
    ("alarm", "expected"),
    [
        (lambda p: 1.0, "supported"),
        (lambda p: 0.0, "not supported"),
        (lambda p: 1.0 if p["package.leverage"] > 1.5 else 0.0, "depends on package.leverage"),
    ],
)
def test_attacks_abroad_alarm_pakistan_and_iran(alarm, expected):
    def attacks(pol, p, rng):
        return 2e6 * p[RECRUITS] + rng.normal(0, 5)  # 6-100 attacks

    def tension(sensitivity):
        def f(pol, p, rng):
            return sensitivity * alarm(p) * 2e6 * p[RECRUITS] / 50 + rng.normal(0, 0.2)

        return f

    data = frame(
        {
            "attacks_abroad_total": attacks,
            "tension_peak_pakistan": tension(1.2),
            "tension_peak_iran": tension(1.0),
        }
    )
    out = attacks_abroad_alarm_neighbours(data)
    assert out.verdict == expected
    assert out.checks[0].status == "holds"
    # 2e6 x (mean of U(3e-6, 5e-5) above its median minus below it) = 2e6 x 2.35e-5 = 47
    assert out.checks[0].effect.value == pytest.approx(47, abs=3)


# ------------------------------------------------------ too early to tell (mechanism 13)
def test_world_share_interval_is_wilsons_over_worlds_by_hand():
    # 10 worlds, one run each; the milestone package reaches the reforms in 5 of them
    rows = [
        {"world": w, "replication": 0, "policy": "milestone", REACH: float(w < 5), "a.x": w}
        for w in range(10)
    ]
    data = v.VerdictData(pd.DataFrame(rows), ["a.x"])
    check = v.world_share(data, REACH, "milestone")
    # Wilson score interval for 5 of 10: 0.2366 to 0.7634
    assert check.effect.value == 0.5
    assert (check.effect.low, check.effect.high) == (
        pytest.approx(0.2366, abs=1e-4),
        pytest.approx(0.7634, abs=1e-4),
    )
    assert check.status == "holds"
    # a.x below its median (4.5) always reaches, above never: it decides the outcome
    assert check.drivers[0]["parameter"] == "a.x" and check.drivers[0]["significant"]
    assert check.drivers[0]["effect"].value == -1.0


REACH = "reached_all_36m"


def test_drivers_keep_the_family_wise_error_at_five_percent_and_find_a_real_one():
    """100 ensembles of 100 worlds and 7 parameters: with no effect, some parameter is declared
    decisive in about 5% of them (Bonferroni); with P = 0.3 below and 0.7 above p3's median,
    p3 is found in nearly all."""
    names = [f"p{i}" for i in range(7)]
    false_pos = found = 0
    for seed in range(100):
        rng = np.random.default_rng(seed)
        w = pd.DataFrame({n: rng.uniform(0, 1, 100) for n in names})
        w["null"] = rng.binomial(2, 0.5, 100) / 2
        w["real"] = rng.binomial(2, np.where(w["p3"] > np.median(w["p3"]), 0.7, 0.3)) / 2
        false_pos += any(d["significant"] for d in v.drivers(w, "null", names))
        top = v.drivers(w, "real", names)
        found += top[0]["parameter"] == "p3" and top[0]["significant"]
    # Binomial(100, 0.05): P(more than 12) < 0.002
    assert false_pos <= 12
    assert found >= 90


@pytest.mark.parametrize(
    ("prob", "expected", "status"),
    [
        (lambda p: 0.5, "supported", "holds"),
        (lambda p: 0.9 if p["package.leverage"] > 1.5 else 0.1, "supported", "holds"),
        (lambda p: 0.005, "not supported", "reversed"),
        (lambda p: 0.995, "not supported", "reversed"),
        (
            lambda p: 0.5 if p["package.leverage"] > 1.5 else 0.0,
            "depends on package.leverage",
            "depends",
        ),
    ],
)
def test_too_early_to_tell_from_the_share_of_worlds_reaching_the_reforms(prob, expected, status):
    def reach(pol, p, rng):
        return float(rng.random() < (prob(p) if pol == "milestone" else 0.05))

    out = too_early_to_tell(frame(REACH, reach))
    assert out.verdict == expected
    check = out.checks[0]
    assert check.status == status and check.kind == "share"
    assert "left out, the ensemble did not sample the instruments' values" in out.evidence
    decided = [d["parameter"] for d in check.drivers if d["significant"]]
    if expected == "supported" and prob({"package.leverage": 3}) == 0.5:
        # whether a parameter is (falsely) found here is a 5% chance: see the calibration test
        assert check.effect.value == pytest.approx(0.5, abs=0.06)
    elif status != "reversed":
        assert decided == ["package.leverage"]
        assert "decided by package.leverage (above minus at or below" in out.evidence
    if status == "depends":
        assert check.moderator["holds_in"] == "high"
        assert "it holds only where package.leverage is above" in out.evidence


LEVERS = {
    "package.instruments.reconstruction.value": (0, 6000),
    "package.instruments.fuel_wheat.value": (0, 3000),
}


@pytest.mark.parametrize(
    ("prob", "expected"),
    [
        (lambda size: size / 9000, "supported"),
        (lambda size: 0.5, "not supported"),
    ],
)
def test_too_early_to_tell_asks_whether_a_larger_package_reaches_more_often(prob, expected):
    def reach(pol, p, rng):
        size = sum(p[k] for k in LEVERS)
        return float(rng.random() < (prob(size) if pol == "milestone" else 0.05))

    out = too_early_to_tell(frame(REACH, reach, extra=LEVERS))
    assert out.verdict == expected
    assert [c.status for c in out.checks] == [
        "holds",
        "holds" if expected == "supported" else "null",
    ]
    assert out.checks[1].description.endswith(f"larger vs smaller {v.SIZE}")
    assert "not sampled" not in out.evidence
    if expected == "supported":
        # the sampled size (sum of the two levers) decides it, more than either lever alone
        assert out.checks[0].drivers[0]["parameter"] == v.SIZE


def test_new_rules_skip_gracefully_when_the_store_lacks_what_they_need():
    data = frame(REACH, bernoulli(lambda pol, p: 0.5))
    out = buying_off_creates_spoilers(data)
    assert out.verdict == (
        "not assessed: the store has no outcome 'spoilers_final'; the store has no outcome "
        "'iskp_peak'"
    )
    out = side_payments_buy_reform(data)
    assert out.verdict == (
        "not assessed: the store has no outcome 'reform_inclusivity_36m'; the store has no "
        "outcome 'reform_womens_rights_36m'"
    )
    data.runs["spoilers_final"] = 0.1
    data.runs["iskp_peak"] = 1.0
    data.runs["reform_inclusivity_36m"] = 1.0
    data.runs["reform_womens_rights_36m"] = 1.0
    data.parameters = [p for p in data.parameters if p not in (PRINCIPLED, SIDE, RECRUITS)]
    out = buying_off_creates_spoilers(data)
    assert out.verdict == f"not assessed: the ensemble did not sample '{PRINCIPLED}'"
    assert side_payments_buy_reform(data).verdict.endswith(f"did not sample '{SIDE}'")
    out = attacks_abroad_alarm_neighbours(data)
    assert out.verdict.startswith("not assessed: the store has no outcome 'attacks_abroad_total'")
    assert "'tension_peak_iran'" in out.verdict
    data.runs = data.runs[data.runs["policy"] != "milestone"]
    out = too_early_to_tell(data)
    assert out.verdict == "not assessed: the store has no policy 'milestone'"
    assert reforms_raise_legitimacy(data).status == "not assessed"


# -------------------------------------- splits adjusted for the other sampled parameters
SPONSOR = "extremists.sponsor_inflow"
INITIAL = "extremists.initial_strength"


def tie_sponsor_to_initial_strength(sign: float):
    """Sponsor inflow built to correlate (about +-0.6) with ISKP's initial strength."""

    def tie(worlds, rng):
        u = (worlds[INITIAL] - 1000) / 3000
        mix = 0.6 * (u if sign > 0 else 1 - u) + 0.4 * rng.uniform(0, 1, len(worlds))
        worlds[SPONSOR] = 40 * mix

    return tie


@pytest.mark.parametrize(("sign", "plain"), [(1.0, "holds"), (-1.0, "reversed")])
def test_belt_is_not_fooled_by_a_parameter_correlated_with_the_sponsor_inflow(sign, plain):
    """The inflow does nothing; initial strength (1000-4000) drives peak strength, and the
    inflow is correlated with it by construction: the plain split reads the correlation as an
    effect (or its reverse), the adjusted split does not."""

    def iskp(pol, p, rng):
        return p[INITIAL] + rng.normal(0, 100)

    data = frame(
        "iskp_peak",
        iskp,
        extra={INITIAL: (1000, 4000)},
        tie=tie_sponsor_to_initial_strength(sign),
        reps=1,
    )
    worlds = data.runs.drop_duplicates("world")
    assert sign * stats.spearmanr(worlds[SPONSOR], worlds[INITIAL])[0] > 0.5
    data.runs["attacks_abroad_total"] = data.runs["iskp_peak"] / 100
    out = belt_of_tension(data)
    check = out.checks[0]
    assert v.status_of(check.plain, "greater") == plain  # the plain split is fooled
    assert abs(check.plain.value) > 300
    assert check.status == "null" and out.verdict == "not supported"
    assert check.effect.low < 0 < check.effect.high
    assert abs(check.effect.value) < 100
    assert "adjusted for the 7 other sampled parameters (plain split" in out.evidence


def test_belt_still_finds_a_real_inflow_effect_against_a_correlated_parameter():
    """30 fighters per unit of inflow (0-40), hidden by an initial strength that is larger
    where the inflow is small: the plain split sees little or the reverse, the adjusted split
    finds 30 x (mean inflow above its median minus below it)."""

    def iskp(pol, p, rng):
        return p[INITIAL] + 30 * p[SPONSOR] + rng.normal(0, 100)

    data = frame(
        "iskp_peak",
        iskp,
        extra={INITIAL: (1000, 4000)},
        tie=tie_sponsor_to_initial_strength(-1.0),
        reps=1,
    )
    data.runs["attacks_abroad_total"] = data.runs["iskp_peak"] / 100
    out = belt_of_tension(data)
    check = out.checks[0]
    assert v.status_of(check.plain, "greater") != "holds"
    assert out.verdict == "supported"
    worlds = data.runs.drop_duplicates("world")
    high = worlds[SPONSOR] > worlds[SPONSOR].median()
    expected = 30 * (worlds.loc[high, SPONSOR].mean() - worlds.loc[~high, SPONSOR].mean())
    assert check.effect.value == pytest.approx(expected, rel=0.15)


def test_contrast_split_is_adjusted_too():
    """The package's extra ISKP strength follows a.x, and the principled share is built to
    correlate with a.x: the plain split of the paired contrast holds, the adjusted one not."""

    def tie(worlds, rng):
        worlds[PRINCIPLED] = 0.1 + 0.5 * (0.7 * worlds["a.x"] + 0.3 * rng.uniform(0, 1, 200))

    def iskp(pol, p, rng):
        return 3000 + (1000 * p["a.x"] if package_on(pol) else 0) + rng.normal(0, 50)

    data = frame("iskp_peak", iskp, tie=tie, reps=1)
    check = v.contrast_split(data, "iskp_peak", "milestone", "no-package", PRINCIPLED, "greater")
    assert v.status_of(check.plain, "greater") == "holds"
    assert check.status == "null"


def test_adjusted_split_is_the_residual_slope_times_the_halves_rank_gap():
    """Frisch-Waugh-Lovell: the slope equals the regression of y's residual on x's rank
    residual (both on the covariates' ranks); with no covariate it is scipy's OLS slope on the
    rank, with its standard error; both times the halves' mean-rank gap (0.5 for equal halves)."""
    rng = np.random.default_rng(5)
    n = 80
    z = rng.uniform(0, 1, (n, 3))
    x = rng.uniform(0, 1, n) + z[:, 0]
    y = 2.0 * x + 5 * z[:, 0] - 3 * z[:, 2] + rng.normal(0, 1, n)
    split = float(np.median(x))
    e = v.adjusted_split(y, x, split, z)
    ranks = np.column_stack([np.ones(n)] + [stats.rankdata(c) / n for c in z.T])
    rx = stats.rankdata(x) / n
    ry = y - ranks @ np.linalg.lstsq(ranks, y, rcond=None)[0]
    rr = rx - ranks @ np.linalg.lstsq(ranks, rx, rcond=None)[0]
    assert e.value == pytest.approx(0.5 * float(rr @ ry / (rr @ rr)))
    assert e.n == n and e.low < e.value < e.high
    plain = v.adjusted_split(y, x, split, np.empty((n, 0)))
    fit = stats.linregress(rx, y)
    assert plain.value == pytest.approx(0.5 * fit.slope)
    assert plain.se == pytest.approx(0.5 * fit.stderr)
    half = stats.t.ppf(0.975, n - 2) * plain.se
    assert (plain.low, plain.high) == (
        pytest.approx(plain.value - half),
        pytest.approx(plain.value + half),
    )
    # y exactly linear in x's rank: the halves differ by the slope times 0.5, with no error
    exact = v.adjusted_split(3.0 + 10 * rx, x, split, np.empty((n, 0)))
    assert (exact.value, exact.se) == (pytest.approx(5.0), pytest.approx(0.0, abs=1e-9))
    # too few worlds for the coefficients: no estimate
    assert math.isnan(v.adjusted_split(y[:6], x[:6], split, z[:6]).value)


def test_adjusted_split_keeps_its_error_rate_where_the_plain_split_does_not():
    """300 samples of 60 worlds: a parameter with no effect, correlated (about 0.3) with one
    that drives the outcome. The adjusted interval excludes zero in about 5% of them, the plain
    split in most."""
    adjusted = plain = 0
    for seed in range(300):
        rng = np.random.default_rng(seed)
        z = rng.uniform(0, 1, (60, 5))
        x = 0.3 * z[:, 0] + 0.7 * rng.uniform(0, 1, 60)
        y = 4 * z[:, 0] + rng.normal(0, 0.5, 60)
        high = x > np.median(x)
        e = v.adjusted_split(y, x, float(np.median(x)), z)
        adjusted += not e.low < 0 < e.high
        p = v.welch_estimate(y[high], y[~high])
        plain += not p.low < 0 < p.high
    # Binomial(300, 0.05): P(more than 27) < 0.002
    assert adjusted <= 27
    assert plain >= 100
