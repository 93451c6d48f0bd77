"""Text from a scenario or a store, made safe for Streamlit's Markdown.

Streamlit renders Markdown in titles, captions, alerts, widget labels and help, and every cell of
``st.table``; an uploaded file's ``![x](http://...)`` would make the visitor's browser fetch that
address. :func:`md` escapes the characters that open images, links, raw HTML, entities and math
(``\\ [ ] < > & $``) and those that turn a bare address into a link (``:`` ``@``, the dot of
``www.``), so such text shows as written and nothing is loaded; emphasis and the like stay
harmless and are left alone, so identifiers such as ``cost_total`` are unchanged.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

_ACTIVE = re.compile(r"([\\\[\]<>&$:@])")
_WWW = re.compile(r"(?i)\b(www)\.")


def md(text: Any) -> str:
    """``text`` as Markdown that renders it literally: no image, link, HTML or formula, and no
    address turned into a link (``http:``, ``www.`` and ``a@b`` are broken up by escapes)."""
    return _WWW.sub(r"\1\\.", _ACTIVE.sub(r"\\\1", str(text)))


def md_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for ``st.table``: every text cell, index label and header escaped."""

    def cell(v: Any) -> Any:
        return md(v) if isinstance(v, str) else v

    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(cell)
    out.columns = pd.Index([cell(c) for c in out.columns])
    if not pd.api.types.is_numeric_dtype(out.index):
        out.index = pd.Index([cell(i) for i in out.index], name=out.index.name)
    return out
