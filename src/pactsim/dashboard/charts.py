"""Altair charts of the dashboard (rendered by Streamlit in the page, no network needed)."""

from __future__ import annotations

from typing import Any

import pandas as pd


def _alt() -> Any:
    import altair as alt

    return alt


def series_chart(long: pd.DataFrame, columns: int = 2) -> Any:
    """Monthly series, one small panel per series, one line per policy."""
    alt = _alt()
    return (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=alt.X("month:Q", title="month"),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("policy:N", title="policy"),
            tooltip=["policy", "series", "month", alt.Tooltip("value:Q", format=",.3f")],
        )
        .properties(width=320, height=180)
        .facet(facet=alt.Facet("series:N", title=None), columns=columns)
        .resolve_scale(y="independent")
    )


def positions_chart(frame: pd.DataFrame, issue: str) -> Any:
    """Actors' positions on an issue, the dot's size their capability times salience."""
    alt = _alt()
    return (
        alt.Chart(frame)
        .mark_circle(opacity=0.8)
        .encode(
            x=alt.X("position:Q", scale=alt.Scale(domain=[0, 100]), title=f"{issue} [0-100]"),
            y=alt.Y("name:N", sort="-x", title=None),
            size=alt.Size("capability x salience:Q", legend=None),
            color=alt.Color("role:N"),
            tooltip=["name", "role", "position", "capability", "salience"],
        )
        .properties(height=alt.Step(24))
    )


def interval_chart(table: pd.DataFrame, outcome: str) -> Any:
    """One outcome's estimate per policy with its 95% interval (probability or mean)."""
    alt = _alt()
    t = table[table["outcome"] == outcome].copy()
    t["policy"] = t["policy"].astype(str)
    base = alt.Chart(t).encode(y=alt.Y("policy:N", title=None))
    points = base.mark_point(filled=True, size=70).encode(
        x=alt.X("estimate:Q", title=f"{outcome} ({t['kind'].iloc[0] if len(t) else ''})"),
        tooltip=["policy", "estimate", "low", "high", "n"],
    )
    bars = base.mark_rule().encode(x="low:Q", x2="high:Q")
    return (bars + points).properties(height=alt.Step(28))


def distribution_chart(runs: pd.DataFrame, outcome: str) -> Any:
    """The distribution of one outcome over an ensemble's runs, a box per policy."""
    alt = _alt()
    return (
        alt.Chart(runs[["policy", outcome]].dropna())
        .mark_boxplot(extent="min-max")
        .encode(x=alt.X(f"{outcome}:Q", title=outcome), y=alt.Y("policy:N", title=None))
        .properties(height=alt.Step(28))
    )


def envelope_chart(env: pd.DataFrame, column: str) -> Any:
    """Median and 5-95% band of a series per policy and month."""
    alt = _alt()
    base = alt.Chart(env).encode(
        x=alt.X("month:Q", title="month"), color=alt.Color("policy:N", title="policy")
    )
    band = base.mark_area(opacity=0.2).encode(y=alt.Y("p05:Q", title=column), y2="p95:Q")
    line = base.mark_line().encode(y="p50:Q")
    return (band + line).properties(height=220, title=f"{column}: median and 5-95%")


def bars_chart(frame: pd.DataFrame, value: str, error: str | None, label: str) -> Any:
    """Horizontal bars (sensitivity indices), with an error bar when given."""
    alt = _alt()
    f = frame.reset_index().rename(columns={frame.index.name or "index": "parameter"})
    base = alt.Chart(f).encode(y=alt.Y("parameter:N", sort="-x", title=None))
    chart = base.mark_bar().encode(x=alt.X(f"{value}:Q", title=label))
    if error is not None and error in f.columns:
        f["lo"] = f[value] - f[error]
        f["hi"] = f[value] + f[error]
        chart = chart + alt.Chart(f).mark_rule().encode(
            y=alt.Y("parameter:N", sort="-x"), x="lo:Q", x2="hi:Q"
        )
    return chart.properties(height=alt.Step(24))


def draw(where: Any, chart: Any) -> None:
    """Show a chart in a Streamlit container (sizes come from the chart itself)."""
    where.altair_chart(chart)
