"""Citation verification (compiler/citations/verify.py): each check fails when it should."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from polc.compiler import pipeline
from polc.compiler.citations import verify as citations
from polc.compiler.citations.record import add_source
from polc.compiler.diagnostics import Diagnostic, Diagnostics
from polc.compiler.syntax import parse_module
from polc.compiler.tools.cli import cli

from ..paths import ROOT as REPO

POLICY_55 = REPO / "policies" / "55_overseas_labor_emergency.pol"
SOURCES = REPO / "policies" / "sources"


def compile_variant(tmp_path: Path, old: str, new: str, *, count: int = 1) -> list[Diagnostic]:
    """Compile policy 55 with `old` replaced by `new` (`count` times), next to a copy of the
    notice texts, and return its errors."""
    text = POLICY_55.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    (tmp_path / "sources").exists() or shutil.copytree(SOURCES, tmp_path / "sources")
    pol = tmp_path / "55.pol"
    pol.write_text(text.replace(old, new, count), encoding="utf-8")
    compiled = pipeline.compile_file(pol)
    return [d for d in compiled.diagnostics if d.severity == "error"]


def codes(diags: list[Diagnostic]) -> list[str]:
    return [d.code for d in diags]


def test_unchanged_copy_is_clean(tmp_path: Path) -> None:
    assert compile_variant(tmp_path, "文号", "文号") == []


def test_quote_changed_by_one_character_is_E411(tmp_path: Path) -> None:
    errors = compile_variant(tmp_path, "「涉及400人以上」", "「涉及40O人以上」")
    assert codes(errors) == ["E411"]
    d = errors[0]
    assert "涉及40O人以上" in d.message and "海政办发〔2022〕55号" in d.message
    assert "例 severity" in d.message  # names the rule
    assert "涉及400人以上" in d.hint  # the closest text
    assert d.span.line > 1


def test_quote_changed_in_a_rule_is_E411(tmp_path: Path) -> None:
    errors = compile_variant(tmp_path, "「可能发生涉及400人以上的风险信息」",
                             "「可能发生涉及400人以上的风险讯息」")
    assert codes(errors) == ["E411"]
    assert "级别 I" in errors[0].message


def test_number_in_rule_not_in_quote_is_E413(tmp_path: Path) -> None:
    errors = compile_variant(tmp_path, "possible_people_involved 400人以上\n",
                             "possible_people_involved 401人以上\n")
    # the rule changed, the quote did not: the checker names the number and places it
    e413 = [d for d in errors if d.code == "E413"]
    assert len(e413) == 1
    assert "401人" in e413[0].message and "海政办发〔2022〕55号" in e413[0].message
    src = (tmp_path / "55.pol").read_text(encoding="utf-8").splitlines()
    line = src[e413[0].span.line - 1]
    assert line[e413[0].span.col - 1:].startswith("401人")


def test_threshold_word_not_in_quote_is_E414(tmp_path: Path) -> None:
    # 超过 excludes 400 where the notice's 以上 includes it: a wrong answer at the boundary
    errors = compile_variant(tmp_path, "possible_people_involved 400人以上\n",
                             "possible_people_involved 超过 400人\n")
    e414 = [d for d in errors if d.code == "E414"]
    assert len(e414) == 1 and "超过" in e414[0].message
    assert "E413" not in codes(errors)


def test_amount_with_units_must_match_quote(tmp_path: Path) -> None:
    errors = compile_variant(tmp_path, "IV => occurred_at + 0.5小时", "IV => occurred_at + 1.5小时")
    assert "E413" in codes(errors)


def test_citation_to_wrong_clause_is_E412_with_the_right_clause(tmp_path: Path) -> None:
    errors = compile_variant(tmp_path, "引 一（四）2（2） 「涉及300人以上400人以下」",
                             "引 一（四）2（1） 「涉及300人以上400人以下」")
    assert codes(errors) == ["E412"]
    assert errors[0].hint == "the quote is at 一（四）2（2）, not 一（四）2（1）"


def test_citation_to_missing_clause_is_E412(tmp_path: Path) -> None:
    errors = compile_variant(tmp_path, "引 三（二）1 「可能发生涉及400人以上的风险信息」",
                             "引 三（九）1 「可能发生涉及400人以上的风险信息」")
    assert codes(errors) == ["E412"]
    assert "没有条款 三（九）1" in errors[0].message and "三（二）1" in errors[0].hint


def test_unknown_docno_is_E410(tmp_path: Path) -> None:
    errors = compile_variant(tmp_path, '文号 "海政办发〔2022〕55号"', '文号 "海政办发〔2022〕99号"')
    assert codes(errors) == ["E410"]
    assert "海政办发〔2022〕99号" in errors[0].message


def test_source_edited_after_its_hash_was_recorded(tmp_path: Path) -> None:
    shutil.copytree(SOURCES, tmp_path / "sources")
    notice = tmp_path / "sources" / "55.txt"
    text = notice.read_text(encoding="utf-8")
    notice.write_text(text.replace("涉及400人以上", "涉及500人以上", 1), encoding="utf-8")
    errors = compile_variant(tmp_path, "文号", "文号")
    e416 = [d for d in errors if d.code == "E416"]
    assert len(e416) == 1 and "55.txt" in e416[0].message
    # and the quotes of that clause no longer match the edited text
    assert "E411" in codes(errors)


def test_another_source_edited_is_E417(tmp_path: Path) -> None:
    shutil.copytree(SOURCES, tmp_path / "sources")
    other = tmp_path / "sources" / "58.txt"
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    errors = compile_variant(tmp_path, "文号", "文号")
    assert codes(errors) == ["E417"] and "58.txt" in errors[0].message


def _run_check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    return result.exit_code, result.output


def test_no_sources_folder_is_an_error_that_says_so(tmp_path: Path) -> None:
    pol = tmp_path / "55.pol"
    pol.write_text(POLICY_55.read_text(encoding="utf-8"), encoding="utf-8")
    compiled = pipeline.compile_file(pol)
    assert [d.code for d in compiled.diagnostics if d.severity != "note"] == ["E419"]
    assert not compiled.ok
    code, out = _run_check(str(pol))
    assert code == 1 and "没有找到 sources/ 目录" in out and "polc source add" in out


def test_sources_folder_without_manifest_is_E418(tmp_path: Path) -> None:
    # issue 19: the folder holds the notice text but no MANIFEST.json
    (tmp_path / "sources").mkdir()
    shutil.copy(SOURCES / "55.txt", tmp_path / "sources" / "55.txt")
    pol = tmp_path / "55.pol"
    pol.write_text(POLICY_55.read_text(encoding="utf-8"), encoding="utf-8")
    errors = [d for d in pipeline.compile_file(pol).diagnostics if d.severity == "error"]
    assert codes(errors) == ["E418"]
    assert "MANIFEST.json" in errors[0].message and "sources" in errors[0].message
    code, out = _run_check(str(pol))
    assert code == 1 and "E418" in out


def test_manifest_without_the_docno_is_E410_naming_the_manifest(tmp_path: Path) -> None:
    errors = compile_variant(tmp_path, '文号 "海政办发〔2022〕55号"', '文号 "海政办发〔2022〕99号"')
    assert codes(errors) == ["E410"]
    assert "MANIFEST.json 中没有文号 海政办发〔2022〕99号 的条目" in errors[0].message


def test_unreadable_manifest_is_E421(tmp_path: Path) -> None:
    shutil.copytree(SOURCES, tmp_path / "sources")
    (tmp_path / "sources" / "MANIFEST.json").write_text("{not json", encoding="utf-8")
    assert codes(compile_variant(tmp_path, "文号", "文号")) == ["E421"]


def test_listed_file_missing_is_E422(tmp_path: Path) -> None:
    shutil.copytree(SOURCES, tmp_path / "sources")
    (tmp_path / "sources" / "55.txt").unlink()
    assert codes(compile_variant(tmp_path, "文号", "文号")) == ["E422"]


def test_docno_missing_from_text_is_E423_not_a_hash_problem(tmp_path: Path) -> None:
    shutil.copytree(SOURCES, tmp_path / "sources")
    manifest = tmp_path / "sources" / "MANIFEST.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["files"]["55.txt"]["docno"] = "海政办发〔2022〕155号"
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    errors = compile_variant(tmp_path, '文号 "海政办发〔2022〕55号"', '文号 "海政办发〔2022〕155号"')
    assert codes(errors) == ["E423"]
    assert "155号" in errors[0].message and "哈希" not in errors[0].message
    # declared in the manifest, the 文号 need not be printed in the text
    data["files"]["55.txt"]["docno_in_text"] = False
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert compile_variant(tmp_path, '文号 "海政办发〔2022〕55号"',
                           '文号 "海政办发〔2022〕155号"') == []


def test_opt_out_header_is_visible(tmp_path: Path) -> None:
    pol = tmp_path / "55.pol"
    text = POLICY_55.read_text(encoding="utf-8")
    pol.write_text(text.replace("标题 ", '引文未核对 "原文尚未取得"\n标题 ', 1), encoding="utf-8")
    compiled = pipeline.compile_file(pol)
    assert [d.code for d in compiled.diagnostics if d.severity != "note"] == ["W418"]
    assert compiled.ok
    code, out = _run_check(str(pol))
    assert code == 0 and "quotes not verified" in out and "原文尚未取得" in out
    # a reason is required
    pol.write_text(text.replace("标题 ", '引文未核对 ""\n标题 ', 1), encoding="utf-8")
    assert "E420" in codes(pipeline.compile_file(pol).diagnostics)


def test_no_sources_flag_is_stated_in_the_summary(tmp_path: Path) -> None:
    pol = tmp_path / "55.pol"
    pol.write_text(POLICY_55.read_text(encoding="utf-8"), encoding="utf-8")
    code, out = _run_check("--no-sources", str(pol))
    assert code == 0 and out.rstrip().endswith("quotes not verified (--no-sources)")
    code, out = _run_check("--no-sources", "--format", "json", str(pol))
    assert json.loads(out)["quotes_verified"] is False


UNITLESS = """文号 "海政办发〔2022〕58号"
标题 "t"
输入 rank "排名" : 计数 取值 [1, ∞)
决策 reward "奖励" (rank) : 金额
  引 二（一） 「对季末普惠金融贷款余额占比排名进入系统前三名的，分别给予5万、4万、3万元奖励。」
{
  结果 查表 (rank) {
    [1, RANK] => 5万元
      引 二（一） 「对季末普惠金融贷款余额占比排名进入系统前三名的，分别给予5万、4万、3万元奖励。」
    否则 => 0元 引 二（一） 「分别给予5万、4万、3万元奖励」
  }
}
"""


@pytest.mark.parametrize(("rank", "ok"), [("3", True), ("4", True), ("6", False), ("777", False)])
def test_unitless_number_missing_from_its_quote_is_E413(tmp_path: Path, rank: str,
                                                         ok: bool) -> None:
    # issue 19: [100, 777] citing 「一次性奖励企业100元/亩」 passed; a bare number is checked
    # now (前三名 states the ranks 1-3 and the complement from 4)
    shutil.copytree(SOURCES, tmp_path / "sources")
    pol = tmp_path / "t.pol"
    pol.write_text(UNITLESS.replace("RANK", rank), encoding="utf-8")
    errors = [d for d in pipeline.compile_file(pol).diagnostics if d.severity == "error"]
    if ok:
        assert errors == []
    else:
        assert codes(errors) == ["E413"] and f"用了 {rank}，" in errors[0].message


def test_examples_need_not_quote_their_inputs(tmp_path: Path) -> None:
    # 例 severity(people_involved = 399人 …) quotes "300人以上400人以下": no E413 for 399
    assert compile_variant(tmp_path, "文号", "文号") == []
    module = parse_module(POLICY_55.read_text(encoding="utf-8"), "55.pol", Diagnostics())
    assert module is not None
    rules = citations.rules(module)
    assert any(r.example for r in rules) and any(r.quantities for r in rules if not r.example)


@pytest.mark.parametrize(("number", "unit", "quote", "ok"), [
    ("400", "人", "涉及400人以上", True),
    ("40", "人", "涉及400人以上", False),
    ("1.5", "万元", "分别给予1.5万、1万", True),
    ("1", "万元", "分别给予1.5万、1万", True),
    ("5", "万元", "分别给予1.5万", False),
    ("20", "%", "不超过20％", True),
    ("15", "工作日", "15个工作日内", True),
    ("3", "年", "满三年", True),
    ("10", "日", "10天内", True),
    ("7", "日", "1周内", True),
    ("8", "日", "1周内", False),
    ("15", "工作日", "十五个工作日内", True),
    ("3", "年", "前三年", True),
    ("120", "日", "一百二十日内", True),
    ("3", None, "第三梯队", True),
    ("3", None, "排名第13", False),
    ("100", None, "一次性奖励企业100元/亩", True),
    ("777", None, "一次性奖励企业100元/亩", False),
    ("0.5", None, "奖励减半", True),
    # units a policy declares (单位) are matched like the built-in ones
    ("2", "垧", "面积达到2垧以上", True),
    ("20", "垧", "面积达到2垧以上", False),
    ("3", "标准箱", "每3个标准箱", True),
])
def test_number_matching(number: str, unit: str | None, quote: str, ok: bool) -> None:
    q = citations.A.Quantity(number, unit, citations.Span("t", 1, 1, 1, 2))
    text = citations.sources.normalise(quote).translate(citations._FULLWIDTH)
    assert citations._mentions(text, q) is ok


DECLARED_NOTICE = """测试县关于轮作补助的通知（测试样例）
测试农〔2026〕2号

一、本通知所称面积以亩计，1垧按15亩折算。
二、轮作面积达到2垧以上的，按每亩150元给予补助。
"""
DECLARED = """文号 "测试农〔2026〕2号"
单位 垧 = 15亩
  引 一 「1垧按15亩折算」
输入 area "轮作面积" : 数量(亩)
  引 二 「轮作面积」
决策 subsidy "补助" (area) : 金额
  引 二 「轮作面积达到2垧以上的，按每亩150元给予补助」
{
  结果 若 area 达到 2垧 以上 则 area × 150元/亩 否则 0元
}
"""


@pytest.mark.parametrize(("old", "new", "number"), [
    ("", "", None),
    ("单位 垧 = 15亩", "单位 垧 = 16亩", "16亩"),                      # the unit's own number
    ("area 达到 2垧 以上", "area 达到 3垧 以上", "3垧"),               # a quantity in it
])
def test_numbers_in_declared_units_are_checked_against_their_quotes(
        tmp_path: Path, old: str, new: str, number: str | None) -> None:
    (tmp_path / "notice.txt").write_text(DECLARED_NOTICE, encoding="utf-8")
    add_source(tmp_path / "notice.txt", tmp_path / "sources")
    pol = tmp_path / "t.pol"
    pol.write_text(DECLARED.replace(old, new), encoding="utf-8")
    errors = [d for d in pipeline.compile_file(pol).diagnostics if d.severity == "error"]
    if number is None:
        assert errors == []
    else:
        assert codes(errors) == ["E413"] and f"用了 {number}，" in errors[0].message


def test_polc_check_is_clean_on_the_real_policies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["check", "--format", "json", "policies"])
    report = json.loads(result.output)
    problems = [f"{f['path']}:{d['line']}: {d['code']} {d['message']}"
                for f in report["files"] for d in f["diagnostics"]
                if d["severity"] in ("error", "warning")]
    # the illustrative revision (docs/versions.md) has no notice: it says so, visibly
    illustrative = [p for p in problems
                    if p.startswith("policies/60_public_rental_housing_2023.pol:")]
    assert len(illustrative) == 1 and " W418 " in illustrative[0]
    # and 56's self-check is due before the notice was written: true to its text
    # (tests/analysis/test_deadlines.py), for the reviewer to see
    w611 = ("policies/56_childcare_governance.pol:149: W611 步骤 self_check 截止 2022-08-30前，"
            "早于 成文日期 2022-09-02：印发时已经过期")
    assert [p for p in problems if p not in illustrative] == [w611]
    assert report["series_diagnostics"] == []
    assert result.exit_code == 0
