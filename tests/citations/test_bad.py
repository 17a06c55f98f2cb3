"""Wrong programs the citations stage refuses: tests/citations/bad/*.pol (see tests/corpus.py),
verified against the repository's notice texts (policies/sources, found above the folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from polc.compiler import pipeline
from polc.compiler.diagnostics import render

from ..corpus import cases, check
from ..paths import ROOT

CASES = cases(Path(__file__).resolve().parent / "bad")


def rendered(text: str, name: str) -> str:
    compiled = pipeline.compile_source(text, name, origin=ROOT / name)
    return "".join(render(d, {name: compiled.source}) + "\n" for d in compiled.diagnostics)


def test_corpus_is_there() -> None:
    assert len(CASES) >= 8


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_program(path: Path) -> None:
    check(path, rendered)
