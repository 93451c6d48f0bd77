"""Helpers shared by the CLI commands: options, output, JSON, scenario loading.

Everything the CLI prints goes through :data:`console` or :data:`err_console`: neither
interprets rich markup (a message such as ``pattern '^[a-z]*$'`` prints as written) nor
emoji codes, and both show terminal control characters from files or libraries as visible
escapes (``\\x1b``), so a scenario's text cannot restyle or take over the terminal. Styling is
asked for explicitly, with :func:`styled`.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

import numpy as np
import typer
from rich.console import Console, HighlighterType, JustifyMethod, OverflowMethod
from rich.style import Style
from rich.text import Text

from pactsim.errors import InputError

#: C0 and C1 control characters and DEL, but newline and tab: what a terminal may act on.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with every terminal control character (but newline and tab) as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def styled(*parts: str | tuple[str, str]) -> Text:
    """One line of plain text: each part a string, or (string, rich style such as "bold")."""
    out = Text()
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        out.append(visible(text), style=style)
    return out


class SafeConsole(Console):
    """A rich console whose strings are shown with their control characters made visible.

    Every string rich prints (``print`` arguments, table cells, titles, headers) becomes text
    in :meth:`render_str`; escaping there keeps tables aligned and covers every command.
    """

    def render_str(
        self,
        text: str,
        *,
        style: str | Style = "",
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        emoji: bool | None = None,
        markup: bool | None = None,
        highlight: bool | None = None,
        highlighter: HighlighterType | None = None,
    ) -> Text:
        return super().render_str(
            visible(text),
            style=style,
            justify=justify,
            overflow=overflow,
            emoji=emoji,
            markup=markup,
            highlight=highlight,
            highlighter=highlighter,
        )


def plain_console(**kwargs: Any) -> SafeConsole:
    """A console that prints text literally: no markup, no emoji codes, controls visible."""
    return SafeConsole(markup=False, emoji=False, **kwargs)


console = plain_console()
if not console.is_terminal:  # logs and pipes: wide enough for the policy tables
    console = plain_console(width=140)
err_console = plain_console(stderr=True)


def print_error(message: object, label: str = "error") -> None:
    """The one way the CLI reports a failure: ``error: <message>`` on stderr, printed as is."""
    err_console.print(
        styled((f"{label}:", "bold red"), " ", str(message)), highlight=False, soft_wrap=True
    )


SetOption = typer.Option(
    None,
    "--set",
    help="Override a scenario value by dotted path, e.g. population.legitimacy=0.7 (repeatable).",
)
JsonOption = typer.Option(False, "--json", help="Print one JSON document for scripts.")


def _default(obj: Any) -> Any:
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return _finite(float(obj))
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.bool_):
        return bool(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def print_json(doc: Any) -> None:
    """Write one JSON document to stdout (NaN and infinities become null)."""
    sys.stdout.write(json.dumps(_clean(doc), default=_default, indent=2) + "\n")


def _clean(obj: Any) -> Any:
    if isinstance(obj, float):
        return _finite(obj)
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    return obj


def check_int(flag: str, value: int, low: int, high: int, why: str = "") -> int:
    """``value`` of an integer flag, or an :class:`InputError` naming the flag and its range."""
    if not low <= value <= high:
        limit = f" ({why})" if why else ""
        raise InputError(f"{flag}: expected an integer from {low} to {high}{limit}, got {value}")
    return value


def load_scenario(name_or_path: str, assignments: list[str] | None = None) -> Any:
    """Load a scenario (path or bundled name) with ``--set`` overrides applied."""
    from pactsim.scenario import load, parse_assignments

    overrides = parse_assignments(assignments or [])
    return load(name_or_path, overrides or None)
