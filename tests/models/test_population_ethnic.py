"""Epstein's (2002) Model II: coexistence (run 6), genocide (run 7), peacekeepers (run 8),
population turnover, invariants and input checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from pactsim.errors import InputError
from pactsim.models.population.ethnic import (
    ETHNIC_PRESETS,
    EthnicParams,
    _ethnic_kernel,
    run_ethnic,
)
from pactsim.models.population.model import offsets


def _preset(name: str, **kw: Any) -> EthnicParams:
    return EthnicParams(**{**ETHNIC_PRESETS[name].params, **kw})


def test_run6_peaceful_coexistence() -> None:
    # L = 0.9: G = 0.1 H <= T, so nobody can ever be active
    for seed in range(2):
        calm = run_ethnic(_preset("run6"), seed, 100)
        assert calm["killed"][-1] == 0 and calm["active"].max() == 0
        assert calm["blue"][-1] > 400 and calm["green"][-1] > 400
        assert abs(calm["segregation"][-1] - 0.5) < 0.1  # still mixed


def test_run7_genocide() -> None:
    for seed in range(3):
        war = run_ethnic(_preset("run7"), seed, ETHNIC_PRESETS["run7"].steps)
        assert min(war["blue"][-1], war["green"][-1]) == 0
        assert max(war["blue"][-1], war["green"][-1]) > 0
        assert war["killed"][-1] > 800
        assert np.isnan(war["segregation"][-1])  # one group is gone


def test_run7_genocide_also_with_turnover() -> None:
    for seed in range(2):
        war = run_ethnic(_preset("run7", max_age=200, birth_rate=0.02), seed, 300)
        assert min(war["blue"][-1], war["green"][-1]) == 0
        assert war["born"][-1] > 0 and war["died"][-1] > 0


def test_run8_peacekeepers_delay_genocide_but_no_enclaves_form() -> None:
    # run 8 is run 7 with peacekeepers: measured 7 of 10 seeds with both groups alive after
    # 300 ticks against 0 of 10 without (docs/population.md; by 600 ticks one group is gone
    # in these runs too); Fisher's exact test on 10 seeds each must find the difference
    # (one-sided p < 0.01)
    seeds = range(10)
    steps = ETHNIC_PRESETS["run8"].steps

    def both_alive(r: dict[str, np.ndarray]) -> bool:
        return bool(min(r["blue"][-1], r["green"][-1]) >= 0.025 * (r["blue"][0] + r["green"][0]))

    kept = [run_ethnic(_preset("run8"), s, steps) for s in seeds]
    alone = [run_ethnic(_preset("run8", cop_density=0.0), s, steps) for s in seeds]
    a = sum(both_alive(r) for r in kept)
    b = sum(both_alive(r) for r in alone)
    p = stats.fisher_exact([[a, 10 - a], [b, 10 - b]], alternative="greater").pvalue
    assert p < 0.01, (a, b)
    # the survivors stay mixed: no separate enclaves (the paper's safe havens)
    seg = [r["segregation"][-1] for r in kept if both_alive(r)]
    assert 0.35 < float(np.median(seg)) < 0.65


def test_time_to_genocide_rises_with_peacekeepers() -> None:
    # Epstein (2002), Figs. 15-17: the time until one group is extinct grows with the
    # peacekeepers' density. Measured (docs/population.md, 10 seeds): 8 ticks without them,
    # 128 at 0.04, about 400 at 0.12 (run 8), where every run still ends in genocide
    def time_to_genocide(cops: float, seed: int, steps: int = 700) -> int:
        r = run_ethnic(_preset("run7", cop_density=cops), seed, steps)
        low = np.minimum(r["blue"], r["green"])
        return int(np.argmax(low == 0)) if (low == 0).any() else steps

    seeds = range(6)
    none, few, run8 = ([time_to_genocide(c, s) for s in seeds] for c in (0.0, 0.04, 0.12))
    for lower, higher in ((none, few), (few, run8)):
        p = stats.mannwhitneyu(higher, lower, alternative="greater").pvalue
        assert p < 0.01, (lower, higher)
    assert max(run8) < 700  # delayed, not prevented


def test_peacekeepers_delay_genocide_with_births() -> None:
    # measured (docs/population.md): L = 0.75, births 0.02, no death by age; peacekeepers at
    # 0.08 keep both groups alive, while the same run without them ends in genocide
    seeds = range(3)

    def survivors(cops: float) -> int:
        n = 0
        for s in seeds:
            p = EthnicParams(legitimacy=0.75, birth_rate=0.02, cop_density=cops)
            r = run_ethnic(p, s, 300)
            n += int(min(r["blue"][-1], r["green"][-1]) >= 0.025 * (r["blue"][0] + r["green"][0]))
        return n

    assert survivors(0.08) >= 2
    assert survivors(0.0) == 0


def _conserved(r: dict[str, np.ndarray]) -> None:
    alive = r["blue"] + r["green"]
    assert np.array_equal(alive, alive[0] + r["born"] - r["killed"] - r["died"])


@pytest.mark.parametrize(
    "kw",
    [
        {"legitimacy": 0.6, "cop_density": 0.04},
        {"legitimacy": 0.6, "cop_density": 0.08, "birth_rate": 0.05, "max_age": 50},
        {"legitimacy": 0.75, "cop_density": 0.08, "birth_rate": 0.02, "variant": "paper"},
        {"legitimacy": 0.7, "cop_density": 0.1, "max_age": 30, "variant": "mesa"},
    ],
)
def test_agents_conserved_and_deterministic(kw: dict[str, Any]) -> None:
    p = EthnicParams(width=20, height=20, **kw)
    a = run_ethnic(p, 3, 80)
    _conserved(a)
    assert np.all(np.diff(a["killed"]) >= 0) and np.all(
        a["active"] + a["jailed"] <= a["blue"] + a["green"]
    )
    b = run_ethnic(p, 3, 80)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])  # NaN equals NaN here
    c = run_ethnic(p, 4, 80)
    assert any(not np.array_equal(a[key], c[key]) for key in a)


def test_age_turnover_without_births_empties_the_grid() -> None:
    # life spans U{0..40}: after 41 ticks every initial citizen has died of age
    r = run_ethnic(EthnicParams(legitimacy=0.9, max_age=40), 0, 42)
    assert r["blue"][-1] == 0 and r["green"][-1] == 0
    assert r["died"][-1] == r["blue"][0] + r["green"][0]
    # deaths spread over the run, not all at once
    assert 0.2 < r["died"][20] / r["died"][-1] < 0.9
    _conserved(r)


def _direct(p: EthnicParams, seed: int, steps: int) -> tuple[np.ndarray, ...]:
    """The kernel on a hand-made state, to check the grid after a run."""
    h = w = 12
    cells = h * w
    gen = np.random.default_rng(seed)
    n_cop = 8
    n_cit = 90
    perm = gen.permutation(cells)
    copos = perm[:n_cop].astype(np.int64)
    cap = cells - n_cop
    pos = np.zeros(cap, dtype=np.int64)
    pos[:n_cit] = perm[n_cop : n_cop + n_cit]
    grid = np.full(cells, -1, dtype=np.int64)
    grid[pos[:n_cit]] = np.arange(n_cit)
    grid[copos] = -2 - np.arange(n_cop)
    group = np.zeros(cap, dtype=np.int64)
    group[:n_cit] = np.arange(n_cit) % 2
    hard = np.zeros(cap)
    risk = np.zeros(cap)
    hard[:n_cit] = gen.random(n_cit)
    risk[:n_cit] = gen.random(n_cit)
    state = np.full(cap, 3, dtype=np.int64)
    state[:n_cit] = 0
    life = np.zeros(cap, dtype=np.int64)
    life[:n_cit] = gen.integers(0, 30, n_cit)
    age = np.zeros(cap, dtype=np.int64)
    free = np.zeros(cap, dtype=np.int64)
    free[: cap - n_cit] = np.arange(cap - 1, n_cit - 1, -1)
    ody, odx = offsets(2, "moore")
    cody, codx = offsets(3, "moore")
    out = np.zeros((steps, 11), dtype=np.int64)
    _ethnic_kernel(
        seed, 0, steps, h, w, ody, odx, cody, codx, 1, 0.6, 2.3, 0.1, 5, 0.05, 30, grid,
        group, hard, risk, state, np.zeros(cap, dtype=np.int64), age, life, pos, copos, free,
        cap - n_cit, np.zeros(3, dtype=np.int64), out,
    )  # fmt: skip
    return grid, state, pos, copos, out


def test_grid_consistent_after_run() -> None:
    for seed in range(3):
        grid, state, pos, copos, out = _direct(EthnicParams(), seed, 40)
        on_grid = np.flatnonzero(state < 2)
        # each free citizen is on its own cell, and every occupied cell points back at it
        assert len(set(pos[on_grid].tolist())) == len(on_grid)
        assert np.array_equal(grid[pos[on_grid]], on_grid)
        # jailed and dead citizens are on no cell
        assert set(grid[grid >= 0].tolist()) == set(on_grid.tolist())
        assert np.array_equal(grid[copos], -2 - np.arange(len(copos)))
        assert np.count_nonzero(grid <= -2) == len(copos)
        assert out[-1, 5] > 0 and out[-1, 6] > 0  # births and deaths happened


def test_segregation_measures_enclaves() -> None:
    from pactsim.models.population.ethnic import _segregation, segregation_index

    grid = np.arange(16, dtype=np.int64)
    halves = np.array([0] * 8 + [1] * 8, dtype=np.int64)  # top two rows vs bottom two
    stripes = np.array([0, 1] * 8, dtype=np.int64)  # alternating columns
    # 4 x 4 torus, full: each cell has 8 neighbours; halves: 2 same in its row + 3 in the
    # other row of its half -> 5 of 8 for both groups
    assert _segregation(grid, halves, 4, 4) == pytest.approx(5 / 8)
    assert _segregation(grid, stripes, 4, 4) == pytest.approx(2 / 8)
    assert np.isnan(_segregation(grid, np.zeros(16, dtype=np.int64), 4, 4))
    # a lone minority member among a majority: it has no own-group neighbour, and 8 of the
    # majority's 120 neighbour pairs point at it: the index is about 0.5 (mixed), where the
    # pooled share of same-group neighbours would be 112 / 128, close to 1
    one = np.zeros(16, dtype=np.int64)
    one[5] = 1
    assert _segregation(grid, one, 4, 4) == pytest.approx((0 / 8 + 112 / 120) / 2)
    # a 2 x 2 block of the minority in a 6 x 6 torus: 3 own-group neighbours of 8 each,
    # far above its population share (4 / 36)
    g6 = np.arange(36, dtype=np.int64)
    block = np.zeros(36, dtype=np.int64)
    block[[14, 15, 20, 21]] = 1
    got = _segregation(g6, block, 6, 6)
    majority_same = (32 * 8 - 4 * 5) / (32 * 8)  # each minority cell borders 5 majority cells
    assert got == pytest.approx((3 / 8 + majority_same) / 2)
    assert segregation_index(np.array([3, 4]), np.array([6, 8])) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("blue_share", 1.5),
        ("birth_rate", -0.1),
        ("birth_rate", True),
        ("max_age", -1),
        ("max_age", 2.5),
        ("legitimacy", 2.0),
        ("cop_density", -0.1),
    ],
)
def test_bad_parameters_name_the_field(field: str, value: Any) -> None:
    with pytest.raises(InputError, match=field):
        EthnicParams(**{field: value})


def test_bad_run_arguments() -> None:
    with pytest.raises(InputError, match="steps"):
        run_ethnic(EthnicParams(), 0, -1)
    with pytest.raises(InputError, match="seed"):
        run_ethnic(EthnicParams(), -1, 5)


def test_zero_steps_gives_initial_state() -> None:
    r = run_ethnic(EthnicParams(), 0, 0)
    assert all(len(v) == 1 for v in r.values())
    assert r["blue"][0] + r["green"][0] == round(0.7 * 1600)


def test_frames_leave_the_run_unchanged_and_match_the_counts() -> None:
    from pactsim.models.population.ethnic import GRID_CODES

    p = EthnicParams(legitimacy=0.7, cop_density=0.08, birth_rate=0.05, max_age=50)
    plain = run_ethnic(p, 3, 60)
    frames: list[np.ndarray] = []
    framed = run_ethnic(p, 3, 60, frames=frames)  # one kernel call per tick
    for key in plain:
        np.testing.assert_array_equal(plain[key], framed[key])
    assert len(frames) == 61 and frames[0].shape == (p.height, p.width)
    n_cops = round(p.cop_density * p.width * p.height)
    for t in (0, 30, 60):
        codes = np.bincount(frames[t].ravel(), minlength=len(GRID_CODES))
        free = plain["blue"][t] + plain["green"][t] - plain["jailed"][t]
        assert codes[1] + codes[2] + codes[3] + codes[4] == free
        assert codes[3] + codes[4] == plain["active"][t]
        assert codes[5] == n_cops


def test_cli_animates_model_ii(tmp_path) -> None:
    from typer.testing import CliRunner

    from pactsim.cli import app

    gif = tmp_path / "r8.gif"
    res = CliRunner().invoke(
        app, ["population", "--preset", "run8", "--steps", "6", "--animate", str(gif)]
    )
    assert res.exit_code == 0, res.output
    assert gif.stat().st_size > 1000
    from PIL import Image

    assert Image.open(gif).n_frames == 7


def test_cop_vision_widens_the_peacekeepers_reach() -> None:
    base = {"legitimacy": 0.75, "cop_density": 0.08, "vision": 3}
    same = run_ethnic(EthnicParams(**base), 1, 60)
    explicit = run_ethnic(EthnicParams(**base, cop_vision=3), 1, 60)
    for key in same:
        np.testing.assert_array_equal(same[key], explicit[key])
    # measured: mean jailed 14-19 with cop vision 1, 72-96 with 3, 125-142 with 6 (4 seeds)
    jailed = {
        cv: [run_ethnic(EthnicParams(**base, cop_vision=cv), s, 100)["jailed"][1:].mean()
             for s in range(3)]
        for cv in (1, 6)
    }  # fmt: skip
    assert max(jailed[1]) < min(jailed[6])
    with pytest.raises(InputError, match="cop_vision"):
        EthnicParams(cop_vision=0)


def test_cli_json_contract_holds_for_model_ii() -> None:
    import json

    from typer.testing import CliRunner

    from pactsim.cli import app

    res = CliRunner().invoke(app, ["population", "--preset", "run7", "--steps", "40", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["params"]["variant"] == "netlogo" and doc["params"]["seed"] == 0
    s = doc["series"]
    for key in ("quiet", "active", "jailed"):
        assert len(s[key]) == 41
    alive = np.add(s["blue"], s["green"])
    assert np.array_equal(np.add(np.add(s["quiet"], s["active"]), s["jailed"]), alive)
    assert s["quiet"][0] == alive[0] and s["active"][0] == 0
    assert {"count", "waiting_times", "total_activation"} <= set(doc["outbursts"])
