"""A text that does not parse: no syntax tree, and an error at its place."""

from __future__ import annotations

from polc.compiler.diagnostics import Diagnostics
from polc.compiler.syntax import parse_module


def test_syntax_error_is_located_with_expected_tokens() -> None:
    diags = Diagnostics()
    text = ('文号 "测试〔2022〕1号"\n输入 n "n" : 计数\n'
            '决策 d "d" (n) : 是否 推导 "t" { 结果 n 400 }}\n')
    assert parse_module(text, "t.pol", diags) is None
    (e,) = list(diags)
    assert e.span.line == 3 and e.code.startswith("E00") and e.severity == "error"
