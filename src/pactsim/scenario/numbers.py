"""Numeric fields that carry their provenance.

Every numeric field of a scenario may be written as a bare number or as
``{value: 0.8, source: "..."}`` / ``{value: 0.8, assumption: "..."}`` (or both keys). The model
holds plain floats, so model code reads numbers; the provenance is kept apart, by dotted path,
in :func:`collect_provenance`, so reports can list every parameter with its source.

Every number of the format is finite and at most :data:`MAX_MAGNITUDE` (10^12) in magnitude:
the format's limit, which bounds the fields that have no upper bound of their own (fighters,
USD million, sensitivities). NaN, infinities and larger values are refused with a message
naming the value and the limit (the loader adds the file and the field), whether they come
from a file, an override (``--set``) or code.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, WithJsonSchema

PROVENANCE_KEYS = ("source", "assumption")

#: The largest magnitude a scenario number may have (the format's limit).
MAX_MAGNITUDE = 1e12


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
    if isinstance(obj, float):
        _check_finite(obj)  # before the field's own checks word it less clearly
    elif isinstance(obj, str):  # pydantic reads "nan", "inf" and "1e308" as numbers
        try:
            number = float(obj)
        except ValueError:
            return obj  # not a number at all: the field's own check says so
        _check_finite(number)
    return obj


def _check_finite(x: float) -> float:
    """``x`` when it is a number the format can hold; otherwise a ``ValueError`` that says why."""
    if math.isnan(x):
        raise ValueError("NaN (not a number) is not allowed: expected a finite number")
    if math.isinf(x):
        raise ValueError(
            f"{x} is not allowed: expected a finite number, at most {MAX_MAGNITUDE:g} "
            "in magnitude (the scenario format's limit)"
        )
    if abs(x) > MAX_MAGNITUDE:
        raise ValueError(
            f"{x:g} is beyond the scenario format's limit: numbers are at most "
            f"{MAX_MAGNITUDE:g} in magnitude"
        )
    return x


def _check_int(n: int) -> int:
    _check_finite(float(n))
    return n


def upper_bound(model: type[BaseModel], field: str) -> float:
    """The ``le`` bound a numeric field of a scenario section declares."""
    for item in model.model_fields[field].metadata:
        le = getattr(item, "le", None)
        if le is not None:
            return float(le)
    raise LookupError(f"{model.__name__}.{field} has no upper bound")


_LIMIT = {"minimum": -MAX_MAGNITUDE, "maximum": MAX_MAGNITUDE}
_NUM_SCHEMA = {
    "anyOf": [
        {"type": "number", **_LIMIT},
        {
            "type": "object",
            "properties": {
                "value": {"type": "number", **_LIMIT},
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
        {"type": "integer", **_LIMIT},
        {
            "type": "object",
            "properties": {
                "value": {"type": "integer", **_LIMIT},
                "source": {"type": "string"},
                "assumption": {"type": "string"},
            },
            "required": ["value"],
            "additionalProperties": False,
        },
    ]
}

#: A finite float within the format's limit that may be documented with its source or assumption.
Num = Annotated[
    float, BeforeValidator(_unwrap), AfterValidator(_check_finite), WithJsonSchema(_NUM_SCHEMA)
]
#: An integer within the format's limit that may be documented with its source or assumption.
Int = Annotated[
    int, BeforeValidator(_unwrap), AfterValidator(_check_int), WithJsonSchema(_INT_SCHEMA)
]
#: A plain finite float within the format's limit (no provenance), for ranges and targets.
Finite = Annotated[float, AfterValidator(_check_finite)]


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
