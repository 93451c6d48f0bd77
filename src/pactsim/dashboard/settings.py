"""The dashboard's configuration, read from the environment that ``pactsim dashboard`` sets.

The page never takes a file path: scenarios come from the bundled set or an upload, stored
ensembles from one folder fixed when the server starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_STORES = "PACTSIM_STORES"
ENV_MAX_UPLOAD = "PACTSIM_DASHBOARD_MAX_UPLOAD_MB"
ENV_MODEL = "PACTSIM_DASHBOARD_MODEL"

DEFAULT_STORES = "out"
DEFAULT_MAX_UPLOAD_MB = 1
DEFAULT_MODEL = "pactsim.engagement:run"


@dataclass(frozen=True)
class Settings:
    """What the server was started with.

    stores: folder whose ``*.duckdb`` results stores the page lists (``--stores``).
    max_upload_mb: largest scenario upload accepted [MB].
    model: ``module:function`` that runs a scenario once (the engagement loop by default).
    """

    stores: Path
    max_upload_mb: int
    model: str


def from_env(environ: dict[str, str] | None = None) -> Settings:
    """Settings from ``PACTSIM_STORES``, ``PACTSIM_DASHBOARD_MAX_UPLOAD_MB`` and
    ``PACTSIM_DASHBOARD_MODEL`` (defaults: ``./out``, 1 MB, the engagement loop)."""
    env = os.environ if environ is None else environ
    try:
        limit = int(env.get(ENV_MAX_UPLOAD, DEFAULT_MAX_UPLOAD_MB))
    except ValueError:
        limit = DEFAULT_MAX_UPLOAD_MB
    return Settings(
        stores=Path(env.get(ENV_STORES) or DEFAULT_STORES),
        max_upload_mb=max(1, limit),
        model=env.get(ENV_MODEL) or DEFAULT_MODEL,
    )
