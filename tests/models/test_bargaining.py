"""Bargaining baselines (compromise, weighted median, Nash), the actor CSV and ``pactsim bargain``.

The EUM is tested in ``test_bargaining_eum.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pactsim.cli import app
from pactsim.errors import InputError
from pactsim.models.bargaining import (
    compromise,
    eum,
    forecast,
    nash,
    read_actors_csv,
    weighted_median,
)

runner = CliRunner()

EMISSION = """actor,capability,position,salience
Netherlands,0.08,4,0.8
Belgium,0.08,7,0.4
Luxembourg,0.03,4,0.2
Germany,0.16,4,0.8
France,0.16,10,0.6
Italy,0.16,10,0.6
UK,0.16,10,0.9
Ireland,0.05,7,0.1
Denmark,0.05,4,1.0
Greece,0.08,7,0.7
"""
NAMES = [line.split(",")[0] for line in EMISSION.splitlines()[1:]]


@pytest.fixture
def emission_csv(tmp_path: Path) -> Path:
    path = tmp_path / "emission.csv"
    path.write_text(EMISSION)
    return path


# ----------------------------------------------------------------------- hand-worked cases


def test_compromise_hand_worked() -> None:
    # weights c*s = 1, 1, 1 -> plain mean; then 2:1 weights -> 30
    assert compromise([1, 2, 3], [0, 50, 100], [1, 0.5, 1 / 3]) == pytest.approx(50.0)
    assert compromise([2, 1], [0, 90], [1, 1]) == pytest.approx(30.0)
    # emission standards: sum(c s x) / sum(c s) = 5.003 / 0.677
    assert compromise(
        [0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08],
        [4, 7, 4, 4, 10, 10, 10, 7, 4, 7],
        [0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7],
    ) == pytest.approx(5.003 / 0.677)


def test_weighted_median_hand_worked() -> None:
    assert weighted_median([1, 1, 3], [0, 10, 20], [1, 1, 1]) == 20.0  # cum 1, 2, 5; half 2.5
    assert weighted_median([1, 2, 1], [0, 10, 20], [1, 1, 1]) == 10.0  # cum 1, 3, 4; half 2
    assert weighted_median([1, 1], [0, 10], [1, 1]) == 5.0  # exactly half at 0: midpoint
    assert weighted_median([1, 1, 1, 1], [30, 0, 20, 10], [1, 1, 1, 1]) == 15.0  # unsorted, tie
    # the zero-weight actor at 7 is not the next weighted position
    assert weighted_median([1, 5, 1], [0, 7, 10], [1, 0, 1]) == 5.0
    emission = weighted_median(
        [0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08],
        [4, 7, 4, 4, 10, 10, 10, 7, 4, 7],
        [0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7],
    )
    assert emission == 7.0  # cumulative 0.248 at 4, 0.341 at 7 > 0.677 / 2


def test_nash_hand_worked() -> None:
    # status quo 0, actors at 60 and 100 with weights 1 and 3: on [60, 100] the first-order
    # condition -1/(120 - x) + 3/x = 0 gives x = 90; equal weights give x = 60.
    assert nash([1, 3], [60, 100], [1, 1], 0.0) == pytest.approx(90.0, abs=1e-9)
    assert nash([1, 1], [60, 100], [1, 1], 0.0) == pytest.approx(60.0, abs=1e-9)
    # quadratic, equal weights, actors at 60 and 100, status quo 0: gains x(120 - x) and
    # x(200 - x); d/dx log = (120 - 2x)/(x(120 - x)) + (200 - 2x)/(x(200 - x)) = 0
    # <=> (60 - x)(200 - x) + (100 - x)(120 - x) = 0 <=> x^2 - 240x + 12000 = 0
    assert nash([1, 1], [60, 100], [1, 1], 0.0, utility="quadratic") == pytest.approx(
        120 - np.sqrt(2400), abs=1e-9
    )
    # actors on both sides of the status quo: no agreement beats it
    assert nash([1, 1], [40, 60], [1, 1], 50.0) == 50.0
    # an actor sitting at the status quo vetoes every move
    assert nash([1, 1], [0, 100], [1, 1], 0.0) == 0.0
    # its zero salience removes the veto
    assert nash([1, 1], [0, 100], [0, 1], 0.0) == pytest.approx(100.0, abs=1e-9)


def _nash_objective(x: np.ndarray, c, pos, s, sq: float, utility: str) -> np.ndarray:
    w = np.asarray(c) * np.asarray(s)
    pos = np.asarray(pos, dtype=float)
    if utility == "linear":
        gain = np.abs(sq - pos)[None] - np.abs(x[:, None] - pos[None])
    else:
        gain = ((sq - pos) ** 2)[None] - (x[:, None] - pos[None]) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(w[None] > 0, w[None] * np.log(gain), 0.0)
    return np.where((gain > 0).all(axis=1) | (w == 0).any(), terms.sum(axis=1), -np.inf)


@pytest.mark.parametrize("utility", ["linear", "quadratic"])
def test_nash_agrees_with_brute_force_grid(utility: str) -> None:
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(40):
        a = int(rng.integers(2, 7))
        c = rng.uniform(0.1, 2.0, a)
        s = rng.uniform(0.1, 1.0, a)
        x = rng.uniform(0, 100, a)
        sq = float(rng.choice([rng.uniform(0, 100), x.min() - rng.uniform(0, 20)]))
        got = nash(c, x, s, sq, utility=utility)
        grid = np.linspace(-50, 150, 400_001)
        f = _nash_objective(grid, c, x, s, sq, utility)
        if not np.isfinite(f).any():
            assert got == sq  # nothing beats disagreement
            continue
        best = grid[np.argmax(f)]
        step = grid[1] - grid[0]
        assert abs(got - best) <= 2 * step
        assert _nash_objective(np.array([got]), c, x, s, sq, utility)[0] >= f.max() - 1e-9
        checked += 1
    assert checked >= 10


def test_nash_batch_and_default_status_quo() -> None:
    c = np.array([[1.0, 3.0], [1.0, 1.0]])
    x = np.array([[60.0, 100.0], [60.0, 100.0]])
    s = np.ones((2, 2))
    np.testing.assert_allclose(nash(c, x, s, [0.0, 0.0]), [90.0, 60.0], atol=1e-9)
    # default status quo: the lowest position (60): the actor there vetoes
    np.testing.assert_allclose(nash(c, x, s), [60.0, 60.0])
    with pytest.raises(InputError, match="utility"):
        nash(c, x, s, 0.0, utility="cubic")  # type: ignore[arg-type]


# ----------------------------------------------------------------------- invariances

problems = st.integers(1, 8).flatmap(
    lambda a: st.tuples(
        st.lists(st.floats(0.01, 100), min_size=a, max_size=a),
        st.lists(st.floats(-100, 100), min_size=a, max_size=a),
        st.lists(st.floats(0.01, 1), min_size=a, max_size=a),
    )
)


@settings(max_examples=150, deadline=None)
@given(problems, st.floats(0.01, 1000))
def test_invariant_under_scaling_capabilities(p, k) -> None:
    c, x, s = (np.array(v) for v in p)
    assert compromise(k * c, x, s) == pytest.approx(compromise(c, x, s), abs=1e-9)
    assert weighted_median(k * c, x, s) == pytest.approx(weighted_median(c, x, s), abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(problems, st.floats(-1000, 1000), st.floats(0.01, 100))
def test_invariant_under_shifting_and_stretching_the_scale(p, shift, stretch) -> None:
    c, x, s = (np.array(v) for v in p)
    tol = 1e-9 * (1 + abs(shift) + stretch * 100)
    for fn in (compromise, weighted_median):
        assert fn(c, shift + stretch * x, s) == pytest.approx(
            shift + stretch * fn(c, x, s), abs=tol
        )
    sq = float(x.min()) - 1.0
    got = nash(c, shift + stretch * x, s, shift + stretch * sq)
    assert got == pytest.approx(shift + stretch * nash(c, x, s, sq), abs=1e-6 * (1 + stretch))


@settings(max_examples=150, deadline=None)
@given(problems, st.lists(st.tuples(st.floats(0, 100), st.floats(-100, 100)), max_size=5))
def test_zero_salience_actors_never_change_the_compromise(p, extra) -> None:
    c, x, s = (list(v) for v in p)
    base = compromise(c, x, s)
    c2 = c + [e[0] for e in extra]
    x2 = x + [e[1] for e in extra]
    s2 = s + [0.0] * len(extra)
    assert compromise(c2, x2, s2) == pytest.approx(base, abs=1e-9)
    assert weighted_median(c2, x2, s2) == pytest.approx(weighted_median(c, x, s), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(problems)
def test_baselines_stay_in_range_and_batch_equals_one_by_one(p) -> None:
    c, x, s = (np.array(v) for v in p)
    for fn in (compromise, weighted_median, nash):
        one = fn(c, x, s)
        assert x.min() - 1e-9 <= one <= x.max() + 1e-9
        batch = fn(np.stack([c, c]), np.stack([x, x]), np.stack([s, s]))
        assert batch.shape == (2,)
        assert batch[0] == one and batch[1] == one


def test_several_dimensions_are_bargained_one_by_one() -> None:
    rng = np.random.default_rng(3)
    c = rng.uniform(0.1, 1, (4, 6))
    x = rng.uniform(0, 100, (4, 6, 3))
    s = rng.uniform(0, 1, (4, 6, 3))
    for fn in (compromise, weighted_median, nash):
        got = fn(c, x, s)
        assert got.shape == (4, 3)
        for d in range(3):
            np.testing.assert_array_equal(got[:, d], fn(c, x[:, :, d], s[:, :, d]))
    # a salience per actor shared by every dimension
    s2 = rng.uniform(0, 1, (4, 6))
    np.testing.assert_array_equal(compromise(c, x, s2)[:, 1], compromise(c, x[:, :, 1], s2))


# ----------------------------------------------------------------------- degenerate input


def test_one_actor_and_one_position_are_documented_degenerate_answers() -> None:
    for model in ("compromise", "median", "nash", "eum"):
        assert forecast(model, [2.0], [42.0], [0.5]) == 42.0
        assert forecast(model, [1, 2, 3], [5.0, 5.0, 5.0], [0.2, 0.5, 1.0]) == 5.0
    res = eum([1, 2, 3], [5.0, 5.0, 5.0], [0.2, 0.5, 1.0], rounds=3)
    assert (res.positions == 5.0).all() and (res.kind == 0).all()


@pytest.mark.parametrize(
    ("c", "x", "s", "match"),
    [
        ([1, -1], [0, 1], [1, 1], "capability: -1 at actor 1 is negative"),
        ([1, 1], [0, 1], [1, 1.5], "salience: 1.5 at actor 1 is outside"),
        ([1, 1], [0, np.nan], [1, 1], "position: nan at actor 1"),
        ([1, np.inf], [0, 1], [1, 1], "capability: inf at actor 1"),
        ([1, 1], [0, 1], [0, 0], "zero weight"),
        ([], [], [], "no actors"),
        ([1, 1, 1], [0, 1], [1, 1], "capability: shape"),
    ],
)
def test_bad_arrays_raise_clear_errors(c, x, s, match) -> None:
    for model in ("compromise", "median", "nash", "eum"):
        with pytest.raises(InputError, match=match):
            forecast(model, c, x, s)


def test_forecast_entry_point() -> None:
    c, x, s = [1, 3], [60, 100], [1, 1]
    assert forecast("nash", c, x, s, status_quo=0.0) == pytest.approx(90.0)
    assert forecast("compromise", c, x, s) == pytest.approx(90.0)
    assert forecast("weighted_median", c, x, s) == 100.0
    assert forecast("eum", c, x, s, rounds=0) == 100.0
    with pytest.raises(InputError, match="unknown option"):
        forecast("eum", c, x, s, round=3)
    with pytest.raises(InputError, match="unknown bargaining model"):
        forecast("vote", c, x, s)


# ----------------------------------------------------------------------- actor CSV


def test_read_actors_csv(emission_csv: Path) -> None:
    data = read_actors_csv(emission_csv)
    assert data.names == NAMES
    assert data.capability[3] == 0.16 and data.position[4] == 10 and data.salience[8] == 1.0
    assert data.risk is None and data.issues is None


def test_read_actors_csv_with_issue_and_risk_columns(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text(
        "Issue,Actor,Capability,Position,Salience,Risk\n"
        "a,X,1,10,0.5,\n"
        "a,Y,2,20,0.6,1.5\n"
        "b,X,1,30,0.7,\n"
        "b,Y,2,40,0.8,1.5\n"
    )
    data = read_actors_csv(path)
    assert data.names == ["X", "Y"] and data.issues == ["a", "b"]
    np.testing.assert_array_equal(data.position, [[10, 30], [20, 40]])
    np.testing.assert_array_equal(data.salience, [[0.5, 0.7], [0.6, 0.8]])
    assert np.isnan(data.risk[0]) and data.risk[1] == 1.5


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "is empty"),
        ("\n\n", "is empty"),
        ("actor,capability,position,salience\n", "no actors"),
        ("actor,capability,salience\nA,1,0.5\n", "missing column\\(s\\) 'position'"),
        (
            "actor,capability,position,salience\nA,1,10,0.5\nB,abc,20,0.5\n",
            "row 3, column 'capability': 'abc' is not a number",
        ),
        (
            "actor,capability,position,salience\nA,1,10,0.5\nB,-2,20,0.5\n",
            "row 3, column 'capability': -2 is negative",
        ),
        (
            "actor,capability,position,salience\nA,1,10,1.5\nB,1,20,0.5\n",
            "row 2, column 'salience': 1.5 is outside \\[0, 1\\]",
        ),
        (
            "actor,capability,position,salience\nA,1,10,50\nB,1,20,0.5\n",
            "outside \\[0, 1\\] \\(divide by 100",
        ),
        (
            "actor,capability,position,salience\nA,1,nan,0.5\nB,1,20,0.5\n",
            "row 2, column 'position': 'nan' is not a finite number",
        ),
        ("actor,capability,position,salience\nA,1,,0.5\n", "row 2, column 'position': empty"),
        ("actor,capability,position,salience\nA,1,1,0.5\nA,1,2,0.5\n", "row 3.*already appears"),
        ("actor,capability,position,salience\n,1,1,0.5\n", "row 2, column 'actor': empty"),
        (
            "issue,actor,capability,position,salience\na,A,1,1,0.5\nb,B,1,2,0.5\n",
            "actor 'A' \\(row 2\\) has no row for issue 'b'",
        ),
        (
            "issue,actor,capability,position,salience\na,A,1,1,0.5\nb,A,2,2,0.5\n",
            "row 3, column 'capability': 2 differs",
        ),
        ("actor,capability,position,salience,risk\nA,1,1,0.5,3\n", "column 'risk': 3 is outside"),
    ],
)
def test_bad_csv_names_row_and_column(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=match):
        read_actors_csv(path)
    result = runner.invoke(app, ["bargain", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, InputError)
    assert str(path) in str(result.exception)


def test_missing_file_and_all_zero_weight_through_the_cli(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bargain", str(tmp_path / "nope.csv")])
    assert isinstance(result.exception, InputError) and "file not found" in str(result.exception)
    path = tmp_path / "zero.csv"
    path.write_text("actor,capability,position,salience\nA,1,1,0\nB,2,5,0\n")
    result = runner.invoke(app, ["bargain", str(path), "--model", "compromise"])
    assert isinstance(result.exception, InputError)
    assert "zero weight" in str(result.exception) and str(path) in str(result.exception)


# ----------------------------------------------------------------------- the CLI


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, ["bargain", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_json_contract_eum(emission_csv: Path) -> None:
    doc = _json([str(emission_csv), "--model", "eum", "--rounds", "8"])
    assert doc["model"] == "eum"
    assert doc["actors"] == NAMES
    assert doc["forecast"] == pytest.approx(9.67, abs=0.005)
    rounds = doc["rounds"]
    assert len(rounds) == 9
    assert rounds[0]["positions"] == [4, 7, 4, 4, 10, 10, 10, 7, 4, 7]  # initial state
    assert rounds[0]["median"] == 7.0 and rounds[0]["mean"] == pytest.approx(5.003 / 0.677)
    assert [round(r["median"], 2) for r in rounds[1:]] == [
        8.42,
        9.61,
        9.96,
        9.96,
        9.96,
        7.47,
        8.82,
        9.67,
    ]
    assert rounds[1]["positions"][1] == pytest.approx(8.42, abs=0.005)  # Belgium moved
    first = {(o["actor"], o["from"], o["kind"]) for o in rounds[1]["offers"]}
    assert ("Belgium", "France", "compromise") in first
    assert ("Luxembourg", "Belgium", "confrontation") in first
    assert rounds[0]["offers"] == []


@pytest.mark.parametrize(
    ("model", "expected"),
    [("compromise", 5.003 / 0.677), ("median", 7.0), ("nash", 4.0)],
)
def test_cli_json_static_models(emission_csv: Path, model: str, expected: float) -> None:
    doc = _json([str(emission_csv), "--model", model])
    assert doc["model"] == model and doc["actors"] == NAMES
    assert doc["forecast"] == pytest.approx(expected)
    assert "rounds" not in doc


def test_cli_nash_status_quo_and_variant_options(emission_csv: Path) -> None:
    doc = _json([str(emission_csv), "--model", "nash", "--status-quo", "0"])
    assert doc["options"]["status_quo"] == 0.0 and 4.0 < doc["forecast"] < 10.0
    doc = _json([str(emission_csv), "--variant", "paper", "--rounds", "6"])
    assert doc["rounds"][-1]["positions"] == [7.0] * 10  # everyone confronts to the median


def test_cli_table_output_and_plot(emission_csv: Path, tmp_path: Path) -> None:
    png = tmp_path / "rounds.png"
    result = runner.invoke(app, ["bargain", str(emission_csv), "--rounds", "3", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert "Positions by round" in result.stdout and "Forecast: 9.96" in result.stdout
    assert "compromise" in result.stdout and "Belgium" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    png2 = tmp_path / "static.png"
    result = runner.invoke(app, ["bargain", str(emission_csv), "-m", "median", "--plot", str(png2)])
    assert result.exit_code == 0 and png2.stat().st_size > 1000


def test_cli_argument_errors(emission_csv: Path) -> None:
    result = runner.invoke(app, ["bargain"])
    assert isinstance(result.exception, InputError)
    result = runner.invoke(app, ["bargain", str(emission_csv), "--scenario", "afghanistan-2023"])
    assert isinstance(result.exception, InputError)
    result = runner.invoke(app, ["bargain", "--scenario", "afghanistan-2023"])
    assert isinstance(result.exception, InputError) and "inclusivity" in str(result.exception)
    result = runner.invoke(app, ["bargain", str(emission_csv), "--plot", "x.pdf"])
    assert isinstance(result.exception, InputError) and ".png" in str(result.exception)
    for flag, value in (("--rounds", "-1"), ("--q", "2")):
        result = runner.invoke(app, ["bargain", str(emission_csv), flag, value])
        assert isinstance(result.exception, InputError) and flag in str(result.exception)


KTAB = """Test,three actors,3,2
Actor,Description,Power,Pos1,Sal1,Pos2,Sal2
A,first,30,10,40,80,{sal}
B,second,20,60,50,20,30
C,third,10,90,20,50,60
"""


def test_cli_smp_on_csv_and_ktab_layouts(emission_csv: Path, tmp_path: Path) -> None:
    doc = _json([str(emission_csv), "--model", "smp"])
    assert doc["actors"] == NAMES and 4.0 <= doc["forecast"] <= 10.0
    assert doc["rounds"][0]["positions"] == pytest.approx([4, 7, 4, 4, 10, 10, 10, 7, 4, 7])
    ktab = tmp_path / "ktab.csv"
    ktab.write_text(KTAB.format(sal=50))
    doc = _json([str(ktab), "--model", "smp"])
    assert doc["actors"] == ["A", "B", "C"] and len(doc["forecast"]) == 2
    assert len(doc["rounds"][0]["positions"][0]) == 2
    doc = _json([str(ktab), "--model", "compromise"])  # KTAB's layout serves every model
    assert doc["forecast"][0] == pytest.approx(
        (30 * 0.4 * 10 + 20 * 0.5 * 60 + 10 * 0.2 * 90) / (30 * 0.4 + 20 * 0.5 + 10 * 0.2)
    )
    ktab.write_text(KTAB.format(sal=150))  # over 100 on KTAB's scale
    result = runner.invoke(app, ["bargain", str(ktab), "--model", "smp"])
    assert isinstance(result.exception, InputError)
    assert "row 3" in str(result.exception) and "150" in str(result.exception)


def test_cli_one_actor_and_one_position(tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("actor,capability,position,salience\nA,1,33,0.5\n")
    same = tmp_path / "same.csv"
    same.write_text("actor,capability,position,salience\nA,1,33,0.5\nB,2,33,0.9\n")
    for path in (one, same):
        for model in ("eum", "compromise", "median", "nash"):
            doc = _json([str(path), "--model", model])
            assert doc["forecast"] == pytest.approx(33.0, abs=1e-12)


AFGHANISTAN_ISSUES = ["inclusivity", "womens_rights", "ct_cooperation", "mil_scope"]


@pytest.mark.parametrize("model", ["eum", "compromise", "median", "nash", "smp"])
def test_cli_on_every_afghanistan_issue(model: str) -> None:
    import pactsim

    sc = pactsim.load("afghanistan-2023")
    assert [i.id for i in sc.issues] == AFGHANISTAN_ISSUES
    for issue in AFGHANISTAN_ISSUES:
        doc = _json(["--scenario", "afghanistan-2023", "--issue", issue, "--model", model])
        table = sc.actor_table(issue)
        assert doc["actors"] == table.names
        assert 0.0 <= doc["forecast"] <= 100.0
        expected = forecast(
            model,
            table.capability,
            table.position,
            table.salience,
            **(
                {"status_quo": sc.issues[AFGHANISTAN_ISSUES.index(issue)].status_quo}
                if model == "nash"
                else {}
            ),
        )
        assert doc["forecast"] == pytest.approx(expected)
        if model in ("eum", "smp"):
            assert doc["rounds"][0]["positions"] == pytest.approx(table.position.tolist())


def test_cli_scenario_several_issues() -> None:
    doc = _json(
        [
            "--scenario",
            "afghanistan-2023",
            "--issue",
            "inclusivity",
            "--issue",
            "womens_rights",
            "--rounds",
            "3",
        ]
    )
    assert doc["dimensions"] == ["inclusivity", "womens_rights"]
    assert len(doc["forecast"]) == 2
    assert len(doc["rounds"][0]["positions"][0]) == 2
    assert len(doc["rounds"][0]["median"]) == 2
