"""A safe parser for outcome conditions such as ``"reform_36m < 50"`` (no ``eval``)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pactsim.errors import InputError

OPS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}
_PATTERN = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*(<=|>=|==|!=|<|>)\s*"
    r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$"
)


@dataclass(frozen=True)
class Condition:
    """``name op value``: which runs are the cases of interest."""

    name: str
    op: str
    value: float

    def __call__(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(OPS[self.op](np.asarray(values, dtype=float), self.value), dtype=bool)

    def __str__(self) -> str:
        return f"{self.name} {self.op} {self.value:g}"


def parse_condition(text: str, option: str = "--where") -> Condition:
    """Parse ``<name> <op> <number>`` with op one of ``< <= > >= == !=``."""
    m = _PATTERN.match(text or "")
    if not m:
        raise InputError(
            f"{option}: cannot read '{text}'; expected '<outcome> <op> <number>' with op one of "
            '< <= > >= == != (e.g. "reform_inclusivity_36m < 50")'
        )
    return Condition(m.group(1), m.group(2), float(m.group(3)))
