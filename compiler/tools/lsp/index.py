"""Where each name of a policy is declared and used, read off the syntax tree.

The AST says what a name is (its node and the scope it stands in); the parse tree's tokens
say exactly where it is written, since a declaration's span covers the whole declaration.
Names are resolved as the checker resolves them (semantics.checker `e_Ref`): a local 令,
a parameter (an input), a constant, a role or body, an enum member.  A name the checker
would reject still gets an occurrence when it can be told apart, so go-to and rename keep
working on a file that does not check yet.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lark import Token, Tree

from polc.compiler.diagnostics import Span
from polc.compiler.syntax import ast as A

# what a name may be; the enum name is the scope of its members, the decision the scope of
# its 令, the flow the scope of its nodes
KINDS = {"input": "输入", "const": "常量", "decision": "决策", "enum": "枚举", "member": "成员",
         "role": "角色", "body": "机构", "group": "工作组", "let": "令", "flow": "流程",
         "node": "节点", "ladder": "阶梯"}


@dataclass(frozen=True, order=True)
class Symbol:
    kind: str
    name: str
    scope: str = ""


@dataclass(frozen=True, order=True)
class Occurrence:
    """A name written at line:col (1-based, code points) to end_col, on one line."""

    line: int
    col: int
    end_col: int
    symbol: Symbol
    definition: bool = False


@dataclass(frozen=True)
class CiteSite:
    cite: A.Cite
    clause: Token
    quotes: tuple[Token, ...]


@dataclass(frozen=True)
class ThresholdSite:
    """A threshold written in a condition or table pattern: what hover explains."""

    span: Span
    subject: str
    bounds: tuple[tuple[str, A.Quantity | None, tuple[str, ...]], ...]  # word, number, marks


@dataclass
class Index:
    occurrences: list[Occurrence] = field(default_factory=list)
    decls: dict[Symbol, object] = field(default_factory=dict)
    cites: list[CiteSite] = field(default_factory=list)
    thresholds: list[ThresholdSite] = field(default_factory=list)
    # the 约定 of the document: word -> (includes its number, the 约定's span)
    conventions: dict[str, tuple[bool, Span]] = field(default_factory=dict)

    def at(self, line: int, col: int) -> Occurrence | None:
        for o in self.occurrences:
            if o.line == line and o.col <= col <= o.end_col:
                return o
        return None

    def definition(self, symbol: Symbol) -> Occurrence | None:
        return next((o for o in self.occurrences if o.symbol == symbol and o.definition), None)

    def references(self, symbol: Symbol) -> list[Occurrence]:
        return sorted(o for o in self.occurrences if o.symbol == symbol)

    def cite_at(self, line: int, col: int) -> tuple[CiteSite, Token | None] | None:
        """The citation at line:col and the token (the clause or a quote) under it."""
        for site in self.cites:
            if _within(site.cite.span, line, col):
                for tok in (site.clause, *site.quotes):
                    if _token_within(tok, line, col):
                        return site, tok
                return site, None
        return None

    def threshold_at(self, line: int, col: int) -> ThresholdSite | None:
        found = [t for t in self.thresholds if _within(t.span, line, col)]
        return min(found, key=lambda t: (t.span.end_line - t.span.line, t.span.end_col
                                         - t.span.col)) if found else None


def _within(span: Span, line: int, col: int) -> bool:
    return (span.line, span.col) <= (line, col) <= (span.end_line, span.end_col)


def _token_within(tok: Token, line: int, col: int) -> bool:
    return ((tok.line or 0), (tok.column or 0)) <= (line, col) <= \
        ((tok.end_line or 0), (tok.end_column or 0))


class _Tokens:
    """The parse tree's tokens in text order, searched by span."""

    def __init__(self, tree: Tree[Token]) -> None:
        self.tokens = sorted((t for t in tree.scan_values(lambda v: isinstance(v, Token))),
                             key=lambda t: (t.line or 0, t.column or 0))
        self.keys = [(t.line or 0, t.column or 0) for t in self.tokens]

    def within(self, span: Span, kind: str) -> Iterator[Token]:
        i = bisect.bisect_left(self.keys, (span.line, span.col))
        while i < len(self.tokens) and self.keys[i] < (span.end_line, span.end_col):
            if self.tokens[i].type == kind:
                yield self.tokens[i]
            i += 1

    def name(self, span: Span, name: str, *, last: bool = False) -> Token | None:
        found = [t for t in self.within(span, "NAME") if t.value == name]
        if not found:
            return None
        return found[-1] if last else found[0]


class _Builder:
    def __init__(self, module: A.Module, tree: Tree[Token]) -> None:
        self.m = module
        self.toks = _Tokens(tree)
        self.index = Index()
        self.inputs = {it.name: it for it in module.items if isinstance(it, A.InputDecl)}
        self.decisions = {it.name: it for it in module.items if isinstance(it, A.Decision)}
        self.consts = {it.name for it in module.items if isinstance(it, A.ConstDecl)}
        self.roles = {it.name for it in module.items if isinstance(it, A.RoleDecl)}
        self.bodies = {it.name for it in module.items if isinstance(it, A.BodyDecl)}
        self.enums = {it.name: it for it in module.items if isinstance(it, A.EnumDecl)}
        self.members: dict[str, list[str]] = {}
        # a 分级负责 row naming several grades is one table row a grade sharing the written
        # value, and its key is the parameter itself: each written name is recorded once
        self.seen: set[tuple[int, int]] = set()
        for e in self.enums.values():
            for m in e.members:
                self.members.setdefault(m.name, []).append(e.name)

    # ------------------------------------------------------------ recording
    def token(self, tok: Token | None, symbol: Symbol | None, definition: bool = False) -> None:
        if tok is None or symbol is None:
            return
        at = (tok.line or 0, tok.column or 0)
        if at in self.seen:
            return
        self.seen.add(at)
        self.index.occurrences.append(Occurrence(tok.line or 0, tok.column or 0,
                                                 tok.end_column or 0, symbol, definition))

    def declare(self, node: object, symbol: Symbol, span: Span) -> None:
        self.index.decls.setdefault(symbol, node)
        self.token(self.toks.name(span, symbol.name), symbol, definition=True)

    def use(self, span: Span, name: str, symbol: Symbol | None, last: bool = False) -> None:
        self.token(self.toks.name(span, name, last=last), symbol)

    # ------------------------------------------------------------ resolution
    def actor(self, name: str) -> Symbol | None:
        if name in self.roles:
            return Symbol("role", name)
        if name in self.bodies:
            return Symbol("body", name)
        return None

    def member(self, name: str, enum: str | None) -> Symbol | None:
        owners = self.members.get(name, [])
        if enum is not None and enum in owners:
            return Symbol("member", name, enum)
        return Symbol("member", name, owners[0]) if len(owners) == 1 else None

    def value(self, name: str, env: _Env, expected: str | None = None) -> Symbol | None:
        if name in env.locals:
            return Symbol("let", name, env.decision)
        if name in self.inputs and (name in env.params or not env.decision):
            return Symbol("input", name)
        if name in self.consts:
            return Symbol("const", name)
        if expected is not None and name in [m.name for m in self.enums[expected].members]:
            return Symbol("member", name, expected)
        return self.actor(name) or (Symbol("input", name) if name in self.inputs else None) \
            or self.member(name, None)

    def enum_of_type(self, t: A.TypeExpr | None) -> str | None:
        while t is not None and t.kind == "nullable":
            t = t.inner
        if t is not None and t.kind == "named" and t.name in self.enums:
            return t.name
        return None

    def enum_of(self, e: A.Expr, env: _Env) -> str | None:
        if isinstance(e, A.Ref):
            sym = self.value(e.name, env)
            if sym is not None and sym.kind == "input" and sym.name in self.inputs:
                return self.enum_of_type(self.inputs[sym.name].type)
        if isinstance(e, A.DecisionRef) and e.name in self.decisions:
            return self.enum_of_type(self.decisions[e.name].type)
        return None

    # ------------------------------------------------------------ items
    def run(self) -> Index:
        for it in self.m.items:
            self.item(it)
        return self.index

    def type_use(self, t: A.TypeExpr, span: Span) -> None:
        name = self.enum_of_type(t)
        if name is not None:
            self.use(span, name, Symbol("enum", name), last=True)

    def item(self, it: A.Item) -> None:
        if isinstance(it, A.Convention):
            self.index.conventions.setdefault(it.word, (it.include, it.span))
        elif isinstance(it, A.EnumDecl):
            self.declare(it, Symbol("enum", it.name), it.span)
            for m in it.members:
                self.declare(m, Symbol("member", m.name, it.name), m.span)
            for m, body in zip(it.members, it.hierarchy or (), strict=False):
                if body is not None:  # 层级: the 机构 at that level
                    self.use(m.span, body, self.actor(body), last=True)
        elif isinstance(it, A.RoleDecl):
            self.declare(it, Symbol("role", it.name), it.span)
        elif isinstance(it, A.BodyDecl):
            self.declare(it, Symbol("body", it.name), it.span)
        elif isinstance(it, A.Relation):
            names = list(self.toks.within(it.span, "NAME"))
            for tok in names[:1] + names[-1:]:
                self.token(tok, self.actor(tok.value))
        elif isinstance(it, A.GroupDecl):
            self.declare(it, Symbol("group", it.name), it.span)
            for tok in list(self.toks.within(it.span, "NAME"))[1:]:
                self.token(tok, self.actor(tok.value))
        elif isinstance(it, A.InputDecl):
            self.declare(it, Symbol("input", it.name), it.span)
            self.type_use(it.type, it.span)
        elif isinstance(it, A.ConstDecl):
            self.declare(it, Symbol("const", it.name), it.span)
            self.walk(it.expr, _Env())
        elif isinstance(it, A.Decision):
            self.decision(it)
        elif isinstance(it, A.Example):
            self.example(it)
        elif isinstance(it, A.Flow):
            self.flow(it)
        elif isinstance(it, A.Ladder):
            self.declare(it, Symbol("ladder", it.name), it.span)
            names = list(self.toks.within(it.span, "NAME"))
            for tok in names[1:3]:
                self.token(tok, self.actor(tok.value))
        self.annotations(it)

    def decision(self, d: A.Decision) -> None:
        self.declare(d, Symbol("decision", d.name), d.span)
        for name, span in d.params:
            self.use(span, name, Symbol("input", name) if name in self.inputs else None)
        if d.type.span is not None:
            self.type_use(d.type, d.type.span)
        env = _Env(d.name, frozenset(n for n, _ in d.params), {},
                   self.enum_of_type(d.type))
        for st in d.stmts:
            if isinstance(st, A.Let):
                self.walk(st.expr, env)
                env.locals[st.name] = st
                self.declare(st, Symbol("let", st.name, d.name), st.span)
            else:
                self.walk(st.cond, env)
        self.walk(d.result, env)

    def example(self, ex: A.Example) -> None:
        self.use(ex.span, ex.decision, Symbol("decision", ex.decision)
                 if ex.decision in self.decisions else None)
        dec = self.decisions.get(ex.decision)
        for name, value, span in ex.args:
            self.use(span, name, Symbol("input", name) if name in self.inputs else None)
            self.example_value(value, self.enum_of_type(self.inputs[name].type)
                               if name in self.inputs else None)
        self.example_value(ex.expected, self.enum_of_type(dec.type) if dec else None)

    def example_value(self, v: A.Value, enum: str | None) -> None:
        if v.kind == "name":
            self.use(v.span, v.text, self.member(v.text, enum) if enum else
                     self.actor(v.text) or self.member(v.text, None))
        for item in v.items:
            self.example_value(item, enum)

    def flow(self, f: A.Flow) -> None:
        self.declare(f, Symbol("flow", f.name), f.span)
        for n in f.nodes:
            self.declare(n, Symbol("node", n.name, f.name), n.span)
            if n.actor is not None:
                self.use(n.span, n.actor, self.actor(n.actor), last=True)
            if n.escalation is not None:
                self.escalation(n.escalation)
        for e in f.edges:
            names = list(self.toks.within(e.span, "NAME"))
            for tok in names[:2]:
                self.token(tok, Symbol("node", tok.value, f.name))
            # a deadline's approver (延长 … 由 x) and the choice it depends on (当 k "…")
            for dl in e.deadlines:
                if dl.approver is not None:
                    self.use(dl.span, dl.approver, self.actor(dl.approver), last=True)
                if dl.branch is not None:
                    tok = self.toks.name(dl.span, dl.branch[0], last=True)
                    self.token(tok, Symbol("node", dl.branch[0], f.name))

    def escalation(self, esc: A.Escalation) -> None:
        """逐级 … 沿 HIERARCHY 从 LEVEL 至 LEVEL_OR_DECISION: each name to its declaration."""
        if esc.names is None:
            return
        at_hier, at_start, at_target = esc.names
        self.use(at_hier, esc.hierarchy, Symbol("enum", esc.hierarchy))
        if at_start is not None and esc.start is not None:
            self.use(at_start, esc.start, self.member(esc.start, esc.hierarchy))
        target = Symbol("decision", esc.target) if esc.target in self.decisions else \
            self.member(esc.target, esc.hierarchy)
        self.use(at_target, esc.target, target)

    # ------------------------------------------------------------ inside items
    def annotations(self, node: object) -> None:
        """Every citation in the item, at any depth."""
        for sub in A.walk(node):
            annot = getattr(sub, "annot", None)
            extra = getattr(sub, "result_annot", None)
            for a in (annot, extra):
                if isinstance(a, A.Annot):
                    for c in a.cites:
                        clause = next(self.toks.within(c.span, "CLAUSE"), None)
                        if clause is not None:
                            self.index.cites.append(CiteSite(
                                c, clause, tuple(self.toks.within(c.span, "QUOTE"))))

    def walk(self, node: object, env: _Env, expected: str | None = None) -> None:
        for sub in _nodes(node):
            self.visit(sub, env, expected)

    def visit(self, n: object, env: _Env, expected: str | None) -> None:
        if isinstance(n, A.Ref):  # its span is its name's
            symbol = self.value(n.name, env, expected)
            if symbol is not None and (n.span.line, n.span.col) not in self.seen:
                self.seen.add((n.span.line, n.span.col))
                self.index.occurrences.append(Occurrence(
                    n.span.line, n.span.col, n.span.col + len(n.name), symbol))
        elif isinstance(n, A.DecisionRef):
            self.use(n.span, n.name, Symbol("decision", n.name)
                     if n.name in self.decisions else None)
        elif isinstance(n, A.IsMember):
            self.walk(n.subject, env)
            self.use(n.span, n.member, self.member(n.member, self.enum_of(n.subject, env)),
                     last=True)
            return
        elif isinstance(n, A.MemberBound):  # grade III以上: the member is its first part
            self.walk(n.subject, env)
            symbol = self.member(n.member, self.enum_of(n.subject, env))
            if symbol is not None:
                s = n.member_span
                self.index.occurrences.append(Occurrence(s.line, s.col, s.end_col, symbol))
            return
        elif isinstance(n, A.Levels):
            for row in n.rows:
                self.use(row.span, row.member, self.member(row.member, env.result))
                self.walk(row.cond, env)
            if n.otherwise is not None:
                self.walk(n.otherwise.expr, env, env.result)
            return
        elif isinstance(n, A.Table):
            keys = [self.enum_of(k, env) for k in n.keys]
            self.walk(n.keys, env)
            for row in n.rows:
                for pat, enum in zip(row.patterns, keys, strict=False):
                    if isinstance(pat, A.NamePat):
                        self.use(pat.span, pat.name, self.member(pat.name, enum))
                    else:
                        self.visit(pat, env, None)
                self.walk(row.expr, env, env.result)
            if n.otherwise is not None:
                self.walk(n.otherwise.expr, env, env.result)
            return
        elif isinstance(n, A.If):
            self.walk(n.cond, env)
            self.walk((n.then, n.other), env, expected or env.result)
            return
        elif isinstance(n, A.Rules):
            for rrow in n.rows:
                self.walk(rrow.cond, env)
                self.walk(rrow.expr, env, env.result)
            if n.otherwise is not None:
                self.walk(n.otherwise.expr, env, env.result)
            return
        elif isinstance(n, A.PostCompare):
            self.index.thresholds.append(ThresholdSite(
                n.span, _text_of(n.subject),
                tuple((b.word, b.quantity, tuple(m for m in (b.mark_before, b.mark_after) if m))
                      for b in n.bounds)))
        elif isinstance(n, A.PreCompare):
            rhs = n.rhs if isinstance(n.rhs, A.Quantity) else None
            self.index.thresholds.append(ThresholdSite(
                n.span, _text_of(n.subject),
                ((n.word, rhs, (n.mark,) if n.mark else ()),)))
        elif isinstance(n, A.BoundPat):
            self.index.thresholds.append(ThresholdSite(
                n.span, "", ((n.word, n.quantity, (n.mark,) if n.mark else ()),)))
        for child in _children(n):
            self.walk(child, env, None)


@dataclass
class _Env:
    decision: str = ""
    params: frozenset[str] = frozenset()
    locals: dict[str, A.Let] = field(default_factory=dict)
    result: str | None = None


def _nodes(node: object) -> Iterable[object]:
    if isinstance(node, tuple):
        for x in node:
            yield from _nodes(x)
    elif hasattr(node, "__attrs_attrs__") and not isinstance(node, (Span, A.Annot)):
        yield node


def _children(node: object) -> Iterator[object]:
    for f in getattr(node, "__attrs_attrs__", ()):
        if f.name not in ("span", "annot", "result_annot"):
            yield getattr(node, f.name)


def _text_of(e: A.Expr) -> str:
    return e.name if isinstance(e, (A.Ref, A.DecisionRef)) else ""


def build(module: A.Module, tree: Tree[Token]) -> Index:
    index = _Builder(module, tree).run()
    index.occurrences.sort()
    return index
