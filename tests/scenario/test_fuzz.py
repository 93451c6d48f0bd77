"""Property tests: any document either loads or fails with a clean ScenarioError."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pactsim
from pactsim.scenario import ScenarioError, from_text

TOY = pactsim.load("toy-3-factions")
TOY_DOC = yaml.safe_load(TOY.source_text)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


ALL_PATHS = [p for p in _paths(TOY_DOC) if p]


def _set(doc: Any, path: tuple, value: Any) -> None:
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _load_or_clean_error(text: str) -> None:
    try:
        from_text(text, "fuzz.yaml")
    except ScenarioError as exc:
        assert "fuzz.yaml" in str(exc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_random_text_is_a_clean_error(text: str) -> None:
    _load_or_clean_error(text)


@settings(max_examples=150, deadline=None)
@given(documents)
def test_random_documents_are_clean_errors(doc: Any) -> None:
    _load_or_clean_error(yaml.safe_dump(doc))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ALL_PATHS), documents)
def test_mutated_scenarios_load_or_fail_cleanly(path: tuple, value: Any) -> None:
    doc = copy.deepcopy(TOY_DOC)
    _set(doc, path, value)
    _load_or_clean_error(yaml.safe_dump(doc))


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 1), st.floats(0, 0.3), st.integers(1, 5), st.floats(0.5, 99.5))
def test_valid_mutations_still_load(
    legitimacy: float, cops: float, weight: int, position: float
) -> None:
    doc = copy.deepcopy(TOY_DOC)
    doc["population"]["legitimacy"] = legitimacy
    doc["population"]["cop_density"] = cops
    doc["factions"]["members"][2]["weight"] = weight
    doc["actors"][3]["positions"]["opening"] = position
    sc = from_text(yaml.safe_dump(doc), "ok.yaml")
    assert sc.population.legitimacy == legitimacy
    assert sc.actor("patron").positions["opening"] == position
    assert sc.factions.members[2].weight == weight
