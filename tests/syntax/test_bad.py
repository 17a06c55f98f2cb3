"""Wrong programs the parser refuses: tests/syntax/bad/*.pol (see tests/corpus.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from polc.compiler import pipeline
from polc.compiler.diagnostics import render

from ..corpus import cases, check

HERE = Path(__file__).resolve().parent
CASES = cases(HERE / "bad")


def rendered(text: str, name: str) -> str:
    compiled = pipeline.compile_source(text, name, verify_sources=False)
    return "".join(render(d, {name: compiled.source}) + "\n" for d in compiled.diagnostics)


def test_corpus_is_there() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_program(path: Path) -> None:
    check(path, rendered)


def test_two_syntax_errors_both_reported() -> None:
    got = rendered((HERE / "bad" / "two_syntax_errors.pol").read_text(encoding="utf-8"),
                   "two_syntax_errors.pol")
    assert got.count("error[E007]") == 2
    assert ":4:" in got and ":11:" in got


def test_syntax_errors_are_capped() -> None:
    text = '文号 "测试〔2024〕1号"\n' + "".join(
        f'输入 x{i} "人数" ： 计数(人)\n' for i in range(30))
    compiled = pipeline.compile_source(text, "many.pol", verify_sources=False)
    codes = [d.code for d in compiled.diagnostics]
    assert codes.count("E007") == 20
    assert "E009" in codes


def test_missing_brace_then_next_item() -> None:
    text = ('文号 "测试〔2024〕1号"\n枚举 L "级" 推导 "测试" {\n  a "甲"\n'
            '输入 people "人数" ： 计数(人)\n')
    compiled = pipeline.compile_source(text, "brace.pol", verify_sources=False)
    lines = sorted(d.span.line for d in compiled.diagnostics if d.severity == "error")
    assert lines == [4, 4]  # the unclosed enum at 输入, then the colon on the same line
