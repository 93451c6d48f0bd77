"""Warnings about valid scenarios: free consent, outcomes no run produces; `pactsim validate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pactsim
from pactsim.cli import app
from pactsim.scenario import from_text
from pactsim.scenario.checks import known_outcome_names, scenario_warnings

runner = CliRunner()


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_known_outcome_names_of_the_toy_by_hand() -> None:
    sc = pactsim.load("toy-3-factions")
    # one reform issue (opening, success level 50; scope is not a reform), one neighbour, the
    # extremists named "insurgents"
    assert known_outcome_names(sc) == {
        "reform_opening_final",
        "reform_opening_36m",
        "reform_opening_peak",
        "reached_opening_36m",
        "reached_all_36m",
        "milestones_share",
        "penalty_months",
        "cost_total",
        "attacks_home_total",
        "attacks_abroad_total",
        "deaths_home_total",
        "insurgents_peak",
        "insurgents_final",
        "semi_conventional_months",
        "legitimacy_final",
        "hardship_final",
        "active_share_mean",
        "spoilers_final",
        "tension_peak_neighbour",
        "reaction_months_neighbour",
        "tension_peak_max",
        "neighbour_reacted",
    }


def test_known_outcome_names_are_what_a_run_reports() -> None:
    sc = pactsim.load(
        "toy-3-factions",
        {"population.width": 20, "population.height": 20, "population.ticks_per_month": 1},
    )
    assert known_outcome_names(sc) == set(pactsim.run(sc, seed=1, months=3).summary)


def test_no_success_level_means_no_reached_outcomes() -> None:
    sc = pactsim.load("toy-3-factions", {"engagement.success_levels": {}})
    names = known_outcome_names(sc)
    assert not any(n.startswith("reached_") for n in names)
    assert "reform_opening_36m" in names


@pytest.mark.parametrize("name", ["afghanistan-2023", "toy-3-factions"])
def test_bundled_scenarios_have_no_warnings(name: str) -> None:
    assert scenario_warnings(pactsim.load(name)) == []


def test_a_faction_without_kappa_on_a_reform_issue_is_free(toy_text: str) -> None:
    text = _edit(toy_text, "kappa: {opening: 0.002}, ", "")
    (warning,) = scenario_warnings(from_text(text, "free.yaml"))
    assert warning.file == "free.yaml"
    assert warning.path == "factions.members[1:pragmatists].kappa"
    assert "'opening'" in warning.message and "free" in warning.message


def test_kappa_on_issues_that_are_not_reforms_is_not_asked_for(toy_text: str) -> None:
    # no faction has a kappa on 'scope'; it only matters once 'scope' becomes a reform
    assert "kappa: {scope" not in toy_text
    assert scenario_warnings(from_text(toy_text, "toy.yaml")) == []
    scope = "    status_quo: 0\n    reform: "
    text = _edit(toy_text, scope + "false", scope + "true")
    warnings = scenario_warnings(from_text(text, "toy.yaml"))
    assert [w.path for w in warnings] == [
        "factions.members[0:hardliners].kappa",
        "factions.members[1:pragmatists].kappa",
        "factions.members[2:moderates].kappa",
    ]
    assert all("'scope'" in w.message for w in warnings)


def test_an_explicit_zero_kappa_is_a_choice_not_a_warning(toy_text: str) -> None:
    text = _edit(toy_text, "kappa: {opening: 0.002}", "kappa: {opening: 0}")
    assert scenario_warnings(from_text(text, "zero.yaml")) == []


def test_an_outcome_no_run_produces_is_named(toy_text: str) -> None:
    text = _edit(toy_text, "{name: attacks_home_total,", "{name: attacks_home_totl,")
    (warning,) = scenario_warnings(from_text(text, "typo.yaml"))
    assert warning.path == "outcomes[3:attacks_home_totl].name"
    assert "'attacks_home_totl' is not an outcome the model produces" in warning.message
    assert "did you mean 'attacks_home_total'?" in warning.message
    text = _edit(toy_text, "{name: attacks_home_total,", "{name: happiness,")
    (warning,) = scenario_warnings(from_text(text, "odd.yaml"))
    assert "it produces: " in warning.message and "reform_opening_36m" in warning.message


def test_an_outcome_for_a_neighbour_that_does_not_exist_is_named(toy_text: str) -> None:
    text = _edit(toy_text, "{name: attacks_home_total,", "{name: tension_peak_elsewhere,")
    (warning,) = scenario_warnings(from_text(text, "x.yaml"))
    assert "tension_peak_elsewhere" in warning.message


def test_validate_prints_warnings_and_exits_0(tmp_path: Path, toy_text: str) -> None:
    text = _edit(toy_text, "kappa: {opening: 0.002}, ", "")
    text = _edit(text, "{name: attacks_home_total,", "{name: attacks_home_totl,")
    path = tmp_path / "warn.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert len(lines) == 2
    assert lines[0].startswith(f"warning: {path}: factions.members[1:pragmatists].kappa: no kappa")
    assert lines[1].startswith(
        f"warning: {path}: outcomes[3:attacks_home_totl].name: 'attacks_home_totl'"
    )
    assert "valid" in result.stdout
    as_json = runner.invoke(app, ["validate", str(path), "--json"])
    assert as_json.exit_code == 0
    doc = json.loads(as_json.stdout)
    assert doc["valid"] is True
    assert [w["path"] for w in doc["warnings"]] == [
        "factions.members[1:pragmatists].kappa",
        "outcomes[3:attacks_home_totl].name",
    ]


def test_validate_of_a_clean_scenario_prints_no_warning() -> None:
    result = runner.invoke(app, ["validate", "toy-3-factions"])
    assert result.exit_code == 0
    assert "warning:" not in result.output


def test_a_calibration_target_on_a_series_no_run_records_is_named(afghanistan_text: str) -> None:
    text = _edit(afghanistan_text, "metric: iskp_strength", "metric: isis_strength")
    warnings = scenario_warnings(from_text(text, "renamed.yaml"))
    (warning,) = [w for w in warnings if w.path.startswith("calibration")]
    assert warning.path.startswith("calibration.targets[2")
    assert "'isis_strength' is not a series the model records" in warning.message
    assert "did you mean 'iskp_strength'?" in warning.message
