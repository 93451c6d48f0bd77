"""The claims as data: each kind of check judged by the generic engine on synthetic runs whose
answer is known, the scenario's ``claims`` and ``report`` sections refused with a message that
names the claim and the field for every bad reference, the default main policy and baseline,
and the toy scenario's claims judged end to end from a stored ensemble (a second case)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from toy_synth import EXPECTED as TOY_EXPECTED
from toy_synth import MODEL as TOY_MODEL

from pactsim.experiments import ensemble
from pactsim.report import verdicts as v
from pactsim.scenario import ScenarioError, from_text, load
from pactsim.scenario.claims import Check, Claim, ReportSettings, baseline_and_main

POLICIES = ("none", "treat", "other")
DEFAULTS = v.Defaults(main="treat", baseline="none")
TOY_TEXT = (Path(__file__).parents[2] / "scenarios" / "toy-3-factions.yaml").read_text()
SIZE_LEVERS = {"package.instruments.a.value": (0, 1000), "package.instruments.b.value": (0, 1000)}


def frame(value, n_worlds=200, reps=2, seed=1, ranges=None) -> v.VerdictData:
    """Runs of every policy in sampled worlds: ``value(policy, world parameters, rng)`` gives
    outcome ``y``; the parameters are uniform over ``ranges`` (p.x and p.y on 0-1 by default)."""
    ranges = ranges or {"p.x": (0, 1), "p.y": (0, 1)}
    rng = np.random.default_rng(seed)
    worlds = pd.DataFrame({k: rng.uniform(lo, hi, n_worlds) for k, (lo, hi) in ranges.items()})
    rows = []
    for w in range(n_worlds):
        p = worlds.iloc[w].to_dict()
        for r in range(reps):
            for pol in POLICIES:
                rows.append(
                    {"world": w, "replication": r, "policy": pol, **p, "y": value(pol, p, rng)}
                )
    return v.VerdictData(pd.DataFrame(rows), list(ranges))


def claim(*checks: dict) -> Claim:
    return Claim(
        id="c",
        statement="a claim",
        quote="words",
        source="src",
        mechanism="how",
        checks=[Check.model_validate(c) for c in checks],
    )


def judge(data: v.VerdictData, *checks: dict) -> v.Verdict:
    return v.judge(claim(*checks), data, DEFAULTS)


def halves_gap(data: v.VerdictData, parameter: str) -> float:
    """Mean of ``parameter`` above its sampled median minus at or below it, over worlds."""
    w = data.runs.drop_duplicates("world")[parameter]
    return float(w[w > w.median()].mean() - w[w <= w.median()].mean())


# ------------------------------------------------------------------------------ contrast
def test_contrast_compares_the_main_policy_with_the_baseline_by_default():
    data = frame(lambda pol, p, rng: 1 + 2 * (pol == "treat") + rng.normal(0, 0.5))
    out = judge(data, {"kind": "contrast", "outcome": "y", "direction": "greater"})
    assert out.verdict == "supported"
    check = out.checks[0]
    assert check.description == "y, treat vs none"
    assert check.effect.value == pytest.approx(2.0, abs=0.1)
    out = judge(data, {"kind": "contrast", "outcome": "y", "versus": "other", "direction": "less"})
    assert out.checks[0].description == "y, treat vs other"
    assert (out.verdict, out.checks[0].status) == ("not supported", "reversed")
    same = judge(
        data, {"kind": "contrast", "outcome": "y", "policy": "other", "direction": "greater"}
    )
    assert same.checks[0].status == "null" and abs(same.checks[0].effect.value) < 0.1


# --------------------------------------------------------------------------------- split
def test_split_under_given_policies_and_pooled_over_every_policy():
    """y = 10 p.x under treat only: the split of treat's runs is 10 x the halves' gap in p.x
    (about 0.5); pooled over the three policies it is a third of that."""
    data = frame(lambda pol, p, rng: 10 * p["p.x"] * (pol == "treat") + rng.normal(0, 0.5))
    gap = halves_gap(data, "p.x")
    under = {"kind": "split", "outcome": "y", "parameter": "p.x", "direction": "greater"}
    out = judge(data, {**under, "policies": ["treat"]})
    assert out.verdict == "supported"
    assert out.checks[0].description == "y under treat, high vs low p.x"
    assert out.checks[0].effect.value == pytest.approx(10 * gap, abs=0.3)
    pooled = judge(data, under)
    assert pooled.checks[0].description == "y, high vs low p.x"
    assert pooled.checks[0].effect.value == pytest.approx(10 * gap / 3, abs=0.3)
    flat = judge(data, {**under, "policies": ["other"]})
    assert flat.verdict == "not supported" and flat.checks[0].status == "null"
    wrong = judge(data, {**under, "policies": ["treat"], "direction": "less"})
    assert wrong.checks[0].status == "reversed"


def test_contrast_split_sees_what_the_parameter_does_to_the_policy():
    """Each world's own level (3 p.y) cancels in treat minus none, which is 4 p.x: the split
    is 4 x the halves' gap in p.x, and nothing for p.y."""

    def y(pol, p, rng):
        return 3 * p["p.y"] + (4 * p["p.x"] if pol == "treat" else 0) + rng.normal(0, 0.2)

    data = frame(y)
    base = {"kind": "contrast_split", "outcome": "y", "direction": "greater"}
    out = judge(data, {**base, "parameter": "p.x"})
    assert out.verdict == "supported"
    assert out.checks[0].description == "y, treat minus none: high vs low p.x"
    assert out.checks[0].effect.value == pytest.approx(4 * halves_gap(data, "p.x"), abs=0.1)
    assert judge(data, {**base, "parameter": "p.y"}).checks[0].status == "null"


# --------------------------------------------------------------------------------- share
def ten_worlds() -> v.VerdictData:
    """10 worlds, one run each under treat; y = 0, 10, ..., 90."""
    rows = [
        {"world": w, "replication": 0, "policy": "treat", "y": 10.0 * w, "p.x": float(w)}
        for w in range(10)
    ]
    return v.VerdictData(pd.DataFrame(rows), ["p.x"])


@pytest.mark.parametrize(
    ("direction", "level", "status"),
    [
        ("greater", 0.2, "holds"),
        ("greater", 0.3, "null"),
        ("greater", 0.8, "reversed"),
        ("less", 0.9, "holds"),
        ("less", 0.1, "reversed"),
        ("between", [0.2, 0.8], "holds"),
        ("between", [0.3, 0.9], "null"),
        ("between", [0.8, 0.9], "reversed"),
    ],
)
def test_share_of_worlds_meeting_a_threshold_against_a_level(direction, level, status):
    # y >= 50 in 5 of the 10 worlds: Wilson's 95% interval for 5 of 10 is 0.2366 to 0.7634
    share = {"kind": "share", "outcome": "y", "meets": ">= 50"}
    out = judge(ten_worlds(), {**share, "direction": direction, "level": level})
    check = out.checks[0]
    assert check.description == "y >= 50 under treat, share of sampled worlds"
    assert check.effect.value == 0.5
    assert (check.effect.low, check.effect.high) == (
        pytest.approx(0.2366, abs=1e-4),
        pytest.approx(0.7634, abs=1e-4),
    )
    assert check.status == status
    assert out.verdict == ("supported" if status == "holds" else "not supported")
    words = {"greater": "claimed above", "less": "claimed below", "between": "claimed to lie"}
    assert words[direction] in out.evidence


def test_share_counts_a_zero_one_outcome_as_it_is_and_refuses_another_without_meets():
    data = ten_worlds()
    data.runs["y01"] = (data.runs["y"] >= 50).astype(float)
    out = judge(data, {"kind": "share", "outcome": "y01", "direction": "greater", "level": 0.2})
    assert out.checks[0].effect.value == 0.5 and out.verdict == "supported"
    out = judge(data, {"kind": "share", "outcome": "y", "direction": "greater", "level": 0.2})
    assert out.verdict == (
        "not assessed: 'y' is not a 0/1 outcome (a share check on it needs a 'meets' condition)"
    )


# ------------------------------------------------------- optional checks, package size
def test_an_optional_split_on_a_parameter_not_sampled_is_left_out_with_a_note():
    data = frame(lambda pol, p, rng: 1 + 2 * (pol == "treat") + rng.normal(0, 0.5))
    contrast = {"kind": "contrast", "outcome": "y", "direction": "greater"}
    split = {"kind": "split", "outcome": "y", "parameter": "p.z", "direction": "greater"}
    out = judge(data, contrast, {**split, "optional": True})
    assert out.verdict == "supported" and len(out.checks) == 1
    assert out.notes == [
        "y, high vs low p.z: left out, the ensemble did not sample 'p.z' (an ensemble run with "
        "--levers samples the levers too)"
    ]
    assert out.notes[0] in out.evidence
    out = judge(data, contrast, split)
    assert out.verdict == "not assessed: the ensemble did not sample 'p.z'"
    out = judge(data, {**split, "optional": True})
    assert out.verdict == "not assessed: every check was left out"


def test_package_size_is_the_sum_of_the_sampled_instrument_values():
    """P(y) = size / 2000 under treat, size the sum of two value levers on 0-1000: the split on
    the package's size holds, and the size decides the share of worlds too (it is among the
    claim's parameters)."""

    def y(pol, p, rng):
        size = sum(p[k] for k in SIZE_LEVERS)
        return float(rng.random() < (size / 2000 if pol == "treat" else 0.05))

    data = frame(y, ranges={"p.x": (0, 1), **SIZE_LEVERS})
    share = {"kind": "share", "outcome": "y", "direction": "between", "level": [0.05, 0.95]}
    split = {
        "kind": "split",
        "outcome": "y",
        "policies": ["treat"],
        "parameter": "package_size",
        "direction": "greater",
        "optional": True,
    }
    out = judge(data, share, split)
    assert [c.status for c in out.checks] == ["holds", "holds"]
    assert out.checks[1].description == f"y under treat, larger vs smaller {v.SIZE}"
    assert out.checks[1].adjusted_for == 1  # p.x only: the summed levers are not covariates
    decisive = [d["parameter"] for d in out.checks[0].drivers if d["significant"]]
    assert v.SIZE in decisive and "p.x" not in decisive
    # (P above minus at or below the median size) = gap / 2000, by construction
    sizes = data.runs.drop_duplicates("world")[list(SIZE_LEVERS)].sum(axis=1)
    gap = sizes[sizes > sizes.median()].mean() - sizes[sizes <= sizes.median()].mean()
    assert out.checks[1].effect.low < gap / 2000 < out.checks[1].effect.high
    plain = frame(lambda pol, p, rng: float(rng.random() < 0.5))
    out = judge(plain, share, split)
    assert len(out.checks) == 1
    assert "left out, the ensemble did not sample the instruments' values" in out.notes[0]


# ----------------------------------------------------------------- assess a scenario
def test_a_scenario_without_claims_gets_no_verdicts():
    doc = yaml.safe_load(TOY_TEXT)
    del doc["claims"]
    bare = from_text(yaml.safe_dump(doc), "bare.yaml")
    data = frame(lambda pol, p, rng: 1.0)
    assert bare.claims == [] and v.assess(data, bare) == []
    assert [x.claim_id for x in v.assess(data, load("toy-3-factions"))] == [
        "conditionality",
        "hardliners",
    ]


@pytest.fixture(scope="module")
def toy_store(tmp_path_factory):
    return ensemble(
        "toy-3-factions",
        samples=40,
        replications=1,
        seed=4,
        workers=1,
        months=12,
        store=tmp_path_factory.mktemp("toy") / "toy.duckdb",
        model=TOY_MODEL,
    )


def test_the_toy_scenarios_claims_are_judged_from_its_store(toy_store):
    verdicts = v.assess(toy_store)
    assert {x.claim_id: x.verdict for x in verdicts} == TOY_EXPECTED
    cond, hard = verdicts
    assert [c.description for c in cond.checks] == [
        "reform_opening_final, milestone vs upfront",
        "cost_total, milestone vs upfront",
    ]
    assert [c.status for c in cond.checks] == ["holds", "reversed"]
    assert cond.checks[1].effect.value == pytest.approx(150.0)
    assert cond.source == "toy" and cond.quote.startswith("milestone conditionality")
    share, split = hard.checks
    assert share.effect.value > 0.9 and share.status == "holds"
    assert split.description == (
        "reform_opening_final, milestone minus none: high vs low "
        "factions.members.hardliners.kappa.opening"
    )
    kappa = toy_store.experiments().drop_duplicates("world")[
        "factions.members.hardliners.kappa.opening"
    ]
    gap = kappa[kappa > kappa.median()].mean() - kappa[kappa <= kappa.median()].mean()
    assert split.effect.value == pytest.approx(-5000 * gap, abs=2.0)


# -------------------------------------------------------------- main policy, baseline
@pytest.mark.parametrize(
    ("settings", "policies", "expected"),
    [
        ({}, ["a", "b", "c"], ("a", "b")),
        ({"baseline": "b"}, ["a", "b", "c"], ("b", "a")),
        ({"main_policy": "c"}, ["a", "b", "c"], ("a", "c")),
        ({"main_policy": "c", "baseline": "c"}, ["a", "b", "c"], ("c", "c")),
        ({"main_policy": "z", "baseline": "y"}, ["a", "b"], ("a", "b")),
        ({}, ["a"], ("a", "a")),
        ({}, [], (None, None)),
    ],
)
def test_baseline_and_main_policy_defaults(settings, policies, expected):
    assert baseline_and_main(ReportSettings(**settings), policies) == expected


# ---------------------------------------------------------------------------- validation
def edit(old: str, new: str) -> str:
    assert TOY_TEXT.count(old) >= 1, old
    return TOY_TEXT.replace(old, new, 1)


CONTRAST = "{kind: contrast, outcome: reform_opening_final, versus: upfront, direction: greater}"
SHARE = (
    '{kind: share, outcome: reform_opening_final, meets: ">= 50", direction: greater, level: 0.5}'
)
SPLIT = (
    "{kind: contrast_split, outcome: reform_opening_final, "
    "parameter: factions.members.hardliners.kappa.opening, direction: less}"
)
BAD = [
    (
        CONTRAST,
        CONTRAST.replace("versus: upfront", "versus: upfrnt"),
        "claims: claim 'conditionality' (claims[0]), checks[0] (contrast), versus: no policy "
        "'upfrnt'; did you mean 'upfront'?",
    ),
    (
        CONTRAST,
        CONTRAST.replace("versus: upfront", "policy: bribery, versus: upfront"),
        "checks[0] (contrast), policy: no policy 'bribery' (known: none, milestone, upfront)",
    ),
    (
        CONTRAST,
        CONTRAST.replace("versus: upfront", "versus: milestone"),
        "checks[0] (contrast), policy and versus: a contrast needs two different policies "
        "(here 'milestone' against 'milestone'",
    ),
    (
        CONTRAST,
        CONTRAST.replace("reform_opening_final", "reform_opening"),
        "checks[0] (contrast), outcome: 'reform_opening' is not in the scenario's outcomes; "
        "did you mean 'reform_opening_final'?",
    ),
    (
        "source: toy\n    mechanism: >-\n      Value",
        "source: toys\n    mechanism: >-\n      Value",
        "claim 'conditionality' (claims[0]), source: 'toys' is not a key of meta.sources; did "
        "you mean 'toy'?",
    ),
    (
        "  - id: hardliners\n    statement",
        "  - id: conditionality\n    statement",
        "claim 'conditionality' (claims[1]): duplicate id 'conditionality'",
    ),
    (
        SPLIT,
        SPLIT.replace("kappa.opening", "kappa"),
        "claim 'hardliners' (claims[1]), checks[1] (contrast_split), parameter: "
        "'factions.members.hardliners.kappa' is not the path of an uncertainty (or of a numeric "
        "lever); did you mean 'factions.members.hardliners.kappa.opening'?",
    ),
    (
        SPLIT,
        "{kind: split, outcome: cost_total, policies: [milestone, upfrnt], "
        "parameter: population.legitimacy, direction: less}",
        "checks[1] (split), policies[1]: no policy 'upfrnt'; did you mean 'upfront'?",
    ),
    (
        "  main_policy: milestone\n",
        "  main_policy: milestones\n",
        "report: main_policy: no policy 'milestones'; did you mean 'milestone'?",
    ),
    (
        "  baseline: none\n",
        "  baseline: nothing\n  main_outcome: cost\n",
        "report: baseline: no policy 'nothing' (known: none, milestone, upfront); main_outcome: "
        "'cost' is not in the scenario's outcomes",
    ),
    (
        CONTRAST,
        CONTRAST.replace("versus: upfront", "versus: upfront, polcy: x"),
        "claims[0:conditionality].checks[0].polcy: unknown field 'polcy'; did you mean 'policy'?",
    ),
    (
        CONTRAST,
        CONTRAST.replace("versus: upfront", "versus: upfront, meets: '> 1'"),
        "claims[0:conditionality].checks[0]: a contrast check takes no meets (it takes: policy, "
        "versus)",
    ),
    (
        CONTRAST,
        CONTRAST.replace("kind: contrast", "kind: contrasts"),
        "claims[0:conditionality].checks[0].kind: Input should be 'contrast', 'split', "
        "'contrast_split' or 'share'",
    ),
    (
        CONTRAST,
        CONTRAST.replace("direction: greater", "direction: between"),
        "checks[0]: direction 'between' is for a share check, not a contrast",
    ),
    (
        SPLIT,
        SPLIT.replace("parameter: factions.members.hardliners.kappa.opening, ", ""),
        "claims[1:hardliners].checks[1]: a contrast_split check needs a parameter",
    ),
    (
        SHARE,
        SHARE.replace("level: 0.5", "level: 1.5"),
        "checks[0]: level [1.5]: a share lies in 0-1",
    ),
    (
        SHARE,
        SHARE.replace("level: 0.5", "level: [0.2, 0.5]"),
        "checks[0]: direction 'greater' needs one level, e.g. level: 0.5",
    ),
    (
        SHARE,
        SHARE.replace("direction: greater", "direction: between"),
        "checks[0]: direction 'between' needs level: [low, high] with low < high",
    ),
    (
        SHARE,
        SHARE.replace("level: 0.5", "level: oops"),
        "checks[0].level: expected a share in 0-1, or [low, high] for 'between' (got 'oops')",
    ),
    (
        SHARE,
        SHARE.replace(", level: 0.5", ""),
        "checks[0]: a share check needs a level",
    ),
    (
        SHARE,
        SHARE.replace('">= 50"', '"at least 50"'),
        "checks[0]: meets 'at least 50': expected '<op> <number>'",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD)
def test_every_bad_reference_is_refused_naming_the_claim_and_the_field(old, new, message):
    with pytest.raises(ScenarioError) as info:
        from_text(edit(old, new), "bad.yaml")
    text = str(info.value)
    assert message in text, text
    assert "bad.yaml:" in text  # with the line of the section, or of the check


def test_package_size_needs_a_value_lever():
    size = SPLIT.replace("factions.members.hardliners.kappa.opening", "package_size")
    sc = from_text(edit(SPLIT, size), "ok.yaml")  # aid.value is a numeric lever
    assert sc.claims[1].checks[1].parameter == "package_size"
    lever = (
        "  - {path: package.instruments.aid.value, low: 0, high: 2000, description: "
        '"Aid offered [USD million]"}\n'
    )
    text = edit(SPLIT, size).replace(lever, "").replace("package.instruments.aid.value: 0, ", "")
    with pytest.raises(ScenarioError) as info:
        from_text(text, "bad.yaml")
    assert (
        "checks[1] (contrast_split), parameter: 'package_size' needs a numeric lever "
        "package.instruments.<id>.value in the scenario's levers"
    ) in str(info.value)


def test_claims_survive_overrides_and_policies():
    sc = load("toy-3-factions")
    assert sc.with_policy("upfront").claims == sc.claims
    assert sc.with_overrides({"population.legitimacy": 0.5}).report == sc.report
    assert sc.claims[1].checks[0].level == (0.5,)
