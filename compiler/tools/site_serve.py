"""`polc serve`: the reviewers' site and its JSON API (site_api) on one local address,
rebuilt when a policy, its notice text, its .uncovered file or a calendar changes.

Each build is rendered into a fresh temporary folder and then swapped in whole, with the
API's policies, so a request sees one build or the next, never half of each; a rebuild
that fails (two policies that would get one name, a path that went away) keeps serving
the last good build and says why.  The temporary folders are polc's own and removed on
exit; nothing is written beside the policies.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import attrs
import uvicorn
import watchfiles
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from polc.compiler import files as fileio
from polc.compiler import pipeline
from polc.viz.site import model as M
from polc.viz.site.render import render_site

from . import build, install, site, site_api

__all__ = ["Live", "serve"]

# what a change to may change the site: policies, marks, notice texts, manifests, calendars
WATCHED = (".pol", ".uncovered", ".txt", ".json", ".toml")


@attrs.frozen
class Build:
    root: Path
    policies: site_api.Policies
    static: StaticFiles
    # the series the index shows (docs/versions.md), as collected
    series: tuple[M.Series, ...] = ()


def build_once(files: list[Path]) -> Build:
    """Compile, collect and render `files` into a new temporary folder."""
    compiled = {p: pipeline.compile_file(p) for p in files}
    collected = site.collect(files, compiled=compiled)
    names = build.output_names(files)
    root = Path(tempfile.mkdtemp(prefix="polc-serve-"))
    try:
        render_site(collected, root)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    policies = site_api.entries(collected, {names[p]: compiled[p] for p in files})
    return Build(root, policies, StaticFiles(directory=root, html=True), collected.series)


class Live:
    """The build being served, replaced by `rebuild`."""

    def __init__(self, paths: Iterable[str], echo: Callable[[str], None]) -> None:
        self.paths = list(paths)
        self.echo = echo
        self._lock = threading.Lock()
        self._current: Build | None = None
        self._previous: Build | None = None

    @property
    def current(self) -> Build:
        assert self._current is not None, "rebuild() first"
        return self._current

    def policies(self) -> site_api.Policies:
        return self.current.policies

    def rebuild(self) -> bool:
        """Build again from the paths; False (and the last build kept) when it cannot."""
        with self._lock:
            found, problems = fileio.list_policies(self.paths)
            if problems or not found:
                for p in problems or [f"no policy in {', '.join(self.paths)}"]:
                    self.echo(f"polc: {p}")
                return False
            try:
                new = build_once(found)
            except install.Refused as exc:
                for p in exc.problems:
                    self.echo(f"polc: {p}")
                return False
            # the build before last goes now: a request still reading the last one's files
            # (started before this swap) finds them in place
            if self._previous is not None:
                shutil.rmtree(self._previous.root, ignore_errors=True)
            self._previous, self._current = self._current, new
            return True

    async def site(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.current.static(scope, receive, send)

    def close(self) -> None:
        for b in (self._previous, self._current):
            if b is not None:
                shutil.rmtree(b.root, ignore_errors=True)

    def watched(self) -> list[Path]:
        """The folders to watch: each folder named, and the folder of each file named."""
        out: dict[Path, None] = {}
        for p in map(Path, self.paths):
            out[(p if p.is_dir() else p.parent).resolve()] = None
        return list(out)


def _relevant(change: watchfiles.Change, path: str) -> bool:
    return path.endswith(WATCHED) and "/." not in path.replace("\\", "/")


def _watch(live: Live, stop: threading.Event) -> None:
    for changes in watchfiles.watch(*live.watched(), watch_filter=_relevant, stop_event=stop,
                                    debounce=300, raise_interrupt=False):
        names = sorted({Path(p).name for _, p in changes})
        live.echo(f"changed: {', '.join(names)}; rebuilding")
        if live.rebuild():
            live.echo("rebuilt")


def serve(paths: list[str], host: str, port: int, echo: Callable[[str], None], *,
          watch: bool = True) -> None:
    """Serve until interrupted.  Raises OSError when the address cannot be had and
    install.Refused when the first build cannot be made."""
    live = Live(paths, echo)
    if not live.rebuild():
        raise install.Refused(["nothing to serve"])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    stop = threading.Event()
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        # listening before the address is printed: a client that reads it and connects at
        # once waits in the backlog until the server accepts, and is never refused
        sock.listen(2048)
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if family == socket.AF_INET6 else host
        application = site_api.app(live.policies, live.site)
        config = uvicorn.Config(application, log_level="warning", access_log=False,
                                lifespan="off")
        server = uvicorn.Server(config)
        if watch:
            threading.Thread(target=_watch, args=(live, stop), daemon=True).start()
        echo(f"serving http://{shown}:{bound}/ (the API at /api/policies); "
             + ("rebuilding on change; " if watch else "") + "Ctrl-C stops")
        server.run(sockets=[sock])
    finally:
        stop.set()
        sock.close()
        live.close()
