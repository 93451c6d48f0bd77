"""Failed worlds are first-class: a range that leaves its field's bounds is refused before the
first run, whatever the seed; runs that fail anyway are counted, grouped by cause and named by
ensemble, compare and report, and no figure over the finished runs is shown as the whole."""

from __future__ import annotations

import json

import pytest
from fault_tools import ALWAYS_FAILS, FAILS_ABOVE, THRESHOLD, TRIVIAL, command_line, digest

from pactsim.experiments import ensemble, open_store
from pactsim.experiments.design import make_design, parameters
from pactsim.scenario import ScenarioError, load

TOY_LINE = "{path: population.legitimacy, low: 0.4, high: 0.8"


@pytest.fixture
def cli(monkeypatch, capsys):
    return command_line(monkeypatch, capsys)


@pytest.fixture
def out_of_range(tmp_path, toy_text):
    path = tmp_path / "wide-legitimacy.yaml"
    assert TOY_LINE in toy_text
    path.write_text(toy_text.replace(TOY_LINE, "{path: population.legitimacy, low: 0.4, high: 1.8"))
    return path


def line_of(path, text: str) -> int:
    """The 1-based line of ``path`` that holds ``text``."""
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_range_beyond_its_fields_bounds_is_refused_by_validate(cli, out_of_range):
    res = cli("validate", out_of_range)
    assert res.code == 1, res.text
    assert (
        f"{out_of_range}:{line_of(out_of_range, 'high: 1.8')}: uncertainties[0]: the "
        "uncertainty range [0.4, 1.8] of "
        "'population.legitimacy' leaves the field's bounds: 'population.legitimacy' must be a "
        "number, 0 <= value <= 1, and 1.8 is above 1"
    ) in res.text


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_a_range_beyond_its_fields_bounds_is_refused_by_ensemble_whatever_the_seed(
    cli, out_of_range, tmp_path, seed
):
    # the ensemble used to check world 0 only: some seeds were refused, others ran
    path = tmp_path / "never.duckdb"
    res = cli(
        "ensemble", out_of_range, "-n", 30, "--seed", seed, "--workers", 1,
        "--model", TRIVIAL, "--store", path,
    )  # fmt: skip
    assert res.code == 1, res.text
    assert (
        f"error: scenario is not valid: {out_of_range}:{line_of(out_of_range, 'high: 1.8')}: "
        "uncertainties[0]: the uncertainty "
        "range [0.4, 1.8] of 'population.legitimacy' leaves the field's bounds"
    ) in res.text
    assert not path.exists()  # refused before anything was stored


def test_bounds_are_the_fields_own_for_every_kind_of_path(toy_text, tmp_path):
    # a mapping value (position 0-100), an open bound (gt), an integer field, a lever
    cases = [
        (
            "{path: factions.members.hardliners.kappa.opening, low: 0.002, high: 0.008",
            "{path: factions.members.hardliners.kappa.opening, low: -0.002, high: 0.008",
            "must be a number, 0 <= value, and -0.002 is below 0",
        ),
        (
            "{path: extremists.foreign_inflow, low: 0, high: 20",
            "{path: population.vision, low: 2, high: 9",
            "'population.vision' is a whole-number field, but the uncertainty range [2, 9] is "
            "sampled as real numbers; use dist: integer",
        ),
        (
            "{path: extremists.foreign_inflow, low: 0, high: 20",
            "{path: population.vision, low: 0, high: 9, dist: integer",
            "must be a whole number, 1 <= value, and 0 is below 1",
        ),
        (
            "{path: extremists.foreign_inflow, low: 0, high: 20",
            "{path: population.vision, low: 2.2, high: 2.8, dist: integer",
            "the uncertainty range [2.2, 2.8] of 'population.vision' holds no whole number",
        ),
        (
            "{path: package.instruments.aid.value, low: 0, high: 2000",
            "{path: package.instruments.aid.value, low: -5, high: 2000",
            "the lever range [-5, 2000] of 'package.instruments.aid.value' leaves the field's "
            "bounds",
        ),
    ]
    for old, new, message in cases:
        assert old in toy_text, old
        path = tmp_path / "case.yaml"
        path.write_text(toy_text.replace(old, new))
        with pytest.raises(ScenarioError) as info:
            load(path)
        assert message in str(info.value)
    # integer ranges within bounds, and the bundled scenarios, are valid
    path.write_text(
        toy_text.replace(cases[1][0], "{path: population.vision, low: 1, high: 9, dist: integer")
    )
    load(path)
    load("afghanistan-2023")


def _failing_ensemble(path, **kw):
    args = dict(samples=20, seed=3, workers=1, store=path, model=FAILS_ABOVE)
    args.update(kw)
    return ensemble("toy-3-factions", **args)


def test_failed_runs_are_counted_grouped_and_named_by_ensemble_and_compare(cli, tmp_path):
    path = tmp_path / "fails.duckdb"
    res = cli(
        "ensemble", "toy-3-factions", "-n", 20, "--seed", 3, "--workers", 1,
        "--model", FAILS_ABOVE, "--store", path,
    )  # fmt: skip
    st = open_store(path)
    design = make_design(parameters(load("toy-3-factions")), "lhs", 20, 3)
    high = sum(v["population.legitimacy"] > THRESHOLD for v in design.values)
    assert 0 < high < 20  # the design has worlds on both sides of the threshold
    counts = st.counts()
    assert counts["failed"] == 3 * high and counts["ok"] == 60 - 3 * high
    assert counts["worlds_failed"] == high
    # the ensemble says so and exits 3: it ran, but not every run finished
    assert res.code == 3, res.text
    assert f"warning: {3 * high} of 60 runs failed (in {high} of 20 worlds)" in res.text
    assert f"every figure over the {60 - 3 * high} runs that finished" in res.text
    # one cause, whatever the value in each message
    fails = st.failures()
    assert len(fails) == 1
    row = fails.iloc[0]
    assert row["runs"] == 3 * high and row["worlds"] == high
    assert row["policies"] == ["none", "milestone", "upfront"]
    assert row["error"].startswith("ValueError: legitimacy 0.") and "is above 0.6" in row["error"]
    assert row["pattern"] == "ValueError: legitimacy # is above #"
    # compare: finished runs of expected in the title, the warning with the cause and the base
    res = cli("compare", path)
    assert res.code == 0, res.text
    assert f"toy-3-factions: {60 - 3 * high} finished runs of 60, {3 * high} failed" in res.text
    assert (
        f"warning: {3 * high} of 60 runs failed (in {high} of 20 worlds); probabilities and "
        f"means are over the {60 - 3 * high} that finished, so they are conditioned on a run "
        "finishing, not over every sampled world."
    ) in res.text
    assert f"{3 * high} runs in {high} worlds (none, milestone, upfront): ValueError" in res.text
    doc = json.loads(cli("compare", path, "--json").out)
    assert doc["runs"]["failed"] == 3 * high and doc["failures"][0]["runs"] == 3 * high
    assert doc["over"].startswith("the runs that finished")
    assert {r["n"] for r in doc["rows"]} == {20 - high}


def test_the_report_says_how_many_runs_failed_and_over_what_it_counts(tmp_path):
    from pactsim.report.html import section_question

    st = _failing_ensemble(tmp_path / "fails.duckdb", samples=10)
    c = st.counts()
    assert c["failed"] > 0

    class Ctx:
        store = st
        provenance = st.provenance()
        scenario = load("toy-3-factions")

    page = section_question(Ctx())
    assert f"{c['expected']} expected: {c['ok']} finished, {c['failed']} failed" in page
    assert f"<strong>{c['failed']} of {c['stored']} runs failed</strong>" in page
    assert f"Every figure and verdict below is over the {c['ok']} runs that finished" in page
    assert "ValueError: legitimacy" in page


def test_compare_on_a_store_where_every_run_failed_names_the_cause(cli, tmp_path):
    path = tmp_path / "all-failed.duckdb"
    ensemble("toy-3-factions", samples=4, seed=1, workers=1, store=path, model=ALWAYS_FAILS)
    before = digest(path)
    res = cli("compare", path)
    assert res.code == 1, res.text
    assert (
        f"error: {path}: none of the 12 stored runs finished, so there is nothing to compare. "
        "Errors: 12 runs in 4 worlds (none, milestone, upfront): RuntimeError: the model "
        "cannot run (seed"
    ) in res.text
    assert digest(path) == before and open_store(path).counts()["failed"] == 12


def test_sensitivity_on_failed_worlds_says_a_resume_will_not_help(tmp_path):
    from pactsim.analysis.store import sensitivity_from_store
    from pactsim.errors import InputError

    st = _failing_ensemble(tmp_path / "s.duckdb", samples=4, sampler="morris", policies=["none"])
    with pytest.raises(InputError, match=r"every run failed .*a resume does not change that"):
        sensitivity_from_store(st, "morris", "final", policy="none")
