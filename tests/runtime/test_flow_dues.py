"""polc.runtime's answers for dated steps, weekly moments, extendable deadlines and
deadlines by branch (FlowBook.due_dates, next_weekly), on hand-written flow data."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from polc.runtime import Due, FlowBook, FlowEdge, FlowSpec, FlowStep, InputError, StepDue
from polc.runtime.dates import next_weekly


def _step(name: str, kind: str = "step", due: StepDue | None = None) -> FlowStep:
    return FlowStep(name, kind, name, None, (), (), None, due)


def _edge(src: str, dst: str, amount: int | None = None, how: str | None = None, *,
          when: str | None = None, roll: bool = False, **extra: object) -> FlowEdge:
    text = None if amount is None else f"{amount}"
    return FlowEdge(src, dst, when, amount, how, text, roll, False, None, **extra)  # type: ignore[arg-type]


def _book(steps: list[FlowStep], edges: list[FlowEdge]) -> FlowBook:
    return FlowBook({}, {"f": FlowSpec("f", tuple(steps), tuple(edges), None)})


# ---------------------------------------------------------------- weekly moments

THURSDAY = 3


def test_next_weekly_is_the_first_moment_at_or_after() -> None:
    # 2022-11-02 is a Wednesday
    assert next_weekly(datetime(2022, 11, 2, 9, 0), THURSDAY, 17, 0) == datetime(2022, 11, 3, 17)
    assert next_weekly(datetime(2022, 11, 3, 16, 59), THURSDAY, 17, 0) == datetime(2022, 11, 3, 17)
    # 17时前（含）: 17:00 itself is on time; a second later the next Thursday is due
    assert next_weekly(datetime(2022, 11, 3, 17, 0), THURSDAY, 17, 0) == datetime(2022, 11, 3, 17)
    assert next_weekly(datetime(2022, 11, 3, 17, 0, 1), THURSDAY, 17, 0) == \
        datetime(2022, 11, 10, 17)
    # （不含）: the moment itself is already late
    assert next_weekly(datetime(2022, 11, 3, 17, 0), THURSDAY, 17, 0, inclusive=False) == \
        datetime(2022, 11, 10, 17)
    # a Friday: the coming Thursday; across a month and a year end
    assert next_weekly(datetime(2022, 12, 30, 8, 0), THURSDAY, 17, 30) == \
        datetime(2023, 1, 5, 17, 30)


def test_next_weekly_is_not_moved_by_a_holiday() -> None:
    # 2022-10-06 is a Thursday of the National Day holiday: a fixed weekly moment is not
    # the last day of a period, so 第二百零三条 does not move it
    assert next_weekly(datetime(2022, 10, 4, 12, 0), THURSDAY, 17, 0) == datetime(2022, 10, 6, 17)


def test_next_weekly_past_the_last_date_is_an_input_error() -> None:
    with pytest.raises(InputError, match="at"):
        next_weekly(datetime(9999, 12, 31, 18, 0), THURSDAY, 17, 0)


# ---------------------------------------------------------------- dated steps

def test_dated_steps_are_due_whatever_the_events() -> None:
    fixed = StepDue("date", "2022-08-30", True, date=date(2022, 8, 30), year_from="文本")
    book = _book([_step("check", due=fixed)], [])
    assert book.due_dates("f", {}) == {"check": Due(date(2022, 8, 30), date(2022, 8, 30))}


def test_a_month_and_day_of_the_callers_year_needs_the_year() -> None:
    due = StepDue("month_day", "2月29日", True, month=2, day=29, year_from="输入")
    excl = StepDue("month_day", "3月1日", False, month=3, day=1, year_from="输入")
    book = _book([_step("a", due=due), _step("b", due=excl)], [])
    with pytest.raises(InputError, match="year: expected the year of step a"):
        book.due_dates("f", {})
    with pytest.raises(InputError, match="2月29日"):
        book.due_dates("f", {}, year=2023)
    with pytest.raises(InputError, match="a year 1-9999"):
        book.due_dates("f", {}, year=True)
    got = book.due_dates("f", {}, year=2024)
    # 3月1日前（不含）: the last day on time is the day before, 29 February in a leap year
    assert got == {"a": Due(date(2024, 2, 29), date(2024, 2, 29)),
                   "b": Due(date(2024, 2, 29), date(2024, 2, 29))}


def test_weekly_steps_need_a_date_time() -> None:
    weekly = StepDue("weekly", "每周四 17时", True, weekday=THURSDAY, hour=17, minute=0)
    book = _book([_step("report", due=weekly)], [])
    assert book.due_dates("f", {}) == {}
    moment = datetime(2022, 11, 3, 17)
    assert book.due_dates("f", {}, at=datetime(2022, 11, 1, 9)) == {"report": Due(moment, moment)}
    with pytest.raises(InputError, match="at: expected a date-time"):
        book.due_dates("f", {}, at=date(2022, 11, 1))  # type: ignore[arg-type]


# ---------------------------------------------------------------- extensions

def test_an_extension_runs_on_from_the_base_deadline() -> None:
    book = _book([_step("s", "event"), _step("d")],
                 [_edge("s", "d", 60, "days", extension_amount=60, extension_how="days",
                        extension="60日", approver="office")])
    got = book.due_dates("f", {"s": date(2024, 3, 1)})
    assert got == {"d": Due(date(2024, 4, 30), date(2024, 6, 29), "office")}


def test_an_extension_in_working_days_and_with_roll_forward() -> None:
    # 20工作日 from 2022-09-20 (a Tuesday): 8 to 09-30, 10-01..10-07 off, 10-08 and 10-09
    # worked (9, 10), then 10-10..10-21 (20); ten more: 10-24..10-28, 10-31..11-04
    book = _book([_step("s", "event"), _step("d")],
                 [_edge("s", "d", 20, "working_days", extension_amount=10,
                        extension_how="working_days", extension="10工作日")])
    got = book.due_dates("f", {"s": date(2022, 9, 20)})["d"]
    assert got.base == date(2022, 10, 21) and got.latest == date(2022, 11, 4)
    assert got.approver is None
    # 30日 顺延 extended by 30日: 2022-09-01 + 30 = 10-01 (holiday) -> 10-08, a make-up
    # working day; + 30 = 11-07, a Monday
    rolled = _book([_step("s", "event"), _step("d")],
                   [_edge("s", "d", 30, "days", roll=True, extension_amount=30,
                          extension_how="days", extension="30日")])
    assert rolled.due_dates("f", {"s": date(2022, 9, 1)})["d"] == \
        Due(date(2022, 10, 8), date(2022, 11, 7))


def test_several_deadlines_bind_at_their_earliest() -> None:
    book = _book([_step("s", "event"), _step("t", "event"), _step("d")],
                 [_edge("s", "d", 60, "days", extension_amount=60, extension_how="days",
                        extension="60日", approver="office"),
                  _edge("t", "d", 90, "days")])
    got = book.due_dates("f", {"s": date(2024, 1, 1), "t": date(2024, 1, 1)})["d"]
    # the base of the first (03-01) binds; extended, it may not pass the second's 03-31
    assert got == Due(date(2024, 3, 1), date(2024, 3, 31), None)


# ---------------------------------------------------------------- branches

def _branch_book() -> FlowBook:
    return _book([_step("s", "event"), _step("k", "choice"), _step("d")],
                 [_edge("s", "k"), _edge("k", "d", when="一般"), _edge("k", "d", when="复杂"),
                  _edge("s", "d", 15, "days", branch=("k", "一般")),
                  _edge("s", "d", 30, "days", branch=("k", "复杂"))])


def test_a_deadline_by_branch_takes_the_branch_given() -> None:
    book = _branch_book()
    start = date(2024, 3, 1)
    assert book.due_dates("f", {"s": start}, branches={"k": "一般"})["d"].base == date(2024, 3, 16)
    assert book.due_dates("f", {"s": start}, branches={"k": "复杂"})["d"].base == date(2024, 3, 31)
    # without the source event no branch is needed
    assert book.due_dates("f", {}) == {}


def test_a_deadline_by_branch_never_guesses_the_branch() -> None:
    book = _branch_book()
    with pytest.raises(InputError, match="branches: expected the branch taken at k"):
        book.due_dates("f", {"s": date(2024, 3, 1)})
    with pytest.raises(InputError, match="a branch of choice k: 一般、复杂"):
        book.due_dates("f", {"s": date(2024, 3, 1)}, branches={"k": "简单"})
    with pytest.raises(InputError, match="a branch of choice d"):
        book.due_dates("f", {"s": date(2024, 3, 1)}, branches={"d": "一般"})
    with pytest.raises(InputError, match="a step of flow f"):
        book.due_dates("f", {"s": date(2024, 3, 1)}, branches={"zz": "一般"})
