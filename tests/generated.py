"""A generated module checked as its users check it: ruff, and mypy --strict against
polc.runtime (through a shim package, since the editable install's import hook is
invisible to mypy)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .paths import ROOT


def assert_ruff_and_mypy_clean(code: str, tmp_path: Path, name: str = "generated.py") -> None:
    (tmp_path / name).write_text(code, encoding="utf-8")
    shim = tmp_path / "shim" / "polc"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("", encoding="utf-8")
    (shim / "runtime").symlink_to(ROOT / "runtime", target_is_directory=True)
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", name],
                          capture_output=True, text=True, cwd=tmp_path, check=False)
    assert ruff.returncode == 0, ruff.stdout
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", name],
                          capture_output=True, text=True, cwd=tmp_path, check=False,
                          env={**os.environ, "MYPYPATH": str(tmp_path / "shim")})
    assert mypy.returncode == 0, mypy.stdout
