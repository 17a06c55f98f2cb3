"""Nothing invented (compiler/citations/named.py): names and periods of the organisation are
in their quotes.  Each test changes one thing in a program that is otherwise clean, so a
check that is too strict or too lax fails here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from polc.compiler import pipeline

from ..paths import POLICIES

HEAD = '文号 "海政办发〔2022〕54号"\n标题 "南通市海门区审计整改销号管理办法（试行）"\n'
BODIES = """
机构 audit_office "区审计局" 别名 "审计局"
  引 第十五条 「本办法由区审计局负责解释」
机构 audited "被审计单位"
  引 第二条 「被审计单位根据要求形成整改任务清单」
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("named")
    (tmp / "sources").symlink_to(POLICIES / "sources")
    return tmp


def compiled_codes(folder: Path, text: str) -> list[str]:
    pol = folder / "case.pol"
    pol.write_text(text, encoding="utf-8")
    return [d.code for d in pipeline.compile_file(pol).diagnostics if d.severity == "error"]


@pytest.fixture
def errors(folder: Path) -> Callable[[str], list[str]]:
    return lambda body: compiled_codes(folder, HEAD + BODIES + body)


FLOW = """
流程 f "整改流程"
  引 第十条 「区审计局在整改期满后10天内，按规定对被审计单位报送的《审计整改销号认定表》进行审签」
{{
  事件 start "{start}"
    引 第七条 「整改期限届满后」
  步骤 signoff "{label}" 由 {actor}
    引 {clause} 「{quote}」
  转 start -> signoff{edge}
}}
"""


def flow(label: str = "审签", actor: str = "audit_office", clause: str = "第十条",
         quote: str = "区审计局在整改期满后10天内", edge: str = "", start: str = "整改期满") -> str:
    return FLOW.format(label=label, actor=actor, clause=clause, quote=quote, edge=edge,
                       start=start)


def test_clean_program_is_clean(errors: Callable[[str], list[str]]) -> None:
    assert errors(flow()) == []


def test_an_alias_names_the_body(folder: Path) -> None:
    # 第六条 writes 审计项目所在业务科室（中心）, not the label: only the declared alias names it
    body = ('机构 dept "区审计局相关业务科室（中心）"{alias}\n'
            '  引 第九条 「区审计局相关业务科室（中心）应对被审计单位报送的整改资料进行检查」\n')
    step = flow(actor="dept", clause="第六条", quote="问题整改销号工作由审计项目所在业务科室（中心）负责")
    assert compiled_codes(folder, HEAD + BODIES + body.format(alias="") + step) == ["E442"]
    alias = ' 别名 "审计项目所在业务科室（中心）"'
    assert compiled_codes(folder, HEAD + BODIES + body.format(alias=alias) + step) == []


def test_a_step_without_its_own_quote_is_judged_by_its_flows(errors: Callable[[str], list[str]]) -> None:
    body = flow().replace("    引 第十条 「区审计局在整改期满后10天内」\n", "")
    assert errors(body) == []  # the flow's quote names 区审计局
    assert errors(body.replace("由 audit_office", "由 audited")
                  .replace("对被审计单位报送的", "对报送的")) != []


@pytest.mark.parametrize("edge,codes", [
    (" 时限 10日\n    引 第十条 「区审计局在整改期满后10天内」", []),   # 10日 as 10天
    (" 时限 10日", ["E443"]),                                       # no quote of its own
    (' 时限 10日\n    推导 "期满后十日内"', []),              # derived: its reason is its source
    (" 时限 15工作日\n    引 第十条 「区审计局在整改期满后10天内」", ["E413"]),
])
def test_edge_deadlines(errors: Callable[[str], list[str]], edge: str, codes: list[str]) -> None:
    assert errors(flow(edge=edge)) == codes


def test_an_edge_inherits_its_source_nodes_quote(errors: Callable[[str], list[str]]) -> None:
    # the source node's own quote states the 10 days: the edge may go uncited
    body = flow(edge=" 时限 10日", start="整改期满").replace(
        "引 第七条 「整改期限届满后」", "引 第十条 「区审计局在整改期满后10天内」")
    assert errors(body) == []


@pytest.mark.parametrize("label,codes", [
    ("审签（10天内）", []),
    ("审签（十日内）", []),
    ("审签（7日内）", ["E444"]),
    ("审签（2022年9月30日前）", []),   # a date, not a period
    ("下一周审签", []),                 # a point in time
    ("两周内审签", ["E444"]),
])
def test_periods_in_labels(errors: Callable[[str], list[str]], label: str, codes: list[str]) -> None:
    assert errors(flow(label=label)) == codes


def test_every_end_of_a_relation_is_checked(errors: Callable[[str], list[str]]) -> None:
    ok = '关系 audit_office 指导 audited\n  引 第八条 「在整改期限内，区审计局应当指导被审计单位认真进行整改」\n'
    assert errors(ok) == []
    quote = "「在整改期限内，区审计局应当指导被审计单位认真进行整改」"
    assert errors(ok.replace(quote, "「区审计局应当指导」")) == ["E439"]  # the object
    assert errors(ok.replace(quote, "「指导被审计单位认真进行整改」")) == ["E439"]  # the subject


def test_a_person_listed_with_a_post_is_named_by_the_name(folder: Path) -> None:
    text = ('文号 "海政办发〔2022〕59号"\n标题 "关于成立南通市海门区沿海特色风貌管理委员会的通知"\n'
            '角色 shi_quan "施泉 区住房和城乡建设局局长"\n  引 通知 「办公室主任由施泉同志兼任」\n'
            '角色 nobody "张三 区住房和城乡建设局局长"\n  引 通知 「办公室主任由施泉同志兼任」\n')
    assert compiled_codes(folder, text) == ["E438"]


def test_a_relation_against_the_text_is_refused(errors: Callable[[str], list[str]]) -> None:
    quote = "引 第八条 「在整改期限内，区审计局应当指导被审计单位认真进行整改」\n"
    assert errors(f"关系 audit_office 指导 audited\n  {quote}") == []
    assert errors(f"关系 audited 指导 audit_office\n  {quote}") == ["E447"]
    # the verb not in the quote: the order of the names alone says nothing
    assert errors("关系 audited 报告 audit_office\n  引 第七条 「并在收到审计结果文书15个工作日内报区审计局审核」\n"
                  "  引 第二条 「被审计单位根据要求形成整改任务清单」\n") == []
