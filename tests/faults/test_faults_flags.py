"""Bad ensemble flags: one paragraph naming the flag and what was expected, exit 1, before
anything is sampled, and a store already there is left as it was."""

from __future__ import annotations

import pytest
from fault_tools import TRIVIAL, command_line, digest

from pactsim.errors import InputError
from pactsim.experiments import ensemble, open_store
from pactsim.experiments.design import parameters


@pytest.fixture
def cli(monkeypatch, capsys):
    return command_line(monkeypatch, capsys)


@pytest.fixture
def stored(tmp_path):
    """A finished small ensemble; every bad command below is pointed at it."""
    path = tmp_path / "kept.duckdb"
    ensemble("toy-3-factions", samples=4, seed=2, workers=1, store=path, model=TRIVIAL)
    return path


def _bad(cli, stored, *flags):
    before = digest(stored)
    res = cli(
        "ensemble", "toy-3-factions", "--workers", "1", "--model", TRIVIAL,
        "--store", stored, *flags,
    )  # fmt: skip
    assert res.code == 1, res.text
    assert "internal error" not in res.text and "Traceback" not in res.text
    assert digest(stored) == before
    assert open_store(stored).counts()["stored"] == 12
    return res.text


def test_a_sample_count_beyond_memory_is_refused_with_the_estimate(cli, stored):
    text = _bad(cli, stored, "--samples", "2147483648", "--seed", "2")
    assert "error: --samples 2147483648: the lhs design has 2,147,483,648 worlds" in text
    assert "2,147,483,648 worlds x 3 policies x 1 replications is 6,442,450,944 runs" in text
    assert "of memory (about " in text and " bytes a run)" in text
    assert "runs fit in one ensemble here" in text


def test_a_negative_seed_is_refused(cli, stored):
    text = _bad(cli, stored, "--samples", "4", "--seed", "-1")
    assert "error: --seed: must be a whole number of 0 or more (got -1)" in text


def test_a_dask_value_that_is_not_an_address_is_refused(cli, stored):
    text = _bad(cli, stored, "--samples", "4", "--seed", "2", "--dask", "notanaddress")
    assert "error: --dask notanaddress: not a Dask scheduler address" in text
    assert "expected 'local'" in text and "tcp://10.0.0.1:8786" in text


def test_a_factorial_with_a_sample_count_for_lhs_is_explained(cli, tmp_path):
    path = tmp_path / "kept.duckdb"
    ensemble("afghanistan-2023", samples=2, seed=2, workers=1, store=path, model=TRIVIAL)
    before = digest(path)
    res = cli(
        "ensemble", "afghanistan-2023", "--sampler", "factorial", "--samples", "100",
        "--workers", "1", "--model", TRIVIAL, "--store", path,
    )  # fmt: skip
    assert res.code == 1, res.text
    text = res.text
    assert (
        "error: --sampler factorial --samples 100: the factorial sampler takes --samples as "
        "the number of levels of each numeric parameter, so 100 levels over the 18 sampled "
        "parameters make 1e+36 worlds"
    ) in text
    assert "use 2 to 5 levels" in text
    assert digest(path) == before


def test_the_size_bound_follows_the_memory_and_the_design():
    import pactsim
    from pactsim.experiments.guards import check_size, plan_bytes, planned_worlds

    params = parameters(pactsim.load("toy-3-factions"))
    assert planned_worlds(params, "lhs", 100, {}) == 100
    assert planned_worlds(params, "sobol", 64, {}) == 64 * (2 * 3 + 2)
    assert planned_worlds(params, "sobol", 64, {"calc_second_order": False}) == 64 * 5
    assert planned_worlds(params, "morris", 10, {}) == 40
    assert planned_worlds(params, "factorial", 4, {}) == 4**3
    need = plan_bytes(1000, 3, 2, 3)
    assert need == 3000 * (2000 + 180 * 3) + 6000 * 300
    check_size(params, "lhs", 1000, {}, 3, 2, memory=2 * need)  # fits: half the memory
    with pytest.raises(InputError, match=r"planning them needs about 9.42 MB"):
        check_size(params, "lhs", 1000, {}, 3, 2, memory=2 * need - 2)
