"""`polc build` is byte-stable, and what it generates passes ruff and mypy.

Two builds of policies/ in separate processes, with different PYTHONHASHSEED
values and the files given in opposite orders, must write identical Python and
DOT files: the outputs go into version control and golden tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..paths import ROOT

POLC = [sys.executable, "-c", "from polc.compiler.tools.cli import main; main()"]


def _build(out: Path, files: list[str], seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run([*POLC, "build", "--no-render", "-o", str(out), *files], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in (".py", ".dot")}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "policies").glob("*.pol"))
    # issue 19's acceptance policy: units 亩/户 and a group without a lead
    files.append("tests/fixtures/open_vocabulary/land_subsidy.pol")
    assert len(files) >= 6
    a = tmp_path_factory.mktemp("build_a")
    b = tmp_path_factory.mktemp("build_b")
    _build(a, files, "1")
    _build(b, list(reversed(files)), "4242")
    return a, b


def test_two_builds_are_byte_identical(builds: tuple[Path, Path]) -> None:
    a, b = builds
    ta, tb = _tree(a), _tree(b)
    assert len([k for k in ta if k.endswith(".py")]) >= 6
    assert any(k.endswith(".dot") for k in ta)
    assert sorted(ta) == sorted(tb)
    different = [k for k in ta if ta[k] != tb[k]]
    assert not different


def test_no_absolute_paths_or_timestamps(builds: tuple[Path, Path]) -> None:
    a, _ = builds
    for name, data in _tree(a).items():
        text = data.decode("utf-8")
        assert str(ROOT) not in text, name
        assert str(a) not in text, name


def test_generated_modules_pass_ruff(builds: tuple[Path, Path]) -> None:
    a, _ = builds
    # ruff's own default rules, no project configuration
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", str(a / "python")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_generated_modules_type_check_strict(builds: tuple[Path, Path],
                                             tmp_path: Path) -> None:
    """Strict mypy over the generated modules and the runtime they import.

    mypy cannot follow setuptools' editable-install finder, so it is shown the
    runtime through a small folder that lays out the installed names."""
    a, _ = builds
    shim = tmp_path / "shim" / "polc"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("", encoding="utf-8")
    (shim / "runtime").symlink_to(ROOT / "runtime", target_is_directory=True)
    files = sorted(str(p) for p in (a / "python").glob("*.py"))
    env = {**os.environ, "MYPYPATH": str(tmp_path / "shim")}
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                           *files], capture_output=True, text=True, timeout=600,
                          check=False, cwd=a, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
