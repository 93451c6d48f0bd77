"""Compare policies across an ensemble: each outcome's probability or mean, with a 95% interval.

Every successful run counts as one draw of the plausible worlds (sampled world and
replication together). Probabilities and means are over the runs that finished: when runs
failed, they are conditioned on a run finishing, and :func:`failure_note` says so with the
causes, so that a conditioned sample is never shown as the whole. A 0/1 outcome is reported
as a probability with the Wilson score interval (Wilson 1927; Agresti & Coull 1998), any
other as a mean with the Student-t interval. With an LHS design the runs are stratified, so
these intervals are if anything conservative; Sobol and Morris designs are built for
sensitivity indices, not for these probabilities.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from pactsim.errors import InputError
from pactsim.experiments.store import Store, q

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


def mean_interval(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and Student-t 95% interval (NaN bounds for fewer than two values)."""
    n = len(x)
    if n == 0:
        return (math.nan, math.nan, math.nan)
    m = float(np.mean(x))
    if n < 2:
        return (m, math.nan, math.nan)
    from scipy.stats import t

    half = float(t.ppf(0.975, n - 1) * np.std(x, ddof=1) / math.sqrt(n))
    return (m, m - half, m + half)


def scenario_outcomes(store: Store) -> list[dict[str, Any]]:
    """The outcomes declared in the stored scenario (name, direction, description)."""
    try:
        doc = yaml.safe_load(store.provenance().get("scenario_text") or "") or {}
    except yaml.YAMLError:
        return []
    return [o for o in doc.get("outcomes") or [] if isinstance(o, dict) and "name" in o]


def compare(store: Store, outcomes: list[str] | None = None) -> pd.DataFrame:
    """One row per (outcome, policy): kind ('probability' | 'mean'), n, estimate, low, high,
    direction and description. Outcomes default to the scenario's declared outcomes that the
    runs report (all reported ones when none is declared)."""
    stored = store.outcome_names()
    declared = {o["name"]: o for o in scenario_outcomes(store)}
    if outcomes is None:
        outcomes = [o for o in declared if o in stored] or stored
    missing = [o for o in outcomes if o not in stored]
    if missing:
        raise InputError(
            f"{store.path}: no outcome {', '.join(missing)} (have: {', '.join(stored)})"
        )
    runs = store.runs()
    if runs.empty:
        counts = store.counts()
        if counts["stored"] == 0:
            raise InputError(
                f"{store.path}: no runs are stored yet; run the ensemble command again to run them"
            )
        raise InputError(
            f"{store.path}: none of the {counts['stored']} stored runs finished, so there is "
            f"nothing to compare. {causes(store)}"
        )
    rows = []
    for name in outcomes:
        # an outcome is a probability when every run of every policy gives 0 or 1
        every = runs[name].dropna().to_numpy(dtype=float)
        binary = len(every) > 0 and bool(np.all((every == 0) | (every == 1)))
        for pol in store.policies():
            sel = runs["policy"].isna() if pol is None else runs["policy"] == pol
            x = runs.loc[sel, name].dropna().to_numpy(dtype=float)
            if binary and len(x):
                k, n = int(x.sum()), len(x)
                lo, hi = wilson(k, n)
                est, kind = k / n, "probability"
            else:
                est, lo, hi = mean_interval(x)
                kind = "mean"
            rows.append(
                {
                    "outcome": name,
                    "policy": pol,
                    "kind": kind,
                    "n": len(x),
                    "estimate": est,
                    "low": lo,
                    "high": hi,
                    "direction": declared.get(name, {}).get("direction", "info"),
                    "description": declared.get(name, {}).get("description", ""),
                }
            )
    return pd.DataFrame(rows)


def causes(store: Store, limit: int = 3, width: int = 240) -> str:
    """The failed runs' causes in one sentence: the most frequent ``limit`` kinds of error
    (:meth:`Store.failures`), each with how many runs, worlds and which policies."""
    fails = store.failures()
    if fails.empty:
        return ""
    parts = []
    for _, r in fails.head(limit).iterrows():
        pols = ", ".join("(as written)" if p is None else str(p) for p in r["policies"])
        text = str(r["error"])
        text = text if len(text) <= width else text[: width - 3] + "..."
        parts.append(
            f"{r['runs']} run{'s' if r['runs'] != 1 else ''} in {r['worlds']} "
            f"world{'s' if r['worlds'] != 1 else ''} ({pols}): {text}"
        )
    more = len(fails) - limit
    tail = f"; and {more} other kind{'s' if more != 1 else ''} of error" if more > 0 else ""
    return (
        "Errors: "
        + "; ".join(parts)
        + tail
        + " (every message is in the runs table, status = 'error')."
    )


def failure_note(store: Store) -> str | None:
    """What a table of probabilities must say when runs failed or are missing, else None:
    how many failed and why, and that every figure is over the runs that finished (conditioned
    on a run finishing, not the whole sample); how many are not stored yet."""
    c = store.counts()
    notes = []
    if c["failed"]:
        notes.append(
            f"{c['failed']} of {c['stored']} runs failed (in {c['worlds_failed']} of "
            f"{c['worlds']} worlds); probabilities and means are over the {c['ok']} that "
            "finished, so they are conditioned on a run finishing, not over every sampled "
            f"world. {causes(store)}"
        )
    if c["missing"]:
        notes.append(
            f"{c['missing']} of {c['expected']} runs are not stored yet (the ensemble was "
            "interrupted): run the ensemble command again to finish it."
        )
    return " ".join(notes) or None


def main_series(store: Store, limit: int = 3) -> list[str]:
    """The series shown as envelopes: the reform, threat and cost lines when present, else the
    first numeric columns."""
    have = store.query(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'series' ORDER BY ordinal_position"
    )
    numeric = [
        c
        for c, t in zip(have["column_name"], have["data_type"], strict=True)
        if c not in ("experiment_id", "replication", "month")
        and t in ("DOUBLE", "BIGINT", "INTEGER", "FLOAT")
    ]
    from pactsim.engagement import stored_outputs

    outputs = stored_outputs(store.provenance().get("scenario_text"))
    preferred = [c for c in (outputs.headline() if outputs else []) if c in numeric]
    return (preferred or numeric)[:limit]


def envelopes(store: Store, column: str) -> pd.DataFrame:
    """Per policy and month: the 5%, 50% and 95% quantiles of ``column`` over all runs."""
    c = f"s.{q(column)}"
    return store.query(
        f"SELECT e.policy, s.month, quantile_cont({c}, 0.05) AS p05, "
        f"quantile_cont({c}, 0.5) AS p50, quantile_cont({c}, 0.95) AS p95 "
        "FROM series s JOIN experiments e USING (experiment_id) "
        "GROUP BY e.policy, s.month ORDER BY e.policy, s.month"
    )


def plot(store: Store, table: pd.DataFrame, path: str | Path, max_outcomes: int = 4) -> Path:
    """Outcome distributions per policy (top row) and monthly envelopes of the main series
    (bottom row: median and 5-95% band), written as one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = list(dict.fromkeys(table["outcome"]))[:max_outcomes]
    series = main_series(store)
    ncols = max(len(outcomes), len(series), 1)
    fig, axes = plt.subplots(2, ncols, figsize=(4 * ncols, 7), squeeze=False)
    runs = store.runs()
    pols = store.policies()
    labels = ["(as written)" if p is None else p for p in pols]
    for j, name in enumerate(outcomes):
        ax = axes[0][j]
        data = [
            runs.loc[(runs["policy"].isna() if p is None else runs["policy"] == p), name]
            .dropna()
            .to_numpy()
            for p in pols
        ]
        rows = table[table["outcome"] == name]
        if (rows["kind"] == "probability").all():
            est = rows["estimate"].to_numpy()
            err = np.vstack([est - rows["low"].to_numpy(), rows["high"].to_numpy() - est])
            err = np.clip(np.nan_to_num(err), 0.0, None)
            ax.bar(range(len(pols)), est, yerr=err, capsize=4, color="tab:blue", alpha=0.7)
            ax.set_ylim(0, 1)
            ax.set_ylabel("probability")
        else:
            ax.boxplot(data, showfliers=False)
            ax.set_xticks(range(1, len(pols) + 1))
        ticks = (
            range(len(pols)) if (rows["kind"] == "probability").all() else range(1, len(pols) + 1)
        )
        ax.set_xticks(list(ticks), labels, rotation=30, ha="right", fontsize=8)
        ax.set_title(name, fontsize=9)
    for j in range(len(outcomes), ncols):
        axes[0][j].axis("off")
    for j, col in enumerate(series):
        ax = axes[1][j]
        env = envelopes(store, col)
        for pol, label in zip(pols, labels, strict=True):
            e = env[env["policy"].isna()] if pol is None else env[env["policy"] == pol]
            line = ax.plot(e["month"], e["p50"], label=label)[0]
            ax.fill_between(e["month"], e["p05"], e["p95"], color=line.get_color(), alpha=0.2)
        ax.set_title(f"{col} (median, 5-95%)", fontsize=9)
        ax.set_xlabel("month")
        if j == 0:
            ax.legend(fontsize=8)
    for j in range(len(series), ncols):
        axes[1][j].axis("off")
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def export(store: Store, fmt: str, directory: str | Path) -> list[Path]:
    """Write each table (provenance, experiments, runs, series) as ``<table>.<fmt>`` in
    ``directory`` (created), plus ``provenance.json``."""
    import json

    if fmt not in ("parquet", "csv"):
        raise InputError(f"--format: expected parquet or csv (got '{fmt}')")
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    with store._con() as con:
        for table in ("provenance", "experiments", "runs", "series"):
            target = out / f"{table}.{fmt}"
            path = str(target).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM {table}) TO '{path}' ({options})")
            written.append(target)
    meta = out / "provenance.json"
    meta.write_text(json.dumps(store.provenance(), indent=2) + "\n")
    written.append(meta)
    return written
