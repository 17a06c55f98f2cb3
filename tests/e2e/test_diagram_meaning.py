"""Diagrams that mean what the text means (issue 13.5): an all-of condition is one
conjunction, a menu of measures is a menu, a decision the text gives no one is drawn as
unnamed.  Each test reads the DOT's structure (nodes, edges, labels), not only that it
renders."""

from __future__ import annotations

import re

import pytest

from polc.compiler import pipeline

HEAD = '文号 "测试〔2026〕1号"\n'


def compiled(body: str) -> pipeline.Compilation:
    c = pipeline.compile_source(HEAD + body, "meaning.pol", verify_sources=False)
    assert c.ok, [str(d) for d in c.diagnostics if d.severity == "error"]
    return c


def edges(dot: str) -> list[tuple[str, str, str]]:
    """(source, target, label) of every edge."""
    out = []
    for m in re.finditer(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$", dot, re.MULTILINE):
        lab = re.search(r'label="([^"]*)"', m.group(3) or "")
        out.append((m.group(1), m.group(2), lab.group(1) if lab else ""))
    return out


def labels(dot: str) -> dict[str, str]:
    """node id -> label of every node statement."""
    return {m.group(1): m.group(2)
            for m in re.finditer(r'^\s*(\w+) \[label="([^"]*)"', dot, re.MULTILINE)}


ALL_OF = """
输入 a "甲" : 是否 推导 "t"
输入 b "乙" : 是否 推导 "t"
输入 c "丙" : 是否 推导 "t"
决策 ok "条件" (a, b, c) : 是否 推导 "t" {
  结果 全部满足 {
    one "第一项" : a 推导 "t"
    two "第二项" : b 推导 "t"
    three "第三项" : c 推导 "t"
  }
}
"""


def test_all_of_is_one_conjunction() -> None:
    dot = compiled(ALL_OF).diagrams["decision_ok"]
    nodes, es = labels(dot), edges(dot)
    items = {n for n, lab in nodes.items() if lab.startswith("（")}
    assert len(items) == 3
    # one junction, into the first condition only: no fan of alternatives
    (junction,) = [n for n, lab in nodes.items() if lab.startswith("全部满足：以下 3 项")]
    assert [d for s, d, _ in es if s == junction] == [next(d for s, d, _ in es if s == junction)]
    # the conditions follow one another, joined by 且
    chain = [(s, d, lab) for s, d, lab in es if s in items and d in items]
    assert len(chain) == 2 and all(lab == "且" for _, _, lab in chain)
    # one outcome for the three together, reached from the last condition only
    outcomes = [n for n, lab in nodes.items() if "全部满足 ⇒ 是" in lab]
    assert len(outcomes) == 1
    assert [s for s, d, _ in es if d == outcomes[0]] == [chain[-1][1]]
    assert dot.count("全部满足 ⇒") == 1


def test_any_of_stays_alternatives() -> None:
    dot = compiled(ALL_OF.replace("全部满足", "任一满足")).diagrams["decision_ok"]
    assert "且" not in {lab for _, _, lab in edges(dot)}
    assert dot.count("任一满足") >= 3  # each alternative leads to its own outcome


LADDER = """
机构 office "办公室" 推导 "t"
机构 unit "单位" 推导 "t"
阶梯 lad "措施" {menu}由 office 对 unit 推导 "t" {{
  "函告" 推导 "t"
  "约谈" 推导 "t"
  "通报" 推导 "t"
}}
"""


def test_a_menu_is_drawn_as_a_menu() -> None:
    c = compiled(LADDER.format(menu="视情 "))
    dot = c.diagrams["ladder_lad"]
    es = edges(dot)
    rungs = sorted(n for n in labels(dot) if n.startswith("rung_"))
    assert rungs == ["rung_01", "rung_02", "rung_03"]
    # every measure hangs from the one choice, none from another measure, none 升级
    assert sorted(d for s, d, _ in es if s == "menu") == rungs
    assert not [e for e in es if e[0].startswith("rung_")]
    assert "升级" not in dot and "根据情况采取下列措施" in dot
    assert c.module.LADDERS["lad"].menu is True


def test_an_escalation_stays_a_ladder() -> None:
    c = compiled(LADDER.format(menu=""))
    es = edges(c.diagrams["ladder_lad"])
    assert ("rung_01", "rung_02", "升级") in es and ("rung_02", "rung_03", "升级") in es
    assert c.module.LADDERS["lad"].menu is False


@pytest.mark.parametrize("text", ['"视情"', "视情。"])
def test_the_menu_word_is_a_keyword_only_in_its_place(text: str) -> None:
    # inside a label the word is text, not the keyword
    c = compiled(LADDER.format(menu="").replace('"措施"', text if text.startswith('"')
                                                 else '"' + text + '"'))
    assert c.module.LADDERS["lad"].menu is False


FLOW = """
机构 office "办公室" 推导 "t"
流程 f "流程" 推导 "t" {{
  事件 start "开始"
  步骤 propose "提出建议" 由 office
  判断 decide "是否结束？"{by}
  结束 done "结束"
  转 start -> propose
  转 propose -> decide
  转 decide -> done 若 "是"
  转 decide -> propose 若 "否" 循环
}}
"""


def test_a_choice_the_text_gives_no_one_is_unnamed() -> None:
    dot = compiled(FLOW.format(by="")).diagrams["flow_f"]
    lane = dot[dot.index("subgraph cluster_office"):dot.index("}", dot.index("cluster_office"))]
    # outside the office's lane, and saying that nobody is named
    assert "n_decide" not in lane and "n_propose" in lane
    assert "决定者未明确" in labels(dot)["n_decide"]


def test_a_named_decider_keeps_its_lane() -> None:
    dot = compiled(FLOW.format(by=" 由 office")).diagrams["flow_f"]
    lane = dot[dot.index("subgraph cluster_office"):dot.index("}", dot.index("cluster_office"))]
    assert "n_decide" in lane and "决定者未明确" not in dot


def test_a_role_no_one_is_given_is_unnamed_not_nobody() -> None:
    body = """
角色 boss "主要领导" 推导 "t"
输入 big "重大" : 是否 推导 "t"
决策 who "由谁批准" (big) : 角色 或 无 推导 "t" {
  结果 依次 {
    若 big => boss 推导 "t"
    否则 => 无 推导 "t"
  }
}
"""
    dot = compiled(body).diagrams["decision_who"]
    results = [lab for n, lab in labels(dot).items() if n.startswith("val")]
    assert any(lab.startswith("主要领导") for lab in results)
    assert any(lab.startswith("未明确（原文未指明由谁）") for lab in results)
    assert not any(lab.startswith("无") for lab in results)
