"""Flows as code (generated next_steps / responsible / due_dates) and as diagrams."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import types
from datetime import date, datetime
from pathlib import Path

import pytest

from polc.compiler import pipeline
from polc.runtime import CalendarError, Due, InputError
from polc.viz import flows

from ..paths import ROOT

P55 = ROOT / "policies" / "55_overseas_labor_emergency.pol"
P54 = ROOT / "policies" / "54_audit_rectification.pol"


def _compiled(path: Path) -> pipeline.Compilation:
    c = pipeline.compile_file(path)
    assert c.ok, [str(d) for d in c.diagnostics]
    return c


@pytest.fixture(scope="module")
def m55() -> types.ModuleType:
    return _compiled(P55).module


@pytest.fixture(scope="module")
def m54() -> types.ModuleType:
    # 54 is being written alongside this work: test it only once it compiles
    c = pipeline.compile_file(P54)
    if not c.ok:
        pytest.fail("54_audit_rectification.pol does not compile")
    return c.module


def _inline(body: str) -> pipeline.Compilation:
    head = ('文号 "海政办发〔2022〕55号"\n'
            '机构 a "区商务局" 引 二（二） 「区应急指挥部办公室设在区商务局」\n')
    # beside the real policies, so that its quotes are verified against policies/sources
    return pipeline.compile_source(head + body, "inline.pol", origin=ROOT / "policies" / "inline.pol")


# ---------------------------------------------------------------- generated code


def test_55_structure_data(m55: types.ModuleType) -> None:
    assert m55.BODIES["hq_office"].title == "区应急指挥部办公室"
    assert "商务部门" in m55.BODIES["commerce"].aliases
    assert ("hq_office", "设在", "commerce", "二（二）") in m55.RELATIONS
    # nine groups, 现场处置组 split into 境外 and 境内, and the 指挥部's member units
    assert len(m55.GROUPS) == 11
    assert m55.GROUPS["hq_members"].leads == ()
    assert len(m55.GROUPS["hq_members"].participants) == 13  # 12 departments and the towns
    coord = m55.GROUPS["coordination"]
    assert coord.leads == ("commerce",)
    assert coord.participants == ("emergency_mgmt", "police", "foreign_affairs", "petition",
                                  "health", "towns")
    assert m55.GROUPS["aftermath"].participants == ()
    assert set(m55.FLOWS) == {"reporting", "response", "termination", "warning"}


def test_55_next_steps_and_responsible(m55: types.ModuleType) -> None:
    # 先期处置 comes first, whatever the level (四（二）)
    assert m55.next_steps("response", "incident") == ["first_response"]
    assert m55.next_steps("response", "first_response") == ["verify"]
    assert m55.next_steps("response", "controlled") == ["terminate", "expand"]
    # four conditions lead to one step: it is listed once
    assert m55.next_steps("termination", "end_condition") == ["propose_end", "responding"]
    assert m55.next_steps("termination", "ended") == []
    assert m55.responsible("response", "activate") == "区政府"
    assert m55.responsible("termination", "propose_end") == "区应急指挥部办公室"
    assert m55.responsible("reporting", "leader_consent") == "区政府主要领导"


def test_55_due_dates(m55: types.ModuleType) -> None:
    due = m55.due_dates("reporting", {"occurred": datetime(2022, 10, 1, 23, 45)})
    # no deadline of 55 can be extended: the latest date is the base date
    general, major = datetime(2022, 10, 2, 0, 15), datetime(2022, 10, 2, 0, 0)
    assert due == {"report_general": Due(general, general), "report_major": Due(major, major)}
    assert m55.due_dates("reporting", {}) == {}
    edge = next(e for e in m55.FLOWS["reporting"].edges
                if e.dst == "report_general" and e.how)
    assert (edge.amount, edge.how, edge.deadline, edge.clause) == (30, "minutes", "0.5小时",
                                                                   "四（一）2")


def test_55_bad_calls_are_clear_errors(m55: types.ModuleType) -> None:
    with pytest.raises(InputError, match="flow: expected one of reporting"):
        m55.next_steps("nope", "x")
    with pytest.raises(InputError, match="a step of flow response"):
        m55.responsible("response", "nope")
    with pytest.raises(InputError, match="has none"):
        m55.responsible("response", "incident")
    with pytest.raises(InputError, match="date-time"):
        m55.due_dates("reporting", {"occurred": date(2022, 10, 1)})


def test_54_flow(m54: types.ModuleType) -> None:
    due = m54.due_dates("rectification", {"received": date(2022, 9, 30)})
    assert due["task_list"].base == date(2022, 10, 26)  # National Day; 10-08 and 10-09 worked
    # 10日 顺延: 2022-09-21 + 10 = 10-01, a holiday: the first working day is 10-08
    assert m54.due_dates("rectification", {"period_end": date(2022, 9, 21)}) == {
        "signoff": Due(date(2022, 10, 8), date(2022, 10, 8))}
    assert m54.next_steps("rectification", "received") == ["task_list"]
    assert m54.responsible("rectification", "task_list") == "被审计单位"
    assert m54.LADDERS["measures"].measures[0] == "发送督促限期整改函"
    assert len(m54.LADDERS["measures"].measures) == 7
    with pytest.raises(CalendarError, match="2030"):
        m54.due_dates("rectification", {"received": date(2030, 3, 1)})


def test_generated_module_passes_ruff_and_mypy(tmp_path: Path) -> None:
    code = _compiled(P55).python
    target = tmp_path / "policy_55.py"
    target.write_text(code, encoding="utf-8")
    # the flow block starts after the DECISIONS table; only its lines are structure.py's
    start = code.splitlines().index("# ---------------------------------------------------------"
                                    "------- organisation and flows") + 1
    # ... and end before the module's own __all__
    end = next(i for i, ln in enumerate(code.splitlines()) if ln.startswith("__all__"))
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated",
                           "--line-length", "100", "--output-format", "concise", str(target)],
                          check=False, capture_output=True, text=True)
    ours = [ln for ln in ruff.stdout.splitlines()
            if ln.startswith(str(target)) and start <= int(ln.split(":")[1]) <= end]
    assert ours == []
    # polc is installed editable through an import hook mypy cannot follow: a shim tree
    shim = tmp_path / "shim" / "polc"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("", encoding="utf-8")
    (shim / "runtime").symlink_to(ROOT / "runtime")
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
                           "--no-incremental", str(target)], check=False, capture_output=True,
                          text=True,
                          env={"MYPYPATH": str(tmp_path / "shim"), "PATH": "/usr/bin:/bin"})
    assert mypy.returncode == 0, mypy.stdout


# ---------------------------------------------------------------- diagrams


def test_55_diagram_set_and_lanes() -> None:
    graphs = flows.policy_graphs(_compiled(P55).ir)  # type: ignore[arg-type]
    assert sorted(graphs) == ["flow_reporting", "flow_response", "flow_termination",
                              "flow_warning", "groups", "org"]
    dot = graphs["flow_reporting"]
    assert "newrank=true" in dot
    for lane, title in (("enterprise", "涉事企业（公民）"), ("local_gov", "所在地政府（管委会）"),
                        ("gov_office", "区政府办公室"), ("hq_office", "区应急指挥部办公室")):
        assert f"subgraph cluster_{lane} {{" in dot
        assert f'label="{title}"' in dot
    assert "subgraph cluster_legend" in dot
    assert "海政办发〔2022〕55号" in dot
    # the deadline is on the edge from the event to the written report, drawn red
    edge = next(ln for ln in dot.splitlines() if "n_occurred -> n_report_general" in ln)
    assert "时限 0.5小时" in edge and flows.DEADLINE_COLOR in edge
    assert "shape=diamond" in dot and "shape=doublecircle" in dot and "shape=ellipse" in dot
    loop = next(ln for ln in dot.splitlines() if "n_response_over -> n_follow_up" in ln)
    assert "dashed" in loop and "constraint=false" in loop
    groups = graphs["groups"]
    lead = next(ln for ln in groups.splitlines() if "n_petition -> g_domestic_site" in ln)
    assert "penwidth" in lead and "dashed" not in lead
    part = next(ln for ln in groups.splitlines() if "n_justice -> g_domestic_site" in ln)
    assert "dashed" in part
    assert "设在" in graphs["org"]


def test_54_ladder_and_deadline_labels(m54: types.ModuleType) -> None:
    graphs = flows.policy_graphs(_compiled(P54).ir)  # type: ignore[arg-type]
    dot = graphs["flow_rectification"]
    assert "时限 15工作日" in dot
    assert "时限 10日（顺延）" in dot
    ladder = graphs["ladder_measures"]
    rungs = [ln for ln in ladder.splitlines() if "rung_0" in ln and "->" in ln]
    # 第十四条 says 根据情况: a menu (视情), each measure an option, none an escalation
    assert len(rungs) == 7 and all(ln.startswith("\tmenu -> ") and "可选" in ln for ln in rungs)
    assert not any(flows.DEADLINE_COLOR in ln for ln in rungs)
    assert ladder.index("rung_01 [") < ladder.index("rung_07 [")


def test_hostile_labels_are_escaped() -> None:
    c = _inline(
        '流程 x "<b>\\"; rankdir=LR; x" 推导 "测试" {\n'
        '  事件 e "a\\\\nb\\" ]; evil [label=1" 推导 "测试"\n'
        '  步骤 s "<html>" 由 a 推导 "测试"\n'
        '  转 e -> s 若 "}\\" -> y" 时限 3日 推导 "测试"\n'
        '  转 s -> e 若 "<b>x</b>" 推导 "测试"\n'
        '}\n')
    assert c.ok, [str(d) for d in c.diagnostics]
    dot = flows.policy_graphs(c.ir)["flow_x"]  # type: ignore[arg-type]
    # quotes stay inside the label: no statement named evil, no second rankdir
    assert 'label="a\\\\nb\\" ]; evi' in dot
    assert "rankdir=LR" not in dot.replace('\\"; rankdir=LR', "")
    assert 'label="<b>x</b>"' in dot  # quoted, so not read as an HTML label
    result = subprocess.run(["dot", "-Tsvg"], input=dot, check=False, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert "evi" in result.stdout and "&lt;b&gt;x&lt;/b&gt;" in result.stdout
    # no node was injected: only the two declared ones, the lane's title and the legend's
    nodes = set(re.findall(r'class="node">\s*<title>([^<]*)</title>', result.stdout))
    assert nodes == {"n_e", "n_s", "lane_a", "legend_event", "legend_step", "legend_e0a",
                     "legend_e0b", "legend_e1a", "legend_e1b"}


def test_bad_flow_input_is_a_located_error() -> None:
    c = _inline('流程 x "x" 推导 "测试" {\n  事件 e "e" 推导 "测试"\n'
                '  转 e -> nowhere 时限 3人 推导 "测试"\n}\n')
    assert not c.ok
    errors = [d for d in c.diagnostics if d.severity == "error"]
    assert {(d.code, d.span.line) for d in errors} == {("E116", 5), ("E205", 5)}
    assert any("nowhere" in d.message for d in errors)


def test_dot_is_deterministic() -> None:
    a = flows.policy_graphs(_compiled(P55).ir)  # type: ignore[arg-type]
    b = flows.policy_graphs(_compiled(P55).ir)  # type: ignore[arg-type]
    assert a == b
    assert _compiled(P55).python == _compiled(P55).python


def test_rendering_png_and_svg_with_cjk_font(tmp_path: Path) -> None:
    assert shutil.which("dot")
    dot = flows.policy_graphs(_compiled(P55).ir)["flow_reporting"]  # type: ignore[arg-type]
    src = tmp_path / "flow.dot"
    src.write_text(dot, encoding="utf-8")
    for fmt in ("png", "svg"):
        subprocess.run(["dot", f"-T{fmt}", "-o", str(src.with_suffix("." + fmt)), str(src)],
                       check=True, capture_output=True)
    png = src.with_suffix(".png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    svg = src.with_suffix(".svg").read_text(encoding="utf-8")
    assert 'font-family="Noto Sans CJK SC' in svg
    assert "境外劳务纠纷及相关突发事" in svg
    fc = subprocess.run(["fc-match", "Noto Sans CJK SC"], check=False, capture_output=True,
                        text=True)
    assert "NotoSansCJK" in fc.stdout  # the name resolves to the real font, not a fallback
