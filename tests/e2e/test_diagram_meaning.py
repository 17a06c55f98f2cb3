"""Diagrams that mean what the text means (issue 13.5): an all-of condition is one
conjunction, a menu of measures is a menu, a decision the text gives no one is drawn as
unnamed.  Each test reads the DOT's structure (nodes, edges, labels), not only that it
renders."""

from __future__ import annotations

import re
import subprocess

import pytest

from polc.compiler import pipeline

from ..paths import POLICIES

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


def cluster(dot: str, actor: str) -> str:
    """The text of one lane's cluster, to its matching brace."""
    start = dot.index(f"subgraph cluster_{actor} {{")
    depth = 0
    for i in range(start, len(dot)):
        depth += {"{": 1, "}": -1}.get(dot[i], 0)
        if dot[i] == "}" and depth == 0:
            return dot[start:i + 1]
    raise AssertionError(actor)


def test_a_choice_the_text_gives_no_one_is_unnamed() -> None:
    dot = compiled(FLOW.format(by="")).diagrams["flow_f"]
    lane = cluster(dot, "office")
    # outside the office's lane, and saying that nobody is named
    assert "n_decide" not in lane and "n_propose" in lane
    assert "决定者未明确" in labels(dot)["n_decide"]


def test_a_named_decider_keeps_its_lane() -> None:
    dot = compiled(FLOW.format(by=" 由 office")).diagrams["flow_f"]
    lane = cluster(dot, "office")
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


# ---------------------------------------------------------------- lane titles

def _layout(dot_source: str) -> tuple[dict[str, tuple[float, float, float, float]],
                                      list[list[tuple[float, float]]]]:
    """Graphviz's own layout of `dot_source`: each node's box (x0, y0, x1, y1, in points)
    and each edge's Bézier control points."""
    out = subprocess.run(["dot", "-Tdot"], input=dot_source, capture_output=True, text=True,
                         check=True).stdout.replace("\\\n", "")
    boxes: dict[str, tuple[float, float, float, float]] = {}
    splines: list[list[tuple[float, float]]] = []
    for m in re.finditer(r"^\s*(\w+)\s+\[([^\]]*)\];", out, re.MULTILINE | re.DOTALL):
        attrs = m.group(2)
        pos = re.search(r'\bpos="([\d.]+),([\d.]+)"', attrs)
        w = re.search(r'\bwidth="?([\d.]+)', attrs)
        h = re.search(r'\bheight="?([\d.]+)', attrs)
        if pos and w and h:
            x, y = float(pos.group(1)), float(pos.group(2))
            hw, hh = float(w.group(1)) * 36, float(h.group(1)) * 36
            boxes[m.group(1)] = (x - hw, y - hh, x + hw, y + hh)
    for m in re.finditer(r"^\s*\w+ -> \w+\s+\[([^\]]*)\];", out, re.MULTILINE | re.DOTALL):
        pos = re.search(r'\bpos="([^"]*)"', m.group(1))
        if pos and "style=invis" not in m.group(1):
            pts = [tuple(map(float, p.split(",")[-2:])) for p in pos.group(1).split()
                   if not p.startswith(("e,", "s,"))]
            splines.append([(a, b) for a, b in pts])
    return boxes, splines


def _bezier(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out = []
    for i in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[i:i + 4]
        for k in range(21):
            t = k / 20
            out.append(tuple((1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t ** 2 * c
                             + t ** 3 * d for a, b, c, d in zip(p0, p1, p2, p3, strict=True)))
    return out  # type: ignore[return-value]


@pytest.mark.parametrize("stem,flow", [("54_audit_rectification", "rectification"),
                                       ("63_headquarters_economy", "award_approval"),
                                       ("64_floating_population", "campaign")])
def test_no_edge_crosses_a_lane_title(stem: str, flow: str) -> None:
    c = pipeline.compile_file(POLICIES / f"{stem}.pol", verify_sources=False)
    assert c.ok
    dot = c.diagrams[f"flow_{flow}"]
    the_flow = next(f for f in c.ir.flows if f.name == flow)
    # no lane keeps a cluster label for an edge to cross
    for actor in {n.actor for n in the_flow.nodes if n.actor}:
        assert 'label=""' in cluster(dot, actor).splitlines()[1]
    boxes, splines = _layout(dot)
    titles = {n: b for n, b in boxes.items() if n.startswith("lane_")}
    assert titles, "every lane has its title node"
    # the layout was read: each edge's points, and a step's box holding the edge's end
    assert len(splines) >= len(the_flow.edges) // 2
    ends = [sp[-1] for sp in splines]
    assert any(x0 - 12 < x < x1 + 12 and y0 - 12 < y < y1 + 12 for x, y in ends
               for n, (x0, y0, x1, y1) in boxes.items() if n.startswith("n_"))
    for name, (x0, y0, x1, y1) in titles.items():
        for spline in splines:
            assert not any(x0 < x < x1 and y0 < y < y1 for x, y in _bezier(spline)), name
