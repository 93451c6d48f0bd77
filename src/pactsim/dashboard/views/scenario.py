"""Scenario view: issues, actors on each issue, the council and its power, the package, and
every parameter with its source or "assumption"."""

from __future__ import annotations

import streamlit as st

from pactsim.dashboard import charts, tables
from pactsim.dashboard.settings import Settings
from pactsim.dashboard.text import md
from pactsim.scenario import Scenario


def show(sc: Scenario, settings: Settings) -> None:
    # every text from the file goes through md(): shown as written, nothing fetched
    st.title(md(sc.meta.title or sc.meta.name))
    if sc.meta.description:
        st.markdown(md(sc.meta.description))
    if sc.meta.question:
        st.markdown(f"**Question.** {md(sc.meta.question)}")
    st.caption(
        f"{md(sc.meta.name)} - starts {sc.meta.start}, {sc.meta.months} months - "
        f"content hash {sc.hash[:12]}"
    )
    t_issues, t_actors, t_council, t_package, t_params = st.tabs(
        ["Issues", "Actors", "Council", "Package", "Parameters"]
    )
    with t_issues:
        st.dataframe(tables.issues_frame(sc), hide_index=True)
    with t_actors:
        ids = [i.id for i in sc.issues]
        names = {i.id: i.name for i in sc.issues}
        issue = st.selectbox(
            "Issue", ids, format_func=lambda i: f"{names[i]} ({i})", key="scenario-issue"
        )
        frame = tables.actors_frame(sc, issue)
        left, right = st.columns([3, 2])
        with left:
            st.dataframe(frame, hide_index=True)
        with right:
            charts.draw(st, charts.positions_chart(frame, issue))
        chosen = sc.issue(issue)
        st.caption(
            f"0: {md(chosen.low)} - 100: {md(chosen.high)} - status quo {chosen.status_quo:g}"
        )
    with t_council:
        if sc.factions is None:
            st.info("This scenario has no council.")
        else:
            c = sc.factions
            total = sum(m.weight for m in c.members)
            st.markdown(
                f"Quota **{c.quota}** of **{total}** weight units; ideological cost exponent "
                f"alpha = {c.alpha:g}; leader: {md(c.leader or '-')}. Power indices are exact "
                "(Shapley-Shubik and normalised Banzhaf, vetoes included)."
            )
            st.dataframe(tables.council_frame(sc), hide_index=True)
    with t_package:
        if sc.package is None:
            st.info("This scenario has no package.")
        else:
            p = sc.package
            st.markdown(
                f"Patron: **{md(p.patron)}** - side-payment share {p.side_payment_share:g} - "
                f"leverage {p.leverage:g} per {p.value_ref:g} USD M still promised"
            )
            st.dataframe(tables.instruments_frame(sc), hide_index=True)
        if sc.policies:
            st.subheader("Policies")
            st.dataframe(
                [
                    {
                        "policy": name,
                        "description": pol.description,
                        "levers": ", ".join(f"{k} = {v}" for k, v in pol.levers.items()),
                    }
                    for name, pol in sc.policies.items()
                ],
                hide_index=True,
            )
    with t_params:
        frame = tables.parameters_frame(sc)
        only = st.checkbox("Only undocumented (assumption by default)", key="scenario-undoc")
        needle = st.text_input("Filter by path or meaning", key="scenario-filter")
        if only:
            frame = frame[frame["documented"] == "no"]
        if needle:
            mask = frame["path"].str.contains(needle, case=False, regex=False) | frame[
                "meaning"
            ].str.contains(needle, case=False, regex=False)
            frame = frame[mask]
        st.caption(f"{len(frame)} parameters")
        st.dataframe(frame, hide_index=True)
        if sc.uncertainties:
            st.subheader("Uncertainties sampled by ensembles")
            st.dataframe(tables.uncertainties_frame(sc), hide_index=True)
