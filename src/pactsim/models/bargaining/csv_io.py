"""Read the bargaining literature's actor CSV: ``actor,capability,position,salience``.

One row per actor, with a header row (column names in any case and order; extra columns are
ignored). Optional columns:

- ``risk``: a fixed risk exponent r in [0.5, 2] for the expected utility model (empty: computed);
- ``issue``: the issue of the row, for several issues bargained at once: then there is one row
  per (actor, issue); an actor's capability (and risk) must be the same on all its rows, and
  every actor needs a row for every issue.

Capability is any unit >= 0 (only ratios matter); position any scale; salience on [0, 1].
This is the layout of Bueno de Mesquita's examples and of Scholz et al.'s replication. Every
error names the file, the row (1 = header) and the column.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pactsim.errors import InputError

__all__ = ["REQUIRED_COLUMNS", "ActorsInput", "read_actors_csv"]

REQUIRED_COLUMNS: tuple[str, ...] = ("actor", "capability", "position", "salience")


@dataclass
class ActorsInput:
    """Actors read from a CSV.

    Attributes:
        names: actor names, in order of first appearance (A).
        capability: (A,) capabilities >= 0.
        position: (A,) positions, or (A, D) with an ``issue`` column.
        salience: (A,) saliences in [0, 1], or (A, D).
        risk: (A,) fixed risk exponents with NaN where not given, or None without the column.
        issues: the D issue names in order of first appearance, or None without the column.
    """

    names: list[str]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    risk: np.ndarray | None = None
    issues: list[str] | None = None


def _number(src: Path, row: int, col: str, text: str, *, allow_empty: bool = False) -> float:
    where = f"{src}: row {row}, column '{col}'"
    text = text.strip()
    if text == "":
        if allow_empty:
            return math.nan
        raise InputError(f"{where}: empty; expected a number")
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{where}: {text!r} is not a finite number")
    return value


def read_actors_csv(path: str | Path) -> ActorsInput:
    """Read and check an actor CSV (see the module docstring for the layout).

    Raises:
        InputError: missing or empty file, missing columns, non-numeric or non-finite cells,
            negative capability, salience outside [0, 1], risk outside [0.5, 2], duplicate
            or empty actor names, inconsistent rows for one actor, missing (actor, issue) rows.
    """
    src = Path(path)
    if not src.is_file():
        raise InputError(f"{src}: file not found")
    try:
        text = src.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{src}: cannot read the file ({exc})") from None
    rows = [r for r in csv.reader(text.splitlines()) if any(cell.strip() for cell in r)]
    if not rows:
        raise InputError(
            f"{src}: the file is empty; expected a header row "
            f"'{','.join(REQUIRED_COLUMNS)}' and one row per actor"
        )
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"{src}: row 1 (header): missing column(s) {', '.join(repr(m) for m in missing)}; "
            f"found {', '.join(repr(h) for h in header)}"
        )
    col = {name: header.index(name) for name in header if name}
    has_issue = "issue" in col
    has_risk = "risk" in col
    if len(rows) < 2:
        raise InputError(f"{src}: no actors: the header is followed by no data rows")

    names: list[str] = []
    issues: list[str] = []
    cap: dict[str, float] = {}
    risk: dict[str, float] = {}
    cells: dict[tuple[str, str], tuple[float, float]] = {}
    first_row: dict[str, int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        line = raw + [""] * (len(header) - len(raw))

        def cell(name: str, line: list[str] = line) -> str:
            return line[col[name]]

        name = cell("actor").strip()
        if not name:
            raise InputError(f"{src}: row {number}, column 'actor': empty; expected a name")
        issue = cell("issue").strip() if has_issue else ""
        if has_issue and not issue:
            raise InputError(f"{src}: row {number}, column 'issue': empty; expected an issue name")
        c = _number(src, number, "capability", cell("capability"))
        x = _number(src, number, "position", cell("position"))
        s = _number(src, number, "salience", cell("salience"))
        r = _number(src, number, "risk", cell("risk"), allow_empty=True) if has_risk else math.nan
        if c < 0:
            raise InputError(
                f"{src}: row {number}, column 'capability': {c:g} is negative; expected >= 0"
            )
        if not 0.0 <= s <= 1.0:
            raise InputError(
                f"{src}: row {number}, column 'salience': {s:g} is outside [0, 1]"
                + (" (divide by 100 if it is on a 0-100 scale)" if 1.0 < s <= 100.0 else "")
            )
        if not math.isnan(r) and not 0.5 <= r <= 2.0:
            raise InputError(f"{src}: row {number}, column 'risk': {r:g} is outside [0.5, 2]")
        if (name, issue) in cells:
            what = f"actor {name!r}" + (f" on issue {issue!r}" if has_issue else "")
            raise InputError(
                f"{src}: row {number}, column 'actor': {what} already appears on row "
                f"{first_row[name]}"
            )
        if name in cap:
            if cap[name] != c:
                raise InputError(
                    f"{src}: row {number}, column 'capability': {c:g} differs from {cap[name]:g} "
                    f"given for {name!r} on row {first_row[name]}"
                )
            if not (math.isnan(r) and math.isnan(risk[name])) and r != risk[name]:
                raise InputError(
                    f"{src}: row {number}, column 'risk': differs from row {first_row[name]} "
                    f"for {name!r}"
                )
        else:
            names.append(name)
            cap[name], risk[name], first_row[name] = c, r, number
        if issue not in issues:
            issues.append(issue)
        cells[(name, issue)] = (x, s)

    for name in names:
        for issue in issues:
            if (name, issue) not in cells:
                raise InputError(
                    f"{src}: actor {name!r} (row {first_row[name]}) has no row for issue {issue!r}"
                )
    pos = np.array([[cells[(n, i)][0] for i in issues] for n in names])
    sal = np.array([[cells[(n, i)][1] for i in issues] for n in names])
    return ActorsInput(
        names=names,
        capability=np.array([cap[n] for n in names]),
        position=pos if has_issue else pos[:, 0],
        salience=sal if has_issue else sal[:, 0],
        risk=np.array([risk[n] for n in names]) if has_risk else None,
        issues=issues if has_issue else None,
    )
