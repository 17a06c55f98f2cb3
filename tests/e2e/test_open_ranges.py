"""One-ended ranges (「处5000元以上罚款」, 「处20万元以下的罚款」): the end the text does
not give is None, never invented; membership, 上限/下限, examples, eval JSON,
explanations, diagrams, graded-scale checks, fmt and the batch/SQL refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from polc.compiler.backends.sql.codegen import Unsupported, query
from polc.compiler.backends.sql.dialects import Dialect
from polc.compiler.pipeline import Compilation, compile_source
from polc.compiler.tools.examples import run_examples
from polc.compiler.tools.fmt import format_text
from polc.runtime import OutOfRange, Range, dumps, make_range, range_end

from ..generated import assert_ruff_and_mypy_clean

HEAD = ('文号 "测试〔2024〕1号"\n引文未核对 "t"\n'
        '输入 big "情节严重" : 是否\n输入 x "金额" : 金额\n\n')
FINES = HEAD + (
    '决策 fine "罚款" (big) : 范围(金额) 推导 "t" {\n'
    '  结果 依次 {\n'
    '    若 big => 5000元以上 推导 "t"\n'
    '    否则 => 1000元以上5000元以下（不含）\n'
    '  }\n}\n\n'
    '决策 cap "罚款上限" (big) : 范围(金额) 推导 "t" {\n'
    '  结果 20万元以下\n}\n\n'
    '决策 lawful "罚款合法" (big, x) : 是否 推导 "t" {\n'
    '  结果 x 在 取 fine\n}\n\n'
    '决策 least "最低" (big) : 金额 推导 "t" {\n'
    '  结果 下限(取 fine)\n}\n\n'
    '决策 most "最高" (big) : 金额 推导 "t" {\n'
    '  结果 上限(取 fine)\n}\n\n'
    '决策 written "在写明的范围内" (x) : 是否 推导 "t" {\n'
    '  结果 x 在 (20万元以下)\n}\n\n'
    '例 fine(big = 是) => 5000元以上 推导 "t"\n'
    '例 cap(big = 否) => 20万元以下 推导 "t"\n'
    '例 lawful(big = 是, x = 1000000元) => 是 推导 "t"\n'
)


def compiled(text: str) -> Compilation:
    return compile_source(text, "t.pol", verify_sources=False)


def codes(text: str) -> list[str]:
    return [d.code for d in compiled(text).diagnostics if d.code not in ("W418", "W501")]


def fines() -> Compilation:
    c = compiled(FINES)
    assert c.ok, [str(d) for d in c.diagnostics]
    return c


def test_runtime_open_ends_are_unbounded_and_never_empty() -> None:
    above = make_range(Decimal(5000), None, True, True, "d", "w")
    assert Decimal(5000) in above and Decimal(10) ** 20 in above and Decimal(4999) not in above
    below = make_range(None, Decimal(200000), True, False, "d", "w")
    assert Decimal(-1) in below and Decimal(200000) not in below
    assert above.text("元") == "5000元以上（无上限）"
    assert below.text("元") == "200000元（不含）以下（无下限）"
    assert range_end(above, False, "d", "w") == Decimal(5000)
    try:
        range_end(above, True, "d", "w")
    except OutOfRange as exc:
        assert "no upper end" in str(exc)
    else:
        raise AssertionError("an upper end was invented")
    try:
        make_range(None, None, True, True, "d", "w")
    except OutOfRange as exc:
        assert "neither end" in str(exc)
    else:
        raise AssertionError("a range with no ends was made")


def test_values_membership_and_json() -> None:
    m = fines().module
    assert m.fine(big=True) == Range(Decimal(5000), None, True, True)
    assert m.cap(big=False) == Range(None, Decimal(200000), True, True)
    assert dumps(m.fine(big=True)) == (
        '{"lo": 5000, "hi": null, "lo_included": true, "hi_included": true}')
    assert m.lawful(big=True, x=Decimal(10) ** 9) is True
    assert m.lawful(big=True, x=Decimal("4999.99")) is False
    assert m.lawful(big=False, x=Decimal(5000)) is False  # （不含）
    assert m.written(x=Decimal(0)) is True and m.written(x=Decimal("200000.01")) is False


def test_ends_of_an_open_range_at_run_time() -> None:
    m = fines().module
    assert m.least(big=True) == Decimal(5000)
    assert m.most(big=False) == Decimal(5000)
    try:
        m.most(big=True)
    except OutOfRange as exc:
        assert "has no upper end" in str(exc) and "most" in str(exc)
    else:
        raise AssertionError("上限 of 5000元以上 was given a number")


def test_ends_written_out_are_refused_at_check_time() -> None:
    text = HEAD + '决策 d "d" (x) : 金额 推导 "t" {\n  结果 上限(5000元以上)\n}\n'
    assert codes(text) == ["E238"]
    assert codes(text.replace("上限(5000元以上)", "下限(5000元以上)")) == []
    assert codes(text.replace("上限(5000元以上)", "下限(20万元以下)")) == ["E238"]


def test_conditions_keep_their_meaning() -> None:
    # a one-ended range is no truth, as a two-ended one is not (E213)
    text = HEAD + ('决策 d "d" (x) : 是否 推导 "t" {\n  结果 依次 {\n'
                   '    若 5000元以上 => 是\n    否则 => 否\n  }\n}\n')
    assert codes(text) == ["E213"]
    assert codes(text.replace("5000元以上", "1000元以上5000元以下")) == ["E213"]
    # with a subject it is the comparison it always was
    ok = compiled(text.replace("若 5000元以上", "若 x 5000元以上"))
    assert ok.ok and ok.module.d(x=Decimal(5000)) is True


def test_examples_pass_and_fail_honestly() -> None:
    results = run_examples(fines())
    assert len(results) == 3 and all(r.passed for r in results), [r.line() for r in results]
    wrong = compiled(FINES.replace("例 fine(big = 是) => 5000元以上", "例 fine(big = 是) => 5000元以下"))
    assert next(r.passed for r in run_examples(wrong)) is False


def test_eval_json(tmp_path: Path) -> None:
    policy = tmp_path / "p.pol"
    policy.write_text(FINES, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "polc.compiler.tools.cli", "eval", str(policy), "fine",
         "--input", '{"big": true}'],
        capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "value": {"lo": 5000, "hi": None, "lo_included": True, "hi_included": True}}
    bad = subprocess.run(
        [sys.executable, "-m", "polc.compiler.tools.cli", "eval", str(policy), "most",
         "--input", '{"big": true}'],
        capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "no upper end" in json.loads(bad.stdout)["error"]


def test_explanation_and_diagram_say_the_open_end() -> None:
    c = fines()
    ex = c.module.explain_fine(big=True)
    (made,) = [s for s in ex.steps if s.text.startswith("范围")]
    assert made.text == "范围 5000元以上（无上限）（含下限）"
    d = c.diagrams["decision_fine"]
    assert "5000元以上（无上限）（含下限）" in d and "含上限" not in d.split("否则")[0]
    assert "20万元以下（无下限）（含上限）" in c.diagrams["decision_cap"]


def test_table_rows_and_graded_checks() -> None:
    text = HEAD + (
        '输入 n "人数" : 计数(人)\n'
        '决策 d "d" (n) : 范围(金额) 推导 "t" {\n  结果 查表 (n) {\n'
        '    1人 => (1万元以下（不含）) 推导 "t"\n'
        '    2人 => 1万元以上5万元以下（不含）\n'
        '    3人 => (5万元以上)\n    否则 => 0元 至 1元\n  }\n}\n'
    )
    c = compiled(text)
    assert c.ok and codes(text) == [], [str(x) for x in c.diagnostics]
    assert c.module.d(n=3) == Range(Decimal(50000), None, True, True)
    assert c.module.d(n=1) == Range(None, Decimal(10000), True, False)
    gap = text.replace("(5万元以上)", "(6万元以上)")
    assert codes(gap) == ["W312"]
    both_open = text.replace("1人 => (1万元以下（不含）)", "1人 => (6万元以上)")
    assert "W313" in codes(both_open)


def test_fmt_round_trips() -> None:
    assert format_text(FINES) == FINES
    squeezed = FINES.replace("若 big => 5000元以上", "若 big =>   5000元以上")
    assert format_text(squeezed) == FINES


def test_batch_falls_back_and_sql_refuses() -> None:
    c = fines()
    assert any(d.code == "W708" for d in c.vector.diagnostics)
    rows = c.batch.fine_batch(big=[True, False])
    assert rows.tolist() == [c.module.fine(big=True), c.module.fine(big=False)]
    assert c.ir is not None
    try:
        query(c.ir, "fine", Dialect.DUCKDB, "cases")
    except Unsupported as exc:
        assert exc.code == "E724"
    else:
        raise AssertionError("a range was written as SQL")


def test_generated_code_is_ruff_and_mypy_clean(tmp_path: Path) -> None:
    assert_ruff_and_mypy_clean(fines().python, tmp_path, "open_ranges.py")


def test_a_local_one_ended_range() -> None:
    text = HEAD + '决策 d "d" (x) : 是否 推导 "t" {\n  令 r = 5000元以上\n  结果 x 在 r\n}\n'
    c = compiled(text)
    assert c.ok, [str(x) for x in c.diagnostics]
    assert c.module.d(x=Decimal(10) ** 12) is True and c.module.d(x=Decimal(4999)) is False
