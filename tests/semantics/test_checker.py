"""The front end on small programs: each defect reported at its place, with its code."""

from __future__ import annotations

from polc.compiler import pipeline

HEAD = '文号 "测试〔2022〕1号"\n'


def diags(body: str) -> list[tuple[str, int, str]]:
    c = pipeline.compile_source(HEAD + body, "t.pol", verify_sources=False)
    return [(d.code, d.span.line, d.message) for d in c.diagnostics if d.severity == "error"]


def codes(body: str) -> list[str]:
    return [c for c, _, _ in diags(body)]


def test_people_compared_with_money_is_a_unit_error() -> None:
    out = diags('输入 n "人数" : 计数(人)\n'
                '决策 d "d" (n) : 是否 推导 "t" {\n  结果 n 400元以上\n}\n')
    assert [(c, line) for c, line, _ in out] == [("E204", 4)]
    assert "人" in out[0][2] and "元" in out[0][2]


def test_wan_yuan_converts_exactly() -> None:
    c = pipeline.compile_source(HEAD + '输入 m "金额" : 金额\n'
                              '决策 d "d" (m) : 是否 推导 "t" { 结果 m 1.5万元以上 }\n'
                              '例 d(m = 15000元) => 是 推导 "t"\n例 d(m = 14999.99元) => 否 推导 "t"\n',
                              "t.pol", verify_sources=False)
    assert c.ok, [str(d.message) for d in c.diagnostics]
    from polc.compiler.tools.examples import run_examples
    assert [r.passed for r in run_examples(c)] == [True, True]


def test_undefined_name_suggests_the_close_one() -> None:
    out = diags('输入 deaths "死亡" : 计数(人)\n'
                '决策 d "d" (deaths) : 是否 推导 "t" { 结果 death 3人以上 }\n')
    assert out[0][0] == "E110"
    c = pipeline.compile_source(HEAD + '输入 deaths "死亡" : 计数(人)\n'
                              '决策 d "d" (deaths) : 是否 推导 "t" { 结果 death 3人以上 }\n',
                              "t.pol", verify_sources=False)
    assert "did you mean 'deaths'" in next(iter(c.diagnostics)).hint


def test_duplicate_names_and_missing_citation_are_all_reported() -> None:
    got = codes('输入 a "a" : 计数\n输入 a "a" : 计数\n'
                '决策 d "d" (a) : 是否 { 结果 a 3以上 }\n')
    assert "E101" in got and "E401" in got


def test_threshold_word_before_number_placement() -> None:
    got = codes('输入 a "a" : 金额\n决策 d "d" (a) : 是否 推导 "t" { 结果 a 3元低于 }\n')
    assert got == ["E302"]


def test_two_words_that_disagree_need_a_mark() -> None:
    got = codes('输入 a "a" : 金额\n决策 d "d" (a) : 是否 推导 "t" { 结果 a 超过 20亿元 以上 }\n')
    assert got == ["E304"]
    ok = codes('输入 a "a" : 金额\n'
               '决策 d "d" (a) : 是否 推导 "t" { 结果 a 超过 20亿元 以上（不含） }\n')
    assert ok == []


def test_document_convention_changes_what_yixia_means() -> None:
    src = ('约定 以下 不含本数 推导 "t"\n输入 n "n" : 计数(人)\n'
           '决策 d "d" (n) : 是否 推导 "t" { 结果 n 200人以下 }\n'
           '例 d(n = 200人) => 否 推导 "t"\n例 d(n = 199人) => 是 推导 "t"\n')
    c = pipeline.compile_source(HEAD + src, "t.pol", verify_sources=False)
    from polc.compiler.tools.examples import run_examples
    assert [r.passed for r in run_examples(c)] == [True, True]


def test_syntax_error_is_located_with_expected_tokens() -> None:
    out = diags('输入 n "n" : 计数\n决策 d "d" (n) : 是否 推导 "t" { 结果 n 400 }}\n')
    assert out and out[0][1] == 3 and out[0][0].startswith("E00")


def test_reserved_python_names_are_refused() -> None:
    got = codes('输入 class_ "a" : 计数\n输入 import "b" : 计数\n')
    assert "E102" in got or "E001" in got or "E002" in got
