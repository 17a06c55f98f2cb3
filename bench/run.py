"""polc benchmarks (issues 8, 11, 14, 16, 18): compile speed, growth, generated code
against hand-written, large inputs (a 10 MB policy, a 10,000-row table rendered), polc
beside its peers (twins, numpy, OpenFisca, GoRules ZEN: bench/peers/), the batch functions
(--only vector), SQL in DuckDB and Spark (--only sql), the language server's response
times (bench/lsp_bench.py), and the reviewers' site with its evaluate API (--only site).

    .venv/bin/python bench/run.py            # full run (a few minutes)
    .venv/bin/python bench/run.py --quick    # fewer sizes, repeats and cases
    .venv/bin/python bench/run.py --write    # also write bench/RESULTS.md
    .venv/bin/python bench/run.py --only peers   # one section (repeatable); with
                                                 # --write, the others' tables stay

Prints every figure and every ratio with its target.  Timings are the best (min)
of several runs: the least disturbed measurement of the same work.  Nothing here
asserts on time; a missed target is printed as "MISSED".
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import io
import itertools
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import timeit
import traceback
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import handwritten
import synth

from polc.compiler import analysis, pipeline, semantics
from polc.compiler.backends import python
from polc.compiler.diagnostics import Diagnostics
from polc.compiler.syntax import builder, grammar, parser
from polc.compiler.tools import cli

POLC = str(Path(sys.executable).with_name("polc"))


class Report:
    """Rows of (section, what, figure, target, verdict), printed as they come."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.section = ""
        self.key = ""  # the SECTIONS name being run
        self.keys: dict[str, str] = {}  # title -> SECTIONS name

    def head(self, title: str) -> None:
        self.section = title
        self.keys[title] = self.key
        print(f"\n== {title}", flush=True)

    def add(self, what: str, figure: str, target: str = "", ok: bool | None = None,
            pending: bool = False) -> None:
        """`pending`: the target cannot be assessed yet (what it measures is not built)."""
        verdict = "pending" if pending else "" if ok is None else ("met" if ok else "MISSED")
        self.rows.append((self.section, what, figure, target, verdict))
        tail = f"   [target {target}: {verdict}]" if target else ""
        print(f"  {what:<58} {figure:>18}{tail}", flush=True)


def best(run: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


# ------------------------------------------------------------------ 1. cold build


def _build_once(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, check=False, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode not in (0, 1):  # 1: a policy does not compile; still a full build
        last = (proc.stderr or proc.stdout).strip().splitlines()[-1:]
        raise RuntimeError(f"exit {proc.returncode}: {' '.join(last)}")


def bench_build(rep: Report, repeats: int) -> None:
    rep.head(f"polc build policies/ in a cold process (best of {repeats})")
    n = len(list((ROOT / "policies").glob("*.pol")))
    startup = best(lambda: subprocess.run([sys.executable, "-c", "import polc.compiler.tools.cli"],
                                          check=True), repeats)
    rep.add("python start + import polc.compiler.tools.cli", ms(startup))
    for render in (False, True):
        if render and shutil.which("dot") is None:
            rep.add("build with rendering", "skipped (no Graphviz `dot`)")
            continue
        with tempfile.TemporaryDirectory(prefix="polc-bench-") as tmp:
            cmd = [POLC, "build", "policies", "-o", tmp] + ([] if render else ["--no-render"])
            try:
                t = best(functools.partial(_build_once, cmd), repeats)
            except RuntimeError as exc:
                rep.add(f"build, {'with' if render else 'no'} rendering", "FAILED",
                        "< 1,000 ms" if not render else "", False if not render else None)
                print(f"      ({exc})")
                continue
            mods = [str(m) for m in sorted((Path(tmp) / "python").glob("*.py"))]
            fmt = best(functools.partial(subprocess.run, [
                sys.executable, "-m", "ruff", "format", "--isolated", "--quiet",
                "--line-length", "100", *mods], check=True), repeats)
        label = f"build {n} policies, " + ("with rendering" if render else "--no-render")
        if render:
            rep.add(label, ms(t))
        else:
            rep.add(label, ms(t), "< 1,000 ms", t < 1.0)
            rep.add("  of which: ruff format of the modules (subprocess)", ms(fmt))
    # a fresh clone: the parser cache is empty on the first run
    with tempfile.TemporaryDirectory(prefix="polc-bench-") as tmp:
        env = {**os.environ, "POLC_CACHE_DIR": str(Path(tmp) / "cache")}
        t0 = time.perf_counter()
        subprocess.run([POLC, "build", "policies", "-o", str(Path(tmp) / "out"), "--no-render"],
                       cwd=ROOT, env=env, capture_output=True, check=False)
        rep.add("  first build, empty parser cache (fresh clone)", ms(time.perf_counter() - t0))
    # in-process, warm: the compiler's own share
    files = sorted((ROOT / "policies").glob("*.pol"))
    grammar.get_parser()

    def compile_all() -> None:
        for f in files:
            c = pipeline.compile_file(f)
            if c.ok:
                assert c.python
    rep.add("  compile+codegen of the corpus, in process, warm", ms(best(compile_all, repeats)))


# ------------------------------------------------------------------ 2. synthetic growth

STAGES = ("parse", "build", "check", "analysis", "codegen")


def compile_stages(text: str) -> dict[str, float]:
    # as pipeline.compile_source does: the cyclic collector paused while compiling
    with pipeline.without_cycle_collection():
        return _compile_stages(text)


def _compile_stages(text: str) -> dict[str, float]:
    d = Diagnostics()
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    tree = parser.parse(text, "synthetic.pol", d)
    t1 = time.perf_counter()
    assert tree is not None, [str(x) for x in d]
    module = builder.build(tree, "synthetic.pol")
    t2 = time.perf_counter()
    policy = semantics.check(module, text, d)
    t3 = time.perf_counter()
    assert policy is not None and not d.has_errors, [str(x) for x in d][:5]
    analysis.analyse(policy, d)
    t4 = time.perf_counter()
    python.generate(policy, "synthetic.pol")
    t5 = time.perf_counter()
    out = dict(zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)))
    out["total"] = t5 - t0
    return out


def bench_growth(rep: Report, sizes: list[int], repeats: int) -> None:
    rep.head(f"synthetic policies: parse / build / check / analysis / codegen "
             f"(best of {repeats})")
    grammar.get_parser()
    for shape, make in synth.SHAPES.items():
        totals: dict[int, float] = {}
        for n in sizes:
            text = make(n)
            runs: list[dict[str, float]] = []
            try:
                for _ in range(repeats if n < 10_000 else max(1, repeats - 1)):
                    runs.append(compile_stages(text))
                    gc.collect()
            except (MemoryError, RecursionError, AssertionError) as exc:
                kind = type(exc).__name__
                where = traceback.extract_tb(exc.__traceback__)[-1]
                rep.add(f"{shape} × {n:,}", f"FAILED: {kind}",
                        "compiles" if n < 10_000 else "< 5 s", False)
                print(f"      ({kind} in {Path(where.filename).name}:{where.lineno})")
                continue
            stage = {k: min(r[k] for r in runs) for k in (*STAGES, "total")}
            totals[n] = stage["total"]
            detail = " ".join(f"{k[:5]} {stage[k] * 1000:.0f}" for k in STAGES)
            if n == 10_000:
                rep.add(f"{shape} × {n:,}  [{detail} ms]", ms(stage["total"]), "< 5 s",
                        stage["total"] < 5)
            else:
                rep.add(f"{shape} × {n:,}  [{detail} ms]", ms(stage["total"]))
        for a, b in itertools.pairwise(sizes):
            if a in totals and b in totals:
                g = totals[b] / totals[a]
                rep.add(f"{shape}: time({b:,}) / time({a:,})", f"{g:.2f}×",
                        f"≤ {12 * b // a // 10}× for {b // a}× rules", g <= 1.2 * b / a)


# ------------------------------------------------------------------ 3. decisions vs hand-written


def _load(stem: str) -> Any:
    path = ROOT / "policies" / f"{stem}.pol"
    if not path.exists():
        return None
    c = pipeline.compile_file(path)
    return c.module if c.ok else None


def _cases() -> dict[str, tuple[str, list[dict[str, Any]]]]:
    rng = random.Random(8)
    sev = [{"people_involved": rng.choice((10, 150, 250, 350, 450)),
                "deaths": rng.choice((0, 0, 2, 5, 12, 40)),
                "serious_injuries": rng.choice((0, 5, 20, 60, 120)),
                "confirmed_infections": rng.choice((0, 0, 2, 6, 12)),
                "suspected_infections": rng.choice((0, 5, 20, 60, 150))} for _ in range(20)]
    bank = [{"rank": r, "bank_count": c, "missed_tasks": m}
            for r, c, m in ((1, 20, 0), (2, 20, 1), (15, 20, 3), (16, 20, 0), (7, 30, 2),
                            (25, 30, 0), (3, 12, 1), (10, 40, 3))]
    D = Decimal
    base: dict[str, Any] = {
        "urban_hukou_years": D(3), "per_capita_monthly_income": D("3945.99"),
        "per_capita_assets": D(150000), "last_year_urban_per_capita_disposable_income": D(50000),
        "per_capita_housing_area": D("19.99"), "has_car": False,
        "car_transfer_within_2_years": False, "applicant_type": "couple", "age": D(28),
        "rents_on_market": True, "rental_contract_registered": True}
    variants: list[dict[str, Any]] = [
        {}, {"urban_hukou_years": D("2.99")}, {"per_capita_monthly_income": D(3946)},
        {"applicant_type": "single", "age": D(29)}, {"applicant_type": "orphan"},
        {"has_car": True}, {"rents_on_market": False, "rental_contract_registered": False},
        {"per_capita_housing_area": D(0)}]
    housing = [{**base, **v} for v in variants]
    days = [dt.date(2022, 9, 30), dt.date(2022, 9, 5), dt.date(2023, 1, 16),
            dt.date(2024, 4, 30), dt.date(2025, 1, 20), dt.date(2023, 6, 21)]
    return {
        "severity": ("55_overseas_labor_emergency", sev),
        "bank_annual_reward": ("58_finance_assessment", bank),
        "lower_middle_income_eligible": ("60_public_rental_housing", housing),
        "task_list_deadline": ("54_audit_rectification", [{"received_on": d} for d in days]),
    }


def _timer(func: Callable[..., Any], cases: list[dict[str, Any]]) -> timeit.Timer:
    """Calls with literal keywords and local arguments: no ** unpacking in the loop."""
    setup, calls = [], []
    for i, kw in enumerate(cases):
        for k in kw:
            setup.append(f"a{i}_{k} = CASES[{i}][{k!r}]")
        calls.append("f(" + ", ".join(f"{k}=a{i}_{k}" for k in kw) + ")")
    return timeit.Timer("\n".join(calls), "\n".join(setup), globals={"f": func, "CASES": cases})


def _per_call(func: Callable[..., Any], cases: list[dict[str, Any]], repeats: int) -> float:
    t = _timer(func, cases)
    number, _ = t.autorange()
    return min(t.repeat(repeats, number)) / number / len(cases)


def _same(a: object, b: object) -> bool:
    if hasattr(a, "name") and hasattr(b, "name"):
        return bool(a.name == b.name)  # two Enum classes with the same members
    return a == b


def bench_decisions(rep: Report, repeats: int) -> None:
    rep.head(f"generated decision vs hand-written twin (timeit, min of {repeats})")
    for name, (stem, cases) in _cases().items():
        mod = _load(stem)
        if mod is None:
            rep.add(name, f"skipped ({stem}.pol missing or not compiling)")
            continue
        gen = getattr(mod, name)
        hand = getattr(handwritten, name)
        if name == "lower_middle_income_eligible":  # generated code wants its own enum
            gen_cases = [{**c, "applicant_type": mod.ApplicantType[c["applicant_type"]]}
                         for c in cases]
            hand_cases = [{**c, "applicant_type": handwritten.ApplicantType[c["applicant_type"]]}
                          for c in cases]
        else:
            gen_cases = hand_cases = cases
        for g, h in zip(gen_cases, hand_cases):
            a, b = gen(**g), hand(**h)
            if not _same(a, b):
                raise AssertionError(f"{name}({g}): generated {a!r} != hand-written {b!r}")
        tg = _per_call(gen, gen_cases, repeats)
        th = _per_call(hand, hand_cases, repeats)
        rep.add(f"{name}: generated / hand-written",
                f"{tg * 1e9:,.0f} / {th * 1e9:,.0f} ns", )
        rep.add(f"{name}: ratio", f"{tg / th:.2f}×", "≤ 1.3×", tg / th <= 1.3)


# ------------------------------------------------------------------ 4. eval --jsonl


def severity_lines(n: int) -> list[str]:
    rng = random.Random(55)
    keys = ("people_involved", "deaths", "serious_injuries", "confirmed_infections",
            "suspected_infections")
    tops = (500, 40, 120, 12, 120)
    return ["{" + ", ".join(f'"{k}": {rng.randrange(t)}' for k, t in zip(keys, tops)) + "}\n"
            for _ in range(n)]


def bench_jsonl(rep: Report, n: int, repeats: int) -> None:
    rep.head(f"polc eval --jsonl, severity, {n:,} cases (best of {repeats})")
    policy = "policies/55_overseas_labor_emergency.pol"
    lines = severity_lines(n)
    with tempfile.TemporaryDirectory(prefix="polc-bench-") as tmp:
        big, one = Path(tmp) / "cases.jsonl", Path(tmp) / "one.jsonl"
        big.write_text("".join(lines), encoding="utf-8")
        one.write_text(lines[0], encoding="utf-8")

        def run(path: Path) -> Callable[[], None]:
            def go() -> None:
                subprocess.run([POLC, "eval", policy, "severity", "--jsonl", str(path)],
                               cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            return go
        total = best(run(big), repeats)
        fixed = best(run(one), repeats)
    rep.add("whole subprocess", f"{n / total:,.0f} cases/s", "≥ 500,000/s", n / total >= 500_000)
    rep.add("  fixed cost (start, compile, load: 1 case)", ms(fixed))
    rep.add("  per-case loop after start-up", f"{n / (total - fixed):,.0f} cases/s")

    # in process: where the per-case time goes
    c = pipeline.compile_file(ROOT / policy)
    spec = c.module.DECISIONS["severity"]
    from polc.runtime import dumps, loads
    objs = [loads(x) for x in lines]
    args = [spec.convert(o) for o in objs]
    values = [spec.func(**a) for a in args]
    from polc.compiler.tools import jsonl
    fast = jsonl.Fast(spec, c.batch.BATCH["severity"])

    def fast_path() -> None:
        jsonl.run(enumerate(lines, 1), fast, lambda line, n: cli._eval_one(spec, line, False, n),
                  cli._error, io.StringIO())
    parts: list[tuple[str, Callable[[], object]]] = [
        ("fast path: jsonl.run (msgspec, batch function, output)", fast_path),
        ("  msgspec decode against the schema", lambda: [fast.decode(x) for x in lines]),
        ("old path (--explain, odd lines): cli._eval_one",
         lambda: [cli._eval_one(spec, x, False, i) for i, x in enumerate(lines, 1)]),
        ("  runtime.loads (json, parse_float=Decimal)", lambda: [loads(x) for x in lines]),
        ("  spec.convert (JSON values to typed args)", lambda: [spec.convert(o) for o in objs]),
        ("  the decision itself", lambda: [spec.func(**a) for a in args]),
        ("  runtime.dumps of {\"value\": …} (general)",
         lambda: [dumps({"value": v}) for v in values]),
        ("  the CLI's output line (enum text cached)",
         lambda: ['{"value": ' + cli._value_text(v) + "}" for v in values]),
    ]
    for label, fn in parts:
        t = best(fn, repeats)
        rep.add(label, f"{t / n * 1e6:.2f} µs/case")


# ------------------------------------------------------------------ 5. large inputs


def _run_measured(cmd: list[str]) -> tuple[int, float, float, int]:
    """Exit code, wall seconds, CPU seconds (user + system) and peak RSS in bytes of
    one process: on a shared machine the CPU time shows what waiting for a core hid."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def bench_large_check(rep: Report, megabytes: int) -> None:
    rep.head(f"polc check of a {megabytes} MB policy (bench/synth.py of_size: "
             "small decisions, each with an input and an example; one run)")
    full = megabytes == 10
    with tempfile.TemporaryDirectory(prefix="polc-bench-") as tmp:
        # outside the project: no sources/ folder, so only the 文号 is unchecked (W410)
        path = Path(tmp) / "large.pol"
        path.write_text(synth.of_size(megabytes * 1024 * 1024), encoding="utf-8")
        rc, wall, cpu, peak = _run_measured([POLC, "check", str(path)])
    if rc != 0:
        rep.add("polc check", f"FAILED: exit {rc}", "exit 0", False)
        return
    rep.add("wall time", f"{wall:,.1f} s", "< 30 s" if full else "", wall < 30 if full else None)
    rep.add("  CPU time (user + system)", f"{cpu:,.1f} s")
    rep.add("peak memory (max RSS)", f"{peak / 2**30:,.2f} GB", "< 2 GB" if full else "",
            peak < 2 * 2**30 if full else None)


def bench_render(rep: Report, rows: int) -> None:
    rep.head(f"polc build (rendering) of policies/ plus one {rows:,}-row table (one run)")
    full = rows == 10_000
    with tempfile.TemporaryDirectory(prefix="polc-bench-") as tmp:
        pol = Path(tmp) / "bands.pol"
        pol.write_text(synth.bands(rows), encoding="utf-8")
        out = Path(tmp) / "out"
        rc, wall, cpu, _ = _run_measured([POLC, "build", "policies", str(pol), "-o", str(out)])
        svgs = len(list(out.glob("diagrams/*/*.svg")))
        summary = "summary" in (out / "diagrams" / "bands" / "decision_band.dot").read_text(
            encoding="utf-8")
    if rc not in (0, 1):
        rep.add("polc build", f"FAILED: exit {rc}", "exit 0", False)
        return
    rep.add(f"wall time ({svgs} SVG+PNG pairs; the table drawn as a "
            f"{'summary' if summary else 'full diagram'})", f"{wall:,.1f} s",
            "< 30 s" if full else "", wall < 30 if full else None)
    rep.add("  CPU time of polc (user + system; dot runs in child processes)", f"{cpu:,.1f} s")


# ------------------------------------------------------------------ site (issue 14)


def bench_site(rep: Report, cases: int) -> None:
    rep.head("the reviewers' site: polc site of policies/, and the evaluate API (one run)")
    with tempfile.TemporaryDirectory(prefix="polc-bench-") as tmp:
        rc, wall, cpu, peak = _run_measured([POLC, "site", "policies", "-o", str(Path(tmp) / "s")])
        pages = len(list((Path(tmp) / "s").glob("*.html")))
    if rc != 0:
        rep.add("polc site", f"FAILED: exit {rc}", "exit 0", False)
        return
    rep.add(f"polc site policies/ ({pages} pages), wall time", f"{wall:,.1f} s")
    rep.add("  CPU time of polc (user + system; dot runs in child processes)", f"{cpu:,.1f} s")
    rep.add("  peak memory", f"{peak / 2**20:,.0f} MB")
    # the API in process (starlette's TestClient): what evaluate adds to polc eval's code
    from starlette.testclient import TestClient

    from polc.compiler.tools import site_api, site_serve
    build = site_serve.build_once([ROOT / "policies" / "58_finance_assessment.pol"])
    try:
        client = TestClient(site_api.app(lambda: build.policies, build.static))
        url = "/api/policies/58_finance_assessment/decisions/bank_annual_reward/evaluate"
        body = "[" + ", ".join(f'{{"rank": {i % 20 + 1}, "bank_count": 20, '
                               f'"missed_tasks": {i % 4}}}' for i in range(cases)) + "]"
        t0 = time.perf_counter()
        answered = client.post(url, content=body)
        batch = time.perf_counter() - t0
        assert answered.status_code == 200 and len(answered.json()) == cases
        single = 200
        t0 = time.perf_counter()
        for i in range(single):
            client.post(url, content=f'{{"rank": {i % 20 + 1}, "bank_count": 20, '
                        '"missed_tasks": 0}')
        each = (time.perf_counter() - t0) / single
    finally:
        shutil.rmtree(build.root)
    rep.add(f"POST evaluate, a list of {cases:,} cases", f"{cases / batch:,.0f} cases/s")
    rep.add(f"POST evaluate, one case a request ({single} requests)", f"{each * 1000:,.2f} ms")


# ------------------------------------------------------------------ 6. peers (issue 16)


def bench_peers(rep: Report, n: int, sample: int, repeats: int) -> None:
    # imported here: the other sections need none of numpy, OpenFisca or ZEN
    from peers import measure
    measure.bench_peers(rep, n, sample, repeats)


# ------------------------------------------------------------------ 7. vectorised (issue 16)


def bench_vector(rep: Report, n: int, check: int, repeats: int) -> None:
    """polc's batch functions from columns beside np.select and OpenFisca, the same columns,
    in rounds (each engine once a round, best round kept); each held first to the scalar
    function's answers on the first `check` cases."""
    from peers import cases, engines, measure
    ctx = engines.Context()
    int32 = engines.POLC_VECTORISED + ", int32 columns (OpenFisca's int)"
    names = (engines.POLC_VECTORISED, int32, "numpy np.select, hand-written",
             "numpy np.select, int32 columns (OpenFisca's int)", measure.OPENFISCA)
    for decision in ("severity", "bank_annual_reward"):
        rep.head(f"vectorised: {decision}, {n:,} cases from columns (best of {repeats})")
        cols = cases.generate(decision, n)
        expected = engines.reference(ctx, decision, cases.head(cols, check))
        runs: dict[str, Callable[[], Any]] = {}
        for engine in engines.ENGINES:
            if engine.name not in names:
                continue
            prepared = engine.prepare(ctx, decision, cols)
            assert isinstance(prepared, engines.Batch)
            small = engine.prepare(ctx, decision, cases.head(cols, check))
            assert isinstance(small, engines.Batch)
            wrong = engines.disagreements(expected, engines.answers_of(small))
            if wrong:
                rep.add(engine.name, f"{len(wrong):,} WRONG", "polc's answers", False)
                continue
            runs[engine.name] = prepared.run
        rates = dict.fromkeys(runs, 0.0)
        for _ in range(repeats):
            for name, run in runs.items():
                t0 = time.perf_counter()
                run()
                rates[name] = max(rates[name], n / (time.perf_counter() - t0))
        for name, rate in rates.items():
            rep.add(name, f"{rate / 1e6:,.2f} M cases/s")
        vec = rates.get(engines.POLC_VECTORISED)
        if vec is None:
            continue
        floor = measure.VECTOR_TARGET[decision]
        rep.add("polc vectorised: target", f"{vec / 1e6:,.2f} M cases/s",
                f"≥ {floor / 1e6:.0f} M cases/s", vec >= floor)
        rep.add("  its share of the target", f"{vec / floor:.2f}×")
        if "numpy np.select, hand-written" in rates:
            rep.add("polc vectorised / np.select", f"{vec / rates['numpy np.select, hand-written']:.2f}×")
        if measure.OPENFISCA in rates:
            of = rates[measure.OPENFISCA]
            rep.add("polc vectorised / OpenFisca", f"{vec / of:.2f}×", "≥ 1×", vec >= of)
            if int32 in rates:  # like with like: both from int32 columns
                rep.add("polc vectorised, int32 columns / OpenFisca",
                        f"{rates[int32] / of:.2f}×", "≥ 1×", rates[int32] >= of)


# ------------------------------------------------------------------ 8. the language server


def bench_lsp(rep: Report, repeats: int) -> None:
    # imported here: only this section needs pygls
    import lsp_bench
    lsp_bench.bench_lsp(rep, repeats)


# ------------------------------------------------------------------ 9. tables in SQL (issue 16)


def bench_sql(rep: Report, rows: int, small: int, repeats: int) -> None:
    # imported here: the other sections need neither DuckDB nor Spark
    from sql_bench import bench_sql as run
    run(rep, rows, small, repeats)


# ------------------------------------------------------------------ main


def machine() -> str:
    # the load average says how much of a shared machine the figures had
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.machine()}, nproc {os.cpu_count()}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}, load average {load} at the start")


NOTES_MARKER = "<!-- notes: kept by bench/run.py --write -->"


SECTION_MARK = "<!-- section: "


def _old_sections(text: str) -> tuple[str, list[tuple[str | None, str]]]:
    """The header of a RESULTS.md and its `## ` blocks with their section names (None
    for a block written before blocks were marked)."""
    head, *blocks = text.split("\n## ")
    out: list[tuple[str | None, str]] = []
    for block in blocks:
        mark = next((ln for ln in block.splitlines() if ln.startswith(SECTION_MARK)), None)
        key = mark[len(SECTION_MARK):].split(" ", 1)[0] if mark else None
        out.append((key, "## " + block.rstrip("\n")))
    return head.rstrip("\n"), out


def write_markdown(rep: Report, path: Path, quick: bool, where: str, partial: bool) -> None:
    """Rewrite `path` with this run's tables.  After a run of some sections only
    (`partial`), the other sections' tables and the header stay as they were, and each
    table of this run says its own date and machine."""
    command = f"`.venv/bin/python bench/run.py{' --quick' if quick else ''}`"
    today = dt.date.today().isoformat()
    tables: dict[str, list[str]] = {}  # title -> lines, in the order run
    for sec, what, fig, target, verdict in rep.rows:
        if sec not in tables:
            run = [f"- run: {today}, {where}; `--only {rep.keys[sec]}`", ""] if partial else []
            tables[sec] = [f"## {sec}", f"{SECTION_MARK}{rep.keys[sec]} -->", "", *run,
                           "| measure | figure | target | |", "|---|---:|---|---|"]
        tables[sec].append(f"| {what.strip()} | {fig} | {target} | {verdict} |")
    blocks: list[tuple[str | None, str]] = [(rep.keys[t], "\n".join(lines))
                                            for t, lines in tables.items()]
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    top, notes = (old.split(NOTES_MARKER, 1) + [""])[:2] if NOTES_MARKER in old else (old, "\n")
    if partial and top:
        header, kept = _old_sections(top)
        ran = {key for key, _ in blocks}
        blocks = [b for b in kept if b[0] not in ran] + blocks
    else:
        header = "\n".join(["# Benchmark results", "", f"- date: {today}", f"- machine: {where}",
                            f"- command: {command}",
                            "- every figure is the best (min) of several runs; see `bench/run.py`"])
    # hand-written notes below the marker survive a rewrite
    body = header + "\n\n\n" + "\n\n".join(text for _, text in blocks)
    path.write_text(body + "\n\n" + NOTES_MARKER + notes, encoding="utf-8")


SECTIONS = ("build", "growth", "decisions", "jsonl", "large", "render", "peers", "vector", "lsp",
            "site", "sql")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer sizes, repeats and cases")
    ap.add_argument("--only", choices=SECTIONS, action="append",
                    help="run only these sections (repeatable)")
    ap.add_argument("--write", nargs="?", const=str(BENCH / "RESULTS.md"), default=None,
                    metavar="FILE", help="write the table as Markdown (default bench/RESULTS.md)")
    a = ap.parse_args()
    os.chdir(ROOT)
    only = set(a.only or SECTIONS)
    rep = Report()
    where = machine()
    print(f"polc benchmarks — {where}")
    q = a.quick
    runs: dict[str, Callable[[], None]] = {
        "build": lambda: bench_build(rep, 2 if q else 5),
        "growth": lambda: bench_growth(rep, [100, 1_000] if q else [100, 1_000, 10_000],
                                       2 if q else 3),
        "decisions": lambda: bench_decisions(rep, 3 if q else 7),
        "jsonl": lambda: bench_jsonl(rep, 100_000 if q else 1_000_000, 1 if q else 3),
        "large": lambda: bench_large_check(rep, 2 if q else 10),
        "render": lambda: bench_render(rep, 1_000 if q else 10_000),
        "peers": lambda: bench_peers(rep, 100_000 if q else 1_000_000, 200 if q else 500,
                                     2 if q else 7),
        "vector": lambda: bench_vector(rep, 1_000_000, 20_000 if q else 100_000, 3 if q else 9),
        "lsp": lambda: bench_lsp(rep, 5 if q else 15),
        "site": lambda: bench_site(rep, 1_000 if q else 10_000),
        "sql": lambda: bench_sql(rep, 1_000_000 if q else 10_000_000,
                                 20_000 if q else 200_000, 1 if q else 3),
    }
    for key in SECTIONS:
        if key in only:
            rep.key = key
            runs[key]()
    missed = [r for r in rep.rows if r[4] == "MISSED"]
    print(f"\n{len(missed)} target(s) missed" + (":" if missed else "."))
    for sec, what, fig, target, _ in missed:
        print(f"  {what.strip()}: {fig} (target {target})")
    pending = [r for r in rep.rows if r[4] == "pending"]
    if pending:
        print(f"{len(pending)} target(s) pending (not built yet): "
              + "; ".join(f"{r[1].strip()} ({r[3]})" for r in pending))
    if a.write:
        write_markdown(rep, Path(a.write), a.quick, where, partial=only != set(SECTIONS))
        print(f"wrote {a.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
