"""`polc check --watch`, `polc test --watch`: run the command again each time a file it reads
is saved.

What is watched: the folders of the policies named (a new .pol file in a folder named on
the command line is picked up at the next run), the sources/ folder each policy's notices
are read from, and the calendar/ folder beside each.  An editor's save is often several
events (write a temporary file, rename it, change its mode); watchfiles gathers the events
of a burst into one set, so a save runs the command once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

from polc.compiler.citations import verify

READY_MS = 300


class Watched:
    """The folders to watch for the policies `paths` (files or folders), and which files
    in them a run reads: policies, the notices and manifest in sources/, calendars in
    calendar/ (a log or any other file written there is no reason to run again)."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.policies: set[Path] = set()
        self.sources: set[Path] = set()
        self.calendars: set[Path] = set()
        for p in paths:
            p = p.resolve()
            base = p if p.is_dir() else p.parent
            self.policies.add(base)
            found = verify.find_sources_dir(str(p)) if p.is_file() else base / "sources"
            if found is not None and found.is_dir():
                self.sources.add(found.resolve())
            if (base / "calendar").is_dir():
                self.calendars.add(base / "calendar")

    @property
    def roots(self) -> list[Path]:
        return sorted(f for f in self.policies | self.sources | self.calendars if f.is_dir())

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        p = Path(path)
        folder = p.parent
        return (p.suffix == ".pol" and folder in self.policies) \
            or (folder in self.sources and p.suffix in (".txt", ".json")) \
            or (folder in self.calendars and p.suffix == ".toml")


def watch(paths: list[Path], run: Callable[[], int], echo: Callable[[str], None], *,
          stop: threading.Event | None = None) -> int:
    """Run `run` now and after every change, until interrupted (Ctrl-C) or `stop` is set;
    the last run's exit code."""
    code = run()
    watched = Watched(paths)
    roots = watched.roots
    ready = False
    # an empty set comes when the watcher has waited READY_MS with no change: it is then
    # watching, and a save from now on is seen, which is when the line saying so is true
    for changes in watchfiles.watch(*roots, watch_filter=watched, stop_event=stop,
                                    raise_interrupt=False, yield_on_timeout=True,
                                    rust_timeout=READY_MS):
        if not changes:
            if not ready:
                echo(_waiting(roots))
                ready = True
            continue
        names = sorted({Path(p).name for _, p in changes})
        echo(f"\n--- {dt.datetime.now():%H:%M:%S} 文件变更: {', '.join(names)} ---")
        code = run()
        ready = False
    return code


def _waiting(roots: list[Path]) -> str:
    return "watching " + ", ".join(str(r) for r in roots) + " (Ctrl-C to stop)"
