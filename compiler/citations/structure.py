"""The clause structure of a notice's text: which heading opens which clause, and where it ends.

Headings are recognised at the start of a line (after optional whitespace):

* ``一、`` -- level 1;
* ``（一）`` -- level 2 (inside a ``第X条`` article: an item, 项, of that article);
* ``1.`` ``1．`` ``1、`` -- level 3 (under the current level-2 or, failing that, level-1
  heading; inside an article: a 目);
* ``（1）`` -- level 4;
* ``第一条`` followed by whitespace -- an article, level 1;
* ``第一章`` / ``第一节`` followed by whitespace -- a chapter (section) of a regulation.  It
  groups articles without renaming them: articles are numbered through the whole text, so
  their paths stay ``第十条`` (the chapter itself is the clause ``第二章``, ``第二章第一节``);
* ``附件：`` / ``附件2：`` / a line that is only ``附件`` or ``附件2`` -- an attachment, which
  restarts the numbering.  Only recognised after the signature date line when the text has
  one: before it, ``附件：`` merely lists the attachments.

Paragraphs (款) of an article: every line of an article that is not a heading starts a new
paragraph, as regulations are printed (one paragraph a line).  When an article has more than
one, each is the clause ``第十条第二款``; items of the second and later paragraphs are
``第十条第二款（一）``, items of the first stay ``第十条（一）``.  Citations may also write the
forms of legal drafting: ``第十条第一款第（一）项``, ``第十四条第（五）项``, ``第十四条（五）第1目``
(:func:`canonical_clause` rewrites them), and ``附则`` names the chapter or numbered heading
whose title is 附则.

A clause path is the concatenation of the labels from the outermost heading to the innermost
(``一（四）2（1）``, ``三1``, ``第十四条（五）``); level-3 and level-4 labels drop their
punctuation except the parentheses.  Sections inside an attachment are prefixed with
``附件`` (``附件三（一）4（2）``), or ``附件2`` etc. when the attachment line is numbered.
A section covers its heading line and everything up to the next heading of the same or a
higher level (or the end of its document), trailing whitespace excluded.

Two pseudo-sections exist in every notice: ``通知`` -- the notice proper (title, 文号,
addressees, body, signature and date: up to the first line consisting only of a date, or the
whole main document when there is none) -- and ``序言`` -- everything before the first
numbered heading of the main document.  An attachment as a whole is the section ``附件``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

__all__ = ["ATTACHMENT_PREFIX", "NOTICE_PATH", "PREAMBLE_PATH", "Notice", "Section",
           "canonical_clause", "cn_numeral", "parse_notice", "to_cn"]

NOTICE_PATH = "通知"
PREAMBLE_PATH = "序言"
ATTACHMENT_PREFIX = "附件"
RULES_ALIAS = "附则"

# Characters invisible in the source (removed by sources.normalise, skipped at clause ends).
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")

_CN = "零〇一二两三四五六七八九十百千"
_WS = r"[ \t\u3000\u00a0]*"
_ATTACHMENT_RE = re.compile(_WS + r"附件\s*(?P<n>[0-9０-９一二三四五六七八九十]*)\s*(?:[：:]|$)")
_ARTICLE_RE = re.compile(_WS + r"(?P<label>第(?P<n>[" + _CN + r"0-9]+)条)(?=\s|$)")
_CHAPTER_RE = re.compile(_WS + r"(?P<label>第(?P<n>[" + _CN + r"0-9]+)(?P<kind>[章节]))(?=\s|$)")
_L1_RE = re.compile(_WS + r"(?P<n>[" + _CN + r"]+)、")
_L2_RE = re.compile(_WS + r"[（(](?P<n>[" + _CN + r"]+)[）)]")
_L3_RE = re.compile(_WS + r"(?P<n>[0-9]+)(?:[.．](?![0-9])|、)")
_L4_RE = re.compile(_WS + r"[（(](?P<n>[0-9]+)[）)]")
DATE_LINE_RE = re.compile(r"\s*\d{4}年\d{1,2}月\d{1,2}日\s*")

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_UNITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Section:
    """A numbered clause of a notice.  ``text[start:end]`` is its heading line and body."""

    path: str
    heading: str
    start: int
    end: int
    # Number of heading labels in the path (一（四）2（1） -> 4, 附件三 -> 2); 0 for the
    # pseudo-sections 通知 and 序言.
    depth: int = 0


@dataclass(frozen=True)
class Notice:
    docno: str
    path: Path
    text: str
    sections: dict[str, Section]
    # Numbering anomalies met while parsing (gaps, repeats, skipped levels).
    warnings: tuple[str, ...] = ()
    sha256: str = field(default="", compare=False)
    # other names of a clause: 附则 -> 第六章
    aliases: dict[str, str] = field(default_factory=dict, compare=False)


def cn_numeral(s: str) -> int:
    """Value of a Chinese numeral such as ``十四``, ``一百零五`` or ``一千二百``; Arabic digits
    are read as such."""
    if s.isdigit():
        return int(s)
    total = 0
    cur = 0
    for ch in s:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch]
        elif ch in "十百千":
            total += (cur or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            cur = 0
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    return total + cur


def to_cn(n: int) -> str:
    """``n`` (0 < n < 10000) in Chinese numerals as clause numbers and amounts write it:
    ``十五``, ``二十``, ``一百零五``, ``一千二百``."""
    if n < 10:
        return _CN_UNITS[n]
    if n < 20:
        return "十" + (_CN_UNITS[n - 10] if n > 10 else "")
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if zero and out else "") + _CN_UNITS[digit] + unit
            zero = False
        else:
            zero = bool(out)
    return out


_ITEM_FORM_RE = re.compile(r"第（([" + _CN + r"]+)）项")
_SUBITEM_FORM_RE = re.compile(r"第([0-9" + _CN + r"]+)目")
_FIRST_PARAGRAPH_RE = re.compile(r"(条)第一款(?=（|$)")


def canonical_clause(clause: str) -> str:
    """A cited clause path without whitespace, with ASCII parentheses made full-width and the
    drafting forms 第（一）项 / 第1目 / 第一款（一） written as paths are."""
    path = "".join(clause.split()).replace("(", "（").replace(")", "）")
    path = _ITEM_FORM_RE.sub(r"（\1）", path)
    path = _SUBITEM_FORM_RE.sub(lambda m: str(cn_numeral(m.group(1))), path)
    return _FIRST_PARAGRAPH_RE.sub(r"\1", path)


@dataclass(frozen=True)
class _Heading:
    level: int
    label: str
    number: int


def _classify(line: str) -> _Heading | None:
    m = _ATTACHMENT_RE.match(line)
    if m:
        n = m.group("n")
        num = 0
        if n:
            n = n.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
            num = int(n) if n.isdigit() else cn_numeral(n)
        return _Heading(0, ATTACHMENT_PREFIX + m.group("n"), num)
    m = _ARTICLE_RE.match(line)
    if m:
        return _Heading(1, m.group("label"), cn_numeral(m.group("n")))
    m = _L1_RE.match(line)
    if m:
        return _Heading(1, m.group("n"), cn_numeral(m.group("n")))
    m = _L2_RE.match(line)
    if m:
        return _Heading(2, "（" + m.group("n") + "）", cn_numeral(m.group("n")))
    m = _L4_RE.match(line)
    if m:
        return _Heading(4, "（" + m.group("n") + "）", int(m.group("n")))
    m = _L3_RE.match(line)
    if m:
        return _Heading(3, m.group("n"), int(m.group("n")))
    return None


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in INVISIBLE):
        end -= 1
    return end


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


class _Parser:
    """One pass over the lines: a stack of open headings, the open chapter and the
    paragraphs of the open article."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sections: dict[str, Section] = {}
        self.warnings: list[str] = []
        self.aliases: dict[str, str] = {}
        # open headings: (level, path, heading text, start offset); depth = stack height
        self.stack: list[tuple[int, str, str, int]] = []
        self.last_number: dict[tuple[str, int], int] = {}
        # the open chapter (path, heading, start) and section (第X节) within it
        self.chapters: list[tuple[str, str, int]] = []
        # start offsets of the paragraphs of the open article
        self.paragraphs: list[int] = []

    def add(self, spath: str, heading: str, start: int, end: int, depth: int) -> None:
        key = spath
        if key in self.sections:
            k = 2
            while f"{spath}#{k}" in self.sections:
                k += 1
            key = f"{spath}#{k}"
            self.warnings.append(f"duplicate clause {spath} (line {line_of(self.text, start)}); "
                                 f"the later one is {key}")
        self.sections[key] = Section(key, heading, start, _trim_end(self.text, start, end), depth)
        if heading.endswith(RULES_ALIAS) and len(heading) <= 12 and RULES_ALIAS not in self.aliases:
            self.aliases[RULES_ALIAS] = key

    def close(self, upto_level: int, at: int) -> None:
        while self.stack and self.stack[-1][0] >= upto_level:
            depth = len(self.stack) + len(self.chapters)
            level, spath, heading, start = self.stack.pop()
            if level == 1 and spath.startswith("第") and len(self.paragraphs) > 1:
                # its items lie inside a paragraph: one level deeper than they were filed
                for key, sec in list(self.sections.items()):
                    if key.startswith(spath) and key != spath:
                        self.sections[key] = replace(sec, depth=sec.depth + 1)
                bounds = [*self.paragraphs, at]
                for k, (lo, hi) in enumerate(itertools.pairwise(bounds), 1):
                    eol = self.text.find("\n", lo)
                    line = self.text[lo:eol if eol >= 0 else len(self.text)]
                    self.add(f"{spath}第{to_cn(k)}款", line.strip(), lo, hi, depth + 1)
            if level == 1:
                self.paragraphs = []
            self.add(spath, heading, start, at, depth)

    def close_chapters(self, kind: str, at: int) -> None:
        while self.chapters and (kind == "章" or self.chapters[-1][0].endswith("节")):
            spath, heading, start = self.chapters.pop()
            self.add(spath, heading, start, at, len(self.chapters) + 1)

    def article_open(self) -> bool:
        return bool(self.stack) and self.stack[0][0] == 1 and self.stack[0][1].startswith("第")

    def heading(self, head: _Heading, line: str, offset: int, in_attachment: bool) -> None:
        self.close(head.level, offset)
        parent_path = self.stack[-1][1] if self.stack else ""
        parent_level = self.stack[-1][0] if self.stack else (0 if in_attachment else -1)
        if parent_level == 1 and self.article_open() and len(self.paragraphs) > 1:
            parent_path += f"第{to_cn(len(self.paragraphs))}款"
        spath = parent_path + head.label
        if head.level > 0:
            seq_key = (parent_path, head.level)
            prev = self.last_number.get(seq_key, 0)
            if head.number != prev + 1:
                expected = "the first item" if prev == 0 else f"number {prev + 1}"
                self.warnings.append(
                    f"{spath} (line {line_of(self.text, offset)}): numbering jumps "
                    f"(expected {expected} under {parent_path or 'the document'})")
            self.last_number[seq_key] = head.number
            if parent_level >= 0 and head.level > parent_level + 1 and head.level != 3:
                self.warnings.append(
                    f"{spath} (line {line_of(self.text, offset)}): level-{head.level} heading "
                    f"directly under {parent_path or 'the document'}")
        if head.level == 1 and head.label.startswith("第"):
            self.paragraphs = [offset]
        self.stack.append((head.level, spath, line.strip(), offset))


def parse_notice(text: str, docno: str, path: Path, sha256: str = "") -> Notice:
    """Parse the clause structure of a notice's text (see the module docstring)."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        lines.append((pos, raw))
        pos += len(raw) + 1
    has_date_line = any(DATE_LINE_RE.fullmatch(ln) for _, ln in lines)
    p = _Parser(text)
    first_heading: int | None = None
    attachment_start: int | None = None
    notice_end: int | None = None

    for offset, line in lines:
        if notice_end is None and attachment_start is None and DATE_LINE_RE.fullmatch(line):
            notice_end = offset + len(line)
        chapter = _CHAPTER_RE.match(line)
        if chapter is not None:
            p.close(1, offset)
            p.close_chapters(chapter.group("kind"), offset)
            outer = p.chapters[-1][0] if p.chapters else ""
            prefix = ATTACHMENT_PREFIX if attachment_start is not None and not outer else ""
            p.chapters.append((prefix + outer + chapter.group("label"), line.strip(), offset))
            if first_heading is None and attachment_start is None:
                first_heading = offset
            continue
        head = _classify(line)
        if head is None:
            if line.strip() and p.article_open() and offset > p.paragraphs[-1]:
                p.close(2, offset)  # a paragraph after an item list belongs to the article
                p.paragraphs.append(offset)
            continue
        if head.level == 0 and notice_end is None and has_date_line:
            # "附件：……" before the signature date lists attachments; it does not start one.
            continue
        if head.level == 0:
            p.close(0, offset)
            p.close_chapters("章", offset)
            if attachment_start is None:
                attachment_start = offset
        elif first_heading is None and attachment_start is None:
            first_heading = offset
        p.heading(head, line, offset, attachment_start is not None)
    p.close(-1, len(text))
    p.close_chapters("章", len(text))

    main_end = attachment_start if attachment_start is not None else len(text)
    first_line = next((ln.strip() for _, ln in lines if ln.strip()), "")
    notice_stop = notice_end if notice_end is not None else main_end
    ordered = {
        NOTICE_PATH: Section(NOTICE_PATH, first_line, 0, _trim_end(text, 0, notice_stop), 0),
        PREAMBLE_PATH: Section(
            PREAMBLE_PATH, first_line, 0,
            _trim_end(text, 0, first_heading if first_heading is not None else main_end), 0),
    }
    sections = p.sections
    for key in sorted(sections, key=lambda k: (sections[k].start, -sections[k].end)):
        ordered[key] = sections[key]
    return Notice(docno=docno, path=Path(path), text=text, sections=ordered,
                  warnings=tuple(p.warnings), sha256=sha256, aliases=p.aliases)


def resolve_clause(notice: Notice, clause: str) -> str | None:
    """The section a cited clause names, or ``None``: the path itself, an alias (附则), the
    whole article for 第一款 of a one-paragraph article, and 第十条（一） for an item that
    sits in a later paragraph (第十条第二款（一）) when exactly one does."""
    path = canonical_clause(clause)
    if path in notice.sections:
        return path
    if path in notice.aliases:
        return notice.aliases[path]
    if path.endswith("条第一款") and path[:-3] in notice.sections:
        return path[:-3]
    m = re.fullmatch(r"(第[" + _CN + r"0-9]+条)(（.*)", path)
    if m:
        pat = re.compile(re.escape(m.group(1)) + r"第[" + _CN + r"]+款" + re.escape(m.group(2)))
        found = [k for k in notice.sections if pat.fullmatch(k)]
        if len(found) == 1:
            return found[0]
    return None
