"""The scenario guide's worked example: the file validates and runs, and its figures hold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import pactsim
from pactsim.cli import app
from pactsim.models.factions import max_affordable_reform, min_budget
from pactsim.scenario.checks import scenario_warnings
from pactsim.scenario.migrate import FORMAT_VERSION

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "aid-for-power-sharing.yaml"
GUIDE = REPO / "docs" / "scenarios.md"


@pytest.fixture(scope="module")
def example() -> pactsim.Scenario:
    return pactsim.load(EXAMPLE)


def test_the_example_validates_without_notes_or_warnings(example: pactsim.Scenario) -> None:
    result = CliRunner().invoke(app, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.output and "note:" not in result.output
    assert example.format_version == FORMAT_VERSION
    assert example.migration_notes == []
    assert scenario_warnings(example) == []
    # every section of the format is shown in use
    assert example.factions and example.package and example.calibration
    assert example.uncertainties and example.levers and example.policies and example.outcomes


@pytest.mark.parametrize("policy", ["none", "milestones", "cash"])
def test_each_policy_of_the_example_runs_a_few_months(
    example: pactsim.Scenario, policy: str
) -> None:
    result = pactsim.run(example, policy=policy, seed=3, months=4)
    series = result.series
    assert list(series["month"]) == [1, 2, 3, 4]
    assert list(series["date"]) == ["2025-01", "2025-02", "2025-03", "2025-04"]
    # the power-sharing level starts at its status quo and never leaves 0-100
    assert series["reform_power_sharing"].between(0, 100).all()
    assert series["reform_power_sharing"].iloc[0] >= 8
    for outcome in example.outcomes:
        assert np.isfinite(result.summary[outcome.name])
    if policy == "none":
        assert result.summary["cost_total"] == 0
    if policy == "cash":
        # unconditional reconstruction: 600 over the first 3 months, whatever happens
        assert series["cost_cumulative"].iloc[2] >= 600


def _one_faction(kappa: float, ideal: float) -> dict[str, object]:
    return {
        "weights": [1],
        "quota": 1,
        "ideal": [ideal],
        "kappa": [kappa],
        "alpha": 2.0,
    }


def test_the_guides_price_figures() -> None:
    """0.02 * (50 - 8)^2 = 35.3 and 0.02 * 32^2 = 20.5 a month; 7.5 a month buys 27.4 at
    kappa 0.02, and 40 at kappa 7.5 / 32^2 = 0.0073."""
    text = GUIDE.read_text()
    for figure in ("0.02 * 42^2 = 35.3", "0.02 * 32^2 = 20.5", "7.5 / 32^2 = 0.0073", "= 27.4"):
        assert figure in text
    assert min_budget(**_one_faction(0.02, 8), target=50).cost == pytest.approx(35.28)
    assert min_budget(**_one_faction(0.02, 8), target=40).cost == pytest.approx(20.48)
    bought = max_affordable_reform(**_one_faction(0.02, 8), budget=7.5)
    assert bought.reform == pytest.approx(8 + np.sqrt(375), abs=1e-6)
    assert round(bought.reform, 1) == 27.4
    assert round(7.5 / 32**2, 4) == 0.0073
    assert max_affordable_reform(**_one_faction(7.5 / 32**2, 8), budget=7.5).reform == (
        pytest.approx(40, abs=1e-6)
    )


def test_the_example_council_prices_power_sharing_as_the_guide_says(
    example: pactsim.Scenario,
) -> None:
    council = example.factions
    assert council is not None
    members = council.members
    args = {
        "weights": [m.weight for m in members],
        "quota": council.quota,
        "ideal": [m.ideal["power_sharing"] for m in members],
        "kappa": [m.kappa["power_sharing"] for m in members],
        "alpha": council.alpha,
        "veto": [m.veto for m in members],
    }
    leader = next(m for m in members if m.id == council.leader)
    assert (leader.kappa["power_sharing"], leader.ideal["power_sharing"]) == (0.02, 8)
    # the reformers (ideal 60) join for free; the ruling faction alone is paid
    at_50 = min_budget(**args, target=50)
    assert at_50.cost == pytest.approx(35.28)
    bought = max_affordable_reform(**args, budget=7.5)
    assert round(bought.reform, 1) == 27.4
    paid = {m.id for m, pay in zip(members, bought.payments, strict=True) if pay > 0}
    assert paid == {"leadership"}


def test_the_guides_other_figures(example: pactsim.Scenario) -> None:
    """Every other figure the guide states about the format and the example."""
    from pactsim.scenario import migrate
    from pactsim.scenario.model import Council

    text = " ".join(GUIDE.read_text().split())
    assert f"the current version is {migrate.FORMAT_VERSION}." in text
    assert f"`engagement.council_inertia`, or {migrate.DEFAULT_REVERSAL_RATE}; false: 0.0" in text
    assert f"the default alpha = {Council.model_fields['alpha'].default:g}" in text

    package = example.package
    council = example.factions
    assert package is not None and council is not None
    value = {k.id: k.value for k in package.instruments}
    assert f"{value['reconstruction']:g} M of reconstruction and {value['repair']:g} M" in text
    total = sum(m.weight for m in council.members)
    assert f"a weight of {council.quota} out of {total}" in text
    levels = {k.id: [t.level for t in k.milestones] for k in package.instruments}
    assert levels == {"reconstruction": [20, 40], "repair": [30]}
    assert "at power-sharing 20 and 40, and repair at 30" in text
    reformers = next(m for m in council.members if m.id == "reformers")
    assert f"whose ideal is {reformers.ideal['power_sharing']:g}" in text
    (kappa,) = [
        u for u in example.uncertainties if u.path.endswith("leadership.kappa.power_sharing")
    ]
    assert f"from {kappa.low:g} to {kappa.high:g}" in text
