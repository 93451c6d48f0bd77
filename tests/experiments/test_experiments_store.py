"""Ensembles end to end with the trivial model: flow of values, determinism across runners,
resume, and refusal of bad stores."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import TRIVIAL, outcomes

from pactsim.errors import InputError, PactsimError
from pactsim.experiments import ensemble, open_store
from pactsim.experiments.design import run_seed
from pactsim.experiments.trivial import policy_offset


def small(store, **kw):
    args = dict(samples=20, replications=2, seed=5, workers=1, store=store, model=TRIVIAL)
    args.update(kw)
    return ensemble("toy-3-factions", **args)


def test_sampled_values_and_seeds_reach_the_model_and_the_store(tmp_path):
    st = small(tmp_path / "a.duckdb")
    prov = st.provenance()
    assert prov["policies"] == ["none", "milestone", "upfront"]
    assert prov["problem"]["names"] == st.parameter_names()
    assert st.counts() == {
        "expected": 20 * 3 * 2,
        "stored": 120,
        "failed": 0,
        "ok": 120,
        "missing": 0,
        "worlds": 20,
        "worlds_failed": 0,
    }
    runs = st.runs()
    exp = st.experiments().set_index("experiment_id")
    names = st.parameter_names()
    # the trivial model's drift is the sum of the sampled values plus the policy's offset
    for _, r in runs.iterrows():
        e = exp.loc[r["experiment_id"]]
        expected = sum(e[n] for n in names) + policy_offset(e["policy"])
        assert r["drift"] == pytest.approx(expected, rel=1e-12)
        assert r["seed"] == run_seed(5, int(e["world"]), int(r["replication"]))
    # one series row per run and month, final level equals the summary
    series = st.series()
    assert len(series) == 120 * 12
    last = series[series["month"] == 12].set_index(["experiment_id", "replication"])["level"]
    assert np.allclose(
        last.sort_index().to_numpy(),
        runs.set_index(["experiment_id", "replication"])["final"].sort_index(),
    )
    # the outcome matrix is in design order, averaged over replications
    y = st.outcomes_matrix("milestone", "final")
    assert y.shape == (20,)
    sel = runs[runs["policy"] == "milestone"].groupby("world")["final"].mean()
    assert np.allclose(y, sel.sort_index().to_numpy())
    x = st.design_matrix()
    assert x.shape == (20, len(names))
    ds = st.to_xarray()
    assert ds["final"].shape == (20, 3, 2)
    assert st.series_xarray(["level"])["level"].shape == (20, 3, 2, 12)


def test_one_and_two_local_workers_store_identical_outcomes(tmp_path):
    a = small(tmp_path / "one.duckdb", workers=1)
    b = small(tmp_path / "two.duckdb", workers=2, batch_seconds=0.0005)
    ra, sa = outcomes(a)
    rb, sb = outcomes(b)
    pd.testing.assert_frame_equal(ra, rb, check_exact=True)
    pd.testing.assert_frame_equal(sa, sb, check_exact=True)


def test_rerun_on_same_store_runs_only_what_is_missing(tmp_path):
    path = tmp_path / "s.duckdb"
    full = outcomes(small(tmp_path / "full.duckdb"))
    small(path)
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM series WHERE experiment_id >= 30")
    con.execute("DELETE FROM runs WHERE experiment_id >= 30")
    con.close()
    seen = []
    st = small(path, resume=True, progress=lambda d, t: seen.append(d))
    assert seen[0] == 60 and seen[-1] == 120
    again = outcomes(st)
    pd.testing.assert_frame_equal(full[0], again[0], check_exact=True)
    pd.testing.assert_frame_equal(full[1], again[1], check_exact=True)
    small(path)  # nothing to do: no duplicates, no error
    assert st.counts()["stored"] == 120


def test_a_store_of_another_ensemble_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "s.duckdb"
    small(path)
    with pytest.raises(InputError, match=r"different scenario.*toy-3-factions.*afghanistan"):
        ensemble(
            "afghanistan-2023",
            samples=20,
            replications=2,
            seed=5,
            workers=1,
            store=path,
            model=TRIVIAL,
        )
    with pytest.raises(InputError, match="samples was 20, now 30"):
        small(path, samples=30)
    st = ensemble("afghanistan-2023", samples=4, workers=1, store=path, model=TRIVIAL, force=True)
    assert st.provenance()["scenario_name"] == "afghanistan-2023"
    assert st.counts()["stored"] == 4 * len(st.policies())


def test_files_that_are_not_pactsim_stores_are_refused(tmp_path):
    text = tmp_path / "notes.duckdb"
    text.write_text("hello, not a database\n")
    with pytest.raises(InputError, match="not a pactsim results store"):
        open_store(text)
    with pytest.raises(InputError, match="not a pactsim results store"):
        small(text)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(InputError, match="without a provenance table"):
        small(other)
    with pytest.raises(InputError, match="no such results store"):
        open_store(tmp_path / "missing.duckdb")
    with pytest.raises(InputError, match="no such store to resume"):
        small(tmp_path / "missing.duckdb", resume=True)


def test_bad_scenario_input_names_the_path(tmp_path, toy_text):
    bad_path = tmp_path / "bad-path.yaml"
    bad_path.write_text(
        toy_text.replace("path: extremists.foreign_inflow", "path: extremists.no_such_field")
    )
    with pytest.raises(PactsimError, match="no_such_field"):
        ensemble(str(bad_path), samples=4, workers=1, store=tmp_path / "x.duckdb", model=TRIVIAL)
    empty = tmp_path / "empty-range.yaml"
    empty.write_text(
        toy_text.replace(
            "{path: extremists.foreign_inflow, low: 0, high: 20",
            "{path: extremists.foreign_inflow, low: 20, high: 20",
        )
    )
    with pytest.raises(PactsimError, match="empty range"):
        ensemble(str(empty), samples=4, workers=1, store=tmp_path / "y.duckdb", model=TRIVIAL)
    with pytest.raises(InputError, match="no policy 'nope'"):
        ensemble(
            "toy-3-factions",
            ["nope"],
            samples=4,
            workers=1,
            store=tmp_path / "z.duckdb",
            model=TRIVIAL,
        )
    with pytest.raises(InputError, match="cannot be imported"):
        ensemble(
            "toy-3-factions",
            samples=4,
            workers=1,
            store=tmp_path / "z.duckdb",
            model="pactsim.no_such_module:run",
        )


def test_a_store_held_by_another_process_gives_a_clear_error(tmp_path):
    path = tmp_path / "busy.duckdb"
    small(path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys
            con = duckdb.connect({str(path)!r})
            print("ready", flush=True)
            sys.stdin.read()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(InputError, match=r"busy\.duckdb: the results store is in use"):
            small(path, samples=20)
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    assert open_store(path).counts()["stored"] == 120  # intact afterwards
