"""The analysis of flows and their deadlines (W610–W612): what it must find, and what it
must not add up (periods of different clocks, loops)."""

from __future__ import annotations

from polc.compiler import pipeline

from ..paths import POLICIES

HEAD = '''文号 "测试〔2024〕1号"
机构 office "行政机关" 推导 "测试"
'''


def codes(flow: str, head: str = HEAD) -> list[tuple[str, int]]:
    c = pipeline.compile_source(head + flow, "t.pol", verify_sources=False)
    assert c.ir is not None, [str(d) for d in c.diagnostics]
    return [(d.code, d.span.line) for d in c.diagnostics if d.code.startswith("W61")]


def test_hours_add_up_in_hours_and_the_message_says_hours() -> None:
    flow = '''流程 f "报告" 推导 "测试" {
  事件 a "发生"
  步骤 b "报告县" 由 office
  步骤 c "报告市" 由 office
  转 a -> b 时限 1小时
  转 b -> c 时限 2小时
  转 a -> c 时限 2小时
}
'''
    c = pipeline.compile_source(HEAD + flow, "t.pol", verify_sources=False)
    found = [d for d in c.diagnostics if d.code == "W612"]
    assert [d.span.line for d in found] == [9]
    assert "时限 2小时" in found[0].message and "合计 3小时" in found[0].message
    # within the direct deadline: nothing
    assert codes(flow.replace("转 a -> c 时限 2小时", "转 a -> c 时限 3小时")) == []


def test_days_and_working_days_are_not_added() -> None:
    flow = '''流程 f "审批" 推导 "测试" {
  事件 a "受理"
  步骤 b "审查" 由 office
  步骤 c "决定" 由 office
  转 a -> b 时限 15工作日
  转 b -> c 时限 10日
  转 a -> c 时限 20日
}
'''
    assert codes(flow) == []
    assert codes(flow.replace("15工作日", "15日")) == [("W612", 9)]


def test_a_loop_back_is_not_a_path_forward() -> None:
    flow = '''流程 f "整改" 推导 "测试" {
  事件 a "检查"
  步骤 b "整改" 由 office
  步骤 c "复查" 由 office
  转 a -> b 时限 10日
  转 b -> c 时限 10日
  转 c -> b 时限 10日 循环
  转 a -> c 时限 30日
}
'''
    assert codes(flow) == []


def test_dates_in_flow_order_are_clean_and_reversed_ones_are_not() -> None:
    flow = '''流程 f "排查" 推导 "测试" {
  事件 a "印发"
  步骤 b "自查" 由 office 截止 2024-03-05 前（含） 解读 "含当日"
  步骤 c "督查" 由 office 截止 2024-03-10 前（含） 解读 "含当日"
  转 a -> b
  转 b -> c
}
'''
    assert codes(flow) == []
    assert codes(flow.replace("2024-03-05", "2024-03-15")) == [("W610", 6)]
    # two steps on different branches are not ordered
    assert codes(flow.replace("2024-03-05", "2024-03-15").replace("转 b -> c", "转 a -> c")) == []


def test_a_date_from_the_notices_year_before_it_was_written() -> None:
    flow = '''流程 f "报送" 推导 "测试" {
  事件 a "印发"
  步骤 b "报送方案" 由 office 截止 1月31日 前（含） 年份 成文年份 解读 "含当日"
  转 a -> b
}
'''
    head = HEAD + "成文日期 2024-03-01\n"
    c = pipeline.compile_source(head + flow, "t.pol", verify_sources=False)
    found = [d for d in c.diagnostics if d.code == "W611"]
    assert len(found) == 1 and "1月31日前（2024-01-31）" in found[0].message
    assert codes(flow, HEAD + "成文日期 2024-01-15\n") == []


def test_56_self_check_was_due_before_the_notice_was_written() -> None:
    # a true finding about the text: 四（一） sets 2022年8月30日前, the notice is dated
    # 2022年9月2日; the policy says what the text says and the reviewer is told
    c = pipeline.compile_file(POLICIES / "56_childcare_governance.pol")
    found = [d for d in c.diagnostics if d.code.startswith("W61")]
    assert [(d.code, "self_check" in d.message) for d in found] == [("W611", True)]


def test_the_reviewers_report_lists_the_finding() -> None:
    from polc.compiler.tools import build
    c = pipeline.compile_file(POLICIES / "56_childcare_governance.pol")
    text = build.report(c, "56_childcare_governance", [])
    section = text.split("## Findings of `polc check`", 1)[1].split("\n## ", 1)[0]
    assert "line 149: warning[W611]: 步骤 self_check 截止 2022-08-30前" in section
    # a policy the checker has nothing to say about has no such section
    clean = pipeline.compile_file(POLICIES / "43_eco_environment_plan.pol")
    assert "## Findings" not in build.report(clean, "43_eco_environment_plan", [])


def test_date_after_the_notice_lapses() -> None:
    flow = '''
流程 f "报送" 推导 "测试" {
  事件 a "印发"
  步骤 b "总结" 由 office 截止 2025-01-31 前（含） 解读 "含当日"
  转 a -> b
}
'''
    head = HEAD + "成文日期 2024-03-01\n"
    assert codes(flow, head + '有效期至 2024-12-31 推导 "测试"\n') == [("W611", 8)]
    # due on the last day in force is not after it
    assert codes(flow, head + '有效期至 2025-01-31 推导 "测试"\n') == []
