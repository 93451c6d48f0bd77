"""Write the field tables of docs/scenarios.md from the scenario format itself.

    python scripts/scenario_fields.py           # rewrite the tables in place
    python scripts/scenario_fields.py --check   # exit 1, naming them, if any table is stale

A table sits between ``<!-- fields: Name -->`` and ``<!-- /fields -->``, Name a class of
``pactsim.scenario.model``; it lists each field with its type, default and description, so the
guide cannot drift from the format (``tests/test_docs.py`` runs the check).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import annotated_types as at
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from pactsim.scenario import model

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "scenarios.md"
NAMES = {"number": "number", "integer": "integer", "string": "text", "boolean": "true/false"}
BLOCK = re.compile(r"(<!-- fields: (\w+) -->\n)(.*?)(<!-- /fields -->)", re.S)


def _kind(schema: dict[str, Any]) -> str:
    """A reader's name for a JSON-schema type."""
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    if "$ref" in schema:
        return "section " + schema["$ref"].rsplit("/", 1)[-1]
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if options:
        # a documented number is "number or {value, source}": the first branch names it
        return _kind(options[0])
    kind = schema.get("type")
    if kind == "array":
        item = _kind(schema.get("items", {}))
        return f"list of {item}" if item else "list"
    if kind == "object":
        value = schema.get("additionalProperties")
        return f"mapping to {_kind(value)}" if isinstance(value, dict) and value else "mapping"
    return NAMES.get(kind or "", "")


def _bounds(field: Any) -> str:
    """The field's constraints, ``>= 0, <= 1``, as declared in the format."""
    signs = (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"), ("min_length", "at least"))
    parts = []
    for item in field.metadata:
        for attr, sign in signs:
            value = getattr(item, attr, None)
            if isinstance(item, at.BaseMetadata) and value is not None:
                parts.append(f"{sign} {_number(value)}")
    return ", ".join(parts)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e6:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _default(field: Any) -> str:
    if field.is_required():
        return "required"
    if field.default is PydanticUndefined:
        built = field.default_factory()
        return "empty" if built in ({}, []) else "its defaults"
    value = field.default
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"`{value}`" if value else '""'
    if isinstance(value, int | float):
        return _number(value)
    return str(value)


def table(name: str) -> str:
    """The markdown table of the fields of ``pactsim.scenario.model.<name>``."""
    cls = getattr(model, name)
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        raise SystemExit(f"{GUIDE}: '{name}' is not a section of the scenario format")
    schema = cls.model_json_schema()["properties"]
    lines = [
        f"<!-- defaults: pactsim.scenario.model.{name} -->",
        "| field | type | default | meaning |",
        "|---|---|---|---|",
    ]
    for field_name, field in cls.model_fields.items():
        kind = _kind(schema[field_name])
        bounds = _bounds(field)
        kind = f"{kind} ({bounds})" if bounds else kind
        meaning = (field.description or "").replace("|", "\\|").replace("<", "&lt;")
        lines.append(f"| `{field_name}` | {kind} | {_default(field)} | {meaning} |")
    return "\n".join(lines) + "\n"


def render(text: str) -> str:
    """``text`` with every field table regenerated."""
    return BLOCK.sub(lambda m: m.group(1) + table(m.group(2)) + m.group(4), text)


def stale(text: str) -> list[str]:
    """Names of the tables in ``text`` that differ from the format."""
    return [m.group(2) for m in BLOCK.finditer(text) if m.group(3) != table(m.group(2))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale tables")
    args = parser.parse_args()
    text = GUIDE.read_text()
    if args.check:
        names = stale(text)
        if names:
            print(f"{GUIDE}: stale field tables: {', '.join(names)}", file=sys.stderr)
            raise SystemExit(1)
        return
    GUIDE.write_text(render(text))


if __name__ == "__main__":
    main()
