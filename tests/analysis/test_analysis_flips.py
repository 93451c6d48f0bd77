"""Where a paired comparison flips along a sampled parameter."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pactsim.analysis.flips import find_flips


def worlds(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(10, 20, n)})


def test_a_difference_that_changes_sign_along_a_is_found_there() -> None:
    x = worlds()
    d = (x["a"] - 0.5) * 10 + np.random.default_rng(1).normal(0, 0.5, len(x))
    (flip,) = find_flips(x, d)
    assert flip.parameter == "a"
    assert 0.4 < flip.at < 0.6
    assert flip.below < 0 < flip.above
    assert flip.worlds == len(x) // 4


def test_a_difference_of_one_sign_does_not_flip() -> None:
    x = worlds()
    d = 3.0 + x["a"] + np.random.default_rng(2).normal(0, 0.5, len(x))
    assert find_flips(x, d) == []


@settings(max_examples=25, deadline=None)
@given(st.floats(1.0, 100.0), st.integers(0, 10_000))
def test_a_positive_difference_never_flips_whatever_its_noise(scale: float, seed: int) -> None:
    """Every group mean of a positive difference is positive: no sign change to report."""
    x = worlds(200, seed)
    d = np.abs(np.random.default_rng(seed).normal(0, scale, len(x)))
    assert find_flips(x, d) == []


def test_too_few_worlds_or_a_constant_parameter_give_nothing() -> None:
    x = worlds(6)
    assert find_flips(x, x["a"] - 0.5) == []
    const = pd.DataFrame({"c": np.ones(400)})
    assert find_flips(const, np.linspace(-1, 1, 400)) == []
