"""Shared Graphviz conventions: fonts, escaping, deterministic output.

Labels from .pol files are escaped for DOT (`graphviz.escape`, which also keeps
a label that looks like <html> from being read as an HTML label) and emitted
in sorted order with ASCII node ids, so the DOT text is byte-identical across
runs and safe whatever the policy says.
"""

from __future__ import annotations

import re

import graphviz

FONT = "Noto Sans CJK SC"


def new_graph(name: str, title: str, *, rankdir: str = "TB") -> graphviz.Digraph:
    g = graphviz.Digraph(name=safe_id(name))
    g.attr(rankdir=rankdir, fontname=FONT, labelloc="t", label=label(title), newrank="true",
           charset="UTF-8")
    g.attr("node", fontname=FONT, shape="box", style="rounded")
    g.attr("edge", fontname=FONT)
    return g


# C0/C1 controls, bidi marks, embeddings and isolates, line/paragraph separators
_CONTROL = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def label(text: str) -> str:
    """Text for a DOT label: control and bidi characters shown, not obeyed; escaped."""
    cleaned = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    escaped: str = graphviz.escape(cleaned).replace("\n", "\\n")
    # a label that starts with "<" and ends with ">" would be taken as HTML
    if escaped.startswith("<") and escaped.endswith(">"):
        escaped = " " + escaped
    return escaped


def safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text) or "_"


def wrap(text: str, width: int = 18) -> str:
    """Break long Chinese text into lines of `width` characters (DOT has no wrapping)."""
    lines = []
    for para in text.split("\n"):
        while len(para) > width:
            lines.append(para[:width])
            para = para[width:]
        lines.append(para)
    return "\n".join(lines)
