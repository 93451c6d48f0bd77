"""The page's frame: scenario choice (bundled or uploaded) in the sidebar, then one view."""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

import streamlit as st

from pactsim.dashboard import sources
from pactsim.dashboard.settings import Settings, from_env
from pactsim.dashboard.text import md
from pactsim.errors import PactsimError
from pactsim.scenario import Scenario

VIEWS = ("Scenario", "Policy lab", "Stored ensembles")
BUNDLED, UPLOAD = "bundled", "upload a file"


@st.cache_resource(max_entries=8, show_spinner=False)
def _bundled(name: str) -> Scenario:
    return sources.load_bundled(name)


@st.cache_resource(max_entries=16, show_spinner=False)
def _uploaded(name: str, digest: str, _data: bytes, max_bytes: int) -> Scenario | PactsimError:
    """The upload's scenario, or why it cannot be used (kept too: every rerun of the page
    would otherwise validate a refused file again)."""
    try:
        return sources.parse_upload(name, _data, max_bytes)
    except PactsimError as exc:
        return exc


def choose_scenario(settings: Settings) -> Scenario | None:
    """The sidebar's scenario choice; an invalid upload shows its problems and gives None."""
    side = st.sidebar
    side.header("Scenario")
    how = side.radio("Source", (BUNDLED, UPLOAD), key="scenario-source", horizontal=True)
    if how == BUNDLED:
        names = sources.bundled()
        index = 0  # the first bundled scenario, in name order
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
    found = _uploaded(up.name, hashlib.sha256(data).hexdigest(), data, limit * 2**20)
    if isinstance(found, PactsimError):
        with st.container(key="scenario-error"):
            st.error(f"This scenario cannot be used.\n\n{_as_markdown(md(str(found)))}")
        return None
    return found


def _as_markdown(text: str) -> str:
    lines = text.splitlines()
    return "  \n".join(line.replace("  - ", "- ", 1) for line in lines)


def served_address() -> str | None:
    """The address the Streamlit server listens on (None: every interface)."""
    value = st.get_option("server.address")
    return str(value) if value else None


def is_loopback(address: str | None) -> bool:
    """Whether ``address`` is reachable from this machine only."""
    if not address:
        return False
    host = address.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(address: str | None) -> str | None:
    """What the page says when other machines can reach it (None on a loopback address)."""
    if is_loopback(address):
        return None
    where = f"on {address}" if address else "on every network interface"
    return (
        f"This dashboard is served {where}: anyone who can reach this machine can use it and "
        "run simulations on it, without authentication. Serve it on this machine only with "
        "`pactsim dashboard` (127.0.0.1 by default) or `streamlit run ... "
        "--server.address 127.0.0.1`."
    )


def main() -> None:
    """Run the page."""
    st.set_page_config(page_title="pactsim dashboard", layout="wide")
    warning = exposure_warning(served_address())
    if warning:
        with st.container(key="exposure-warning"):
            st.warning(warning)
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
        st.error(md(str(exc)))
    except Exception as exc:  # the page must never show a traceback
        st.error(
            f"Internal error: {type(exc).__name__}: {md(exc)}. "
            "Please report it with the scenario and the steps that led here."
        )


def show_table(frame: Any, key: str) -> None:
    """A small table rendered as HTML (readable, copyable), in a container keyed ``key``."""
    from pactsim.dashboard.text import md_frame

    with st.container(key=key):
        st.table(md_frame(frame))
