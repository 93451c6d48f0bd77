"""The ensemble, compare and export commands, through a typer app built with ``register``."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import typer
from conftest import TRIVIAL
from typer.testing import CliRunner

from pactsim.cli.experiments_cmd import register
from pactsim.errors import InputError


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_ensemble_compare_export(app, tmp_path):
    store = tmp_path / "e.duckdb"
    runner = CliRunner()
    args = [
        "ensemble",
        "toy-3-factions",
        "-n",
        "30",
        "-r",
        "2",
        "-p",
        "none",
        "-p",
        "upfront",
        "--workers",
        "1",
        "--store",
        str(store),
        "--model",
        TRIVIAL,
        "--json",
    ]
    res = runner.invoke(app, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["runs_expected"] == doc["runs_stored"] == 120 and doc["runs_this_call"] == 120
    assert doc["policies"] == ["none", "upfront"]
    again = json.loads(runner.invoke(app, args, catch_exceptions=False).stdout)
    assert again["runs_this_call"] == 0 and again["runs_stored"] == 120

    png = tmp_path / "cmp.png"
    res = runner.invoke(
        app, ["compare", str(store), "--json", "--plot", str(png)], catch_exceptions=False
    )
    assert res.exit_code == 0, res.output
    rows = pd.DataFrame(json.loads(res.stdout)["rows"])
    assert png.stat().st_size > 10_000
    success = rows[rows["outcome"] == "success"]
    assert set(success["kind"]) == {"probability"}
    assert (success["low"] <= success["estimate"]).all()
    assert (success["estimate"] <= success["high"]).all()
    drift = rows[(rows["outcome"] == "drift")].set_index("policy")
    assert drift.loc["none", "n"] == 60
    assert drift.loc["none", "low"] < drift.loc["none", "estimate"] < drift.loc["none", "high"]
    table = runner.invoke(app, ["compare", str(store)], catch_exceptions=False)
    assert "upfront" in table.stdout and "%" in table.stdout

    out = tmp_path / "csv"
    res = runner.invoke(
        app, ["export", str(store), str(out), "--format", "csv"], catch_exceptions=False
    )
    assert res.exit_code == 0
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 120 and {"drift", "final", "seed"} <= set(runs.columns)
    assert len(pd.read_csv(out / "series.csv")) == 120 * 12
    assert json.loads((out / "provenance.json").read_text())["samples"] == 30
    res = runner.invoke(app, ["export", str(store), str(tmp_path / "pq")], catch_exceptions=False)
    assert len(pd.read_parquet(tmp_path / "pq" / "experiments.parquet")) == 60


def test_compare_refuses_a_file_that_is_not_a_store(app, tmp_path):
    bad = tmp_path / "x.duckdb"
    bad.write_bytes(b"\x00" * 100)
    with pytest.raises(InputError, match="not a pactsim results store"):
        CliRunner().invoke(app, ["compare", str(bad)], catch_exceptions=False)
