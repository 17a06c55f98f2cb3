"""Tests for polc.compiler.citations.sources against the real notice files in policies/sources/."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from polc.compiler.citations.sources import (
    NOTICE_PATH,
    PREAMBLE_PATH,
    SourceError,
    clause_exists,
    find_quote,
    load_manifest,
    load_notice,
    locate_quote,
    normalise,
    normalise_with_offsets,
    suggest_clause,
    verify,
)

from ..paths import ROOT as REPO

SOURCES = REPO / "policies" / "sources"
SEED = REPO.parent / "shared" / "seeds" / "000_928f4559c319cd7b.txt"

EXPECTED_FILES = {
    "43.txt": "海政办发〔2022〕43号",
    "54.txt": "海政办发〔2022〕54号",
    "55.txt": "海政办发〔2022〕55号",
    "56.txt": "海政办发〔2022〕56号",
    "57.txt": "海政办发〔2022〕57号",
    "58.txt": "海政办发〔2022〕58号",
    "59.txt": "海政办发〔2022〕59号",
    "60.txt": "海政办发〔2022〕60号",
    "61.txt": "海政办发〔2022〕61号",
    "62.txt": "海政办发〔2022〕62号",
    "63.txt": "海政办发〔2022〕63号",
    "64.txt": "海政办发〔2022〕64号",
    "gan18.txt": "海政干〔2022〕18号",
}



def _seed() -> Path:
    # CI lays shared/ beside the clone, as the sessions have it; a missing seed is a
    # broken set-up, not a reason to pass quietly
    assert SEED.exists(), f"the gazette issue is expected at {SEED} (../shared/seeds)"
    return SEED


def _copy_sources(tmp_path: Path) -> Path:
    dst = tmp_path / "sources"
    shutil.copytree(SOURCES, dst)
    return dst


# --------------------------------------------------------------------------- manifest


def test_manifest_lists_every_notice() -> None:
    manifest = load_manifest(SOURCES)
    assert {name: e.docno for name, e in manifest.items()} == EXPECTED_FILES
    assert json.loads((SOURCES / "MANIFEST.json").read_text(encoding="utf-8"))["seed"] == (
        "000_928f4559c319cd7b.txt"
    )


def test_manifest_file_format() -> None:
    raw = (SOURCES / "MANIFEST.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert raw == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_every_manifest_hash_verifies() -> None:
    assert verify(SOURCES) == []
    for name, entry in load_manifest(SOURCES).items():
        assert hashlib.sha256((SOURCES / name).read_bytes()).hexdigest() == entry.sha256


def test_source_files_end_with_one_newline() -> None:
    for name in EXPECTED_FILES:
        text = (SOURCES / name).read_text(encoding="utf-8")
        assert text.endswith("\n") and not text.endswith("\n\n"), name


def test_each_file_carries_its_docno_line() -> None:
    for name, docno in EXPECTED_FILES.items():
        lines = [ln.strip() for ln in (SOURCES / name).read_text(encoding="utf-8").splitlines()]
        assert lines.count(docno) == 1, name
        # No other notice's 文号 leaked into this file.
        others = [d for d in EXPECTED_FILES.values() if d != docno]
        assert not any(ln in others for ln in lines), name


def test_edited_copy_is_reported_by_name(tmp_path: Path) -> None:
    src = _copy_sources(tmp_path)
    target = src / "55.txt"
    recorded = load_manifest(src)["55.txt"].sha256
    text = target.read_text(encoding="utf-8")
    edited = text.replace("涉及400人以上", "涉及401人以上", 1)
    assert edited != text
    target.write_text(edited, encoding="utf-8")
    actual = hashlib.sha256(target.read_bytes()).hexdigest()

    errors = verify(src)
    assert len(errors) == 1
    err = errors[0]
    assert isinstance(err, SourceError)
    assert Path(err.path).name == "55.txt"
    assert "55.txt" in err.message
    assert recorded in err.message and actual in err.message
    assert "55.txt" in str(err)


def test_missing_and_unlisted_files_are_reported(tmp_path: Path) -> None:
    src = _copy_sources(tmp_path)
    (src / "56.txt").unlink()
    (src / "99.txt").write_text("关于……的通知\n", encoding="utf-8")
    messages = {Path(e.path).name: e.message for e in verify(src)}
    assert set(messages) == {"56.txt", "99.txt"}
    assert "missing" in messages["56.txt"]
    assert "not listed" in messages["99.txt"]


def test_missing_manifest_is_reported(tmp_path: Path) -> None:
    src = _copy_sources(tmp_path)
    (src / "MANIFEST.json").unlink()
    errors = verify(src)
    assert len(errors) == 1 and errors[0].path.endswith("MANIFEST.json")
    with pytest.raises(SourceError):
        load_notice(src, "55")


# --------------------------------------------------------------------------- the seed


def test_docnos_match_the_seed() -> None:
    seed = _seed().read_text(encoding="utf-8")
    seed_docnos = [
        ln.strip()
        for ln in seed.split("\n大事记\n", 1)[0].splitlines()
        if re.fullmatch(r"\s*[\u4e00-\u9fff]+〔\d{4}〕\d+号\s*", ln)
    ]
    assert sorted(seed_docnos) == sorted(EXPECTED_FILES.values())
    for name, docno in EXPECTED_FILES.items():
        text = (SOURCES / name).read_text(encoding="utf-8")
        # Each file is a verbatim slice of the seed, and its 文号 is the one the seed gives it.
        assert text.rstrip("\n") in seed, name
        assert load_notice(SOURCES, docno).path.name == name


def test_split_script_reproduces_the_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "split_sources.py"), str(_seed()), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    produced = sorted(p.name for p in out.iterdir())
    assert produced == sorted([*EXPECTED_FILES, "MANIFEST.json"])
    for name in produced:
        assert (out / name).read_bytes() == (SOURCES / name).read_bytes(), name


def test_gazette_furniture_left_out() -> None:
    everything = "".join((SOURCES / n).read_text(encoding="utf-8") for n in EXPECTED_FILES)
    assert "以正式发文为准" not in everything
    assert "大事记" not in everything
    assert "人事任免" not in everything


# --------------------------------------------------------------------------- loading


@pytest.mark.parametrize("query", ["55", "55号", "海政办发〔2022〕55号", " 海政办发〔2022〕55号\n"])
def test_load_notice_accepts_short_forms(query: str) -> None:
    notice = load_notice(SOURCES, query)
    assert notice.docno == "海政办发〔2022〕55号"
    assert notice.path.name == "55.txt"


def test_load_notice_other_series() -> None:
    assert load_notice(SOURCES, "海政干〔2022〕18号").path.name == "gan18.txt"
    assert load_notice(SOURCES, "gan18").docno == "海政干〔2022〕18号"
    assert load_notice(SOURCES, "18号").docno == "海政干〔2022〕18号"


def test_load_notice_unknown() -> None:
    with pytest.raises(SourceError) as info:
        load_notice(SOURCES, "99")
    assert "99" in str(info.value)


def test_load_notice_is_cached_and_notices_edits(tmp_path: Path) -> None:
    assert load_notice(SOURCES, "55") is load_notice(SOURCES, "55")
    src = _copy_sources(tmp_path)
    before = load_notice(src, "55")
    target = src / "55.txt"
    target.write_text(
        target.read_text(encoding="utf-8").replace("涉及400人以上", "涉及401人以上", 1),
        encoding="utf-8",
    )
    after = load_notice(src, "55")
    assert after is not before
    assert find_quote(after, "一（四）2（1）", "涉及401人以上") is not None
    assert find_quote(after, "一（四）2（1）", "涉及400人以上") is None


def test_parse_is_clean_for_every_notice() -> None:
    """No gaps, repeats or skipped levels in any notice's numbering."""
    for docno in EXPECTED_FILES.values():
        notice = load_notice(SOURCES, docno)
        assert notice.warnings == (), (docno, notice.warnings)


# --------------------------------------------------------------------------- clauses


@pytest.mark.parametrize(
    ("docno", "clause", "quote"),
    [
        ("55", "一（四）2（1）", "涉及400人以上"),
        ("55", "一（四）2", "本条所称“以上”包括本数"),
        ("54", "第七条", "15个工作日内"),
        ("54", "第十四条（五）", "约谈"),
        ("58", "六（二）3", "纳税额超2亿元的，奖励25万元"),
        ("63", "附件三（一）1（3）", "单户最高补助总额不超过1000万元"),
        ("63", "附件三（一）4（2）", "环比增长60%（含）以上的，按增量的80%给予奖励"),
        ("60", "一（一）5", "孤儿年满18周岁（含）"),
        ("64", "三（二）", "11月1日至11月25日"),
        ("58", "一1", "季度考核对象：银行机构"),
        ("63", "三4", "一事一议"),
        ("56", "二（四）", "未备案的幼儿园托班"),
        ("57", "三（五）2", "严禁超标粮食流入口粮市场"),
        ("62", "三（十二）", "加大高企政策宣传"),
    ],
)
def test_clause_contains_quote(docno: str, clause: str, quote: str) -> None:
    notice = load_notice(SOURCES, docno)
    assert clause_exists(notice, clause)
    match = find_quote(notice, clause, quote)
    assert match is not None
    assert match.clause == clause
    assert notice.text[match.start : match.end] == quote
    section = notice.sections[clause]
    assert section.start <= match.start < match.end <= section.end
    assert match.line == notice.text.count("\n", 0, match.start) + 1
    line_text = notice.text.split("\n")[match.line - 1]
    assert quote in line_text


def test_section_bounds_and_headings() -> None:
    notice = load_notice(SOURCES, "55")
    sec = notice.sections["一（四）2（1）"]
    assert sec.heading.startswith("（1）特别重大事件（Ⅰ级）")
    assert notice.text[sec.start : sec.end] == sec.heading
    parent = notice.sections["一（四）2"]
    assert parent.heading.startswith("2.按照境外劳务纠纷")
    assert notice.text[parent.start : parent.end].endswith("（下同）")
    assert notice.sections["一（四）"].heading == "（四）事件分类分级"
    # Children lie inside their parents; siblings do not overlap.
    for path, child in notice.sections.items():
        for ppath, par in notice.sections.items():
            if path != ppath and path.startswith(ppath) and ppath not in (NOTICE_PATH,):
                if ppath == PREAMBLE_PATH:
                    continue
                assert par.start <= child.start and child.end <= par.end, (ppath, path)
    assert notice.sections["一（四）2（1）"].end <= notice.sections["一（四）2（2）"].start


def test_articles_and_their_items() -> None:
    notice = load_notice(SOURCES, "54")
    assert [p for p in notice.sections if p.startswith("第")][:4] == [
        "第一条",
        "第二条",
        "第三条",
        "第四条",
    ]
    assert notice.sections["第十四条"].heading.startswith("第十四条 对被审计单位")
    assert not clause_exists(notice, "（五）")
    assert not clause_exists(notice, "十四（五）")
    assert find_quote(notice, "第十四条", "约谈") is not None  # subsections included
    assert find_quote(notice, "第十三条", "约谈") is None


def test_attachment_restarts_numbering() -> None:
    notice = load_notice(SOURCES, "63")
    assert notice.sections["附件"].heading.startswith("附件：关于推动总部(楼宇)经济发展的奖补办法")
    # The main document has no 三（一）; the attachment does.
    assert not clause_exists(notice, "三（一）1（3）")
    assert clause_exists(notice, "附件三（一）1（3）")
    assert find_quote(notice, "附件", "为高质量对接沪苏") is not None
    assert find_quote(notice, "附件一", "为高质量对接沪苏") is None
    # The main document's last section stops where the attachment begins.
    assert find_quote(notice, "四4", "奖补办法") is None
    assert find_quote(notice, "四4", "完善考核体系") is not None


def test_preamble_and_notice_pseudo_sections() -> None:
    n55 = load_notice(SOURCES, "55")
    assert find_quote(n55, NOTICE_PATH, "经区政府同意，现予印发") is not None
    assert find_quote(n55, NOTICE_PATH, "2022年9月14日") is not None
    assert find_quote(n55, NOTICE_PATH, "编制目的") is None
    assert (
        find_quote(n55, PREAMBLE_PATH, "南通市海门区境外劳务纠纷及相关突发事件应急工作预案")
        is not None
    )
    assert find_quote(n55, PREAMBLE_PATH, "编制目的") is None
    n56 = load_notice(SOURCES, "56")
    assert find_quote(n56, "序言", "结合我区实际，制定如下工作方案") is not None
    # 60 is a notice without a wrapper: the notice proper is the whole file.
    n60 = load_notice(SOURCES, "60")
    assert find_quote(n60, "通知", "本通知从2022年10月1日起施行") is not None
    assert find_quote(n60, "序言", "现将南通市海门区2022年度公共租赁住房申请条件") is not None
    # A notice without numbered clauses has only the pseudo-sections.
    n59 = load_notice(SOURCES, "59")
    assert set(n59.sections) == {NOTICE_PATH, PREAMBLE_PATH}
    assert find_quote(n59, "通知", "主  任：茅敏勇   区政府副区长") is not None


# --------------------------------------------------------------------------- quotes


def test_normalise_removes_all_whitespace() -> None:
    assert normalise(" 涉及\t400人\u3000以上\r\n，或 ") == "涉及400人以上，或"
    norm, offsets = normalise_with_offsets("a b\nc")
    assert norm == "abc" and offsets == (0, 2, 4)


def test_quote_spread_over_a_line_break_matches() -> None:
    notice = load_notice(SOURCES, "55")
    # In the source these sentences are on consecutive lines.
    quote = "涉及到跨县（市、区）界的应当向相邻地区通报。\n预警信息发布由区应急指挥部办公室扎口"
    match = find_quote(notice, "三（三）", quote)
    assert match is not None
    assert "\n" in notice.text[match.start : match.end]
    assert normalise(notice.text[match.start : match.end]) == normalise(quote)
    # Re-wrapped differently, with spaces and full-width spaces, it still matches.
    assert find_quote(notice, "三（三）", "应当向相邻地区\n  通报。预警信息\u3000发布") is not None
    # The title is split over a blank line in the source.
    title = "关于印发《南通市海门区境外劳务纠纷及相关突发事件应急工作预案》的通知"
    match = find_quote(notice, "通知", title)
    assert match is not None and match.line == 1 and match.start == 0


def test_quote_changed_by_one_character_does_not_match() -> None:
    notice = load_notice(SOURCES, "55")
    assert find_quote(notice, "一（四）2（1）", "涉及400人以上，或造成30人以上死亡") is not None
    assert find_quote(notice, "一（四）2（1）", "涉及400人以上，或造成31人以上死亡") is None
    assert find_quote(notice, "一（四）2（1）", "涉及400人以上,或造成30人以上死亡") is None
    assert locate_quote(notice, "涉及400人以上，或造成31人以上死亡") == []


def test_missing_clause_or_empty_quote() -> None:
    notice = load_notice(SOURCES, "55")
    assert find_quote(notice, "一（九）", "涉及400人以上") is None
    assert not clause_exists(notice, "一（九）")
    assert find_quote(notice, "一（四）2（1）", " \n ") is None
    assert locate_quote(notice, "") == []


def test_locate_quote_hints_the_right_clause() -> None:
    notice = load_notice(SOURCES, "55")
    quote = "重大事件（Ⅱ级）：涉及300人以上400人以下"
    assert find_quote(notice, "一（四）2（1）", quote) is None
    assert locate_quote(notice, quote) == ["一（四）2（2）", "一（四）2", "一（四）", "一"]
    assert suggest_clause(notice, quote) == "一（四）2（2）"
    # A phrase found in two places is reported at both, deepest first.
    places = locate_quote(notice, "涉及300人以上400人以下")
    assert places[0] == "一（四）2（2）"
    assert "三（二）2" in places
    depths = [notice.sections[p].depth for p in places]
    assert depths == sorted(depths, reverse=True)


def test_locate_quote_in_attachment() -> None:
    notice = load_notice(SOURCES, "63")
    quote = "单户最高补助总额不超过1000万元"
    assert find_quote(notice, "附件三（一）1（2）", quote) is None
    assert suggest_clause(notice, quote) == "附件三（一）1（3）"
    assert locate_quote(notice, quote)[-1] == "附件"


def test_ascii_parentheses_in_citations_are_accepted() -> None:
    notice = load_notice(SOURCES, "55")
    assert clause_exists(notice, "一(四)2(1)")
    match = find_quote(notice, "一(四)2(1)", "涉及400人以上")
    assert match is not None and match.clause == "一（四）2（1）"
