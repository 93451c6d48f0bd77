"""Format versions: the 1 -> 2 migration note by note, the framework, and the loader's use of it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pactsim.cli import app
from pactsim.scenario import ScenarioError, from_text, load
from pactsim.scenario import migrate as mig
from pactsim.scenario.migrate import (
    FORMAT_VERSION,
    FormatVersionError,
    Step,
    format_declares,
    migrate,
    v1_to_v2,
)

V1_ONLY = {"promise_weight", "promise_horizon", "reversible"}


def v2_format(section: str, name: str) -> bool:
    """The format as version 2 defines it: the v1-only fields are gone, reversal_rate is there
    (and, to keep these tests to those fields, no extremists.name: tested on its own below)."""
    return name not in V1_ONLY and (section, name) != ("extremists", "name")


def v1_format(section: str, name: str) -> bool:
    """A format that still has the v1 fields and no reversal_rate."""
    return name != "reversal_rate" and (section, name) != ("extremists", "name")


def test_format_1_extremists_keep_their_iskp_names() -> None:
    out, notes = v1_to_v2(v1_doc(extremists={"initial_strength": 10}), lambda s, n: True)
    assert out["extremists"] == {"initial_strength": 10, "name": "iskp"}
    assert notes == [
        "extremists.name: iskp was added: the extremists' outputs are named after it "
        "(iskp_strength, iskp_peak, ...), as format 1 named them"
    ]
    named, notes = v1_to_v2(v1_doc(extremists={"name": "rebels"}), lambda s, n: True)
    assert named["extremists"] == {"name": "rebels"} and notes == []


def v1_doc(**sections: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"meta": {"name": "x"}, "issues": [], "actors": []}
    doc.update(copy.deepcopy(sections))
    return doc


# ------------------------------------------------------------------------------- 1 -> 2
def test_promise_fields_are_dropped_with_a_note() -> None:
    doc = v1_doc(package={"patron": "p", "promise_weight": 0.7, "promise_horizon": 24})
    out, notes = v1_to_v2(doc, v2_format)
    assert out["package"] == {"patron": "p"}
    assert len(notes) == 2
    weight = next(n for n in notes if "promise_weight" in n)
    assert "0.7" in weight and "no longer counted as cash" in weight
    assert any("promise_horizon (24)" in n for n in notes)


def test_documented_promise_weight_is_dropped_too() -> None:
    doc = v1_doc(package={"patron": "p", "promise_weight": {"value": 0.5, "assumption": "half"}})
    out, notes = v1_to_v2(doc, v2_format)
    assert "promise_weight" not in out["package"]
    assert notes and "promise_weight (0.5)" in notes[0]


@pytest.mark.parametrize(
    ("engagement", "rate"),
    [
        ({"reversible": True, "council_inertia": 0.35}, 0.35),
        ({"reversible": True, "council_inertia": {"value": 0.3, "assumption": "a"}}, 0.3),
        ({"reversible": True}, 0.2),
        ({"reversible": False, "council_inertia": 0.35}, 0.0),
    ],
)
def test_reversible_becomes_a_reversal_rate(engagement: dict[str, Any], rate: float) -> None:
    out, notes = v1_to_v2(v1_doc(engagement=engagement), v2_format)
    assert "reversible" not in out["engagement"]
    assert out["engagement"]["reversal_rate"] == rate
    assert len(notes) == 1
    assert "engagement.reversible" in notes[0] and f"reversal_rate: {rate}" in notes[0]
    if engagement["reversible"] and "council_inertia" in engagement:
        assert "the file's engagement.council_inertia" in notes[0]
    elif engagement["reversible"]:
        assert "default engagement.council_inertia" in notes[0]
    else:
        assert "never slide back" in notes[0]


def test_references_to_changed_fields_follow_them() -> None:
    doc = v1_doc(
        engagement={"reversible": False, "council_inertia": 0.25},
        package={"patron": "p"},
        uncertainties=[
            {"path": "package.promise_weight", "low": 0, "high": 1},
            {"path": "population.legitimacy", "low": 0.4, "high": 0.8},
        ],
        levers=[{"path": "engagement.reversible", "values": [True, False]}],
        policies={
            "sticky": {"levers": {"engagement.reversible": False}},
            "slides": {"levers": {"engagement.reversible": True, "package.promise_horizon": 12}},
        },
        calibration={"policy": "sticky", "overrides": {"package.promise_weight": 0.1}},
    )
    out, notes = v1_to_v2(doc, v2_format)
    assert out["uncertainties"] == [{"path": "population.legitimacy", "low": 0.4, "high": 0.8}]
    assert out["levers"] == [{"path": "engagement.reversal_rate", "values": [0.25, 0.0]}]
    assert out["policies"]["sticky"]["levers"] == {"engagement.reversal_rate": 0.0}
    assert out["policies"]["slides"]["levers"] == {"engagement.reversal_rate": 0.25}
    assert out["calibration"]["overrides"] == {}
    joined = "\n".join(notes)
    for where in (
        "uncertainties[0]",
        "levers[0]",
        "policies.sticky.levers",
        "policies.slides.levers",
        "calibration.overrides",
    ):
        assert where in joined


def test_a_file_without_the_fields_is_unchanged() -> None:
    doc = v1_doc(package={"patron": "p"}, engagement={"council_inertia": 0.3})
    out, notes = v1_to_v2(doc, v2_format)
    assert out == doc
    assert notes == []
    assert "reversal_rate" not in out["engagement"]


def test_the_step_does_not_modify_its_input() -> None:
    doc = v1_doc(package={"patron": "p", "promise_weight": 0.5}, engagement={"reversible": True})
    before = copy.deepcopy(doc)
    v1_to_v2(doc, v2_format)
    assert doc == before


def test_the_step_changes_only_what_the_format_agrees_with() -> None:
    """While the format still declares the v1 fields (and no reversal_rate), nothing moves."""
    doc = v1_doc(package={"patron": "p", "promise_weight": 0.5}, engagement={"reversible": True})
    out, notes = v1_to_v2(doc, v1_format)
    assert out == doc
    assert notes == []


def test_format_declares_reads_the_scenario_format() -> None:
    assert format_declares("population", "legitimacy")
    assert format_declares("factions", "quota")  # an optional section
    assert format_declares("package", "leverage")
    assert not format_declares("population", "no_such_field")
    assert not format_declares("no_such_section", "x")
    assert not format_declares("format_version", "x")  # a plain field, not a section


# ---------------------------------------------------------------------------- framework
def test_migrate_runs_the_steps_and_prefixes_their_notes() -> None:
    seen: list[int] = []

    def step(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        seen.append(doc.get("format_version", 1))
        return {**doc, "touched": True}, ["renamed a to b"]

    doc = {"meta": {"name": "x"}}
    out, notes = migrate(doc, [Step(1, step)])
    assert seen == [1]
    assert out == {"meta": {"name": "x"}, "touched": True, "format_version": FORMAT_VERSION}
    assert notes == ["format 1 -> 2: renamed a to b"]
    assert doc == {"meta": {"name": "x"}}


def test_a_current_file_is_not_migrated() -> None:
    def step(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        raise AssertionError("a version-2 file must not run the 1 -> 2 step")

    out, notes = migrate({"format_version": 2, "meta": {"name": "x"}}, [Step(1, step)])
    assert out == {"format_version": 2, "meta": {"name": "x"}}
    assert notes == []


def test_every_step_up_to_the_current_version_exists() -> None:
    assert [s.source for s in mig.STEPS] == list(range(1, FORMAT_VERSION))


@pytest.mark.parametrize(
    ("version", "phrase"),
    [
        (FORMAT_VERSION + 1, f"format version {FORMAT_VERSION + 1}, newer than this pactsim"),
        (0, "at least 1"),
        ("2", 'got "2"'),
        (True, "got true"),
        (1.5, "whole number"),
    ],
)
def test_unreadable_versions_are_refused(version: Any, phrase: str) -> None:
    with pytest.raises(FormatVersionError, match=phrase):
        migrate({"format_version": version})


# ------------------------------------------------------------------------------- loader
def test_a_v1_file_loads_as_the_current_version(toy_text: str) -> None:
    """The bundled toy is a version-1 file (no format_version) with neither changed field."""
    assert "format_version" not in toy_text
    assert "promise_" not in toy_text and "reversible" not in toy_text
    sc = from_text(toy_text, "toy.yaml")
    assert sc.format_version == FORMAT_VERSION
    assert sc.migration_notes == []
    explicit = from_text(f"format_version: {FORMAT_VERSION}\n" + toy_text, "toy2.yaml")
    assert explicit.model_dump() == sc.model_dump()


def test_a_newer_file_gets_a_clear_error(toy_text: str) -> None:
    text = toy_text + f"\nformat_version: {FORMAT_VERSION + 1}\n"
    with pytest.raises(ScenarioError) as info:
        from_text(text, "new.yaml")
    (problem,) = info.value.problems
    assert problem.path == "format_version"
    assert "upgrade pactsim" in problem.message
    assert problem.line == len(text.splitlines())
    assert "new.yaml" in str(info.value)


def test_the_version_cannot_be_overridden_to_an_old_one() -> None:
    with pytest.raises(ScenarioError, match="format_version"):
        load("toy-3-factions", {"format_version": 1})


@pytest.fixture
def noted_step(monkeypatch: pytest.MonkeyPatch) -> str:
    """Replace the 1 -> 2 step by one that changes nothing but reports a change."""
    note = "engagement.example was renamed"

    def step(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        return doc, [note]

    monkeypatch.setattr(mig, "STEPS", [Step(1, step)])
    return f"format 1 -> 2: {note}"


def test_notes_are_kept_on_the_scenario_and_through_overrides(noted_step: str) -> None:
    sc = load("toy-3-factions")
    assert sc.migration_notes == [noted_step]
    assert sc.with_overrides({"population.legitimacy": 0.5}).migration_notes == [noted_step]
    sc.migration_notes.append("not stored")
    assert sc.migration_notes == [noted_step]


def test_validate_prints_the_notes_and_exits_0(
    noted_step: str, tmp_path: Path, toy_text: str
) -> None:
    path = tmp_path / "old.yaml"
    path.write_text(toy_text)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert f"note: {path}: {noted_step}" in result.output.splitlines()
    assert "valid" in result.stdout
    as_json = CliRunner().invoke(app, ["validate", str(path), "--json"])
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout)["notes"] == [noted_step]


def test_a_current_file_gets_no_note(noted_step: str, tmp_path: Path, toy_text: str) -> None:
    path = tmp_path / "current.yaml"
    path.write_text(f"format_version: {FORMAT_VERSION}\n" + toy_text)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "note:" not in result.output


def test_the_version_is_not_listed_as_a_model_parameter() -> None:
    from pactsim.scenario.summary import parameter_rows

    paths = {row["path"] for row in parameter_rows(load("toy-3-factions"))}
    assert "format_version" not in paths
    assert "population.legitimacy" in paths


def test_the_bundled_scenarios_as_format_1_wrote_them_still_load_and_run() -> None:
    """The two bundled files as they were before format 2 (tests/data/format1/): they load with
    a note for each change, keep their outcome names, and run."""
    import pactsim
    from pactsim.scenario.checks import known_outcome_names

    folder = Path(__file__).resolve().parents[1] / "data" / "format1"
    for name in ("afghanistan-2023", "toy-3-factions"):
        sc = pactsim.load(str(folder / f"{name}.yaml"))
        notes = " ".join(sc.migration_notes)
        assert "promise_weight" in notes or name == "toy-3-factions"
        assert "extremists.name: iskp was added" in notes
        assert {o.name for o in sc.outcomes} <= known_outcome_names(sc)
        small = {"population.width": 20, "population.height": 20, "population.ticks_per_month": 1}
        res = pactsim.run(sc, next(iter(sc.policies)), seed=1, months=3, overrides=small)
        assert len(res.series) == 3 and "iskp_strength" in res.series
