"""Checks of a valid scenario that deserve a warning, not an error.

A scenario can be valid and still say something its author probably did not mean: a faction that
asks nothing to accept a reform, an outcome that no run produces (it would stay empty in every
comparison). :func:`scenario_warnings` finds them; ``pactsim validate`` prints them and exits
with 0.
"""

from __future__ import annotations

import difflib

from pactsim.scenario.errors import Problem
from pactsim.scenario.model import Scenario
from pactsim.scenario.paths import readable


def known_outcome_names(scenario: Scenario) -> set[str]:
    """The names of the summary outcomes a run of ``scenario`` produces: the coupled model's
    declared outputs (:func:`pactsim.engagement.declared_outputs`). The one place where the
    format asks the model what it produces, so it imports it when called."""
    from pactsim.engagement import declared_outputs

    return set(declared_outputs(scenario).names("summary"))


def known_series_names(scenario: Scenario) -> set[str]:
    """The names of the monthly series a run of ``scenario`` records (declared outputs)."""
    from pactsim.engagement import declared_outputs

    return set(declared_outputs(scenario).names("series"))


def _free_consent(scenario: Scenario) -> list[Problem]:
    """A faction without a ``kappa`` on a reform issue accepts any level of it for nothing."""
    if not scenario.factions:
        return []
    doc = scenario.raw
    reform = [issue.id for issue in scenario.issues if issue.reform]
    ct = scenario.engagement.ct_issue
    if ct and ct not in reform:
        reform.append(ct)  # the council decides CT cooperation like a reform
    out = []
    for i, member in enumerate(scenario.factions.members):
        for issue in reform:
            if issue not in member.kappa:
                out.append(
                    Problem(
                        scenario.origin,
                        readable(("factions", "members", i, "kappa"), doc),
                        f"no kappa for the reform issue '{issue}': the faction's consent to "
                        "that reform would be free (it accepts any level at no cost); give it a "
                        "kappa, or 0 to say so",
                    )
                )
    return out


def _unknown_outcomes(scenario: Scenario) -> list[Problem]:
    known = sorted(known_outcome_names(scenario))
    doc = scenario.raw
    out = []
    for i, outcome in enumerate(scenario.outcomes):
        if outcome.name in known:
            continue
        close = difflib.get_close_matches(outcome.name, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f" (it produces: {', '.join(known)})"
        out.append(
            Problem(
                scenario.origin,
                readable(("outcomes", i, "name"), doc),
                f"'{outcome.name}' is not an outcome the model produces, so it would be empty in "
                f"every run{hint}",
            )
        )
    return out


def _unknown_targets(scenario: Scenario) -> list[Problem]:
    """A calibration target whose metric is no series a run records would fail at run time."""
    if scenario.calibration is None:
        return []
    known = sorted(known_series_names(scenario))
    doc = scenario.raw
    out = []
    for i, target in enumerate(scenario.calibration.targets):
        if target.metric in known:
            continue
        close = difflib.get_close_matches(target.metric, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f" (it records: {', '.join(known)})"
        out.append(
            Problem(
                scenario.origin,
                readable(("calibration", "targets", i, "metric"), doc),
                f"'{target.metric}' is not a series the model records, so the calibration "
                f"would fail{hint}",
            )
        )
    return out


def scenario_warnings(scenario: Scenario) -> list[Problem]:
    """Every warning about a valid scenario, in file order of the sections."""
    return _free_consent(scenario) + _unknown_outcomes(scenario) + _unknown_targets(scenario)
