"""Ranges as values (范围) and conditions as values in rows, end to end, on a test
regulation laid out in 条/款/项 whose text is recorded (tests/fixtures/ranges): compile
with verified quotes, evaluate, explain, diagram, analyse, fmt, the batch and SQL
backends' refusals, and generated code ruff/mypy clean."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from polc.compiler.backends.sql.codegen import Unsupported, query
from polc.compiler.backends.sql.dialects import Dialect
from polc.compiler.pipeline import Compilation, compile_file, compile_source
from polc.compiler.tools.examples import run_examples
from polc.compiler.tools.fmt import format_text
from polc.runtime import OutOfRange, Range, dumps

from ..generated import assert_ruff_and_mypy_clean
from ..paths import FIXTURES

POLICY = FIXTURES / "ranges" / "safety_fines.pol"
HEAD = '文号 "测试〔2024〕1号"\n引文未核对 "t"\n输入 n "人数" : 计数(人)\n输入 x "金额" : 金额\n'


def fixture() -> Compilation:
    return compile_file(POLICY)


def compiled(text: str) -> Compilation:
    return compile_source(text, "t.pol", verify_sources=False)


def codes(text: str) -> list[str]:
    # W418: the test texts quote no notice; W501: not every test uses both inputs
    return [d.code for d in compiled(text).diagnostics if d.code not in ("W418", "W501")]


def test_compiles_with_verified_quotes_and_examples_pass() -> None:
    c = fixture()
    assert c.ok and [d.code for d in c.diagnostics] == [], [str(d) for d in c.diagnostics]
    results = run_examples(c)
    assert len(results) == 11 and all(r.passed for r in results), [r.line() for r in results]


def test_the_clause_convention_decides_the_upper_end() -> None:
    m = fixture().module
    # 第三条: “以下”不包括本数, so the grades meet without sharing 5万元
    assert m.item_fine(act="no_body") == Range(Decimal(10000), Decimal(50000), True, False)
    assert Decimal(50000) not in m.item_fine(act="no_body")
    assert Decimal(50000) in m.item_fine(act="no_training")


def test_bounds_as_expressions_are_exact_money() -> None:
    r = fixture().module.head_fine(income=Decimal("123456.78"), serious=False)
    assert (r.lo, r.hi) == (Decimal("49382.71"), Decimal("98765.42"))
    assert all(isinstance(v, Decimal) for v in (r.lo, r.hi))
    assert dumps(r) == '{"lo": 49382.71, "hi": 98765.42, "lo_included": true, "hi_included": true}'


def test_membership_and_ends() -> None:
    m = fixture().module
    assert m.least_fine(act="overdue") == Decimal(100000)
    assert m.fine_lawful(act="no_body", fine=Decimal("49999.99"), staff=10) is True
    assert m.fine_lawful(act="no_body", fine=Decimal(30000), staff=101) is False
    assert m.head_fine_lawful(income=Decimal(100000), serious=True, fine=Decimal(100000)) is True


def test_explanation_names_the_range_its_convention_and_the_row() -> None:
    ex = fixture().module.explain_item_fine(act="no_body")
    (made,) = [s for s in ex.steps if s.text.startswith("范围")]
    assert "依 第三条 的约定" in made.text and "不含上限" in made.text
    assert made.clause == "第三条（一）"
    lawful = fixture().module.explain_fine_lawful(act="no_body", fine=Decimal(50000), staff=10)
    (test,) = [s for s in lawful.steps if s.text == "fine 在 取 item_fine"]
    assert test.result is False and dict(test.values)["范围"].hi == Decimal(50000)


def test_diagram_shows_the_ends_and_their_inclusion() -> None:
    d = fixture().diagrams["decision_item_fine"]
    assert "1万元以上5万元以下" in d and "含下限，不含上限" in d
    assert "下限(取 item_fine)" in fixture().diagrams["decision_least_fine"]
    # a condition as a 依次 result is drawn as the condition it is
    assert "fine 在 取 item_fine 且 fine ≥ 5万元" in fixture().diagrams["decision_fine_lawful"]


def test_batch_falls_back_with_w708_and_sql_refuses_with_e724() -> None:
    c = fixture()
    warnings = [d for d in c.vector.diagnostics if d.code == "W708"]
    assert {d.span.line for d in warnings} >= {24}
    rows = c.batch.item_fine_batch(act=["no_body", "overdue"])
    assert rows.vectorised == 0
    assert rows.tolist() == [c.module.item_fine(act="no_body"), c.module.item_fine(act="overdue")]
    # a range written out in a test is two comparisons: columns compute it exactly
    assert "head_fine_lawful" not in c.batch.ROW_BY_ROW
    columns = {
        "income": [Decimal(100000), Decimal("123456.78")],
        "serious": [False, False],
        "fine": [Decimal(80000), Decimal("49382.71")],
    }
    lawful = c.batch.head_fine_lawful_batch(**columns)
    assert lawful.vectorised == 2 and lawful.tolist() == [True, False]
    assert c.ir is not None
    for name in ("item_fine", "least_fine", "fine_lawful", "head_fine"):
        try:
            query(c.ir, name, Dialect.DUCKDB, "cases")
        except Unsupported as exc:
            assert exc.code == "E724" and "范围" in exc.message
        else:
            raise AssertionError(f"{name} was written as SQL")


def test_a_range_written_out_in_a_test_is_exact_sql(tmp_path: Path) -> None:
    # fine 在 income × 40% 至 income × 80% is its two comparisons: SQL has them exactly
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "income,serious,fine\n100000,false,80000\n100000,false,80000.01\n"
        "100000,true,79999.99\n123456.78,false,49382.712\n",
        encoding="utf-8",
    )
    out = {}
    for engine in ("duckdb", "python"):
        target = tmp_path / f"{engine}.csv"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "polc.compiler.tools.cli",
                "eval",
                str(POLICY),
                "head_fine_lawful",
                "--table",
                str(cases),
                "--engine",
                engine,
                "--out",
                str(target),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        out[engine] = [
            line.split(",")[3] for line in target.read_text(encoding="utf-8").splitlines()[1:]
        ]
    # the ends are exact (income × 40% = 49382.712, not rounded before the test)
    assert [v.strip('"').lower() for v in out["duckdb"]] == ["true", "false", "false", "true"]
    assert [v.strip('"').lower() for v in out["python"]] == ["true", "false", "false", "true"]


def test_fmt_is_idempotent() -> None:
    text = POLICY.read_text(encoding="utf-8")
    squeezed = text.replace("income × 40% 至 income × 80%", "income × 40%  至   income × 80%")
    assert squeezed != text
    assert format_text(squeezed) == text and format_text(text) == text


def test_generated_code_is_ruff_and_mypy_clean(tmp_path: Path) -> None:
    assert_ruff_and_mypy_clean(fixture().python, tmp_path, 'ranges.py')


def test_an_empty_range_of_expressions_is_refused_at_run_time() -> None:
    c = compiled(HEAD + '决策 d "d" (x) : 范围(金额) 推导 "t" {\n  结果 x 至 1000元\n}\n')
    assert c.ok
    assert c.module.d(x=Decimal(999)) == Range(Decimal(999), Decimal(1000))
    try:
        c.module.d(x=Decimal(1001))
    except OutOfRange as exc:
        assert "empty range" in str(exc)
    else:
        raise AssertionError("an empty range was returned")


def test_graded_ranges_overlap_and_gap() -> None:
    text = HEAD + (
        '决策 d "d" (n) : 范围(金额) 推导 "t" {\n  结果 查表 (n) {\n'
        '    1人 => 1万元以上5万元以下 推导 "t"\n'
        '    2人 => 5万元以上10万元以下 推导 "t"\n'
        '    3人 => 20万元 至 30万元 推导 "t"\n'
        '    否则 => 0元 至 1元 推导 "t"\n  }\n}\n'
    )
    assert codes(text) == ["W311", "W312"]


def test_conditions_are_values_in_rows_rules_and_arguments() -> None:
    text = HEAD + (
        '决策 d "d" (n, x) : 是否 推导 "t" {\n  结果 查表 (n) {\n'
        '    1人 => x 达到 5元 且 n ≥ 1人 推导 "t"\n'
        '    2人 => (n 2人以上) 推导 "t"\n'
        '    否则 => 依次 { 若 x > 0元 => x 10元以下 否则 => 非 n 为 n } 推导 "t"\n'
        "  }\n}\n"
    )
    # 为 on a count is the checker's E210: the row's condition is checked as any
    assert codes(text) == ["E210"]
    ok = compiled(text.replace("非 n 为 n", "x 在 1元 至 2元"))
    assert ok.ok, [str(d) for d in ok.diagnostics]
    m = ok.module
    assert m.d(n=1, x=Decimal(5)) is True and m.d(n=1, x=Decimal(4)) is False
    assert m.d(n=3, x=Decimal(10)) is True and m.d(n=3, x=Decimal(0)) is False
    assert m.d(n=3, x=Decimal(11)) is False


def test_interval_ends_may_be_expressions_where_a_value_is_tested() -> None:
    text = HEAD + '决策 d "d" (x, n) : 是否 推导 "t" {\n  结果 x 在 [n × 1元/人, n × 2元/人)\n}\n'
    c = compiled(text)
    assert c.ok, [str(d) for d in c.diagnostics]
    assert c.module.d(x=Decimal(3), n=3) is True
    assert c.module.d(x=Decimal(6), n=3) is False
    assert codes(HEAD + '输入 y "y" : 金额 取值 [0元, x]\n') == ["E237"]
