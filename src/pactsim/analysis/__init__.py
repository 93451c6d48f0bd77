"""pactsim analysis: sensitivity (SALib), scenario discovery (PRIM), calibration (ABC) and robust
package design (pymoo NSGA-II), as plain functions over arrays and DataFrames.

Submodules are imported on first use, so ``import pactsim`` stays fast:

- :mod:`~pactsim.analysis.sensitivity`: ``sobol_indices``, ``morris_indices``;
- :mod:`~pactsim.analysis.discovery`: ``prim_boxes``, ``discover``;
- :mod:`~pactsim.analysis.abc`: ``abc_rejection``; :mod:`~pactsim.analysis.calibrate`:
  ``calibrate``, ``posterior_scenario_text``;
- :mod:`~pactsim.analysis.search`: ``nsga2``; :mod:`~pactsim.analysis.robust`:
  ``design_package``;
- :mod:`~pactsim.analysis.store`: adapters from a results store;
- :mod:`~pactsim.analysis.ema`: ``ema_model`` (a scenario as an EMA Workbench model).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "SensitivityResult": "sensitivity",
    "sobol_indices": "sensitivity",
    "morris_indices": "sensitivity",
    "Condition": "condition",
    "parse_condition": "condition",
    "DiscoveryResult": "discovery",
    "prim_boxes": "discovery",
    "discover": "discovery",
    "AbcResult": "abc",
    "abc_rejection": "abc",
    "posterior_ranges": "calibrate",
    "posterior_scenario_text": "calibrate",
    "ParetoResult": "search",
    "nsga2": "search",
    "design_package": "robust",
    "sensitivity_from_store": "store",
    "discover_from_store": "store",
    "ema_model": "ema",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pactsim.analysis' has no attribute '{name}'")
    return getattr(importlib.import_module(f"pactsim.analysis.{module}"), name)
