"""Verdicts on a scenario's claims, computed from a stored ensemble (docs/report.md).

The claims are data in the scenario (its ``claims`` section, :mod:`pactsim.scenario.claims`):
this module knows no case. Each claim has one or more *checks*, each an effect with a 95%
interval:

- a **policy contrast** (``contrast``): outcome under policy A minus outcome under policy B,
  paired by world and replication (the ensemble gives every policy the same sampled world and
  the same seed, so the difference is a common-random-numbers contrast), averaged over
  replications in each world; mean over worlds with a Student-t interval;
- a **parameter effect** (``split``): the outcome averaged over each world's runs (of the given
  policies), the effect of moving a sampled parameter from the lower half of its sampled values
  (at or below the median) to the upper half, *adjusted for the other sampled parameters*: the
  slope on the parameter's rank in a least-squares fit over worlds with an intercept and the
  ranks of every other sampled parameter, times the difference between the halves' mean ranks
  (:func:`adjusted_split`, OLS t interval), so that a chance correlation in the sample between
  the parameter and another that drives the outcome is not read as the parameter's effect;
- a **contrast split** (``contrast_split``): a policy contrast's per-world difference split the
  same way (adjusted too): how the parameter changes what the policy does, with each world's
  own baseline removed;
- a **share of worlds** (``share``): the share of sampled worlds in which a policy's runs meet a
  condition on an outcome (a 0/1 outcome as it is; a world's replications averaged), with
  Wilson's interval over worlds, against a stated level or band (e.g. ``UNDECIDED``: neither
  almost never nor almost always); the parameters whose halves differ most are listed as what
  decides it.

The sampled worlds are the independent units (runs of one world share its parameters); ``n`` in
the evidence counts worlds. Groups (each policy's probability or mean) are described over runs.

A check *holds* when its interval lies on the claimed side of zero (of the level, for a share),
is *reversed* when it lies on the other side, and is *null* otherwise ("not greater" checks hold
unless the interval lies above zero). Each check is then repeated in the two halves of every
other sampled parameter: when the check holds in one half but not in the other (or holds in
both but is less than a quarter as large in one, ``WEAK_SHARE``) and the difference between the
halves is significant (|z| above the Bonferroni-corrected two-sided 5% level over the
parameters tried; each half needs at least ``MIN_HALF_WORLDS`` worlds), the check *depends on*
that parameter (the one with the largest |z|). A claim is **supported** when every check
holds, **not supported** when a check is null or reversed, and **depends on <parameter>** when
no check fails and one depends; it is **not assessed** when the store lacks a policy, outcome
or parameter a check needs, or has fewer than ``MIN_WORLDS`` sampled worlds. A check marked
``optional`` whose parameter the ensemble did not sample is left out, with a note, instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pactsim.scenario.claims import PACKAGE_SIZE, Check, Claim, baseline_and_main

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


Level = float | tuple[float, float]


def status_of(est: Estimate, direction: str, level: Level | None = None) -> str:
    """holds / reversed / null for an effect whose claimed side of ``level`` (0 when None) is
    ``direction`` ("between": an interval inside the band ``level``, ``UNDECIDED`` when None,
    holds, one wholly outside it is reversed)."""
    if not math.isfinite(est.value) or not math.isfinite(est.low):
        return NULL
    if direction == "between":
        lo, hi = level if isinstance(level, tuple) else UNDECIDED
        if est.low > lo and est.high < hi:
            return HOLDS
        return REVERSED if est.high < lo or est.low > hi else NULL
    t = 0.0 if level is None or isinstance(level, tuple) else float(level)
    if direction == "greater":
        return HOLDS if est.low > t else REVERSED if est.high < t else NULL
    if direction == "less":
        return HOLDS if est.high < t else REVERSED if est.low > t else NULL
    if direction == "not_greater":
        return REVERSED if est.low > t else HOLDS
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
    level: Level | None = None  # a share's claimed level (or band); None: compared with 0

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
        if self.kind == "share":
            claimed = self._claimed()
            out = f"{self.description}: {_fmt_diff(e, self.kind)} ({claimed}) [{self.status}]"
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
            what = "it holds only" if self.kind == "share" else "the effect is concentrated"
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

    def _claimed(self) -> str:
        """A share's claim in words: "claimed within 5-95%", "claimed above 50%"."""
        if self.direction == "between":
            lo, hi = self.level if isinstance(self.level, tuple) else UNDECIDED
            return f"claimed to lie within {100 * lo:.0f}-{100 * hi:.0f}%"
        t = 0.0 if self.level is None or isinstance(self.level, tuple) else self.level
        side = "above" if self.direction == "greater" else "below"
        return f"claimed {side} {100 * t:.0f}%"


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
    claimed: Level | None = None,
) -> dict[str, Any] | None:
    """The sampled parameter whose halves disagree most significantly on whether the check
    holds (Bonferroni over the parameters tried), or None. ``claimed`` is a share's level (see
    :func:`status_of`); a weak half is judged by its distance from it."""
    from scipy.stats import norm
    from scipy.stats import t as student

    offset = 0.0 if claimed is None or isinstance(claimed, tuple) else float(claimed)
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
        s_lo, s_hi = status_of(lo, direction, claimed), status_of(hi, direction, claimed)
        if s_lo != HOLDS and s_hi != HOLDS:
            continue
        weak, strong = (lo, hi) if s_hi == HOLDS else (hi, lo)
        if s_lo == s_hi == HOLDS:
            if direction == "between":
                continue
            weak, strong = sorted((lo, hi), key=lambda e: abs(e.value - offset))
            if abs(weak.value - offset) >= WEAK_SHARE * abs(strong.value - offset):
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
    result.status = status_of(effect, result.direction, result.level)
    mod = _moderate(df, estimator, result.direction, parameters, exclude, result.level)
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


def world_share(
    data: VerdictData,
    outcome: str,
    policy: str,
    label: str = "",
    meets: str | None = None,
    direction: str = "between",
    level: Level = UNDECIDED,
) -> CheckResult:
    """Share of sampled worlds in which ``policy``'s runs meet ``meets`` (``"<op> <number>"``
    on ``outcome``; None: ``outcome`` is 0/1 and counts as it is), each world's replications
    averaged, with Wilson's interval over worlds; the claim is that the share lies
    ``direction`` of ``level`` ("between": inside the band). The parameters that decide it
    are listed (:func:`drivers`)."""
    desc = label or f"{outcome} under {policy}"
    why = data.missing([policy], [outcome])
    if why:
        return CheckResult(desc, direction, NOT_ASSESSED, reason=why, level=level)
    runs = data.runs[data.runs["policy"] == policy].dropna(subset=[outcome])
    if meets is None and not _is_binary(runs[outcome]):
        why = f"'{outcome}' is not a 0/1 outcome (a share check on it needs a 'meets' condition)"
        return CheckResult(desc, direction, NOT_ASSESSED, reason=why, level=level)
    if meets is not None:
        from pactsim.analysis.condition import parse_condition

        cond = parse_condition(f"{outcome} {meets}", "meets")
        runs = runs.assign(**{outcome: cond(runs[outcome].to_numpy(dtype=float)).astype(float)})
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

    res = CheckResult(desc, direction, NULL, kind="share", level=level)
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
    """The verdict on one claim of the scenario, with the checks that produced it."""

    claim_id: str
    claim: str
    quote: str
    mechanism: str
    status: str  # supported | not supported | depends | not assessed
    verdict: str  # the status in words: "depends on <parameter>", "not assessed: <why>"
    checks: list[CheckResult]
    source: str = ""  # the key of meta.sources the quote comes from
    notes: list[str] = field(default_factory=list)  # checks left out, in words

    @property
    def evidence(self) -> str:
        return " ".join([*(c.text() for c in self.checks), *(f"{n}." for n in self.notes)])

    def to_dict(self) -> dict[str, Any]:
        doc = {k: v for k, v in asdict(self).items() if k != "checks"}
        doc["evidence"] = self.evidence
        doc["checks"] = [c.to_dict() for c in self.checks]
        return doc


def combine(
    claim_id: str,
    claim: str,
    quote: str,
    mechanism: str,
    checks: list[CheckResult],
    source: str = "",
    notes: Sequence[str] = (),
) -> Verdict:
    """A claim's verdict from its checks (rules in the module docstring)."""
    missing = [c for c in checks if c.status == NOT_ASSESSED]
    failed = [c for c in checks if c.status in (NULL, REVERSED)]
    depends = [c for c in checks if c.status == DEPENDS]
    if not checks:
        status, words = NOT_ASSESSED, "not assessed: every check was left out"
    elif missing:
        status = NOT_ASSESSED
        words = "not assessed: " + "; ".join(dict.fromkeys(c.reason for c in missing))
    elif failed:
        status, words = "not supported", "not supported"
    elif depends:
        params = dict.fromkeys(c.moderator["parameter"] for c in depends if c.moderator)
        status, words = "depends", "depends on " + ", ".join(params)
    else:
        status, words = "supported", "supported"
    return Verdict(claim_id, claim, quote, mechanism, status, words, checks, source, list(notes))


# -------------------------------------------------------------- claims of the scenario
@dataclass(frozen=True)
class Defaults:
    """What a check that names no policy compares: the report's main policy and baseline
    (:func:`pactsim.scenario.claims.baseline_and_main`)."""

    main: str | None
    baseline: str | None


def defaults_of(scenario: Any) -> Defaults:
    """The scenario's main policy and baseline (its ``report`` section, else the defaults)."""
    baseline, main = baseline_and_main(scenario.report, list(scenario.policies))
    return Defaults(main, baseline)


def _split_parameter(data: VerdictData, sized: VerdictData, levers: list[str], name: str) -> Any:
    """(data to split on, column) for a split check's parameter: the package's size is the
    column ``SIZE`` of ``sized``, with the levers it sums left out of the adjustment (they
    are collinear with it)."""
    if name != PACKAGE_SIZE:
        return data, name
    if not levers:
        return data, SIZE
    return VerdictData(sized.runs, [p for p in sized.parameters if p not in levers]), SIZE


def run_check(
    check: Check, data: VerdictData, sized: VerdictData, levers: list[str], defaults: Defaults
) -> CheckResult | str:
    """The result of one check of a claim, or the note that says why an optional check was
    left out."""
    o = check.outcome
    if check.kind == "contrast":
        a, b = check.policy or defaults.main, check.versus or defaults.baseline
        label = check.label or f"{o}, {a} vs {b}"
        return policy_contrast(data, o, str(a), str(b), check.direction, label)
    if check.kind == "share":
        pol = str(check.policy or defaults.main)
        what = f"{o} {check.meets.strip()}" if check.meets else o
        label = check.label or f"{what} under {pol}, share of sampled worlds"
        band = check.level or UNDECIDED  # a share has a level (Check._fields_of_kind)
        level: Level = (band[0], band[-1]) if check.direction == "between" else band[0]
        return world_share(data, o, pol, label, check.meets, check.direction, level)
    base, p = _split_parameter(data, sized, levers, str(check.parameter))
    moves = "larger vs smaller" if p == SIZE else "high vs low"
    if check.kind == "split":
        pols = list(check.policies)
        under = f" under {', '.join(pols)}" if pols else ""
        label = check.label or f"{o}{under}, {moves} {p}"
    else:
        a, b = check.policy or defaults.main, check.versus or defaults.baseline
        label = check.label or f"{o}, {a} minus {b}: {moves} {p}"
    if check.optional and p not in base.parameters:
        what = (
            "the instruments' values (an ensemble run with --levers samples "
            "package.instruments.*.value)"
            if p == SIZE
            else f"'{p}' (an ensemble run with --levers samples the levers too)"
        )
        return f"{label}: left out, the ensemble did not sample {what}"
    if check.kind == "split":
        return parameter_effect(base, o, p, check.direction, pols or None, label)
    return contrast_split(base, o, str(a), str(b), p, check.direction, label)


def judge(claim: Claim, data: VerdictData, defaults: Defaults) -> Verdict:
    """The verdict on one claim of a scenario. A claim with a check on the package's size
    counts the size among the sampled parameters of every one of its checks (it may decide a
    share, or moderate a contrast)."""
    sized, levers = with_package_size(data)
    if any(c.parameter == PACKAGE_SIZE for c in claim.checks):
        data = sized
    checks: list[CheckResult] = []
    notes: list[str] = []
    for check in claim.checks:
        res = run_check(check, data, sized, levers, defaults)
        if isinstance(res, str):
            notes.append(res)
        else:
            checks.append(res)
    return combine(
        claim.id, claim.statement, claim.quote, claim.mechanism, checks, claim.source, notes
    )


def stored_scenario(store: Any) -> Any | None:
    """The scenario an ensemble ran, read again from its store (None when it is not stored or
    no longer valid)."""
    text = store.provenance().get("scenario_text")
    if not text:
        return None
    from pactsim.scenario import ScenarioError, from_text

    try:
        return from_text(text, str(store.provenance().get("scenario_origin") or "<store>"))
    except ScenarioError:
        return None


def assess(data: VerdictData | Any, scenario: Any | None = None) -> list[Verdict]:
    """The verdict on every claim of ``scenario`` (by default, the one stored with the store),
    from a :class:`VerdictData` or a store; none when the scenario has no claims."""
    if scenario is None and not isinstance(data, VerdictData):
        scenario = stored_scenario(data)
    if scenario is None or not scenario.claims:
        return []
    if not isinstance(data, VerdictData):
        data = verdict_data(data)
    defaults = defaults_of(scenario)
    return [judge(claim, data, defaults) for claim in scenario.claims]
