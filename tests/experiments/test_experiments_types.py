"""Stored values are exactly the model's: column types are declared (month INTEGER, date text,
every other value DOUBLE), not taken from whichever batch is written first. A first batch of a
policy whose series are whole numbers used to make those columns BIGINT and round every later
fractional value (150 stored where the model gave 150.3)."""

from __future__ import annotations

import importlib

import duckdb
import numpy as np
import pandas as pd
import pytest

import pactsim
from pactsim.errors import InputError
from pactsim.experiments import ensemble, open_store
from pactsim.experiments.store import StoreWriter

# the module, not the function that pactsim.experiments exports under the same name
ensemble_module = importlib.import_module("pactsim.experiments.ensemble")

# no instrument but repair is offered; 'none' switches repair off too, so its series of
# disbursed and contingent value are whole numbers (int64), 'milestone''s are 150.3
OVERRIDES = {"package.instruments.aid.enabled": False, "package.instruments.repair.value": 150.3}
ARGS = dict(samples=2, seed=3, months=3, overrides=OVERRIDES, policies=["none", "milestone"])


def _store(path, monkeypatch, **runner):
    """The ensemble, with its first batch (world 0 under 'none', whole numbers) written alone
    first in this process, then the rest by ``runner``."""
    real = ensemble_module.execute

    def first_run_only(executor, n_workers, make_task, specs, on_result, batch_seconds):
        real(executor, n_workers, make_task, specs[:1], on_result, batch_seconds)

    with monkeypatch.context() as m:
        m.setattr(ensemble_module, "execute", first_run_only)
        ensemble("toy-3-factions", workers=1, store=path, **ARGS)
    assert open_store(path).runs()["policy"].tolist() == ["none"]
    return ensemble("toy-3-factions", store=path, resume=True, **runner, **ARGS)


def _assert_exactly_the_models(st) -> None:
    sc = pactsim.load("toy-3-factions", OVERRIDES)
    names = st.parameter_names()
    exp = st.experiments().set_index("experiment_id")
    runs = st.runs()
    series = st.series()
    assert len(runs) == 4
    first = pactsim.run(sc, policy="none", seed=0, months=3, overrides={}).series
    assert first["disbursed"].dtype == np.int64  # the case this test is about
    for _, r in runs.iterrows():
        e = exp.loc[r["experiment_id"]]
        model = pactsim.run(
            sc,
            policy=e["policy"],
            seed=int(r["seed"]),
            months=3,
            overrides={n: float(e[n]) for n in names},
        )
        for key, value in model.summary.items():
            assert r[key] == value, key
        got = series[series["experiment_id"] == r["experiment_id"]].reset_index(drop=True)
        for col in model.series.columns:
            want = model.series[col].to_numpy()
            have = got[col].to_numpy()
            if col == "date":
                assert list(have) == list(want)
            else:
                assert np.array_equal(have.astype(float), want.astype(float)), col
    assert (series.loc[series["policy"] == "milestone", "contingent_value"] == 150.3).all()
    types = dict(
        st.query(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'series'"
        ).itertuples(index=False)
    )
    assert types["month"] == "INTEGER" and types["date"] == "VARCHAR"
    values = {c: t for c, t in types.items() if c not in ("experiment_id", "replication")}
    assert {t for c, t in values.items() if c not in ("month", "date")} == {"DOUBLE"}


def test_one_worker_stores_exactly_what_the_model_returns(tmp_path):
    st = ensemble("toy-3-factions", workers=1, store=tmp_path / "one.duckdb", **ARGS)
    _assert_exactly_the_models(st)


def test_two_workers_after_a_whole_number_first_batch_store_exactly_the_models(
    tmp_path, monkeypatch
):
    st = _store(tmp_path / "two.duckdb", monkeypatch, workers=2, batch_seconds=0.001)
    _assert_exactly_the_models(st)


def test_dask_after_a_whole_number_first_batch_stores_exactly_the_models(tmp_path, monkeypatch):
    _assert_exactly_the_models(
        _store(tmp_path / "dask.duckdb", monkeypatch, workers=1, dask="local")
    )


def test_column_types_are_declared_by_name():
    from pactsim.experiments.store import column_type

    assert column_type("month") == "INTEGER"
    assert column_type("date") == "VARCHAR"
    assert {column_type(c) for c in ("disbursed", "reached_all_36m", "level")} == {"DOUBLE"}


def _run(eid: int, value: float) -> dict:
    return {
        "experiment_id": eid,
        "replication": 0,
        "seed": 1,
        "status": "ok",
        "error": None,
        "seconds": 0.0,
        "summary": {"final": value},
    }


def test_the_writer_keeps_fractions_after_a_batch_of_whole_numbers(tmp_path):
    path = tmp_path / "w.duckdb"
    with StoreWriter(path) as w:
        w.create({"format": "pactsim-ensemble/1"}, pd.DataFrame({"experiment_id": [0, 1],
                 "world": [0, 1], "policy": ["a", "b"]}), set())  # fmt: skip
        ints = pd.DataFrame({"experiment_id": [0], "replication": [0], "month": [1],
                             "x": np.array([13], dtype=np.int64), "flag": [True]})  # fmt: skip
        floats = pd.DataFrame({"experiment_id": [1], "replication": [0], "month": [1],
                               "x": [12.75], "flag": [False]})  # fmt: skip
        w.write([_run(0, 1.0)], ints)
        w.write([_run(1, 0.5)], floats)
        with pytest.raises(InputError, match=r"series column 'month' holds 1.5: it is stored"):
            w.write([_run(1, 0.5)], floats.assign(month=[1.5], experiment_id=[2]))
        with pytest.raises(InputError, match=r"series column 'x' holds 'high', not a number"):
            w.write([_run(1, 0.5)], floats.assign(x=["high"], experiment_id=[3]))
    con = duckdb.connect(str(path), read_only=True)
    rows = con.execute("SELECT experiment_id, x, flag FROM series ORDER BY 1").fetchall()
    con.close()
    assert rows == [(0, 13.0, 1.0), (1, 12.75, 0.0)]


def test_a_store_written_with_inferred_integer_columns_is_refused_unless_forced(tmp_path):
    path = tmp_path / "old.duckdb"
    ensemble("toy-3-factions", workers=1, store=path, **ARGS)
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE series ALTER disbursed TYPE BIGINT")
    con.execute("DELETE FROM runs WHERE experiment_id = 3")
    con.close()
    with pytest.raises(InputError, match=r"series.disbursed is BIGINT, declared DOUBLE.*--force"):
        ensemble("toy-3-factions", workers=1, store=path, **ARGS)
    assert open_store(path).counts()["stored"] == 3  # refused: nothing changed
    st = ensemble("toy-3-factions", workers=1, store=path, force=True, **ARGS)
    _assert_exactly_the_models(st)
