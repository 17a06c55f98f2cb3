"""The series among a set of policy files, for the commands (docs/versions.md).

A series is found from each file's header alone (parsed, never checked, so `polc eval
--as-of` compiles only the version it evaluates); its checks are `analysis.versions`'.
Series are per folder: two folders may each hold a series of the same name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import attrs

from polc.compiler import files as fileio
from polc.compiler import pipeline
from polc.compiler import vocabulary as V
from polc.compiler.analysis import versions
from polc.compiler.diagnostics import Diagnostics
from polc.compiler.semantics import validity
from polc.compiler.syntax import ast as A

__all__ = ["Found", "find", "of_policy", "parse_day"]


@attrs.frozen
class Found:
    """The series of some files: each with the file of every version, and what the checks
    reported (with the texts their spans point into)."""

    series: tuple[versions.Series, ...]
    files: dict[str, Path]  # a version's shown path -> its file
    diagnostics: Diagnostics
    sources: dict[str, str]

    def of(self, file: str) -> versions.Series | None:
        return next((s for s in self.series
                     if any(v.policy.file == file for v in s.versions)), None)


def _member(path: Path) -> tuple[versions.Member, pipeline.Compilation] | None:
    c = pipeline.compile_file(path, verify_sources=False)
    module = c.ast
    if module is None:
        return None
    if not any(isinstance(it, A.Header) and it.key == V.Header.SERIES.value
               for it in module.items):
        return None
    period = validity.validity(module, Diagnostics())  # the file's own check reports these
    docno = next((it.value for it in module.items
                  if isinstance(it, A.Header) and it.key == V.Header.DOCNO.value), "")
    names = tuple(it.name for it in module.items if isinstance(it, A.Decision))
    return versions.Member(c.path, docno, period, names), c


def find(paths: Iterable[Path]) -> Found:
    """The series of `paths`, one folder at a time, checked."""
    by_folder: dict[Path, list[versions.Member]] = {}
    files: dict[str, Path] = {}
    sources: dict[str, str] = {}
    for p in paths:
        got = _member(p)
        if got is None:
            continue
        m, c = got
        by_folder.setdefault(p.resolve().parent, []).append(m)
        files[m.file] = p
        sources[c.path] = c.source
    diags = Diagnostics()
    found = [s for folder in sorted(by_folder)
             for s in versions.series_of(by_folder[folder], diags)]
    return Found(tuple(found), files, diags, sources)


def of_policy(policy: Path) -> tuple[versions.Series | None, Found]:
    """The series `policy` belongs to, among the policies of its folder."""
    found = find(fileio.list_policies([str(policy.parent)])[0])
    shown = pipeline.compile_file(policy, verify_sources=False).path
    return found.of(shown), found


def parse_day(text: str) -> dt.date | None:
    """A day written YYYY-MM-DD, or None."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if len(text) == 10 else None
