"""Hostile uploads to the dashboard (Streamlit AppTest, no browser): files whose runs would hold
the server for hours or gigabytes are refused with a message naming the field, its value and the
dashboard's limit, before anything runs; text that would make the visitor's browser fetch an
outside address (Markdown images, raw HTML) is shown as written. And ``--dask local`` serves no
dashboard on Dask's well-known port."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from pactsim.dashboard import APP_FILE, jobs, limits

IMAGE = "![x](http://example.invalid/a.png)"
HTML = '<img src="http://example.invalid/b.png"> <iframe src="http://example.invalid/c"></iframe>'


@pytest.fixture
def toy(toy_text: str) -> dict[str, Any]:
    return yaml.safe_load(toy_text)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every job the page starts (a run, an ensemble); none may start in these tests."""
    calls: list[str] = []

    def refuse(task: str, payload: dict[str, Any]) -> None:
        calls.append(task)
        raise AssertionError(f"a {task} job was started")

    monkeypatch.setattr(jobs, "start", refuse)
    return calls


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, tmp_path) -> AppTest:
    monkeypatch.setenv("PACTSIM_STORES", str(tmp_path))
    monkeypatch.delenv("PACTSIM_DASHBOARD_MAX_UPLOAD_MB", raising=False)
    return AppTest.from_file(str(APP_FILE), default_timeout=60).run()


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.sidebar.radio(key="scenario-source").set_value("upload a file").run()
    at.sidebar.file_uploader(key="scenario-upload").set_value((name, data, "application/yaml"))
    return at.run()


def _dump(doc: dict[str, Any]) -> bytes:
    return yaml.safe_dump(doc, sort_keys=False).encode()


def _shown(markdown: str) -> str:
    """Markdown text as the page shows it (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _refused(at: AppTest, started: list[str], *needles: str) -> str:
    """The upload error shown; the lab offers no run and nothing was started."""
    assert not at.exception, [e.value for e in at.exception]
    errors = [_shown(e.value) for e in at.error]
    assert len(errors) == 1, errors
    text = errors[0]
    assert "This scenario cannot be used" in text
    for needle in needles:
        assert needle in text, (needle, text)
    at.sidebar.radio(key="view").set_value("Policy lab").run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "lab-run"]
    assert started == []
    return text


def test_an_oversized_grid_is_refused_before_any_run(app, toy, started):
    toy["population"].update(width=4000, height=4000)
    at = _upload(app, "big-grid.yaml", _dump(toy))
    _refused(
        at,
        started,
        "big-grid.yaml",
        "population.width x population.height",
        "16,000,000 grid cells",
        f"{limits.MAX_GRID_CELLS:,}",
    )


def test_too_many_ticks_are_refused_before_any_run(app, toy, started):
    # the finding: a 4.7 KB file asking 1000 ticks a month
    toy["population"]["ticks_per_month"] = 1000
    toy["meta"]["months"] = 36
    at = _upload(app, "ticks.yaml", _dump(toy))
    _refused(
        at,
        started,
        "population.ticks_per_month x meta.months",
        "36,000 ticks",
        f"{limits.MAX_TICKS:,}",
    )


def test_a_long_horizon_asked_in_the_lab_is_refused_before_it_runs(app, toy, started):
    """Within the limits as uploaded, but not for the horizon the lab asks: refused at Run."""
    toy["population"]["ticks_per_month"] = 100  # 36 months x 100 = 3,600 ticks: accepted
    at = _upload(app, "ticks.yaml", _dump(toy))
    assert not at.error, [e.value for e in at.error]
    at.sidebar.radio(key="view").set_value("Policy lab").run()
    at.number_input(key="lab-months").set_value(limits.MAX_MONTHS)
    at.button(key="lab-run").click().run()
    assert not at.exception
    text = " ".join(_shown(e.value) for e in at.error)
    assert "population.ticks_per_month x Months" in text, text
    assert f"{100 * limits.MAX_MONTHS:,} ticks" in text and f"{limits.MAX_TICKS:,}" in text
    assert started == []
    assert not at.table  # no outcome table: nothing ran


def test_too_many_actors_are_refused_before_validation(app, toy, started):
    n = 9506  # the finding's 1 MB file
    del toy["actors"]
    actor = "- {id: a%d, name: n, role: faction, capability: 4, positions: {opening: 5}, "
    actor += "salience: {opening: 0.9}}\n"
    data = _dump(toy) + b"actors:\n" + "".join(actor % k for k in range(n)).encode()
    assert len(data) < 2**20  # within the upload size: the actor limit must catch it
    at = _upload(app, "actors.yaml", data)
    _refused(at, started, "actors.yaml", "actors: 9,506 actors", f"{limits.MAX_ACTORS:,}")


def test_a_huge_file_is_refused_by_its_size(app, toy_text, started):
    data = (toy_text + "\n# padding\n" + "#" * 80 + "\n") * (2**21 // len(toy_text))
    assert len(data) > 2**20
    at = _upload(app, "huge.yaml", data.encode())
    _refused(at, started, "huge.yaml", "uploads are limited to 1.00 MB", "2.")


def test_a_policy_may_not_lift_a_limit(app, toy, started):
    """A named policy is a run of the baseline comparison: it is checked too."""
    for side in ("width", "height"):
        toy["levers"].append(
            {"path": f"population.{side}", "low": 10, "high": 4000, "integer": True}
        )
    toy["policies"]["wide"] = {
        "description": "x",
        "levers": {"population.width": 4000, "population.height": 100},
    }
    at = _upload(app, "policy.yaml", _dump(toy))
    _refused(at, started, "policies.wide: population.width x population.height", "400,000 grid")


def test_a_sampled_range_may_not_lift_a_limit(app, toy, started):
    toy["uncertainties"].append(
        {"path": "population.ticks_per_month", "low": 5, "high": 900, "dist": "integer"}
    )
    at = _upload(app, "sampled.yaml", _dump(toy))
    _refused(at, started, "uncertainties (population.ticks_per_month x meta.months)", "32,400")


# ------------------------------------------------------------------------ outside addresses
_PARSER = MarkdownIt("commonmark", {"html": True}).enable("table")


def _fetching(markdown: str) -> list[str]:
    """What in ``markdown`` a browser would load or run: images and raw HTML."""
    found = []
    stack = list(_PARSER.parse(markdown))
    while stack:
        tok = stack.pop()
        if tok.type in ("image", "html_inline", "html_block"):
            found.append(f"{tok.type}: {tok.content or tok.attrs}")
        stack.extend(tok.children or [])
    return found


def _texts(node: Any) -> list[str]:
    """Every string the page renders as Markdown: bodies, labels, help, tab names, and the
    cells, index and headers of st.table."""
    out: list[str] = []
    for attr in ("value", "label", "help", "body"):
        try:
            v = getattr(node, attr, None)
        except Exception:  # some elements compute value lazily and may not have one
            v = None
        if isinstance(v, str):
            out.append(v)
    if getattr(node, "type", "") == "table":
        frame = node.value
        out += [str(c) for c in frame.columns] + [str(i) for i in frame.index]
        out += [str(v) for v in frame.to_numpy().ravel()]
    for child in getattr(node, "children", {}).values():
        out += _texts(child)
    return out


def _hostile(toy: dict[str, Any], text: str) -> bytes:
    toy["meta"].update(title=f"Toy {text}", description=f"Look: {text}", question=text)
    toy["issues"][0]["low"] = f"0: {text}"
    toy["levers"][0]["description"] = f"aid {text}"
    toy["policies"]["none"]["description"] = text
    toy["outcomes"][0]["description"] = text
    return _dump(toy)


@pytest.mark.parametrize("payload", [IMAGE, HTML], ids=["markdown-image", "raw-html"])
def test_scenario_text_never_makes_the_browser_fetch(app, toy, started, payload, monkeypatch):
    at = _upload(app, "hostile.yaml", _hostile(toy, payload))
    assert not at.exception and not at.error, [e.value for e in at.error]
    texts = _texts(at._tree)
    # the text is on the page, as written ...
    shown = [t for t in texts if "example.invalid" in t]
    assert len(shown) >= 3, shown  # title, description, question, issue scale
    description = next(t for t in shown if _shown(t).startswith("Look:"))
    assert f"Look: {payload}" in html.unescape(_PARSER.render(description))
    # ... and nothing in it is an image or HTML for the browser
    assert [f for t in texts for f in _fetching(t)] == []
    at.sidebar.radio(key="view").set_value("Policy lab").run()
    assert not at.exception
    texts = _texts(at._tree)
    assert any("example.invalid" in t for t in texts)  # the lever's description
    assert [f for t in texts for f in _fetching(t)] == []
    assert started == []


def test_a_run_of_a_hostile_scenario_shows_its_text_safely(app, toy, monkeypatch):
    """The outcome table (st.table renders Markdown in every cell) shows the outcome's
    description as written."""
    monkeypatch.setenv("PACTSIM_DASHBOARD_MODEL", "pactsim.experiments.trivial:run")
    toy["outcomes"][0]["name"] = "final"  # an outcome the trivial model reports
    at = _upload(app, "hostile.yaml", _hostile(toy, IMAGE + " " + HTML))
    at.sidebar.radio(key="view").set_value("Policy lab").run()
    at.number_input(key="lab-months").set_value(3)
    at.button(key="lab-run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    table = at.table[0].value
    meaning = table.loc["final", "meaning"]
    assert "example.invalid" in meaning
    rendered = MarkdownIt("commonmark", {"html": True}).renderInline(meaning)
    assert "<img" not in rendered and "<iframe" not in rendered
    assert "![x](http://example.invalid/a.png)" in rendered.replace("&quot;", '"')
    assert [f for t in _texts(at._tree) for f in _fetching(t)] == []


# -------------------------------------------------------------------------------- dask
def test_dask_local_serves_no_dashboard_on_the_well_known_port():
    """``--dask local``: the scheduler's Bokeh dashboard is off and its HTTP endpoint is not on
    Dask's well-known port 8787 but on a free loopback port."""
    import urllib.error
    import urllib.request

    from pactsim.experiments.runners import _dask_runner

    with _dask_runner(1, "local") as (executor, n, label):
        client = executor._client  # type: ignore[attr-defined]
        info = client.scheduler_info()
        port = info["services"].get("dashboard")
        assert label.startswith("dask LocalCluster") and n == 1
        assert port != 8787
        assert client.cluster.scheduler.http_server is not None
        hosts = {s.getsockname()[0] for s in client.cluster.scheduler.http_server._sockets.values()}
        assert hosts == {"127.0.0.1"}
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5)
        assert err.value.code == 404  # no Bokeh dashboard
