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

Column types are declared by :func:`column_type`, never inferred from the first batch written:
``month`` INTEGER, ``date`` VARCHAR, every other series and summary value DOUBLE. So a stored value
is exactly what the model returned, whichever policy's batch happens to be written first.

Failures of the file itself are reported as :class:`StoreError` naming the file and the cause: a
full disk (the batch in hand is not stored, every batch before it is), a truncated or corrupt file,
a lock held by another process.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pactsim.errors import InputError

FORMAT = "pactsim-ensemble/1"
RUN_COLUMNS = ("experiment_id", "replication", "seed", "status", "error", "seconds", "finished")
SERIES_KEYS = ("experiment_id", "replication")
_INTEGER_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
)


def column_type(name: str) -> str:
    """The SQL type of a stored series or summary column, declared by name: ``month`` is an
    INTEGER, ``date`` VARCHAR, every other value DOUBLE (the model's outputs are floats).

    The one place that decides a column's type, so a registry of declared outputs can later
    answer here; a type inferred from a batch would round every later fractional value when the
    first batch happened to hold whole numbers only."""
    if name == "month":
        return "INTEGER"
    if name == "date":
        return "VARCHAR"
    return "DOUBLE"


class StoreError(InputError):
    """A results store that cannot be read or written: the message names the file and the cause
    (full disk, truncated or corrupt file, lock held by another process)."""


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
    except (duckdb.Error, OSError) as exc:
        if re.search(r"\block\b", str(exc), re.IGNORECASE):  # not "block"
            raise StoreError(
                f"{path}: the results store is in use by another process (DuckDB allows one "
                "writer); wait for it to finish or use another --store"
            ) from None
        if not _is_duckdb_file(p) and not _no_space(exc):
            raise InputError(
                f"{path}: not a pactsim results store ({_first_line(str(exc))})"
            ) from None
        raise store_error(path, exc) from None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unreadable"


def _is_duckdb_file(p: Path) -> bool:
    """True when the file carries DuckDB's magic bytes (so a failure to open it is damage)."""
    try:
        with p.open("rb") as f:
            return f.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def _no_space(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    text = str(exc).lower()
    return os.strerror(errno.ENOSPC).lower() in text or "disk full" in text


def store_error(
    path: str, exc: BaseException, stored: int | None = None, checkpoint: bool = False
) -> StoreError:
    """A one-paragraph error for a failure of the file ``path`` itself, naming the cause;
    ``stored`` runs are committed, ``checkpoint`` when it was the final checkpoint that failed."""
    cause = _first_line(str(exc))
    runs = f"the {stored} runs" if stored is not None else "the runs"
    if _no_space(exc) and checkpoint:
        return StoreError(
            f"{path}: no space left on the device that holds the results store ({cause}). "
            f"The ensemble ran to its end and {runs} are committed, in DuckDB's log "
            f"{path}.wal, but the log could not be written into the file. Free some space (or "
            "move both files to a larger disk) and run the same command again: it finishes the "
            "checkpoint."
        )
    if _no_space(exc):
        kept = (
            f"the {stored} runs stored before it are kept"
            if stored is not None
            else "every batch stored before it is kept"
        )
        return StoreError(
            f"{path}: no space left on the device that holds the results store ({cause}). "
            f"The batch being written was not stored; {kept}. Free some space (or move the "
            "store to a larger disk) and run the same command again: it resumes with the "
            "runs that are missing."
        )
    if "could not read enough bytes" in cause.lower() or "truncat" in cause.lower():
        why = "the file is shorter than its own index says: it was truncated"
    elif "checksum" in cause.lower() or "corrupt" in cause.lower():
        why = "a block of the file does not match its checksum: the file is corrupt"
    else:
        why = "DuckDB cannot read it"
    return StoreError(
        f"{path}: the results store is damaged: {why} (DuckDB: {cause}). pactsim has not "
        "changed the file. Restore it from a copy, or move it aside and run the ensemble again "
        "into a new --store."
    )


def _file_failure(exc: BaseException) -> bool:
    """True for an error of the file (disk, damage), not of the SQL or the data."""
    import duckdb

    if _no_space(exc):
        return True
    if isinstance(exc, duckdb.IOException | duckdb.InternalException | duckdb.FatalException):
        return True
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and (
        "corrupt" in text or "checksum" in text or "could not read" in text
    )


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
    """The single writer of a store (the ensemble's parent process).

    Every failure of the file (full disk, damage) comes out as a :class:`StoreError` naming the
    file and the cause; a failed batch is rolled back, never half stored. ``close`` checkpoints
    explicitly, so a checkpoint that fails (a disk that fills at the end) is an error, not a
    silent success."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.con = _connect(self.path, read_only=False)
        self._run_cols: dict[str, str] = {}
        self._series_cols: dict[str, str] = {}
        self.stored = 0
        try:
            self.existing = self._guard(lambda: _read_provenance(self.con, self.path))
            if self.existing is not None:
                self._guard(self._load_columns)
        except BaseException:
            self.con.close()
            raise

    def _guard(self, fn: Any) -> Any:
        """Run ``fn``; a failure of the file becomes a :class:`StoreError`."""
        try:
            return fn()
        except StoreError:
            raise
        except Exception as exc:
            if _file_failure(exc):
                raise store_error(self.path, exc, self.stored) from None
            raise

    def close(self, checkpoint: bool = True) -> None:
        """Checkpoint (write the log into the file) and close; a failed checkpoint raises once
        the connection is closed, with everything committed still in DuckDB's log."""
        try:
            if checkpoint:
                self._checkpoint()
        except Exception as exc:
            if _file_failure(exc):
                raise store_error(self.path, exc, self.stored, checkpoint=True) from None
            raise
        finally:
            self.con.close()

    def _checkpoint(self) -> None:
        self.con.execute("CHECKPOINT")

    def _commit(self) -> None:
        self.con.commit()

    def _rollback(self) -> None:
        """Roll back the open transaction, if DuckDB has not already done so itself (a failed
        commit ends the transaction, and a second rollback would hide the first error)."""
        with contextlib.suppress(Exception):  # "no transaction is active": nothing to undo
            self.con.rollback()

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, kind: Any, *exc: Any) -> None:
        # after an error, close without the checkpoint: its own failure would hide the first
        self.close(checkpoint=kind is None)

    def _load_columns(self) -> None:
        for table, target in (("runs", self._run_cols), ("series", self._series_cols)):
            rows = self.con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ?",
                [table],
            ).fetchall()
            target.update({r[0]: r[1] for r in rows})
        self.stored = int(self.con.execute("SELECT count(*) FROM runs").fetchone()[0])

    def mistyped_columns(self) -> dict[str, str]:
        """Value columns whose stored type is not the declared :func:`column_type` (a store
        written before types were declared): {column: stored type}. A whole-number type there
        means every fractional value written after the first batch was rounded."""
        out = {}
        for table, cols, keys in (
            ("runs", self._run_cols, RUN_COLUMNS),
            ("series", self._series_cols, SERIES_KEYS),
        ):
            for col, have in cols.items():
                if col in keys:
                    continue
                want = column_type(col)
                if have != want and not (want == "INTEGER" and have in _INTEGER_TYPES):
                    out[f"{table}.{col}"] = have
        return out

    def reset(self) -> None:
        """Drop every table (``--force``): the store starts over."""

        def drop() -> None:
            self.con.begin()
            for table in ("series", "runs", "experiments", "provenance"):
                self.con.execute(f"DROP TABLE IF EXISTS {table}")
            self._commit()

        self._transaction(drop)
        self.existing = None
        self._run_cols.clear()
        self._series_cols.clear()
        self.stored = 0

    def _transaction(self, body: Any) -> None:
        """Run ``body`` (which begins and commits); on any failure roll back and report a
        failure of the file as a :class:`StoreError`."""
        try:
            body()
        except BaseException as exc:
            self._rollback()
            failed = isinstance(exc, Exception) and not isinstance(exc, StoreError)
            if failed and _file_failure(exc):
                raise store_error(self.path, exc, self.stored) from None
            raise

    def create(
        self, provenance: dict[str, Any], experiments: pd.DataFrame, categorical: set[str]
    ) -> None:
        """Create the tables, record provenance and every experiment, in one transaction."""
        con = self.con

        def body() -> None:
            con.begin()
            con.execute("CREATE TABLE provenance (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
            con.executemany(
                "INSERT INTO provenance VALUES (?, ?)",
                [[k, json.dumps(v)] for k, v in provenance.items()],
            )
            params = [
                c for c in experiments.columns if c not in ("experiment_id", "world", "policy")
            ]
            cols = ", ".join(
                f"{q(c)} {'VARCHAR' if c in categorical else 'DOUBLE'}" for c in params
            )
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
            self._commit()

        self._transaction(body)
        self.existing = provenance
        types = {"experiment_id": "INTEGER", "replication": "INTEGER", "seed": "BIGINT"}
        self._run_cols = {c: types.get(c, "VARCHAR") for c in RUN_COLUMNS}
        self._series_cols = {"experiment_id": "INTEGER", "replication": "INTEGER"}
        self.stored = 0

    def done(self) -> set[tuple[int, int]]:
        """Keys (experiment_id, replication) of the runs already stored."""
        rows = self._guard(
            lambda: self.con.execute("SELECT experiment_id, replication FROM runs").fetchall()
        )
        return {(int(a), int(b)) for a, b in rows}

    def write(self, runs: list[dict[str, Any]], series: pd.DataFrame | None) -> None:
        """Commit a batch of finished runs and their series in one transaction, each value in
        its declared type (:func:`column_type`)."""
        if not runs:
            return
        summary_keys = sorted({k for r in runs for k in r["summary"]})
        for key in summary_keys:
            if key in RUN_COLUMNS:
                raise InputError(f"model outcome '{key}' clashes with a column of runs")
        rows = []
        for r in runs:
            row = {
                k: r[k]
                for k in ("experiment_id", "replication", "seed", "status", "error", "seconds")
            }
            row.update(r["summary"])
            rows.append(row)
        frame = pd.DataFrame(rows, columns=[*RUN_COLUMNS[:6], *summary_keys])
        frame = conform(frame, summary_keys, "outcome")
        frame["finished"] = pd.Timestamp.now()
        if series is not None and len(series):
            values = [str(c) for c in series.columns if c not in SERIES_KEYS]
            series = conform(series, values, "series column")
        new_run_cols = [k for k in summary_keys if k not in self._run_cols]
        new_series_cols = (
            [str(c) for c in series.columns if str(c) not in self._series_cols]
            if series is not None and len(series)
            else []
        )
        con = self.con

        def body() -> None:
            con.begin()
            for key in new_run_cols:
                con.execute(f"ALTER TABLE runs ADD COLUMN {q(key)} {column_type(key)}")
            con.register("_runs_df", frame)
            con.execute("INSERT INTO runs BY NAME SELECT * FROM _runs_df")
            con.unregister("_runs_df")
            if series is not None and len(series):
                for col in new_series_cols:
                    con.execute(f"ALTER TABLE series ADD COLUMN {q(col)} {column_type(col)}")
                con.register("_series_df", series)
                con.execute("INSERT INTO series BY NAME SELECT * FROM _series_df")
                con.unregister("_series_df")
            self._commit()

        self._transaction(body)
        self._run_cols.update({k: column_type(k) for k in new_run_cols})
        self._series_cols.update({c: column_type(c) for c in new_series_cols})
        self.stored += len(runs)


def conform(frame: pd.DataFrame, columns: list[str], what: str) -> pd.DataFrame:
    """``frame`` with each of ``columns`` converted to its declared type (:func:`column_type`),
    exactly: a whole-number column must hold whole numbers, a DOUBLE column numbers (booleans
    count 0/1); anything else is an error naming the column, never a silent cast."""
    out = frame.copy()
    for col in columns:
        kind = column_type(col)
        values = out[col]
        if kind == "VARCHAR":
            out[col] = values.astype(object).where(values.notna(), None)
            continue
        try:
            numbers = pd.to_numeric(values.astype(object), errors="raise").astype("float64")
        except (TypeError, ValueError):
            example = next((v for v in values if not _is_number(v)), None)
            raise InputError(
                f"model {what} '{col}' holds {example!r}, not a number: the store keeps every "
                "value as a number except a series' 'date'"
            ) from None
        if kind == "INTEGER":
            arr = numbers.to_numpy()
            ok = np.isnan(arr) | (np.isfinite(arr) & (arr == np.round(arr)))
            if not ok.all():
                raise InputError(
                    f"model {what} '{col}' holds {float(arr[~ok][0])!r}: it is stored as a whole "
                    "number and would be rounded"
                )
            out[col] = numbers.astype("Int64")
        else:
            out[col] = numbers
    return out


def _is_number(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


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
        except Exception as exc:
            if not isinstance(exc, StoreError) and _file_failure(exc):
                raise store_error(self.path, exc) from None
            raise
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
        """Runs expected, stored, failed (stored with status 'error'), ok (finished) and missing
        (not run yet: an interrupted ensemble), and worlds (sampled) and worlds_failed (with at
        least one failed run)."""
        df = self.query(
            "SELECT count(*) AS n, count(*) FILTER (WHERE r.status <> 'ok') AS failed, "
            "count(DISTINCT e.world) FILTER (WHERE r.status <> 'ok') AS worlds_failed "
            "FROM runs r JOIN experiments e USING (experiment_id)"
        )
        stored, failed = int(df["n"][0]), int(df["failed"][0])
        expected = int(self._prov["n_runs"])
        return {
            "expected": expected,
            "stored": stored,
            "failed": failed,
            "ok": stored - failed,
            "missing": expected - stored,
            "worlds": int(self._prov["n_worlds"]),
            "worlds_failed": int(df["worlds_failed"][0]),
        }

    def failures(self) -> pd.DataFrame:
        """The failed runs grouped by cause, most frequent first: one row per kind of error,
        with ``error`` (the message of its first run), ``runs`` and ``worlds`` (how many),
        ``policies`` (list, in the ensemble's order), ``experiment_ids`` (list) and ``pattern``
        (the message with its numbers replaced by ``#``, which is what is grouped on, so that
        "value 1.37 is above 1" and "value 1.52 is above 1" are one cause). Empty (with these
        columns) when no run failed. For reports and dashboards: a failed run is data, and
        every figure over the finished runs is conditioned on a run finishing."""
        cols = ["error", "runs", "worlds", "policies", "experiment_ids", "pattern"]
        df = self.query(
            "SELECT r.experiment_id, e.world, e.policy, r.error FROM runs r "
            "JOIN experiments e USING (experiment_id) WHERE r.status <> 'ok' "
            "ORDER BY r.experiment_id, r.replication"
        )
        if df.empty:
            return pd.DataFrame(columns=cols)
        df["error"] = df["error"].fillna("(no message)").astype(str)
        df["pattern"] = [_mask_numbers(e) for e in df["error"]]
        order = {p: i for i, p in enumerate(self.policies())}
        rows = []
        for pattern, g in df.groupby("pattern", sort=False):
            pols = sorted(
                {None if pd.isna(p) else p for p in g["policy"]},
                key=lambda p: order.get(p, len(order)),
            )
            rows.append(
                {
                    "error": g["error"].iloc[0],
                    "runs": len(g),
                    "worlds": int(g["world"].nunique()),
                    "policies": pols,
                    "experiment_ids": sorted({int(x) for x in g["experiment_id"]}),
                    "pattern": pattern,
                }
            )
        out = pd.DataFrame(rows, columns=cols)
        return out.sort_values("runs", ascending=False, kind="stable").reset_index(drop=True)

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


_NUMBER = re.compile(r"(?<![A-Za-z_])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _mask_numbers(text: str) -> str:
    """``text`` with every number replaced by ``#`` (to group errors that differ by value)."""
    return _NUMBER.sub("#", text)


def open_store(path: str | Path) -> Store:
    """Open a results store for reading (refuses a file that is not a pactsim store)."""
    return Store(path)
