"""The checks (compiler/analysis/checks.py) on IR built by the stages below them: parse,
build the AST, check and lower to IR, then `analysis.analyse` alone, without the pipeline,
the citation checks or a backend.
"""

from __future__ import annotations

from polc.compiler import analysis, semantics
from polc.compiler.diagnostics import Diagnostic, Diagnostics
from polc.compiler.syntax import builder, parser

HEAD = '文号 "测试〔2024〕1号"\n\n'
LEVEL = '枚举 Level "级别" 推导 "测试" {\n  I "一级"\n  II "二级"\n  III "三级"\n}\n\n'


def analysed(text: str) -> list[Diagnostic]:
    """The findings of the analyses alone on `text` (which must check cleanly)."""
    d = Diagnostics()
    tree = parser.parse(HEAD + text, "t.pol", d)
    assert tree is not None, [str(x) for x in d]
    policy = semantics.check(builder.build(tree, "t.pol"), HEAD + text, d)
    assert policy is not None and not d.has_errors, [x.message for x in d]
    before = len(d.items)
    analysis.analyse(policy, d)
    return sorted(d.items[before:], key=lambda x: (x.span, x.code))


def codes(found: list[Diagnostic]) -> list[str]:
    return [f.code for f in found]


def test_a_clean_table_has_no_finding() -> None:
    assert analysed('输入 x "x" : 金额\n决策 d "d" (x) : 金额 推导 "t" {\n  结果 查表 (x) {\n'
                    '    [0元, 1万元) => 1元\n    1万元以上 => 2元\n  }\n}\n') == []


def test_gap_in_levels_shows_the_first_uncovered_amount_in_wan() -> None:
    found = analysed(LEVEL + '输入 x "x" : 金额\n决策 d "d" (x) : Level 推导 "t" {\n'
                     '  结果 取最严重 {\n    I 若 x 3万元以上\n    II 若 x 在 [2.5万元, 3万元)\n'
                     '    III 若 x 在 [0元, 1.5万元)\n  }\n}\n')
    assert codes(found) == ["W601"]
    assert "x = 1.5万元 时没有一行适用" in found[0].message


def test_overlap_duplicate_and_same_result() -> None:
    found = analysed('输入 x "x" : 计数(人)\n决策 d "d" (x) : 金额 推导 "t" {\n'
                     '  结果 查表 (x) {\n    [0人, 10人] => 1元\n    [10人, 20人) => 2元\n'
                     '    [0人, 10人] => 1元\n    20人以上 => 3元\n    [25人, 30人] => 3元\n'
                     '  }\n}\n')
    # the repeated row also breaks the order of the bands (W606)
    assert codes(found) == ["E602", "E604", "W606", "W603"]
    assert "x = 10人 同时匹配" in found[0].message
    assert "完全相同" in found[1].message
    assert "x = 25人" in found[3].message


def test_shadowed_rule_and_bands_out_of_order() -> None:
    found = analysed('输入 x "x" : 金额\n决策 d "d" (x) : 金额 推导 "t" {\n  结果 依次 {\n'
                     '    若 x 1万元以上 => 1元\n    若 x 2万元以上 => 2元\n    否则 => 0元\n  }\n}\n'
                     '决策 e "e" (x) : 金额 推导 "t" {\n  结果 查表 (x) {\n'
                     '    [0元, 1万元) => 1元\n    [2万元, 3万元) => 3元\n    [1万元, 2万元) => 2元\n'
                     '    否则 => 0元\n  }\n}\n')
    assert codes(found) == ["W605", "W606"]
    assert "完全遮蔽" in found[0].message
    assert "[1万元, 2万元) 写在 [2万元, 3万元) 之后" in found[1].message


def test_a_less_severe_level_for_more_harm() -> None:
    # 0-9人 III, 10-19人 I, 20人 and more II: more harm first raises, then lowers the level
    found = analysed(LEVEL + '输入 x "x" : 计数(人)\n决策 d "d" (x) : Level 推导 "t" {\n'
                     '  结果 取最严重 {\n    I 若 x 在 [10人, 20人)\n    II 若 x 20人以上\n'
                     '    III 若 x 在 [0人, 10人)\n  }\n}\n')
    assert codes(found) == ["W607"]
    assert "级别由 I 降为 II" in found[0].message


def test_a_requirement_narrows_the_context() -> None:
    rows = '  结果 查表 (x) {\n    [0元, 1万元) => 1元\n  }\n}\n'
    assert codes(analysed('输入 x "x" : 金额\n决策 d "d" (x) : 金额 推导 "t" {\n' + rows)) == \
        ["W601"]
    assert analysed('输入 x "x" : 金额\n决策 d "d" (x) : 金额 推导 "t" {\n'
                    '  要求 x 低于 1万元 否则 "too much"\n' + rows) == []


def tangled(n: int) -> str:
    rules = "".join(f"    若 a ≠ {k} 且 b ≠ {k + 1} 且 c ≠ {k + 2} => {k}元\n" for k in range(n))
    return ('输入 a "甲" : 计数\n输入 b "乙" : 计数\n输入 c "丙" : 计数\n'
            f'决策 d "d" (a, b, c) : 金额 推导 "t" {{\n  结果 依次 {{\n{rules}  }}\n}}\n')


def test_a_check_out_of_budget_says_so_and_the_next_check_has_its_own() -> None:
    # the second decision comes after one whose check ran out of budget: its gap is
    # still found, because every check gets a fresh budget
    found = analysed(tangled(12) + '决策 e "e" (a) : 金额 推导 "t" {\n  结果 查表 (a) {\n'
                     '    [0, 5] => 1元\n  }\n}\n')
    notes = [f for f in found if f.code == "N608"]
    assert len(notes) == 1 and "依次 过于复杂（12 行）" in notes[0].message
    gaps = [f for f in found if f.code == "W601"]
    assert len(gaps) == 1 and "a = 6 时" in gaps[0].message
    # a small tangle is analysed in full
    assert "N608" not in codes(analysed(tangled(3)))
