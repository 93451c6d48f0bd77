"""The page's frame: scenario choice (bundled or uploaded) in the sidebar, then one view."""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from pactsim.dashboard import sources
from pactsim.dashboard.settings import Settings, from_env
from pactsim.errors import PactsimError
from pactsim.scenario import Scenario

VIEWS = ("Scenario", "Policy lab", "Stored ensembles")
DEFAULT_SCENARIO = "afghanistan-2023"
BUNDLED, UPLOAD = "bundled", "upload a file"


@st.cache_resource(max_entries=8, show_spinner=False)
def _bundled(name: str) -> Scenario:
    return sources.load_bundled(name)


@st.cache_resource(max_entries=16, show_spinner=False)
def _uploaded(name: str, digest: str, _data: bytes, max_bytes: int) -> Scenario:
    return sources.parse_upload(name, _data, max_bytes)


def choose_scenario(settings: Settings) -> Scenario | None:
    """The sidebar's scenario choice; an invalid upload shows its problems and gives None."""
    side = st.sidebar
    side.header("Scenario")
    how = side.radio("Source", (BUNDLED, UPLOAD), key="scenario-source", horizontal=True)
    if how == BUNDLED:
        names = sources.bundled()
        index = names.index(DEFAULT_SCENARIO) if DEFAULT_SCENARIO in names else 0
        name = side.selectbox("Bundled scenario", names, index=index, key="scenario-name")
        return _bundled(name)
    limit = settings.max_upload_mb
    up = side.file_uploader(
        f"Scenario file (YAML, at most {limit} MB)",
        type=["yaml", "yml"],
        key="scenario-upload",
        max_upload_size=limit,
        help="Validated like `pactsim validate`: problems are listed with file, line and field.",
    )
    if up is None:
        st.info("Upload a scenario file in the sidebar, or choose a bundled one.")
        return None
    data = up.getvalue()
    try:
        return _uploaded(up.name, hashlib.sha256(data).hexdigest(), data, limit * 2**20)
    except PactsimError as exc:
        with st.container(key="scenario-error"):
            st.error(f"This scenario cannot be used.\n\n{_as_markdown(str(exc))}")
        return None


def _as_markdown(text: str) -> str:
    lines = text.splitlines()
    return "  \n".join(line.replace("  - ", "- ", 1) for line in lines)


def main() -> None:
    """Run the page."""
    st.set_page_config(page_title="pactsim dashboard", layout="wide")
    settings = from_env()
    view = st.sidebar.radio("View", VIEWS, key="view")
    st.sidebar.divider()
    sc = choose_scenario(settings) if view != "Stored ensembles" else None
    _run_view(view, sc, settings)


def _run_view(view: str, sc: Scenario | None, settings: Settings) -> None:
    from pactsim.dashboard.views import explore, lab, scenario

    try:
        if view == "Stored ensembles":
            explore.show(settings)
        elif sc is not None:
            (scenario.show if view == "Scenario" else lab.show)(sc, settings)
    except PactsimError as exc:
        st.error(str(exc))
    except Exception as exc:  # the page must never show a traceback
        st.error(
            f"Internal error: {type(exc).__name__}: {exc}. "
            "Please report it with the scenario and the steps that led here."
        )


def show_table(frame: Any, key: str) -> None:
    """A small table rendered as HTML (readable, copyable), in a container keyed ``key``."""
    with st.container(key=key):
        st.table(frame)
