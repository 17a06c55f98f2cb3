"""Stage 2: the Lark parse tree to the typed AST (`ast`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lark import Token, Tree

from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Span

from . import ast as A


def _strip_string(tok: Token) -> str:
    body = str(tok)[1:-1]
    out = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _opt(tok: Token | None) -> str | None:
    return None if tok is None else str(tok)


def _after_number(word: Token) -> bool:
    info = V.THRESHOLD.get(str(word))
    return info is not None and info.after_number


class _Builder:
    """One method per grammar rule, called with the rule's meta and its built children
    (through RULES, below)."""

    def __init__(self, filename: str) -> None:
        self.file = filename

    # -- helpers
    def _span(self, meta: Any) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.file, 0, 0, 0, 0)
        return Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tspan(self, tok: Token) -> Span:
        return Span(self.file, tok.line or 0, tok.column or 0, tok.end_line or 0,
                    tok.end_column or 0)

    # -- annotations
    def cite(self, meta: Any, ch: list[Any]) -> A.Cite:
        return A.Cite(str(ch[0]), tuple(str(q)[1:-1] for q in ch[1:]), self._span(meta))

    def derived(self, meta: Any, ch: list[Any]) -> A.Derived:
        return A.Derived(_strip_string(ch[0]), self._span(meta))

    def reading(self, meta: Any, ch: list[Any]) -> A.Reading:
        return A.Reading(_strip_string(ch[0]), self._span(meta))

    def annot(self, meta: Any, ch: list[Any]) -> A.Annot:
        return A.Annot(
            cites=tuple(c for c in ch if isinstance(c, A.Cite)),
            readings=tuple(c for c in ch if isinstance(c, A.Reading)),
            derived=tuple(c for c in ch if isinstance(c, A.Derived)),
        )

    # -- top level
    def start(self, meta: Any, ch: list[Any]) -> list[Any]:
        return ch

    def header(self, meta: Any, ch: list[Any]) -> A.Header:
        key, val, since, annot = ch
        if isinstance(val, A.Quantity):
            text, kind = val.number + (val.unit or ""), "quantity"
        elif val.type == "STRING":
            text, kind = _strip_string(val), "string"
        else:
            text, kind = str(val), "date"
        return A.Header(str(key), text, self._span(meta), annot,
                        None if since is None else str(since), kind)

    def convention(self, meta: Any, ch: list[Any]) -> A.Convention:
        clause = None if ch[2] is None else str(ch[2])
        return A.Convention(str(ch[0]), V.CONVENTION_INCLUSION[str(ch[1])], ch[3],
                            self._span(meta), clause)

    def member(self, meta: Any, ch: list[Any]) -> A.Member:
        return A.Member(str(ch[0]), _strip_string(ch[1]), ch[2], self._span(meta))

    def enum_decl(self, meta: Any, ch: list[Any]) -> A.EnumDecl:
        name = str(ch[0])
        label = _strip_string(ch[1]) if ch[1] is not None else name
        order = None if ch[2] is None else str(ch[2])
        return A.EnumDecl(name, label, ch[3], tuple(ch[4:]), self._span(meta), order)

    def role_decl(self, meta: Any, ch: list[Any]) -> A.RoleDecl:
        return A.RoleDecl(str(ch[0]), _strip_string(ch[1]), ch[2], self._span(meta))

    def aliases(self, meta: Any, ch: list[Any]) -> tuple[str, ...]:
        return tuple(_strip_string(c) for c in ch)

    def body_decl(self, meta: Any, ch: list[Any]) -> A.BodyDecl:
        return A.BodyDecl(str(ch[0]), _strip_string(ch[1]), ch[2] or (), ch[3], self._span(meta))

    def relation(self, meta: Any, ch: list[Any]) -> A.Relation:
        verb = _strip_string(ch[1]) if ch[1].type == "STRING" else str(ch[1])
        return A.Relation(str(ch[0]), verb, str(ch[2]), ch[3], self._span(meta),
                          quoted_verb=ch[1].type == "STRING")

    def name_list(self, meta: Any, ch: list[Any]) -> tuple[str, ...]:
        return tuple(str(c) for c in ch if isinstance(c, Token) and c.type == "NAME")

    def group_decl(self, meta: Any, ch: list[Any]) -> A.GroupDecl:
        return A.GroupDecl(str(ch[0]), _strip_string(ch[1]), ch[2] or (), ch[3] or (), ch[4],
                           self._span(meta))

    # -- types
    def unit_paren(self, meta: Any, ch: list[Any]) -> str:
        return str(ch[0])

    def basic_type(self, meta: Any, ch: list[Any]) -> A.TypeExpr:
        return A.TypeExpr(str(ch[0]), unit=ch[1], span=self._span(meta))

    def quantity_type(self, meta: Any, ch: list[Any]) -> A.TypeExpr:
        return A.TypeExpr("数量", unit=ch[0], span=self._span(meta))

    def named_type(self, meta: Any, ch: list[Any]) -> A.TypeExpr:
        return A.TypeExpr("named", name=str(ch[0]), span=self._span(meta))

    def nullable_type(self, meta: Any, ch: list[Any]) -> A.TypeExpr:
        return A.TypeExpr("nullable", inner=ch[0], span=self._span(meta))

    def list_type(self, meta: Any, ch: list[Any]) -> A.TypeExpr:
        return A.TypeExpr("list", inner=ch[0], span=self._span(meta))

    def range_type(self, meta: Any, ch: list[Any]) -> A.TypeExpr:
        return A.TypeExpr("range", inner=ch[0], span=self._span(meta))

    def domain(self, meta: Any, ch: list[Any]) -> A.Interval:
        return ch[0]  # type: ignore[no-any-return]

    def input_decl(self, meta: Any, ch: list[Any]) -> A.InputDecl:
        return A.InputDecl(str(ch[0]), _strip_string(ch[1]), ch[2], ch[3], ch[4],
                           self._span(meta))

    def const_decl(self, meta: Any, ch: list[Any]) -> A.ConstDecl:
        label = _strip_string(ch[1]) if ch[1] is not None else str(ch[0])
        return A.ConstDecl(str(ch[0]), label, ch[2], ch[3], self._span(meta))

    # -- units of the policy's own
    def unit_base(self, meta: Any, ch: list[Any]) -> A.UnitDecl:
        name, label = ch[0], ch[1]
        kinds = [c for c in ch[2:] if isinstance(c, Token) and c.type == "BASIC_TYPE"]
        kind = str(kinds[0]) if kinds else V.Keyword.QUANTITY.value
        return A.UnitDecl(str(name), _strip_string(label) if label is not None else str(name),
                          kind, None, ch[-1], self._span(meta), self._tspan(name))

    def unit_derived(self, meta: Any, ch: list[Any]) -> A.UnitDecl:
        name, label = ch[0], ch[1]
        return A.UnitDecl(str(name), _strip_string(label) if label is not None else str(name),
                          None, ch[2], ch[3], self._span(meta), self._tspan(name))

    # -- decisions
    def decision(self, meta: Any, ch: list[Any]) -> A.Decision:
        name = str(ch[0])
        label = _strip_string(ch[1]) if ch[1] is not None else name
        rest = ch[2:]
        params = []
        i = 0
        while i < len(rest) and (rest[i] is None or (isinstance(rest[i], Token)
                                                      and rest[i].type == "NAME")):
            if rest[i] is not None:
                params.append((str(rest[i]), self._tspan(rest[i])))
            i += 1
        typ, annot = rest[i], rest[i + 1]
        body = rest[i + 2:]
        stmts = tuple(b for b in body[:-2])
        result, result_annot = self._value_of(body[-2]), body[-1]
        return A.Decision(name, label, tuple(params), typ, annot, stmts, result, result_annot,
                          self._span(meta))

    def let_stmt(self, meta: Any, ch: list[Any]) -> A.Let:
        return A.Let(str(ch[0]), self._value_of(ch[1]), ch[2], self._span(meta))

    def _value_of(self, cond: Any) -> Any:
        # a bare expression parses as a condition (Truth); anything else is a condition value
        if isinstance(cond, A.Truth):
            return cond.expr
        return A.CondValue(cond, cond.span)

    def require_stmt(self, meta: Any, ch: list[Any]) -> A.Require:
        return A.Require(ch[0], _strip_string(ch[1]), ch[2], self._span(meta))

    # -- expressions
    def quantity(self, meta: Any, ch: list[Any]) -> A.Quantity:
        return A.Quantity(str(ch[0]), str(ch[1]) if ch[1] is not None else None,
                          self._span(meta))

    def ref(self, meta: Any, ch: list[Any]) -> A.Ref:
        return A.Ref(str(ch[0]), self._span(meta))

    def date_lit(self, meta: Any, ch: list[Any]) -> A.DateLit:
        return A.DateLit(str(ch[0]), self._span(meta))

    def datetime_lit(self, meta: Any, ch: list[Any]) -> A.DateTimeLit:
        return A.DateTimeLit(str(ch[0]), self._span(meta))

    def null_lit(self, meta: Any, ch: list[Any]) -> A.NullLit:
        return A.NullLit(self._span(meta))

    def bool_lit(self, meta: Any, ch: list[Any]) -> A.BoolLit:
        return A.BoolLit(V.BOOLEANS[str(ch[0])], self._span(meta))

    def _bin(self, op: str, meta: Any, ch: list[Any]) -> A.BinOp:
        return A.BinOp(op, ch[0], ch[-1], self._span(meta))

    def add(self, meta: Any, ch: list[Any]) -> A.BinOp:
        return self._bin("+", meta, ch)

    def sub(self, meta: Any, ch: list[Any]) -> A.BinOp:
        return self._bin("-", meta, ch)

    def mul(self, meta: Any, ch: list[Any]) -> A.BinOp:
        return self._bin("*", meta, ch)

    def div(self, meta: Any, ch: list[Any]) -> A.BinOp:
        return self._bin("/", meta, ch)

    def cap(self, meta: Any, ch: list[Any]) -> A.Bound:
        return A.Bound("max", ch[0], ch[1], self._span(meta))

    def floor(self, meta: Any, ch: list[Any]) -> A.Bound:
        return A.Bound("min", ch[0], ch[1], self._span(meta))

    def paren(self, meta: Any, ch: list[Any]) -> Any:
        return self._value_of(ch[0])

    def call(self, meta: Any, ch: list[Any]) -> A.Call:
        # an argument may be a condition: each parses as one
        return A.Call(str(ch[0]), tuple(self._value_of(c) for c in ch[1:]), self._span(meta))

    def range_expr(self, meta: Any, ch: list[Any]) -> A.RangeLit:
        lo, lo_mark, hi, hi_mark = ch
        return A.RangeLit(lo, hi, None, None, _opt(lo_mark), _opt(hi_mark), self._span(meta))

    def decision_ref(self, meta: Any, ch: list[Any]) -> A.DecisionRef:
        return A.DecisionRef(str(ch[0]), self._span(meta))

    def if_expr(self, meta: Any, ch: list[Any]) -> A.If:
        # a branch written as a bare condition is the same value as that condition in
        # parentheses, so every later stage sees one form
        return A.If(ch[0], self._value_of(ch[1]), self._value_of(ch[2]), self._span(meta))

    def roll_forward(self, meta: Any, ch: list[Any]) -> A.RollForward:
        return A.RollForward(ch[0], self._span(meta))

    def otherwise(self, meta: Any, ch: list[Any]) -> A.Otherwise:
        return A.Otherwise(self._value_of(ch[0]), ch[1], self._span(meta))

    def level_row(self, meta: Any, ch: list[Any]) -> A.LevelRow:
        return A.LevelRow(str(ch[0]), ch[1], ch[2], self._span(meta))

    def levels(self, meta: Any, ch: list[Any]) -> A.Levels:
        return A.Levels(tuple(ch[:-1]), ch[-1], self._span(meta))

    def table_row(self, meta: Any, ch: list[Any]) -> A.TableRow:
        return A.TableRow(tuple(ch[:-2]), self._value_of(ch[-2]), ch[-1], self._span(meta))

    def table(self, meta: Any, ch: list[Any]) -> A.Table:
        hit = None if ch[0] is None else str(ch[0])
        keys = tuple(c for c in ch[1:] if not isinstance(c, (A.TableRow, A.Otherwise))
                     and c is not None)
        rows = tuple(c for c in ch if isinstance(c, A.TableRow))
        return A.Table(keys, rows, ch[-1], self._span(meta), hit)

    def rule_row(self, meta: Any, ch: list[Any]) -> A.RuleRow:
        return A.RuleRow(ch[0], self._value_of(ch[1]), ch[2], self._span(meta))

    def rules(self, meta: Any, ch: list[Any]) -> A.Rules:
        return A.Rules(tuple(ch[:-1]), ch[-1], self._span(meta))

    def named_cond(self, meta: Any, ch: list[Any]) -> A.NamedCond:
        return A.NamedCond(str(ch[0]), _strip_string(ch[1]), ch[2], ch[3], self._span(meta))

    def all_of(self, meta: Any, ch: list[Any]) -> A.NamedConds:
        return A.NamedConds("all", tuple(ch), self._span(meta))

    def any_of(self, meta: Any, ch: list[Any]) -> A.NamedConds:
        return A.NamedConds("any", tuple(ch), self._span(meta))

    def schedule(self, meta: Any, ch: list[Any]) -> A.Schedule:
        shares = tuple(c for c in ch[1:] if isinstance(c, A.Quantity))
        return A.Schedule(ch[0], shares, self._span(meta))

    # -- patterns
    def any_pat(self, meta: Any, ch: list[Any]) -> A.AnyPat:
        return A.AnyPat(self._span(meta))

    def interval(self, meta: Any, ch: list[Any]) -> A.Interval:
        lo_tok, lo, _comma, hi, hi_tok = ch
        return A.Interval(str(lo_tok) == "[", self._bv(lo), self._bv(hi), str(hi_tok) == "]",
                          self._span(meta))

    def _bv(self, v: Any) -> Any:
        if isinstance(v, Token):
            if v.type == "INF":
                return A.Inf(-1 if str(v).startswith("-") else 1, self._tspan(v))
            if v.type == "DATE":
                return A.DateLit(str(v), self._tspan(v))
            if v.type == "DATETIME":
                return A.DateTimeLit(str(v), self._tspan(v))
        return v

    def bound_pat(self, meta: Any, ch: list[Any]) -> A.BoundPat:
        return A.BoundPat(ch[0], str(ch[1]), str(ch[2]) if ch[2] is not None else None,
                          self._span(meta))

    def eq_pat(self, meta: Any, ch: list[Any]) -> A.EqPat:
        return A.EqPat(ch[0], self._span(meta))

    def name_pat(self, meta: Any, ch: list[Any]) -> A.NamePat:
        return A.NamePat(str(ch[0]), self._span(meta))

    def bool_pat(self, meta: Any, ch: list[Any]) -> A.BoolPat:
        return A.BoolPat(V.BOOLEANS[str(ch[0])], self._span(meta))

    def date_pat(self, meta: Any, ch: list[Any]) -> A.EqPat:
        return A.EqPat(A.DateLit(str(ch[0]), self._span(meta)), self._span(meta))

    # -- conditions
    def or_cond(self, meta: Any, ch: list[Any]) -> A.Or:
        return A.Or((ch[0], ch[1]), self._span(meta))

    def and_cond(self, meta: Any, ch: list[Any]) -> A.And:
        return A.And((ch[0], ch[1]), self._span(meta))

    def not_cond(self, meta: Any, ch: list[Any]) -> A.Not:
        return A.Not(ch[0], self._span(meta))

    def truth(self, meta: Any, ch: list[Any]) -> Any:
        # a parenthesised condition standing as a condition is that condition, so the
        # analysis and the diagrams see its structure, not a boolean value
        if isinstance(ch[0], A.CondValue):
            return ch[0].cond
        return A.Truth(ch[0], self._span(meta))

    def post_bound(self, meta: Any, ch: list[Any]) -> A.PostBound:
        q, m1, w, m2 = ch
        return A.PostBound(q, str(m1) if m1 is not None else None, str(w),
                           str(m2) if m2 is not None else None, self._span(meta))

    def post_compare(self, meta: Any, ch: list[Any]) -> A.PostCompare:
        return A.PostCompare(ch[0], tuple(c for c in ch[1:] if c is not None), self._span(meta))

    def pre_compare(self, meta: Any, ch: list[Any]) -> A.PreCompare:
        subj, word, rhs, mark = ch
        return A.PreCompare(subj, str(word), rhs, str(mark) if mark is not None else None, None,
                            self._span(meta))

    def member_bound(self, meta: Any, ch: list[Any]) -> A.MemberBound:
        subj, tok, mark = ch
        text = str(tok)
        word = next(t.word for t in sorted(V.THRESHOLDS, key=lambda t: -len(t.word))
                    if t.after_number and text.endswith(t.word))
        span = self._tspan(tok)
        member = text[:-len(word)]
        return A.MemberBound(subj, member, word, str(mark) if mark is not None else None,
                             self._span(meta),
                             Span(span.file, span.line, span.col, span.line,
                                  span.col + len(member)))

    def pre_post_compare(self, meta: Any, ch: list[Any]) -> Any:
        subj, word, rhs, word2, mark = ch
        if _after_number(word) and _after_number(word2):
            # "10万元以上20万元以下": both words follow their numbers, so there is no
            # subject: a range value (as a condition it is E213, a range is no truth)
            span = self._span(meta)
            return A.Truth(A.RangeLit(subj, rhs, str(word), str(word2), None, _opt(mark), span),
                           span)
        return A.PreCompare(subj, str(word), rhs, str(mark) if mark is not None else None,
                            str(word2), self._span(meta))

    def open_compare(self, meta: Any, ch: list[Any]) -> Any:
        subj, word, mark = ch
        span = self._span(meta)
        # "5000元以上" alone: the word follows its number and nothing is compared, so a
        # one-ended range; the end the text does not give stays open (None)
        upper = str(word) in V.THRESHOLD and V.THRESHOLD[str(word)].direction \
            is V.Direction.UPPER
        lo, hi = (None, subj) if upper else (subj, None)
        lo_word, hi_word = (None, str(word)) if upper else (str(word), None)
        rng = A.RangeLit(lo, hi, lo_word, hi_word, None if upper else _opt(mark),
                         _opt(mark) if upper else None, span)
        return A.Truth(rng, span)

    def cmp(self, meta: Any, ch: list[Any]) -> A.Cmp:
        op = {"≥": ">=", "≤": "<=", "≠": "!="}.get(str(ch[1]), str(ch[1]))
        return A.Cmp(ch[0], op, ch[2], self._span(meta))

    def in_interval(self, meta: Any, ch: list[Any]) -> A.InInterval:
        return A.InInterval(ch[0], ch[1], self._span(meta))

    def in_range(self, meta: Any, ch: list[Any]) -> A.InInterval | A.InValue:
        subj, lo, lo_mark, hi, hi_mark = ch
        if not (isinstance(lo, A.Quantity) and isinstance(hi, A.Quantity)):
            # ends that are expressions: fine 在 income × 40% 至 income × 80%
            span = self._span(meta)
            return A.InValue(subj, A.RangeLit(lo, hi, None, None, _opt(lo_mark), _opt(hi_mark),
                                              span), span)
        # "A（含）至B（不含）": an unmarked end of 至 is included
        lo_closed = lo_mark is None or V.INCLUSION_MARKS[str(lo_mark)]
        hi_closed = hi_mark is None or V.INCLUSION_MARKS[str(hi_mark)]
        span = self._span(meta)
        return A.InInterval(subj, A.Interval(lo_closed, lo, hi, hi_closed, span), span)

    def in_value(self, meta: Any, ch: list[Any]) -> A.InValue:
        return A.InValue(ch[0], ch[1], self._span(meta))

    def is_member(self, meta: Any, ch: list[Any]) -> A.IsMember:
        return A.IsMember(ch[0], str(ch[1]), self._span(meta))

    def cond_list(self, meta: Any, ch: list[Any]) -> tuple[Any, ...]:
        return tuple(c for c in ch if not isinstance(c, Token))

    def any_cond(self, meta: Any, ch: list[Any]) -> A.Or:
        return A.Or(ch[0], self._span(meta))

    def all_cond(self, meta: Any, ch: list[Any]) -> A.And:
        return A.And(ch[0], self._span(meta))

    # -- examples
    def _value(self, kind: str, meta: Any, text: str = "", unit: str | None = None,
               items: tuple[A.Value, ...] = ()) -> A.Value:
        return A.Value(kind, text, unit, items, self._span(meta))

    def arg(self, meta: Any, ch: list[Any]) -> tuple[str, A.Value, Span]:
        return (str(ch[0]), self._as_value(ch[1]), self._span(meta))

    def _as_value(self, v: Any) -> A.Value:
        if isinstance(v, A.Value):
            return v
        if isinstance(v, A.Quantity):
            return A.Value("quantity", v.number, v.unit, (), v.span)
        if isinstance(v, A.DateLit):
            return A.Value("date", v.text, None, (), v.span)
        if isinstance(v, A.DateTimeLit):
            return A.Value("datetime", v.text, None, (), v.span)
        if isinstance(v, A.BoolLit):
            return A.Value("bool", V.yes_no(v.value), None, (), v.span)
        if isinstance(v, A.NullLit):
            return A.Value("null", "", None, (), v.span)
        raise TypeError(v)

    def neg_value(self, meta: Any, ch: list[Any]) -> A.Value:
        return self._value("quantity", meta, "-" + ch[0].number, ch[0].unit)

    def name_value(self, meta: Any, ch: list[Any]) -> A.Value:
        return self._value("name", meta, str(ch[0]))

    def string_value(self, meta: Any, ch: list[Any]) -> A.Value:
        return self._value("string", meta, _strip_string(ch[0]))

    def list_value(self, meta: Any, ch: list[Any]) -> A.Value:
        return self._value("list", meta, items=tuple(self._as_value(c) for c in ch
                                                      if c is not None))

    def rejected(self, meta: Any, ch: list[Any]) -> A.Value:
        return self._value("rejected", meta)

    def range_words_value(self, meta: Any, ch: list[Any]) -> A.Value:
        lo, w1, hi, w2 = ch
        return self._value("range", meta, f"{w1}||{w2}|",
                           items=(self._as_value(lo), self._as_value(hi)))

    def range_open_value(self, meta: Any, ch: list[Any]) -> A.Value:
        q, w = ch
        return self._value("range_open", meta, str(w), items=(self._as_value(q),))

    def range_value(self, meta: Any, ch: list[Any]) -> A.Value:
        lo, m1, hi, m2 = ch
        return self._value("range", meta, f"|{_opt(m1) or ''}||{_opt(m2) or ''}",
                           items=(self._as_value(lo), self._as_value(hi)))

    def example(self, meta: Any, ch: list[Any]) -> A.Example:
        name = str(ch[0])
        args = tuple(c for c in ch[1:-2] if c is not None)
        return A.Example(name, args, self._as_value(ch[-2]), ch[-1], self._span(meta))

    # -- flows
    def flow_event(self, meta: Any, ch: list[Any]) -> A.FlowNode:
        return A.FlowNode("event", str(ch[0]), _strip_string(ch[1]), None, (), (), ch[2],
                          self._span(meta))

    def step_in(self, meta: Any, ch: list[Any]) -> tuple[str, tuple[str, ...]]:
        return ("in", tuple(str(c) for c in ch))

    def step_out(self, meta: Any, ch: list[Any]) -> tuple[str, tuple[str, ...]]:
        return ("out", tuple(str(c) for c in ch))

    def flow_step(self, meta: Any, ch: list[Any]) -> A.FlowNode:
        opts = [c for c in ch[3:-1] if isinstance(c, tuple)]
        ins = tuple(d for k, docs in opts if k == "in" for d in docs)
        outs = tuple(d for k, docs in opts if k == "out" for d in docs)
        dues = tuple(c for c in ch[3:-1] if isinstance(c, A.StepDue))
        return A.FlowNode("step", str(ch[0]), _strip_string(ch[1]), str(ch[2]), ins, outs,
                          ch[-1], self._span(meta), dues)

    def _step_due(self, meta: Any, kind: str, text: str, mark: Any,
                  year_from: str | None) -> A.StepDue:
        inclusive = V.INCLUSION_MARKS[str(mark)] if mark is not None else None
        return A.StepDue(kind, text, inclusive, year_from, self._span(meta))

    def step_by_date(self, meta: Any, ch: list[Any]) -> A.StepDue:
        return self._step_due(meta, "date", str(ch[0]), ch[1], None)

    def step_by_month_day(self, meta: Any, ch: list[Any]) -> A.StepDue:
        return self._step_due(meta, "month_day", str(ch[0]), ch[1], "notice")

    def step_by_month_day_input(self, meta: Any, ch: list[Any]) -> A.StepDue:
        return self._step_due(meta, "month_day", str(ch[0]), ch[1], "input")

    def step_weekly(self, meta: Any, ch: list[Any]) -> A.StepDue:
        return self._step_due(meta, "weekly", f"{ch[0]} {ch[1]}", ch[2], None)

    def flow_choice(self, meta: Any, ch: list[Any]) -> A.FlowNode:
        actor = str(ch[2]) if ch[2] is not None else None
        return A.FlowNode("choice", str(ch[0]), _strip_string(ch[1]), actor, (), (), ch[3],
                          self._span(meta))

    def flow_end(self, meta: Any, ch: list[Any]) -> A.FlowNode:
        return A.FlowNode("end", str(ch[0]), _strip_string(ch[1]), None, (), (), ch[2],
                          self._span(meta))

    def edge_when(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("when", _strip_string(ch[0]))

    def edge_deadline(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        ext = ch[2] if len(ch) > 2 else None
        branch = ch[3] if len(ch) > 3 else None
        return ("deadline", A.Deadline(ch[0], len(ch) > 1 and ch[1] is not None,
                                       ext[0] if ext else None, ext[1] if ext else None,
                                       branch, self._span(meta)))

    def extension(self, meta: Any, ch: list[Any]) -> tuple[A.Quantity, str | None]:
        return (ch[0], str(ch[1]) if ch[1] is not None else None)

    def branch(self, meta: Any, ch: list[Any]) -> tuple[str, str]:
        return (str(ch[0]), _strip_string(ch[1]))

    def edge_loop(self, meta: Any, ch: list[Any]) -> tuple[str, Any]:
        return ("loop", True)

    def flow_edge(self, meta: Any, ch: list[Any]) -> A.FlowEdge:
        pairs = [c for c in ch[2:-1] if isinstance(c, tuple)]
        opts: dict[str, Any] = dict(pairs)
        # every 时限 is kept: several on one edge are alternatives by branch (当 …)
        deadlines = tuple(v for k, v in pairs if k == "deadline")
        first = deadlines[0] if deadlines else None
        return A.FlowEdge(str(ch[0]), str(ch[1]), opts.get("when"),
                          first.amount if first else None,
                          bool(first and first.roll), bool(opts.get("loop")), ch[-1],
                          self._span(meta), deadlines)

    def flow(self, meta: Any, ch: list[Any]) -> A.Flow:
        body = ch[3:]
        return A.Flow(str(ch[0]), _strip_string(ch[1]), ch[2],
                      tuple(b for b in body if isinstance(b, A.FlowNode)),
                      tuple(b for b in body if isinstance(b, A.FlowEdge)), self._span(meta))

    # -- hierarchies
    def level_member(self, meta: Any, ch: list[Any]) -> tuple[A.Member, str | None]:
        body = None if ch[2] is None else str(ch[2])
        return A.Member(str(ch[0]), _strip_string(ch[1]), ch[3], self._span(meta)), body

    def hierarchy_decl(self, meta: Any, ch: list[Any]) -> A.EnumDecl:
        # a hierarchy is an ordered enum, lowest level first, that knows its bodies
        name = str(ch[0])
        label = _strip_string(ch[1]) if ch[1] is not None else name
        levels = ch[3:]
        return A.EnumDecl(name, label, ch[2], tuple(m for m, _ in levels), self._span(meta),
                          "由低到高", tuple(b for _, b in levels))

    def grade_list(self, meta: Any, ch: list[Any]) -> tuple[Token, ...]:
        return tuple(c for c in ch if isinstance(c, Token) and c.type == "NAME")

    def assign_row(self, meta: Any, ch: list[Any]) -> tuple[A.TableRow, ...]:
        # one row of the table a grade, each with the row's value and citation
        return tuple(A.TableRow((A.NamePat(str(g), self._tspan(g)),), ch[1], ch[2],
                                self._span(meta)) for g in ch[0])

    def assignment(self, meta: Any, ch: list[Any]) -> A.Decision:
        # 分级负责 is a decision whose result is a one-key table over its grade input
        name, grade = str(ch[0]), ch[2]
        label = _strip_string(ch[1]) if ch[1] is not None else name
        span = self._span(meta)
        rows = tuple(r for group in ch[5:] for r in group)
        key = A.Ref(str(grade), self._tspan(grade))
        table = A.Table((key,), rows, None, span)
        return A.Decision(name, label, ((str(grade), self._tspan(grade)),), ch[3], ch[4], (),
                          table, A.Annot(), span, str(grade))

    def flow_escalation(self, meta: Any, ch: list[Any]) -> A.FlowNode:
        span = self._span(meta)
        start = None if ch[3] is None else str(ch[3])
        names = (self._tspan(ch[2]), None if ch[3] is None else self._tspan(ch[3]),
                 self._tspan(ch[4]))
        esc = A.Escalation(str(ch[2]), start, str(ch[4]), ch[5], ch[6] is not None, span, names)
        return A.FlowNode("escalation", str(ch[0]), _strip_string(ch[1]), None, (), (), ch[7],
                          span, escalation=esc)

    def rung(self, meta: Any, ch: list[Any]) -> A.Rung:
        return A.Rung(_strip_string(ch[0]), ch[1], self._span(meta))

    def ladder(self, meta: Any, ch: list[Any]) -> A.Ladder:
        return A.Ladder(str(ch[0]), _strip_string(ch[1]), str(ch[3]), str(ch[4]), ch[5],
                        tuple(ch[6:]), self._span(meta), menu=ch[2] is not None)


# rule name -> its builder: every rule and alias of grammar/pol.lark that can name a tree
# node (tests/syntax/test_builder.py); the `?` rules are inlined by Lark and never do
RULES: dict[str, Callable[[_Builder, Any, list[Any]], Any]] = {
    "cite": _Builder.cite,
    "derived": _Builder.derived,
    "reading": _Builder.reading,
    "annot": _Builder.annot,
    "start": _Builder.start,
    "header": _Builder.header,
    "convention": _Builder.convention,
    "member": _Builder.member,
    "enum_decl": _Builder.enum_decl,
    "role_decl": _Builder.role_decl,
    "aliases": _Builder.aliases,
    "body_decl": _Builder.body_decl,
    "relation": _Builder.relation,
    "name_list": _Builder.name_list,
    "group_decl": _Builder.group_decl,
    "unit_paren": _Builder.unit_paren,
    "basic_type": _Builder.basic_type,
    "quantity_type": _Builder.quantity_type,
    "named_type": _Builder.named_type,
    "nullable_type": _Builder.nullable_type,
    "list_type": _Builder.list_type,
    "range_type": _Builder.range_type,
    "range_expr": _Builder.range_expr,
    "in_value": _Builder.in_value,
    "range_words_value": _Builder.range_words_value,
    "range_value": _Builder.range_value,
    "range_open_value": _Builder.range_open_value,
    "open_compare": _Builder.open_compare,
    "domain": _Builder.domain,
    "input_decl": _Builder.input_decl,
    "const_decl": _Builder.const_decl,
    "decision": _Builder.decision,
    "let_stmt": _Builder.let_stmt,
    "require_stmt": _Builder.require_stmt,
    "quantity": _Builder.quantity,
    "ref": _Builder.ref,
    "date_lit": _Builder.date_lit,
    "datetime_lit": _Builder.datetime_lit,
    "null_lit": _Builder.null_lit,
    "bool_lit": _Builder.bool_lit,
    "add": _Builder.add,
    "sub": _Builder.sub,
    "mul": _Builder.mul,
    "div": _Builder.div,
    "cap": _Builder.cap,
    "floor": _Builder.floor,
    "paren": _Builder.paren,
    "call": _Builder.call,
    "decision_ref": _Builder.decision_ref,
    "if_expr": _Builder.if_expr,
    "roll_forward": _Builder.roll_forward,
    "otherwise": _Builder.otherwise,
    "level_row": _Builder.level_row,
    "levels": _Builder.levels,
    "table_row": _Builder.table_row,
    "table": _Builder.table,
    "rule_row": _Builder.rule_row,
    "rules": _Builder.rules,
    "named_cond": _Builder.named_cond,
    "all_of": _Builder.all_of,
    "any_of": _Builder.any_of,
    "schedule": _Builder.schedule,
    "any_pat": _Builder.any_pat,
    "interval": _Builder.interval,
    "bound_pat": _Builder.bound_pat,
    "eq_pat": _Builder.eq_pat,
    "name_pat": _Builder.name_pat,
    "bool_pat": _Builder.bool_pat,
    "date_pat": _Builder.date_pat,
    "or_cond": _Builder.or_cond,
    "and_cond": _Builder.and_cond,
    "not_cond": _Builder.not_cond,
    "truth": _Builder.truth,
    "post_bound": _Builder.post_bound,
    "post_compare": _Builder.post_compare,
    "pre_compare": _Builder.pre_compare,
    "pre_post_compare": _Builder.pre_post_compare,
    "cmp": _Builder.cmp,
    "in_interval": _Builder.in_interval,
    "in_range": _Builder.in_range,
    "is_member": _Builder.is_member,
    "member_bound": _Builder.member_bound,
    "cond_list": _Builder.cond_list,
    "any_cond": _Builder.any_cond,
    "all_cond": _Builder.all_cond,
    "arg": _Builder.arg,
    "neg_value": _Builder.neg_value,
    "name_value": _Builder.name_value,
    "string_value": _Builder.string_value,
    "list_value": _Builder.list_value,
    "rejected": _Builder.rejected,
    "example": _Builder.example,
    "flow_event": _Builder.flow_event,
    "step_in": _Builder.step_in,
    "step_out": _Builder.step_out,
    "flow_step": _Builder.flow_step,
    "flow_choice": _Builder.flow_choice,
    "flow_end": _Builder.flow_end,
    "edge_when": _Builder.edge_when,
    "edge_deadline": _Builder.edge_deadline,
    "extension": _Builder.extension,
    "branch": _Builder.branch,
    "step_by_date": _Builder.step_by_date,
    "step_by_month_day": _Builder.step_by_month_day,
    "step_by_month_day_input": _Builder.step_by_month_day_input,
    "step_weekly": _Builder.step_weekly,
    "edge_loop": _Builder.edge_loop,
    "flow_edge": _Builder.flow_edge,
    "flow": _Builder.flow,
    "rung": _Builder.rung,
    "ladder": _Builder.ladder,
    "unit_base": _Builder.unit_base,
    "unit_derived": _Builder.unit_derived,
    "level_member": _Builder.level_member,
    "hierarchy_decl": _Builder.hierarchy_decl,
    "grade_list": _Builder.grade_list,
    "assign_row": _Builder.assign_row,
    "assignment": _Builder.assignment,
    "flow_escalation": _Builder.flow_escalation,
}


def build(tree: Tree[Token], filename: str) -> A.Module:
    items = _transform(_Builder(filename), tree)
    return A.Module(filename, tuple(items))


class _Finish:
    __slots__ = ("tree",)

    def __init__(self, tree: Tree[Token]) -> None:
        self.tree = tree


def _transform(builder: _Builder, root: Tree[Token]) -> Any:
    """Bottom-up, as lark.Transformer with v_args(meta=True) does, but without its
    wrapper object per call, which was most of this stage's time on a large policy;
    iterative, so depth costs no recursion."""
    built: list[Any] = []
    todo: list[Any] = [root]
    rules = RULES
    while todo:
        node = todo.pop()
        if node.__class__ is _Finish:
            tree = node.tree
            n = len(tree.children)
            children = built[len(built) - n:] if n else []
            del built[len(built) - n:]
            built.append(rules[tree.data](builder, tree.meta, children))
        elif isinstance(node, Tree):
            todo.append(_Finish(node))
            todo.extend(reversed(node.children))
        else:
            built.append(node)  # a token, or None for an absent [optional]
    return built[0]
