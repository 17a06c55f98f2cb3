"""One line model: a line ends at \\n, \\r\\n or \\r, in every stage alike.

Regression tests for tests/fixtures/repro/ (copies of ../shared/repro): a U+2028 in a
label or a comment garbled explanation texts and diagram labels, \\r\\r\\n did the
same through `pipeline.compile_source`, and bidi controls passed unnoticed.  Now
the characters are refused where they stand, and any line-break style compiles
to what the normalised text compiles to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from polc.compiler import lexical, pipeline
from polc.compiler.diagnostics import render
from polc.compiler.syntax import grammar, parser

from ..paths import REPRO, ROOT

POLICIES = sorted((ROOT / "policies").glob("*.pol"))
P57 = (ROOT / "policies" / "57_substandard_grain.pol").read_text(encoding="utf-8")
P55 = (ROOT / "policies" / "55_overseas_labor_emergency.pol").read_text(encoding="utf-8")
# lines of a generated module that name positions or the source's hash, not its meaning
_POSITION = re.compile(r"sha256|SHA256|\.pol:\d+|:\d+:\d+")


def compile_text(text: str, path: str = "p.pol", *, sources: bool = False) -> pipeline.Compilation:
    return pipeline.compile_source(text, path, verify_sources=sources)


def errors(c: pipeline.Compilation) -> list[tuple[str, int, int, int]]:
    return [(d.code, d.span.line, d.span.col, d.span.end_col)
            for d in c.diagnostics if d.severity == "error"]


def meaning(c: pipeline.Compilation) -> tuple[list[str], dict[str, str]]:
    """The generated module without positions, and every diagram."""
    assert c.ok, errors(c)
    return ([ln for ln in c.python.splitlines() if not _POSITION.search(ln)],
            c.diagrams)


def repro(name: str) -> str:
    return (REPRO / name).read_bytes().decode("utf-8")


# ---------------------------------------------------------------- the reproductions

def test_line_separator_in_a_title_is_refused_at_its_place() -> None:
    text = repro("linesep_u2028_in_title_57.pol")
    c = compile_text(text)
    assert errors(c) == [("E010", 4, 11, 12)]
    assert "U+2028" in next(iter(c.diagnostics)).message
    # the character was the only fault
    assert compile_text(text.replace("\u2028", "")).ok


def test_line_separators_in_a_comment_are_one_error() -> None:
    text = repro("linesep_u2028_in_comment.pol")
    c = compile_text(text)
    assert errors(c) == [("E010", 1, 10, 15)]  # the run of five, under one caret
    assert compile_text(text.replace("\u2028", "")).ok


def test_crcrlf_through_compile_source_means_what_the_clean_file_means() -> None:
    c = compile_text(repro("crcrlf_inprocess_line_table_shift_57.pol"), "57.pol")
    clean = compile_text(P57, "57.pol")
    assert meaning(c) == meaning(clean)
    module, clean_module = c.module, clean.module
    args = {"meets_feed_standard": False, "meets_industrial_standard": True}
    got = module.DECISIONS["grain_disposal"].explain(**args)
    want = clean_module.DECISIONS["grain_disposal"].explain(**args)
    assert [(s.text, s.quote, s.result) for s in got.steps] == \
        [(s.text, s.quote, s.result) for s in want.steps]
    assert got.steps and all(s.text for s in got.steps)


def test_bidi_controls_in_a_comment_and_a_label_are_refused() -> None:
    c = compile_text(repro("bidi_trojan_source_accepted.pol"))
    assert errors(c) == [("E011", 3, 6, 7), ("E011", 4, 43, 44)]
    assert all("U+202E" in d.message for d in c.diagnostics if d.code == "E011")


# ---------------------------------------------------------------- every character, everywhere

FORBIDDEN = sorted(lexical.LINE_SEPARATORS | lexical.BIDI_CONTROLS)
HEAD = '文号 "测试〔2024〕1号"\n输入 n "人数" : 计数(人)\n'
# a third line with X where the character goes
PLACES = {
    "comment": "# 注释X说明",
    "label": '输入 m "人X数" : 计数(人)',
    "code": "输入 m X\"人数\" : 计数(人)",
    "title": '流程 f "f" 推导 "r" { 事件 a "a" 转 a -> b 步骤 b "b" 由 x 收 《甲X乙》 }',
}


@pytest.mark.parametrize("ch", FORBIDDEN, ids=[f"U+{ord(c):04X}" for c in FORBIDDEN])
@pytest.mark.parametrize("where", PLACES)
def test_each_forbidden_character_is_located(ch: str, where: str) -> None:
    line = PLACES[where]
    col = line.index("X") + 1
    c = compile_text(HEAD + line.replace("X", ch) + "\n")
    code = "E010" if ch in lexical.LINE_SEPARATORS else "E011"
    assert (code, 3, col, col + 1) in errors(c), errors(c)
    assert {e[0] for e in errors(c)} <= {code, "E110", "E115", "E116", "E401", "W501"}
    # the caret line shows a placeholder: the terminal neither breaks nor reorders it
    (shown,) = [render(d, {"p.pol": c.source}) for d in c.diagnostics if d.code == code]
    assert ch not in shown and "\ufffd" in shown


def test_inside_a_quote_the_notice_decides() -> None:
    path = str(ROOT / "policies" / "55_in_memory.pol")  # finds policies/sources
    quote = "「境外劳务纠纷及相关突发事件"
    assert quote in P55
    # a line separator is a line break to the quote check, which ignores line breaks
    assert compile_text(P55.replace(quote, quote[:3] + "\u2028" + quote[3:], 1), path,
                        sources=True).ok
    # a bidi control is not in the notice: the citation check refuses the quote
    c = compile_text(P55.replace(quote, quote[:3] + "\u202e" + quote[3:], 1), path, sources=True)
    assert not c.ok
    assert {e[0] for e in errors(c)} and not {e[0] for e in errors(c)} & {"E010", "E011"}


def test_many_runs_are_capped() -> None:
    c = compile_text(HEAD + "".join(f"# {i}\u2028\n" for i in range(30)))
    assert [d.code for d in c.diagnostics].count("E010") == parser.MAX_CHARACTER_ERRORS
    assert "E012" in [d.code for d in c.diagnostics]


# ---------------------------------------------------------------- line breaks and BOMs

STYLES = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "cr": lambda t: t.replace("\n", "\r"),
    "bom": lambda t: "\ufeff" + t,
    "two_boms_crlf": lambda t: "\ufeff\ufeff" + t.replace("\n", "\r\n"),
}


@pytest.mark.parametrize("style", STYLES)
def test_line_break_styles_compile_alike(style: str) -> None:
    plain = compile_text(P57, "57.pol")
    other = compile_text(STYLES[style](P57), "57.pol")
    assert other.source == plain.source
    assert other.python == plain.python  # positions included
    assert other.diagrams == plain.diagrams


@pytest.mark.parametrize("path", POLICIES, ids=[p.stem for p in POLICIES])
def test_lark_and_the_line_table_agree(path: Path) -> None:
    """Every token's (line, col) span, cut out of the line table, is the token."""
    text = lexical.normalise(path.read_text(encoding="utf-8"))
    lines = lexical.LineMap(text)
    tokens = list(grammar.get_parser().parse_interactive(text).iter_parse())
    for tok in tokens:
        if tok.type == "$END":
            continue
        assert "\n".join(lines.pieces(tok.line, tok.column, tok.end_line, tok.end_column)) \
            == str(tok)
        assert lines.position(tok.start_pos) == (tok.line, tok.column)
    # the lexical scanner finds the quotes the parser finds, line by line
    pieces = []
    for tok in tokens:
        if tok.type == "QUOTE":
            start = tok.start_pos
            while (nl := text.find("\n", start, tok.end_pos)) >= 0:
                pieces.append((start, nl))
                start = nl + 1
            pieces.append((start, tok.end_pos))
    assert list(lexical.quote_offsets(text)) == pieces


def test_split_keepends_and_normalise() -> None:
    assert lexical.split_keepends("a\r\nb\rc\nd\u2028e") == ["a\r\n", "b\r", "c\n", "d\u2028e"]
    assert lexical.normalise("\ufeff\ufeffa\r\r\nb\rc\u2028") == "a\n\nb\nc\u2028"
