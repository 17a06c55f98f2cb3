"""The pipeline, one stage per module: parse → AST → check → IR → backends.

`compile_source` runs the front end and returns every diagnostic; backends are
computed on demand from the IR.  `load_module` turns the generated Python into
a live module (what `polc eval` and `polc test` call), so what eval answers is
what a developer who imports the generated module gets.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import attrs

from . import files, ir, lexical
from .backends.python.codegen import generate
from .diagnostics import Diagnostics
from .semantics import checker as check
from .syntax import builder, parser


@attrs.define
class Compiled:
    path: str
    text: str
    diags: Diagnostics
    policy: ir.Policy | None
    # generated once: build writes it, then its report runs the examples on it
    _python: str | None = attrs.field(default=None, init=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.policy is not None and not self.diags.has_errors

    def python(self) -> str:
        assert self.policy is not None
        if self._python is None:
            with without_cycle_collection():
                self._python = generate(self.policy, self.path)
        return self._python


@contextlib.contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a policy compiles.

    The compiler allocates hundreds of thousands of small objects (tokens, tree
    and AST nodes) that reference counting frees on its own; the cyclic
    collector's full passes over that heap made compile time grow superlinearly
    (1,000 to 10,000 rows took 16x the time, 10x without it; bench/run.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def display_path(path: Path) -> str:
    """How a policy file is named in messages, positions and everything generated: its
    folder's name and its own (`policies/58_finance_assessment.pol`), whatever the working
    directory and however the path was written, so that a build is the same bytes
    wherever it runs.  Commands take a folder's own `*.pol` files, never deeper ones, so
    this is the path relative to the parent of the folder given on the command line."""
    full = Path(os.path.abspath(path))
    return (Path(full.parent.name) / full.name).as_posix()


def compile_source(text: str, path: str, *, verify_sources: bool = True,
                   origin: Path | None = None) -> Compiled:
    """Compile a policy's text as read from its file, with any line breaks and BOMs: it is
    normalised here (`lexical.normalise`), and `Compiled.text` is the result.  `path` names
    the text in diagnostics and generated code; `origin`, the file it was read from
    (default: `path`), is where its sources/ folder is looked for."""
    with without_cycle_collection():
        return _compile_source(text, path, verify_sources, origin or Path(path))


def _compile_source(text: str, path: str, verify_sources: bool, origin: Path) -> Compiled:
    diags = Diagnostics()
    text = lexical.normalise(text)
    tree = parser.parse_source(text, path, diags)
    policy = None
    if tree is not None:
        try:
            module = builder.build(tree, path)
            policy = check.check(module, text, diags)
            if verify_sources:
                from .citations import verify as citations
                citations.verify(module, citations.find_sources_dir(str(origin)), diags)
            if policy is not None and not diags.has_errors:
                from .analysis import checks as analysis
                from .semantics import bounds
                bounds.check(policy, diags)
                analysis.analyse(policy, diags)
        except RecursionError:
            # parser.MAX_DEPTH stops deep nesting first; this keeps any other deep
            # structure a located error rather than a traceback
            from .diagnostics import Span
            diags.error("E004", "表达式嵌套过深", Span(path, 1, 1, 1, 2))
            policy = None
    return Compiled(path, text, diags, policy)


def compile_file(path: Path, *, verify_sources: bool = True) -> Compiled:
    shown = display_path(path)
    try:
        text = files.read_text(path)
    except (files.FileProblem, UnicodeDecodeError) as exc:
        from .diagnostics import Span
        d = Diagnostics()
        if isinstance(exc, UnicodeDecodeError):
            d.error("E000", f"文件不是 UTF-8 编码: {exc.reason}", Span(shown, 1, 1, 1, 2))
        else:
            code = "E021" if exc.kind in ("missing", "unreadable") else "E020"
            d.error(code, exc.chinese, Span(shown, 1, 1, 1, 2))
        return Compiled(shown, "", d, None)
    return compile_source(text, shown, verify_sources=verify_sources, origin=path)


def load_module(compiled: Compiled) -> types.ModuleType:
    """Execute the generated module in a fresh module object."""
    code = compiled.python()
    digest = hashlib.sha256(code.encode("utf-8")).hexdigest()[:16]
    name = f"polc_generated_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    module = types.ModuleType(name)
    module.__file__ = f"<polc {compiled.path}>"
    # registered before exec so dataclass/enum machinery can find the module
    sys.modules[name] = module
    # the code is polc's own output: text from the .pol file is only ever a repr() literal
    exec(compile(code, module.__file__, "exec"), module.__dict__)  # noqa: S102
    return module
