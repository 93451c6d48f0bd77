"""pactsim's web dashboard: a Streamlit app over the Python API, for analysts.

Start it with ``pactsim dashboard``; the app itself is :mod:`pactsim.dashboard.app`. The modules
here only present what :mod:`pactsim.scenario`, :mod:`pactsim.engagement`,
:mod:`pactsim.experiments` and :mod:`pactsim.analysis` compute:

- :mod:`~pactsim.dashboard.settings`: configuration read from the environment;
- :mod:`~pactsim.dashboard.sources`: bundled scenarios, uploads and the stores folder;
- :mod:`~pactsim.dashboard.limits`: how large a scenario the page agrees to show and run;
- :mod:`~pactsim.dashboard.text`: scenario text made safe for Streamlit's Markdown;
- :mod:`~pactsim.dashboard.work` and :mod:`~pactsim.dashboard.jobs`: what a run computes, and
  the separate, stoppable process it runs in; :mod:`~pactsim.dashboard.runs` shows it running;
- :mod:`~pactsim.dashboard.tables`: the tables the pages show, as DataFrames;
- :mod:`~pactsim.dashboard.levers`: the policy lab's controls and the overrides they make;
- :mod:`~pactsim.dashboard.charts`: Altair charts;
- :mod:`~pactsim.dashboard.views`: one module per page.
"""

from __future__ import annotations

from pathlib import Path

APP_FILE = Path(__file__).resolve().parent / "app.py"

__all__ = ["APP_FILE"]
