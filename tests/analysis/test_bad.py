"""Programs the analyses find fault with: tests/analysis/bad/*.pol (see tests/corpus.py),
and defects seeded into a real policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from polc.compiler import pipeline
from polc.compiler.diagnostics import render

from ..corpus import cases, check
from ..paths import POLICIES

CASES = cases(Path(__file__).resolve().parent / "bad")


def rendered(text: str, name: str) -> str:
    compiled = pipeline.compile_source(text, name, verify_sources=False)
    return "".join(render(d, {name: compiled.source}) + "\n" for d in compiled.diagnostics)


def test_corpus_is_there() -> None:
    assert len(CASES) >= 5


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_program(path: Path) -> None:
    check(path, rendered)


# ---------------------------------------------------------------- seeded defects
REF = POLICIES / "55_overseas_labor_emergency.pol"
SEEDS = [
    # (name, old text, new text, expected code, expected line; 55's header cites its
    # 施行日期 on two lines)
    ("nonmonotone", "people_involved 300人以上400人以下，", "people_involved 200人以上300人以下，",
     "W607", 68),
    ("gap_and_shadow", "III 若 possible_people_involved 200人以上300人以下",
     "III 若 possible_people_involved 300人以上", "W601", 124),
    ("gap_and_shadow", "III 若 possible_people_involved 200人以上300人以下",
     "III 若 possible_people_involved 300人以上", "W605", 129),
    # 55's commander is a 分级负责 (a grade twice is the checker's E243): seed warning_color
    ("duplicate_row", "    III => yellow 引 三（三） 「黄色（Ⅲ级）」\n",
     "    III => yellow 引 三（三） 「黄色（Ⅲ级）」\n    II => blue\n", "E604", 143),
    ("overlap", "    IV => blue 引 三（三） 「蓝色（Ⅳ级）」\n",
     "    IV => blue 引 三（三） 「蓝色（Ⅳ级）」\n    * => blue\n", "E602", 144),
    ("unit", "possible_people_involved 400人以上", "possible_people_involved 400元以上",
     "E204", 125),
    ("undefined", "I 若 possible_people_involved", "I 若 possible_people_involve", "E110", 125),
]


@pytest.mark.parametrize("name,old,new,code,line", SEEDS, ids=[s[0] + s[3] for s in SEEDS])
def test_seeded_into_real_policy(name: str, old: str, new: str, code: str, line: int) -> None:
    text = REF.read_text(encoding="utf-8")
    assert old in text
    compiled = pipeline.compile_source(text.replace(old, new, 1), "55.pol", verify_sources=False)
    found = [(d.code, d.span.line) for d in compiled.diagnostics]
    assert (code, line) in found, found


def test_real_policies_have_no_analysis_findings() -> None:
    found = []
    for path in sorted(POLICIES.glob("*.pol")):
        compiled = pipeline.compile_source(path.read_text(encoding="utf-8"), path.name,
                                         verify_sources=False)
        found += [(path.name, d.code) for d in compiled.diagnostics if d.code[1] == "6"]
    # the one: 56's 四（一） sets 2022年8月30日前 in a notice dated 2022年9月2日, a true
    # finding about the text (tests/analysis/test_deadlines.py)
    assert found == [("56_childcare_governance.pol", "W611")]
