"""Random in-domain cases for the peer benchmarks and their differential test.

Every case set is a dict of numpy columns, the one form every engine starts from: an
engine that wants Python rows, JSON or int32 columns converts in its `prepare` step,
outside the timed work.  Boundary values are over-represented (199/200/299/300/399/400
people, ranks at bank_count-5 and -4, incomes at 3945.99/3946 元 …) because that is
where a peer written by hand goes wrong.

Magnitudes stay below 2**31 although polc accepts up to 10**18: OpenFisca's `int` is
numpy int32, and one data set must serve every engine.

Column forms, exact by construction:
- counts: int64;
- money, years, ages and areas of 60号 (at most two decimals in these cases): int64
  hundredths (分 for money), so `Decimal(v).scaleb(-2)` is the value polc is given;
- booleans: bool; 60号's applicant type: int8 codes into `APPLICANT_TYPES`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

Columns = dict[str, npt.NDArray[Any]]

LEVELS = ("I", "II", "III", "IV")  # severity's answers, most severe first: codes 0..3
APPLICANT_TYPES = ("couple", "single", "orphan")
MIN_AGE = (28, 30, 18)  # by applicant type, 60号 一（一）5

# severity's inputs with their 以上 thresholds for III, II and I (55号 一（四）2)
SEVERITY_THRESHOLDS = {
    "people_involved": (200, 300, 400),
    "deaths": (3, 10, 30),
    "serious_injuries": (10, 50, 100),
    "confirmed_infections": (1, 5, 10),
    "suspected_infections": (10, 50, 100),
}
BANK_INPUTS = ("rank", "bank_count", "missed_tasks")
HOUSING_INPUTS = (
    "urban_hukou_years", "per_capita_monthly_income", "per_capita_assets",
    "last_year_urban_per_capita_disposable_income", "per_capita_housing_area", "has_car",
    "car_transfer_within_2_years", "applicant_type", "age", "rents_on_market",
    "rental_contract_registered")
# 60号's numeric inputs held as hundredths (the rest are booleans and the enum code)
HUNDREDTHS = ("urban_hukou_years", "per_capita_monthly_income", "per_capita_assets",
              "last_year_urban_per_capita_disposable_income", "per_capita_housing_area", "age")
INPUTS = {"severity": tuple(SEVERITY_THRESHOLDS), "bank_annual_reward": BANK_INPUTS,
          "lower_middle_income_eligible": HOUSING_INPUTS}
DECISIONS = tuple(INPUTS)


def _mix(rng: np.random.Generator, n: int,
         parts: list[tuple[float, npt.NDArray[np.int64]]]) -> npt.NDArray[np.int64]:
    """Row i takes its value from part k with the part's probability."""
    probs = np.array([p for p, _ in parts])
    which = rng.choice(len(parts), size=n, p=probs / probs.sum())
    out = np.zeros(n, dtype=np.int64)
    for k, (_, values) in enumerate(parts):
        out[which == k] = values[which == k]
    return out


def _pick(rng: np.random.Generator, n: int, values: list[int]) -> npt.NDArray[np.int64]:
    return rng.choice(np.array(values, dtype=np.int64), size=n)


def severity(n: int, rng: np.random.Generator) -> Columns:
    cols: Columns = {}
    for name, (iii, ii, i) in SEVERITY_THRESHOLDS.items():
        edges = sorted({max(t + d, 0) for t in (iii, ii, i) for d in (-1, 0, 1)} | {0})
        cols[name] = _mix(rng, n, [
            (0.60, rng.integers(0, iii, n)),          # below III: the quiet majority
            (0.25, _pick(rng, n, edges)),             # at a threshold or beside it
            (0.13, rng.integers(0, 2 * i, n)),
            (0.02, rng.integers(0, 2**31 - 1, n)),    # far beyond every threshold
        ])
    return cols


def bank_annual_reward(n: int, rng: np.random.Generator) -> Columns:
    count = _mix(rng, n, [
        (0.70, rng.integers(1, 61, n)),
        (0.20, _pick(rng, n, [1, 4, 5, 6, 7, 20, 21, 25, 26, 27])),
        (0.10, rng.integers(1, 10_000, n)),  # many banks: the reward reaches 0 at rank 21
    ])
    # ranks beside the last five (count-5 rewarded, count-4 not) and beside rank 21,
    # where 20万元 - (rank-1) × 1万元 reaches 0; kept within 1..count
    near = np.stack([count - 5, count - 4, count - 6, count, count - 3, np.full(n, 1),
                     np.full(n, 20), np.full(n, 21), np.full(n, 22)])
    rank = _mix(rng, n, [
        (0.55, rng.integers(0, 2**62, n) % count + 1),
        (0.45, near[rng.integers(0, len(near), n), np.arange(n)]),
    ])
    return {"rank": np.clip(rank, 1, count), "bank_count": count,
            "missed_tasks": rng.integers(0, 4, n)}


def lower_middle_income_eligible(n: int, rng: np.random.Generator) -> Columns:
    last_year = rng.integers(3_000_000, 8_000_001, n)  # 3–8万元, in 分
    kind = rng.integers(0, 3, n).astype(np.int8)
    min_age = np.array(MIN_AGE, dtype=np.int64)[kind] * 100
    other_age = np.array(MIN_AGE, dtype=np.int64)[rng.integers(0, 3, n)] * 100
    return {
        "urban_hukou_years": _mix(rng, n, [(0.5, rng.integers(0, 1201, n)),
                                           (0.5, _pick(rng, n, [299, 300, 301]))]),
        "per_capita_monthly_income": _mix(rng, n, [
            (0.5, rng.integers(0, 450_001, n)), (0.5, _pick(rng, n, [394599, 394600, 394601]))]),
        "per_capita_assets": _mix(rng, n, [
            (0.5, rng.integers(0, 4 * last_year + 1)),
            (0.5, 3 * last_year + rng.integers(-1, 2, n))]),
        "last_year_urban_per_capita_disposable_income": last_year,
        "per_capita_housing_area": _mix(rng, n, [
            (0.5, rng.integers(0, 2401, n)), (0.5, _pick(rng, n, [0, 1999, 2000, 2001]))]),
        "has_car": rng.random(n) < 0.1,
        "car_transfer_within_2_years": rng.random(n) < 0.1,
        "applicant_type": kind,
        # ages at the applicant type's own threshold and at the other types' (28/30/18)
        "age": _mix(rng, n, [(0.4, rng.integers(1500, 6001, n)),
                             (0.3, min_age + rng.integers(-1, 2, n)),
                             (0.3, other_age + rng.integers(-1, 2, n))]),
        "rents_on_market": rng.random(n) < 0.5,
        "rental_contract_registered": rng.random(n) < 0.8,
    }


GENERATORS = {"severity": severity, "bank_annual_reward": bank_annual_reward,
              "lower_middle_income_eligible": lower_middle_income_eligible}


def generate(decision: str, n: int, seed: int = 16) -> Columns:
    return GENERATORS[decision](n, np.random.default_rng(seed))


def hundredths(value: int) -> Decimal:
    """A value held in hundredths as the Decimal polc is given (150000.01, 3.00)."""
    return Decimal(value).scaleb(-2)


def fen_to_money(fen: int) -> Decimal:
    """分 as polc's money value: integral amounts stay integral (runtime.values.money)."""
    return Decimal(fen // 100) if fen % 100 == 0 else Decimal(fen).scaleb(-2).normalize()


def arguments(decision: str, cols: Columns, enum: Any = None) -> dict[str, list[Any]]:
    """The columns as lists of the Python values a caller hands a generated function:
    int, Decimal, bool, and for 60号's applicant type `enum`'s members (its names when
    `enum` is None)."""
    out = {k: cols[k].tolist() for k in INPUTS[decision]}
    if decision == "lower_middle_income_eligible":
        for k in HUNDREDTHS:
            out[k] = [hundredths(v) for v in out[k]]
        members = [name if enum is None else enum[name] for name in APPLICANT_TYPES]
        out["applicant_type"] = [members[i] for i in out["applicant_type"]]
    return out


def rows(decision: str, cols: Columns, enum: Any = None) -> list[dict[str, Any]]:
    """The cases as keyword arguments, one dict a case (see `arguments`)."""
    args = arguments(decision, cols, enum)
    return [dict(zip(args, vals)) for vals in zip(*args.values())]


def head(cols: Columns, n: int) -> Columns:
    """The first n cases."""
    return {k: v[:n] for k, v in cols.items()}
