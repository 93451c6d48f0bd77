"""Bad numbers and hostile text at the edges: scenario files, ``--set``, CLI flags, the console.

Each case goes through the real entry point (``pactsim.cli.main``, in process) and checks the
exit code and the words the user reads on stderr or stdout.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import pactsim
from pactsim.cli import main
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


def test_schema_states_the_limit() -> None:
    from pactsim.scenario import Scenario

    prop = Scenario.model_json_schema()["$defs"]["Extremists"]["properties"]["initial_strength"]
    number = prop["anyOf"][0]
    assert number["type"] == "number" and number["maximum"] == 1e12
    assert number["minimum"] == -1e12
