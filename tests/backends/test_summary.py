"""Tables, level lists, flows and ladders too long to draw get a summary diagram.

Graphviz took about 360 s to lay out a 10,000-row table.  Above SUMMARY_ROWS
rows a diagram shows what the rows hold (keys, ranges, the count) and the
first and last few rows, and the report lists every row.  Each summary here
is rendered with the real `dot` (no timing assertion: it simply has to finish
as a test does).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from polc.compiler import pipeline
from polc.compiler.tools import build
from polc.viz.common import SUMMARY_EDGE, SUMMARY_ROWS

from .test_svg import render, texts

HEAD = '文号 "合成〔2024〕1号"\n'
WHY = '推导 "r"'


def bands(n: int) -> str:
    rows = "".join(f"    [{i * 100}元, {(i + 1) * 100}元) => {i}元 {WHY}\n" for i in range(n))
    return (HEAD + '输入 income "收入" : 金额\n'
            f'决策 band "档次" (income) : 金额 {WHY} {{\n  结果 查表 (income) {{\n{rows}'
            f"    否则 => 0元 {WHY}\n  }}\n}}\n")


def levels(n: int) -> str:
    members = "".join(f'  t{i} "级别{i}" {WHY}\n' for i in range(n))
    rows = "".join(f"    t{i} 若 people {(n - 1 - i) * 10}人以上 {WHY}\n" for i in range(n))
    return (HEAD + f'枚举 Tier "级别" {WHY} {{\n{members}}}\n输入 people "人数" : 计数(人)\n'
            f'决策 tier "级别" (people) : Tier {WHY} {{\n  结果 取最严重 {{\n{rows}  }}\n}}\n')


def grid(n: int) -> str:
    """A two-key table of equalities, which small tables draw as one grid."""
    rows = "".join(f"    {i % 100}, {i // 100} => {i}元 {WHY}\n" for i in range(n))
    return (HEAD + '输入 a "甲" : 计数\n输入 b "乙" : 计数\n'
            f'决策 cell "格" (a, b) : 金额 {WHY} {{\n  结果 查表 (a, b) {{\n{rows}'
            f"    否则 => 0元 {WHY}\n  }}\n}}\n")


def flow(n: int) -> str:
    steps = "".join(f'  步骤 s{i} "第{i}步" 由 {"abc"[i % 3]} {WHY}\n' for i in range(n))
    edges = "".join(f"  转 s{i} -> s{i + 1}" + (" 时限 5日" if i % 7 == 0 else "") + "\n"
                    for i in range(n - 1))
    return (HEAD + "".join(f'机构 {x} "{x}局" {WHY}\n' for x in "abc")
            + f'流程 f "大流程" {WHY} {{\n  事件 start "开始" {WHY}\n{steps}'
            f'  结束 done "完" {WHY}\n  转 start -> s0\n{edges}  转 s{n - 1} -> done\n}}\n')


def ladder(n: int) -> str:
    rungs = "".join(f'  "措施{i}" {WHY}\n' for i in range(n))
    return (HEAD + f'机构 a "甲" {WHY}\n机构 b "乙" {WHY}\n'
            f'阶梯 lad "措施" 由 a 对 b {WHY} {{\n{rungs}}}\n')


def compiled(text: str) -> pipeline.Compilation:
    c = pipeline.compile_source(text, "synthetic.pol", verify_sources=False)
    assert c.ok, [d.message for d in c.diagnostics][:3]
    return c


def nodes(shown: dict[str, list[str]], prefix: str) -> list[list[str]]:
    """The texts of the nodes (not edges) whose id starts with `prefix`."""
    return [v for k, v in shown.items() if k.startswith(prefix) and "->" not in k]


def node_count(dot: str) -> int:
    return len(re.findall(r"^\s*\w+ \[", dot, flags=re.MULTILINE)) - 2  # less the graph's node/edge


@pytest.mark.parametrize("make", [bands, levels, grid], ids=["bands", "levels", "grid"])
def test_a_10000_row_decision_gets_a_summary_diagram(make: Callable[[int], str]) -> None:
    c = compiled(make(10_000))
    (dot,) = (v for k, v in c.diagrams.items() if k.startswith("decision_"))
    # inputs, decision, the part, the summary, 2 × 5 rows with their values, the gap, 否则
    assert node_count(dot) <= 4 + 2 * 2 * SUMMARY_EDGE + 1 + 2
    shown = texts(render(dot))
    (summary,) = nodes(shown, "summary")
    assert summary[0].endswith(f"共 10,000 行，图中只画首尾各 {SUMMARY_EDGE} 行")
    assert summary[-1] == "全表见报告 reports/synthetic.md"
    (gap,) = nodes(shown, "gap")
    assert gap == [f"…… 第 {SUMMARY_EDGE + 1}–{10_000 - SUMMARY_EDGE:,} 行 ……"]
    rows = nodes(shown, "row")
    assert len(rows) == 2 * SUMMARY_EDGE + (make is not levels)  # levels have no 否则
    # the report lists every row, in order
    report = build.report(c, "synthetic", sorted(c.diagrams))
    table = [line for line in report.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(table) == 10_000 + (make is not levels)
    assert [int(line.split("|")[1]) for line in table] == list(range(1, len(table) + 1))


def test_the_summary_names_the_keys_and_the_bands_range() -> None:
    shown = texts(render(compiled(bands(1_000)).diagrams["decision_band"]))
    (summary,) = nodes(shown, "summary")
    assert summary[1] == "income：1,000 段，范围 [0元, 10万元)"
    rows = {v[0] for v in nodes(shown, "row")}
    assert {"income: [0元, 100元)", "income: [99900元, 100000元)", "否则"} <= rows
    (grid_summary,) = nodes(texts(render(compiled(grid(1_000)).diagrams["decision_cell"])),
                            "summary")
    assert grid_summary[1:3] == ["a：100 个取值", "b：10 个取值"]


def test_up_to_the_threshold_every_row_is_drawn() -> None:
    full = compiled(bands(SUMMARY_ROWS)).diagrams["decision_band"]
    assert "summary" not in full and full.count("row") >= 2 * SUMMARY_ROWS
    summarised = compiled(bands(SUMMARY_ROWS + 1)).diagrams["decision_band"]
    assert "summary" in summarised and node_count(summarised) < 30
    c = compiled(bands(SUMMARY_ROWS))
    assert "## Full tables" not in build.report(c, "synthetic", sorted(c.diagrams))
    # a small two-key table of equalities is still one grid
    assert "<TABLE" in compiled(grid(SUMMARY_ROWS)).diagrams["decision_cell"]


def test_a_long_flow_gets_a_summary_diagram() -> None:
    c = compiled(flow(3_000))
    dot = c.diagrams["flow_f"]
    shown = texts(render(dot))
    drawn = {k for k in shown if k.startswith("n_") and "->" not in k}
    assert drawn == {"n_start", "n_s0", "n_s1", "n_s2", "n_s3",
                     "n_s2996", "n_s2997", "n_s2998", "n_s2999", "n_done"}
    assert shown["gap"] == ["…… 第 6–2,997 个节点（步骤 2,992）……"]
    assert shown["summary"] == ["流程共 3,002 个节点、3,001 条转移（429 条有时限），图中只画首尾各 5 个节点",
                                "全流程见报告 reports/synthetic.md"]
    assert "n_s3->gap" in shown and "gap->n_s2996" in shown
    report = build.report(c, "synthetic", sorted(c.diagrams))
    assert "| 2 | 步骤 | `s0` 第0步 | a局 | s1（时限 5日） | 〔推导〕 |" in report
    assert len([line for line in report.splitlines() if re.match(r"\| \d+ \| 步骤", line)]) == 3_000


def test_a_long_ladder_and_a_long_card_are_summarised() -> None:
    c = compiled(ladder(1_000))
    shown = texts(render(c.diagrams["ladder_lad"]))
    assert {k for k in shown if k.startswith("rung_") and "->" not in k} == \
        {f"rung_{i:02d}" for i in (1, 2, 3, 4, 5, 996, 997, 998, 999, 1000)}
    assert shown["gap"] == ["…… 第 6–995 项措施，见报告 reports/synthetic.md ……"]
    report = build.report(c, "synthetic", sorted(c.diagrams))
    assert "| 1000 | 措施999 | 〔推导〕 |" in report
    many = HEAD + "".join(f'输入 x{i} "x" : 计数\n决策 d{i} "级别{i}" (x{i}) : 计数 {WHY} {{ 结果 x{i} }}\n'
                          for i in range(1_000))
    card = texts(render(compiled(many).diagrams["document"]))["decisions"]
    assert card == ["决策（1000）", *[f"d{i}: 级别{i}" for i in range(5)], "…… 另 990 个 ……",
                    *[f"d{i}: 级别{i}" for i in range(995, 1_000)]]
