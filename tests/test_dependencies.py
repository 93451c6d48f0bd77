"""Every third-party module that pactsim's code imports comes from a runtime dependency in
pyproject.toml: `make demo` installs only those, so a module that only the dev extras bring in
would fail for users (as `pactsim report` once did without ema_workbench)."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return name.lower().replace("_", "-")


def _runtime_distributions() -> set[str]:
    """Declared runtime dependencies, plus what their requested extras install."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    out: set[str] = set()
    for text in project["dependencies"]:
        req = Requirement(text)
        out.add(_norm(req.name))
        for extra in req.extras:
            for dep in requires(req.name) or []:
                marker = Requirement(dep).marker
                # what the extra adds (not what the package needs anyway)
                if (
                    marker is not None
                    and marker.evaluate({"extra": extra})
                    and not marker.evaluate({"extra": ""})
                ):
                    out.add(_norm(Requirement(dep).name))
    return out


def _imports(path: Path) -> set[str]:
    """Top-level names of the absolute imports in a source file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_imported_module_is_a_runtime_dependency() -> None:
    runtime = _runtime_distributions()
    providers = packages_distributions()
    missing: dict[str, list[str]] = {}
    for path in sorted((ROOT / "src" / "pactsim").rglob("*.py")):
        for name in _imports(path):
            if name in sys.stdlib_module_names or name in ("pactsim", "__future__"):
                continue
            if not {_norm(d) for d in providers.get(name, [])} & runtime:
                missing.setdefault(name, []).append(str(path.relative_to(ROOT)))
    assert not missing, f"imported but not a runtime dependency in pyproject.toml: {missing}"


def test_the_check_sees_a_dev_only_module() -> None:
    # mesa is a dev extra (the tests compare against it): the check must not accept it
    assert "mesa" not in _runtime_distributions()
    assert "mesa" in {_norm(d) for d in packages_distributions().get("mesa", [])}
