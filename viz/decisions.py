"""Diagrams of decisions: levels, tables and bands with their thresholds.

One diagram per decision.  The inputs sit at the top; each local (令) and the
result (结果) is drawn as a cluster showing how it is decided: a level's
criteria, a band's intervals in order, a two-key table (梯队 × 名次) as a grid,
named conditions, or the formula.  Every row carries the clause it cites, so a
reviewer can hold each rule against the notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import graphviz

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.quantities import DIMENSIONLESS, show_quantity

from .common import (
    FONT,
    SUMMARY_ROWS,
    cite_tooltip,
    ends,
    html_text,
    label,
    md_cell,
    new_graph,
    report_path,
    tooltip,
    wrap,
)

CLAMP_WORDS = {ir.ClampKind.CAP: V.Keyword.CAP.value, ir.ClampKind.FLOOR: V.Keyword.FLOOR.value}
HIT_WORDS = {ir.HitPolicy(name): word for word, name in V.HIT_POLICIES.items()}
# what the note over a table with a hit policy says its rows do
HIT_SHOWN = {ir.HitPolicy.FIRST: "逐行尝试，第一条适用的行决定结果",
             ir.HitPolicy.COLLECT: "每一条适用的行都给出结果，按行序列出",
             ir.HitPolicy.SUM: "各适用行的结果之和", ir.HitPolicy.MAX: "各适用行的结果中最大者",
             ir.HitPolicy.MIN: "各适用行的结果中最小者"}
CALENDAR_WORDS = {ir.CalendarFunc.QUARTER_END: V.Function.QUARTER_END.value,
                  ir.CalendarFunc.NEXT_YEAR_MONTH_END: V.Function.NEXT_YEAR_MONTH_END.value,
                  ir.CalendarFunc.YEAR_END: V.Function.YEAR_END.value,
                  ir.CalendarFunc.MONTH_END: V.Function.MONTH_END.value}
QUANTIFIER_WORDS = {ir.Quantifier.ALL: V.Keyword.ALL_OF.value, ir.Quantifier.ANY: V.Keyword.ANY_OF.value}


def value_text(e: ir.Expr, policy: ir.Policy) -> str:
    """A result as a reviewer reads it: 5万元 rather than 50000."""
    if isinstance(e, ir.EnumVal):
        return f"{e.member} {policy.enum(e.enum).label_of(e.member)}".strip()
    if isinstance(e, ir.Lit):
        return lit_text(e)
    return expr_text(e)


def lit_text(e: ir.Lit) -> str:
    v = e.value
    if v is None:
        return "无"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (int, Decimal)):
        return show_quantity(v, e.type.unit, ratio=e.type.kind is ir.TypeKind.NUM)
    return str(v)


def expr_text(e: ir.Expr) -> str:
    if isinstance(e, ir.Var):
        return e.name
    if isinstance(e, ir.Lit):
        return lit_text(e)
    if isinstance(e, ir.EnumVal):
        return e.member
    if isinstance(e, ir.RoleVal):
        return e.title
    if isinstance(e, ir.Arith):
        op = {ir.ArithOp.MUL: "×", ir.ArithOp.DIV: "÷"}.get(e.op, e.op.value)
        return f"{_paren(e.left)} {op} {_paren(e.right)}"
    if isinstance(e, ir.Clamp):
        return f"{expr_text(e.expr)} {CLAMP_WORDS[e.kind]} {expr_text(e.limit)}"
    if isinstance(e, ir.MinMax):
        func = V.Function.LARGER if e.func is ir.Extreme.MAX else V.Function.SMALLER
        return f"{func.value}({', '.join(map(expr_text, e.args))})"
    if isinstance(e, ir.Shift):
        sign = "-" if e.backwards else "+"
        amount = expr_text(e.amount).rstrip('日工作年月分钟个')
        return f"{expr_text(e.base)} {sign} {amount}{V.DURATION_SHOWN[e.period]}"
    if isinstance(e, ir.CalendarFn):
        return f"{CALENDAR_WORDS[e.func]}({', '.join(map(expr_text, e.args))})"
    if isinstance(e, ir.Roll):
        return f"{expr_text(e.expr)} 顺延"
    if isinstance(e, ir.IfE):
        return f"若 {e.cond.text} 则 {expr_text(e.then)} 否则 {expr_text(e.other)}"
    if isinstance(e, ir.CallDecision):
        return f"取 {e.name}"
    if isinstance(e, ir.CondE):
        return e.cond.text
    if isinstance(e, ir.RangeE):
        # the words as written, then what they mean: a reader of the diagram sees
        # whether each end is included without knowing the 约定
        return f"{e.text}（{e.ends()}）"
    if isinstance(e, ir.RangeEnd):
        word = V.Function.UPPER_END if e.upper else V.Function.LOWER_END
        return f"{word.value}({expr_text(e.range)})"
    if isinstance(e, ir.InRangeE):
        return f"{expr_text(e.value)} 在 {expr_text(e.range)}"
    if isinstance(e, ir.ScheduleE):
        shares = "、".join(show_quantity(s, DIMENSIONLESS, ratio=True) for s in e.shares)
        return f"分期 {expr_text(e.total)} 按 {shares}"
    if isinstance(e, ir.LevelsE):
        return "取最严重 {…}"
    if isinstance(e, ir.TableE):
        return _kind(e) + " {…}"
    if isinstance(e, ir.RulesE):
        return "依次 {…}"
    if isinstance(e, ir.NamedE):
        return f"{QUANTIFIER_WORDS[e.kind]} {{…}}"
    return type(e).__name__


def _paren(e: ir.Expr) -> str:
    text = expr_text(e)
    return f"({text})" if isinstance(e, ir.Arith) and e.op in (ir.ArithOp.ADD, ir.ArithOp.SUB) \
        else text


def cite_text(site: ir.Site) -> str:
    if site.clause:
        return f"引 {site.clause}"
    if site.derived:
        return "推导"
    return ""


def cond_text(c: ir.Cond) -> str:
    """One criterion per line: 或 and 且 start the next line."""
    if isinstance(c, ir.OrC) and len(c.items) > 1:
        return "\n或 ".join(cond_text(i) for i in c.items)
    if isinstance(c, ir.AndC) and len(c.items) > 1 and not all(
            isinstance(i, ir.Compare) for i in c.items):
        return "\n且 ".join(cond_text(i) for i in c.items)
    return c.text


class _Drawer:
    def __init__(self, policy: ir.Policy, g: graphviz.Digraph) -> None:
        self.p = policy
        self.g = g
        self.n = 0

    def node_id(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n:03d}"

    def rows_node(self, sub: graphviz.Digraph, anchor: str, rows: Sequence[Row], *,
                  chain: bool = False, first: int = 1, continued: bool = False) -> str:
        """Rows hanging from `anchor` numbered from `first`, or (`chain`) each tried
        after the one before (`continued`: after `anchor` too); the last row's id.
        Each row, its result and the edges to them carry the row's clause and quotes."""
        prev = anchor
        for i, (cond, result, site) in enumerate(rows):
            rid = self.node_id("row")
            lines = "\n".join(wrap(line, 36) for line in cond.split("\n"))
            tip = tooltip(cite_tooltip(site, f"{cond.replace(chr(10), '　')} ⇒ {result}"))
            sub.node(rid, label(lines), shape="box", **tip)
            if chain and (i or continued):
                sub.edge(prev, rid, label=label("否则"), style="dashed", **tip)
            else:
                sub.edge(anchor, rid, label=label(str(first + i)), **tip)
            vid = self.node_id("val")
            cite = cite_text(site)
            sub.node(vid, label(wrap(result, 24) + (f"\n{cite}" if cite else "")),
                     style="rounded,filled", fillcolor="#eef5ff", **tip)
            sub.edge(rid, vid, **tip)
            prev = rid
        return prev

    def conjunction(self, sub: graphviz.Digraph, anchor: str, e: ir.NamedE,
                    rows: Sequence[Row]) -> None:
        """全部满足 as one conjunction: the conditions joined by 且, one after the other,
        into the single outcome they give together; drawn as branches from one node, each
        ending in 「全部满足」, they would read as alternatives."""
        head, skipped, tail = ends(list(rows))
        jid = self.node_id("all")
        sub.node(jid, label(f"全部满足：以下 {len(rows):,} 项须同时成立"), shape="box",
                 style="bold")
        sub.edge(anchor, jid)
        prev = jid
        for i, (cond, _, site) in [*enumerate(head, 1),
                                   *enumerate(tail, len(rows) - len(tail) + 1)]:
            if skipped and i == len(head) + skipped + 1:
                gap = self.node_id("gap")
                sub.node(gap, label(f"…… 且 第 {len(head) + 1:,}–{len(head) + skipped:,} 项，"
                                    f"见报告 {report_path(self.p)} ……"), shape="plaintext")
                sub.edge(prev, gap, label=label("且"), style="dotted")
                prev = gap
            rid = self.node_id("row")
            lines = "\n".join(wrap(line, 36) for line in cond.split("\n"))
            cite = cite_text(site)
            tip = tooltip(cite_tooltip(site, cond.replace("\n", "　")))
            sub.node(rid, label(f"（{i}）{lines}" + (f"\n{cite}" if cite else "")), shape="box",
                     **tip)
            sub.edge(prev, rid, label=label("且" if prev != jid else "须"), **tip)
            prev = rid
        vid = self.node_id("val")
        sub.node(vid, label(f"{len(rows):,} 项全部满足 ⇒ 是\n任一项不满足 ⇒ 否"),
                 style="rounded,filled", fillcolor="#eef5ff")
        sub.edge(prev, vid)

    def summary(self, sub: graphviz.Digraph, anchor: str, e: Structure,
                rows: list[Row]) -> None:
        """A table too long to draw: what it holds, its first and last rows."""
        count = _count(e)
        head, skipped, tail = ends(rows[:count])
        sid = self.node_id("summary")
        text = [f"{_kind(e)}：共 {count:,} 行，图中只画首尾各 {len(head)} 行",
                *_facts(e, self.p), f"全表见报告 {report_path(self.p)}"]
        sub.node(sid, label("\n".join(text)), shape="note", style="filled",
                 fillcolor="#fff6d5")
        sub.edge(anchor, sid)
        chain = _chained(e)
        last = self.rows_node(sub, sid, head, chain=chain)
        gap = self.node_id("gap")
        sub.node(gap, label(f"…… 第 {len(head) + 1:,}–{len(head) + skipped:,} 行 ……"),
                 shape="plaintext")
        if chain:
            sub.edge(last, gap, label=label("否则"), style="dashed")
        else:
            sub.edge(sid, gap, style="dotted", arrowhead="none")
        self.rows_node(sub, gap if chain else sid, [*tail, *rows[count:]], chain=chain,
                       first=count - len(tail) + 1, continued=chain)

    def grid(self, sub: graphviz.Digraph, anchor: str, e: ir.TableE) -> bool:
        """A two-key table of equalities as one grid (rows × columns)."""
        if len(e.keys) != 2:
            return False
        row_keys: dict[str, None] = {}
        col_keys: dict[str, None] = {}
        cells: dict[tuple[str, str], str] = {}
        for r in e.rows:
            a, b = (test_text(t, k, self.p) for t, k in zip(r.tests, e.keys, strict=True))
            row_keys.setdefault(a)
            col_keys.setdefault(b)
            cells[(a, b)] = _shown_result(e, r.expr, self.p)
        esc = html_text
        head = "".join(f"<TD><B>{esc(expr_text(e.keys[1]))} = {esc(c)}</B></TD>"
                       for c in col_keys)
        corner = f"{esc(expr_text(e.keys[0]))} ＼ {esc(expr_text(e.keys[1]))}"
        body = [f"<TR><TD><B>{corner}</B></TD>{head}</TR>"]
        for rk in row_keys:
            tds = "".join(f"<TD>{esc(cells.get((rk, c), '—'))}</TD>" for c in col_keys)
            body.append(f"<TR><TD><B>{esc(expr_text(e.keys[0]))} = {esc(rk)}</B></TD>{tds}</TR>")
        clauses = sorted({r.site.clause for r in e.rows if r.site.clause})
        foot = esc("引 " + "、".join(clauses)) if clauses else ""
        span = len(col_keys) + 1
        body.append(f'<TR><TD COLSPAN="{span}">{foot}</TD></TR>')
        table = ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
                 + "".join(body) + "</TABLE>>")
        gid = self.node_id("grid")
        tips = dict.fromkeys(cite_tooltip(r.site) for r in e.rows)
        tip = tooltip("\n".join(t for t in tips if t))
        sub.node(gid, table, shape="plain", fontname=FONT, **tip)
        sub.edge(anchor, gid, **tip)
        if e.otherwise is not None:
            self.rows_node(sub, anchor, [("否则", _shown_result(e, e.otherwise.expr, self.p),
                                          e.otherwise.site)])
        return True

    def structure(self, sub: graphviz.Digraph, anchor: str, e: ir.Expr, site: ir.Site) -> None:
        """How `e` is decided, under `anchor`; a formula carries `site`, its part's."""
        if not isinstance(e, STRUCTURES):
            vid = self.node_id("expr")
            tip = tooltip(cite_tooltip(site, expr_text(e)))
            sub.node(vid, label(wrap(expr_text(e), 40)), shape="box", **tip)
            sub.edge(anchor, vid, **tip)
            for inner in _inner_structures(e):
                self.structure(sub, vid, inner, site)
            return
        rows = table_rows(e, self.p)
        hit = e.hit if isinstance(e, ir.TableE) else None
        if hit is not None and hit is not ir.HitPolicy.UNIQUE:
            # rows that may overlap: no grid (a cell would hide which row wins), and a
            # note that says how they apply
            hid = self.node_id("hit")
            sub.node(hid, label(f"{_kind(e)}\n{HIT_SHOWN[hit]}"), shape="note")
            sub.edge(anchor, hid)
            anchor = hid
        if isinstance(e, ir.NamedE) and e.kind is ir.Quantifier.ALL:
            self.conjunction(sub, anchor, e, rows)
        elif _count(e) > SUMMARY_ROWS:
            self.summary(sub, anchor, e, rows)
        elif not (isinstance(e, ir.TableE) and hit is ir.HitPolicy.UNIQUE
                  and self.grid(sub, anchor, e)):
            self.rows_node(sub, anchor, rows, chain=_chained(e))


Row = tuple[str, str, ir.Site]  # the condition, the result, where it comes from
Structure = ir.LevelsE | ir.TableE | ir.RulesE | ir.NamedE
STRUCTURES = (ir.LevelsE, ir.TableE, ir.RulesE, ir.NamedE)


def table_rows(e: Structure, p: ir.Policy) -> list[Row]:
    """Every row of a table, level list, rule list or named conditions, 否则 last."""
    rows: list[Row]
    if isinstance(e, ir.LevelsE):
        rows = [(cond_text(r.cond),
                 value_text(ir.EnumVal(e.enum, r.member, e.type, r.site.span), p), r.site)
                for r in e.rows]
    elif isinstance(e, ir.TableE):
        keys = [expr_text(k) for k in e.keys]
        rows = []
        for r in e.rows:
            cells = [f"{k}: {test_text(t, key, p)}"
                     for k, key, t in zip(keys, e.keys, r.tests, strict=True)
                     if t.kind is not ir.MatchKind.ANY]
            rows.append(("\n".join(cells) or "*", value_text(r.expr, p), r.site))
    elif isinstance(e, ir.RulesE):
        rows = [(cond_text(r.cond), value_text(r.expr, p), r.site) for r in e.rows]
    else:
        joiner = QUANTIFIER_WORDS[e.kind]
        return [(f"{it.label}\n{cond_text(it.cond)}", joiner, it.site) for it in e.items]
    if e.otherwise:
        rows.append(("否则", value_text(e.otherwise.expr, p), e.otherwise.site))
    if e.type.kind is ir.TypeKind.ROLE:
        rows = [(cond, _who(x, result), site)
                for (cond, result, site), x in zip(rows, _row_exprs(e), strict=True)]
    return rows


NO_ONE = "未明确（原文未指明由谁）"


def _shown_result(e: Structure, expr: ir.Expr, p: ir.Policy) -> str:
    shown = value_text(expr, p)
    return _who(expr, shown) if e.type.kind is ir.TypeKind.ROLE else shown


def _who(expr: ir.Expr | None, shown: str) -> str:
    # who decides or answers, where the text names no one: 无 would read as "nobody"
    return NO_ONE if isinstance(expr, ir.Lit) and expr.value is None else shown


def _row_exprs(e: ir.LevelsE | ir.TableE | ir.RulesE) -> list[ir.Expr | None]:
    out: list[ir.Expr | None] = [None] * len(e.rows) if isinstance(e, ir.LevelsE) \
        else [r.expr for r in e.rows]
    if e.otherwise:
        out.append(e.otherwise.expr)
    return out


def test_text(t: ir.Test, key: ir.Expr, p: ir.Policy) -> str:
    """A table cell as written, an enum member with its Chinese label: I 特别重大."""
    if t.kind is ir.MatchKind.EQ and key.type.kind is ir.TypeKind.ENUM and key.type.enum \
            and isinstance(t.value, str):
        shown = p.enum(key.type.enum).label_of(t.value)
        return f"{t.text} {shown}" if shown else t.text
    return t.text


def _chained(e: Structure) -> bool:
    """Whether rows are tried in order, each after the ones before fail."""
    return isinstance(e, (ir.LevelsE, ir.RulesE)) or \
        (isinstance(e, ir.TableE) and e.hit is ir.HitPolicy.FIRST)


def _count(e: Structure) -> int:
    return len(e.items) if isinstance(e, ir.NamedE) else len(e.rows)


def _kind(e: Structure) -> str:
    if isinstance(e, ir.LevelsE):
        return f"取最严重（{e.enum}）"
    if isinstance(e, ir.TableE):
        hit = "" if e.hit is ir.HitPolicy.UNIQUE else f" {HIT_WORDS[e.hit]}"
        return f"查表{hit} (" + ", ".join(map(expr_text, e.keys)) + ")"
    if isinstance(e, ir.RulesE):
        return "依次"
    return QUANTIFIER_WORDS[e.kind]


def _facts(e: Structure, p: ir.Policy) -> list[str]:
    """What a summary says of the rows it leaves out: each key's values or range."""
    if not isinstance(e, ir.TableE):
        return []
    out = []
    for i, key in enumerate(e.keys):
        tests = [r.tests[i] for r in e.rows if r.tests[i].kind is not ir.MatchKind.ANY]
        name = expr_text(key)
        if tests and all(t.kind is ir.MatchKind.INTERVAL for t in tests):
            low = min(tests, key=lambda t: (t.lo is not None, t.lo if t.lo is not None else 0,
                                            not t.lo_closed))
            high = max(tests, key=lambda t: (t.hi is None, t.hi if t.hi is not None else 0,
                                             t.hi_closed))
            lo = "(-∞" if low.lo is None else \
                ("[" if low.lo_closed else "(") + _bound(low.lo, key, e)
            hi = "∞)" if high.hi is None else \
                _bound(high.hi, key, e) + ("]" if high.hi_closed else ")")
            bands = {(t.lo, t.lo_closed, t.hi, t.hi_closed) for t in tests}
            out.append(f"{name}：{len(bands):,} 段，范围 {lo}, {hi}")
        elif tests:
            values = {t.text for t in tests}
            out.append(f"{name}：{len(values):,} 个取值")
    return out


def _bound(v: ir.Scalar, key: ir.Expr, e: ir.TableE) -> str:
    return lit_text(ir.Lit(v, key.type, e.span))


def full_tables(policy: ir.Policy) -> list[str]:
    """Markdown, for the report, of every table too long for its diagram."""
    lines: list[str] = []
    for d in policy.decisions:
        parts = [(f"令 {let.name}", let.expr) for let in d.lets] + [("结果", d.result)]
        for title, expr in parts:
            found = [expr] if isinstance(expr, STRUCTURES) else _inner_structures(expr)
            for e in found:
                if not isinstance(e, STRUCTURES) or _count(e) <= SUMMARY_ROWS:
                    continue
                lines += [f"### `{d.name}` {title}: {md_cell(_kind(e))}, {_count(e):,} 行", "",
                          "| # | 条件 | 结果 | 依据 |", "|---:|---|---|---|"]
                lines += [f"| {i} | {md_cell(cond)} | {md_cell(result)} | {md_cell(cite_text(site))} |"
                          for i, (cond, result, site) in enumerate(table_rows(e, policy), 1)]
                lines.append("")
    return ["## Full tables", "", *lines] if lines else []


def _inner_structures(e: ir.Expr) -> list[ir.Expr]:
    """Tables and levels nested inside a formula (a cap over a table, …)."""
    out: list[ir.Expr] = []
    stack: list[object] = [e]
    while stack:
        n = stack.pop()
        if isinstance(n, (ir.LevelsE, ir.TableE, ir.RulesE, ir.NamedE)) and n is not e:
            out.append(n)
            continue
        if isinstance(n, (ir.Arith,)):
            stack += [n.right, n.left]
        elif isinstance(n, ir.Clamp):
            stack += [n.limit, n.expr]
        elif isinstance(n, ir.IfE):
            stack += [n.other, n.then]
        elif isinstance(n, ir.MinMax):
            stack += list(reversed(n.args))
        elif isinstance(n, (ir.Roll,)):
            stack.append(n.expr)
        elif isinstance(n, ir.Shift):
            stack.append(n.base)
        elif isinstance(n, ir.ScheduleE):
            stack.append(n.total)
    return out


def decision_graph(policy: ir.Policy, d: ir.Decision) -> graphviz.Digraph:
    g = new_graph(d.name, f"{policy.docno} · {d.label}（{d.name}）")
    inputs = [policy.input(n) for n in d.params]
    g.node("inputs", label("\n".join(wrap(f"{i.name}: {i.label}（{i.type.show()}）", 36)
                                     for i in inputs) or "（无输入）"), shape="note",
           **tooltip("\n".join(t for i in inputs if (t := cite_tooltip(i.site, i.label)))))
    head = f"{d.label} : {d.type.show()}"
    cite = cite_text(d.site)
    g.node("decision", label(head + (f"\n{cite}" if cite else "")), style="bold",
           **tooltip(cite_tooltip(d.site, d.label)))
    g.edge("inputs", "decision")
    draw = _Drawer(policy, g)
    prev = "decision"
    parts: list[tuple[str, ir.Expr, ir.Site]] = [(f"令 {let.name}", let.expr, let.site)
                                                 for let in d.lets]
    parts.append(("结果", d.result, d.result_site))
    for i, (title, expr, site) in enumerate(parts):
        with g.subgraph(name=f"cluster_{i:02d}") as sub:
            # the label on the left: the edge into the part comes down the middle
            sub.attr(label=label(title + (f"  {cite_text(site)}" if cite_text(site) else "")),
                     style="rounded", color="#8899aa", labeljust="l")
            anchor = draw.node_id("part")
            sub.node(anchor, label(title), shape="oval", **tooltip(cite_tooltip(site, title)))
            draw.structure(sub, anchor, expr, site)
        g.edge(prev, anchor)
        prev = anchor
    readings = [r for r in d.site.readings + d.result_site.readings]
    readings += [r for let in d.lets for r in let.site.readings]
    for i, r in enumerate(dict.fromkeys(readings)):
        g.node(f"reading{i:02d}", label("解读: " + wrap(r, 30)), shape="note", style="filled",
               fillcolor="#fff6d5")
    return g
