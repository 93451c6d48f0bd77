"""Unit checks of the dashboard's presentation helpers and of the ``dashboard`` command."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import pactsim
from pactsim.cli.dashboard_cmd import dashboard_env, register, streamlit_command
from pactsim.dashboard import APP_FILE, levers, settings, sources, tables
from pactsim.errors import InputError
from pactsim.scenario import ScenarioError


# ------------------------------------------------------------------------------------ format
@pytest.mark.parametrize(
    ("x", "text"),
    [
        (3000.0, "3,000"),
        (0, "0"),
        (1.0, "1"),
        (27.24412, "27.244"),
        (0.375, "0.375"),
        (223185.31, "223,185.3"),
        (-12.5, "-12.500"),
        (float("nan"), "-"),
        (None, "-"),
        (True, "1"),
    ],
)
def test_fmt(x, text):
    assert tables.fmt(x) == text


def test_nice_step_is_round_and_about_a_hundredth():
    for high in (1.0, 100.0, 1000.0, 3000.0, 6000.0, 7.3):
        step = levers.nice_step(high)
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 9) in (1.0, 2.0, 5.0)
        assert high / 100 <= step < high / 100 * 5.0001


# ------------------------------------------------------------------------------------ levers
@pytest.fixture(scope="module")
def afg():
    return pactsim.load("afghanistan-2023")


def _values(ctrls):
    return {c.key: c.value for c in ctrls}


def test_controls_cover_the_declared_levers(afg):
    ctrls = levers.controls(afg)
    keys = {c.key for c in ctrls}
    military = next(c for c in ctrls if c.kind == "military")
    for lever in afg.levers:
        switch = lever.path.endswith(".enabled") and lever.path.split(".")[2] in military.targets
        assert lever.path in keys or switch, lever.path
    # the file as written: repair offered, modern systems not
    assert military.value == "repair of existing systems"
    recon = next(c for c in ctrls if c.key == "package.instruments.reconstruction.value")
    assert (recon.low, recon.high, recon.value) == (0.0, 6000.0, 2000.0)


def test_unchanged_controls_make_no_overrides(afg):
    ctrls = levers.controls(afg)
    assert levers.overrides(ctrls, _values(ctrls)) == {}


def test_overrides_name_only_what_changed(afg):
    ctrls = levers.controls(afg)
    values = _values(ctrls)
    values["military_scope"] = "modern systems"
    values["package.instruments.reconstruction.mode"] = "unconditional"
    values["package.instruments.fuel_wheat.value"] = 1500.0
    values["package.instruments.reconstruction.milestones.1.level"] = 60.0
    assert levers.overrides(ctrls, values) == {
        "package.instruments.military_repair.enabled": False,
        "package.instruments.military_modern.enabled": True,
        "package.instruments.reconstruction.mode": "unconditional",
        "package.instruments.fuel_wheat.value": 1500.0,
        "package.instruments.reconstruction.milestones.1.level": 60.0,
    }


def test_controls_start_from_the_base_policy(afg):
    """The modern-systems policy shows modern systems chosen; the bribery policy shows the
    unconditional mode; choosing them again makes no override."""
    modern = levers.controls(afg.with_policy("modern-systems"))
    assert next(c for c in modern if c.kind == "military").value == "modern systems"
    bribery = levers.controls(afg.with_policy("bribery"))
    mode = next(c for c in bribery if c.key == "package.instruments.reconstruction.mode")
    assert mode.value == "unconditional"
    assert levers.overrides(bribery, _values(bribery)) == {}


def test_lab_overrides_reproduce_the_policy(afg):
    """Editing the file as written into the bribery policy's levers gives the same scenario."""
    ctrls = levers.controls(afg)
    values = _values(ctrls)
    for path, value in afg.policies["bribery"].levers.items():
        values[path] = value
    edited = afg.with_overrides(levers.overrides(ctrls, values))
    assert edited.hash == afg.with_policy("bribery").hash


# ------------------------------------------------------------------------------------ tables
def _shapley_by_permutation(weights, quota, veto):
    n = len(weights)
    counts = [0] * n
    perms = list(itertools.permutations(range(n)))
    for order in perms:
        total, seen = 0, set()
        for i in order:
            seen.add(i)
            total += weights[i]
            if total >= quota and all(v in seen for v in veto):
                counts[i] += 1
                break
    return [Fraction(c, len(perms)) for c in counts]


def test_council_power_indices_match_enumeration(afg):
    frame = tables.council_frame(afg)
    members = afg.factions.members
    veto = [i for i, m in enumerate(members) if m.veto]
    expected = _shapley_by_permutation([m.weight for m in members], afg.factions.quota, veto)
    assert list(frame["faction"]) == [m.id for m in members]
    for got, want in zip(frame["Shapley-Shubik"], expected, strict=True):
        assert got == pytest.approx(float(want), abs=1e-12)
    assert frame["Banzhaf"].sum() == pytest.approx(1.0)
    # Kandahar has a veto and the largest weight: the most power
    assert frame["Shapley-Shubik"].idxmax() == 0


def test_actor_table_and_parameter_table(afg):
    frame = tables.actors_frame(afg, "inclusivity")
    russia = frame[frame["actor"] == "russia"].iloc[0]
    assert (russia["position"], russia["capability"], russia["salience"]) == (60, 35, 0.5)
    params = tables.parameters_frame(afg)
    row = params[params["path"] == "population.legitimacy"].iloc[0]
    assert "source:" in row["provenance"]
    assert (params["provenance"].str.len() > 0).all()


def test_outcome_table_formats_every_run(afg):
    from pactsim.experiments.trivial import run

    results = {"lab": run(afg, None, seed=3, months=4), "x": run(afg, "bribery", seed=3, months=4)}
    table = tables.outcome_table(afg, results)
    # the trivial model's outcomes are not the scenario's: all of them are listed
    assert list(table.index) == ["drift", "final", "peak", "success"]
    assert table.loc["final", "lab"] == tables.fmt(results["lab"].summary["final"])
    long = tables.series_long(results, ["level"])
    assert len(long) == 8 and set(long["policy"]) == {"lab", "x"}


# ----------------------------------------------------------------------------------- sources
def test_upload_errors_name_the_file_and_the_problem(toy_text):
    with pytest.raises(ScenarioError, match=r"bad\.yaml:\d+: not valid YAML"):
        sources.parse_upload("bad.yaml", b"meta:\n  name: [unclosed\n", 10_000)
    with pytest.raises(ScenarioError, match="limited to"):
        sources.parse_upload("big.yaml", b"x" * 2000, 1000)
    with pytest.raises(ScenarioError, match="UTF-8"):
        sources.parse_upload("bin.yaml", b"\xff\xfe\x00", 1000)
    with pytest.raises(ScenarioError, match=r"valid: passwd:1: the document is a list"):
        sources.parse_upload("../etc/passwd", b"[]", 1000)
    sc = sources.parse_upload("toy.yaml", toy_text.encode(), 1_000_000)
    assert sc.origin == "toy.yaml" and sc.meta.name == "toy-3-factions"


def test_stores_only_from_the_folder(tmp_path):
    folder = tmp_path / "stores"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.duckdb").write_bytes(b"")
    (folder / "sub" / "b.duckdb").write_bytes(b"")
    (folder / "notes.txt").write_text("x")
    outside = tmp_path / "secret.duckdb"
    outside.write_bytes(b"")
    (folder / "link.duckdb").symlink_to(outside)
    assert sources.list_stores(folder) == ["a.duckdb", "sub/b.duckdb"]
    assert sources.store_path(folder, "sub/b.duckdb") == folder / "sub" / "b.duckdb"
    for name in ("../secret.duckdb", "link.duckdb", str(outside), "notes.txt"):
        with pytest.raises(InputError):
            sources.store_path(folder, name)
    assert sources.list_stores(tmp_path / "missing") == []


def test_settings_from_environment(tmp_path):
    s = settings.from_env({})
    assert (str(s.stores), s.max_upload_mb, s.model) == ("out", 1, "pactsim.engagement:run")
    s = settings.from_env({"PACTSIM_STORES": str(tmp_path), "PACTSIM_DASHBOARD_MAX_UPLOAD_MB": "5"})
    assert (s.stores, s.max_upload_mb) == (tmp_path, 5)


# ----------------------------------------------------------------------------------- command
def test_streamlit_command_is_local_headless_and_quiet():
    cmd = streamlit_command(8600, "127.0.0.1", 2, python="py")
    assert cmd[:5] == ["py", "-m", "streamlit", "run", str(APP_FILE)]
    opts = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert opts["--server.address"] == "127.0.0.1"
    assert opts["--server.port"] == "8600"
    assert opts["--server.headless"] == "true"
    assert opts["--browser.gatherUsageStats"] == "false"
    assert opts["--server.maxUploadSize"] == "2"
    env = dashboard_env(__import__("pathlib").Path("x"), 2, base={})
    assert env["PACTSIM_STORES"].endswith("x") and env["PACTSIM_DASHBOARD_MAX_UPLOAD_MB"] == "2"


def test_dashboard_command_defaults_and_errors(monkeypatch, tmp_path):
    app = typer.Typer()
    register(app)

    @app.command("other")
    def _other() -> None:  # a second command so that "dashboard" is a subcommand
        pass

    seen = {}

    def fake_exec(path, args, env):
        seen.update(args=args, env=env)
        raise SystemExit(0)

    monkeypatch.setattr("os.execve", fake_exec)
    monkeypatch.delenv("PACTSIM_STORES", raising=False)
    runner = CliRunner()
    res = runner.invoke(app, ["dashboard", "--stores", str(tmp_path)])
    assert res.exit_code == 0, res.output
    opts = dict(zip(seen["args"][5::2], seen["args"][6::2], strict=True))
    assert opts["--server.address"] == "127.0.0.1" and opts["--server.port"] == "8501"
    assert seen["env"]["PACTSIM_STORES"] == str(tmp_path.resolve())
    res = runner.invoke(app, ["dashboard", "--port", "0"])
    assert isinstance(res.exception, InputError) and "--port" in str(res.exception)
    afile = tmp_path / "f"
    afile.write_text("x")
    res = runner.invoke(app, ["dashboard", "--stores", str(afile)])
    assert isinstance(res.exception, InputError) and "not a folder" in str(res.exception)


# ------------------------------------------------------------------------------------ limits
def test_bundled_scenarios_are_well_within_the_limits():
    """Each bundled scenario passes, and would pass with every cost driver several times
    larger (the limits leave room)."""
    from pactsim.dashboard import limits

    for name in pactsim.scenario.bundled_names():
        sc = pactsim.load(name)
        limits.check_scenario(sc)
        limits.check_run([sc], limits.MAX_MONTHS)
        p = sc.population
        assert p.width * p.height * 10 <= limits.MAX_GRID_CELLS, name
        assert p.ticks_per_month * sc.meta.months * 5 <= limits.MAX_TICKS, name
        assert p.width * p.height * p.ticks_per_month * limits.MAX_MONTHS * 5 <= (
            limits.MAX_CELL_TICKS
        ), name
        assert len(sc.actors) * 5 <= limits.MAX_ACTORS, name
        assert len(sc.issues) * 4 <= limits.MAX_ISSUES, name
        assert sc.meta.months * 4 <= limits.MAX_MONTHS, name
        assert len(sc.policies) * 4 <= limits.MAX_POLICIES, name
        assert len(sc.source_text.encode()) * 20 <= settings.DEFAULT_MAX_UPLOAD_MB * 2**20, name


def _toy_with(toy_text, **population):
    import yaml

    doc = yaml.safe_load(toy_text)
    doc["population"].update(population)
    return pactsim.scenario.from_text(yaml.safe_dump(doc), "toy.yaml")


@pytest.mark.parametrize(
    ("population", "months", "field", "value", "limit"),
    [
        (
            {"width": 600, "height": 500},
            36,
            "population.width x population.height",
            "300,000",
            "250,000",
        ),
        ({"ticks_per_month": 200}, 36, "population.ticks_per_month x Months", "7,200", "6,000"),
        ({}, 241, "Months", "241", "240"),
        ({"vision": 26, "width": 60, "height": 60}, 36, "population.vision", "26", "25"),
        (
            {"width": 500, "height": 500, "ticks_per_month": 50},
            36,
            "grid cells x ticks",
            "450,000,000",
            "300,000,000",
        ),
    ],
)
def test_each_limit_names_its_field_value_and_limit(
    toy_text, population, months, field, value, limit
):
    from pactsim.dashboard import limits

    sc = _toy_with(toy_text, **population)
    with pytest.raises(ScenarioError) as err:
        limits.check_run([sc], months)
    text = str(err.value)
    assert f"toy.yaml: {field}: {value} " in text, text
    assert f"at most {limit} " in text, text
    assert len(err.value.problems) == 1, text


def test_collection_sizes_are_read_without_building_the_document():
    from pactsim.dashboard import limits

    text = (
        "actors: [{id: a}, {id: b}, {id: c}]\n"
        "? [a complex, {key: 1}]\n: [1, 2]\n"
        "factions: {quota: 3, members: [{id: x, w: [1, 2]}, {id: y}]}\n"
        "policies: {none: {}, some: {levers: {a: 1}}}\n"
        "issues:\n  - id: i\n    name: [nested, list]\n"
        "meta: {actors: [1, 2, 3, 4, 5, 6]}\n"
    )
    assert limits.collection_sizes(text) == {
        "actors": 3,
        "factions.members": 2,
        "policies": 2,
        "issues": 1,
    }
    assert limits.collection_sizes("key: [unclosed") == {}


# -------------------------------------------------------------------------------------- text
def test_md_shows_text_as_written_and_loads_nothing():
    from markdown_it import MarkdownIt

    from pactsim.dashboard.text import md, md_frame

    parser = MarkdownIt("commonmark", {"html": True})
    for raw in (
        "![x](http://example.invalid/a.png)",
        '<img src="http://example.invalid/b.png">',
        "[a][r]\n\n[r]: http://example.invalid/c.png",
        "<http://example.invalid/d>",
        "a \\ b & c; &lt; $x^2$",
    ):
        html = parser.render(md(raw))
        assert "<img" not in html and "<a " not in html, html
        # what is shown is exactly the text (as HTML-escaped text in a paragraph)
        import html as htmlmod

        assert htmlmod.unescape(html.replace("<p>", "").replace("</p>", "")).strip() == raw.replace(
            "\n\n", "\n"
        ), html
    # identifiers and numbers are unchanged
    assert md("cost_total 1,234.5 -0.375 -") == "cost_total 1,234.5 -0.375 -"
    frame = md_frame(
        pd.DataFrame({"n": [1.5], "t": ["![i](u)"]}, index=pd.Index(["<b>"], name="outcome"))
    )
    assert frame.loc["\\<b\\>", "t"] == "!\\[i\\](u)" and frame["n"].iloc[0] == 1.5


# ------------------------------------------------------------------------- served address
@pytest.mark.parametrize(
    ("address", "warned"),
    [
        (None, True),
        ("", True),
        ("0.0.0.0", True),
        ("192.168.1.5", True),
        ("::", True),
        ("example.org", True),
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("localhost", False),
        ("::1", False),
        ("[::1]", False),
    ],
)
def test_the_page_warns_when_other_machines_can_reach_it(address, warned):
    from pactsim.dashboard.ui import exposure_warning

    text = exposure_warning(address)
    assert (text is not None) == warned
    if warned:
        assert "without authentication" in text and "--server.address 127.0.0.1" in text


def test_the_documented_streamlit_route_binds_loopback():
    """Every ``streamlit run`` command line in docs/dashboard.md gives a loopback address."""
    doc = (APP_FILE.parents[3] / "docs" / "dashboard.md").read_text()
    lines = [ln for ln in doc.splitlines() if "streamlit run" in ln and ln.startswith("python")]
    assert lines, "the docs give no streamlit run command"
    for line in lines:
        assert "--server.address 127.0.0.1" in line, line
