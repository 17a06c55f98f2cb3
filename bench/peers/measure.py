"""bench/run.py's peers section (issue 16, item 6): every registered engine on the same
generated cases, in the same run, with the issue's targets.

For each decision: the cases are generated once; polc's generated function answers all
of them (the reference); each engine is held to those answers on the rows it runs
before it is timed (an engine that disagrees is reported, not timed); then
- "call" engines: held to polc on the first CALL_ROWS cases; µs per call, timeit over
  the first `sample` cases written out as literal calls (no loop or ** unpacking in
  the timed code);
- "batch" engines: cases/s of a run over all cases (a slow engine: its first
  `max_rows`);
each the best of rounds in which every engine runs once (calls: CALL_ROUNDS× as many
rounds, each shorter).
A target whose engine is not registered yet (polc's vectorised backend) is "pending".
"""

from __future__ import annotations

import time
import timeit
from collections.abc import Callable
from typing import Protocol

from . import cases, engines
from .engines import POLC_VECTORISED, Batch, Calls

# issue 16's targets from columns, cases/s
VECTOR_TARGET = {"severity": 30e6, "bank_annual_reward": 40e6}
SCALAR_RATIO = 1.3  # polc within 1.3× of the fastest exact hand-written twin
ZEN_RATIO = 10  # polc at least 10× faster than ZEN per call
TWINS = ("twin: bench/handwritten.py (Decimal)", "twin: bench/peers/twins.py (integer 分)")
ZEN_CALL = "GoRules ZEN"
OPENFISCA = "OpenFisca, calculate"
CALL_ROWS = 20_000
# calls are timed in windows of about 20 ms, 10× as many rounds as batches: on a shared
# machine many short windows give each engine a better chance of an undisturbed one
CALL_ROUNDS = 10


class Report(Protocol):
    def head(self, title: str) -> None: ...

    def add(self, what: str, figure: str, target: str = "", ok: bool | None = None,
            pending: bool = False) -> None: ...


def _timer(prepared: Calls, sample: int) -> timeit.Timer:
    setup, calls = [], []
    for i, (pos, kw) in enumerate(prepared.args[:sample]):
        names = []
        for j in range(len(pos)):
            setup.append(f"p{i}_{j} = ARGS[{i}][0][{j}]")
            names.append(f"p{i}_{j}")
        for k in kw:
            setup.append(f"a{i}_{k} = ARGS[{i}][1][{k!r}]")
            names.append(f"{k}=a{i}_{k}")
        calls.append(f"f({', '.join(names)})")
    return timeit.Timer("\n".join(calls), "\n".join(setup),
                        globals={"f": prepared.func, "ARGS": prepared.args})


def _timing(prepared: Calls | Batch, rows: int, sample: int) -> Callable[[], float]:
    """One measurement: seconds per call, or seconds per case of a whole batch."""
    if isinstance(prepared, Calls):
        t = _timer(prepared, sample)
        number, _ = t.autorange()  # ≥ 0.2 s; a tenth of it, measured CALL_ROUNDS× as often
        number = max(1, number // 10)
        calls = min(sample, len(prepared.args))
        return lambda: t.timeit(number) / number / calls
    run = prepared.run

    def batch() -> float:
        t0 = time.perf_counter()
        run()
        return (time.perf_counter() - t0) / rows
    return batch


def _rate(x: float) -> str:
    return f"{x / 1e6:,.2f} M cases/s" if x >= 1e5 else f"{x:,.0f} cases/s"


def bench_decision(rep: Report, ctx: engines.Context, decision: str, n: int, sample: int,
                   repeats: int) -> None:
    rep.head(f"peers: {decision}, {n:,} generated cases, the same for every engine "
             f"(calls: timeit over {sample}, best of {repeats * CALL_ROUNDS} rounds; "
             f"batches: whole runs, best of {repeats})")
    cols = cases.generate(decision, n)
    expected = engines.reference(ctx, decision, cols)
    timings: dict[str, tuple[str, Callable[[], float]]] = {}
    kinds: dict[str, str] = {}
    for engine in engines.ENGINES:
        rows = min(n, engine.max_rows or n, CALL_ROWS if engine.kind == "call" else n)
        prepared = engine.prepare(ctx, decision, cols if rows == n else cases.head(cols, rows))
        if prepared is None:
            continue
        label = engine.name + (", per call" if engine.kind == "call" else
                               "" if rows == n else f" (first {rows:,} cases)")
        wrong = engines.disagreements(expected[:rows], engines.answers_of(prepared))
        if wrong:
            rep.add(label, f"{len(wrong):,} WRONG", "polc's answers", False)
            continue
        timings[engine.name] = (label, _timing(prepared, rows, sample))
        kinds[engine.name] = engine.kind
    # rounds, each timing every engine once: on a shared machine a busy spell then
    # slows all engines of a round alike, and the best round of each is compared
    best = dict.fromkeys(timings, float("inf"))
    for round_ in range(repeats * CALL_ROUNDS):
        for name, (_, measure) in timings.items():
            if kinds[name] == "call" or round_ % CALL_ROUNDS == 0:
                best[name] = min(best[name], measure())
    calls = {k: v for k, v in best.items() if kinds[k] == "call"}  # seconds per call
    rates = {k: 1 / v for k, v in best.items() if kinds[k] == "batch"}  # cases per second
    for name, (label, _) in timings.items():
        rep.add(label, f"{calls[name] * 1e6:,.3f} µs" if name in calls else _rate(rates[name]))
    targets(rep, decision, calls, rates)


def targets(rep: Report, decision: str, calls: dict[str, float],
            rates: dict[str, float]) -> None:
    polc = calls.get("polc")
    twins = {name: calls[name] for name in TWINS if name in calls}
    if polc is not None and twins:
        name, twin = min(twins.items(), key=lambda kv: kv[1])
        rep.add(f"scalar: polc / fastest exact twin, {name.split(': ')[1]}",
                f"{polc / twin:.2f}×", f"≤ {SCALAR_RATIO}×", polc / twin <= SCALAR_RATIO)
    if polc is not None and ZEN_CALL in calls:
        rep.add("scalar: ZEN per call / polc", f"{calls[ZEN_CALL] / polc:.1f}×",
                f"≥ {ZEN_RATIO}×", calls[ZEN_CALL] / polc >= ZEN_RATIO)
    of = rates.get(OPENFISCA)
    if of is not None and "numpy np.select, hand-written" in rates:
        rep.add("np.select / OpenFisca (for scale)",
                f"{rates['numpy np.select, hand-written'] / of:.2f}×")
    floor = VECTOR_TARGET.get(decision)
    vec = rates.get(POLC_VECTORISED)
    if floor is not None:
        rep.add("vectorised: polc from columns", "—" if vec is None else _rate(vec),
                f"≥ {floor / 1e6:.0f} M cases/s", None if vec is None else vec >= floor,
                pending=vec is None)
    if of is not None:
        rep.add("vectorised: polc / OpenFisca", "—" if vec is None else f"{vec / of:.2f}×",
                "≥ 1×", None if vec is None else vec >= of, pending=vec is None)


def bench_peers(rep: Report, n: int, sample: int, repeats: int) -> None:
    ctx = engines.Context()
    for decision in cases.DECISIONS:
        bench_decision(rep, ctx, decision, n, sample, repeats)
