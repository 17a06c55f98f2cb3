"""The corpus of wrong programs, one folder per stage (tests/<stage>/bad/*.pol, one defect
each), each file's expected diagnostics beside it as <name>.expected: the rendered
`polc check --no-sources` output.  After an intended change to a message, rewrite them with

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q -p no:polc tests/*/test_bad.py

and review the change with `git diff tests/`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .paths import ROOT


def cases(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pol"))


def check(path: Path, rendered: Callable[[str, str], str]) -> None:
    """`rendered(text, name)` — the diagnostics of the stage under test — against the file's
    .expected, named by its path from the repository root."""
    got = rendered(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    assert got, f"{path.name}: no diagnostic for a wrong program"
    expected = path.with_suffix(".expected")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        expected.write_text(got, encoding="utf-8")
    assert expected.exists(), f"run with UPDATE_GOLDEN=1 to create {expected.name}"
    assert got == expected.read_text(encoding="utf-8")
