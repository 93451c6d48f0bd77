"""The population kernels' generator: xoshiro256** against its reference outputs, unbiased
bounded integers, uniform floats and independent per-tick streams."""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy import stats

from pactsim.models.population import rng


def test_xoshiro256starstar_matches_the_reference_outputs() -> None:
    # the first outputs of the authors' C reference (prng.di.unimi.it) from state {1, 2, 3, 4}
    s = [np.uint64(v) for v in (1, 2, 3, 4)]
    got = []
    for _ in range(4):
        *state, out = rng.step(*s)
        s = [np.uint64(v) for v in state]
        got.append(int(out))
    assert got == [11520, 0, 1509978240, 1215971899390074240]


@njit
def _draws(seed: int, n: int, k: int) -> np.ndarray:
    s0, s1, s2, s3 = rng.stream(seed, 0)
    out = np.empty(k, dtype=np.int64)
    for i in range(k):
        s0, s1, s2, s3, out[i] = rng.below(s0, s1, s2, s3, n)
    return out


@njit
def _uniforms(seed: int, k: int) -> np.ndarray:
    s0, s1, s2, s3 = rng.stream(seed, 0)
    out = np.empty(k)
    for i in range(k):
        s0, s1, s2, s3, out[i] = rng.uniform(s0, s1, s2, s3)
    return out


def test_bounded_integers_are_uniform_and_in_range() -> None:
    v = _draws(3, 7, 70_000)
    assert v.min() == 0 and v.max() == 6
    assert stats.chisquare(np.bincount(v, minlength=7)).pvalue > 1e-3
    assert set(_draws(3, 1, 100)) == {0}


def test_bounded_integers_have_no_multiply_shift_bias() -> None:
    # with n = 3 * 2**30 a plain (x * n) >> 32 maps two 32-bit words onto every value divisible
    # by 3 and one onto the others, so P(v % 3 == 0) would be 1/2; the rejection makes it 1/3
    n = 3 * 2**30
    v = _draws(5, n, 60_000)
    assert v.max() < n
    share = np.mean(v % 3 == 0)
    assert abs(share - 1 / 3) < 0.015
    big = _draws(6, 2**32, 20_000)
    assert big.max() < 2**32 and big.max() > 2**31


def test_uniform_floats_pass_a_ks_test() -> None:
    u = _uniforms(9, 50_000)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-3


def test_streams_differ_by_seed_and_tick_and_repeat_exactly() -> None:
    assert rng.stream(1, 0) == rng.stream(1, 0)
    firsts = {rng.stream(seed, tick) for seed in range(20) for tick in range(20)}
    assert len(firsts) == 400
    a, b = _draws(11, 1000, 2000), _draws(12, 1000, 2000)
    assert np.array_equal(a, _draws(11, 1000, 2000))
    assert abs(stats.pearsonr(a, b).statistic) < 0.1
