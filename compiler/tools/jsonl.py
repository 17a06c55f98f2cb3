"""`polc eval --jsonl`, fast and exact: msgspec decodes each line against the decision's
schema, the batch function (backends.vector) answers a chunk of lines at once.

A line takes the fast path only when its meaning cannot differ from what `json` plus
`DecisionSpec.convert` make of it (the path `--input` and `--explain` take):

- msgspec accepts it under the schema: an object with exactly the decision's fields; a
  count an int within ±LIMIT, a boolean true/false, an enum one of its names, a number a
  JSON number (kept as its text, msgspec.Raw, and read as Decimal exactly: no float);
- it has as many ':' as fields, every one right after a '"', so no field is repeated
  (msgspec keeps the last of two, `json` here refuses them).

Lines are taken CHUNK at a time.  Where every line of a chunk is one flat case (see
`Fast.chunk`), msgspec decodes the chunk as one JSON array: one call instead of one a
line, the same values.  Otherwise each line is decoded by itself.

Every other line (bad JSON, a missing, unknown or mistyped field, a number as a string,
a date-time's colons) goes through the old path, whose message is today's.  A line the
fast path takes and the decision refuses gets the scalar function's own error, which the
batch function reports for its row: one output line per input line, in order, either way.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal, TextIO

import msgspec
import numpy as np

from polc.runtime import LIMIT, PolcError, dumps
from polc.runtime.batch import Batch, RowError

# lines answered per call of the batch function: enough to amortise numpy's per-call
# cost, few enough to keep output flowing on a slow pipe
CHUNK = 8192
_COUNT = Annotated[int, msgspec.Meta(ge=-LIMIT, le=LIMIT)]
_NUMBER_START = frozenset(b"-0123456789")
Slow = Callable[[str, int], tuple[str, bool]]
_UNDECODED = re.compile("[\ud800-\udfff]")
# how a line that is one case ends, as read from a file (the newline kept) or not
_CASE_ENDS = ("}", "}\n", "}\r\n")


def _schema(spec: Any) -> type[msgspec.Struct]:
    fields: list[tuple[str, Any]] = []
    for f in spec.fields:
        if f.kind == "count":
            t: Any = _COUNT
        elif f.kind == "num":
            t = msgspec.Raw
        elif f.kind == "bool":
            t = bool
        elif f.kind == "enum":
            t = Literal[tuple(m.name for m in f.enum)]  # type: ignore[valid-type]
        else:  # dates, date-times, roles: text, converted as the old path converts it
            t = str
        fields.append((f.name, t))
    return msgspec.defstruct(f"Case_{spec.name}", fields, forbid_unknown_fields=True)


def _number(raw: msgspec.Raw) -> int | Decimal | None:
    """A JSON number exactly as `json` (parse_float=Decimal) reads it; None: not a number."""
    text = bytes(raw)
    if not text or text[0] not in _NUMBER_START:
        return None
    if b"." in text or b"e" in text or b"E" in text:
        return Decimal(text.decode("ascii"))
    try:
        return int(text)
    except ValueError:  # past the interpreter's digit limit: a Decimal, refused by name
        return Decimal(text.decode("ascii"))


class Fast:
    """The fast path of one decision: its schema, and how each field becomes a column."""

    def __init__(self, spec: Any, batch: Callable[..., Batch]) -> None:
        self.spec = spec
        self.batch = batch
        schema = _schema(spec)
        self.decode = msgspec.json.Decoder(schema).decode
        self.decode_all = msgspec.json.Decoder(list[schema]).decode  # type: ignore[valid-type]
        # a date-time's colons break the counts that keep a repeated field out
        self.datetime = any(f.kind == "datetime" for f in spec.fields)
        self.colons = len(spec.fields)
        # numbers, dates, roles: converted per case as the old path converts them
        self.convert = [i for i, f in enumerate(spec.fields)
                        if f.kind in ("num", "date", "datetime", "role")]
        self.getters = [operator.itemgetter(i) if self.convert else operator.attrgetter(f.name)
                        for i, f in enumerate(spec.fields)]

    def case(self, line: str) -> Any:
        """The line decoded (a Struct, or a list of its values when some need converting),
        or None: the old path must take it."""
        if not self.colons:
            return None  # no input: one answer, whatever the line; the old path checks it
        if line.count(":") != self.colons or line.count('":') != self.colons:
            return None
        if not line.isascii() and _UNDECODED.search(line):
            return None  # bytes that were not UTF-8: the old path names the first
        try:
            case = self.decode(line)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None
        if not self.convert:
            return case
        return self._converted(case)

    def _converted(self, case: msgspec.Struct) -> list[Any] | None:
        """The case's values with its numbers, dates and roles converted as the old path
        converts them, or None: the old path must take it (and says why, in its words)."""
        values = list(msgspec.structs.astuple(case))
        for i in self.convert:
            f = self.spec.fields[i]
            value = values[i]
            if f.kind == "num":
                value = _number(value)
                if value is None:
                    return None
            try:
                values[i] = f.from_json(value)
            except PolcError:
                return None
        return values

    def chunk(self, lines: list[str]) -> list[Any] | None:
        """Every line of the chunk decoded by one call of msgspec over them all (a JSON
        array of the lines), None for a line whose value the old path must convert (a
        number as text, one out of its domain), or None for the chunk: its lines must be
        taken one at a time.

        The array is the lines only where each line is exactly one case: a line that
        starts with '{', ends with '}' and holds no other '{' (so no case can span two
        lines or two share one: a case is a flat object, since an enum's name holds no
        brace and a number that is not one is refused below), as many cases as lines,
        and, over the chunk, as many ':' and '":' as fields times lines (each case has
        every field, so no line can hide a repeated one).  A line may end in its newline
        (JSON white space)."""
        if not self.colons or self.datetime:
            return None
        n = len(lines)
        if not all(line[:1] == "{" and line.endswith(_CASE_ENDS) and line.count("{") == 1
                   for line in lines):
            return None
        text = ",".join(lines)
        if text.count(":") != self.colons * n or text.count('":') != self.colons * n:
            return None
        if not text.isascii() and _UNDECODED.search(text):
            return None
        try:
            cases = self.decode_all("[" + text + "]")
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None
        if len(cases) != n:
            return None
        if not self.convert:
            return cases
        return [self._converted(case) for case in cases]

    def answer(self, cases: list[Any]) -> tuple[list[str], tuple[RowError, ...]]:
        """The output line of each case (placeholders where refused) and the refusals,
        from one call of the batch function."""
        columns: dict[str, Any] = {}
        for f, get in zip(self.spec.fields, self.getters):
            values = list(map(get, cases))
            if f.kind == "count":
                columns[f.name] = np.array(values, dtype=np.int64)
            elif f.kind == "bool":
                columns[f.name] = np.array(values, dtype=np.bool_)
            elif f.kind == "enum":
                columns[f.name] = np.array(values, dtype=str)
            else:
                column = np.empty(len(values), dtype=object)
                column[:] = values
                columns[f.name] = column
        result = self.batch(**columns)
        return _texts(result), result.errors


def _texts(result: Batch) -> list[str]:
    values = result.values
    if result.kind in ("enum", "role", "bool"):
        # one text per distinct answer, looked up for every row
        codes = values.astype(np.int64)
        distinct = np.unique(codes)
        table = np.array(['{"value": ' + dumps(result._python(int(c) if result.kind != "bool"
                                                             else bool(c))) + "}"
                          for c in distinct.tolist()], dtype=object)
        texts: list[str] = table[np.searchsorted(distinct, codes)].tolist()
        return texts
    return ['{"value": ' + dumps(v) + "}" for v in result.tolist()]


def _blocks(lines: Iterable[tuple[int, str]], size: int) -> Iterator[list[tuple[int, str]]]:
    """The lines in lists of `size` (the last shorter): itertools.batched before 3.12."""
    it = iter(lines)
    while block := list(itertools.islice(it, size)):
        yield block


def run(lines: Iterable[tuple[int, str]], fast: Fast, slow: Slow,
        error: Callable[[str, str | None, int], str], out: TextIO) -> int:
    """Answer every (line number, text), the numbers consecutive; returns how many lines
    were refused."""
    bad = 0
    texts: list[str] = []  # the chunk's output lines, "" where the batch answers
    cases: list[Any] = []
    where: list[int] = []  # each case's place in `texts`
    first = 1

    def flush() -> None:
        nonlocal bad
        if cases:
            answers, refused = fast.answer(cases)
            if len(where) == len(texts):
                texts[:] = answers
            else:
                for k, text in zip(where, answers):
                    texts[k] = text
            for e in refused:
                k = where[e.index]
                texts[k] = error(e.message, e.field, first + k)
            bad += len(refused)
        if texts:
            out.write("\n".join(texts) + "\n")
        texts.clear()
        cases.clear()
        where.clear()

    for block in _blocks(lines, CHUNK):
        first = block[0][0]
        whole = fast.chunk([line for _, line in block])
        if whole is not None and not any(case is None for case in whole):
            cases[:], where[:], texts[:] = whole, range(len(whole)), [""] * len(whole)
            flush()  # every line a case: one decode, one call of the batch function
            continue
        for k, (lineno, line) in enumerate(block):
            case = fast.case(line) if whole is None else whole[k]
            if case is None:
                text, ok = slow(line, lineno)
                bad += not ok
                texts.append(text)
            else:
                where.append(len(texts))
                texts.append("")
                cases.append(case)
        flush()
    return bad
