"""`polc check --watch` and `polc test --watch` run again when a file is saved.

Each test changes a real file in tmp_path and waits for the next run's output a bounded
time; the watcher is always stopped (SIGINT, as Ctrl-C, or the stop event), so no test can
hang on it."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from polc.compiler.tools import watch

# long only when the watcher is broken: the wait ends as soon as the output is there
WAIT = 60.0

POLICY = """文号 "测〔2026〕1号"
引文未核对 "测试用政策：没有通知原文"

输入 n "人数" : 计数(人)

决策 big "规模大" (n) : 是否
  推导 "示例"
{
  结果 n 400人以上
}

例 big(n = 400人) => 是
  推导 "示例"
"""


class Watcher:
    """A `polc ... --watch` process whose output lines are read as they come."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "polc.compiler.tools.cli", *args], cwd=cwd,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def until(self, wanted: str) -> list[str]:
        """The lines up to the first that contains `wanted`."""
        seen: list[str] = []
        while True:
            try:
                line = self.lines.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"no {wanted!r} in {WAIT}s; got {seen}") from None
            seen.append(line)
            if wanted in line:
                return seen

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                return self.proc.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        return self.proc.returncode


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    path = tmp_path / "p.pol"
    path.write_text(POLICY, encoding="utf-8")
    return path


@pytest.fixture
def watchers() -> Iterator[list[Watcher]]:
    started: list[Watcher] = []
    yield started
    for w in started:
        w.stop()


def test_check_watch_reruns_on_save(policy: Path, watchers: list[Watcher]) -> None:
    w = Watcher(["check", "--watch", policy.name], policy.parent)
    watchers.append(w)
    assert any("0 error(s)" in ln for ln in w.until("watching"))
    policy.write_text(POLICY.replace("结果 n 400人以上", "结果 m 400人以上"), encoding="utf-8")
    second = w.until("watching")
    assert any("p.pol" in ln and "文件变更" in ln for ln in second)
    assert any("E110" in ln and "'m'" in ln for ln in second)
    assert any("1 error(s)" in ln for ln in second)
    policy.write_text(POLICY, encoding="utf-8")
    assert any("0 error(s)" in ln for ln in w.until("watching"))
    # Ctrl-C ends the watch with the last run's result
    assert w.stop() == 0


def test_test_watch_reruns_the_examples(policy: Path, watchers: list[Watcher]) -> None:
    w = Watcher(["test", "--watch", policy.name], policy.parent)
    watchers.append(w)
    assert any("1 passed, 0 failed" in ln for ln in w.until("watching"))
    policy.write_text(POLICY.replace("=> 是", "=> 否"), encoding="utf-8")
    assert any("0 passed, 1 failed" in ln for ln in w.until("watching"))
    assert w.stop() == 1


def test_a_file_that_is_not_read_does_not_rerun(policy: Path, tmp_path: Path) -> None:
    runs: list[int] = []
    out: queue.Queue[str] = queue.Queue()
    stop = threading.Event()

    def run() -> int:
        runs.append(len(runs))
        return 0

    thread = threading.Thread(target=watch.watch, args=([policy], run, out.put),
                              kwargs={"stop": stop}, daemon=True)
    thread.start()
    try:
        assert out.get(timeout=WAIT).startswith("watching")
        (tmp_path / "notes.txt").write_text("not a policy", encoding="utf-8")
        (tmp_path / "other.pol").write_text(POLICY, encoding="utf-8")
        changed = out.get(timeout=WAIT)
        assert "other.pol" in changed and "notes.txt" not in changed
        assert out.get(timeout=WAIT).startswith("watching")
        assert len(runs) == 2
    finally:
        stop.set()
        thread.join(timeout=WAIT)
    assert not thread.is_alive()


def test_the_notices_and_calendars_are_watched(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    (policies / "sources").mkdir(parents=True)
    (policies / "sources" / "MANIFEST.json").write_text('{"files": {}}', encoding="utf-8")
    (policies / "calendar").mkdir()
    (policies / "p.pol").write_text(POLICY, encoding="utf-8")
    w = watch.Watched([policies / "p.pol"])
    assert w.roots == sorted([policies, policies / "sources", policies / "calendar"])
    change = watch.watchfiles.Change.modified
    assert w(change, os.fspath(policies / "sources" / "1.txt"))
    assert w(change, os.fspath(policies / "calendar" / "2027.toml"))
    assert not w(change, os.fspath(policies / "log.txt"))
    assert not w(change, os.fspath(policies / "sources" / "x.pol.swp"))
