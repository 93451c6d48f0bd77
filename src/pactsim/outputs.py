"""Declared outputs: every series a run records and every summary it reports, named once.

A component of the engagement loop declares what it writes (:class:`Output`); summaries are
reductions of a declared series (its value at the assessment month, its peak, its sum, whether a
level was reached by then), so that the CLI, the results store, the report, the dashboard and the
design search read names, units and directions from here instead of re-deriving them from strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

import pandas as pd

Kind = Literal["series", "summary"]
Direction = Literal["maximize", "minimize", "info"]
Reduce = Literal["final", "at", "max", "sum", "mean", "reached", "mean_share"]

__all__ = ["Output", "Outputs", "reduce_series"]


@dataclass(frozen=True)
class Output:
    """One declared output.

    name: column name in the series or key in the summary.
    unit: unit in words or symbols (``"USD million"``, ``"0-100"``, ``"fighters"``, ``"0/1"``).
    kind: ``"series"`` (one value a month) or ``"summary"`` (one value a run).
    direction: which way is better for the outcome tables and the design search.
    description: what it measures.
    of, reduce, level, month: for summaries, the series and the reduction that gives them.
    dtype: ``"float"`` for every model value; ``"int"`` for counters such as the month.
    headline: one of the few series shown first (plots, envelopes, the dashboard).
    """

    name: str
    unit: str
    kind: Kind
    direction: Direction = "info"
    description: str = ""
    of: str | None = None
    reduce: Reduce | None = None
    level: float | None = None
    month: int | None = None
    dtype: Literal["float", "int", "str"] = "float"
    headline: bool = False


def reduce_series(s: pd.Series, out: Output) -> float:
    """The summary ``out`` of the monthly series ``s`` (months 1..n in order)."""
    values = s.to_numpy(dtype=float)
    if out.reduce == "final":
        return float(values[-1])
    if out.reduce == "at":
        assert out.month is not None
        return float(values[min(out.month, len(values)) - 1])
    if out.reduce == "max":
        return float(values.max())
    if out.reduce == "sum":
        return float(values.sum())
    if out.reduce in ("mean", "mean_share"):
        return float(values.mean())
    if out.reduce == "reached":
        assert out.month is not None and out.level is not None
        return float(bool((values[: out.month] >= out.level).any()))
    raise ValueError(f"unknown reduction {out.reduce!r}")


class Outputs:
    """An ordered set of declared outputs with look-ups by name and kind."""

    def __init__(self, outputs: Iterable[Output]):
        self._by_name: dict[str, Output] = {}
        for o in outputs:
            if o.name in self._by_name:
                raise ValueError(f"output {o.name!r} is declared twice")
            self._by_name[o.name] = o

    def __iter__(self) -> Iterator[Output]:
        return iter(self._by_name.values())

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> Output:
        return self._by_name[name]

    def __len__(self) -> int:
        return len(self._by_name)

    def get(self, name: str) -> Output | None:
        return self._by_name.get(name)

    @property
    def series(self) -> list[Output]:
        return [o for o in self if o.kind == "series"]

    @property
    def summary(self) -> list[Output]:
        return [o for o in self if o.kind == "summary"]

    def headline(self) -> list[str]:
        """The series shown first, in declaration order."""
        return [o.name for o in self.series if o.headline]

    def reached(self) -> list[str]:
        """The 0/1 summaries of a success level reached by the assessment month."""
        return [o.name for o in self.summary if o.reduce == "reached"]

    def names(self, kind: Kind | None = None) -> list[str]:
        return [o.name for o in self if kind is None or o.kind == kind]

    def summarise(self, series: pd.DataFrame) -> dict[str, float]:
        """Every declared summary of a run's series, in declaration order."""
        out: dict[str, float] = {}
        for o in self.summary:
            if o.reduce is None or o.of is None:
                continue
            out[o.name] = reduce_series(series[o.of], o)
        return out

    def directions(self) -> dict[str, Direction]:
        return {o.name: o.direction for o in self}

    def as_table(self) -> pd.DataFrame:
        """One row per output: name, kind, unit, direction, description (for docs and the CLI)."""
        rows = [
            {
                "name": o.name,
                "kind": o.kind,
                "unit": o.unit,
                "direction": o.direction,
                "description": o.description,
            }
            for o in self
        ]
        return pd.DataFrame(rows, columns=["name", "kind", "unit", "direction", "description"])
