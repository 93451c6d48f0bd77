"""Versions of the scenario format, and the migration of files written for an older one.

A scenario file states the version of the format it is written for in ``format_version``; a file
without it is version 1. Before validation the loader runs :func:`migrate`, which applies the
steps in :data:`STEPS` one version at a time. A step is a function on the raw YAML mapping of
version n that returns the mapping of version n + 1 and a list of notes, one sentence per change,
that ``pactsim validate`` prints so the author can update the file. A step never fails: a value
it cannot translate is left for validation to report.

A step changes a field only where the format of this pactsim agrees: it renames a key only to a
field the format declares, and drops a key only once the format no longer declares it. A file
therefore loads the same while the format is being changed, and is migrated as soon as it is.
"""

from __future__ import annotations

import copy
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FORMAT_VERSION = 2
"""The version of the scenario format this pactsim reads and writes."""

Doc = dict[str, Any]
Declares = Callable[[str, str], bool]


class FormatVersionError(ValueError):
    """``format_version`` is not a version this pactsim can read."""


@dataclass(frozen=True)
class Step:
    """One migration: reads a mapping of version ``source``, returns version ``source + 1``."""

    source: int
    apply: Callable[[Doc], tuple[Doc, list[str]]]


# ------------------------------------------------------------------------------ the format
def _strip_optional(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else tp
    return tp


def format_declares(section: str, name: str) -> bool:
    """Whether this pactsim's scenario format has the field ``section.name``."""
    from pactsim.scenario.model import Scenario

    field = Scenario.model_fields.get(section)
    model = _strip_optional(field.annotation) if field else None
    fields = getattr(model, "model_fields", None)
    return isinstance(fields, dict) and name in fields


# ----------------------------------------------------------------------- dotted references
def _value(obj: Any) -> Any:
    """The number of a documented number (``{value: 0.2, assumption: ...}``), else ``obj``."""
    return obj["value"] if isinstance(obj, dict) and "value" in obj else obj


def _rewrite_references(
    doc: Doc, old: str, new: str | None, convert: Callable[[Any], Any], notes: list[str]
) -> None:
    """Point every dotted path ``old`` in uncertainties, levers, policies and calibration
    overrides at ``new`` (values passed through ``convert``), or drop it when ``new`` is None."""

    def remap(mapping: Any, where: str) -> None:
        if not isinstance(mapping, dict) or old not in mapping:
            return
        value = mapping.pop(old)
        if new is None:
            notes.append(f"{where}: the setting of {old} was removed (the field no longer exists)")
        else:
            mapping[new] = convert(value)
            notes.append(f"{where}: {old} became {new}")

    for section in ("uncertainties", "levers"):
        items = doc.get(section)
        if not isinstance(items, list):
            continue
        kept = []
        for i, item in enumerate(items):
            if not (isinstance(item, dict) and item.get("path") == old):
                kept.append(item)
                continue
            if new is None:
                notes.append(f"{section}[{i}]: the {section[:-1]} on {old} was removed")
                continue
            item["path"] = new
            if isinstance(item.get("values"), list):
                item["values"] = [convert(v) for v in item["values"]]
            notes.append(f"{section}[{i}]: the path {old} became {new}")
            kept.append(item)
        doc[section] = kept
    policies = doc.get("policies")
    if isinstance(policies, dict):
        for name, policy in policies.items():
            if isinstance(policy, dict):
                remap(policy.get("levers"), f"policies.{name}.levers")
    calibration = doc.get("calibration")
    if isinstance(calibration, dict):
        remap(calibration.get("overrides"), "calibration.overrides")


# ------------------------------------------------------------------------------- 1 -> 2
PROMISE_FIELDS = ("promise_weight", "promise_horizon")
DEFAULT_REVERSAL_RATE = 0.2


def format1_extremists_name() -> str:
    """The name format 1 gave every scenario's extremists in its outputs (format1.yaml)."""
    from importlib.resources import files

    import yaml

    text = files("pactsim.scenario").joinpath("format1.yaml").read_text(encoding="utf-8")
    return str(yaml.safe_load(text)["extremists_name"])


def v1_to_v2(doc: Doc, declares: Declares = format_declares) -> tuple[Doc, list[str]]:
    """Format 1 -> 2: promises leave the side-payment budget; reversibility becomes a rate.

    - ``package.promise_weight`` and ``package.promise_horizon`` are removed: a promise still
      contingent is the patron's leverage, not cash the leadership can pay factions with.
    - ``engagement.reversible: true|false`` becomes ``engagement.reversal_rate``, the monthly rate
      at which reforms held up by payments decay when the payments stop: true -> the file's
      ``engagement.council_inertia`` (0.2 when absent), false -> 0.0.
    - ``extremists.name`` is set, when absent, to the one name format 1 gave every case's
      extremists in its output names (``format1.yaml``), which its outcomes and calibration
      targets refer to.
    """
    doc = copy.deepcopy(doc)
    notes: list[str] = []
    package = doc.get("package")
    for key in PROMISE_FIELDS:
        if declares("package", key):
            continue
        if isinstance(package, dict) and key in package:
            value = _value(package.pop(key))
            notes.append(
                f"package.{key} ({value}) was removed: promises still contingent are no longer "
                "counted as cash in the leadership's side-payment budget"
            )
        _rewrite_references(doc, f"package.{key}", None, _value, notes)

    engagement = doc.get("engagement")
    if declares("engagement", "reversal_rate") and not declares("engagement", "reversible"):
        inertia = engagement.get("council_inertia") if isinstance(engagement, dict) else None
        rate = _value(inertia) if inertia is not None else DEFAULT_REVERSAL_RATE

        def to_rate(flag: Any) -> Any:
            flag = _value(flag)
            return (rate if flag else 0.0) if isinstance(flag, bool) else flag

        if isinstance(engagement, dict) and isinstance(_value(engagement.get("reversible")), bool):
            flag = _value(engagement.pop("reversible"))
            engagement["reversal_rate"] = to_rate(flag)
            if flag:
                origin = (
                    "the file's engagement.council_inertia"
                    if inertia is not None
                    else "the default engagement.council_inertia"
                )
                notes.append(
                    f"engagement.reversible: true became engagement.reversal_rate: {rate} "
                    f"({origin}): reforms held up by payments decay at this rate a month when "
                    "the payments stop"
                )
            else:
                notes.append(
                    "engagement.reversible: false became engagement.reversal_rate: 0.0: reforms "
                    "never slide back"
                )
        new = "engagement.reversal_rate"
        _rewrite_references(doc, "engagement.reversible", new, to_rate, notes)

    # format 1 gave the extremists' outputs one fixed name whatever the case (format1.yaml);
    # format 2 names them after extremists.name, so a file's outcomes and calibration
    # targets keep their meaning under that name
    if declares("extremists", "name"):
        extremists = doc.setdefault("extremists", {})
        if isinstance(extremists, dict) and "name" not in extremists:
            name = format1_extremists_name()
            extremists["name"] = name
            notes.append(
                f"extremists.name: {name} was added: the extremists' outputs are named after it "
                f"({name}_strength, {name}_peak, ...), as format 1 named them"
            )
    return doc, notes


STEPS: list[Step] = [Step(1, v1_to_v2)]
"""Every migration, in order: the step whose ``source`` is n takes a file from n to n + 1."""


# -------------------------------------------------------------------------------- public
def file_version(doc: Doc) -> int:
    """The format version a raw scenario mapping is written for (1 when it does not say)."""
    version = doc.get("format_version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FormatVersionError(
            f"expected a whole number of at least 1 (this pactsim writes {FORMAT_VERSION}), "
            f"got {json.dumps(version, default=str)}"
        )
    if version > FORMAT_VERSION:
        from pactsim import __version__

        raise FormatVersionError(
            f"the file is written for scenario format version {version}, newer than this "
            f"pactsim ({__version__}) reads (versions 1 to {FORMAT_VERSION}): upgrade pactsim "
            "to load it"
        )
    return version


def migrate(doc: Doc, steps: list[Step] | None = None) -> tuple[Doc, list[str]]:
    """Bring a raw scenario mapping to :data:`FORMAT_VERSION`; return it and the notes.

    The input is not modified. Each note is prefixed with the step it comes from
    (``format 1 -> 2: ...``). Raises :class:`FormatVersionError` for a version this pactsim
    cannot read.
    """
    version = file_version(doc)
    by_source = {step.source: step for step in (STEPS if steps is None else steps)}
    notes: list[str] = []
    out = doc
    while version < FORMAT_VERSION:
        out, step_notes = by_source[version].apply(out)
        notes += [f"format {version} -> {version + 1}: {note}" for note in step_notes]
        version += 1
    if out is doc:
        out = dict(doc)
    out["format_version"] = FORMAT_VERSION
    return out, notes
