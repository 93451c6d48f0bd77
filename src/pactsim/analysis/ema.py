"""Wrap a pactsim scenario as an EMA Workbench ``Model`` (Kwakkel 2017), so its samplers,
evaluators, PRIM, feature scoring and MORDM tools can be used on pactsim directly.

Mapping: each uncertainty becomes a ``RealParameter`` (``IntegerParameter`` for ``integer``;
the EMA Workbench samples its ranges uniformly, so the scenario's triangular and loguniform shapes
are not kept); each lever a ``RealParameter``, ``IntegerParameter`` or ``CategoricalParameter``
(booleans as ``BooleanParameter``); each scenario outcome a ``ScalarOutcome`` with its direction
(``maximize``/``minimize``/``info``). EMA names must be Python identifiers, so a dotted path
``a.b.c`` becomes ``a__b__c`` and the parameter's ``variable_name`` keeps the path: the model
function receives the dotted paths and passes them to ``run`` as overrides.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from typing import Any

RunFn = Callable[..., Any]


def ema_name(path: str) -> str:
    """A Python identifier for a dotted path (``a.b-c`` -> ``a__b_c``)."""
    name = re.sub(r"\W", "_", path.replace(".", "__"))
    return name if name[:1].isalpha() or name[:1] == "_" else f"p_{name}"


def _ema() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import ema_workbench
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return ema_workbench


def ema_model(
    scenario: Any,
    run: RunFn | None = None,
    policy: str | None = None,
    seed: int = 0,
    months: int | None = None,
    outcomes: list[str] | None = None,
    name: str = "pactsim",
) -> Any:
    """An ``ema_workbench.Model`` that runs ``scenario`` (under ``policy``) with the sampled
    uncertainties and levers as overrides. ``run`` defaults to :func:`pactsim.engagement.run`;
    every experiment uses the same ``seed``, so differences come from the parameters only."""
    ema = _ema()
    if run is None:
        from pactsim.engagement import run as default_run

        run = default_run
    run_fn: RunFn = run
    wanted = outcomes if outcomes is not None else [o.name for o in scenario.outcomes]

    def model_function(**kwargs: Any) -> dict[str, float]:
        overrides = {k: _plain(v) for k, v in kwargs.items()}
        res = run_fn(scenario, policy=policy, seed=seed, months=months, overrides=overrides)
        out = {ema_name(k): float(v) for k, v in res.summary.items()}
        # an outcome the run does not report is missing (NaN), not an error of the Workbench
        return {ema_name(n): out.get(ema_name(n), float("nan")) for n in wanted}

    model = ema.Model(re.sub(r"[^A-Za-z0-9]", "", name) or "pactsim", function=model_function)
    uncs = []
    for u in scenario.uncertainties:
        if u.dist == "integer":
            uncs.append(
                ema.IntegerParameter(
                    ema_name(u.path), int(u.low), int(u.high), variable_name=u.path
                )
            )
        else:
            uncs.append(
                ema.RealParameter(
                    ema_name(u.path), float(u.low), float(u.high), variable_name=u.path
                )
            )
    model.uncertainties = uncs
    levers = []
    for lv in scenario.levers:
        if lv.values is not None:
            if sorted(map(repr, lv.values)) == ["False", "True"]:
                levers.append(ema.BooleanParameter(ema_name(lv.path), variable_name=lv.path))
            else:
                levers.append(
                    ema.CategoricalParameter(
                        ema_name(lv.path), list(lv.values), variable_name=lv.path
                    )
                )
        elif lv.integer:
            levers.append(
                ema.IntegerParameter(
                    ema_name(lv.path), int(lv.low), int(lv.high), variable_name=lv.path
                )
            )
        else:
            levers.append(
                ema.RealParameter(
                    ema_name(lv.path), float(lv.low), float(lv.high), variable_name=lv.path
                )
            )
    model.levers = levers
    kinds = {
        "maximize": ema.ScalarOutcome.MAXIMIZE,
        "minimize": ema.ScalarOutcome.MINIMIZE,
        "info": ema.ScalarOutcome.INFO,
    }
    direction = {o.name: o.direction for o in scenario.outcomes}
    model.outcomes = [
        ema.ScalarOutcome(ema_name(n), kind=kinds[direction.get(n, "info")]) for n in wanted
    ]
    return model


def _plain(v: Any) -> Any:
    import numpy as np

    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v
