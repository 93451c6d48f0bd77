"""Where the dashboard's inputs come from: bundled scenarios, uploads, the stores folder.

No function here takes a path typed by a user: uploads arrive as bytes, stores are chosen from
the files found in the folder configured when the server started.
"""

from __future__ import annotations

import re
from pathlib import Path

from pactsim.dashboard import limits
from pactsim.errors import InputError
from pactsim.scenario import Scenario, ScenarioError, bundled_names, from_text, load

__all__ = [
    "bundled",
    "list_stores",
    "load_bundled",
    "parse_upload",
    "store_path",
]

STORE_SUFFIX = ".duckdb"
MAX_STORES = 200


def bundled() -> list[str]:
    """Names of the scenarios shipped with pactsim."""
    return bundled_names()


def load_bundled(name: str) -> Scenario:
    """A bundled scenario by name (refuses anything that is not one)."""
    if name not in bundled_names():
        raise ScenarioError.single(name, "", "not a bundled scenario")
    return load(name)


def _safe_name(name: str) -> str:
    base = Path(name or "upload.yaml").name
    return re.sub(r"[^A-Za-z0-9._-]", "_", base)[:100] or "upload.yaml"


def parse_upload(name: str, data: bytes, max_bytes: int) -> Scenario:
    """Validate an uploaded scenario file and check it against the page's limits
    (:mod:`pactsim.dashboard.limits`); every problem is a ScenarioError naming the file."""
    origin = _safe_name(name)
    if len(data) > max_bytes:
        raise ScenarioError.single(
            origin,
            "",
            f"file is {_size(len(data))}; uploads are limited to {_size(max_bytes)} "
            "(pactsim dashboard --max-upload-mb)",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError.single(
            origin, "", f"not a UTF-8 text file (byte {exc.start}); expected a YAML scenario"
        ) from None
    limits.precheck_text(text, origin)
    sc = from_text(text, origin)
    limits.check_scenario(sc)
    return sc


def _size(n: int) -> str:
    return f"{n / 2**20:.2f} MB" if n >= 2**20 else f"{n / 2**10:.1f} KB"


def list_stores(folder: Path) -> list[str]:
    """The results stores in ``folder`` and its direct subfolders, as relative names."""
    if not folder.is_dir():
        return []
    root = folder.resolve()
    found = []
    for pattern in (f"*{STORE_SUFFIX}", f"*/*{STORE_SUFFIX}"):
        for p in sorted(folder.glob(pattern)):
            if p.is_file() and p.resolve().is_relative_to(root):
                found.append(p.relative_to(folder).as_posix())
    return found[:MAX_STORES]


def store_path(folder: Path, name: str) -> Path:
    """The file of a listed store; anything not listed in ``folder`` is refused."""
    if name not in list_stores(folder):
        raise InputError(f"{name}: not a results store listed in {folder}")
    return folder / name
