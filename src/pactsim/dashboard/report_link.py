"""The HTML report of an ensemble, when :mod:`pactsim.report.html` is present (feature-detected:
the dashboard works without it and says so)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def store_report_builder() -> Callable[..., Any] | None:
    """``pactsim.report.html.render`` (store -> (html, verdicts)), or None when absent."""
    try:
        from pactsim.report.html import render
    except ImportError:
        return None
    return render


def render_store(builder: Callable[..., Any], path: str | Path) -> bytes:
    """The self-contained HTML report of the results store at ``path``, as UTF-8 bytes."""
    out = builder(str(path))
    page = out[0] if isinstance(out, tuple) else out
    return page.encode("utf-8") if isinstance(page, str) else bytes(page)
