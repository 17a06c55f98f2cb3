"""Source positions and diagnostics.

Every AST and IR node carries a `Span`; every problem the compiler finds is a
`Diagnostic` with a stable code, so drafters can search for it and editors can
consume it as JSON.  Problems are collected, never raised one at a time: a run
of `polc check` reports every error of a file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping

import attrs

from . import lexical


@attrs.frozen(order=True)
class Span:
    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@attrs.frozen
class Diagnostic:
    severity: str
    code: str
    message: str
    span: Span
    hint: str = ""
    related: tuple[tuple[Span, str], ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "file": self.span.file,
            "line": self.span.line,
            "col": self.span.col,
            "end_line": self.span.end_line,
            "end_col": self.span.end_col,
            "hint": self.hint,
            "related": [
                {"file": s.file, "line": s.line, "col": s.col, "message": m}
                for s, m in self.related
            ],
        }


class Diagnostics:
    """A collector; stages add to it and keep going."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self._errors = 0  # has_errors is asked per item by some callers: counted, not scanned

    def add(self, severity: str, code: str, message: str, span: Span, hint: str = "",
            related: Iterable[tuple[Span, str]] = ()) -> None:
        self.items.append(Diagnostic(severity, code, message, span, hint, tuple(related)))
        self._errors += severity == "error"

    def error(self, code: str, message: str, span: Span, hint: str = "",
              related: Iterable[tuple[Span, str]] = ()) -> None:
        self.add("error", code, message, span, hint, related)

    def warning(self, code: str, message: str, span: Span, hint: str = "",
                related: Iterable[tuple[Span, str]] = ()) -> None:
        self.add("warning", code, message, span, hint, related)

    def note(self, code: str, message: str, span: Span, hint: str = "") -> None:
        self.add("note", code, message, span, hint)

    @property
    def has_errors(self) -> bool:
        return self._errors > 0

    def sorted(self) -> list[Diagnostic]:
        # stable order for golden files: by position, then code
        return sorted(self.items, key=lambda d: (d.span, d.code, d.message))

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())


def display_width(text: str) -> int:
    """Terminal columns: CJK wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render(diag: Diagnostic, sources: Mapping[str, str]) -> str:
    """`file:line:col: error[CODE]: message`, the line, a caret under the span."""
    out = [f"{diag.span}: {diag.severity}[{diag.code}]: {diag.message}"]
    text = sources.get(diag.span.file)
    if text is not None and diag.span.line > 0:
        lines = lexical.line_map(text).lines
        if diag.span.line <= len(lines):
            line = lexical.visible(lines[diag.span.line - 1])
            prefix = line[: diag.span.col - 1]
            if diag.span.end_line == diag.span.line and diag.span.end_col > diag.span.col:
                marked = line[diag.span.col - 1 : diag.span.end_col - 1]
            else:
                marked = line[diag.span.col - 1 :]
            width = max(1, display_width(marked))
            gutter = f"{diag.span.line:>5} | "
            out.append(gutter + line)
            out.append(" " * (len(gutter) - 2) + "| " + " " * display_width(prefix) + "^" * width)
    for span, message in diag.related:
        out.append(f"  {span}: note: {message}")
    if diag.hint:
        out.append(f"  hint: {diag.hint}")
    return "\n".join(out)


def show(diags: Iterable[Diagnostic], sources: Mapping[str, str], write: Callable[[str], None],
         *, errors_only: bool = False) -> None:
    """Write each diagnostic as `render` lays it out: the one way every command (check,
    build, test, fmt, eval, calendar) and the pytest plugin print them."""
    for d in diags:
        if not errors_only or d.severity == "error":
            write(render(d, sources))
