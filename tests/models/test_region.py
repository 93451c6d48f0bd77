"""The neighbours: attacks shared out, tension by hand, the floor and the strict threshold."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pactsim.models.region import NeighbourParams, split_attacks, step


def params(**kw) -> NeighbourParams:  # type: ignore[no-untyped-def]
    base = {
        "scope_sensitivity": [2.0, 1.0, 0.5],
        "attack_sensitivity": [0.5, 0.2, 1.0],
        "ct_reassurance": [1.0, 0.5, 2.0],
        "decay": [0.1, 0.2, 0.5],
        "threshold": [3.0, 4.0, 1.0],
        "attack_share": [0.3, 0.2, 0.1],
    } | kw
    return NeighbourParams(**{k: np.asarray(v, dtype=float) for k, v in base.items()})


class RecordingRng:
    """Stands in for numpy's Generator: records the multinomial probabilities."""

    def __init__(self, counts: list[int]):
        self.counts = np.asarray(counts)
        self.calls: list[tuple[int, np.ndarray]] = []

    def multinomial(self, n: int, pvals: np.ndarray) -> np.ndarray:
        self.calls.append((n, np.asarray(pvals, dtype=float)))
        return self.counts


# ---------------------------------------------------------------------------- split_attacks
def test_split_asks_for_the_shares_and_the_rest_elsewhere() -> None:
    rng = RecordingRng([4, 3, 2, 1])
    hits = split_attacks(10, np.array([0.3, 0.2, 0.1]), rng)  # type: ignore[arg-type]
    ((n, probs),) = rng.calls
    assert n == 10
    np.testing.assert_allclose(probs, [0.3, 0.2, 0.1, 0.4], rtol=1e-12)
    assert hits.tolist() == [4, 3, 2]  # the last category (elsewhere) is dropped


def test_shares_over_one_are_normalised_and_nothing_falls_elsewhere() -> None:
    rng = RecordingRng([5, 5, 0])
    split_attacks(10, np.array([0.6, 0.6]), rng)  # type: ignore[arg-type]
    np.testing.assert_allclose(rng.calls[0][1], [0.5, 0.5, 0.0], rtol=1e-12)


def test_shares_summing_to_one_leave_nothing_elsewhere() -> None:
    rng = RecordingRng([5, 5, 0])
    split_attacks(10, np.array([0.75, 0.25]), rng)  # type: ignore[arg-type]
    np.testing.assert_allclose(rng.calls[0][1], [0.75, 0.25, 0.0], rtol=1e-12)


def test_no_shares_send_everything_elsewhere() -> None:
    hits = split_attacks(25, np.zeros(2), np.random.default_rng(0))
    assert hits.tolist() == [0, 0]


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(0, 500),
    shares=st.lists(st.floats(0, 1), min_size=1, max_size=4),
    seed=st.integers(0, 2**32 - 1),
)
def test_split_conserves_the_total(total: int, shares: list[float], seed: int) -> None:
    s = np.asarray(shares)
    hits = split_attacks(total, s, np.random.default_rng(seed))
    assert hits.shape == s.shape
    assert (hits >= 0).all()
    assert hits.sum() <= total
    if s.sum() >= 1.0:  # nothing falls elsewhere: every attack lands on a neighbour
        assert hits.sum() == total
    for h, share in zip(hits, s, strict=True):
        if share == 0.0:
            assert h == 0


def test_split_respects_the_shares_over_many_attacks() -> None:
    total = 200_000
    shares = np.array([0.3, 0.2, 0.1])
    hits = split_attacks(total, shares, np.random.default_rng(3))
    sd = np.sqrt(total * shares * (1 - shares))
    assert np.all(np.abs(hits - total * shares) < 4 * sd)
    rest = total - hits.sum()
    assert abs(rest - 0.4 * total) < 4 * np.sqrt(total * 0.4 * 0.6)


# --------------------------------------------------------------------------------------- step
def test_step_by_hand() -> None:
    # theta = a scope/100 + b attacks - c ct/100 with scope 50, attacks (2, 0, 1), ct 40:
    #   (2 * 0.5 + 0.5 * 2 - 1 * 0.4, 1 * 0.5 + 0 - 0.5 * 0.4, 0.5 * 0.5 + 1 * 1 - 2 * 0.4)
    #   = (1.6, 0.3, 0.45)
    # T' = T + theta - delta T from T = (5, 2, 0.5): (6.1, 1.9, 0.7)
    r = step(
        np.array([5.0, 2.0, 0.5]),
        scope=50.0,
        attacks=np.array([2, 0, 1]),
        ct_coop=40.0,
        params=params(),
    )
    np.testing.assert_allclose(r.threat, [1.6, 0.3, 0.45], rtol=1e-12)
    np.testing.assert_allclose(r.tension, [6.1, 1.9, 0.7], rtol=1e-12)
    assert r.reacting.tolist() == [True, False, False]  # thresholds (3, 4, 1)


def test_tension_decays_without_threat() -> None:
    r = step(
        np.array([10.0, 10.0, 10.0]), scope=0.0, attacks=np.zeros(3), ct_coop=0.0, params=params()
    )
    np.testing.assert_allclose(r.threat, 0.0)
    np.testing.assert_allclose(r.tension, [9.0, 8.0, 5.0], rtol=1e-12)


def test_tension_floor_at_zero() -> None:
    # full CT cooperation reassures more than the scope alarms: theta < 0, tension stays at 0
    r = step(np.zeros(3), scope=50.0, attacks=np.zeros(3), ct_coop=100.0, params=params())
    np.testing.assert_allclose(r.threat, [0.0, 0.0, -1.75], atol=1e-12)
    np.testing.assert_allclose(r.tension, 0.0)
    # a small positive tension is kept as it is
    r = step(np.zeros(3), scope=10.0, attacks=np.zeros(3), ct_coop=0.0, params=params())
    np.testing.assert_allclose(r.tension, [0.2, 0.1, 0.05], rtol=1e-12)
    # and a negative threat can only bring tension down to zero
    r = step(
        np.array([1.0, 0.1, 3.0]), scope=0.0, attacks=np.zeros(3), ct_coop=100.0, params=params()
    )
    np.testing.assert_allclose(r.tension, [0.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(r.threat, [-1.0, -0.5, -2.0], rtol=1e-12)


def test_reaction_threshold_is_strict() -> None:
    # T = 0, scope 50, a = (2, 8, 2): theta = (1, 4, 1) against thresholds (1, 4, 0.99)
    p = params(scope_sensitivity=[2.0, 8.0, 2.0], threshold=[1.0, 4.0, 0.99])
    r = step(np.zeros(3), scope=50.0, attacks=np.zeros(3), ct_coop=0.0, params=p)
    assert r.tension.tolist() == [1.0, 4.0, 1.0]
    assert r.reacting.tolist() == [False, False, True]


def test_repair_alarms_less_than_modern_systems() -> None:
    # the module's testable claim: at scope 50 tension settles at a 50/100 / delta
    p = params(attack_sensitivity=[0.0] * 3, ct_reassurance=[0.0] * 3)
    t = np.zeros(3)
    for _ in range(400):
        t = step(t, scope=50.0, attacks=np.zeros(3), ct_coop=0.0, params=p).tension
    np.testing.assert_allclose(t, np.array([2.0, 1.0, 0.5]) * 0.5 / np.array([0.1, 0.2, 0.5]))
    assert step(t, scope=100.0, attacks=np.zeros(3), ct_coop=0.0, params=p).tension[0] > t[0]
