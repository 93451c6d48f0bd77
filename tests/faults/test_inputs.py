"""Bad numbers and hostile text at the edges: scenario files, ``--set``, CLI flags, the console.

Each case goes through the real entry point (``pactsim.cli.main``, in process) and checks the
exit code and the words the user reads on stderr or stdout.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import pactsim
from pactsim.cli import main
from pactsim.cli.common import visible
from pactsim.scenario import ScenarioError

LIMIT = "1e+12"  # the scenario format's limit on the magnitude of a number, as printed
ESC = "\x1b"


def cli(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``pactsim <args>``."""
    monkeypatch.setattr(sys, "argv", ["pactsim", *args])
    with pytest.raises(SystemExit) as stop:
        main()
    out = capsys.readouterr()
    code = stop.value.code
    return (code if isinstance(code, int) else 1), out.out, out.err


def edited(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


# ------------------------------------------------------------------------------ numbers: --set
@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("inf", "inf is not allowed: expected a finite number"),
        (".inf", "inf is not allowed: expected a finite number"),
        ("-.inf", "-inf is not allowed: expected a finite number"),
        ("Infinity", "inf is not allowed: expected a finite number"),
        (".nan", "NaN (not a number) is not allowed"),
        ("nan", "NaN (not a number) is not allowed"),
        ("1e308", "1e+308 is beyond the scenario format's limit"),
        ("1.0e+13", "1e+13 is beyond the scenario format's limit"),
    ],
)
def test_set_refuses_non_finite_and_huge_numbers(
    value: str, says: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """extremists.initial_strength has only a lower bound: the format's limit bounds it."""
    code, out, err = cli(
        ["run", "toy-3-factions", "--set", f"extremists.initial_strength={value}"],
        capsys,
        monkeypatch,
    )
    assert code == 1
    assert "toy-3-factions: extremists.initial_strength: " + says in err
    if "NaN" not in says:
        assert LIMIT in err
    assert "internal error" not in err and "lam value" not in err and out == ""


@pytest.mark.parametrize("value", ["1e300", "10000000000000", ".inf"])
def test_set_refuses_huge_integers(
    value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An integer field with only a lower bound (months of a reciprocal flow)."""
    code, _, err = cli(
        ["validate", "toy-3-factions", "--set", f"package.instruments.aid.months={value}"],
        capsys,
        monkeypatch,
    )
    assert code == 1
    assert "package.instruments[0:aid].months: " in err
    assert LIMIT in err and "after overrides" in err


# ------------------------------------------------------------------------- numbers: the file
@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        ("  initial_strength: 500", "  initial_strength: .inf", "extremists.initial_strength",
         "inf is not allowed"),
        ("  foreign_inflow: 5", "  foreign_inflow: .nan", "extremists.foreign_inflow",
         "NaN (not a number) is not allowed"),
        ("      value: 600", "      value: 1.0e+308", "package.instruments[0:aid].value",
         "1e+308 is beyond the scenario format's limit"),
        ("      value: 600", "      value: {value: 1e308, source: x}",
         "package.instruments[0:aid].value", "1e+308 is beyond the scenario format's limit"),
        ("  country_population: 1.0e6", "  country_population: -.inf",
         "population.country_population", "-inf is not allowed"),
    ],
)  # fmt: skip
def test_file_refuses_non_finite_and_huge_numbers(
    old: str,
    new: str,
    field: str,
    says: str,
    toy_text: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "bad.yaml"
    text = edited(toy_text, old, new)
    path.write_text(text)
    line = text.splitlines().index(new) + 1
    code, _, err = cli(["validate", str(path)], capsys, monkeypatch)
    assert code == 1
    assert f"{path}:{line}: {field}: {says}" in err


def test_overrides_from_code_are_checked_too() -> None:
    sc = pactsim.load("toy-3-factions")
    assert sc.with_overrides({"extremists.foreign_inflow": 1e12}).extremists.foreign_inflow == 1e12
    with pytest.raises(ScenarioError, match=r"extremists\.foreign_inflow: inf is not allowed"):
        sc.with_overrides({"extremists.foreign_inflow": float("inf")})
    with pytest.raises(ScenarioError, match="NaN"):
        sc.with_overrides({"extremists.foreign_inflow": float("nan")})


def test_plain_finite_numbers_for_ranges() -> None:
    """``Finite``: the same checks for a plain float (no provenance), e.g. a range's end."""
    from pydantic import TypeAdapter, ValidationError

    from pactsim.scenario.numbers import Finite

    finite = TypeAdapter(Finite)
    assert finite.validate_python(-1e12) == -1e12
    for bad, says in ((float("inf"), "inf is not allowed"), ("nan", "NaN"), (2e12, LIMIT)):
        with pytest.raises(ValidationError, match=re.escape(says)):
            finite.validate_python(bad)


def test_schema_states_the_limit() -> None:
    from pactsim.scenario import Scenario

    prop = Scenario.model_json_schema()["$defs"]["Extremists"]["properties"]["initial_strength"]
    number = prop["anyOf"][0]
    assert number["type"] == "number" and number["maximum"] == 1e12
    assert number["minimum"] == -1e12


# ------------------------------------------------------------------------------ numeric flags
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--months", "601"], "--months: expected an integer from 1 to 600"),
        (["--months", "100000000"], "--months: expected an integer from 1 to 600"),
        (["--months", "0"], "--months: expected an integer from 1 to 600"),
        (["--seed", "-1"], "--seed: expected an integer from 0 to 9223372036854775807, got -1"),
        (["--seed", str(2**63)], "--seed: expected an integer from 0 to 9223372036854775807"),
    ],
)
def test_run_flags_out_of_range(
    args: list[str],
    says: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, err = cli(["run", "toy-3-factions", *args], capsys, monkeypatch)
    assert code == 1
    assert "error: " + says in err
    if "--months" in says:
        assert "(the scenario format's limit)" in err
    assert out == ""


@pytest.mark.parametrize("seeds", ["0", "1001"])
def test_check_calibration_seeds_out_of_range(
    seeds: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = cli(
        ["check-calibration", "toy-3-factions", "--seeds", seeds], capsys, monkeypatch
    )
    assert code == 1
    assert f"error: --seeds: expected an integer from 1 to 1000, got {seeds}" in err


# ---------------------------------------------------------------------------- console output
def test_error_with_square_brackets_prints_literally(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = cli(
        ["validate", "toy-3-factions", "--set", "issues.0.id=A"], capsys, monkeypatch
    )
    assert code == 1
    assert "String should match pattern '^[a-z][a-z0-9_]*$' (got 'A')" in err
    code, out, _ = cli(["validate", "toy-3-factions"], capsys, monkeypatch)  # styling kept
    assert code == 0
    assert out.startswith("valid: toy-3-factions (toy-3-factions, 6 actors, 3 policies)")


def test_flag_value_with_markup_prints_literally(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = cli(
        ["run", "toy-3-factions", "--policy", "[bold]x[/bold] :smile:"], capsys, monkeypatch
    )
    assert code == 1
    assert "error: --policy [bold]x[/bold] :smile:: no such policy in toy-3-factions" in err


def test_control_characters_in_an_error_are_shown_not_sent(
    toy_text: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(toy_text + '"\\e[2J\\e]0;owned\\a": 1\n')
    code, out, err = cli(["validate", str(path)], capsys, monkeypatch)
    assert code == 1
    assert ESC not in err + out and "\x07" not in err
    assert "unknown field '\\x1b[2J\\x1b]0;owned\\x07'" in err


def test_show_prints_no_escape_sequence_from_the_file(
    toy_text: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = edited(
        toy_text,
        '  title: "Toy: a patron, a three-faction regime, one reform"',
        '  title: "Toy \\e[31mred\\e[0m \\x9b2J [bold]x[/bold] :smile:"',
    )
    text = edited(text, "name: Hardliners, role: faction", 'name: "Hard\\e[5m [red]liners[/]"')
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    code, out, err = cli(["show", str(path)], capsys, monkeypatch)
    assert code == 0, err
    assert ESC not in out and "\x9b" not in out
    assert out.splitlines()[0] == "Toy \\x1b[31mred\\x1b[0m \\x9b2J [bold]x[/bold] :smile:"
    assert "Hard\\x1b[5m [red]liners[/]" in out  # a table cell, literally


def test_bargain_prints_actor_names_from_a_csv_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "actors.csv"
    path.write_text("actor,capability,position,salience\n[b]A[/b],1,20,0.5\n\x1b[31mB,2,80,0.9\n")
    code, out, err = cli(["bargain", str(path), "--model", "compromise"], capsys, monkeypatch)
    assert code == 0, err
    assert "[b]A[/b]" in out and "\\x1b[31mB" in out and ESC not in out


def test_visible_escapes_c0_c1_and_del_but_keeps_newline_and_tab() -> None:
    assert visible("a\x1b[1mb\x9bc\x7fd\x00e\r") == "a\\x1b[1mb\\x9bc\\x7fd\\x00e\\x0d"
    assert visible("line\n\tnext é ü [x]") == "line\n\tnext é ü [x]"
