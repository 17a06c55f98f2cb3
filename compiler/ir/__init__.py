"""The intermediate representation: what every analysis and backend reads.

Names are resolved (an input, a local, a constant, an enum member, a role), quantities
are converted to base units and exact values, threshold words are turned into explicit
comparisons under the document's boundary conventions, and every node keeps its span and
the citation of the rule it came from.  `kinds` holds the enums the fields name kinds by,
`types` the types, `nodes` the nodes, `walk` the one walk over a tree of them.
"""

from .kinds import (
    REJECTED,
    ArithOp,
    BodyKind,
    CalendarFunc,
    ClampKind,
    CompareOp,
    Extreme,
    FlowNodeKind,
    MatchKind,
    Quantifier,
    Rejected,
    Scope,
    TypeKind,
)
from .nodes import (
    AndC,
    Arith,
    Body,
    BoolC,
    CalendarFn,
    CallDecision,
    Clamp,
    Compare,
    Cond,
    CondE,
    ConstDef,
    Decision,
    EnumDef,
    EnumVal,
    Example,
    Expr,
    Flow,
    FlowEdge,
    FlowNode,
    Group,
    IfE,
    Input,
    Ladder,
    Let,
    LevelRow,
    LevelsE,
    Lit,
    MinMax,
    NamedE,
    NamedItem,
    NotC,
    OrC,
    Otherwise,
    Policy,
    RelationDef,
    Require,
    RoleDef,
    RoleVal,
    Roll,
    RuleRow,
    RulesE,
    Scalar,
    ScheduleE,
    Shift,
    Site,
    TableE,
    TableRow,
    Test,
    Var,
)
from .types import BOOL, DATE, DATETIME, NULL, ROLE, Type
from .walk import walk

__all__ = [
    "BOOL", "DATE", "DATETIME", "NULL", "REJECTED", "ROLE", "AndC", "Arith", "ArithOp",
    "Body", "BodyKind", "BoolC", "CalendarFn", "CalendarFunc", "CallDecision", "Clamp",
    "ClampKind", "Compare", "CompareOp", "Cond", "CondE", "ConstDef", "Decision", "EnumDef", "EnumVal",
    "Example", "Expr", "Extreme", "Flow", "FlowEdge", "FlowNode", "FlowNodeKind", "Group",
    "IfE", "Input", "Ladder", "Let", "LevelRow", "LevelsE", "Lit", "MatchKind", "MinMax",
    "NamedE", "NamedItem", "NotC", "OrC", "Otherwise", "Policy", "Quantifier", "Rejected",
    "RelationDef", "Require", "RoleDef", "RoleVal", "Roll", "RuleRow", "RulesE", "Scalar",
    "ScheduleE", "Scope", "Shift", "Site", "TableE", "TableRow", "Test", "Type", "TypeKind",
    "Var", "walk",
]
