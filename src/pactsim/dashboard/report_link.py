"""The HTML report, when :mod:`pactsim.report` provides a builder (feature-detected)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def run_report_builder() -> Callable[..., Any] | None:
    """The function that renders runs as a self-contained HTML report, or None."""
    try:
        from pactsim.report import html  # type: ignore[attr-defined]
    except ImportError:
        return None
    return getattr(html, "run_report", None)


def store_report_builder() -> Callable[..., Any] | None:
    """The function that renders a stored ensemble as an HTML report, or None."""
    try:
        from pactsim.report import html  # type: ignore[attr-defined]
    except ImportError:
        return None
    return getattr(html, "store_report", None)


def render_runs(
    builder: Callable[..., Any], sc: Any, results: dict[str, Any], request: dict[str, Any]
) -> bytes:
    """The report of the lab's runs as HTML bytes."""
    out = builder(sc, list(results.values()))
    return out.encode() if isinstance(out, str) else bytes(out)


def render_store(builder: Callable[..., Any], path: str) -> bytes:
    """The report of a stored ensemble as HTML bytes."""
    out = builder(path)
    return out.encode() if isinstance(out, str) else bytes(out)
