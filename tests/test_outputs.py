"""Declared outputs: each reduction by hand, look-ups, summaries and duplicate names."""

from __future__ import annotations

import pandas as pd
import pytest

from pactsim.outputs import Output, Outputs, reduce_series

S = pd.Series([3, 7, 2, 5])  # months 1..4


def summary(reduce, **kw) -> Output:  # type: ignore[no-untyped-def]
    return Output("x", "-", "summary", of="s", reduce=reduce, **kw)


# ------------------------------------------------------------------------------ reductions
def test_final_max_sum_mean_by_hand() -> None:
    assert reduce_series(S, summary("final")) == 5.0
    assert reduce_series(S, summary("max")) == 7.0
    assert reduce_series(S, summary("sum")) == 17.0
    assert reduce_series(S, summary("mean")) == 4.25
    assert reduce_series(S, summary("mean_share")) == 4.25


def test_at_reads_the_month_counted_from_one() -> None:
    assert reduce_series(S, summary("at", month=1)) == 3.0
    assert reduce_series(S, summary("at", month=2)) == 7.0
    assert reduce_series(S, summary("at", month=4)) == 5.0
    # a run shorter than the assessment month: its last month
    assert reduce_series(S, summary("at", month=10)) == 5.0


def test_reached_by_the_month_at_or_above_the_level() -> None:
    assert reduce_series(S, summary("reached", level=6.0, month=1)) == 0.0
    assert reduce_series(S, summary("reached", level=6.0, month=2)) == 1.0
    assert reduce_series(S, summary("reached", level=7.0, month=2)) == 1.0  # reaching is enough
    assert reduce_series(S, summary("reached", level=7.5, month=4)) == 0.0
    # reached and then lost still counts; after the month does not
    assert reduce_series(pd.Series([1, 9, 1, 1]), summary("reached", level=9, month=3)) == 1.0
    assert reduce_series(pd.Series([1, 1, 1, 9]), summary("reached", level=9, month=3)) == 0.0


def test_reductions_return_python_floats() -> None:
    for out in (
        summary("final"),
        summary("at", month=2),
        summary("max"),
        summary("sum"),
        summary("mean"),
        summary("reached", level=1.0, month=2),
    ):
        assert type(reduce_series(S, out)) is float


def test_boolean_series_reduce_as_zero_one() -> None:
    flags = pd.Series([False, True, True, False])
    assert reduce_series(flags, summary("sum")) == 2.0
    assert reduce_series(flags, summary("mean")) == 0.5
    assert reduce_series(flags, summary("final")) == 0.0


def test_unknown_reduction_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown reduction 'median'"):
        reduce_series(S, summary("median"))
    with pytest.raises(ValueError, match="unknown reduction None"):
        reduce_series(S, Output("x", "-", "summary"))


# ----------------------------------------------------------------------------- the set
A = Output("a", "USD million", "series", "minimize", "A")
B = Output("b", "0-1", "series", "maximize", "B")
A_SUM = Output("a_sum", "USD million", "summary", "minimize", "sum of a", of="a", reduce="sum")
B_PEAK = Output("b_peak", "0-1", "summary", "maximize", "peak of b", of="b", reduce="max")
COMBINED = Output("combined", "-", "summary")  # computed by a component, not a reduction
HALF_A = Output("half_a", "-", "summary", of="a")  # a series but no reduction
HALF_B = Output("half_b", "-", "summary", reduce="max")  # a reduction but no series


def outputs() -> Outputs:
    return Outputs([A, A_SUM, B, COMBINED, B_PEAK, HALF_A, HALF_B])


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(ValueError, match="output 'a' is declared twice"):
        Outputs([A, B, Output("a", "-", "summary")])


def test_look_ups_keep_the_declaration_order() -> None:
    o = outputs()
    assert len(o) == 7
    assert [x.name for x in o] == ["a", "a_sum", "b", "combined", "b_peak", "half_a", "half_b"]
    assert "a" in o and "nope" not in o
    assert o["b_peak"] is B_PEAK
    assert o.get("a_sum") is A_SUM and o.get("nope") is None
    with pytest.raises(KeyError):
        o["nope"]
    assert o.series == [A, B]
    assert o.summary == [A_SUM, COMBINED, B_PEAK, HALF_A, HALF_B]
    assert o.names() == ["a", "a_sum", "b", "combined", "b_peak", "half_a", "half_b"]
    assert o.names("series") == ["a", "b"]
    assert o.names("summary") == ["a_sum", "combined", "b_peak", "half_a", "half_b"]


def test_summarise_reduces_the_declared_series_only() -> None:
    series = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [0.2, 0.9, 0.5]})
    got = outputs().summarise(series)
    assert got == {"a_sum": 7.0, "b_peak": 0.9}
    assert list(got) == ["a_sum", "b_peak"]


def test_directions_and_table() -> None:
    o = outputs()
    assert o.directions() == {
        "a": "minimize",
        "a_sum": "minimize",
        "b": "maximize",
        "combined": "info",
        "b_peak": "maximize",
        "half_a": "info",
        "half_b": "info",
    }
    table = Outputs([A, A_SUM]).as_table()
    assert list(table.columns) == ["name", "kind", "unit", "direction", "description"]
    assert table.to_dict("records") == [
        {
            "name": "a",
            "kind": "series",
            "unit": "USD million",
            "direction": "minimize",
            "description": "A",
        },
        {
            "name": "a_sum",
            "kind": "summary",
            "unit": "USD million",
            "direction": "minimize",
            "description": "sum of a",
        },
    ]
    empty = Outputs([]).as_table()
    assert list(empty.columns) == ["name", "kind", "unit", "direction", "description"]
    assert len(empty) == 0


# ------------------------------------------------------------------------------ helpers


def test_headline_and_reached_are_read_from_the_declarations() -> None:
    outs = Outputs(
        [
            Output("a", "-", "series", headline=True),
            Output("b", "-", "series"),
            Output("got", "0/1", "summary", of="a", reduce="reached", level=1.0, month=2),
            Output("peak", "-", "summary", of="a", reduce="max"),
        ]
    )
    assert outs.headline() == ["a"]
    assert outs.reached() == ["got"]
