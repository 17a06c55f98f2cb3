"""Reading the files polc is given, and naming them: regular files only, never a hang.

A directory, a FIFO, a device, a socket or a dangling symbolic link can carry any name,
`x.pol` included.  Opening a FIFO for reading waits for a writer forever and reading a
directory raises; so every command inspects a path with `stat` before it opens it, and opens
it without blocking so that a FIFO swapped in after the check is refused, not waited on.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .lexical import newlines

__all__ = ["FileProblem", "display_path", "list_policies", "output_name", "problem", "read_bytes",
           "read_text"]

# kind -> (English for `polc: ...` messages, Chinese for diagnostics)
KINDS = {
    "directory": ("a directory", "目录"),
    "fifo": ("a named pipe (FIFO)", "命名管道 (FIFO)"),
    "char": ("a character device", "字符设备"),
    "block": ("a block device", "块设备"),
    "socket": ("a socket", "套接字"),
    "other": ("not a regular file", "非普通文件"),
    "dangling": ("a dangling symbolic link", "失效的符号链接"),
    "missing": ("no such file or directory", "文件不存在"),
}


class FileProblem(Exception):
    """`path` is not a regular file polc can read; `kind` is a key of KINDS, or "unreadable"
    with the system's reason in `detail`."""

    def __init__(self, path: Path, kind: str, detail: str = "") -> None:
        self.path, self.kind, self.detail = path, kind, detail
        super().__init__(f"{path}: {self.english}")

    @property
    def english(self) -> str:
        if self.kind == "unreadable":
            return f"cannot be read: {self.detail}"
        what = KINDS[self.kind][0] + (f" to {self.detail}" if self.detail else "")
        if self.kind in ("missing", "other"):
            return what
        return f"{what}, not a regular file"

    @property
    def chinese(self) -> str:
        if self.kind == "unreadable":
            return f"无法读取文件: {self.detail}"
        if self.kind == "missing":
            return "文件不存在"
        return f"不是普通文件, 而是{KINDS[self.kind][1]}"


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    for test, kind in ((stat.S_ISDIR, "directory"), (stat.S_ISFIFO, "fifo"),
                       (stat.S_ISCHR, "char"), (stat.S_ISBLK, "block"),
                       (stat.S_ISSOCK, "socket")):
        if test(mode):
            return kind
    return "other"


def problem(path: Path) -> FileProblem | None:
    """Why `path` cannot be read as a file, or None for a regular file (or a link to one)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.lexists(path):
            return FileProblem(path, "dangling", os.readlink(path))
        return FileProblem(path, "missing")
    except OSError as exc:
        return FileProblem(path, "unreadable", exc.strerror or str(exc))
    kind = _kind(st.st_mode)
    return FileProblem(path, kind) if kind else None


def read_bytes(path: Path) -> bytes:
    """The content of a regular file; FileProblem for anything else."""
    found = problem(path)
    if found is not None:
        raise found
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise problem(path) or FileProblem(path, "unreadable",
                                           exc.strerror or str(exc)) from None
    with os.fdopen(fd, "rb") as f:
        kind = _kind(os.fstat(f.fileno()).st_mode)
        if kind is not None:
            raise FileProblem(path, kind)
        try:
            return f.read()
        except OSError as exc:
            raise FileProblem(path, "unreadable", exc.strerror or str(exc)) from None


def read_text(path: Path) -> str:
    r"""read_bytes decoded as UTF-8 (UnicodeDecodeError when it is not), `\r\n` and `\r`
    read as `\n` (`lexical.newlines`), as Python's text mode reads them."""
    return newlines(read_bytes(path).decode("utf-8"))


def list_policies(paths: Iterable[str]) -> tuple[list[Path], list[FileProblem]]:
    """The policy files the command-line PATHS name: each folder's `*.pol` entries (sorted,
    not recursive) and each file given directly; every path once, in the order given.
    Entries that are not regular files come back as problems, for the caller to refuse;
    so does a folder named `*.pol`, which a user would mean as a policy file."""
    files: list[Path] = []
    problems: list[FileProblem] = []
    seen: set[str] = set()
    for raw in paths:
        p = Path(raw)
        folder = p.is_dir() and p.suffix != ".pol"
        for f in sorted(p.glob("*.pol")) if folder else [p]:
            found = problem(f)
            if found is not None:
                problems.append(found)
                continue
            real = os.path.realpath(f)
            if real not in seen:
                seen.add(real)
                files.append(f)
    return files, problems


def display_path(path: Path) -> str:
    """How a policy file is named in messages, positions and everything generated: its
    folder's name and its own (`policies/58_finance_assessment.pol`), whatever the working
    directory and however the path was written, so that a build is the same bytes
    wherever it runs.  Commands take a folder's own `*.pol` files, never deeper ones, so
    this is the path relative to the parent of the folder given on the command line."""
    full = Path(os.path.abspath(path))
    return (Path(full.parent.name) / full.name).as_posix()


def output_name(path: Path) -> str | None:
    """The name a policy's outputs are built under, or None when its file name gives none
    (no letter or digit: `.pol`, `...pol`).  The file name without `.pol`, NFKC-normalised
    as Python normalises identifiers, each character that cannot stand in a Python name
    replaced by `_`: `a-b.pol` gives `a_b` (python/policy_a_b.py, diagrams/a_b/,
    reports/a_b.md).  So a name never holds a path separator, `..` or a space."""
    stem = path.name.removesuffix(".pol") if path.name.endswith(".pol") else path.stem
    stem = unicodedata.normalize("NFKC", stem)
    if not any(ch.isalnum() for ch in stem):
        return None
    return "".join(ch if ("_" + ch).isidentifier() else "_" for ch in stem)
