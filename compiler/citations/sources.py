"""Source notices: the verbatim texts that policy rules cite and quote.

A policy's ``sources/`` folder holds one UTF-8 text file per notice, byte for byte as
published, and a ``MANIFEST.json`` recording, per file, the notice's 文号 and the SHA-256 of
the file (the format: docs/sources.md; ``polc source add`` writes both).  This module

* checks the files against the manifest (:func:`verify`);
* loads a notice by 文号 and parses its clause structure (:func:`load_notice`, with
  :mod:`.structure`);
* answers "is this quote in that clause?" (:func:`find_quote`) and "where is it then?"
  (:func:`locate_quote`);
* finds the 文号 a text carries (:func:`find_docnos`).

Quotes are compared after :func:`normalise`, which removes all whitespace, so a quote may
differ from the source only in spaces and line breaks.  So is the 文号: it may stand anywhere
in the text (国务院令 print theirs inside the promulgation line), or, for a text that does not
print it, be declared in the manifest (``"docno_in_text": false``).

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
from dataclasses import dataclass
from pathlib import Path

from polc.compiler import files as fileio
from polc.compiler.lexical import normalise as normalise_lines

from .structure import (
    ATTACHMENT_PREFIX,
    INVISIBLE,
    NOTICE_PATH,
    PREAMBLE_PATH,
    Notice,
    Section,
    canonical_clause,
    cn_numeral,
    line_of,
    parse_notice,
    resolve_clause,
)

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
    "find_docnos",
    "find_quote",
    "has_docno",
    "load_manifest",
    "load_notice",
    "locate_quote",
    "normalise",
    "normalise_with_offsets",
    "parse_notice",
    "resolve_clause",
    "suggest_clause",
    "verify",
    "write_manifest",
]

MANIFEST_NAME = "MANIFEST.json"

_DOCNO_SHORT_RE = re.compile(r"(?P<n>\d+)号?")
# 文号 of any issuer, in whitespace-free text: 海政办发〔2022〕55号, 财税〔2019〕13号 (the year in
# 〔〕, [] or ［］), 国务院令第708号, 主席令第二十九号 (the "中华人民共和国" before them dropped).
_DOCNO_RE = re.compile(
    r"(?:中华人民共和国)?(?P<order>(?:国务院|主席)令第[0-9零〇一二两三四五六七八九十百千]+号)"
    r"|(?P<serial>[\u4e00-\u9fff]{1,12}[〔［\[﹝](?:19|20)\d\d[〕］\]﹞]第?\d+号)")

# SourceError.kind: what went wrong, so that a diagnostic can name it
NO_MANIFEST, BAD_MANIFEST, NO_ENTRY, MISSING_FILE, UNREADABLE = (
    "no-manifest", "bad-manifest", "no-entry", "missing-file", "unreadable")
EDITED, NO_DOCNO, UNLISTED = "edited", "no-docno", "unlisted"


class SourceError(Exception):
    """A problem with a source file or the manifest; ``path`` names the file concerned and
    ``kind`` what is wrong with it (one of the constants above)."""

    def __init__(self, path: str, message: str, kind: str = BAD_MANIFEST) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
        self.kind = kind


@dataclass(frozen=True)
class ManifestEntry:
    filename: str
    docno: str
    sha256: str
    # False: the text does not print its 文号; the manifest declares it
    docno_in_text: bool = True


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
            raise SourceError(str(mpath), "manifest not found", NO_MANIFEST) from None
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
        in_text = entry.get("docno_in_text", True)
        if not isinstance(docno, str) or not isinstance(sha, str) or not docno.strip():
            raise SourceError(str(mpath), f'entry {name!r} needs string "docno" and "sha256"')
        if not isinstance(in_text, bool):
            raise SourceError(str(mpath), f'entry {name!r}: "docno_in_text" must be true or '
                                          "false")
        if "/" in name or "\\" in name or name.startswith("."):
            raise SourceError(str(mpath), f"entry {name!r}: a file name of this folder, "
                                          "without a path, is expected")
        out[str(name)] = ManifestEntry(filename=str(name), docno="".join(docno.split()),
                                       sha256=sha.lower(), docno_in_text=in_text)
    return out


def write_manifest(sources_dir: Path, entries: dict[str, ManifestEntry]) -> None:
    """Write ``MANIFEST.json`` as docs/sources.md describes it, keeping any other top-level
    key of the file already there; the new file replaces the old in one rename."""
    mpath = Path(sources_dir) / MANIFEST_NAME
    try:
        raw = json.loads(fileio.read_bytes(mpath).decode("utf-8"))
    except fileio.FileProblem:
        raw = {}
    data = raw if isinstance(raw, dict) else {}
    files: dict[str, dict[str, object]] = {}
    for name, e in sorted(entries.items()):
        files[name] = {"docno": e.docno, "sha256": e.sha256}
        if not e.docno_in_text:
            files[name]["docno_in_text"] = False
    data["files"] = files
    tmp = mpath.with_name(MANIFEST_NAME + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                   encoding="utf-8")
    tmp.replace(mpath)


def find_docnos(text: str) -> list[str]:
    """Every 文号 the text carries, whitespace removed: first those standing on a line of
    their own (a notice's own 文号 line), then, in order, those inside the text (a 国务院令's
    promulgation line, the documents it cites)."""
    own: list[str] = []
    inside: list[str] = []
    for line in normalise_lines(text).split("\n"):
        m = _DOCNO_RE.fullmatch(normalise(line))
        if m is not None:
            own.append(m.group("order") or m.group("serial"))
    # the 令 form may be broken over lines (国务院令 / 第 708 号); a serial one is not, and its
    # issuer stops where the line does
    for m in _DOCNO_RE.finditer(normalise(text)):
        if m.group("order"):
            inside.append(m.group("order"))
    for line in normalise_lines(text).split("\n"):
        for m in _DOCNO_RE.finditer(normalise(line)):
            if m.group("serial"):
                inside.append(m.group("serial"))
    return list(dict.fromkeys(own + inside))


def has_docno(text: str, docno: str) -> bool:
    """Whether ``docno`` stands in ``text`` (whitespace-insensitively, and as a whole: not
    ``55号`` inside ``155号``)."""
    norm = normalise(text)
    want = normalise(docno)
    i = norm.find(want)
    while i >= 0:
        if not (want[0].isdigit() and i > 0 and norm[i - 1].isdigit()):
            return True
        i = norm.find(want, i + 1)
    return False


def verify(sources_dir: Path) -> list[SourceError]:
    """Check every source file against the manifest.

    Reports files edited after their hash was recorded, listed files that are missing, ``.txt``
    files that are not listed, and files that do not carry the recorded 文号 (unless the
    manifest declares it: ``"docno_in_text": false``).
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
                                      if exc.kind == "missing" else f"{name}: {exc.english}",
                                      MISSING_FILE if exc.kind == "missing" else UNREADABLE))
            continue
        actual = hashlib.sha256(data).hexdigest()
        if actual != entry.sha256:
            errors.append(SourceError(
                str(fpath), f"{name} was edited after its hash was recorded: "
                            f"recorded sha256 {entry.sha256}, actual {actual}", EDITED))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            errors.append(SourceError(str(fpath), f"{name} is not UTF-8: {exc}", UNREADABLE))
            continue
        if entry.docno_in_text and not has_docno(text, entry.docno):
            errors.append(SourceError(
                str(fpath), f"{name} does not contain its 文号 {entry.docno!r} anywhere; if the "
                            'text does not print it, declare it: "docno_in_text": false',
                NO_DOCNO))
    listed = set(manifest)
    for fpath in sorted(sources_dir.glob("*.txt")):
        if fpath.name not in listed:
            errors.append(SourceError(str(fpath), f"{fpath.name} is not listed in {MANIFEST_NAME}",
                                      UNLISTED))
    return errors


# --------------------------------------------------------------------------- loading

_NOTICE_CACHE: dict[tuple[str, str, str], Notice] = {}
_NOTICE_CACHE_MAX = 256


def _resolve_entry(manifest: dict[str, ManifestEntry], docno: str) -> ManifestEntry | None:
    """Find the entry for a full 文号, a short ``55``/``55号``, or a file stem (``gan18``)."""
    query = "".join(docno.split()).removeprefix("中华人民共和国")
    exact = [e for e in manifest.values() if e.docno.removeprefix("中华人民共和国") == query]
    if exact:
        return exact[0]
    stems = [e for e in manifest.values() if Path(e.filename).stem == query]
    if len(stems) == 1:
        return stems[0]
    m = _DOCNO_SHORT_RE.fullmatch(query)
    if m is None:
        return None
    num = str(int(m.group("n")))
    short = [e for e in manifest.values() if re.search(r"[〕］\]﹞第]0*" + num + "号$", e.docno)]
    if len(short) > 1:
        listed = ", ".join(sorted(e.docno for e in short))
        raise SourceError(docno, f"ambiguous notice number; could be {listed}", NO_ENTRY)
    return short[0] if short else None


def load_notice(sources_dir: Path, docno: str) -> Notice:
    """Load and parse the notice with 文号 ``docno`` (``"海政办发〔2022〕55号"``, ``"55"``,
    ``"55号"`` or a file stem such as ``"gan18"``).  Parses are cached by (path, SHA-256)."""
    sources_dir = Path(sources_dir)
    manifest = load_manifest(sources_dir)
    entry = _resolve_entry(manifest, docno)
    if entry is None:
        known = ", ".join(e.docno for e in manifest.values()) or "none"
        raise SourceError(docno, f"{MANIFEST_NAME} has no entry for this 文号 (it lists: "
                                 f"{known})", NO_ENTRY)
    fpath = sources_dir / entry.filename
    try:
        data = fileio.read_bytes(fpath)
    except fileio.FileProblem as exc:
        raise SourceError(str(fpath), f"cannot read {entry.filename}: {exc.english}",
                          MISSING_FILE if exc.kind == "missing" else UNREADABLE) from None
    sha = hashlib.sha256(data).hexdigest()
    key = (str(fpath.resolve()), sha, entry.docno)
    cached = _NOTICE_CACHE.get(key)
    if cached is not None:
        return cached
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(str(fpath), f"{entry.filename} is not UTF-8: {exc}",
                          UNREADABLE) from None
    notice = parse_notice(normalise_lines(text), docno=entry.docno, path=fpath, sha256=sha)
    if len(_NOTICE_CACHE) >= _NOTICE_CACHE_MAX:
        _NOTICE_CACHE.clear()
    _NOTICE_CACHE[key] = notice
    return notice


# --------------------------------------------------------------------------- quotes


def normalise(text: str) -> str:
    """Remove all whitespace (spaces, U+3000, tabs, line breaks) and zero-width characters."""
    return "".join(ch for ch in text if not (ch.isspace() or ch in INVISIBLE))


def normalise_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """:func:`normalise` plus, for each kept character, its offset in ``text``."""
    keep = [i for i, ch in enumerate(text) if not (ch.isspace() or ch in INVISIBLE)]
    return "".join(text[i] for i in keep), tuple(keep)


@functools.lru_cache(maxsize=64)
def _index(text: str) -> tuple[str, tuple[int, ...]]:
    # str caches its hash and dict lookup tries identity first, so repeated calls with the
    # same Notice.text object are O(1).
    return normalise_with_offsets(text)


def clause_exists(notice: Notice, clause: str) -> bool:
    return resolve_clause(notice, clause) is not None


def _norm_range(offsets: tuple[int, ...], section: Section) -> tuple[int, int]:
    return bisect.bisect_left(offsets, section.start), bisect.bisect_left(offsets, section.end)


def find_quote(notice: Notice, clause: str, quote: str) -> QuoteMatch | None:
    """Find ``quote`` (whitespace-insensitively) inside section ``clause``, subsections
    included.  ``None`` if the clause does not exist, the quote is empty or not there."""
    path = resolve_clause(notice, clause)
    if path is None:
        return None
    section = notice.sections[path]
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
    return QuoteMatch(clause=section.path, start=start, end=end, line=line_of(notice.text, start))


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
