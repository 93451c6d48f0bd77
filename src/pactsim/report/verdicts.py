"""Verdicts on the seed's claims, computed from a stored ensemble (docs/report.md).

A claim is turned into one or more *checks*, each an effect with a 95% interval:

- a **policy contrast**: outcome under policy A minus outcome under policy B, paired by world and
  replication (the ensemble gives every policy the same sampled world and the same seed, so the
  difference is a common-random-numbers contrast), averaged over replications in each world;
  mean over worlds with a Student-t interval;
- a **parameter effect**: the outcome averaged over each world's runs (of the given policies),
  mean over worlds where a sampled parameter lies above the median of its sampled values minus
  the mean where it lies at or below it (Welch interval), a split of the sampled range.

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
DIRECTIONS = ("greater", "less", "not_greater")
MIN_WORLDS = 4  # fewer sampled worlds than this: no interval worth reporting
MIN_HALF_WORLDS = 10  # a parameter's half with fewer worlds is not searched for a moderator
REACH = "reached_all_36m"
WEAK_SHARE = 0.25  # an effect below this share of the other half's counts as absent (assumption)


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


def status_of(est: Estimate, direction: str) -> str:
    """holds / reversed / null for an effect whose claimed sign is ``direction``."""
    if not math.isfinite(est.value) or not math.isfinite(est.low):
        return NULL
    if direction == "greater":
        return HOLDS if est.low > 0 else REVERSED if est.high < 0 else NULL
    if direction == "less":
        return HOLDS if est.high < 0 else REVERSED if est.low > 0 else NULL
    if direction == "not_greater":
        return REVERSED if est.low > 0 else HOLDS
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
    kind: str = "mean"  # "probability" when the outcome is 0/1

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
        out = f"{self.description}: {groups}; difference {_fmt_diff(e, self.kind)} [{self.status}]"
        m = self.moderator
        if m:
            out += (
                f"; the effect is concentrated where {m['parameter']} is "
                f"{'above' if m['holds_in'] == 'high' else 'at or below'} {m['split']:.4g} "
                f"(at or below: {_fmt_diff(m['low'], self.kind)}; above: "
                f"{_fmt_diff(m['high'], self.kind)}; z = {m['z']:.1f})"
            )
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

    worlds = df.drop_duplicates("world")
    tried = [p for p in parameters if p not in exclude and worlds[p].nunique() > 1]
    if not tried:
        return None
    zcrit = float(norm.ppf(1 - 0.025 / len(tried)))
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
            weak, strong = sorted((lo, hi), key=lambda e: abs(e.value))
            if abs(weak.value) >= WEAK_SHARE * abs(strong.value):
                continue
        se = math.hypot(lo.se, hi.se) if math.isfinite(lo.se) and math.isfinite(hi.se) else 0.0
        diff = hi.value - lo.value
        z = diff / se if se > 0 else (math.inf if diff != 0 else 0.0)
        if abs(z) < zcrit or (best is not None and abs(z) <= abs(best["z"])):
            continue
        best = {
            "parameter": p,
            "split": split,
            "low": lo,
            "high": hi,
            "z": z,
            "z_critical": zcrit,
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
        return result
    result.status = status_of(effect, result.direction)
    mod = _moderate(df, estimator, result.direction, parameters, exclude)
    if mod is not None:
        result.moderator = mod
        result.status = DEPENDS
    return result


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

    keys = ["world", "replication"]
    ya = runs.loc[runs["policy"] == a, [*keys, outcome, *data.parameters]]
    yb = runs.loc[runs["policy"] == b, [*keys, outcome]]
    pairs = ya.merge(yb, on=keys, suffixes=("_a", "_b"))
    pairs["difference"] = pairs[f"{outcome}_a"] - pairs[f"{outcome}_b"]
    pairs = pairs.dropna(subset=["difference"])
    pairs = pairs.groupby("world", as_index=False).agg(
        {"difference": "mean", **{p: "first" for p in data.parameters}}
    )

    def estimator(df: pd.DataFrame) -> Estimate:
        return mean_estimate(df["difference"].to_numpy(dtype=float))

    groups = {
        p: _group(runs.loc[runs["policy"] == p, outcome].to_numpy(dtype=float), kind)
        for p in (a, b)
    }
    res = CheckResult(desc, direction, NULL, groups=groups, kind=kind)
    return _finish(res, pairs, estimator, data.parameters)


def parameter_effect(
    data: VerdictData,
    outcome: str,
    parameter: str,
    direction: str,
    policies: list[str] | None = None,
    label: str = "",
) -> CheckResult:
    """Mean ``outcome`` with ``parameter`` above the median of its sampled values minus at or
    below it (runs of ``policies``, all when None); the claim is that it is ``direction``."""
    desc = label or f"{outcome}: high vs low {parameter}"
    why = data.missing(list(policies or []), [outcome])
    if why is None and parameter not in data.parameters:
        why = f"the ensemble did not sample '{parameter}'"
    if why:
        return CheckResult(desc, direction, NOT_ASSESSED, reason=why)
    runs = data.runs
    if policies:
        runs = runs[runs["policy"].isin(policies)]
    split = float(runs.drop_duplicates("world")[parameter].median())
    if runs.drop_duplicates("world")[parameter].nunique() < 2:
        return CheckResult(desc, direction, NOT_ASSESSED, reason=f"'{parameter}' never varies")
    kind = "probability" if _is_binary(runs[outcome]) else "mean"

    worlds = runs.groupby("world", as_index=False).agg(
        {outcome: "mean", **{p: "first" for p in data.parameters}}
    )

    def estimator(df: pd.DataFrame) -> Estimate:
        hi = df.loc[df[parameter] > split, outcome].to_numpy(dtype=float)
        lo = df.loc[df[parameter] <= split, outcome].to_numpy(dtype=float)
        return welch_estimate(hi, lo)

    groups = {
        f"{parameter} <= {split:.4g}": _group(
            runs.loc[runs[parameter] <= split, outcome].to_numpy(dtype=float), kind
        ),
        f"{parameter} > {split:.4g}": _group(
            runs.loc[runs[parameter] > split, outcome].to_numpy(dtype=float), kind
        ),
    }
    res = CheckResult(desc, direction, NULL, groups=groups, kind=kind)
    return _finish(res, worlds, estimator, data.parameters, exclude=(parameter,))


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


RULES: tuple[Callable[[VerdictData], Verdict], ...] = (
    package_produces_reform,
    conditionality_beats_bribery,
    reconstruction_reduces_extremism,
    repair_thwarts_attacks,
    repair_does_not_alarm_neighbours,
    belt_of_tension,
)


def assess(data: VerdictData | Any) -> list[Verdict]:
    """Every claim's verdict, from a :class:`VerdictData` or a store."""
    if not isinstance(data, VerdictData):
        data = verdict_data(data)
    return [rule(data) for rule in RULES]
