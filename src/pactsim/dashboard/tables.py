"""The tables the pages show, built from the scenario and run results as DataFrames.

Numbers are formatted once, by :func:`fmt`, so what the page shows can be compared exactly
with a run made outside the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from pactsim.scenario import Scenario

LAB = "lab"


def fmt(x: Any) -> str:
    """A number as the dashboard shows it: whole numbers with thousands separators, others with
    one decimal from 100 up and three below; NaN and None as a dash."""
    if x is None:
        return "-"
    if isinstance(x, bool):
        return str(int(x))
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return "-"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v.is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:,.1f}" if abs(v) >= 100 else f"{v:.3f}"


def policy_label(policy: str | None) -> str:
    """How a policy is named on the page (None is the file as written)."""
    return "as written" if policy is None else policy


# ------------------------------------------------------------------------------ scenario view
def issues_frame(sc: Scenario) -> pd.DataFrame:
    """One row per issue: its scale's ends in words, status quo, whether it is a reform."""
    return pd.DataFrame(
        [
            {
                "issue": i.id,
                "name": i.name,
                "0 means": i.low,
                "100 means": i.high,
                "status quo": i.status_quo,
                "reform": "yes" if i.reform else "no",
            }
            for i in sc.issues
        ]
    )


def actors_frame(sc: Scenario, issue: str) -> pd.DataFrame:
    """The actors with a position on ``issue``: position, capability, salience and their product
    (the weight the compromise and median models give each actor)."""
    t = sc.actor_table(issue)
    roles = {a.id: a.role for a in sc.actors}
    return pd.DataFrame(
        {
            "actor": t.ids,
            "name": t.names,
            "role": [roles[i] for i in t.ids],
            "position": t.position,
            "capability": t.capability,
            "salience": t.salience,
            "capability x salience": t.capability * t.salience,
        }
    )


def council_frame(sc: Scenario) -> pd.DataFrame:
    """The council's factions with weight, veto, Shapley-Shubik and Banzhaf indices (exact,
    :func:`pactsim.models.factions.power_indices`), principled share, ideal and kappa."""
    from pactsim.models.factions import power_indices

    council = sc.factions
    if council is None:
        return pd.DataFrame()
    members = council.members
    power = power_indices(
        [m.weight for m in members], council.quota, veto=[m.veto for m in members]
    )
    reforms = [i.id for i in sc.issues if i.reform]
    rows = []
    for j, m in enumerate(members):
        row: dict[str, Any] = {
            "faction": m.id,
            "name": m.name,
            "weight": m.weight,
            "veto": "yes" if m.veto else "no",
            "Shapley-Shubik": power.shapley[j],
            "Banzhaf": power.banzhaf[j],
            "principled share": m.principled_share,
        }
        for issue in reforms:
            row[f"ideal {issue}"] = m.ideal.get(issue, math.nan)
            row[f"kappa {issue}"] = m.kappa.get(issue, math.nan)
        rows.append(row)
    return pd.DataFrame(rows)


def instruments_frame(sc: Scenario) -> pd.DataFrame:
    """The package's instruments: kind, value, disbursement mode and conditions."""
    if sc.package is None:
        return pd.DataFrame()
    rows = []
    for k in sc.package.instruments:
        if k.mode == "milestone":
            cond = "; ".join(f"{m.share:.0%} at {m.issue} >= {m.level:g}" for m in k.milestones)
        elif k.mode == "reciprocal":
            cond = "full flow at " + ", ".join(f"{i} {v:g}" for i, v in k.targets.items())
        else:
            cond = f"paid over the first {k.upfront_months} months"
        rows.append(
            {
                "instrument": k.id,
                "kind": k.kind,
                "enabled": "yes" if k.enabled else "no",
                "value [USD M]": k.value,
                "mode": k.mode,
                "conditions": cond,
                "money": "yes" if k.money else "no",
                "source": k.source,
            }
        )
    return pd.DataFrame(rows)


def parameters_frame(sc: Scenario) -> pd.DataFrame:
    """Every numeric parameter with its meaning and its source or "assumption"."""
    from pactsim.scenario.summary import parameter_rows

    return pd.DataFrame(parameter_rows(sc))


def uncertainties_frame(sc: Scenario) -> pd.DataFrame:
    """The ranges an ensemble samples, with why."""
    return pd.DataFrame(
        [
            {
                "path": u.path,
                "low": u.low,
                "high": u.high,
                "distribution": u.dist,
                "why": "; ".join(
                    x
                    for x in (
                        u.source and f"source: {u.source}",
                        u.assumption and f"assumption: {u.assumption}",
                    )
                    if x
                )
                or "assumption",
            }
            for u in sc.uncertainties
        ]
    )


# ----------------------------------------------------------------------------------- results
def outcome_names(sc: Scenario, summaries: list[Mapping[str, float]]) -> list[str]:
    """The scenario's declared outcomes the runs report, else every reported one."""
    have: dict[str, None] = {}
    for s in summaries:
        have.update(dict.fromkeys(s))
    declared = [o.name for o in sc.outcomes if o.name in have]
    return declared or list(have)


def outcome_table(sc: Scenario, results: Mapping[str, Any]) -> pd.DataFrame:
    """One row per outcome, one column per run (label -> RunResult), numbers as :func:`fmt`."""
    summaries = [r.summary for r in results.values()]
    described = {o.name: o for o in sc.outcomes}
    rows = []
    for name in outcome_names(sc, summaries):
        o = described.get(name)
        row = {"outcome": name, "better": _arrow(o.direction if o else "info")}
        for label, res in results.items():
            row[label] = fmt(res.summary.get(name))
        row["meaning"] = o.description if o else ""
        rows.append(row)
    return pd.DataFrame(rows).set_index("outcome") if rows else pd.DataFrame()


def _arrow(direction: str) -> str:
    return {"maximize": "higher", "minimize": "lower"}.get(direction, "")


def series_long(results: Mapping[str, Any], columns: list[str]) -> pd.DataFrame:
    """Monthly values of ``columns`` for every run, long: policy, month, series, value."""
    frames = []
    for label, res in results.items():
        s = res.series
        cols = [c for c in columns if c in s.columns]
        if not cols:
            continue
        long = s.melt(id_vars=["month"], value_vars=cols, var_name="series", value_name="value")
        long.insert(0, "policy", label)
        frames.append(long)
    if not frames:
        return pd.DataFrame(columns=["policy", "month", "series", "value"])
    return pd.concat(frames, ignore_index=True)


def numeric_series(results: Mapping[str, Any]) -> list[str]:
    """The numeric monthly columns the runs share (month excluded), in the first run's order."""
    cols: list[str] | None = None
    for res in results.values():
        s = res.series
        mine = [c for c in s.columns if c != "month" and pd.api.types.is_numeric_dtype(s[c])]
        cols = mine if cols is None else [c for c in cols if c in mine]
    return cols or []


def default_series(columns: list[str], limit: int = 4, sc: Any | None = None) -> list[str]:
    """The series shown first: the scenario's declared headline series (adopted reforms,
    the extremists' strength, cost) that the runs have, else the first columns."""
    preferred: list[str] = []
    if sc is not None:
        from pactsim.engagement import declared_outputs

        preferred = [c for c in declared_outputs(sc).headline() if c in columns]
    return (preferred or columns)[:limit]
