"""The HTML report: it parses, embeds every figure, lists every parameter, has no broken or
external reference, carries the verdicts computed from the runs, renders in headless Chromium
without console errors, and the report command writes it."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import typer
import yaml
from report_synth import EXPECTED, MODEL
from typer.testing import CliRunner

from pactsim.cli.report_cmd import register
from pactsim.errors import InputError
from pactsim.experiments import ensemble
from pactsim.report.html import Context, choose_main_policy, write_report
from pactsim.scenario import from_text
from pactsim.scenario.summary import parameter_rows

REPO = Path(__file__).parents[2]
VOID = {"meta", "img", "br", "hr", "input", "link", "col", "source", "wbr"}


@pytest.fixture(scope="module")
def synth_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "afghanistan.duckdb"
    return ensemble(
        "afghanistan-2023",
        samples=60,
        replications=2,
        seed=3,
        workers=1,
        months=24,
        store=path,
        model=MODEL,
    )


@pytest.fixture(scope="module")
def synth_report(synth_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "sub" / "report.html"
    path, verdicts = write_report(synth_store, out)
    return path, path.read_text(encoding="utf-8"), verdicts


class Checker(HTMLParser):
    """Strict enough: every non-void element is closed in order; collects ids, links, images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if "src" in a:
            self.srcs.append(a["src"])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Checker:
    c = Checker()
    c.feed(page)
    c.close()
    return c


def test_report_parses_and_has_no_broken_or_external_reference(synth_report):
    path, page, _ = synth_report
    assert path.exists() and page.startswith("<!DOCTYPE html>")
    c = parse(page)
    assert c.errors == [] and c.stack == []
    assert len(c.ids) == len(set(c.ids)), "duplicate ids"
    for href in c.hrefs:
        assert href.startswith("#") and href[1:] in c.ids, href
    assert not ({"script", "link", "iframe", "object"} & c.tags)
    assert not re.search(r"url\(|@import|https?://[^\s\"'<]*\.(css|js|woff2?|png)", page)
    for section in (
        "question",
        "summary",
        "policies",
        "envelopes",
        "sensitivity",
        "discovery",
        "verdicts",
        "scenario",
    ):
        assert section in c.ids


def test_report_embeds_every_figure_as_a_png(synth_report):
    _, page, _ = synth_report
    c = parse(page)
    # comparison, envelopes, rank correlations, PRIM
    assert len(c.srcs) >= 4
    for src in c.srcs:
        assert src.startswith("data:image/png;base64,")
        data = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    assert page.count("<img ") == len(c.srcs)


def test_report_lists_every_parameter_and_the_question(synth_store, synth_report):
    _, page, _ = synth_report
    text = "".join(parse(page).text)
    sc = from_text(synth_store.provenance()["scenario_text"])
    rows = parameter_rows(sc)
    assert len(rows) > 100
    for r in rows:
        assert r["path"] in text, r["path"]
    assert sc.meta.question.split()[0] in text and "Will this package" in text
    for u in sc.uncertainties:
        assert u.path in text
    for pol in sc.policies.values():
        assert pol.description in text


def test_report_verdicts_are_computed_from_the_runs(synth_report):
    _, page, verdicts = synth_report
    assert {v.claim_id: v.verdict for v in verdicts} == EXPECTED
    text = "".join(parse(page).text)
    for v in verdicts:
        assert v.verdict in text
        assert v.checks[0].description in text
    # the comparison table shows the synthetic model's probabilities (0.6 vs 0.2) with intervals
    ms = next(v for v in verdicts if v.claim_id == "conditionality").checks[0]
    assert ms.groups["milestone"].value == pytest.approx(0.6, abs=0.1)
    assert ms.groups["bribery"].value == pytest.approx(0.2, abs=0.1)


def test_report_renders_in_headless_chromium_without_console_errors(synth_report, chromium):
    path, _, _ = synth_report
    errors: list[str] = []
    requests: list[str] = []
    page = chromium.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    widths = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
    title = page.title()
    page.close()
    assert errors == []
    assert widths and all(w > 100 for w in widths)
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert "pactsim report" in title


def test_report_command_writes_the_file_and_prints_json(synth_store, tmp_path):
    app = typer.Typer()
    register(app)
    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, [str(synth_store.path), "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["report"] == str(out.resolve()) and out.stat().st_size == doc["bytes"]
    assert {v["claim_id"]: v["verdict"] for v in doc["verdicts"]} == EXPECTED


def test_report_command_prints_the_verdicts_and_the_path(synth_store, synth_report, monkeypatch):
    import pactsim.report.html as report_html

    path, _, verdicts = synth_report
    monkeypatch.setattr(report_html, "write_report", lambda store, out: (path, verdicts))
    app = typer.Typer()
    register(app)
    res = CliRunner().invoke(
        app, [str(synth_store.path), "--out", str(path)], env={"COLUMNS": "200"}
    )
    assert res.exit_code == 0, res.output
    assert "report written to" in res.stdout and path.name in res.stdout
    assert "depends on package.leverage" in res.stdout and "not supported" in res.stdout


def test_report_command_refuses_a_missing_store_and_a_directory_as_output(synth_store, tmp_path):
    app = typer.Typer()
    register(app)
    res = CliRunner().invoke(app, [str(tmp_path / "none.duckdb")])
    assert isinstance(res.exception, InputError) and "no such results store" in str(res.exception)
    res = CliRunner().invoke(app, [str(synth_store.path), "--out", str(tmp_path)])
    assert isinstance(res.exception, InputError) and "is a directory" in str(res.exception)


def test_report_of_another_model_marks_the_claims_not_assessed(tmp_path):
    """The toy scenario's claims name outcomes the trivial model does not report."""
    st = ensemble(
        "toy-3-factions",
        samples=16,
        sampler="sobol",
        replications=1,
        seed=1,
        workers=1,
        store=tmp_path / "toy.duckdb",
        model="pactsim.experiments.trivial:run",
    )
    path, verdicts = write_report(st, tmp_path / "toy.html")
    assert [v.claim_id for v in verdicts] == ["conditionality", "hardliners"]
    assert all(v.status == "not assessed" for v in verdicts)
    assert verdicts[0].verdict == (
        "not assessed: the store has no outcome 'reform_opening_final'; the store has no "
        "outcome 'cost_total'"
    )
    page = path.read_text()
    c = parse(page)
    assert c.errors == [] and "Sobol indices of" in page
    assert all(s.startswith("data:image/png;base64,") for s in c.srcs) and len(c.srcs) >= 5


def _section(page: str, name: str) -> str:
    start = page.index(f'<section id="{name}">')
    return page[start : page.index("</section>", start)]


def test_a_scenario_without_claims_gets_no_verdicts_and_its_main_policy_leads(tmp_path):
    """No claims: no verdict sections at all (never "not assessed" rows). The sensitivity and
    scenario discovery run under the scenario's report.main_policy, here the last policy."""
    doc = yaml.safe_load((REPO / "scenarios" / "toy-3-factions.yaml").read_text())
    del doc["claims"]
    doc["report"] = {"main_policy": "upfront", "baseline": "none"}
    path = tmp_path / "bare.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    st = ensemble(
        str(path),
        samples=16,
        replications=1,
        seed=1,
        workers=1,
        store=tmp_path / "bare.duckdb",
        model="pactsim.experiments.trivial:run",
    )
    out, verdicts = write_report(st, tmp_path / "bare.html")
    page = out.read_text()
    c = parse(page)
    assert verdicts == []
    assert "summary" not in c.ids and "verdicts" not in c.ids
    assert "sensitivity" in c.ids and "discovery" in c.ids
    assert "not assessed" not in page and "Verdicts" not in page
    assert all(h[1:] in c.ids for h in c.hrefs)
    why = "(the scenario&#x27;s main policy (report.main_policy))"
    assert f"Under policy <code>upfront</code> {why}" in _section(page, "sensitivity")
    assert "under policy <code>upfront</code> (the scenario&#x27;s main policy" in _section(
        page, "discovery"
    )


def test_the_main_policy_falls_back_to_the_first_other_than_the_baseline():
    doc = yaml.safe_load((REPO / "scenarios" / "toy-3-factions.yaml").read_text())
    del doc["report"]
    plain = from_text(yaml.safe_dump(doc), "plain.yaml")

    def ctx(scenario, policies):
        return Context(None, {}, scenario, pd.DataFrame(), policies, [], {})

    assert choose_main_policy(ctx(plain, ["none", "milestone", "upfront"])) == (
        "milestone",
        "the scenario names no report.main_policy, so the first policy other than the "
        "baseline 'none' (the first policy: no report.baseline)",
    )
    doc["report"] = {"main_policy": "upfront", "baseline": "none"}
    del doc["claims"]  # its contrasts would compare upfront with upfront
    named = from_text(yaml.safe_dump(doc), "named.yaml")
    assert choose_main_policy(ctx(named, ["none", "milestone", "upfront"]))[0] == "upfront"
    assert choose_main_policy(ctx(named, ["milestone", "none"])) == (
        "milestone",
        "the scenario's report.main_policy 'upfront' is not in this store, so the first policy "
        "other than the baseline 'none' (report.baseline)",
    )
    assert choose_main_policy(ctx(None, ["b", "a"]))[0] == "a"
    assert choose_main_policy(ctx(None, [None])) == (
        None,
        "the scenario as written (the ensemble ran no named policy)",
    )
