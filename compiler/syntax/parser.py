"""Stage 1: text to a Lark parse tree, with syntax errors a drafter can act on.

One LALR parser is built per process and reused, and kept between processes
in a private cache file (see `_cache_file`); parsing is linear.  Syntax errors
become located diagnostics that name the expected tokens in words, and
recognise the common slips (full-width
punctuation where ASCII is needed, a Chinese name, a missing unit).
"""

from __future__ import annotations

import functools
import hashlib
import os
from importlib import resources
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from polc.compiler import lexical
from polc.compiler.diagnostics import Diagnostics, Span

# Words for the grammar's terminals, used in "expected ..." messages.
TOKEN_WORDS: dict[str, str] = {
    "NAME": "名称（ASCII 字母、数字、_）",
    "STRING": '"标签"',
    "QUOTE": "「引文」",
    "CLAUSE": "条款路径（如 一（四）2（1）、第七条）",
    "NUMBER": "数字",
    "UNIT": "单位（人、元、万元、平方米、工作日、% 等）",
    "WORD": "门槛词（以上、以下、低于、不超过 等）",
    "INCLUSION_MARK": "（含）或（不含）",
    "INCLUSION": "含本数 或 不含本数",
    "DATE": "日期 YYYY-MM-DD",
    "DATETIME": "时刻 YYYY-MM-DDTHH:MM",
    "HEADER_KEY": "文件头（文号、标题、发文机关、成文日期、施行日期、来源）",
    "BASIC_TYPE": "类型（计数、金额、面积、比率、日期、时刻、是否、角色）",
    "BOOL": "是 或 否",
    "CMP": "比较符（>=、<=、>、<、==、!=）",
    "VERB": "关系词（报告、同意、签发、主持、设在、担任、指导、督促、负责、隶属）",
    "DOC": "文件名《…》",
    "COND_SEP": "分隔符（，或；）",
    "SHARE_SEP": "分隔符（、或︰）",
    "FUNC": "函数（较大、较小、季末、次年月底）",
    "MUL": "×",
    "DIV": "÷",
    "INF": "∞",
    "LPAR": "(",
    "RPAR": ")",
    "LBRACE": "{",
    "RBRACE": "}",
    "LSQB": "[",
    "RSQB": "]",
    "COMMA": ",",
    "COLON": ":",
    "EQUAL": "=",
    "PLUS": "+",
    "MINUS": "-",
    "STAR": "*",
    "$END": "文件结尾",
}

# Full-width characters drafters type by habit where the grammar wants ASCII.
FULLWIDTH_HINTS = {
    "（": "(", "）": ")", "：": ":", "，": ",", "＝": "=", "｛": "{", "｝": "}",
    "［": "[", "］": "]", "＂": '"', "“": '"', "”": '"', "＞": ">", "＜": "<",
}


def _cache_file(grammar: str) -> str | bool:
    """Where Lark keeps the built parser between processes, or False for no cache.

    Building the parser takes about a second when `interegular` is installed
    (Lark then checks every pair of terminals for collisions); loading the
    pickled parser takes milliseconds.  The file lives in a private folder
    ($POLC_CACHE_DIR, else $XDG_CACHE_HOME/polc or ~/.cache/polc, mode 0700,
    ours and not group/world writable), never in the shared temporary folder,
    because Lark unpickles it.  Lark checks a hash of the grammar, its options
    and versions before use and rebuilds on a mismatch.  POLC_CACHE_DIR=""
    disables the cache.
    """
    root = os.environ.get("POLC_CACHE_DIR")
    if root == "":
        return False
    base = Path(root) if root else \
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "polc"
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = base.stat()
        getuid = getattr(os, "getuid", None)
        if (getuid is not None and st.st_uid != getuid()) or st.st_mode & 0o022:
            return False
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        return False
    key = hashlib.sha256(grammar.encode("utf-8")).hexdigest()[:16]
    return str(base / f"pol-{key}.lark")


@functools.cache
def get_parser() -> Lark:
    grammar = resources.files("polc.grammar").joinpath("pol.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True,
                maybe_placeholders=True, cache=_cache_file(grammar))


def _describe(expected: set[str]) -> str:
    # named terminals in words; keywords are terminals named by their own text (且, 引 …);
    # anonymous and other upper-case terminals have nothing a drafter would recognise
    words = [TOKEN_WORDS.get(name, name) for name in expected
             if name in TOKEN_WORDS or not (name.startswith("__ANON") or name.isupper())]
    uniq = sorted(set(words))
    if len(uniq) > 12:
        uniq = uniq[:12] + ["…"]
    return "、".join(uniq) if uniq else "其他内容"


# The LALR parser is iterative, but the AST builder, the checker and the code
# generator recurse once per level, and the generated module nests one paren or
# indent per level (CPython allows 200 and 100).  The real policies nest about 11.
MAX_DEPTH = 64


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
        _report(exc, text, filename, diags)
        _recover(exc, text, filename, diags)
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
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, depth + 1, line, col))
    return None


# Top-level keywords: after a syntax error, parsing resumes at the next line
# that starts with one, so one mistake does not hide the next.
TOP_KEYWORDS = ("文号", "标题", "发文机关", "成文日期", "施行日期", "来源", "约定", "枚举",
                "角色", "机构", "关系", "工作组", "输入", "常量", "决策", "例", "流程", "阶梯")
MAX_SYNTAX_ERRORS = 20

# ASCII characters drafters type where the notice's full-width form is needed
ASCII_HINTS = {"(": "（", ")": "）", '"': "「"}

THRESHOLD_WORDS = ("以上", "及以上", "以下", "及以下", "以内", "以外", "届满", "不满", "未满",
                   "不足", "年满", "满", "达到", "达", "不超过", "超过", "超", "不低于", "低于",
                   "高于", "不少于", "少于", "不多于", "多于")


def _error_pos(exc: UnexpectedInput) -> int | None:
    if isinstance(exc, UnexpectedCharacters):
        return exc.pos_in_stream
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        return exc.token.start_pos
    return None


def _recover(first: UnexpectedInput, text: str, filename: str, diags: Diagnostics) -> None:
    """Report later syntax errors too: blank out everything before the next top-level
    keyword line after the error (keeping line breaks, so positions stay right) and
    parse again.  Each round resumes strictly further on, so the loop ends."""
    starts: list[int] = []
    offset = 0
    for line in text.split("\n"):
        line += "\n"
        stripped = line.lstrip(" \t\u3000")
        if stripped.startswith(TOP_KEYWORDS):
            starts.append(offset + len(line) - len(stripped))
        offset += len(line)
    exc: UnexpectedInput = first
    resumed = -1
    count = 1
    while count < MAX_SYNTAX_ERRORS:
        pos = _error_pos(exc)
        if pos is None:
            return
        # the error's own line may start a good item (the previous one lacked a "}")
        here = text.rfind("\n", 0, pos) + 1
        at_line_start = not text[here:pos].strip(" \t\u3000")
        nxt = [o for o in starts if o > resumed and (o > pos or (at_line_start and o == pos))]
        if not nxt:
            return
        resumed = nxt[0]
        masked = "".join(ch if ch == "\n" else " " for ch in text[:resumed]) + text[resumed:]
        try:
            get_parser().parse(masked)
            return
        except UnexpectedInput as again:
            exc = again
            if isinstance(exc, UnexpectedEOF) or _error_pos(exc) is None:
                # a truncated last item: already reported if it was the first error
                _report(exc, text, filename, diags)
                return
            _report(exc, text, filename, diags)
            count += 1
    diags.note("E009", f"语法错误过多，只报告前 {MAX_SYNTAX_ERRORS} 个",
               Span(filename, 1, 1, 1, 2))


def _han_run(text: str, pos: int) -> str:
    end = pos
    while end < len(text) and end - pos < 8 and not text[end].isascii() and \
            not text[end].isspace() and text[end] not in "，。；：、（）「」《》“”":
        end += 1
    return text[pos:end]


def _name_before(text: str, pos: int) -> str:
    """The ASCII name that ends right at `pos`, if the text has one there."""
    start = pos
    while start > 0 and (text[start - 1].isascii() and (text[start - 1].isalnum()
                                                        or text[start - 1] == "_")):
        start -= 1
    name = text[start:pos]
    return name if name and not name[0].isdigit() else ""


def _recognise(exc: UnexpectedInput, text: str, pos: int | None,
               expected: set[str]) -> tuple[str, str, str, int] | None:
    """A known slip at the error: (code, message, hint, length of the span) or None."""
    if pos is None or pos >= len(text):
        return None
    ch = text[pos]
    if ch in FULLWIDTH_HINTS and not any(
            get_parser().get_terminal(t).pattern.value == ch for t in expected
            if t in _literal_terminals()):
        return ("E007", f"全角标点 {ch!r}：此处须用半角 {FULLWIDTH_HINTS[ch]!r}",
                f"full-width {ch!r} here: write the ASCII {FULLWIDTH_HINTS[ch]!r}", 1)
    if ch in ASCII_HINTS and ({"QUOTE", "CLAUSE"} & expected or _after_clause(text, pos)):
        want = ASCII_HINTS[ch]
        what = "引文用「」括起" if ch == '"' else "条款路径用全角括号，如 一（四）2"
        return ("E007", f"半角 {ch!r}：此处须用全角 {want!r}（{what}）",
                f"write {want!r} here", 1)
    name = _name_before(text, pos)
    if name and (ch.isdigit() or not ch.isascii()):
        run = _han_run(text, pos)
        digits = len(name) - len(name.rstrip("0123456789"))
        if digits and not ch.isascii():
            base = name[:-digits]
            return ("E006", f"名称 {name!r} 与数字连在一起",
                    f"put a space between the name and the number: {base} {name[-digits:]}{run}",
                    len(run) or 1)
        if run and not ch.isdigit():
            return ("E006", f"名称 {name!r} 后面紧跟着 {run!r}：名称只能由 ASCII 字母、数字和 _ 组成",
                    f"put a space after {name!r}, or write the Chinese text as a \"label\"",
                    len(run))
    if not ch.isascii() and "WORD" in expected:
        run = _han_run(text, pos)
        if run and not run.startswith(THRESHOLD_WORDS):
            return ("E005", f"未知的门槛词 {run!r}",
                    "known: " + "、".join(THRESHOLD_WORDS), len(run))
    if not ch.isascii() and expected == {"NAME"}:
        run = _han_run(text, pos)
        return ("E008", f"名称不能用汉字 {run!r}：名称只能由 ASCII 字母、数字和 _ 组成",
                'names are ASCII (letters, digits, _); put Chinese text in a "label"',
                len(run) or 1)
    return None


@functools.cache
def _literal_terminals() -> frozenset[str]:
    return frozenset(t.name for t in get_parser().terminals
                     if type(t.pattern).__name__ == "PatternStr")


def _after_clause(text: str, pos: int) -> bool:
    """A "(" glued to a clause path (一(四)2) or a quote after 引."""
    before = text[max(0, text.rfind("\n", 0, pos) + 1):pos]
    return "引" in before and not before.rstrip().endswith(("」", '"'))


def _report(exc: UnexpectedInput, text: str, filename: str, diags: Diagnostics) -> None:
    line = getattr(exc, "line", 1) or 1
    col = getattr(exc, "column", 1) or 1
    if isinstance(exc, UnexpectedEOF):
        lines = text.split("\n")
        if len(lines) > 1 and not lines[-1]:
            lines.pop()  # a final newline ends the last line; it opens no new one
        line, col = len(lines), len(lines[-1]) + 1
    span = Span(filename, line, col, line, col + 1)
    hint = ""
    if isinstance(exc, UnexpectedCharacters):
        ch = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        expected = _describe(set(exc.allowed or ()))
        msg = f"语法错误：这里不能出现字符 {ch!r}；应为：{expected}"
        if ch in FULLWIDTH_HINTS:
            hint = f"full-width {ch!r} here: write the ASCII {FULLWIDTH_HINTS[ch]!r}"
        elif ch and not ch.isascii() and "NAME" in (exc.allowed or ()):
            hint = "names are ASCII (letters, digits, _); put Chinese text in a \"label\""
        code = "E001"
    elif isinstance(exc, UnexpectedToken):
        tok = exc.token
        shown = "文件结尾" if tok.type == "$END" else repr(str(tok))
        expected = _describe(set(exc.expected or ()))
        msg = f"语法错误：这里不能出现 {shown}；应为：{expected}"
        span = Span(filename, tok.line or line, tok.column or col,
                    tok.end_line or line, tok.end_column or col + 1)
        if tok.type == "WORD" and "UNIT" in (exc.expected or ()):
            hint = "a number before a threshold word needs its unit, e.g. 400人以上"
        elif str(tok) in FULLWIDTH_HINTS:
            hint = f"full-width {str(tok)!r} here: write the ASCII {FULLWIDTH_HINTS[str(tok)]!r}"
        code = "E002"
    else:
        msg = f"语法错误: {str(exc).splitlines()[0]}"
        code = "E003"
    if isinstance(exc, (UnexpectedCharacters, UnexpectedToken)):
        allowed = set((exc.allowed if isinstance(exc, UnexpectedCharacters) else exc.expected)
                      or ())
        pos = _error_pos(exc)
        known = _recognise(exc, text, pos, allowed)
        if known is not None:
            code, msg, hint, length = known
            span = Span(filename, line, col, line, col + length)
    diags.error(code, msg, span, hint)
