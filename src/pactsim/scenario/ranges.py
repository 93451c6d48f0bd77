"""Whether each uncertainty's range (and each numeric lever's) fits the field it varies.

An ensemble samples every value of a range, so a range that leaves its field's bounds makes a
share of the worlds invalid: their runs fail, and whatever is computed over the runs that finish
is conditioned on the range's valid part. The bounds are the field's own, read from its pydantic
metadata (``ge``, ``gt``, ``le``, ``lt``) by the dotted path, so this check never disagrees with
the validation each run makes; a whole-number field also needs ``dist: integer`` (an integer
lever: ``integer: true``), and an ``integer`` range needs a whole number in it.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pactsim.scenario.paths import PathError, get_path

Loc = tuple[Any, ...]


@dataclass(frozen=True)
class Bounds:
    """What a numeric field accepts: its bounds (None when open) and whether it is whole."""

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    integer: bool = False

    def admits(self, x: float) -> bool:
        return not (
            (self.ge is not None and x < self.ge)
            or (self.gt is not None and x <= self.gt)
            or (self.le is not None and x > self.le)
            or (self.lt is not None and x >= self.lt)
        )

    def describe(self) -> str:
        lower = f"{_num(self.ge)} <= " if self.ge is not None else ""
        lower = f"{_num(self.gt)} < " if self.gt is not None else lower
        upper = f" <= {_num(self.le)}" if self.le is not None else ""
        upper = f" < {_num(self.lt)}" if self.lt is not None else upper
        what = "a whole number" if self.integer else "a number"
        if not lower and not upper:
            return what
        return f"{what}, {lower}value{upper}"

    def why_not(self, x: float) -> str:
        """Which bound ``x`` breaks (assumes ``not admits(x)``)."""
        if self.ge is not None and x < self.ge:
            return f"{_num(x)} is below {_num(self.ge)}"
        if self.gt is not None and x <= self.gt:
            return f"{_num(x)} is not above {_num(self.gt)}"
        if self.le is not None and x > self.le:
            return f"{_num(x)} is above {_num(self.le)}"
        return f"{_num(x)} is not below {_num(self.lt)}"


def _num(x: float | None) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _strip_optional(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else tp
    return tp


def _unannotate(tp: Any) -> tuple[Any, list[Any]]:
    """(bare type, metadata) of a possibly Optional, possibly Annotated type."""
    tp = _strip_optional(tp)
    meta: list[Any] = []
    while typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        tp, meta = _strip_optional(args[0]), [*meta, *args[1:]]
    return tp, meta


def _collect(meta: list[Any], out: dict[str, float]) -> None:
    for m in meta:
        if isinstance(m, FieldInfo):
            _collect(list(m.metadata), out)
        elif isinstance(m, annotated_types.Interval):
            for key in ("ge", "gt", "le", "lt"):
                if getattr(m, key) is not None:
                    out[key] = float(getattr(m, key))
        elif isinstance(m, annotated_types.Ge | annotated_types.Gt):
            key = "ge" if isinstance(m, annotated_types.Ge) else "gt"
            out[key] = float(getattr(m, key))
        elif isinstance(m, annotated_types.Le | annotated_types.Lt):
            key = "le" if isinstance(m, annotated_types.Le) else "lt"
            out[key] = float(getattr(m, key))


def field_bounds(root: type[BaseModel], path: str) -> Bounds | None:
    """The bounds of the numeric field at the dotted ``path`` of ``root`` (a list element by
    id or index, a mapping by key), from its pydantic metadata; None if it is not a number."""
    tp: Any = root
    meta: list[Any] = []
    for seg in path.split("."):
        tp, _ = _unannotate(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(seg)
            if field is None:
                return None
            tp, meta = field.annotation, list(field.metadata)
        elif typing.get_origin(tp) is list:
            tp, meta = typing.get_args(tp)[0], []
        elif typing.get_origin(tp) is dict:
            tp, meta = typing.get_args(tp)[1], []
        else:
            return None
    tp, more = _unannotate(tp)
    if tp not in (int, float):
        return None
    found: dict[str, float] = {}
    _collect([*meta, *more], found)
    return Bounds(integer=tp is int, **found)


def range_problem(
    what: str, path: str, low: float, high: float, integer: bool, bounds: Bounds
) -> str | None:
    """Why the range [low, high] (whole numbers only when ``integer``) cannot be sampled into
    a field with ``bounds``, or None when every value it can give is valid."""
    shown = f"[{_num(low)}, {_num(high)}]"
    if integer:
        lo, hi = math.ceil(low), math.floor(high)
        if lo > hi:
            return f"the {what} range {shown} of '{path}' holds no whole number"
        values = (float(lo), float(hi))
    else:
        values = (float(low), float(high))
        if bounds.integer:
            return (
                f"'{path}' is a whole-number field, but the {what} range {shown} is sampled as "
                "real numbers; use "
                + ("dist: integer" if what == "uncertainty" else "integer: true")
                + " (or vary a real-valued field)"
            )
    for x in values:
        if not bounds.admits(x):
            return (
                f"the {what} range {shown} of '{path}' leaves the field's bounds: '{path}' must "
                f"be {bounds.describe()}, and {bounds.why_not(x)}, so every world sampled "
                "beyond the bound would fail; narrow the range to the field's bounds"
            )
    return None


def range_problems(
    sc: Any, root: type[BaseModel], full: dict[str, Any] | None = None
) -> Iterator[tuple[Loc, str]]:
    """(location in the document, message) for each uncertainty or numeric lever of ``sc`` whose
    range does not fit its field (``full``: ``sc.model_dump()``, when the caller has it). Paths
    that do not lead to a number are skipped: the loader reports those already."""
    full = sc.model_dump() if full is None else full
    items: list[tuple[Loc, str, Any, bool, str]] = [
        (("uncertainties", i), u.path, u, u.dist == "integer", "uncertainty")
        for i, u in enumerate(sc.uncertainties)
    ]
    items += [
        (("levers", i), lv.path, lv, bool(lv.integer), "lever")
        for i, lv in enumerate(sc.levers)
        if lv.values is None and lv.low is not None and lv.high is not None
    ]
    for loc, path, item, integer, what in items:
        try:
            value = get_path(full, path)
        except PathError:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        bounds = field_bounds(root, path)
        if bounds is None:
            continue
        message = range_problem(what, path, item.low, item.high, integer, bounds)
        if message is not None:
            yield loc, message
