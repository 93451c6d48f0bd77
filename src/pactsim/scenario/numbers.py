"""Numeric fields that carry their provenance.

Every numeric field of a scenario may be written as a bare number or as
``{value: 0.8, source: "..."}`` / ``{value: 0.8, assumption: "..."}`` (or both keys). The model
holds plain floats, so model code reads numbers; the provenance is kept apart, by dotted path,
in :func:`collect_provenance`, so reports can list every parameter with its source.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

PROVENANCE_KEYS = ("source", "assumption")


def is_wrapped(obj: Any) -> bool:
    """True when ``obj`` is a ``{value, source|assumption}`` mapping."""
    return isinstance(obj, dict) and "value" in obj and set(obj) <= {"value", *PROVENANCE_KEYS}


def _unwrap(obj: Any) -> Any:
    if isinstance(obj, dict):
        extra = set(obj) - {"value", *PROVENANCE_KEYS}
        if "value" not in obj:
            raise ValueError("a number, or a mapping with 'value' and 'source' or 'assumption'")
        if extra:
            raise ValueError(
                f"unexpected key(s) {sorted(extra)}: a documented number has only "
                "'value', 'source' and 'assumption'"
            )
        if not any(k in obj for k in PROVENANCE_KEYS):
            raise ValueError("a documented number needs 'source' or 'assumption' beside 'value'")
        for key in PROVENANCE_KEYS:
            if key in obj and not isinstance(obj[key], str):
                raise ValueError(f"'{key}' must be text")
        return obj["value"]
    if isinstance(obj, bool):
        raise ValueError("a number, not true/false")
    return obj


_NUM_SCHEMA = {
    "anyOf": [
        {"type": "number"},
        {
            "type": "object",
            "properties": {
                "value": {"type": "number"},
                "source": {"type": "string"},
                "assumption": {"type": "string"},
            },
            "required": ["value"],
            "additionalProperties": False,
        },
    ]
}
_INT_SCHEMA = {
    "anyOf": [
        {"type": "integer"},
        {
            "type": "object",
            "properties": {
                "value": {"type": "integer"},
                "source": {"type": "string"},
                "assumption": {"type": "string"},
            },
            "required": ["value"],
            "additionalProperties": False,
        },
    ]
}

#: A float that may be documented with its source or assumption.
Num = Annotated[float, BeforeValidator(_unwrap), WithJsonSchema(_NUM_SCHEMA)]
#: An integer that may be documented with its source or assumption.
Int = Annotated[int, BeforeValidator(_unwrap), WithJsonSchema(_INT_SCHEMA)]


def strip_provenance(obj: Any) -> Any:
    """A copy of a raw scenario document with every documented number replaced by its value."""
    if is_wrapped(obj):
        return obj["value"]
    if isinstance(obj, dict):
        return {k: strip_provenance(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [strip_provenance(v) for v in obj]
    return obj


def collect_provenance(obj: Any, path: str = "") -> dict[str, dict[str, str]]:
    """Map dotted paths (lists by element id where it has one) to their source/assumption."""
    out: dict[str, dict[str, str]] = {}
    if is_wrapped(obj):
        out[path] = {k: str(obj[k]) for k in PROVENANCE_KEYS if k in obj}
    elif isinstance(obj, dict):
        for k, v in obj.items():
            out.update(collect_provenance(v, f"{path}.{k}" if path else str(k)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            key = v.get("id") if isinstance(v, dict) and isinstance(v.get("id"), str) else i
            out.update(collect_provenance(v, f"{path}.{key}" if path else str(key)))
    return out
