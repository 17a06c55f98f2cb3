"""A directory, FIFO, dangling link or device named *.pol: refused, named, never a hang.

Regression tests for ../shared/repro/dir_named_x_pol/ and fifo_named_pol_hangs.sh (their
inputs are in tests/fixtures/repro/).  Every command that reads policies runs in a subprocess with a
timeout, so a command that would wait on a FIFO fails the test instead of hanging it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ..paths import REPRO, ROOT

POLC = [sys.executable, "-c", "from polc.compiler.tools.cli import main; main()"]
POLICY_56 = REPRO / "dir_named_x_pol" / "56_childcare_governance.pol"
TIMEOUT = 60


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                          check=False, stdin=subprocess.DEVNULL)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    return done


def policies_with(tmp_path: Path, make: Callable[[Path], None]) -> Path:
    """tmp/policies: a copy of 56, its notice texts, and one special entry."""
    pols = tmp_path / "policies"
    pols.mkdir()
    shutil.copy(POLICY_56, pols)
    (pols / "sources").symlink_to(ROOT / "policies" / "sources", target_is_directory=True)
    make(pols / "sub.pol")
    return pols


SPECIAL: dict[str, tuple[Callable[[Path], None], str]] = {
    "directory": (lambda p: p.mkdir(), "a directory, not a regular file"),
    "fifo": (os.mkfifo, "a named pipe (FIFO), not a regular file"),
    "dangling": (lambda p: p.symlink_to("gone.pol"),
                 "a dangling symbolic link to gone.pol, not a regular file"),
    "device": (lambda p: p.symlink_to("/dev/null"), "a character device, not a regular file"),
    "link_to_dir": (lambda p: p.symlink_to(".", target_is_directory=True),
                    "a directory, not a regular file"),
}
COMMANDS = [["check"], ["build", "-o", "out", "--no-render"], ["test"], ["fmt", "--check"],
            ["coverage"]]


@pytest.mark.parametrize("kind", sorted(SPECIAL))
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_every_command_refuses_a_special_file_in_a_folder(tmp_path: Path, kind: str,
                                                          command: list[str]) -> None:
    make, message = SPECIAL[kind]
    policies_with(tmp_path, make)
    done = run([*POLC, *command, "policies"], tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"polc: policies/sub.pol: {message}" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_a_special_file_given_directly(tmp_path: Path, kind: str) -> None:
    make, message = SPECIAL[kind]
    policies_with(tmp_path, make)
    for command in [*COMMANDS, ["eval"]]:
        args = [*command, "policies/sub.pol"] + (["d", "--input", "{}"] if command == ["eval"]
                                                  else [])
        done = run([*POLC, *args], tmp_path)
        assert done.returncode == 2, (command, done.stdout + done.stderr)
        if command == ["eval"] and message.startswith("a directory"):
            # eval's argument type refuses a folder itself, in click's words
            assert "'policies/sub.pol' is a directory" in done.stderr, done.stderr
        else:
            assert f"policies/sub.pol: {message}" in done.stderr, (command, done.stderr)


def test_repro_dir_named_x_pol(tmp_path: Path) -> None:
    pols = policies_with(tmp_path, lambda p: p.mkdir())
    for command in (["check"], ["test"], ["fmt", "--check"], ["build", "-o", "out"]):
        done = run([*POLC, *command, str(pols)], tmp_path)
        assert done.returncode == 2
        assert "sub.pol: a directory, not a regular file" in done.stderr
    # without the directory, the same folder is fine
    (pols / "sub.pol").rmdir()
    assert run([*POLC, "check", "policies"], tmp_path).returncode == 0


def test_repro_fifo_script(tmp_path: Path) -> None:
    bindir = Path(sys.executable).parent
    assert (bindir / "polc").is_file(), "run the tests with the venv's python"
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}",
               TMPDIR=str(tmp_path))
    done = subprocess.run(["sh", str(REPRO / "fifo_named_pol_hangs.sh")], env=env,
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.stdout.strip().endswith("rc=2"), done.stdout + done.stderr
    assert "x.pol: a named pipe (FIFO), not a regular file" in done.stderr


def test_compile_file_on_a_fifo_is_a_located_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.pol")
    code = ("from pathlib import Path; from polc.compiler import pipeline; "
            "c = pipeline.compile_file(Path('x.pol')); "
            "print([(d.code, str(d.span), d.message) for d in c.diagnostics], c.ok)")
    done = run([sys.executable, "-c", code], tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"('E020', '{tmp_path.name}/x.pol:1:1', '不是普通文件, 而是命名管道 (FIFO)')] False" \
        in done.stdout


def test_a_special_uncovered_file_is_reported(tmp_path: Path) -> None:
    pols = tmp_path / "policies"
    pols.mkdir()
    shutil.copy(POLICY_56, pols)
    (pols / "sources").symlink_to(ROOT / "policies" / "sources", target_is_directory=True)
    os.mkfifo(pols / "56_childcare_governance.uncovered")
    done = run([*POLC, "coverage", "policies"], tmp_path)
    assert done.returncode == 1
    assert ("policies/56_childcare_governance.uncovered: a named pipe (FIFO), not a regular "
            "file") in done.stdout


def test_a_special_file_among_the_notice_texts(tmp_path: Path) -> None:
    pols = tmp_path / "policies"
    shutil.copytree(ROOT / "policies" / "sources", pols / "sources")
    shutil.copy(POLICY_56, pols)
    (pols / "sources" / "56.txt").unlink()
    os.mkfifo(pols / "sources" / "56.txt")
    done = run([*POLC, "check", "policies"], tmp_path)
    assert done.returncode == 1
    assert "56.txt: a named pipe (FIFO), not a regular file" in done.stdout
