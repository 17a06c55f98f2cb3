"""polc.runtime.FlowBook over a 逐级 step, from hand-written data (no compiler): each hop's
deadline from the one below, the chain's end from a decision, and named input errors."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import pytest

from polc.runtime import (
    DecisionSpec,
    Due,
    EscalationSpec,
    Explanation,
    Field,
    FlowBook,
    FlowEdge,
    FlowSpec,
    FlowStep,
    InputError,
)

LEVELS = ("county", "city", "province")
TITLES = ("县", "市", "省")


def _esc(
    target: str | None, via: str | None, amount: int = 120, how: str = "minutes", roll: bool = False
) -> EscalationSpec:
    return EscalationSpec(
        "Gov",
        LEVELS,
        TITLES,
        target,
        via,
        amount,
        how,
        "2小时",
        roll,
        "每级上报的时间不得超过2小时",
        "t.pol:3:3",
    )


def _book(esc: EscalationSpec, decisions: dict[str, Any] | None = None) -> FlowBook:
    steps = (
        FlowStep("s", "event", "发生", None, (), (), None),
        FlowStep("up", "escalation", "逐级上报", None, (), (), "第十条", escalation=esc),
    )
    edges = (FlowEdge("s", "up", None, 60, "minutes", "1小时", False, False, None),)
    return FlowBook({}, {"f": FlowSpec("报告", steps, edges, None)}, decisions)


class Grade(enum.Enum):
    big = "big"
    small = "small"
    tiny = "tiny"


def _level(*, grade: str) -> str:
    return {"big": "province", "small": "city", "tiny": "county"}[grade]


def _explain(*, grade: str) -> Explanation:
    return Explanation(_level(grade=grade), ())


LEVEL_OF = DecisionSpec(
    "level_of", "负责层级", _level, _explain, (Field("grade", "enum", "等级", enum=Grade),)
)


def _due(d: date | datetime) -> Due:
    """A hop's deadline: it cannot be extended, so its base is its latest."""
    return Due(d, d)


def test_hops_chain_from_the_start() -> None:
    due = _book(_esc("province", None)).due_dates("f", {"s": datetime(2026, 1, 5, 8, 0)})
    assert due == {
        "up": _due(datetime(2026, 1, 5, 9, 0)),
        "up.city": _due(datetime(2026, 1, 5, 11, 0)),
        "up.province": _due(datetime(2026, 1, 5, 13, 0)),
    }


def test_a_decision_ends_the_chain() -> None:
    book = _book(_esc(None, "level_of"), {"level_of": LEVEL_OF})
    at = {"up": datetime(2026, 1, 5, 8, 0)}
    assert book.due_dates("f", at, inputs={"grade": "small"}) == {
        "up.city": _due(datetime(2026, 1, 5, 10, 0))
    }
    assert book.due_dates("f", at, inputs={"grade": "tiny"}) == {}
    assert book.chain("f", "up", {"grade": "big"}) == list(LEVELS)
    with pytest.raises(InputError, match="grade"):
        book.due_dates("f", at)


def test_days_per_hop_count_from_the_day_below_and_roll() -> None:
    book = _book(_esc("province", None, amount=1, how="days", roll=True))
    # Friday 2026-01-09 + 1 day is Saturday, rolled to Monday 01-12; + 1 day is Tuesday
    due = book.due_dates("f", {"up": date(2026, 1, 9)})
    assert due == {"up.city": _due(date(2026, 1, 12)), "up.province": _due(date(2026, 1, 13))}


def test_a_level_not_in_the_chain_is_refused() -> None:
    book = _book(_esc("province", None))
    with pytest.raises(InputError, match="up.state"):
        book.due_dates("f", {"up.state": datetime(2026, 1, 5, 8, 0)})
    with pytest.raises(InputError, match="逐级"):
        book.chain("f", "s")
