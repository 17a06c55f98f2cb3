"""Hand-written numpy peers over columns (bench/peers/cases.py's forms): what a careful
analyst writes with `np.select` / `np.where` — exact integers throughout, money in 分,
never float.

No input checks: the columns are in-domain by construction, and a numpy user checks a
whole column once (`(x >= 0).all()`), not per row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .cases import Columns

IntArray = npt.NDArray[np.int64]


def severity(c: Columns) -> npt.NDArray[Any]:
    """Codes into cases.LEVELS (0 = I … 3 = IV); np.select takes the first condition that
    holds, so each level needs only its own 以上 thresholds."""
    p, d, s = c["people_involved"], c["deaths"], c["serious_injuries"]
    ci, su = c["confirmed_infections"], c["suspected_infections"]
    level_i = (p >= 400) | (d >= 30) | (s >= 100) | (ci >= 10) | (su >= 100)
    level_ii = (p >= 300) | (d >= 10) | (s >= 50) | (ci >= 5) | (su >= 50)
    level_iii = (p >= 200) | (d >= 3) | (s >= 10) | (ci >= 1) | (su >= 10)
    return np.select([level_i, level_ii, level_iii], [np.int8(0), np.int8(1), np.int8(2)],
                     np.int8(3))


def bank_annual_reward(c: Columns) -> IntArray:
    """分.  20万元 less 1万元 a place is max(21 - rank, 0) steps of 1万元 (nothing for the
    last five); less 20 % of it per missed task leaves (5 - missed) fifths of each step,
    200,000 分 a fifth: exact in integers, no rounding needed."""
    rank, count, missed = c["rank"], c["bank_count"], c["missed_tasks"]
    # np.where: np.select of one condition, without its list handling (25 % faster here)
    steps = np.where(rank + 5 > count, 0, np.maximum(21 - rank, 0))
    return steps * (5 - missed) * 200_000


_MIN_AGE = np.array([2800, 3000, 1800], dtype=np.int64)  # hundredths, by applicant type


def lower_middle_income_eligible(c: Columns) -> npt.NDArray[np.bool_]:
    """Booleans; the numeric columns are hundredths (money in 分), so 3946元 is 394600."""
    return ((c["urban_hukou_years"] >= 300)
            & (c["per_capita_monthly_income"] < 394_600)
            & (c["per_capita_assets"] <= 3 * c["last_year_urban_per_capita_disposable_income"])
            & (c["per_capita_housing_area"] < 2000)
            & ~c["has_car"] & ~c["car_transfer_within_2_years"]
            & (c["age"] >= _MIN_AGE[c["applicant_type"]])
            & (~c["rents_on_market"] | c["rental_contract_registered"]))


PEERS = {"severity": severity, "bank_annual_reward": bank_annual_reward,
         "lower_middle_income_eligible": lower_middle_income_eligible}
