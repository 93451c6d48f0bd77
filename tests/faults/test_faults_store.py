"""A damaged store or a full disk: a clear error naming the file and the cause, exit 1, the file
left as it was (damage) or readable and resumable with every committed run (full disk)."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from fault_tools import TRIVIAL, command_line, digest

import pactsim.experiments.store as store_module
from pactsim.experiments import ensemble, open_store

ARGS = dict(samples=150, replications=2, seed=4, months=120, model=TRIVIAL)
RUNS = 150 * 3 * 2
NO_SPACE = os.strerror(errno.ENOSPC)
BLOCK = 256 * 1024  # DuckDB's block size; the file starts with a 12 kB header
HEADER = 3 * 4096


@pytest.fixture
def cli(monkeypatch, capsys):
    return command_line(monkeypatch, capsys)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A finished store of about 2 MB (so a 1 MB truncation cuts its data)."""
    path = tmp_path_factory.mktemp("big") / "big.duckdb"
    ensemble("toy-3-factions", workers=1, store=path, **ARGS)
    assert path.stat().st_size > 1.5 * 2**20
    return path


def _copy(big: Path, tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    shutil.copy(big, out)
    return out


def _outcomes(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    st = open_store(path)
    runs = st.runs(status=None).drop(columns=["seconds", "finished"])
    runs = runs.sort_values(["experiment_id", "replication"]).reset_index(drop=True)
    series = st.series().sort_values(["experiment_id", "replication", "month"])
    return runs, series.reset_index(drop=True)


def _resume_args(path: Path) -> list[object]:
    return [
        "ensemble", "toy-3-factions", "-n", 150, "-r", 2, "--seed", 4, "--months", 120,
        "--workers", 1, "--model", TRIVIAL, "--store", path,
    ]  # fmt: skip


def test_a_truncated_store_is_named_as_damaged_and_left_alone(cli, big, tmp_path):
    path = _copy(big, tmp_path, "cut.duckdb")
    os.truncate(path, 2**20)
    before = digest(path)
    for args in (["compare", path], _resume_args(path), ["export", path, tmp_path / "out"]):
        res = cli(*args)
        assert res.code == 1, res.text
        assert (
            f"error: {path}: the results store is damaged: the file is shorter than its own "
            "index says: it was truncated (DuckDB: IO Error: Could not read enough bytes"
        ) in res.text
        assert "pactsim has not changed the file" in res.text
        assert "internal error" not in res.text
        assert digest(path) == before


def _corrupt(path: Path, first_block: int) -> None:
    size = path.stat().st_size
    with path.open("r+b") as f:
        for offset in range(HEADER + first_block * BLOCK, size, BLOCK):
            f.seek(offset + 100)
            f.write(b"\xff" * 64)


@pytest.mark.parametrize("first_block", [0, 1])
def test_a_corrupt_store_is_named_as_damaged_and_left_alone(cli, big, tmp_path, first_block):
    # from block 0 the catalog is hit when the file is opened; from block 1 only the tables
    path = _copy(big, tmp_path, "bad.duckdb")
    _corrupt(path, first_block)
    before = digest(path)
    for args in (["compare", path], _resume_args(path)):
        res = cli(*args)
        assert res.code == 1, res.text
        assert (
            f"error: {path}: the results store is damaged: a block of the file does not match "
            "its checksum: the file is corrupt (DuckDB: Corrupt database file"
        ) in res.text
        assert "pactsim has not changed the file" in res.text
        assert "internal error" not in res.text
        assert digest(path) == before


class FullDisk:
    """A DuckDB connection whose commit (after ``commits`` good ones) or CHECKPOINT fails as on
    a full disk: DuckDB ends the transaction and raises, as it does when its log cannot grow."""

    def __init__(self, con, commits: int | None, checkpoint: bool):
        self._con, self._commits, self._checkpoint = con, commits, checkpoint

    def commit(self):
        if self._commits is not None:
            if self._commits == 0:
                self._con.rollback()
                raise duckdb.TransactionException(
                    f'TransactionContext Error: Failed to commit: Could not write file "x.wal": '
                    f"{NO_SPACE}"
                )
            self._commits -= 1
        return self._con.commit()

    def execute(self, sql, *args):
        if self._checkpoint and sql.strip().upper() == "CHECKPOINT":
            raise duckdb.IOException(f'IO Error: Could not write file "x.duckdb": {NO_SPACE}')
        return self._con.execute(sql, *args)

    def close(self):
        # DuckDB checkpoints on close too; on a full disk that fails without a word
        return self._con.close()

    def __getattr__(self, name):
        return getattr(self._con, name)


def _fill_disk(monkeypatch, commits: int | None = None, checkpoint: bool = False) -> None:
    real = store_module._connect

    def connect(path, read_only):
        con = real(path, read_only)
        return con if read_only else FullDisk(con, commits, checkpoint)

    monkeypatch.setattr(store_module, "_connect", connect)


@pytest.mark.parametrize("where", ["commit", "checkpoint"])
def test_a_full_disk_is_an_error_and_the_store_resumes_with_nothing_lost(
    cli, monkeypatch, big, tmp_path, where
):
    path = tmp_path / "full.duckdb"
    # commits: 1 creates the tables, then batches; the 6th batch finds the disk full
    _fill_disk(monkeypatch, commits=6 if where == "commit" else None, checkpoint=True)
    res = cli(*_resume_args(path))
    assert res.code == 1, res.text
    assert f"error: {path}: no space left on the device that holds the results store" in res.text
    assert NO_SPACE in res.text and "run the same command again" in res.text
    assert "cannot rollback" not in res.text and "internal error" not in res.text
    monkeypatch.undo()
    st = open_store(path)  # readable, with every batch committed before the failure
    stored = st.counts()["stored"]
    if where == "commit":
        assert 5 <= stored < RUNS and st.counts()["failed"] == 0
        assert f"the {stored} runs stored before it are kept" in res.text
    else:
        assert stored == RUNS
    res = cli(*_resume_args(path))
    assert res.code == 0, res.text
    a, b = _outcomes(path), _outcomes(big)
    pd.testing.assert_frame_equal(a[0], b[0], check_exact=True)
    pd.testing.assert_frame_equal(a[1], b[1], check_exact=True)
