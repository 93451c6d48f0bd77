"""``pactsim bargain``: stakeholder bargaining on one or more issues, from a CSV or a scenario."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich import box
from rich.table import Table

from pactsim.cli.common import JsonOption, plain_console, print_json, styled
from pactsim.errors import InputError, PactsimError

console = plain_console()


class Model(StrEnum):
    eum = "eum"
    compromise = "compromise"
    median = "median"
    nash = "nash"
    smp = "smp"


class Variant(StrEnum):
    scholz = "scholz"
    paper = "paper"


class Utility(StrEnum):
    linear = "linear"
    quadratic = "quadratic"


@dataclass
class Problem:
    """The actors of one bargaining problem; position and salience (A, D)."""

    source: str
    names: list[str]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    dims: list[str]
    multi: bool
    risk: np.ndarray | None = None
    status_quo: list[float] | None = None
    ktab: bool = False  # read from KTAB's layout (saliences are shares of attention)


@dataclass
class Outcome:
    """What a model produced, ready for printing: forecast per dimension, rounds if dynamic."""

    forecast: list[float]
    options: dict[str, Any]
    positions: np.ndarray | None = None  # (T+1, A, D)
    median: np.ndarray | None = None  # (T+1, D)
    mean: np.ndarray | None = None  # (T+1, D)
    offers: list[list[dict[str, Any]]] = field(default_factory=list)  # per round


# ------------------------------------------------------------------------------ input


def _is_ktab_csv(path: Path) -> bool:
    """KTAB's first row is ``name,desc,nActors,nDims`` (two whole numbers in cells 3 and 4)."""
    try:
        with path.open(encoding="utf-8-sig") as fh:
            first = next((line for line in fh if line.strip()), "")
    except (OSError, UnicodeDecodeError):
        return False  # the actor-CSV reader reports it
    cells = [c.strip() for c in first.split(",")]
    if {"actor", "capability"} & {c.lower() for c in cells} or len(cells) < 4:
        return False
    return all(c.isdigit() for c in cells[2:4])


def _from_csv(path: Path) -> Problem:
    from pactsim.models.bargaining.csv_io import read_actors_csv

    if not _is_ktab_csv(path):
        data = read_actors_csv(path)
        pos = data.position if data.position.ndim == 2 else data.position[:, None]
        sal = data.salience if data.salience.ndim == 2 else data.salience[:, None]
        return Problem(
            source=str(path),
            names=data.names,
            capability=data.capability,
            position=pos,
            salience=sal,
            dims=data.issues or ["position"],
            multi=data.issues is not None,
            risk=data.risk,
        )
    try:
        from pactsim.models.bargaining.ktab_io import read_ktab_csv
    except ImportError:
        raise InputError(
            f"{path}: not an actor CSV (header 'actor,capability,position,salience') and the "
            "KTAB layout reader is not available"
        ) from None
    kt = read_ktab_csv(path)
    dims = list(
        getattr(kt, "dim_names", None) or [f"dim{i + 1}" for i in range(kt.position.shape[1])]
    )
    return Problem(
        source=str(path),
        names=list(kt.names),
        capability=np.asarray(kt.capability, dtype=float),
        position=np.asarray(kt.position, dtype=float),
        salience=np.asarray(kt.salience, dtype=float),
        dims=dims,
        multi=True,
        ktab=True,
    )


def _from_scenario(name: str, issues: list[str]) -> Problem:
    from pactsim.cli.common import load_scenario

    sc = load_scenario(name)
    known = [i.id for i in sc.issues]
    if not issues:
        raise InputError(f"--scenario {name}: give --issue (one of: {', '.join(known)})")
    tables = [sc.actor_table(i) for i in issues]
    ids = [a for a in tables[0].ids if all(a in t.ids for t in tables[1:])]
    if not ids:
        raise InputError(f"--scenario {name}: no actor has a position on every issue given")
    idx = [[t.ids.index(a) for a in ids] for t in tables]
    first = tables[0]
    by_id = {a.id: a for a in sc.actors}
    risks = [by_id[a].risk for a in ids]
    sq = {i.id: float(i.status_quo) for i in sc.issues}
    return Problem(
        source=name,
        names=[first.names[first.ids.index(a)] for a in ids],
        capability=first.capability[idx[0]],
        position=np.stack([t.position[k] for t, k in zip(tables, idx, strict=True)], axis=1),
        salience=np.stack([t.salience[k] for t, k in zip(tables, idx, strict=True)], axis=1),
        dims=list(issues),
        multi=len(issues) > 1,
        risk=(
            None
            if all(r is None for r in risks)
            else np.array([np.nan if r is None else float(r) for r in risks])
        ),
        status_quo=[sq[i] for i in issues],
    )


# ------------------------------------------------------------------------------ models


def _run(prob: Problem, model: Model, opts: dict[str, Any]) -> Outcome:
    from pactsim.models.bargaining import compromise, nash, weighted_median

    c, x, s = prob.capability, prob.position, prob.salience
    d = x.shape[1]
    if model in (Model.compromise, Model.median):
        fn = compromise if model is Model.compromise else weighted_median
        return Outcome([float(fn(c, x[:, j], s[:, j])) for j in range(d)], {})
    if model is Model.nash:
        sq = opts["status_quo"]
        given: list[float | None] = [sq] * d if sq is not None else [None] * d
        if sq is None and prob.status_quo is not None:
            given = list(prob.status_quo)
        sqs = [float(np.min(x[:, j])) if v is None else float(v) for j, v in enumerate(given)]
        out = [
            float(nash(c, x[:, j], s[:, j], sqs[j], utility=opts["utility"]))  # type: ignore[arg-type]
            for j in range(d)
        ]
        return Outcome(
            out, {"status_quo": sqs if prob.multi else sqs[0], "utility": opts["utility"]}
        )
    if model is Model.eum:
        return _run_eum(prob, opts)
    return _run_smp(prob, opts)


def _run_eum(prob: Problem, opts: dict[str, Any]) -> Outcome:
    from pactsim.models.bargaining import OFFER_KINDS, eum

    rounds = 10 if opts["rounds"] is None else opts["rounds"]
    res = eum(
        prob.capability[None],
        prob.position[None],
        prob.salience[None],
        rounds=rounds,
        q=opts["q"],
        variant=opts["variant"],
        risk=None if prob.risk is None else prob.risk[None],
    )
    pos = res.positions[0]  # (T+1, A, D)
    offers: list[list[dict[str, Any]]] = [[]]
    for t in range(rounds):
        made = []
        for j, dim in enumerate(prob.dims):
            for a, name in enumerate(prob.names):
                k = int(res.kind[0, t, a, j])
                if k == 0:
                    continue
                item = {
                    "actor": name,
                    "from": prob.names[int(res.source[0, t, a, j])],
                    "kind": OFFER_KINDS[k],
                    "old": float(pos[t, a, j]),
                    "new": float(pos[t + 1, a, j]),
                }
                if prob.multi:
                    item["dimension"] = dim
                made.append(item)
        offers.append(made)
    return Outcome(
        forecast=[float(v) for v in res.median[0, -1]],
        options={"rounds": rounds, "q": res.q, "variant": res.variant},
        positions=pos,
        median=res.median[0],
        mean=res.mean[0],
        offers=offers,
    )


def _run_smp(prob: Problem, opts: dict[str, Any]) -> Outcome:
    from pactsim.models.bargaining import compromise, weighted_median

    try:
        from pactsim.models.bargaining.smp import smp
    except ImportError:
        raise InputError("SMP model not available") from None
    turns = 100 if opts["rounds"] is None else opts["rounds"]
    if turns < 1:
        raise InputError("--rounds: the SMP needs at least 1 turn")
    sal = prob.salience
    options: dict[str, Any] = {"max_turns": turns}
    if prob.multi and not prob.ktab and sal.shape[1] > 1:
        # per-issue intensities on 0-1 -> KTAB's shares of attention (sum <= 1 per actor)
        sal = sal / sal.shape[1]
        options["salience_divided_by"] = sal.shape[1]
    res = smp(prob.capability, prob.position, sal, max_turns=turns)
    pos = np.asarray(res.positions)  # (T+1, A, D)
    t1 = pos.shape[0]
    cap = np.broadcast_to(prob.capability, (t1, pos.shape[1]))
    sal = np.broadcast_to(sal, pos.shape)
    return Outcome(
        forecast=[float(v) for v in np.atleast_1d(res.forecast)],
        options={**options, "turns": int(res.turns)},
        positions=pos,
        median=np.asarray(weighted_median(cap, pos, sal)),
        mean=np.asarray(compromise(cap, pos, sal)),
        offers=[[] for _ in range(t1)],
    )


# ------------------------------------------------------------------------------ output


def _scalar_or_list(values: np.ndarray | list[float], multi: bool) -> Any:
    vals = [float(v) for v in values]
    return vals if multi else vals[0]


def _document(prob: Problem, model: Model, out: Outcome) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "model": model.value,
        "source": prob.source,
        "actors": prob.names,
        "forecast": _scalar_or_list(out.forecast, prob.multi),
        "options": out.options,
    }
    if prob.multi:
        doc["dimensions"] = prob.dims
    doc["inputs"] = {
        "capability": prob.capability.tolist(),
        "position": _scalar_rows(prob.position, prob.multi),
        "salience": _scalar_rows(prob.salience, prob.multi),
    }
    if out.positions is not None and out.median is not None and out.mean is not None:
        doc["rounds"] = [
            {
                "round": t,
                "positions": _scalar_rows(out.positions[t], prob.multi),
                "median": _scalar_or_list(out.median[t], prob.multi),
                "mean": _scalar_or_list(out.mean[t], prob.multi),
                "offers": out.offers[t] if t < len(out.offers) else [],
            }
            for t in range(out.positions.shape[0])
        ]
    return doc


def _scalar_rows(arr: np.ndarray, multi: bool) -> list[Any]:
    return [row.tolist() if multi else float(row[0]) for row in arr]


def _fmt(v: float) -> str:
    return f"{v:.2f}"


def _print(prob: Problem, model: Model, out: Outcome) -> None:
    opts = ", ".join(f"{k} {v}" for k, v in out.options.items())
    console.print(
        styled(
            (model.value, "bold"),
            f" on {len(prob.names)} actors from {prob.source}" + (f" ({opts})" if opts else ""),
        )
    )
    if out.positions is None:
        table = Table(title="Actors")
        table.add_column("actor")
        table.add_column("capability", justify="right")
        for dim in prob.dims:
            label = f" {dim}" if prob.multi else ""
            table.add_column(f"position{label}", justify="right")
            table.add_column(f"salience{label}", justify="right")
        for a, name in enumerate(prob.names):
            cells = [name, f"{prob.capability[a]:g}"]
            for j in range(len(prob.dims)):
                cells += [f"{prob.position[a, j]:g}", f"{prob.salience[a, j]:g}"]
            table.add_row(*cells)
        console.print(table)
    else:
        assert out.median is not None and out.mean is not None
        t1 = out.positions.shape[0]
        name_w = min(max(len(n) for n in [*prob.names, "median"]), 28)
        per_table = max(1, (console.width - name_w - 4) // 8)
        for j, dim in enumerate(prob.dims):
            for start in range(0, t1, per_table):
                shown = range(start, min(t1, start + per_table))
                title = "Positions by round" + (f": {dim}" if prob.multi else "")
                table = Table(title=title if start == 0 else None, box=box.SIMPLE_HEAD)
                table.add_column("actor", min_width=name_w, max_width=name_w, no_wrap=True)
                for t in shown:
                    table.add_column(str(t), justify="right", no_wrap=True)
                for a, name in enumerate(prob.names):
                    table.add_row(name, *[_fmt(out.positions[t, a, j]) for t in shown])
                table.add_section()
                for label, series in (("median", out.median), ("mean", out.mean)):
                    table.add_row(styled((label, "bold")), *[_fmt(series[t, j]) for t in shown])
                console.print(table)
        made = [(t, o) for t, round_offers in enumerate(out.offers) for o in round_offers]
        if made:
            table = Table(title="Offers taken (the actor moves)", box=box.SIMPLE_HEAD)
            for col in ("round", "actor", "offer from", "kind", "from", "to"):
                table.add_column(col, justify="right" if col in ("round", "from", "to") else "left")
            if prob.multi:
                table.add_column("dimension")
            for t, o in made:
                row = [str(t), o["actor"], o["from"], o["kind"], _fmt(o["old"]), _fmt(o["new"])]
                table.add_row(*row, *([o["dimension"]] if prob.multi else []))
            console.print(table)
        elif model is Model.eum:
            console.print("No offers were taken: the positions do not move.")
    text = ", ".join(f"{d} {_fmt(v)}" for d, v in zip(prob.dims, out.forecast, strict=True))
    console.print(
        styled(("Forecast:", "bold"), f" {text if prob.multi else _fmt(out.forecast[0])}")
    )


def _plot(prob: Problem, model: Model, out: Outcome, path: Path) -> None:
    """Positions over rounds, one line per actor, median and mean dashed; static: a strip."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = len(prob.dims)
    fig, axes = plt.subplots(d, 1, figsize=(8, 3.2 * d + 0.8), squeeze=False)
    for j, ax in enumerate(axes[:, 0]):
        if out.positions is not None and out.median is not None and out.mean is not None:
            t = np.arange(out.positions.shape[0])
            for a, name in enumerate(prob.names):
                ax.plot(t, out.positions[:, a, j], marker="o", ms=3, lw=1, label=name)
            ax.plot(t, out.median[:, j], "k--", lw=2, label="median")
            ax.plot(t, out.mean[:, j], "k:", lw=2, label="mean")
            ax.set_xlabel("round")
        else:
            ax.scatter(prob.position[:, j], np.zeros(len(prob.names)), s=400 * prob.salience[:, j])
            for a, name in enumerate(prob.names):
                ax.annotate(name, (prob.position[a, j], 0), rotation=45, fontsize=7)
            ax.axvline(out.forecast[j], color="k", ls="--", label="forecast")
            ax.set_yticks([])
        ax.set_ylabel(prob.dims[j] if prob.multi else "position")
        ax.set_title(f"{model.value}: {prob.dims[j] if prob.multi else prob.source}")
        ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    except OSError as exc:
        raise InputError(f"--plot: cannot write {path} ({exc})") from None
    finally:
        plt.close(fig)


# ------------------------------------------------------------------------------ command


def bargain_cmd(
    actors: Path | None = typer.Argument(
        None,
        help="Actor CSV: actor,capability,position,salience (optional risk, issue columns); "
        "or KTAB's CSV layout.",
        show_default=False,
    ),
    model: Model = typer.Option(Model.eum, "--model", "-m", help="Bargaining model."),
    rounds: int | None = typer.Option(
        None, "--rounds", help="EUM rounds (default 10); SMP: largest number of turns (100)."
    ),
    q: float = typer.Option(1.0, "--q", help="EUM: Q, weight of the status quo."),
    variant: Variant = typer.Option(
        Variant.scholz, "--variant", help="EUM: 'scholz' (published table) or 'paper' formulas."
    ),
    status_quo: float | None = typer.Option(
        None,
        "--status-quo",
        help="Nash: disagreement point (default: the scenario's status quo, else the lowest "
        "position).",
    ),
    utility: Utility = typer.Option(Utility.linear, "--utility", help="Nash: utility shape."),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Scenario file or bundled name (pactsim scenarios lists them)."
    ),
    issue: list[str] | None = typer.Option(
        None, "--issue", help="With --scenario: issue id (repeat for several dimensions)."
    ),
    plot: Path | None = typer.Option(None, "--plot", help="Write a PNG of positions over rounds."),
    json_out: bool = JsonOption,
) -> None:
    """Forecast a bargaining outcome: compromise, weighted median, Nash, EUM or KTAB's SMP."""
    if (actors is None) == (scenario is None):
        raise InputError("give either an actor CSV file or --scenario FILE --issue ID (not both)")
    if issue and scenario is None:
        raise InputError("--issue needs --scenario (a CSV carries its own issues)")
    if rounds is not None and rounds < 0:
        raise InputError(f"--rounds: expected a whole number >= 0, got {rounds}")
    if not 0.0 <= q <= 1.0:
        raise InputError(f"--q: expected a number in [0, 1], got {q:g}")
    if plot is not None and plot.suffix.lower() != ".png":
        raise InputError(f"--plot: expected a .png file name (got '{plot}')")
    prob = _from_csv(actors) if actors is not None else _from_scenario(scenario or "", issue or [])
    opts = {
        "rounds": rounds,
        "q": q,
        "variant": variant.value,
        "status_quo": status_quo,
        "utility": utility.value,
    }
    try:
        out = _run(prob, model, opts)
    except PactsimError as exc:
        raise InputError(f"{prob.source}: {exc}") from None
    if plot is not None:
        _plot(prob, model, out, plot)
    if json_out:
        doc = _document(prob, model, out)
        if plot is not None:
            doc["plot"] = str(plot)
        print_json(doc)
        return
    _print(prob, model, out)
    if plot is not None:
        console.print(f"plot written to {plot}")


def register(app: typer.Typer) -> None:
    """Add ``bargain`` to the app."""
    app.command("bargain")(bargain_cmd)
