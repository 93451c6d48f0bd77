"""The claims a report judges and the report's settings, as sections of the scenario.

A claim is a sentence quoted from a source (a key of ``meta.sources``) with the mechanism it
rests on and one or more *checks*, each a comparison the stored ensemble can answer:

- ``contrast``: an outcome under one policy against another, paired by sampled world;
- ``split``: an outcome (under some policies) where a sampled parameter is high against where it
  is low, adjusted for the other sampled parameters;
- ``contrast_split``: the same split of a contrast's per-world difference;
- ``share``: the share of sampled worlds in which an outcome meets a condition under a policy,
  against a stated level.

The ``report`` section names the policy the report's sensitivity and scenario discovery run
under (``main_policy``) and the default one to contrast with (``baseline``). The statistics are
in :mod:`pactsim.report.verdicts`; the format is documented in docs/report.md. These models
check every name they can against the sections validated before them (policies, outcomes,
uncertainties, levers, sources), so a claim that cannot be judged is refused when the file is
loaded, not reported "not assessed" later.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

PACKAGE_SIZE = "package_size"  # a split on the sum of the sampled package.instruments.*.value
SIZE_LEVER = re.compile(r"^package\.instruments\.[^.]+\.value$")
MEETS = re.compile(r"^\s*(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
Direction = Literal["greater", "less", "not_greater"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _as_band(value: Any) -> Any:
    """A share's level as a tuple: ``0.5`` -> ``(0.5,)``, ``[0.05, 0.95]`` stays a pair (a
    tuple, so the scenario's list of numeric parameters does not count it as one)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, list | tuple) and len(value) in (1, 2):
        return tuple(value)
    raise ValueError(f"expected a share in 0-1, or [low, high] for 'between' (got {value!r})")


Band = Annotated[tuple[float] | tuple[float, float], BeforeValidator(_as_band)]


KINDS: dict[str, tuple[str, ...]] = {
    # the fields each kind of check takes beyond kind, outcome, direction and label
    "contrast": ("policy", "versus"),
    "split": ("parameter", "policies", "optional"),
    "contrast_split": ("parameter", "policy", "versus", "optional"),
    "share": ("policy", "meets", "level"),
}


class Check(_Strict):
    """One comparison that judges a claim; ``kind`` says which (module docstring), and which
    of the other fields it takes (``KINDS``)."""

    kind: Literal["contrast", "split", "contrast_split", "share"] = Field(
        description="contrast | split | contrast_split | share."
    )
    outcome: str = Field(description="A name of the scenario's `outcomes`.")
    direction: Literal["greater", "less", "not_greater", "between"] = Field(
        description="Claimed sign of the difference (policy minus versus; high minus low), or "
        "for a share its side of `level` (greater, less, or between its two values)."
    )
    policy: str | None = Field(
        None, description="contrast, contrast_split, share: the policy; none = the report's main."
    )
    versus: str | None = Field(
        None, description="contrast, contrast_split: the policy compared with; none = baseline."
    )
    parameter: str | None = Field(
        None,
        description="split, contrast_split: an uncertainty's path, a numeric lever's path, or "
        "'package_size' (the sum of the sampled package.instruments.<id>.value levers).",
    )
    policies: list[str] = Field(
        default_factory=list,
        description="split: runs of these policies, pooled; empty = every policy.",
    )
    optional: bool = Field(
        False,
        description="split, contrast_split: when the ensemble did not sample the parameter, "
        "leave the check out (with a note) instead of marking the claim not assessed.",
    )
    meets: str | None = Field(
        None,
        description="share: condition on the outcome, '<op> <number>' with op one of "
        "< <= > >= == != (e.g. '>= 50'); none = the outcome is 0/1 and counts as it is.",
    )
    level: Band | None = Field(
        None, description="share: a share in 0-1, or [low, high] for direction 'between'."
    )
    label: str = Field("", description="What the check compares, in words (default: generated).")

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Check:
        takes = KINDS[self.kind]
        stray = [
            name
            for name, info in Check.model_fields.items()
            if name not in (*_COMMON, *takes)
            and getattr(self, name) != info.get_default(call_default_factory=True)
        ]
        if stray:
            raise ValueError(
                f"a {self.kind} check takes no {', '.join(sorted(stray))} (it takes: "
                f"{', '.join(takes)})"
            )
        if self.kind in ("split", "contrast_split") and self.parameter is None:
            raise ValueError(f"a {self.kind} check needs a parameter")
        if self.kind == "share":
            self._check_share()
        elif self.direction == "between":
            raise ValueError(f"direction 'between' is for a share check, not a {self.kind}")
        return self

    def _check_share(self) -> None:
        if self.direction == "not_greater":
            raise ValueError("a share check's direction is greater, less or between")
        if self.level is None:
            raise ValueError("a share check needs a level (a share in 0-1, or [low, high])")
        if self.meets is not None and not MEETS.match(self.meets):
            raise ValueError(
                f"meets '{self.meets}': expected '<op> <number>' with op one of "
                "< <= > >= == != (e.g. '>= 50')"
            )
        band = self.level
        if any(not 0 <= x <= 1 for x in band):
            raise ValueError(f"level {list(band)}: a share lies in 0-1")
        if self.direction == "between":
            if len(band) != 2 or not band[0] < band[1]:
                raise ValueError("direction 'between' needs level: [low, high] with low < high")
        elif len(band) != 1:
            raise ValueError(f"direction '{self.direction}' needs one level, e.g. level: 0.5")


_COMMON = ("kind", "outcome", "direction", "label")


class Claim(_Strict):
    """One claim of a source, with the checks that judge it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", description="Identifier (anchor, JSON key).")
    statement: str = Field(description="The claim as the model can test it, in one sentence.")
    quote: str = Field(description="The source's own words.")
    source: str = Field(description="Key of `meta.sources` the quote comes from.")
    mechanism: str = Field(description="How the model represents the claim, in words.")
    checks: list[Check] = Field(min_length=1, description="Comparisons that judge the claim.")


class ReportSettings(_Strict):
    """What the report runs its sensitivity and scenario discovery under."""

    main_policy: str | None = Field(
        None,
        description="Policy of the sensitivity and scenario discovery, and the default policy "
        "of a check; none = the first policy that is not the baseline.",
    )
    baseline: str | None = Field(
        None, description="Default policy a check contrasts with; none = the first policy."
    )
    main_outcome: str | None = Field(
        None,
        description="Outcome of the scenario discovery and the Sobol or Morris indices; none = "
        "reached_all_36m when the runs report it, else the first 'maximize' outcome.",
    )


# ------------------------------------------------------------------------ policy defaults
def baseline_and_main(
    settings: ReportSettings | None, policies: Sequence[str]
) -> tuple[str | None, str | None]:
    """The baseline and the main policy among ``policies``: the named ones when present, else
    the first policy (baseline) and the first other than the baseline (main; the baseline when
    it is the only policy)."""
    settings = settings or ReportSettings()
    names = list(policies)
    baseline = settings.baseline if settings.baseline in names else (names[0] if names else None)
    main: str | None = settings.main_policy
    if main not in names:
        main = next((p for p in names if p != baseline), baseline)
    return baseline, main


def check_policies(
    check: Check, settings: ReportSettings | None, policies: Sequence[str]
) -> tuple[str | None, str | None]:
    """(policy, versus) of a contrast or contrast split after the report's defaults."""
    baseline, main = baseline_and_main(settings, policies)
    return (check.policy or main, check.versus or baseline)


# --------------------------------------------------------------------------- references
def _hint(name: str, pool: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(pool), n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f" (known: {', '.join(pool)})" if pool else " (the scenario declares none)"


def _numeric_levers(data: dict[str, Any]) -> list[str]:
    return [lv.path for lv in data.get("levers") or [] if lv.values is None]


def _check_report(settings: ReportSettings, info: ValidationInfo) -> ReportSettings:
    data = info.data
    problems = []
    if "policies" in data:
        policies = list(data["policies"])
        for name in ("main_policy", "baseline"):
            value = getattr(settings, name)
            if value is not None and value not in policies:
                problems.append(f"{name}: no policy '{value}'" + _hint(value, policies))
    if "outcomes" in data and settings.main_outcome is not None:
        outcomes = [o.name for o in data["outcomes"]]
        if settings.main_outcome not in outcomes:
            problems.append(
                f"main_outcome: '{settings.main_outcome}' is not in the scenario's outcomes"
                + _hint(settings.main_outcome, outcomes)
            )
    if problems:
        raise ValueError("; ".join(problems))
    return settings


def _check_claims(claims: list[Claim], info: ValidationInfo) -> list[Claim]:
    """Every name a claim uses refers to something the scenario declares (sections that
    failed their own validation are not checked again here)."""
    data = info.data
    problems: list[str] = []
    seen: set[str] = set()
    for i, claim in enumerate(claims):
        where = f"claim '{claim.id}' (claims[{i}])"
        if claim.id in seen:
            problems.append(f"{where}: duplicate id '{claim.id}'")
        seen.add(claim.id)
        if "meta" in data:
            keys = list(data["meta"].sources)
            if claim.source not in keys:
                problems.append(
                    f"{where}, source: '{claim.source}' is not a key of meta.sources"
                    + _hint(claim.source, keys)
                )
        for j, check in enumerate(claim.checks):
            at = f"{where}, checks[{j}] ({check.kind})"
            problems += [f"{at}, {p}" for p in _check_references(check, data)]
    if problems:
        raise ValueError("; ".join(problems))
    return claims


def _check_references(check: Check, data: dict[str, Any]) -> list[str]:
    out = []
    if "outcomes" in data:
        outcomes = [o.name for o in data["outcomes"]]
        if check.outcome not in outcomes:
            out.append(
                f"outcome: '{check.outcome}' is not in the scenario's outcomes"
                + _hint(check.outcome, outcomes)
            )
    if "policies" in data:
        policies = list(data["policies"])
        named = [(f, getattr(check, f, None)) for f in ("policy", "versus")]
        named += [(f"policies[{k}]", p) for k, p in enumerate(getattr(check, "policies", []))]
        for field, name in named:
            if name is not None and name not in policies:
                out.append(f"{field}: no policy '{name}'" + _hint(name, policies))
        if check.kind in ("contrast", "contrast_split") and not out:
            a, b = check_policies(check, data.get("report"), policies)
            if a is None or a == b:
                out.append(
                    f"policy and versus: a contrast needs two different policies (here "
                    f"{a!r} against {b!r}, after the report's main_policy and baseline)"
                )
        if check.kind == "share" and not policies:
            out.append("policy: the scenario declares no policies")
    if check.kind in ("split", "contrast_split") and "uncertainties" in data:
        paths = [u.path for u in data["uncertainties"]]
        levers = _numeric_levers(data)
        name = str(check.parameter)  # a split's parameter is required (Check._fields_of_kind)
        if name == PACKAGE_SIZE:
            if not any(SIZE_LEVER.match(p) for p in levers):
                out.append(
                    f"parameter: '{PACKAGE_SIZE}' needs a numeric lever "
                    "package.instruments.<id>.value in the scenario's levers"
                )
        elif name not in paths and name not in levers:
            out.append(
                f"parameter: '{name}' is not the path of an uncertainty (or of a numeric "
                "lever)" + _hint(name, [*paths, *levers])
            )
    return out


ClaimList = Annotated[list[Claim], AfterValidator(_check_claims)]
ReportField = Annotated[ReportSettings, AfterValidator(_check_report)]
