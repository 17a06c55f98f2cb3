"""`polc fmt`: one canonical layout of a .pol file, comments kept.

A conservative line-based normaliser that only ever changes whitespace
between tokens, never a token: labels "…", quotes 「…」, document titles 《…》
and comments are copied verbatim.  The layout:

- indentation: two spaces per open bracket ({ ( [), a closing bracket at the
  start of a line dedents it; a citation line (引, 解读, 推导) is indented one
  step under the line it annotates, a further 「quote」 two; a line the
  drafter indented deeper than the statement above it continues that
  statement and is indented one step;
- one space around => and a standalone =, and around a standalone : (not in
  4:3:3 or a time of day); runs of spaces, tabs and U+3000 outside text
  become one space; trailing whitespace is stripped;
- at most one blank line in a row, none at the start of the file, after an
  opening { or before a closing }; a block declaration (决策, 枚举, 流程, 阶梯)
  at the top level is preceded by a blank line; exactly one final newline.

Idempotent by construction: every rule reads only tokens and brackets, which
formatting does not change.  Tests check idempotence and that the formatted
file compiles to the same module.
"""

from __future__ import annotations

import difflib
import re

import attrs

CONTINUATION = ("引", "解读", "推导", "「")
BLOCK_DECLS = ("决策", "枚举", "流程", "阶梯")
OPENERS = "{(["
CLOSERS = "})]"
SPACE_CHARS = " \t\u3000"


@attrs.frozen
class Segment:
    kind: str  # code, text (a "label", 「quote」, 《title》, kept verbatim), comment
    text: str


def _segments(line: str, in_quote: bool) -> tuple[list[Segment], bool]:
    """Split one line into code, text and comment; `in_quote`: a 「quote」 is open."""
    out: list[Segment] = []
    i, n = 0, len(line)
    code_start = 0

    def flush(end: int) -> None:
        if end > code_start:
            out.append(Segment("code", line[code_start:end]))

    if in_quote:
        close = line.find("」")
        if close < 0:
            return [Segment("text", line)], True
        out.append(Segment("text", line[: close + 1]))
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
            out.append(Segment("text", line[i: j + 1]))
            i = code_start = min(j + 1, n)
            continue
        if ch in "「《":
            flush(i)
            closer = "」" if ch == "「" else "》"
            j = line.find(closer, i + 1)
            if j < 0:
                out.append(Segment("text", line[i:]))
                return out, ch == "「"
            out.append(Segment("text", line[i: j + 1]))
            i = code_start = j + 1
            continue
        i += 1
    flush(n)
    return out, False


_ARROW = re.compile(r"[ \t\u3000]*=>[ \t\u3000]*")
# a standalone = (not part of >= <= == != =>)
_EQUAL = re.compile(r"(?<![<>=!])[ \t\u3000]*(?<![<>=!])=(?![=>])[ \t\u3000]*")
_SPACES = re.compile(r"[ \t\u3000]+")


def _space_code(code: str) -> str:
    code = _SPACES.sub(" ", code)
    code = _ARROW.sub(" => ", code)
    code = _EQUAL.sub(" = ", code)
    # a standalone colon; 4:3:3 and times of day (digits on both sides) keep theirs
    out = []
    for k, ch in enumerate(code):
        if ch == ":" and not (k > 0 and code[k - 1].isdigit()
                              and k + 1 < len(code) and code[k + 1].isdigit()):
            out.append(" : ")
        else:
            out.append(ch)
    return _SPACES.sub(" ", "".join(out))


def _layout_line(segs: list[Segment]) -> str:
    parts: list[str] = []
    for k, s in enumerate(segs):
        if s.kind == "code":
            text = _space_code(s.text)
            if k == 0:
                text = text.lstrip(" ")
            if k == len(segs) - 1:
                text = text.rstrip(" ")
            parts.append(text)
        elif s.kind == "comment":
            if "".join(parts).strip(SPACE_CHARS) and not parts[-1].endswith(" "):
                parts.append(" ")
            parts.append(s.text.rstrip(SPACE_CHARS))
        else:
            parts.append(s.text)
    return "".join(parts).rstrip(SPACE_CHARS)


def format_text(text: str) -> str:
    """The canonical layout of `text` (a whole .pol file)."""
    text = text.removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    # per open bracket, the indentation of the lines inside it: one step under
    # the line that opened it, so a bracket opened on a continuation line nests
    stack: list[int] = []
    in_quote = False
    pending_blank = False
    # (open brackets, original indent) of the last statement: a line continues it only
    # inside the same brackets — a count of brackets would confuse "(" closed and "{"
    # opened on one line with staying put
    anchor: tuple[tuple[int, ...], int] | None = None
    prev_kind = "code"
    for raw in lines:
        if in_quote:
            # inside a quote that spans lines: the quote's text is kept verbatim
            segs, in_quote = _segments(raw, True)
            out.append(raw if in_quote else segs[0].text + _layout_line(segs[1:]))
            _brackets(segs, stack, stack[-1] if stack else 0)
            continue
        segs, in_quote = _segments(raw, False)
        body = _layout_line(segs)
        if not body:
            pending_blank = bool(out)
            continue
        orig = len(raw) - len(raw.lstrip(SPACE_CHARS))
        frame = tuple(stack)
        base = stack[-1] if stack else 0
        if body[:1] in CLOSERS:
            indent = base - 1
        elif body.startswith("「") and prev_kind == "cite":
            indent = base + 2  # a further quote of the citation above
        elif body.startswith(CONTINUATION):
            indent = base + 1
        elif anchor is not None and anchor[0] == frame and orig > anchor[1]:
            indent = base + 1  # the drafter continued the statement above on this line
        else:
            indent = base
        indent = max(0, indent)
        prev_kind = "cite" if body.startswith(CONTINUATION) else "code"
        if body[:1] in CLOSERS:
            anchor = None
        elif indent == base and not body.startswith("#"):
            anchor = (frame, orig)
        prev = out[-1].strip() if out else ""
        if out and not stack and body.startswith(BLOCK_DECLS) and not prev.startswith("#"):
            pending_blank = True
        if pending_blank and out and not prev.endswith(tuple(OPENERS)) and \
                body[:1] not in CLOSERS:
            out.append("")
        pending_blank = False
        out.append("  " * indent + body)
        _brackets(segs, stack, indent)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def _brackets(segs: list[Segment], stack: list[int], indent: int) -> None:
    for s in segs:
        if s.kind != "code":
            continue
        for ch in s.text:
            if ch in OPENERS:
                stack.append(indent + 1)
            elif ch in CLOSERS and stack:
                stack.pop()


def diff(text: str, formatted: str, path: str) -> str:
    return "".join(difflib.unified_diff(
        text.splitlines(keepends=True), formatted.splitlines(keepends=True),
        fromfile=path, tofile=f"{path} (formatted)"))
