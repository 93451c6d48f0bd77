"""The policy lab's controls: one per package lever, built from the scenario, and the overrides
(dotted path -> value, :meth:`pactsim.scenario.Scenario.with_overrides`) the analyst's choices make.

Controls start from a base policy; only the values that differ from it become overrides, so a
run made in the page is ``pactsim.run(scenario, base_policy, seed, months, overrides)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from pactsim.scenario import Scenario
from pactsim.scenario.paths import get_path

MILITARY_KINDS = ("military_repair", "military_modern")
MILITARY = "military_scope"
MILITARY_CHOICES = {
    "repair of existing systems": (True, False),
    "modern systems": (False, True),
    "both": (True, True),
    "none": (False, False),
}


@dataclass(frozen=True)
class Control:
    """One widget of the lab. ``kind``: bool | number | choice | military."""

    key: str
    label: str
    kind: str
    value: Any
    group: str
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    integer: bool = False
    options: list[Any] = field(default_factory=list)
    help: str = ""
    # military control: the instrument ids for repair and modern systems
    targets: tuple[str, ...] = ()


def nice_step(high: float) -> float:
    """A round slider step of about a hundredth of the range (1, 2 or 5 times a power of 10)."""
    if high <= 0:
        return 1.0
    raw = high / 100
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return float(m * power)
    return float(10 * power)


def _lever_map(sc: Scenario) -> dict[str, Any]:
    return {lv.path: lv for lv in sc.levers}


def controls(sc: Scenario) -> list[Control]:
    """The lab's controls for ``sc`` (a scenario with its base policy already applied): per
    instrument its size, mode, milestone levels and switch (repair versus modern systems as one
    choice when the package has both), then any other declared lever."""
    out: list[Control] = []
    levers = _lever_map(sc)
    doc = sc.model_dump(mode="python")
    covered: set[str] = set()
    instruments = sc.package.instruments if sc.package else []
    military = {k.kind: k for k in instruments if k.kind in MILITARY_KINDS}
    has_choice = len(military) == 2
    if has_choice:
        repair, modern = military["military_repair"], military["military_modern"]
        current = next(
            name
            for name, flags in MILITARY_CHOICES.items()
            if flags == (repair.enabled, modern.enabled)
        )
        out.append(
            Control(
                key=MILITARY,
                label="Military-technical help",
                kind="military",
                value=current,
                group="package",
                options=list(MILITARY_CHOICES),
                help="Repair and maintenance of existing equipment, or the sale of modern "
                "systems (neighbours feel the scope of each differently).",
                targets=(repair.id, modern.id),
            )
        )
        covered |= {f"package.instruments.{k.id}.enabled" for k in (repair, modern)}
    for k in instruments:
        base = f"package.instruments.{k.id}"
        if not (has_choice and k.kind in MILITARY_KINDS):
            out.append(Control(f"{base}.enabled", "offered", "bool", k.enabled, k.id))
        lever = levers.get(f"{base}.value")
        high = float(lever.high) if lever is not None else max(2.0 * k.value, 1000.0)
        low = float(lever.low) if lever is not None else 0.0
        out.append(
            Control(
                f"{base}.value",
                "value [USD million]",
                "number",
                float(k.value),
                k.id,
                low=low,
                high=max(high, float(k.value)),
                step=nice_step(high),
                help=lever.description if lever is not None else "",
            )
        )
        modes = [
            m
            for m in ("unconditional", "milestone", "reciprocal")
            if (m != "milestone" or k.milestones) and (m != "reciprocal" or k.targets)
        ]
        out.append(Control(f"{base}.mode", "disbursement", "choice", k.mode, k.id, options=modes))
        for j, m in enumerate(k.milestones):
            out.append(
                Control(
                    f"{base}.milestones.{j}.level",
                    f"tranche {j + 1} ({m.share:.0%}): {m.issue} at least",
                    "number",
                    float(m.level),
                    k.id,
                    low=0.0,
                    high=100.0,
                    step=1.0,
                    help="Adopted reform level at which the tranche is paid (milestone mode).",
                )
            )
        covered |= {c.key for c in out}
    for lever in sc.levers:
        if lever.path in covered:
            continue
        value = get_path(doc, lever.path)
        if lever.values is not None:
            out.append(
                Control(
                    lever.path,
                    lever.description or lever.path,
                    "choice",
                    value,
                    "other",
                    options=list(lever.values),
                )
            )
        else:
            out.append(
                Control(
                    lever.path,
                    lever.description or lever.path,
                    "number",
                    float(value),
                    "other",
                    low=float(lever.low or 0.0),
                    high=float(lever.high or 1.0),
                    step=1.0 if lever.integer else nice_step(float(lever.high or 1.0)),
                    integer=lever.integer,
                )
            )
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b)


def overrides(ctrls: list[Control], values: dict[str, Any]) -> dict[str, Any]:
    """Dotted path -> value for every control whose chosen value differs from its start."""
    out: dict[str, Any] = {}
    for c in ctrls:
        if c.key not in values:
            continue
        v = values[c.key]
        if _same(v, c.value):
            continue
        if c.kind == "military":
            new, old = MILITARY_CHOICES[v], MILITARY_CHOICES[c.value]
            for inst, flag, before in zip(c.targets, new, old, strict=True):
                if flag != before:
                    out[f"package.instruments.{inst}.enabled"] = flag
        elif c.kind == "number":
            out[c.key] = round(float(v)) if c.integer else float(v)
        else:
            out[c.key] = v
    return out
