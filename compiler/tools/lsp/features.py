"""Diagnostics, go-to, references, rename, formatting and the citation quick fixes: each a
function of an `Analysis` and the request's position, returning lsprotocol's types."""

from __future__ import annotations

import re

from lsprotocol import types as T

from polc.compiler import diagnostics as D
from polc.compiler import pipeline
from polc.compiler.citations import sources, verify
from polc.compiler.diagnostics import Span
from polc.compiler.tools import fmt

from . import index as I
from .document import Analysis, Lines, NoticeRef

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SEVERITY = {"error": T.DiagnosticSeverity.Error, "warning": T.DiagnosticSeverity.Warning,
             "note": T.DiagnosticSeverity.Information}
# the citation diagnostics (citations.verify) whose place in the notice an editor can show
_QUOTE_CODES = ("E411", "E412", "E413", "E414")
# an editor shows a quick fix's title on one line
TITLE_QUOTE = 30


def lsp_range(lines: Lines, line: int, col: int, end_line: int, end_col: int) -> T.Range:
    line, col = max(line, 1), max(col, 1)
    if (end_line, end_col) <= (line, col):
        end_line, end_col = line, col + 1
    sl, sc = lines.to_lsp(line, col)
    el, ec = lines.to_lsp(end_line, end_col)
    return T.Range(T.Position(sl, sc), T.Position(el, ec))


def span_range(lines: Lines, span: Span) -> T.Range:
    return lsp_range(lines, span.line, span.col, span.end_line, span.end_col)


def occurrence_range(lines: Lines, o: I.Occurrence) -> T.Range:
    return lsp_range(lines, o.line, o.col, o.line, o.end_col)


def token_range(lines: Lines, tok: object) -> T.Range:
    return lsp_range(lines, getattr(tok, "line", 1) or 1, getattr(tok, "column", 1) or 1,
                     getattr(tok, "end_line", 1) or 1, getattr(tok, "end_column", 1) or 1)


def notice_range(ref: NoticeRef, start: int, end: int) -> T.Range:
    line, col = ref.lines.offset_position(ref.notice.text, start)
    end_line, end_col = ref.lines.offset_position(ref.notice.text, end)
    return lsp_range(ref.lines, line, col, end_line, end_col)


def clause_location(ref: NoticeRef, clause: str) -> T.Location | None:
    """The clause's heading line in the notice file."""
    section = ref.notice.sections.get(sources.canonical_clause(clause))
    if section is None:
        return None
    eol = ref.notice.text.find("\n", section.start, section.end)
    return T.Location(ref.uri, notice_range(ref, section.start,
                                            section.end if eol < 0 else eol))


def quote_location(ref: NoticeRef, clause: str, quote: str) -> T.Location | None:
    match = sources.find_quote(ref.notice, clause, quote)
    if match is None:
        return None
    return T.Location(ref.uri, notice_range(ref, match.start, match.end))


def unquoted(tok: object) -> str:
    return str(tok)[1:-1]


# ---------------------------------------------------------------- diagnostics


def diagnostics(a: Analysis) -> list[T.Diagnostic]:
    out = []
    for d in a.compilation.diagnostics:
        related = [T.DiagnosticRelatedInformation(T.Location(a.uri, span_range(a.lines, s)), m)
                   for s, m in d.related if s.file == a.name]
        if d.code in _QUOTE_CODES:
            related.extend(_in_notice(a, d))
        message = d.message + (f"\n提示（hint）: {d.hint}" if d.hint else "")
        out.append(T.Diagnostic(range=span_range(a.lines, d.span), message=message,
                                severity=_SEVERITY.get(d.severity, T.DiagnosticSeverity.Hint),
                                code=d.code, source="polc", related_information=related or None))
    return out


def _in_notice(a: Analysis, d: D.Diagnostic) -> list[T.DiagnosticRelatedInformation]:
    """Where in the notice file the diagnostic's citation points: the clause it cites, the
    clause the quote is really in (E412), the closest text (E411), the quotes (E413/E414)."""
    ref = a.notice
    if ref is None:
        return []
    spans = {d.span, *(s for s, _ in d.related)}
    out: list[T.DiagnosticRelatedInformation] = []

    def add(loc: T.Location | None, message: str) -> None:
        if loc is not None:
            out.append(T.DiagnosticRelatedInformation(loc, message))

    for site in a.index.cites:
        c = site.cite
        if c.span not in spans:
            continue
        for quote in c.quotes:
            found = sources.find_quote(ref.notice, c.clause, quote)
            if found is not None:
                add(quote_location(ref, c.clause, quote), f"通知 {c.clause} 中的引文「{quote}」")
                continue
            add(clause_location(ref, c.clause), f"所引条款 {c.clause}")
            elsewhere = sources.locate_quote(ref.notice, quote)
            if elsewhere:
                add(quote_location(ref, elsewhere[0], quote), f"引文实际在 {elsewhere[0]}")
                continue
            near = verify.closest_text(ref.notice, c.clause, quote)
            if near is not None:
                where = c.clause if sources.clause_exists(ref.notice, c.clause) \
                    else sources.NOTICE_PATH
                add(quote_location(ref, where, near), f"最接近的原文「{near}」")
    return out


# ---------------------------------------------------------------- go-to, references, rename


def definition(a: Analysis, line: int, col: int) -> T.Location | None:
    cite = a.index.cite_at(line, col)
    if cite is not None:
        return _cite_target(a, *cite)
    o = a.index.at(line, col)
    if o is None:
        return None
    target = a.index.definition(o.symbol)
    return T.Location(a.uri, occurrence_range(a.lines, target)) if target else None


def _cite_target(a: Analysis, site: I.CiteSite, tok: object) -> T.Location | None:
    ref = a.notice
    if ref is None:
        return None
    clause = site.cite.clause
    quote = unquoted(tok) if getattr(tok, "type", "") == "QUOTE" else \
        site.cite.quotes[0] if tok is None and site.cite.quotes else None
    loc = quote_location(ref, clause, quote) if quote is not None else None
    return loc or clause_location(ref, clause)


def references(a: Analysis, line: int, col: int, declaration: bool) -> list[T.Location]:
    o = a.index.at(line, col)
    if o is None:
        return []
    return [T.Location(a.uri, occurrence_range(a.lines, r)) for r in a.index.references(o.symbol)
            if declaration or not r.definition]


def prepare_rename(a: Analysis, line: int, col: int) -> T.Range | None:
    o = a.index.at(line, col)
    return occurrence_range(a.lines, o) if o is not None else None


class RenameRefused(Exception):
    """Why a rename cannot be done, in the drafter's words."""


def rename(a: Analysis, line: int, col: int, new_name: str) -> T.WorkspaceEdit | None:
    o = a.index.at(line, col)
    if o is None:
        return None
    if not NAME.fullmatch(new_name):
        raise RenameRefused(f"名称须为 ASCII 字母、数字和 _，且不以数字开头: {new_name!r}")
    # two names clash unless both live in different scopes (the members of two enums, the
    # 令 of two decisions): an input named like a member would make a reference ambiguous
    clash = next((s for s in a.index.decls if s.name == new_name and s != o.symbol and
                  not (s.scope and o.symbol.scope and s.scope != o.symbol.scope)), None)
    if clash is not None:
        raise RenameRefused(f"{I.KINDS[clash.kind]} {new_name!r} 已经存在")
    edits = [T.TextEdit(occurrence_range(a.lines, r), new_name)
             for r in a.index.references(o.symbol)]
    return T.WorkspaceEdit(changes={a.uri: edits})


# ---------------------------------------------------------------- outline

_SYMBOL_KINDS = {"input": T.SymbolKind.Variable, "const": T.SymbolKind.Constant,
                 "decision": T.SymbolKind.Function, "enum": T.SymbolKind.Enum,
                 "member": T.SymbolKind.EnumMember, "role": T.SymbolKind.Object,
                 "body": T.SymbolKind.Object, "group": T.SymbolKind.Namespace,
                 "let": T.SymbolKind.Variable, "flow": T.SymbolKind.Namespace,
                 "node": T.SymbolKind.Event, "ladder": T.SymbolKind.Namespace}
# what is declared inside what: an enum's members, a decision's 令, a flow's nodes
_INSIDE = {"member": "enum", "let": "decision", "node": "flow"}


def outline(a: Analysis) -> list[T.DocumentSymbol]:
    """The declarations of the file, in order, each with what it holds."""
    tops: dict[I.Symbol, T.DocumentSymbol] = {}
    inner: list[tuple[I.Symbol, T.DocumentSymbol]] = []
    for symbol, node in a.index.decls.items():
        span, name = getattr(node, "span", None), a.index.definition(symbol)
        if not isinstance(span, Span) or name is None:
            continue
        label = getattr(node, "label", "")
        entry = T.DocumentSymbol(symbol.name, _SYMBOL_KINDS[symbol.kind], span_range(a.lines,
                                 span), occurrence_range(a.lines, name),
                                 detail=f"{I.KINDS[symbol.kind]} {label}".strip())
        if symbol.kind in _INSIDE:
            inner.append((I.Symbol(_INSIDE[symbol.kind], symbol.scope), entry))
        else:
            tops[symbol] = entry
    for owner, entry in inner:
        if owner in tops:
            tops[owner].children = [*(tops[owner].children or []), entry]
    return sorted(tops.values(), key=lambda s: (s.range.start.line, s.range.start.character))


# ---------------------------------------------------------------- formatting


def formatting(text: str, name: str) -> list[T.TextEdit] | None:
    """`polc fmt` of the whole text, as one edit; None (nothing to do) when the text does
    not parse, as `polc fmt` leaves such a file unchanged."""
    parsed = pipeline.compile_source(text, name, verify_sources=False)
    if parsed.tree is None or parsed.reported.has_errors:
        return None
    new = fmt.format_text(text)
    if new == text or not fmt.same_tokens(text, new):
        return []
    # the end of the text as the editor counts lines: a lone CR ends one too
    lines = re.split("\r\n|\r|\n", text)
    end = T.Position(len(lines) - 1, len(lines[-1].encode("utf-16-le")) // 2)
    return [T.TextEdit(T.Range(T.Position(0, 0), end), new)]


# ---------------------------------------------------------------- code actions


def code_actions(a: Analysis, rng: T.Range,
                 reported: list[T.Diagnostic]) -> list[T.CodeAction]:
    """For a quote the notice does not have where it is cited: move the citation to the
    clause that has it (E412), or replace the quote with the closest text (E411)."""
    ref = a.notice
    if ref is None:
        return []
    first = a.lines.from_lsp(rng.start.line, rng.start.character)
    last = a.lines.from_lsp(rng.end.line, rng.end.character)
    out: list[T.CodeAction] = []
    for site in a.index.cites:
        c = site.cite
        if (c.span.end_line, c.span.end_col) < first or (c.span.line, c.span.col) > last:
            continue
        for tok, quote in zip(site.quotes, c.quotes, strict=False):
            if sources.find_quote(ref.notice, c.clause, quote) is not None:
                continue
            action = _fix(a, ref, site, tok, quote)
            if action is not None:
                diags = [d for d in reported if d.code in ("E411", "E412")
                         and d.range == span_range(a.lines, c.span)]
                action.diagnostics = diags or None
                out.append(action)
    return out


def _fix(a: Analysis, ref: NoticeRef, site: I.CiteSite, tok: object,
         quote: str) -> T.CodeAction | None:
    c = site.cite
    elsewhere = sources.locate_quote(ref.notice, quote)
    # the clause that holds every quote of the citation, so the move fixes them all
    target = next((p for p in elsewhere if all(sources.find_quote(ref.notice, p, q)
                                               for q in c.quotes)), None)
    if target is not None:
        edit = T.TextEdit(token_range(a.lines, site.clause), target)
        title = f"把引文改到条款 {target}（引文在那里）"
    elif elsewhere:
        return None
    else:
        near = verify.closest_text(ref.notice, c.clause, quote)
        if near is None:
            return None
        edit = T.TextEdit(token_range(a.lines, tok), f"「{near}」")
        shown = near if len(near) <= TITLE_QUOTE else near[:TITLE_QUOTE] + "…"
        title = f"把引文换成原文中最接近的文字「{shown}」"
    return T.CodeAction(title=title, kind=T.CodeActionKind.QuickFix, is_preferred=True,
                        edit=T.WorkspaceEdit(changes={a.uri: [edit]}))
