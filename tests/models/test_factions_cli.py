"""``pactsim power`` and ``pactsim factions``: output contract and clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pactsim.cli import app
from pactsim.errors import InputError, PactsimError

runner = CliRunner()


def test_power_json_contract_eec() -> None:
    result = runner.invoke(app, ["power", "--weights", "4,4,4,2,2,1", "--quota", "12", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["players"] == [1, 2, 3, 4, 5, 6]
    assert doc["shapley"] == pytest.approx([14 / 60] * 3 + [9 / 60] * 2 + [0.0])
    assert doc["banzhaf"] == pytest.approx([10 / 42] * 3 + [6 / 42] * 2 + [0.0])
    assert doc["shapley_exact"][0] == "7/30"


def test_power_names_veto_and_index_choice() -> None:
    result = runner.invoke(
        app,
        [
            "power",
            "--weights",
            "1,1,1",
            "--quota",
            "2",
            "--names",
            "a,b,c",
            "--veto",
            "a",
            "--index",
            "shapley",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["players"] == ["a", "b", "c"]
    assert doc["shapley"] == pytest.approx([2 / 3, 1 / 6, 1 / 6])
    assert "banzhaf" not in doc
    table = runner.invoke(app, ["power", "--weights", "1,1,1", "--quota", "2", "--veto", "1"])
    assert table.exit_code == 0 and "2/3" in table.stdout and "veto" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weights", "4,0,2", "--quota", "3"], "weight of player 2 is 0"),
        (["--weights", "4,-2,2", "--quota", "3"], "weight of player 2 is -2"),
        (["--weights", "4,2", "--quota", "7"], "above the total weight"),
        (["--weights", "4,x", "--quota", "3"], "item 2 is 'x'"),
        (["--weights", "", "--quota", "3"], "empty"),
        (["--weights", "4,2.00001", "--quota", "3"], "not a multiple"),
        (["--weights", "1,1", "--quota", "2", "--names", "a"], "1 names for 2 weights"),
        (["--weights", "1,1", "--quota", "2", "--veto", "9"], "out of range"),
    ],
)
def test_power_bad_input_exit_1(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["power", *args])
    assert result.exit_code == 1
    assert isinstance(result.exception, InputError)
    assert message in str(result.exception)
    assert "Traceback" not in result.output


def test_entry_point_prints_clean_error() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pactsim", "power", "--weights", "4,0", "--quota", "3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "weight of player 2 is 0" in proc.stderr


def test_factions_toy_json() -> None:
    result = runner.invoke(
        app, ["factions", "toy-3-factions", "--budget", "10", "--target", "60", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["issue"] == "opening"
    assert [f["id"] for f in doc["factions"]] == ["hardliners", "pragmatists", "moderates"]
    assert doc["factions"][0]["shapley"] == pytest.approx(2 / 3)  # needed in every coalition
    b = doc["budget_result"]
    assert b["reform"] == pytest.approx(55.0) and b["coalition"] == ["hardliners", "moderates"]
    assert b["spoilers"]["hardliners"] == pytest.approx(1.5) and b["opposed"] == ["pragmatists"]
    t = doc["target_result"]
    assert t["cost"] == pytest.approx(12.1) and t["budget"] is None
    assert doc["price_curve"][-1] == {"reform": 100.0, "cost": pytest.approx(36.5)}


def test_factions_afghanistan_table_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "reach.png"
    result = runner.invoke(
        app, ["factions", "afghanistan-2023", "--budget", "20", "--plot", str(png)]
    )
    assert result.exit_code == 0, result.output
    import pactsim

    council = pactsim.load("afghanistan-2023").factions
    assert council is not None
    assert all(m.name.split()[0] in result.stdout for m in council.members)
    assert "Budget 20 buys reform" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["toy-3-factions", "--issue", "nope"], "not an issue"),
        (["toy-3-factions", "--issue", "scope"], "has no ideal for issue 'scope'"),
        (["toy-3-factions", "--budget", "-1"], "--budget"),
        (["toy-3-factions", "--target", "120"], "--target"),
        (["no-such-scenario"], "no-such-scenario"),
    ],
)
def test_factions_bad_input_exit_1(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["factions", *args])
    assert result.exit_code == 1
    assert isinstance(result.exception, PactsimError)
    assert message in str(result.exception)
