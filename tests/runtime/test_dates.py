"""Tests for polc.runtime.dates: legal deadlines against known official calendars."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import chinese_calendar
import pytest

from polc.runtime.dates import (
    add_days,
    add_hours,
    add_minutes,
    add_months,
    add_working_days,
    add_years,
    days_before,
    is_working_day,
    month_end,
    month_end_of,
    months_before,
    quarter_end,
    roll_forward,
    working_days_before,
    year_end,
    years_before,
)
from polc.runtime.errors import CalendarError, InputError

KNOWN_YEARS = (2004, 2026)  # the built-in calendar: every year chinese-calendar knows


# --- working days ---------------------------------------------------------------------------


def test_fifteen_working_days_across_national_day_2022() -> None:
    # National Day: 10-01..10-07 off, 10-08 and 10-09 (Sat, Sun) worked.
    assert add_working_days(date(2022, 9, 30), 15) == date(2022, 10, 26)


def test_fifteen_working_days_across_mid_autumn_2022() -> None:
    # Mid-Autumn: Monday 09-12 off.
    assert add_working_days(date(2022, 9, 5), 15) == date(2022, 9, 27)


def test_national_day_2022_days() -> None:
    for day in range(1, 8):
        assert not is_working_day(date(2022, 10, day)), day
    assert is_working_day(date(2022, 10, 8))  # Saturday, make-up working day
    assert is_working_day(date(2022, 10, 9))  # Sunday, make-up working day
    assert is_working_day(date(2022, 10, 10))
    assert not is_working_day(date(2022, 10, 15))  # ordinary Saturday


def test_mid_autumn_2022_days() -> None:
    assert not is_working_day(date(2022, 9, 10))  # Saturday
    assert not is_working_day(date(2022, 9, 11))  # Sunday
    assert not is_working_day(date(2022, 9, 12))  # Monday, holiday
    assert is_working_day(date(2022, 9, 13))


def test_is_working_day_accepts_datetime() -> None:
    assert is_working_day(datetime(2022, 10, 8, 9, 30))
    assert not is_working_day(datetime(2022, 10, 3, 9, 30))


def test_add_working_days_ignores_what_the_start_day_is() -> None:
    # Start on a holiday, on a make-up day and on a plain weekday: never counted.
    assert add_working_days(date(2022, 10, 3), 1) == date(2022, 10, 8)
    assert add_working_days(date(2022, 10, 8), 1) == date(2022, 10, 9)
    assert add_working_days(date(2022, 10, 10), 1) == date(2022, 10, 11)


def test_add_working_days_across_a_year_end() -> None:
    # 2022-12-30 is a Friday; 2023-01-02 is the New Year holiday (in lieu).
    assert not is_working_day(date(2023, 1, 2))
    assert add_working_days(date(2022, 12, 30), 1) == date(2023, 1, 3)
    assert add_working_days(date(2022, 12, 30), 300) == _walk(date(2022, 12, 30), 300, +1)


def test_working_days_before_across_national_day() -> None:
    # 提前3个工作日 before 2022-10-11: 10-10, 10-09 (make-up), 10-08 (make-up).
    assert working_days_before(date(2022, 10, 11), 3) == date(2022, 10, 8)
    # One more skips the whole holiday back to Friday 09-30.
    assert working_days_before(date(2022, 10, 11), 4) == date(2022, 9, 30)
    assert working_days_before(date(2022, 10, 8), 1) == date(2022, 9, 30)


def test_working_days_before_across_a_year_start() -> None:
    assert working_days_before(date(2023, 1, 3), 1) == date(2022, 12, 30)
    assert working_days_before(date(2023, 1, 3), 300) == _walk(date(2023, 1, 3), 300, -1)


@pytest.mark.parametrize("n", [1, 2, 5, 15, 20, 249, 250, 251, 600])
@pytest.mark.parametrize("start", [date(2019, 12, 31), date(2020, 1, 1), date(2022, 9, 30)])
def test_working_day_counts_agree_with_a_day_by_day_walk(start: date, n: int) -> None:
    assert add_working_days(start, n) == _walk(start, n, +1)
    assert working_days_before(start, n) == _walk(start, n, -1)


def test_is_working_day_agrees_with_chinese_calendar_for_all_of_2022() -> None:
    d = date(2022, 1, 1)
    while d.year == 2022:
        assert is_working_day(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


def test_is_working_day_agrees_with_chinese_calendar_on_every_known_day() -> None:
    d = date(KNOWN_YEARS[0], 1, 1)
    while d.year <= KNOWN_YEARS[1]:
        assert is_working_day(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


# --- unknown years --------------------------------------------------------------------------


def test_is_working_day_2027_raises_calendar_error() -> None:
    with pytest.raises(CalendarError, match="working days in 2027 are not known") as info:
        is_working_day(date(2027, 1, 4))
    assert info.value.year == 2027
    assert info.value.covered == tuple(range(KNOWN_YEARS[0], KNOWN_YEARS[1] + 1))
    assert "(it covers 2004-2026)" in str(info.value)


def test_is_working_day_before_2004_raises_calendar_error() -> None:
    with pytest.raises(CalendarError, match="working days in 2003 are not known") as info:
        is_working_day(date(2003, 12, 31))
    assert info.value.year == 2003
    with pytest.raises(CalendarError, match="working days in 1999 are not known"):
        roll_forward(date(1999, 10, 1))


def test_count_crossing_into_2027_raises_calendar_error() -> None:
    with pytest.raises(CalendarError, match="working days in 2027 are not known") as info:
        add_working_days(date(2026, 12, 25), 15)
    assert info.value.year == 2027


def test_count_back_before_2004_raises_calendar_error() -> None:
    with pytest.raises(CalendarError, match="working days in 2003 are not known"):
        working_days_before(date(2004, 1, 5), 5)


def test_not_implemented_error_never_escapes() -> None:
    for call in (
        lambda: is_working_day(date(2030, 6, 1)),
        lambda: add_working_days(date(2027, 3, 1), 1),
        lambda: working_days_before(date(2027, 3, 1), 1),
        lambda: roll_forward(date(2027, 1, 1)),
    ):
        with pytest.raises(CalendarError):
            call()


def test_count_only_needs_the_days_it_looks_at() -> None:
    # The start day itself is not counted, so its year need not be known.
    assert add_working_days(date(2003, 12, 31), 1) == date(2004, 1, 2)
    # Within the last known year, ending in it, is fine.
    assert add_working_days(date(2026, 12, 1), 1) == date(2026, 12, 2)


# --- 民法典 第二百零一条 to 第二百零三条 --------------------------------------------------------


def test_add_days_does_not_count_the_start_day() -> None:
    assert add_days(date(2022, 3, 1), 0) == date(2022, 3, 1)
    assert add_days(date(2022, 3, 1), 1) == date(2022, 3, 2)


def test_add_days_across_month_and_year_ends() -> None:
    assert add_days(date(2022, 1, 25), 10) == date(2022, 2, 4)
    assert add_days(date(2022, 2, 20), 10) == date(2022, 3, 2)
    assert add_days(date(2024, 2, 20), 10) == date(2024, 3, 1)  # leap year
    assert add_days(date(2022, 12, 25), 15) == date(2023, 1, 9)


def test_add_days_does_not_extend_over_holidays() -> None:
    # Extension is roll_forward's job, applied by the caller to the last day.
    assert add_days(date(2022, 9, 26), 5) == date(2022, 10, 1)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2022, 1, 31), 1, date(2022, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2022, 3, 31), 1, date(2022, 4, 30)),
        (date(2022, 1, 15), 1, date(2022, 2, 15)),
        (date(2022, 11, 30), 3, date(2023, 2, 28)),
        (date(2022, 12, 31), 12, date(2023, 12, 31)),
        (date(2022, 8, 31), 18, date(2024, 2, 29)),
        (date(2022, 5, 6), 0, date(2022, 5, 6)),
    ],
)
def test_add_months(start: date, n: int, expected: date) -> None:
    assert add_months(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 5, date(2029, 2, 28)),
        (date(2020, 2, 29), 4, date(2024, 2, 29)),
        (date(2022, 12, 31), 1, date(2023, 12, 31)),
        (date(2022, 6, 15), 2, date(2024, 6, 15)),
    ],
)
def test_add_years(start: date, n: int, expected: date) -> None:
    assert add_years(start, n) == expected


def test_roll_forward_in_a_holiday_lands_on_a_make_up_saturday() -> None:
    assert roll_forward(date(2022, 10, 5)) == date(2022, 10, 8)
    assert roll_forward(date(2022, 10, 1)) == date(2022, 10, 8)


def test_roll_forward_on_an_ordinary_weekend() -> None:
    assert roll_forward(date(2022, 10, 15)) == date(2022, 10, 17)  # Saturday
    assert roll_forward(date(2022, 10, 16)) == date(2022, 10, 17)  # Sunday


def test_roll_forward_keeps_working_days() -> None:
    assert roll_forward(date(2022, 10, 12)) == date(2022, 10, 12)
    assert roll_forward(date(2022, 10, 9)) == date(2022, 10, 9)  # make-up Sunday


def test_roll_forward_over_mid_autumn_weekend() -> None:
    assert roll_forward(date(2022, 9, 10)) == date(2022, 9, 13)


def test_negative_counts_are_rejected() -> None:
    with pytest.raises(InputError):
        add_days(date(2022, 1, 1), -1)
    with pytest.raises(InputError):
        add_working_days(date(2022, 1, 1), 0)
    with pytest.raises(InputError):
        working_days_before(date(2022, 1, 1), 0)
    with pytest.raises(InputError):
        add_months(date(2022, 1, 1), -1)
    with pytest.raises(InputError):
        add_years(date(2022, 1, 1), -1)


# --- hours and minutes ----------------------------------------------------------------------


def test_add_hours_half_an_hour_is_thirty_minutes() -> None:
    t = datetime(2022, 10, 8, 9, 45)
    assert add_hours(t, Decimal("0.5")) == datetime(2022, 10, 8, 10, 15)


def test_add_hours_runs_from_the_stated_time_across_midnight() -> None:
    t = datetime(2022, 9, 30, 22, 10)
    assert add_hours(t, Decimal(24)) == datetime(2022, 10, 1, 22, 10)
    assert add_hours(t, Decimal("2.25")) == datetime(2022, 10, 1, 0, 25)


def test_add_hours_exact_where_floats_are_not() -> None:
    # 0.1 h = 6 min exactly; as a float 0.1 * 3600 is not an exact product.
    t = datetime(2022, 1, 1, 8, 0)
    assert add_hours(t, Decimal("0.1")) == datetime(2022, 1, 1, 8, 6)
    assert add_hours(t, Decimal("0.000001")) == t + timedelta(microseconds=3600)


def test_add_minutes() -> None:
    t = datetime(2022, 1, 1, 23, 50)
    assert add_minutes(t, Decimal(15)) == datetime(2022, 1, 2, 0, 5)
    assert add_minutes(t, 15) == datetime(2022, 1, 2, 0, 5)
    assert add_minutes(t, Decimal("0.5")) == datetime(2022, 1, 1, 23, 50, 30)


def test_sub_microsecond_amounts_are_rejected() -> None:
    t = datetime(2022, 1, 1)
    with pytest.raises(ValueError, match="microseconds"):
        add_hours(t, Decimal("1e-10"))
    with pytest.raises(ValueError, match="microseconds"):
        add_minutes(t, Decimal(1) / Decimal(7))
    with pytest.raises(ValueError):
        add_hours(t, Decimal("NaN"))


# --- month and quarter ends -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2022, 1, 1), date(2022, 3, 31)),
        (date(2022, 3, 31), date(2022, 3, 31)),
        (date(2022, 4, 1), date(2022, 6, 30)),
        (date(2022, 8, 15), date(2022, 9, 30)),
        (date(2022, 12, 31), date(2022, 12, 31)),
    ],
)
def test_quarter_end(d: date, expected: date) -> None:
    assert quarter_end(d) == expected


def test_days_after_quarter_end() -> None:
    # 季后5日内 for a day in Q3 2022 ends 2022-10-05 (before any roll forward).
    assert add_days(quarter_end(date(2022, 8, 15)), 5) == date(2022, 10, 5)


def test_month_end() -> None:
    assert month_end(2023, 3) == date(2023, 3, 31)
    assert month_end(2023, 2) == date(2023, 2, 28)
    assert month_end(2024, 2) == date(2024, 2, 29)
    assert month_end(1900, 2) == date(1900, 2, 28)
    assert month_end(2000, 2) == date(2000, 2, 29)
    assert month_end(2023, 4) == date(2023, 4, 30)
    with pytest.raises(InputError):
        month_end(2023, 13)


# --- helpers --------------------------------------------------------------------------------


def _walk(start: date, n: int, step: int) -> date:
    """Reference count: step one day at a time using the package's own is_workday."""
    d = start
    while n:
        d += timedelta(days=step)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


def test_calendar_periods_back() -> None:
    assert days_before(date(2024, 3, 1), 1) == date(2024, 2, 29)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2024, 1, 15), 13) == date(2022, 12, 15)
    assert years_before(date(2024, 2, 29), 1) == date(2023, 2, 28)
    assert year_end(date(2024, 2, 10)) == date(2024, 12, 31)
    assert month_end_of(date(2023, 2, 10)) == date(2023, 2, 28)


def test_periods_back_past_year_one_are_bad_input() -> None:
    with pytest.raises(InputError):
        days_before(date(1, 1, 5), 10)
    with pytest.raises(InputError):
        months_before(date(1, 3, 1), 3)
    with pytest.raises(InputError):
        days_before(date(2024, 1, 1), -1)
