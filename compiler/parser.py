"""Stage 1: text to a Lark parse tree, with syntax errors a drafter can act on.

One LALR parser is built per process and reused (building it costs about
30 ms; parsing is linear).  Syntax errors become located diagnostics that name
the expected tokens in words, and recognise the common slips (full-width
punctuation where ASCII is needed, a Chinese name, a missing unit).
"""

from __future__ import annotations

import functools
from importlib import resources

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .diagnostics import Diagnostics, Span

# Words for the grammar's terminals, used in "expected ..." messages.
TOKEN_WORDS: dict[str, str] = {
    "NAME": "a name (ASCII letters, digits, _)",
    "STRING": 'a "label"',
    "QUOTE": "a 「quote」",
    "CLAUSE": "a clause path such as 一（四）2（1） or 第七条",
    "NUMBER": "a number",
    "UNIT": "a unit (人, 元, 万元, 平方米, 工作日, %, …)",
    "WORD": "a threshold word (以上, 以下, 低于, 不超过, …)",
    "INCLUSION_MARK": "（含） or （不含）",
    "INCLUSION": "含本数 or 不含本数",
    "DATE": "a date YYYY-MM-DD",
    "DATETIME": "a date-time YYYY-MM-DDTHH:MM",
    "HEADER_KEY": "a header field (文号, 标题, 发文机关, 成文日期, 施行日期, 来源)",
    "BASIC_TYPE": "a type (计数, 金额, 面积, 比率, 日期, 时刻, 是否, 角色)",
    "BOOL": "是 or 否",
    "CMP": "a comparison (>=, <=, >, <, ==, !=)",
    "VERB": "a relation (报告, 同意, 签发, 主持, 设在, 担任, 指导, 督促, 负责, 隶属)",
    "DOC": "a document title 《…》",
    "COND_SEP": "a separator (， or ；)",
    "SHARE_SEP": "a separator (、 or ︰)",
    "FUNC": "较大 or 较小",
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
    "$END": "the end of the file",
}

# Full-width characters drafters type by habit where the grammar wants ASCII.
FULLWIDTH_HINTS = {
    "（": "(", "）": ")", "：": ":", "，": ",", "＝": "=", "｛": "{", "｝": "}",
    "［": "[", "］": "]", "＂": '"', "“": '"', "”": '"', "＞": ">", "＜": "<",
}


@functools.cache
def get_parser() -> Lark:
    grammar = resources.files("polc.grammar").joinpath("pol.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True,
                maybe_placeholders=True)


def _describe(expected: set[str]) -> str:
    words = []
    for name in sorted(expected):
        if name in TOKEN_WORDS:
            words.append(TOKEN_WORDS[name])
        elif name.startswith("__ANON") or name.isupper():
            continue
        else:
            words.append(name)
    # keywords are terminals named by their text
    get = get_parser().get_terminal
    for name in sorted(expected):
        if name not in TOKEN_WORDS and (name.startswith("__ANON") or not name.isascii()):
            try:
                pattern = get(name).pattern.value
                if isinstance(pattern, str) and not name.startswith("__ANON"):
                    words.append(pattern)
            except KeyError:
                pass
    uniq = sorted(set(words))
    if len(uniq) > 12:
        uniq = uniq[:12] + ["…"]
    return ", ".join(uniq) if uniq else "something else"


def parse(text: str, filename: str, diags: Diagnostics) -> Tree[Token] | None:
    try:
        return get_parser().parse(text)
    except UnexpectedInput as exc:
        _report(exc, text, filename, diags)
        return None


def _report(exc: UnexpectedInput, text: str, filename: str, diags: Diagnostics) -> None:
    line = getattr(exc, "line", 1) or 1
    col = getattr(exc, "column", 1) or 1
    if isinstance(exc, UnexpectedEOF):
        lines = text.splitlines() or [""]
        line, col = len(lines), len(lines[-1]) + 1
    span = Span(filename, line, col, line, col + 1)
    hint = ""
    if isinstance(exc, UnexpectedCharacters):
        ch = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        expected = _describe(set(exc.allowed or ()))
        msg = f"语法错误: unexpected character {ch!r}; expected {expected}"
        if ch in FULLWIDTH_HINTS:
            hint = f"full-width {ch!r} here: write the ASCII {FULLWIDTH_HINTS[ch]!r}"
        elif ch and not ch.isascii() and "NAME" in (exc.allowed or ()):
            hint = "names are ASCII (letters, digits, _); put Chinese text in a \"label\""
        code = "E001"
    elif isinstance(exc, UnexpectedToken):
        tok = exc.token
        shown = "the end of the file" if tok.type == "$END" else repr(str(tok))
        expected = _describe(set(exc.expected or ()))
        msg = f"语法错误: unexpected {shown}; expected {expected}"
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
    diags.error(code, msg, span, hint)
