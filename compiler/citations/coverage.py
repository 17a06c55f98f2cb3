"""Coverage of the notice texts: every rule-bearing sentence encoded, marked, or not covered.

Each notice is split into sentences and each is rule-bearing or not by a stated test
(sentences.py; docs/coverage.md).  A rule-bearing sentence has one status:

* *encoded* -- a quote of a rule that carries its content overlaps it: a decision, a row, a
  named condition, a constant, a convention, a flow and its steps, a ladder and its
  measures, a relation, a body, a working group.  A sentence cited only by an example or
  an input declaration is not encoded by it (``cited_by`` lists those);
* *marked* -- the policy's ``.uncovered`` file (``policies/<stem>.uncovered``) says, for
  that one sentence, why it is deliberately not encoded (:data:`REASONS`);
* *not covered*.

Problems are located strings with a code: E430-E436 refuse a mark, W430 warns about a
wildcard mark (``CLAUSE *``, kept working until the marks are rewritten sentence by
sentence), W431 about a mark that covers nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from polc.compiler import files as fileio
from polc.compiler import lexical
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Span
from polc.compiler.files import display_path
from polc.compiler.syntax import ast as A

from . import sources
from . import verify as citations
from .sentences import Sentence, split, strong_signals

__all__ = ["REASONS", "Mark", "NoticeCoverage", "Sentence", "coverage", "read_marks",
           "render_text", "report_json", "report_markdown", "sentences"]

# the reasons a sentence may be left unencoded; those with an argument name what it is
REASONS: dict[str, str | None] = {
    "宣示": None,  # a goal or duty with no condition, amount, date or actor to encode
    "外部认定": "输入",  # another body decides the fact: the input that takes its result
    "引用": "文件",  # defers to another document: which
    "语言未支持": "构造",  # the language cannot say it yet: the construct (the backlog)
    "事实": None,  # describes, prescribes nothing
}
# a goal or a description cannot hold what prescribes
NEEDS_NO_RULE = ("宣示", "事实")
WILDCARD = "*"

_MARK_RE = re.compile(r"^(?P<clause>\S+)\s+(?:「(?P<quote>[^」]+)」|(?P<all>\*))\s*(?P<rest>.*)$")
_REASON_RE = re.compile(r"^(?P<reason>[^\s（(：:]+)\s*(?:[（(](?P<arg>[^）)]*)[）)])?\s*"
                        r"(?:[：:]\s*(?P<note>.*))?$")
# kinds of node whose citation does not encode the sentence it quotes
_NOT_ENCODING = (A.Example, A.InputDecl)


@dataclass
class Mark:
    clause: str
    quote: str | None  # None: a wildcard over the clause (legacy, warned about)
    reason: str
    span: Span
    arg: str | None = None
    note: str = ""
    used: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "arg": self.arg, "note": self.note,
                "wildcard": self.quote is None, "where": f"{self.span.file}:{self.span.line}"}

    def shown(self) -> str:
        arg = f"（{self.arg}）" if self.arg else ""
        return f"{self.reason}{arg}" + (f"：{self.note}" if self.note else "")


@dataclass
class NoticeCoverage:
    docno: str
    policy: str
    sentences: list[Sentence]
    has_rules: bool
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rule_bearing(self) -> list[Sentence]:
        return [s for s in self.sentences if s.rule_bearing]

    @property
    def excluded(self) -> list[Sentence]:
        return [s for s in self.sentences if s.signals and s.excluded is not None]

    def count(self, status: str) -> int:
        return sum(1 for s in self.rule_bearing if s.status == status)

    @property
    def encoded(self) -> int:
        return self.count("encoded")

    @property
    def marked(self) -> int:
        return self.count("marked")

    @property
    def uncovered(self) -> list[Sentence]:
        return [s for s in self.rule_bearing if s.status == "not covered"]

    @property
    def by_reason(self) -> dict[str, int]:
        reasons = Counter(s.mark.reason if s.mark.quote is not None else WILDCARD
                          for s in self.rule_bearing if s.status == "marked")
        return dict(sorted(reasons.items()))

    @property
    def percent(self) -> float:
        total = len(self.rule_bearing)
        return 100.0 if not total else 100.0 * (self.encoded + self.marked) / total

    def to_json(self) -> dict[str, Any]:
        return {"docno": self.docno, "policy": self.policy, "has_rules": self.has_rules,
                "sentences_total": len(self.sentences), "total": len(self.rule_bearing),
                "encoded": self.encoded, "marked": self.marked,
                "uncovered": len(self.uncovered), "percent": round(self.percent, 1),
                "by_reason": self.by_reason, "errors": self.errors, "warnings": self.warnings,
                "excluded": [{"clause": s.clause, "line": s.line, "text": s.text,
                              "reason": s.excluded} for s in self.excluded],
                "sentences": [s.to_json() for s in self.rule_bearing]}


def sentences(notice: sources.Notice) -> list[Sentence]:
    """The rule-bearing sentences of a notice (sentences.py)."""
    return [s for s in split(notice) if s.rule_bearing]


def _parse_reason(rest: str) -> tuple[str, str | None, str] | None:
    m = _REASON_RE.match(rest.strip())
    if m is not None:
        return m.group("reason"), (m.group("arg") or "").strip() or None, (m.group("note") or "")
    return _parse_nested_arg(rest.strip())


def _parse_nested_arg(rest: str) -> tuple[str, str | None, str] | None:
    """REASON（ARG）：note where ARG holds brackets of its own: a document named with its
    文号 or standard number, 引用（《食品安全国家标准粮食》（GB2715-2016））."""
    m = re.match(r"^(?P<reason>[^\s（(：:]+)\s*[（(]", rest)
    if m is None:
        return None
    depth, k = 1, m.end()
    while k < len(rest) and depth:
        depth += {"（": 1, "(": 1, "）": -1, ")": -1}.get(rest[k], 0)
        k += 1
    if depth:
        return None  # unbalanced: not a reason with an argument
    arg = rest[m.end():k - 1].strip()
    tail = re.match(r"^\s*(?:[：:]\s*(?P<note>.*))?$", rest[k:])
    if tail is None:
        return None
    return m.group("reason"), arg or None, tail.group("note") or ""


def read_marks(path: Path) -> tuple[list[Mark], list[str]]:
    """Parse a ``.uncovered`` file: ``CLAUSE 「quote」 REASON[（ARG）][：note]`` per line
    (docs/coverage.md), or the legacy ``CLAUSE * reason``; ``#`` starts a comment line.
    Returns the marks and located errors."""
    marks: list[Mark] = []
    errors: list[str] = []
    shown = display_path(path)
    try:
        text = fileio.read_text(path)
    except fileio.FileProblem as exc:
        if exc.kind != "missing":
            errors.append(f"{shown}: {exc.english}")
        return marks, errors
    except UnicodeDecodeError as exc:
        return marks, [f"{shown}: not UTF-8 ({exc.reason})"]
    for lineno, raw in enumerate(lexical.normalise(text).split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{shown}:{lineno}"
        m = _MARK_RE.match(line)
        span = Span(shown, lineno, 1, lineno, len(raw) + 1)
        if m is None:
            errors.append(f"E430 {where}: expected CLAUSE 「quote」 REASON（ARG）：note")
            continue
        rest = m.group("rest").strip()
        if not rest:
            errors.append(f"E430 {where}: a mark needs a reason after the quote ("
                          + "、".join(REASONS) + ")")
            continue
        if m.group("all"):
            marks.append(Mark(m.group("clause"), None, rest, span))
            continue
        parsed = _parse_reason(rest)
        if parsed is None or parsed[0] not in REASONS:
            errors.append(f"E431 {where}: 「{rest}」 is not one of the reasons "
                          + "、".join(REASONS) + " (docs/coverage.md)")
            continue
        reason, arg, note = parsed
        needs = REASONS[reason]
        if needs is not None and arg is None:
            errors.append(f"E434 {where}: {reason} names its {needs}: {reason}（{needs}）")
            continue
        marks.append(Mark(m.group("clause"), m.group("quote"), reason, span, arg, note))
    return marks, errors


def _overlaps(s: Sentence, start: int, end: int) -> bool:
    return start < s.end and s.start < end


def coverage(module: A.Module, pol: Path) -> NoticeCoverage | str:
    """Coverage of the notice the policy file `pol` (its syntax tree: `module`) encodes; a
    message string when it cannot be computed."""
    shown = module.file
    docno = next((it.value for it in module.items
                  if isinstance(it, A.Header) and it.key == V.Header.DOCNO.value), None)
    sdir = citations.find_sources_dir(str(pol))
    if docno is None or sdir is None:
        return f"{shown}: no 文号 or no sources/ folder"
    try:
        notice = sources.load_notice(sdir, docno)
    except sources.SourceError as exc:
        return f"{shown}: {exc}"
    sents = split(notice)
    has_rules = any(isinstance(it, (A.Decision, A.Flow, A.Ladder)) for it in module.items)
    for rule in citations.rules(module):
        encodes = not isinstance(rule.node, _NOT_ENCODING)
        for cite in rule.annot.cites:
            for quote in cite.quotes:
                match = sources.find_quote(notice, cite.clause, quote)
                if match is None:
                    continue  # polc check reports it
                for s in sents:
                    if not _overlaps(s, match.start, match.end):
                        continue
                    where = s.encoded_by if encodes else s.cited_by
                    if rule.label not in where:
                        where.append(rule.label)
    marks, errors = read_marks(pol.with_suffix(".uncovered"))
    inputs = {it.name for it in module.items if isinstance(it, A.InputDecl)}
    result = NoticeCoverage(notice.docno, shown, sents, has_rules, errors)
    for mark in marks:
        _apply(mark, notice, sents, result, inputs)
    return result


def _apply(mark: Mark, notice: sources.Notice, sents: list[Sentence],
           result: NoticeCoverage, inputs: set[str]) -> None:
    where = f"{mark.span.file}:{mark.span.line}"
    path = sources.resolve_clause(notice, mark.clause)
    if path is None:
        result.errors.append(f"E433 {where}: {notice.docno} has no clause {mark.clause}")
        return
    section = notice.sections[path]
    if mark.quote is None:
        # 通知 and 序言 span the numbered clauses too; `*` on them means their own sentences
        pseudo = path in (sources.NOTICE_PATH, sources.PREAMBLE_PATH)
        spanned = [s for s in sents if s.rule_bearing and not s.encoded_by and s.mark is None
                   and section.start <= s.start < section.end
                   and not (pseudo and s.clause not in (sources.NOTICE_PATH,
                                                        sources.PREAMBLE_PATH))]
        for s in spanned:
            s.mark = mark
        mark.used = bool(spanned)
        lines = "、".join(f"第 {s.line} 行「{s.text[:20]}{'…' if len(s.text) > 20 else ''}」"
                         for s in spanned)
        result.warnings.append(
            f"W430 {where}: wildcard mark {mark.clause} * marks {len(spanned)} sentence(s) at "
            f"once" + (f": {lines}" if lines else "") + "; mark each sentence with its reason")
        return
    match = sources.find_quote(notice, path, mark.quote)
    if match is None:
        found = sources.locate_quote(notice, mark.quote)
        result.errors.append(
            f"E433 {where}: 「{mark.quote}」 is not in {mark.clause}"
            + (f"; it is at {found[0]}" if found else f" nor anywhere in {notice.docno}"))
        return
    hit = [s for s in sents if _overlaps(s, match.start, match.end)]
    if len(hit) > 1:
        result.errors.append(f"E435 {where}: a mark is for one sentence; 「{mark.quote}」 "
                             f"spans {len(hit)}: mark each with its own reason")
        return
    if mark.reason == "外部认定" and mark.arg not in inputs:
        result.errors.append(f"E436 {where}: 外部认定（{mark.arg}） names no input of the "
                             "policy; declare the input that takes the other body's finding")
        return
    target = hit[0] if hit else None
    if target is not None and mark.reason in NEEDS_NO_RULE and strong_signals(target):
        result.errors.append(
            f"E432 {where}: {mark.reason} is refused: the sentence holds "
            + "、".join(strong_signals(target))
            + "; encode it, or give the reason it is not encoded (外部认定、引用、语言未支持)")
        return
    if target is not None and target.rule_bearing and not target.encoded_by \
            and target.mark is None:
        target.mark = mark
        mark.used = True
    else:
        result.warnings.append(f"W431 {where}: this mark covers no uncovered rule-bearing "
                               "sentence (it is encoded now, marked twice, or bears no rule)")


def backlog(results: list[NoticeCoverage]) -> dict[str, list[tuple[str, Sentence]]]:
    """语言未支持 across notices: construct -> the (docno, sentence) that need it."""
    out: dict[str, list[tuple[str, Sentence]]] = {}
    for r in results:
        for s in r.rule_bearing:
            if s.status == "marked" and s.mark.reason == "语言未支持":
                out.setdefault(s.mark.arg or "", []).append((r.docno, s))
    return dict(sorted(out.items()))


def report_json(results: list[NoticeCoverage], errors: list[str]) -> dict[str, Any]:
    return {"notices": [r.to_json() for r in results], "errors": errors,
            "backlog": {k: [{"docno": d, "clause": s.clause, "line": s.line, "text": s.text}
                            for d, s in v] for k, v in backlog(results).items()}}


def summary(r: NoticeCoverage) -> str:
    tag = "" if r.has_rules else " (no rules)"
    reasons = "，".join(f"{k} {n}" for k, n in r.by_reason.items())
    return (f"{r.docno} {r.policy}{tag}: {len(r.rule_bearing)} rule-bearing of "
            f"{len(r.sentences)} sentences: {r.encoded} encoded, {r.marked} marked"
            + (f" ({reasons})" if reasons else "")
            + f", {len(r.uncovered)} not covered ({r.percent:.1f}% encoded or marked); "
            f"{len(r.excluded)} excluded")


def report_markdown(r: NoticeCoverage) -> list[str]:
    """The build report's section: the counts, then each marked, uncovered and excluded
    sentence, and the problems of the marks."""
    out = [summary(r), ""]
    rows = [(s, "marked " + ("*" if s.mark.quote is None else s.mark.shown()))
            for s in r.rule_bearing if s.status == "marked"]
    rows += [(s, "not covered") for s in r.uncovered]
    rows += [(s, f"excluded ({s.excluded})") for s in r.excluded]
    if rows:
        out += ["| clause | line | status | sentence |", "|---|---|---|---|"]
        out += [f"| {s.clause} | {s.line} | {how} | {s.text.replace('|', '｜')} |"
                for s, how in rows]
    out += [f"- {p}" for p in r.errors + r.warnings]
    return out


def render_text(results: list[NoticeCoverage]) -> str:
    lines: list[str] = []
    for r in results:
        lines.append(summary(r))
        for s in r.rule_bearing:
            if s.status == "not covered":
                only = f" (cited only by {', '.join(s.cited_by)})" if s.cited_by else ""
                lines.append(f"  not covered {s.clause} (line {s.line}){only}: 「{s.text}」")
        for s in r.rule_bearing:
            if s.status == "marked":
                how = "*" if s.mark.quote is None else s.mark.shown()
                lines.append(f"  marked {s.clause} (line {s.line}) {how}: 「{s.text}」")
        for s in r.excluded:
            lines.append(f"  excluded {s.excluded} {s.clause} (line {s.line}): 「{s.text}」")
        lines += [f"  error: {e}" for e in r.errors]
        lines += [f"  warning: {w}" for w in r.warnings]
    items = backlog(results)
    if items:
        lines.append("语言未支持 backlog (across notices):")
        for construct, where in items.items():
            lines.append(f"  {construct}: {len(where)} sentence(s)")
            lines += [f"    {d} {s.clause} (line {s.line}): 「{s.text}」" for d, s in where]
    return "\n".join(lines)
