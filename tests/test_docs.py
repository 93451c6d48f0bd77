"""The documentation cannot drift: every default a docs table quotes is checked against the code.

A table quotes defaults when a header cell is ``default`` (one row per parameter: its name, first,
and its default), ``values (default first)`` (the first value listed is the default) or
``... (default; source)`` (cells of ``\\`path\\` symbol (value, range a-b; source)`` items, as in
docs/mechanisms.md). Such a table must follow a marker that says where its defaults come from::

    <!-- defaults: SOURCE [SOURCE ...] [; unchecked: NAME ...] -->

A SOURCE is a Python object (a pydantic model, a dataclass, a function, a dict of defaults:
``pactsim.scenario.model.Council``), a command (``cli:ensemble``, ``cli:analyze.discover``) or a
bundled scenario whose values are quoted (``scenario:afghanistan-2023``). A name is looked up in
the sources in order; ``unchecked`` lists the names that no source can state. Cells that describe
a default in words ("every core", "the scenario's") are left alone; a number, a backticked value,
true/false/on/off, none, empty, required or "-" is checked.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.util
import inspect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

import pactsim
from pactsim.cli import app
from pactsim.scenario.paths import PathError, get_path

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted((REPO / "docs").rglob("*.md"))
MARKER = re.compile(r"^<!-- defaults: (.*?) -->$")
NUM = r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?"
MISSING = object()


# ------------------------------------------------------------------------------- tables
@dataclass
class Table:
    page: Path
    line: int  # of the header
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line, cells)
    marker: str | None


def _cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def tables(page: Path, text: str | None = None) -> Iterator[Table]:
    lines = (page.read_text() if text is None else text).splitlines()
    i = 0
    while i < len(lines):
        is_table = (
            lines[i].startswith("|")
            and i + 1 < len(lines)
            and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i + 1].strip())
        )
        if not is_table:
            i += 1
            continue
        marker = None
        j = i - 1
        while j >= 0 and (not lines[j].strip() or lines[j].startswith("<!--")):
            found = MARKER.match(lines[j].strip())
            if found:
                marker = found.group(1)
                break
            j -= 1
        end = i + 2
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        rows = [(n + 1, _cells(lines[n])) for n in range(i + 2, end)]
        yield Table(page, i + 1, _cells(lines[i]), rows, marker)
        i = end


def quoting(table: Table) -> tuple[str, int] | None:
    """How the table quotes defaults: (kind, column), or None when it does not."""
    for col, cell in enumerate(table.header):
        text = cell.lower()
        if text == "default":
            return "column", col
        if "(default first)" in text:
            return "first", col
        if "(default;" in text:
            return "items", col
    return None


# ------------------------------------------------------------------------------ sources
@dataclass
class Default:
    required: bool
    value: Any = None


def _import(path: str) -> Any:
    """The object at a dotted path: an attribute of the longest importable module before it
    (so ``pactsim.models.bargaining.eum`` is the function, not the module of that name)."""
    parts = path.split(".")
    for n in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:n]))
        except ImportError:
            continue
        try:
            for attr in parts[n:]:
                obj = getattr(obj, attr)
        except AttributeError:
            continue
        return obj
    return importlib.import_module(path)


def _python_default(obj: Any, name: str) -> Default | object:
    if isinstance(obj, type) and issubclass(obj, BaseModel):
        f = obj.model_fields.get(name)
        if f is None:
            return MISSING
        if f.is_required():
            return Default(True)
        return Default(False, f.default_factory() if f.default is PydanticUndefined else f.default)
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            if f.name == name:
                if f.default is not dataclasses.MISSING:
                    return Default(False, f.default)
                if f.default_factory is not dataclasses.MISSING:
                    return Default(False, f.default_factory())
                return Default(True)
        return MISSING
    if isinstance(obj, dict):
        return Default(False, obj[name]) if name in obj else MISSING
    param = inspect.signature(obj).parameters.get(name)
    if param is None or param.kind is param.VAR_KEYWORD:
        return MISSING
    empty = param.default is inspect.Parameter.empty
    return Default(empty, None if empty else param.default)


def _command(path: str) -> Any:
    cmd: Any = typer.main.get_command(app)
    for part in path.split("."):
        cmd = cmd.commands[part]
    return cmd


def _cli_default(cmd: Any, name: str) -> Default | object:
    for param in cmd.params:
        if name in getattr(param, "opts", []) or name.lower() == (param.name or ""):
            return Default(bool(param.required), param.default)
    return MISSING


def lookup(sources: list[str], name: str) -> Default | object:
    for source in sources:
        if source.startswith("cli:"):
            found = _cli_default(_command(source[4:]), name)
        elif source.startswith("scenario:") or name.startswith("-"):
            continue
        else:
            found = _python_default(_import(source), name)
        if found is not MISSING:
            return found
    return MISSING


def parse_marker(marker: str) -> tuple[list[str], set[str]]:
    sources, _, rest = marker.partition(";")
    unchecked = set(rest.replace("unchecked:", "").split()) if rest else set()
    return sources.split(), unchecked


# ---------------------------------------------------------------------- quoted values
@dataclass(frozen=True)
class Quoted:
    kind: str  # dash, required, none, empty, bool, number, text
    value: Any = None


def _atom(text: str) -> Quoted | None:
    t = text.strip()
    if m := re.fullmatch(r"`([^`]*)`", t):
        inner = m.group(1)
        return None if re.search(r"[<>\s]", inner) else Quoted("text", inner)
    if re.fullmatch(NUM, t):
        return Quoted("number", float(t))
    low = t.lower()
    if low in ("true", "on", "yes", "false", "off", "no"):
        return Quoted("bool", low in ("true", "on", "yes"))
    if low in ("none", "null"):
        return Quoted("none")
    if low == "empty":
        return Quoted("empty")
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", t):
        return Quoted("text", t)
    return None


def parse_default(cell: str) -> list[Quoted] | None:
    """The defaults a cell states, or None when it describes them in words."""
    c = cell.strip()
    if c in ("-", "–"):
        return [Quoted("dash")]
    if c.lower() in ("required", "(required)"):
        return [Quoted("required")]
    c = re.sub(r"\s*\([^()]*\)$", "", c)  # a remark in parentheses: "0 (off)"
    if not c:
        return None
    atoms = [_atom(part) for part in c.split(", ")]
    return None if any(a is None for a in atoms) else [a for a in atoms if a is not None]


def parse_names(cell: str) -> list[str]:
    head = re.split(r"\s\(", cell, maxsplit=1)[0]  # "`rounds` (`--rounds`)": the first name
    ticked = re.findall(r"`([^`]+)`", head)
    if ticked:
        names = [t.split()[0].split("/")[0] for t in ticked]
    else:
        names = [n.strip() for n in cell.split(",")]
        if not all(re.fullmatch(r"[a-z_][a-z0-9_]*", n) for n in names):
            return []
    return list(dict.fromkeys(names))


def agrees(quoted: Quoted, default: Default) -> bool:
    value = default.value
    if quoted.kind == "dash":
        return default.required or value is None or value in ({}, [], "")
    if quoted.kind == "required":
        return default.required
    if default.required:
        return False
    if quoted.kind == "none":
        return value is None
    if quoted.kind == "empty":
        return value in ({}, [])
    if quoted.kind == "bool":
        return isinstance(value, bool) and value == quoted.value
    if quoted.kind == "number":
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isclose(value, quoted.value, rel_tol=1e-9, abs_tol=1e-12)
        )
    return str(value) == quoted.value


# --------------------------------------------------------------- scenario-value items
ITEM = re.compile(r"`([^`]+)`[^`(]*?\(((?:[^()]|\([^()]*\))*)\)")
RANGE = re.compile(rf"\branges? ({NUM})\s*-\s*({NUM})")
SCALE = {"million": 1e6, "bn": 1e9}


@dataclass
class Check:
    where: str
    ok: bool
    message: str


def _scenario_items(cell: str) -> Iterator[tuple[str, str]]:
    """(full dotted path, text in parentheses) of each quoted item; short names take the
    section of the last full path before them in the cell."""
    prefix = ""
    paths = {m.start(): m for m in ITEM.finditer(cell)}
    for tick in re.finditer(r"`([^`]+)`", cell):
        name = tick.group(1)
        if name.startswith(".") or not re.fullmatch(r"[a-z_*.][a-z0-9_*.]*", name):
            continue
        if "." in name:
            full, prefix = name, name.rsplit(".", 1)[0]
        elif prefix:
            full = f"{prefix}.{name}"
        else:
            continue
        item = paths.get(tick.start())
        if item is not None:
            yield full, item.group(2)


def _values_at(doc: Any, path: str) -> list[tuple[str, Any]]:
    """(concrete path, value) for ``path``, a '*' standing for every element of a list."""
    if "*" not in path:
        return [(path, get_path(doc, path))]
    head, _, rest = path.partition(".*.")
    out = []
    for element in get_path(doc, head):
        key = next(element[k] for k in ("id", "actor", "name") if isinstance(element.get(k), str))
        out.append((f"{head}.{key}.{rest}", get_path(element, rest)))
    return out


def check_scenario_item(sc: Any, path: str, inside: str, where: str) -> list[Check]:
    doc = sc.model_dump(mode="python")
    head = inside.split(";")[0]
    value_text = re.split(r",?\s*\branges?\b", head)[0].strip().removeprefix("e.g. ")
    expected: list[tuple[str, float]] = []  # (path, value)
    try:
        if m := re.match(rf"({NUM})(?:\s+(million|bn)\b)?", value_text):
            number = float(m.group(1)) * SCALE.get(m.group(2) or "", 1.0)
            expected = [(p, number) for p, _ in _values_at(doc, path)]
        else:
            for name, number, key in re.findall(
                rf"([A-Z][\w' ]*?)\s+({NUM})(?:\s+on\s+([a-z_]+))?", value_text
            ):
                concrete = path.replace("*", name.lower().replace(" ", "_"))
                expected.append((f"{concrete}.{key}" if key else concrete, float(number)))
        checks = []
        for concrete, number in expected:
            actual = get_path(doc, concrete)
            ok = isinstance(actual, int | float) and math.isclose(actual, number, rel_tol=1e-9)
            checks.append(
                Check(where, ok, f"{concrete}: quoted {number:g}, the scenario has {actual}")
            )
    except PathError as exc:
        return [Check(where, False, f"{path}: {exc}")]
    for low, high in RANGE.findall(head):
        targets = [p for p, _ in expected] if "*" in path else [path]
        for concrete in targets:
            found = [u for u in sc.uncertainties if u.path == concrete]
            ok = bool(found) and (found[0].low, found[0].high) == (float(low), float(high))
            got = f"[{found[0].low:g}, {found[0].high:g}]" if found else "no uncertainty"
            checks.append(
                Check(where, ok, f"{concrete}: quoted range {low}-{high}, the scenario has {got}")
            )
    return checks


# -------------------------------------------------------------------------------- checks
@functools.cache
def _scenario(name: str) -> Any:
    return pactsim.load(name)


def check_table(table: Table) -> list[Check]:
    how = quoting(table)
    if how is None:
        return []
    page = table.page.relative_to(REPO) if table.page.is_absolute() else table.page
    if table.marker is None:
        message = (
            "this table quotes defaults: put '<!-- defaults: SOURCE ... -->' above it "
            "(see tests/test_docs.py)"
        )
        return [Check(f"{page}:{table.line}", False, message)]
    kind, col = how
    sources, unchecked = parse_marker(table.marker)
    scenarios = [s.removeprefix("scenario:") for s in sources if s.startswith("scenario:")]
    checks: list[Check] = []
    for line, row in table.rows:
        where = f"{page}:{line}"
        if len(row) <= col:
            continue
        if kind == "items":
            if len(scenarios) != 1:
                checks.append(Check(where, False, "name one 'scenario:NAME' in the marker"))
                break
            sc = _scenario(scenarios[0])
            for path, inside in _scenario_items(row[col]):
                checks += check_scenario_item(sc, path, inside, where)
            continue
        names = [n for n in parse_names(row[0]) if n not in unchecked]
        cell = row[col].split(",")[0] if kind == "first" else row[col]
        quoted = parse_default(cell)
        if not names or quoted is None:
            continue
        if len(quoted) == 1:
            quoted = quoted * len(names)
        if len(quoted) != len(names):
            message = f"{row[0]}: {len(names)} names, {len(quoted)} defaults"
            checks.append(Check(where, False, message))
            continue
        for name, q in zip(names, quoted, strict=True):
            default = lookup(sources, name)
            if not isinstance(default, Default):
                checks.append(Check(where, False, f"'{name}' is in none of {sources}"))
                continue
            shown = "required" if default.required else repr(default.value)
            message = f"{name}: quoted {row[col]!r}, the code has {shown}"
            checks.append(Check(where, agrees(q, default), message))
    if not checks:
        checks.append(Check(f"{page}:{table.line}", False, "no default here could be checked"))
    return checks


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_quoted_default_matches_the_code(page: Path) -> None:
    bad = [f"{c.where}: {c.message}" for t in tables(page) for c in check_table(t) if not c.ok]
    assert not bad, "\n".join(bad)


def test_the_pages_quote_many_defaults() -> None:
    checks = [c for page in PAGES for t in tables(page) for c in check_table(t)]
    by_page = {c.where.split(":")[0] for c in checks}
    assert len(checks) > 250
    for page in ("mechanisms.md", "factions.md", "population.md", "scenarios.md", "analysis.md"):
        assert f"docs/{page}" in by_page


# ------------------------------------------------------------- the checker itself
def _page(text: str) -> list[Check]:
    return [c for t in tables(Path("page.md"), text) for c in check_table(t)]


def test_the_checker_finds_a_wrong_default() -> None:
    text = """<!-- defaults: pactsim.scenario.model.Population -->
| name | meaning | default |
|---|---|---|
| `legitimacy` | L | 0.8 |
| `width`, `height` | grid | 100, 99 |
| `variant` | rules | `paper` |
| `vision` | cells | every cell around (a remark) |
"""
    checks = _page(text)
    assert [(c.message.split(":")[0], c.ok) for c in checks] == [
        ("legitimacy", True),
        ("width", True),
        ("height", False),
        ("variant", False),
    ]


def test_the_checker_reads_commands_functions_and_required() -> None:
    text = """<!-- defaults: cli:ensemble pactsim.models.factions.max_affordable_reform -->
| option | default |
|---|---|
| `--samples/-n N` | 100 |
| `--resume` | off |
| `--dask ADDRESS` | - |
| `SCENARIO` | required |
| `budget` | required |
| `tol` | 1e-8 |
"""
    assert [c.ok for c in _page(text)] == [True, True, True, True, True, False]


def test_the_checker_reads_scenario_items() -> None:
    text = """<!-- defaults: scenario:afghanistan-2023 -->
| claim | parameters (default; source) |
|---|---|
| x | `extremists.recruits_per_active` (1.2e-5, range 3e-6-5e-5; a), `attack_rate` (0.07) |
| y | `region.neighbours.*.threshold` (4), `attack_share` (Pakistan 0.35, Iran 0.3) |
| z | `factions.members.*.kappa` (e.g. Kandahar 0.02 on inclusivity, range 0.005-0.09) |
| w | `population.country_population` (41.5 million; World Bank), `engagement.nothing` (1) |
"""
    oks = [c.ok for c in _page(text)]
    assert oks == [True, True, False] + [True] * 4 + [True, False] + [True, False] + [True, False]


def test_a_table_of_defaults_without_a_marker_fails() -> None:
    (check,) = _page("| name | default |\n|---|---|\n| `width` | 40 |\n")
    assert not check.ok and "<!-- defaults:" in check.message


# ------------------------------------------------------------------ generated tables
def _fields_script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "scenario_fields", REPO / "scripts" / "scenario_fields.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_field_tables_of_the_guide_are_generated_from_the_format() -> None:
    script = _fields_script()
    text = (REPO / "docs" / "scenarios.md").read_text()
    assert script.stale(text) == [], "run: python scripts/scenario_fields.py"
    documented = {m.group(2) for m in script.BLOCK.finditer(text)}
    assert {
        "Meta",
        "Council",
        "Faction",
        "Package",
        "Instrument",
        "Engagement",
        "Target",
    } <= documented


def test_a_stale_field_table_is_found() -> None:
    script = _fields_script()
    text = "<!-- fields: Milestone -->\n| field |\n<!-- /fields -->\n"
    assert script.stale(text) == ["Milestone"]
    assert script.stale(script.render(text)) == []


# -------------------------------------------------------------- snippets of the example
def test_the_guide_quotes_the_example_file_verbatim() -> None:
    guide = (REPO / "docs" / "scenarios.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", guide, re.S)
    quoted = [b for b in blocks if b.startswith("# from docs/examples/")]
    assert len(quoted) >= 3
    for block in blocks:
        yaml.safe_load(block)  # every YAML block is YAML
    for block in quoted:
        first, _, body = block.partition("\n")
        source = (REPO / first.removeprefix("# from ").strip()).read_text()
        assert body in source, body
