"""A pactsim scenario wrapped as an EMA Workbench model (Kwakkel 2017) runs experiments through
the Workbench's own evaluator, and each experiment equals a direct pactsim run."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from analysis_models import design_run

from pactsim.analysis.ema import ema_model, ema_name


def test_ema_name_is_an_identifier():
    assert ema_name("factions.members.kandahar.kappa.inclusivity") == (
        "factions__members__kandahar__kappa__inclusivity"
    )
    assert ema_name("a.b-c").isidentifier() and ema_name("1x").isidentifier()


def test_scenario_runs_through_the_ema_workbench(toy):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import ema_workbench as ema

    model = ema_model(toy, run=design_run, policy="milestone", seed=5)
    assert [u.variable_name[0] for u in model.uncertainties] == [u.path for u in toy.uncertainties]
    assert [lv.variable_name[0] for lv in model.levers] == [lv.path for lv in toy.levers]
    kinds = {o.name: o.kind for o in model.outcomes}
    assert kinds["cost_total"] == ema.ScalarOutcome.MINIMIZE
    assert kinds["reached_opening_36m"] == ema.ScalarOutcome.MAXIMIZE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ema.SequentialEvaluator(model) as evaluator:
            experiments, outcomes = evaluator.perform_experiments(scenarios=8, policies=3)
    assert len(experiments) == 24
    assert set(outcomes) == {o.name for o in toy.outcomes}
    assert np.isnan(outcomes["reform_opening_final"]).all()  # not reported by this model
    # each experiment is the pactsim run with the sampled values as overrides
    paths = {ema_name(p.path): p.path for p in [*toy.uncertainties, *toy.levers]}
    for i in (0, 13, 23):
        row = experiments.iloc[i]
        overrides = {path: row[name] for name, path in paths.items()}
        overrides["package.instruments.repair.enabled"] = bool(
            overrides["package.instruments.repair.enabled"]
        )
        direct = design_run(toy, "milestone", 5, None, overrides).summary
        shared = set(direct) & set(outcomes)
        assert len(shared) == 3
        for key in shared:
            assert outcomes[key][i] == pytest.approx(direct[key])
    assert np.unique(outcomes["cost_total"]).size > 1
