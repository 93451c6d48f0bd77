"""``pactsim power`` and ``pactsim factions``: power indices and the council's buy-off decision."""

from __future__ import annotations

import math
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.table import Table

from pactsim.cli.common import SetOption, load_scenario, plain_console, print_json, styled
from pactsim.errors import InputError

#: Exact fractions longer than this are shown only as decimals in tables.
_MAX_FRACTION_CHARS = 16


class IndexChoice(StrEnum):
    shapley = "shapley"
    banzhaf = "banzhaf"
    both = "both"


def _parse_numbers(text: str, flag: str) -> list[float | int]:
    out: list[float | int] = []
    parts = [p.strip() for p in text.split(",")]
    if parts == [""]:
        raise InputError(f"{flag} is empty: give comma-separated numbers such as 4,4,4,2,2,1")
    for i, part in enumerate(parts, start=1):
        try:
            out.append(int(part))
        except ValueError:
            try:
                out.append(float(part))
            except ValueError:
                raise InputError(
                    f"{flag}: item {i} is {part!r}; expected a number (e.g. 4,4,4,2,2,1)"
                ) from None
    return out


def _veto_positions(text: str | None, labels: list[str]) -> list[bool]:
    mask = [False] * len(labels)
    if not text:
        return mask
    for item in (p.strip() for p in text.split(",")):
        if item in labels:
            mask[labels.index(item)] = True
            continue
        try:
            pos = int(item)
        except ValueError:
            raise InputError(
                f"--veto: {item!r} is neither a player name nor a position 1..{len(labels)}"
            ) from None
        if not 1 <= pos <= len(labels):
            raise InputError(f"--veto: position {pos} is out of range 1..{len(labels)}")
        mask[pos - 1] = True
    return mask


def _frac(x: Fraction) -> str:
    s = str(x)
    return s if len(s) <= _MAX_FRACTION_CHARS else ""


def power_cmd(
    weights: str = typer.Option(
        ..., "--weights", help="Comma-separated positive weights, e.g. 4,4,4,2,2,1."
    ),
    quota: str = typer.Option(..., "--quota", help="Weight a coalition needs to win."),
    index: IndexChoice = typer.Option(IndexChoice.both, "--index", help="Which index to print."),
    names: str | None = typer.Option(None, "--names", help="Comma-separated player names."),
    veto: str | None = typer.Option(
        None, "--veto", help="Comma-separated names or 1-based positions of veto players."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Exact Shapley–Shubik and Banzhaf power indices of a weighted voting game."""
    from pactsim.models.factions import power_indices

    w = _parse_numbers(weights, "--weights")
    q = _parse_numbers(quota, "--quota")[0]
    if names is not None:
        labels = [p.strip() for p in names.split(",")]
        if len(labels) != len(w):
            raise InputError(f"--names gives {len(labels)} names for {len(w)} weights")
        players: list[Any] = labels
    else:
        labels = [str(i) for i in range(1, len(w) + 1)]
        players = list(range(1, len(w) + 1))
    vmask = _veto_positions(veto, labels)
    res = power_indices(w, q, veto=vmask)

    want_s = index in (IndexChoice.shapley, IndexChoice.both)
    want_b = index in (IndexChoice.banzhaf, IndexChoice.both)
    if json_out:
        doc: dict[str, Any] = {"players": players, "weights": w, "quota": q, "veto": vmask}
        if want_s:
            doc["shapley"] = res.shapley.tolist()
            doc["shapley_exact"] = [str(x) for x in res.shapley_exact]
        if want_b:
            doc["banzhaf"] = res.banzhaf.tolist()
            doc["banzhaf_exact"] = [str(x) for x in res.banzhaf_exact]
            doc["swings"] = list(res.swings)
        print_json(doc)
        return
    table = Table(title=f"Weighted voting game: quota {q:g} of {sum(w):g}")
    for col in ("#", "player", "weight", "veto"):
        table.add_column(col, justify="right" if col in ("#", "weight") else "left")
    if want_s:
        table.add_column("Shapley-Shubik", justify="right")
        table.add_column("exact", justify="right")
    if want_b:
        table.add_column("Banzhaf", justify="right")
        table.add_column("exact", justify="right")
        table.add_column("swings", justify="right")
    for i in range(len(w)):
        row = [str(i + 1), labels[i], f"{w[i]:g}", "veto" if vmask[i] else ""]
        if want_s:
            row += [f"{res.shapley[i]:.4f}", _frac(res.shapley_exact[i])]
        if want_b:
            row += [f"{res.banzhaf[i]:.4f}", _frac(res.banzhaf_exact[i]), str(res.swings[i])]
        table.add_row(*row)
    plain_console().print(table)


# --------------------------------------------------------------------------------- factions
def _issue_arrays(sc: Any, issue: str | None) -> tuple[str, dict[str, Any]]:
    council = sc.factions
    name = getattr(getattr(sc, "meta", None), "name", "scenario")
    if council is None:
        raise InputError(f"scenario {name!r} has no 'factions' section: nothing to decide")
    members = council.members
    ids = [i.id for i in sc.issues]
    if issue is None:
        usable = [
            i.id
            for i in sc.issues
            if getattr(i, "reform", True)
            and all(i.id in m.ideal and i.id in m.kappa for m in members)
        ]
        if not usable:
            raise InputError(
                f"scenario {name!r}: no reform issue has an ideal and a kappa for every faction"
            )
        issue = usable[0]
    elif issue not in ids:
        raise InputError(f"--issue {issue!r} is not an issue of {name!r}; issues: {', '.join(ids)}")
    for j, m in enumerate(members):
        for field in ("ideal", "kappa"):
            if issue not in getattr(m, field):
                raise InputError(
                    f"scenario {name!r}: factions.members[{j}] ({m.id}) has no {field} for issue "
                    f"{issue!r}"
                )
    data = {
        "ids": [m.id for m in members],
        "names": [m.name for m in members],
        "weights": np.array([m.weight for m in members], dtype=np.int64),
        "veto": np.array([bool(m.veto) for m in members]),
        "ideal": np.array([float(m.ideal[issue]) for m in members]),
        "kappa": np.array([float(m.kappa[issue]) for m in members]),
        "rho": np.array([float(m.principled_share) for m in members]),
        "quota": int(council.quota),
        "alpha": float(council.alpha),
        "leader": getattr(council, "leader", None),
        "scenario": name,
    }
    return issue, data


def _result_doc(res: Any, ids: list[str]) -> dict[str, Any]:
    return {
        "reform": res.reform,
        "cost": res.cost,
        "budget": None if math.isinf(res.budget) else res.budget,
        "feasible": res.feasible,
        "coalition": [f for f, c in zip(ids, res.coalition, strict=True) if c],
        "payments": dict(zip(ids, res.payments.tolist(), strict=True)),
        "spoilers": dict(zip(ids, res.spoilers.tolist(), strict=True)),
        "spoiler_weight": res.spoiler_weight,
        "spoiler_share": res.spoiler_share,
        "opposed": [f for f, o in zip(ids, res.opposed, strict=True) if o],
    }


def _vote(res: Any, f: int, veto: bool) -> str:
    if res.coalition[f]:
        if res.compromised[f]:
            return "veto, paid" if veto else "paid"
        return "veto, free" if veto else "free"
    return "opposed" if res.opposed[f] else "not needed"


def _decision_table(title: str, res: Any, d: dict[str, Any]) -> Table:
    t = Table(title=title)
    for col in ("faction", "vote", "payment", "spoilers"):
        t.add_column(col, justify="left" if col in ("faction", "vote") else "right")
    for f, name in enumerate(d["names"]):
        t.add_row(
            name,
            _vote(res, f, bool(d["veto"][f])),
            f"{res.payments[f]:.3f}",
            f"{res.spoilers[f]:.3f}",
        )
    return t


def _plot(path: Path, d: dict[str, Any], budget: float | None, target: float | None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from pactsim.models.factions import max_affordable_reform_batch, min_budget

    args = (d["weights"], d["quota"], d["ideal"], d["kappa"], d["alpha"])
    top = min_budget(*args, 100.0, veto=d["veto"]).cost
    b_max = max(1.1 * top, 1.2 * (budget or 0.0), 1e-9)
    budgets = np.linspace(0.0, b_max, 400)
    batch = max_affordable_reform_batch(
        *args, budgets, veto=d["veto"], principled_share=d["rho"], tol=1e-6
    )
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(budgets, batch.reform, lw=2, label="largest reform a winning coalition accepts")
    ax2 = ax.twinx()
    ax2.plot(budgets, batch.spoiler_share, color="tab:red", ls="--", label="spoiler share")
    ax2.set_ylabel("spoilers (share of council weight)")
    ax2.set_ylim(0, 1)
    if budget is not None:
        ax.axvline(budget, color="grey", ls=":", label=f"budget {budget:g}")
    if target is not None:
        ax.axhline(target, color="grey", ls="-.", label=f"target {target:g}")
    ax.set_xlabel("side-payment budget [USD million per month]")
    ax.set_ylabel(f"reform level on '{d['issue']}' [0-100]")
    ax.set_ylim(0, 101)
    ax.set_title(f"{d['scenario']}: reform reachable against budget")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="upper left", fontsize=8)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    except OSError as exc:
        raise InputError(f"--plot: cannot write {path}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)


def factions_cmd(
    scenario: str = typer.Argument(..., help="Bundled scenario name or path to a YAML file."),
    budget: float | None = typer.Option(
        None, "--budget", help="Side-payment budget [USD million per month]."
    ),
    target: float | None = typer.Option(
        None, "--target", help="Reform level to price [0-100] (default 100 without --budget)."
    ),
    issue: str | None = typer.Option(None, "--issue", help="Issue id (default: first reform)."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
    plot: Path | None = typer.Option(None, "--plot", help="Draw reform against budget (PNG)."),
    assignments: list[str] | None = SetOption,
) -> None:
    """The council: power indices, cheapest winning coalition for a reform, its cost, spoilers."""
    from pactsim.models.factions import max_affordable_reform, min_budget_batch, power_indices

    if budget is not None and not (budget >= 0 and math.isfinite(budget)):
        raise InputError(f"--budget is {budget}; expected a finite number >= 0")
    if target is not None and not (0 <= target <= 100):
        raise InputError(f"--target is {target}; expected a reform level in 0..100")
    sc = load_scenario(scenario, assignments)
    issue, d = _issue_arrays(sc, issue)
    d["issue"] = issue
    if budget is None and target is None:
        target = 100.0
    args = (d["weights"], d["quota"], d["ideal"], d["kappa"], d["alpha"])
    kw = {"veto": d["veto"], "principled_share": d["rho"]}
    power = power_indices(d["weights"], d["quota"], veto=d["veto"])
    res_b = max_affordable_reform(*args, budget, **kw) if budget is not None else None
    levels = np.linspace(0.0, 100.0, 11)
    if target is not None:
        levels = np.append(levels, target)
    curve = min_budget_batch(*args, levels, **kw)
    res_t = curve[len(levels) - 1] if target is not None else None
    if plot is not None:
        _plot(plot, d, budget, target)

    ids = d["ids"]
    if json_out:
        doc = {
            "scenario": d["scenario"],
            "issue": issue,
            "quota": d["quota"],
            "alpha": d["alpha"],
            "leader": d["leader"],
            "factions": [
                {
                    "id": ids[f],
                    "name": d["names"][f],
                    "weight": int(d["weights"][f]),
                    "veto": bool(d["veto"][f]),
                    "ideal": float(d["ideal"][f]),
                    "kappa": float(d["kappa"][f]),
                    "principled_share": float(d["rho"][f]),
                    "shapley": float(power.shapley[f]),
                    "banzhaf": float(power.banzhaf[f]),
                }
                for f in range(len(ids))
            ],
            "budget_result": _result_doc(res_b, ids) if res_b is not None else None,
            "target_result": _result_doc(res_t, ids) if res_t is not None else None,
            "price_curve": [
                {"reform": float(levels[i]), "cost": float(curve.cost[i])} for i in range(11)
            ],
        }
        print_json(doc)
        if plot is not None:
            plain_console(stderr=True).print(f"wrote {plot}")
        return

    con = plain_console()
    con.print(
        styled(
            (str(d["scenario"]), "bold"),
            ": issue ",
            (str(issue), "bold"),
            f", quota {d['quota']} of {int(d['weights'].sum())}, alpha {d['alpha']:g}, "
            f"leader {d['leader'] or '-'}",
        )
    )
    t = Table(title="Council")
    for col in ("faction", "weight", "veto", "ideal", "kappa", "rho", "Shapley", "Banzhaf"):
        t.add_column(col, justify="left" if col in ("faction", "veto") else "right")
    for f in range(len(ids)):
        t.add_row(
            d["names"][f],
            str(d["weights"][f]),
            "veto" if d["veto"][f] else "",
            f"{d['ideal'][f]:g}",
            f"{d['kappa'][f]:g}",
            f"{d['rho'][f]:g}",
            f"{power.shapley[f]:.3f}",
            f"{power.banzhaf[f]:.3f}",
        )
    con.print(t)
    if res_b is not None:
        head = f"Budget {budget:g} buys reform {res_b.reform:.2f} (cost {res_b.cost:.3f})"
        if not res_b.feasible:
            head = f"Budget {budget:g} cannot buy even reform {res_b.reform:g}"
        con.print(_decision_table(head, res_b, d))
        con.print(
            f"spoilers: {res_b.spoiler_weight:.3f} weight units "
            f"({100 * res_b.spoiler_share:.1f}% of the council)"
        )
    if res_t is not None:
        con.print(
            _decision_table(
                f"Cheapest coalition for reform {target:g}: cost {res_t.cost:.3f} "
                "USD million per month",
                res_t,
                d,
            )
        )
        con.print(
            f"spoilers: {res_t.spoiler_weight:.3f} weight units "
            f"({100 * res_t.spoiler_share:.1f}% of the council)"
        )
    pc = Table(title="Minimum budget for each reform level [USD million per month]")
    for lv in levels[:11]:
        pc.add_column(f"{lv:g}", justify="right")
    pc.add_row(*[f"{c:.2f}" for c in curve.cost[:11]])
    con.print(pc)
    if plot is not None:
        con.print(f"wrote {plot}")


def register(app: typer.Typer) -> None:
    """Add ``power`` and ``factions`` to the app."""
    app.command("power")(power_cmd)
    app.command("factions")(factions_cmd)
