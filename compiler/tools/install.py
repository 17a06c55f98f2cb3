"""Moving a build into its output folder: polc replaces and removes only what it wrote.

A build is first written into a staging folder inside OUT (the same file system, so each
file moves into place with one rename).  OUT/.polc-build.json records the path and SHA-256
of every file the last build installed and every folder it created.  Then:

- a file already at a target path is replaced only when the record lists it with its
  current SHA-256.  Any other file there (the user's own, or one of polc's edited since)
  refuses the whole build before anything moves, and is named;
- a target whose folders are not plain folders (a file or a symbolic link stands there)
  refuses the build the same way, so nothing is written outside OUT;
- files the last build wrote and this one did not are removed, again only when unchanged;
  folders polc created are removed once empty.  Nothing else in OUT is touched: building
  into `.` or into a folder of one's own is safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from polc.compiler import files as fileio

__all__ = ["BUILD", "RECORD", "SITE", "Layout", "Record", "Refused", "install", "read_record"]

RECORD = ".polc-build.json"
FORMAT = "polc build record 1"


@dataclass(frozen=True)
class Layout:
    """Where one command writes in OUT: its record, and the paths it may own.  A record
    naming any other path is not polc's."""

    record: str
    areas: tuple[str, ...]  # the first folder of every path it writes
    top_suffix: str = ""  # and files directly in OUT with this suffix (the site's pages)


# `polc build`: build/python, build/diagrams, build/reports, build/site
BUILD = Layout(RECORD, ("python", "diagrams", "reports", "site"))
# `polc site -o DIR`: DIR/index.html, DIR/<name>.html, DIR/static/
SITE = Layout(".polc-site.json", ("static",), ".html")


class Refused(Exception):
    """The build would overwrite, mix up or remove what is not polc's; nothing was moved."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Record:
    files: dict[str, str] = field(default_factory=dict)  # path inside OUT -> sha256
    dirs: set[str] = field(default_factory=set)  # folders polc created


def _safe(rel: object, layout: Layout) -> bool:
    if not isinstance(rel, str):
        return False
    p = PurePosixPath(rel)
    if not p.parts or str(p) != rel or p.is_absolute() or ".." in p.parts or "\\" in rel:
        return False
    return p.parts[0] in layout.areas or (
        len(p.parts) == 1 and bool(layout.top_suffix) and rel.endswith(layout.top_suffix))


def _sha256(path: Path) -> str:
    return hashlib.sha256(fileio.read_bytes(path)).hexdigest()


def read_record(out: Path, layout: Layout = BUILD) -> Record:
    """The record of the last build into `out` (empty when there is none)."""
    path = out / layout.record
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return Record()
    refuse = Refused([f"{path}: not a polc build record; move it away or build elsewhere"])
    if not stat.S_ISREG(mode):
        raise refuse
    try:
        raw = json.loads(fileio.read_bytes(path).decode("utf-8"))
    except (fileio.FileProblem, ValueError, RecursionError):
        raise refuse from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise refuse
    files, dirs = raw.get("files"), raw.get("dirs")
    if (not isinstance(files, dict) or not isinstance(dirs, list)
            or not all(_safe(k, layout) and isinstance(v, str) for k, v in files.items())
            or not all(_safe(d, layout) for d in dirs)):
        raise refuse
    return Record(dict(files), set(dirs))


def _ancestors(rel: str) -> list[str]:
    """The folders of `rel` inside OUT, outermost first: diagrams, diagrams/x for
    diagrams/x/a.dot."""
    parts = PurePosixPath(rel).parts
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _not_a_folder(out: Path, folders: list[str]) -> Path | None:
    """The first of `folders` (outermost first) that exists as something else than a plain
    folder (a file, a symbolic link), or None."""
    for d in folders:
        try:
            mode = os.lstat(out / d).st_mode
        except FileNotFoundError:
            return None
        if not stat.S_ISDIR(mode):
            return out / d
    return None


def _blocker(out: Path, rel: str, record: Record, name: str) -> str | None:
    """Why the file at `rel` must not be replaced, or None when polc may write there."""
    bad = _not_a_folder(out, _ancestors(rel))
    if bad is not None:
        return f"{bad}: exists and is not a folder; move it away or build into another folder"
    target = out / rel
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return None
    if rel not in record.files:
        return (f"{target}: exists and polc did not write it (it is not in {out / name}); "
                "move it away or build into another folder")
    if not stat.S_ISREG(mode) or _sha256(target) != record.files[rel]:
        return f"{target}: changed since polc wrote it; move it away, then build again"
    return None


def install(stage: Path, out: Path, staged: Iterable[str], record: Record,
            echo: Callable[[str], None], layout: Layout = BUILD) -> None:
    """Move the files `staged` (paths inside `stage`) into `out`, then remove what the last
    build wrote and this one did not; raises Refused, before moving anything, when a file
    polc does not own is in the way."""
    hashes = {rel: _sha256(stage / rel) for rel in sorted(staged)}
    problems = [p for rel in hashes
                if (p := _blocker(out, rel, record, layout.record)) is not None]
    if problems:
        raise Refused(problems)
    dirs = {d for d in record.dirs if os.path.isdir(out / d)}
    for rel in hashes:
        for d in _ancestors(rel):
            if not os.path.lexists(out / d):
                os.mkdir(out / d)
                dirs.add(d)
        os.replace(stage / rel, out / rel)
    for rel, sha in sorted(record.files.items()):
        target = out / rel
        if (rel in hashes or _not_a_folder(out, _ancestors(rel)) is not None
                or not os.path.lexists(target)):
            continue
        if stat.S_ISREG(os.lstat(target).st_mode) and _sha256(target) == sha:
            target.unlink()
        else:
            echo(f"polc: kept {target}: polc wrote it in the last build, but it changed since")
    needed = {d for rel in hashes for d in _ancestors(rel)}
    for d in sorted(dirs - needed, key=lambda d: d.count("/"), reverse=True):
        if _not_a_folder(out, [*_ancestors(d), d]) is None:
            try:
                os.rmdir(out / d)  # only ever removes an empty folder
                dirs.discard(d)
            except OSError:
                pass  # something not polc's is in it: it stays, and stays recorded
    text = json.dumps({"format": FORMAT, "files": hashes, "dirs": sorted(dirs)},
                      ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (stage / layout.record).write_text(text, encoding="utf-8")
    os.replace(stage / layout.record, out / layout.record)
