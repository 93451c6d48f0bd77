"""Load, validate and override scenarios; every failure becomes a :class:`ScenarioError`.

YAML is read with ``yaml.safe_load`` (no object-constructing tags) and composed a second time to
learn each field's line, so errors point at the line to edit. A file written for an older version
of the format is migrated (:mod:`pactsim.scenario.migrate`) before it is validated; what the
migration changed is kept on the scenario as ``migration_notes``.
"""

from __future__ import annotations

import copy
import difflib
import types
import typing
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from pactsim.scenario.errors import Problem, ScenarioError
from pactsim.scenario.migrate import FormatVersionError, migrate
from pactsim.scenario.model import Scenario
from pactsim.scenario.numbers import collect_provenance, strip_provenance
from pactsim.scenario.paths import PathError, get_path, readable, set_path
from pactsim.scenario.ranges import range_problems

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000

Loc = tuple[Any, ...]


# ----------------------------------------------------------------------------- bundled files
def _bundled_dir() -> Any:
    return resources.files("pactsim") / "scenarios"


def bundled_names() -> list[str]:
    """Names of the scenarios shipped with pactsim."""
    return sorted(
        p.name[: -len(".yaml")] for p in _bundled_dir().iterdir() if p.name.endswith(".yaml")
    )


def bundled_path(name: str) -> Path:
    """Filesystem path of a bundled scenario."""
    return Path(str(_bundled_dir() / f"{name}.yaml"))


def resolve(name_or_path: str | Path) -> tuple[str, str]:
    """Return (origin, text) for a path or a bundled scenario name."""
    text_name = str(name_or_path)
    path = Path(text_name).expanduser()
    if path.is_file():
        return str(path), _read(path)
    if text_name in bundled_names():
        return text_name, _read(bundled_path(text_name))
    if path.exists():
        raise ScenarioError.single(text_name, "", "is not a file")
    names = bundled_names()
    close = difflib.get_close_matches(text_name, names, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else f" (bundled: {', '.join(names)})"
    raise ScenarioError.single(
        text_name, "", "no such file, and no bundled scenario of that name" + hint
    )


def _read(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ScenarioError.single(
            str(path),
            "",
            f"file is {size / 1e6:.1f} MB; scenario files are limited to {MAX_BYTES / 1e6:.0f} MB",
        )
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError.single(
            str(path), "", f"not a UTF-8 text file (byte {exc.start}); expected a YAML document"
        ) from None


# ------------------------------------------------------------------------------------- YAML
def _parse(text: str, origin: str) -> tuple[dict[str, Any], dict[Loc, int]]:
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise ScenarioError.single(origin, "", f"document is larger than {MAX_BYTES // 2**20} MB")
    if not text.strip():
        raise ScenarioError.single(origin, "", "the file is empty; expected a YAML scenario")
    try:
        doc = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        tag = (exc.problem or "").strip()
        raise ScenarioError.single(
            origin,
            "",
            f"YAML tag not allowed ({tag}): scenarios contain plain data only",
            line=line,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "syntax error"
        raise ScenarioError.single(origin, "", f"not valid YAML: {what}", line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError.single(origin, "", f"not valid YAML: {exc}") from None
    except RecursionError:
        raise ScenarioError.single(origin, "", "the document is nested too deeply") from None
    if doc is None:
        raise ScenarioError.single(origin, "", "the document is empty; expected a YAML mapping")
    if not isinstance(doc, dict):
        raise ScenarioError.single(
            origin,
            "",
            f"the document is a {type(doc).__name__}; expected a mapping of sections "
            "(meta, issues, actors, ...)",
            line=1,
        )
    lines: dict[Loc, int] = {}
    duplicates: list[Problem] = []
    _walk(node, (), lines, duplicates, origin, [0])
    if duplicates:
        raise ScenarioError(duplicates)
    return doc, lines


def _walk(
    node: Any, loc: Loc, lines: dict[Loc, int], dup: list[Problem], origin: str, count: list[int]
) -> None:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise ScenarioError.single(
            origin, "", f"the document has more than {MAX_NODES} values (after expanding aliases)"
        )
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                dup.append(
                    Problem(
                        origin,
                        readable((*loc, key), None) or str(key),
                        f"key '{key}' appears twice",
                        key_node.start_mark.line + 1,
                    )
                )
            seen.add(key)
            lines[(*loc, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*loc, key), lines, dup, origin, count)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), lines, dup, origin, count)


def _line(lines: dict[Loc, int], loc: Loc) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


# ------------------------------------------------------------------------- pydantic errors
def _normalise(loc: Loc, doc: Any) -> Loc:
    """Drop pydantic's internal location parts (union branch tags) that are not in the data."""
    out: list[Any] = []
    node = doc
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict | list):
            if isinstance(node, dict) and isinstance(part, str) and out[-1:] != [part]:
                # a missing or unknown key: keep it, it is the point of the message
                out.append(part)
                node = None
        else:
            break
    return tuple(out)


def _fields_at(loc: Loc) -> list[str]:
    """The field names the scenario format allows at ``loc`` (for 'did you mean')."""
    tp: Any = Scenario
    for part in loc:
        tp = _inner_model(tp, part)
        if tp is None:
            return []
    return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def _strip_optional(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else tp
    return tp


def _inner_model(tp: Any, part: Any) -> Any:
    tp = _strip_optional(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(part) if isinstance(part, str) else None
        return _strip_optional(field.annotation) if field else None
    origin = typing.get_origin(tp)
    if origin is list and isinstance(part, int):
        return _strip_optional(typing.get_args(tp)[0])
    if origin is dict:
        return _strip_optional(typing.get_args(tp)[1])
    return None


def _message(err: dict[str, Any], loc: Loc) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        allowed = _fields_at(loc[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = (
            f"; did you mean '{close[0]}'?"
            if close
            else (f" (allowed: {', '.join(allowed)})" if allowed else "")
        )
        return f"unknown field '{key}'{hint}"
    if kind == "missing":
        return "required field is missing"
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    value = err.get("input")
    if kind not in ("model_type", "value_error") and not isinstance(value, dict | list):
        shown = repr(value)
        msg = f"{msg} (got {shown[:60]}{'...' if len(shown) > 60 else ''})"
    elif kind == "model_type":
        msg = f"expected a mapping of fields, got {type(value).__name__}"
    return msg


def _problems(
    exc: ValidationError, doc: Any, lines: dict[Loc, int], origin: str, prefix: str = ""
) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = _normalise(tuple(err["loc"]), doc)
        path = readable(loc, doc)
        out.append(Problem(origin, prefix + path, _message(dict(err), loc), _line(lines, loc)))
    return out


# -------------------------------------------------------------------------------- references
def _check_references(
    sc: Scenario, doc: dict[str, Any], lines: dict[Loc, int], origin: str
) -> list[Problem]:
    problems: list[Problem] = []

    def bad(loc: Loc, message: str) -> None:
        problems.append(Problem(origin, readable(loc, doc), message, _line(lines, loc)))

    def unique(section: str, items: Iterable[str], key: str = "id") -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item in seen:
                bad((*section.split("."), i, key), f"duplicate {key} '{item}'")
            seen.add(item)

    issues = [i.id for i in sc.issues]
    actors = [a.id for a in sc.actors]

    def known(loc: Loc, ref: str | None, pool: list[str], what: str) -> None:
        if ref is not None and ref not in pool:
            close = difflib.get_close_matches(ref, pool, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(pool)})"
            bad(loc, f"refers to {what} '{ref}', which does not exist{hint}")

    unique("issues", issues)
    unique("actors", actors)
    for i, a in enumerate(sc.actors):
        for key in a.positions:
            known(("actors", i, "positions", key), key, issues, "issue")
        for key in a.salience:
            known(("actors", i, "salience", key), key, issues, "issue")
    if sc.factions:
        unique("factions.members", [m.id for m in sc.factions.members])
        ids = [m.id for m in sc.factions.members]
        known(("factions", "leader"), sc.factions.leader, ids, "faction")
        for i, m in enumerate(sc.factions.members):
            known(("factions", "members", i, "actor"), m.actor, actors, "actor")
            for key in m.ideal:
                known(("factions", "members", i, "ideal", key), key, issues, "issue")
            for key in m.kappa:
                known(("factions", "members", i, "kappa", key), key, issues, "issue")
    packages: list[tuple[Any, ...]] = [("package",)] if sc.package else []
    packages += [("packages", i) for i in range(len(sc.packages))]
    patrons: set[str] = set()
    instrument_ids: set[str] = set()
    for where, pkg in zip(packages, sc.all_packages(), strict=True):
        known((*where, "patron"), pkg.patron, actors, "actor")
        if pkg.patron in patrons:
            bad((*where, "patron"), f"a second package of patron '{pkg.patron}'")
        patrons.add(pkg.patron)
        for i, k in enumerate(pkg.instruments):
            if k.id in instrument_ids:
                bad((*where, "instruments", i, "id"), f"duplicate instrument id '{k.id}'")
            instrument_ids.add(k.id)
        ids = [k.id for k in pkg.instruments]
        for i, k in enumerate(pkg.instruments):
            for j, tranche in enumerate(k.milestones):
                loc = (*where, "instruments", i, "milestones", j, "issue")
                known(loc, tranche.issue, issues, "issue")
            for key in k.targets:
                known((*where, "instruments", i, "targets", key), key, issues, "issue")
        for i, pen in enumerate(pkg.penalties):
            known((*where, "penalties", i, "issue"), pen.issue, issues, "issue")
            for j, ref in enumerate(pen.snapback):
                known((*where, "penalties", i, "snapback", j), ref, ids, "instrument")
    known(("extremists", "actor"), sc.extremists.actor, actors, "actor")
    unique("region.neighbours", [n.actor for n in sc.region.neighbours], key="actor")
    for i, n in enumerate(sc.region.neighbours):
        known(("region", "neighbours", i, "actor"), n.actor, actors, "actor")
        for key in n.reform_sensitivity:
            known(("region", "neighbours", i, "reform_sensitivity", key), key, issues, "issue")
    known(("engagement", "ct_issue"), sc.engagement.ct_issue, issues, "issue")
    for key in sc.engagement.success_levels:
        known(("engagement", "success_levels", key), key, issues, "issue")
    unique("outcomes", [o.name for o in sc.outcomes], key="name")

    full = sc.model_dump()
    for i, u in enumerate(sc.uncertainties):
        _check_numeric_path(full, u.path, ("uncertainties", i, "path"), bad)
    lever_paths = []
    for i, lever in enumerate(sc.levers):
        if lever.values is None:
            _check_numeric_path(full, lever.path, ("levers", i, "path"), bad)
        else:
            _check_any_path(full, lever.path, ("levers", i, "path"), bad)
        lever_paths.append(lever.path)
    unique("levers", lever_paths, key="path")
    for i, event in enumerate(sc.events):
        for path in event.set:
            _check_any_path(full, path, ("events", i, "set", path), bad)
        for path in event.add:
            _check_numeric_path(full, path, ("events", i, "add", path), bad)
    for loc, message in range_problems(sc, Scenario, full):
        bad(loc, message)
    for name, policy in sc.policies.items():
        for path, value in policy.levers.items():
            loc = ("policies", name, "levers", path)
            if path not in lever_paths:
                close = difflib.get_close_matches(path, lever_paths, n=1, cutoff=0.6)
                hint = (
                    f"; did you mean '{close[0]}'?"
                    if close
                    else (
                        f" (declared levers: {', '.join(lever_paths)})"
                        if lever_paths
                        else " (the scenario declares no levers)"
                    )
                )
                bad(loc, f"'{path}' is not a declared lever" + hint)
                continue
            lever = sc.levers[lever_paths.index(path)]
            _check_lever_value(lever, value, loc, bad)
    if sc.calibration:
        known(("calibration", "policy"), sc.calibration.policy, list(sc.policies), "policy")
    return problems


def _check_any_path(full: Any, path: str, loc: Loc, bad: Any) -> Any:
    try:
        return get_path(full, path)
    except PathError as exc:
        bad(loc, str(exc))
        return None


def _check_numeric_path(full: Any, path: str, loc: Loc, bad: Any) -> None:
    try:
        value = get_path(full, path)
    except PathError as exc:
        bad(loc, str(exc))
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        bad(loc, f"'{path}' is not a numeric field (it holds {type(value).__name__})")


def _check_lever_value(lever: Any, value: Any, loc: Loc, bad: Any) -> None:
    if lever.values is not None:
        if value not in lever.values:
            bad(loc, f"value {value!r} is not one of the lever's values {lever.values}")
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        bad(loc, f"expected a number within [{lever.low}, {lever.high}], got {value!r}")
    elif not lever.low <= value <= lever.high:
        bad(loc, f"value {value} is outside the lever's range [{lever.low}, {lever.high}]")


# ------------------------------------------------------------------------------------ public
def from_text(text: str, origin: str = "<text>") -> Scenario:
    """Validate a YAML scenario given as text."""
    doc, lines = _parse(text, origin)
    doc, notes = _migrate(doc, lines, origin)
    sc = _validate(doc, lines, origin)
    sc._source_text = text
    sc._migration_notes = notes
    return sc


def _migrate(
    doc: dict[str, Any], lines: dict[Loc, int], origin: str
) -> tuple[dict[str, Any], list[str]]:
    try:
        return migrate(doc)
    except FormatVersionError as exc:
        raise ScenarioError.single(
            origin, "format_version", str(exc), _line(lines, ("format_version",))
        ) from None


def _validate(doc: dict[str, Any], lines: dict[Loc, int], origin: str) -> Scenario:
    provenance = collect_provenance(doc)
    try:
        sc = Scenario.model_validate(doc)
    except ValidationError as exc:
        raise ScenarioError(_problems(exc, doc, lines, origin)) from None
    problems = _check_references(sc, doc, lines, origin)
    if problems:
        raise ScenarioError(problems)
    sc._raw = strip_provenance(doc)
    sc._provenance = provenance
    sc._origin = origin
    return sc


def load(name_or_path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load and validate a scenario by path or bundled name (``"toy-3-factions"``).

    ``overrides`` maps dotted paths to values (``{"population.legitimacy": 0.7}``) and is
    validated like the file itself.
    """
    origin, text = resolve(name_or_path)
    sc = from_text(text, origin)
    return apply_overrides(sc, overrides) if overrides else sc


def apply_overrides(sc: Scenario, overrides: dict[str, Any]) -> Scenario:
    """A new scenario with the values at dotted paths replaced, then validated again."""
    doc = sc.model_dump(mode="python")
    problems = []
    for path, value in overrides.items():
        try:
            set_path(doc, path, copy.deepcopy(value))
        except PathError as exc:
            problems.append(Problem(sc.origin, path, f"cannot set: {exc}"))
    if problems:
        raise ScenarioError(problems)
    try:
        new = Scenario.model_validate(doc)
    except ValidationError as exc:
        raise ScenarioError(
            [
                Problem(p.file, p.path, p.message + " (after overrides)", None)
                for p in _problems(exc, doc, {}, sc.origin)
            ]
        ) from None
    problems = _check_references(new, doc, {}, sc.origin)
    if problems:
        raise ScenarioError(problems)
    new._raw = doc
    new._provenance = sc.provenance
    new._source_text = sc.source_text
    new._origin = sc.origin
    new._migration_notes = sc.migration_notes
    return new


def parse_assignments(items: Iterable[str], origin: str = "--set") -> dict[str, Any]:
    """Parse ``path=value`` strings (values as YAML scalars) into an overrides mapping."""
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise ScenarioError.single(
                origin, item, "expected PATH=VALUE, e.g. population.legitimacy=0.7"
            )
        path, _, text = item.partition("=")
        path = path.strip()
        if not path:
            raise ScenarioError.single(origin, item, "the path before '=' is empty")
        try:
            out[path] = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            out[path] = text
    return out
