"""Global sensitivity analysis: Sobol and Morris indices with confidence intervals (SALib).

Plain functions over a SALib problem (``{"names": [...], "bounds": [[lo, hi], ...]}``), the design
matrix and the outputs, in the sampler's order. The store adapter
(:func:`pactsim.analysis.store.sensitivity_from_store`) and the tests on the Ishigami function call
the same :func:`sobol_indices` and :func:`morris_indices`.

References: Sobol' (2001) first-order and total indices with Saltelli et al. (2010) estimators and
Saltelli (2002) second-order indices, as implemented by ``SALib.analyze.sobol``; Morris (1991)
elementary effects with Campolongo, Cariboni & Saltelli (2007) mu*, as implemented by
``SALib.analyze.morris``; confidence intervals by bootstrap (Archer, Saltelli & Sobol' 1997).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pactsim.errors import InputError

METHODS = ("sobol", "morris")


@dataclass
class SensitivityResult:
    """Indices of one outcome. ``table`` has one row per parameter:

    - Sobol: ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (``*_conf`` is the half-width of the
      ``conf_level`` bootstrap interval); ``S2``/``S2_conf`` are D x D matrices (upper triangle).
    - Morris: ``mu_star``, ``mu_star_conf``, ``mu``, ``sigma`` in the outcome's unit per unit of
      the design (the unit cube when the design was drawn there).
    """

    method: str
    outcome: str
    names: list[str]
    table: pd.DataFrame
    conf_level: float
    n_runs: int
    S2: pd.DataFrame | None = None
    S2_conf: pd.DataFrame | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready document (NaN stays NaN; the CLI's JSON writer turns it into null)."""
        doc: dict[str, Any] = {
            "method": self.method,
            "outcome": self.outcome,
            "conf_level": self.conf_level,
            "n_runs": self.n_runs,
            "parameters": self.table.reset_index().to_dict(orient="records"),
            **self.info,
        }
        if self.S2 is not None and self.S2_conf is not None:
            doc["second_order"] = [
                {
                    "a": a,
                    "b": b,
                    "S2": float(self.S2.loc[a, b]),
                    "S2_conf": float(self.S2_conf.loc[a, b]),
                }
                for i, a in enumerate(self.names)
                for b in self.names[i + 1 :]
            ]
        return doc

    def ranking(self) -> list[str]:
        """Parameters from most to least influential (ST for Sobol, mu* for Morris)."""
        key = "ST" if self.method == "sobol" else "mu_star"
        return list(self.table[key].sort_values(ascending=False, kind="stable").index)

    def plot(self, path: str) -> str:
        """Bar chart with confidence intervals (Sobol: S1 and ST; Morris: mu* against sigma)."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        order = self.ranking()[::-1]
        t = self.table.loc[order]
        labels = [_short(n) for n in order]
        height = max(3.0, 0.35 * len(order) + 1.5)
        if self.method == "sobol":
            if self.S2 is None:
                fig, ax = plt.subplots(figsize=(8, height))
            else:
                fig, (ax, ax2) = plt.subplots(1, 2, figsize=(14, max(height, 5.0)))
                s2 = self.S2.loc[order[::-1], order[::-1]].to_numpy(dtype=float)
                im = ax2.imshow(np.where(np.isfinite(s2), s2, np.nan), cmap="viridis")
                ticks = [_short(n, 24) for n in order[::-1]]
                ax2.set_xticks(range(len(ticks)), ticks, rotation=60, ha="right", fontsize=7)
                ax2.set_yticks(range(len(ticks)), ticks, fontsize=7)
                ax2.set_title("second-order indices S2 (upper triangle)")
                fig.colorbar(im, ax=ax2)
            y = np.arange(len(order))
            ax.barh(y - 0.2, t["S1"], 0.4, xerr=t["S1_conf"], label="first order S1", capsize=2)
            ax.barh(y + 0.2, t["ST"], 0.4, xerr=t["ST_conf"], label="total ST", capsize=2)
            ax.set_yticks(y, labels)
            ax.set_xlabel(f"Sobol index ({self.conf_level:.0%} bootstrap interval)")
            ax.axvline(0, color="black", lw=0.5)
            ax.legend(loc="lower right")
        else:
            fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, height))
            y = np.arange(len(order))
            ax.barh(y, t["mu_star"], xerr=t["mu_star_conf"], capsize=2)
            ax.set_yticks(y, labels)
            ax.set_xlabel(f"mu* ({self.conf_level:.0%} bootstrap interval)")
            ax2.scatter(t["mu_star"], t["sigma"])
            for name, row in t.iterrows():
                ax2.annotate(_short(str(name)), (row["mu_star"], row["sigma"]), fontsize=7)
            ax2.set_xlabel("mu*")
            ax2.set_ylabel("sigma")
        fig.suptitle(f"{self.method.capitalize()} sensitivity of {self.outcome}")
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)
        return path


def _short(path: str, width: int = 38) -> str:
    return path if len(path) <= width else "..." + path[-(width - 3) :]


def _check(problem: dict[str, Any], Y: np.ndarray) -> tuple[list[str], np.ndarray]:
    names = list(problem.get("names") or [])
    if not names:
        raise InputError("sensitivity: the problem has no parameters (names is empty)")
    y = np.asarray(Y, dtype=float).ravel()
    if not np.all(np.isfinite(y)):
        bad = int(np.sum(~np.isfinite(y)))
        raise InputError(f"sensitivity: {bad} of {y.size} outputs are NaN or infinite")
    return names, y


def _salib_problem(problem: dict[str, Any]) -> dict[str, Any]:
    names = list(problem["names"])
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [list(map(float, b)) for b in problem["bounds"]],
    }


def sobol_indices(
    problem: dict[str, Any],
    Y: np.ndarray,
    outcome: str = "y",
    calc_second_order: bool | None = None,
    conf_level: float = 0.95,
    num_resamples: int = 100,
    seed: int = 0,
) -> SensitivityResult:
    """First-order, total and second-order Sobol indices from outputs of Saltelli's design.

    ``Y`` must be in ``SALib.sample.sobol.sample`` order: N (2D + 2) rows with second-order
    indices, N (D + 2) without (``calc_second_order=None`` infers which from the length,
    preferring a power-of-2 N).
    """
    from SALib.analyze import sobol

    names, y = _check(problem, Y)
    d = len(names)
    if calc_second_order is None:
        calc_second_order = _infer_second_order(y.size, d)
    step = 2 * d + 2 if calc_second_order else d + 2
    if y.size % step or y.size == 0:
        raise InputError(f"sensitivity: {y.size} outputs are not a multiple of {step}")
    if np.ptp(y) == 0:
        raise InputError(f"sensitivity: outcome {outcome} is constant over the design")
    res = sobol.analyze(
        _salib_problem(problem),
        y,
        calc_second_order=calc_second_order,
        num_resamples=num_resamples,
        conf_level=conf_level,
        seed=seed,
    )
    table = pd.DataFrame(
        {"S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]},
        index=pd.Index(names, name="parameter"),
    )
    s2 = s2c = None
    if calc_second_order:
        s2 = pd.DataFrame(res["S2"], index=names, columns=names)
        s2c = pd.DataFrame(res["S2_conf"], index=names, columns=names)
    return SensitivityResult(
        "sobol",
        outcome,
        names,
        table,
        conf_level,
        int(y.size),
        s2,
        s2c,
        {"base_samples": y.size // step},
    )


def _infer_second_order(n: int, d: int) -> bool:
    """Which Saltelli design gave ``n`` outputs: N (2D + 2) or N (D + 2) rows, preferring the
    reading whose base N is a power of 2 (SALib's Sobol sampler asks for one)."""
    fits = [(True, 2 * d + 2), (False, d + 2)]
    fits = [(second, step) for second, step in fits if n % step == 0 and n > 0]
    if not fits:
        raise InputError(
            f"sensitivity: {n} outputs do not fit a Sobol design over {d} parameters "
            f"(expected a multiple of {2 * d + 2} or {d + 2}); was the ensemble run with "
            "--sampler sobol?"
        )
    power = [second for second, step in fits if (n // step) & (n // step - 1) == 0]
    return power[0] if power else fits[0][0]


def morris_indices(
    problem: dict[str, Any],
    X: np.ndarray,
    Y: np.ndarray,
    outcome: str = "y",
    num_levels: int = 4,
    conf_level: float = 0.95,
    num_resamples: int = 100,
    seed: int = 0,
) -> SensitivityResult:
    """Morris elementary effects (mu, mu*, sigma) from trajectories ``X`` and outputs ``Y``.

    ``X`` is the design in the units of ``problem["bounds"]`` (e.g. the unit cube), in
    ``SALib.sample.morris.sample`` order: r trajectories of D + 1 rows.
    """
    from SALib.analyze import morris

    names, y = _check(problem, Y)
    x = np.asarray(X, dtype=float)
    d = len(names)
    if x.ndim != 2 or x.shape[1] != d or x.shape[0] != y.size:
        raise InputError(
            f"sensitivity: the Morris design has shape {x.shape}, expected ({y.size}, {d})"
        )
    if y.size % (d + 1):
        raise InputError(
            f"sensitivity: {y.size} outputs are not whole Morris trajectories of {d + 1} runs; "
            "was the ensemble run with --sampler morris?"
        )
    res = morris.analyze(
        _salib_problem(problem),
        x,
        y,
        num_resamples=num_resamples,
        conf_level=conf_level,
        num_levels=num_levels,
        seed=seed,
    )
    table = pd.DataFrame(
        {
            "mu_star": np.asarray(res["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(res["mu_star_conf"], dtype=float),
            "mu": np.asarray(res["mu"], dtype=float),
            "sigma": np.asarray(res["sigma"], dtype=float),
        },
        index=pd.Index(names, name="parameter"),
    )
    return SensitivityResult(
        "morris",
        outcome,
        names,
        table,
        conf_level,
        int(y.size),
        info={"trajectories": y.size // (d + 1), "num_levels": num_levels},
    )


def analyze(
    method: str,
    problem: dict[str, Any],
    Y: np.ndarray,
    X: np.ndarray | None = None,
    outcome: str = "y",
    **options: Any,
) -> SensitivityResult:
    """Dispatch to :func:`sobol_indices` or :func:`morris_indices` by ``method``."""
    if method == "sobol":
        return sobol_indices(problem, Y, outcome=outcome, **options)
    if method == "morris":
        if X is None:
            raise InputError("sensitivity: the Morris method needs the design matrix X")
        return morris_indices(problem, X, Y, outcome=outcome, **options)
    raise InputError(f"--method: unknown method '{method}' (expected {', '.join(METHODS)})")


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami & Homma (1990) test function on [-pi, pi]^3, for validation."""
    x = np.asarray(x, dtype=float)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, np.ndarray]:
    """Analytic first-order and total indices of :func:`ishigami` (Sobol' & Levitan 1999)."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {
        "S1": np.array([v1, v2, 0.0]) / v,
        "ST": np.array([v1 + v13, v2, v13]) / v,
        "S13": np.array(v13 / v),
    }
