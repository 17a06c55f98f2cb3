"""Stage 2: the typed syntax tree.

Frozen attrs classes, one per construct, each with the `Span` it came from.
The tree keeps the drafter's words (threshold words, units, clause paths)
untouched; meaning is assigned by `polc.compiler.semantics`.
"""

from __future__ import annotations

import attrs

from polc.compiler.diagnostics import Span
from polc.compiler.trees import children_of, walker

# ---------------------------------------------------------------- annotations


@attrs.frozen
class Cite:
    clause: str
    quotes: tuple[str, ...]
    span: Span


@attrs.frozen
class Reading:
    text: str
    span: Span


@attrs.frozen
class Derived:
    reason: str
    span: Span


@attrs.frozen
class Annot:
    cites: tuple[Cite, ...] = ()
    readings: tuple[Reading, ...] = ()
    derived: tuple[Derived, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.cites or self.derived)


# ---------------------------------------------------------------- expressions


@attrs.frozen
class Quantity:
    number: str
    unit: str | None
    span: Span


@attrs.frozen
class Ref:
    name: str
    span: Span


@attrs.frozen
class DateLit:
    text: str
    span: Span


@attrs.frozen
class DateTimeLit:
    text: str
    span: Span


@attrs.frozen
class NullLit:
    span: Span


@attrs.frozen
class BoolLit:
    value: bool
    span: Span


@attrs.frozen
class BinOp:
    op: str  # + - * /
    left: Expr
    right: Expr
    span: Span


@attrs.frozen
class Bound:
    kind: str  # "max" (最高: a cap) or "min" (最低: a floor)
    expr: Expr
    limit: Expr
    span: Span


@attrs.frozen
class Call:
    func: str  # 较大 / 较小
    args: tuple[Expr, ...]
    span: Span


@attrs.frozen
class DecisionRef:
    name: str
    span: Span


@attrs.frozen
class If:
    cond: Cond
    then: Expr
    other: Expr
    span: Span


@attrs.frozen
class RollForward:
    expr: Expr
    span: Span


@attrs.frozen
class Otherwise:
    expr: Expr
    annot: Annot
    span: Span


@attrs.frozen
class LevelRow:
    member: str
    cond: Cond
    annot: Annot
    span: Span


@attrs.frozen
class Levels:
    rows: tuple[LevelRow, ...]
    otherwise: Otherwise | None
    span: Span


@attrs.frozen
class Inf:
    sign: int
    span: Span


@attrs.frozen
class Interval:
    lo_closed: bool
    lo: Quantity | DateLit | DateTimeLit | Inf
    hi: Quantity | DateLit | DateTimeLit | Inf
    hi_closed: bool
    span: Span


@attrs.frozen
class AnyPat:
    span: Span


@attrs.frozen
class BoundPat:
    quantity: Quantity
    word: str
    mark: str | None
    span: Span


@attrs.frozen
class EqPat:
    value: Quantity | DateLit
    span: Span


@attrs.frozen
class NamePat:
    name: str
    span: Span


@attrs.frozen
class BoolPat:
    value: bool
    span: Span


# an interval pattern is the Interval itself
Pattern = AnyPat | Interval | BoundPat | EqPat | NamePat | BoolPat


@attrs.frozen
class TableRow:
    patterns: tuple[Pattern, ...]
    expr: Expr
    annot: Annot
    span: Span


@attrs.frozen
class Table:
    keys: tuple[Expr, ...]
    rows: tuple[TableRow, ...]
    otherwise: Otherwise | None
    span: Span
    # the hit policy word (按首条 …) as written, None for the default (按唯一)
    hit: str | None = None


@attrs.frozen
class RuleRow:
    cond: Cond
    expr: Expr
    annot: Annot
    span: Span


@attrs.frozen
class Rules:
    rows: tuple[RuleRow, ...]
    otherwise: Otherwise | None
    span: Span


@attrs.frozen
class NamedCond:
    name: str
    label: str
    cond: Cond
    annot: Annot
    span: Span


@attrs.frozen
class NamedConds:
    kind: str  # "all" | "any"
    items: tuple[NamedCond, ...]
    span: Span


@attrs.frozen
class Schedule:
    total: Expr
    shares: tuple[Quantity, ...]
    span: Span


@attrs.frozen
class CondValue:
    """A condition used as a value: 结果 n 400人以上."""

    cond: Cond
    span: Span


Expr = (
    CondValue | Quantity | Ref | DateLit | DateTimeLit | NullLit | BoolLit | BinOp | Bound |
    Call | DecisionRef | If | RollForward | Levels | Table | Rules | NamedConds | Schedule
)

# ---------------------------------------------------------------- conditions


@attrs.frozen
class Truth:
    expr: Expr
    span: Span


@attrs.frozen
class PostBound:
    quantity: Quantity
    mark_before: str | None
    word: str
    mark_after: str | None
    span: Span


@attrs.frozen
class PostCompare:
    subject: Expr
    bounds: tuple[PostBound, ...]
    span: Span


@attrs.frozen
class PreCompare:
    subject: Expr
    word: str
    rhs: Expr
    mark: str | None
    word_after: str | None
    span: Span


@attrs.frozen
class Cmp:
    left: Expr
    op: str
    right: Expr
    span: Span


@attrs.frozen
class InInterval:
    subject: Expr
    interval: Interval
    span: Span


@attrs.frozen
class IsMember:
    subject: Expr
    member: str
    span: Span


@attrs.frozen
class Not:
    cond: Cond
    span: Span


@attrs.frozen
class And:
    items: tuple[Cond, ...]
    span: Span


@attrs.frozen
class Or:
    items: tuple[Cond, ...]
    span: Span


Cond = Truth | PostCompare | PreCompare | Cmp | InInterval | IsMember | Not | And | Or

# ---------------------------------------------------------------- declarations


@attrs.frozen
class Header:
    key: str
    value: str
    span: Span


@attrs.frozen
class Convention:
    word: str
    include: bool
    annot: Annot
    span: Span
    # 适用于 CLAUSE: the clause (and what it contains) the 约定 holds in; None: the document
    clause: str | None = None


@attrs.frozen
class Member:
    name: str
    label: str
    annot: Annot
    span: Span


@attrs.frozen
class EnumDecl:
    name: str
    label: str
    annot: Annot
    members: tuple[Member, ...]
    span: Span
    # the order word (由重到轻 …) as written, None for an unordered enum
    order: str | None = None


@attrs.frozen
class RoleDecl:
    name: str
    label: str
    annot: Annot
    span: Span


@attrs.frozen
class BodyDecl:
    name: str
    label: str
    aliases: tuple[str, ...]
    annot: Annot
    span: Span


@attrs.frozen
class Relation:
    subject: str
    verb: str
    object: str
    annot: Annot
    span: Span
    # written as a "label": a verb of the notice, not one of vocabulary.RELATION_VERBS
    quoted_verb: bool = False


@attrs.frozen
class GroupDecl:
    name: str
    label: str
    leads: tuple[str, ...]
    participants: tuple[str, ...]
    annot: Annot
    span: Span


@attrs.frozen
class TypeExpr:
    kind: str  # basic type word, "数量", "named", "nullable", "list"
    unit: str | None = None
    name: str | None = None
    inner: TypeExpr | None = None
    span: Span | None = None


@attrs.frozen
class InputDecl:
    name: str
    label: str
    type: TypeExpr
    domain: Interval | None
    annot: Annot
    span: Span


@attrs.frozen
class ConstDecl:
    name: str
    label: str
    expr: Expr
    annot: Annot
    span: Span


@attrs.frozen
class Let:
    name: str
    expr: Expr
    annot: Annot
    span: Span


@attrs.frozen
class Require:
    cond: Cond
    message: str
    annot: Annot
    span: Span


@attrs.frozen
class Decision:
    name: str
    label: str
    params: tuple[tuple[str, Span], ...]
    type: TypeExpr
    annot: Annot
    stmts: tuple[Let | Require, ...]
    result: Expr
    result_annot: Annot
    span: Span


# example values
@attrs.frozen
class Value:
    kind: str  # quantity, date, datetime, bool, null, name, string, list, rejected
    text: str
    unit: str | None
    items: tuple[Value, ...]
    span: Span


@attrs.frozen
class Example:
    decision: str
    args: tuple[tuple[str, Value, Span], ...]
    expected: Value
    annot: Annot
    span: Span


# ---------------------------------------------------------------- flows


@attrs.frozen
class FlowNode:
    kind: str  # event, step, choice, end
    name: str
    label: str
    actor: str | None
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    annot: Annot
    span: Span


@attrs.frozen
class FlowEdge:
    src: str
    dst: str
    when: str | None
    deadline: Quantity | None
    roll: bool
    loop: bool
    annot: Annot
    span: Span


@attrs.frozen
class Flow:
    name: str
    label: str
    annot: Annot
    nodes: tuple[FlowNode, ...]
    edges: tuple[FlowEdge, ...]
    span: Span


@attrs.frozen
class Rung:
    label: str
    annot: Annot
    span: Span


@attrs.frozen
class Ladder:
    name: str
    label: str
    actor: str
    target: str
    annot: Annot
    rungs: tuple[Rung, ...]
    span: Span
    # 视情: the measures are a menu, taken as the case requires, not an escalation
    menu: bool = False


Item = (
    Header | Convention | EnumDecl | RoleDecl | BodyDecl | Relation | GroupDecl | InputDecl |
    ConstDecl | Decision | Example | Flow | Ladder
)


@attrs.frozen
class Module:
    file: str
    items: tuple[Item, ...]


# the walk over an AST (`trees.walker`): no node holds another in a span or an annotation
walk = walker((Span, Annot))
children = children_of((Span, Annot))
