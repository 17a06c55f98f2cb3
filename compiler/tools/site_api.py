"""The JSON web API `polc serve` answers, in the manner of OpenFisca's:

    GET  /api/policies                                   every policy and its decisions
    GET  /api/policies/{policy}                          one policy
    GET  /api/policies/{policy}/decisions/{decision}     inputs and output as JSON Schema
    POST /api/policies/{policy}/decisions/{decision}/evaluate[?explain=true][&as_of=DATE]

The body of `evaluate` is one case, a JSON object exactly as `polc eval --input` takes it,
or a JSON array of such cases.  One case is answered as `polc eval` answers it (the same
code: cli._eval_one), {"value": …} with "explain" on request, or {"error": …, "field": …}
with status 422; a list gets a list of such answers, in order, with status 200 (each
case stands alone, as a line of `polc eval --jsonl` does).  A request that is not JSON, too
large or for a policy or decision that does not exist gets a 4xx whose JSON names the
field at fault.  Nothing a request holds can stop the server: an unexpected error is a 500
for that request alone.

{policy} is the policy's output name (its file name without .pol), as in `polc build`.

Each policy states when it is in force ("in_force": from, to; null is open) and its
"series".  With `as_of=YYYY-MM-DD` the case is answered by the version of {policy}'s series in force
on that day, as `polc eval --as-of` answers it (docs/versions.md); a day no version covers
is a 422 naming the day, with "field": "as_of".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from polc.compiler import pipeline
from polc.compiler.analysis import versions
from polc.compiler.diagnostics import Diagnostics
from polc.compiler.ir import Validity
from polc.runtime import InputError, dumps, loads
from polc.viz.site import model as M

__all__ = ["MAX_BODY", "MAX_CASES", "Policies", "PolicyEntry", "app", "input_schema",
           "output_schema"]

# a request body past this is refused (413) before it is parsed
MAX_BODY = 8 * 1024 * 1024
MAX_CASES = 10_000
JSON = "application/json"
SCHEMA = "https://json-schema.org/draft/2020-12/schema"
_NUM_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"  # what runtime.Field.from_json reads as a number
_COUNT_PATTERN = r"^-?[0-9]+$"


@attrs.frozen
class PolicyEntry:
    """One policy as the API serves it: its page's model and, when it compiles, the
    generated module's decisions (runtime.DecisionSpec by name)."""

    notice: M.Notice
    specs: dict[str, Any]
    compiles: bool


@attrs.frozen
class Policies:
    """Every policy being served, by its output name; replaced whole on a rebuild."""

    by_slug: dict[str, PolicyEntry]
    # slug -> the series it is a version of, and the slug of each version by its file
    series: dict[str, tuple[versions.Series, dict[str, str]]] = attrs.Factory(dict)
    # slug -> its own period, for a policy in no series
    periods: dict[str, Validity] = attrs.Factory(dict)


def entries(site: M.Site, compiled: dict[str, pipeline.Compilation]) -> Policies:
    """The API's view of a collected site; `compiled` by slug."""
    out = {}
    for n in site.notices:
        c = compiled[n.slug]
        out[n.slug] = PolicyEntry(n, dict(c.module.DECISIONS) if c.ok else {}, c.ok)
    folders: dict[str, list[versions.Member]] = {}
    slugs: dict[str, str] = {}
    periods: dict[str, Validity] = {}
    for slug, c in compiled.items():
        if c.ok and c.ir is not None:
            periods[slug] = c.ir.validity
            folders.setdefault(c.path.rpartition("/")[0], []).append(versions.member(c.ir))
            slugs[c.path] = slug
    series: dict[str, tuple[versions.Series, dict[str, str]]] = {}
    for members in folders.values():
        for s in versions.series_of(members, Diagnostics()):  # polc check reports these
            for v in s.versions:
                series[slugs[v.policy.file]] = (s, slugs)
    return Policies(out, series, periods)


# ---------------------------------------------------------------- JSON Schema


def _bound(f: M.Field, text: str | None) -> Any:
    if text is None:
        return None
    return int(text) if f.kind == "count" else Decimal(text)


def input_schema(f: M.Field) -> dict[str, Any]:
    """The JSON Schema of one input: what runtime.Field.from_json accepts.  Numbers may be
    JSON numbers or decimal text (text keeps every digit exact through JavaScript)."""
    out: dict[str, Any] = {"title": f.label, "x-polc-type": f.type_text}
    if f.unit:
        out["x-polc-unit"] = f.unit
    if f.kind in ("count", "num"):
        out["type"] = ["integer" if f.kind == "count" else "number", "string"]
        out["pattern"] = _COUNT_PATTERN if f.kind == "count" else _NUM_PATTERN
        lo, hi = _bound(f, f.lo), _bound(f, f.hi)
        if lo is not None:
            out["minimum" if f.lo_closed else "exclusiveMinimum"] = lo
        if hi is not None:
            out["maximum" if f.hi_closed else "exclusiveMaximum"] = hi
    elif f.kind == "bool":
        out["type"] = "boolean"
    elif f.kind == "enum":
        out["type"] = "string"
        out["enum"] = [m.name for m in f.members]
        out["oneOf"] = [{"const": m.name, "title": m.label} for m in f.members]
    elif f.kind == "date":
        out.update(type="string", format="date")
    elif f.kind == "datetime":
        out.update(type="string", format="date-time",
                   pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$")
    else:
        out["type"] = "string"
    if f.domain_text and f.kind in ("date", "datetime"):
        out["x-polc-domain"] = f.domain_text
    return out


_OUTPUT_TYPES = {"count": "integer", "num": "number", "bool": "boolean", "date": "string",
                 "datetime": "string", "enum": "string", "role": "string", "list": "array",
                 "null": "null"}


def output_schema(o: M.Output) -> dict[str, Any]:
    out: dict[str, Any] = {"title": o.type_text, "type": _OUTPUT_TYPES.get(o.kind, "string")}
    if o.members:
        out["enum"] = [m.name for m in o.members]
        out["oneOf"] = [{"const": m.name, "title": m.label} for m in o.members]
    if o.kind == "date":
        out["format"] = "date"
    if "无" in o.type_text:  # 或 无: the decision may answer null
        out["type"] = [out["type"], "null"]
    return out


def decision_json(slug: str, d: M.Decision) -> dict[str, Any]:
    return {
        "policy": slug, "decision": d.name, "label": d.label, "function": d.function,
        "import": d.import_line,
        "input": {"$schema": SCHEMA, "type": "object",
                  "properties": {f.name: input_schema(f) for f in d.inputs},
                  "required": [f.name for f in d.inputs], "additionalProperties": False},
        "output": output_schema(d.output),
        "evaluate": f"/api/policies/{slug}/decisions/{d.name}/evaluate",
    }


def policy_json(entry: PolicyEntry, state: Policies | None = None) -> dict[str, Any]:
    n = entry.notice
    extra: dict[str, Any] = {}
    if state is not None:
        period = state.periods.get(n.slug)
        series = state.series.get(n.slug)
        # when the policy is in force (docs/versions.md): its own period, or as its series
        # places it; evaluate takes ?as_of=DATE
        version = next((v for v in series[0].versions if series[1][v.policy.file] == n.slug),
                       None) if series else None
        start, end = ((version.start, version.end) if version is not None else
                      (period.start, period.end) if period is not None else (None, None))
        extra = {"in_force": {"from": None if start is None else str(start),
                              "to": None if end is None else str(end)},
                 "series": series[0].name if series else None}
    return {**extra, "policy": n.slug, "docno": n.docno, "title": n.title, "path": n.policy_path,
            "ok": entry.compiles, "errors": list(n.problems),
            "decisions": {d.name: {"label": d.label,
                                   "url": f"/api/policies/{n.slug}/decisions/{d.name}"}
                          for d in n.decisions if d.name in entry.specs},
            "page": f"/{n.page}"}


# ---------------------------------------------------------------- the app


class ApiError(Exception):
    """A request refused: its status, what is wrong and which field."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _json(body: str | dict[str, Any] | list[Any], status: int = 200) -> Response:
    text = body if isinstance(body, str) else dumps(body)
    return Response(text + "\n", status, media_type=JSON)


def _error(exc: ApiError) -> Response:
    body: dict[str, Any] = {"error": exc.message}
    if exc.field is not None:
        body["field"] = exc.field
    return _json(body, exc.status)


def _entry(policies: Policies, slug: str) -> PolicyEntry:
    entry = policies.by_slug.get(slug)
    if entry is None:
        raise ApiError(404, f"no policy {slug!r}; there are: "
                       + ", ".join(sorted(policies.by_slug)), "policy")
    return entry


def _decision(policies: Policies, slug: str, name: str) -> tuple[PolicyEntry, M.Decision]:
    entry = _entry(policies, slug)
    if not entry.compiles:
        raise ApiError(409, f"policy {slug!r} does not compile: " + " ".join(
            entry.notice.problems)[:2000], "policy")
    found = next((d for d in entry.notice.decisions if d.name == name), None)
    if found is None or name not in entry.specs:
        raise ApiError(404, f"policy {slug!r} has no decision {name!r}; it has: "
                       + ", ".join(d.name for d in entry.notice.decisions), "decision")
    return entry, found


def _explain_flag(request: Request) -> bool:
    raw = request.query_params.get("explain")
    if raw is None or raw in ("false", "0"):
        return False
    if raw in ("", "true", "1"):
        return True
    raise ApiError(400, f"explain must be true or false, got {raw!r}", "explain")


def _as_of(state: Policies, slug: str, decision: str, request: Request) -> str:
    """The policy that answers: `slug`, or with ?as_of=DATE the version of its series in
    force on DATE (the choice `polc eval --as-of` makes: analysis.versions)."""
    raw = request.query_params.get("as_of")
    if raw is None:
        return slug
    from .versions import parse_day
    day = parse_day(raw)
    if day is None:
        raise ApiError(400, f"as_of must be a date YYYY-MM-DD, got {raw!r}", "as_of")
    _entry(state, slug)
    if slug not in state.series:
        period = state.periods.get(slug)
        if period is not None and not period.covers(day):
            raise ApiError(422, f"{slug} is not in force on {day}: it is in force "
                           f"{period.start or '…'} 至 {period.end or '今'}", "as_of")
        return slug
    series, slugs = state.series[slug]
    version = series.version_on(day)
    if version is None:
        raise ApiError(422, f"no version of series {series.name} is in force on {day} "
                       f"(the versions: {series.covered()})", "as_of")
    if decision not in version.policy.decisions and decision in series.decisions():
        raise ApiError(422, f"the version in force on {day}, {version.policy.docno}, has no "
                       f"decision {decision!r}", "as_of")
    return slugs[version.policy.file]


async def _body(request: Request) -> str:
    kind = request.headers.get("content-type", JSON).split(";")[0].strip().lower()
    # curl -d sends its JSON as a form: read as JSON too; multipart, XML … are refused
    if kind not in (JSON, "text/plain", "application/x-www-form-urlencoded", ""):
        raise ApiError(415, f"send the case as {JSON}, not {kind}", "Content-Type")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise ApiError(413, f"the request body is over {MAX_BODY} bytes", "body")
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"the body is not UTF-8: byte {exc.start + 1} ({exc.reason})",
                       "body") from None


def _evaluate(spec: Any, text: str, explain: bool) -> Response:
    from .cli import _eval_one  # polc eval's own code: the same answers, word for word
    if not text.lstrip(" \t\r\n").startswith("["):
        answer, ok = _eval_one(spec, text, explain, None)
        if ok:
            return _json(answer)
        if answer.startswith('{"error": "invalid JSON'):
            raise ApiError(400, json.loads(answer)["error"], "body")
        return _json(answer, 422)
    try:
        cases = loads(text)
    except InputError as exc:  # a lone surrogate, named by its field
        raise ApiError(422, str(exc), exc.field) from None
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, f"invalid JSON: {exc}", "body") from None
    if len(cases) > MAX_CASES:
        raise ApiError(413, f"at most {MAX_CASES} cases in one request, got {len(cases)}",
                       "body")
    answers = [_eval_one(spec, dumps(case), explain, None)[0] for case in cases]
    return _json("[" + ", ".join(answers) + "]")


def app(current: Callable[[], Policies], site: ASGIApp) -> Starlette:
    """The API over `current()` (read once per request, so a rebuild never mixes two
    versions in one answer), and the static site `site` at /."""

    def guarded(handler: Callable[..., Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                result: Response = await handler(request, current())
                return result
            except ApiError as exc:
                return _error(exc)
            except Exception as exc:  # noqa: BLE001 - one request fails, never the server
                return _error(ApiError(500, f"internal error: {type(exc).__name__}: {exc} "
                                       "(please report this)"))
        return endpoint

    async def policies(request: Request, state: Policies) -> Response:
        return _json({"policies": [policy_json(e, state) for e in state.by_slug.values()]})

    async def policy(request: Request, state: Policies) -> Response:
        return _json(policy_json(_entry(state, request.path_params["policy"]), state))

    async def decision(request: Request, state: Policies) -> Response:
        p = request.path_params
        _, d = _decision(state, p["policy"], p["decision"])
        return _json(decision_json(p["policy"], d))

    async def evaluate(request: Request, state: Policies) -> Response:
        if request.method != "POST":
            raise ApiError(405, f"{request.method} {request.url.path}: evaluate takes POST "
                           "with the case as its JSON body", "method")
        p = request.path_params
        entry, d = _decision(state, _as_of(state, p["policy"], p["decision"], request),
                             p["decision"])
        explain = _explain_flag(request)
        text = await _body(request)
        result: Response = await run_in_threadpool(_evaluate, entry.specs[d.name], text,
                                                   explain)
        return result

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if not request.url.path.startswith("/api/"):
            return Response(f"{exc.status_code} {exc.detail}\n", exc.status_code,
                            media_type="text/plain; charset=utf-8")
        if exc.status_code == 404:
            return _error(ApiError(404, f"no such API path: {request.url.path}; see "
                                   "/api/policies", "path"))
        return _error(ApiError(exc.status_code, f"{request.method} {request.url.path}: "
                               f"{exc.detail}", "method" if exc.status_code == 405 else None))

    routes = [
        Route("/api/policies", guarded(policies), methods=["GET"]),
        Route("/api/policies/{policy}", guarded(policy), methods=["GET"]),
        Route("/api/policies/{policy}/decisions/{decision}", guarded(decision),
              methods=["GET"]),
        # every method, so that a GET is told to POST (405) rather than not found
        Route("/api/policies/{policy}/decisions/{decision}/evaluate", guarded(evaluate),
              methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        Mount("/", app=site),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: http_error})
