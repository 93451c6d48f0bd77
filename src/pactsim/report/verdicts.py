"""Verdicts on the seed's claims, computed from a stored ensemble (docs/report.md).

A claim is turned into one or more *checks*, each an effect with a 95% interval:

- a **policy contrast**: outcome under policy A minus outcome under policy B, paired by world and
  replication (the ensemble gives every policy the same sampled world and the same seed, so the
  difference is a common-random-numbers contrast), averaged over replications in each world;
  mean over worlds with a Student-t interval;
- a **parameter effect**: the outcome averaged over each world's runs (of the given policies),
  the effect of moving a sampled parameter from the lower half of its sampled values (at or
  below the median) to the upper half, *adjusted for the other sampled parameters*: the slope
  on the parameter's rank in a least-squares fit over worlds with an intercept and the ranks of
  every other sampled parameter, times the difference between the halves' mean ranks
  (:func:`adjusted_split`, OLS t interval), so that a chance correlation in the sample between
  the parameter and another that drives the outcome is not read as the parameter's effect;
- a **contrast split**: a policy contrast's per-world difference split the same way (adjusted
  too): how the parameter changes what the policy does, with each world's own baseline
  removed;
- a **share of worlds**: the share of sampled worlds in which a policy reaches a 0/1 outcome (a
  world's replications averaged), with Wilson's interval over worlds; the claim that "it is too
  early to tell" holds when that interval lies inside ``UNDECIDED`` (neither almost never nor
  almost always), and the parameters whose halves differ most are listed as what decides it.

The sampled worlds are the independent units (runs of one world share its parameters); ``n`` in
the evidence counts worlds. Groups (each policy's probability or mean) are described over runs.

A check *holds* when its interval lies on the claimed side of zero, is *reversed* when it lies on
the other side, and is *null* otherwise ("not greater" checks hold unless the interval lies above
zero). Each check is then repeated in the two halves of every other sampled parameter: when the
check holds in one half but not in the other (or holds in both but is less than a quarter as
large in one, ``WEAK_SHARE``) and the difference between the halves is significant (|z| above the
Bonferroni-corrected two-sided 5% level over the parameters tried; each half needs at least
``MIN_HALF_WORLDS`` worlds), the check *depends on* that parameter (the one with the largest
|z|). A claim is **supported** when every check holds, **not supported** when a check is null or
reversed, and **depends on <parameter>** when no check fails and one depends; it is **not
assessed** when the store lacks a policy, outcome or parameter a check needs, or has fewer than
``MIN_WORLDS`` sampled worlds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

HOLDS, REVERSED, NULL, DEPENDS, NOT_ASSESSED = (
    "holds",
    "reversed",
    "null",
    "depends",
    "not assessed",
)
DIRECTIONS = ("greater", "less", "not_greater", "between")
MIN_WORLDS = 4  # fewer sampled worlds than this: no interval worth reporting
MIN_HALF_WORLDS = 10  # a parameter's half with fewer worlds is not searched for a moderator
REACH = "reached_all_36m"
WEAK_SHARE = 0.25  # an effect below this share of the other half's counts as absent (assumption)
UNDECIDED = (0.05, 0.95)  # a share inside this band is neither "almost never" nor "almost always"
SIZE = "package size (sum of the sampled package.instruments.*.value)"


# ------------------------------------------------------------------------------------ data
@dataclass
class VerdictData:
    """What the rules read: one row per successful run (``world``, ``replication``, ``policy``,
    each outcome, each numeric sampled parameter) and the names of those parameters."""

    runs: pd.DataFrame
    parameters: list[str]

    def policies(self) -> list[str]:
        return [p for p in dict.fromkeys(self.runs["policy"].dropna())]

    def missing(self, policies: Sequence[str] = (), outcomes: Sequence[str] = ()) -> str | None:
        """Why a check cannot run here (None when it can)."""
        have = set(self.policies())
        lacking = [f"policy '{p}'" for p in policies if p not in have]
        lacking += [f"outcome '{o}'" for o in outcomes if o not in self.runs.columns]
        return "the store has no " + ", ".join(lacking) if lacking else None


def verdict_data(store: Any) -> VerdictData:
    """Runs of a :class:`~pactsim.experiments.store.Store` joined with their numeric sampled
    parameters (categorical levers are left out: they cannot be split at a median)."""
    runs = store.runs()
    exp = store.experiments()
    numeric = [
        p["path"]
        for p in store.provenance().get("parameters", [])
        if p.get("dist") != "categorical" and p["path"] in exp.columns
    ]
    cols = ["experiment_id", *numeric]
    merged = runs.merge(exp[cols], on="experiment_id", how="left", suffixes=("", "_param"))
    return VerdictData(merged, numeric)


# ------------------------------------------------------------------------------- estimates
@dataclass(frozen=True)
class Estimate:
    """An effect (or a group mean) with its 95% interval, standard error and number of runs."""

    value: float
    low: float
    high: float
    se: float
    n: int
    df: float = math.inf  # degrees of freedom of se (finite for an adjusted split)


def mean_estimate(x: np.ndarray) -> Estimate:
    """Mean with a Student-t 95% interval (a zero-width interval when every value is equal)."""
    from scipy.stats import t

    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0)
    m = float(x.mean())
    if n < 2:
        return Estimate(m, math.nan, math.nan, math.nan, n)
    se = float(x.std(ddof=1) / math.sqrt(n))
    half = float(t.ppf(0.975, n - 1)) * se
    return Estimate(m, m - half, m + half, se, n)


def welch_estimate(a: np.ndarray, b: np.ndarray) -> Estimate:
    """mean(a) - mean(b) with Welch's 95% interval."""
    from scipy.stats import t

    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return Estimate(math.nan, math.nan, math.nan, math.nan, na + nb)
    va, vb = a.var(ddof=1) / na, b.var(ddof=1) / nb
    d = float(a.mean() - b.mean())
    se = math.sqrt(va + vb)
    if se == 0:
        return Estimate(d, d, d, 0.0, na + nb)
    df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    half = float(t.ppf(0.975, df)) * se
    return Estimate(d, d - half, d + half, se, na + nb)


MIN_RESIDUAL_DF = 3  # an adjusted split needs this many worlds beyond its coefficients


def _ranks(x: np.ndarray) -> np.ndarray:
    """Ranks scaled to 0-1 and centred (ties get their mean rank)."""
    from scipy.stats import rankdata

    r = rankdata(x) / len(x)
    return r - r.mean()


def adjusted_split(y: np.ndarray, x: np.ndarray, split: float, covariates: np.ndarray) -> Estimate:
    """The effect on ``y`` of moving ``x`` from the lower half of its sampled values (at or
    below ``split``) to the upper half, adjusted for the other sampled parameters: an ordinary
    least-squares fit over worlds of ``y`` on an intercept, the rank of ``x`` and the ranks of
    each column of ``covariates`` (ranks scaled to 0-1), whose coefficient on ``x``'s rank is
    multiplied by the difference between the mean ranks of the two halves (0.5 when they are
    equal in size); the usual OLS standard error, scaled alike, gives a Student-t 95% interval
    on n - k degrees of freedom. A chance correlation in the sample between ``x`` and a strong
    other parameter thus no longer passes for ``x``'s effect (the coefficient is the slope on
    the part of ``x`` the others do not explain: Frisch-Waugh-Lovell). NaN (with n) when the
    fit has fewer than ``MIN_RESIDUAL_DF`` residual degrees of freedom or ``x`` lies in the
    span of the covariates."""
    from scipy.stats import t

    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    cov = np.asarray(covariates, dtype=float).reshape(len(y), -1)
    keep = np.isfinite(y) & np.isfinite(x) & np.all(np.isfinite(cov), axis=1)
    y, x, cov = y[keep], x[keep], cov[keep]
    n = len(y)
    nan = Estimate(math.nan, math.nan, math.nan, math.nan, n)
    high = x > split
    if n == 0 or high.all() or not high.any():
        return nan
    rx = _ranks(x)
    scale = float(rx[high].mean() - rx[~high].mean())
    cols = [np.ones(n), rx, *(_ranks(c) for c in cov.T if np.unique(c).size > 1)]
    design = np.column_stack(cols)
    k = design.shape[1]
    if n - k < MIN_RESIDUAL_DF or np.linalg.matrix_rank(design) < k:
        return nan
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ beta
    dof = n - k
    s2 = float(resid @ resid) / dof
    d = float(beta[1]) * scale
    se = math.sqrt(max(s2 * float(np.linalg.inv(design.T @ design)[1, 1]), 0.0)) * scale
    if se == 0 or not math.isfinite(se):
        return Estimate(d, d, d, 0.0, n)
    half = float(t.ppf(0.975, dof)) * se
    return Estimate(d, d - half, d + half, se, n, float(dof))


def status_of(est: Estimate, direction: str) -> str:
    """holds / reversed / null for an effect whose claimed sign is ``direction`` ("between":
    a share whose interval lies inside ``UNDECIDED`` holds, one wholly outside it is reversed)."""
    if not math.isfinite(est.value) or not math.isfinite(est.low):
        return NULL
    if direction == "greater":
        return HOLDS if est.low > 0 else REVERSED if est.high < 0 else NULL
    if direction == "less":
        return HOLDS if est.high < 0 else REVERSED if est.low > 0 else NULL
    if direction == "not_greater":
        return REVERSED if est.low > 0 else HOLDS
    if direction == "between":
        lo, hi = UNDECIDED
        if est.low > lo and est.high < hi:
            return HOLDS
        return REVERSED if est.high < lo or est.low > hi else NULL
    raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")


# ----------------------------------------------------------------------------------- checks
@dataclass
class CheckResult:
    """One check of a claim: what was compared, its effect, the groups, and any moderator."""

    description: str
    direction: str
    status: str
    effect: Estimate | None = None
    groups: dict[str, Estimate] = field(default_factory=dict)
    moderator: dict[str, Any] | None = None
    reason: str = ""
    kind: str = "mean"  # "probability" when the outcome is 0/1, "share" for a share of worlds
    drivers: list[dict[str, Any]] | None = None  # parameters that decide a share (see drivers)
    note: str = ""  # what the check could not look at, in words
    adjusted_for: int = 0  # other sampled parameters the split was adjusted for (adjusted_split)
    plain: Estimate | None = None  # the split without that adjustment, for comparison

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        return doc

    def text(self) -> str:
        """The check and its numbers in one sentence."""
        if self.status == NOT_ASSESSED:
            return f"{self.description}: not assessed ({self.reason})."
        e = self.effect
        assert e is not None
        groups = "; ".join(f"{k} {_fmt_est(v, self.kind)}" for k, v in self.groups.items())
        if self.direction == "between":
            lo, hi = UNDECIDED
            out = (
                f"{self.description}: {_fmt_diff(e, self.kind)} (undecided when the interval "
                f"lies within {100 * lo:.0f}-{100 * hi:.0f}%) [{self.status}]"
            )
        else:
            out = f"{self.description}: {groups}; difference {_fmt_diff(e, self.kind)}"
            if self.adjusted_for:
                others = "parameter" if self.adjusted_for == 1 else "parameters"
                out += f", adjusted for the {self.adjusted_for} other sampled {others}"
                if self.plain is not None and math.isfinite(self.plain.value):
                    out += f" (plain split {_fmt_diff(self.plain, self.kind)})"
            out += f" [{self.status}]"
        m = self.moderator
        if m:
            what = (
                "it is undecided only"
                if self.direction == "between"
                else "the effect is concentrated"
            )
            out += (
                f"; {what} where {m['parameter']} is "
                f"{'above' if m['holds_in'] == 'high' else 'at or below'} {m['split']:.4g} "
                f"(at or below: {_fmt_diff(m['low'], self.kind)}; above: "
                f"{_fmt_diff(m['high'], self.kind)}; z = {m['z']:.1f})"
            )
        if self.drivers is not None:
            out += "; " + _drivers_text(self.drivers)
        if self.note:
            out += f"; {self.note}"
        return out + "."


def _decimals(low: float, high: float) -> int:
    """Decimals that show an interval's half-width to about two significant digits."""
    hw = (high - low) / 2
    if not math.isfinite(hw) or hw <= 0:
        return -1
    return int(min(6, max(0, 1 - math.floor(math.log10(hw)))))


def fmt_interval(value: float, low: float, high: float, sign: bool = False) -> str:
    """``value (low to high)`` with as many decimals as the interval's width warrants."""
    d = _decimals(low, high)
    s = "+" if sign else ""
    if not math.isfinite(value):
        return "n/a"
    if d < 0:
        return f"{value:{s}.4g}" if not math.isfinite(low) else f"{value:{s}.4g} (exact)"
    return f"{value:{s},.{d}f} ({low:{s},.{d}f} to {high:{s},.{d}f})"


def _fmt_est(e: Estimate, kind: str) -> str:
    if kind == "probability":
        if not math.isfinite(e.low):
            return f"{100 * e.value:.0f}%"
        return f"{100 * e.value:.0f}% ({100 * e.low:.0f}-{100 * e.high:.0f}%)"
    return fmt_interval(e.value, e.low, e.high)


def _fmt_diff(e: Estimate, kind: str) -> str:
    if kind == "share":
        return f"{100 * e.value:.0f}% ({100 * e.low:.0f}-{100 * e.high:.0f}%) of n = {e.n} worlds"
    if kind == "probability":
        return f"{100 * e.value:+.1f} points ({100 * e.low:+.1f} to {100 * e.high:+.1f}), n = {e.n}"
    return f"{fmt_interval(e.value, e.low, e.high, sign=True)}, n = {e.n}"


def _is_binary(x: pd.Series) -> bool:
    v = x.dropna().to_numpy(dtype=float)
    return len(v) > 0 and bool(np.all((v == 0) | (v == 1)))


def _group(x: np.ndarray, kind: str) -> Estimate:
    if kind != "probability":
        return mean_estimate(x)
    from pactsim.experiments.compare import wilson

    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    k, n = int(x.sum()), len(x)
    lo, hi = wilson(k, n)
    p = k / n if n else math.nan
    return Estimate(p, lo, hi, math.sqrt(p * (1 - p) / n) if n else math.nan, n)


def _moderate(
    df: pd.DataFrame,
    estimator: Callable[[pd.DataFrame], Estimate],
    direction: str,
    parameters: list[str],
    exclude: tuple[str, ...] = (),
) -> dict[str, Any] | None:
    """The sampled parameter whose halves disagree most significantly on whether the check
    holds (Bonferroni over the parameters tried), or None."""
    from scipy.stats import norm
    from scipy.stats import t as student

    worlds = df.drop_duplicates("world")
    tried = [p for p in parameters if p not in exclude and worlds[p].nunique() > 1]
    if not tried:
        return None
    level = 1 - 0.025 / len(tried)
    zcrit = float(norm.ppf(level))
    best: dict[str, Any] | None = None
    for p in tried:
        split = float(worlds[p].median())
        low_df, high_df = df[df[p] <= split], df[df[p] > split]
        if min(low_df["world"].nunique(), high_df["world"].nunique()) < MIN_HALF_WORLDS:
            continue
        lo, hi = estimator(low_df), estimator(high_df)
        s_lo, s_hi = status_of(lo, direction), status_of(hi, direction)
        if s_lo != HOLDS and s_hi != HOLDS:
            continue
        weak, strong = (lo, hi) if s_hi == HOLDS else (hi, lo)
        if s_lo == s_hi == HOLDS:
            if direction == "between":
                continue
            weak, strong = sorted((lo, hi), key=lambda e: abs(e.value))
            if abs(weak.value) >= WEAK_SHARE * abs(strong.value):
                continue
        se = math.hypot(lo.se, hi.se) if math.isfinite(lo.se) and math.isfinite(hi.se) else 0.0
        diff = hi.value - lo.value
        z = diff / se if se > 0 else (math.inf if diff != 0 else 0.0)
        # an adjusted half's error has few degrees of freedom: Student's t at the smaller
        crit = (
            zcrit if math.isinf(min(lo.df, hi.df)) else float(student.ppf(level, min(lo.df, hi.df)))
        )
        if abs(z) < crit or (best is not None and abs(z) <= abs(best["z"])):
            continue
        best = {
            "parameter": p,
            "split": split,
            "low": lo,
            "high": hi,
            "z": z,
            "z_critical": crit,
            "holds_in": "high" if strong is hi else "low",
        }
    return best


def _finish(
    result: CheckResult,
    df: pd.DataFrame,
    estimator: Callable[[pd.DataFrame], Estimate],
    parameters: list[str],
    exclude: tuple[str, ...] = (),
) -> CheckResult:
    effect = estimator(df)
    result.effect = effect
    if effect.n < MIN_WORLDS or not math.isfinite(effect.low):
        result.status = NOT_ASSESSED
        result.reason = f"only {effect.n} sampled worlds"
        if effect.n >= MIN_WORLDS and result.adjusted_for:
            result.reason += f", too few to adjust for {result.adjusted_for} other parameters"
        return result
    result.status = status_of(effect, result.direction)
    mod = _moderate(df, estimator, result.direction, parameters, exclude)
    if mod is not None:
        result.moderator = mod
        result.status = DEPENDS
    return result


def _paired_worlds(data: VerdictData, outcome: str, a: str, b: str) -> pd.DataFrame:
    """Per sampled world: the mean over replications of ``outcome`` under ``a`` minus under
    ``b`` in the same run seed (column ``difference``), with the world's parameters."""
    runs = data.runs
    keys = ["world", "replication"]
    ya = runs.loc[runs["policy"] == a, [*keys, outcome, *data.parameters]]
    yb = runs.loc[runs["policy"] == b, [*keys, outcome]]
    pairs = ya.merge(yb, on=keys, suffixes=("_a", "_b"))
    pairs["difference"] = pairs[f"{outcome}_a"] - pairs[f"{outcome}_b"]
    pairs = pairs.dropna(subset=["difference"])
    return pairs.groupby("world", as_index=False).agg(
        {"difference": "mean", **{p: "first" for p in data.parameters}}
    )


def policy_contrast(
    data: VerdictData, outcome: str, a: str, b: str, direction: str, label: str = ""
) -> CheckResult:
    """``outcome`` under policy ``a`` minus under ``b``, paired by world and replication; the
    claim is that the difference is ``direction`` ("greater", "less" or "not_greater") than 0."""
    desc = label or f"{outcome}: {a} vs {b}"
    why = data.missing([a, b], [outcome])
    if why:
        return CheckResult(desc, direction, NOT_ASSESSED, reason=why)
    runs = data.runs
    kind = "probability" if _is_binary(runs[outcome]) else "mean"
    pairs = _paired_worlds(data, outcome, a, b)

    def estimator(df: pd.DataFrame) -> Estimate:
        return mean_estimate(df["difference"].to_numpy(dtype=float))

    groups = {
        p: _group(runs.loc[runs["policy"] == p, outcome].to_numpy(dtype=float), kind)
        for p in (a, b)
    }
    res = CheckResult(desc, direction, NULL, groups=groups, kind=kind)
    return _finish(res, pairs, estimator, data.parameters)


def _split_missing(
    data: VerdictData, parameter: str, policies: Sequence[str], outcomes: Sequence[str]
) -> str | None:
    why = data.missing(list(policies), list(outcomes))
    if why is None and parameter not in data.parameters:
        why = f"the ensemble did not sample '{parameter}'"
    if why is None and data.runs.drop_duplicates("world")[parameter].nunique() < 2:
        why = f"'{parameter}' never varies"
    return why


def contrast_split(
    data: VerdictData,
    outcome: str,
    a: str,
    b: str,
    parameter: str,
    direction: str,
    label: str = "",
) -> CheckResult:
    """How ``parameter`` changes a policy contrast: the per-world paired difference (``a``
    minus ``b``, as in :func:`policy_contrast`) where ``parameter`` lies above the median of its
    sampled values minus where it lies at or below it, adjusted for the other sampled
    parameters (:func:`adjusted_split`); the claim is that this is ``direction``. Each world's
    baseline cancels in the pairing, so the split sees only what the parameter does to the
    policy's effect."""
    desc = label or f"{outcome}, {a} minus {b}: high vs low {parameter}"
    why = _split_missing(data, parameter, [a, b], [outcome])
    if why:
        return CheckResult(desc, direction, NOT_ASSESSED, reason=why)
    pairs = _paired_worlds(data, outcome, a, b)
    split = float(pairs[parameter].median())
    others = [p for p in data.parameters if p != parameter]

    def estimator(df: pd.DataFrame) -> Estimate:
        return adjusted_split(
            df["difference"].to_numpy(dtype=float),
            df[parameter].to_numpy(dtype=float),
            split,
            df[others].to_numpy(dtype=float),
        )

    groups = {
        f"where {parameter} <= {split:.4g}": mean_estimate(
            pairs.loc[pairs[parameter] <= split, "difference"].to_numpy(dtype=float)
        ),
        f"where > {split:.4g}": mean_estimate(
            pairs.loc[pairs[parameter] > split, "difference"].to_numpy(dtype=float)
        ),
    }
    res = CheckResult(desc, direction, NULL, groups=groups, adjusted_for=len(others))
    res.plain = _plain_split(pairs, "difference", parameter, split)
    return _finish(res, pairs, estimator, data.parameters, exclude=(parameter,))


def parameter_effect(
    data: VerdictData,
    outcome: str,
    parameter: str,
    direction: str,
    policies: list[str] | None = None,
    label: str = "",
) -> CheckResult:
    """Mean ``outcome`` with ``parameter`` above the median of its sampled values minus at or
    below it (runs of ``policies``, all when None; one value per world, its runs averaged),
    adjusted for the other sampled parameters (:func:`adjusted_split`); the claim is that it is
    ``direction``. The groups shown are the plain halves, over runs."""
    desc = label or f"{outcome}: high vs low {parameter}"
    why = _split_missing(data, parameter, policies or [], [outcome])
    if why:
        return CheckResult(desc, direction, NOT_ASSESSED, reason=why)
    runs = data.runs
    if policies:
        runs = runs[runs["policy"].isin(policies)]
    split = float(runs.drop_duplicates("world")[parameter].median())
    kind = "probability" if _is_binary(runs[outcome]) else "mean"

    worlds = runs.groupby("world", as_index=False).agg(
        {outcome: "mean", **{p: "first" for p in data.parameters}}
    )
    others = [p for p in data.parameters if p != parameter]

    def estimator(df: pd.DataFrame) -> Estimate:
        return adjusted_split(
            df[outcome].to_numpy(dtype=float),
            df[parameter].to_numpy(dtype=float),
            split,
            df[others].to_numpy(dtype=float),
        )

    groups = {
        f"{parameter} <= {split:.4g}": _group(
            runs.loc[runs[parameter] <= split, outcome].to_numpy(dtype=float), kind
        ),
        f"{parameter} > {split:.4g}": _group(
            runs.loc[runs[parameter] > split, outcome].to_numpy(dtype=float), kind
        ),
    }
    res = CheckResult(desc, direction, NULL, groups=groups, kind=kind, adjusted_for=len(others))
    res.plain = _plain_split(worlds, outcome, parameter, split)
    return _finish(res, worlds, estimator, data.parameters, exclude=(parameter,))


def _plain_split(worlds: pd.DataFrame, column: str, parameter: str, split: float) -> Estimate:
    """``column`` above minus at or below ``split`` of ``parameter`` (Welch), unadjusted."""
    y = worlds[column].to_numpy(dtype=float)
    high = worlds[parameter].to_numpy(dtype=float) > split
    return welch_estimate(y[high], y[~high])


def drivers(worlds: pd.DataFrame, outcome: str, parameters: list[str]) -> list[dict[str, Any]]:
    """Every sampled parameter's split of ``outcome`` (one row per world): mean above the
    median of its sampled values minus at or below it (Welch), with z = effect / se and whether
    |z| passes the Bonferroni-corrected two-sided 5% level over the parameters tried; largest
    |z| first. The significant ones are the parameters that decide the outcome."""
    from scipy.stats import norm

    tried = [p for p in parameters if p in worlds.columns and worlds[p].nunique() > 1]
    if not tried or worlds[outcome].nunique() < 2:
        return []
    zcrit = float(norm.ppf(1 - 0.025 / len(tried)))
    out = []
    for p in tried:
        split = float(worlds[p].median())
        y = worlds[outcome].to_numpy(dtype=float)
        high = worlds[p].to_numpy(dtype=float) > split
        est = welch_estimate(y[high], y[~high])
        if not math.isfinite(est.value):
            continue
        if est.se > 0:
            z = est.value / est.se
        else:  # every world agrees within each half: a difference is certain, none is none
            z = math.copysign(math.inf, est.value) if est.value != 0 else 0.0
        out.append(
            {
                "parameter": p,
                "split": split,
                "effect": est,
                "z": z,
                "z_critical": zcrit,
                "significant": abs(z) > zcrit,
            }
        )
    return sorted(out, key=lambda d: -abs(d["z"]))


def _drivers_text(rows: list[dict[str, Any]]) -> str:
    sig = [d for d in rows if d["significant"]]
    if not sig:
        if not rows:
            return "no sampled parameter decides it (the outcome or the parameters never vary)"
        top = rows[0]
        return (
            f"no sampled parameter decides it (largest |z| {abs(top['z']):.1f}, for "
            f"{top['parameter']}, below the Bonferroni level {top['z_critical']:.2f} over "
            f"{len(rows)} parameters)"
        )
    bits = [
        f"{d['parameter']} (above minus at or below {d['split']:.4g}: "
        f"{_fmt_diff(d['effect'], 'probability')}, z = {d['z']:.1f})"
        for d in sig
    ]
    return "decided by " + "; ".join(bits)


def world_share(data: VerdictData, outcome: str, policy: str, label: str = "") -> CheckResult:
    """Share of sampled worlds in which ``policy`` reaches the 0/1 ``outcome`` (each world's
    replications averaged), with Wilson's interval over worlds; the claim is that it is
    undecided (the interval lies inside ``UNDECIDED``). The parameters that decide it are
    listed (:func:`drivers`)."""
    desc = label or f"{outcome} under {policy}"
    why = data.missing([policy], [outcome])
    if why:
        return CheckResult(desc, "between", NOT_ASSESSED, reason=why)
    runs = data.runs[data.runs["policy"] == policy].dropna(subset=[outcome])
    worlds = runs.groupby("world", as_index=False).agg(
        {outcome: "mean", **{p: "first" for p in data.parameters}}
    )

    def estimator(df: pd.DataFrame) -> Estimate:
        from pactsim.experiments.compare import wilson

        y = df[outcome].to_numpy(dtype=float)
        n = len(y)
        if n == 0:
            return Estimate(math.nan, math.nan, math.nan, math.nan, 0)
        share = float(y.mean())
        lo, hi = wilson(float(y.sum()), n)  # type: ignore[arg-type]  # works for a fractional k
        return Estimate(share, lo, hi, math.sqrt(max(share * (1 - share), 0.0) / n), n)

    res = CheckResult(desc, "between", NULL, kind="share")
    res = _finish(res, worlds, estimator, data.parameters)
    if res.status != NOT_ASSESSED:
        res.drivers = drivers(worlds, outcome, data.parameters)
    return res


def with_package_size(data: VerdictData) -> tuple[VerdictData, list[str]]:
    """``data`` with a column ``SIZE``, the sum of the sampled instrument values
    (``package.instruments.<id>.value`` levers; instruments not sampled keep their fixed value,
    so the sum orders worlds by the package's size), and the levers summed (none: unchanged)."""
    levers = [
        p for p in data.parameters if p.startswith("package.instruments.") and p.endswith(".value")
    ]
    if not levers:
        return data, []
    runs = data.runs.copy()
    runs[SIZE] = runs[levers].sum(axis=1)
    return VerdictData(runs, [*data.parameters, SIZE]), levers


# --------------------------------------------------------------------------------- verdicts
@dataclass
class Verdict:
    """The verdict on one claim of the seed, with the checks that produced it."""

    claim_id: str
    claim: str
    quote: str
    mechanism: str
    status: str  # supported | not supported | depends | not assessed
    verdict: str  # the status in words: "depends on <parameter>", "not assessed: <why>"
    checks: list[CheckResult]

    @property
    def evidence(self) -> str:
        return " ".join(c.text() for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        doc = {k: v for k, v in asdict(self).items() if k != "checks"}
        doc["evidence"] = self.evidence
        doc["checks"] = [c.to_dict() for c in self.checks]
        return doc


def combine(
    claim_id: str, claim: str, quote: str, mechanism: str, checks: list[CheckResult]
) -> Verdict:
    """A claim's verdict from its checks (rules in the module docstring)."""
    missing = [c for c in checks if c.status == NOT_ASSESSED]
    failed = [c for c in checks if c.status in (NULL, REVERSED)]
    depends = [c for c in checks if c.status == DEPENDS]
    if missing:
        status = NOT_ASSESSED
        words = "not assessed: " + "; ".join(dict.fromkeys(c.reason for c in missing))
    elif failed:
        status, words = "not supported", "not supported"
    elif depends:
        params = dict.fromkeys(c.moderator["parameter"] for c in depends if c.moderator)
        status, words = "depends", "depends on " + ", ".join(params)
    else:
        status, words = "supported", "supported"
    return Verdict(claim_id, claim, quote, mechanism, status, words, checks)


def package_produces_reform(data: VerdictData) -> Verdict:
    """The package can bring the reform about: P(reached_all_36m) under ``milestone`` above
    ``no-package``."""
    return combine(
        "package",
        "The conditional package makes the reform more likely than no package.",
        "it could form part of a larger package deal aimed at eventually achieving that",
        "mechanisms 4, 6, 7",
        [
            policy_contrast(
                data,
                REACH,
                "milestone",
                "no-package",
                "greater",
                f"{REACH}, milestone vs no-package",
            )
        ],
    )


def conditionality_beats_bribery(data: VerdictData) -> Verdict:
    """Milestone conditionality reaches the reform more often than the same value paid up front
    (``bribery``)."""
    return combine(
        "conditionality",
        "Tying the package to milestones reaches the reform more often than paying the same "
        "value up front.",
        "mutually beneficial deals are being discussed instead of bribery",
        "mechanisms 4, 5",
        [
            policy_contrast(
                data, REACH, "milestone", "bribery", "greater", f"{REACH}, milestone vs bribery"
            )
        ],
    )


def reconstruction_reduces_extremism(data: VerdictData) -> Verdict:
    """The package lowers hardship and, through it, the extremists' final strength, against no
    package in the same worlds."""
    return combine(
        "reconstruction",
        "Reconstruction lowers hardship and so the extremists' strength.",
        "the gradual reconstruction of war-torn Afghanistan ... can reduce the appeal of "
        "extremist groups by preventing people from becoming so desperate that they turn to them",
        "mechanisms 1, 11",
        [
            policy_contrast(
                data,
                "hardship_final",
                "milestone",
                "no-package",
                "less",
                "hardship_final, milestone vs no-package",
            ),
            policy_contrast(
                data,
                "iskp_final",
                "milestone",
                "no-package",
                "less",
                "iskp_final, milestone vs no-package",
            ),
        ],
    )


def repair_thwarts_attacks(data: VerdictData) -> Verdict:
    """The package with the repair of armour and artillery lowers attacks at home."""
    return combine(
        "repair",
        "Repairing the regime's armour and artillery lowers the extremists' attacks at home.",
        "making sure that the equipment that the group already fields is capable of thwarting "
        "contemporary terrorist threats",
        "mechanisms 2, 3",
        [
            policy_contrast(
                data,
                "attacks_home_total",
                "milestone",
                "no-package",
                "less",
                "attacks_home_total, milestone vs no-package",
            )
        ],
    )


def repair_does_not_alarm_neighbours(data: VerdictData) -> Verdict:
    """Modern systems raise neighbours' peak tension above repair, and repair does not make a
    neighbour's reaction more likely than no package."""
    return combine(
        "neighbours",
        "Repair of old systems does not alarm Pakistan and Iran, while modern systems would.",
        "Pakistan and most recently Iran, shouldn't be alarmed if this happens since Russia "
        "isn't inclined to sell them modern equipment",
        "mechanism 8",
        [
            policy_contrast(
                data,
                "tension_peak_max",
                "modern-systems",
                "milestone",
                "greater",
                "tension_peak_max, modern-systems vs milestone",
            ),
            policy_contrast(
                data,
                "neighbour_reacted",
                "milestone",
                "no-package",
                "not_greater",
                "neighbour_reacted, milestone vs no-package",
            ),
        ],
    )


def belt_of_tension(data: VerdictData) -> Verdict:
    """A sponsor's inflow of fighters (``extremists.sponsor_inflow``, a range that includes 0)
    raises the extremists' peak strength and their attacks abroad."""
    p = "extremists.sponsor_inflow"
    return combine(
        "belt",
        "An outside sponsor's inflow of fighters strengthens the extremists and their attacks "
        "on the neighbours (whether such a sponsor exists is outside the model).",
        "to create a belt of tension to put pressure on Russia through our allies in Central "
        "Asia, on China through Xinjiang, and ... on Iran",
        "mechanism 9",
        [
            parameter_effect(data, "iskp_peak", p, "greater", label=f"iskp_peak, high vs low {p}"),
            parameter_effect(
                data,
                "attacks_abroad_total",
                p,
                "greater",
                label=f"attacks_abroad_total, high vs low {p}",
            ),
        ],
    )


def buying_off_creates_spoilers(data: VerdictData) -> Verdict:
    """Paying the council for reform leaves spoilers (factions' principled shares), and the
    more principled the leading faction, the more the package strengthens the extremists."""
    p = "factions.members.kandahar.principled_share"
    return combine(
        "spoilers",
        "Buying off the factions leaves principled spoilers, and they feed the extremists.",
        "Some members might always resist these changes out of principle, but many more could "
        "potentially be bought off",
        "mechanism 6",
        [
            policy_contrast(
                data,
                "spoilers_final",
                "milestone",
                "no-package",
                "greater",
                "spoilers_final, milestone vs no-package",
            ),
            contrast_split(
                data,
                "iskp_peak",
                "milestone",
                "no-package",
                p,
                "greater",
                f"iskp_peak, milestone minus no-package: high vs low {p}",
            ),
        ],
    )


def _reform_issues(data: VerdictData) -> list[str]:
    cols = data.runs.columns
    return [
        c[len("reform_") : -len("_36m")]
        for c in cols
        if c.startswith("reform_") and c.endswith("_36m")
    ]


def side_payments_buy_reform(data: VerdictData) -> Verdict:
    """A larger side-payment share (``package.side_payment_share``: the budget the leading
    faction can pass to its rivals) raises every reform adopted by month 36 under the package."""
    p = "package.side_payment_share"
    issues = _reform_issues(data) or ["<issue>"]
    return combine(
        "side-payments",
        "A larger budget for the leading faction to share with its rivals buys more reform.",
        "incentivizing the Taliban's leading faction to find ways in which its internal rivals "
        "could benefit from these forms of cooperation",
        "mechanism 7",
        [
            parameter_effect(
                data,
                f"reform_{i}_36m",
                p,
                "greater",
                ["milestone"],
                f"reform_{i}_36m under milestone, high vs low {p}",
            )
            for i in issues
        ],
    )


def reforms_raise_legitimacy(data: VerdictData) -> Verdict:
    """The package's reforms (and services) raise the government's legitimacy against no
    package in the same worlds."""
    return combine(
        "legitimacy",
        "The package's reforms raise the government's legitimacy.",
        "a truly ethno-politically inclusive government that respects women's rights ... all "
        "regional stakeholders should appreciate",
        "mechanism 10",
        [
            policy_contrast(
                data,
                "legitimacy_final",
                "milestone",
                "no-package",
                "greater",
                "legitimacy_final, milestone vs no-package",
            )
        ],
    )


def attacks_abroad_alarm_neighbours(data: VerdictData) -> Verdict:
    """Without a package (no military-technical scope, so attacks are what moves the
    neighbours), faster recruitment (``extremists.recruits_per_active``: ISKP's recruits per
    newly active citizen, the sampled parameter that moves its strength and attacks most and
    reaches the neighbours only through those attacks) means more attacks abroad and higher
    peak tension in Pakistan and in Iran."""
    p = "extremists.recruits_per_active"
    outcomes = ("attacks_abroad_total", "tension_peak_pakistan", "tension_peak_iran")
    return combine(
        "attacks-abroad",
        "The extremists' attacks abroad alarm Pakistan and Iran.",
        "Pakistan and Iran also don't want Afghanistan to be riddled with ... terrorist threats",
        "mechanism 12",
        [
            parameter_effect(
                data, o, p, "greater", ["no-package"], f"{o} under no-package, high vs low {p}"
            )
            for o in outcomes
        ],
    )


def too_early_to_tell(data: VerdictData) -> Verdict:
    """Whether the milestone package is enough is undecided: the share of sampled worlds in
    which it reaches every reform by month 36 is neither almost none nor almost all, with the
    parameters that decide it; when the ensemble sampled the package's size (value levers),
    a larger package must also reach the reforms more often."""
    sized, levers = with_package_size(data)
    share = world_share(
        sized, REACH, "milestone", f"{REACH} under milestone, share of sampled worlds"
    )
    checks = [share]
    if levers:
        checks.append(
            parameter_effect(
                VerdictData(sized.runs, [p for p in sized.parameters if p not in levers]),
                REACH,
                SIZE,
                "greater",
                ["milestone"],
                f"{REACH} under milestone, larger vs smaller {SIZE}",
            )
        )
    elif share.status != NOT_ASSESSED:
        share.note = (
            "the package's size was not sampled (an ensemble with --levers samples "
            "package.instruments.*.value), so whether more would be enough is not assessed"
        )
    return combine(
        "enough",
        "It is too early to tell whether the package is enough: it reaches the reforms in some "
        "sampled worlds and not in others.",
        "It's too early to tell whether this is enough ... or if even more forms of promised "
        "cooperation are required",
        "mechanism 13",
        checks,
    )


RULES: tuple[Callable[[VerdictData], Verdict], ...] = (
    package_produces_reform,
    conditionality_beats_bribery,
    reconstruction_reduces_extremism,
    repair_thwarts_attacks,
    repair_does_not_alarm_neighbours,
    belt_of_tension,
    buying_off_creates_spoilers,
    side_payments_buy_reform,
    reforms_raise_legitimacy,
    attacks_abroad_alarm_neighbours,
    too_early_to_tell,
)


def assess(data: VerdictData | Any) -> list[Verdict]:
    """Every claim's verdict, from a :class:`VerdictData` or a store."""
    if not isinstance(data, VerdictData):
        data = verdict_data(data)
    return [rule(data) for rule in RULES]
