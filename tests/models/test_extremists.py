"""The extremist organisation: one month by hand, the semi-conventional regime, attacks, bounds."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactsim.models.extremists import ExtremistParams, interdiction, step

P = ExtremistParams(
    attrition=0.01,
    natural_attrition=0.02,
    interdiction=0.5,
    attack_rate=0.01,
    attack_rate_abroad=0.002,
    interdiction_abroad=0.25,
    conventional_threshold=1000.0,
    deaths_per_attack=3.0,
    conventional_lethality=4.0,
)


class ScriptedRng:
    """Stands in for numpy's Generator: records each Poisson mean and returns scripted counts."""

    def __init__(self, *counts: int):
        self.counts = list(counts)
        self.means: list[float] = []

    def poisson(self, lam: float) -> np.int64:
        self.means.append(float(lam))
        return np.int64(self.counts.pop(0))


def month(strength: float, rng=None, params: ExtremistParams = P, **kw):  # type: ignore[no-untyped-def]
    args = {"recruits": 0.0, "inflow": 0.0, "ct_capacity": 2.0, "readiness": 0.6} | kw
    return step(strength, params=params, rng=rng or ScriptedRng(0, 0), **args)


# ------------------------------------------------------------------------------ interdiction
def test_interdiction_by_hand() -> None:
    # d = 1 - exp(-eta kappa): eta 0.5, kappa 2 gives 1 - e^-1
    assert interdiction(0.5, 2.0, 0.6, False) == pytest.approx(1 - math.exp(-1.0), rel=1e-12)
    assert interdiction(0.5, 0.4, 0.6, False) == pytest.approx(1 - math.exp(-0.2), rel=1e-12)
    assert interdiction(2.0, 0.0, 1.0, False) == 0.0


def test_semi_conventional_interdiction_needs_ready_equipment() -> None:
    d = 1 - math.exp(-1.0)
    assert interdiction(0.5, 2.0, 0.6, True) == pytest.approx(0.6 * d, rel=1e-12)
    assert interdiction(0.5, 2.0, 0.0, True) == 0.0
    # readiness plays no part below the threshold
    assert interdiction(0.5, 2.0, 0.0, False) == pytest.approx(d, rel=1e-12)


def test_negative_ct_capacity_counts_as_none() -> None:
    assert interdiction(0.5, -3.0, 1.0, False) == 0.0
    assert interdiction(0.5, -3.0, 1.0, True) == 0.0
    s = month(100.0, ct_capacity=-3.0)
    assert s.interdiction == 0.0
    assert s.losses == pytest.approx(0.02 * 100.0)  # natural attrition only


def test_interdiction_is_a_python_float() -> None:
    assert type(interdiction(0.5, 2.0, 0.6, False)) is float
    assert type(interdiction(0.5, 2.0, 0.6, True)) is float


# ------------------------------------------------------------------------- strength update
def test_strength_update_by_hand() -> None:
    # loss rate = mu kappa + natural = 0.01 * 2 + 0.02 = 0.04; losses = 0.04 * 800 = 32
    # S' = 800 + 30 recruits + 20 inflow - 32 = 818
    s = month(800.0, recruits=30.0, inflow=20.0)
    assert s.losses == pytest.approx(32.0, rel=1e-12)
    assert s.strength == pytest.approx(818.0, rel=1e-12)
    assert not s.semi_conventional


def test_attrition_grows_with_ct_capacity() -> None:
    # kappa 5: loss rate 0.01 * 5 + 0.02 = 0.07
    s = month(400.0, ct_capacity=5.0, recruits=1.0, inflow=2.0)
    assert s.losses == pytest.approx(28.0, rel=1e-12)
    assert s.strength == pytest.approx(400.0 + 3.0 - 28.0, rel=1e-12)
    # kappa below 1 (a max(kappa, 1) would be wrong here): 0.01 * 0.5 + 0.02 = 0.025
    assert month(400.0, ct_capacity=0.5).losses == pytest.approx(10.0, rel=1e-12)


def test_loss_rate_is_capped_at_one() -> None:
    # 0.5 * 3 + 0.02 = 1.52 per month is more than everyone: all 100 are lost, none more
    strong = dataclasses.replace(P, attrition=0.5)
    s = month(100.0, params=strong, ct_capacity=3.0, recruits=5.0, inflow=5.0)
    assert s.losses == pytest.approx(100.0)
    assert s.strength == pytest.approx(10.0)


def test_strength_floor_at_zero() -> None:
    # everyone lost and nobody joins: exactly zero
    strong = dataclasses.replace(P, attrition=0.5)
    assert month(100.0, params=strong, ct_capacity=3.0).strength == 0.0
    # fighters leaving (negative net inflow) cannot make strength negative
    assert month(20.0, inflow=-50.0).strength == 0.0
    # a small remainder is kept as it is, not rounded up to a whole fighter
    assert month(0.5).strength == pytest.approx(0.5 * 0.96, rel=1e-12)


def test_new_strength_is_a_python_float() -> None:
    assert type(month(800.0, recruits=30.0).strength) is float


# ------------------------------------------------------------------ semi-conventional regime
def test_threshold_is_strict() -> None:
    at = month(1000.0)
    assert not at.semi_conventional
    assert at.interdiction == pytest.approx(1 - math.exp(-1.0), rel=1e-12)
    above = month(1000.5)
    assert above.semi_conventional
    assert above.interdiction == pytest.approx(0.6 * (1 - math.exp(-1.0)), rel=1e-12)


def test_readiness_reaches_interdiction_only_when_semi_conventional() -> None:
    d = 1 - math.exp(-1.0)
    assert month(2000.0, readiness=0.25).interdiction == pytest.approx(0.25 * d, rel=1e-12)
    assert month(500.0, readiness=0.25).interdiction == pytest.approx(d, rel=1e-12)


def test_lethality_multiplier_above_the_threshold() -> None:
    below = month(800.0, rng=ScriptedRng(5, 2))
    assert below.attacks_home == 5 and below.attacks_abroad == 2
    assert below.deaths_home == pytest.approx(5 * 3.0)
    above = month(2000.0, rng=ScriptedRng(5, 2))
    assert above.deaths_home == pytest.approx(5 * 3.0 * 4.0)
    assert month(2000.0, rng=ScriptedRng(0, 7)).deaths_home == 0.0


# ---------------------------------------------------------------------------------- attacks
def test_poisson_means_by_hand() -> None:
    # home: alpha S (1 - d) = 0.01 * 800 * e^-1; abroad: alpha_x S (1 - d_x) = 0.002 * 800 * 0.75
    rng = ScriptedRng(3, 1)
    s = month(800.0, rng=rng)
    assert rng.means == pytest.approx([8.0 * math.exp(-1.0), 1.2], rel=1e-12)
    assert (s.attacks_home, s.attacks_abroad) == (3, 1)
    assert type(s.attacks_home) is int and type(s.attacks_abroad) is int
    # semi-conventional: home interdiction is d times readiness 0.6
    rng = ScriptedRng(0, 0)
    month(2000.0, rng=rng)
    d = 0.6 * (1 - math.exp(-1.0))
    assert rng.means == pytest.approx([0.01 * 2000 * (1 - d), 0.002 * 2000 * 0.75], rel=1e-12)


def test_small_means_are_not_rounded_up() -> None:
    # strength 10: means well below one attack a month
    rng = ScriptedRng(0, 0)
    month(10.0, rng=rng)
    assert rng.means == pytest.approx([0.1 * math.exp(-1.0), 0.015], rel=1e-12)


def test_no_strength_no_attacks() -> None:
    rng = ScriptedRng(0, 0)
    s = month(0.0, rng=rng)
    assert rng.means == [0.0, 0.0]
    assert s.strength == 0.0 and s.losses == 0.0


def test_attack_counts_have_the_hand_computed_means_over_many_draws() -> None:
    rng = np.random.default_rng(7)
    n = 4000
    home = np.empty(n)
    abroad = np.empty(n)
    for i in range(n):
        s = month(800.0, rng=rng)
        home[i], abroad[i] = s.attacks_home, s.attacks_abroad
    for draws, mean in ((home, 8.0 * math.exp(-1.0)), (abroad, 1.2)):
        # the sample mean of n Poisson draws has standard error sqrt(mean / n)
        assert abs(draws.mean() - mean) < 4 * math.sqrt(mean / n)
        assert abs(draws.var() - mean) < 0.15 * mean


def test_step_returns_what_it_computed() -> None:
    s = month(800.0, rng=ScriptedRng(4, 0), recruits=30.0, inflow=20.0)
    assert s.interdiction == pytest.approx(1 - math.exp(-1.0), rel=1e-12)
    assert s.attacks_home == 4 and s.deaths_home == pytest.approx(12.0)
    assert s.losses == pytest.approx(32.0) and s.strength == pytest.approx(818.0)


# --------------------------------------------------------------------------------- bounds
@settings(max_examples=200, deadline=None)
@given(
    strength=st.floats(0, 1e5),
    recruits=st.floats(0, 1e3),
    inflow=st.floats(0, 1e3),
    ct=st.floats(-5, 50),
    readiness=st.floats(0, 1),
    attrition=st.floats(0, 1),
)
def test_bounds(
    strength: float, recruits: float, inflow: float, ct: float, readiness: float, attrition: float
) -> None:
    params = dataclasses.replace(P, attrition=attrition)
    rng = ScriptedRng(0, 0)
    s = month(
        strength,
        rng=rng,
        params=params,
        recruits=recruits,
        inflow=inflow,
        ct_capacity=ct,
        readiness=readiness,
    )
    assert 0.0 <= s.interdiction <= 1.0
    assert 0.0 <= s.losses <= strength * (1 + 1e-12)
    assert s.strength >= 0.0
    assert s.strength >= recruits + inflow - 1e-9 * max(1.0, strength)
    assert all(m >= 0.0 for m in rng.means)
