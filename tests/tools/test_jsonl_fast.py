"""`--jsonl`'s fast path (msgspec and the batch functions) writes exactly the old path's
lines (issue 16 item 3): the old path is `json` plus `DecisionSpec.convert` plus the
scalar function, still taken by --input, --explain and every line the fast path leaves.

For every decision of every policy, good cases and cases mutated in the ways JSON and its
users get wrong (a repeated or unknown field, a missing one, numbers as text or floats,
-0, 1e2, huge and 5000-digit numbers, NaN, nesting, a space before a colon, colons and
escapes in strings, non-objects, blank lines), run through `jsonl.run` in one stream and
line by line through the old path: the same text on every line, the same refusals.
"""

from __future__ import annotations

import io
import json
import random
from typing import Any

import pytest

from polc.compiler import pipeline
from polc.compiler.tools import cli, jsonl

from ..paths import POLICIES

LINES = 400


def _compiled() -> list[tuple[pipeline.Compilation, str]]:
    out = []
    for f in sorted(POLICIES.glob("*.pol")):
        c = pipeline.compile_file(f)
        assert c.ok
        out += [(c, name) for name in c.module.DECISIONS]
    return out


CASES = _compiled()


def _value(field: Any, rng: random.Random) -> Any:
    lo = field.lo if field.lo is not None else -5
    if field.kind == "count":
        return rng.choice([int(lo), int(lo) + 1, rng.randrange(0, 400), 10**6, 29, 30, 31])
    if field.kind == "num" and field.hi is not None:
        return rng.choice(["0", "0.05", "0.049", "0.5", "0.6", "0.95", str(field.hi)])
    if field.kind == "num":
        return rng.choice([f"{rng.randrange(0, 10**7) / 100:.2f}", "0", "0.5", "3946",
                           "3945.99", "200000", f"{lo}"])
    if field.kind == "bool":
        return rng.random() < 0.5
    if field.kind == "enum":
        return rng.choice([m.name for m in field.enum])
    if field.kind == "date":
        return rng.choice(["2022-10-28", "2023-02-28", "2024-02-29", "2022-12-31"])
    if field.kind == "datetime":
        return rng.choice(["2022-10-28T08:00", "2023-02-28T23:59:30"])
    return "区政府主要领导"


def _line(spec: Any, rng: random.Random, as_text: float = 0.1) -> str:
    parts = []
    for f in spec.fields:
        v = _value(f, rng)
        # numbers written as JSON numbers (the old path reads them as Decimal), sometimes
        # as text
        text = v if f.kind == "num" and rng.random() >= as_text else \
            json.dumps(v, ensure_ascii=False)
        parts.append((f.name, text))
    return "{" + ", ".join(f'"{k}": {t}' for k, t in parts) + "}"


def _mutated(spec: Any, good: str, rng: random.Random) -> str:
    names = [f.name for f in spec.fields]
    name = rng.choice(names) if names else "x"
    options = [
        good.replace("{", '{"' + name + '": 1, ', 1),  # repeated field
        good.replace("{", '{"unknown": 1, ', 1),
        good.replace(f'"{name}": ', f'"{name}" : ', 1),  # space before the colon
        '{"' + name + '": 1}',  # the others missing
        good.replace("}", ', "note": "a:b"}'),
        good.replace(f'"{name}": ', f'"{name}": -0, "x{name}": ', 1),
        good.replace(f'"{name}": ', f'"{name}": 1e2, "y": ', 1),
        "[" + good + "]", "", "   ", "null", "{", good + " x", good + "\r",
        good.replace(f'"{name}": ', f'"{name}": 1' + "0" * 5000 + ', "z": ', 1),
    ]
    for f in spec.fields:
        if f.name == name:
            old = f'"{name}": '
            start = good.index(old) + len(old)
            end = start
            depth = 0
            while end < len(good) and (depth or good[end] not in ",}"):
                depth += good[end] in "[{"
                depth -= good[end] in "]}"
                end += 1
            for v in ['"12.5"', "12.0", "NaN", "1e400", "-1", "true", "null", '"\\ud800"',
                      "99999999999999999999", "[1]", '{"a": 1}', '"I"', '"nope"', "1.5",
                      '"2022-02-30"', '"2022-10-28T08:00"', "0.1234567890123456789"]:
                options.append(good[:start] + v + good[end:])
    return rng.choice(options)


@pytest.mark.parametrize(("compiled", "decision"), CASES,
                         ids=[f"{c.path.split('/')[-1][:2]}-{d}" for c, d in CASES])
def test_fast_path_writes_the_old_paths_lines(compiled: pipeline.Compilation,
                                               decision: str) -> None:
    spec = compiled.module.DECISIONS[decision]
    rng = random.Random(decision)
    lines = []
    for _ in range(LINES):
        good = _line(spec, rng)
        lines.append(good if rng.random() < 0.6 else _mutated(spec, good, rng))

    def old(line: str, lineno: int) -> tuple[str, bool]:
        if not line.strip(" \t\r\n"):
            return cli._error(cli._BLANK, None, lineno), False
        return cli._eval_one(spec, line, False, lineno)

    expected = [old(line, n) for n, line in enumerate(lines, 1)]
    out = io.StringIO()
    fast = jsonl.Fast(spec, compiled.batch.BATCH[decision])
    bad = jsonl.run(enumerate(lines, 1), fast, old, cli._error, out)
    got = out.getvalue().split("\n")
    assert got[-1] == ""
    assert got[:-1] == [text for text, _ in expected]
    assert bad == sum(not ok for _, ok in expected)
    # the fast path did take the good lines (not a date-time's: its colons send it back)
    if spec.fields and all(f.kind != "datetime" for f in spec.fields):
        assert sum(fast.case(line) is not None for line in lines) > LINES // 3


def _split_across(spec: Any, rng: random.Random) -> list[str]:
    """Three lines holding three cases that are not one a line: the first line ends in
    the middle of the second case, the second line is its tail — valid as a JSON array
    of the lines, invalid line by line."""
    a, b, c = (_line(spec, rng, 0) for _ in range(3))
    cut = b.index(", ") if ", " in b else len(b) - 1
    return [a + ", " + b[:cut], b[cut + 2:], c]


CHUNKED = [(c, d) for c, d in CASES
           if c.module.DECISIONS[d].fields
           and all(f.kind != "datetime" for f in c.module.DECISIONS[d].fields)]


@pytest.mark.parametrize(("compiled", "decision"), CHUNKED,
                         ids=[f"{c.path.split('/')[-1][:2]}-{d}" for c, d in CHUNKED])
def test_whole_chunks_decode_at_once_and_write_the_same_lines(
        compiled: pipeline.Compilation, decision: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of good lines are decoded by one msgspec call over the chunk; a chunk with
    one bad line, or whose lines only make sense together, goes line by line."""
    monkeypatch.setattr(jsonl, "CHUNK", 16)
    spec = compiled.module.DECISIONS[decision]
    rng = random.Random(decision + "chunks")
    lines: list[str] = []
    for block in range(12):
        good = [_line(spec, rng, 0) for _ in range(16)]
        if block % 3 == 1:
            good[rng.randrange(16)] = _mutated(spec, good[0], rng)
        if block % 3 == 2 and len(spec.fields) > 1:
            good[4:7] = _split_across(spec, rng)
        lines += good

    def old(line: str, lineno: int) -> tuple[str, bool]:
        if not line.strip(" \t\r\n"):
            return cli._error(cli._BLANK, None, lineno), False
        return cli._eval_one(spec, line, False, lineno)

    fast = jsonl.Fast(spec, compiled.batch.BATCH[decision])
    chunks = [fast.chunk(lines[i:i + 16]) for i in range(0, len(lines), 16)]
    # the blocks of good lines, most of their lines (a value out of its domain goes back)
    assert sum(c is not None and sum(x is not None for x in c) >= 8 for c in chunks) >= 4
    for given in (lines, [line + "\n" for line in lines]):  # as a file gives them, too
        expected = [old(line, n) for n, line in enumerate(given, 1)]
        out = io.StringIO()
        bad = jsonl.run(enumerate(given, 1), fast, old, cli._error, out)
        assert out.getvalue().split("\n")[:-1] == [text for text, _ in expected]
        assert bad == sum(not ok for _, ok in expected)
    assert fast.chunk([line + "\n" for line in lines[:16]]) is not None
    if len(spec.fields) > 1:
        assert fast.chunk(_split_across(spec, rng)) is None
