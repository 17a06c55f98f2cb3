"""pytest plugin: the examples (例) of .pol files as pytest items.

Registered as the ``polc`` pytest11 entry point.  Off by default, so installing polc changes
no one's test run: pass ``--polc`` or set ``polc_examples = true`` in the ini file, and
pytest collects every ``*.pol`` file it is given or finds under ``testpaths``, one item per
example.  A policy that does not compile is one failing item showing its errors.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from polc.compiler import pipeline
from polc.runtime import calendar, to_jsonable

from .examples import ExampleResult, run_examples, shown


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("polc")
    group.addoption("--polc", action="store_true", default=False,
                    help="collect the examples (例) of *.pol files as tests")
    parser.addini("polc_examples", type="bool", default=False,
                  help="collect the examples (例) of *.pol files as tests")


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("polc") or config.getini("polc_examples"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".pol" and _enabled(parent.config):
        return PolFile.from_parent(parent, path=file_path)
    return None


class ExampleFailed(Exception):
    def __init__(self, result: ExampleResult) -> None:
        super().__init__(result.line())
        self.result = result


class CompileFailed(Exception):
    pass


class PolFile(pytest.File):
    compiled: pipeline.Compilation | None = None
    _results: list[ExampleResult] | None = None

    def collect(self) -> Iterator[pytest.Item]:
        self.compiled = pipeline.compile_file(self.path)
        if not self.compiled.ok or self.compiled.ir is None:
            yield PolCompile.from_parent(self, name="compile")
            return
        for i, ex in enumerate(self.compiled.ir.examples):
            name = f"{ex.decision}[line {ex.site.span.line}]"
            yield PolExample.from_parent(self, name=name, index=i, line=ex.site.span.line)

    def results(self) -> list[ExampleResult]:
        # one module load and one run for all the examples of a file
        if self._results is None:
            assert self.compiled is not None
            # the calendar `polc test` counts on: POLC_CALENDAR, calendar/ beside the file
            # and the built-in years; a bad calendar file fails the examples with its errors
            previous = calendar.activate(calendar.assemble(
                folders=[self.path.parent / "calendar"], environ=os.environ))
            try:
                self._results = run_examples(self.compiled)
            finally:
                calendar.activate(previous)
        return self._results


class PolCompile(pytest.Item):
    def runtest(self) -> None:
        assert isinstance(self.parent, PolFile) and self.parent.compiled is not None
        c = self.parent.compiled
        errors: list[str] = []
        c.show(errors.append, errors_only=True)
        raise CompileFailed("\n".join(errors) or f"{c.path} does not compile")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, CompileFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.path.name}: compile"


class PolExample(pytest.Item):
    def __init__(self, *, index: int, line: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.line = line

    def runtest(self) -> None:
        assert isinstance(self.parent, PolFile)
        result = self.parent.results()[self.index]
        if not result.passed:
            raise ExampleFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, ExampleFailed):
            r = excinfo.value.result
            args = ", ".join(f"{k}={to_jsonable(v)}" for k, v in r.args.items())
            lines = [f"例 {r.decision}({args}) at {r.where}",
                     f"  expected: {shown(r.expected)}",
                     f"  got:      {shown(r.got)}"]
            if r.quote:
                lines.append(f"  quote:    「{r.quote}」")
            return "\n".join(lines)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.line - 1, f"例 {self.name}"
