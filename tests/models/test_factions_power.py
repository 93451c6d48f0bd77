"""Power indices: textbook cases worked by enumeration, published cases, and properties."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactsim.errors import InputError
from pactsim.models.factions import integer_game, power_indices
from pactsim.models.factions import power as power_mod


# ------------------------------------------------------------------ independent references
def wins(coalition: set[int], w: list[int], q: int, veto: set[int]) -> bool:
    return sum(w[i] for i in coalition) >= q and veto <= coalition


def shapley_by_orderings(w: list[int], q: int, veto: set[int] = frozenset()) -> list[Fraction]:
    """Shapley & Shubik (1954): share of the n! orderings in which each player is pivotal."""
    n = len(w)
    pivots = [0] * n
    for order in itertools.permutations(range(n)):
        seen: set[int] = set()
        for i in order:
            seen.add(i)
            if wins(seen, w, q, veto):
                pivots[i] += 1
                break
    return [Fraction(p, math.factorial(n)) for p in pivots]


def enumerate_indices(
    w: list[int], q: int, veto: np.ndarray | None = None
) -> tuple[list[Fraction], list[Fraction], list[int]]:
    """Shapley, normalised Banzhaf and swings by enumerating all 2^n coalitions (vectorised)."""
    n = len(w)
    veto = np.zeros(n, bool) if veto is None else np.asarray(veto, bool)
    masks = np.arange(1 << n, dtype=np.int64)
    bits = (masks[:, None] >> np.arange(n)) & 1
    weight = bits @ np.asarray(w, dtype=np.int64)
    has_vetoes = (bits[:, veto] == 1).all(axis=1)
    win = (weight >= q) & has_vetoes
    size = bits.sum(axis=1)
    fact = [math.factorial(k) for k in range(n + 1)]
    shapley, swings = [], []
    for i in range(n):
        without = masks[(masks >> i) & 1 == 0]
        swing = ~win[without] & win[without | (1 << i)]
        counts = np.bincount(size[without][swing], minlength=n)
        swings.append(int(swing.sum()))
        num = sum(int(c) * fact[s] * fact[n - s - 1] for s, c in enumerate(counts[:n]))
        shapley.append(Fraction(num, fact[n]))
    total = sum(swings)
    return shapley, [Fraction(s, total) for s in swings], swings


# ----------------------------------------------------------------------- textbook cases
def test_eec_council_of_ministers_1958() -> None:
    # Felsenthal & Machover (1998), The Measurement of Voting Power: the standard example.
    res = power_indices([4, 4, 4, 2, 2, 1], 12)
    assert res.shapley_exact == tuple(Fraction(k, 60) for k in (14, 14, 14, 9, 9, 0))
    assert res.banzhaf_exact == tuple(Fraction(k, 42) for k in (10, 10, 10, 6, 6, 0))
    assert res.swings == (10, 10, 10, 6, 6, 0)  # Luxembourg is a dummy


def test_small_council_with_a_dummy_by_hand() -> None:
    # [5; 3, 2, 1]: only {3,2} and {3,2,1} win; in the 6 orderings the player of weight 3 is
    # pivotal 3 times, the player of weight 2 three times, the player of weight 1 never.
    res = power_indices([3, 2, 1], 5)
    assert res.shapley_exact == (Fraction(1, 2), Fraction(1, 2), Fraction(0))
    assert res.swings == (2, 2, 0)
    assert shapley_by_orderings([3, 2, 1], 5) == list(res.shapley_exact)


def test_council_with_a_veto_by_hand() -> None:
    # Majority of three where player 0 holds a veto: 0 is pivotal in 4 of 6 orderings
    # (whenever it is not first); 0 swings in {1}, {2}, {1,2}; 1 and 2 only in {0}.
    res = power_indices([1, 1, 1], 2, veto=[0])
    assert res.shapley_exact == (Fraction(2, 3), Fraction(1, 6), Fraction(1, 6))
    assert res.swings == (3, 1, 1)
    assert res.banzhaf_exact == (Fraction(3, 5), Fraction(1, 5), Fraction(1, 5))
    assert power_indices([1, 1, 1], 2, veto=np.array([True, False, False])).swings == (3, 1, 1)


def test_un_security_council() -> None:
    # 5 permanent members with a veto and 10 others, 9 votes needed. Published: Shapley–Shubik
    # 0.1963 and 0.0019 (421/2145 and 4/2145); Banzhaf 0.1669 and 0.0165 (848/5080, 84/5080).
    veto = [True] * 5 + [False] * 10
    res = power_indices([1] * 15, 9, veto=veto)
    assert res.shapley_exact[0] == Fraction(421, 2145)
    assert res.shapley_exact[5] == Fraction(4, 2145)
    assert res.swings[0] == sum(math.comb(10, k) for k in range(4, 11)) == 848
    assert res.swings[5] == math.comb(9, 3) == 84
    np.testing.assert_allclose(res.shapley[[0, 5]], [0.1963, 0.0019], atol=5e-5)
    np.testing.assert_allclose(res.banzhaf[[0, 5]], [0.1669, 0.0165], atol=5e-5)
    # The same game written with weights only: [39; 7,7,7,7,7,1,...,1].
    by_weight = power_indices([7] * 5 + [1] * 10, 39)
    assert by_weight.shapley_exact == res.shapley_exact
    assert by_weight.swings == res.swings


def test_vetoes_alone_winning_make_others_dummies() -> None:
    res = power_indices([5, 5, 1, 1], 10, veto=[0, 1])
    assert res.shapley_exact == (Fraction(1, 2), Fraction(1, 2), 0, 0)


def test_decimal_weights_are_scaled_exactly() -> None:
    game = integer_game([0.5, 0.25, 1.0], 1.25)
    assert game.weights.tolist() == [2, 1, 4] and game.quota == 5 and game.scale == 4
    assert power_indices([0.5, 0.25, 1.0], 1.25).swings == power_indices([2, 1, 4], 5).swings


def test_more_than_62_players_uses_exact_python_integers() -> None:
    res = power_indices([1] * 70, 36)
    assert set(res.shapley_exact) == {Fraction(1, 70)}
    assert res.swings[0] == math.comb(69, 35) > 2**63  # beyond int64: Python integers
    assert sum(res.shapley_exact) == 1


def test_object_path_equals_int64_path(monkeypatch: pytest.MonkeyPatch) -> None:
    w = [55, 40, 30, 28, 19, 19, 17, 16, 16, 15, 14, 13, 12, 11, 11, 11, 10, 10, 3, 3, 3]
    fast = power_indices(w, 180)
    monkeypatch.setattr(power_mod, "INT64_MAX_PLAYERS", 0)
    slow = power_indices(w, 180)
    assert fast.shapley_exact == slow.shapley_exact and fast.swings == slow.swings


def test_electoral_college_sums_to_one_exactly() -> None:
    ec = [
        54,
        40,
        30,
        28,
        19,
        19,
        17,
        16,
        16,
        15,
        14,
        13,
        12,
        11,
        11,
        11,
        11,
        10,
        10,
        10,
        10,
        10,
        9,
        9,
        8,
        8,
        8,
        7,
        7,
        6,
        6,
        6,
        6,
        6,
        6,
        5,
        5,
        4,
        4,
        4,
        4,
        4,
        4,
        4,
        3,
        3,
        3,
        3,
        3,
        3,
        3,
    ]
    assert len(ec) == 51 and sum(ec) == 538
    res = power_indices(ec, 270)
    assert sum(res.shapley_exact) == 1 and sum(res.banzhaf_exact) == 1
    assert res.shapley[0] > 54 / 538  # the largest state is over-represented (Owen 1975)
    assert np.all(np.diff(res.shapley) <= 1e-15)  # power is monotone in weight


# --------------------------------------------------------------------------- properties
@st.composite
def games(draw: st.DrawFn, max_n: int = 12) -> tuple[list[int], int, np.ndarray]:
    n = draw(st.integers(1, max_n))
    w = draw(st.lists(st.integers(1, 12), min_size=n, max_size=n))
    q = draw(st.integers(1, sum(w)))
    veto = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n))) & draw(st.booleans())
    return w, q, veto


@settings(max_examples=60, deadline=None)
@given(games())
def test_generating_functions_equal_enumeration(game: tuple[list[int], int, np.ndarray]) -> None:
    w, q, veto = game
    res = power_indices(w, q, veto=veto)
    shapley, banzhaf, swings = enumerate_indices(w, q, veto)
    assert list(res.shapley_exact) == shapley
    assert list(res.banzhaf_exact) == banzhaf
    assert list(res.swings) == swings


@settings(max_examples=25, deadline=None)
@given(games(max_n=5))
def test_equals_shapley_shubik_orderings(game: tuple[list[int], int, np.ndarray]) -> None:
    w, q, veto = game
    res = power_indices(w, q, veto=veto)
    assert list(res.shapley_exact) == shapley_by_orderings(w, q, set(np.flatnonzero(veto)))


@settings(max_examples=60, deadline=None)
@given(games(max_n=20), st.randoms(use_true_random=False))
def test_indices_properties(game: tuple[list[int], int, np.ndarray], rnd) -> None:
    w, q, veto = game
    res = power_indices(w, q, veto=veto)
    assert sum(res.shapley_exact) == 1 and sum(res.banzhaf_exact) == 1
    assert all(x >= 0 for x in res.shapley_exact)
    # dummies (no swing) get 0 under both indices, and only they do
    for s, sh in zip(res.swings, res.shapley_exact, strict=True):
        assert (s == 0) == (sh == 0)
    # symmetric players (same weight and veto status) get equal power
    for i, j in itertools.combinations(range(len(w)), 2):
        if w[i] == w[j] and veto[i] == veto[j]:
            assert res.shapley_exact[i] == res.shapley_exact[j]
            assert res.banzhaf_exact[i] == res.banzhaf_exact[j]
    # permuting players permutes indices
    perm = list(range(len(w)))
    rnd.shuffle(perm)
    res_p = power_indices([w[p] for p in perm], q, veto=veto[perm])
    assert list(res_p.shapley_exact) == [res.shapley_exact[p] for p in perm]
    assert list(res_p.banzhaf_exact) == [res.banzhaf_exact[p] for p in perm]


@settings(max_examples=40, deadline=None)
@given(games(max_n=12))
def test_adding_a_dummy_changes_nothing(game: tuple[list[int], int, np.ndarray]) -> None:
    # Doubling weights and quota and adding a player of weight 1 adds a dummy (all other sums are
    # even); by the null-player axiom the others keep their Shapley value, their swings double.
    w, q, veto = game
    res = power_indices(w, q, veto=veto)
    ext = power_indices([2 * x for x in w] + [1], 2 * q, veto=[*veto.tolist(), False])
    assert ext.shapley_exact[-1] == 0 and ext.swings[-1] == 0
    assert ext.shapley_exact[:-1] == res.shapley_exact
    assert ext.swings[:-1] == tuple(2 * s for s in res.swings)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("weights", "quota", "veto", "message"),
    [
        ([], 1, None, "empty"),
        ([4, 0, 2], 3, None, "weight of player 2 is 0"),
        ([4, -1, 2], 3, None, "weight of player 2 is -1"),
        ([4, 2], 7, None, "above the total weight 6"),
        ([4, 2], 0, None, "quota is 0"),
        ([4, 2], -3, None, "quota is -3"),
        ([4, 2.0001234], 3, None, "not a multiple of 1/1000"),
        ([4, float("nan")], 3, None, "player 2 is nan"),
        ([4, "x"], 3, None, "expected a number"),
        ([1, 1, 1], 2, [5], "veto player index 5 is out of range"),
        ([1, 1, 1], 2, [True, False], "2 flags for 3 players"),
    ],
)
def test_bad_input_is_refused_clearly(weights, quota, veto, message) -> None:
    with pytest.raises(InputError, match=message):
        power_indices(weights, quota, veto=veto)


def test_tables_too_large_are_refused() -> None:
    with pytest.raises(InputError, match="limit"):
        power_indices([0.001] * 10 + [1e5], 9e4)
