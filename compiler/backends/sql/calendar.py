"""The working-day calendar as two tables a query joins, built from the calendar in
effect (polc.runtime.calendar: the built-in years and the user's files).

    polc_calendar(cal_day DATE, cal_key BIGINT)     every day of the covered years
    polc_working_day(cal_key BIGINT, cal_day DATE)  every official working day

Working days are numbered one after another through each run of consecutive
covered years, and a run's numbers start at run × 10**7, so numbers never run on
across a year the calendar lacks.  A day's cal_key is the number of the first working
day on or after it; so the N-th working day after a day D is the working day
numbered key(D + 1) + N − 1, D rolled forward is the working day numbered key(D),
and the N-th working day before D is numbered key(D) − N.  A number that names no
working day (past a run's end) finds no row, and the query refuses the row naming
the date input, as polc.runtime raises CalendarError.  The day after a run's last
day is listed too, so that counting back from it works as the runtime does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from polc.runtime import calendar as _calendar

from .codegen import CALENDAR, WORKING_DAY
from .dialects import Dialect

RUN = 10**7  # more working days than a run of covered years can hold


def rows() -> tuple[list[tuple[dt.date, int]], list[tuple[int, dt.date]]]:
    """(day, key) of every covered day, and (key, day) of every working day."""
    cal = _calendar.active()
    days: list[tuple[dt.date, int]] = []
    working: list[tuple[int, dt.date]] = []
    for run, years in enumerate(_runs(cal.covered()), 1):
        number = run * RUN
        for year in years:
            work = set(cal.working_days(year) or ())
            first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
            for ordinal in range(first, last + 1):
                day = dt.date.fromordinal(ordinal)
                days.append((day, number + 1))
                if ordinal in work:
                    number += 1
                    working.append((number, day))
        end = dt.date(years[-1], 12, 31)
        if end < dt.date.max:
            days.append((end + dt.timedelta(days=1), number + 1))
    return days, working


def _runs(years: tuple[int, ...]) -> Iterator[list[int]]:
    run: list[int] = []
    for y in years:
        if run and y != run[-1] + 1:
            yield run
            run = []
        run.append(y)
    if run:
        yield run


def ddl(dialect: Dialect) -> str:
    """Statements creating both tables, for `polc sql`."""
    days, working = rows()
    create = "CREATE OR REPLACE TABLE" if dialect is Dialect.DUCKDB \
        else "CREATE OR REPLACE TEMPORARY VIEW"
    values = ",\n  ".join(f"(DATE '{d.isoformat()}', {k})" for d, k in days)
    work = ",\n  ".join(f"({k}, DATE '{d.isoformat()}')" for k, d in working)
    return (f"-- the official working-day calendar (docs/sql.md)\n"
            f"{create} {CALENDAR} AS SELECT * FROM (VALUES\n  {values}\n) AS t(cal_day, cal_key);\n"
            f"{create} {WORKING_DAY} AS SELECT * FROM (VALUES\n  {work}\n) AS t(cal_key, cal_day);\n")
