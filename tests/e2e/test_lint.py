"""The project's own code passes ruff (the generated code is checked in test_determinism)."""

from __future__ import annotations

import subprocess
import sys

from ..paths import ROOT


def test_project_code_passes_ruff() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "compiler", "runtime", "viz",
                           "polc", "grammar", "tests", "bench", "tools"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
