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
    # an expression only where a value is tested (x 在 [a × 40%, a × 80%]); E237 elsewhere
    lo: Quantity | DateLit | DateTimeLit | Inf | Expr
    hi: Quantity | DateLit | DateTimeLit | Inf | Expr
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


@attrs.frozen
class RangeLit:
    """A range value: 10万元以上20万元以下 (each end's word), or income × 40% 至 income × 80%
    (no words; each end included unless marked （不含）)."""

    lo: Expr | None  # None: an end the text does not give (5000元以上), open
    hi: Expr | None
    lo_word: str | None
    hi_word: str | None
    lo_mark: str | None
    hi_mark: str | None
    span: Span


Expr = (
    CondValue | Quantity | Ref | DateLit | DateTimeLit | NullLit | BoolLit | BinOp | Bound |
    Call | DecisionRef | If | RollForward | Levels | Table | Rules | NamedConds | Schedule |
    RangeLit
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


@attrs.frozen
class MemberBound:
    """`grade III以上`: a member of an ordered enum and the threshold word after it."""

    subject: Expr
    member: str
    word: str
    mark: str | None
    span: Span
    member_span: Span


@attrs.frozen
class InValue:
    """fine 在 fine_range: a value in a range value."""

    subject: Expr
    range: Expr
    span: Span


Cond = (Truth | PostCompare | PreCompare | Cmp | InInterval | IsMember | MemberBound | Not | And
        | Or | InValue)

# ---------------------------------------------------------------- declarations


@attrs.frozen
class Header:
    key: str
    value: str
    span: Span
    # the validity lines cite their clause (docs/versions.md); other header lines need not
    annot: Annot = Annot()
    # 替代/废止 "文号" 自 DATE: the date the other notice stops being in force
    since: str | None = None
    # what the value was written as: "string", "date" or "quantity" (暂行 3年)
    kind: str = "string"


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
    # a 层级 (hierarchy): the 机构 each level names (None where it names none), lowest
    # first; None for a plain 枚举
    hierarchy: tuple[str | None, ...] | None = None


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
    kind: str  # basic type word, "数量", "named", "nullable", "list", "range"
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
    # 分级负责: the input whose grades the rows assign (the result is a one-key table
    # over it); None for a 决策
    grade: str | None = None


# example values
@attrs.frozen
class Value:
    # quantity, date, datetime, bool, null, name, string, list, rejected, range (items: the
    # two ends; text: "lo word|lo mark|hi word|hi mark", each part possibly empty)
    kind: str
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
class StepDue:
    """截止 … 前 on a step: a date (2022-08-30), a month and day (10月31日) whose year is the
    notice's (年份 成文年份) or the caller's (年份 输入), or a weekly moment (每周四 17时)."""

    kind: str  # date, month_day, weekly
    text: str  # as written: "2022-08-30", "10月31日", "每周四 17时"
    inclusive: bool | None  # 前（含） / 前（不含）; None when the mark is left out
    year_from: str | None  # month_day: "notice" or "input"
    span: Span


@attrs.frozen
class Escalation:
    """逐级 … 沿 HIERARCHY 从 LEVEL 至 LEVEL_OR_DECISION 每级 PERIOD [顺延]."""

    hierarchy: str
    start: str | None  # None: the hierarchy's lowest level
    target: str  # a level, or a decision (分级负责) giving one
    per_hop: Quantity
    roll: bool
    span: Span
    # where the hierarchy, the start (None when left out) and the target are written
    names: tuple[Span, Span | None, Span] | None = None


@attrs.frozen
class FlowNode:
    kind: str  # event, step, choice, end, escalation
    name: str
    label: str
    actor: str | None
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    annot: Annot
    span: Span
    dues: tuple[StepDue, ...] = ()
    escalation: Escalation | None = None


@attrs.frozen
class Deadline:
    """One 时限 of an edge: the period, 顺延, an extension (延长 cap 由 approver) and the
    branch it applies on (当 choice "label")."""

    amount: Quantity
    roll: bool
    extension: Quantity | None
    approver: str | None
    branch: tuple[str, str] | None
    span: Span


@attrs.frozen
class FlowEdge:
    src: str
    dst: str
    when: str | None
    deadline: Quantity | None  # the first of `deadlines`
    roll: bool
    loop: bool
    annot: Annot
    span: Span
    deadlines: tuple[Deadline, ...] = ()


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


@attrs.frozen
class UnitDecl:
    """单位 标准箱 : 计数 (kind 计数 or 数量, a dimension of its own) or 单位 垧 = 15亩 (`base`,
    a unit of the quantity's dimension)."""

    name: str
    label: str
    kind: str | None
    base: Quantity | None
    annot: Annot
    span: Span
    name_span: Span


Item = (
    Header | Convention | EnumDecl | RoleDecl | BodyDecl | Relation | GroupDecl | InputDecl |
    ConstDecl | Decision | Example | Flow | Ladder | UnitDecl
)


@attrs.frozen
class Module:
    file: str
    items: tuple[Item, ...]


# the walk over an AST (`trees.walker`): no node holds another in a span or an annotation
walk = walker((Span, Annot))
children = children_of((Span, Annot))
