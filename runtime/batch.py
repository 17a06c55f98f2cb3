"""Columns in, columns out: what generated batch modules (polc.compiler.backends.vector) import.

A batch function computes a decision over numpy columns with integer arithmetic that the
compiler proved exact (money in 分, every number a scaled int64 whose bounds fit).  Any
row it cannot vouch for goes, alone, through the decision's scalar function: a value of
the wrong type, outside the input's domain or outside the range the proof covers, a
requirement (须) that fails, a table with no row for it.  So a refused row is refused with
exactly the scalar function's error, and every other row gets exactly its answer.

Kept apart from polc.runtime's own namespace: scalar modules import only the standard
library, and this module needs numpy.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .errors import InputError, PolcError

Array = npt.NDArray[Any]
Mask = npt.NDArray[np.bool_]
Kernel = Callable[..., "Mask | None"]

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# rows computed at once: the kernel's temporaries stay in the processor's cache
CHUNK = 1 << 15
_EPOCH = dt.date(1970, 1, 1)
# the dtypes whose every value is an int32
_NARROW = frozenset(np.dtype(t) for t in (np.int8, np.int16, np.int32, np.uint8, np.uint16))


@attrs.frozen
class Scaled:
    """A column of exact decimals given as integers: `values[i] × 10**-places`.

    `Scaled(fen, 2)` is money in 分 straight from a warehouse: no Decimal is built."""

    values: Any
    places: int


@attrs.frozen
class RowError:
    """A refused row: its index, the field at fault (None: no single field) and the error
    the scalar function raised for it."""

    index: int
    field: str | None
    message: str
    error: PolcError


# ---------------------------------------------------------------- input columns


@attrs.define
class Column:
    """An input converted for the kernel: `data` (int64, bool or codes) and `slow`, the rows
    the scalar function must take, with the value each row would be given (`python`)."""

    name: str
    data: Array
    slow: Mask | None
    python: Callable[[int], object]
    bounds: tuple[int, int] | None = None  # rows outside go slow (checked a chunk at a time)


def _base(name: str, value: object) -> Array:
    arr = np.asarray(value.values if isinstance(value, Scaled) else value)
    if arr.ndim > 1:
        raise InputError(name, "a column (one dimension)", detail=f"got {arr.ndim} dimensions")
    return arr


def _item(arr: Array, i: int) -> object:
    v = arr[i] if arr.ndim else arr[()]
    return v.item() if isinstance(v, np.generic) else v


def _outside(data: Array, lo: int, hi: int) -> Mask | None:
    """The rows outside [lo, hi], None when there is none."""
    if data.size == 0:
        return None
    if data.dtype == np.int64 and lo == 0 and hi <= INT64_MAX:
        # one pass instead of min and max: a negative value is past 2**63 as uint64
        if int(data.view(np.uint64).max()) <= hi:
            return None
    elif lo <= int(data.min()) and int(data.max()) <= hi:
        return None
    return np.asarray((data < lo) | (data > hi))


def _per_item(name: str, arr: Array, convert: Callable[[object], int | None],
              python: Callable[[int], object]) -> Column:
    """An object column, element by element: what `convert` refuses (None) goes slow."""
    flat = arr.reshape(-1)
    data = np.zeros(flat.shape[0], dtype=np.int64)
    slow = np.zeros(flat.shape[0], dtype=np.bool_)
    for i, v in enumerate(flat.tolist()):
        got = convert(v)
        if got is None or not INT64_MIN <= got <= INT64_MAX:
            slow[i] = True
        else:
            data[i] = got
    return Column(name, data.reshape(arr.shape), slow.reshape(arr.shape), python)


def count(name: str, value: object, lo: int, hi: int, narrow: bool = False) -> Column:
    """A column of whole numbers; rows outside [lo, hi] (the domain, within what the
    compiler proved safe) or not Python ints go to the scalar function.  `narrow`: the
    kernel stays within int32, so an int32 (or narrower) column is used as it is."""
    arr = _base(name, value)
    python = (lambda i: _item(arr, i))
    if narrow and arr.dtype in _NARROW:
        return Column(name, arr, None, python, (lo, hi))
    if arr.dtype.kind in "iu":
        if arr.dtype.kind == "u" and arr.size and int(arr.max()) > INT64_MAX:
            return _ranged(_per_item(name, arr, _as_int, python), lo, hi)
        return Column(name, arr.astype(np.int64, copy=False), None, python, (lo, hi))
    if arr.dtype == object:
        return _ranged(_per_item(name, arr, _as_int, python), lo, hi)
    # floats, bools, text: never a count; the scalar function says so, by name
    return Column(name, np.zeros(arr.shape, dtype=np.int64), np.ones(arr.shape, np.bool_),
                  python)


def _as_int(v: object) -> int | None:
    return v if type(v) is int else None


def _ranged(col: Column, lo: int, hi: int) -> Column:
    col.bounds = (lo, hi)
    return col


def number(name: str, value: object, places: int, lo: int, hi: int) -> Column:
    """A column of exact decimals held as int64 × 10**-places.  Accepts Scaled, integer
    arrays (whole values) and object arrays of Decimal or int; a value with more digits
    than `places`, a float or a text goes to the scalar function."""
    arr = _base(name, value)
    if isinstance(value, Scaled):
        shift = places - value.places
        python: Callable[[int], object] = (
            lambda i: Decimal(arr.reshape(-1)[i].item()).scaleb(-value.places))
        if arr.dtype.kind in "iu" and shift >= 0 and (
                not arr.size or max(abs(int(arr.min())), abs(int(arr.max()))) * 10**shift
                <= INT64_MAX):
            data = arr.astype(np.int64) * 10**shift
            return Column(name, data, None, python, (lo, hi))
        return _ranged(_per_item(name, arr, lambda v: _scaled(
            Decimal(int(v)).scaleb(-value.places) if type(v) is int else None, places),
            python), lo, hi)
    python = (lambda i: _item(arr, i))
    if arr.dtype.kind in "iu" and arr.size and max(abs(int(arr.min())), abs(int(arr.max()))) \
            * 10**places <= INT64_MAX:
        data = arr.astype(np.int64) * 10**places
        return Column(name, data, None, python, (lo, hi))
    if arr.dtype.kind in "iu" and not arr.size:
        return Column(name, arr.astype(np.int64), None, python)
    if arr.dtype.kind in "iuO":
        return _ranged(_per_item(name, arr, lambda v: _scaled(v, places), python), lo, hi)
    return Column(name, np.zeros(arr.shape, dtype=np.int64), np.ones(arr.shape, np.bool_),
                  python)


def _scaled(v: object, places: int) -> int | None:
    if type(v) is int:
        whole: int = v * 10**places
        return whole
    if type(v) is Decimal and v.is_finite():
        s: Decimal = v.scaleb(places)
        if s == s.to_integral_value():
            return int(s)
    return None


def boolean(name: str, value: object) -> Column:
    arr = _base(name, value)
    python = (lambda i: _item(arr, i))
    if arr.dtype == np.bool_:
        return Column(name, arr, None, python)
    if arr.dtype == object:
        flat = arr.reshape(-1).tolist()
        data = np.array([v is True for v in flat], dtype=np.bool_).reshape(arr.shape)
        slow = np.array([type(v) is not bool for v in flat], dtype=np.bool_).reshape(arr.shape)
        return Column(name, data, slow if slow.any() else None, python)
    return Column(name, np.zeros(arr.shape, np.bool_), np.ones(arr.shape, np.bool_), python)


def member(name: str, value: object, cls: type[enum.Enum]) -> Column:
    """Codes (the member's place in its enum) from member names or members."""
    arr = _base(name, value)
    python = (lambda i: _item(arr, i))
    if arr.dtype.kind not in "UO":
        return Column(name, np.zeros(arr.shape, np.int16), np.ones(arr.shape, np.bool_),
                      python)
    codes: dict[object, int] = {}
    for k, m in enumerate(cls):
        codes[m] = codes[m.name] = k
    uniques, inverse = _unique(arr)
    table = np.array([codes.get(u, -1) for u in uniques] or [-1], dtype=np.int16)
    data = table[inverse].reshape(arr.shape)
    slow = data < 0
    return Column(name, np.maximum(data, 0), slow if slow.any() else None, python)


def _unique(arr: Array) -> tuple[list[object], Array]:
    """The distinct values and each row's place among them; an unhashable value is its
    own (it is no member, whatever it is)."""
    if arr.dtype.kind == "U":
        uniques, inverse = np.unique(arr.reshape(-1), return_inverse=True)
        return list(uniques.tolist()), inverse
    seen: dict[tuple[type, object], int] = {}
    firsts: list[object] = []
    inverse = np.empty(arr.size, dtype=np.intp)
    for i, v in enumerate(arr.reshape(-1).tolist()):
        try:
            k = seen.setdefault((type(v), v), len(firsts))
        except TypeError:
            k = len(firsts)
        if k == len(firsts):
            firsts.append(v if type(v) is str or isinstance(v, enum.Enum) else None)
        inverse[i] = k
    return firsts, inverse


def date(name: str, value: object, lo: int, hi: int) -> Column:
    """Days since 1970-01-01 from datetime64 columns or Python dates (not date-times)."""
    arr = _base(name, value)
    if arr.dtype.kind == "M":
        days = arr.astype("datetime64[D]")
        # a time of day is not a date: that row is given as a datetime, for the scalar
        # function to refuse by name
        whole = np.asarray(days == arr)
        exact = arr.astype("datetime64[us]")
        data = days.astype(np.int64)
        return Column(name, data, None if whole.all() else ~whole,
                      lambda i: _item(days, i) if whole.reshape(-1)[i] else _item(exact, i),
                      (lo, hi))
    python = (lambda i: _item(arr, i))
    if arr.dtype == object:
        return _ranged(_per_item(name, arr, lambda v: (v - _EPOCH).days
                                 if type(v) is dt.date else None, python), lo, hi)
    return Column(name, np.zeros(arr.shape, np.int64), np.ones(arr.shape, np.bool_), python)


def given(name: str, value: object) -> Column:
    """A column only the scalar function reads, row by row."""
    arr = _base(name, value)
    return Column(name, np.zeros(arr.shape, np.int8), None, lambda i: _item(arr, i))


def round_half_up(v: Array, divisor: int) -> Array:
    """v ÷ divisor to the nearest whole number, halves away from zero (Decimal's
    ROUND_HALF_UP, the money rule of polc.runtime.money)."""
    half = divisor // 2
    return np.where(v >= 0, (v + half) // divisor, -((half - v) // divisor))


def pick_into(out: Array, conds: Sequence[Any], choices: Sequence[Any], default: Any) -> None:
    """`pick`, written into `out` (the kernel's output)."""
    out[...] = default
    for cond, choice in zip(reversed(conds), reversed(choices)):
        if cond is True:
            out[...] = choice
        elif cond is not False:
            np.copyto(out, choice, where=cond, casting="unsafe")


def pick(n: int, conds: Sequence[Any], choices: Sequence[Any], default: Any,
         dtype: Any) -> Array:
    """The choice of the first condition that holds, else `default` (np.select)."""
    out = np.empty(n, dtype=dtype)
    out[...] = default
    for cond, choice in zip(reversed(conds), reversed(choices)):
        if cond is True:
            out[...] = choice
        elif cond is not False:
            np.copyto(out, choice, where=cond, casting="unsafe")
    return out


# ---------------------------------------------------------------- the result


@attrs.frozen
class Output:
    """How a decision's answers are held: `kind` enum | role | bool | count | money | num |
    object; codes index `labels` (enum members, role titles; -1 is 无)."""

    kind: str
    dtype: Any
    places: int = 0
    labels: tuple[Any, ...] = ()


@attrs.frozen
class Batch:
    """A decision's answers for every row.

    values  int8/int16 codes into `labels` (enum, role; -1 for 无), bool, int64
            (count; money in 分 and other numbers as integers × 10**-places), or, for a
            decision computed row by row or an answer past int64, the Python values
    ok      False where the row was refused; `errors` says why, in row order
    vectorised  how many rows the columns computed (the rest went through the scalar
            function)
    """

    decision: str
    kind: str
    values: Array
    ok: Mask
    errors: tuple[RowError, ...]
    places: int = 0
    labels: tuple[Any, ...] = ()
    vectorised: int = 0

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def tolist(self) -> list[object]:
        """What the scalar function answers for each row (its RowError where it refused):
        enum members, role titles, Decimals for money and numbers."""
        bad = {e.index: e for e in self.errors}
        return [bad[i] if i in bad else self._python(v)
                for i, v in enumerate(self.values.tolist())]

    def _python(self, v: Any) -> object:
        return python_value(self.kind, v, self.places, self.labels)


def python_value(kind: str, v: Any, places: int, labels: tuple[Any, ...]) -> object:
    if kind in ("enum", "role"):
        return None if v < 0 else labels[v]
    if kind == "money":
        return _money(v)
    if kind == "num":
        return Decimal(v).scaleb(-places) if places else Decimal(v)
    return v


def _money(fen: int) -> Decimal:
    # polc.runtime.money's form: whole amounts integral, others without trailing zeros
    if fen % 100 == 0:
        return Decimal(fen // 100)
    return Decimal(fen).scaleb(-2).normalize()


def _chunks(n: int) -> Iterator[slice]:
    for start in range(0, n, CHUNK):
        yield slice(start, min(start + CHUNK, n))


def run(decision: str, output: Output, kernel: Kernel | None, scalar: Callable[..., Any],
        columns: Sequence[Column]) -> Batch:
    """Every row through `kernel` (None: none can be), then each row it cannot vouch for
    through `scalar`, with the Python values it was given."""
    n = _length(columns)
    datas = [np.broadcast_to(c.data, (n,)) for c in columns]
    slow = np.zeros(n, dtype=np.bool_)
    any_slow = False  # spares a pass over `slow` when no row is
    for c in columns:
        if c.slow is not None:
            slow |= np.broadcast_to(c.slow, (n,))
            any_slow = True
    # a column of one value (broadcast) is checked once; the others a chunk at a time,
    # while the chunk is in the cache the kernel reads it from
    checks = []
    for c, d in zip(columns, datas):
        if c.bounds is not None and np.ndim(c.data) == 0:
            outside = _outside(np.asarray(c.data).reshape(1), *c.bounds)
            if outside is not None:
                slow[:] = any_slow = True
        elif c.bounds is not None:
            checks.append((d, c.bounds[0], c.bounds[1]))
    if kernel is None:
        slow[:] = True
        out: Array = np.full(n, None, dtype=object)
    else:
        out = np.empty(n, dtype=output.dtype)
        for part in _chunks(n):
            for d, lo, hi in checks:
                outside = _outside(d[part], lo, hi)
                if outside is not None:
                    slow[part] |= outside
                    any_slow = True
            refused = kernel(out[part], *(d[part] for d in datas))
            if refused is not None:
                slow[part] |= refused
                any_slow = True
    ok = np.ones(n, dtype=np.bool_)
    errors: list[RowError] = []
    answers: dict[int, object] = {}
    rows = np.flatnonzero(slow).tolist() if any_slow or kernel is None else []
    for i in rows:
        args = {c.name: c.python(i if np.ndim(c.data) else 0) for c in columns}
        try:
            answers[i] = scalar(**args)
        except PolcError as exc:
            ok[i] = False
            errors.append(RowError(i, getattr(exc, "field", None), str(exc), exc))
    values = _store(output, out, answers, [e.index for e in errors], kernel is None)
    kind = "object" if values.dtype == object else output.kind
    return Batch(decision, kind, values, ok, tuple(errors), output.places, output.labels,
                 n - len(rows))


def _length(columns: Sequence[Column]) -> int:
    sizes = {c.name: int(np.shape(c.data)[0]) for c in columns if np.ndim(c.data)}
    if not sizes:  # no input, or single values only: one case
        return 1
    n = max(sizes.values())
    for name, size in sizes.items():
        if size != n:
            raise InputError(name, f"a column of {n} rows, as long as the others",
                             detail=f"it has {size}")
    return n


def _store(output: Output, out: Array, answers: dict[int, object], refused: list[int],
           whole: bool) -> Array:
    """The kernel's column with the scalar function's answers put in; Python values
    throughout (dtype object) when one of them has no place in the typed column."""
    if whole:
        for i, v in answers.items():
            out[i] = v
        return out
    codes = {v: k for k, v in enumerate(output.labels)}
    placed: dict[int, Any] = {}
    for i, v in answers.items():
        got = _encode(output, v, codes)
        if got is None:
            values = np.empty(out.shape[0], dtype=object)
            values[:] = [python_value(output.kind, x, output.places, output.labels)
                         for x in out.tolist()]
            for j, w in answers.items():
                values[j] = w
            values[refused] = None
            return values
        placed[i] = got
    for i, got in placed.items():
        out[i] = got
    if refused:
        out[refused] = -1 if output.kind in ("enum", "role") else 0
    return out


def _encode(output: Output, v: object, codes: dict[Any, int]) -> Any:
    kind = output.kind
    if kind in ("enum", "role"):
        return -1 if v is None else codes.get(v)
    if kind == "bool":
        return v if type(v) is bool else None
    if kind == "count":
        return v if type(v) is int and INT64_MIN <= v <= INT64_MAX else None
    if isinstance(v, Decimal) and v.is_finite():
        s = v.scaleb(output.places)
        if s == s.to_integral_value() and INT64_MIN <= int(s) <= INT64_MAX:
            return int(s)
    return None


__all__ = ["CHUNK", "Batch", "Column", "Output", "RowError", "Scaled", "boolean", "count",
           "date", "given", "member", "number", "pick", "pick_into", "round_half_up", "run"]
