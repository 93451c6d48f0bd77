"""Tests of KTAB's Spatial Model of Politics (pactsim.models.bargaining.smp) and its reader.

References: the printed runs of KTAB's ``smpc`` (``20170530_ref-*.txt``, MIT licence) kept in
``tests/data/ktab/`` (see ``tests/data/README.md``); formulas of KTAB's ``kmodel.cpp`` /
``smp.cpp`` for the hand-worked cases; the tutorial's table of victory-probability models.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactsim.errors import InputError
from pactsim.models.bargaining import smp_core as core
from pactsim.models.bargaining.ktab_io import KtabInput, read_ktab_csv
from pactsim.models.bargaining.smp import SMP_DEFAULTS, SMPResult, smp

# the package re-exports the function smp, which hides the module of the same name
smp_mod = importlib.import_module("pactsim.models.bargaining.smp")

KTAB_DIR = Path(__file__).resolve().parents[1] / "data" / "ktab"
REFERENCES = ["dummyData_3Dim", "SOE-Pol-Comp"]


# ------------------------------------------------------------------ log parsing


def parse_history(log: Path, names: list[str], dims: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Positions ((T+1), A, D) and winning probabilities ((T+1), A) printed by smpc."""
    lines = log.read_text().splitlines()
    k = max(i for i, line in enumerate(lines) if line.startswith("History of actor positions"))
    pos: dict[tuple[str, str], list[float]] = {}
    for line in lines[k + 1 :]:
        if line.startswith("History of actors'"):
            break
        head, vals = line.split(":", 1)
        actor, dim = head.rsplit(",", 1)
        pos[(actor.strip(), dim.strip())] = [float(v) for v in vals.split()]
    k2 = max(i for i, line in enumerate(lines) if line.startswith("History of actors' winning"))
    prob: dict[str, list[float]] = {}
    for line in lines[k2 + 1 : k2 + 1 + len(names)]:
        head, vals = line.split(":", 1)
        prob[head.split(",")[0].strip()] = [float(v) for v in vals.split()]
    p = np.array([[pos[(a, d)] for d in dims] for a in names])  # (A, D, T+1)
    w = np.array([prob[a] for a in names])  # (A, T+1)
    return p.transpose(2, 0, 1), w.T


_CHALLENGE = re.compile(
    r"In turn (\d+) actor (\d+) has most advantageous target (\d+) worth ([-+.\d]+)"
)
_PROB = re.compile(r"Est by\s+(\d+) of prob ([.\d]+) that \[\s*(\d+)>\s*(\d+)\]")
_ADOPT = re.compile(r"adopt:\s+(.*)$")


def parse_proposals(log: Path) -> dict[tuple[int, int], dict[str, object]]:
    """Every challenge printed by smpc: (turn, initiator) -> target, gain, prob, 3 bargains."""
    lines = log.read_text().splitlines()
    out: dict[tuple[int, int], dict[str, object]] = {}
    n = 0
    while n < len(lines):
        m = _CHALLENGE.search(lines[n])
        if not m:
            n += 1
            continue
        turn, i, j, gain = int(m[1]), int(m[2]), int(m[3]), float(m[4])
        prob = None
        coords: list[np.ndarray] = []
        n += 1
        while len(coords) < 6:
            pm = _PROB.search(lines[n])
            if pm and prob is None and int(pm[1]) == i:
                prob = float(pm[2])
            am = _ADOPT.search(lines[n])
            if am:
                coords.append(np.array([float(v) for v in am[1].split()]))
            n += 1
        out[(turn, i)] = {
            "target": j,
            "gain": gain,
            "prob": prob,
            "init_view": coords[0:2],
            "rcvr_view": coords[2:4],
            "compromise": coords[4:6],
        }
    return out


def _load(name: str) -> KtabInput:
    return read_ktab_csv(KTAB_DIR / f"{name}.csv")


# ------------------------------------------------------------------ against KTAB's runs


@pytest.mark.parametrize("name", REFERENCES)
def test_history_matches_ktab_printout(name: str) -> None:
    """Every position of every turn and every winning probability, as smpc prints them."""
    inp = _load(name)
    ref_pos, ref_prob = parse_history(
        KTAB_DIR / f"20170530_ref-{name}.txt", inp.names, inp.dim_names
    )
    res = smp(inp.capability, inp.position, inp.salience)
    assert res.turns == ref_pos.shape[0] - 1
    assert res.positions.shape == ref_pos.shape
    # final positions within 1 point (the acceptance bound) ...
    assert np.max(np.abs(res.positions[-1] - ref_pos[-1])) <= 1.0
    # ... and in fact every printed digit: KTAB prints "%5.1f", so |ours - printed| <= 0.05
    assert np.max(np.abs(res.positions - ref_pos)) <= 0.05 + 1e-9
    printed = np.vectorize(lambda v: float(f"{v:.1f}"))(res.positions)
    np.testing.assert_array_equal(printed, ref_pos)
    # winning probabilities of each state, printed "%.4f"
    assert np.max(np.abs(res.win_prob - ref_prob)) <= 5e-5 + 1e-12


@pytest.mark.parametrize("name", REFERENCES)
def test_every_challenge_and_bargain_matches_ktab(name: str) -> None:
    """Targets, gains, probabilities and the three bargains smpc prints in every turn."""
    inp = _load(name)
    ref = parse_proposals(KTAB_DIR / f"20170530_ref-{name}.txt")
    o = dict(SMP_DEFAULTS)
    x = inp.position / 100.0
    sal, cap = inp.salience, inp.capability
    res = smp(cap, inp.position, sal)
    rng = np.random.default_rng(0)
    seen = 0
    for t in range(res.turns):
        r, a_util = smp_mod._assess(x, sal, cap, o)
        ours = {p.init: p for p in smp_mod._proposals(x, sal, cap, a_util, o)}
        theirs = {i: v for (tt, i), v in ref.items() if tt == t}
        assert set(ours) == set(theirs), f"turn {t}"
        for i, v in theirs.items():
            p = ours[i]
            assert p.rcvr == v["target"]
            assert abs(p.gain - v["gain"]) <= 5e-4 + 1e-12
            assert abs(p.prob - v["prob"]) <= 5e-5 + 1e-12
            for key in ("init_view", "rcvr_view", "compromise"):
                got = np.array(getattr(p, key)) * 100.0
                want = np.array(v[key])
                assert np.max(np.abs(got - want)) <= 5e-4 + 1e-9, (t, i, key)
            seen += 1
        x = smp_mod._turn(x, sal, cap, r, a_util, o, rng)
    assert seen == len(ref)
    np.testing.assert_array_equal(100.0 * x, res.positions[-1])


def test_first_state_probabilities_with_propcbc_and_markov_incentive() -> None:
    """smpExample's log (PropCbc votes, MarkovIncentive PCE): probabilities of state 0.

    Later states of that run depend on KTAB's random stream (Stochastic transitions) and on
    lagging ideals, neither reproduced; state 0 depends on neither. The actors are those the
    log echoes (its XML had Alice's first coordinate 52.8).
    """
    log = (KTAB_DIR / "20170530_ref-smpExample.txt").read_text()
    head = log.split("Starting model run")[0]
    pos = np.array([float(v) for v in re.findall(r"Read dimension \d: ([.\d]+)", head)])
    sal = np.array([float(v) for v in re.findall(r"Read salience \d: ([.\d]+)", head)])
    pos, sal = pos.reshape(5, 3), sal.reshape(5, 3) / 100.0
    cap = np.array([float(v) for v in re.findall(r"^w:\s*\n(.*)$", log, flags=re.M)[0].split()])
    assert pos[0, 0] == 52.8 and cap.tolist() == [117.7, 93.2, 61.4, 135.4, 63.8]
    want = [0.3154, 0.1668, 0.1082, 0.2216, 0.1880]
    res = smp(
        cap,
        pos,
        sal,
        max_turns=1,
        voting_rule="PropCbc",
        pce_model="MarkovIncentive",
        state_transitions="Stochastic",
        seed=1,
    )
    assert np.max(np.abs(res.win_prob[0] - want)) <= 5e-5 + 1e-12


def test_xml_with_an_empty_coordinate_is_rejected_with_its_place() -> None:
    with pytest.raises(InputError, match=r"Alice.*<Position> <dCoord> #1.*got ''"):
        read_ktab_csv(KTAB_DIR / "smpExample.xml")


def test_reader_on_reference_csv() -> None:
    inp = _load("dummyData_3Dim")
    assert inp.names[0] == "SActor-00" and len(inp.names) == 7
    assert inp.dim_names == ["Pstn1", "Pstn2", "Pstn3"]
    assert inp.capability[0] == pytest.approx(102.543)
    assert inp.position[2].tolist() == [82.45, 90.89, 0.07]
    assert inp.salience[2].tolist() == pytest.approx([0.4847, 0.1355, 0.3462])
    assert inp.scenario_desc == "Dummy scenario to test reading format"


# ------------------------------------------------------------------ hand-worked formulas


def test_victory_probability_models_follow_the_tutorial_table() -> None:
    """A 2:1 coalition ratio wins with 2/3, 4/5, 16/17, 256/257 (KTAB SMP tutorial)."""
    c = np.array([[1e-8, 1.0], [2.0, 1e-8]])
    for model, want in (("Linear", 2 / 3), ("Square", 4 / 5), ("Quartic", 16 / 17)):
        assert core.victory_prob(model, c)[1, 0] == pytest.approx(want)
    assert core.victory_prob("Octic", c)[1, 0] == pytest.approx(256 / 257)
    assert core.victory_prob("Binary", c)[1, 0] == pytest.approx(1 / (1 + 1e-6))
    pv = core.victory_prob("Linear", c)
    assert pv[0, 0] == 0.5 and pv[0, 1] + pv[1, 0] == pytest.approx(1.0)


def test_votes_by_rule() -> None:
    du = np.array([-0.5, 0.0, 0.2])
    np.testing.assert_allclose(core.vote("Prop", 2.0, du), [-1.0, 0.0, 0.4])
    np.testing.assert_allclose(core.vote("Cubic", 2.0, du), [-0.25, 0.0, 0.016])
    np.testing.assert_allclose(core.vote("PropCbc", 2.0, du), [-0.625, 0.0, 0.208])
    np.testing.assert_allclose(core.vote("Binary", 2.0, du), [-2.0, 0.0, 2.0])
    np.testing.assert_allclose(core.vote("PropBin", 2.0, du), [-1.2, 0.0, 0.72])
    np.testing.assert_allclose(core.vote("ASymProsp", 3.0, du), [-1.5, 0.0, 0.4])


def test_conditional_pce_and_risk_range_by_hand() -> None:
    # three options; option 0 beats both others 3:1, option 1 beats 2 at 1:1
    c = np.array([[1e-8, 3.0, 3.0], [1.0, 1e-8, 1.0], [1.0, 1.0, 1e-8]])
    p = core.pce("Conditional", "Linear", c)
    raw = np.array([0.5 * 0.75 * 0.75, 0.25 * 0.5 * 0.5, 0.25 * 0.5 * 0.5])
    np.testing.assert_allclose(p, raw / raw.sum())
    r = core.big_r_from_prob(p, "Mid")
    np.testing.assert_allclose(r, [1.0, -0.5, -0.5])
    np.testing.assert_allclose(core.big_r_from_prob(p, "Max"), [1.0, -1.0, -1.0])
    np.testing.assert_allclose(core.big_r_from_prob(p, "Min"), [1.0, 0.0, 0.0])
    np.testing.assert_allclose(core.est_nra(np.array(1.0), np.array(-0.5), "OneThird"), 0.5)


def test_utility_and_distance_by_hand() -> None:
    # salience-weighted RMS distance: sqrt(((.5*.2)^2 + (.5*.4)^2) / (.5^2 + .5^2))
    d = core.sal_dist(np.array([0.2, 0.4]), np.array([0.0, 0.0]), np.array([0.5, 0.5]))
    assert d == pytest.approx(np.sqrt(0.1))
    assert core.bs_util(np.array(0.25), np.array(1.0)) == pytest.approx(0.75 * 1.25)
    assert core.bs_util(np.array(0.25), np.array(-0.5)) == pytest.approx(0.75 * 0.875)


def test_s2p2_bargain_by_hand() -> None:
    # weights (s p)^2: i (0.6*0.75)^2 = 0.2025, j (0.3*0.25)^2 = 0.005625
    bi, bj = core.interp_bargain(
        "S2P2", np.array([0.2]), np.array([0.6]), 0.75, np.array([0.8]), np.array([0.3]), 0.25
    )
    wi, wj = 0.2025, 0.005625
    assert bi[0] == pytest.approx(round((wi * 0.2 + wj * 0.8) / (wi + wj), 4), abs=1e-12)
    assert bj[0] == bi[0]


# ------------------------------------------------------------------ properties


def _scenario(seed: int, n_act: int, n_dim: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    g = np.random.default_rng(seed)
    cap = g.uniform(10.0, 200.0, n_act)
    pos = np.round(g.uniform(0.0, 100.0, (n_act, n_dim)), 2)
    sal = g.uniform(0.1, 1.0, (n_act, n_dim))
    sal = sal / sal.sum(axis=1, keepdims=True) * g.uniform(0.5, 1.0, (n_act, 1))
    return cap, pos, sal


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_act=st.integers(3, 9), n_dim=st.integers(1, 3))
def test_positions_stay_on_scale_and_results_are_consistent(
    seed: int, n_act: int, n_dim: int
) -> None:
    cap, pos, sal = _scenario(seed, n_act, n_dim)
    res = smp(cap, pos, sal, max_turns=30)
    assert isinstance(res, SMPResult)
    assert res.positions.shape == (res.turns + 1, n_act, n_dim)
    assert 1 <= res.turns <= 30
    np.testing.assert_array_equal(res.positions[0], 100.0 * (pos / 100.0))
    assert np.all(res.positions >= 0.0) and np.all(res.positions <= 100.0)
    # bargains lie between the two parties' positions, so the hull never grows
    assert np.all(res.positions.min(axis=1) >= pos.min(axis=0) - 1e-9)
    assert np.all(res.positions.max(axis=1) <= pos.max(axis=0) + 1e-9)
    fin = res.positions[-1]
    assert np.all(res.forecast >= fin.min(axis=0) - 1e-9)
    assert np.all(res.forecast <= fin.max(axis=0) + 1e-9)
    assert np.all((res.win_prob >= 0.0) & (res.win_prob <= 1.0))
    assert np.all((res.risk >= -0.5 - 1e-12) & (res.risk <= 1.0 + 1e-12))


def test_same_input_gives_bit_identical_output() -> None:
    cap, pos, sal = _scenario(7, 8, 2)
    a = smp(cap, pos, sal)
    b = smp(cap.copy(), pos.copy(), sal.copy())
    np.testing.assert_array_equal(a.positions, b.positions)
    np.testing.assert_array_equal(a.forecast, b.forecast)
    np.testing.assert_array_equal(a.win_prob, b.win_prob)
    s1 = smp(cap, pos, sal, state_transitions="Stochastic", seed=3)
    s2 = smp(cap, pos, sal, state_transitions="Stochastic", seed=3)
    np.testing.assert_array_equal(s1.positions, s2.positions)


def test_consensus_stays_put() -> None:
    """All actors at one point: no gains from challenges, nobody moves, stop after 2 turns."""
    cap = np.array([10.0, 20.0, 30.0])
    pos = np.tile([40.0, 60.0], (3, 1))
    sal = np.full((3, 2), 0.4)
    res = smp(cap, pos, sal)
    assert res.turns == 2
    np.testing.assert_allclose(res.positions, np.broadcast_to(pos, (3, 3, 2)))
    np.testing.assert_allclose(res.forecast, [40.0, 60.0])
    np.testing.assert_allclose(res.win_prob, 1.0)


def test_relabelling_actors_permutes_the_result() -> None:
    cap, pos, sal = _scenario(11, 6, 2)
    perm = np.array([3, 0, 5, 1, 4, 2])
    a = smp(cap, pos, sal)
    b = smp(cap[perm], pos[perm], sal[perm])
    assert a.turns == b.turns
    np.testing.assert_allclose(b.positions, a.positions[:, perm], atol=1e-9)
    # positions within 0.1 of each other count as one, represented by the first actor's
    # (KTAB's posTol), so the order of actors can shift the forecast by well under 0.1
    np.testing.assert_allclose(b.forecast, a.forecast, atol=0.1)


def test_max_turns_caps_the_run() -> None:
    cap, pos, sal = _scenario(5, 7, 2)
    full = smp(cap, pos, sal)
    assert full.turns > 1
    one = smp(cap, pos, sal, max_turns=1)
    assert one.turns == 1
    np.testing.assert_array_equal(one.positions, full.positions[:2])


@pytest.mark.parametrize(
    ("key", "value"),
    [(k, v) for k, vals in smp_mod._CHOICES.items() for v in vals if v != SMP_DEFAULTS[k]],
)
def test_every_option_runs_and_stays_on_scale(key: str, value: str) -> None:
    cap, pos, sal = _scenario(21, 6, 2)
    res = smp(cap, pos, sal, max_turns=15, seed=2, **{key: value})
    assert res.options[key] == value
    assert np.all(res.positions >= 0.0) and np.all(res.positions <= 100.0)
    assert np.all(np.isfinite(res.forecast))


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"voting_rule": "Majority"}, "voting_rule must be one of"),
        ({"colour": "red"}, "unknown option 'colour'"),
    ],
)
def test_bad_options_are_input_errors(kwargs: dict[str, str], pattern: str) -> None:
    cap, pos, sal = _scenario(1, 4, 1)
    with pytest.raises(InputError, match=pattern):
        smp(cap, pos, sal, **kwargs)


def test_bad_arrays_are_input_errors() -> None:
    cap, pos, sal = _scenario(1, 4, 2)
    with pytest.raises(InputError, match="capability must be > 0"):
        smp(np.array([1.0, 0.0, 2.0, 3.0]), pos, sal)
    with pytest.raises(InputError, match="0-100"):
        smp(cap, pos + 200.0, sal)
    with pytest.raises(InputError, match=r"sum to a value in \(0, 1\]"):
        smp(cap, pos, np.full_like(sal, 0.9))
    with pytest.raises(InputError, match="non-finite"):
        smp(cap, np.where(pos > 50, np.nan, pos), sal)
    with pytest.raises(InputError, match="a batch needs capability"):
        smp(cap, pos[None], sal[None])


def test_batch_equals_one_by_one() -> None:
    problems = [_scenario(seed, 5, 2) for seed in (1, 2, 3)]
    caps = np.stack([p[0] for p in problems])
    poss = np.stack([p[1] for p in problems])
    sals = np.stack([p[2] for p in problems])
    batch = smp(caps, poss, sals)
    assert batch.positions.shape[0] == 3 and batch.forecast.shape == (3, 2)
    for b, (cap, pos, sal) in enumerate(problems):
        one = smp(cap, pos, sal)
        assert batch.turns[b] == one.turns
        np.testing.assert_array_equal(batch.forecast[b], one.forecast)
        np.testing.assert_array_equal(batch.positions[b, : one.turns + 1], one.positions)
        # padded with the final state
        np.testing.assert_array_equal(batch.positions[b, -1], one.positions[-1])


# ------------------------------------------------------------------ reader


GOOD = (
    "Demo,A demo scenario,3,2,\n"
    "Actor,Description,Power,P1,S1,P2,S2,\n"
    "A, first , 10, 20, 30, 40, 50,\n"
    "B,second,20,60,40,10,10,\n"
    "C,third,30.5,90,20,100,80\n"
)


def _write(tmp_path: Path, text: str, name: str = "s.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_reader_parses_ktab_csv(tmp_path: Path) -> None:
    inp = read_ktab_csv(_write(tmp_path, GOOD))
    assert inp.names == ["A", "B", "C"] and inp.descriptions[0] == "first"
    assert inp.dim_names == ["P1", "P2"]
    np.testing.assert_array_equal(inp.capability, [10.0, 20.0, 30.5])
    np.testing.assert_array_equal(inp.position, [[20, 40], [60, 10], [90, 100]])
    np.testing.assert_allclose(inp.salience, [[0.3, 0.5], [0.4, 0.1], [0.2, 0.8]])
    assert inp.scenario_name == "Demo" and inp.parameters == {}


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("", "the file is empty"),
        ("Demo,desc,4,2\n" + GOOD.split("\n", 1)[1], "declares 4 actors but 3"),
        (GOOD.replace("Demo,A demo scenario,3,2", "Demo,d,3,x"), r"row 1, column 4 \(D\)"),
        (GOOD.replace("B,second,20,60", "B,second,20,abc"), r"row 4, column 4 \(D\).*'abc'"),
        (GOOD.replace("B,second,20", "B,second,-5"), r"row 4, column 3 \(C\).*power"),
        (GOOD.replace("C,third,30.5,90,20", "C,third,30.5,90,120"), r"row 5, column 5 \(E\)"),
        (GOOD.replace("B,second,20,60,40", "B,second,20,nan,40"), r"row 4, column 4.*finite"),
        (GOOD.replace("C,third,30.5,90,20", "C,third,30.5,90,30"), "sum to at most 100"),
        (GOOD.replace("C,third,30.5,90,20,100,80", "C,third,30.5,90,20,100"), "row 5: expected 7"),
        (GOOD.replace("A, first , 10, 20, 30", "A, first , 10, 120, 30"), "position on 0-100"),
    ],
)
def test_reader_errors_name_file_row_and_column(tmp_path: Path, text: str, pattern: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match=pattern) as err:
        read_ktab_csv(path)
    assert str(path) in str(err.value)


def test_reader_reads_ktab_xml_with_parameters(tmp_path: Path) -> None:
    actors = "".join(
        f"<Actor><name>{n}</name><description>d{n}</description><capability>{c}</capability>"
        f"<Position><dCoord>{p1}</dCoord><dCoord>{p2}</dCoord></Position>"
        f"<Salience><dSal>{s1}</dSal><dSal>{s2}</dSal></Salience></Actor>"
        for n, c, p1, s1, p2, s2 in (
            ("A", 10, 20, 30, 40, 50),
            ("B", 20, 60, 40, 10, 10),
            ("C", 30.5, 90, 20, 100, 80),
        )
    )
    xml = (
        '\ufeff<?xml version="1.0" encoding="UTF-8"?><Scenario><name>Demo</name><desc>x</desc>'
        "<ModelParameters><VotingRule>PropCbc</VotingRule><PCEModel>MarkovIncentive</PCEModel>"
        "</ModelParameters><Dimensions><dName>P1</dName><dName>P2</dName></Dimensions>"
        f"<Actors>{actors}</Actors><IdealAdjustment><iaPair><adjustingIdeal>A"
        "</adjustingIdeal><referencePos>A</referencePos><adjust>0.5</adjust></iaPair>"
        "</IdealAdjustment></Scenario>"
    )
    x_inp = read_ktab_csv(_write(tmp_path, xml, "s.xml"))
    c_inp = read_ktab_csv(_write(tmp_path, GOOD))
    np.testing.assert_array_equal(x_inp.position, c_inp.position)
    np.testing.assert_array_equal(x_inp.salience, c_inp.salience)
    np.testing.assert_array_equal(x_inp.capability, c_inp.capability)
    assert x_inp.dim_names == ["P1", "P2"]
    assert x_inp.parameters == {"voting_rule": "PropCbc", "pce_model": "MarkovIncentive"}
    assert len(x_inp.notes) == 1 and "<IdealAdjustment> ignored" in x_inp.notes[0]
    assert c_inp.notes == []
    res = smp(x_inp.capability, x_inp.position, x_inp.salience, **x_inp.parameters)
    assert res.options["voting_rule"] == "PropCbc"
