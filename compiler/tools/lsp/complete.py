"""Completion: the notice's clause paths after 引, the clause's sentences inside 「」, units
and threshold words after a number, and elsewhere keywords, words and the names in scope.

Each item replaces exactly what the drafter has typed of it (its text edit's range):
Chinese words have no word boundary an editor knows of, so its own guess would insert
决策 after 决 as 决决策.
"""

from __future__ import annotations

import re

from lsprotocol import types as T

from polc.compiler import vocabulary as V
from polc.compiler.citations import sources
from polc.compiler.syntax import ast as A

from . import index as I
from .document import Analysis, Lines

K = T.CompletionItemKind
_HAN_RUN = re.compile(r"[^\x00-\x7f\s「」《》“”，。；：、（）()]*$")
_NAME_RUN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_AFTER_CITE = re.compile(r"引[ \t\u3000]+([^\s「」]*)$")
_CITED = re.compile(r"引[ \t\u3000]+([^\s「」]+)")
# a number, not the digits of a name (x1) or a date (2022-09-14)
_AFTER_NUMBER = re.compile(r"(?<![A-Za-z0-9_.\-])[0-9]+(?:[.][0-9]+)?([^\x00-\x7f\s]*)$")
# where a sentence of a notice ends, for the sentences offered inside 「」
_SENTENCE_END = re.compile(r"(?<=[。；;！？：])")
_UNITS = sorted(V.UNITS, key=len, reverse=True)
_KIND_OF = {"input": K.Variable, "const": K.Constant, "decision": K.Function, "enum": K.Enum,
            "member": K.EnumMember, "role": K.Value, "body": K.Value, "group": K.Module,
            "let": K.Variable, "flow": K.Module, "node": K.Event, "ladder": K.Module}
MAX_DETAIL = 24
# the clause text an item's documentation shows
MAX_DOC = 600


def completion(a: Analysis, line: int, col: int, trigger: str | None = None,
               lines: Lines | None = None) -> T.CompletionList:
    """`trigger`: the character that made the editor ask unprompted (a space or 「); after a
    space only a clause path (after 引) or a member (after 为) is worth a pop-up.

    `lines`: the text as it is now, when `a` is the analysis of an earlier version: what
    is being typed is read there, the names and the notice from `a`, so completing while
    typing never waits for the new text to be compiled."""
    lines = lines or a.lines
    before = lines.line(line)[:col - 1]
    if trigger == " " and not (_AFTER_CITE.search(before)
                               or before.rstrip().endswith(V.Keyword.IS.value)):
        return T.CompletionList(False, [])
    start_of_doc = "\n".join(lines.lines[:line - 1] + [before])
    opened, closed = start_of_doc.rfind("「"), start_of_doc.rfind("」")
    if opened > closed:
        return T.CompletionList(False, _sentences(a, lines, start_of_doc, opened, line, col))
    m = _AFTER_CITE.search(before)
    if m is not None:
        return T.CompletionList(False, _clauses(a, lines, line, col, m.group(1)))
    m = _AFTER_NUMBER.search(before)
    if m is not None:
        return T.CompletionList(False, _after_number(a, lines, line, col, m.group(1)))
    return T.CompletionList(False, _general(a, lines, line, col, before))


def _edit(lines: Lines, line: int, col: int, typed: str, text: str) -> T.TextEdit:
    """Replace the `typed` characters before line:col (on that line) by `text`."""
    start = lines.to_lsp(line, col - len(typed))
    end = lines.to_lsp(line, col)
    return T.TextEdit(T.Range(T.Position(*start), T.Position(*end)), text)


def _item(lines: Lines, line: int, col: int, typed: str, label: str, kind: T.CompletionItemKind,
          detail: str = "", text: str | None = None, sort: str = "",
          data: object = None) -> T.CompletionItem:
    insert = label if text is None else text
    return T.CompletionItem(label=label, kind=kind, detail=detail or None,
                            filter_text=insert, sort_text=sort or None, data=data,
                            text_edit=_edit(lines, line, col, typed, insert))


def resolve(a: Analysis, item: T.CompletionItem) -> T.CompletionItem:
    """A clause path's item with the clause's text: sent when the editor shows that item,
    not with the list (a notice's hundreds of clauses would make every list slow)."""
    clause = item.data.get("clause") if isinstance(item.data, dict) else None
    found = a.section_text(clause) if isinstance(clause, str) else None
    if found is not None:
        text = found[1]
        item.documentation = T.MarkupContent(T.MarkupKind.PlainText, text[:MAX_DOC] + (
            "……" if len(text) > MAX_DOC else ""))
    return item


def first_words(text: str) -> str:
    flat = sources.normalise(text)
    return flat[:MAX_DETAIL] + ("…" if len(flat) > MAX_DETAIL else "")


def _clauses(a: Analysis, lines: Lines, line: int, col: int,
             typed: str) -> list[T.CompletionItem]:
    ref = a.notice
    if ref is None:
        return []
    out = []
    for n, (path, section) in enumerate(ref.notice.sections.items()):
        body = ref.notice.text[section.start:section.end]
        out.append(_item(lines, line, col, typed, path, K.Reference, first_words(body),
                         sort=f"{n:05d}", data={"uri": a.uri, "clause": path}))
    return out


def sentences(text: str) -> list[str]:
    """The sentences of a clause, whitespace removed as quotes are compared."""
    return [s for s in _SENTENCE_END.split(sources.normalise(text)) if s]


def _sentences(a: Analysis, lines: Lines, upto: str, opened: int, line: int,
               col: int) -> list[T.CompletionItem]:
    cited = _CITED.findall(upto[:opened])
    if not cited:
        return []
    found = a.section_text(cited[-1])
    if found is None:
        return []
    typed = upto[opened + 1:]
    if "\n" in typed:  # a quote carried over lines: complete only what is on this one
        typed = typed.rsplit("\n", 1)[1]
    rest = lines.line(line)[col - 1:]
    close = "" if rest.startswith("」") else "」"
    return [_item(lines, line, col, typed, s[:MAX_DETAIL * 2], K.Text, cited[-1], text=s + close,
                  sort=f"{n:05d}") for n, s in enumerate(sentences(found[1]))]


def _after_number(a: Analysis, lines: Lines, line: int, col: int,
                  typed: str) -> list[T.CompletionItem]:
    module = a.module
    # the policy's own units (单位 垧 = 15亩) after the built-in ones
    declared = [it for it in (module.items if module is not None else ())
                if isinstance(it, A.UnitDecl) and it.name not in V.UNITS]
    words = sorted([*_UNITS, *(u.name for u in declared)], key=len, reverse=True)
    unit = next((u for u in words if typed.startswith(u)), None)
    if unit is None:
        return [_item(lines, line, col, typed, u, K.Unit, "单位") for u in V.UNITS] + \
            [_item(lines, line, col, typed, u.name, K.Unit, f"单位（本政策声明）{u.label}")
             for u in declared]
    rest = typed[len(unit):]
    return [_item(lines, line, col, rest, t.word, K.Operator, _threshold_detail(t))
            for t in V.THRESHOLDS if t.after_number]


def _threshold_detail(t: V.Threshold) -> str:
    side = "不小于" if t.direction is V.Direction.LOWER else "不大于"
    if not t.includes:
        side = "大于" if t.direction is V.Direction.LOWER else "小于"
    return f"门槛词：{side}本数（无约定时）" + ("，写在数字后" if t.after_number else "，写在数字前")


def _general(a: Analysis, lines: Lines, line: int, col: int,
             before: str) -> list[T.CompletionItem]:
    han = _HAN_RUN.search(before)
    han_typed = han.group(0) if han else ""
    name = _NAME_RUN.search(before)
    name_typed = name.group(0) if name else ""
    out: list[T.CompletionItem] = []
    words: list[tuple[str, T.CompletionItemKind, str]] = []
    words += [(k.value, K.Keyword, "关键字") for k in V.Keyword]
    words += [(h.value, K.Keyword, "文件头") for h in V.Header]
    words += [(t.word, K.Operator, _threshold_detail(t)) for t in V.THRESHOLDS]
    words += [(t.value, K.TypeParameter, "类型") for t in V.BasicType]
    words += [(f.value, K.Function, "函数") for f in V.Function]
    words += [(w, K.Keyword, "约定") for w in V.CONVENTION_INCLUSION]
    words += [(w, K.Keyword, "关系") for w in V.RELATION_VERBS]
    seen: set[str] = set()
    for word, kind, detail in words:
        if word not in seen:
            seen.add(word)
            out.append(_item(lines, line, col, han_typed, word, kind, detail, sort="2" + word))
    after_is = before.rstrip().endswith(V.Keyword.IS.value)
    for symbol in _in_scope(a, line):
        node = a.index.decls.get(symbol)
        label = getattr(node, "label", "")
        detail = f"{I.KINDS[symbol.kind]}" + (f" {symbol.scope}" if symbol.scope else "") + \
            (f" “{label}”" if label else "")
        first = symbol.kind == "member" and after_is
        out.append(_item(lines, line, col, name_typed, symbol.name, _KIND_OF[symbol.kind], detail,
                         sort=("0" if first else "1") + symbol.name))
    return out


def _in_scope(a: Analysis, line: int) -> list[I.Symbol]:
    """The names a line may use: every top-level one, and the 令 of the decision it is in
    (declared above it)."""
    decision = next((it.name for it in (a.module.items if a.module else ())
                     if isinstance(it, A.Decision) and it.span.line <= line <= it.span.end_line),
                    None)
    out = []
    for symbol, node in a.index.decls.items():
        if symbol.kind == "node":
            continue
        if symbol.kind == "let" and (symbol.scope != decision or not isinstance(node, A.Let)
                                     or node.span.line >= line):
            continue
        out.append(symbol)
    return sorted(out)
