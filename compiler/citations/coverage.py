"""Coverage of the notice texts: which rule-bearing sentences the policies cite.

A sentence is *rule-bearing* when it states a number or uses a word that carries a duty, a
power, a deadline or a threshold (负责, 审批, 奖励, 不得, 以上 …; see ``KEYWORDS``).  It is
*cited* when a quote of any rule of the policy overlaps it, and *marked* when the policy's
``.uncovered`` file (``policies/<stem>.uncovered``, described in docs/language.md) says it is
deliberately not encoded, and why.
"""

from __future__ import annotations

import re
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

__all__ = ["KEYWORDS", "Mark", "NoticeCoverage", "Sentence", "coverage", "read_marks"]

KEYWORDS = (
    "负责", "牵头", "审批", "审核", "同意", "签发", "报告", "报送", "奖励", "补助", "补贴",
    "给予", "不予", "不得", "应当", "须", "扣减", "一票否决", "以上", "以下", "不超过", "低于",
    "满", "达", "期限", "日内",
)  # fmt: skip

_DIGIT_RE = re.compile(r"[0-9０-９]")
# Heading labels at the start of a line: their digits are clause numbers, not rules.
_LABEL_RE = re.compile(
    r"^\s*(?:第[零〇一二两三四五六七八九十百]+条|[零〇一二两三四五六七八九十百]+、"
    r"|[（(][零〇一二两三四五六七八九十百0-9]+[）)]|[0-9]+(?:[.．](?![0-9])|、)"
    r"|附件\s*[0-9０-９一二三四五六七八九十]*\s*[：:]?)"
)
_SKIP_LINE_RE = re.compile(r"\s*(?:\d{4}年\d{1,2}月\d{1,2}日|.*〔\d{4}〕\d+号)\s*")
_PUNCT_RE = re.compile(r"[，,；;：:、]|。.")
_MARK_RE = re.compile(r"^(?P<clause>\S+)\s+(?:「(?P<quote>[^」]+)」|(?P<all>\*))\s*(?P<reason>.*)$")


@dataclass
class Mark:
    clause: str
    quote: str | None  # None: every uncited rule-bearing sentence of the clause
    reason: str
    span: Span
    used: bool = False


@dataclass
class Sentence:
    start: int
    end: int
    line: int
    clause: str
    text: str
    cited_by: list[str] = field(default_factory=list)
    marked: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"clause": self.clause, "line": self.line, "text": self.text,
                "cited_by": self.cited_by, "marked": self.marked}


@dataclass
class NoticeCoverage:
    docno: str
    policy: str
    sentences: list[Sentence]
    has_rules: bool
    errors: list[str] = field(default_factory=list)
    # marks that cover nothing: the sentence is cited now, or is not rule-bearing
    stale: list[str] = field(default_factory=list)

    @property
    def cited(self) -> int:
        return sum(1 for s in self.sentences if s.cited_by)

    @property
    def marked(self) -> int:
        return sum(1 for s in self.sentences if not s.cited_by and s.marked)

    @property
    def uncovered(self) -> list[Sentence]:
        return [s for s in self.sentences if not s.cited_by and not s.marked]

    @property
    def percent(self) -> float:
        if not self.sentences:
            return 100.0
        return 100.0 * (len(self.sentences) - len(self.uncovered)) / len(self.sentences)

    def to_json(self) -> dict[str, Any]:
        return {"docno": self.docno, "policy": self.policy, "has_rules": self.has_rules,
                "total": len(self.sentences), "cited": self.cited, "marked": self.marked,
                "uncovered": len(self.uncovered), "percent": round(self.percent, 1),
                "errors": self.errors, "stale_marks": self.stale, "sentences": [s.to_json() for s in self.sentences]}


def _deepest_clause(notice: sources.Notice, offset: int) -> str:
    best = sources.PREAMBLE_PATH
    depth = -1
    for sec in notice.sections.values():
        if sec.depth > depth and sec.start <= offset < sec.end:
            best, depth = sec.path, sec.depth
    return best


def sentences(notice: sources.Notice) -> list[Sentence]:
    """The rule-bearing sentences of a notice: lines split after 。 and ；."""
    out: list[Sentence] = []
    text = notice.text
    pos = 0
    for lineno, line in enumerate(text.split("\n"), 1):
        line_start = pos
        pos += len(line) + 1
        if _SKIP_LINE_RE.fullmatch(line) or not _PUNCT_RE.search(line):
            continue  # the 文号, the signature date, titles and headings: not sentences
        label = _LABEL_RE.match(line)
        body_from = label.end() if label else 0
        for m in re.finditer(r"[^。；;]+[。；;]?", line):
            piece = m.group()
            if not piece.strip():
                continue
            own = piece[max(0, body_from - m.start()):] if m.start() < body_from else piece
            if not (_DIGIT_RE.search(own) or any(k in own for k in KEYWORDS)):
                continue
            start = line_start + m.start() + (len(piece) - len(piece.lstrip()))
            end = line_start + m.end()
            out.append(Sentence(start, end, lineno, _deepest_clause(notice, start),
                                piece.strip()))
    return out


def read_marks(path: Path) -> tuple[list[Mark], list[str]]:
    """Parse a ``.uncovered`` file: ``CLAUSE 「quote」 reason`` or ``CLAUSE * reason`` per
    line; ``#`` starts a comment line.  Returns the marks and located errors."""
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
        m = _MARK_RE.match(line)
        span = Span(shown, lineno, 1, lineno, len(raw) + 1)
        if m is None:
            errors.append(f"{shown}:{lineno}: expected CLAUSE 「quote」 reason, "
                          f"or CLAUSE * reason")
            continue
        if not m.group("reason").strip():
            errors.append(f"{shown}:{lineno}: a mark needs a reason after the quote")
            continue
        marks.append(Mark(m.group("clause"), m.group("quote"), m.group("reason").strip(), span))
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
    sents = sentences(notice)
    has_rules = any(isinstance(it, (A.Decision, A.Flow, A.Ladder)) for it in module.items)
    for rule in citations.rules(module):
        if rule.example:
            continue
        for cite in rule.annot.cites:
            for quote in cite.quotes:
                match = sources.find_quote(notice, cite.clause, quote)
                if match is None:
                    continue  # polc check reports it
                for s in sents:
                    if _overlaps(s, match.start, match.end) and rule.label not in s.cited_by:
                        s.cited_by.append(rule.label)
    marks, errors = read_marks(pol.with_suffix(".uncovered"))
    result = NoticeCoverage(notice.docno, shown, sents, has_rules, errors)
    for mark in marks:
        _apply(mark, notice, sents, result)
    return result


def _apply(mark: Mark, notice: sources.Notice, sents: list[Sentence],
           result: NoticeCoverage) -> None:
    where = f"{mark.span.file}:{mark.span.line}"
    clause = sources.canonical_clause(mark.clause)
    section = notice.sections.get(clause)
    if section is None:
        result.errors.append(f"{where}: {notice.docno} has no clause {mark.clause}")
        return
    if mark.quote is None:
        # 通知 and 序言 span the numbered clauses too; `*` on them means their own sentences
        pseudo = clause in (sources.NOTICE_PATH, sources.PREAMBLE_PATH)
        for s in sents:
            if pseudo and s.clause not in (sources.NOTICE_PATH, sources.PREAMBLE_PATH):
                continue
            if section.start <= s.start < section.end and not s.cited_by and not s.marked:
                s.marked = mark.reason
                mark.used = True
    else:
        match = sources.find_quote(notice, clause, mark.quote)
        if match is None:
            found = sources.locate_quote(notice, mark.quote)
            result.errors.append(
                f"{where}: 「{mark.quote}」 is not in {mark.clause}"
                + (f"; it is at {found[0]}" if found else f" nor anywhere in {notice.docno}"))
            return
        for s in sents:
            if _overlaps(s, match.start, match.end) and not s.cited_by and not s.marked:
                s.marked = mark.reason
                mark.used = True
    if not mark.used:
        result.stale.append(f"{where}: this mark covers no uncited rule-bearing sentence")


def render_text(results: list[NoticeCoverage]) -> str:
    lines: list[str] = []
    for r in results:
        total = len(r.sentences)
        tag = "" if r.has_rules else " (no rules)"
        lines.append(f"{r.docno} {r.policy}{tag}: {r.percent:.1f}% of {total} rule-bearing "
                     f"sentences cited or marked ({r.cited} cited, {r.marked} marked, "
                     f"{len(r.uncovered)} not covered)")
        for s in r.uncovered:
            lines.append(f"  not covered {s.clause} (line {s.line}): 「{s.text}」")
        for e in r.errors:
            lines.append(f"  error: {e}")
        for e in r.stale:
            lines.append(f"  note: {e}")
    return "\n".join(lines)
