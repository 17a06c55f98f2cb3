"""Source notices: the verbatim texts that policy rules cite and quote.

``policies/sources/`` holds one UTF-8 text file per notice (written by
``tools/split_sources.py``) and a ``MANIFEST.json`` recording, per file, the notice's 文号 and
the SHA-256 of the file.  This module

* checks the files against the manifest (:func:`verify`);
* loads a notice by 文号 and parses its clause structure (:func:`load_notice`);
* answers "is this quote in that clause?" (:func:`find_quote`) and "where is it then?"
  (:func:`locate_quote`).

Clause paths
------------
Headings are recognised at the start of a line (after optional whitespace):

* ``一、`` -- level 1;
* ``（一）`` -- level 2 (inside a ``第X条`` article: an item of that article);
* ``1.`` ``1．`` ``1、`` -- level 3 (under the current level-2 or, failing that, level-1 heading);
* ``（1）`` -- level 4;
* ``第一条`` followed by whitespace -- an article, level 1;
* ``附件：`` / ``附件2：`` -- an attachment, which restarts the numbering.  Only recognised after
  the signature date line: before it, ``附件：`` merely lists the attachments.

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

Quotes are compared after :func:`normalise`, which removes all whitespace, so a quote may
differ from the source only in spaces and line breaks.

A line of a notice ends where a line of a policy does (``lexical.normalise``: ``\\n``,
``\\r\\n`` or a lone ``\\r``), so clause headings and quote line numbers do not depend on how
the file was saved.  Stdlib only, apart from polc's own rules for reading files and lines.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from polc.compiler import files as fileio
from polc.compiler.lexical import normalise as normalise_lines

__all__ = [
    "ATTACHMENT_PREFIX",
    "MANIFEST_NAME",
    "NOTICE_PATH",
    "PREAMBLE_PATH",
    "ManifestEntry",
    "Notice",
    "QuoteMatch",
    "Section",
    "SourceError",
    "canonical_clause",
    "clause_exists",
    "cn_numeral",
    "find_quote",
    "load_manifest",
    "load_notice",
    "locate_quote",
    "normalise",
    "normalise_with_offsets",
    "parse_notice",
    "suggest_clause",
    "verify",
]

MANIFEST_NAME = "MANIFEST.json"
NOTICE_PATH = "通知"
PREAMBLE_PATH = "序言"
ATTACHMENT_PREFIX = "附件"

# Characters removed by normalise(): Unicode whitespace (str.isspace covers U+3000, tabs,
# line breaks, NBSP) plus zero-width characters that are invisible in the source.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")

_CN = "零〇一二两三四五六七八九十百"
_WS = r"[ \t\u3000\u00a0]*"
_ATTACHMENT_RE = re.compile(_WS + r"附件\s*(?P<n>[0-9０-９一二三四五六七八九十]*)\s*[：:]")
_ARTICLE_RE = re.compile(_WS + r"(?P<label>第(?P<n>[" + _CN + r"]+)条)(?=\s|$)")
_L1_RE = re.compile(_WS + r"(?P<n>[" + _CN + r"]+)、")
_L2_RE = re.compile(_WS + r"[（(](?P<n>[" + _CN + r"]+)[）)]")
_L3_RE = re.compile(_WS + r"(?P<n>[0-9]+)(?:[.．](?![0-9])|、)")
_L4_RE = re.compile(_WS + r"[（(](?P<n>[0-9]+)[）)]")
_DATE_LINE_RE = re.compile(r"\s*\d{4}年\d{1,2}月\d{1,2}日\s*")
_DOCNO_SHORT_RE = re.compile(r"(?P<n>\d+)号?")

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip


class SourceError(Exception):
    """A problem with a source file or the manifest; ``path`` names the file concerned."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class ManifestEntry:
    filename: str
    docno: str
    sha256: str


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


@dataclass(frozen=True)
class QuoteMatch:
    clause: str
    start: int
    end: int
    line: int


# --------------------------------------------------------------------------- manifest


def load_manifest(sources_dir: Path) -> dict[str, ManifestEntry]:
    """Read ``MANIFEST.json``; keys are file names (``"55.txt"``)."""
    mpath = Path(sources_dir) / MANIFEST_NAME
    try:
        raw = json.loads(fileio.read_bytes(mpath).decode("utf-8"))
    except fileio.FileProblem as exc:
        if exc.kind == "missing":
            raise SourceError(str(mpath), "manifest not found") from None
        raise SourceError(str(mpath), f"unreadable manifest: {exc.english}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(str(mpath), f"unreadable manifest: {exc}") from None
    files = raw.get("files") if isinstance(raw, dict) else None
    if not isinstance(files, dict):
        raise SourceError(str(mpath), 'manifest has no "files" object')
    out: dict[str, ManifestEntry] = {}
    for name, entry in files.items():
        if not isinstance(entry, dict):
            raise SourceError(str(mpath), f"entry {name!r} is not an object")
        docno = entry.get("docno")
        sha = entry.get("sha256")
        if not isinstance(docno, str) or not isinstance(sha, str):
            raise SourceError(str(mpath), f'entry {name!r} needs string "docno" and "sha256"')
        out[str(name)] = ManifestEntry(filename=str(name), docno=docno, sha256=sha.lower())
    return out


def verify(sources_dir: Path) -> list[SourceError]:
    """Check every source file against the manifest.

    Reports files edited after their hash was recorded, listed files that are missing, ``.txt``
    files that are not listed, and files whose 文号 line is not the recorded one.
    """
    sources_dir = Path(sources_dir)
    try:
        manifest = load_manifest(sources_dir)
    except SourceError as exc:
        return [exc]
    errors: list[SourceError] = []
    for name, entry in sorted(manifest.items()):
        fpath = sources_dir / name
        try:
            data = fileio.read_bytes(fpath)
        except fileio.FileProblem as exc:
            errors.append(SourceError(str(fpath), f"{name} is listed in the manifest but missing"
                                      if exc.kind == "missing" else f"{name}: {exc.english}"))
            continue
        actual = hashlib.sha256(data).hexdigest()
        if actual != entry.sha256:
            errors.append(
                SourceError(
                    str(fpath),
                    f"{name} was edited after its hash was recorded: "
                    f"recorded sha256 {entry.sha256}, actual {actual}",
                )
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            errors.append(SourceError(str(fpath), f"{name} is not UTF-8: {exc}"))
            continue
        if not any(line.strip() == entry.docno for line in normalise_lines(text).split("\n")):
            errors.append(SourceError(str(fpath), f"{name} has no 文号 line {entry.docno!r}"))
    listed = set(manifest)
    for fpath in sorted(sources_dir.glob("*.txt")):
        if fpath.name not in listed:
            errors.append(SourceError(str(fpath), f"{fpath.name} is not listed in {MANIFEST_NAME}"))
    return errors


# --------------------------------------------------------------------------- loading

_NOTICE_CACHE: dict[tuple[str, str, str], Notice] = {}
_NOTICE_CACHE_MAX = 256


def _resolve_entry(manifest: dict[str, ManifestEntry], docno: str) -> ManifestEntry | None:
    """Find the entry for a full 文号, a short ``55``/``55号``, or a file stem (``gan18``)."""
    query = "".join(docno.split())
    exact = [e for e in manifest.values() if e.docno == query]
    if exact:
        return exact[0]
    stems = [e for e in manifest.values() if Path(e.filename).stem == query]
    if len(stems) == 1:
        return stems[0]
    m = _DOCNO_SHORT_RE.fullmatch(query)
    if m is None:
        return None
    num = str(int(m.group("n")))
    short = [e for e in manifest.values() if re.search(r"〕0*" + num + "号$", e.docno)]
    if len(short) > 1:
        listed = ", ".join(sorted(e.docno for e in short))
        raise SourceError(docno, f"ambiguous notice number; could be {listed}")
    return short[0] if short else None


def load_notice(sources_dir: Path, docno: str) -> Notice:
    """Load and parse the notice with 文号 ``docno`` (``"海政办发〔2022〕55号"``, ``"55"``,
    ``"55号"`` or a file stem such as ``"gan18"``).  Parses are cached by (path, SHA-256)."""
    sources_dir = Path(sources_dir)
    manifest = load_manifest(sources_dir)
    entry = _resolve_entry(manifest, docno)
    if entry is None:
        known = ", ".join(e.docno for e in manifest.values())
        raise SourceError(docno, f"no source notice with this 文号 (known: {known})")
    fpath = sources_dir / entry.filename
    try:
        data = fileio.read_bytes(fpath)
    except fileio.FileProblem as exc:
        raise SourceError(str(fpath), f"cannot read {entry.filename}: {exc.english}") from None
    sha = hashlib.sha256(data).hexdigest()
    key = (str(fpath.resolve()), sha, entry.docno)
    cached = _NOTICE_CACHE.get(key)
    if cached is not None:
        return cached
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(str(fpath), f"{entry.filename} is not UTF-8: {exc}") from None
    notice = parse_notice(normalise_lines(text), docno=entry.docno, path=fpath, sha256=sha)
    if len(_NOTICE_CACHE) >= _NOTICE_CACHE_MAX:
        _NOTICE_CACHE.clear()
    _NOTICE_CACHE[key] = notice
    return notice


# --------------------------------------------------------------------------- parsing


def cn_numeral(s: str) -> int:
    """Value of a Chinese numeral such as ``十四`` or ``一百零五``."""
    total = 0
    cur = 0
    for ch in s:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    return total + cur


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
    while end > start and (text[end - 1].isspace() or text[end - 1] in _INVISIBLE):
        end -= 1
    return end


def parse_notice(text: str, docno: str, path: Path, sha256: str = "") -> Notice:
    """Parse the clause structure of a notice's text (see the module docstring)."""
    # Lines with their start offsets.
    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        lines.append((pos, raw))
        pos += len(raw) + 1

    sections: dict[str, Section] = {}
    warnings: list[str] = []
    # Open headings: (level, path, heading text, start offset); depth is the stack height.
    stack: list[tuple[int, str, str, int]] = []
    # Last number seen per (parent path, level), to spot gaps and repeats.
    last_number: dict[tuple[str, int], int] = {}
    first_heading: int | None = None
    attachment_start: int | None = None
    notice_end: int | None = None

    def close(upto_level: int, at: int) -> None:
        while stack and stack[-1][0] >= upto_level:
            depth = len(stack)
            _level, spath, heading, start = stack.pop()
            end = _trim_end(text, start, at)
            key = spath
            if key in sections:
                k = 2
                while f"{spath}#{k}" in sections:
                    k += 1
                key = f"{spath}#{k}"
                warnings.append(
                    f"duplicate clause {spath} (line {_line_of(text, start)}); "
                    f"the later one is {key}"
                )
            sections[key] = Section(key, heading, start, end, depth)

    for offset, line in lines:
        if notice_end is None and attachment_start is None and _DATE_LINE_RE.fullmatch(line):
            notice_end = offset + len(line)
        head = _classify(line)
        if head is None:
            continue
        if head.level == 0 and notice_end is None:
            # "附件：……" before the signature date lists attachments; it does not start one.
            continue
        if head.level == 0:
            close(0, offset)
            if attachment_start is None:
                attachment_start = offset
        elif first_heading is None and attachment_start is None:
            first_heading = offset
        close(head.level, offset)
        parent_path = stack[-1][1] if stack else ""
        parent_level = stack[-1][0] if stack else (0 if attachment_start is not None else -1)
        spath = parent_path + head.label
        if head.level > 0:
            seq_key = (parent_path, head.level)
            prev = last_number.get(seq_key, 0)
            if head.number != prev + 1:
                expected = "the first item" if prev == 0 else f"number {prev + 1}"
                warnings.append(
                    f"{spath} (line {_line_of(text, offset)}): numbering jumps "
                    f"(expected {expected} under {parent_path or 'the document'})"
                )
            last_number[seq_key] = head.number
            if parent_level >= 0 and head.level > parent_level + 1 and head.level != 3:
                warnings.append(
                    f"{spath} (line {_line_of(text, offset)}): level-{head.level} heading "
                    f"directly under {parent_path or 'the document'}"
                )
        stack.append((head.level, spath, line.strip(), offset))
    close(-1, len(text))

    main_end = attachment_start if attachment_start is not None else len(text)
    first_line = next((ln.strip() for _, ln in lines if ln.strip()), "")
    notice_stop = notice_end if notice_end is not None else main_end
    pseudo = {
        NOTICE_PATH: Section(NOTICE_PATH, first_line, 0, _trim_end(text, 0, notice_stop), 0),
        PREAMBLE_PATH: Section(
            PREAMBLE_PATH,
            first_line,
            0,
            _trim_end(text, 0, first_heading if first_heading is not None else main_end),
            0,
        ),
    }
    ordered = dict(pseudo)
    for key in sorted(sections, key=lambda k: (sections[k].start, -sections[k].end)):
        ordered[key] = sections[key]
    return Notice(
        docno=docno,
        path=Path(path),
        text=text,
        sections=ordered,
        warnings=tuple(warnings),
        sha256=sha256,
    )


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# --------------------------------------------------------------------------- quotes


def normalise(text: str) -> str:
    """Remove all whitespace (spaces, U+3000, tabs, line breaks) and zero-width characters."""
    return "".join(ch for ch in text if not (ch.isspace() or ch in _INVISIBLE))


def normalise_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """:func:`normalise` plus, for each kept character, its offset in ``text``."""
    keep = [i for i, ch in enumerate(text) if not (ch.isspace() or ch in _INVISIBLE)]
    return "".join(text[i] for i in keep), tuple(keep)


@functools.lru_cache(maxsize=64)
def _index(text: str) -> tuple[str, tuple[int, ...]]:
    # str caches its hash and dict lookup tries identity first, so repeated calls with the
    # same Notice.text object are O(1).
    return normalise_with_offsets(text)


def canonical_clause(clause: str) -> str:
    """A cited clause path without whitespace and with ASCII parentheses made full-width."""
    return "".join(clause.split()).replace("(", "（").replace(")", "）")


def clause_exists(notice: Notice, clause: str) -> bool:
    return canonical_clause(clause) in notice.sections


def _norm_range(offsets: tuple[int, ...], section: Section) -> tuple[int, int]:
    return bisect.bisect_left(offsets, section.start), bisect.bisect_left(offsets, section.end)


def find_quote(notice: Notice, clause: str, quote: str) -> QuoteMatch | None:
    """Find ``quote`` (whitespace-insensitively) inside section ``clause``, subsections
    included.  ``None`` if the clause does not exist, the quote is empty or not there."""
    section = notice.sections.get(canonical_clause(clause))
    if section is None:
        return None
    nq = normalise(quote)
    if not nq:
        return None
    norm, offsets = _index(notice.text)
    lo, hi = _norm_range(offsets, section)
    i = norm.find(nq, lo, hi)
    if i < 0:
        return None
    start = offsets[i]
    end = offsets[i + len(nq) - 1] + 1
    return QuoteMatch(clause=section.path, start=start, end=end, line=_line_of(notice.text, start))


def locate_quote(notice: Notice, quote: str) -> list[str]:
    """Every clause path whose text (subsections included) contains ``quote``, deepest first
    (document order among equals).  The pseudo-sections 序言/通知 come last."""
    nq = normalise(quote)
    if not nq:
        return []
    norm, offsets = _index(notice.text)
    hits: list[int] = []
    i = norm.find(nq)
    while i >= 0:
        hits.append(i)
        i = norm.find(nq, i + 1)
    if not hits:
        return []
    found: list[Section] = []
    for section in notice.sections.values():
        lo, hi = _norm_range(offsets, section)
        j = bisect.bisect_left(hits, lo)
        if j < len(hits) and hits[j] + len(nq) <= hi:
            found.append(section)
    found.sort(key=lambda s: (-s.depth, s.start))
    return [s.path for s in found]


def suggest_clause(notice: Notice, quote: str) -> str | None:
    """The most specific clause containing ``quote`` (first of :func:`locate_quote`)."""
    paths = locate_quote(notice, quote)
    return paths[0] if paths else None
