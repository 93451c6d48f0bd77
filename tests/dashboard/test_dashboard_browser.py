"""End to end in a real browser: ``pactsim dashboard`` on a free loopback port, driven by
Playwright with Debian's Chromium (``scripts/ensure-chromium.sh`` installs it for ``make test``).

The page's Afghanistan run must show the numbers ``pactsim.run`` gives for the same inputs and
seed; a malformed upload must show the scenario error. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

import pactsim
from pactsim.dashboard.tables import fmt

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
MONTHS, SEED = 6, 3
OVERRIDES = {"package.instruments.reconstruction.mode": "unconditional"}
OUTSIDE = "http://example.invalid"


class Server(NamedTuple):
    url: str
    pid: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the dashboard exited ({proc.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the dashboard did not answer within {timeout:.0f} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``pactsim dashboard --port <free>`` on 127.0.0.1 (the command becomes the server: its
    pid is the server's); always stopped at the end."""
    tmp = tmp_path_factory.mktemp("dashboard")
    port = _free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    log = tmp / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pactsim.cli.dashboard_cmd",
                "--port",
                str(port),
                "--stores",
                str(tmp),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield Server(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def page(server, chromium):
    pg = chromium.new_page(viewport={"width": 1400, "height": 2400})
    pg.set_default_timeout(40_000)
    pg.goto(server.url)
    pg.wait_for_selector(".st-key-view")
    yield pg
    pg.close()


def _choose(page, key: str, option: str) -> None:
    page.locator(f".st-key-{key} button[aria-label=Open]").click()
    page.get_by_role("option", name=option, exact=True).click()


def _table(page, key: str) -> dict[str, dict[str, str]]:
    """An HTML table shown by st.table: row label -> column -> cell text."""
    table = page.locator(f".st-key-{key} table")
    header = [c.strip() for c in table.locator("thead th").all_inner_texts()]
    rows = {}
    for tr in table.locator("tbody tr").all():
        cells = [c.strip() for c in tr.locator("th, td").all_inner_texts()]
        rows[cells[0]] = dict(zip(header[1:], cells[1:], strict=True))
    return rows


def test_policy_lab_run_in_the_browser(page):
    ARTIFACTS.mkdir(exist_ok=True)
    _choose(page, "scenario-name", "afghanistan-2023")
    page.get_by_text("Policy lab", exact=True).click()
    page.wait_for_selector(".st-key-lab-run")
    _choose(page, "lab-package-instruments-reconstruction-mode", "unconditional")
    for key, value in (("lab-months", MONTHS), ("lab-seed", SEED)):
        box = page.locator(f".st-key-{key} input")
        box.fill(str(value))
        box.press("Enter")
    changes = page.locator(".st-key-lab-changes code")
    changes.wait_for()
    page.wait_for_function(
        "() => document.querySelector('.st-key-lab-changes code')?.innerText.includes("
        "'unconditional')"
    )
    assert json.loads(changes.inner_text()) == OVERRIDES
    page.locator(".st-key-lab-run button").click()
    page.wait_for_selector(".st-key-lab-outcomes table")
    page.wait_for_selector(".st-key-lab-chart canvas, .st-key-lab-chart svg")
    page.wait_for_selector("text=Outcomes (seed 3, 6 months)")
    shown = _table(page, "lab-outcomes")
    page.screenshot(path=str(ARTIFACTS / "dashboard-policy-lab.png"))

    sc = pactsim.load("afghanistan-2023")
    lab = pactsim.run(sc, None, seed=SEED, months=MONTHS, overrides=OVERRIDES)
    milestone = pactsim.run(sc, "milestone", seed=SEED, months=MONTHS)
    assert set(shown) == {o.name for o in sc.outcomes}
    for name, cells in shown.items():
        assert cells["lab"] == fmt(lab.summary[name]), name
        assert cells["milestone"] == fmt(milestone.summary[name]), name
    # the changed lever changes the run: unconditional reconstruction pays more up front
    assert lab.summary["cost_total"] > milestone.summary["cost_total"]


def test_malformed_upload_shows_the_scenario_error(page, tmp_path):
    bad = tmp_path / "broken-scenario.yaml"
    bad.write_text("meta:\n  name: broken\nissues: [\n")
    page.get_by_text("Scenario", exact=True).first.click()
    page.get_by_text("upload a file", exact=True).click()
    page.locator(".st-key-scenario-upload input[type=file]").set_input_files(str(bad))
    error = page.locator(".st-key-scenario-error")
    error.get_by_text("not valid YAML").wait_for()
    text = error.inner_text()
    page.screenshot(path=str(ARTIFACTS / "dashboard-upload-error.png"))
    assert "This scenario cannot be used" in text
    assert "broken-scenario.yaml:" in text and "not valid YAML" in text
    # the page still works: going back to a bundled scenario shows it
    page.get_by_text("bundled", exact=True).click()
    page.wait_for_selector("text=Afghanistan 2023")


# ------------------------------------------------------------------------ stopping a run
def _jobs_of(server: Server) -> list[int]:
    """The server's running simulation jobs (``python -m pactsim.dashboard.jobs``)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == server.pid and fields[0] != "Z" and b"pactsim.dashboard.jobs" in cmd:
            out.append(int(entry.name))
    return out


def _eventually(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return bool(condition())


def _start_a_long_run(pg, server: Server) -> list[int]:
    """The bundled case over 240 months with its five policies: minutes of work."""
    pg.set_default_timeout(40_000)
    pg.goto(server.url)
    pg.wait_for_selector(".st-key-view")
    pg.get_by_text("Policy lab", exact=True).click()
    pg.wait_for_selector(".st-key-lab-run")
    box = pg.locator(".st-key-lab-months input")
    box.fill("240")
    box.press("Enter")
    pg.wait_for_function(
        "() => document.querySelector('.st-key-lab-months input')?.value === '240'"
    )
    assert _jobs_of(server) == []
    pg.locator(".st-key-lab-run button").click()
    pg.wait_for_selector(".st-key-lab-cancel button")
    assert _eventually(lambda: len(_jobs_of(server)) == 1, 30), "no job started"
    return _jobs_of(server)


def test_cancel_stops_the_run(server, chromium):
    pg = chromium.new_page(viewport={"width": 1400, "height": 2000})
    try:
        job = _start_a_long_run(pg, server)
        pg.locator(".st-key-lab-cancel button").click()
        pg.get_by_text("Run cancelled").wait_for()
        assert _eventually(lambda: _jobs_of(server) == [], 10), "the run goes on"
        assert not Path(f"/proc/{job[0]}/cmdline").exists() or job[0] not in _jobs_of(server)
        assert pg.locator(".st-key-lab-outcomes").count() == 0
    finally:
        pg.close()


def test_leaving_the_page_stops_the_run(server, chromium):
    pg = chromium.new_page(viewport={"width": 1400, "height": 2000})
    _start_a_long_run(pg, server)
    pg.close()  # the visitor leaves: the session ends
    assert _eventually(lambda: _jobs_of(server) == [], 20), "the run outlived its page"


# --------------------------------------------------------------------- outside addresses
IMAGE = f"![x]({OUTSIDE}/a.png)"
HTML = f'<img src="{OUTSIDE}/b.png"><iframe src="{OUTSIDE}/c"></iframe>'


def _hostile(toy_text: str) -> str:
    doc = yaml.safe_load(toy_text)
    image, html = IMAGE, HTML
    doc["meta"].update(title=f"Hostile {image}", description=f"Look: {image} {html}")
    doc["meta"]["question"] = html
    doc["levers"][0]["description"] = f"aid {image}"
    doc["outcomes"][0]["description"] = f"{image} {html}"
    return yaml.safe_dump(doc, sort_keys=False)


def test_scenario_text_makes_the_browser_fetch_nothing_outside(
    server, chromium, toy_text, tmp_path
):
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(_hostile(toy_text))
    pg = chromium.new_page(viewport={"width": 1400, "height": 2000})
    requested: list[str] = []
    pg.on("request", lambda r: requested.append(r.url))
    try:
        pg.set_default_timeout(40_000)
        pg.goto(server.url)
        pg.wait_for_selector(".st-key-view")
        pg.get_by_text("upload a file", exact=True).click()
        pg.locator(".st-key-scenario-upload input[type=file]").set_input_files(str(hostile))
        description = pg.get_by_text("Look: ![x]")
        description.wait_for()
        assert description.inner_text().strip() == f"Look: {IMAGE} {HTML}"
        heading = pg.locator("h1", has_text="Hostile").first
        assert heading.inner_text().strip() == f"Hostile {IMAGE}"
        pg.get_by_text("Policy lab", exact=True).click()
        pg.wait_for_selector(".st-key-lab-run")
        pg.locator(".st-key-lab-package-instruments-aid-value [data-testid=stTooltipIcon]").hover()
        pg.get_by_text("aid ![x]").first.wait_for()  # the lever's help, as written
        box = pg.locator(".st-key-lab-months input")
        box.fill("2")
        box.press("Enter")
        pg.wait_for_function(
            "() => document.querySelector('.st-key-lab-months input')?.value === '2'"
        )
        pg.locator(".st-key-lab-run button").click()
        pg.wait_for_selector(".st-key-lab-outcomes table")
        pg.wait_for_timeout(1000)  # let any image the page shows be requested
        pg.screenshot(path=str(ARTIFACTS / "dashboard-hostile-text.png"))
        assert pg.locator("img[src*='example.invalid'], iframe").count() == 0
        # the text shows exactly as written, no stray escape (st.table may still make a bare
        # address a link: a link the visitor may follow, never loaded by the page)
        cell = pg.locator(".st-key-lab-outcomes td", has_text="example.invalid").first
        assert cell.inner_text().strip() == f"{IMAGE} {HTML}"
    finally:
        pg.close()
    hosts = {urllib.parse.urlsplit(u).hostname for u in requested if not u.startswith("data:")}
    assert hosts == {"127.0.0.1"}, sorted(u for u in requested if "127.0.0.1" not in u)
