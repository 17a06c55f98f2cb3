"""Extendable deadlines, deadlines by branch and dated steps, from .pol text to the
generated module's due_dates and to the flow diagram (issue 15 item 7, issue 13 item 4)."""

from __future__ import annotations

import subprocess
import sys
import types
from datetime import date, datetime
from pathlib import Path

import pytest

from polc.compiler import pipeline
from polc.runtime import Due, InputError
from polc.viz import flows

from ..paths import ROOT

POLICY = '''文号 "测试〔2024〕1号"
引文未核对 "a construct test: the text is made up"
成文日期 2024-03-01
机构 office "行政机关" 推导 "测试"
角色 head "本行政机关负责人" 推导 "测试"

流程 permit "行政许可" 推导 "测试" {
  事件 accepted "受理申请"
  判断 kind "是否复杂事项？" 由 office
  步骤 decide "作出行政许可决定" 由 office
  步骤 notify "送达决定" 由 office
  步骤 plan "报送方案" 由 office 截止 10月31日 前（含） 年份 成文年份
    解读 "「前」含当日"
  步骤 summary "报送总结" 由 office 截止 2024-12-18 前（不含）
    解读 "「前」不含当日"
  步骤 annual "报送年报" 由 office 截止 1月31日 前（含） 年份 输入
    解读 "「前」含当日"
  步骤 weekly "报送统计表" 由 office 截止 每周四 17时 前（含）
    解读 "「前」含该时刻"
  转 accepted -> kind
  转 kind -> decide 若 "一般"
  转 kind -> decide 若 "复杂"
  转 accepted -> decide 时限 20日 延长 10日 由 head 当 kind "一般" 时限 30工作日 当 kind "复杂"
  转 decide -> notify 时限 10日 延长 5日
}
'''


@pytest.fixture(scope="module")
def compiled() -> pipeline.Compilation:
    c = pipeline.compile_source(POLICY, "deadlines.pol", origin=ROOT / "policies" / "deadlines.pol")
    assert c.ok, [str(d) for d in c.diagnostics]
    return c


@pytest.fixture(scope="module")
def module(compiled: pipeline.Compilation) -> types.ModuleType:
    return compiled.module


def test_the_data_says_what_the_text_says(module: types.ModuleType) -> None:
    steps = {s.id: s for s in module.FLOWS["permit"].steps}
    assert steps["plan"].due.date == date(2024, 10, 31)
    assert steps["plan"].due.year_from == "成文日期 2024-03-01"
    assert steps["summary"].due.date == date(2024, 12, 17)  # 前（不含）: the day before
    assert steps["weekly"].due[:3] == ("weekly", "每周四 17时", True)
    edges = [e for e in module.FLOWS["permit"].edges if e.src == "accepted" and e.how]
    assert [(e.amount, e.how, e.branch, e.approver) for e in edges] == [
        (20, "days", ("kind", "一般"), "head"), (30, "working_days", ("kind", "复杂"), None)]
    assert edges[0].extension == "10日"


def test_due_dates_give_base_and_latest(module: types.ModuleType) -> None:
    got = module.due_dates("permit", {"accepted": date(2024, 3, 1)}, branches={"kind": "一般"},
                           year=2025, at=datetime(2024, 3, 1, 9, 0))
    assert got["decide"] == Due(date(2024, 3, 21), date(2024, 3, 31), "head")
    assert got["plan"] == Due(date(2024, 10, 31), date(2024, 10, 31))
    assert got["summary"].base == date(2024, 12, 17)
    assert got["annual"].base == date(2025, 1, 31)
    assert got["weekly"].base == datetime(2024, 3, 7, 17, 0)  # 2024-03-01 is a Friday
    # the complex branch: 30 working days, no extension
    other = module.due_dates("permit", {"accepted": date(2024, 3, 1)},
                             branches={"kind": "复杂"}, year=2025)
    assert other["decide"].base == other["decide"].latest == date(2024, 4, 15)
    # an extension whose approver the text does not name
    notify = module.due_dates("permit", {"decide": date(2024, 3, 21)}, year=2025)["notify"]
    assert notify == Due(date(2024, 3, 31), date(2024, 4, 5), None)


def test_explain_due_dates_says_how_each_date_was_found(module: types.ModuleType) -> None:
    why = module.explain_due_dates("permit", {"accepted": date(2024, 3, 1)},
                                   branches={"kind": "一般"}, year=2025)
    assert why["decide"] == [("自 accepted 2024-03-01 起（kind 为「一般」）时限 20日：2024-03-21；"
                              "经 本行政机关负责人 批准可延长，最长 10日：最迟 2024-03-31")]
    assert why["plan"] == ["截止 10月31日前（含），年份取自成文日期 2024-03-01：2024-10-31"]
    assert why["annual"] == ["截止 1月31日前（含），年份取自输入：2025-01-31"]
    notify = module.explain_due_dates("permit", {"decide": date(2024, 3, 21)}, year=2025)
    assert notify["notify"][0].endswith("经批准（批准机关未明确）可延长，最长 5日：最迟 2024-04-05")


def test_due_dates_refuse_what_they_would_have_to_guess(module: types.ModuleType) -> None:
    with pytest.raises(InputError, match="branches"):
        module.due_dates("permit", {"accepted": date(2024, 3, 1)}, year=2025)
    with pytest.raises(InputError, match="year"):
        module.due_dates("permit", {})


def test_the_diagram_shows_both_dates_and_the_branch(compiled: pipeline.Compilation) -> None:
    assert compiled.ir is not None
    dot = flows.policy_graphs(compiled.ir)["flow_permit"]
    flat = dot.replace("\\n", "")
    assert "是否复杂事项？「一般」：时限 20日，经批准可延长，最长 10日（批准：本行政机关负责人；共至多 30日）" in flat
    assert "是否复杂事项？「复杂」：时限 30工作日" in flat
    assert "批准：" + flows.NO_APPROVER in flat
    assert "截止 10月31日前（含当日；2024年，据成文日期）" in flat
    assert "截止 2024-12-18前（不含当日）" in flat
    assert "截止 1月31日前（含当日；年份由调用方给出）" in flat
    assert "截止 每周四 17时前（含该时刻）" in flat


def test_generated_module_passes_ruff_and_mypy(compiled: pipeline.Compilation,
                                               tmp_path: Path) -> None:
    target = tmp_path / "policy_deadlines.py"
    target.write_text(compiled.python, encoding="utf-8")
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--line-length",
                           "100", "--output-format", "concise", str(target)],
                          check=False, capture_output=True, text=True)
    # the flow data is one long literal per node; only long lines are the formatter's business
    assert [ln for ln in ruff.stdout.splitlines() if ln.startswith(str(target))
            and "E501" not in ln] == []
    shim = tmp_path / "shim" / "polc"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("", encoding="utf-8")
    (shim / "runtime").symlink_to(ROOT / "runtime")
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
                           "--no-incremental", str(target)], check=False, capture_output=True,
                          text=True,
                          env={"MYPYPATH": str(tmp_path / "shim"), "PATH": "/usr/bin:/bin"})
    assert mypy.returncode == 0, mypy.stdout


# ---------------------------------------------------------------- the real policies


def _policy(name: str) -> types.ModuleType:
    c = pipeline.compile_file(ROOT / "policies" / name)
    assert c.ok, [str(d) for d in c.diagnostics]
    return c.module


def test_56_steps_are_due_by_the_dates_of_the_text() -> None:
    m = _policy("56_childcare_governance.pol")
    got = m.due_dates("governance", {})
    # 「于2022年8月30日前」「2022年9月5日前」「2022年9月8日前」, each day itself included
    assert {k: (v.base, v.latest) for k, v in got.items()} == {
        "self_check": (date(2022, 8, 30), date(2022, 8, 30)),
        "town_check": (date(2022, 9, 5), date(2022, 9, 5)),
        "district_check": (date(2022, 9, 8), date(2022, 9, 8)),
    }
    assert m.explain_due_dates("governance", {})["self_check"] == [
        "截止 2022-08-30前（含）：2022-08-30〔四（一）〕"]


def test_64_reports_are_due_in_the_notices_year_and_weekly() -> None:
    m = _policy("64_floating_population.pol")
    # 成文日期 2022-10-28: 「10月31日前」「12月18日前」 of 2022
    got = m.due_dates("campaign", {}, at=datetime(2022, 11, 3, 17, 0))
    assert got["plan_report"].base == date(2022, 10, 31)
    assert got["summary_report"].base == date(2022, 12, 18)
    # 每周四17时前（含）: asked at 17:00 on a Thursday, that very moment is still due
    assert got["weekly_report"].base == datetime(2022, 11, 3, 17, 0)
    later = m.due_dates("campaign", {}, at=datetime(2022, 11, 3, 17, 1))
    assert later["weekly_report"].base == datetime(2022, 11, 10, 17, 0)
    # without `at`, no weekly moment is made up
    assert "weekly_report" not in m.due_dates("campaign", {})


def test_the_language_server_knows_an_approver_and_a_branch_choice() -> None:
    from polc.compiler.diagnostics import Diagnostics
    from polc.compiler.syntax.builder import build
    from polc.compiler.syntax.parser import parse
    from polc.compiler.tools.lsp import index

    tree = parse(POLICY, "t.pol", Diagnostics())
    assert tree is not None
    idx = index.build(build(tree, "t.pol"), tree)
    line = next(i for i, ln in enumerate(POLICY.splitlines(), 1) if "由 head" in ln)
    text = POLICY.splitlines()[line - 1]
    approver = idx.at(line, text.index("由 head") + 3)
    assert approver is not None and approver.symbol.kind == "role" and \
        approver.symbol.name == "head"
    choice = idx.at(line, text.index("当 kind") + 3)
    assert choice is not None and choice.symbol.kind == "node" and choice.symbol.name == "kind"
