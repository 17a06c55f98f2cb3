"""`./dev`'s set-up finds what is installed, every time, and names exactly what is missing.

`./dev doctor` runs the same detection as set-up and prints the Debian packages set-up
would install: nothing on a machine where `./dev test` has run.  The font check used to
pipe `fc-list` into `grep -q` under `pipefail`; grep quitting at the first match killed
fc-list with SIGPIPE and made the font look absent (and apt-get run) in about half the
runs.  Fake tools on PATH make each case certain.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from ..paths import ROOT

BASH = shutil.which("bash") or "/bin/bash"
NOTO = "Noto Sans CJK SC"


def doctor(script: Path, path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BASH, str(script), "doctor"], env={"PATH": path, "HOME": "/"},
                          capture_output=True, text=True, timeout=120, check=False)


def tool(bindir: Path, name: str, body: str) -> None:
    bindir.mkdir(exist_ok=True)
    path = bindir / name
    path.write_text(body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def long_font_list(bindir: Path) -> None:
    """An fc-list that names the CJK font first, then writes far more than a pipe holds."""
    tool(bindir, "fc-list", f"#!{sys.executable}\nimport sys\nprint({NOTO!r})\n"
         "sys.stdout.write('DejaVu Sans\\n' * 200000)\n")


def test_doctor_finds_everything_on_this_machine() -> None:
    for _ in range(30):
        done = doctor(ROOT / "dev", os.environ["PATH"])
        assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr


def test_font_check_is_not_fooled_by_sigpipe(tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    long_font_list(bindir)
    # the old check, to show the fake tool provokes the failure it guards against
    old = subprocess.run([BASH, "-c", f'set -o pipefail; fc-list | grep -q "{NOTO}"'],
                         env={"PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"},
                         capture_output=True, timeout=60, check=False)
    assert old.returncode != 0
    for _ in range(20):
        done = doctor(ROOT / "dev", f"{bindir}{os.pathsep}{os.environ['PATH']}")
        assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr


def test_doctor_names_what_a_fresh_machine_lacks(tmp_path: Path) -> None:
    # a copy of ./dev with no .venv beside it, on a PATH with nothing but `dirname`
    script = tmp_path / "dev"
    shutil.copy(ROOT / "dev", script)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    dirname = shutil.which("dirname")
    assert dirname is not None
    (bindir / "dirname").symlink_to(dirname)
    done = doctor(script, str(bindir))
    assert done.returncode == 1
    assert done.stdout.split() == ["graphviz", "fontconfig", "fonts-noto-cjk", "chromium",
                                   "chromium-driver", "default-jre-headless", "python3",
                                   "python3-venv"]
    # graphviz, fonts, the browser and Java present, a Python without ensurepip (Debian
    # without python3-venv)
    tool(bindir, "dot", "#!/bin/sh\nexit 0\n")
    tool(bindir, "chromium", "#!/bin/sh\nexit 0\n")
    tool(bindir, "chromedriver", "#!/bin/sh\nexit 0\n")
    tool(bindir, "java", "#!/bin/sh\nexit 0\n")
    long_font_list(bindir)
    tool(bindir, "python3", '#!/bin/sh\ncase "$*" in *ensurepip*) exit 1;; esac\nexit 0\n')
    done = doctor(script, str(bindir))
    assert (done.returncode, done.stdout) == (1, "python3-venv\n"), done.stderr
    tool(bindir, "python3", "#!/bin/sh\nexit 0\n")
    done = doctor(script, str(bindir))
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    # a font list without the CJK family
    tool(bindir, "fc-list", "#!/bin/sh\necho 'DejaVu Sans'\n")
    done = doctor(script, str(bindir))
    assert (done.returncode, done.stdout) == (1, "fonts-noto-cjk\n"), done.stderr
