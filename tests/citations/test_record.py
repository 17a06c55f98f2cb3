"""`polc source add` and the clause parser on documents of any layout (issue 15 item 8)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from polc.compiler import pipeline
from polc.compiler.citations import sources
from polc.compiler.tools.cli import cli

from ..paths import FIXTURES, POLICIES

# a short regulation laid out in 章/条/款/项/目, written for these tests (not a real one)
REGULATION = FIXTURES / "sources" / "test_regulation.txt"
SEEDS = POLICIES / "sources"


def add(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["source", "add", *args])
    return result.exit_code, result.output


def test_source_add_records_bytes_hash_and_docno_from_the_promulgation_line(
        tmp_path: Path) -> None:
    code, out = add(str(REGULATION), "--to", str(tmp_path / "sources"))
    assert code == 0, out
    copy = tmp_path / "sources" / "test_regulation.txt"
    assert copy.read_bytes() == REGULATION.read_bytes()
    entry = sources.load_manifest(tmp_path / "sources")["test_regulation.txt"]
    # printed only as 「中华人民共和国国务院令 / 第 999 号」: found without editing the text
    assert entry.docno == "国务院令第999号" and entry.docno_in_text
    assert sources.verify(tmp_path / "sources") == []
    # the clause tree, for the drafter to confirm
    for line in ("第三条第一款", "第三条（二）1", "第三条第二款  不具备前款第（一）项",
                 "第二条第二款  本条例所称的“以上”", "附则 = 第四章"):
        assert line in out, line


def test_paragraph_after_an_item_list_belongs_to_the_article() -> None:
    notice = sources.parse_notice(REGULATION.read_text(encoding="utf-8"), "t", REGULATION)
    second = notice.sections["第三条第二款"]
    assert notice.text[second.start:second.end] == "不具备前款第（一）项规定条件的，不得申请许可。"
    last_item = notice.sections["第三条（三）"]
    assert "不具备" not in notice.text[last_item.start:last_item.end]
    # the drafting forms of a citation name the same clauses
    assert sources.find_quote(notice, "第三条第一款第（一）项", "有5辆以上专用车辆") is not None
    assert sources.find_quote(notice, "第三条第（二）项第1目", "取得相应驾驶证满三年") is not None
    assert sources.find_quote(notice, "附则", "本条例自2026年3月1日起施行") is not None
    assert sources.find_quote(notice, "第四条第一款", "二十个工作日内") is not None
    assert sources.find_quote(notice, "第三条（三）", "不得申请许可") is None
    # chapters group articles without renaming them
    assert sources.find_quote(notice, "第二章", "有5辆以上专用车辆") is not None
    assert notice.warnings == ()
    # the quote is suggested at its deepest clause
    assert sources.suggest_clause(notice, "不得申请许可") == "第三条第二款"


def test_seed_notice_paragraph_after_items() -> None:
    notice = sources.load_notice(SEEDS, "54")
    assert sources.clause_exists(notice, "第九条第二款（一）")
    # an old citation of the item without its paragraph still finds the one it means
    assert sources.find_quote(notice, "第九条（一）", "处理处罚决定的执行情况") is not None
    assert sources.find_quote(notice, "第九条第一款", "必要时可实地复查") is not None


REGULATION_POLICY = """文号 "国务院令第999号"
标题 "测试危险物品运输管理条例"
约定 以上 含本数 引 第二条第二款 「所称的“以上”包括本数」
输入 vehicles "专用车辆数" : 计数
  引 第三条第一款第（一）项 「有5辆以上专用车辆」
决策 vehicles_ok "车辆条件" (vehicles) : 是否
  引 第三条（一） 「有5辆以上专用车辆」
{
  结果 vehicles 5 以上
}
"""


def test_a_policy_of_the_regulation_checks_clean(tmp_path: Path) -> None:
    assert add(str(REGULATION), "--to", str(tmp_path / "sources"))[0] == 0
    pol = tmp_path / "reg.pol"
    pol.write_text(REGULATION_POLICY, encoding="utf-8")
    problems = [f"{d.code} {d.message}" for d in pipeline.compile_file(pol).diagnostics
                if d.severity in ("error", "warning")]
    assert problems == []
    pol.write_text(REGULATION_POLICY.replace("结果 vehicles 5 以上", "结果 vehicles 6 以上"),
                   encoding="utf-8")
    assert "E413" in [d.code for d in pipeline.compile_file(pol).diagnostics]


def test_docno_not_printed_is_declared(tmp_path: Path) -> None:
    text = tmp_path / "plan.txt"
    text.write_text("某县产业扶持办法\n一、每亩补助100元。\n", encoding="utf-8")
    code, out = add(str(text), "--to", str(tmp_path / "sources"))
    assert code == 2 and "no 文号 found" in out and not (tmp_path / "sources").exists()
    code, out = add(str(text), "--to", str(tmp_path / "sources"), "--docno", "某政办发〔2023〕7号")
    assert code == 0 and "declared in the manifest" in out
    raw = json.loads((tmp_path / "sources" / "MANIFEST.json").read_text(encoding="utf-8"))
    assert raw["files"]["plan.txt"]["docno_in_text"] is False
    assert sources.verify(tmp_path / "sources") == []


def test_refusals_write_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    assert add(str(REGULATION), "--to", str(folder))[0] == 0
    manifest = (folder / "MANIFEST.json").read_bytes()
    other = tmp_path / "test_regulation.txt"
    other.write_bytes(REGULATION.read_bytes() + "（修改）\n".encode())
    code, out = add(str(other), "--to", str(folder))
    assert code == 2 and "a different file of that name" in out
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("海政办发〔2022〕1号".encode("gbk"))
    code, out = add(str(gbk), "--to", str(folder))
    assert code == 2 and "not UTF-8" in out
    assert (folder / "MANIFEST.json").read_bytes() == manifest
    assert sorted(p.name for p in folder.iterdir()) == ["MANIFEST.json", "test_regulation.txt"]
    # the same bytes again: recorded as they were
    assert add(str(REGULATION), "--to", str(folder))[0] == 0
    assert (folder / "MANIFEST.json").read_bytes() == manifest


@pytest.mark.parametrize(("text", "docno"), [
    ("苏政发〔2022〕1号\n", "苏政发〔2022〕1号"),
    ("关于……的通知\n财税〔2019〕13号\n", "财税〔2019〕13号"),
    ("财税[2019]13号\n", "财税[2019]13号"),
    ("中华人民共和国主席令\n第 二十九 号\n", "主席令第二十九号"),
    ("（2019年3月2日中华人民共和国国务院令第708号公布）\n", "国务院令第708号"),
])
def test_docno_of_any_issuer(text: str, docno: str) -> None:
    assert sources.find_docnos(text)[0] == docno
    assert sources.has_docno(text, docno)


def test_seed_notices_recorded_as_the_repository_records_them(tmp_path: Path) -> None:
    manifest = sources.load_manifest(SEEDS)
    for name in manifest:
        code, out = add(str(SEEDS / name), "--to", str(tmp_path / "s"))
        assert code == 0, out
    assert sources.load_manifest(tmp_path / "s") == manifest


def test_load_notice_by_the_full_order_form(tmp_path: Path) -> None:
    shutil.copy(REGULATION, tmp_path / "r.txt")
    assert add(str(tmp_path / "r.txt"), "--to", str(tmp_path / "s"))[0] == 0
    notice = sources.load_notice(tmp_path / "s", "中华人民共和国国务院令第999号")
    assert notice.docno == "国务院令第999号"
    assert sources.load_notice(tmp_path / "s", "999号").path.name == "r.txt"
