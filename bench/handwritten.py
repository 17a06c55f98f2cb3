"""Hand-written twins of four generated decisions: the baseline of `bench/run.py`.

Each twin is what a careful Python developer would write by hand for the same
rule: the same input checks (exact types, domains including polc's magnitude
limit of 10**18, an exception naming the field), the same logic, exact `Decimal` arithmetic and the same rounding.  The
checks are written inline, not through a helper, so the baseline is as fast as
plain Python gets; the generated code is measured against that.
"""

from __future__ import annotations

import enum
from bisect import bisect_left
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from chinese_calendar import constants as _cc  # type: ignore[import-untyped]

LIMIT = 10**18  # the largest magnitude polc accepts for any number


class InvalidInput(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


# ------------------------------------------------------------------ 55 severity


class Level(enum.Enum):
    I = "I"
    II = "II"
    III = "III"
    IV = "IV"


def severity(*, people_involved: int, deaths: int, serious_injuries: int,
             confirmed_infections: int, suspected_infections: int) -> Level:
    if type(people_involved) is not int or not 0 <= people_involved <= LIMIT:
        raise InvalidInput("people_involved", "expected a whole number ≥ 0")
    if type(deaths) is not int or not 0 <= deaths <= LIMIT:
        raise InvalidInput("deaths", "expected a whole number ≥ 0")
    if type(serious_injuries) is not int or not 0 <= serious_injuries <= LIMIT:
        raise InvalidInput("serious_injuries", "expected a whole number ≥ 0")
    if type(confirmed_infections) is not int or not 0 <= confirmed_infections <= LIMIT:
        raise InvalidInput("confirmed_infections", "expected a whole number ≥ 0")
    if type(suspected_infections) is not int or not 0 <= suspected_infections <= LIMIT:
        raise InvalidInput("suspected_infections", "expected a whole number ≥ 0")
    if (people_involved >= 400 or deaths >= 30 or serious_injuries >= 100
            or confirmed_infections >= 10 or suspected_infections >= 100):
        return Level.I
    if (people_involved >= 300 or deaths >= 10 or serious_injuries >= 50
            or confirmed_infections >= 5 or suspected_infections >= 50):
        return Level.II
    if (people_involved >= 200 or deaths >= 3 or serious_injuries >= 10
            or confirmed_infections >= 1 or suspected_infections >= 10):
        return Level.III
    return Level.IV


# ------------------------------------------------------------------ 58 bank_annual_reward

FEN = Decimal("0.01")
DEDUCTION_PER_TASK = Decimal("0.2")


def bank_annual_reward(*, rank: int, bank_count: int, missed_tasks: int) -> Decimal:
    if type(rank) is not int or not 1 <= rank <= LIMIT:
        raise InvalidInput("rank", "expected a whole number ≥ 1")
    if type(bank_count) is not int or not 1 <= bank_count <= LIMIT:
        raise InvalidInput("bank_count", "expected a whole number ≥ 1")
    if type(missed_tasks) is not int or not 0 <= missed_tasks <= 3:
        raise InvalidInput("missed_tasks", "expected a whole number ≥ 0 and ≤ 3")
    if rank > bank_count:
        raise InvalidInput("rank", "排名不能大于参加年度考核的银行机构总数（bank_count）")
    base = 0 if rank + 5 > bank_count else max(200000 - (rank - 1) * 10000, 0)
    amount = base * (1 - DEDUCTION_PER_TASK * missed_tasks)
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------ 60 lower_middle_income_eligible


class ApplicantType(enum.Enum):
    couple = "couple"
    single = "single"
    orphan = "orphan"


def _decimal(name: str, value: object) -> Decimal:
    """The slow path: an int becomes a Decimal; anything else (a float) is refused."""
    if type(value) is int:
        return Decimal(value)
    raise InvalidInput(name, "expected a Decimal or int")


def lower_middle_income_eligible(
        *, urban_hukou_years: Decimal, per_capita_monthly_income: Decimal,
        per_capita_assets: Decimal, last_year_urban_per_capita_disposable_income: Decimal,
        per_capita_housing_area: Decimal, has_car: bool, car_transfer_within_2_years: bool,
        applicant_type: ApplicantType, age: Decimal, rents_on_market: bool,
        rental_contract_registered: bool) -> bool:
    if type(urban_hukou_years) is not Decimal:
        urban_hukou_years = _decimal("urban_hukou_years", urban_hukou_years)
    if not urban_hukou_years.is_finite() or not 0 <= urban_hukou_years <= LIMIT:
        raise InvalidInput("urban_hukou_years", "expected a number ≥ 0 and ≤ 10**18")
    if type(per_capita_monthly_income) is not Decimal:
        per_capita_monthly_income = _decimal("per_capita_monthly_income",
                                             per_capita_monthly_income)
    if not per_capita_monthly_income.is_finite() or not 0 <= per_capita_monthly_income <= LIMIT:
        raise InvalidInput("per_capita_monthly_income", "expected a number ≥ 0 and ≤ 10**18")
    if type(per_capita_assets) is not Decimal:
        per_capita_assets = _decimal("per_capita_assets", per_capita_assets)
    if not per_capita_assets.is_finite() or not 0 <= per_capita_assets <= LIMIT:
        raise InvalidInput("per_capita_assets", "expected a number ≥ 0 and ≤ 10**18")
    last_year = last_year_urban_per_capita_disposable_income
    if type(last_year) is not Decimal:
        last_year = _decimal("last_year_urban_per_capita_disposable_income", last_year)
    if not last_year.is_finite() or not 0 <= last_year <= LIMIT:
        raise InvalidInput("last_year_urban_per_capita_disposable_income",
                           "expected a number ≥ 0 and ≤ 10**18")
    if type(per_capita_housing_area) is not Decimal:
        per_capita_housing_area = _decimal("per_capita_housing_area", per_capita_housing_area)
    if not per_capita_housing_area.is_finite() or not 0 <= per_capita_housing_area <= LIMIT:
        raise InvalidInput("per_capita_housing_area", "expected a number ≥ 0 and ≤ 10**18")
    if type(age) is not Decimal:
        age = _decimal("age", age)
    if not age.is_finite() or not 0 <= age <= LIMIT:
        raise InvalidInput("age", "expected a number ≥ 0 and ≤ 10**18")
    if type(has_car) is not bool:
        raise InvalidInput("has_car", "expected true or false")
    if type(car_transfer_within_2_years) is not bool:
        raise InvalidInput("car_transfer_within_2_years", "expected true or false")
    if type(rents_on_market) is not bool:
        raise InvalidInput("rents_on_market", "expected true or false")
    if type(rental_contract_registered) is not bool:
        raise InvalidInput("rental_contract_registered", "expected true or false")
    if type(applicant_type) is not ApplicantType:
        try:
            applicant_type = ApplicantType[applicant_type]  # type: ignore[misc]
        except (KeyError, TypeError):
            raise InvalidInput("applicant_type", "expected couple, single or orphan") from None
    if applicant_type is ApplicantType.couple:
        min_age = 28
    elif applicant_type is ApplicantType.single:
        min_age = 30
    else:
        min_age = 18
    return (urban_hukou_years >= 3
            and per_capita_monthly_income < 3946
            and per_capita_assets <= 3 * last_year
            and per_capita_housing_area < 20
            and not has_car and not car_transfer_within_2_years
            and age >= min_age
            and (not rents_on_market or rental_contract_registered))


# ------------------------------------------------------------------ 54 task_list_deadline

_HOLIDAYS = _cc.holidays
_MAKEUP_WORKDAYS = _cc.workdays
_FIRST_YEAR = min(d.year for d in _HOLIDAYS)
_LAST_YEAR = max(d.year for d in _HOLIDAYS)


@cache
def _workdays(year: int) -> list[int]:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise InvalidInput("received_on", f"no official calendar for {year}")
    out = []
    for ordinal in range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1):
        d = date.fromordinal(ordinal)
        if d in _MAKEUP_WORKDAYS or (d.weekday() < 5 and d not in _HOLIDAYS):
            out.append(ordinal)
    return out


def task_list_deadline(*, received_on: date) -> date:
    """The 15th official working day after `received_on` (the day itself not counted)."""
    if type(received_on) is not date:
        raise InvalidInput("received_on", "expected a date")
    first = received_on.toordinal() + 1
    year = date.fromordinal(first).year
    days = _workdays(year)
    i = bisect_left(days, first) + 14
    while i >= len(days):
        i -= len(days)
        year += 1
        days = _workdays(year)
    return date.fromordinal(days[i])
