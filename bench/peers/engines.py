"""The engines measured side by side, in one registry.

Every engine starts from the same generated columns (bench/peers/cases.py) and builds
its own inputs in `prepare`, outside the timed work.  It is one of two kinds:

- `Calls` (kind "call"): a scalar function and its arguments, one call a case, timed
  per call;
- `Batch` (kind "batch"): one callable that answers every case, timed in cases/s.

Both say how to read their results as the canonical answer — severity's level name,
bank reward's `Decimal` (compared by its text, so 80000 and 80000.00 differ), 60号's
bool — and tests/test_bench_peers.py holds every registered engine to polc's generated
function before bench/run.py times any.  `prepare` returns None for a decision the
engine cannot express.

Adding an engine is one decorated function (see `polc_vectorised`, polc's batch
functions).  bench/peers/measure.py prints issue 16's vectorised targets against the
engine named POLC_VECTORISED.  DuckDB the same way: a batch engine
whose prepare loads the columns into a table and whose run is the query.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import handwritten
import numpy as np

from polc.compiler import pipeline

from . import cases, openfisca_model, twins, vector, zen_tables
from .cases import LEVELS, Columns

ROOT = Path(__file__).resolve().parents[2]
POLICIES = {"severity": "55_overseas_labor_emergency",
            "bank_annual_reward": "58_finance_assessment",
            "lower_middle_income_eligible": "60_public_rental_housing"}
POLC_VECTORISED = "polc vectorised"


@dataclass(frozen=True)
class Calls:
    func: Callable[..., Any]
    args: list[tuple[tuple[Any, ...], dict[str, Any]]]  # per case: positional, keywords
    answer: Callable[[Any], object]  # one result as the canonical answer


@dataclass(frozen=True)
class Batch:
    run: Callable[[], Any]
    answers: Callable[[Any], list[object]]  # run()'s result as canonical answers


Prepare = Callable[["Context", str, Columns], Calls | Batch | None]


@dataclass(frozen=True)
class Engine:
    name: str
    kind: str  # "call" or "batch"
    prepare: Prepare
    max_rows: int | None  # a slow engine runs on the first max_rows cases only


ENGINES: list[Engine] = []


def register(name: str, kind: str, max_rows: int | None = None) -> Callable[[Prepare], Prepare]:
    def add(prepare: Prepare) -> Prepare:
        ENGINES.append(Engine(name, kind, prepare, max_rows))
        return prepare
    return add


class Context:
    """What engines share and build once: polc's modules, OpenFisca's system, ZEN."""

    @functools.cache  # noqa: B019 -- one Context a run, kept for the run
    def module(self, decision: str) -> Any:
        # the CLI-facing API, as `polc eval` loads a policy
        compiled = pipeline.compile_file(ROOT / "policies" / f"{POLICIES[decision]}.pol")
        if not compiled.ok:
            raise RuntimeError(f"{POLICIES[decision]}.pol does not compile")
        return compiled.module

    @functools.cache  # noqa: B019 -- one Context a run, kept for the run
    def batch(self, decision: str) -> Any:
        """The batch module beside `module` (polc.compiler.pipeline's `batch` stage)."""
        compiled = pipeline.compile_file(ROOT / "policies" / f"{POLICIES[decision]}.pol")
        return compiled.batch

    @functools.cached_property
    def openfisca(self) -> Any:
        return openfisca_model.system()

    @functools.cached_property
    def zen(self) -> Any:
        return zen_tables.engine()


def canonical(decision: str, value: object) -> object:
    """A Python engine's result as the canonical answer."""
    if decision == "severity":
        return value.name  # type: ignore[attr-defined]  # an Enum member of any class
    return value


def keyword_calls(func: Callable[..., Any], decision: str, cols: Columns,
                  enum: Any = None) -> Calls:
    return Calls(func, [((), row) for row in cases.rows(decision, cols, enum)],
                 functools.partial(canonical, decision))


def decode_column(decision: str, column: Any) -> list[object]:
    """A vectorised engine's answers: level codes, 分 or booleans."""
    values = np.asarray(column).tolist()
    if decision == "severity":
        return [LEVELS[v] for v in values]
    if decision == "bank_annual_reward":
        return [cases.fen_to_money(v) for v in values]
    return [bool(v) for v in values]


# ------------------------------------------------------------------ scalar, per call


@register("polc", "call")
def polc(ctx: Context, decision: str, cols: Columns) -> Calls:
    mod = ctx.module(decision)
    return keyword_calls(getattr(mod, decision), decision, cols,
                         getattr(mod, "ApplicantType", None))


@register("twin: bench/handwritten.py (Decimal)", "call")
def twin_decimal(ctx: Context, decision: str, cols: Columns) -> Calls | None:
    """Not for bank reward: that twin returns amounts quantized to the 分 (80000.00),
    equal in value to polc's but not the same text (polc's money keeps whole amounts
    whole: 80000), so it is not an exact twin of polc's answer."""
    if decision == "bank_annual_reward":
        return None
    return keyword_calls(getattr(handwritten, decision), decision, cols,
                         handwritten.ApplicantType)


@register("twin: bench/peers/twins.py (integer 分)", "call")
def twin_integer(ctx: Context, decision: str, cols: Columns) -> Calls | None:
    func = getattr(twins, decision, None)
    return None if func is None else keyword_calls(func, decision, cols)


@register("GoRules ZEN", "call")
def zen_call(ctx: Context, decision: str, cols: Columns) -> Calls:
    contexts = zen_tables.contexts(decision, cols)
    return Calls(ctx.zen.evaluate, [((decision, c), {}) for c in contexts],
                 functools.partial(zen_tables.answer, decision))


# ------------------------------------------------------------------ batch, cases/s


def _row_loop(names: tuple[str, ...]) -> Callable[[Callable[..., Any], list[list[Any]]], list[Any]]:
    """`[f(a=a, b=b) for a, b in zip(*lists)]` for these names: the loop a user writes,
    with literal keywords (no ** unpacking per row)."""
    keywords = ", ".join(f"{n}={n}" for n in names)
    code = f"lambda f, lists: [f({keywords}) for {', '.join(names)} in zip(*lists)]"
    return eval(code)  # type: ignore[no-any-return]


@register("polc, a loop over rows", "batch", max_rows=200_000)
def polc_loop(ctx: Context, decision: str, cols: Columns) -> Batch:
    mod = ctx.module(decision)
    func = getattr(mod, decision)
    args = cases.arguments(decision, cols, getattr(mod, "ApplicantType", None))
    lists = list(args.values())
    loop = _row_loop(tuple(args))
    return Batch(lambda: loop(func, lists),
                 lambda out: [canonical(decision, v) for v in out])


@register("GoRules ZEN, evaluate_batch", "batch", max_rows=20_000)
def zen_batch(ctx: Context, decision: str, cols: Columns) -> Batch:
    requests = [{"key": decision, "context": c} for c in zen_tables.contexts(decision, cols)]

    def answers(out: list[dict[str, Any]]) -> list[object]:
        bad = next((r for r in out if not r["success"]), None)
        if bad is not None:
            raise RuntimeError(f"ZEN refused a case: {bad.get('error')}")
        return [zen_tables.answer(decision, r["data"]) for r in out]
    return Batch(lambda: ctx.zen.evaluate_batch(requests), answers)


@register(POLC_VECTORISED, "batch")
def polc_vectorised(ctx: Context, decision: str, cols: Columns) -> Batch:
    """The batch function polc generates (backends.vector), from the same columns: counts
    as int64, 60号's hundredths as Scaled (money in 分), its applicant type as names."""
    batch = ctx.batch(decision).BATCH[decision]
    given: dict[str, Any] = dict(cols)
    if decision == "lower_middle_income_eligible":
        from polc.runtime.batch import Scaled
        for k in cases.HUNDREDTHS:
            given[k] = Scaled(cols[k], 2)
        given["applicant_type"] = np.array(cases.APPLICANT_TYPES)[cols["applicant_type"]]

    def answers(out: Any) -> list[object]:
        if out.errors:
            raise RuntimeError(f"polc's batch refused a case: {out.errors[0].message}")
        return [canonical(decision, v) for v in out.tolist()]
    return Batch(lambda: batch(**given), answers)


@register(POLC_VECTORISED + ", int32 columns (OpenFisca's int)", "batch")
def polc_vectorised_int32(ctx: Context, decision: str, cols: Columns) -> Batch:
    """The same batch function from the int32 columns OpenFisca is given: used as they
    are where polc proved every value stays within int32 (severity), widened otherwise."""
    return polc_vectorised(ctx, decision, openfisca_model.inputs(decision, cols))


@register("numpy np.select, hand-written", "batch")
def numpy_select(ctx: Context, decision: str, cols: Columns) -> Batch:
    peer = vector.PEERS[decision]
    return Batch(lambda: peer(cols), functools.partial(decode_column, decision))


@register("numpy np.select, int32 columns (OpenFisca's int)", "batch")
def numpy_select_int32(ctx: Context, decision: str, cols: Columns) -> Batch:
    """The same peer over int32 columns: half the bytes of int64 to read, which is what
    OpenFisca's `int` variables get (exact here: every value and product < 2**31)."""
    narrow = {k: v.astype(np.int32) if v.dtype == np.int64 else v for k, v in cols.items()}
    peer = vector.PEERS[decision]
    return Batch(lambda: peer(narrow), functools.partial(decode_column, decision))


def _openfisca_answers(decision: str, out: Any) -> list[object]:
    if decision == "severity":
        return list(out.decode_to_str().tolist())
    return decode_column(decision, out)


@register("OpenFisca, calculate", "batch")
def openfisca_calculate(ctx: Context, decision: str, cols: Columns) -> Batch:
    """The formula over a simulation whose inputs are set: its result dropped from
    OpenFisca's cache before each run, so every run computes it."""
    sim = openfisca_model.simulation(ctx.openfisca, openfisca_model.inputs(decision, cols))

    def run() -> Any:
        sim.delete_arrays(decision, openfisca_model.PERIOD)
        return sim.calculate(decision, openfisca_model.PERIOD)
    return Batch(run, functools.partial(_openfisca_answers, decision))


@register("OpenFisca, build simulation + set inputs + calculate", "batch")
def openfisca_whole(ctx: Context, decision: str, cols: Columns) -> Batch:
    columns = openfisca_model.inputs(decision, cols)
    return Batch(lambda: openfisca_model.simulate(ctx.openfisca, decision, columns),
                 functools.partial(_openfisca_answers, decision))


def reference(ctx: Context, decision: str, cols: Columns, chunk: int = 100_000) -> list[object]:
    """polc's generated function's answer for every case, computed a chunk at a time
    (1,000,000 rows of 60号's Decimals at once would take a gigabyte)."""
    mod = ctx.module(decision)
    func = getattr(mod, decision)
    enum = getattr(mod, "ApplicantType", None)
    n = len(next(iter(cols.values())))
    out: list[object] = []
    for start in range(0, n, chunk):
        part = {k: v[start:start + chunk] for k, v in cols.items()}
        out += [canonical(decision, func(**row)) for row in cases.rows(decision, part, enum)]
    return out


def same(a: object, b: object) -> bool:
    """Exactly the same answer: Decimals by value and by text (80000 is not 80000.00)."""
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return type(a) is type(b) and str(a) == str(b)
    return type(a) is type(b) and a == b


def disagreements(expected: list[object], got: list[object]) -> list[int]:
    if len(expected) != len(got):
        return [min(len(expected), len(got))]
    return [i for i, (a, b) in enumerate(zip(expected, got)) if not same(a, b)]


def answers_of(prepared: Calls | Batch) -> list[object]:
    if isinstance(prepared, Calls):
        return [prepared.answer(prepared.func(*a, **k)) for a, k in prepared.args]
    return prepared.answers(prepared.run())
