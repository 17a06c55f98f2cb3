"""`polc lsp` end to end: a real LSP client (pygls') starts the server as a subprocess and
talks to it over stdio, on the real policies and their notices.  No timing is
asserted here: bench/run.py --only lsp measures response times."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types as T

from polc.compiler import pipeline
from polc.compiler.citations import sources, verify
from polc.compiler.syntax import ast as A
from polc.compiler.tools import fmt

from ..paths import POLICIES
from .lsp_support import SERVER, Client, Docs, apply, make_client, position, range_text, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALL = sorted(POLICIES.glob("*.pol"))
P55 = POLICIES / "55_overseas_labor_emergency.pol"
P54 = POLICIES / "54_audit_rectification.pol"
P60 = POLICIES / "60_public_rental_housing.pol"
TEXT55 = P55.read_text(encoding="utf-8")
ESC = Path(__file__).resolve().parents[1] / "e2e" / "constructs" / "escalation.pol"
NOTICE55 = sources.load_notice(POLICIES / "sources", "海政办发〔2022〕55号")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client() -> AsyncIterator[Client]:
    """One server for the module's tests, as one editor session."""
    started = make_client()
    await started.start_io(*SERVER)
    try:
        started.init_result = await start(started)
        yield started
    finally:
        await started.finish()
    # polc never failed on a request: a guarded handler logs "polc lsp: … failed" when it
    # does (a refused rename is an answer, which pygls logs with its own traceback)
    assert not [ln for ln in started.stderr if "polc lsp:" in ln], "".join(started.stderr)


@pytest.fixture
def docs(client: Client) -> Docs:
    return Docs(client)


def codes(diags: list[T.Diagnostic]) -> list[tuple[str, int, int]]:
    return sorted((str(d.code), d.range.start.line, d.range.start.character) for d in diags)


# ---------------------------------------------------------------- session


async def test_capabilities_name_every_feature(client: Client) -> None:
    assert client.init_result is not None
    caps = client.init_result.capabilities
    assert caps.hover_provider and caps.definition_provider and caps.references_provider
    assert caps.document_formatting_provider and caps.rename_provider
    assert caps.completion_provider is not None
    assert "「" in (caps.completion_provider.trigger_characters or [])
    assert caps.code_action_provider


# ---------------------------------------------------------------- diagnostics


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
async def test_open_publishes_what_polc_check_reports(docs: Docs, path: Path) -> None:
    _, diags = await docs.open(path)
    expected = pipeline.compile_file(path).diagnostics
    assert codes(diags) == sorted((d.code, d.span.line - 1, d.span.col - 1) for d in expected)
    assert all(d.source == "polc" for d in diags)


async def test_edit_into_and_out_of_errors(docs: Docs) -> None:
    uri, diags = await docs.open(P55)
    assert not [d for d in diags if d.severity == T.DiagnosticSeverity.Error]
    # an unknown name in a condition, then a syntax error, then the text as it was
    v2 = docs.replace(uri, "people_involved 400人以上", "peeple_involved 400人以上")
    wrong = await docs.diagnostics(uri, v2)
    [e110] = [d for d in wrong if d.code == "E110"]
    assert range_text(docs.texts[uri], e110.range) == "peeple_involved"
    assert "peeple_involved" in e110.message
    v3 = docs.replace(uri, "peeple_involved 400人以上", "people_involved 400人以上 ，，")
    broken = await docs.diagnostics(uri, v3)
    syntax = [d for d in broken if str(d.code).startswith("E00")]
    assert syntax and syntax[0].range.start.line == position(TEXT55, "400人以上").line
    v4 = docs.replace(uri, "people_involved 400人以上 ，，", "people_involved 400人以上")
    assert docs.texts[uri] == TEXT55
    assert codes(await docs.diagnostics(uri, v4)) == codes(diags)


async def test_an_edit_below_a_line_separator_in_a_quote_lands_where_it_was_made(
        docs: Docs, client: Client) -> None:
    # U+2028 may stand in a quote (E010 refuses it elsewhere); str.splitlines() would
    # count a line there that LSP and polc do not
    text = TEXT55.replace("「本条所称", "「本条\u2028所称", 1)
    uri, before = await docs.open(P55, text)
    # a quote is compared with its blanks dropped, U+2028 among them
    assert not [d for d in before if d.severity == T.DiagnosticSeverity.Error]
    version = docs.replace(uri, "deaths 30人以上", "deeths 30人以上")
    [e110] = [d for d in await docs.diagnostics(uri, version) if d.code == "E110"]
    assert range_text(docs.texts[uri], e110.range) == "deeths"


async def test_a_burst_of_edits_compiles_once() -> None:
    # a server of its own, waiting a whole second after an edit: four edits sent at once
    # reach it well within that, however busy the machine
    client = make_client()
    await client.start_io(*SERVER, env={**os.environ, "POLC_LSP_DEBOUNCE": "1"})
    try:
        await start(client)
        docs = Docs(client)
        uri, _ = await docs.open(P55)
        client.published.clear()
        for _ in range(4):
            last = docs.replace(uri, "deaths 30人以上", "deaths 30人以上")
        await docs.diagnostics(uri, last)
        assert [p.version for p in client.published if p.uri == uri] == [last]
    finally:
        await client.finish()


async def test_a_syntax_error_keeps_the_rest_of_the_file_working(docs: Docs,
                                                                 client: Client) -> None:
    text = TEXT55.replace("输入 deaths \"死亡人数\" : 计数(人)", "输入 deaths \"死亡人数\" : : 计数(人)")
    uri, diags = await docs.open(P55, text)
    assert any(str(d.code).startswith("E00") for d in diags)
    # the other items still parse: hover and go-to on a name declared before the error
    at = position(text, "people_involved 400人以上", into=3)
    hover = await client.text_document_hover_async(T.HoverParams(docs.doc(uri), at))
    assert hover is not None and "涉及人数" in hover.contents.value  # type: ignore[union-attr]
    loc = await client.text_document_definition_async(T.DefinitionParams(docs.doc(uri), at))
    assert isinstance(loc, T.Location)
    assert loc.range.start.line == position(text, "输入 people_involved").line


async def test_a_quote_from_another_clause_points_into_the_notice(docs: Docs) -> None:
    quote = "书面报告时间最迟不得超过事发后0.5小时"
    assert quote in TEXT55
    text = TEXT55.replace(f"引 四（一）2 「{quote}」", f"引 四（一）1 「{quote}」", 1)
    _, diags = await docs.open(P55, text)
    [e412] = [d for d in diags if d.code == "E412"]
    in_notice = [r for r in e412.related_information or []
                 if r.location.uri == NOTICE55.path.resolve().as_uri()]
    assert in_notice, e412.related_information
    lines = NOTICE55.text.split("\n")
    found = [r for r in in_notice if quote in sources.normalise(
        "\n".join(lines[r.location.range.start.line:r.location.range.end.line + 1]))]
    assert found and "四（一）2" in found[0].message


async def test_a_number_the_quote_lacks_points_at_the_quote_in_the_notice(docs: Docs) -> None:
    text = TEXT55.replace("people_involved 400人以上，", "people_involved 401人以上，", 1)
    _, diags = await docs.open(P55, text)
    [e413] = [d for d in diags if d.code == "E413" and "401人" in d.message]
    related = e413.related_information or []
    assert any(r.location.uri.endswith("55_overseas_labor_emergency.pol") for r in related)
    [quote] = [r for r in related if r.location.uri == NOTICE55.path.resolve().as_uri()]
    assert sources.normalise(range_text(NOTICE55.text, quote.location.range)) == \
        "涉及400人以上，或造成30人以上死亡，或100人以上重伤，或10人以上确诊感染，或100人以上疑似感染"


async def test_an_unsaved_document_is_checked_without_notices(client: Client) -> None:
    uri = "untitled:Untitled-1"
    client.published.clear()
    client.text_document_did_open(T.DidOpenTextDocumentParams(
        T.TextDocumentItem(uri=uri, language_id="pol", version=1, text=TEXT55)))
    diags = await Docs(client).diagnostics(uri, 1)
    # no notice beside an unsaved buffer: polc check's error, never a silent pass
    assert [d.code for d in diags if d.severity == T.DiagnosticSeverity.Error
            and str(d.code).startswith("E41")] == ["E419"]
    assert "涉及人数" in await hover_at(client, uri, TEXT55, "people_involved 400人以上", 2)
    client.text_document_did_close(T.DidCloseTextDocumentParams(T.TextDocumentIdentifier(uri)))


# ---------------------------------------------------------------- hover


async def hover_at(client: Client, uri: str, text: str, needle: str, into: int = 0,
                   nth: int = 0) -> str:
    h = await client.text_document_hover_async(
        T.HoverParams(T.TextDocumentIdentifier(uri), position(text, needle, nth, into)))
    assert h is not None, needle
    return h.contents.value  # type: ignore[union-attr]


async def test_hover_on_a_name_shows_its_declaration(docs: Docs, client: Client) -> None:
    uri, _ = await docs.open(P55)
    shown = await hover_at(client, uri, TEXT55, "people_involved 400人以上", 2)
    assert "输入" in shown and "涉及人数" in shown and "计数(人)" in shown and "人" in shown
    decision = await hover_at(client, uri, TEXT55, "分级负责 commander", 6)
    assert "总指挥" in decision and "severity" in decision and "角色" in decision
    enum = await hover_at(client, uri, TEXT55, "Level", 1, nth=1)
    assert "特别重大事件（Ⅰ级）" in enum and "一般事件（Ⅳ级）" in enum
    role = await hover_at(client, uri, TEXT55, "=> main_leader", 4)
    assert "区政府主要领导" in role


async def test_hover_on_a_threshold_says_the_interval_under_the_convention(
        docs: Docs, client: Client) -> None:
    uri, _ = await docs.open(P55)
    # 55 agrees 约定 以下 不含本数: 300人以上400人以下 is [300, 400)
    both = await hover_at(client, uri, TEXT55, "300人以上400人以下", 2)
    assert "[300人, 400人)" in both and "约定" in both
    lower = await hover_at(client, uri, TEXT55, "400人以上", 1)
    assert "[400人, +∞)" in lower and "第一千二百五十九条" in lower


async def test_hover_on_a_citation_shows_the_clause(docs: Docs, client: Client) -> None:
    uri, _ = await docs.open(P55)
    shown = await hover_at(client, uri, TEXT55, "引 一（四）2（1）", 3)
    section = NOTICE55.sections["一（四）2（1）"]
    clause = NOTICE55.text[section.start:section.end]
    assert sources.normalise(clause)[:40] in sources.normalise(shown.replace("\\", ""))


# ---------------------------------------------------------------- go to, references


async def definition(client: Client, uri: str, pos: T.Position) -> T.Location:
    loc = await client.text_document_definition_async(
        T.DefinitionParams(T.TextDocumentIdentifier(uri), pos))
    assert isinstance(loc, T.Location), loc
    return loc


@pytest.mark.parametrize(("path", "use", "into", "declared"), [
    (P55, "people_involved 400人以上", 1, "输入 people_involved"),
    (P55, "查表 (severity)", 5, "输入 severity"),
    (P55, "(severity) : 角色", 2, "输入 severity"),
    (P55, "=> deputy_leader", 4, "角色 deputy_leader"),
    (P55, "Level\n", 1, "枚举 Level"),
    (P54, "关系 business_dept", 4, "机构 business_dept"),
    (P60, "取 rent_subsidy_rate", 3, "决策 rent_subsidy_rate"),
    (ESC, "沿 Gov", 2, "层级 Gov"),
    (ESC, "至 responsible_level", 2, "分级负责 responsible_level"),
    (ESC, "从 county", 2, "{\n  county"),
    (ESC, "机构 county_gov 引", 4, "\n机构 county_gov"),
], ids=["input", "table-key", "parameter", "role", "enum", "body", "decision", "hierarchy",
        "escalation-target", "escalation-start", "level-body"])
async def test_go_to_definition(docs: Docs, client: Client, path: Path, use: str, into: int,
                                declared: str) -> None:
    uri, _ = await docs.open(path)
    text = docs.texts[uri]
    loc = await definition(client, uri, position(text, use, into=into))
    assert loc.uri == uri
    name = declared.split()[1]
    assert range_text(text, loc.range) == name
    assert loc.range.start == position(text, declared, into=len(declared) - len(name))


async def test_go_from_a_citation_to_the_notice(docs: Docs, client: Client) -> None:
    uri, _ = await docs.open(P55)
    quote = "按照境外劳务纠纷或突发事件的严重程度和影响大小主要分为以下四级"
    loc = await definition(client, uri, position(TEXT55, "「" + quote, into=3))
    assert loc.uri == NOTICE55.path.resolve().as_uri()
    assert sources.normalise(range_text(NOTICE55.text, loc.range)) == quote
    heading = await definition(client, uri, position(TEXT55, "引 一（四）2（1）", into=3))
    assert range_text(NOTICE55.text, heading.range).strip().startswith("（1）特别重大事件")


async def test_references_are_every_use_of_that_name(docs: Docs, client: Client) -> None:
    uri, _ = await docs.open(P55)
    refs = await client.text_document_references_async(T.ReferenceParams(
        text_document=docs.doc(uri), position=position(TEXT55, "输入 deaths", into=3),
        context=T.ReferenceContext(include_declaration=True)))
    assert refs is not None
    assert {range_text(TEXT55, r.range) for r in refs} == {"deaths"}
    # the declaration, the parameter, the conditions and the examples' arguments
    assert len(refs) == code_uses(TEXT55, "deaths") >= 7
    # the input `severity` and the decision `severity` are two names sharing the word
    found = []
    for declared in ("输入 severity", "决策 severity"):
        found.append(await client.text_document_references_async(T.ReferenceParams(
            text_document=docs.doc(uri), position=position(TEXT55, declared, into=3),
            context=T.ReferenceContext(include_declaration=True))))
    inputs, decisions = found
    assert inputs and decisions
    assert not {(r.range.start.line, r.range.start.character) for r in inputs} & \
        {(r.range.start.line, r.range.start.character) for r in decisions}
    assert len(inputs) + len(decisions) == code_uses(TEXT55, "severity")


async def test_the_outline_lists_every_declaration_with_what_it_holds(
        docs: Docs, client: Client) -> None:
    for path in (P55, P54):
        uri, _ = await docs.open(path)
        got = await client.text_document_document_symbol_async(
            T.DocumentSymbolParams(docs.doc(uri)))
        assert got is not None
        outline = {s.name: s for s in got if isinstance(s, T.DocumentSymbol)}
        module = pipeline.compile_file(path).ast
        assert module is not None
        declared = {it.name for it in module.items if hasattr(it, "label")
                    and hasattr(it, "name")}
        assert set(outline) == declared
        for it in module.items:
            if isinstance(it, A.EnumDecl):
                assert [c.name for c in outline[it.name].children or []] == \
                    [m.name for m in it.members]
            if isinstance(it, A.Flow):
                assert {c.name for c in outline[it.name].children or []} == \
                    {n.name for n in it.nodes}
            if isinstance(it, A.Decision) and it.stmts:
                lets = [st.name for st in it.stmts if isinstance(st, A.Let)]
                assert [c.name for c in outline[it.name].children or []] == lets


# ---------------------------------------------------------------- completion


async def complete(client: Client, uri: str, pos: T.Position) -> list[T.CompletionItem]:
    result = await client.text_document_completion_async(
        T.CompletionParams(T.TextDocumentIdentifier(uri), pos))
    assert result is not None
    return list(result.items if isinstance(result, T.CompletionList) else result)


async def test_completion_of_clause_paths_and_quotes(docs: Docs, client: Client) -> None:
    text = TEXT55.replace("  解读 \"Ⅳ级未列确诊感染", "  引 一（四）2（\n  解读 \"Ⅳ级未列确诊感染", 1)
    uri, _ = await docs.open(P55, text)
    at = position(text, "引 一（四）2（\n", into=len("引 一（四）2（"))
    items = {i.label: i for i in await complete(client, uri, at)}
    assert "一（四）2（1）" in items and "三（三）" in items
    assert items["一（四）2（1）"].detail.startswith("（1）特别重大事件")  # type: ignore[union-attr]
    # the clause's text comes when the editor shows the item (completionItem/resolve)
    assert items["一（四）2（1）"].documentation is None
    shown = await client.completion_item_resolve_async(items["一（四）2（1）"])
    section = NOTICE55.sections["一（四）2（1）"]
    assert isinstance(shown.documentation, T.MarkupContent)
    assert shown.documentation.value == NOTICE55.text[section.start:section.end]
    edit = items["一（四）2（1）"].text_edit
    assert isinstance(edit, T.TextEdit)
    done = apply(text, [edit])
    assert "  引 一（四）2（1）\n  解读" in done
    # inside 「 the sentences of that clause, each completing the quote
    quoting = done.replace("  引 一（四）2（1）\n", "  引 一（四）2（1） 「涉及\n", 1)
    uri, _ = await docs.open(P55, quoting)
    at = position(quoting, "「涉及\n", into=3)
    items = await complete(client, uri, at)
    section = NOTICE55.sections["一（四）2（1）"]
    clause = sources.normalise(NOTICE55.text[section.start:section.end])
    quotes = []
    for item in items:
        assert isinstance(item.text_edit, T.TextEdit)
        completed = apply(quoting, [item.text_edit])
        line = completed.split("\n")[at.line]
        quotes.append(line.split("「", 1)[1].split("」", 1)[0])
    assert quotes and all(q in clause for q in quotes)
    assert any(q.startswith("涉及400人以上") and q.endswith("。") for q in quotes)


async def test_completion_after_a_number_and_of_names(docs: Docs, client: Client) -> None:
    text = TEXT55.replace("deaths 30人以上，", "deaths 30人以上，\n      deaths 20", 1)
    uri, _ = await docs.open(P55, text)
    units = {i.label for i in await complete(client, uri, position(text, "deaths 20",
                                                                   into=9))}
    assert {"人", "元", "工作日", "%"} <= units
    text2 = text.replace("deaths 20", "deaths 20人", 1)
    docs.replace(uri, "deaths 20", "deaths 20人")
    words = {i.label for i in await complete(client, uri, position(text2, "deaths 20人",
                                                                   into=10))}
    assert {"以上", "以下", "及以上"} <= words and "低于" not in words
    text3 = text2.replace("deaths 20人", "dea", 1)
    docs.replace(uri, "deaths 20人", "dea")
    named = {i.label: i for i in await complete(client, uri, position(text3, "\n      dea\n",
                                                                      into=10))}
    assert {"deaths", "people_involved", "severity", "main_leader", "I", "决策"} <= set(named)
    assert named["deaths"].kind == T.CompletionItemKind.Variable
    assert "死亡人数" in (named["deaths"].detail or "")
    assert named["I"].kind == T.CompletionItemKind.EnumMember
    edit = named["deaths"].text_edit
    assert isinstance(edit, T.TextEdit) and range_text(text3, edit.range) == "dea"


async def test_a_space_pops_up_only_clause_paths_and_members(docs: Docs,
                                                            client: Client) -> None:
    text = TEXT55.replace("  解读 \"Ⅳ级未列确诊感染", "  引 \n  解读 \"Ⅳ级未列确诊感染", 1)
    uri, _ = await docs.open(P55, text)
    by_space = T.CompletionContext(T.CompletionTriggerKind.TriggerCharacter, " ")

    async def popped(at: T.Position) -> list[T.CompletionItem]:
        got = await client.text_document_completion_async(T.CompletionParams(
            docs.doc(uri), at, by_space))
        assert isinstance(got, T.CompletionList)
        return list(got.items)

    assert "一（四）2（1）" in {i.label for i in await popped(position(text, "引 \n", into=2))}
    assert await popped(position(text, "deaths 30人以上", into=7)) == []


# ---------------------------------------------------------------- formatting, rename


async def test_formatting_is_polc_fmt(docs: Docs, client: Client) -> None:
    messy = TEXT55.replace("\n  引 ", "\n        引 ").replace(" => ", "=>")
    assert messy != TEXT55
    uri, _ = await docs.open(P55, messy)
    edits = await client.text_document_formatting_async(T.DocumentFormattingParams(
        docs.doc(uri), T.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert edits is not None
    assert apply(messy, edits) == fmt.format_text(messy) == TEXT55
    uri, _ = await docs.open(P55)
    unchanged = await client.text_document_formatting_async(T.DocumentFormattingParams(
        docs.doc(uri), T.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert unchanged is not None and list(unchanged) == []
    # a text that does not parse is left as it is, as `polc fmt` leaves such a file
    uri, _ = await docs.open(P55, messy.replace("决策 severity", "决策 severity (", 1))
    assert await client.text_document_formatting_async(T.DocumentFormattingParams(
        docs.doc(uri), T.FormattingOptions(tab_size=2, insert_spaces=True))) is None


async def test_rename_a_name_across_the_file(docs: Docs, client: Client) -> None:
    uri, _ = await docs.open(P55)
    ready = await client.text_document_prepare_rename_async(T.PrepareRenameParams(
        docs.doc(uri), position(TEXT55, "people_involved 400人以上", into=1)))
    assert isinstance(ready, T.Range) and range_text(TEXT55, ready) == "people_involved"
    assert await client.text_document_prepare_rename_async(T.PrepareRenameParams(
        docs.doc(uri), position(TEXT55, "400人以上", into=1))) is None
    edit = await client.text_document_rename_async(T.RenameParams(
        docs.doc(uri), position(TEXT55, "people_involved 400人以上", into=1), "headcount"))
    assert edit is not None and edit.changes is not None
    renamed = apply(TEXT55, edit.changes[uri])
    assert "people_involved" not in renamed.replace("possible_people_involved", "")
    assert "possible_people_involved" in renamed
    compiled = pipeline.compile_source(renamed, str(P55), origin=P55)
    assert compiled.ok, [d.message for d in compiled.diagnostics if d.severity == "error"]
    with pytest.raises(Exception, match="已经存在"):
        await client.text_document_rename_async(T.RenameParams(
            docs.doc(uri), position(TEXT55, "people_involved 400人以上", into=1), "deaths"))
    with pytest.raises(Exception, match="ASCII"):
        await client.text_document_rename_async(T.RenameParams(
            docs.doc(uri), position(TEXT55, "people_involved 400人以上", into=1), "人数"))


# ---------------------------------------------------------------- quick fixes


async def fixes(client: Client, uri: str, diag: T.Diagnostic) -> list[T.CodeAction]:
    actions = await client.text_document_code_action_async(T.CodeActionParams(
        T.TextDocumentIdentifier(uri), diag.range, T.CodeActionContext([diag])))
    return [a for a in actions or [] if isinstance(a, T.CodeAction)]


async def test_quick_fix_moves_a_citation_to_its_clause(docs: Docs, client: Client) -> None:
    quote = "书面报告时间最迟不得超过事发后0.5小时"
    text = TEXT55.replace(f"引 四（一）2 「{quote}」", f"引 四（一）1 「{quote}」", 1)
    uri, diags = await docs.open(P55, text)
    [e412] = [d for d in diags if d.code == "E412"]
    [action] = await fixes(client, uri, e412)
    assert action.kind == T.CodeActionKind.QuickFix and action.edit and action.edit.changes
    fixed = apply(text, action.edit.changes[uri])
    assert fixed == TEXT55
    assert action.diagnostics and action.diagnostics[0].code == "E412"


async def test_quick_fix_replaces_a_quote_with_the_closest_text(docs: Docs,
                                                                client: Client) -> None:
    good = "书面报告时间最迟不得超过事发后0.5小时"
    bad = "书面报告时间最迟不能超过事发后0.5小时"
    text = TEXT55.replace(f"「{good}」", f"「{bad}」", 1)
    uri, diags = await docs.open(P55, text)
    [e411] = [d for d in diags if d.code == "E411"]
    [action] = await fixes(client, uri, e411)
    assert action.edit and action.edit.changes
    fixed = apply(text, action.edit.changes[uri])
    compiled = pipeline.compile_source(fixed, str(P55), origin=P55)
    assert not [d for d in compiled.diagnostics if d.code == "E411"]
    near = verify.closest_text(NOTICE55, "四（一）2", bad)
    assert near is not None and f"「{near}」" in fixed


# ---------------------------------------------------------------- robustness


@pytest.mark.parametrize("text", [
    "", "\x00\x01\ufeff", "决策 (((((", "引 「unclosed", "输入 x : 计数(人)\n" + "(" * 5000,
    "文号 \"x\"\n\u202e输入 x \"y\" : 计数(人)", "\r\n\r\r\n枚举 {",
], ids=["empty", "control", "open-parens", "open-quote", "deep", "bidi", "line-breaks"])
async def test_the_server_survives_any_text(docs: Docs, client: Client, text: str) -> None:
    path = POLICIES / "scratch_never_written.pol"
    uri, diags = await docs.open(path, text)
    # none of them is a policy: each gets a located error, never silence
    assert any(d.severity == T.DiagnosticSeverity.Error and d.code for d in diags)
    for line in range(3):
        pos = T.Position(line, 1)
        await client.text_document_hover_async(T.HoverParams(docs.doc(uri), pos))
        await client.text_document_completion_async(T.CompletionParams(docs.doc(uri), pos))
        await client.text_document_definition_async(T.DefinitionParams(docs.doc(uri), pos))
    await client.text_document_formatting_async(T.DocumentFormattingParams(
        docs.doc(uri), T.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert not path.exists()
    # and it still answers on a real policy
    uri, _ = await docs.open(P55)
    assert "涉及人数" in await hover_at(client, uri, TEXT55, "people_involved 400人以上", 2)


# ---------------------------------------------------------------- more kinds of names

_NOT_CODE = re.compile(r'「[^」]*」|"(?:[^"\\\n]|\\.)*"|《[^》\n]*》|#[^\n]*')


def code_uses(text: str, name: str) -> int:
    """How often `name` is written as a word outside quotes, labels, titles and comments."""
    code = _NOT_CODE.sub(lambda m: " " * len(m.group(0)), text)
    return len(re.findall(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", code))


@pytest.mark.parametrize(("path", "declared"), [
    (P55, "角色 main_leader"), (P55, "枚举 Level"), (P54, "机构 business_dept"),
    (P60, "决策 rent_subsidy_rate"), (P60, "couple \"夫妇\""), (P60, "令 subsidized_area"),
], ids=["role", "enum", "body", "decision", "member", "let"])
async def test_references_of_each_kind(docs: Docs, client: Client, path: Path,
                                       declared: str) -> None:
    uri, _ = await docs.open(path)
    text = docs.texts[uri]
    name = declared.split()[1] if not declared.startswith("couple") else "couple"
    into = declared.index(name)
    refs = await client.text_document_references_async(T.ReferenceParams(
        text_document=docs.doc(uri), position=position(text, declared, into=into + 1),
        context=T.ReferenceContext(include_declaration=True)))
    assert refs and {range_text(text, r.range) for r in refs} == {name}
    assert len(refs) == code_uses(text, name)


async def test_hover_on_a_member_and_a_threshold_before_its_number(docs: Docs,
                                                                   client: Client) -> None:
    uri, _ = await docs.open(P60)
    text = docs.texts[uri]
    member = await hover_at(client, uri, text, "为 couple", 3)
    assert "夫妇" in member and "成员" in member
    # 低于 excludes its number by itself, and the mark says so as well
    below = await hover_at(client, uri, text, "低于 3946元（不含）", 1)
    assert "(-∞, 3946元)" in below and "（不含）" in below
    at_least = await hover_at(client, uri, text, "满 28周岁（含）", 1)
    assert "[28周岁, +∞)" in at_least


async def test_the_polc_command_serves_too() -> None:
    """The command the VS Code extension runs: the `polc` script, with the --stdio it adds."""
    polc = Path(sys.executable).with_name("polc")
    assert polc.is_file()
    client = make_client()
    await client.start_io(str(polc), "lsp", "--stdio")
    try:
        await start(client)
        docs = Docs(client)
        uri, diags = await docs.open(P55)
        assert codes(diags) == codes((await Docs(client).open(P55))[1])
        assert "涉及人数" in await hover_at(client, uri, TEXT55, "people_involved 400人以上", 2)
    finally:
        await client.finish()
