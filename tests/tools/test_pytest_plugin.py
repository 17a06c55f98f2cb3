"""The polc pytest plugin (compiler/tools/pytest_plugin.py), run through pytester."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..paths import CALENDARS
from ..paths import ROOT as REPO

pytest_plugins = ["pytester"]
# the inner sessions need neither the cache nor pytest-asyncio (which warns there, with no
# ini to set its loop scope)
INNER = ("-p", "no:cacheprovider", "-p", "no:asyncio")


TINY = """文号 "海政办发〔2022〕55号"

输入 possible_people_involved "可能涉及人数" : 计数(人)

决策 big "特别重大风险信息" (possible_people_involved) : 是否
  引 三（二）1 「可能发生涉及400人以上的风险信息」
{
  结果 possible_people_involved >= 400人
}

例 big(possible_people_involved = 400人) => 是
  引 三（二）1 「可能发生涉及400人以上的风险信息」
例 big(possible_people_involved = 399人) => {expected}
  引 三（二）1 「可能发生涉及400人以上的风险信息」
"""


def _project(pytester: pytest.Pytester, expected: str) -> Path:
    shutil.copytree(REPO / "policies" / "sources", pytester.path / "sources")
    return pytester.makefile(".pol", tiny=TINY.replace("{expected}", expected))


def test_collects_one_item_per_example(pytester: pytest.Pytester) -> None:
    _project(pytester, "否")
    result = pytester.runpytest("--polc", "-v", *INNER)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*tiny.pol::big*line 11* PASSED*"])


def test_failure_shows_expected_got_and_quote(pytester: pytest.Pytester) -> None:
    _project(pytester, "是")
    result = pytester.runpytest("--polc", *INNER)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*expected: True*", "*got:      False*",
                                 "*quote:    「可能发生涉及400人以上的风险信息」*"])


def test_ini_option_enables_collection(pytester: pytest.Pytester) -> None:
    _project(pytester, "否")
    pytester.makeini("[pytest]\npolc_examples = true\n")
    pytester.runpytest(*INNER).assert_outcomes(passed=2)


def test_without_the_flag_nothing_is_collected(pytester: pytest.Pytester) -> None:
    _project(pytester, "否")
    result = pytester.runpytest(*INNER)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_policy_that_does_not_compile_is_one_failing_item(pytester: pytest.Pytester) -> None:
    _project(pytester, "否")
    pol = pytester.path / "tiny.pol"
    pol.write_text(pol.read_text(encoding="utf-8").replace("400人以上的风险信息」\n{",
                                                           "400人以上的风险讯息」\n{"),
                   encoding="utf-8")
    result = pytester.runpytest("--polc", *INNER)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*E411*"])


DEADLINE = """文号 "测试"
引文未核对 "测试用政策"
输入 received_on "收到之日" : 日期
决策 due "期限" (received_on) : 日期 推导 "测试" { 结果 received_on + 15工作日 }
例 due(received_on = 2026-12-20) => 2027-01-11 推导 "测试用虚构的2027年安排"
"""


def test_examples_count_on_the_calendar_beside_the_policy(pytester: pytest.Pytester) -> None:
    pytester.makefile(".pol", deadline=DEADLINE)
    refused = pytester.runpytest("--polc", *INNER)
    refused.assert_outcomes(failed=1)
    refused.stdout.fnmatch_lines(["*working days in 2027 are not known*"])
    (pytester.path / "calendar").mkdir()
    shutil.copy(CALENDARS / "made_up_2027.toml", pytester.path / "calendar")
    pytester.runpytest("--polc", *INNER).assert_outcomes(passed=1)
