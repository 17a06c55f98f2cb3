"""The official calendar as data: the built-in years against chinese-calendar, and the
years a user adds by a file (--calendar, POLC_CALENDAR, calendar/ beside the policies).

The 2027 files in tests/fixtures/calendar/ are made up: the official 2027 schedule is not
published here, and polc ships none.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from chinese_calendar import constants as cc
from click.testing import CliRunner, Result

from polc.compiler import pipeline
from polc.compiler.tools.cli import cli
from polc.runtime import CalendarError, CalendarFileError, calendar, use_calendar
from polc.runtime.dates import add_working_days, is_working_day

from ..paths import CALENDARS as HERE
from ..paths import ROOT

BUILTIN = ROOT / "runtime" / "calendar.toml"
P54 = ROOT / "policies" / "54_audit_rectification.pol"
MADE_UP = HERE / "made_up_2027.toml"
OTHER = HERE / "made_up_2027_other.toml"
DECEMBER = HERE / "made_up_2027_december.toml"
YEARS = range(2004, 2027)
# one deadline that reaches into 2027: 15 working days after Sunday 2026-12-20
DUE = {"": None, "made_up": "2027-01-11", "other": "2027-01-14"}


@pytest.fixture(autouse=True)
def fresh_calendar() -> Iterator[None]:
    previous = calendar.activate(None)
    yield
    calendar.activate(previous)


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env or {"POLC_CALENDAR": ""})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def due(*args: str | Path, policy: Path = P54, env: dict[str, str] | None = None) -> object:
    result = run("eval", policy, "task_list_deadline", "--input",
                 '{"received_on": "2026-12-20"}', *args, env=env)
    out = json.loads(result.stdout)
    assert result.exit_code == (0 if "value" in out else 2), result.output
    return out.get("value")


# ---------------------------------------------------------------- the built-in years


def test_builtin_years_are_chinese_calendars_day_by_day() -> None:
    years = calendar.assemble().years
    assert tuple(years) == tuple(YEARS)
    for year in YEARS:
        # a section may hold the December before; a day belongs to its own year
        off = {d for s in (years[year], years.get(year + 1)) if s for d in s.days_off()
               if d.year == year}
        worked = {d for s in (years[year], years.get(year + 1)) if s for d in s.workdays
                  if d.year == year}
        assert off == {d for d in cc.holidays if d.year == year}, year
        assert worked == {d for d in cc.workdays if d.year == year}, year
        days = calendar.active().working_days(year)
        first = date(year, 1, 1)
        expected = [first + timedelta(n) for n in range(366)
                    if (first + timedelta(n)).year == year
                    and chinese_calendar.is_workday(first + timedelta(n))]
        assert days == tuple(d.toordinal() for d in expected), year


def test_builtin_file_is_what_the_generator_writes() -> None:
    spec = importlib.util.spec_from_file_location("gen_calendar",
                                                  ROOT / "tools" / "gen_calendar.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.render() == BUILTIN.read_text(encoding="utf-8")


def test_builtin_file_passes_its_own_check() -> None:
    years, problems = calendar.check_file(BUILTIN)
    assert problems == [] and [s.year for s in years] == list(YEARS)
    assert run("calendar", "--check", BUILTIN).exit_code == 0


def test_a_notice_may_rearrange_the_december_before() -> None:
    # the 2019 notice made Saturday 2018-12-29 a working day (before 元旦 2018-12-30..2019-01-01)
    assert is_working_day(date(2018, 12, 29)) and not is_working_day(date(2018, 12, 31))
    assert is_working_day(date(2026, 12, 31))
    assert not is_working_day(date(2026, 12, 26))  # a Saturday
    use_calendar(DECEMBER)
    assert not is_working_day(date(2026, 12, 31))
    assert is_working_day(date(2026, 12, 26))
    assert add_working_days(date(2026, 12, 30), 1) == date(2027, 1, 4)


# ---------------------------------------------------------------- refused, then added


def test_2027_is_refused_naming_the_field_and_how_to_add_it() -> None:
    result = run("eval", P54, "task_list_deadline", "--input", '{"received_on": "2026-12-20"}')
    assert result.exit_code == 2
    out = json.loads(result.stdout)
    assert out["field"] == "received_on"
    assert out["error"].startswith("received_on: working days in 2027 are not known")
    for words in ("(it covers 2004-2026)", "--calendar FILE", "POLC_CALENDAR",
                  "calendar/2027.toml"):
        assert words in out["error"]


def test_a_2027_file_gives_a_2027_deadline() -> None:
    assert due() is None
    assert due("--calendar", MADE_UP) == DUE["made_up"]
    assert due(env={"POLC_CALENDAR": str(MADE_UP)}) == DUE["made_up"]


def test_a_command_leaves_no_calendar_behind() -> None:
    assert due("--calendar", MADE_UP) == DUE["made_up"]
    with pytest.raises(CalendarError):
        is_working_day(date(2027, 3, 1))


def test_python_callers_add_a_year_by_use_calendar_or_the_variable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    m54 = pipeline.compile_file(P54).module
    with pytest.raises(CalendarError):
        m54.task_list_deadline(received_on=date(2026, 12, 20))
    use_calendar(MADE_UP)
    assert m54.task_list_deadline(received_on=date(2026, 12, 20)) == date(2027, 1, 11)
    calendar.activate(None)
    monkeypatch.setenv("POLC_CALENDAR", f"{OTHER}")
    assert m54.task_list_deadline(received_on=date(2026, 12, 20)) == date(2027, 1, 14)


def _policy_beside(folder: Path, *calendars: Path) -> Path:
    folder.mkdir()
    (folder / "calendar").mkdir()
    for c in calendars:
        (folder / "calendar" / c.name).write_text(c.read_text(encoding="utf-8"),
                                                  encoding="utf-8")
    pol = folder / "t.pol"
    pol.write_text('文号 "测试"\n引文未核对 "测试用政策"\n输入 received_on "收到之日" : 日期\n'
                   '决策 task_list_deadline "期限" (received_on) : 日期 推导 "测试" {\n'
                   '  结果 received_on + 15工作日\n}\n'
                   '例 task_list_deadline(received_on = 2026-12-20) => 2027-01-11 推导 "测试"\n',
                   encoding="utf-8")
    return pol


def test_precedence_flag_then_variable_then_folder_then_builtin(tmp_path: Path) -> None:
    bare = _policy_beside(tmp_path / "bare")
    beside = _policy_beside(tmp_path / "beside", MADE_UP)
    assert due(policy=bare) is None
    assert due(policy=beside) == DUE["made_up"]
    assert due(policy=beside, env={"POLC_CALENDAR": str(OTHER)}) == DUE["other"]
    assert due("--calendar", MADE_UP, policy=bare, env={"POLC_CALENDAR": str(OTHER)}) == \
        DUE["made_up"]
    listed = run("calendar", beside, "--calendar", OTHER).stdout.splitlines()
    assert listed[:2] == ["2004-2026  built-in (polc/runtime/calendar.toml)",
                          f"2027       {OTHER}"]


def test_the_folder_beside_the_policies_serves_test_and_build(tmp_path: Path) -> None:
    beside = _policy_beside(tmp_path / "beside", MADE_UP)
    assert run("test", beside).exit_code == 0
    bare = _policy_beside(tmp_path / "bare")
    failed = run("test", bare)
    assert failed.exit_code == 1 and "working days in 2027 are not known" in failed.stdout
    assert run("test", bare, "--calendar", MADE_UP).exit_code == 0
    out = tmp_path / "out"
    built = run("build", "--no-render", "-o", out, bare, "--calendar", MADE_UP)
    assert built.exit_code == 0, built.output
    assert "| ✓ | `task_list_deadline` | received_on=2026-12-20 | 2027-01-11 | 2027-01-11 |" in \
        (out / "reports" / "t.md").read_text(encoding="utf-8")


def test_examples_that_expect_2027_refused_fail_once_2027_is_added() -> None:
    result = run("test", P54, "--calendar", MADE_UP)
    assert result.exit_code == 1
    assert result.stdout.count("FAIL ") == 2
    assert "task_list_deadline(received_on=2026-12-20)" in result.stdout


def test_two_files_of_one_level_that_disagree_are_an_error(tmp_path: Path) -> None:
    clash = _policy_beside(tmp_path / "clash", MADE_UP, OTHER)
    result = run("eval", clash, "task_list_deadline", "--input", '{"received_on": "2026-12-20"}')
    assert result.exit_code == 2 and result.stdout == ""
    assert "error[E037]: [2027] 与 " in result.stderr
    assert "同一年只能有一种放假安排" in result.stderr
    same = tmp_path / "same.toml"
    same.write_text(MADE_UP.read_text(encoding="utf-8"), encoding="utf-8")
    assert run("calendar", "--check", MADE_UP, "--check", same).exit_code == 0
    conflict = run("calendar", "--check", MADE_UP, "--check", OTHER)
    assert conflict.exit_code == 1 and "error[E037]" in conflict.stdout


def test_a_bad_calendar_file_is_refused_with_located_errors(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.chdir(ROOT)
    bad = Path("tests/fixtures/calendar/bad.toml")
    result = run("calendar", "--check", bad)
    assert result.exit_code == 1
    assert result.stdout == (HERE / "bad.expected").read_text(encoding="utf-8")
    codes = {line.split("error[")[1][:4] for line in result.stdout.splitlines()}
    assert codes == {"E031", "E032", "E033", "E034", "E035", "E036", "E038"}
    used = run("eval", P54, "task_list_deadline", "--input", '{"received_on": "2022-09-30"}',
               "--calendar", bad)
    assert used.exit_code == 2 and used.stdout == ""
    assert used.stderr.startswith("tests/fixtures/calendar/bad.toml:5:19: error[E034]")
    with pytest.raises(CalendarFileError) as info:
        use_calendar(bad)
    assert len(info.value.problems) == 12


@pytest.mark.parametrize(("text", "located"), [
    ("[2027\n", "1:6: error[E030]: 不是有效的 TOML"),
    ("\ufeff[2027]\nholidays = [[2027-01-01, 2027-01-01, \"元旦\"]]\n", ""),
    ('[2027]\nholidays = [["2027-01-01", "2027-01-01", ""]]\n', "2:15: error[E032]"),
    ('[2027]\nholidays = "元旦"\n', "2:1: error[E038]"),
    ('[2027]\nholidays = [["2027-01-01", "2027-01-01", "元旦"]]\nworkdays = "x"\n',
     "3:1: error[E032]"),
    ('[2027]\nholidays = [[2027-01-01T08:00:00, "2027-01-01", "元旦"]]\n', "1:1: error[E032]"),
    ('[0000]\nholidays = [["2027-01-01", "2027-01-01", "元旦"]]\n', "1:1: error[E031]"),
    ('holidays = []\n', "1:1: error[E031]"),
])
def test_check_locates_each_problem(tmp_path: Path, text: str, located: str) -> None:
    f = tmp_path / "c.toml"
    f.write_text(text, encoding="utf-8")
    result = run("calendar", "--check", f)
    if located:
        assert result.exit_code == 1 and result.stdout.startswith(f"{f}:{located}"), result.stdout
    else:
        assert (result.exit_code, result.stdout) == (0, f"{f}: ok, 2027\n")


def test_a_file_that_is_not_a_file(tmp_path: Path) -> None:
    assert run("calendar", "--check", tmp_path / "missing.toml").exit_code == 2
    result = run("eval", P54, "task_list_deadline", "--input", '{"received_on": "2022-09-30"}',
                 "--calendar", tmp_path / "missing.toml")
    assert result.exit_code == 2 and "error[E030]: 日历文件不存在" in result.stderr
    (tmp_path / "gbk.toml").write_bytes("[2027]\n# 元旦\n".encode("gbk"))
    assert "error[E030]: 日历文件不是 UTF-8" in run("calendar", "--check",
                                                  tmp_path / "gbk.toml").stdout


def test_the_variable_lists_several_files(tmp_path: Path) -> None:
    later = tmp_path / "2028.toml"
    later.write_text('[2028]\nholidays = [["2028-01-01", "2028-01-03", "元旦"]]\n',
                     encoding="utf-8")
    result = run("calendar", "--format", "json",
                 env={"POLC_CALENDAR": f"{OTHER}{os.pathsep}{os.pathsep}{later}"})
    years = json.loads(result.stdout)["years"]
    assert [(y["year"], y["source"]) for y in years[-2:]] == [(2027, str(OTHER)),
                                                               (2028, str(later))]


def test_calendar_lists_years_and_sources_as_json() -> None:
    result = run("calendar", "--format", "json", "--calendar", MADE_UP)
    years = json.loads(result.stdout)["years"]
    assert [y["year"] for y in years] == [*YEARS, 2027]
    assert years[0] == {"year": 2004, "source": "built-in", "notice": ""}
    assert years[-1] == {"year": 2027, "source": str(MADE_UP), "notice": "测试用虚构安排"}
    text = run("calendar").stdout
    assert text.startswith("2004-2026  built-in (polc/runtime/calendar.toml)\n")
    assert "23 year(s) covered" in text
