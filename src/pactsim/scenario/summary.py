"""Every numeric parameter of a scenario with its meaning, unit and source."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from pactsim.scenario.model import Scenario
from pactsim.scenario.paths import ID_KEYS

SKIP_SECTIONS = (
    "format_version",
    "uncertainties",
    "levers",
    "policies",
    "outcomes",
    "calibration",
    "meta",
)


def _walk(obj: Any, path: str, meaning: str, out: list[tuple[str, Any, str]]) -> None:
    if isinstance(obj, BaseModel):
        for name, field in type(obj).model_fields.items():
            _walk(
                getattr(obj, name),
                f"{path}.{name}" if path else name,
                field.description or meaning,
                out,
            )
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            key = next(
                (getattr(item, k) for k in ID_KEYS if isinstance(getattr(item, k, None), str)),
                str(i),
            )
            _walk(item, f"{path}.{key}", meaning, out)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            _walk(value, f"{path}.{key}", meaning, out)
    elif isinstance(obj, int | float) and not isinstance(obj, bool):
        out.append((path, obj, meaning))


def parameter_rows(sc: Scenario) -> list[dict[str, str]]:
    """One row per numeric parameter: path, value, meaning (with unit), source or assumption."""
    found: list[tuple[str, Any, str]] = []
    for name in type(sc).model_fields:
        if name in SKIP_SECTIONS:
            continue
        _walk(getattr(sc, name), name, "", found)
    prov = sc.provenance
    rows = []
    for path, value, meaning in found:
        p = prov.get(path, {})
        parts = []
        if "source" in p:
            parts.append(f"source: {p['source']}")
        if "assumption" in p:
            parts.append(f"assumption: {p['assumption']}")
        rows.append(
            {
                "path": path,
                "value": f"{value:g}",
                "meaning": meaning,
                "provenance": "; ".join(parts) or "assumption (default or undocumented)",
                "documented": "yes" if parts else "no",
            }
        )
    return rows
