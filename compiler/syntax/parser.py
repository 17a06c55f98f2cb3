"""Stage 1: text to a Lark parse tree; the syntax errors are located diagnostics.

Parsing is linear (LALR, `grammar.get_parser`).  Before it, every line separator and bidi
control outside a 「quote」 is refused (E010-E012); a syntax error is reported in words
by `errors` (E001-E009), and a tree nested deeper than MAX_DEPTH is refused (E004).
"""

from __future__ import annotations

from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from polc.compiler import lexical
from polc.compiler.diagnostics import Diagnostics, Span

from . import errors
from .grammar import get_parser

# The LALR parser is iterative, but the AST builder, the checker and the code
# generator recurse once per level, and the generated module nests one paren or
# indent per level (CPython allows 200 and 100).  The real policies nest about 11.
MAX_DEPTH = 64
_PASS_THROUGH = frozenset(("paren", "truth"))


MAX_CHARACTER_ERRORS = 20


def parse_source(text: str, filename: str, diags: Diagnostics) -> Tree[Token] | None:
    """Parse a text that `lexical.normalise` has normalised, refusing first every line
    separator and bidi control outside a 「quote」 (E010, E011).  They are parsed as
    spaces, so the rest of the file is still checked and one character is one error."""
    found = lexical.forbidden(text)
    if not found:
        return parse(text, filename, diags)
    lines = lexical.LineMap(text)
    runs: list[tuple[int, int, str]] = []  # a run of one character, one error
    for offset, ch in found:
        if runs and runs[-1][1] == offset and runs[-1][2] == ch:
            runs[-1] = (runs[-1][0], offset + 1, ch)
        else:
            runs.append((offset, offset + 1, ch))
    for start, end, ch in runs[:MAX_CHARACTER_ERRORS]:
        line, col = lines.position(start)
        span = Span(filename, line, col, line, col + end - start)
        what = lexical.describe(ch) + (f" ×{end - start}" if end - start > 1 else "")
        if ch in lexical.LINE_SEPARATORS:
            diags.error("E010", f"换行符 {what} 只能出现在引文「」中：polc 只在 \\n、\\r\\n、\\r "
                        "处换行，别的工具却会在这里另起一行，行号便对不上",
                        span, hint="delete it, or break the line with an ordinary newline")
        else:
            diags.error("E011", f"双向文本控制符 {what} 只能出现在引文「」中：编辑器会把这一行"
                        "显示成与实际内容不同的顺序（Trojan Source）",
                        span, hint="delete it (a 「quote」 may hold it where the notice does)")
    if len(runs) > MAX_CHARACTER_ERRORS:
        line, col = lines.position(runs[MAX_CHARACTER_ERRORS][0])
        diags.note("E012", f"还有 {len(runs) - MAX_CHARACTER_ERRORS} 处这样的字符未列出",
                   Span(filename, line, col, line, col + 1))
    chars = list(text)
    for offset, _ in found:
        chars[offset] = " "
    return parse("".join(chars), filename, diags)


def parse(text: str, filename: str, diags: Diagnostics) -> Tree[Token] | None:
    try:
        tree = get_parser().parse(text)
    except UnexpectedInput as exc:
        errors.report(exc, text, filename, diags)
        errors.recover(exc, text, filename, diags)
        return None
    except RecursionError:  # pragma: no cover - Lark's parser does not recurse today
        diags.error("E004", "表达式嵌套过深", Span(filename, 1, 1, 1, 2))
        return None
    too_deep = _too_deep(tree)
    if too_deep is not None:
        line, col = too_deep
        diags.error("E004", f"表达式嵌套过深（超过 {MAX_DEPTH} 层）",
                    Span(filename, line, col, line, col + 1),
                    hint="split the expression with 令 or list the conditions in one 任一 { … }")
        return None
    return tree


def _too_deep(tree: Tree[Token]) -> tuple[int, int] | None:
    """Where the parse tree first goes deeper than MAX_DEPTH, found without recursion."""
    stack: list[tuple[Tree[Token], int, int, int]] = [(tree, 1, 1, 1)]
    while stack:
        node, depth, line, col = stack.pop()
        meta = node.meta
        if not getattr(meta, "empty", True):
            line, col = meta.line, meta.column
        if depth > MAX_DEPTH:
            return line, col
        # parentheses and the truth of a condition build no AST node of their own
        # (builder.paren, builder.truth), so (((x))) is no deeper than x
        step = 0 if node.data in _PASS_THROUGH else 1
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, depth + step, line, col))
    return None


