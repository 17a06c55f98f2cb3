"""`polc eval` never loses a line and names the field of every bad date (issue 11).

Regression tests for the reproductions of ../shared/repro (copies in tests/fixtures/repro/), run
in a real process: the lone-surrogate crash happened while writing to a real stdout.
Every input line gets exactly one output line, in order; a bad line gets
{"error": "line N: …", "line": N}; the batch always ends; exit 2 when a line was bad.
"""

from __future__ import annotations

import json
import subprocess
import sys
import types
from datetime import date, datetime
from pathlib import Path

import pytest

from polc.compiler import pipeline
from polc.runtime import CalendarError, InputError

from ..paths import REPRO, ROOT

P54 = ROOT / "policies" / "54_audit_rectification.pol"
P55 = ROOT / "policies" / "55_overseas_labor_emergency.pol"
P58 = ROOT / "policies" / "58_finance_assessment.pol"
POLC = [sys.executable, "-c", "from polc.compiler.tools.cli import main; main()"]
Z = '"deaths": 0, "serious_injuries": 0, "confirmed_infections": 0, "suspected_infections": 0'


def polc(*args: str | Path, stdin: bytes = b"") -> tuple[int, list[str], str]:
    done = subprocess.run([*POLC, *map(str, args)], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=120, check=False)
    err = done.stderr.decode("utf-8")
    assert "Traceback" not in err and "internal error" not in err, err
    return done.returncode, done.stdout.decode("utf-8").splitlines(), err


def out(line: str) -> dict[str, object]:
    parsed: dict[str, object] = json.loads(line)
    return parsed


# ---------------------------------------------------------------- --jsonl


def test_invalid_utf8_line_loses_nothing_else() -> None:
    code, lines, _ = polc("eval", P55, "severity", "--jsonl",
                          REPRO / "jsonl_invalid_utf8_loses_whole_batch.jsonl")
    assert code == 2
    assert lines == [
        '{"value": "I"}',
        '{"error": "line 2: not UTF-8: byte 0xff at byte 22 (invalid start byte)", "line": 2}',
        '{"value": "II"}',
    ]


def test_lone_surrogate_key_is_one_error_line() -> None:
    code, lines, _ = polc("eval", P55, "severity", "--jsonl",
                          REPRO / "jsonl_lone_surrogate_key_crash_stops_batch.jsonl")
    assert code == 2
    assert len(lines) == 3 and lines[0] == '{"value": "I"}' and lines[2] == '{"value": "II"}'
    assert out(lines[1]) == {
        "error": "line 2: \\ud800: expected a field name in valid Unicode; it holds \\ud800, "
                 "a lone surrogate (half of a UTF-16 pair, or a byte that was not UTF-8), "
                 "which is no character",
        "field": "\\ud800", "line": 2}


def test_5000_digit_string_is_out_of_range_by_name() -> None:
    code, lines, _ = polc("eval", P55, "severity", "--jsonl",
                          REPRO / "jsonl_5000_digit_string_crash_stops_batch.jsonl")
    assert code == 2
    assert len(lines) == 3 and lines[0] == '{"value": "I"}' and lines[2] == '{"value": "II"}'
    assert out(lines[1]) == {
        "error": "line 2: people_involved: expected a whole number ≥ 0; got "
                 "111111111111111111111111… (5000 characters), which is out of range",
        "field": "people_involved", "line": 2}


def test_blank_lines_each_get_an_output_line() -> None:
    code, lines, _ = polc("eval", P55, "severity", "--jsonl",
                          REPRO / "jsonl_blank_lines_give_no_output_line.jsonl")
    assert code == 2
    blank = 'blank line: expected a JSON object {\\"field\\": value, …}'
    assert lines == [
        '{"value": "I"}',
        f'{{"error": "line 2: {blank}", "line": 2}}',
        f'{{"error": "line 3: {blank}", "line": 3}}',
        ('{"error": "line 4: people_involved: expected a whole number ≥ 0, got -1", '
         '"field": "people_involved", "line": 4}'),
        '{"error": "line 5: invalid JSON: Expecting value: line 1 column 1 (char 0)", "line": 5}',
        '{"value": "II"}',
        f'{{"error": "line 7: {blank}", "line": 7}}',
        '{"value": "III"}',
    ]


def test_crlf_bom_and_a_last_line_without_newline() -> None:
    case = f'{{"people_involved": 400, {Z}}}'.encode()
    code, lines, _ = polc("eval", P55, "severity", "--jsonl", "-",
                          stdin=b"\xef\xbb\xbf" + case + b"\r\n\r\n" + case)
    assert code == 2
    assert [out(x).get("value") for x in lines] == ["I", None, "I"]
    assert out(lines[1])["line"] == 2
    code, lines, _ = polc("eval", P55, "severity", "--jsonl", "-", stdin=case + b"\r\n")
    assert (code, lines) == (0, ['{"value": "I"}'])
    assert polc("eval", P55, "severity", "--jsonl", "-", stdin=b"")[:2] == (0, [])


@pytest.mark.parametrize(("case", "field", "words"), [
    (f'{{"people_involved": {"9" * 5000}, {Z}}}', "people_involved", "(5000 characters)"),
    (f'{{"people_involved": "{"9" * 5000}", {Z}}}', "people_involved", "(5000 characters)"),
    (f'{{"people_involved": 1e999999999, {Z}}}', "people_involved", "out of range"),
    (f'{{"\\udfff": 1, {Z}}}', "\\udfff", "a lone surrogate"),
    (f'{{"people_involved": "\\ud800", {Z}}}', "people_involved", "a lone surrogate"),
    (f'{{"people_involved": ["\\ud800x"], {Z}}}', "people_involved", "a lone surrogate"),
])
def test_input_refuses_huge_numbers_and_surrogates_by_name(case: str, field: str,
                                                           words: str) -> None:
    code, lines, _ = polc("eval", P55, "severity", "--input", case)
    assert code == 2 and len(lines) == 1
    got = out(lines[0])
    assert got["field"] == field and "line" not in got, got
    assert str(got["error"]).startswith(field + ": ") and words in str(got["error"]), got


def test_surrogate_pair_is_a_character_not_an_error() -> None:
    code, lines, _ = polc("eval", P58, "tax_contribution_reward", "--input",
                          '{"tax_paid": 100000000, "\\ud83d\\ude00": 1}')
    assert code == 2 and out(lines[0])["field"] == "😀"  # an unknown field, named as typed


def test_money_given_as_a_5000_digit_string() -> None:
    code, lines, _ = polc("eval", P58, "tax_contribution_reward", "--jsonl", "-",
                          stdin=b'{"tax_paid": "' + b"9" * 5000 + b'"}\n{"tax_paid": 100000000}\n')
    assert code == 2
    assert out(lines[0])["field"] == "tax_paid" and out(lines[0])["line"] == 1
    assert lines[1] == '{"value": 100000}'


# ---------------------------------------------------------------- dates the JSON form allows


def test_54_received_on_9999_12_31_names_the_field() -> None:
    case = (REPRO / "eval_54_task_list_deadline_9999_overflow.json").read_text(encoding="utf-8")
    code, lines, _ = polc("eval", P54, "task_list_deadline", "--input", case)
    assert code == 2
    assert lines == [('{"error": "received_on: expected a date whose deadline falls in 0001-9999; '
                      'the deadline would fall in the year 10000", "field": "received_on"}')]


def test_58_in_year_9999_names_the_field() -> None:
    case = (REPRO / "eval_58_annual_assessment_deadline_9999_valueerror.json").read_text(
        encoding="utf-8")
    code, lines, _ = polc("eval", P58, "annual_assessment_deadline", "--input", case)
    assert code == 2
    assert lines == [('{"error": "in_year: expected a date whose deadline falls in 0001-9999; '
                      'the deadline would fall in the year 10000", "field": "in_year"}')]


def test_calendar_and_range_errors_name_the_right_field() -> None:
    first, second = (REPRO / "eval_calendar_and_range_errors_name_no_or_wrong_field.jsonl"
                     ).read_bytes().splitlines(keepends=True)
    code, lines, _ = polc("eval", P54, "task_list_deadline", "--jsonl", "-", stdin=first)
    assert code == 2
    assert out(lines[0]) == {
        "error": "line 1: received_on: working days in 2027 are not known: the calendar has "
                 "no official holiday schedule for 2027 (it covers 2004-2026); add the State "
                 "Council's 2027 schedule as a calendar file: --calendar FILE, "
                 "POLC_CALENDAR=FILE, or calendar/2027.toml beside the policy "
                 "(format: `polc calendar --help`)",
        "field": "received_on", "line": 1}
    code, lines, _ = polc("eval", P54, "signoff_deadline", "--jsonl", "-", stdin=second)
    assert code == 2
    assert lines == [('{"error": "line 1: period_end: expected a date whose deadline falls in '
                      '0001-9999; the deadline would fall in the year 10000", '
                      '"field": "period_end", "line": 1}')]


@pytest.mark.parametrize(("policy", "decision", "field", "value"), [
    (P54, "task_list_deadline", "received_on", "0001-01-01"),
    (P54, "signoff_deadline", "period_end", "0001-01-01"),
    (P58, "quarterly_summary_deadline", "in_quarter", "9999-12-01"),
    (P58, "annual_assessment_deadline", "in_year", "0001-01-01"),
])
def test_extreme_dates_evaluate_or_name_their_field(policy: Path, decision: str, field: str,
                                                    value: str) -> None:
    code, lines, _ = polc("eval", policy, decision, "--input", json.dumps({field: value}))
    got = out(lines[0])
    assert code in (0, 2) and len(lines) == 1
    assert "value" in got or (got["field"] == field and str(got["error"]).startswith(field))


@pytest.fixture(scope="module")
def modules() -> dict[str, types.ModuleType]:
    return {p.stem[:2]: pipeline.compile_file(p).module for p in (P54, P55, P58)}


def test_python_api_date_max_raises_typed_errors(modules: dict[str, types.ModuleType]) -> None:
    with pytest.raises(InputError) as info:
        modules["54"].task_list_deadline(received_on=date.max)
    assert info.value.field == "received_on"
    with pytest.raises(InputError) as info:
        modules["54"].signoff_deadline(period_end=date.max)
    assert info.value.field == "period_end"
    with pytest.raises(InputError) as info:
        modules["58"].annual_assessment_deadline(in_year=date.max)
    assert info.value.field == "in_year"
    with pytest.raises(CalendarError) as cal:
        modules["54"].task_list_deadline(received_on=date(2026, 12, 20))
    assert cal.value.field == "received_on" and cal.value.year == 2027
    with pytest.raises(CalendarError) as cal:
        modules["54"].explain_task_list_deadline(received_on=date(2003, 1, 1))
    assert cal.value.field == "received_on" and cal.value.year == 2003
    # the flows' deadlines name the event they count from
    with pytest.raises(InputError) as info:
        modules["54"].due_dates("rectification", {"received": date.max})
    assert info.value.field == "received"
    with pytest.raises(CalendarError) as cal:
        modules["54"].due_dates("rectification", {"received": date(2026, 12, 20)})
    assert cal.value.field == "received" and cal.value.year == 2027
    with pytest.raises(InputError) as info:
        modules["55"].written_report_deadline(severity="I", occurred_at=datetime.max)
    assert info.value.field == "occurred_at"
