"""docs/tutorial.md runs as written: every ```sh block, in order, in one shell, in a fresh
home folder; where a ```text block follows one, it is exactly what the block prints
(stdout and stderr together, the home folder written as ~).  A block exits 0 unless its
fence says `sh exit=N`.  So the tutorial can never go stale: a change of polc that
changes what a drafter sees fails here until the tutorial says it.

UPDATE_GOLDEN=1 rewrites the ```text blocks with what the commands print now; read the
diff before committing it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import attrs

from ..paths import ROOT

TUTORIAL = ROOT / "docs" / "tutorial.md"
_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
_MARK = "@@polc-tutorial"


@attrs.frozen
class Block:
    script: str
    exit: int
    # where the expected output stands in the tutorial, and what it says (None: not shown)
    output: tuple[int, int] | None
    expected: str | None


def blocks(text: str) -> list[Block]:
    found = list(_FENCE.finditer(text))
    out: list[Block] = []
    for i, m in enumerate(found):
        info = m.group(1).split()
        if not info or info[0] != "sh":
            continue
        options = dict(o.split("=", 1) for o in info[1:] if "=" in o)
        nxt = found[i + 1] if i + 1 < len(found) else None
        shown = nxt is not None and nxt.group(1).strip() == "text" \
            and not text[m.end():nxt.start()].strip()
        out.append(Block(m.group(2), int(options.get("exit", "0")),
                         (nxt.start(2), nxt.end(2)) if shown and nxt else None,
                         nxt.group(2) if shown and nxt else None))
    return out


def run(all_blocks: list[Block], home: Path) -> list[tuple[str, int]]:
    """Each block's output and exit status, run one after another in one bash."""
    bindir = home / ".bin"
    bindir.mkdir(parents=True)
    # the polc of this checkout, whatever the first line of the venv's own script says, and
    # the python it is installed in
    python = shlex.quote(sys.executable)
    for name, command in (("polc", f"{python} -m polc.compiler.tools.cli"), ("python", python)):
        (bindir / name).write_text(f"#!/bin/sh\nexec {command} \"$@\"\n", encoding="utf-8")
        (bindir / name).chmod(0o755)
    script = ["exec 2>&1", "cd ~"]
    for n, b in enumerate(all_blocks):
        script += [f"echo '{_MARK} {n}'", b.script.rstrip("\n"), f"echo '{_MARK} rc' $?"]
    env = {"HOME": str(home), "PATH": f"{bindir}:/usr/bin:/bin", "LANG": "C.UTF-8",
           "POLC_CACHE_DIR": os.environ.get("POLC_CACHE_DIR", str(home / ".cache" / "polc"))}
    done = subprocess.run(["bash", "--noprofile", "--norc"], input="\n".join(script) + "\n",
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    results: list[tuple[str, int]] = []
    for part in done.stdout.split(f"{_MARK} ")[1:]:
        if part.startswith("rc "):
            results[-1] = (results[-1][0], int(part.split()[1]))
            continue
        _, _, body = part.partition("\n")
        results.append((body, -1))
    assert len(results) == len(all_blocks), done.stdout
    return [(_shown(body, home), rc) for body, rc in results]


def _shown(output: str, home: Path) -> str:
    text = output.replace(str(home), "~")
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def test_the_tutorial_runs_as_written(tmp_path: Path) -> None:
    text = TUTORIAL.read_text(encoding="utf-8")
    all_blocks = blocks(text)
    assert len(all_blocks) >= 10
    results = run(all_blocks, tmp_path)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        edits = [(b.output, out) for b, (out, _) in zip(all_blocks, results, strict=True)
                 if b.output is not None]
        for (start, end), out in sorted(edits, reverse=True):
            text = text[:start] + out + text[end:]
        TUTORIAL.write_text(text, encoding="utf-8")
        all_blocks = blocks(text)
    problems = []
    for n, (b, (out, rc)) in enumerate(zip(all_blocks, results, strict=True)):
        first = b.script.strip().splitlines()[0]
        if rc != b.exit:
            problems.append(f"block {n} ({first}): exit {rc}, the tutorial says {b.exit}\n{out}")
        if b.expected is not None and out != b.expected:
            problems.append(f"block {n} ({first}) prints:\n{out}\nthe tutorial shows:\n"
                            f"{b.expected}")
    assert problems == [], "\n\n".join(problems)


def test_the_tutorial_covers_the_whole_way() -> None:
    # from the text to a built policy, every step run (not only shown)
    scripts = "\n".join(b.script for b in blocks(TUTORIAL.read_text(encoding="utf-8")))
    for command in ("polc source add", "polc new", "polc check", "polc test", "polc eval",
                    "polc coverage", "polc build"):
        assert command in scripts, command
    assert "单位 " in scripts  # the policy declares a unit of its own


def test_blocks_are_found_with_their_output() -> None:
    text = ("```sh\necho a\n```\n\n```text\na\n```\n```sh exit=1\nfalse\n```\n"
            "```pol\nx\n```\n")
    found = blocks(text)
    assert [(b.script, b.exit, b.expected) for b in found] == [
        ("echo a\n", 0, "a\n"), ("false\n", 1, None)]
