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
    """The names of the summary outcomes a run of ``scenario`` produces.

    Derived from the scenario alone (its reform issues, success levels and neighbours), without
    running it: this mirrors the names the coupled model's summary of a run uses
    (``pactsim.engagement``), and must change with them.
    """
    reform = [issue.id for issue in scenario.issues if issue.reform]
    names: set[str] = set()
    for issue in reform:
        names |= {f"reform_{issue}_final", f"reform_{issue}_36m", f"reform_{issue}_peak"}
        if issue in scenario.engagement.success_levels:
            names.add(f"reached_{issue}_36m")
    if any(name.startswith("reached_") for name in names):
        names.add("reached_all_36m")
    names |= {
        "milestones_share",
        "cost_total",
        "attacks_home_total",
        "attacks_abroad_total",
        "deaths_home_total",
        "iskp_peak",
        "iskp_final",
        "semi_conventional_months",
        "legitimacy_final",
        "hardship_final",
        "active_share_mean",
        "spoilers_final",
        "tension_peak_max",
        "neighbour_reacted",
    }
    for neighbour in scenario.region.neighbours:
        names |= {f"tension_peak_{neighbour.actor}", f"reaction_months_{neighbour.actor}"}
    return names


def _free_consent(scenario: Scenario) -> list[Problem]:
    """A faction without a ``kappa`` on a reform issue accepts any level of it for nothing."""
    if not scenario.factions:
        return []
    doc = scenario.raw
    reform = [issue.id for issue in scenario.issues if issue.reform]
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


def scenario_warnings(scenario: Scenario) -> list[Problem]:
    """Every warning about a valid scenario, in file order of the sections."""
    return _free_consent(scenario) + _unknown_outcomes(scenario)
