"""Shared Graphviz conventions: fonts, escaping, deterministic output.

Every text from a .pol file reaches a diagram through `label()` (or
`html_text()` inside an HTML-like table), which shows control and bidi
characters instead of obeying them and escapes what DOT and Graphviz would
interpret; node ids are ASCII and statements come in a fixed order, so the DOT
text is byte-identical across runs and the SVG is well-formed and literal
whatever the policy says.
"""

from __future__ import annotations

import functools
import html
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import graphviz

from polc.compiler import ir
from polc.compiler.files import output_name

T = TypeVar("T")

FONT = "Noto Sans CJK SC"


def new_graph(name: str, title: str, *, rankdir: str = "TB") -> graphviz.Digraph:
    g = graphviz.Digraph(name=safe_id(name))
    g.attr(rankdir=rankdir, fontname=FONT, labelloc="t", label=label(title), newrank="true",
           charset="UTF-8")
    g.attr("node", fontname=FONT, shape="box", style="rounded")
    g.attr("edge", fontname=FONT)
    return g


def shown(text: str) -> str:
    """The text a reader is shown: every character that could act instead of being
    seen (C0/C1 controls but the newline, bidi and other format marks, line and
    paragraph separators, lone surrogates, noncharacters) written as \\uXXXX.

    No such character reaches DOT or SVG, so a label can neither reorder what the
    reader sees (Trojan Source) nor make the SVG invalid XML."""
    return _SUSPECT.sub(_spell, text)


# everything but the newline, printable ASCII, CJK and full-width forms is looked at
_SUSPECT = re.compile(r"[^\n\x20-\x7e\u3000-\u9fff\uff00-\uffef]")
_HIDDEN = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


def _spell(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    noncharacter = 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE
    if not noncharacter and unicodedata.category(ch) not in _HIDDEN:
        return ch
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def label(text: str) -> str:
    """A DOT label (escString) that Graphviz draws exactly as `shown(text)`.

    Backslashes are doubled (no \\N, \\l …), `&` is written `&amp;` (Graphviz
    decodes entities in every label, so `&lt;b&gt;` or `&#x202E;` would otherwise
    become `<b>` or a real bidi override), and the result is marked as not HTML so
    a label like `<b>` stays text."""
    escaped = shown(text).replace("\\", "\\\\").replace("&", "&amp;").replace("\n", "\\n")
    not_html: str = graphviz.nohtml(escaped)
    return not_html


def html_text(text: str) -> str:
    """Text for a cell of an HTML-like label, drawn exactly as `shown(text)`.

    Graphviz expands \\N, \\G … inside HTML-like labels too, so backslashes are
    doubled here as well."""
    return "<BR/>".join(html.escape(line.replace("\\", "\\\\"))
                        for line in shown(text).split("\n"))


# Above this many rows (a table's rows, a level list, a flow's steps, a card's list)
# a diagram shows a summary: the first and last SUMMARY_EDGE rows and what lies
# between.  Graphviz needs minutes to lay out thousands of rows, and no reader
# follows them; 200 rows still render in about half a second.
SUMMARY_ROWS = 200
SUMMARY_EDGE = 5


def ends(items: Sequence[T]) -> tuple[Sequence[T], int, Sequence[T]]:
    """The first and last SUMMARY_EDGE items and how many lie between, for a list
    longer than SUMMARY_ROWS; otherwise all of it, 0 and nothing."""
    if len(items) <= SUMMARY_ROWS:
        return items, 0, items[:0]
    return items[:SUMMARY_EDGE], len(items) - 2 * SUMMARY_EDGE, items[-SUMMARY_EDGE:]


def report_path(policy: ir.Policy) -> str:
    """Where `polc build` writes the policy's report, which lists what a summary leaves out."""
    return f"reports/{output_name(Path(policy.file)) or '…'}.md"


def md_cell(text: str) -> str:
    """Text for one cell of a Markdown table in a report."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text) or "_"


# What wrapping keeps whole: a run of Latin letters, digits and the marks inside a number
# or a name (1/8, 3.5%, 2024-01-01, bank_count, 10:00); closing punctuation stays on the
# line it closes, opening punctuation on the line it opens.
# A short bracketed group — a type (是否), a clause number (一), a unit (元) — stays whole too.
_UNBREAKABLE = re.compile(r"[（(][^（）()\n]{1,6}[）)]|[0-9A-Za-z０-９Ａ-Ｚａ-ｚ_./%％:+\-～~×÷≥≤<>=]+"
                          r"|\s+|.", re.DOTALL)
_CLOSERS = "）》」』〕】、，。；：？！)]}%％"
_OPENERS = "（《「『〔【([{"
# a break right after one of these reads best: the end of a clause
_BREAK_AFTER = "、，；：。？！"


def _width(text: str) -> float:
    """Display width in CJK characters: a Latin letter or digit is half of one."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def _tokens(para: str, inside: frozenset[int] = frozenset()) -> list[str]:
    """`para` cut where a line may break: never inside a word or number, never before a
    closing mark or after an opening one; `inside` holds the offsets that fall inside a
    Chinese word (`_inside_words`)."""
    out: list[str] = []
    for m in _UNBREAKABLE.finditer(para):
        tok = m.group()
        # spaces stay with the word before them: a break never drops a character
        if out and (tok.isspace() or tok[0] in _CLOSERS or out[-1][-1] in _OPENERS
                    or m.start() in inside):
            out[-1] += tok
        else:
            out.append(tok)
    return out


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# a longer "word" is a phrase the dictionary happens to hold: breaking it is no worse than
# breaking a line of such words
_WORD_MAX = 6


def _inside_words(para: str) -> frozenset[int]:
    """The offsets of `para` where a line break would split a Chinese word (年度/申报/
    （/每年/集中/办理/一次/）: never 一 / 次), by jieba's dictionary segmentation."""
    out: set[int] = set()
    for run in _HAN.finditer(para):
        pos = run.start()
        for word in _segmenter().cut(run.group(), HMM=True):
            if 2 <= len(word) <= _WORD_MAX:
                out.update(range(pos + 1, pos + len(word)))
            pos += len(word)
    return frozenset(out)


@functools.cache
def _segmenter() -> Any:
    # imported on the first label long enough to wrap: loading the dictionary takes about
    # a second, which a check or a diagram without such a label never pays
    import jieba  # type: ignore[import-untyped]  # no stubs

    jieba.setLogLevel(logging.WARNING)  # it reports loading the dictionary on stderr
    tokenizer = jieba.Tokenizer()
    # jieba keeps its dictionary as a marshal file in the shared temporary folder by
    # default, and loads any file it finds there: keep it in a private folder instead
    tokenizer.tmp_dir = _private_cache_dir()
    return tokenizer


def _private_cache_dir() -> str:
    """$POLC_CACHE_DIR, else $XDG_CACHE_HOME/polc or ~/.cache/polc, when it is ours and not
    group or world writable (as the parser's cache, compiler/syntax/grammar.py); else a
    fresh folder of this process's own."""
    root = os.environ.get("POLC_CACHE_DIR")
    base = Path(root) if root else \
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "polc"
    try:
        if root != "":
            base.mkdir(mode=0o700, parents=True, exist_ok=True)
            st = base.stat()
            getuid = getattr(os, "getuid", None)
            if (getuid is None or st.st_uid == getuid()) and not st.st_mode & 0o022:
                return str(base)
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        pass
    return tempfile.mkdtemp(prefix="polc-jieba-")


def wrap(text: str, width: int = 18) -> str:
    """Break text into lines of about `width` CJK characters (DOT has no wrapping).

    A line never splits a word or a number (`年满1/8周岁` may break before or after
    `1/8`, never inside it; `每年集中办理一次` before or after `一次`), never starts with closing punctuation or ends with opening
    punctuation, and prefers to end after 、，；： when one falls in its last third.  A word
    longer than a line gets a line of its own, whole."""
    lines: list[str] = []
    for para in text.split("\n"):
        done: list[list[str]] = []
        line: list[str] = []
        inside = _inside_words(para) if _width(para) > width else frozenset()
        for tok in _tokens(para, inside):
            if line and _width("".join(line) + tok.rstrip()) > width:
                # step back to the last clause break in the last third of the line
                soft = max((i for i, t in enumerate(line) if t.rstrip()[-1:] in
                            tuple(_BREAK_AFTER)
                            and _width("".join(line[:i + 1])) >= width * 2 / 3), default=-1)
                if 0 <= soft < len(line) - 1:
                    done.append(line[:soft + 1])
                    line = line[soft + 1:]
                else:
                    done.append(line)
                    line = []
            line.append(tok)
        # no last line of one character (件发生 / 书): it takes one more from the line above
        if done and len(done[-1]) > 2 and _width("".join(line)) <= 1:
            line.insert(0, done[-1].pop())
        lines += ["".join(x) for x in done] + ["".join(line)]
    return "\n".join(lines)


def cite_tooltip(site: ir.Site, what: str = "") -> str:
    """A diagram element's tooltip (SVG <title>): what it is, the clause it cites with
    every quote, its 推导 and 解读.  The site's collector reads the clause and quotes back
    from it (`引 <clause> 「…」「…」`) to link the element to the sentences."""
    parts = [what] if what else []
    if site.clause:
        parts.append(f"引 {site.clause} " + "".join(f"「{q}」" for q in site.quotes))
    if site.derived:
        parts.append(f"推导：{site.derived}")
    parts += [f"解读：{r}" for r in site.readings]
    return "\n".join(parts)


def tooltip(text: str) -> dict[str, str]:
    """Graphviz attributes giving an element `text` as its tooltip; none for no text."""
    return {"tooltip": label(text)} if text else {}
