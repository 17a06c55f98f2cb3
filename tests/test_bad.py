"""The corpus of wrong programs: tests/bad/*.pol, one defect each.

Each file's expected diagnostics are the rendered `polc check --no-sources`
output, kept next to it as tests/bad/<name>.expected.  After an intended change
to a message, rewrite them with

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q -p no:polc tests/test_bad.py

and review the change with `git diff tests/bad/`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from polc.compiler import pipeline as driver
from polc.compiler.diagnostics import render

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "bad"
POLICIES = ROOT / "policies"
CASES = sorted(BAD.glob("*.pol"))


def rendered(path: Path) -> str:
    rel = path.relative_to(ROOT).as_posix()
    compiled = driver.compile_source(path.read_text(encoding="utf-8"), rel,
                                     verify_sources=False)
    return "".join(render(d, {rel: compiled.text}) + "\n" for d in compiled.diags)


def test_corpus_is_there() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_program(path: Path) -> None:
    got = rendered(path)
    assert got, f"{path.name}: no diagnostic for a wrong program"
    expected = path.with_suffix(".expected")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        expected.write_text(got, encoding="utf-8")
    assert expected.exists(), f"run with UPDATE_GOLDEN=1 to create {expected.name}"
    assert got == expected.read_text(encoding="utf-8")


def test_two_syntax_errors_both_reported() -> None:
    got = rendered(BAD / "two_syntax_errors.pol")
    assert got.count("error[E007]") == 2
    assert ":4:" in got and ":11:" in got


def test_syntax_errors_are_capped() -> None:
    text = '文号 "测试〔2024〕1号"\n' + "".join(
        f'输入 x{i} "人数" ： 计数(人)\n' for i in range(30))
    compiled = driver.compile_source(text, "many.pol", verify_sources=False)
    codes = [d.code for d in compiled.diags]
    assert codes.count("E007") == 20
    assert "E009" in codes


def test_missing_brace_then_next_item() -> None:
    text = ('文号 "测试〔2024〕1号"\n枚举 L "级" 推导 "测试" {\n  a "甲"\n'
            '输入 people "人数" ： 计数(人)\n')
    compiled = driver.compile_source(text, "brace.pol", verify_sources=False)
    lines = sorted(d.span.line for d in compiled.diags if d.severity == "error")
    assert lines == [4, 4]  # the unclosed enum at 输入, then the colon on the same line


# ---------------------------------------------------------------- seeded defects
REF = POLICIES / "55_overseas_labor_emergency.pol"
SEEDS = [
    # (name, old text, new text, expected code, expected line)
    ("nonmonotone", "people_involved 300人以上400人以下，", "people_involved 200人以上300人以下，",
     "W607", 65),
    ("gap_and_shadow", "III 若 possible_people_involved 200人以上300人以下",
     "III 若 possible_people_involved 300人以上", "W601", 113),
    ("gap_and_shadow", "III 若 possible_people_involved 200人以上300人以下",
     "III 若 possible_people_involved 300人以上", "W605", 118),
    ("duplicate_row", "    III => main_leader\n", "    III => main_leader\n    II => deputy_leader\n",
     "E604", 91),
    ("overlap", "    IV => deputy_leader\n", "    IV => deputy_leader\n    * => deputy_leader\n",
     "E602", 92),
    ("unit", "possible_people_involved 400人以上", "possible_people_involved 400元以上",
     "E204", 114),
    ("undefined", "I 若 possible_people_involved", "I 若 possible_people_involve", "E110", 114),
]


@pytest.mark.parametrize("name,old,new,code,line", SEEDS, ids=[s[0] + s[3] for s in SEEDS])
def test_seeded_into_real_policy(name: str, old: str, new: str, code: str, line: int) -> None:
    text = REF.read_text(encoding="utf-8")
    assert old in text
    compiled = driver.compile_source(text.replace(old, new, 1), "55.pol", verify_sources=False)
    found = [(d.code, d.span.line) for d in compiled.diags]
    assert (code, line) in found, found


def test_real_policies_have_no_analysis_findings() -> None:
    for path in sorted(POLICIES.glob("*.pol")):
        compiled = driver.compile_source(path.read_text(encoding="utf-8"), path.name,
                                         verify_sources=False)
        assert not [d for d in compiled.diags if d.code[1] == "6"], path.name
