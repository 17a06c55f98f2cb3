"""Legal date arithmetic for deadlines in generated policy modules.

Notices state deadlines in the words of the Civil Code (民法典), and the Code
fixes how each kind of period is counted; getting a deadline one day wrong is
the kind of error a citizen pays for, so every rule here follows the Code to
the letter rather than what a calendar library happens to do:

* 第二百零一条: periods in years, months and days do not count the start day,
  because the event happens part-way through it; "N日内" after a date therefore
  ends N days later. Periods in hours run from the stated moment, so they are
  plain clock arithmetic, done exactly in ``Decimal`` because "0.5小时" must be
  thirty minutes, not a float that rounds.
* 第二百零二条: a period of months or years ends on the corresponding day of
  the last month; when that month is too short (31 January plus one month, 29
  February plus a year) it ends on that month's last day.
* 第二百零三条: a period whose last day is a statutory holiday ends on the first
  day after the holiday instead. Whether a day is a working day follows the
  State Council's published schedule, make-up working days (调休上班) included:
  a make-up Saturday is a working day, so a deadline can end on it.

Working days (工作日, as in 行政许可法 第八十二条) follow the official calendar in
effect (polc.runtime.calendar: the built-in years, and the years a user adds by a
file). Guessing an unpublished year would silently move deadlines, so any count
that needs a year the calendar does not cover raises ``CalendarError`` instead.

Every function takes ``field``, the input the date came from (generated modules
pass it), so that an error names what the caller can change: a year the calendar
lacks (``CalendarError``) or a deadline past 9999-12-31, the last day a Python
date has (``InputError``).
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta
from decimal import Decimal

from . import calendar as _calendar
from .errors import CalendarError, InputError

__all__ = [
    "add_days",
    "add_hours",
    "add_minutes",
    "add_months",
    "add_working_days",
    "add_years",
    "is_working_day",
    "month_end",
    "next_weekly",
    "quarter_end",
    "roll_forward",
    "working_days_before",
]

_LAST_ORDINAL = date.max.toordinal()
_MICROSECONDS_PER_HOUR = 3_600_000_000
_MICROSECONDS_PER_MINUTE = 60_000_000


def _working_ordinals(year: int, field: str) -> tuple[int, ...]:
    """Sorted proleptic ordinals of the official working days of ``year``."""
    days = _calendar.active().working_days(year)
    if days is None:
        if not 1 <= year <= date.max.year:
            raise _beyond_dates(field, year)
        raise CalendarError(field, year, _calendar.active().covered())
    return days


def _check_count(n: int, minimum: int) -> None:
    if n < minimum:
        raise InputError("n", f"a whole number >= {minimum}", n)


def is_working_day(d: date, field: str = "d") -> bool:
    """Whether ``d`` is an official working day, make-up working days included."""
    days = _calendar.active().working_set(d.year)
    if days is None:
        raise CalendarError(field, d.year, _calendar.active().covered())
    # Ordinals, not dates: a datetime never compares equal to a date, so a
    # datetime argument would otherwise miss every entry.
    return d.toordinal() in days


def add_days(start: date, n: int, field: str = "start") -> date:
    """Last day of a period of ``n`` days after ``start`` (start day not counted)."""
    _check_count(n, 0)
    try:
        return start + timedelta(days=n)
    except OverflowError:
        raise _beyond_dates(field, date.max.year + 1) from None


def add_working_days(start: date, n: int, field: str = "start") -> date:
    """The ``n``-th official working day after ``start`` (start day not counted)."""
    _check_count(n, 1)
    if start.toordinal() == _LAST_ORDINAL:
        raise _beyond_dates(field, date.max.year + 1)
    # Only the days after start are looked at, so a start on 31 December of an
    # unknown year still gives an answer when the next year is known.
    first = start.toordinal() + 1
    year = date.fromordinal(first).year
    days = _working_ordinals(year, field)
    index = bisect_left(days, first) + n - 1
    while index >= len(days):
        index -= len(days)
        year += 1
        days = _working_ordinals(year, field)
    return date.fromordinal(days[index])


def working_days_before(event: date, n: int, field: str = "event") -> date:
    """The ``n``-th official working day before ``event`` (event day not counted)."""
    _check_count(n, 1)
    last = event.toordinal() - 1
    year = date.fromordinal(last).year if last else 0  # before 0001-01-01
    days = _working_ordinals(year, field)
    # Number of working days of this year up to and including `last`; the
    # n-th one back sits n places before that.
    index = bisect_right(days, last) - n
    while index < 0:
        year -= 1
        days = _working_ordinals(year, field)
        index += len(days)
    return date.fromordinal(days[index])


def days_before(end: date, n: int, field: str = "end") -> date:
    """The day ``n`` days before ``end`` (截止日前10日)."""
    _check_count(n, 0)
    try:
        return end - timedelta(days=n)
    except OverflowError:
        raise _beyond_dates(field, 0) from None


def months_before(end: date, n: int, field: str = "end") -> date:
    """The same day ``n`` months before ``end``, or that month's last day when it is
    shorter (到期前3个月; the mirror of 第二百零二条's count)."""
    _check_count(n, 0)
    months = end.month - 1 - n
    year = end.year + months // 12
    month = months % 12 + 1
    if year < 1:
        raise _beyond_dates(field, year)
    return date(year, month, min(end.day, calendar.monthrange(year, month)[1]))


def years_before(end: date, n: int, field: str = "end") -> date:
    """The same day ``n`` years before ``end`` (29 February falls back to the 28th)."""
    _check_count(n, 0)
    return months_before(end, 12 * n, field)


def year_end(d: date) -> date:
    """31 December of the year of ``d`` (当年年末, 年底)."""
    return date(d.year, 12, 31)


def month_end_of(d: date) -> date:
    """Last day of the month of ``d`` (月底)."""
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def add_months(start: date, n: int, field: str = "start") -> date:
    """Last day of a period of ``n`` months after ``start`` (第二百零二条)."""
    _check_count(n, 0)
    months = start.month - 1 + n
    year = start.year + months // 12
    month = months % 12 + 1
    if year > date.max.year:
        raise _beyond_dates(field, year)
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_years(start: date, n: int, field: str = "start") -> date:
    """Last day of a period of ``n`` years after ``start`` (第二百零二条)."""
    _check_count(n, 0)
    # A year is twelve months, so 29 February falls back to the 28th exactly as
    # a short month does.
    return add_months(start, 12 * n, field)


def roll_forward(d: date, field: str = "d") -> date:
    """``d`` if it is a working day, else the next working day (第二百零三条)."""
    if is_working_day(d, field):
        return d
    return add_working_days(d, 1, field)


def _exact_microseconds(amount: Decimal | int, per_unit: int, what: str) -> int:
    # Floats are where rounding surprises come from; refuse them rather than
    # convert them exactly to a value nobody wrote.
    if isinstance(amount, float):
        raise TypeError(f"{what} must be a Decimal, not float")
    if isinstance(amount, Decimal) and not amount.is_finite():
        raise ValueError(f"{what} must be finite, got {amount}")
    # Exact rational arithmetic: Decimal multiplication would round to the
    # context precision for long values.
    numerator, denominator = amount.as_integer_ratio()
    scaled = numerator * per_unit
    if scaled % denominator:
        raise ValueError(f"{what}={amount} is not a whole number of microseconds")
    return scaled // denominator


def add_hours(t: datetime, hours: Decimal | int, field: str = "t") -> datetime:
    """``t`` plus ``hours`` exactly; hour periods run from the stated time."""
    micros = _exact_microseconds(hours, _MICROSECONDS_PER_HOUR, "hours")
    try:
        return t + timedelta(microseconds=micros)
    except OverflowError:
        raise _beyond_dates(field, 0 if micros < 0 else date.max.year + 1) from None


def add_minutes(t: datetime, minutes: Decimal | int, field: str = "t") -> datetime:
    """``t`` plus ``minutes`` exactly."""
    micros = _exact_microseconds(minutes, _MICROSECONDS_PER_MINUTE, "minutes")
    try:
        return t + timedelta(microseconds=micros)
    except OverflowError:
        raise _beyond_dates(field, 0 if micros < 0 else date.max.year + 1) from None


def _beyond_dates(field: str, year: int) -> InputError:
    # a Python date runs from 0001-01-01 to 9999-12-31: bad input (exit 2), not an
    # internal error
    return InputError(field, "a date whose deadline falls in 0001-9999",
                      detail=f"the deadline would fall in the year {year}")


def month_end(year: int, month: int, field: str = "year") -> date:
    """Last day of ``month`` in ``year`` (for "3月底前")."""
    if not 1 <= month <= 12:
        raise InputError("month", "a month number 1-12", month)
    if not 1 <= year <= date.max.year:
        raise _beyond_dates(field, year)
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(d: date) -> date:
    """Last day of the quarter containing ``d`` (for "季后N日内")."""
    return month_end(d.year, (d.month - 1) // 3 * 3 + 3)


def next_weekly(at: datetime, weekday: int, hour: int, minute: int, inclusive: bool = True,
                field: str = "at") -> datetime:
    """The first weekly moment (``weekday``, 0 = Monday, at ``hour``:``minute``) at or after
    ``at`` (每周四17时前).  With ``inclusive`` false the moment itself is already late, so
    ``at`` equal to it gives the next week's.  A fixed weekly moment is not a period, so a
    holiday does not move it (第二百零三条 moves the last day of a period)."""
    if not 0 <= weekday <= 6 or not 0 <= hour <= 23 or not 0 <= minute <= 59:
        raise ValueError(f"no weekly moment {weekday} {hour}:{minute}")
    start = datetime(at.year, at.month, at.day, hour, minute, tzinfo=at.tzinfo)
    try:
        moment = start + timedelta(days=(weekday - at.weekday()) % 7)
        if moment < at or (moment == at and not inclusive):
            moment += timedelta(days=7)
    except OverflowError:
        raise _beyond_dates(field, date.max.year + 1) from None
    return moment
