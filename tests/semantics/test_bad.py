"""Wrong programs the semantics stage refuses: tests/semantics/bad/*.pol (see tests/corpus.py),
checked by that stage alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from polc.compiler.diagnostics import render
from polc.compiler.lexical import normalise

from ..corpus import cases, check
from .stage import checked

CASES = cases(Path(__file__).resolve().parent / "bad")


def rendered(text: str, name: str) -> str:
    _, diags = checked(text, name)
    return "".join(render(d, {name: normalise(text)}) + "\n" for d in diags)


def test_corpus_is_there() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_program(path: Path) -> None:
    check(path, rendered)
