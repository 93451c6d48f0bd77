"""Read KTAB scenario files (CSV and XML) for the Spatial Model of Politics.

The layouts are those of KAPSARC's KTAB (MIT licence; ``examples/smp/doc/`` of the public
repository, e.g. ``lsyaseen/KTAB``):

CSV
    row 1 ``name,desc,nActors,nDims``;
    row 2 ``Actor,Description,Power,Pos1,Sal1,...,PosD,SalD`` (the labels name the dimensions);
    then one row per actor: name, description, power (capability, > 0), and for each
    dimension a position on 0-100 and a salience on 0-100 (an actor's saliences sum to at
    most 100). Cells may carry spaces; trailing empty cells are ignored.

XML
    ``<Scenario>`` with ``<name>``, ``<desc>``, ``<ModelParameters>`` (optional),
    ``<Dimensions><dName>...``, ``<Actors><Actor>`` with ``<name>``, ``<description>``,
    ``<capability>``, ``<Position><dCoord>...`` and ``<Salience><dSal>...``.

Saliences are returned on 0-1 (KTAB divides them by 100 too); positions stay on 0-100.
"""

from __future__ import annotations

import csv
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pactsim.errors import InputError

__all__ = ["KTAB_PARAMETER_NAMES", "KtabInput", "read_ktab_csv"]

#: KTAB's XML ``<ModelParameters>`` element names -> keyword of :func:`pactsim...smp.smp`.
KTAB_PARAMETER_NAMES: dict[str, str] = {
    "VictoryProbModel": "victory_prob_model",
    "PCEModel": "pce_model",
    "StateTransitions": "state_transitions",
    "VotingRule": "voting_rule",
    "BigRAdjust": "big_r_adjust",
    "BigRRange": "big_r_range",
    "ThirdPartyCommit": "third_party_commit",
    "InterVecBrgn": "inter_vec_brgn",
    "BargnModel": "bargn_model",
}


@dataclass
class KtabInput:
    """One KTAB scenario.

    Attributes:
        names: actor names, length A.
        descriptions: actor descriptions, length A.
        capability: (A,) actor power ("Influence"/"Power"), > 0, arbitrary units.
        position: (A, D) advocated positions on the 0-100 scale.
        salience: (A, D) saliences on 0-1 (file's 0-100 divided by 100).
        dim_names: D dimension names.
        scenario_name: the scenario's name (row 1, column 1 of the CSV).
        scenario_desc: the scenario's description.
        parameters: model options found in the file (XML ``<ModelParameters>`` only), as
            keywords of :func:`pactsim.models.bargaining.smp.smp`; empty for CSV.
        notes: parts of the file that were read but are not used, for the user's attention
            (an XML ``<IdealAdjustment>``: pactsim's SMP keeps ideals equal to positions, as
            KTAB does for CSV input).
    """

    names: list[str]
    descriptions: list[str]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    dim_names: list[str]
    scenario_name: str = ""
    scenario_desc: str = ""
    parameters: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def read_ktab_csv(path: str | Path) -> KtabInput:
    """Read a KTAB SMP scenario from ``path`` (``.csv``, or ``.xml`` by extension).

    Raises:
        InputError: naming the file, the row and column (or XML element) and what was
            expected, for an unreadable or empty file, wrong actor/dimension counts,
            non-numeric or non-finite cells, non-positive power, positions outside 0-100,
            saliences outside 0-100 or summing to more than 100 (or to 0) for an actor.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: file not found")
    if p.suffix.lower() == ".xml":
        return _read_xml(p)
    return _read_csv(p)


# ---------------------------------------------------------------------------- CSV


def _cell_label(col: int) -> str:
    """1-based column number and spreadsheet letter, e.g. 'column 4 (D)'."""
    letters = ""
    n = col
    while n > 0:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return f"column {col} ({letters})"


def _strip_trailing(row: list[str]) -> list[str]:
    out = [c.strip() for c in row]
    while out and out[-1] == "":
        out.pop()
    return out


def _number(
    src: Path, row: int, col: int, text: str, what: str, lo: float | None, hi: float | None
) -> float:
    where = f"{src}: row {row}, {_cell_label(col)}"
    try:
        v = float(text)
    except ValueError:
        raise InputError(f"{where}: expected {what}, got {text!r}") from None
    if not math.isfinite(v):
        raise InputError(f"{where}: expected {what}, got {text!r} (not a finite number)")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise InputError(f"{where}: expected {what}, got {v:g}")
    return v


def _count(src: Path, col: int, text: str, what: str, minimum: int) -> int:
    where = f"{src}: row 1, {_cell_label(col)}"
    try:
        v = float(text)
    except ValueError:
        raise InputError(f"{where}: expected the {what} (an integer), got {text!r}") from None
    if not math.isfinite(v) or v != int(v) or v < minimum:
        raise InputError(f"{where}: expected the {what} (an integer >= {minimum}), got {text!r}")
    return int(v)


def _read_csv(src: Path) -> KtabInput:
    try:
        text = src.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{src}: cannot read the file as UTF-8 text ({exc})") from None
    rows = list(csv.reader(text.splitlines()))
    # keep 1-based file row numbers; drop wholly blank rows
    numbered = [(i + 1, _strip_trailing(r)) for i, r in enumerate(rows)]
    numbered = [(n, r) for n, r in numbered if r]
    if not numbered:
        raise InputError(
            f"{src}: the file is empty; expected KTAB's layout, row 1 'name,desc,nActors,nDims'"
        )
    n1, head = numbered[0]
    if len(head) < 4:
        raise InputError(
            f"{src}: row {n1}: expected 'name,desc,nActors,nDims' (4 cells), "
            f"got {len(head)} cell(s)"
        )
    n_act = _count(src, 3, head[2], "number of actors", 3)
    n_dim = _count(src, 4, head[3], "number of dimensions", 1)
    if len(numbered) < 2:
        raise InputError(f"{src}: row 2 missing; expected 'Actor,Description,Power,Pos1,Sal1,...'")
    n2, labels = numbered[1]
    need = 3 + 2 * n_dim
    if len(labels) < need:
        raise InputError(
            f"{src}: row {n2}: expected {need} header cells for {n_dim} dimension(s) "
            f"('Actor,Description,Power' then a position and a salience label per dimension), "
            f"got {len(labels)}"
        )
    dim_names = [labels[3 + 2 * d] for d in range(n_dim)]
    body = numbered[2:]
    if len(body) != n_act:
        raise InputError(
            f"{src}: row 1 declares {n_act} actors but {len(body)} actor row(s) follow "
            f"(rows {body[0][0] if body else '-'}..{body[-1][0] if body else '-'})"
        )
    names: list[str] = []
    descs: list[str] = []
    cap = np.empty(n_act)
    pos = np.empty((n_act, n_dim))
    sal = np.empty((n_act, n_dim))
    for a, (rn, r) in enumerate(body):
        if len(r) < need:
            raise InputError(
                f"{src}: row {rn}: expected {need} cells (name, description, power, then a "
                f"position and a salience for each of {n_dim} dimension(s)), got {len(r)}"
            )
        if len(r) > need:
            raise InputError(
                f"{src}: row {rn}, {_cell_label(need + 1)}: expected at most {need} cells for "
                f"{n_dim} dimension(s), got {r[need]!r}"
            )
        if not r[0]:
            raise InputError(f"{src}: row {rn}, {_cell_label(1)}: expected an actor name, got ''")
        names.append(r[0])
        descs.append(r[1])
        cap[a] = _number(src, rn, 3, r[2], "the power, a number > 0", 0.0, None)
        if cap[a] <= 0.0:
            raise InputError(
                f"{src}: row {rn}, {_cell_label(3)}: expected the power, a number > 0, "
                f"got {cap[a]:g}"
            )
        for d in range(n_dim):
            pos[a, d] = _number(src, rn, 4 + 2 * d, r[3 + 2 * d], "a position on 0-100", 0.0, 100.0)
            sal[a, d] = _number(src, rn, 5 + 2 * d, r[4 + 2 * d], "a salience on 0-100", 0.0, 100.0)
        _check_total_salience(f"{src}: row {rn}", sal[a])
    return KtabInput(
        names=names,
        descriptions=descs,
        capability=cap,
        position=pos,
        salience=sal / 100.0,
        dim_names=dim_names,
        scenario_name=head[0],
        scenario_desc=head[1],
    )


def _check_total_salience(where: str, sal_row: np.ndarray) -> None:
    tot = float(sal_row.sum())
    if tot > 100.0:
        raise InputError(
            f"{where}: expected the actor's saliences to sum to at most 100, got {tot:g}"
        )
    if tot <= 0.0:
        raise InputError(f"{where}: expected at least one positive salience, got all zero")


# ---------------------------------------------------------------------------- XML


def _xml_text(src: Path, el: ET.Element, tag: str, where: str) -> str:
    child = el.find(tag)
    if child is None:
        raise InputError(f"{src}: {where}: element <{tag}> missing")
    return (child.text or "").strip()


def _xml_number(src: Path, text: str, where: str, what: str, lo: float, hi: float | None) -> float:
    try:
        v = float(text)
    except ValueError:
        raise InputError(f"{src}: {where}: expected {what}, got {text!r}") from None
    if not math.isfinite(v) or v < lo or (hi is not None and v > hi):
        raise InputError(f"{src}: {where}: expected {what}, got {text!r}")
    return v


def _read_xml(src: Path) -> KtabInput:
    try:
        root = ET.fromstring(src.read_bytes())
    except ET.ParseError as exc:
        raise InputError(f"{src}: not well-formed XML ({exc})") from None
    except OSError as exc:
        raise InputError(f"{src}: cannot read the file ({exc})") from None
    if root.tag != "Scenario":
        raise InputError(f"{src}: expected a <Scenario> root element, got <{root.tag}>")
    params: dict[str, str] = {}
    mp = root.find("ModelParameters")
    if mp is not None:
        for child in mp:
            key = KTAB_PARAMETER_NAMES.get(child.tag)
            if key is not None and (child.text or "").strip():
                params[key] = (child.text or "").strip()
    notes: list[str] = []
    ia = root.find("IdealAdjustment")
    if ia is not None and len(ia) > 0:
        notes.append(
            f"{src}: <IdealAdjustment> ignored: pactsim's SMP keeps each actor's ideal at its "
            "current position (KTAB's identity accommodation, as for CSV input)"
        )
    dims_el = root.find("Dimensions")
    if dims_el is None:
        raise InputError(f"{src}: element <Dimensions> missing")
    dim_names = [(d.text or "").strip() for d in dims_el.findall("dName")]
    n_dim = len(dim_names)
    if n_dim < 1:
        raise InputError(f"{src}: <Dimensions>: expected at least one <dName>")
    acts_el = root.find("Actors")
    actors = [] if acts_el is None else acts_el.findall("Actor")
    if len(actors) < 3:
        raise InputError(
            f"{src}: <Actors>: expected at least three <Actor> elements (KTAB needs 3), "
            f"got {len(actors)}"
        )
    n_act = len(actors)
    names: list[str] = []
    descs: list[str] = []
    cap = np.empty(n_act)
    pos = np.empty((n_act, n_dim))
    sal = np.empty((n_act, n_dim))
    for a, el in enumerate(actors):
        where = f"<Actor> #{a + 1}"
        name = _xml_text(src, el, "name", where)
        if not name:
            raise InputError(f"{src}: {where}: <name> is empty")
        where = f"<Actor> #{a + 1} ({name})"
        names.append(name)
        d_el = el.find("description")
        descs.append("" if d_el is None else (d_el.text or "").strip())
        cap[a] = _xml_number(
            src,
            _xml_text(src, el, "capability", where),
            f"{where} <capability>",
            "a number > 0",
            0.0,
            None,
        )
        if cap[a] <= 0:
            raise InputError(f"{src}: {where} <capability>: expected a number > 0, got {cap[a]:g}")
        for tag, sub, arr in (("Position", "dCoord", pos), ("Salience", "dSal", sal)):
            box = el.find(tag)
            items = [] if box is None else box.findall(sub)
            if len(items) != n_dim:
                raise InputError(
                    f"{src}: {where} <{tag}>: expected {n_dim} <{sub}> element(s), got {len(items)}"
                )
            for d, it in enumerate(items):
                arr[a, d] = _xml_number(
                    src,
                    (it.text or "").strip(),
                    f"{where} <{tag}> <{sub}> #{d + 1}",
                    "a number on 0-100",
                    0.0,
                    100.0,
                )
        _check_total_salience(f"{src}: {where}", sal[a])
    return KtabInput(
        names=names,
        descriptions=descs,
        capability=cap,
        position=pos,
        salience=sal / 100.0,
        dim_names=dim_names,
        scenario_name=(root.findtext("name") or "").strip(),
        scenario_desc=(root.findtext("desc") or "").strip(),
        parameters=params,
        notes=notes,
    )
