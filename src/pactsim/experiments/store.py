"""The results store: one DuckDB file per ensemble (docs/design.md, Experiments and analysis).

Only the parent process writes (one writer); each finished batch of runs is committed in one
transaction, so a killed ensemble loses at most the runs in flight and the file stays valid.
DuckDB's file lock refuses a second process; that is reported as "store ... is in use".

Tables (wide form, a column per parameter, outcome or series variable):

``provenance``  (key VARCHAR PRIMARY KEY, value VARCHAR holding JSON): ``format``
    ("pactsim-ensemble/1"), ``scenario_text``, ``scenario_hash``, ``scenario_name``,
    ``scenario_origin``, ``version`` (pactsim), ``command``, ``created``, ``model``, ``sampler``,
    ``sampler_options``, ``samples``, ``seed``, ``replications``, ``levers``, ``months``,
    ``policies``, ``parameters`` (one dict per sampled path), ``problem`` (SALib problem:
    ``num_vars``, ``names``, ``bounds``, ``dists``, ``kinds``), ``n_worlds``, ``n_experiments``,
    ``n_runs``, ``seeds`` (how run seeds are derived).
``experiments`` (experiment_id INTEGER PRIMARY KEY, world INTEGER, policy VARCHAR, then one
    column per sampled dotted path: DOUBLE, or VARCHAR for a categorical lever with the value's
    text; JSON for non-strings): one row per sampled world and policy,
    ``experiment_id = world * len(policies) + index of the policy``; ``world`` is the row of the
    sampler's design.
``runs``  (experiment_id, replication, seed BIGINT, status 'ok'|'error', error, seconds,
    finished TIMESTAMP, then one DOUBLE column per summary outcome), PRIMARY KEY
    (experiment_id, replication).
``series`` (experiment_id, replication, then the model's series columns: month, ...), one row
    per run and month, written in the same transaction as its ``runs`` row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pactsim.errors import InputError

FORMAT = "pactsim-ensemble/1"
RUN_COLUMNS = ("experiment_id", "replication", "seed", "status", "error", "seconds", "finished")


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _connect(path: str, read_only: bool) -> Any:
    import duckdb

    p = Path(path)
    if read_only and not p.exists():
        raise InputError(f"{path}: no such results store")
    if p.exists() and p.is_dir():
        raise InputError(f"{path}: is a directory, expected a .duckdb results store")
    if not read_only:
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{path}: cannot create its folder ({exc.strerror})") from None
    try:
        return duckdb.connect(str(p), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise InputError(
                f"{path}: the results store is in use by another process (DuckDB allows one "
                "writer); wait for it to finish or use another --store"
            ) from None
        raise InputError(f"{path}: not a pactsim results store ({_first_line(text)})") from None
    except duckdb.Error as exc:
        raise InputError(f"{path}: not a pactsim results store ({_first_line(str(exc))})") from None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unreadable"


def _read_provenance(con: Any, path: str) -> dict[str, Any] | None:
    """The provenance of a store; None for an empty DuckDB file; an error for anything else."""
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    if not tables:
        return None
    if "provenance" not in tables:
        raise InputError(
            f"{path}: not a pactsim results store (a DuckDB file without a provenance table)"
        )
    rows = con.execute("SELECT key, value FROM provenance").fetchall()
    prov = {k: json.loads(v) for k, v in rows}
    if prov.get("format") != FORMAT:
        raise InputError(
            f"{path}: not a pactsim results store (format {prov.get('format')!r}, "
            f"expected {FORMAT!r})"
        )
    return prov


# ------------------------------------------------------------------------------------- writer
class StoreWriter:
    """The single writer of a store (the ensemble's parent process)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.con = _connect(self.path, read_only=False)
        try:
            self.existing = _read_provenance(self.con, self.path)
        except BaseException:
            self.con.close()
            raise
        self._run_cols: set[str] = set()
        self._series_cols: set[str] = set()
        if self.existing is not None:
            self._load_columns()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _load_columns(self) -> None:
        for table, target in (("runs", self._run_cols), ("series", self._series_cols)):
            rows = self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
            ).fetchall()
            target.update(r[0] for r in rows)

    def reset(self) -> None:
        """Drop every table (``--force``): the store starts over."""
        self.con.begin()
        for table in ("series", "runs", "experiments", "provenance"):
            self.con.execute(f"DROP TABLE IF EXISTS {table}")
        self.con.commit()
        self.existing = None
        self._run_cols.clear()
        self._series_cols.clear()

    def create(
        self, provenance: dict[str, Any], experiments: pd.DataFrame, categorical: set[str]
    ) -> None:
        """Create the tables, record provenance and every experiment, in one transaction."""
        con = self.con
        con.begin()
        con.execute("CREATE TABLE provenance (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        con.executemany(
            "INSERT INTO provenance VALUES (?, ?)",
            [[k, json.dumps(v)] for k, v in provenance.items()],
        )
        params = [c for c in experiments.columns if c not in ("experiment_id", "world", "policy")]
        cols = ", ".join(f"{q(c)} {'VARCHAR' if c in categorical else 'DOUBLE'}" for c in params)
        con.execute(
            "CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, "
            f"world INTEGER NOT NULL, policy VARCHAR{', ' + cols if cols else ''})"
        )
        con.execute(
            "CREATE TABLE runs (experiment_id INTEGER NOT NULL, replication INTEGER NOT "
            "NULL, seed BIGINT NOT NULL, status VARCHAR NOT NULL, error VARCHAR, seconds "
            "DOUBLE, finished TIMESTAMP, PRIMARY KEY (experiment_id, replication))"
        )
        con.execute(
            "CREATE TABLE series (experiment_id INTEGER NOT NULL, replication INTEGER NOT NULL)"
        )
        con.register("_exp_df", experiments)
        con.execute("INSERT INTO experiments BY NAME SELECT * FROM _exp_df")
        con.unregister("_exp_df")
        con.commit()
        self.existing = provenance
        self._run_cols = set(RUN_COLUMNS)
        self._series_cols = {"experiment_id", "replication"}

    def done(self) -> set[tuple[int, int]]:
        """Keys (experiment_id, replication) of the runs already stored."""
        rows = self.con.execute("SELECT experiment_id, replication FROM runs").fetchall()
        return {(int(a), int(b)) for a, b in rows}

    def write(self, runs: list[dict[str, Any]], series: pd.DataFrame | None) -> None:
        """Commit a batch of finished runs and their series in one transaction."""
        if not runs:
            return
        summary_keys = sorted({k for r in runs for k in r["summary"]})
        rows = []
        for r in runs:
            row = {
                k: r[k]
                for k in ("experiment_id", "replication", "seed", "status", "error", "seconds")
            }
            row.update(r["summary"])
            rows.append(row)
        frame = pd.DataFrame(rows, columns=[*RUN_COLUMNS[:6], *summary_keys])
        frame["finished"] = pd.Timestamp.now()
        con = self.con
        con.begin()
        try:
            for key in summary_keys:
                if key in RUN_COLUMNS:
                    raise InputError(f"model outcome '{key}' clashes with a column of runs")
                if key not in self._run_cols:
                    con.execute(f"ALTER TABLE runs ADD COLUMN {q(key)} DOUBLE")
            con.register("_runs_df", frame)
            con.execute("INSERT INTO runs BY NAME SELECT * FROM _runs_df")
            con.unregister("_runs_df")
            new_series_cols: set[str] = set()
            if series is not None and len(series):
                for col, dtype in series.dtypes.items():
                    if col not in self._series_cols:
                        con.execute(
                            f"ALTER TABLE series ADD COLUMN {q(str(col))} {_sql_type(dtype)}"
                        )
                        new_series_cols.add(str(col))
                con.register("_series_df", series)
                con.execute("INSERT INTO series BY NAME SELECT * FROM _series_df")
                con.unregister("_series_df")
            con.commit()
        except BaseException:
            con.rollback()
            raise
        self._run_cols.update(summary_keys)
        self._series_cols.update(new_series_cols)


def _sql_type(dtype: Any) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(dtype):
        return "BIGINT"
    if pd.api.types.is_float_dtype(dtype):
        return "DOUBLE"
    return "VARCHAR"


# ------------------------------------------------------------------------------------- reader
class Store:
    """Read access to a results store; also what :func:`pactsim.ensemble` returns.

    Every method opens the file read-only for the duration of one query, so holding a
    ``Store`` never blocks an ensemble that writes to the same file later.
    """

    def __init__(self, path: str | Path):
        self.path = str(path)
        with self._con() as con:
            prov = _read_provenance(con, self.path)
        if prov is None:
            raise InputError(f"{self.path}: not a pactsim results store (an empty DuckDB file)")
        self._prov = prov

    def __repr__(self) -> str:
        return f"Store({self.path!r})"

    @contextmanager
    def _con(self) -> Iterator[Any]:
        con = _connect(self.path, read_only=True)
        try:
            yield con
        finally:
            con.close()

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Any read-only SQL over the store's tables, as a DataFrame."""
        with self._con() as con:
            return con.execute(sql, params or []).df()

    # ---- the documented reader API
    def provenance(self) -> dict[str, Any]:
        """Everything recorded about how the ensemble was made (see the module docstring)."""
        return json.loads(json.dumps(self._prov))

    def parameter_names(self) -> list[str]:
        """The sampled dotted paths, in the design's column order."""
        return list(self._prov["problem"]["names"])

    def experiments(self) -> pd.DataFrame:
        """One row per (world, policy): experiment_id, world, policy, then each sampled path."""
        return self.query("SELECT * FROM experiments ORDER BY experiment_id")

    def outcome_names(self) -> list[str]:
        """The summary outcomes stored in ``runs`` (columns beyond the run bookkeeping)."""
        with self._con() as con:
            rows = con.execute(
                "SELECT column_name FROM information_schema.columns WHERE "
                "table_name = 'runs' ORDER BY ordinal_position"
            ).fetchall()
        return [r[0] for r in rows if r[0] not in RUN_COLUMNS]

    def runs(self, status: str | None = "ok") -> pd.DataFrame:
        """One row per run with world and policy, its seed and timing, and one column per
        summary outcome; ``status=None`` includes failed runs."""
        where = "" if status is None else "WHERE r.status = ?"
        return self.query(
            "SELECT e.world, e.policy, r.* FROM runs r JOIN experiments e USING (experiment_id) "
            f"{where} ORDER BY r.experiment_id, r.replication",
            [] if status is None else [status],
        )

    def series(self, columns: list[str] | None = None, policy: str | None = None) -> pd.DataFrame:
        """Monthly values, long in runs and months: experiment_id, replication, world, policy,
        month and the requested columns (all when None), ordered by run then month."""
        with self._con() as con:
            have = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = 'series' ORDER BY ordinal_position"
                ).fetchall()
            ]
        keys = {"experiment_id", "replication", "month"}
        if columns is None:
            columns = [c for c in have if c not in keys]
        missing = [c for c in columns if c not in have]
        if missing:
            raise InputError(
                f"{self.path}: no series column {', '.join(missing)} "
                f"(have: {', '.join(c for c in have if c not in keys)})"
            )
        cols = ", ".join(f"s.{q(c)}" for c in columns)
        month = "s.month, " if "month" in have else ""
        where, params = ("WHERE e.policy = ?", [policy]) if policy is not None else ("", [])
        order = ", s.month" if "month" in have else ""
        return self.query(
            f"SELECT s.experiment_id, s.replication, e.world, e.policy, {month}{cols} "
            f"FROM series s JOIN experiments e USING (experiment_id) {where} "
            f"ORDER BY s.experiment_id, s.replication{order}",
            params,
        )

    def policies(self) -> list[str | None]:
        """The policies of the ensemble, in the order given."""
        return list(self._prov["policies"])

    def outcomes_matrix(self, policy: str | None, outcome: str) -> np.ndarray:
        """Values of ``outcome`` for ``policy``, one per world in the sampler design's order,
        averaged over the successful replications (NaN for a world with none yet): the Y that
        ``SALib.analyze.sobol.analyze`` / ``morris.analyze`` expect for the stored design."""
        if outcome not in self.outcome_names():
            raise InputError(
                f"{self.path}: no outcome '{outcome}' (have: {', '.join(self.outcome_names())})"
            )
        if policy not in self.policies():
            raise InputError(f"{self.path}: no policy {policy!r} (have: {self.policies()})")
        cond = "e.policy IS NULL" if policy is None else "e.policy = ?"
        df = self.query(
            f"SELECT e.world, avg(r.{q(outcome)}) AS y FROM experiments e LEFT JOIN runs r "
            f"ON r.experiment_id = e.experiment_id AND r.status = 'ok' WHERE {cond} "
            "GROUP BY e.world ORDER BY e.world",
            [] if policy is None else [policy],
        )
        y = np.full(int(self._prov["n_worlds"]), np.nan)
        y[df["world"].to_numpy(dtype=int)] = df["y"].to_numpy(dtype=float)
        return y

    def design_matrix(self, policy: str | None = None) -> np.ndarray:
        """The sampled values, one row per world in design order, one column per path (a
        categorical lever as the index of its value): the X of SALib's analyze functions."""
        exp = self.experiments()
        pols = self.policies()
        first = pols[0] if policy is None else policy
        sel = exp[exp["policy"].isna()] if first is None else exp[exp["policy"] == first]
        sel = sel.sort_values("world")
        out = np.empty((len(sel), len(self.parameter_names())))
        for j, p in enumerate(self._prov["parameters"]):
            col = sel[p["path"]]
            if p["dist"] == "categorical":
                texts = [v if isinstance(v, str) else json.dumps(v) for v in p["values"]]
                out[:, j] = [texts.index(v) for v in col]
            else:
                out[:, j] = col.to_numpy(dtype=float)
        return out

    def counts(self) -> dict[str, int]:
        """Runs expected, stored, failed."""
        df = self.query(
            "SELECT count(*) AS n, count(*) FILTER (WHERE status <> 'ok') AS failed FROM runs"
        )
        return {
            "expected": int(self._prov["n_runs"]),
            "stored": int(df["n"][0]),
            "failed": int(df["failed"][0]),
        }

    # ---- xarray views
    def to_xarray(self) -> Any:
        """Outcomes as an ``xarray.Dataset`` over (world, policy, replication), with the
        sampled values as coordinates on ``world``."""
        import xarray as xr

        runs = self.runs()
        outcomes = self.outcome_names()
        runs["policy"] = runs["policy"].fillna("")
        ds = xr.Dataset.from_dataframe(runs.set_index(["world", "policy", "replication"])[outcomes])
        exp = self.experiments().drop_duplicates("world").set_index("world").sort_index()
        for name in self.parameter_names():
            ds = ds.assign_coords({name: ("world", exp[name].reindex(ds["world"].values).values)})
        return ds

    def series_xarray(self, columns: list[str] | None = None) -> Any:
        """Monthly series as an ``xarray.Dataset`` over (world, policy, replication, month)."""
        import xarray as xr

        df = self.series(columns).drop(columns=["experiment_id"])
        df["policy"] = df["policy"].fillna("")
        return xr.Dataset.from_dataframe(df.set_index(["world", "policy", "replication", "month"]))


def open_store(path: str | Path) -> Store:
    """Open a results store for reading (refuses a file that is not a pactsim store)."""
    return Store(path)
