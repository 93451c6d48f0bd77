"""Bueno de Mesquita's expected utility model against Scholz, Calbert & Smith (2011)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactsim.errors import InputError
from pactsim.models.bargaining import OFFER_KINDS, eum, read_actors_csv
from pactsim.models.bargaining.eum_reference import eum_loop

EMISSION = """Actor,Capability,Position,Salience
Netherlands,0.08,4,0.8
Belgium,0.08,7,0.4
Luxembourg,0.03,4,0.2
Germany,0.16,4,0.8
France,0.16,10,0.6
Italy,0.16,10,0.6
UK,0.16,10,0.9
Ireland,0.05,7,0.1
Denmark,0.05,4,1.0
Greece,0.08,7,0.7
"""

#: Published by round 1..8 (Scholz et al. 2011, from their code; Q = 1).
PUBLISHED_MEDIAN = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]
PUBLISHED_MEAN = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]
#: What the code behind the table gives (bargaining-eum.md; matched by the jmckib replication).
SCHOLZ_MEDIAN = [8.42, 9.61, 9.96, 9.96, 9.96, 7.47, 8.82, 9.67]
SCHOLZ_MEAN = [7.46, 7.55, 7.59, 7.36, 7.35, 7.41, 7.51, 7.57]


@pytest.fixture
def emission(tmp_path: Path):
    path = tmp_path / "emission.csv"
    path.write_text(EMISSION)
    return read_actors_csv(path)


def test_round_one_median_is_8_4(emission) -> None:
    res = eum(emission.capability, emission.position, emission.salience, rounds=1)
    assert res.median[1] == pytest.approx(8.4, abs=0.1)


def test_scholz_variant_reproduces_the_table_to_0_01(emission) -> None:
    res = eum(emission.capability, emission.position, emission.salience, rounds=8)
    assert res.variant == "scholz" and res.q == 1.0
    np.testing.assert_allclose(res.median[1:], SCHOLZ_MEDIAN, atol=0.01)
    np.testing.assert_allclose(res.mean[1:], SCHOLZ_MEAN, atol=0.01)
    assert res.median[0] == 7.0  # the initial Condorcet position
    assert res.forecast == res.median[-1]
    # against the printed table: every value within 0.1 but the second median (9.61 vs 9.9)
    diff_median = np.abs(res.median[1:] - PUBLISHED_MEDIAN)
    assert (np.delete(diff_median, 1) < 0.1).all() and diff_median[1] > 0.25
    assert (np.abs(res.mean[1:] - PUBLISHED_MEAN) < 0.1).all()


def test_scholz_variant_offers_in_round_one(emission) -> None:
    res = eum(emission.capability, emission.position, emission.salience, rounds=1)
    names = emission.names
    taken = {
        (names[a], names[res.source[0, a]], OFFER_KINDS[res.kind[0, a]])
        for a in range(len(names))
        if res.kind[0, a]
    }
    assert taken == {
        ("Belgium", "France", "compromise"),
        ("Luxembourg", "Belgium", "confrontation"),
        ("Ireland", "Luxembourg", "confrontation"),
    }
    belgium = names.index("Belgium")
    assert res.positions[1, belgium] == pytest.approx(8.42, abs=0.005)


def test_paper_variant_collapses_on_the_median(emission) -> None:
    res = eum(emission.capability, emission.position, emission.salience, rounds=8, variant="paper")
    assert (res.median == 7.0).all()
    assert (res.positions[-1] == 7.0).all()
    assert (res.kind[0] == 1).sum() >= 6  # mostly confrontations in round 1


def test_q_keeps_the_status_quo_terms(emission) -> None:
    a = eum(emission.capability, emission.position, emission.salience, rounds=4, q=1.0)
    b = eum(emission.capability, emission.position, emission.salience, rounds=4, q=0.5)
    assert not np.array_equal(a.positions, b.positions)
    ref = eum_loop(emission.capability, emission.position, emission.salience, rounds=4, q=0.5)
    np.testing.assert_allclose(b.positions, ref.positions, atol=1e-9)


def test_invariant_under_affine_scale_and_capability_units(emission) -> None:
    base = eum(emission.capability, emission.position, emission.salience, rounds=8)
    moved = eum(7.5 * emission.capability, 30 + 4 * emission.position, emission.salience, rounds=8)
    np.testing.assert_allclose(moved.positions, 30 + 4 * base.positions, atol=1e-9)
    np.testing.assert_array_equal(moved.kind, base.kind)


@pytest.mark.parametrize("variant", ["scholz", "paper"])
@pytest.mark.parametrize("q", [1.0, 0.6])
def test_batch_kernel_matches_plain_loop_reference(variant: str, q: float) -> None:
    rng = np.random.default_rng(11)
    b, a = 12, 7
    c = rng.uniform(0.05, 1.0, (b, a))
    x = np.round(rng.uniform(0, 100, (b, a)), 1)
    s = rng.uniform(0.05, 1.0, (b, a))
    res = eum(c, x, s, rounds=6, q=q, variant=variant)  # type: ignore[arg-type]
    moved = 0
    for k in range(b):
        ref = eum_loop(c[k], x[k], s[k], rounds=6, q=q, variant=variant)
        np.testing.assert_allclose(res.positions[k], ref.positions, atol=1e-9)
        np.testing.assert_allclose(res.median[k], ref.median, atol=1e-9)
        np.testing.assert_allclose(res.mean[k], ref.mean, atol=1e-9)
        np.testing.assert_array_equal(res.kind[k], ref.kind)
        np.testing.assert_array_equal(res.source[k], ref.source)
        np.testing.assert_allclose(res.risk[k], ref.risk, atol=1e-9)
        moved += int((res.kind[k] > 0).sum())
    assert moved > 20  # the comparison exercises real offers


def test_all_three_offer_kinds_occur_and_match_the_reference() -> None:
    rng = np.random.default_rng(5)
    c = rng.uniform(0.05, 1.0, (200, 6))
    x = rng.uniform(0, 100, (200, 6))
    s = rng.uniform(0.0, 1.0, (200, 6))
    res = eum(c, x, s, rounds=2)
    assert set(np.unique(res.kind)) == {0, 1, 2, 3}
    k = int(np.argwhere((res.kind == 3).any(axis=(1, 2)))[0, 0])
    ref = eum_loop(c[k], x[k], s[k], rounds=2)
    np.testing.assert_array_equal(res.kind[k], ref.kind)


def test_risk_exponents_are_in_range_and_fixed_risk_is_used(emission) -> None:
    res = eum(emission.capability, emission.position, emission.salience, rounds=3)
    assert (res.risk >= 0.5 - 1e-12).all() and (res.risk <= 2 + 1e-12).all()
    assert res.risk.min() == pytest.approx(0.5) and res.risk.max() == pytest.approx(2.0)
    fixed = np.full(10, np.nan)
    fixed[0] = 1.7
    res2 = eum(emission.capability, emission.position, emission.salience, rounds=3, risk=fixed)
    assert (res2.risk[:, 0] == 1.7).all()
    with pytest.raises(InputError, match="risk"):
        eum(emission.capability, emission.position, emission.salience, risk=np.full(10, 3.0))


def test_several_dimensions_run_issue_by_issue(emission) -> None:
    c = emission.capability
    x = np.stack([emission.position, 100 - 5 * emission.position], axis=1)  # (A, 2)
    s = np.stack([emission.salience, emission.salience[::-1]], axis=1)
    res = eum(c[None], x[None], s[None], rounds=5)
    assert res.positions.shape == (1, 6, 10, 2) and res.median.shape == (1, 6, 2)
    for d in range(2):
        one = eum(c, x[:, d], s[:, d], rounds=5)
        np.testing.assert_array_equal(res.positions[0, :, :, d], one.positions)
        np.testing.assert_array_equal(res.kind[0, :, :, d], one.kind)
        assert res.forecast[0, d] == one.forecast


def test_bad_options() -> None:
    with pytest.raises(InputError, match="variant"):
        eum([1, 1], [0, 1], [1, 1], variant="bdm")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="q must"):
        eum([1, 1], [0, 1], [1, 1], q=1.5)
    with pytest.raises(InputError, match="rounds"):
        eum([1, 1], [0, 1], [1, 1], rounds=-1)


problems = (
    st.integers(1, 7)
    .flatmap(
        lambda a: st.tuples(
            st.lists(st.floats(0.0, 10), min_size=a, max_size=a),
            st.lists(
                st.sampled_from([0.0, 5.0, 12.5, 30.0, 50.0, 77.0, 100.0]), min_size=a, max_size=a
            )
            | st.lists(st.floats(-50, 150), min_size=a, max_size=a),
            st.lists(st.floats(0.0, 1.0), min_size=a, max_size=a),
        )
    )
    .filter(lambda p: sum(c * s for c, s in zip(p[0], p[2], strict=True)) > 0)
)


@settings(max_examples=60, deadline=None)
@given(problems, st.sampled_from(["scholz", "paper"]), st.sampled_from([1.0, 0.3]))
def test_properties(p, variant, q) -> None:
    c, x, s = (np.array(v) for v in p)
    res = eum(c, x, s, rounds=4, q=q, variant=variant)
    # positions stay within the initial range
    assert (res.positions >= x.min()).all() and (res.positions <= x.max()).all()
    assert (res.median >= x.min()).all() and (res.median <= x.max()).all()
    # same input, same output (bit for bit)
    again = eum(c, x, s, rounds=4, q=q, variant=variant)
    np.testing.assert_array_equal(res.positions, again.positions)
    np.testing.assert_array_equal(res.kind, again.kind)
    # a batch gives exactly the one-by-one results
    batch = eum(
        np.stack([c, c * 0 + 1, c]),
        np.stack([x, x, x]),
        np.stack([s, s * 0 + 1, s]),
        rounds=4,
        q=q,
        variant=variant,
    )
    np.testing.assert_array_equal(batch.positions[0], res.positions)
    np.testing.assert_array_equal(batch.positions[2], res.positions)
    np.testing.assert_array_equal(batch.source[0], res.source)
    alone = eum(np.ones_like(c), x, np.ones_like(s), rounds=4, q=q, variant=variant)
    np.testing.assert_array_equal(batch.positions[1], alone.positions)


def test_threads_give_identical_results() -> None:
    rng = np.random.default_rng(9)
    c, x, s = (rng.uniform(0.01, 1.0, (16, 9)) for _ in range(3))
    x = 100 * x
    one = eum(c, x, s, rounds=5, parallel=False)
    many = eum(c, x, s, rounds=5, parallel=True)
    np.testing.assert_array_equal(one.positions, many.positions)
    np.testing.assert_array_equal(one.kind, many.kind)
