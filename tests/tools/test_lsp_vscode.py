"""`polc lsp` driven by VS Code's own protocol library (vscode-languageserver-protocol, what
the extension's vscode-languageclient speaks: editors/vscode/test/server.js), so the server
is seen to answer the client the extension runs, not only pygls' client."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import Any

from ..paths import POLICIES, ROOT

EXTENSION = ROOT / "editors" / "vscode"
P55 = POLICIES / "55_overseas_labor_emergency.pol"


def where(text: str, needle: str, into: int) -> dict[str, int]:
    at = text.index(needle) + into
    start = text.rfind("\n", 0, at) + 1
    return {"line": text.count("\n", 0, at), "character": len(text[start:at].encode(
        "utf-16-le")) // 2}


def test_the_extensions_protocol_library_gets_diagnostics_hover_and_completion() -> None:
    node = shutil.which("node")
    assert node is not None, "node is missing: ./dev test installs Debian's nodejs"
    text = P55.read_text(encoding="utf-8").replace("deaths 30人以上，", "deeths 30人以上，", 1)
    scenario = {"command": [sys.executable, "-m", "polc.compiler.tools.cli", "lsp"],
                "uri": P55.resolve().as_uri(), "text": text,
                "hover": where(text, "people_involved 400人以上", 2),
                "completion": where(text, "引 一（四）2（1）", 2)}
    done = subprocess.run([node, "test/server.js"], cwd=EXTENSION, input=json.dumps(scenario),
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    got: dict[str, Any] = json.loads(done.stdout)
    assert got["capabilities"]["textDocumentSync"]["change"] == 1  # whole texts (server.py)
    [e110] = [d for d in got["diagnostics"] if d["code"] == "E110"]
    assert e110["range"]["start"] == where(text, "deeths", 0) and e110["source"] == "polc"
    assert got["hover"]["contents"]["kind"] == "markdown"
    assert "涉及人数" in got["hover"]["contents"]["value"]
    assert "一（四）2（1）" in {i["label"] for i in got["completion"]["items"]}
    assert got["exit"] == 0
