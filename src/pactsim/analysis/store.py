"""Thin adapters from a results store (:mod:`pactsim.experiments.store`) to the analysis methods.

They read the design, the parameters and one outcome per sampled world (the mean over the
successful replications, ``Store.outcomes_matrix``) and call the same functions the tests call on
problems with known answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pactsim.analysis.discovery import DiscoveryResult, discover
from pactsim.analysis.sensitivity import SensitivityResult, morris_indices, sobol_indices
from pactsim.errors import InputError


def open_results(store: Any) -> Any:
    """A :class:`~pactsim.experiments.store.Store` from a path (or the store itself)."""
    if not isinstance(store, str | Path):
        return store
    from pactsim.experiments.store import open_store

    if not Path(store).is_file():
        raise InputError(f"{store}: no such results store (make one with 'pactsim ensemble')")
    return open_store(store)


def choose_policy(st: Any, policy: str | None) -> str | None:
    """The policy to analyse: ``policy`` if given, else the store's only policy."""
    pols = st.policies()
    if policy is not None:
        if policy not in pols:
            have = ", ".join("(as written)" if p is None else p for p in pols)
            raise InputError(
                f"{st.path}: --policy: no policy '{policy}' in the store (have: {have})"
            )
        return policy
    if len(pols) == 1:
        return pols[0]
    raise InputError(
        f"{st.path}: the store holds several policies "
        f"({', '.join(str(p) for p in pols)}); choose one with --policy"
    )


def _outcome(st: Any, policy: str | None, outcome: str, need_all: bool) -> np.ndarray:
    y = st.outcomes_matrix(policy, outcome)
    missing = int(np.isnan(y).sum())
    if missing and need_all:
        failed = _failed_worlds(st, policy, np.flatnonzero(np.isnan(y)))
        why = []
        if failed:
            why.append(
                f"in {failed} every run failed (their errors: pactsim compare {st.path}); a "
                "resume does not change that: narrow the ranges that make them fail"
            )
        if missing - failed:
            why.append(
                f"{missing - failed} are not run yet: finish the ensemble (run it again with "
                "--resume)"
            )
        raise InputError(
            f"{st.path}: {missing} of {y.size} worlds have no finished run for policy "
            f"{policy!r}, and this analysis needs every world: " + "; ".join(why)
        )
    return y


def _failed_worlds(st: Any, policy: str | None, worlds: np.ndarray) -> int:
    """How many of ``worlds`` have a stored (failed) run under ``policy``."""
    if not len(worlds):
        return 0
    runs = st.runs(status=None)
    sel = runs["policy"].isna() if policy is None else runs["policy"] == policy
    stored = set(runs.loc[sel, "world"].astype(int))
    return sum(int(w) in stored for w in worlds)


def _morris_unit_design(prov: dict[str, Any], stored: np.ndarray) -> np.ndarray | None:
    """The unit-cube Morris design, regenerated from the recorded sampler seed and options, when
    it maps to the stored values (so elementary effects are taken on the sampler's grid)."""
    from pactsim.experiments.design import Parameter, make_design

    try:
        params = [
            Parameter(**{**p, "values": tuple(p["values"]) if p.get("values") else None})
            for p in prov["parameters"]
        ]
        design = make_design(
            params,
            "morris",
            int(prov["samples"]),
            int(prov["seed"]),
            dict(prov.get("sampler_options") or {}),
        )
    except Exception:
        return None
    unit = design.unit
    if unit is None or unit.shape != stored.shape:
        return None
    for j, p in enumerate(params):
        if p.dist != "categorical":
            vals = np.asarray(p.transform(unit[:, j]), dtype=float)
            if not np.allclose(vals, stored[:, j], rtol=1e-9, atol=1e-12):
                return None
    return unit


def sensitivity_from_store(
    store: Any,
    method: str,
    outcome: str,
    policy: str | None = None,
    conf_level: float = 0.95,
    seed: int = 0,
) -> SensitivityResult:
    """Sobol or Morris indices of ``outcome`` under ``policy`` from an ensemble made with the
    matching sampler (``--sampler sobol`` / ``--sampler morris``)."""
    st = open_results(store)
    prov = st.provenance()
    sampler = prov.get("sampler")
    if method not in ("sobol", "morris"):
        raise InputError(f"--method: unknown method '{method}' (expected sobol or morris)")
    if sampler != method:
        raise InputError(
            f"{st.path}: the ensemble was sampled with '{sampler}', but {method} indices need "
            f"an ensemble made with --sampler {method}"
        )
    pol = choose_policy(st, policy)
    y = _outcome(st, pol, outcome, need_all=True)
    problem = {
        "num_vars": len(prov["problem"]["names"]),
        "names": prov["problem"]["names"],
        "bounds": prov["problem"]["bounds"],
    }
    options = dict(prov.get("sampler_options") or {})
    if method == "sobol":
        res = sobol_indices(
            problem,
            y,
            outcome=outcome,
            calc_second_order=options.get("calc_second_order"),
            conf_level=conf_level,
            seed=seed,
        )
    else:
        stored = st.design_matrix(pol)
        unit = _morris_unit_design(prov, stored)
        if unit is not None:
            x, problem = unit, {**problem, "bounds": [[0.0, 1.0]] * problem["num_vars"]}
        else:
            x = stored
        res = morris_indices(
            problem,
            x,
            y,
            outcome=outcome,
            num_levels=int(options.get("num_levels", 4)),
            conf_level=conf_level,
            seed=seed,
        )
        res.info["design_units"] = "unit cube" if unit is not None else "parameter units"
    res.info.update(
        {
            "store": st.path,
            "policy": pol,
            "scenario": prov.get("scenario_name"),
            "replications": prov.get("replications"),
        }
    )
    return res


def experiments_frame(st: Any, policy: str | None) -> pd.DataFrame:
    """The sampled parameter values, one row per world in design order (numeric columns as
    floats, categorical levers as their text)."""
    exp = st.experiments()
    sel = exp[exp["policy"].isna()] if policy is None else exp[exp["policy"] == policy]
    sel = sel.sort_values("world")
    names = st.provenance()["problem"]["names"]
    x = sel[names].reset_index(drop=True)
    for c in x.columns:
        if not pd.api.types.is_numeric_dtype(x[c]):
            x[c] = x[c].astype(str)
    return x


def discover_from_store(
    store: Any,
    where: str,
    policy: str | None = None,
    threshold: float = 0.8,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    max_boxes: int = 1,
) -> DiscoveryResult:
    """PRIM boxes of the sampled parameters in which ``where`` holds for ``policy`` (one case per
    world: the outcome's mean over the replications; unfinished worlds are left out)."""
    from pactsim.analysis.condition import parse_condition

    cond = parse_condition(where)
    st = open_results(store)
    if cond.name not in st.outcome_names():
        raise InputError(
            f"{st.path}: --where: no outcome '{cond.name}' (have: {', '.join(st.outcome_names())})"
        )
    pol = choose_policy(st, policy)
    y = _outcome(st, pol, cond.name, need_all=False)
    x = experiments_frame(st, pol)
    keep = ~np.isnan(y)
    if not keep.any():
        raise InputError(f"{st.path}: no finished run for policy {pol!r}")
    res = discover(
        x[keep].reset_index(drop=True),
        y[keep],
        cond,
        threshold=threshold,
        peel_alpha=peel_alpha,
        mass_min=mass_min,
        max_boxes=max_boxes,
    )
    prov = st.provenance()
    res.info.update(
        {
            "store": st.path,
            "policy": pol,
            "scenario": prov.get("scenario_name"),
            "worlds_left_out": int((~keep).sum()),
        }
    )
    return res
