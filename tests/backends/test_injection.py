"""Text from a policy reaches the generated module and the diagrams only as data.

Labels, quotes, readings, reasons, member labels and role titles holding quote
marks, backslashes, newlines, braces, HTML, control and bidi characters must
compile to a module that parses, runs and gives the text back unchanged, and to
DOT that Graphviz accepts.  Names that would shadow Python or the generated
module's own names are refused with a located diagnostic.
"""

from __future__ import annotations

import ast
import subprocess

import pytest

from polc.compiler import pipeline

# (how the text is written inside a .pol "label", the text it stands for)
NASTY: list[tuple[str, str]] = [
    ('\\"', '"'),
    ('end\\"', 'end"'),
    ('\\"\\"\\"', '"""'),
    ("'''", "'''"),
    ("\\\\", "\\"),
    ('x\\\\\\"', 'x\\"'),
    ("a\\nb", "a\nb"),
    ("tab\\there", "tab\there"),
    ("{}", "{}"),
    ("{__import__('os').system('id')}", "{__import__('os').system('id')}"),
    ("<>&", "<>&"),
    ("<b>html</b>", "<b>html</b>"),
    ("\x00\x01\x1b\x7f", "\x00\x01\x1b\x7f"),
    ('\\"); import os; (\\"', '"); import os; ("'),
]
# refused in a label (docs/language.md, "Characters and lines"): a raw line break ends the
# line, leaving the label open at its '"'; separators and bidi controls, where they stand
REFUSED = [("\r", "E001", 4), ("\u202eevil\u202c", "E011", 5),
           ("\u2028\u2029\u200f", "E010", 5)]


def policy(text: str, quote: str = "原文") -> str:
    return f'''文号 "{text}"
标题 "{text}"
枚举 Level "{text}" 推导 "{text}" {{ A "{text}" 推导 "{text}" B "b" 推导 "r" }}
角色 boss "{text}" 推导 "{text}"
输入 x "{text}" : 计数(人)
决策 d "{text}" (x) : Level 推导 "{text}" 解读 "{text}" {{
  结果 取最严重 {{ A 若 x 3人以上 推导 "{text}" 否则 => B }}
}}
决策 who "{text}" (x) : 角色 引 一 「{quote}」 {{ 结果 boss }}
'''


def _dot_accepts(source: str) -> None:
    done = subprocess.run(["dot", "-Tsvg"], input=source.encode("utf-8"), capture_output=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")


def _only_data(code: str, text: str) -> None:
    """The text occurs in the module only inside string constants."""
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            assert node.id not in ("os", "system", "__import__"), node.id
        if isinstance(node, ast.Import):
            assert all(a.name in ("enum", "polc.runtime") for a in node.names)
        if isinstance(node, ast.ImportFrom):
            assert node.module in ("__future__", "datetime", "decimal", "typing")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("eval", "exec", "compile", "__import__", "open")


@pytest.mark.parametrize(("written", "text"), NASTY, ids=[repr(t) for _, t in NASTY])
def test_label_is_data_in_python(written: str, text: str) -> None:
    compiled = pipeline.compile_source(policy(written), "t.pol", verify_sources=False)
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    code = compiled.python
    _only_data(code, text)
    # no line of the generated module may be broken by the text
    assert "\x00" not in code and "\u202e" not in code and "\u2028" not in code
    module = compiled.module
    assert module.DOCNO == text
    assert module.TITLE == text
    assert module.DECISIONS["d"].label == text
    assert module.DECISIONS["d"].fields[0].label == text
    assert module.LEVEL_LABELS[module.Level.A] == text
    assert module.ROLES["boss"] == text
    assert module.who(x=1) == text
    assert module.d(x=5) is module.Level.A
    # docstrings hold the label, the reading and the reason verbatim
    assert module.d.__doc__.startswith(text + ".")
    assert f"推导: {text}" in module.d.__doc__
    assert f"解读: {text}" in module.d.__doc__
    assert module.Level.__doc__.startswith(text)
    explained = module.DECISIONS["d"].explain(x=5)
    assert any(step.quote == text for step in explained.steps)  # 推导 reason of the row


@pytest.mark.parametrize(("written", "code", "col"), REFUSED, ids=[repr(r[0]) for r in REFUSED])
def test_line_breaks_and_bidi_in_a_label_are_refused(written: str, code: str, col: int) -> None:
    compiled = pipeline.compile_source(policy(written), "t.pol", verify_sources=False)
    assert not compiled.ok
    assert (code, 1, col) in [(d.code, d.span.line, d.span.col) for d in compiled.diagnostics]


@pytest.mark.parametrize("quote", ['"""', "\\", "\x00", "a\nb", '"', "<b>x</b>", "'''\"",
                                   "\u202e", "\u202eevil\u202c", "\u2028\u2029\u200f"])
def test_quote_is_data_in_python(quote: str) -> None:
    compiled = pipeline.compile_source(policy("L", quote), "t.pol", verify_sources=False)
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    module = compiled.module
    assert f"「{quote}」" in module.who.__doc__


@pytest.mark.parametrize(("written", "text"), NASTY, ids=[repr(t) for _, t in NASTY])
def test_label_is_escaped_in_dot(written: str, text: str) -> None:
    compiled = pipeline.compile_source(policy(written), "t.pol", verify_sources=False)
    assert compiled.ok
    graphs = compiled.diagrams
    assert graphs
    for source in graphs.values():
        # control and bidi characters are shown as \uXXXX, never emitted raw
        assert "\x00" not in source and "\u202e" not in source and "\r" not in source
        assert "<b>html</b>>" not in source  # never an HTML-like label
        _dot_accepts(source)


def test_path_with_a_newline_stays_a_comment() -> None:
    compiled = pipeline.compile_source(policy("L"), "evil\nimport os\n.pol", verify_sources=False)
    code = compiled.python
    _only_data(code, "import os")
    assert code.splitlines()[0].startswith("# Generated by polc from evil\\nimport os")
    assert compiled.module.DOCNO


# ---------------------------------------------------------------- names

SHADOWING = ["type", "int", "min", "max", "all", "any", "bool", "str", "print", "open",
             "isinstance", "DECISIONS", "DOCNO", "TITLE", "ROLES", "CONST_a", "LEVEL_LABELS",
             "annotations", "polc"]
RESERVED = ["match", "case", "_", "__import__", "__class__", "_rt", "_tr", "_NAME", "_ARGS",
            "Decimal", "date", "datetime", "enum", "None", "class", "explain_d", "_v1"]


def named(inp: str = "x", dec: str = "d", enum: str = "Level", member: str = "A",
          extra: str = "") -> str:
    return f'''文号 "n"
枚举 {enum} "e" 推导 "r" {{ {member} "a" 推导 "r" B "b" 推导 "r" }}
输入 {inp} "x" : 计数(人)
决策 {dec} "d" ({inp}) : {enum} 推导 "r" {{ 结果 取最严重 {{ {member} 若 {inp} 3人以上 否则 => B }} }}
{extra}'''


def refused(src: str, line: int) -> list[str]:
    compiled = pipeline.compile_source(src, "t.pol", verify_sources=False)
    errors = [d for d in compiled.diagnostics if d.severity == "error"]
    assert not compiled.ok and errors
    assert all(d.span.line >= 1 and d.code for d in errors)
    assert any(d.span.line == line for d in errors), [(d.span.line, d.message) for d in errors]
    return [d.code for d in errors]


@pytest.mark.parametrize("name", SHADOWING + RESERVED)
def test_input_name_that_would_shadow_is_refused(name: str) -> None:
    codes = refused(named(inp=name), 3)
    assert "E102" in codes or "E001" in codes or "E002" in codes


@pytest.mark.parametrize("name", SHADOWING + RESERVED)
def test_decision_name_that_would_shadow_is_refused(name: str) -> None:
    refused(named(dec=name), 4)


@pytest.mark.parametrize("name", ["int", "DECISIONS", "Decimal", "date", "enum", "_E"])
def test_enum_name_that_would_shadow_is_refused(name: str) -> None:
    refused(named(enum=name), 2)


@pytest.mark.parametrize(("clash", "line"), [("inp", 3), ("dec", 4)])
def test_enum_and_value_of_one_name_is_refused(clash: str, line: int) -> None:
    # the class Level and a parameter or function Level cannot both be in scope
    codes = refused(named(**{clash: "Level"}), line)
    assert "E101" in codes


def test_local_named_like_an_enum_is_refused() -> None:
    src = named().replace("{ 结果", "{ 令 Level = x 结果")
    assert "E101" in refused(src, 4)


def test_enums_differing_in_case_are_refused() -> None:
    extra = '枚举 LEVEL "e" 推导 "r" { A "a" 推导 "r" }\n'
    assert "E101" in refused(named(extra=extra), 5)


def test_enum_member_mro_is_refused() -> None:
    assert "E102" in refused(named(member="mro"), 2)


@pytest.mark.parametrize("member", ["name", "value", "x", "Level", "print", "type"])
def test_enum_member_names_enum_allows_compile_and_run(member: str) -> None:
    compiled = pipeline.compile_source(named(member=member), "t.pol", verify_sources=False)
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    module = compiled.module
    assert module.d(x=5) is module.Level[member]
    assert module.d(x=5).name == member
    assert module.DECISIONS["d"].fields[0].from_json(5) == 5


@pytest.mark.parametrize("name", ["ｆｏｏ", "名称", "x-y"])
def test_non_ascii_names_are_a_located_syntax_error(name: str) -> None:
    codes = refused(named(inp=name), 3)
    assert codes[0].startswith("E00")


def test_input_and_decision_of_one_name_call_each_other() -> None:
    # the contract names an input and a decision alike (55's severity); a decision
    # with that input that also calls 取 of the decision must reach the function
    src = '''文号 "n"
输入 level "x" : 计数(人)
输入 n "n" : 计数(人)
决策 level "d" (n) : 计数(人) 推导 "r" { 结果 n + 1人 }
决策 both "b" (level, n) : 计数(人) 推导 "r" { 结果 level + 取 level }
'''
    compiled = pipeline.compile_source(src, "t.pol", verify_sources=False)
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    module = compiled.module
    assert module.both(level=10, n=1) == 12
    assert module.DECISIONS["both"].explain(level=10, n=1).value == 12
