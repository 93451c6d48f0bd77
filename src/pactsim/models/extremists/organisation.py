"""One month of an extremist organisation's life.

A stock-and-flow model in the tradition of insurgency dynamics models (e.g. Kress and
MacKay's attrition models; docs/design.md, extremists): strength S grows with recruits from the
population, defecting spoilers and foreign inflow (including an optional external sponsor), and
shrinks with attrition that grows with the regime's counter-terrorism capacity kappa. Attacks are
Poisson with a rate proportional to strength, reduced by interdiction d = 1 - exp(-eta kappa).
Above a strength S_conv the threat is semi-conventional (the precedent of a group that held
territory): attacks are deadlier and interdiction needs ready armour and artillery, d_conv = d * E.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ExtremistParams:
    """Parameters, with no defaults of their own: the scenario format's ``extremists`` section
    holds the one set of defaults, with units and sources.

    attrition: mu, monthly losses per unit of CT capacity [1/month] (assumption).
    natural_attrition: monthly losses without CT [1/month] (assumption).
    interdiction: eta in d = 1 - exp(-eta kappa) [-] (assumption).
    attack_rate: alpha, attack attempts at home per fighter [1/month] (calibrated).
    attack_rate_abroad: alpha_x, attempts abroad per fighter [1/month] (calibrated).
    interdiction_abroad: d_x, share of attempts abroad stopped [0-1] (assumption).
    conventional_threshold: S_conv [fighters] (assumption).
    deaths_per_attack: [persons] (GTI 2023/2024); conventional_lethality: multiplier [-].
    """

    attrition: float
    natural_attrition: float
    interdiction: float
    attack_rate: float
    attack_rate_abroad: float
    interdiction_abroad: float
    conventional_threshold: float
    deaths_per_attack: float
    conventional_lethality: float


@dataclass(frozen=True)
class ExtremistStep:
    """What one month produced."""

    strength: float
    attacks_home: int
    attacks_abroad: int
    deaths_home: float
    semi_conventional: bool
    interdiction: float
    losses: float


def interdiction(
    eta: float, ct_capacity: float, readiness: float, semi_conventional: bool
) -> float:
    """Share of attack attempts at home that are stopped."""
    d = 1.0 - np.exp(-eta * max(ct_capacity, 0.0))
    return float(d * readiness) if semi_conventional else float(d)


def step(
    strength: float,
    *,
    recruits: float,
    inflow: float,
    ct_capacity: float,
    readiness: float,
    params: ExtremistParams,
    rng: np.random.Generator,
) -> ExtremistStep:
    """Advance one month: attacks on this month's strength, then the strength update.

    ``recruits`` counts new fighters from the population and from spoilers; ``inflow`` foreign
    fighters and a sponsor's. Strength never goes below zero.
    """
    semi = strength > params.conventional_threshold
    d = interdiction(params.interdiction, ct_capacity, readiness, semi)
    home = int(rng.poisson(max(params.attack_rate * strength * (1.0 - d), 0.0)))
    abroad = int(
        rng.poisson(max(params.attack_rate_abroad * strength * (1 - params.interdiction_abroad), 0))
    )
    lethality = params.deaths_per_attack * (params.conventional_lethality if semi else 1.0)
    loss_rate = min(1.0, params.attrition * max(ct_capacity, 0.0) + params.natural_attrition)
    losses = loss_rate * strength
    new = max(0.0, strength + recruits + inflow - losses)
    return ExtremistStep(
        strength=new,
        attacks_home=home,
        attacks_abroad=abroad,
        deaths_home=home * lethality,
        semi_conventional=semi,
        interdiction=d,
        losses=losses,
    )
