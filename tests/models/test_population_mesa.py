"""Variant ``mesa`` against Mesa's own example (mesa.examples.advanced.epstein_civil_violence).

Parameter mapping: Mesa's citizen_vision = cop_vision -> vision, active_threshold -> threshold,
arrest_prob_constant -> k, max_jail_term -> max_jail; grid 40 x 40, densities 0.7 / 0.074.
Per-seed means of actives and jailed over ticks 1..STEPS are compared with Welch's t-test
(Bonferroni over the 8 comparisons, family-wise alpha 0.01). A negative control (the paper's
continuous C/A against Mesa) shows the test has the power to see a real difference.
Mesa costs about 0.05-0.1 s a step, so this file runs 4 x 40 Mesa runs of 20 steps.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from pactsim.models.population import CivilViolenceParams, run_many

STEPS = 20
MESA_SEEDS = 40
SETTINGS = [(0.6, 30), (0.6, 1000), (0.8, 30), (0.8, 1000)]
ALPHA = 0.01 / (2 * len(SETTINGS))


def _mesa_means(legitimacy: float, max_jail: int) -> tuple[np.ndarray, np.ndarray]:
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    act, jail = [], []
    for seed in range(MESA_SEEDS):
        m = EpsteinCivilViolence(
            width=40, height=40, legitimacy=legitimacy, max_jail_term=max_jail, seed=seed
        )
        a, j = [], []
        for _ in range(STEPS):
            m.step()
            a.append(m.ACTIVE)
            j.append(m.ARRESTED)
        act.append(np.mean(a))
        jail.append(np.mean(j))
    return np.array(act), np.array(jail)


def _ours(variant: str, legitimacy: float, max_jail: int) -> tuple[np.ndarray, np.ndarray]:
    p = CivilViolenceParams(
        width=40,
        height=40,
        citizen_density=0.7,
        cop_density=0.074,
        vision=7,
        legitimacy=legitimacy,
        max_jail=max_jail,
        threshold=0.1,
        k=2.3,
        variant=variant,
    )
    r = run_many(p, range(1000, 1200), STEPS, workers=1)
    return r["active"][:, 1:].mean(axis=1), r["jailed"][:, 1:].mean(axis=1)


@pytest.mark.slow
@pytest.mark.parametrize(("legitimacy", "max_jail"), SETTINGS)
def test_mesa_variant_agrees_with_mesa(legitimacy: float, max_jail: int) -> None:
    mesa_act, mesa_jail = _mesa_means(legitimacy, max_jail)
    our_act, our_jail = _ours("mesa", legitimacy, max_jail)
    for ours, theirs in ((our_act, mesa_act), (our_jail, mesa_jail)):
        p = stats.ttest_ind(ours, theirs, equal_var=False).pvalue
        assert p > ALPHA, (legitimacy, max_jail, ours.mean(), theirs.mean(), p)
    if legitimacy == 0.6 and max_jail == 30:
        # negative control: the paper's continuous C/A is measurably different from Mesa
        _paper_act, paper_jail = _ours("paper", legitimacy, max_jail)
        assert stats.ttest_ind(paper_jail, mesa_jail, equal_var=False).pvalue < ALPHA
