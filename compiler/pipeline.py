"""One compilation of one policy: each stage's result computed once, when first asked for.

    c = pipeline.compile_file(Path("policies/55_overseas_labor_emergency.pol"))
    c.source       the text, line breaks normalised (lexical.normalise)
    c.tree         syntax: the Lark parse tree, or None when the text does not parse
    c.ast          syntax: the typed syntax tree (syntax.ast.Module)
    c.ir           semantics: the checked policy (ir.Policy)
    c.diagnostics  every stage that reports: syntax, semantics, citations, the Python
                   backend's names, the numeric bounds and the analyses
    c.ok           the policy compiles: an IR and no error
    c.python       the generated module's text (backends.python)
    c.module       that module, loaded
    c.vector       the batch module's text and its W7xx warnings (backends.vector)
    c.batch        that module, loaded: `<decision>_batch` over numpy columns
    c.diagrams     name -> DOT text of every diagram (polc.viz)

Every command, the pytest plugin and the tests compile through this object (as Vyper's
CompilerData does): a stage runs the stages it needs and no other, so `polc fmt` parses
and never checks, and `polc eval` loads exactly what a developer who imports the
generated module gets.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from lark import Token, Tree

from . import files, ir, lexical
from .diagnostics import Diagnostics, Span
from .syntax import ast as A

if TYPE_CHECKING:
    from .backends.vector import Generated

T = TypeVar("T")


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


def _stage(compute: Callable[[Compilation], T | None]) -> functools.cached_property[T | None]:
    """A stage: computed once, with the cyclic collector paused; a structure too deep for
    Python's stack is a located error (E004), never a traceback."""
    @functools.wraps(compute)
    def run(self: Compilation) -> T | None:
        with without_cycle_collection():
            try:
                return compute(self)
            except RecursionError:
                # parser.MAX_DEPTH stops deep nesting first; this keeps any other deep
                # structure a located error rather than a traceback
                self.reported.error("E004", "表达式嵌套过深", Span(self.path, 1, 1, 1, 2))
                return None
    return functools.cached_property(run)


class Compilation:
    """A policy's text as read from its file, with any line breaks and BOMs, named `path`
    in diagnostics and generated code; `origin`, the file it was read from (default:
    `path`), is where its sources/ folder is looked for."""

    def __init__(self, text: str, path: str, *, verify_sources: bool = True,
                 origin: Path | None = None,
                 read_error: files.FileProblem | UnicodeDecodeError | None = None) -> None:
        self.path = path
        self._text = text
        self._verify_sources = verify_sources
        self._origin = origin or Path(path)
        # why the file could not be read (compile_file), for a command to say in its words
        self.read_error = read_error
        # what the stages run so far have reported; `diagnostics` runs them all
        self.reported = Diagnostics()
        self._all_checked = False
        if isinstance(read_error, UnicodeDecodeError):
            self.reported.error("E000", f"文件不是 UTF-8 编码: {read_error.reason}",
                                Span(path, 1, 1, 1, 2))
        elif read_error is not None:
            code = "E021" if read_error.kind in ("missing", "unreadable") else "E020"
            self.reported.error(code, read_error.chinese, Span(path, 1, 1, 1, 2))

    @functools.cached_property
    def source(self) -> str:
        return lexical.normalise(self._text)

    @_stage
    def tree(self) -> Tree[Token] | None:
        if self.read_error is not None:
            return None
        from .syntax import parser
        return parser.parse_source(self.source, self.path, self.reported)

    @_stage
    def ast(self) -> A.Module | None:
        if self.tree is None:
            return None
        from .syntax import builder
        return builder.build(self.tree, self.path)

    @_stage
    def ir(self) -> ir.Policy | None:
        if self.ast is None:
            return None
        from . import semantics
        return semantics.check(self.ast, self.source, self.reported)

    @property
    def diagnostics(self) -> Diagnostics:
        if not self._all_checked:
            self._all_checked = True
            with without_cycle_collection():
                try:
                    self._check()
                except RecursionError:
                    self.reported.error("E004", "表达式嵌套过深", Span(self.path, 1, 1, 1, 2))
        return self.reported

    def _check(self) -> None:
        """The stages that only report: citations, the backend's names, bounds, analyses."""
        policy = self.ir
        if self.ast is None:
            return
        if self._verify_sources:
            from .citations import verify
            verify.verify(self.ast, verify.find_sources_dir(str(self._origin)), self.reported)
        from .backends.python import names
        names.check(self.ast, self.reported)
        if policy is not None and not self.reported.has_errors:
            from .analysis import analyse, bounds
            bounds.check(policy, self.reported)
            analyse(policy, self.reported)

    @property
    def ok(self) -> bool:
        return self.ir is not None and not self.diagnostics.has_errors

    def _checked(self) -> ir.Policy:
        if not self.ok or self.ir is None:
            raise ValueError(f"{self.path} does not compile")
        return self.ir

    @functools.cached_property
    def python(self) -> str:
        from .backends.python import generate
        with without_cycle_collection():
            return generate(self._checked(), self.path)

    @functools.cached_property
    def module(self) -> types.ModuleType:
        """The generated module, executed in a fresh module object (one per text: the
        same code is loaded once per process)."""
        return self._load(self.python, "polc_generated_")

    def _load(self, code: str, prefix: str) -> types.ModuleType:
        digest = hashlib.sha256(code.encode("utf-8")).hexdigest()[:16]
        name = f"{prefix}{digest}"
        if name in sys.modules:
            return sys.modules[name]
        module = types.ModuleType(name)
        module.__file__ = f"<polc {self.path}>"
        # registered before exec so dataclass/enum machinery can find the module
        sys.modules[name] = module
        # the code is polc's own output: text from the .pol file is only ever a repr() literal
        exec(compile(code, module.__file__, "exec"), module.__dict__)  # noqa: S102
        return module

    @functools.cached_property
    def vector(self) -> Generated:
        """The batch module's text over `module` (backends.vector), with the W7xx warnings
        of the decisions it computes row by row."""
        from .backends.vector import generate
        with without_cycle_collection():
            return generate(self._checked(), self.path, self.module.__name__)

    @functools.cached_property
    def batch(self) -> types.ModuleType:
        """The batch module (`<decision>_batch` over numpy columns), loaded."""
        return self._load(self.vector.text, "polc_generated_batch_")

    @functools.cached_property
    def diagrams(self) -> dict[str, str]:
        """name -> DOT source for every diagram of the policy."""
        from polc.viz import decisions, document, flows
        policy = self._checked()
        out: dict[str, str] = {"document": document.document_graph(policy).source}
        for d in policy.decisions:
            out[f"decision_{d.name}"] = decisions.decision_graph(policy, d).source
        out.update(flows.policy_graphs(policy))
        return out

    def show(self, write: Callable[[str], None], *, errors_only: bool = False) -> None:
        """Print the diagnostics, each with its line and a caret (diagnostics.show)."""
        from .diagnostics import show
        show(self.diagnostics, {self.path: self.source}, write, errors_only=errors_only)


def compile_source(text: str, path: str, *, verify_sources: bool = True,
                   origin: Path | None = None) -> Compilation:
    return Compilation(text, path, verify_sources=verify_sources, origin=origin)


def compile_file(path: Path, *, verify_sources: bool = True) -> Compilation:
    """The compilation of a policy file, named by `files.display_path`; a file that cannot
    be read is a compilation whose one diagnostic says why (E000, E020, E021)."""
    shown = files.display_path(path)
    try:
        text = files.read_text(path)
    except (files.FileProblem, UnicodeDecodeError) as exc:
        return Compilation("", shown, read_error=exc)
    return Compilation(text, shown, verify_sources=verify_sources, origin=path)
