"""Syntax errors a drafter can act on (E001-E009).

A Lark error becomes a located diagnostic that names the expected tokens in words and
recognises the common slips: full-width punctuation where ASCII is needed (or the
reverse), a name run into a number or into Chinese text, a Chinese name, an unknown
threshold word, a number without its unit.  After the first error, parsing resumes at the
next item (`recover`), so one mistake does not hide the next.
"""

from __future__ import annotations

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Diagnostics, Span

from .grammar import get_parser, literal_terminals

# Words for the grammar's terminals, used in "expected ..." messages.
TOKEN_WORDS: dict[str, str] = {
    "NAME": "名称（ASCII 字母、数字、_）",
    "STRING": '"标签"',
    "QUOTE": "「引文」",
    "CLAUSE": "条款路径（如 一（四）2（1）、第七条）",
    "NUMBER": "数字",
    "UNIT": f"单位（{'、'.join(V.UNIT_EXAMPLES)} 等）",
    "WORD": f"门槛词（{'、'.join(V.THRESHOLD_EXAMPLES)} 等）",
    "INCLUSION_MARK": "或".join(list(V.INCLUSION_MARKS)[:2]),
    "INCLUSION": " 或 ".join(V.CONVENTION_INCLUSION),
    "DATE": "日期 YYYY-MM-DD",
    "DATETIME": "时刻 YYYY-MM-DDTHH:MM",
    "HEADER_KEY": f"文件头（{'、'.join(h.value for h in V.Header)}）",
    "BASIC_TYPE": f"类型（{'、'.join(t.value for t in V.BasicType)}）",
    "BOOL": " 或 ".join(V.BOOLEANS),
    "CMP": "比较符（>=、<=、>、<、==、!=）",
    "VERB": f"关系词（{'、'.join(V.RELATION_VERBS)}）",
    "DOC": "文件名《…》",
    "COND_SEP": "分隔符（，或；）",
    "SHARE_SEP": "分隔符（、或︰）",
    "FUNC": f"函数（{'、'.join(f.value for f in V.Function)}）",
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
_THRESHOLD_WORDS = tuple(t.word for t in V.THRESHOLDS)
# after a syntax error, parsing resumes at the next line that starts an item
_RESUME_AT = tuple(h.value for h in V.Header) + V.ITEM_KEYWORDS

# Full-width characters drafters type by habit where the grammar wants ASCII.
FULLWIDTH_HINTS = {
    "（": "(", "）": ")", "：": ":", "，": ",", "＝": "=", "｛": "{", "｝": "}",
    "［": "[", "］": "]", "＂": '"', "“": '"', "”": '"', "＞": ">", "＜": "<",
}


def _describe(expected: set[str]) -> str:
    # named terminals in words; keywords are terminals named by their own text (且, 引 …);
    # anonymous and other upper-case terminals have nothing a drafter would recognise
    words = [TOKEN_WORDS.get(name, name) for name in expected
             if name in TOKEN_WORDS or not (name.startswith("__ANON") or name.isupper())]
    uniq = sorted(set(words))
    if len(uniq) > 12:
        uniq = uniq[:12] + ["…"]
    return "、".join(uniq) if uniq else "其他内容"


MAX_SYNTAX_ERRORS = 20

# ASCII characters drafters type where the notice's full-width form is needed
ASCII_HINTS = {"(": "（", ")": "）", '"': "「"}

def _error_pos(exc: UnexpectedInput) -> int | None:
    if isinstance(exc, UnexpectedCharacters):
        return exc.pos_in_stream
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        return exc.token.start_pos
    return None


def recover(first: UnexpectedInput, text: str, filename: str, diags: Diagnostics) -> None:
    """Report later syntax errors too: blank out everything before the next top-level
    keyword line after the error (keeping line breaks, so positions stay right) and
    parse again.  Each round resumes strictly further on, so the loop ends."""
    starts: list[int] = []
    offset = 0
    for line in text.split("\n"):
        line += "\n"
        stripped = line.lstrip(" \t\u3000")
        if stripped.startswith(_RESUME_AT):
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
                report(exc, text, filename, diags)
                return
            report(exc, text, filename, diags)
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
            if t in literal_terminals()):
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
        if run and not run.startswith(_THRESHOLD_WORDS):
            return ("E005", f"未知的门槛词 {run!r}",
                    "known: " + "、".join(_THRESHOLD_WORDS), len(run))
    if not ch.isascii() and expected == {"NAME"}:
        run = _han_run(text, pos)
        return ("E008", f"名称不能用汉字 {run!r}：名称只能由 ASCII 字母、数字和 _ 组成",
                'names are ASCII (letters, digits, _); put Chinese text in a "label"',
                len(run) or 1)
    return None


def _word_in_unit(text: str, pos: int | None, expected: set[str]) -> tuple[int, str] | None:
    """`400人之上`: a threshold word is needed after a number and its unit, and the lexer,
    which lexes any run of Han characters as a unit (单位 declares a policy's own), took a
    built-in unit and the unknown word after it as one.  The word's offset and text."""
    if pos is None or "WORD" not in expected:
        return None
    end = pos
    while end > 0 and text[end - 1] in " \t\u3000\n\r":
        end -= 1
    start = end
    while start > 0 and ("\u3400" <= text[start - 1] <= "\u9fff" or text[start - 1] == "/"):
        start -= 1
    run = text[start:end]
    if not run or run in V.UNITS or start == 0 or not text[start - 1].isdigit():
        return None
    head = next((u for u in sorted(V.UNITS, key=len, reverse=True) if run.startswith(u)), None)
    if head is None or run[len(head):] in V.UNITS:
        return None
    return start + len(head), run[len(head):]


def _after_clause(text: str, pos: int) -> bool:
    """A "(" glued to a clause path (一(四)2) or a quote after 引."""
    before = text[max(0, text.rfind("\n", 0, pos) + 1):pos]
    return "引" in before and not before.rstrip().endswith(("」", '"'))


def report(exc: UnexpectedInput, text: str, filename: str, diags: Diagnostics) -> None:
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
        run_in = _word_in_unit(text, pos, allowed)
        if known is None and run_in is not None:
            start, word = run_in
            line = text.count("\n", 0, start) + 1
            col = start - (text.rfind("\n", 0, start) + 1) + 1
            known = ("E005", f"未知的门槛词 {word!r}", "known: " + "、".join(_THRESHOLD_WORDS),
                     len(word))
        if known is not None:
            code, msg, hint, length = known
            span = Span(filename, line, col, line, col + length)
    diags.error(code, msg, span, hint)
