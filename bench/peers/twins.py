"""The fastest exact hand-written Python twins: issue 16's scalar reference ("each
scalar decision within 1.3× of the fastest exact hand-written twin").

Same contract as bench/handwritten.py's twins — the same input checks (exact types,
domains with polc's magnitude limit of 10**18, an exception naming the field) and
exactly polc's answer — written for speed:
- all checks in one condition on the path every valid call takes; the failing field
  is looked for only once a check has failed;
- the limit as the literal 10**18, a constant to CPython (a module-level name costs a
  dictionary look-up per use), and the enum members bound to module names once
  (`Level.I` goes through the Enum class's attribute look-up: about 150 ns a use here);
- money as integer 分, converted to `Decimal` once, at the return, as polc writes it
  (whole amounts whole: 80000, not 80000.00).
`lower_middle_income_eligible` has no twin here: its inputs are arbitrary Decimals, for
which integer arithmetic is not exact; bench/handwritten.py's Decimal twin is its
reference.
"""

from __future__ import annotations

from decimal import Decimal

from handwritten import InvalidInput, Level

LIMIT = 10**18

_I, _II, _III, _IV = Level.I, Level.II, Level.III, Level.IV


def _refuse(fields: dict[str, object], low: dict[str, int], high: dict[str, int]) -> None:
    for name, value in fields.items():
        if type(value) is not int or not low[name] <= value <= high[name]:  # type: ignore[operator]
            bound = f" and ≤ {high[name]}" if high[name] < LIMIT else ""
            raise InvalidInput(name, f"expected a whole number ≥ {low[name]}{bound}")


_SEVERITY_LOW = dict.fromkeys(("people_involved", "deaths", "serious_injuries",
                               "confirmed_infections", "suspected_infections"), 0)
_SEVERITY_HIGH = dict.fromkeys(_SEVERITY_LOW, LIMIT)


def severity(*, people_involved: int, deaths: int, serious_injuries: int,
             confirmed_infections: int, suspected_infections: int) -> Level:
    if not (type(people_involved) is int and type(deaths) is int
            and type(serious_injuries) is int and type(confirmed_infections) is int
            and type(suspected_infections) is int
            and 0 <= people_involved <= 10**18 and 0 <= deaths <= 10**18
            and 0 <= serious_injuries <= 10**18 and 0 <= confirmed_infections <= 10**18
            and 0 <= suspected_infections <= 10**18):
        _refuse({"people_involved": people_involved, "deaths": deaths,
                 "serious_injuries": serious_injuries,
                 "confirmed_infections": confirmed_infections,
                 "suspected_infections": suspected_infections}, _SEVERITY_LOW, _SEVERITY_HIGH)
    # 以上 includes the number, 以下 excludes it (55号 一（四）2): the most severe level
    # whose threshold any input reaches
    if (people_involved >= 400 or deaths >= 30 or serious_injuries >= 100
            or confirmed_infections >= 10 or suspected_infections >= 100):
        return _I
    if (people_involved >= 300 or deaths >= 10 or serious_injuries >= 50
            or confirmed_infections >= 5 or suspected_infections >= 50):
        return _II
    if (people_involved >= 200 or deaths >= 3 or serious_injuries >= 10
            or confirmed_infections >= 1 or suspected_infections >= 10):
        return _III
    return _IV


_BANK_LOW = {"rank": 1, "bank_count": 1, "missed_tasks": 0}
_BANK_HIGH = {"rank": LIMIT, "bank_count": LIMIT, "missed_tasks": 3}


def bank_annual_reward(*, rank: int, bank_count: int, missed_tasks: int) -> Decimal:
    if not (type(rank) is int and type(bank_count) is int and type(missed_tasks) is int
            and 1 <= rank <= 10**18 and 1 <= bank_count <= 10**18 and 0 <= missed_tasks <= 3):
        _refuse({"rank": rank, "bank_count": bank_count, "missed_tasks": missed_tasks},
                _BANK_LOW, _BANK_HIGH)
    if rank > bank_count:
        raise InvalidInput("rank", "排名不能大于参加年度考核的银行机构总数（bank_count）")
    if rank + 5 > bank_count or rank > 20:  # the last five, or 20万 - (rank-1)万 ≤ 0
        return Decimal(0)
    # in 分: 20万元 less 1万元 a place, less 20 % of that per missed task; the
    # division by 5 rounds half up to the 分 (never a tie: /5 leaves .2 steps)
    fen = (20_000_000 - (rank - 1) * 1_000_000) * (5 - missed_tasks)
    fen = (fen + 2) // 5
    return Decimal(fen // 100) if fen % 100 == 0 else Decimal(fen).scaleb(-2).normalize()
