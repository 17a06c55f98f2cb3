"""Malformed input is refused clearly, through `polc eval` and the generated module.

Every bad value must give exit 2 and a message naming the field and what was
expected; a batch (--jsonl) keeps going past a bad line and gives every input
line, blank ones included, exactly one output line (`polc eval --help`).
"""

from __future__ import annotations

import json
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from polc.compiler import pipeline
from polc.compiler.tools.cli import cli
from polc.runtime import InputError

from ..paths import ROOT

P55 = str(ROOT / "policies" / "55_overseas_labor_emergency.pol")
P58 = str(ROOT / "policies" / "58_finance_assessment.pol")
P60 = str(ROOT / "policies" / "60_public_rental_housing.pol")


def run(policy: str, decision: str, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["eval", policy, decision, *args], input=stdin)
    # never a traceback: click records an escaped exception here
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


def eval_one(policy: str, decision: str, case: str) -> tuple[int, dict[str, Any]]:
    code, out = run(policy, decision, "--input", case)
    lines = out.splitlines()
    assert len(lines) == 1, out
    return code, json.loads(lines[0])


REWARD = "inclusive_finance_quarterly_reward"
OK_REWARD = {"tier": 1, "rank": 1, "last_in_nantong": False}


def with_(**changes: Any) -> str:
    case = dict(OK_REWARD)
    case.update(changes)
    return json.dumps(case)


# (raw JSON case for policy 58's reward, field named, words the message must hold)
BAD_58 = [
    (json.dumps({"tier": 1, "rank": 1}), "last_in_nantong", "missing"),
    (with_(extra=1), "extra", "no such field"),
    (with_(tier=True), "tier", "whole number"),
    (with_(tier=None), "tier", "whole number"),
    (with_(tier="1"), "tier", "whole number"),  # a string of a number is allowed...
    (with_(tier=3.5), "tier", "not a whole number"),
    ('{"tier": 3.0, "rank": 1, "last_in_nantong": false}', "tier", "decimal point"),
    ('{"tier": 1e2, "rank": 1, "last_in_nantong": false}', "tier", "decimal point"),
    (with_(rank=-1), "rank", "≥ 1"),
    (with_(rank=0), "rank", "≥ 1"),
    (with_(tier=4), "tier", "≤ 3"),
    ('{"tier": 1, "rank": 1e400, "last_in_nantong": false}', "rank", "out of range"),
    (with_(rank=10**30), "rank", "out of range"),
    (with_(last_in_nantong=0), "last_in_nantong", "true or false"),
    (with_(last_in_nantong="false"), "last_in_nantong", "true or false"),
]


@pytest.mark.parametrize(("case", "field", "words"), BAD_58)
def test_bad_field_is_refused_with_its_name(case: str, field: str, words: str) -> None:
    if case == with_(tier="1"):
        # "1" is a decimal string, which the contract allows: it must be accepted
        code, out = eval_one(P58, REWARD, case)
        assert code == 0 and out == {"value": 50000}
        return
    code, out = eval_one(P58, REWARD, case)
    assert code == 2
    assert out["field"] == field
    assert out["error"].startswith(f"{field}: expected ")
    assert words in out["error"]


@pytest.mark.parametrize("case", [
    '{"tier": NaN, "rank": 1, "last_in_nantong": false}',
    '{"tier": 1, "rank": Infinity, "last_in_nantong": false}',
    '{"tier": 1, "rank": -Infinity, "last_in_nantong": false}',
    '{"tier": 1, "rank": 1, "last_in_nantong": false',
    "not json",
    '{"tier": 1, "tier": 2, "rank": 1, "last_in_nantong": false}',
])
def test_invalid_json_is_refused(case: str) -> None:
    code, out = eval_one(P58, REWARD, case)
    assert code == 2
    assert out["error"].startswith("invalid JSON")
    if "NaN" in case or "Infinity" in case:
        assert "JSON allows" in out["error"]
    if case.count('"tier"') == 2:
        assert "duplicate field 'tier'" in out["error"]


@pytest.mark.parametrize("case", ["[1, 2]", '"tier"', "3", "null"])
def test_not_an_object_is_refused(case: str) -> None:
    code, out = eval_one(P58, REWARD, case)
    assert code == 2
    assert "a JSON object" in out["error"]


def test_money_forms() -> None:
    for case, value in [('{"tax_paid": 100000000}', 100000), ('{"tax_paid": "100000000"}', 100000),
                        ('{"tax_paid": 1E+8}', 100000), ('{"tax_paid": 0}', 0)]:
        assert eval_one(P58, "tax_contribution_reward", case) == (0, {"value": value})
    for case, words in [('{"tax_paid": -1}', "≥ 0"), ('{"tax_paid": "1e3"}', "a number (元)"),
                        ('{"tax_paid": 1e400}', "out of range"), ('{"tax_paid": true}', "元")]:
        code, out = eval_one(P58, "tax_contribution_reward", case)
        assert code == 2 and out["field"] == "tax_paid" and words in out["error"], out


def test_ratio_domain() -> None:
    code, out = eval_one(P58, "microloan_veto", '{"npl_ratio": 1.5, "red_line_violation": false}')
    assert code == 2 and out["field"] == "npl_ratio" and "≤ 1" in out["error"]


def test_requirement_of_the_policy_is_an_input_error() -> None:
    # 58: the deposit/loan growth reward has two tiers only; its 要求 names the field
    code, out = eval_one(P58, "deposit_loan_growth_quarterly_reward",
                         json.dumps({"tier": 3, "rank": 1, "last_in_nantong": False}))
    assert code == 2 and out["field"] == "tier"


def test_household_of_zero_is_refused() -> None:
    code, out = eval_one(P60, "guarantee_area", '{"household_size": 0}')
    assert code == 2 and out["field"] == "household_size" and "≥ 1" in out["error"]


@pytest.mark.parametrize("value", ["rich", "Subsistence", "", 1])
def test_undeclared_enum_value_is_refused(value: object) -> None:
    code, out = eval_one(P60, "rent_subsidy_rate",
                         json.dumps({"family_type": value, "location": "other"}))
    assert code == 2 and out["field"] == "family_type"
    assert "one of subsistence, low_income, lower_middle_income" in out["error"]


@pytest.mark.parametrize(("value", "words"), [
    ("2022-02-30", "not a real date"), ("2022/10/01", "YYYY-MM-DD"), (20221001, "YYYY-MM-DD"),
    ("２０２２-10-01", "YYYY-MM-DD"), ("2022-10-01 ", "YYYY-MM-DD"),
    ("2022-10-01T08:00", "YYYY-MM-DD"),
])
def test_malformed_date_is_refused(value: object, words: str) -> None:
    code, out = eval_one(P58, "quarterly_summary_deadline", json.dumps({"in_quarter": value}))
    assert code == 2 and out["field"] == "in_quarter" and words in out["error"], out


@pytest.mark.parametrize(("value", "words"), [
    ("2022-10-01T25:00", "not a real date-time"), ("2022-10-01", "YYYY-MM-DDTHH:MM"),
    ("2022-10-01T08:00:00+08:00", "YYYY-MM-DDTHH:MM"), ("2022-10-01 08:00", "YYYY-MM-DDTHH:MM"),
])
def test_malformed_datetime_is_refused(value: str, words: str) -> None:
    code, out = eval_one(P55, "written_report_deadline",
                         json.dumps({"severity": "I", "occurred_at": value}))
    assert code == 2 and out["field"] == "occurred_at" and words in out["error"], out


def test_deadline_past_year_9999_is_bad_input_not_a_crash() -> None:
    code, out = eval_one(P55, "written_report_deadline",
                         '{"severity": "I", "occurred_at": "9999-12-31T23:59"}')
    assert code == 2 and out["field"] == "occurred_at"
    assert out["error"] == ("occurred_at: expected a date whose deadline falls in 0001-9999; "
                            "the deadline would fall in the year 10000")


def test_date_beyond_the_published_calendar(tmp_path: Path) -> None:
    pol = tmp_path / "t.pol"
    pol.write_text('文号 "测试"\n引文未核对 "测试用政策"\n输入 d "日期" : 日期\n'
                   '决策 due "期限" (d) : 日期 推导 "测试" { 结果 d + 15工作日 }\n',
                   encoding="utf-8")
    code, out = eval_one(str(pol), "due", '{"d": "2026-12-25"}')
    assert code == 2 and out["error"].startswith("d: working days in 2027 are not known")
    assert out["field"] == "d"
    assert eval_one(str(pol), "due", '{"d": "2022-09-30"}') == (0, {"value": "2022-10-26"})


def test_jsonl_keeps_going_and_keeps_order() -> None:
    lines = [json.dumps(OK_REWARD), json.dumps({**OK_REWARD, "tier": 9}), "{bad",
             "", "   ", json.dumps({"tier": 2, "rank": 2, "last_in_nantong": True}), "[]"]
    code, out = run(P58, REWARD, "--jsonl", "-", stdin="\n".join(lines) + "\n")
    got = [json.loads(x) for x in out.splitlines()]
    assert code == 2
    # exactly one output line per input line, in order, blank ones included
    assert len(got) == 7
    assert got[0] == {"value": 50000}
    assert got[1]["field"] == "tier" and got[1]["error"].startswith("line 2: tier")
    assert got[2]["error"].startswith("line 3: invalid JSON")
    assert got[3]["error"].startswith("line 4: blank line") and got[4]["line"] == 5
    assert got[5] == {"value": 10000}
    assert got[6]["error"].startswith("line 7: ") and got[6]["line"] == 7


def test_jsonl_all_good_exits_0() -> None:
    code, out = run(P58, REWARD, "--jsonl", "-", stdin=json.dumps(OK_REWARD) + "\n")
    assert code == 0 and out == '{"value": 50000}\n'


def test_usage_errors_exit_2() -> None:
    assert run(P58, "no_such_decision", "--input", "{}")[0] == 2
    assert run(P58, REWARD)[0] == 2
    assert run(str(ROOT / "policies" / "nope.pol"), REWARD, "--input", "{}")[0] == 2


# ---------------------------------------------------------------- the Python API


@pytest.fixture(scope="module")
def m58() -> types.ModuleType:
    return pipeline.compile_file(Path(P58)).module


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"tax_paid": Decimal("NaN")}, "tax_paid"),
    ({"tax_paid": Decimal("sNaN")}, "tax_paid"),
    ({"tax_paid": Decimal("Infinity")}, "tax_paid"),
    ({"tax_paid": 1.5}, "tax_paid"),
    ({"tax_paid": True}, "tax_paid"),
    ({"tax_paid": "100"}, "tax_paid"),
    ({"tax_paid": -1}, "tax_paid"),
    ({"tax_paid": 10**30}, "tax_paid"),
    ({"tax_paid": Decimal(10) ** 30}, "tax_paid"),
])
def test_python_api_refuses_bad_money(m58: types.ModuleType, kwargs: dict[str, Any],
                                      field: str) -> None:
    with pytest.raises(InputError) as info:
        m58.tax_contribution_reward(**kwargs)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: expected a number (元)")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"tier": True, "rank": 1, "last_in_nantong": False}, "tier"),
    ({"tier": 1.0, "rank": 1, "last_in_nantong": False}, "tier"),
    ({"tier": 3.5, "rank": 1, "last_in_nantong": False}, "tier"),
    ({"tier": 1, "rank": 10**30, "last_in_nantong": False}, "rank"),
    ({"tier": 1, "rank": -1, "last_in_nantong": False}, "rank"),
    ({"tier": 1, "rank": 1, "last_in_nantong": 0}, "last_in_nantong"),
])
def test_python_api_refuses_bad_counts(m58: types.ModuleType, kwargs: dict[str, Any],
                                       field: str) -> None:
    with pytest.raises(InputError) as info:
        m58.inclusive_finance_quarterly_reward(**kwargs)
    assert info.value.field == field


def test_python_api_missing_and_unknown_name_the_field(m58: types.ModuleType) -> None:
    # keyword-only parameters: Python itself refuses and names the argument
    with pytest.raises(TypeError, match="last_in_nantong"):
        m58.inclusive_finance_quarterly_reward(tier=1, rank=1)
    with pytest.raises(TypeError, match="extra"):
        m58.inclusive_finance_quarterly_reward(tier=1, rank=1, last_in_nantong=False, extra=1)
    assert m58.inclusive_finance_quarterly_reward(tier=1, rank=1, last_in_nantong=False) == 50000


def test_python_api_refuses_undeclared_enum_value() -> None:
    m60 = pipeline.compile_file(Path(P60)).module
    with pytest.raises(InputError) as info:
        m60.rent_subsidy_rate(family_type="rich", location="other")
    assert info.value.field == "family_type"
