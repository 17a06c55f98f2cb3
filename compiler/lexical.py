"""The lexical rules every stage shares: where a line ends, which characters a
policy may hold, and which part of a line is code, verbatim text or comment.

A line ends at "\\n", "\\r\\n" or a lone "\\r", nowhere else.  `normalise` turns
all three into "\\n" (and drops leading byte-order marks) once, where a text
enters polc (`driver.compile_source`, `polc fmt`, `polc coverage`); from then on
Lark's line counter, the checker's line table, diagnostics and the formatter
all split at "\\n" and agree on every line number.  `str.splitlines()` is never
used on policy text: it also splits at U+2028, U+2029, \\x85, \\v, \\f and
\\x1c-\\x1e, and a line table built with it once disagreed with Lark after the
first such character, garbling explanation texts and diagram labels silently.

Those other separators, and the bidirectional controls of "Trojan Source"
(CVE-2021-42574), make an editor show a line otherwise than the compiler reads
it; `forbidden` finds them anywhere outside a 「quote」 (code, labels, titles,
comments) so the parser can refuse them.  Inside a quote they are compared with
the notice text like any other character.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

BOM = "\ufeff"
_NEWLINE = re.compile(r"\r\n?")
_LINE_BREAK = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")

# characters that some editor, terminal or Python's str.splitlines() takes for a line break
LINE_SEPARATORS = frozenset("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Unicode's Bidi_Control characters: embeddings, overrides, isolates and marks
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
_FORBIDDEN = re.compile("[" + re.escape("".join(sorted(LINE_SEPARATORS | BIDI_CONTROLS))) + "]")
# C0 and C1 controls have no Unicode name
_CONTROL_NAMES = {"\x0b": "LINE TABULATION", "\x0c": "FORM FEED", "\x1c": "FILE SEPARATOR",
                  "\x1d": "GROUP SEPARATOR", "\x1e": "RECORD SEPARATOR", "\x85": "NEXT LINE"}


def newlines(text: str) -> str:
    """The text with every line break as "\\n"."""
    return _NEWLINE.sub("\n", text)


def normalise(text: str) -> str:
    """`newlines`, and no leading byte-order mark (one or more)."""
    return newlines(text.lstrip(BOM))


def split_keepends(text: str) -> list[str]:
    """The lines of a text not yet normalised, each with its own line break."""
    return _LINE_BREAK.findall(text)


def describe(ch: str) -> str:
    """U+2028 (LINE SEPARATOR): how a message names an invisible character."""
    name = _CONTROL_NAMES.get(ch) or unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} ({name})" if name else f"U+{ord(ch):04X}"


def visible(line: str) -> str:
    """A line as a diagnostic shows it: a forbidden character as U+FFFD, one column
    wide, so the terminal neither breaks nor reorders the line under its caret."""
    return _FORBIDDEN.sub("\ufffd", line.replace("\t", " "))


class LineMap:
    """Lines and columns of a normalised text, as Lark counts them: 1-based, columns
    in code points."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self._starts: list[int] | None = None

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def position(self, offset: int) -> tuple[int, int]:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1

    def pieces(self, line: int, col: int, end_line: int, end_col: int) -> list[str]:
        """The text from (line, col) up to (end_line, end_col), one piece per line."""
        if line == end_line:
            return [self.line(line)[col - 1 : end_col - 1]]
        return ([self.line(line)[col - 1 :]] + self.lines[line : end_line - 1]
                + [self.line(end_line)[: end_col - 1]])


@functools.lru_cache(maxsize=4)
def line_map(text: str) -> LineMap:
    """A shared `LineMap` of `text`, for callers that look up one line at a time."""
    return LineMap(text)


# ---------------------------------------------------------------- code, text and comments

@dataclass(frozen=True)
class Segment:
    # code; label "…", quote 「…」 or title 《…》 (kept verbatim); comment
    kind: str
    text: str

    @property
    def verbatim(self) -> bool:
        return self.kind in ("label", "quote", "title")


def segments(line: str, in_quote: bool) -> tuple[list[Segment], bool]:
    """Split one line into consecutive segments; `in_quote`: a 「quote」 is open at its
    start.  Returns the segments and whether a quote is still open at its end.  Reads
    labels, quotes, titles and comments as the grammar's STRING, QUOTE, DOC and COMMENT
    do (tests/test_lines.py compares the quotes with the parser's)."""
    out: list[Segment] = []
    i, n = 0, len(line)
    code_start = 0

    def flush(end: int) -> None:
        if end > code_start:
            out.append(Segment("code", line[code_start:end]))

    if in_quote:
        close = line.find("」")
        if close < 0:
            return [Segment("quote", line)], True
        out.append(Segment("quote", line[: close + 1]))
        i = code_start = close + 1
    while i < n:
        ch = line[i]
        if ch == "#":
            flush(i)
            out.append(Segment("comment", line[i:]))
            return out, False
        if ch == '"':
            flush(i)
            j = i + 1
            while j < n and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            out.append(Segment("label", line[i: j + 1]))
            i = code_start = min(j + 1, n)
            continue
        if ch in "「《":
            flush(i)
            kind, closer = ("quote", "」") if ch == "「" else ("title", "》")
            j = line.find(closer, i + 1)
            if j < 0:
                out.append(Segment(kind, line[i:]))
                return out, ch == "「"
            out.append(Segment(kind, line[i: j + 1]))
            i = code_start = j + 1
            continue
        i += 1
    flush(n)
    return out, False


def quote_offsets(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each 「quote」 of a normalised text, one per line it spans."""
    in_quote = False
    offset = 0
    for line in text.split("\n"):
        segs, in_quote = segments(line, in_quote)
        pos = offset
        for s in segs:
            if s.kind == "quote":
                yield pos, pos + len(s.text)
            pos += len(s.text)
        offset += len(line) + 1


def forbidden(text: str) -> list[tuple[int, str]]:
    """(offset, character) of each line separator or bidi control outside a 「quote」."""
    if _FORBIDDEN.search(text) is None:
        return []
    inside = list(quote_offsets(text))
    starts = [s for s, _ in inside]
    found = []
    for m in _FORBIDDEN.finditer(text):
        k = bisect.bisect_right(starts, m.start()) - 1
        if k < 0 or m.start() >= inside[k][1]:
            found.append((m.start(), m.group()))
    return found
