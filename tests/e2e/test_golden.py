"""Golden tests: every output of every policy, held byte for byte in tests/fixtures/golden/<stem>/.

    UPDATE_GOLDEN=1 ./dev test tests/e2e/test_golden.py      # rewrite the golden files

Per policy: ``module.py`` (the generated Python as formatted by ``build.format_source``),
``<diagram>.dot`` for every diagram, and ``examples.json`` (``polc test --format json`` on
that one policy).  Review the rewritten files with ``git diff tests/fixtures/golden`` before committing.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from polc.compiler import pipeline
from polc.compiler.tools import build
from polc.compiler.tools.cli import cli

from ..paths import GOLDEN
from ..paths import ROOT as REPO

POLICIES = sorted((REPO / "policies").glob("*.pol"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def outputs(pol: Path) -> dict[str, str]:
    """File name -> content of every golden output of one policy."""
    rel = pol.relative_to(REPO)
    compiled = pipeline.compile_file(rel)
    assert compiled.ok, f"{rel} does not compile"
    out = {"module.py": build.format_source(compiled.python)}
    for name, dot in sorted(compiled.diagrams.items()):
        out[f"{name}.dot"] = dot
    result = CliRunner().invoke(cli, ["test", "--format", "json", str(rel)])
    assert result.exit_code in (0, 1), result.output
    out["examples.json"] = result.output
    return out


def first_difference(name: str, want: str, got: str, context: int = 30) -> str:
    diff = difflib.unified_diff(want.splitlines(), got.splitlines(), f"golden/{name}",
                                f"now/{name}", lineterm="", n=2)
    lines = list(diff)
    more = f"\n… {len(lines) - context} more diff lines" if len(lines) > context else ""
    return "\n".join(lines[:context]) + more


@pytest.mark.parametrize("pol", POLICIES, ids=[p.stem for p in POLICIES])
def test_golden(pol: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # paths in headers and reports are relative to the working directory
    monkeypatch.chdir(REPO)
    folder = GOLDEN / pol.stem
    now = outputs(pol)
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.name not in now:
                old.unlink()
        for name, text in now.items():
            (folder / name).write_bytes(text.encode("utf-8"))
    assert folder.is_dir(), f"no golden files for {pol.stem}; run UPDATE_GOLDEN=1 ./dev test " \
                            "tests/e2e/test_golden.py"
    held = sorted(p.name for p in folder.iterdir())
    assert held == sorted(now), f"{pol.stem}: golden files {held} but outputs {sorted(now)}"
    for name, text in now.items():
        want = (folder / name).read_bytes()
        got = text.encode("utf-8")
        if want != got:
            pytest.fail(f"{pol.stem}/{name} drifted from its golden file:\n"
                        + first_difference(name, want.decode("utf-8", "replace"), text))


def test_first_difference_names_the_changed_line() -> None:
    report = first_difference("m.py", "a\nb\nc\n", "a\nB\nc\n")
    assert "-b" in report and "+B" in report
