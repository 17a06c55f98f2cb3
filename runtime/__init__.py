"""polc.runtime: the thin runtime that generated policy modules import.

Generated modules import only this package and the standard library.  It holds
the typed errors, exact money and JSON handling, legal date arithmetic
(民法典 counting rules, official working days from the calendar data) and the explanation tracer.
"""

from .calendar import CalendarFileError, use_calendar
from .dates import (
    add_days,
    add_hours,
    add_minutes,
    add_months,
    add_working_days,
    add_years,
    is_working_day,
    month_end,
    quarter_end,
    roll_forward,
    working_days_before,
)
from .errors import CalendarError, InputError, NoRuleApplies, PolcError
from .flows import BodySpec, FlowBook, FlowEdge, FlowSpec, FlowStep, LadderSpec, WorkingGroup
from .trace import Explanation, Step, Tracer
from .values import (
    DecisionSpec,
    Field,
    decimal_arg,
    div,
    dumps,
    enum_arg,
    loads,
    money,
    num,
    schedule,
    to_jsonable,
)

__all__ = [
    "BodySpec",
    "CalendarError",
    "CalendarFileError",
    "DecisionSpec",
    "Explanation",
    "Field",
    "FlowBook",
    "FlowEdge",
    "FlowSpec",
    "FlowStep",
    "InputError",
    "LadderSpec",
    "NoRuleApplies",
    "PolcError",
    "Step",
    "Tracer",
    "WorkingGroup",
    "add_days",
    "add_hours",
    "add_minutes",
    "add_months",
    "add_working_days",
    "add_years",
    "decimal_arg",
    "div",
    "dumps",
    "enum_arg",
    "is_working_day",
    "loads",
    "money",
    "month_end",
    "num",
    "quarter_end",
    "roll_forward",
    "schedule",
    "to_jsonable",
    "use_calendar",
    "working_days_before",
]
