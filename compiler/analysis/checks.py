"""The static checks of a policy's decisions, in the manner of DMN verifiers.

Each decision's conditions are boxed in its input space (`space`); on boxes the checks
are exact:

- W601 a 取最严重 / 查表 / 依次 without 否则 that leaves input values uncovered;
- E602 two rows of a (unique-hit) 查表 that both match some input, with
  different results; W603 the same with equal results;
- E604 two 查表 rows with identical patterns;
- W605 a 依次 rule, a level or a row of a 查表 按首条 that can never apply (covered
  by earlier rows); the rows of 按全部 / 按合计 / 按最大 / 按最小 may overlap;
- W606 the rows of a one-key band table whose thresholds are out of order;
- W607 a level that gets less severe when a harm quantity grows.

Every finding carries a concrete counterexample (`messages`).  Conditions that cannot be
boxed (arithmetic on two inputs, 取 another decision, locals) make the check that needs
them skip silently: a missed finding is better than a false one.  Each check of a 取最严重,
依次 or 查表 gets its own work budget; one that runs out (a pathological policy) stops
with note N608 on that expression, never silently.

The checks are sized for policies of 10,000 rows: table overlaps and monotone levels
use the sweeps of `sweeps`, gaps sweep the breakpoints of one dimension at a time
(`Space.uncovered`), shadowing keeps the union of earlier rows as merged interval sets
(`space.Union`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator

from polc.compiler import ir
from polc.compiler.diagnostics import Diagnostics, Span
from polc.compiler.ir import TypeKind as TK

from .algebra import Con, Iv, cmp_iv, pick, scalar
from .deadlines import check_flows
from .messages import show_keys, show_point, show_value
from .space import (
    TOP,
    Box,
    Budget,
    Ctx,
    GiveUp,
    Space,
    TableSpace,
    Union,
    dims_of,
    hull,
    refine,
    refine_or_blur,
    same_region,
)
from .sweeps import Hit, overlaps, worse_1d, worse_boxes

Checked = ir.LevelsE | ir.RulesE | ir.TableE
WHAT = {ir.LevelsE: "取最严重", ir.RulesE: "依次", ir.TableE: "查表"}


def analyse(policy: ir.Policy, diags: Diagnostics) -> None:
    """Every check on every decision and every flow of `policy`; findings go to `diags`."""
    Analyser(policy, diags).run()
    check_flows(policy, diags)


class Analyser:
    def __init__(self, policy: ir.Policy, diags: Diagnostics) -> None:
        self.p = policy
        self.d = diags
        # the tables of 分级负责, whose unassigned grades the checker names (W315)
        self.assignments = {id(d.result) for d in policy.decisions if d.grade is not None}

    def run(self) -> None:
        for dec in self.p.decisions:
            # the contexts of one decision share a budget; each check gets its own
            space = Space.of_decision(self.p, dec.params, Budget())
            try:
                ctx = TOP
                for req in dec.requires:
                    ctx = refine(space, ctx, req.cond)
            except GiveUp:
                ctx = Ctx(({},), frozenset(dec.params))
            for let in dec.lets:
                self.walk(let.expr, space, ctx)
            self.walk(dec.result, space, ctx)

    def guarded(self, e: Checked, check: Callable[[Checked, Space, Ctx], None],
                space: Space, ctx: Ctx) -> None:
        try:
            check(e, space.within(Budget.for_rows(len(e.rows))), ctx)
        except GiveUp:
            # findings made before the budget ran out stand; say that the rest is
            # unknown rather than let a clean run suggest the decision is clean
            self.d.note("N608", f"{WHAT[type(e)]} 过于复杂（{len(e.rows)} 行），静态分析（缺口、"
                        "重叠、遮蔽、单调）未做完，已中止", e.span,
                        hint="split the decision into smaller tables or simplify its "
                             "conditions to have it analysed in full")

    def walk(self, e: ir.Expr, space: Space, ctx: Ctx) -> None:
        """The checks of `e` and of the expressions inside it, each in its context."""
        if isinstance(e, ir.IfE):
            for branch, neg in ((e.then, False), (e.other, True)):
                self.walk(branch, space, refine_or_blur(space, ctx, e.cond, neg))
            return
        if isinstance(e, ir.LevelsE):
            self.guarded(e, self.levels, space, ctx)  # type: ignore[arg-type]
            if e.otherwise is not None:
                self.walk(e.otherwise.expr, space, self._after(space, ctx,
                                                               [r.cond for r in e.rows]))
            return
        if isinstance(e, ir.RulesE):
            self.guarded(e, self.rules, space, ctx)  # type: ignore[arg-type]
            # the context after rules 0..i-1 is built once, one rule at a time
            # (recomputing it from ctx for every rule was quadratic)
            self.graded([(r.expr, r.site) for r in e.rows])
            sub = ctx
            for row in e.rows:
                self.walk(row.expr, space, refine_or_blur(space, sub, row.cond))
                sub = self._after(space, sub, [row.cond])
            if e.otherwise is not None:
                self.walk(e.otherwise.expr, space, sub)
            return
        if isinstance(e, ir.TableE):
            self.guarded(e, self.table, space, ctx)  # type: ignore[arg-type]
            self.graded([(r.expr, r.site) for r in e.rows])
            for table_row in e.rows:
                self.walk(table_row.expr, space, ctx)
            if e.otherwise is not None:
                self.walk(e.otherwise.expr, space, ctx)
            return
        for child in _operands(e):
            self.walk(child, space, ctx)

    def graded(self, rows: list[tuple[ir.Expr, ir.Site]]) -> None:
        """W311/W312: rows whose results are ranges with fixed ends make a graded scale
        (情节较轻的 1万元以上5万元以下, 情节严重的 5万元以上10万元以下); taken by their lower
        ends, two neighbouring grades that share values (W311) or leave values between
        them that no grade gives (W312) are reported: the first is often a 约定 the text
        gives and the policy lacks, the second a grade left out."""
        # a one-ended grade (情节特别严重的 50万元以上) is taken with its open end as
        # beyond every number: it neither overlaps nor leaves a gap on that side
        fixed = [(r, site) for r, site in rows if isinstance(r, ir.RangeE)
                 and isinstance(r.lo, ir.Lit | None) and isinstance(r.hi, ir.Lit | None)
                 and not (r.lo is None and r.hi is None)]
        if len(fixed) < 2:
            return
        fixed.sort(key=lambda rs: (rs[0].lo is not None,
                                   rs[0].lo.value if rs[0].lo is not None else 0,
                                   not rs[0].lo_closed))  # type: ignore[union-attr]
        for (a, sa), (b, sb) in itertools.pairwise(fixed):
            if a.hi is None:
                # a grade with no upper end takes everything above its lower end
                self.d.warning("W313", f"两档范围重叠：{a.text} 没有上限，与 {b.text} 重叠",
                               sb.span, related=[(sa.span, "the grade with no upper end")],
                               hint="a grade with no upper end (5000元以上) is the highest; "
                                    "the one above it takes values it already gives")
                continue
            if b.lo is None:
                self.d.warning("W313", f"两档范围重叠：{b.text} 没有下限，与 {a.text} 重叠",
                               sb.span, related=[(sa.span, "the other grade")],
                               hint="only the lowest grade may lack a lower end (20万元以下)")
                continue
            a_hi, b_lo = a.hi.value, b.lo.value  # type: ignore[union-attr]
            if b_lo < a_hi or (b_lo == a_hi and a.hi_closed and b.lo_closed):  # type: ignore[operator]
                shared = show_value(b.type.item or b.lo.type, b_lo)
                self.d.warning("W311", f"两档范围重叠：{a.text} 与 {b.text} 都含 {shared}",
                               sb.span, related=[(sa.span, "the other grade")],
                               hint="if one end is not included, the text's 约定 says so: "
                                    "约定 以下 不含本数 (适用于 the clause), or mark it （不含）")
            elif b_lo > a_hi or (b_lo == a_hi and not (a.hi_closed or b.lo_closed)):  # type: ignore[operator]
                self.d.warning("W312", f"两档范围之间有空档：{a.text} 与 {b.text} 之间的值"
                               "不属于任何一档", sb.span, related=[(sa.span, "the grade below")],
                               hint="if the text leaves those values out, say so with a 解读")

    def _after(self, space: Space, ctx: Ctx, conds: list[ir.Cond]) -> Ctx:
        for c in conds:
            ctx = refine_or_blur(space, ctx, c, negate=True)
        return ctx

    # ------------------------------------------------------------ shared
    def gap(self, space: Space, ctx: Ctx, rows: list[list[Box]], what: str, span: Span,
            hint: str) -> None:
        relevant = dims_of(b for r in rows for b in r)
        if ctx.fuzzy & relevant:
            return
        covering = [b for r in rows for b in r]
        for region in ctx.boxes:
            hole = space.uncovered(region, covering)
            if hole is not None:
                shown = sorted(relevant) or sorted(hole)
                point = space.point(hole, shown)
                self.d.warning("W601", f"{what}未覆盖所有情形：{show_point(space, point)} 时"
                               "没有一行适用", span, hint=hint)
                return

    def shadowed(self, space: Space, ctx: Ctx, rows: list[tuple[list[Box] | None, ir.Site]],
                 what: str) -> None:
        """W605: a row whose whole region is taken by earlier rows."""
        earlier = Union(space)
        hulls: dict[object, list[int]] = {}  # rows by the hull of their region
        for i, (boxes, site) in enumerate(rows):
            if boxes is None:
                continue
            space.tick()
            h = hull(space, boxes)
            reachable = [m for r in ctx.boxes for b in boxes
                         for m in [space.meet(r, b)] if m is not None]
            if not reachable:
                if not boxes:
                    msg = f"{what}的条件永远不成立"
                else:
                    msg = f"{what}在允许的取值范围内永远不会适用"
                self.d.warning("W605", msg, site.span,
                               hint="remove the row or correct its condition")
            elif earlier and all(earlier.covers(r) for r in reachable):
                # equal regions have equal hulls: only rows with this hull are compared
                same = [j for j in hulls.get(h, ())
                        if same_region(space, rows[j][0] or [], boxes)]
                firsts = itertools.islice((j for j in range(i) if rows[j][0] is not None), 3)
                related = [(rows[j][1].span, "this earlier row takes every case")
                           for j in (same[:3] or firsts)]
                if same:
                    msg = f"{what}与前面的第 {same[0] + 1} 行条件相同，永远不会适用"
                else:
                    msg = f"{what}被前面的行完全遮蔽，永远不会适用"
                self.d.warning("W605", msg, site.span, related=related,
                               hint="reorder the rows, or remove the unreachable one")
            for b in boxes:
                earlier.add(b)
            hulls.setdefault(h, []).append(i)

    # ------------------------------------------------------------ 取最严重
    def levels(self, e: ir.LevelsE, space: Space, ctx: Ctx) -> None:
        boxes = [space.dnf(r.cond) for r in e.rows]
        self.shadowed(space, ctx, [(b, r.site) for b, r in zip(boxes, e.rows)],
                      "级别 ")
        if any(b is None for b in boxes):
            return
        rows = [b for b in boxes if b is not None]
        if e.otherwise is None:
            self.gap(space, ctx, rows, "取最严重 ", e.span,
                     "add a level for these values, 否则 => …, or a 要求 that refuses them")
        self.monotone(e, space, ctx, rows)

    def monotone(self, e: ir.LevelsE, space: Space, ctx: Ctx, rows: list[list[Box]]) -> None:
        """W607: more of a quantity must never give a less severe level."""
        used = dims_of(b for r in rows for b in r)
        if ctx.fuzzy & used:
            return
        quantities = sorted(d for d in used if space.dims[d].kind != "set"
                            and space.dims[d].type.kind is not TK.DATE)
        if len(quantities) == 1 and used | dims_of(ctx.boxes) == set(quantities):
            # one input throughout: the level as a function of it is a sequence of
            # intervals, decided in n log n (the pairwise search is quadratic)
            found = worse_1d(space, quantities[0], ctx, rows)
            steps: Iterable[tuple[str, Hit | None]] = [(quantities[0], found)]
        else:
            steps = worse_boxes(space, ctx, rows, quantities)
        for x, worse in steps:
            if worse is not None:
                i, j, lo_box, hi_box = worse
                shown = sorted(used - {x})
                rest = show_point(space, space.point(lo_box, shown))
                t = space.dims[x].type
                lo_v = show_value(t, pick(space.con(lo_box, x)))
                hi_v = show_value(t, pick(space.con(hi_box, x)))
                self.d.warning(
                    "W607",
                    f"级别不单调：{x} 从 {lo_v} 增至 {hi_v}（{rest or '其余不变'}）时，级别由 "
                    f"{e.rows[i].member} 降为 {e.rows[j].member}",
                    e.rows[j].site.span,
                    related=[(e.rows[i].site.span, f"level {e.rows[i].member}")],
                    hint="more harm must not give a less severe level: check the thresholds "
                         "of the two levels")
                return

    # ------------------------------------------------------------ 依次
    def rules(self, e: ir.RulesE, space: Space, ctx: Ctx) -> None:
        boxes = [space.dnf(r.cond) for r in e.rows]
        self.shadowed(space, ctx, [(b, r.site) for b, r in zip(boxes, e.rows)], "规则 ")
        if e.otherwise is None and all(b is not None for b in boxes):
            self.gap(space, ctx, [b for b in boxes if b is not None], "依次 ", e.span,
                     "add a rule for these values, 否则 => …, or a 要求 that refuses them")

    # ------------------------------------------------------------ 查表
    def table(self, e: ir.TableE, space: Space, ctx: Ctx) -> None:
        keyed = TableSpace(space, e.keys)
        ks = keyed.space
        rows = [keyed.row(r) for r in e.rows]
        fuzzy = bool(ctx.fuzzy & keyed.inputs)
        if e.hit is ir.HitPolicy.UNIQUE:
            self.overlapping(e, keyed, rows, ctx)
        elif e.hit is ir.HitPolicy.FIRST:
            # rows may overlap, the first wins: a row all of whose cases earlier rows
            # take still never applies (W605); a row outside its keys' domains never does
            self.shadowed(ks, TOP if fuzzy else ctx,
                          [([r] if r is not None else [], row.site)
                           for r, row in zip(rows, e.rows)], "查表 的这一行")
        # the rows of 按全部 / 按合计 … are meant to overlap: no overlap, order or shadow
        # check; 按全部 of no row is the empty list, so only the aggregates have gaps
        if not e.hit.collects:
            self.order(e, keyed)
        if e.hit is ir.HitPolicy.COLLECT:
            return
        if e.otherwise is None and keyed.complete and not fuzzy \
                and id(e) not in self.assignments:
            covering = [r for r in rows if r is not None]
            for r in ctx.boxes:
                hole = ks.uncovered(r, covering)
                if hole is not None:
                    point = ks.point(hole, keyed.names)
                    self.d.warning("W601", f"查表 未覆盖所有情形：{show_keys(keyed, point)} 时"
                                   "没有一行匹配", e.span,
                                   hint="add a row for these values, 否则 => …, or a 要求 "
                                        "that refuses them")
                    return

    def overlapping(self, e: ir.TableE, keyed: TableSpace, rows: list[Box | None],
                    ctx: Ctx) -> None:
        """E602/W603/E604: rows of a unique-hit table that match the same input."""
        ks = keyed.space
        # with an unboxable context the whole domain stands in: overlaps are
        # ambiguous wherever they lie, the language requires rows never to overlap
        region = list(ctx.boxes) if not (ctx.fuzzy & keyed.inputs) else [{}]
        # each row is reported against its first earlier row that is identical or
        # overlaps it inside the region (as a scan of all earlier rows would);
        # identical rows come from a dict, overlaps from the sweep of `overlaps`
        first_same: dict[int, int] = {}
        seen: dict[tuple[ir.Test, ...], int] = {}
        for j, row in enumerate(e.rows):
            if row.tests in seen:
                first_same[j] = seen[row.tests]
            else:
                seen[row.tests] = j
        # rows with the same box (duplicates, or equal up to the key's domain) are
        # swept once: many copies of one row would otherwise make the sweep quadratic
        same_box: dict[frozenset[tuple[str, Con]], list[int]] = {}
        for k, r in enumerate(rows):
            if r is not None:
                same_box.setdefault(frozenset(r.items()), []).append(k)
        members = {group[0]: group for group in same_box.values()}
        first_hit: dict[int, tuple[int, Box]] = {}

        def hit(i: int, j: int, box: Box) -> None:
            if j not in first_hit or i < first_hit[j][0]:
                first_hit[j] = (i, box)

        def region_hit(both: Box | None) -> Box | None:
            for r in region if both is not None else ():
                m = ks.meet(r, both)  # type: ignore[arg-type]
                if m is not None:
                    return m
            return None

        for c, group in members.items():
            box = region_hit(rows[c]) if len(group) > 1 else None
            for j in group[1:] if box is not None else ():
                hit(c, j, box)  # type: ignore[arg-type]
        for a, b in overlaps(keyed, rows, sorted(members)):
            box = region_hit(ks.meet(rows[a], rows[b]))  # type: ignore[arg-type]
            if box is None:
                continue
            for one, other in ((members[a], members[b]), (members[b], members[a])):
                for j in other:
                    if one[0] < j:
                        hit(one[0], j, box)
        for j, row_j in enumerate(e.rows):
            same, found = first_same.get(j), first_hit.get(j)
            if same is not None and (found is None or same <= found[0]):
                self.d.error("E604", "查表 的这一行与前面的行完全相同", row_j.site.span,
                             related=[(e.rows[same].site.span, "the same row")],
                             hint="remove one of the two rows")
                continue
            if found is not None:
                i, box = found
                row_i = e.rows[i]
                shown = show_keys(keyed, ks.point(box, keyed.names))
                if _same_expr(row_i.expr, row_j.expr):
                    self.d.warning("W603", f"查表 的两行重叠（结果相同）：{shown} 同时"
                                   "匹配这一行和前面的行", row_j.site.span,
                                   related=[(row_i.site.span, "also matches")],
                                   hint="rows of a table must not overlap: merge them")
                else:
                    self.d.error("E602", f"查表 的两行重叠：{shown} 同时匹配这一行和"
                                 "前面的行，结果不同", row_j.site.span,
                                 related=[(row_i.site.span, "also matches")],
                                 hint="rows of a table must not overlap: move a boundary "
                                      "with （含）/（不含） or an interval [a, b), or write "
                                      "查表 按首条 if the first row that applies should win")

    def order(self, e: ir.TableE, keyed: TableSpace) -> None:
        """W606: the bands of a one-key table over an ordered key go one way."""
        if len(e.keys) != 1 or keyed.space.dims[keyed.names[0]].kind == "set":
            return
        ivs: list[tuple[Iv, ir.TableRow]] = []
        for row in e.rows:
            t = row.tests[0]
            if t.kind is ir.MatchKind.ANY:
                return
            lo = scalar(t.value if t.kind is ir.MatchKind.EQ else t.lo)
            hi = scalar(t.value if t.kind is ir.MatchKind.EQ else t.hi)
            ivs.append((Iv(lo, True, hi, True), row))
        direction = 0
        for (a, prev), (b, row) in itertools.pairwise(ivs):
            step = cmp_iv(a, b)
            if step == 0:
                continue
            if direction == 0:
                direction = step
            elif step != direction:
                self.d.warning("W606", f"查表 的档次顺序颠倒：{row.tests[0].text} 写在 "
                               f"{prev.tests[0].text} 之后，而前面各档是"
                               f"{'由低到高' if direction > 0 else '由高到低'}排列",
                               row.site.span, related=[(prev.site.span, "previous band")],
                               hint="a threshold may be mistyped; list the bands in order")
                return


def _same_expr(a: ir.Expr, b: ir.Expr) -> bool:
    """Whether two results are the same value written the same way (W603, not E602)."""
    if isinstance(a, ir.Lit) and isinstance(b, ir.Lit):
        return a.value == b.value and a.type == b.type
    if isinstance(a, ir.EnumVal) and isinstance(b, ir.EnumVal):
        return (a.enum, a.member) == (b.enum, b.member)
    if isinstance(a, ir.RoleVal) and isinstance(b, ir.RoleVal):
        return a.name == b.name
    if isinstance(a, ir.Var) and isinstance(b, ir.Var):
        return a.name == b.name
    return False


def _operands(e: ir.Expr) -> Iterator[ir.Expr]:
    """The sub-expressions `walk` descends into, in `e`'s own context (a 取 is checked
    in its own decision)."""
    if isinstance(e, ir.Arith):
        yield e.left
        yield e.right
    elif isinstance(e, ir.Clamp):
        yield e.expr
        yield e.limit
    elif isinstance(e, ir.MinMax):
        yield from e.args
    elif isinstance(e, ir.Shift):
        yield e.base
        yield e.amount
    elif isinstance(e, ir.Roll):
        yield e.expr
    elif isinstance(e, ir.ScheduleE):
        yield e.total
