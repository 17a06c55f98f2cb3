"""Hover: what a name is declared as, what a threshold means under the document's 约定, and
the full text of a cited clause."""

from __future__ import annotations

from lsprotocol import types as T

from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Span
from polc.compiler.syntax import ast as A

from . import index as I
from .document import Analysis
from .features import occurrence_range, span_range, token_range

# 民法典 第一千二百五十九条: 民法所称的“以上”、“以下”、“以内”、“届满”，包括本数；所称的“不满”、
# “超过”、“以外”，不包括本数
CIVIL_CODE_WORDS = ("以上", "以下", "以内", "届满", "不满", "超过", "以外")
_NODE_KINDS = {"event": "事件", "step": "步骤", "choice": "判断", "end": "结束"}
# a clause longer than this is cut in a hover, which an editor shows in a small box
MAX_CLAUSE_CHARS = 3000


def hover(a: Analysis, line: int, col: int) -> T.Hover | None:
    cite = a.index.cite_at(line, col)
    if cite is not None:
        site, tok = cite
        text = _clause(a, site.cite)
        rng = token_range(a.lines, tok) if tok is not None else span_range(a.lines,
                                                                             site.cite.span)
        return T.Hover(T.MarkupContent(T.MarkupKind.Markdown, text), rng)
    o = a.index.at(line, col)
    if o is not None:
        node = a.index.decls.get(o.symbol)
        text = _declaration(a, o.symbol, node)
        return T.Hover(T.MarkupContent(T.MarkupKind.Markdown, text),
                       occurrence_range(a.lines, o))
    th = a.index.threshold_at(line, col)
    if th is not None:
        return T.Hover(T.MarkupContent(T.MarkupKind.Markdown, threshold_text(a, th)),
                       span_range(a.lines, th.span))
    return None


# ---------------------------------------------------------------- citations


def _clause(a: Analysis, cite: A.Cite) -> str:
    ref = a.notice
    if ref is None:
        return f"**引 {cite.clause}**\n\n没有找到通知原文（sources/ 目录或文号对应的文件）。"
    found = a.section_text(cite.clause)
    head = f"**{ref.notice.docno} {cite.clause}**"
    if found is None:
        return f"{head}\n\n{ref.notice.docno} 没有条款 {cite.clause}。"
    _, text = found
    if len(text) > MAX_CLAUSE_CHARS:
        text = text[:MAX_CLAUSE_CHARS] + "……"
    body = "\n".join(f"> {ln}" if ln.strip() else ">" for ln in text.split("\n"))
    return f"{head}\n\n{_escape(body)}"


def _escape(text: str) -> str:
    # the notice is text, not markdown: * _ ` [ would be read as emphasis, code or links
    for ch in "\\`*_[]<":
        text = text.replace(ch, "\\" + ch)
    return text


# ---------------------------------------------------------------- declarations


def type_text(t: A.TypeExpr | None) -> str:
    if t is None:
        return "?"
    if t.kind == "named":
        return t.name or "?"
    if t.kind == "nullable":
        return f"{type_text(t.inner)} 或 无"
    if t.kind == "list":
        return f"列表({type_text(t.inner)})"
    return t.kind + (f"({t.unit})" if t.unit else "")


def _declaration(a: Analysis, symbol: I.Symbol, node: object) -> str:
    kind = I.KINDS[symbol.kind]
    if node is None:
        return f"**{kind}** `{symbol.name}`（未找到声明）"
    label = getattr(node, "label", "")
    head = f"**{kind}** `{symbol.name}`" + (f" “{_escape(label)}”" if label else "")
    facts: list[str] = []
    if isinstance(node, A.InputDecl):
        facts.append(f"类型：{type_text(node.type)}")
        unit = node.type.unit or (node.type.inner.unit if node.type.inner else None)
        if unit:
            facts.append(f"单位：{unit}")
        if node.domain is not None:
            facts.append(f"取值：{_source(a, node.domain.span)}")
    elif isinstance(node, A.Decision):
        facts.append("参数：" + ("、".join(n for n, _ in node.params) or "无"))
        facts.append(f"结果类型：{type_text(node.type)}")
    elif isinstance(node, A.EnumDecl):
        facts.extend(f"`{m.name}` “{_escape(m.label)}”" for m in node.members)
    elif isinstance(node, A.Member):
        facts.append(f"枚举 {symbol.scope} 的成员")
    elif isinstance(node, A.BodyDecl) and node.aliases:
        facts.append("别名：" + "、".join(node.aliases))
    elif isinstance(node, (A.ConstDecl, A.Let)):
        facts.append(f"= {_source(a, node.expr.span)}")
    elif isinstance(node, A.FlowNode):
        facts.append(f"流程 {symbol.scope} 的{_NODE_KINDS.get(node.kind, node.kind)}节点" +
                     (f"，由 {node.actor}" if node.actor else ""))
    annot = getattr(node, "annot", None)
    if isinstance(annot, A.Annot):
        facts.extend(f"引 {c.clause} " + "".join(f"「{q}」" for q in c.quotes)
                     for c in annot.cites)
    span = getattr(node, "span", None)
    where = f"\n\n第 {span.line} 行" if isinstance(span, Span) else ""
    return head + "".join(f"\n\n{_escape(f)}" if not f.startswith("`") else f"\n\n{f}"
                          for f in facts) + where


def _source(a: Analysis, span: Span) -> str:
    return " ".join(a.lines.text(span.line, span.col, span.end_line, span.end_col).split())


# ---------------------------------------------------------------- thresholds


def bound_meaning(a: Analysis, word: str, marks: tuple[str, ...]) -> tuple[V.Direction, bool,
                                                                           str] | None:
    """A threshold word's direction and whether it includes its number, with why: a mark
    （含）/（不含）, the document's 约定, 民法典 第一千二百五十九条 or the word itself."""
    info = V.THRESHOLD.get(word)
    if info is None:
        return None
    include = info.includes
    why = "民法典 第一千二百五十九条" if word in CIVIL_CODE_WORDS else "按字面含义"
    convention = a.index.conventions.get(word)
    if convention is not None:
        include = convention[0]
        why = f"本文件 约定 {word} {'含本数' if include else '不含本数'}（第 {convention[1].line} 行）"
    if marks:
        include = V.INCLUSION_MARKS[marks[-1]]
        why = f"标注 {marks[-1]}"
    return info.direction, include, why


def threshold_text(a: Analysis, th: I.ThresholdSite) -> str:
    lo, lo_closed, hi, hi_closed = "-∞", False, "+∞", False
    notes = []
    for word, q, marks in th.bounds:
        meaning = bound_meaning(a, word, marks)
        if meaning is None:
            notes.append(f"- “{word}”不是已知的门槛词")
            continue
        direction, include, why = meaning
        number = q.number + (q.unit or "") if q is not None else "右边的值"
        notes.append(f"- “{word}”{'含' if include else '不含'}本数 {number}（{why}）")
        if direction is V.Direction.LOWER:
            lo, lo_closed = number, include
        else:
            hi, hi_closed = number, include
    interval = ("[" if lo_closed else "(") + f"{lo}, {hi}" + ("]" if hi_closed else ")")
    subject = f"`{th.subject}` " if th.subject else ""
    written = _source(a, th.span)
    return f"**{_escape(written)}**\n\n即 {subject}∈ {interval}\n\n" + "\n".join(
        _escape(n) for n in notes)
