"""The extremists' strength series is named from the scenario, not from a case."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from pactsim.experiments.result import RunResult
from pactsim.report.run_plots import plot_runs
from pactsim.report.series import strength_columns, strength_series
from pactsim.scenario import load


def test_strength_series_uses_the_extremists_name():
    assert strength_series(SimpleNamespace(extremists=SimpleNamespace(name="rebels"))) == (
        "rebels_strength"
    )
    assert strength_series(load("toy-3-factions")) == "insurgents_strength"
    cols = ["month", "rebels_strength", "cost_cumulative"]
    named = SimpleNamespace(extremists=SimpleNamespace(name="rebels"))
    assert strength_columns(cols, named) == ["rebels_strength"]
    # a run whose series predates the scenario's name: any *_strength series
    assert strength_columns(["month", "old_strength"], named) == ["old_strength"]
    assert strength_columns(["month", "cost_cumulative"], None) == []


def test_plot_runs_draws_the_strength_series_of_any_name(tmp_path):
    t = np.arange(1, 13)
    series = pd.DataFrame(
        {
            "month": t,
            "reform_opening": t * 2.0,
            "cost_cumulative": t * 10.0,
            "legitimacy": 0.6,
            "hardship": 0.8,
            "rebels_strength": 500.0 - t,  # no iskp_strength: the plot must not need one
            "attacks_home": 3.0,
            "attacks_abroad": 1.0,
            "tension_neighbour": 0.5,
        }
    )
    res = RunResult("milestone", 1, {}, series, "synthetic", "0")
    named = SimpleNamespace(extremists=SimpleNamespace(name="rebels"))
    out = plot_runs([res], tmp_path / "p.png", scenario=named)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
