"""Declarations the checker once accepted and then misread: an empty or reversed 取值
range (every input refused), a bound of the wrong kind (a crash at run time), two
约定 for one word (the last silently won).  tests/fixtures/repro/ holds the original files."""

from __future__ import annotations

import pytest

from ..paths import REPRO
from . import stage
from .stage import HEAD


def errors(text: str) -> list[tuple[str, int, int, int]]:
    return [(d.code, d.span.line, d.span.col, d.span.end_col) for d in stage.errors(text)]


def test_reversed_input_domain_is_an_empty_range() -> None:
    text = (REPRO / "reversed_input_domain_accepted.pol").read_text(encoding="utf-8")
    assert errors(text) == [("E211", 3, 21, 29)]
    assert errors(text.replace("[5人, 1人]", "[1人, 5人]")) == []


@pytest.mark.parametrize("domain,empty", [
    ("[1人, 1人]", False), ("[1人, 1人)", True), ("(1人, 1人]", True), ("[0人, ∞)", False),
    ("[2人, 1人]", True),
])
def test_empty_ranges(domain: str, empty: bool) -> None:
    got = errors(HEAD + f'输入 n "n" : 计数(人) 取值 {domain}\n'
                 '决策 d "d" (n) : 计数(人) 推导 "r" { 结果 n }\n')
    assert got == ([("E211", 2, 21, 21 + len(domain))] if empty else [])


def test_date_ranges() -> None:
    decl = '输入 t "t" : 日期 取值 [2024-01-01, 2023-01-01]\n'
    assert [e[0] for e in errors(HEAD + decl + '决策 d "d" (t) : 日期 推导 "r" { 结果 t }\n')] \
        == ["E211"]


@pytest.mark.parametrize("typ,domain,wrong", [
    ("计数(人)", "[2022-01-01, 5人]", "2022-01-01"),
    ("计数(人)", "[1人, 2022-01-01T08:00]", "2022-01-01T08:00"),
    ("日期", "[2022-01-01, 5人]", "5人"),
    ("时刻", "[2022-01-01, ∞)", "2022-01-01"),
])
def test_a_bound_of_another_kind(typ: str, domain: str, wrong: str) -> None:
    decl = f'输入 x "x" : {typ} 取值 {domain}'
    text = HEAD + decl + f'\n决策 d "d" (x) : {typ} 推导 "r" {{ 结果 x }}\n'
    col = decl.index(wrong) + 1
    assert errors(text) == [("E118", 2, col, col + len(wrong))]


def test_a_table_bound_of_another_kind() -> None:
    # checked, then it crashed at run time comparing a date with a number
    text = HEAD + ('输入 n "n" : 计数(人)\n决策 d "d" (n) : 计数(人) 推导 "r" {\n'
                   '  结果 查表 (n) { [2022-01-01, 5人] => 1人 * => 2人 }\n}\n')
    assert [(e[0], e[1]) for e in errors(text)] == [("E118", 4)]


def test_contradictory_conventions_name_both_places() -> None:
    text = (REPRO / "contradictory_conventions_accepted.pol").read_text(encoding="utf-8")
    (d,) = stage.errors(text)
    assert (d.code, d.span.line, d.span.col) == ("E117", 8, 1)
    assert [(s.line, s.col) for s, _ in d.related] == [(7, 1)]
    assert "以下 含本数" in d.message and "以下 不含本数" in d.message


def test_a_repeated_convention_and_different_words() -> None:
    conv = '约定 {} 推导 "r"\n'
    body = '输入 n "n" : 计数(人)\n决策 d "d" (n) : 是否 推导 "r" { 结果 n 5人以下 }\n'
    twice = HEAD + conv.format("以下 不含本数") * 2 + body
    assert [(e[0], e[1]) for e in errors(twice)] == [("E117", 3)]
    # one 约定 per word: different words do not clash
    assert errors(HEAD + conv.format("以下 不含本数") + conv.format("以上 不含本数") + body) == []
