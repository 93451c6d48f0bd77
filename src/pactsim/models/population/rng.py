"""The population kernels' random numbers: xoshiro256** streams, one per (seed, tick).

Why not numba's ``np.random``: its Mersenne Twister costs ~11 ns per bounded integer in
numba, and a tick at 1000 x 1000 draws several million (each move probes ~4 random cells,
the activation order one per agent). xoshiro256** (Blackman and Vigna, "Scrambled linear
pseudorandom number generators", ACM TOMS 47, 2021) passes BigCrush and PractRand, and with
Lemire's unbiased bounded integers ("Fast random integer generation in an interval", ACM
TOMACS 29, 2019) a draw costs ~1.5 ns. Its four words of state are plain scalars that the
caller threads through (``s0, s1, s2, s3, v = below(s0, s1, s2, s3, n)``), so the helpers
inline into the hot loop with no array, no reference count and no global state: two runs on
two threads never share a stream.

Each tick starts a fresh stream from SplitMix64 of (seed, tick), the seeding the authors
recommend, so a run is bit-identical however its ticks are split over calls.

The helpers are not cached on their own: they are compiled into the (cached) kernels that
call them, and a process that loads those kernels from the cache never compiles them. numba
keys a kernel's cache on the kernel's own source file only, so after editing this file delete
the cached kernels (``find src -name '*.nbi' -delete``) or they keep the old generator.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MASK32 = np.uint64(0xFFFFFFFF)
_TWO32 = np.uint64(0x100000000)


@njit(nogil=True)
def _splitmix(z):  # type: ignore[no-untyped-def]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(nogil=True)
def stream(seed, tick):  # type: ignore[no-untyped-def]
    """The state (s0, s1, s2, s3) of the stream of (seed, tick): four SplitMix64 outputs."""
    z = np.uint64(seed) * _GOLDEN + np.uint64(tick)
    return (
        _splitmix(z + _GOLDEN),
        _splitmix(z + _GOLDEN * np.uint64(2)),
        _splitmix(z + _GOLDEN * np.uint64(3)),
        _splitmix(z + _GOLDEN * np.uint64(4)),
    )


@njit(nogil=True)
def _rotl(x, k):  # type: ignore[no-untyped-def]
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(nogil=True)
def step(s0, s1, s2, s3):  # type: ignore[no-untyped-def]
    """One xoshiro256** output: the new state and a uniform 64-bit word."""
    a, b, c, d = np.uint64(s0), np.uint64(s1), np.uint64(s2), np.uint64(s3)
    out = _rotl(b * np.uint64(5), 7) * np.uint64(9)
    t = b << np.uint64(17)
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = _rotl(d, 45)
    return a, b, c, d, out


@njit(nogil=True)
def below(s0, s1, s2, s3, n):  # type: ignore[no-untyped-def]
    """A uniform integer in [0, n) for 1 <= n <= 2**32 (Lemire's method, no bias)."""
    nn = np.uint64(n)
    while True:
        s0, s1, s2, s3, r = step(s0, s1, s2, s3)
        m = (r >> np.uint64(32)) * nn
        lo = m & _MASK32
        # reject the few low parts that would make some results more likely than others
        if lo >= nn or lo >= (_TWO32 - nn) % nn:
            return s0, s1, s2, s3, np.int64(m >> np.uint64(32))


@njit(nogil=True)
def uniform(s0, s1, s2, s3):  # type: ignore[no-untyped-def]
    """A uniform float in [0, 1) with 53 random bits."""
    s0, s1, s2, s3, r = step(s0, s1, s2, s3)
    return s0, s1, s2, s3, np.float64(r >> np.uint64(11)) * (1.0 / 9007199254740992.0)
