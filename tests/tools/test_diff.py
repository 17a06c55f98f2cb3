"""`polc diff` (compiler/tools/diff.py, compiler/analysis/changes.py): every changed
threshold named with both sentences, and every region's example re-evaluated through the
generated functions of both versions to prove it changes answer."""

from __future__ import annotations

import csv
import functools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from polc.compiler import pipeline
from polc.compiler.analysis import changes
from polc.compiler.tools import cli
from polc.compiler.tools import diff as semantic
from polc.runtime import PolcError, dumps

from ..paths import POLICIES

OLD = POLICIES / "60_public_rental_housing.pol"
NEW = POLICIES / "60_public_rental_housing_2023.pol"


def polc(*args: str | Path) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli.cli, [str(a) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.stderr
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(scope="module")
def report() -> semantic.Report:
    return semantic.compare(pipeline.compile_file(OLD), pipeline.compile_file(NEW))


@pytest.fixture(scope="module")
def as_json() -> dict[str, Any]:
    code, out, _ = polc("diff", OLD, NEW, "--format", "json")
    assert code == 1
    got: dict[str, Any] = json.loads(out)
    return got


@functools.cache
def _specs(path: Path, text: str) -> Any:
    return pipeline.compile_file(path).module.DECISIONS


def answer(path: Path, decision: str, case: dict[str, object]) -> str:
    """The generated function's own answer (members by name: each version's module has its
    own enum classes), not polc eval's text of it."""
    spec = _specs(path, path.read_text(encoding="utf-8"))[decision]
    try:
        return dumps(spec.func(**spec.convert(case)))
    except PolcError as exc:
        return f"refused: {type(exc).__name__}"


def test_every_changed_threshold_is_named_with_both_sentences(as_json: dict[str, Any]) -> None:
    lits = {(d["decision"], lit["old"]["shown"], lit["new"]["shown"]): lit
            for d in as_json["decisions"] for lit in d["literals"]}
    assert set(lits) == {
        ("rent_subsidy_rate", "10元/平方米", "12元/平方米"),
        ("family_type_by_income", "1560元", "1650元"),
        ("family_type_by_income", "3946元", "4180元"),
        ("lower_middle_income_eligible", "3946元", "4180元"),
    }
    lit = lits[("family_type_by_income", "3946元", "4180元")]
    assert lit["old"]["quotes"] == ["中等偏下收入家庭人均月可支配收入低于3946元（不含）"]
    assert lit["new"]["quotes"] == ["中等偏下收入家庭人均月可支配收入低于4180元（不含）"]
    assert lit["old"]["clause"] == lit["new"]["clause"] == "一（一）2"
    assert lit["old"]["where"].startswith("policies/60_public_rental_housing.pol:")


def test_every_example_changes_answer_through_the_generated_functions(
        report: semantic.Report) -> None:
    seen = 0
    for d in report.decisions:
        for g in d.regions:
            old = answer(OLD, d.name, g.example)
            new = answer(NEW, d.name, g.example)
            assert old != new, (d.name, g.example)
            # and polc eval prints the answers the region states
            for path, want in ((OLD, g.old), (NEW, g.new)):
                _, out, _ = polc("eval", path, d.name, "--input", dumps(g.example))
                assert out.strip() == want
            seen += 1
    assert seen >= 9


def test_the_income_line_example_is_the_threshold_itself(as_json: dict[str, Any]) -> None:
    texts = [g["example_text"] for d in as_json["decisions"] for g in d["regions"]
             if d["decision"] == "lower_middle_income_eligible"]
    assert texts and all("per_capita_monthly_income = 3946元" in t and t.endswith(": 否 → 是")
                         for t in texts)
    regions = {d["decision"]: d for d in as_json["decisions"]}["family_type_by_income"]
    assert regions["exact"] is True
    shown = [g["example_text"] for g in regions["regions"]]
    assert ("receives_subsistence_allowance = 否，per_capita_monthly_income = 3946元: 无 → "
            "lower_middle_income（中等偏下收入家庭）") in shown


def test_an_exact_decision_changes_exactly_in_its_regions(report: semantic.Report) -> None:
    # every income from 1500元 to 4300元 in steps of 0.5元: the answer changes exactly
    # inside the regions polc diff states, nowhere else
    (d,) = [d for d in report.decisions if d.name == "family_type_by_income"]
    assert d.exact
    step = Decimal("0.5")
    income = Decimal(1500)
    while income <= 4300:
        case = {"receives_subsistence_allowance": False,
                "per_capita_monthly_income": str(income)}
        moved = answer(OLD, d.name, case) != answer(NEW, d.name, case)
        inside = any(_holds(g, "per_capita_monthly_income", income) and
                     _holds(g, "receives_subsistence_allowance", False) for g in d.regions)
        assert moved == inside, income
        income += step


def _holds(g: changes.Region, name: str, v: object) -> bool:
    for n, pieces in g.where:
        if n != name:
            continue
        for c in pieces:
            if isinstance(c, frozenset):
                if v in c:
                    return True
            elif ((c.lo is None or c.lo < v or (c.lo_c and c.lo == v))  # type: ignore[operator]
                  and (c.hi is None or v < c.hi or (c.hi_c and c.hi == v))):  # type: ignore[operator]
                return True
        return False
    return True  # not constrained


def test_text_output_and_exit_codes() -> None:
    code, out, _ = polc("diff", OLD, NEW)
    assert code == 1
    assert "决策 family_type_by_income: changed" in out
    assert "3946元 → 4180元" in out and "「中等偏下收入家庭人均月可支配收入低于4180元（不含）」" in out
    assert "per_capita_monthly_income = 3946元" in out and ": 否 → 是" in out
    assert "5 decision(s) changed, 9 unchanged" in out  # lower_middle_income_priority too
    code, out, _ = polc("diff", OLD, OLD)
    assert code == 0 and "0 decision(s) changed, 14 unchanged" in out


# ---------------------------------------------------------------- small programs


HEAD = '文号 "测试〔2024〕{n}号"\n引文未核对 "测试"\n'


def write(tmp_path: Path, name: str, n: int, body: str) -> Path:
    p = tmp_path / name
    p.write_text(HEAD.format(n=n) + body, encoding="utf-8")
    return p


def test_inputs_and_decisions_added_and_removed(tmp_path: Path) -> None:
    a = write(tmp_path, "a.pol", 1, '输入 n "n" : 计数(人) 推导 "t"\n输入 m "m" : 计数(人) 推导 "t"\n'
              '决策 d "d" (n, m) : 是否 推导 "t" { 结果 n 3人以上 且 m 1人以上 }\n'
              '决策 gone "g" (n) : 是否 推导 "t" { 结果 n 1人以上 }\n')
    b = write(tmp_path, "b.pol", 2, '输入 n "n" : 计数(人) 推导 "t"\n输入 k "k" : 是否 推导 "t"\n'
              '决策 d "d" (n, k) : 是否 推导 "t" { 结果 n 3人以上 且 k }\n'
              '决策 fresh "f" (n) : 是否 推导 "t" { 结果 n 2人以上 }\n')
    code, out, _ = polc("diff", a, b, "--format", "json")
    got = json.loads(out)
    assert code == 1
    assert (got["added"], got["removed"]) == (["fresh"], ["gone"])
    (d,) = got["decisions"]
    assert (d["inputs_added"], d["inputs_removed"]) == (["k"], ["m"])
    assert d["exact"] is True and d["regions"]
    for g in d["regions"]:
        old = answer(a, "d", {k: v for k, v in g["example"].items() if k in ("n", "m")})
        new = answer(b, "d", {k: v for k, v in g["example"].items() if k in ("n", "k")})
        assert old != new


def test_a_changed_domain_is_named(tmp_path: Path) -> None:
    a = write(tmp_path, "a.pol", 1, '输入 n "n" : 计数(人) 取值 [0人, 10人] 推导 "t"\n'
              '决策 d "d" (n) : 是否 推导 "t" { 结果 n 3人以上 }\n')
    b = write(tmp_path, "b.pol", 2, '输入 n "n" : 计数(人) 取值 [0人, 20人] 推导 "t"\n'
              '决策 d "d" (n) : 是否 推导 "t" { 结果 n 3人以上 }\n')
    code, out, _ = polc("diff", a, b)
    assert code == 1 and "input n: domain changed" in out


def test_a_date_threshold_gives_a_date_example(tmp_path: Path) -> None:
    a = write(tmp_path, "a.pol", 1, '输入 day "d" : 日期 推导 "t"\n'
              '决策 d "d" (day) : 是否 推导 "t" { 结果 day >= 2024-01-01 }\n')
    b = write(tmp_path, "b.pol", 2, '输入 day "d" : 日期 推导 "t"\n'
              '决策 d "d" (day) : 是否 推导 "t" { 结果 day >= 2024-03-01 }\n')
    code, out, err = polc("diff", a, b, "--format", "json")
    assert code == 1, err
    (d,) = json.loads(out)["decisions"]
    for g in d["regions"]:
        assert answer(a, "d", g["example"]) != answer(b, "d", g["example"])


@pytest.mark.parametrize("what", ["missing", "directory", "broken"])
def test_bad_input_is_exit_2_naming_the_file(tmp_path: Path, what: str) -> None:
    good = write(tmp_path, "good.pol", 1, '输入 n "n" : 计数(人) 推导 "t"\n'
                 '决策 d "d" (n) : 是否 推导 "t" { 结果 n 3人以上 }\n')
    bad = tmp_path / "bad.pol"
    if what == "directory":
        bad.mkdir()
    elif what == "broken":
        bad.write_text(HEAD.format(n=2) + "决策 d (\n", encoding="utf-8")
    code, out, err = polc("diff", good, bad)
    assert code == 2 and out == "" and "bad.pol" in err


# ---------------------------------------------------------------- --table


def test_table_counts_rows_that_change_per_direction(tmp_path: Path) -> None:
    table = tmp_path / "cases.csv"
    incomes = ["1000", "1600", "1649.99", "3000", "3946", "4000", "5000"]
    with table.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["receives_subsistence_allowance", "per_capita_monthly_income"])
        w.writerows([["false", x] for x in incomes])
    code, out, err = polc("diff", OLD, NEW, "--table", table, "--format", "json")
    assert code == 1, err
    got = {d["decision"]: d.get("table") for d in json.loads(out)["decisions"]}
    t = got["family_type_by_income"]
    assert t["rows"] == 7 and t["changed"] == 4
    pairs = {(e["old"]["value"], e["new"]["value"]): e["rows"] for e in t["by_answers"]}
    assert pairs == {("lower_middle_income", "low_income"): 2,
                     (None, "lower_middle_income"): 2}
    # each counted row does change through the generated functions
    moved = [x for x in incomes if answer(OLD, "family_type_by_income",
                                          {"receives_subsistence_allowance": False,
                                           "per_capita_monthly_income": x})
             != answer(NEW, "family_type_by_income",
                       {"receives_subsistence_allowance": False,
                        "per_capita_monthly_income": x})]
    assert len(moved) == 4
    code, out, _ = polc("diff", OLD, NEW, "--table", table)
    assert "family_type_by_income: 4 row(s) change answer" in out
    assert "2: lower_middle_income（中等偏下收入家庭） → low_income（低收入家庭）" in out


def test_table_in_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = tmp_path / "cases.parquet"
    pq.write_table(pa.table({"receives_subsistence_allowance": [False, False],
                             "per_capita_monthly_income": [Decimal(3946), Decimal(100)]}),
                   table)
    code, out, err = polc("diff", OLD, NEW, "--table", table, "--format", "json")
    assert code == 1, err
    got = {d["decision"]: d.get("table") for d in json.loads(out)["decisions"]}
    assert got["family_type_by_income"]["changed"] == 1
    assert got["family_type_by_income"]["engine"] == "batch"


@pytest.mark.parametrize("content", [None, b"not,a\n\x00\xff", b""])
def test_a_bad_table_is_exit_2(tmp_path: Path, content: bytes | None) -> None:
    table = tmp_path / "cases.csv"
    if content is not None:
        table.write_bytes(content)
    code, out, err = polc("diff", OLD, NEW, "--table", table)
    assert code == 2 and out == "" and "cases.csv" in err


def test_a_table_of_another_format_is_exit_2(tmp_path: Path) -> None:
    table = tmp_path / "cases.xlsx"
    table.write_text("x", encoding="utf-8")
    code, _, err = polc("diff", OLD, NEW, "--table", table)
    assert code == 2 and "cases.xlsx" in err


@pytest.mark.parametrize("pol", sorted(POLICIES.glob("*.pol")), ids=lambda p: p.stem)
def test_every_policy_against_itself_changes_nothing(pol: Path) -> None:
    # every decision's grid is evaluated (dates, enums, roles, lists held at an example)
    c = pipeline.compile_file(pol)
    r = semantic.compare(c, c)
    assert not r.changed, [d.name for d in r.decisions if d.changed]
    assert all(d.cells > 0 or d.caveat for d in r.decisions)
