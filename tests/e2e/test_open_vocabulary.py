"""Issue 19: parenthesised conditions, groups without a lead, open relation verbs, declared
units and the end-of-period dates, each through every stage it reaches."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from polc.compiler import ir, pipeline
from polc.compiler.tools import fmt
from polc.compiler.tools.cli import cli

HEAD = '文号 "测试〔2024〕1号"\n'


def compiled(text: str) -> pipeline.Compilation:
    c = pipeline.compile_source(HEAD + text, "t.pol", verify_sources=False)
    assert c.ok, [(d.code, d.message) for d in c.diagnostics]
    return c


def error_codes(text: str) -> list[str]:
    c = pipeline.compile_source(HEAD + text, "t.pol", verify_sources=False)
    return [d.code for d in c.diagnostics if d.severity == "error"]


PARENS = '''枚举 K "类" 推导 "t" { A "甲" 推导 "t" B "乙" 推导 "t" }
输入 x "x" : K
输入 n "n" : 计数(人)
决策 d "d" (x, n) : 是否 推导 "t" {
  结果 (非 (x 为 A) 且 n 3人以上) 或 (n 10人以上)
}
例 d(x = A, n = 5人) => 否 推导 "t"
例 d(x = B, n = 5人) => 是 推导 "t"
例 d(x = A, n = 10人) => 是 推导 "t"
例 d(x = B, n = 2人) => 否 推导 "t"
'''


def test_parenthesised_conditions_keep_their_structure() -> None:
    c = compiled(PARENS)
    assert c.ir is not None
    result = c.ir.decision("d").result
    assert isinstance(result, ir.CondE) and isinstance(result.cond, ir.OrC)
    left = result.cond.items[0]
    assert isinstance(left, ir.AndC) and isinstance(left.items[0], ir.NotC)
    run = c.module.d
    assert [run(x=c.module.K.A, n=5), run(x=c.module.K.B, n=5), run(x=c.module.K.A, n=10),
            run(x=c.module.K.B, n=2)] == [False, True, True, False]


def test_parenthesised_expression_is_still_arithmetic() -> None:
    c = compiled('输入 n "n" : 计数(人)\n决策 d "d" (n) : 计数(人) 推导 "t" '
                 '{ 结果 (n + 1人) × 2 }\n')
    assert c.module.d(n=3) == 8


def test_a_parenthesised_condition_is_no_number() -> None:
    assert error_codes('输入 n "n" : 计数(人)\n决策 d "d" (n) : 计数(人) 推导 "t" '
                       '{ 结果 (n 3人以上) + 1人 }\n') == ["E206"]


def test_fmt_keeps_parentheses_and_is_idempotent() -> None:
    once = fmt.format_text(HEAD + PARENS)
    assert "(非 (x 为 A) 且 n 3人以上)" in once
    assert fmt.format_text(once) == once


def test_calendar_function_is_drawn_as_written() -> None:
    c = compiled('输入 day "d" : 日期\n决策 q "q" (day) : 日期 推导 "t" {\n'
                 '  令 e = 季末(day)\n    推导 "t"\n  结果 e + 5日\n}\n'
                 '例 q(day = 2024-02-10) => 2024-04-05 推导 "t"\n')
    dot = c.diagrams["decision_q"]
    assert "季末(day)" in dot and "CalendarFn" not in dot
    assert c.module.q(day=dt.date(2024, 2, 10)) == dt.date(2024, 4, 5)


NO_LEAD = '''机构 dev "县发改局" 推导 "t"
机构 fin "县财政局" 推导 "t"
工作组 task "项目推进专班" 参与 dev, fin
  引 三 「成立项目推进专班，县发改局、县财政局参与」
'''


def test_group_without_a_lead_checks_and_says_so() -> None:
    c = compiled(NO_LEAD)
    assert c.ir is not None
    (group,) = c.ir.groups
    assert (group.leads, group.participants) == ((), ("dev", "fin"))
    assert c.module.GROUPS["task"].leads == ()
    assert "牵头单位未明确" in c.diagrams["groups"]


def test_group_with_a_lead_is_not_marked_unnamed() -> None:
    c = compiled(NO_LEAD.replace("参与 dev, fin", "牵头 dev 参与 fin"))
    assert "牵头单位未明确" not in c.diagrams["groups"]


def test_a_lead_the_quote_names_may_not_be_left_out() -> None:
    assert error_codes(NO_LEAD.replace("县财政局参与", "县财政局牵头")) == ["E140"]


RELATIONS = '''机构 dev "县发改局" 推导 "t"
机构 firm "企业" 推导 "t"
关系 dev "提供技术支持" firm
  引 三 「县发改局为企业提供技术支持」
关系 dev 设在 firm 推导 "t"
'''


def test_a_verb_of_the_notice_is_a_relation_and_built_in_ones_keep_their_style() -> None:
    c = compiled(RELATIONS)
    assert c.ir is not None
    assert [r.verb for r in c.ir.relations] == ["提供技术支持", "设在"]
    assert ("dev", "提供技术支持", "firm", "三") in c.module.RELATIONS
    org = c.diagrams["org"]
    assert "提供技术支持" in org
    # 设在 is drawn dashed, the notice's own verb plainly
    (own,) = [ln for ln in org.splitlines() if "提供技术支持" in ln]
    (built_in,) = [ln for ln in org.splitlines() if "label=\"设在\"" in ln]
    assert "dashed" in built_in and "dashed" not in own


def test_a_verb_no_quote_holds_is_refused() -> None:
    assert error_codes(RELATIONS.replace('"提供技术支持" firm', '"委托" firm')) == ["E142"]


def test_fmt_keeps_a_quoted_verb() -> None:
    once = fmt.format_text(HEAD + RELATIONS)
    assert '关系 dev "提供技术支持" firm' in once and fmt.format_text(once) == once


def test_units_of_the_notices_convert_exactly() -> None:
    c = compiled('输入 a "面积" : 数量(亩)\n输入 w "重量" : 数量(吨)\n'
                 '决策 d "d" (a, w) : 是否 推导 "t" { 结果 a 1.5公顷以上 且 w 500千克以上 }\n')
    assert c.module.d(a=Decimal("22.5"), w=Decimal("0.5")) is True
    assert c.module.d(a=Decimal("22.49"), w=Decimal("0.5")) is False
    # 亩 and 平方米 are apart: 1亩 is 666.67平方米 only to the cent
    assert error_codes('输入 a "面积" : 数量(亩)\n'
                       '决策 d "d" (a) : 是否 推导 "t" { 结果 a 100平方米以上 }\n') == ["E204"]


FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "open_vocabulary" / "land_subsidy.pol"


def test_acceptance_policy_checks_tests_builds_and_draws(tmp_path: Path) -> None:
    c = pipeline.compile_file(FIXTURE)
    # quotes verified against the notice text, no warning of any kind
    assert c.ok and not list(c.diagnostics), [(d.code, d.message) for d in c.diagnostics]
    assert c.module.subsidy(area=Decimal("20.5"), homes=3) == Decimal(2050)
    assert "牵头单位未明确" in c.diagrams["groups"]
    assert "元/亩" in c.diagrams["decision_subsidy"]  # the label wraps
    runner = CliRunner()
    tested = runner.invoke(cli, ["test", str(FIXTURE)])
    assert tested.exit_code == 0 and "4 passed, 0 failed" in tested.output, tested.output
    built = runner.invoke(cli, ["build", "--no-render", "-o", str(tmp_path / "out"), str(FIXTURE)])
    assert built.exit_code == 0, built.output
    assert (tmp_path / "out" / "python" / "policy_land_subsidy.py").is_file()
    assert sorted(p.name for p in (tmp_path / "out" / "diagrams" / "land_subsidy").iterdir()) \
        == ["decision_subsidy.dot", "document.dot", "groups.dot"]


DATES = '''输入 day "d" : 日期
决策 a "a" (day) : 日期 推导 "t" { 结果 当年年末(day) }
决策 b "b" (day) : 日期 推导 "t" { 结果 月底(day) - 3工作日 }
决策 c "c" (day) : 日期 推导 "t" { 结果 年底(day) - 10日 }
决策 e "e" (day) : 日期 推导 "t" { 结果 day - 1月 }
决策 f "f" (day) : 日期 推导 "t" { 结果 年末(day) - 1年 }
'''


def test_period_ends_and_date_minus_a_duration() -> None:
    c = compiled(DATES)
    m = c.module
    assert m.a(day=dt.date(2024, 2, 10)) == dt.date(2024, 12, 31)
    assert m.b(day=dt.date(2024, 2, 10)) == dt.date(2024, 2, 26)  # 29, 28, 27 … 26 (Mon)
    assert m.c(day=dt.date(2024, 2, 10)) == dt.date(2024, 12, 21)
    assert m.e(day=dt.date(2024, 3, 31)) == dt.date(2024, 2, 29)
    assert m.f(day=dt.date(2024, 2, 29)) == dt.date(2023, 12, 31)
    # 当年年末, 年末 and 年底 are one function, drawn as 年末
    assert "年末(day) - 10日" in c.diagrams["decision_c"]
    assert "day - 1个月" in c.diagrams["decision_e"]


def test_a_time_does_not_go_back() -> None:
    assert error_codes('输入 t "t" : 时刻\n决策 d "d" (t) : 时刻 推导 "t" { 结果 t - 2小时 }\n') \
        == ["E230"]
    assert error_codes('输入 day "d" : 日期\n决策 d "d" (day) : 日期 推导 "t" '
                       '{ 结果 月底(day, 3) }\n') == ["E214"]


def test_polc_test_counts_a_file_that_does_not_parse_as_failed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pol"
    bad.write_text('文号 "x"\n决策 d (\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["test", str(bad)])
    assert result.exit_code == 1
    assert "E002" in result.output
    assert result.output.rstrip().endswith("0 passed, 1 failed (1 file(s) do not compile)")


def test_fmt_leaves_the_new_syntax_as_it_is() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    assert fmt.format_text(text) == text
    once = fmt.format_text(HEAD + DATES)
    assert "结果 月底(day) - 3工作日" in once and fmt.format_text(once) == once


def test_ten_thousand_parentheses_around_a_condition() -> None:
    depth = 10_000
    c = compiled('输入 n "n" : 计数(人)\n决策 d "d" (n) : 是否 推导 "t" { 结果 '
                 + "(" * depth + "n 3人以上" + ")" * depth + " 且 (n 5人以下) }\n")
    assert c.module.d(n=4) is True and c.module.d(n=6) is False
