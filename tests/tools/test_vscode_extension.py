"""The VS Code extension in editors/vscode: its manifest and language configuration, the
client that starts `polc lsp` (run against stand-ins for VS Code, editors/vscode/test/client.js),
the documented packaging command and what the .vsix holds, and the part of ./dev's set-up
that installs node and the extension's npm packages.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "editors" / "vscode"
BASH = shutil.which("bash") or "/bin/bash"


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    return data


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found is not None, f"{name} is missing: ./dev test installs Debian's nodejs and npm"
    return found


# ---------------------------------------------------------------- manifest and configuration


def test_manifest_declares_the_language_grammar_and_setting() -> None:
    m = manifest()
    [language] = m["contributes"]["languages"]
    assert language["id"] == "pol" and language["extensions"] == [".pol"]
    config = json.loads((EXTENSION / language["configuration"]).read_text(encoding="utf-8"))
    assert config["comments"]["lineComment"] == "#"
    [grammar] = m["contributes"]["grammars"]
    assert grammar["language"] == "pol" and grammar["scopeName"] == "source.pol"
    tm = json.loads((EXTENSION / grammar["path"]).read_text(encoding="utf-8"))
    assert tm["scopeName"] == grammar["scopeName"]
    assert m["activationEvents"] == ["onLanguage:pol"]
    assert (EXTENSION / m["main"]).is_file()
    setting = m["contributes"]["configuration"]["properties"]["polc.path"]
    assert setting["type"] == "string" and setting["default"] == "polc"
    # the client runs inside VS Code, so it is the one production dependency
    assert list(m["dependencies"]) == ["vscode-languageclient"]
    lock = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == m["dependencies"]
    assert lock["packages"][""]["devDependencies"] == m["devDependencies"]


def test_language_configuration_pairs_quotes_and_fits_ascii_names() -> None:
    config = json.loads((EXTENSION / "language-configuration.json").read_text(encoding="utf-8"))
    assert ["「", "」"] in config["brackets"] and ["(", ")"] in config["brackets"]
    closing = {(p["open"], p["close"]) for p in config["autoClosingPairs"]}
    assert {("「", "」"), ('"', '"'), ("(", ")"), ("[", "]"), ("{", "}")} <= closing
    word = re.compile(config["wordPattern"])
    for name in ("people_involved", "I", "_x2", "tax_paid"):
        assert word.fullmatch(name)
    # a word ends where the Chinese begins: 死亡人数以上3 is no name
    head = word.match("deaths以上")
    assert head is not None and head.group() == "deaths"
    assert word.search("以上") is None


# ---------------------------------------------------------------- the client


def run_client(**scenario: object) -> dict[str, Any]:
    done = subprocess.run([tool("node"), str(EXTENSION / "test" / "client.js"),
                           json.dumps(scenario)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_client_starts_polc_lsp_over_stdio_for_pol_documents() -> None:
    result = run_client(path="polc", folder=None)
    [client] = result["clients"]
    assert client["serverOptions"]["command"] == "polc"
    assert client["serverOptions"]["args"] == ["lsp"]
    # the real package's stdio, whatever number it gives it
    assert client["serverOptions"]["transport"] == result["exports"]["stdio"]
    assert result["exports"]["LanguageClient"] == "function"
    assert {d["language"] for d in client["clientOptions"]["documentSelector"]} == {"pol"}
    assert client["started"] and client["stopped"]  # deactivate stops it
    assert result["errors"] == []


def test_client_takes_a_relative_command_from_the_workspace_and_follows_the_setting() -> None:
    result = run_client(path=".venv/bin/polc", folder="/work/policy-repo", change="/opt/polc")
    first, second = result["clients"]
    assert first["serverOptions"]["command"] == "/work/policy-repo/.venv/bin/polc"
    assert first["serverOptions"]["options"] == {"cwd": "/work/policy-repo"}
    # a change of polc.path restarts the server with the new command, other settings do not
    assert first["stopped"] and second["serverOptions"]["command"] == "/opt/polc"
    assert second["started"] and second["stopped"]
    assert result["subscriptions"] == 1


def test_client_says_which_command_failed_when_the_server_does_not_start() -> None:
    result = run_client(path="no-such-polc", folder=None, fail=True)
    [message] = result["errors"]
    assert '"no-such-polc lsp"' in message and "polc.path" in message
    assert not result["clients"][0]["started"]


# ---------------------------------------------------------------- packaging


def test_documented_command_packages_a_self_contained_vsix(tmp_path: Path) -> None:
    out = tmp_path / "polc.vsix"
    done = subprocess.run([tool("npm"), "run", "package", "--", "--out", str(out)],
                          cwd=EXTENSION, capture_output=True, text=True, timeout=300,
                          check=False, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(out) as vsix:
        names = set(vsix.namelist())
        for path in ("package.json", "language-configuration.json", "src/extension.js",
                     "syntaxes/pol.tmLanguage.json"):
            assert vsix.read(f"extension/{path}") == (EXTENSION / path).read_bytes(), path
        assert "extension/node_modules/vscode-languageclient/node.js" in names
        # neither the tests nor their engine nor the packaging tool ship
        assert not [n for n in names if n.startswith("extension/test/")
                    or "/vscode-textmate/" in n or "/vscode-oniguruma/" in n or "/@vscode/" in n]
        vsix.extractall(tmp_path / "unpacked")
    # the unpacked extension loads with nothing but what it ships (and a stub of VS Code)
    load = ("const Module = require('module'); const load = Module._load;"
            "const any = {get: (t, k) => (k in t ? t[k] : (t[k] = new Proxy(function () {}, any)))};"
            "Module._load = function (r, ...a) {"
            " return r === 'vscode' ? new Proxy({}, any) : load.call(this, r, ...a); };"
            "const e = require('./src/extension.js');"
            "process.stdout.write(typeof e.activate + ' ' + typeof e.deactivate);")
    done = subprocess.run([tool("node"), "-e", load], cwd=tmp_path / "unpacked" / "extension",
                          env={**os.environ, "NODE_PATH": ""}, capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout) == (0, "function function"), done.stderr


# ---------------------------------------------------------------- ./dev's set-up


def fake(bindir: Path, name: str, body: str) -> None:
    bindir.mkdir(parents=True, exist_ok=True)
    path = bindir / name
    path.write_text(body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def checkout(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A copy of ./dev beside an extension folder and a ready .venv whose Python does
    nothing, on a PATH of stand-ins: npm and apt-get log their calls."""
    work = tmp_path / "work"
    shutil.copytree(EXTENSION, work / "editors" / "vscode",
                    ignore=shutil.ignore_patterns("node_modules", "*.vsix"))
    shutil.copy(ROOT / "dev", work / "dev")
    fake(work / ".venv" / "bin", "python", "#!/bin/sh\nexit 0\n")
    bindir, log = tmp_path / "bin", tmp_path / "calls.log"
    dirname = shutil.which("dirname")
    assert dirname is not None
    bindir.mkdir()
    (bindir / "dirname").symlink_to(dirname)
    fake(bindir, "dot", "#!/bin/sh\nexit 0\n")
    fake(bindir, "fc-list", "#!/bin/sh\necho 'Noto Sans CJK SC'\n")
    fake(bindir, "chromium", "#!/bin/sh\nexit 0\n")
    fake(bindir, "chromedriver", "#!/bin/sh\nexit 0\n")
    fake(bindir, "java", "#!/bin/sh\nexit 0\n")  # ./dev wants Java for the Spark engine
    fake(bindir, "node", "#!/bin/sh\nexit 0\n")
    fake(bindir, "npm", f"#!{sys.executable}\nimport os, sys, pathlib\n"
         f"open({str(log)!r}, 'a').write('npm ' + ' '.join(sys.argv[1:]) + ' in ' "
         "+ os.path.relpath(os.getcwd(), " + repr(str(work)) + ") + '\\n')\n"
         "pathlib.Path('node_modules').mkdir(exist_ok=True)\n"
         "pathlib.Path('node_modules/.package-lock.json').write_text('{}')\n")
    fake(bindir, "apt-get", f"#!/bin/sh\necho \"apt-get $*\" >> {log}\n")
    lock = work / "editors" / "vscode" / "package-lock.json"
    past = time.time() - 100
    os.utime(lock, (past, past))
    return work, bindir, log


def dev(work: Path, bindir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BASH, str(work / "dev"), *args], env={"PATH": str(bindir), "HOME": "/"},
                          capture_output=True, text=True, timeout=120, check=False)


def calls(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_setup_installs_the_npm_packages_only_when_absent_or_stale(tmp_path: Path) -> None:
    work, bindir, log = checkout(tmp_path)
    done = dev(work, bindir, "test")
    assert done.returncode == 0, done.stderr
    assert calls(log) == ["npm ci --no-audit --no-fund --loglevel=error in editors/vscode"]
    done = dev(work, bindir, "test")  # everything present: neither npm nor apt-get
    assert done.returncode == 0, done.stderr
    assert len(calls(log)) == 1
    future = time.time() + 100
    os.utime(work / "editors" / "vscode" / "package-lock.json", (future, future))
    done = dev(work, bindir, "test")
    assert done.returncode == 0, done.stderr
    assert calls(log)[1:] == ["npm ci --no-audit --no-fund --loglevel=error in editors/vscode"]


def test_doctor_names_nodejs_and_npm_when_node_is_missing(tmp_path: Path) -> None:
    work, bindir, log = checkout(tmp_path)
    done = dev(work, bindir, "doctor")
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    (bindir / "node").unlink()
    (bindir / "npm").unlink()
    done = dev(work, bindir, "doctor")
    assert (done.returncode, done.stdout) == (1, "nodejs\nnpm\n"), done.stderr
    # set-up asks apt-get for them; the stand-in installs nothing, so `npm ci` then fails
    fake(bindir, "id", "#!/bin/sh\necho 0\n")
    done = dev(work, bindir, "test")
    assert done.returncode != 0
    assert calls(log) == ["apt-get update -qq", "apt-get install -y -qq nodejs npm"]
