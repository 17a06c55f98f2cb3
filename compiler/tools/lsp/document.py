"""One open document, analysed through the compiler's own pipeline.

`Analysis` is what every request reads: the text's `pipeline.Compilation` (its diagnostics
are what the editor shows), the symbol index of its syntax tree, and the notice its 文号
names.  A text with syntax errors has no syntax tree; its index then comes from the same
text with the broken items blanked out (`salvage`), so hover, go-to and completion keep
working on every item that parses while the drafter is mid-edit.
"""

from __future__ import annotations

import bisect
import functools
import os
from dataclasses import dataclass
from pathlib import Path

from polc.compiler import lexical, pipeline
from polc.compiler import vocabulary as V
from polc.compiler.citations import sources, verify
from polc.compiler.syntax import ast as A

from . import index as I

# a syntax error's item is blanked and the text parsed again, at most this many times
SALVAGE_ROUNDS = 8
_ITEM_STARTS = tuple(h.value for h in V.Header) + V.ITEM_KEYWORDS


class Lines:
    """Positions in a text: Lark's 1-based code-point columns and LSP's 0-based UTF-16
    ones.  Policy text is read as `lexical.normalise` leaves it (one "\\n" per line break,
    leading byte-order marks dropped), so a line number means the same to both."""

    def __init__(self, text: str, bom: int = 0) -> None:
        self.lines = lexical.normalise(text).split("\n")
        self.bom = bom  # byte-order marks the editor shows before line 1 and polc does not

    @classmethod
    def of(cls, text: str) -> Lines:
        return cls(text, len(text) - len(text.lstrip(lexical.BOM)))

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def to_lsp(self, line: int, col: int) -> tuple[int, int]:
        """(line, col) in polc's terms -> LSP's (line, character)."""
        text = self.line(line)
        units = len(text[: max(col - 1, 0)].encode("utf-16-le")) // 2
        return max(line - 1, 0), units + (self.bom if line == 1 else 0)

    def from_lsp(self, line: int, character: int) -> tuple[int, int]:
        text = self.line(line + 1)
        if line == 0:
            character = max(character - self.bom, 0)
        units = 0
        for i, ch in enumerate(text):
            if units >= character:
                return line + 1, i + 1
            units += 2 if ord(ch) > 0xFFFF else 1
        return line + 1, len(text) + 1

    def text(self, line: int, col: int, end_line: int, end_col: int) -> str:
        if line == end_line:
            return self.line(line)[col - 1:end_col - 1]
        parts = [self.line(line)[col - 1:]]
        parts += [self.line(n) for n in range(line + 1, end_line)]
        parts.append(self.line(end_line)[:end_col - 1])
        return "\n".join(parts)

    def offset_position(self, text: str, offset: int) -> tuple[int, int]:
        """An offset into `text` (a notice, normalised) -> polc's (line, col)."""
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def path_of(uri: str) -> Path | None:
    """The file a document's URI names, None for an unsaved (untitled:) document."""
    from urllib.parse import unquote, urlparse
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


@dataclass(frozen=True)
class NoticeRef:
    notice: sources.Notice
    uri: str
    lines: Lines


class Analysis:
    """Everything known about one version of a document's text."""

    def __init__(self, uri: str, text: str, version: int | None = None) -> None:
        self.uri = uri
        self.text = text
        self.version = version
        self.file = path_of(uri)
        self.name = str(self.file) if self.file is not None else uri
        self.lines = Lines.of(text)
        # an unsaved document is beside no folder: it must not pick up the notices of
        # whatever folder the server runs in, so it is placed where none can be
        origin = self.file if self.file is not None else Path(os.devnull) / "untitled.pol"
        self.compilation = pipeline.compile_source(text, self.name, origin=origin)

    @functools.cached_property
    def _parsed(self) -> pipeline.Compilation | None:
        """The compilation whose syntax tree the index reads: the text's own, or when the
        text does not parse, that of its salvaged part."""
        if self.compilation.ast is not None:
            return self.compilation
        return salvage(self.compilation.source, self.name)

    @property
    def module(self) -> A.Module | None:
        return self._parsed.ast if self._parsed is not None else None

    @functools.cached_property
    def index(self) -> I.Index:
        parsed = self._parsed
        if parsed is None or parsed.ast is None or parsed.tree is None:
            return I.Index()
        return I.build(parsed.ast, parsed.tree)

    @property
    def parses(self) -> bool:
        return self.compilation.tree is not None

    @functools.cached_property
    def notice(self) -> NoticeRef | None:
        """The notice the 文号 names, from the sources/ folder the compiler would use."""
        module = self.module
        if module is None:
            return None
        docno = next((it.value for it in module.items if isinstance(it, A.Header)
                      and it.key == V.Header.DOCNO.value), None)
        folder = verify.find_sources_dir(str(self.file)) if self.file is not None else None
        if docno is None or folder is None:
            return None
        try:
            notice = sources.load_notice(folder, docno)
        except sources.SourceError:
            return None
        return NoticeRef(notice, notice.path.resolve().as_uri(), Lines(notice.text))

    def section_text(self, clause: str) -> tuple[sources.Section, str] | None:
        ref = self.notice
        if ref is None:
            return None
        section = ref.notice.sections.get(sources.canonical_clause(clause))
        if section is None:
            return None
        return section, ref.notice.text[section.start:section.end]


def salvage(text: str, name: str) -> pipeline.Compilation | None:
    """The compilation of `text` with every item that holds a syntax error blanked out
    (spaces, line breaks kept, so every position stays where it was); None when nothing
    parses.  An error reported on an item's first line may be the previous item's missing
    "}", so an error that stays after its item is blanked blanks the item before."""
    lines = text.split("\n")
    starts = [i + 1 for i, ln in enumerate(lines) if ln.lstrip(" \t\u3000").startswith(
        _ITEM_STARTS)]
    if not starts:
        return None
    # a quote never spans items: an item that opens more 「 than it closes is being typed,
    # and would swallow the items after it
    bounds = [*starts, len(lines) + 1]
    blanked = {k for k in range(len(starts))
               if _unbalanced("\n".join(lines[bounds[k] - 1:bounds[k + 1] - 1]))}
    for _ in range(SALVAGE_ROUNDS):
        masked = [" " * len(ln) if _item_of(starts, n + 1) in blanked else ln
                  for n, ln in enumerate(lines)]
        attempt = pipeline.compile_source("\n".join(masked), name, verify_sources=False)
        if attempt.tree is not None:
            return attempt
        grew = False
        for d in attempt.reported:
            if d.severity != "error":
                continue
            item = _item_of(starts, d.span.line)
            while item in blanked and item > 0:
                item -= 1
            if item not in blanked:
                blanked.add(item)
                grew = True
        if not grew:
            return None
    return None


def _unbalanced(text: str) -> bool:
    # a 「 in a comment counts too: the item is then only left out of the salvage
    return text.count("「") != text.count("」")


def _item_of(starts: list[int], line: int) -> int:
    """The index of the item holding `line` (-1 for the lines before the first)."""
    return bisect.bisect_right(starts, line) - 1
