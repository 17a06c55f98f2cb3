"""GoRules ZEN (zen-engine 2.1.3): the decisions as JDM decision tables, bench/peers/jdm/
*.json — the JSON the GoRules editor reads and writes; open them there to see them.

Each table is first-hit.  severity has a row per input and level, as the notice lists
them (II: `[300..400)` — 以上 includes the number, 以下 excludes it); bank reward has
two rows on `bank_count - rank` with the amount as an output expression, in 元;
lower_middle_income_eligible has one row per applicant type that holds when every
condition does, then a row for everything else.  ZEN has no way for a table to refuse
an input, so these tables leave out polc's input checks (the cases are in-domain).

Called through `ZenEngine.evaluate(key, context)` with a static loader: the fastest
path of the Python binding.  `ZenDecision.evaluate` builds a tokio runtime on every
call (about 300 µs here), so it is not used.

ZEN computes in decimal (rust_decimal); it takes 60号's amounts as JSON text, so
3945.99 reaches it exactly.  Its binding returns a non-integral number as a Python
float: `_money` reads it back through repr (exact for the ≤ 15 significant digits of
these amounts); every bank reward is whole 元, an int.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import zen

from .cases import INPUTS, Columns, arguments

JDM = Path(__file__).resolve().parent / "jdm"


def engine() -> zen.ZenEngine:
    content = {p.stem: json.loads(p.read_text(encoding="utf-8"))
               for p in sorted(JDM.glob("*.json"))}
    return zen.ZenEngine({"loader": {"type": "static", "content": content}})


def contexts(decision: str, cols: Columns) -> list[Any]:
    """One context a case: a dict of ints, or for 60号 a JSON object whose numbers are
    the Decimals' own text (a dict would carry them as floats)."""
    args = arguments(decision, cols)
    names = INPUTS[decision]
    if decision != "lower_middle_income_eligible":
        return [dict(zip(names, vals)) for vals in zip(*args.values())]
    return ["{" + ", ".join(f'"{k}": {_json(v)}' for k, v in zip(names, vals)) + "}"
            for vals in zip(*args.values())]


def _json(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)


def _money(value: object) -> Decimal:
    if type(value) is int:
        return Decimal(value)
    amount = Decimal(repr(value))
    return Decimal(int(amount)) if amount == amount.to_integral_value() else amount.normalize()


def answer(decision: str, response: dict[str, Any]) -> object:
    """The canonical answer (bench/peers/engines.py) of one `evaluate` response."""
    result = response["result"]
    if decision == "severity":
        return result["level"]
    if decision == "bank_annual_reward":
        return _money(result["reward"])
    return result["eligible"]
