"""polc.runtime: the thin runtime that generated policy modules import.

Generated modules import only this package and the standard library, and use of it
only the names of `polc.runtime.contract`.  It holds
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
from .errors import CalendarError, InputError, NoRuleApplies, OutOfRange, PolcError
from .flows import BodySpec, FlowBook, FlowEdge, FlowSpec, FlowStep, LadderSpec, WorkingGroup
from .trace import Explanation, Site, Step, Tracer
from .values import (
    BOUND,
    LIMIT,
    PLACES,
    PRECISION,
    QUOTIENT_DIGITS,
    DecisionSpec,
    Field,
    add,
    bounded,
    decimal_arg,
    div,
    dumps,
    enum_arg,
    loads,
    money,
    mul,
    num,
    schedule,
    sub,
    to_jsonable,
)

__all__ = [
    "BOUND",
    "LIMIT",
    "PLACES",
    "PRECISION",
    "QUOTIENT_DIGITS",
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
    "OutOfRange",
    "PolcError",
    "Site",
    "Step",
    "Tracer",
    "WorkingGroup",
    "add",
    "add_days",
    "add_hours",
    "add_minutes",
    "add_months",
    "add_working_days",
    "add_years",
    "bounded",
    "decimal_arg",
    "div",
    "dumps",
    "enum_arg",
    "is_working_day",
    "loads",
    "money",
    "month_end",
    "mul",
    "num",
    "quarter_end",
    "roll_forward",
    "schedule",
    "sub",
    "to_jsonable",
    "use_calendar",
    "working_days_before",
]
