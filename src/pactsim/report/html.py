"""A self-contained HTML report of an ensemble: one file, plots embedded, nothing fetched.

The report answers the scenario's question from a results store
(:mod:`pactsim.experiments.store`): the question and the scenario with every parameter and its
source or "assumption"; the policies compared with 95% intervals
(:mod:`pactsim.experiments.compare`); monthly envelopes; sensitivity (Spearman rank correlations
for any design, Sobol or Morris indices by SALib when the ensemble used that sampler); scenario
discovery (PRIM, Friedman & Fisher 1999; Bryant & Lempert 2010), both under the scenario's main
policy (its ``report`` section); and a verdict on each claim of the scenario's ``claims``
section, computed from the runs (:mod:`pactsim.report.verdicts`; a scenario without claims gets
no verdicts). Figures are matplotlib PNGs embedded as base64 data URIs; the page has no script
and no external reference.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pactsim.errors import InputError
from pactsim.report.series import strength_columns
from pactsim.report.verdicts import (
    UNDECIDED,
    Verdict,
    assess,
    fmt_interval,
)

DPI = 90
MAX_OUTCOMES = 12
MAX_SENSITIVITY_OUTCOMES = 6
QP_ALPHA = 0.05  # Bryant & Lempert's quasi-p threshold for a box limit that matters
ALL_REACHED = "reached_all_36m"  # the run's "every success level reached" outcome
BADGE = {
    "supported": "ok",
    "not supported": "no",
    "depends": "dep",
    "not assessed": "na",
}
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1100px;
margin:0 auto;padding:1em 1.5em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;
margin-top:2em}h3{margin-top:1.4em}
table{border-collapse:collapse;margin:.6em 0;font-size:.86em;width:100%}
th,td{border:1px solid #ddd;padding:.25em .45em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;white-space:nowrap}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
pre{background:#f7f7f7;padding:.8em;overflow-x:auto;max-height:40em}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85em;color:#555}
blockquote{margin:.4em 0 .4em 1em;padding-left:.8em;border-left:3px solid #ccc;color:#444;
font-style:italic}
.badge{display:inline-block;padding:.05em .5em;border-radius:.6em;font-weight:600;
font-size:.9em;white-space:nowrap}
.ok{background:#d9f2dd;color:#14532d}.no{background:#fbdcdc;color:#7f1d1d}
.dep{background:#fdf0cf;color:#713f12}.na{background:#e5e7eb;color:#374151}
.muted{color:#666;font-size:.9em}nav ol{columns:2}
"""


# --------------------------------------------------------------------------- small helpers
def esc(x: Any) -> str:
    """HTML-escaped text of anything."""
    return html.escape("" if x is None else str(x), quote=True)


def num(x: Any, digits: int = 4) -> str:
    """A number in compact form ("n/a" for NaN or None)."""
    if x is None:
        return "n/a"
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(f):
        return "n/a"
    return f"{f:.{digits}g}"


def png_uri(fig: Any) -> str:
    """A matplotlib figure as a PNG data URI (the figure is closed)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def file_uri(path: str | Path) -> str:
    """A PNG written by a result's ``plot(path)`` as a data URI."""
    data = Path(path).read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def figure(uri: str, alt: str, caption: str = "") -> str:
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{uri}" alt="{esc(alt)}">{cap}</figure>'


def table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """An HTML table; cells are given already escaped."""
    numeric = numeric or set()
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _label(policy: Any) -> str:
    return (
        "(as written)"
        if policy is None or (isinstance(policy, float) and math.isnan(policy))
        else str(policy)
    )


# ------------------------------------------------------------------------------ the context
@dataclass
class Context:
    """Everything read once from the store for the sections."""

    store: Any
    provenance: dict[str, Any]
    scenario: Any | None
    runs: pd.DataFrame
    policies: list[str | None]
    outcomes: list[str]
    declared: dict[str, dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    @property
    def settings(self) -> Any | None:
        """The scenario's ``report`` section (None without a stored scenario)."""
        return self.scenario.report if self.scenario is not None else None

    @property
    def main_policy(self) -> str | None:
        """The policy the sensitivity and scenario discovery run under
        (:func:`choose_main_policy`)."""
        return choose_main_policy(self)[0]

    @property
    def main_outcome(self) -> str | None:
        named = self.settings.main_outcome if self.settings is not None else None
        if named in self.outcomes:
            return named
        if ALL_REACHED in self.outcomes:
            return ALL_REACHED
        for name, o in self.declared.items():
            if o.get("direction") == "maximize" and name in self.outcomes:
                return name
        return self.outcomes[0] if self.outcomes else None

    def report_outcomes(self) -> list[str]:
        """Declared outcomes the runs report (plus ``reached_all_36m``), else every outcome."""
        names = [o for o in self.declared if o in self.outcomes]
        if ALL_REACHED in self.outcomes and ALL_REACHED not in names:
            names.insert(0, ALL_REACHED)
        return (names or self.outcomes)[:MAX_OUTCOMES]


def choose_main_policy(ctx: Context) -> tuple[str | None, str]:
    """The policy the sensitivity and scenario discovery run under, and why: the scenario's
    ``report.main_policy`` when the store has it, else the first stored policy other than the
    baseline (``report.baseline``, else the first policy); None for runs of the file as
    written."""
    from pactsim.scenario.claims import baseline_and_main

    names = [p for p in ctx.policies if p is not None]
    if not names:
        return None, "the scenario as written (the ensemble ran no named policy)"
    settings = ctx.settings
    baseline, main = baseline_and_main(settings, names)
    wanted = settings.main_policy if settings is not None else None
    if wanted is not None and wanted == main:
        return main, "the scenario's main policy (report.main_policy)"
    if main == baseline:
        return main, "the only policy in the store"
    why = (
        f"the scenario's report.main_policy '{wanted}' is not in this store, so "
        if wanted is not None
        else "the scenario names no report.main_policy, so "
    )
    named = settings.baseline if settings is not None else None
    base = "report.baseline" if named == baseline else "the first policy: no report.baseline"
    return main, why + f"the first policy other than the baseline '{baseline}' ({base})"


def _context(store: Any) -> Context:
    from pactsim.experiments.compare import scenario_outcomes

    prov = store.provenance()
    scenario = None
    notes = []
    text = prov.get("scenario_text")
    if text:
        try:
            from pactsim.scenario import from_text

            scenario = from_text(text, str(prov.get("scenario_origin") or "<store>"))
        except Exception as exc:  # a store from an older format: report without it
            notes.append(f"The stored scenario could not be read again ({exc}).")
    declared = {o["name"]: o for o in scenario_outcomes(store)}
    return Context(
        store=store,
        provenance=prov,
        scenario=scenario,
        runs=store.runs(),
        policies=store.policies(),
        outcomes=store.outcome_names(),
        declared=declared,
        notes=notes,
    )


# --------------------------------------------------------------------------------- sections
def section_question(ctx: Context) -> str:
    sc = ctx.scenario
    prov = ctx.provenance
    parts = []
    if sc is not None and sc.meta.question:
        parts.append(f"<p><strong>Question.</strong> {esc(sc.meta.question)}</p>")
    if sc is not None and sc.meta.description:
        parts.append(f"<p>{esc(sc.meta.description)}</p>")
    counts = ctx.store.counts()
    rows = [
        ["scenario", esc(f"{prov.get('scenario_name')} ({prov.get('scenario_origin')})")],
        ["scenario hash", f"<code>{esc(prov.get('scenario_hash'))}</code>"],
        [
            "start, horizon",
            esc(f"{sc.meta.start}, {prov.get('months') or sc.meta.months} months")
            if sc is not None
            else esc(prov.get("months")),
        ],
        ["model", f"<code>{esc(prov.get('model'))}</code>"],
        [
            "design",
            esc(
                f"{prov.get('sampler')} sampler, {prov.get('samples')} samples -> "
                f"{prov.get('n_worlds')} sampled worlds, "
                f"{prov.get('replications')} replication(s), seed {prov.get('seed')}"
            ),
        ],
        [
            "runs",
            esc(
                f"{counts['expected']} expected: {counts['ok']} finished, "
                f"{counts['failed']} failed (in {counts['worlds_failed']} of "
                f"{counts['worlds']} worlds), {counts['missing']} not run yet"
            ),
        ],
        ["seeds", esc(prov.get("seeds"))],
        ["pactsim version", esc(prov.get("version"))],
        ["command", f"<code>{esc(prov.get('command'))}</code>"],
        ["created", esc(prov.get("created"))],
    ]
    parts.append(table(["", ""], rows))
    if counts["failed"]:
        from pactsim.experiments.compare import causes

        parts.append(
            f'<p class="dep"><strong>{counts["failed"]} of {counts["stored"]} runs failed'
            f"</strong> (in {counts['worlds_failed']} of {counts['worlds']} sampled worlds). "
            f"Every figure and verdict below is over the {counts['ok']} runs that finished: "
            "it is conditioned on a run finishing, not computed over every sampled world. "
            f"{esc(causes(ctx.store))}</p>"
        )
    if counts["missing"]:
        parts.append(
            f'<p class="muted">The ensemble is incomplete ({counts["missing"]} of '
            f"{counts['expected']} runs not run yet): every figure and verdict below uses "
            "the runs stored so far.</p>"
        )
    return "".join(parts)


def _sources_sentence(ctx: Context, verdicts: list[Verdict]) -> str:
    """Where the claims come from: the source article's citation when they share one."""
    keys = list(dict.fromkeys(v.source for v in verdicts))
    sources = ctx.scenario.meta.sources if ctx.scenario is not None else {}
    if len(keys) == 1 and keys[0] in sources:
        return f"The claims are quoted from the source article: {esc(sources[keys[0]])}"
    return "The claims are quoted from the scenario's sources (<a href='#scenario'>Sources</a>)."


def section_summary(ctx: Context, verdicts: list[Verdict]) -> str:
    rows = [
        [
            esc(v.claim),
            f'<span class="badge {BADGE[v.status]}">{esc(v.verdict)}</span>',
            f'<a href="#claim-{esc(v.claim_id)}">evidence</a>',
        ]
        for v in verdicts
    ]
    return (
        f"<p>{_sources_sentence(ctx, verdicts)} Each was turned into comparisons in the stored "
        'ensemble and judged by fixed rules (see <a href="#verdicts">Verdicts</a>).</p>'
        + table(["claim", "verdict", ""], rows)
    )


def _policy_levers(policy: Any) -> str:
    if not policy.levers:
        return "<span class='muted'>the file as written</span>"
    return "<br>".join(f"<code>{esc(k)}</code> = {esc(v)}" for k, v in policy.levers.items())


def _fmt_cell(kind: str, est: float, lo: float, hi: float) -> str:
    if kind == "probability":
        if not math.isfinite(lo):
            return f"{100 * est:.0f}%"
        return f"{100 * est:.0f}% ({100 * lo:.0f}&ndash;{100 * hi:.0f})"
    return esc(fmt_interval(est, lo, hi))


def _uniform_kinds(tab: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """An outcome that is 0/1 under some policies only (e.g. a cost of 0 without a package)
    is shown as a mean with a Student-t interval under every policy."""
    from pactsim.experiments.compare import mean_interval

    tab = tab.copy()
    for name, rows in tab.groupby("outcome", sort=False):
        if rows["kind"].nunique() < 2:
            continue
        for i, r in rows.iterrows():
            sel = runs["policy"].isna() if r["policy"] is None else runs["policy"] == r["policy"]
            m, lo, hi = mean_interval(runs.loc[sel, name].dropna().to_numpy(dtype=float))
            tab.loc[i, ["kind", "estimate", "low", "high"]] = ["mean", m, lo, hi]
    return tab


def comparison_figure(tab: pd.DataFrame, outcomes: list[str]) -> str:
    """One small panel per outcome: each policy's estimate with its 95% interval."""
    plt = _plt()
    ncols = 3
    nrows = max(1, math.ceil(len(outcomes) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(10, 1.9 * nrows + 0.3), squeeze=False)
    for i, name in enumerate(outcomes):
        ax = axes[i // ncols][i % ncols]
        rows = tab[tab["outcome"] == name]
        y = np.arange(len(rows))[::-1]
        est = rows["estimate"].to_numpy(dtype=float)
        lo = np.nan_to_num(est - rows["low"].to_numpy(dtype=float))
        hi = np.nan_to_num(rows["high"].to_numpy(dtype=float) - est)
        ax.errorbar(
            est,
            y,
            xerr=np.clip(np.vstack([lo, hi]), 0, None),
            fmt="o",
            ms=4,
            capsize=3,
            color="tab:blue",
        )
        ax.set_yticks(y, [_label(p) for p in rows["policy"]], fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        unit = ""
        if (rows["kind"] == "probability").all():
            unit = " [probability]"
            ax.set_xlim(-0.03, 1.03)
        ax.set_title(name + unit, fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    for j in range(len(outcomes), nrows * ncols):
        axes[j // ncols][j % ncols].axis("off")
    fig.tight_layout()
    return png_uri(fig)


def section_policies(ctx: Context) -> str:
    from pactsim.experiments.compare import compare

    parts = []
    sc = ctx.scenario
    rows = []
    for p in ctx.policies:
        pol = sc.policies.get(p) if (sc is not None and p is not None) else None
        rows.append(
            [
                f"<code>{esc(_label(p))}</code>",
                esc(pol.description if pol is not None else ""),
                _policy_levers(pol) if pol is not None else "",
            ]
        )
    parts.append(table(["policy", "description", "levers set"], rows))
    outcomes = ctx.report_outcomes()
    if not outcomes or ctx.runs.empty:
        return "".join(parts) + "<p>No successful runs are stored yet.</p>"
    tab = _uniform_kinds(compare(ctx.store, outcomes), ctx.runs)
    parts.append(
        "<p>Each successful run counts as one draw of the plausible worlds. A 0/1 outcome is "
        "shown as a probability with its Wilson 95% interval, any other as a mean with its "
        "Student-t 95% interval.</p>"
    )
    head = ["outcome", *[_label(p) for p in ctx.policies]]
    body = []
    for name in outcomes:
        sel = tab[tab["outcome"] == name]
        cells = [
            _fmt_cell(r["kind"], r["estimate"], r["low"], r["high"]) for _, r in sel.iterrows()
        ]
        desc = ctx.declared.get(name, {})
        label = f"<code>{esc(name)}</code>"
        if desc.get("description"):
            label += f"<br><span class='muted'>{esc(desc['description'])}"
            if desc.get("direction") in ("maximize", "minimize"):
                label += f" ({esc(desc['direction'])})"
            label += "</span>"
        body.append([label, *cells])
    parts.append(table(head, body, numeric=set(range(1, len(head)))))
    parts.append(
        figure(
            comparison_figure(tab, outcomes),
            "outcomes by policy with 95% intervals",
            "Each outcome by policy: estimate and 95% interval.",
        )
    )
    return "".join(parts)


def series_columns(store: Any, limit: int = 8, scenario: Any | None = None) -> list[str]:
    """The monthly series shown as envelopes: the scenario's declared headline series (reforms,
    the extremists' strength, cost), attacks, hardship, legitimacy and the first two tension
    lines when present, else the first numeric columns."""
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
    if scenario is not None:
        from pactsim.engagement import declared_outputs

        preferred = [c for c in declared_outputs(scenario).headline() if c in numeric]
    else:
        preferred = [c for c in numeric if c.startswith("reform_")]
        preferred += strength_columns(numeric, scenario)[:1]
    preferred += [
        c
        for c in (
            "attacks_home",
            "attacks_abroad",
            "cost_cumulative",
            "hardship",
            "legitimacy",
        )
        if c in numeric
    ]
    preferred += [c for c in numeric if c.startswith("tension_")][:2]
    return (preferred or numeric)[:limit]


def envelope_figure(ctx: Context, columns: list[str]) -> str:
    """Median and 5-95% band over runs, per policy and month, one small panel per series."""
    from pactsim.experiments.compare import envelopes

    plt = _plt()
    ncols = 2
    nrows = max(1, math.ceil(len(columns) / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(10, 2.4 * nrows + 0.4), squeeze=False, sharex=True
    )
    for i, col in enumerate(columns):
        ax = axes[i // ncols][i % ncols]
        env = envelopes(ctx.store, col)
        for k, pol in enumerate(ctx.policies):
            e = env[env["policy"].isna()] if pol is None else env[env["policy"] == pol]
            color = f"C{k % 10}"
            ax.plot(e["month"], e["p50"], color=color, lw=1.3, label=_label(pol))
            ax.fill_between(e["month"], e["p05"], e["p95"], color=color, alpha=0.15, lw=0)
        ax.set_title(col, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for j in range(len(columns), nrows * ncols):
        axes[j // ncols][j % ncols].axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("month", fontsize=8)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="upper center",
        ncol=min(len(labels), 5),
        fontsize=8,
        bbox_to_anchor=(0.5, 1.0),
    )
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return png_uri(fig)


def section_envelopes(ctx: Context) -> str:
    cols = series_columns(ctx.store, scenario=ctx.scenario)
    if not cols or ctx.runs.empty:
        return "<p>No monthly series are stored.</p>"
    return figure(
        envelope_figure(ctx, cols),
        "monthly envelopes by policy",
        "Monthly series by policy: median (line) and 5-95% band over all runs.",
    )


def rank_correlations(x: pd.DataFrame, y: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spearman rank correlation of each column of ``x`` with each column of ``y`` and the
    half-width of its 95% interval by Fisher's z with the Fieller, Hartley & Pearson (1957)
    standard error 1.06 / sqrt(n - 3)."""
    from scipy.stats import spearmanr

    rho = pd.DataFrame(index=x.columns, columns=y.columns, dtype=float)
    half = rho.copy()
    for o in y.columns:
        for p in x.columns:
            a, b = x[p].to_numpy(dtype=float), y[o].to_numpy(dtype=float)
            ok = np.isfinite(a) & np.isfinite(b)
            if ok.sum() < 4 or np.ptp(a[ok]) == 0 or np.ptp(b[ok]) == 0:
                continue
            r = float(spearmanr(a[ok], b[ok]).statistic)
            rho.loc[p, o] = r
            se = 1.06 / math.sqrt(max(int(ok.sum()) - 3, 1))
            z = math.atanh(max(min(r, 0.999999), -0.999999))
            half.loc[p, o] = (math.tanh(z + 1.96 * se) - math.tanh(z - 1.96 * se)) / 2
    return rho, half


def _short(name: str, width: int = 40) -> str:
    return name if len(name) <= width else "..." + name[-(width - 3) :]


def correlation_figure(rho: pd.DataFrame) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(0.75 * len(rho.columns) + 4.5, 0.28 * len(rho) + 1.8))
    data = rho.to_numpy(dtype=float)
    im = ax.imshow(np.nan_to_num(data), cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    ax.set_yticks(range(len(rho)), [_short(i) for i in rho.index], fontsize=7)
    ax.set_xticks(range(len(rho.columns)), list(rho.columns), rotation=30, ha="right", fontsize=7)
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            if math.isfinite(data[i, j]):
                ax.text(
                    j,
                    i,
                    f"{data[i, j]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if abs(data[i, j]) > 0.6 else "black",
                )
    fig.colorbar(im, ax=ax, label="Spearman rank correlation", shrink=0.8)
    fig.tight_layout()
    return png_uri(fig)


def section_sensitivity(ctx: Context) -> str:
    policy = ctx.main_policy
    names = [
        p["path"] for p in ctx.provenance.get("parameters", []) if p.get("dist") != "categorical"
    ]
    if not names or ctx.runs.empty:
        return "<p>The ensemble sampled no numeric parameter.</p>"
    outcomes = [o for o in ctx.report_outcomes() if o in ctx.outcomes]
    exp = ctx.store.experiments()
    sel = exp[exp["policy"].isna()] if policy is None else exp[exp["policy"] == policy]
    x = sel.sort_values("world").set_index("world")[names]
    runs = ctx.runs
    rsel = runs[runs["policy"].isna()] if policy is None else runs[runs["policy"] == policy]
    y = rsel.groupby("world")[outcomes].mean().reindex(x.index)
    rho, half = rank_correlations(x, y)
    varying = [o for o in outcomes if rho[o].notna().any()]
    rho, half = rho[varying], half[varying]
    outcomes = (
        varying[:MAX_SENSITIVITY_OUTCOMES]
        if ctx.provenance.get("sampler") in ("sobol", "morris")
        else varying
    )
    if not varying:
        return "<p>No outcome varies over the sampled worlds under this policy.</p>"
    parts = [
        f"<p>Under policy <code>{esc(_label(policy))}</code> ({esc(choose_main_policy(ctx)[1])}): "
        "the Spearman rank correlation "
        "between each sampled parameter and each outcome (averaged over replications), over "
        f"{len(x)} sampled worlds. Red: the outcome rises with the parameter; blue: it falls. "
        "The table lists, for each outcome, the parameters whose 95% interval excludes zero, "
        "strongest first.</p>",
        figure(
            correlation_figure(rho),
            "rank correlations of parameters and outcomes",
            "Spearman rank correlation of each sampled parameter with each outcome.",
        ),
    ]
    rows = []
    for o in outcomes:
        col = rho[o].dropna()
        sig = [p for p in col.index if abs(col[p]) > half.loc[p, o]]
        sig.sort(key=lambda p: -abs(col[p]))
        text = ", ".join(
            f"<code>{esc(p)}</code> {col[p]:+.2f} (&plusmn;{half.loc[p, o]:.2f})" for p in sig[:5]
        )
        rows.append([f"<code>{esc(o)}</code>", text or "<span class='muted'>none</span>"])
    parts.append(table(["outcome", "parameters that matter (rank correlation, 95%)"], rows))
    parts.append(_salib_indices(ctx, policy, outcomes))
    return "".join(parts)


def paired_differences(
    ctx: Context, policy: str | None, other: str | None, outcome: str
) -> pd.Series:
    """Per sampled world: ``outcome`` under ``policy`` minus under ``other`` (each the mean over
    its finished replications); worlds where either has no finished run are left out."""
    runs = ctx.runs

    def by_world(p: str | None) -> pd.Series:
        sel = runs[runs["policy"].isna()] if p is None else runs[runs["policy"] == p]
        return sel.groupby("world")[outcome].mean()

    return (by_world(policy) - by_world(other)).dropna()


def section_flips(ctx: Context) -> str:
    """For each headline comparison (the main policy against every other), whether its sign
    changes inside the sampled ranges, along which parameter and where
    (:func:`pactsim.analysis.flips.find_flips`)."""
    from pactsim.analysis.flips import find_flips

    main = ctx.main_policy
    others = [p for p in ctx.policies if p != main]
    names = [
        p["path"] for p in ctx.provenance.get("parameters", []) if p.get("dist") != "categorical"
    ]
    if main is None or not others or not names or ctx.runs.empty:
        return "<p>There is no comparison of policies over sampled parameters to examine.</p>"
    exp = ctx.store.experiments()
    params = exp[exp["policy"] == main].drop_duplicates("world").set_index("world")[names]
    outcomes = [o for o in ctx.report_outcomes() if o in ctx.outcomes][:6]
    rows = []
    for other in others:
        for outcome in outcomes:
            d = paired_differences(ctx, main, other, outcome)
            if d.empty or float(d.abs().max()) == 0.0:
                continue
            x = params.reindex(d.index)
            flips = find_flips(x, d.to_numpy())
            mean = float(d.mean())
            if flips:
                f = flips[0]
                where = (
                    f"flips along <code>{esc(f.parameter)}</code> at about {num(f.at, 3)}: "
                    f"{num(f.below, 3)} below, {num(f.above, 3)} above ({f.worlds} worlds each)"
                )
                if len(flips) > 1:
                    more = ", ".join(f"<code>{esc(g.parameter)}</code>" for g in flips[1:4])
                    where += f"; also along {more}"
            else:
                where = "<span class='muted'>no flip inside the sampled ranges</span>"
            rows.append(
                [
                    f"<code>{esc(_label(main))}</code> &minus; <code>{esc(_label(other))}</code>",
                    f"<code>{esc(outcome)}</code>",
                    num(mean, 3),
                    where,
                ]
            )
    if not rows:
        return "<p>No comparison differs between the policies in any sampled world.</p>"
    intro = (
        f"<p>Each headline comparison is the paired difference, world by world, of an outcome "
        f"under the main policy <code>{esc(_label(main))}</code> and under another. It flips "
        "along a sampled parameter when the mean difference over the worlds in one quarter of "
        "the parameter's range has the other sign than in another quarter, both at least two "
        "standard errors from zero. With few worlds a quarter is coarse: read a flip as where "
        "to look, and confirm it with a one-at-a-time sweep (<code>pactsim run --set</code>).</p>"
    )
    return intro + table(["comparison", "outcome", "mean difference", "where it flips"], rows, {2})


def _salib_indices(ctx: Context, policy: str | None, outcomes: list[str]) -> str:
    """Sobol or Morris indices of the main outcome when the ensemble's design allows them."""
    sampler = ctx.provenance.get("sampler")
    if sampler not in ("sobol", "morris"):
        return (
            f"<p class='muted'>Variance-based (Sobol) and elementary-effects (Morris) indices "
            f"need an ensemble run with <code>--sampler sobol</code> or "
            f"<code>--sampler morris</code>; this one used <code>{esc(sampler)}</code>.</p>"
        )
    from pactsim.analysis.sensitivity import morris_indices, sobol_indices

    problem = ctx.provenance["problem"]
    parts = []
    for outcome in outcomes[:2]:
        y = ctx.store.outcomes_matrix(policy, outcome)
        try:
            if np.isnan(y).any():
                raise InputError(f"{int(np.isnan(y).sum())} sampled worlds have no run")
            if sampler == "sobol":
                res = sobol_indices(problem, y, outcome=outcome)
            else:
                res = morris_indices(problem, ctx.store.design_matrix(policy), y, outcome=outcome)
        except InputError as exc:
            parts.append(
                f"<p class='muted'>{esc(sampler)} indices of {esc(outcome)}: "
                f"not computed ({esc(exc)}).</p>"
            )
            continue
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "sens.png"
            res.plot(str(path))
            uri = file_uri(path)
        parts.append(f"<h3>{esc(sampler.capitalize())} indices of {esc(outcome)}</h3>")
        parts.append(
            figure(
                uri,
                f"{sampler} indices of {outcome}",
                f"{sampler.capitalize()} indices (SALib) under policy "
                f"{_label(policy)}, with bootstrap 95% intervals.",
            )
        )
    return "".join(parts)


def section_discovery(ctx: Context) -> str:
    policy, outcome = ctx.main_policy, ctx.main_outcome
    if outcome is None or ctx.runs.empty:
        return "<p>No outcome to discover scenarios for.</p>"
    runs = ctx.runs
    rsel = runs[runs["policy"].isna()] if policy is None else runs[runs["policy"] == policy]
    # the main outcome, else the first declared "maximize" outcome whose failures are neither
    # (almost) none nor (almost) all of the runs: PRIM has nothing to separate otherwise
    candidates = [outcome] + [
        o
        for o, d in ctx.declared.items()
        if d.get("direction") == "maximize" and o in ctx.outcomes and o != outcome
    ]
    candidates[1:] = sorted(candidates[1:], key=lambda o: not _is_binary(rsel[o]))
    skipped = []
    for name in candidates:
        outcome, condition, values, ok = _failure_condition(ctx, rsel, name)
        share = float(np.mean(_condition_mask(condition, values[ok]))) if ok.any() else 0.0
        if 0.05 <= share <= 0.95:
            break
        skipped.append(f"{condition} holds in {share:.0%} of the runs")
    else:
        outcome, condition, values, ok = _failure_condition(ctx, rsel, candidates[0])
        skipped = []
    names = [p["path"] for p in ctx.provenance.get("parameters", [])]
    exp = ctx.store.experiments().set_index("experiment_id")
    x = exp.loc[rsel["experiment_id"], names].reset_index(drop=True)[ok]
    from pactsim.analysis.discovery import discover

    try:
        res = discover(x, values[ok], condition)
    except InputError as exc:
        return f"<p>Scenario discovery was not possible: {esc(exc)}</p>"
    note = (
        f"<p class='muted'>Not used, nothing to separate: {esc('; '.join(skipped))}.</p>"
        if skipped
        else ""
    )
    intro = note + (
        f"<p>Where does the package fail? PRIM boxes of sampled parameters where "
        f"<code>{esc(condition)}</code> under policy <code>{esc(_label(policy))}</code> "
        f"({esc(choose_main_policy(ctx)[1])}; {res.n_interest} of {res.n_runs} runs, "
        f"{res.n_interest / max(res.n_runs, 1):.0%}). "
        "Coverage: share of the failing runs inside the box; density: share of the runs inside "
        "the box that fail.</p>"
    )
    if not res.boxes:
        msg = res.info.get("message") or (
            f"no box reaches a density of {res.threshold:.0%}: failure is not concentrated in "
            "any region of the sampled parameters"
        )
        return intro + f"<p>{esc(msg)}.</p>"
    parts = [intro]
    for k, box in enumerate(res.boxes, 1):
        parts.append(
            f"<h3>Box {k}: coverage {box.coverage:.0%}, density {box.density:.0%}, "
            f"mass {box.mass:.0%} ({box.n} runs)</h3>"
        )
        rows = []
        for name, lim in box.limits.iterrows():
            if lim["values"] is not None and not isinstance(lim["values"], float):
                rng = ", ".join(esc(v) for v in lim["values"])
                full = ""
            else:
                rng = f"{num(lim['lower'])} &ndash; {num(lim['upper'])}"
                full = f"{num(lim['min'])} &ndash; {num(lim['max'])}"
            qps = [
                float(q)
                for q in (lim["qp_lower"], lim["qp_upper"])
                if q is not None and math.isfinite(float(q))
            ]
            qp = min(qps) if qps else math.nan
            mark = "yes" if qp < QP_ALPHA else "<span class='muted'>no</span>"
            rows.append(
                (
                    qp if math.isfinite(qp) else 2.0,
                    [f"<code>{esc(name)}</code>", rng, full, num(qp, 2), mark],
                )
            )
        rows.sort(key=lambda r: r[0])
        parts.append(
            table(
                ["parameter", "box", "sampled range", "quasi-p", "significant"],
                [r for _, r in rows],
            )
        )
        sig = [r[1][0] for r in rows if r[0] < QP_ALPHA]
        parts.append(
            "<p>Restrictions that matter (quasi-p below "
            f"{QP_ALPHA:g}): {', '.join(sig) if sig else 'none'}. A restriction with a larger "
            "quasi-p is likely to be noise of the peeling.</p>"
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prim.png"
        res.plot(str(path))
        parts.append(
            figure(
                file_uri(path),
                "PRIM peeling trajectory and box limits",
                "PRIM: peeling trajectory (left) and the limits of each box on "
                "the parameters' sampled ranges (right).",
            )
        )
    return "".join(parts)


def _failure_condition(
    ctx: Context, rsel: pd.DataFrame, outcome: str
) -> tuple[str, str, np.ndarray, np.ndarray]:
    """The condition under which ``outcome`` counts as a failure: a 0/1 outcome below 0.5, any
    other on the wrong side of its median (by the outcome's declared direction)."""
    values = rsel[outcome].to_numpy(dtype=float)
    ok = np.isfinite(values)
    binary = bool(np.all((values[ok] == 0) | (values[ok] == 1)))
    direction = ctx.declared.get(outcome, {}).get("direction", "maximize")
    threshold = 0.5 if binary else (float(np.median(values[ok])) if ok.any() else 0.0)
    op = "<" if direction != "minimize" else ">"
    return outcome, f"{outcome} {op} {threshold:g}", values, ok


def _is_binary(x: pd.Series) -> bool:
    v = x.dropna().to_numpy(dtype=float)
    return len(v) > 0 and bool(np.all((v == 0) | (v == 1)))


def _condition_mask(condition: str, values: np.ndarray) -> np.ndarray:
    from pactsim.analysis.condition import parse_condition

    return parse_condition(condition)(values)


def section_verdicts(ctx: Context, verdicts: list[Verdict]) -> str:
    parts = [
        f"<p>{_sources_sentence(ctx, verdicts)} The claims, their quotes, mechanisms and checks "
        "are the scenario's <code>claims</code> section; the verdicts are computed from the "
        "stored runs by the rules of <code>pactsim.report.verdicts</code>: each check is a "
        "paired difference between policies (same sampled world and seed), a split of a "
        "sampled parameter's range at its median (of an outcome, or of a paired difference "
        "between policies) adjusted for the other sampled parameters (least squares on their "
        "ranks, so that a chance correlation between sampled parameters is not read as an "
        "effect; the plain split is shown beside it), or the share of sampled worlds in which "
        "a policy's runs meet a condition, against a stated level, with a 95% interval over "
        "the sampled worlds (n counts worlds; a world's runs are averaged). A claim is "
        "<em>supported</em> when every check holds, <em>not supported</em> when a check's "
        "interval includes zero or lies on the wrong side (for a share: on the wrong side of "
        "its level, or not inside its band, e.g. "
        f"{100 * UNDECIDED[0]:.0f}-{100 * UNDECIDED[1]:.0f}% for an answer that is undecided), "
        "and <em>depends on</em> a parameter when a check holds in one half of that "
        "parameter's sampled range but not in the other (Bonferroni-corrected test of the "
        "difference between the halves). The parameters that decide a share are those whose "
        "halves differ significantly (same correction).</p>"
    ]
    for v in verdicts:
        parts.append(
            f'<h3 id="claim-{esc(v.claim_id)}">{esc(v.claim)} '
            f'<span class="badge {BADGE[v.status]}">{esc(v.verdict)}</span></h3>'
        )
        parts.append(f"<blockquote>&ldquo;{esc(v.quote)}&rdquo;</blockquote>")
        parts.append(
            f"<p class='muted'>Source: <code>{esc(v.source)}</code>. "
            f"Mechanism: {esc(v.mechanism)}.</p><ul>"
        )
        for c in v.checks:
            parts.append(f"<li>{esc(c.text())}</li>")
        for n in v.notes:
            parts.append(f"<li class='muted'>{esc(n)}.</li>")
        parts.append("</ul>")
        for c in v.checks:
            if c.drivers:
                parts.append(drivers_table(c.drivers))
    return "".join(parts)


MAX_DRIVERS = 6  # rows of the table of parameters that decide a share


def drivers_table(rows: list[dict[str, Any]]) -> str:
    """The parameters whose halves differ most on a share (largest |z| first; those past the
    Bonferroni level decide it), as a table."""
    body = []
    for d in rows[:MAX_DRIVERS]:
        e = d["effect"]
        body.append(
            [
                f"<code>{esc(d['parameter'])}</code>",
                num(d["split"]),
                f"{100 * e.value:+.1f} ({100 * e.low:+.1f} to {100 * e.high:+.1f})",
                f"{d['z']:.1f}",
                "yes" if d["significant"] else "no",
            ]
        )
    crit = rows[0]["z_critical"]
    return (
        f"<p class='muted'>Which sampled parameters decide it: the share above minus at or "
        f"below each parameter's median, in points (Welch 95% interval over worlds); a "
        f"parameter decides it when |z| exceeds {crit:.2f} (5%, Bonferroni over "
        f"{len(rows)} parameters).</p>"
        + table(
            ["parameter", "split at", "above minus at or below [points]", "z", "decides"],
            body,
            numeric={1, 2, 3},
        )
    )


def section_scenario(ctx: Context) -> str:
    sc = ctx.scenario
    if sc is None:
        return "<p>The scenario text is not stored with this ensemble.</p>"
    from pactsim.scenario.summary import parameter_rows

    sampled = {p["path"]: p for p in ctx.provenance.get("parameters", [])}
    parts = ["<h3>Sampled uncertainties and levers</h3>"]
    rows = []
    for p in ctx.provenance.get("parameters", []):
        if p.get("dist") == "categorical":
            rng = ", ".join(esc(v) for v in p.get("values") or [])
        else:
            rng = f"{num(p.get('low'))} &ndash; {num(p.get('high'))}"
        why = p.get("source") or ""
        unc = next((u for u in sc.uncertainties if u.path == p["path"]), None)
        if unc is not None:
            bits = []
            if unc.source:
                bits.append(f"source: {unc.source}")
            if unc.assumption:
                bits.append(f"assumption: {unc.assumption}")
            why = "; ".join(bits) or "assumption"
        rows.append(
            [f"<code>{esc(p['path'])}</code>", esc(p.get("dist")), rng, esc(why or "assumption")]
        )
    parts.append(
        table(["parameter", "distribution", "range", "source or assumption"], rows)
        if rows
        else "<p>None: every run uses the file's values.</p>"
    )
    prows = parameter_rows(sc)
    parts.append(
        f"<h3>Every parameter ({len(prows)})</h3><p>Value in the scenario file, meaning (with "
        "unit) and source; &ldquo;assumption&rdquo; where no source gives the value. A "
        "parameter sampled above takes its value from its range instead.</p>"
    )
    rows = [
        [
            f"<code>{esc(r['path'])}</code>",
            esc(r["value"])
            + (" <span class='muted'>(sampled)</span>" if r["path"] in sampled else ""),
            esc(r["meaning"]),
            esc(r["provenance"]),
        ]
        for r in prows
    ]
    parts.append(
        table(["parameter", "value", "meaning", "source or assumption"], rows, numeric={1})
    )
    if sc.meta.sources:
        parts.append("<h3>Sources</h3><ul>")
        parts.extend(
            f"<li><code>{esc(k)}</code>: {esc(v)}</li>" for k, v in sc.meta.sources.items()
        )
        parts.append("</ul>")
    text = ctx.provenance.get("scenario_text") or ""
    parts.append(
        f"<details><summary>The scenario file as run</summary><pre>{esc(text)}</pre></details>"
    )
    return "".join(parts)


# ------------------------------------------------------------------------------------ build
SECTIONS = (
    ("question", "Question and ensemble"),
    ("summary", "Verdicts at a glance"),
    ("policies", "Policies compared"),
    ("envelopes", "Monthly envelopes"),
    ("sensitivity", "Sensitivity"),
    ("flips", "Where the comparisons flip"),
    ("discovery", "Scenario discovery"),
    ("verdicts", "Verdicts on the claims"),
    ("scenario", "Scenario and parameters"),
)
VERDICT_SECTIONS = ("summary", "verdicts")


def render(store: Any) -> tuple[str, list[Verdict]]:
    """The report's HTML text and the verdicts it contains, from a store (or its path)."""
    if isinstance(store, str | Path):
        from pactsim.experiments.store import open_store

        store = open_store(store)
    ctx = _context(store)
    verdicts = assess(store, ctx.scenario) if ctx.scenario is not None else []
    bodies = {
        "question": section_question(ctx),
        "summary": section_summary(ctx, verdicts),
        "policies": section_policies(ctx),
        "envelopes": section_envelopes(ctx),
        "sensitivity": section_sensitivity(ctx),
        "flips": section_flips(ctx),
        "discovery": section_discovery(ctx),
        "verdicts": section_verdicts(ctx, verdicts),
        "scenario": section_scenario(ctx),
    }
    sc = ctx.scenario
    title = (sc.meta.title if sc is not None and sc.meta.title else None) or str(
        ctx.provenance.get("scenario_name") or "ensemble"
    )
    # a scenario without claims gets no verdict sections (VERDICT_SECTIONS)
    shown = [(k, t) for k, t in SECTIONS if verdicts or k not in VERDICT_SECTIONS]
    nav = "".join(f'<li><a href="#{k}">{esc(t)}</a></li>' for k, t in shown)
    notes = "".join(f"<p class='muted'>{esc(n)}</p>" for n in ctx.notes)
    content = "".join(f'<section id="{k}"><h2>{esc(t)}</h2>{bodies[k]}</section>' for k, t in shown)
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} - pactsim report</title><style>{CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p class='muted'>pactsim ensemble report, written "
        f"{esc(now)} from <code>{esc(Path(store.path).name)}</code>.</p>{notes}</header>"
        f"<nav><ol>{nav}</ol></nav>{content}"
        "<footer><p class='muted'>Made with pactsim. Every number above is computed from the "
        "stored runs; rerun the command in the first table to reproduce them.</p></footer>"
        "</body></html>\n"
    )
    return page, verdicts


def write_report(store: Any, out: str | Path) -> tuple[Path, list[Verdict]]:
    """Write the report of ``store`` (a Store or a path) to ``out``; returns the path and the
    verdicts."""
    target = Path(out)
    if target.exists() and target.is_dir():
        raise InputError(f"--out {target}: is a directory, expected an .html file path")
    page, verdicts = render(store)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return target, verdicts
