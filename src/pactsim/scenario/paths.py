"""Dotted paths into a scenario document: ``population.legitimacy``, ``actors.russia.capability``.

A list is addressed by an element's ``id`` (or ``actor`` for neighbours, ``name`` for outcomes,
``patron`` for packages)
or by its index, so paths stay readable and survive reordering.
"""

from __future__ import annotations

import difflib
from typing import Any

ID_KEYS = ("id", "actor", "name", "patron")


class PathError(KeyError):
    """A dotted path that does not lead to a field; ``str()`` says where it stops and why."""

    def __init__(self, path: str, message: str):
        super().__init__(path)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return self.message


def _element_key(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in ID_KEYS:
            if isinstance(item.get(key), str):
                return item[key]
    return None


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(choices[:20])})"


def _step(node: Any, seg: str, done: str, full: str) -> tuple[Any, Any]:
    """Return (container key, child) of one segment, or raise PathError."""
    if isinstance(node, dict):
        if seg in node:
            return seg, node[seg]
        raise PathError(
            full,
            f"'{full}': no field '{seg}' in {done or 'the scenario'}"
            + _suggest(seg, [str(k) for k in node]),
        )
    if isinstance(node, list):
        keys = [_element_key(item) for item in node]
        if seg in keys:
            idx = keys.index(seg)
            return idx, node[idx]
        if seg.lstrip("-").isdigit() and -len(node) <= int(seg) < len(node):
            return int(seg), node[int(seg)]
        named = [k for k in keys if k]
        raise PathError(full, f"'{full}': no element '{seg}' in {done}" + _suggest(seg, named))
    raise PathError(full, f"'{full}': '{done}' is a value, not a section")


def get_path(doc: Any, path: str) -> Any:
    """The value at ``path`` in ``doc``."""
    node, done = doc, ""
    for seg in path.split("."):
        _, node = _step(node, seg, done, path)
        done = f"{done}.{seg}" if done else seg
    return node


def set_path(doc: Any, path: str, value: Any, *, create: bool = False) -> None:
    """Set ``path`` in ``doc`` (in place). The path must exist unless ``create`` allows a new
    last key in an existing mapping (a field the file leaves at its default)."""
    segs = path.split(".")
    node, done = doc, ""
    for seg in segs[:-1]:
        _, node = _step(node, seg, done, path)
        done = f"{done}.{seg}" if done else seg
    last = segs[-1]
    if isinstance(node, dict) and (last in node or create):
        node[last] = value
        return
    key, _ = _step(node, last, done, path)
    node[key] = value


def readable(loc: tuple[Any, ...], doc: Any) -> str:
    """Render a pydantic error location as ``actors[3].salience.x``, naming ids where known."""
    out = ""
    node = doc
    for part in loc:
        if isinstance(part, int):
            key = _element_key(node[part]) if isinstance(node, list) and part < len(node) else None
            out += f"[{part}]" if key is None else f"[{part}:{key}]"
        else:
            out += f".{part}" if out else str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return out
