"""`polc source add`: record a notice's text, byte for byte, in a sources/ folder.

The file is copied unchanged (never re-encoded, re-wrapped or trimmed), its SHA-256 and
文号 are written to the folder's MANIFEST.json (docs/sources.md), and the clause tree the
parser finds is returned for the drafter to confirm before citing it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from polc.compiler import files as fileio
from polc.compiler.lexical import normalise as normalise_lines

from . import sources

__all__ = ["RecordError", "Recorded", "add_source", "clause_tree", "default_sources_dir", "describe"]


class RecordError(Exception):
    """Why a text cannot be recorded; nothing was written."""


@dataclass(frozen=True)
class Recorded:
    path: Path
    entry: sources.ManifestEntry
    notice: sources.Notice
    # other 文号 the text carries (documents it cites), for the drafter to check the choice
    others: tuple[str, ...]
    unchanged: bool  # the same bytes were already recorded under this name


def default_sources_dir(start: Path) -> Path:
    """Where notices go when no folder is named: an existing ``sources/`` or
    ``policies/sources/`` of ``start``, else ``start/sources``."""
    for cand in (start / "sources", start / "policies" / "sources"):
        if cand.is_dir():
            return cand
    return start / "sources"


def _read(path: Path) -> tuple[bytes, str]:
    try:
        data = fileio.read_bytes(path)
    except fileio.FileProblem as exc:
        raise RecordError(str(exc)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"{path}: not UTF-8 (byte {exc.start + 1}: {exc.reason}); save the "
                          "notice as UTF-8 text first") from None
    return data, text


def add_source(file: Path, sources_dir: Path, docno: str | None = None,
               name: str | None = None) -> Recorded:
    """Copy ``file`` into ``sources_dir`` as ``name`` (default: its own name, ``.txt`` added
    when missing) and record it in the manifest.  The 文号 is ``docno`` when given (declared
    in the manifest when the text does not print it), else the first the text carries."""
    data, text = _read(file)
    if not text.strip():
        raise RecordError(f"{file}: the file is empty")
    target_name = name or file.name
    if not target_name.endswith(".txt"):
        target_name += ".txt"
    if "/" in target_name or "\\" in target_name or target_name.startswith("."):
        raise RecordError(f"{target_name!r}: a plain file name is expected")
    found = sources.find_docnos(text)
    if docno is not None:
        chosen = "".join(docno.split())
        if not chosen:
            raise RecordError("--docno is empty")
    elif found:
        chosen = found[0]
    else:
        raise RecordError(f"{file}: no 文号 found in the text (such as 海政办发〔2022〕55号, "
                          "财税〔2019〕13号, 国务院令第708号); give it with --docno")
    in_text = sources.has_docno(text, chosen)
    if sources_dir.exists() and not sources_dir.is_dir():
        raise RecordError(f"{sources_dir}: exists and is not a folder")
    manifest: dict[str, sources.ManifestEntry] = {}
    if (sources_dir / sources.MANIFEST_NAME).exists():
        try:
            manifest = sources.load_manifest(sources_dir)
        except sources.SourceError as exc:
            raise RecordError(f"{exc}; fix the manifest first (docs/sources.md)") from None
    for entry in manifest.values():
        if entry.docno == chosen and entry.filename != target_name:
            raise RecordError(f"文号 {chosen} is already recorded as {entry.filename} in "
                              f"{sources_dir / sources.MANIFEST_NAME}")
    target = sources_dir / target_name
    unchanged = False
    if target.exists() or target.is_symlink():
        if target.is_symlink() or not target.is_file() or target.read_bytes() != data:
            raise RecordError(f"{target}: a different file of that name is already there; "
                              "nothing was written (choose another name with --name)")
        unchanged = True
    notice = sources.parse_notice(normalise_lines(text), docno=chosen, path=target,
                                  sha256=hashlib.sha256(data).hexdigest())
    entry = sources.ManifestEntry(target_name, chosen, notice.sha256, docno_in_text=in_text)
    sources_dir.mkdir(parents=True, exist_ok=True)
    if not unchanged:
        with open(target, "xb") as out:  # never replaces a file that appeared meanwhile
            out.write(data)
    manifest[target_name] = entry
    sources.write_manifest(sources_dir, manifest)
    return Recorded(target, entry, notice, tuple(d for d in found if d != chosen), unchanged)


def clause_tree(notice: sources.Notice, width: int = 40) -> list[str]:
    """One line per clause, indented by depth: its path and the start of its heading."""
    out: list[str] = []
    for path, sec in notice.sections.items():
        if path in (sources.NOTICE_PATH, sources.PREAMBLE_PATH):
            continue
        heading = sec.heading if len(sec.heading) <= width else sec.heading[:width] + "…"
        out.append(f"{'  ' * max(0, sec.depth - 1)}{path}  {heading}")
    for alias, path in notice.aliases.items():
        out.append(f"{alias} = {path}")
    return out


def describe(done: Recorded) -> list[str]:
    """What `polc source add` prints: where the text went, its 文号 and its clauses."""
    e = done.entry
    how = "found in the text" if e.docno_in_text else \
        "declared in the manifest: the text does not print it"
    out = [("already recorded: " if done.unchanged else "recorded ")
           + f"{done.path.name} in {done.path.parent / sources.MANIFEST_NAME}",
           f"  文号 {e.docno} ({how})", f"  sha256 {e.sha256}"]
    if done.others:
        out.append("  other 文号 in the text (cited documents?): " + ", ".join(done.others)
                   + "; choose with --docno if the first is not this notice's")
    tree = clause_tree(done.notice)
    out.append(f"clauses ({len(tree)}):" if tree else "clauses: none found (cite 通知 or 序言)")
    out += ["  " + line for line in tree]
    out += [f"warning: {w}" for w in done.notice.warnings]
    return out
