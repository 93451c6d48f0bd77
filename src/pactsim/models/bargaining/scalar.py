"""One forecast for one problem: the entry point for callers that bargain one issue at a time."""

from __future__ import annotations

from typing import Any

import numpy as np

from pactsim.errors import InputError
from pactsim.models.bargaining.baselines import compromise, nash, weighted_median
from pactsim.models.bargaining.eum import eum

__all__ = ["MODELS", "forecast"]

#: Model names accepted by :func:`forecast` and ``pactsim bargain --model``.
MODELS: tuple[str, ...] = ("eum", "compromise", "median", "nash", "smp")

_OPTIONS: dict[str, tuple[str, ...]] = {
    "compromise": (),
    "median": (),
    "nash": ("status_quo", "utility"),
    "eum": ("rounds", "q", "variant", "risk"),
    "smp": ("max_turns",),
}


def forecast(
    model: str,
    capability: np.ndarray | list[float],
    position: np.ndarray | list[float],
    salience: np.ndarray | list[float],
    **options: Any,
) -> float:
    """Forecast position of one one-dimensional problem (A actors) under ``model``.

    Args:
        model: ``"compromise"``, ``"median"``, ``"nash"``, ``"eum"`` or ``"smp"``.
        capability, position, salience: (A,) arrays (see the models).
        **options: ``nash``: ``status_quo``, ``utility``; ``eum``: ``rounds`` (default 10),
            ``q`` (1.0), ``variant`` ("scholz"), ``risk``; ``smp``: ``max_turns`` (100).

    Returns:
        The forecast on the positions' scale: for ``eum`` the median after the rounds, for
        ``smp`` KTAB's final state summarised as in :func:`pactsim.models.bargaining.smp.smp`.
    """
    if model == "weighted_median":
        model = "median"
    if model not in _OPTIONS:
        raise InputError(f"unknown bargaining model {model!r}; expected one of {', '.join(MODELS)}")
    unknown = sorted(set(options) - set(_OPTIONS[model]))
    if unknown:
        allowed = ", ".join(_OPTIONS[model]) or "none"
        raise InputError(f"{model}: unknown option(s) {', '.join(unknown)} (allowed: {allowed})")
    x = np.asarray(position, dtype=float)
    if x.ndim != 1:
        raise InputError(f"forecast: position must be (actors,), got shape {x.shape}")
    if model == "compromise":
        return float(compromise(capability, x, salience))  # type: ignore[arg-type]
    if model == "median":
        return float(weighted_median(capability, x, salience))  # type: ignore[arg-type]
    if model == "nash":
        return float(nash(capability, x, salience, **options))  # type: ignore[arg-type]
    if model == "eum":
        return float(eum(capability, x, salience, **options).forecast)  # type: ignore[arg-type]
    try:
        from pactsim.models.bargaining.smp import smp
    except ImportError:
        raise InputError("SMP model not available") from None
    res = smp(
        np.asarray(capability, dtype=float),
        x[:, None],
        np.asarray(salience, dtype=float)[:, None],
        **options,
    )
    return float(res.forecast[0])
