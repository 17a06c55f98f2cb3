"""Exact values: money rounding, JSON in and out, staged payouts, arithmetic.

The money rule, stated once for every backend: amounts are computed exactly
in Decimal and a decision whose result is money rounds it to the fen (0.01
元) half up (四舍五入), at the end and nowhere else.

The limits of polc's numbers are stated here, once (docs/language.md, "Numbers");
the compiler imports them, so a policy is checked against what its module
enforces.  Every Decimal operation here names its context: the caller's thread
context (which a program may change) never decides a result.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import re
from collections.abc import Callable, Sequence
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from typing import Any

import attrs

from .errors import InputError, OutOfRange, PolcError

FEN = Decimal("0.01")
# No count or amount in a notice comes near LIMIT; past it an input or a literal is
# a mistake.  BOUND leaves room for a product of two such numbers (an area times a
# rent per square metre), and past it a computed value is refused, never rounded.
LIMIT = 10**18  # the largest magnitude of an input or a literal
PLACES = 18  # the most digits after the decimal point an input or a literal may have
BOUND = 10**36  # the largest magnitude of any value a decision computes
PRECISION = 100  # significant digits within which + - × are exact; past them, refused
QUOTIENT_DIGITS = 28  # a quotient is rounded to this many significant digits, half even
_LIMIT_D = Decimal(LIMIT)
_BOUND_D = Decimal(BOUND)
_MINUS_BOUND_D = -_BOUND_D
_BEYOND = f"is beyond ±10**{len(str(BOUND)) - 1}"


def _context(prec: int, *, exact: bool = False) -> Context:
    # exponents as wide as Decimal allows: no value here underflows or overflows them
    traps = [InvalidOperation, DivisionByZero, Overflow] + ([Inexact] if exact else [])
    return Context(prec=prec, rounding=ROUND_HALF_EVEN, Emin=MIN_EMIN, Emax=MAX_EMAX,
                   traps=traps)


# + - ×: an inexact result raises instead of rounding
_EXACT = _context(PRECISION, exact=True)
# the one rounding the rules ask for (money to the fen), and nothing else rounded
_UNROUNDED = _context(MAX_PREC)
_QUOTIENT = _context(QUOTIENT_DIGITS)
_ONE = Decimal(1)
_ZERO = Decimal(0)


def money(value: Decimal | int) -> Decimal:
    """Round a money amount to the fen, half up; integral amounts stay integral."""
    d = value if isinstance(value, Decimal) else Decimal(value)
    q = d.quantize(FEN, ROUND_HALF_UP, _UNROUNDED)
    whole = q.to_integral_value(None, _UNROUNDED)  # exponent 0: the same as quantize(Decimal(1))
    if whole == q:
        return whole if whole else _ZERO  # -0.004 rounds to 0, not to "-0"
    return q.normalize(_UNROUNDED)


def money_fen(fen: int | Decimal) -> Decimal:
    """An amount in 分 as the Decimal `money` gives for it (fen / 100): generated code's
    integer 分 path, where the amount is a whole number of 分 by construction."""
    if isinstance(fen, Decimal):
        return money(fen.scaleb(-2, _UNROUNDED))
    if fen % 100 == 0:
        return Decimal(fen // 100)
    return Decimal(fen).scaleb(-2, _UNROUNDED).normalize(_UNROUNDED)


def money_scaled(n: int | Decimal, k: int) -> Decimal:
    """n × 10**-k rounded to the fen, half up: the same Decimal `money` gives for that
    value, computed in integers where n is one (generated code's integer 分 path)."""
    if isinstance(n, Decimal):
        return money(n.scaleb(-k, _UNROUNDED) if k else n)
    if k <= 2:
        fen = n * 10 ** (2 - k)
    else:
        unit = 10 ** (k - 2)
        whole, rest = divmod(-n if n < 0 else n, unit)
        if 2 * rest >= unit:  # half up: ties away from zero, as ROUND_HALF_UP
            whole += 1
        fen = -whole if n < 0 else whole
    if fen % 100 == 0:
        return Decimal(fen // 100)
    return Decimal(fen).scaleb(-2, _UNROUNDED).normalize(_UNROUNDED)


def num(value: Decimal | int) -> Decimal:
    """Normalise a computed quantity for output (no trailing zeros, no exponent)."""
    d = value if isinstance(value, Decimal) else Decimal(value)
    if d == d.to_integral_value(None, _UNROUNDED):
        return d.quantize(_ONE, None, _UNROUNDED)
    return d.normalize(_UNROUNDED)


# The compiler works out, from the inputs' declared domains, which operations of a
# decision can pass BOUND or round in the default 28 digits (polc.compiler.bounds);
# only those are written as calls to the functions below.

def add(a: Decimal | int, b: Decimal | int, decision: str, where: str) -> Decimal:
    """a + b exactly, or OutOfRange naming `decision` and the position `where`."""
    try:
        value = _EXACT.add(a, b)
    except DecimalException:
        raise _too_precise(decision, where) from None
    if _MINUS_BOUND_D <= value <= _BOUND_D:
        return value
    raise OutOfRange(decision, where, _BEYOND)


def sub(a: Decimal | int, b: Decimal | int, decision: str, where: str) -> Decimal:
    """a − b exactly, or OutOfRange."""
    try:
        value = _EXACT.subtract(a, b)
    except DecimalException:
        raise _too_precise(decision, where) from None
    if _MINUS_BOUND_D <= value <= _BOUND_D:
        return value
    raise OutOfRange(decision, where, _BEYOND)


def mul(a: Decimal | int, b: Decimal | int, decision: str, where: str) -> Decimal:
    """a × b exactly, or OutOfRange."""
    try:
        value = _EXACT.multiply(a, b)
    except DecimalException:
        raise _too_precise(decision, where) from None
    if _MINUS_BOUND_D <= value <= _BOUND_D:
        return value
    raise OutOfRange(decision, where, _BEYOND)


def div(a: Decimal | int, b: Decimal | int, decision: str, where: str) -> Decimal:
    """a ÷ b to QUOTIENT_DIGITS significant digits (half even), or a refusal."""
    if b == 0:
        raise PolcError(f"{decision}: division by zero at {where}")
    return _within(_QUOTIENT.divide(a, b), decision, where)


def bounded(value: int, decision: str, where: str) -> int:
    """A whole number a decision computed (exact in Python), refused past BOUND."""
    if -BOUND <= value <= BOUND:
        return value
    raise OutOfRange(decision, where, _BEYOND)


def _within(value: Decimal, decision: str, where: str) -> Decimal:
    if _MINUS_BOUND_D <= value <= _BOUND_D:
        return value
    raise OutOfRange(decision, where, _BEYOND)


def _places(d: Decimal) -> int:
    """Digits after the decimal point, trailing zeros not counted."""
    exponent = d.normalize(_UNROUNDED).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _too_precise(decision: str, where: str) -> OutOfRange:
    return OutOfRange(decision, where, f"needs more than {PRECISION} significant digits "
                      "to be exact")


def schedule(total: Decimal | int, shares: Sequence[Decimal]) -> list[Decimal]:
    """Instalments of `total` by `shares` (fractions summing to 1), each rounded to
    the fen; the last instalment takes the rounding difference so they add up."""
    total_d = money(total)
    parts = [money(_UNROUNDED.multiply(total_d, s)) for s in shares[:-1]]
    paid = Decimal(0)
    for part in parts:
        paid = _UNROUNDED.add(paid, part)
    parts.append(money(_UNROUNDED.subtract(total_d, paid)))
    return parts


# ---------------------------------------------------------------- input checking


def _brief(value: object) -> str:
    """A number as written, cut short: a 5,000-digit input makes no readable message."""
    text = str(value)
    return text if len(text) <= 40 else f"{text[:24]}… ({len(text)} characters)"


def decimal_arg(value: object, field: str, expected: str) -> Decimal:
    """A Decimal from a Python caller's int or Decimal (never a float: floats are
    not exact, and a silent 0.1 + 0.2 is the wrong answer this tool exists to avoid)."""
    if isinstance(value, bool):
        raise InputError(field, expected, value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(field, expected + " (finite)", value)
        return value
    if isinstance(value, float):
        raise InputError(field, expected, value,
                         detail=f"got the float {value!r}; pass a Decimal or a string")
    raise InputError(field, expected, value)


def enum_arg(cls: type[enum.Enum], value: object, field: str) -> Any:
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        try:
            return cls[value]
        except KeyError:
            pass
    raise InputError(field, "one of " + ", ".join(m.name for m in cls), value)


def _describe(kind: str, unit: str, lo: Any, lo_closed: bool, hi: Any, hi_closed: bool,
              members: tuple[str, ...]) -> str:
    if kind == "enum":
        return "one of " + ", ".join(members)
    if kind == "count":
        text = "a whole number"
    elif kind == "num":
        text = "a number" + (f" ({unit})" if unit else "")
    else:
        text = {"date": "a date YYYY-MM-DD", "datetime": "a date-time YYYY-MM-DDTHH:MM",
                "bool": "true or false", "role": "a role title"}[kind]
    bounds = []
    if lo is not None:
        bounds.append(("≥ " if lo_closed else "> ") + str(lo))
    if hi is not None:
        bounds.append(("≤ " if hi_closed else "< ") + str(hi))
    return text + (" " + " and ".join(bounds) if bounds else "")


# the Python type of a value of each kind but num and enum, as a caller passes it
_PYTHON_TYPES: dict[str, type] = {"count": int, "date": dt.date, "datetime": dt.datetime,
                                  "bool": bool, "role": str}


@attrs.frozen
class Field:
    """One input's domain: its kind, unit, bounds and enum, stated once per generated
    module.  `from_json` reads it from `polc eval`'s JSON, `arg` from a Python call."""

    name: str
    kind: str  # count, num, date, datetime, bool, enum, role
    label: str
    unit: str = ""
    lo: Any = None
    lo_closed: bool = True
    hi: Any = None
    hi_closed: bool = True
    enum: type[enum.Enum] | None = None

    def expected(self) -> str:
        """What the input must be, in the words of every InputError about it."""
        members = tuple(m.name for m in self.enum) if self.enum is not None else ()
        return _describe(self.kind, self.unit, self.lo, self.lo_closed, self.hi,
                         self.hi_closed, members)

    def arg(self, value: object) -> Any:
        """A Python caller's argument, checked in full: an int becomes a Decimal for a
        number, a member name the member for an enum; anything else outside the domain
        raises InputError.  The generated guard accepts exactly what this returns
        unchanged, and hands everything else here."""
        kind = self.kind
        if kind == "enum":
            assert self.enum is not None
            return enum_arg(self.enum, value, self.name)
        if kind == "num":
            number = value if type(value) is Decimal else \
                decimal_arg(value, self.name, self.expected())
            if number.is_finite() and -_LIMIT_D <= number <= _LIMIT_D and self._inside(number):
                return number
            raise InputError(self.name, self.expected(), number)
        if type(value) is _PYTHON_TYPES[kind] and self._inside(value) and \
                (kind != "count" or -LIMIT <= value <= LIMIT):  # type: ignore[operator]
            return value
        raise InputError(self.name, self.expected(), value)

    def _inside(self, v: Any) -> bool:
        lo, hi = self.lo, self.hi
        return not ((lo is not None and (v < lo or (v == lo and not self.lo_closed))) or
                    (hi is not None and (v > hi or (v == hi and not self.hi_closed))))

    def from_json(self, raw: object) -> Any:
        """Convert one JSON value (parsed with Decimal for floats) to the Python value."""
        # fast paths for the common well-typed values (same checks, no message built)
        kind = self.kind
        if kind == "count" and type(raw) is int and -LIMIT <= raw <= LIMIT:
            self._bounds(raw)
            return raw
        if kind == "bool" and type(raw) is bool:
            return raw
        exp = self.expected()
        if self.kind in ("count", "num"):
            if isinstance(raw, bool) or raw is None:
                raise InputError(self.name, exp, raw)
            if isinstance(raw, str):
                if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", raw.strip()):
                    raise InputError(self.name, exp, raw)
                # Decimal, not int: int() refuses strings over 4300 digits (a ValueError
                # that names no field); the range checks below refuse them by name
                raw = Decimal(raw.strip())
            if isinstance(raw, float):
                if math.isnan(raw) or math.isinf(raw):
                    raise InputError(self.name, exp, raw)
                raw = Decimal(repr(raw))
            if isinstance(raw, Decimal):
                if not raw.is_finite():
                    raise InputError(self.name, exp, raw)
                if self.kind == "count":
                    # out of range first: 1e400 is whole, but no count of anything
                    # copy_abs: abs() rounds to the context and overflows past 1e999999
                    if raw.copy_abs() > _LIMIT_D:
                        raise InputError(self.name, exp, raw,
                                         detail=f"got {_brief(raw)}, which is out of range")
                    if raw != raw.to_integral_value():
                        raise InputError(self.name, exp, raw,
                                         detail=f"got {_brief(raw)}, which is not a whole number")
                    if raw.as_tuple().exponent != 0:
                        raise InputError(self.name, exp, raw,
                                         detail=f"got {_brief(raw)}: write a count without a "
                                         "decimal point or exponent")
                    raw = int(raw)
            if not isinstance(raw, (int, Decimal)):
                raise InputError(self.name, exp, raw)
            number: int | Decimal = Decimal(raw) if self.kind == "num" else raw
            if not -_LIMIT_D <= number <= _LIMIT_D:
                raise InputError(self.name, exp, number,
                                 detail=f"got {_brief(number)}, which is out of range")
            if isinstance(number, Decimal) and _places(number) > PLACES:
                raise InputError(self.name, exp, number, detail=f"got {_brief(number)}, which has "
                                 f"more than {PLACES} digits after the decimal point")
            self._bounds(number)
            return number
        if self.kind == "bool":
            if not isinstance(raw, bool):
                raise InputError(self.name, exp, raw)
            return raw
        if self.kind == "date":
            if not isinstance(raw, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
                raise InputError(self.name, exp, raw)
            try:
                value: Any = dt.date.fromisoformat(raw)
            except ValueError:
                raise InputError(self.name, exp, raw, detail=f"{raw} is not a real date") from None
            self._bounds(value)
            return value
        if self.kind == "datetime":
            if not isinstance(raw, str) or not re.fullmatch(
                    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?", raw):
                raise InputError(self.name, exp, raw)
            try:
                value = dt.datetime.fromisoformat(raw)
            except ValueError:
                raise InputError(self.name, exp, raw,
                                 detail=f"{raw} is not a real date-time") from None
            return value
        if self.kind == "enum":
            assert self.enum is not None
            if not isinstance(raw, str) or raw not in self.enum.__members__:
                raise InputError(self.name, exp, raw)
            return self.enum[raw]
        if self.kind == "role":
            if not isinstance(raw, str):
                raise InputError(self.name, exp, raw)
            return raw
        raise InputError(self.name, exp, raw)  # pragma: no cover

    def _bounds(self, v: Any) -> None:
        if not self._inside(v):
            raise InputError(self.name, self.expected(), v)


@attrs.frozen
class DecisionSpec:
    name: str
    label: str
    func: Callable[..., Any]
    explain: Callable[..., Any]
    fields: tuple[Field, ...]

    def convert(self, obj: object) -> dict[str, Any]:
        if not isinstance(obj, dict):
            raise InputError("<input>", "a JSON object {\"field\": value, …}", obj)
        fields = self.fields
        if len(obj) == len(fields) and all(f.name in obj for f in fields):
            # exactly the declared fields: nothing unknown or missing
            return {f.name: f.from_json(obj[f.name]) for f in fields}
        names = [f.name for f in fields]
        unknown = sorted(k for k in obj if k not in names)
        if unknown:
            raise InputError(unknown[0], "one of the fields " + ", ".join(names),
                             detail="no such field")
        args = {}
        for f in self.fields:
            if f.name not in obj:
                raise InputError(f.name, f.expected(), detail="missing")
            args[f.name] = f.from_json(obj[f.name])
        return args


# ---------------------------------------------------------------- JSON output


class _Raw(str):
    """A JSON number already rendered exactly."""


def to_jsonable(value: object) -> object:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return _Raw(format(num(value), "f"))
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if attrs.has(type(value)):
        return to_jsonable(attrs.asdict(value, recurse=False))  # type: ignore[arg-type]
    return str(value)


def dumps(value: object) -> str:
    """JSON text where Decimals are exact JSON numbers (no float on the way)."""
    return _encode(to_jsonable(value))


def _encode(v: object) -> str:
    if isinstance(v, _Raw):
        return str.__str__(v)
    if isinstance(v, dict):
        return "{" + ", ".join(_json_text(k) + ": " + _encode(x)
                               for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_encode(x) for x in v) + "]"
    return _json_text(v)


# json.dumps/json.loads with options build a new encoder/decoder on every call;
# these are built once (same options, same output).
_json_text = json.JSONEncoder(ensure_ascii=False).encode


class _Refused(ValueError):
    """Valid JSON syntax that an exact input does not allow."""


def _bad_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number JSON allows")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # a repeated key would silently keep the last value: refuse it as ambiguous
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(f"duplicate field {key!r}")
            seen.add(key)
    return obj


def _int_or_decimal(text: str) -> int | Decimal:
    try:
        return int(text)
    except ValueError:  # past the interpreter's digit limit (4300)
        return Decimal(text)


_decode = json.JSONDecoder(parse_float=Decimal, parse_constant=_bad_constant,
                           object_pairs_hook=_object).decode
# only for text the fast decoder refused: int() of a long number was its one other error
_decode_long = json.JSONDecoder(parse_float=Decimal, parse_int=_int_or_decimal,
                                parse_constant=_bad_constant, object_pairs_hook=_object).decode
_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(text: str) -> Any:
    """Parse JSON input exactly: floats become Decimals; NaN/Infinity and repeated fields
    are refused, and so is a lone surrogate (InputError naming the field).  A number
    too long for an int stays a Decimal, for its field to refuse by name."""
    if not isinstance(text, str) or text.startswith("\ufeff"):
        return json.loads(text, parse_float=Decimal, parse_constant=_bad_constant,
                          object_pairs_hook=_object)
    try:
        obj = _decode(text)
    except (json.JSONDecodeError, _Refused):
        raise
    except ValueError:
        obj = _decode_long(text)
    # a surrogate comes from a \u escape, or from a str that holds one already
    if "\\u" in text or (not text.isascii() and _SURROGATE.search(text)):
        _refuse_surrogates(obj)
    return obj


def _refuse_surrogates(obj: Any) -> None:
    """A lone surrogate ("\\ud800") is JSON syntax but not a character (I-JSON, RFC 7493,
    refuses it): no output could carry it back, so the input is refused by its field."""
    fields = obj.items() if isinstance(obj, dict) else [("<input>", obj)]
    for key, value in fields:
        if m := _SURROGATE.search(key):
            raise InputError(_escaped(key), "a field name in valid Unicode",
                             detail=_surrogate_detail(m[0]))
        todo = [value]
        while todo:
            item = todo.pop()
            if isinstance(item, dict):
                todo.extend(item)
                todo.extend(item.values())
            elif isinstance(item, list):
                todo.extend(item)
            elif isinstance(item, str) and (m := _SURROGATE.search(item)):
                raise InputError(key, "text in valid Unicode", detail=_surrogate_detail(m[0]))


def _surrogate_detail(char: str) -> str:
    return (f"it holds {_escaped(char)}, a lone surrogate (half of a UTF-16 pair, or a "
            "byte that was not UTF-8), which is no character")


def _escaped(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


__all__ = [
    "BOUND",
    "FEN",
    "LIMIT",
    "PLACES",
    "PRECISION",
    "QUOTIENT_DIGITS",
    "DecisionSpec",
    "Field",
    "add",
    "bounded",
    "decimal_arg",
    "div",
    "dumps",
    "enum_arg",
    "loads",
    "money",
    "mul",
    "num",
    "schedule",
    "sub",
    "to_jsonable",
]
