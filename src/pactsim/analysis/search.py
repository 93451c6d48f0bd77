"""Multi-objective search with NSGA-II (Deb et al. 2002, through pymoo; Blank & Deb 2020).

:func:`nsga2` runs pymoo's NSGA-II on a box-bounded problem whose objectives (all minimised) and
inequality constraints (feasible when <= 0) come from a pluggable vectorised ``evaluate(X)``. The
package design of :mod:`pactsim.analysis.robust` and the tests on problems with known Pareto fronts
(ZDT1; a constrained convex pair) go through this same function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pactsim.errors import InputError

Evaluate = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray | None]]


@dataclass
class ParetoResult:
    """The non-dominated feasible candidates found.

    ``X`` are the decision vectors, ``F`` the minimised objectives, ``G`` the constraints;
    ``table`` presents them with readable names and signs (a maximised objective positive).
    """

    X: np.ndarray
    F: np.ndarray
    G: np.ndarray | None
    table: pd.DataFrame
    objectives: list[str]
    variables: list[str]
    senses: list[str]  # "min" | "max" per objective, for display
    evaluations: int
    info: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "objectives": [
                {"name": n, "sense": s} for n, s in zip(self.objectives, self.senses, strict=True)
            ],
            "variables": self.variables,
            "evaluations": self.evaluations,
            "pareto": self.table.to_dict(orient="records"),
            **self.info,
        }

    def plot(self, path: str) -> str:
        """Parallel coordinates of the Pareto set: each objective on its own axis, scaled from
        the set's worst (bottom) to best (top) value; each line one candidate package."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        cols = self.objectives
        vals = self.table[cols].to_numpy(dtype=float)
        fig, ax = plt.subplots(figsize=(max(6.0, 2.2 * len(cols)), 4.8))
        if len(vals):
            lo, hi = vals.min(axis=0), vals.max(axis=0)
            span = np.where(hi > lo, hi - lo, 1.0)
            good = (vals - lo) / span
            for j, s in enumerate(self.senses):
                if s == "min":
                    good[:, j] = 1 - good[:, j]
            cmap = plt.get_cmap("viridis")
            colour = good[:, 0]
            for i in range(len(vals)):
                ax.plot(range(len(cols)), good[i], color=cmap(colour[i]), alpha=0.75, lw=1.3)
            for j in range(len(cols)):
                ax.axvline(j, color="black", lw=0.6)
                best, worst = (hi[j], lo[j]) if self.senses[j] == "max" else (lo[j], hi[j])
                ax.annotate(
                    f"{best:.3g}",
                    (j, 1.0),
                    xytext=(0, 4),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8,
                )
                ax.annotate(
                    f"{worst:.3g}",
                    (j, 0.0),
                    xytext=(0, -12),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8,
                )
        ax.set_xticks(
            range(len(cols)),
            [f"{c}\n({s})" for c, s in zip(cols, self.senses, strict=True)],
            fontsize=8,
        )
        ax.set_yticks([])
        ax.set_ylim(-0.12, 1.12)
        ax.set_title(f"Pareto set: {len(vals)} candidates (top of each axis = better)")
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)
        return path


def _problem_class() -> type:
    from pymoo.core.problem import Problem

    class VectorProblem(Problem):  # type: ignore[misc]
        """A pymoo problem over a pluggable vectorised evaluate function."""

        def __init__(
            self, evaluate: Evaluate, xl: np.ndarray, xu: np.ndarray, n_obj: int, n_constr: int
        ) -> None:
            super().__init__(n_var=len(xl), n_obj=n_obj, n_ieq_constr=n_constr, xl=xl, xu=xu)
            self._evaluate_fn = evaluate
            self.calls = 0

        def _evaluate(self, x: np.ndarray, out: dict[str, Any], *args: Any, **kwargs: Any) -> None:
            f, g = self._evaluate_fn(np.asarray(x, dtype=float))
            self.calls += len(x)
            out["F"] = np.asarray(f, dtype=float).reshape(len(x), self.n_obj)
            if self.n_ieq_constr:
                out["G"] = np.asarray(g, dtype=float).reshape(len(x), self.n_ieq_constr)

    return VectorProblem


def nsga2(
    evaluate: Evaluate,
    xl: np.ndarray,
    xu: np.ndarray,
    n_obj: int,
    n_constr: int = 0,
    population: int = 40,
    generations: int = 50,
    seed: int = 0,
    objectives: list[str] | None = None,
    variables: list[str] | None = None,
    senses: list[str] | None = None,
    decode: Callable[[np.ndarray], dict[str, Any]] | None = None,
    callback: Callable[[int, int], None] | None = None,
) -> ParetoResult:
    """NSGA-II over the box [xl, xu]; ``evaluate(X)`` returns (F, G) with F minimised and
    G <= 0 feasible. ``senses`` marks objectives that were negated to be maximised ("max"): the
    table shows them with their natural sign. ``decode`` maps a decision vector to the values
    shown in the table (e.g. lever values)."""
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.optimize import minimize

    xl = np.asarray(xl, dtype=float)
    xu = np.asarray(xu, dtype=float)
    if xl.shape != xu.shape or xl.ndim != 1 or not np.all(xu > xl):
        raise InputError("design: every decision variable needs a range with high > low")
    if population < 4 or generations < 1:
        raise InputError(
            f"design: need --population >= 4 and --generations >= 1 "
            f"(got {population}, {generations})"
        )
    objectives = objectives or [f"f{j + 1}" for j in range(n_obj)]
    variables = variables or [f"x{j + 1}" for j in range(len(xl))]
    senses = senses or ["min"] * n_obj
    problem = _problem_class()(evaluate, xl, xu, n_obj, n_constr)

    cb = None
    if callback is not None:
        from pymoo.core.callback import Callback

        report: Callable[[int, int], None] = callback

        class _Progress(Callback):  # type: ignore[misc]
            def notify(self, algorithm: Any) -> None:
                report(int(algorithm.n_gen), generations)

        cb = _Progress()
    kwargs: dict[str, Any] = {"callback": cb} if cb is not None else {}
    res = minimize(
        problem,
        NSGA2(pop_size=population),
        ("n_gen", generations),
        seed=seed,
        verbose=False,
        **kwargs,
    )
    if res.X is None or res.F is None:
        X = np.zeros((0, len(xl)))
        F = np.zeros((0, n_obj))
        G = None
    else:
        X = np.atleast_2d(res.X)
        F = np.atleast_2d(res.F)
        G = np.atleast_2d(res.G) if n_constr and res.G is not None else None
    shown = np.where(np.array(senses) == "max", -F, F) if len(F) else F
    rows = []
    for i in range(len(X)):
        row = dict(zip(objectives, map(float, shown[i]), strict=True))
        row.update(decode(X[i]) if decode else dict(zip(variables, map(float, X[i]), strict=True)))
        rows.append(row)
    table = pd.DataFrame(rows, columns=None if rows else objectives + variables)
    if len(table):
        table = table.sort_values(
            objectives[0], ascending=senses[0] == "min", kind="stable"
        ).reset_index(drop=True)
        order = np.argsort(F[:, 0], kind="stable")
        X, F = X[order], F[order]
        G = G[order] if G is not None else None
    return ParetoResult(
        X,
        F,
        G,
        table,
        objectives,
        variables,
        senses,
        problem.calls,
        {
            "population": population,
            "generations": generations,
            "seed": seed,
            "feasible": len(X) > 0,
        },
    )
