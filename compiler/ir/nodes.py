"""The IR's nodes: the normalised, typed intermediate representation.

Names are resolved (an input, a local, a constant, an enum member, a role),
quantities are converted to base units and exact values, threshold words are
turned into explicit comparisons under the document's boundary conventions,
and every node keeps its span and the citation of the rule it came from.
Backends (Python, Graphviz, analyses) read only this.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import attrs

from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Span

from .kinds import (
    ArithOp,
    BodyKind,
    CalendarFunc,
    ClampKind,
    CompareOp,
    DueKind,
    Extreme,
    FlowNodeKind,
    HitPolicy,
    MatchKind,
    Quantifier,
    Rejected,
    Scope,
)
from .types import Type


@attrs.frozen
class Site:
    """Where a rule comes from: its span and its citation."""

    span: Span
    clause: str | None = None
    quotes: tuple[str, ...] = ()
    readings: tuple[str, ...] = ()
    derived: str | None = None


# ---------------------------------------------------------------- expressions

Scalar = int | Decimal | _dt.date | _dt.datetime | bool | str | None


@attrs.frozen
class Lit:
    value: Scalar
    type: Type
    span: Span


@attrs.frozen
class Var:
    name: str
    scope: Scope
    type: Type
    span: Span


@attrs.frozen
class EnumVal:
    enum: str
    member: str
    type: Type
    span: Span


@attrs.frozen
class RoleVal:
    name: str
    title: str
    type: Type
    span: Span


@attrs.frozen
class Arith:
    op: ArithOp
    left: Expr
    right: Expr
    type: Type
    span: Span


@attrs.frozen
class Clamp:
    kind: ClampKind
    expr: Expr
    limit: Expr
    type: Type
    span: Span


@attrs.frozen
class MinMax:
    func: Extreme
    args: tuple[Expr, ...]
    type: Type
    span: Span


@attrs.frozen
class Shift:
    base: Expr
    amount: Expr
    period: V.Duration
    backwards: bool  # d - N: the period before the base date (提前N个工作日, 前10日)
    type: Type
    span: Span


@attrs.frozen
class CalendarFn:
    func: CalendarFunc
    args: tuple[Expr, ...]
    type: Type
    span: Span


@attrs.frozen
class Roll:
    expr: Expr
    type: Type
    span: Span


@attrs.frozen
class IfE:
    cond: Cond
    then: Expr
    other: Expr
    type: Type
    span: Span


@attrs.frozen
class Otherwise:
    expr: Expr
    site: Site


@attrs.frozen
class LevelRow:
    member: str
    cond: Cond
    site: Site


@attrs.frozen
class LevelsE:
    enum: str
    rows: tuple[LevelRow, ...]  # in the enum's order, most severe first
    otherwise: Otherwise | None
    type: Type
    span: Span


@attrs.frozen
class Test:
    """One table cell: equality, or an interval; None bounds are infinite."""

    kind: MatchKind
    value: Scalar = None
    lo: Scalar = None
    lo_closed: bool = True
    hi: Scalar = None
    hi_closed: bool = True
    text: str = ""


@attrs.frozen
class TableRow:
    tests: tuple[Test, ...]
    expr: Expr
    site: Site


@attrs.frozen
class TableE:
    keys: tuple[Expr, ...]
    rows: tuple[TableRow, ...]
    otherwise: Otherwise | None
    type: Type
    span: Span
    hit: HitPolicy = HitPolicy.UNIQUE


@attrs.frozen
class RuleRow:
    cond: Cond
    expr: Expr
    site: Site


@attrs.frozen
class RulesE:
    rows: tuple[RuleRow, ...]
    otherwise: Otherwise | None
    type: Type
    span: Span


@attrs.frozen
class NamedItem:
    name: str
    label: str
    cond: Cond
    site: Site


@attrs.frozen
class NamedE:
    kind: Quantifier
    items: tuple[NamedItem, ...]
    type: Type
    span: Span


@attrs.frozen
class ScheduleE:
    total: Expr
    shares: tuple[Decimal, ...]  # fractions summing to 1
    type: Type
    span: Span


@attrs.frozen
class CallDecision:
    name: str
    args: tuple[str, ...]
    type: Type
    span: Span


@attrs.frozen
class CondE:
    cond: Cond
    type: Type
    span: Span


@attrs.frozen
class RangeE:
    """A range value made from two ends (10万元以上20万元以下, income × 40% 至 income × 80%);
    whether each end is included was decided by the checker (threshold words, 约定,
    marks), so `text` says it as the notice does, with the 约定 that decided it."""

    lo: Expr | None  # None: an end the text does not give (5000元以上), open
    hi: Expr | None
    lo_closed: bool
    hi_closed: bool
    text: str
    type: Type  # RANGE, item = the ends' type
    span: Span

    def ends(self) -> str:
        """Whether each end is included, for explanations and diagrams; a one-ended
        range's text already says its open side (5000元以上（无上限）)."""
        lo = f"{'含' if self.lo_closed else '不含'}下限"
        hi = f"{'含' if self.hi_closed else '不含'}上限"
        return lo if self.hi is None else hi if self.lo is None else f"{lo}，{hi}"


@attrs.frozen
class RangeEnd:
    """下限(r) / 上限(r): one end of a range value, whether or not it is included."""

    range: Expr
    upper: bool
    type: Type
    span: Span


@attrs.frozen
class InRangeE:
    """fine 在 r, r a range value that is not written out (a local, a 取, a table's
    result); one written out is lowered to its two comparisons instead."""

    value: Expr
    range: Expr
    type: Type  # BOOL
    span: Span


Expr = (CondE | CalendarFn | Lit | Var | EnumVal | RoleVal | Arith | Clamp | MinMax | Shift
        | Roll | IfE | LevelsE | TableE | RulesE | NamedE | ScheduleE | CallDecision
        | RangeE | RangeEnd | InRangeE)

# ---------------------------------------------------------------- conditions


@attrs.frozen
class Compare:
    left: Expr
    op: CompareOp
    right: Expr
    text: str
    span: Span


@attrs.frozen
class BoolC:
    expr: Expr
    text: str
    span: Span


@attrs.frozen
class NotC:
    cond: Cond
    text: str
    span: Span


@attrs.frozen
class AndC:
    items: tuple[Cond, ...]
    text: str
    span: Span


@attrs.frozen
class OrC:
    items: tuple[Cond, ...]
    text: str
    span: Span


Cond = Compare | BoolC | NotC | AndC | OrC

# ---------------------------------------------------------------- declarations


@attrs.frozen
class EnumDef:
    name: str
    label: str
    members: tuple[tuple[str, str], ...]  # (id, label), as written
    site: Site
    # ordered: whether the first member is the highest (most severe); None: unordered
    # (取最严重 then takes the first as the most severe, and nothing compares members)
    high_first: bool | None = None
    # a 层级: the body (机构) acting at each level, lowest first, None where none is named;
    # None for a plain enum
    hierarchy: tuple[str | None, ...] | None = None
    _labels: dict[str, str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_labels", dict(self.members))  # built once, as in Policy

    def has(self, member: str) -> bool:
        return member in self._labels

    def label_of(self, member: str) -> str:
        return self._labels.get(member, "")

    @property
    def severest_first(self) -> list[str]:
        names = [m for m, _ in self.members]
        return names[::-1] if self.high_first is False else names

    def rank(self, member: str) -> int:
        """The member's place from the bottom (0), for an ordered enum."""
        order = self.severest_first
        return len(order) - 1 - order.index(member)


@attrs.frozen
class RoleDef:
    name: str
    title: str
    site: Site


@attrs.frozen
class Input:
    name: str
    label: str
    type: Type
    lo: Scalar  # domain, None = unbounded
    lo_closed: bool
    hi: Scalar
    hi_closed: bool
    site: Site


@attrs.frozen
class ConstDef:
    name: str
    label: str
    expr: Expr
    type: Type
    site: Site


@attrs.frozen
class Let:
    name: str
    expr: Expr
    site: Site


@attrs.frozen
class Require:
    cond: Cond
    message: str
    fields: tuple[str, ...]
    site: Site


@attrs.frozen
class Decision:
    name: str
    label: str
    params: tuple[str, ...]
    type: Type
    lets: tuple[Let, ...]
    requires: tuple[Require, ...]
    result: Expr
    site: Site
    result_site: Site
    calls: tuple[str, ...]
    # 分级负责: the input whose grades the rows assign; None for a 决策
    grade: str | None = None


@attrs.frozen
class Example:
    decision: str
    args: tuple[tuple[str, Scalar], ...]
    expected: Scalar | list[object] | Rejected
    site: Site


@attrs.frozen
class Body:
    name: str
    label: str
    aliases: tuple[str, ...]
    kind: BodyKind
    site: Site


@attrs.frozen
class RelationDef:
    subject: str
    verb: str
    object: str
    site: Site


@attrs.frozen
class Group:
    name: str
    label: str
    leads: tuple[str, ...]
    participants: tuple[str, ...]
    site: Site


@attrs.frozen
class StepDue:
    """A step due by a fixed moment (截止 … 前).  `text` is as the .pol file writes it;
    `year_from` says where a DATE's year came from (the text, or 成文日期 and its date) so
    that a reader is never left to guess it; `inclusive` is the written reading of 前."""

    kind: DueKind
    text: str
    inclusive: bool
    date: _dt.date | None = None  # DATE: the last day the step is on time (前（不含）: the day before)
    month: int | None = None  # MONTH_DAY
    day: int | None = None
    weekday: int | None = None  # WEEKLY: 0 = Monday
    hour: int | None = None
    minute: int | None = None
    year_from: str | None = None


@attrs.frozen
class Extension:
    """延长: the most a deadline may be extended by, and who approves it (None: unnamed)."""

    amount: int | Decimal
    how: V.Duration
    unit_text: str
    approver: str | None


@attrs.frozen
class Escalation:
    """逐级: up `hierarchy` one level at a time from `levels[0]`, each hop within the period.

    `levels` runs from the start to the highest level the chain can reach: to `target`
    when it is fixed, else to the highest level the 分级负责 decision `via` can give
    (its inputs `params`); the runtime stops at the level that decision returns.
    """

    hierarchy: str
    levels: tuple[str, ...]
    target: str | None
    via: str | None
    params: tuple[str, ...]
    amount: int | Decimal
    how: V.Duration
    unit_text: str
    roll: bool


@attrs.frozen
class FlowNode:
    kind: FlowNodeKind
    name: str
    label: str
    actor: str | None
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    site: Site
    due: StepDue | None = None
    escalation: Escalation | None = None


@attrs.frozen
class FlowEdge:
    src: str
    dst: str
    when: str | None
    amount: int | Decimal | None
    how: V.Duration | None
    unit_text: str | None
    roll: bool
    loop: bool
    site: Site
    extension: Extension | None = None
    # (choice node, branch label): the deadline applies when that branch was taken; an edge
    # with deadlines on several branches is one FlowEdge per branch
    branch: tuple[str, str] | None = None


@attrs.frozen
class Flow:
    name: str
    label: str
    nodes: tuple[FlowNode, ...]
    edges: tuple[FlowEdge, ...]
    site: Site


@attrs.frozen
class Ladder:
    name: str
    label: str
    actor: str
    target: str
    rungs: tuple[tuple[str, Site], ...]
    site: Site
    # 视情: a menu of measures taken as the case requires, in no order; else an escalation
    menu: bool = False


@attrs.frozen
class Supersession:
    """替代/废止 "文号" 自 DATE: another notice this one ends (docs/versions.md)."""

    kind: str  # 替代 or 废止, as written
    docno: str
    # the first day the other notice is no longer in force; None: this policy's start
    since: _dt.date | None
    site: Site


@attrs.frozen
class Validity:
    """When a policy is in force: from `start` to `end`, both days included; None is open."""

    start: _dt.date | None = None
    end: _dt.date | None = None
    start_site: Site | None = None
    end_site: Site | None = None
    supersedes: tuple[Supersession, ...] = ()
    # 系列 "name": the versions of one subject; "" when the policy is in no series
    series: str = ""
    # 引文未核对 "…illustrative…": a revision written to show what polc does, no real notice
    illustrative: bool = False

    def covers(self, day: _dt.date) -> bool:
        return (self.start is None or self.start <= day) and \
            (self.end is None or day <= self.end)


@attrs.frozen
class Policy:
    file: str
    docno: str
    headers: tuple[tuple[str, str], ...]
    conventions: tuple[tuple[str, bool, Site], ...]
    enums: tuple[EnumDef, ...]
    roles: tuple[RoleDef, ...]
    bodies: tuple[Body, ...]
    relations: tuple[RelationDef, ...]
    groups: tuple[Group, ...]
    inputs: tuple[Input, ...]
    consts: tuple[ConstDef, ...]
    decisions: tuple[Decision, ...]
    examples: tuple[Example, ...]
    flows: tuple[Flow, ...]
    ladders: tuple[Ladder, ...]
    readings: tuple[tuple[Span, str], ...]
    sha256: str
    validity: Validity = Validity()
    # name -> declaration, built once: backends look names up once per use, and a
    # scan per lookup made a policy of n decisions cost n² (a 5 MB policy took 46 s)
    _enums: dict[str, EnumDef] = attrs.field(init=False, eq=False, repr=False)
    _inputs: dict[str, Input] = attrs.field(init=False, eq=False, repr=False)
    _consts: dict[str, ConstDef] = attrs.field(init=False, eq=False, repr=False)
    _decisions: dict[str, Decision] = attrs.field(init=False, eq=False, repr=False)
    _titles: dict[str, str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # frozen: the indices are set once, here, and never change
        object.__setattr__(self, "_enums", {e.name: e for e in self.enums})
        object.__setattr__(self, "_inputs", {i.name: i for i in self.inputs})
        object.__setattr__(self, "_consts", {c.name: c for c in self.consts})
        object.__setattr__(self, "_decisions", {d.name: d for d in self.decisions})
        titles = {b.name: b.label for b in self.bodies}
        titles.update({r.name: r.title for r in self.roles})
        object.__setattr__(self, "_titles", titles)

    def enum(self, name: str) -> EnumDef:
        return self._enums[name]

    def input(self, name: str) -> Input:
        return self._inputs[name]

    def decision(self, name: str) -> Decision:
        return self._decisions[name]

    def const(self, name: str) -> ConstDef | None:
        return self._consts.get(name)

    def header(self, key: V.Header) -> str:
        """The value of a header line (文号, 标题 …), "" when the file has none."""
        return next((v for k, v in self.headers if k == key.value), "")

    def title(self, name: str) -> str:
        """What a body (its label) or a role (its title) is called; else the name."""
        return self._titles.get(name, name)
