"""The JSON API of `polc serve` (compiler/tools/site_api.py): schemas that match the
generated modules, answers identical to `polc eval`'s, 4xx naming the field for every bad
request, batches, and concurrent requests to a real server (`polc serve --port 0` in a
subprocess, which also rebuilds when a policy changes)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from polc.compiler.tools import cli, site_api, site_serve
from polc.runtime import dumps, loads, to_jsonable

from ..paths import POLICIES

FILES = sorted(POLICIES.glob("*.pol"))
API = "/api/policies"


@pytest.fixture(scope="module")
def served(corpus_build: site_serve.Build) -> tuple[site_serve.Build, TestClient]:
    return corpus_build, TestClient(site_api.app(lambda: corpus_build.policies,
                                                 corpus_build.static))


def url(policy: str, decision: str, evaluate: bool = False) -> str:
    return f"{API}/{policy}/decisions/{decision}" + ("/evaluate" if evaluate else "")


def test_policies_list_every_policy_and_decision(
        served: tuple[site_serve.Build, TestClient]) -> None:
    build, client = served
    r = client.get(API)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    listed = r.json()["policies"]
    assert [p["policy"] for p in listed] == [f.stem for f in FILES]
    for p in listed:
        entry = build.policies.by_slug[p["policy"]]
        assert p["ok"] and p["errors"] == []
        assert sorted(p["decisions"]) == sorted(entry.specs)
        assert p["docno"] == entry.notice.docno
        one = client.get(f"{API}/{p['policy']}")
        assert one.status_code == 200 and one.json() == p


def test_every_schema_matches_the_generated_module(
        served: tuple[site_serve.Build, TestClient]) -> None:
    build, client = served
    kinds: set[str] = set()
    for slug, entry in build.policies.by_slug.items():
        for name, spec in entry.specs.items():
            r = client.get(url(slug, name))
            assert r.status_code == 200, r.text
            body = r.json()
            schema = body["input"]
            assert schema["type"] == "object" and schema["additionalProperties"] is False
            assert list(schema["properties"]) == [f.name for f in spec.fields]
            assert schema["required"] == [f.name for f in spec.fields]
            for f in spec.fields:
                prop = schema["properties"][f.name]
                kinds.add(f.kind)
                assert prop["title"] == f.label
                if f.kind == "enum":
                    assert prop["enum"] == [m.name for m in f.enum]
                    assert all(o["title"] for o in prop["oneOf"])
                elif f.kind in ("count", "num"):
                    assert "string" in prop["type"]
                    if f.lo is not None:
                        key = "minimum" if f.lo_closed else "exclusiveMinimum"
                        assert str(prop[key]) == str(to_jsonable(f.lo)), (slug, name, f.name)
                    if f.hi is not None:
                        key = "maximum" if f.hi_closed else "exclusiveMaximum"
                        assert str(prop[key]) == str(to_jsonable(f.hi)), (slug, name, f.name)
                elif f.kind == "bool":
                    assert prop["type"] == "boolean"
                elif f.kind == "date":
                    assert prop["format"] == "date"
            assert body["output"]["title"]
            assert body["evaluate"] == url(slug, name, True)
    assert {"count", "num", "bool", "enum", "date"} <= kinds


def _cli_jsonl(policy: Path, decision: str, cases: list[str], explain: bool) -> list[str]:
    """`polc eval --jsonl` of `cases`, each answer as `polc eval --input` gives it: without
    the line number an error of --jsonl carries (in a list, the position is the case)."""
    args = ["eval", str(policy), decision, "--jsonl", "-"] + (["--explain"] if explain else [])
    done = CliRunner().invoke(cli.cli, args, input="".join(c + "\n" for c in cases))
    lines: list[str] = done.output.splitlines()
    assert len(lines) == len(cases), done.output
    out = []
    for n, line in enumerate(lines, 1):
        answer = loads(line)
        if "error" in answer:
            assert answer.pop("line") == n
            answer["error"] = answer["error"].removeprefix(f"line {n}: ")
        out.append(dumps(answer))
    return out


def test_answers_are_polc_evals_for_every_example_of_every_decision(
        served: tuple[site_serve.Build, TestClient]) -> None:
    """Each decision's examples, as one batch and one case at a time, against
    `polc eval --jsonl` on the same inputs (values, errors and explanations)."""
    build, client = served
    compared = 0
    for f in FILES:
        entry = build.policies.by_slug[f.stem]
        for d in entry.notice.decisions:
            if not d.examples:
                continue
            cases = ["{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in e.inputs) + "}"
                     for e in d.examples]
            # and one bad case: a wrong field name
            cases.append('{"no_such_field": 1}')
            expected = _cli_jsonl(f, d.name, cases, explain=True)
            batch = client.post(url(f.stem, d.name, True) + "?explain=true",
                                content="[" + ", ".join(cases) + "]",
                                headers={"content-type": "application/json"})
            assert batch.status_code == 200
            assert [dumps(a) for a in loads(batch.text)] == expected
            one = client.post(url(f.stem, d.name, True) + "?explain=1", content=cases[0])
            assert one.status_code in (200, 422) and one.text.rstrip("\n") == expected[0]
            bad = client.post(url(f.stem, d.name, True), content=cases[-1])
            assert bad.status_code == 422 and bad.json()["field"] == "no_such_field"
            compared += len(cases)
    assert compared > 100


@pytest.mark.parametrize(("method", "path", "body", "headers", "status", "field"), [
    ("POST", url("58_finance_assessment", "bank_annual_reward", True),
     '{"rank": "x", "bank_count": 20, "missed_tasks": 0}', {}, 422, "rank"),
    ("POST", url("58_finance_assessment", "bank_annual_reward", True),
     '{"rank": 1, "bank_count": 20}', {}, 422, "missed_tasks"),
    ("POST", url("58_finance_assessment", "bank_annual_reward", True),
     '{"rank": 1, "bank_count": 20, "missed_tasks": 9}', {}, 422, "missed_tasks"),
    ("POST", url("58_finance_assessment", "bank_annual_reward", True),
     '{"rank": 1, "rank": 2}', {}, 400, "body"),
    ("POST", url("58_finance_assessment", "bank_annual_reward", True), "{", {}, 400, "body"),
    ("POST", url("58_finance_assessment", "bank_annual_reward", True), "[1,", {}, 400, "body"),
    ("POST", url("58_finance_assessment", "bank_annual_reward", True), "", {}, 400, "body"),
    ("POST", url("58_finance_assessment", "bank_annual_reward", True), "5", {}, 422,
     "<input>"),
    ("POST", url("58_finance_assessment", "bank_annual_reward", True), '"\\ud800"', {}, 422,
     "<input>"),
    ("POST", url("58_finance_assessment", "bank_annual_reward", True), "{}",
     {"content-type": "multipart/form-data; boundary=x"}, 415, "Content-Type"),
    ("POST", url("58_finance_assessment", "bank_annual_reward", True) + "?explain=maybe",
     "{}", {}, 400, "explain"),
    ("GET", url("58_finance_assessment", "bank_annual_reward", True), None, {}, 405,
     "method"),
    ("POST", url("58_finance_assessment", "no_such", True), "{}", {}, 404, "decision"),
    ("GET", url("58_finance_assessment", "no_such"), None, {}, 404, "decision"),
    ("POST", url("no_such", "bank_annual_reward", True), "{}", {}, 404, "policy"),
    ("GET", f"{API}/no_such", None, {}, 404, "policy"),
    ("GET", "/api/nothing/here", None, {}, 404, "path"),
])
def test_bad_requests_get_a_4xx_naming_the_field(
        served: tuple[site_serve.Build, TestClient], method: str, path: str,
        body: str | None, headers: dict[str, str], status: int, field: str) -> None:
    _, client = served
    r = client.request(method, path, content=body, headers=headers)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    answer = r.json()
    assert answer["field"] == field and answer["error"]
    # and the server still answers
    assert client.get(API).status_code == 200


def test_bytes_that_are_not_utf8_and_bodies_too_large(
        served: tuple[site_serve.Build, TestClient]) -> None:
    _, client = served
    path = url("58_finance_assessment", "bank_annual_reward", True)
    r = client.post(path, content=b'{"rank": "\xff"}')
    assert r.status_code == 400 and r.json()["field"] == "body" and "UTF-8" in r.json()["error"]
    r = client.post(path, content=b"[" + b"1," * (site_api.MAX_BODY // 2) + b"1]")
    assert r.status_code == 413 and r.json()["field"] == "body"
    r = client.post(path, content="[" + ",".join(["{}"] * (site_api.MAX_CASES + 1)) + "]")
    assert r.status_code == 413 and str(site_api.MAX_CASES) in r.json()["error"]
    assert client.post(path, content="[]").json() == []


def test_the_site_is_served_beside_the_api(served: tuple[site_serve.Build, TestClient]) -> None:
    build, client = served
    index = client.get("/")
    assert index.status_code == 200 and "text/html" in index.headers["content-type"]
    assert index.text == (build.root / "index.html").read_text(encoding="utf-8")
    assert client.get("/static/site.js").status_code == 200
    assert client.get("/no_such.html").status_code == 404


# ---------------------------------------------------------------- a real server


def _start(args: list[str], cwd: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-c",
                             "from polc.compiler.tools.cli import main; main()", "serve",
                             *args, "--port", "0"],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if found is None:
        proc.kill()
        raise AssertionError(line + proc.communicate()[1])
    return proc, found.group(0).rstrip("/")


def _post(base: str, path: str, body: str) -> tuple[int, Any]:
    req = urllib.request.Request(base + path, data=body.encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        return exc.code, loads(exc.read().decode("utf-8"))


def _get(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return json.loads(r.read())


def test_polc_serve_answers_concurrent_requests_and_rebuilds_on_change(tmp_path: Path) -> None:
    shutil.copytree(POLICIES / "sources", tmp_path / "policies" / "sources")
    pol = tmp_path / "policies" / "58_finance_assessment.pol"
    shutil.copy(POLICIES / pol.name, pol)
    proc, base = _start(["policies"], tmp_path)
    try:
        path = url("58_finance_assessment", "bank_annual_reward", True)
        good = '{"rank": %d, "bank_count": 20, "missed_tasks": 0}'
        bodies = [good % (i % 20 + 1) if i % 3 else '{"rank": "x"}' for i in range(60)]
        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(lambda b: _post(base, path, b), bodies))
        expected = _cli_jsonl(pol, "bank_annual_reward", bodies, explain=False)
        assert [dumps(a) for _, a in answers] == expected
        assert [s for s, _ in answers] == [200 if i % 3 else 422 for i in range(60)]
        before = _get(base, f"{API}/58_finance_assessment")["decisions"]
        assert "bank_annual_reward" in before
        # rename a decision in the policy: the server rebuilds and serves the new name
        text = pol.read_text(encoding="utf-8")
        pol.write_text(text.replace("bank_annual_reward", "bank_reward_renamed"),
                       encoding="utf-8")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            now = _get(base, f"{API}/58_finance_assessment")["decisions"]
            if "bank_reward_renamed" in now:
                break
            time.sleep(0.5)
        assert "bank_reward_renamed" in now and "bank_annual_reward" not in now
        status, _ = _post(base, url("58_finance_assessment", "bank_reward_renamed", True),
                          good % 1)
        assert status == 200
        page = urllib.request.urlopen(base + "/58_finance_assessment.html", timeout=60).read()
        assert b"bank_reward_renamed" in page
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode is not None
    assert not list(tmp_path.glob("policies/.polc*"))


def test_polc_serve_listens_on_loopback_and_refuses_a_taken_port(tmp_path: Path) -> None:
    shutil.copytree(POLICIES / "sources", tmp_path / "policies" / "sources")
    shutil.copy(POLICIES / "56_childcare_governance.pol", tmp_path / "policies")
    proc, base = _start(["policies", "--no-watch"], tmp_path)
    try:
        assert base.startswith("http://127.0.0.1:")
        port = base.rsplit(":", 1)[1]
        taken = subprocess.run([sys.executable, "-c",
                                "from polc.compiler.tools.cli import main; main()", "serve",
                                "policies", "--port", port], cwd=tmp_path, capture_output=True,
                               text=True, timeout=300, check=False)
        assert taken.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in taken.stderr
        assert "Traceback" not in taken.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_policy_without_its_notice_text_is_still_served(tmp_path: Path) -> None:
    """No sources/ folder, and the policy says so (引文未核对, else E419): the page says
    so too, and the decisions are there to evaluate."""
    pol = tmp_path / "58_finance_assessment.pol"
    text = (POLICIES / pol.name).read_text(encoding="utf-8")
    head, rest = text.split("\n", 1)
    pol.write_text(f'{head}\n引文未核对 "原文不在身边"\n{rest}', encoding="utf-8")
    build = site_serve.build_once([pol])
    try:
        client = TestClient(site_api.app(lambda: build.policies, build.static))
        listed = client.get(f"{API}/58_finance_assessment").json()
        assert listed["ok"] and any("sources" in e for e in listed["errors"])
        assert "bank_annual_reward" in listed["decisions"]
        r = client.post(url("58_finance_assessment", "bank_annual_reward", True),
                        content='{"rank": 1, "bank_count": 20, "missed_tasks": 0}')
        assert r.status_code == 200 and r.json() == {"value": 200000}
        page = (build.root / "58_finance_assessment.html").read_text(encoding="utf-8")
        assert "这一页不完整" in page and 'form class="tryit"' in page
    finally:
        shutil.rmtree(build.root)
