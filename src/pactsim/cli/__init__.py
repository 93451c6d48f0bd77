"""The ``pactsim`` command line: one typer app; each capability registers its commands."""

from __future__ import annotations

import os
import sys

import typer

from pactsim.cli.common import err_console, print_error
from pactsim.errors import PactsimError

app = typer.Typer(
    name="pactsim",
    help="Simulate and evaluate conditional engagement: incentive packages, reforms, "
    "extremist threat and regional stability.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    from pactsim.cli import (
        analysis_cmd,
        bargain_cmd,
        dashboard_cmd,
        experiments_cmd,
        factions_cmd,
        population_cmd,
        report_cmd,
        run_cmd,
        scenario_cmds,
    )

    for module in (
        scenario_cmds,
        bargain_cmd,
        factions_cmd,
        population_cmd,
        run_cmd,
        experiments_cmd,
        analysis_cmd,
        report_cmd,
        dashboard_cmd,
    ):
        module.register(app)


_register_all()


def main() -> None:
    """Entry point: run the app and turn every pactsim error into a clean message."""
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except PactsimError as exc:
        print_error(exc)
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", None)
        if code is None:
            code = getattr(exc, "code", 0)
        sys.exit(code or 0)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        # usage errors (click's or typer's bundled copy): print the usage line and the message
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            sys.exit(code)
        if os.environ.get("PACTSIM_DEBUG"):
            raise
        print_error(
            f"{type(exc).__name__}: {exc}\n"
            "Set PACTSIM_DEBUG=1 to see the traceback, and please report it.",
            label="internal error",
        )
        sys.exit(2)
