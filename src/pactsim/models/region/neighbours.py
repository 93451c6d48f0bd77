"""Neighbours' threat perception and tension.

Each neighbour j perceives threat theta_j = a_j scope/100 + b_j attacks_j - c_j ct_coop/100,
where scope is the military-technical scope of what the patron delivers (repair of existing
systems 50, modern systems 100 on the issue's scale), attacks_j the attacks abroad that fall on
j, and ct_coop the regime's counter-terrorism cooperation. Tension integrates threat with decay,
T_j(t+1) = max(0, T_j + theta_j - delta_j T_j) (a first-order Richardson-type arms-race
response, docs/design.md, region); above its threshold j reacts (restricts trade, or supports
armed opposition). A claim that a neighbour "shouldn't be alarmed" by repair of existing
equipment, as opposed to the sale of modern systems, is testable: it holds when a_j * 50 / 100
stays below the threshold's equilibrium, delta_j * threshold_j.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class NeighbourParams:
    """Arrays over neighbours (see the scenario format, ``region.neighbours``, for units)."""

    scope_sensitivity: np.ndarray
    attack_sensitivity: np.ndarray
    ct_reassurance: np.ndarray
    decay: np.ndarray
    threshold: np.ndarray
    attack_share: np.ndarray


@dataclass(frozen=True)
class RegionStep:
    tension: np.ndarray
    threat: np.ndarray
    reacting: np.ndarray


def split_attacks(total: int, shares: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Share ``total`` attacks abroad among the neighbours (the rest fall elsewhere)."""
    rest = max(0.0, 1.0 - float(shares.sum()))
    probs = np.append(shares, rest)
    probs = probs / probs.sum() if probs.sum() > 0 else probs
    return rng.multinomial(total, probs)[:-1]


def step(
    tension: np.ndarray,
    *,
    scope: float,
    attacks: np.ndarray,
    ct_coop: float,
    params: NeighbourParams,
    reform_threat: np.ndarray | float = 0.0,
) -> RegionStep:
    """Advance every neighbour's tension one month. ``reform_threat`` adds each neighbour's
    threat from the reforms it watches (sum of weight x adopted change / 100; negative when
    reforms reassure it)."""
    theta = (
        params.scope_sensitivity * scope / 100.0
        + params.attack_sensitivity * attacks
        - params.ct_reassurance * ct_coop / 100.0
        + reform_threat
    )
    new = np.maximum(0.0, tension + theta - params.decay * tension)
    return RegionStep(tension=new, threat=theta, reacting=new > params.threshold)
