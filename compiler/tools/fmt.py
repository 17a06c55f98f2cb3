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
  4:3:3 or a time of day); runs of spaces, tabs, U+3000 and U+FEFF outside
  text become one space; trailing whitespace is stripped;
- at most one blank line in a row, none at the start of the file, after an
  opening { or before a closing }; a block declaration (决策, 枚举, 流程, 阶梯)
  at the top level is preceded by a blank line; exactly one final newline.
- line breaks: every line ends alike, with CRLF when most of the file's line
  breaks are CRLF (a file kept in Windows style stays so), else with LF; a
  lone CR counts as a line break (see `lexical`) but is never written.  A file
  that starts with a byte-order mark (or several) keeps exactly one.

A quote 「…」 that spans lines is kept line by line, with the blanks at the end
of its lines; only its line breaks take the file's style, which the compiler
reads alike.  Idempotent by construction: every rule reads only tokens and
brackets, which formatting does not change.  Tests check idempotence and that
the formatted file compiles to the same module.  `polc fmt` formats only a
file that parses (its syntax errors alone stop it), and writes nothing unless the result lexes
to the same tokens and comments (`same_tokens`).
"""

from __future__ import annotations

import difflib
import re

from polc.compiler.lexical import BOM, Segment, normalise, segments, split_keepends
from polc.compiler.syntax.grammar import get_parser
from polc.compiler.vocabulary import ANNOTATION_KEYWORDS, BLOCK_KEYWORDS, Header

CONTINUATION = (*ANNOTATION_KEYWORDS, "「")
# header keys that start with an annotation keyword (引文未核对 with 引): a header line,
# never a citation of the line above
_NOT_CONTINUATION = tuple(h.value for h in Header if h.value.startswith(CONTINUATION))
OPENERS = "{(["
CLOSERS = "})]"
# blanks between tokens; the grammar's WS also counts U+FEFF, a byte-order mark inside the text
SPACE_CHARS = " \t\u3000\ufeff"


_ARROW = re.compile(r"[ \t\u3000]*=>[ \t\u3000]*")
# a standalone = (not part of >= <= == != =>)
_EQUAL = re.compile(r"(?<![<>=!])[ \t\u3000]*(?<![<>=!])=(?![=>])[ \t\u3000]*")
_SPACES = re.compile(f"[{SPACE_CHARS}]+")


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
    line = "".join(parts)
    # a quote still open at the end of the line keeps its blanks: they are its text
    return line if segs and segs[-1].verbatim else line.rstrip(SPACE_CHARS)


def format_text(text: str) -> str:
    """The canonical layout of `text` (a whole .pol file, as read from its bytes)."""
    newline = _newline_style(text)
    bom = BOM if text.startswith(BOM) else ""
    lines = normalise(text).split("\n")
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
            segs, in_quote = segments(raw, True)
            out.append(raw if in_quote else segs[0].text + _layout_line(segs[1:]))
            _brackets(segs, stack, stack[-1] if stack else 0)
            continue
        segs, in_quote = segments(raw, False)
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
        elif body.startswith(CONTINUATION) and not body.startswith(_NOT_CONTINUATION):
            indent = base + 1
        elif anchor is not None and anchor[0] == frame and orig > anchor[1]:
            indent = base + 1  # the drafter continued the statement above on this line
        else:
            indent = base
        indent = max(0, indent)
        prev_kind = "cite" if body.startswith(CONTINUATION) \
            and not body.startswith(_NOT_CONTINUATION) else "code"
        if body[:1] in CLOSERS:
            anchor = None
        elif indent == base and not body.startswith("#"):
            anchor = (frame, orig)
        prev = out[-1].strip() if out else ""
        if out and not stack and body.startswith(BLOCK_KEYWORDS) and not prev.startswith("#"):
            pending_blank = True
        if pending_blank and out and not prev.endswith(tuple(OPENERS)) and \
                body[:1] not in CLOSERS:
            out.append("")
        pending_blank = False
        out.append("  " * indent + body)
        _brackets(segs, stack, indent)
    while out and not out[-1]:
        out.pop()
    return bom + newline.join(out) + newline


def _newline_style(text: str) -> str:
    crlf = text.count("\r\n")
    breaks = text.count("\n") + text.count("\r") - crlf
    return "\r\n" if 2 * crlf > breaks else "\n"


def _brackets(segs: list[Segment], stack: list[int], indent: int) -> None:
    for s in segs:
        if s.kind != "code":
            continue
        for ch in s.text:
            if ch in OPENERS:
                stack.append(indent + 1)
            elif ch in CLOSERS and stack:
                stack.pop()


def same_tokens(text: str, formatted: str) -> bool:
    """Whether two texts that parse hold the same tokens and the same comments."""
    return _lexemes(text) == _lexemes(formatted)


def _lexemes(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    text = normalise(text)
    tokens = [(t.type, str(t)) for t in get_parser().parse_interactive(text).iter_parse()]
    comments = []
    in_quote = False
    for line in text.split("\n"):
        segs, in_quote = segments(line, in_quote)
        comments += [s.text.rstrip(SPACE_CHARS) for s in segs if s.kind == "comment"]
    return tokens, comments


def diff(text: str, formatted: str, path: str) -> str:
    return "".join(difflib.unified_diff(
        split_keepends(text), split_keepends(formatted),
        fromfile=path, tofile=f"{path} (formatted)"))
