"""`polc new` (issue 15 item 9) and `polc test` on a file that does not parse (issue 19)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from polc.compiler.citations import sources
from polc.compiler.tools.cli import cli

from ..paths import FIXTURES, POLICIES

REGULATION = FIXTURES / "sources" / "test_regulation.txt"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_skeleton_of_a_seed_notice_checks_as_it_is(tmp_path: Path) -> None:
    pol = tmp_path / "p55.pol"
    code, out = run("new", str(POLICIES / "sources" / "55.txt"), "-o", str(pol))
    assert code == 0, out
    text = pol.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[:4] == ['文号 "海政办发〔2022〕55号"',
                         '标题 "关于印发《南通市海门区境外劳务纠纷及相关突发事件应急工作预案》的通知"',
                         '发文机关 "南通市海门区人民政府办公室"', "成文日期 2022-09-14"]
    # the source is recorded beside it, as `polc source add` records it
    assert sources.load_manifest(tmp_path / "sources")["55.txt"].docno == "海政办发〔2022〕55号"
    # a rule-bearing sentence with its clause and what a drafter encodes it from
    at = lines.index(next(ln for ln in lines if ln.startswith("# 一（四）2（1） ")))
    assert "涉及400人以上" in lines[at]
    assert lines[at + 1] == "#   门槛: 400人以上、30人以上、100人以上、10人以上"
    assert any(ln.startswith("#   金额: 300万元") for ln in lines)
    assert any(ln.startswith("#   责任: ") and "负责" in ln for ln in lines)
    # 「分为以下四类」 names no threshold
    assert not any("以下四类" in ln for ln in lines if ln.startswith("#   门槛"))
    code, out = run("check", str(pol))
    assert code == 0 and "0 error(s), 0 warning(s)" in out


def test_skeleton_of_a_regulation(tmp_path: Path) -> None:
    pol = tmp_path / "reg.pol"
    code, out = run("new", str(REGULATION), "-o", str(pol))
    assert code == 0, out
    text = pol.read_text(encoding="utf-8")
    assert text.startswith('文号 "国务院令第999号"\n标题 "测试危险物品运输管理条例"\n')
    assert "施行日期 2026-03-01" in text
    # the line before the date is a signature, not an issuing body: not guessed
    assert "# 发文机关: not stated plainly" in text
    assert "# 第三条第二款 (line 28) 「不具备前款第（一）项规定条件的，不得申请许可。」" in text
    assert "#   门槛: 10万元以上、20万元以下" in text
    assert "#   日期: 二十个工作日内" in text
    assert run("check", str(pol))[0] == 0


def test_new_never_overwrites(tmp_path: Path) -> None:
    pol = tmp_path / "mine.pol"
    pol.write_text("# my work\n", encoding="utf-8")
    code, out = run("new", str(REGULATION), "-o", str(pol))
    assert code == 2 and "already exists" in out
    assert pol.read_text(encoding="utf-8") == "# my work\n"
    assert not (tmp_path / "sources").exists()


def test_polc_test_reports_a_parse_error_as_a_failure(tmp_path: Path) -> None:
    pol = tmp_path / "broken.pol"
    pol.write_text('文号 "x"\n决策 d "d" (x) 金额\n', encoding="utf-8")
    code, out = run("test", str(pol))
    assert code == 1
    assert "FAIL" in out and "does not parse" in out
    assert out.rstrip().endswith("0 passed, 1 failed (1 file(s) do not compile)")
    code, out = run("test", "--format", "json", str(pol))
    report = json.loads(out)
    assert code == 1 and report["failed"] == 1 and report["not_compiled"] == 1


def test_build_report_states_unverified_quotes_and_coverage(tmp_path: Path) -> None:
    from polc.compiler import pipeline
    from polc.compiler.tools import build

    pol = tmp_path / "55.pol"
    text = (POLICIES / "55_overseas_labor_emergency.pol").read_text(encoding="utf-8")
    pol.write_text(text.replace("标题 ", '引文未核对 "原文尚未取得"\n标题 ', 1), encoding="utf-8")
    compiled = pipeline.compile_file(pol)
    assert compiled.ok
    report = build.report(compiled, "55", [], pol)
    assert "- **quotes not verified**: 原文尚未取得" in report
    assert "## Coverage\n\nnot computed: " in report
    real = POLICIES / "58_finance_assessment.pol"
    report = build.report(pipeline.compile_file(real), "58", [], real)
    section = report.split("## Coverage\n\n", 1)[1]
    assert section.startswith("海政办发〔2022〕58号 ") and "rule-bearing" in section
    assert "| 四2 | 53 | marked 外部认定（rank）：" in section
    # a copy whose marks leave 四2 uncovered and use a legacy wildcard
    shutil.copytree(POLICIES / "sources", tmp_path / "sources")
    copy = tmp_path / "58.pol"
    shutil.copy(real, copy)
    (tmp_path / "58.uncovered").write_text("六 * 结果运用：原则性规定\n", encoding="utf-8")
    report = build.report(pipeline.compile_file(copy), "58", [], copy)
    section = report.split("## Coverage\n\n", 1)[1]
    assert "| 四2 | 53 | not covered | 增设分支机构以银保监批准开业文件为准。 |" in section
    assert "- W430 " in section
