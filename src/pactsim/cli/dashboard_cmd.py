"""``pactsim dashboard``: start the Streamlit web dashboard (bound to 127.0.0.1 by default)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from pactsim.errors import InputError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(app: typer.Typer) -> None:
    """Add ``dashboard`` to the app."""
    app.command("dashboard")(dashboard)


def streamlit_command(
    port: int, host: str, max_upload_mb: int, python: str = sys.executable
) -> list[str]:
    """The ``streamlit run`` command line: headless, telemetry off, no file watcher, uploads
    limited to ``max_upload_mb``."""
    from pactsim.dashboard import APP_FILE

    return [
        python,
        "-m",
        "streamlit",
        "run",
        str(APP_FILE),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--server.maxUploadSize",
        str(max_upload_mb),
        "--browser.gatherUsageStats",
        "false",
        "--browser.serverAddress",
        host,
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--theme.base",
        "light",
    ]


def dashboard_env(
    stores: Path, max_upload_mb: int, base: dict[str, str] | None = None
) -> dict[str, str]:
    """The server's environment: the stores folder and the upload limit for the page."""
    from pactsim.dashboard.settings import ENV_MAX_UPLOAD, ENV_STORES

    env = dict(os.environ if base is None else base)
    env[ENV_STORES] = str(stores.resolve())
    env[ENV_MAX_UPLOAD] = str(max_upload_mb)
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    return env


def dashboard(
    port: int = typer.Option(8501, "--port", help="TCP port of the web server."),
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on. Anything but loopback makes the page reachable from "
        "other machines, without authentication.",
    ),
    stores: Path = typer.Option(
        Path(os.environ.get("PACTSIM_STORES") or "out"),
        "--stores",
        help="Folder whose results stores (*.duckdb, from 'pactsim ensemble') the page lists "
        "[default: $PACTSIM_STORES or ./out].",
        show_default=False,
    ),
    max_upload_mb: int = typer.Option(
        1, "--max-upload-mb", help="Largest scenario file the page accepts [MB]."
    ),
) -> None:
    """Start the web dashboard: scenario view, policy lab, stored ensembles."""
    if not 1 <= port <= 65535:
        raise InputError(f"--port: expected 1-65535 (got {port})")
    if max_upload_mb < 1:
        raise InputError(f"--max-upload-mb: must be at least 1 (got {max_upload_mb})")
    if stores.exists() and not stores.is_dir():
        raise InputError(f"--stores {stores}: exists and is not a folder")
    if host not in LOOPBACK:
        typer.echo(
            f"warning: listening on {host}: the dashboard has no authentication and can run "
            "simulations for anyone who reaches it.",
            err=True,
        )
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"pactsim dashboard on http://{shown}:{port} (stores: {stores}); Ctrl-C stops it.")
    cmd = streamlit_command(port, host, max_upload_mb)
    env = dashboard_env(stores, max_upload_mb)
    sys.stdout.flush()
    if os.name == "posix":
        # become the server: signals (Ctrl-C, a supervisor's SIGTERM) reach it directly
        os.execve(cmd[0], cmd, env)
    proc = subprocess.Popen(cmd, env=env)
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        raise
    if code:
        raise typer.Exit(code)


if __name__ == "__main__":  # ``python -m pactsim.cli.dashboard_cmd --port N``
    _app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    _app.command()(dashboard)
    _app()
