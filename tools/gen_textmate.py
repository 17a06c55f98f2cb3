"""Write the TextMate grammar of .pol (editors/vscode/syntaxes/pol.tmLanguage.json).

Usage::

    .venv/bin/python tools/gen_textmate.py [--out FILE]

Every word and pattern comes from the language's own sources, read by `read_vocabulary`
alone: the terminals and rules of grammar/pol.lark, through polc's own parser, checked
against compiler/vocabulary.py.  Rerun this script whenever the vocabulary
changes; tests/test_textmate.py fails while the committed grammar differs from what it
writes, and runs the grammar in the real TextMate engine on every policy.

How the grammar reads a line, and why:
- Keywords are Chinese and stand next to each other and to numbers without spaces
  (400人以上, 否则), so no word boundary ends them.  Each fixed word of the language is
  matched with a negative look-ahead for the rest of every longer word it begins (否 but
  not the 否 of 否则, 任一 but not that of 任一满足): whichever rule matches first has
  matched the longest word there, as the lexer does.
- 角色 is both a declaration (at the start of a line) and a type (after ":"): declaration
  keywords get their declaration scope at the start of a line, and elsewhere the scope of
  their other role if they have one.
- A clause path (一（四）2（1）) is scoped only after 引, where the lexer reads one; it may
  sit on the line after 引, and the citation rule stays open only until it comes.
- Labels "…" end at the end of their line, like the STRING terminal; quotes 「…」 may span
  lines, like QUOTE.
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from re import _constants as sre  # the same parser `re` compiles the lexer's patterns with
from re import _parser as sre_parse
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "editors" / "vscode" / "syntaxes" / "pol.tmLanguage.json"
SCOPE = "source.pol"

# ---------------------------------------------------------------- what each kind of token is

# Scopes of the grammar's named terminals.  A terminal that is one literal word (ROLL) is a
# keyword like the words written in the rules; any other new terminal stops the script, so
# a change of the language is never silently left unhighlighted.
TERMINAL_SCOPES = {
    "HEADER_KEY": "keyword.other.header.pol",
    "WORD": "keyword.other.threshold.pol",
    "INCLUSION": "storage.modifier.inclusion.pol",
    "INCLUSION_MARK": "storage.modifier.inclusion.pol",
    "BASIC_TYPE": "support.type.pol",
    "BOOL": "constant.language.boolean.pol",
    "VERB": "keyword.other.relation.pol",
    "HIT": "storage.modifier.hit-policy.pol",
    "ORDER": "storage.modifier.order.pol",
    "FUNC": "support.function.pol",
    "INF": "constant.language.infinity.pol",
    "CMP": "keyword.operator.comparison.pol",
    "MUL": "keyword.operator.arithmetic.pol",
    "DIV": "keyword.operator.arithmetic.pol",
    "SHARE_SEP": "punctuation.separator.pol",
    "COND_SEP": "punctuation.separator.pol",
    "NAME": "variable.other.pol",
    "STRING": "string.quoted.double.pol",
    "QUOTE": "string.quoted.other.verbatim.pol",
    "CLAUSE": "entity.name.section.clause.pol",
    "DOC": "string.quoted.other.document.pol",
    "DATETIME": "constant.numeric.datetime.pol",
    "DATE": "constant.numeric.date.pol",
    # 截止 10月31日前, 截止 每周四 17时前 (dated and weekly steps)
    "MONTH_DAY": "constant.numeric.date.pol",
    "WEEKLY": "constant.numeric.date.pol",
    "TIME_OF_DAY": "constant.numeric.datetime.pol",
    "NUMBER": "constant.numeric.pol",
    "UNIT": "keyword.other.unit.pol",
    # III以上: a member and the threshold word after it, one token (each part scoped as such)
    "MEMBER_BOUND": "meta.member-bound.pol",
    "COMMENT": "comment.line.number-sign.pol",
}
IGNORED = {"WS"}

# Keywords written in the rules, by the part of the grammar they belong to (see _kind).
KEYWORD_SCOPES = {
    "declaration": "storage.type.pol",
    "citation": "keyword.other.citation.pol",
    "constant": "constant.language.pol",
    "logical": "keyword.operator.logical.pol",
    "type": "support.type.pol",
    "control": "keyword.control.pol",
}

# Punctuation and operators written in the rules, by character.
SYMBOL_SCOPES = {
    "(": "punctuation.section.parens.begin.pol",
    ")": "punctuation.section.parens.end.pol",
    "[": "punctuation.section.brackets.begin.pol",
    "]": "punctuation.section.brackets.end.pol",
    "{": "punctuation.section.braces.begin.pol",
    "}": "punctuation.section.braces.end.pol",
    ",": "punctuation.separator.pol",
    ":": "punctuation.separator.pol",
    "、": "punctuation.separator.pol",
    "=": "keyword.operator.assignment.pol",
    "+": "keyword.operator.arithmetic.pol",
    "-": "keyword.operator.arithmetic.pol",
    "*": "keyword.operator.arithmetic.pol",
    "=>": "keyword.operator.arrow.pol",
    "->": "keyword.operator.arrow.pol",
}

# The name a declaration introduces, by the rule the declaration keyword begins; the other
# names (references, members, arguments) are variable.other.pol.
DECLARED_NAME_SCOPES = {
    "decision": "entity.name.function.decision.pol",
    "enum_decl": "entity.name.type.enum.pol",
    "role_decl": "entity.name.type.role.pol",
    "body_decl": "entity.name.type.body.pol",
    "group_decl": "entity.name.type.group.pol",
    "input_decl": "variable.parameter.input.pol",
    "const_decl": "variable.other.constant.pol",
    "flow": "entity.name.function.flow.pol",
    "ladder": "entity.name.function.ladder.pol",
}
# Declarations whose name is a unit, not an ASCII name (单位 垧 = 15亩): the name is lexed,
# and so scoped, as the unit it declares.
DECLARED_UNIT_RULES = {"unit_decl"}


@dataclass(frozen=True)
class Vocabulary:
    """Everything the highlighter needs to know about the language."""

    # every fixed word and symbol of the language -> its scope (keywords, threshold words,
    # types, verbs, functions, operators, punctuation, inclusion marks, ∞)
    words: dict[str, str]
    # declaration keywords -> the rule they begin, a key of DECLARED_NAME_SCOPES or ""
    declarations: dict[str, str]
    # the keyword a clause path follows (引)
    cite: str
    # other keywords a clause path follows (约定 … 适用于 一（二）), each with its own scope
    before_clause: tuple[str, ...]
    # lexer terminal -> its scope, for every token type the lexer gives (for the tests)
    terminal_scopes: dict[str, str]
    # the lexer's patterns (Python syntax, which these few share with Oniguruma)
    name: str
    number: str
    unit: str
    date: str
    datetime: str
    clause: str
    comment: str
    document: str
    # the threshold words a member name may be written with (III以上)
    member_words: tuple[str, ...]
    # the characters a label may escape after a backslash
    escapes: str
    # the blanks within a line
    blanks: str
    # 截止 10月31日前 and 每周四 17时前: a month and day, a time of day
    month_day: str = ""
    time_of_day: str = ""


def read_vocabulary() -> Vocabulary:
    """The vocabulary, read from grammar/pol.lark through polc's own parser and checked
    against the unit table and the threshold-word table of the compiler.

    This is the only place that knows where the vocabulary lives."""
    from polc.compiler import vocabulary
    from polc.compiler.syntax.grammar import get_parser

    parser = get_parser()
    patterns = {t.name: t.pattern for t in parser.terminals}
    literals = {t.name: t.pattern.value for t in parser.terminals
                if type(t.pattern).__name__ == "PatternStr"}
    kinds = _keyword_kinds(parser.rules, {n for n, w in literals.items() if _is_han(w)})
    words: dict[str, str] = {}
    terminal_scopes: dict[str, str] = {}
    declarations: dict[str, str] = {}
    regexes: dict[str, str] = {}

    def add(word: str, scope: str) -> None:
        old = words.get(word)
        if old is not None and old != scope:
            raise SystemExit(f"gen_textmate: {word!r} is both {old} and {scope}")
        words[word] = scope

    for name, pattern in patterns.items():
        literal = literals.get(name)
        if name in IGNORED:
            continue
        if name in TERMINAL_SCOPES:
            terminal_scopes[name] = TERMINAL_SCOPES[name]
            found = _finite_words(pattern.value)
            if found is None:
                regexes[name] = pattern.value
            for word in found or ():
                add(word, TERMINAL_SCOPES[name])
        elif literal is not None and literal in SYMBOL_SCOPES:
            terminal_scopes[name] = SYMBOL_SCOPES[literal]
            add(literal, SYMBOL_SCOPES[literal])
        elif literal is not None and name in kinds:
            kind, rule = kinds[name]
            terminal_scopes[name] = KEYWORD_SCOPES[kind]
            if kind == "declaration":
                declarations[literal] = rule if rule in DECLARED_NAME_SCOPES \
                or rule in DECLARED_UNIT_RULES else ""
            else:
                add(literal, KEYWORD_SCOPES[kind])
        else:
            raise SystemExit(f"gen_textmate: no scope for the terminal {name} "
                             f"({pattern.value!r}): add it to TERMINAL_SCOPES or SYMBOL_SCOPES")
    # a declaration keyword with another role keeps that role mid-line (角色 is a type too)
    for word in declarations:
        words.setdefault(word, KEYWORD_SCOPES["declaration"])
    _check_tables(words, regexes, vocabulary.THRESHOLD, vocabulary.UNITS)
    [cite] = {literals[r.expansion[0].name] for r in parser.rules
              if len(r.expansion) > 1 and r.expansion[1].name == "CLAUSE"}
    before_clause = tuple(sorted({
        literals[r.expansion[i - 1].name] for r in parser.rules
        for i in range(1, len(r.expansion))
        if r.expansion[i].name == "CLAUSE" and r.expansion[i - 1].name in literals} - {cite}))

    blanks = _finite_words(patterns["WS"].value.rstrip("+")) or set()  # [ \t…]+ -> [ \t…]
    string_re = re.compile(patterns["STRING"].value)
    escapes = "".join(c for c in string.printable if string_re.fullmatch('"\\' + c + '"'))
    return Vocabulary(
        words=words, declarations=declarations, cite=cite, before_clause=before_clause,
        terminal_scopes=terminal_scopes,
        name=regexes["NAME"], number=regexes["NUMBER"], unit=regexes["UNIT"],
        date=regexes["DATE"], datetime=regexes["DATETIME"], clause=regexes["CLAUSE"],
        comment=regexes["COMMENT"], document=regexes["DOC"], escapes=escapes,
        member_words=_member_words(regexes["MEMBER_BOUND"], regexes["NAME"]),
        blanks="".join(sorted(blanks - {"\r", "\n"})),
        month_day=regexes["MONTH_DAY"], time_of_day=regexes["TIME_OF_DAY"])


def _keyword_kinds(rules: Iterable[Any], keywords: set[str]) -> dict[str, tuple[str, str]]:
    """Each keyword terminal of the rules -> (kind, the rule that decides it).

    The kind follows from where the keyword stands: first in a top-level item or a flow
    statement (declaration), in a citation (citation), alone as a value (constant), joining
    conditions (logical), in a type (type); everything else is control (若 则 查表 …)."""
    expansions: dict[str, list[list[str]]] = {}
    for rule in rules:
        expansions.setdefault(rule.origin.name, []).append([s.name for s in rule.expansion])
    for needed in ("item", "annot", "flow_stmt", "atom", "value", "cond", "cond_and",
                   "cond_not", "type"):
        if needed not in expansions:
            raise SystemExit(f"gen_textmate: pol.lark has no rule {needed!r} any more; "
                             "update _keyword_kinds")
    # the rules a citation is made of: everything reachable from `annot`
    citation_rules, todo = set(), ["annot"]
    while todo:
        rule = todo.pop()
        if rule not in citation_rules and rule in expansions:
            citation_rules.add(rule)
            todo += [n for names in expansions[rule] for n in names]
    items = [names[0] for names in expansions["item"]] + ["flow_stmt"]

    def within(origins: Iterable[str], only_first: bool = False,
               alone: bool = False) -> dict[str, str]:
        return {n: o for o in origins for names in expansions.get(o, [])
                for n in (names[:1] if only_first else names)
                if not alone or len(names) == 1}

    ordered = [
        ("citation", within(sorted(citation_rules))),
        ("declaration", within(items, only_first=True)),
        ("constant", within(["atom", "value"], alone=True)),
        ("logical", within(["cond", "cond_and", "cond_not"])),
        ("type", within(["type"])),
        ("control", within(sorted(expansions))),
    ]
    kinds: dict[str, tuple[str, str]] = {}
    for kind, found in ordered:
        for name, rule in found.items():
            if name in keywords and name not in kinds:
                kinds[name] = (kind, rule)
    return kinds


def _check_tables(words: dict[str, str], regexes: dict[str, str],
                  thresholds: Iterable[str], unit_words: Iterable[str]) -> None:
    """The lexer and the checker agree on the threshold words and the units."""
    lexed = {w for w, s in words.items() if s == TERMINAL_SCOPES["WORD"]}
    if lexed != set(thresholds):
        raise SystemExit(f"gen_textmate: the threshold words of pol.lark and vocabulary.THRESHOLD differ: "
                         f"{sorted(lexed ^ set(thresholds))}")
    unit = re.compile(regexes["UNIT"])
    stray = [u for u in unit_words if not unit.fullmatch(u)]
    if stray:
        raise SystemExit(f"gen_textmate: vocabulary.UNITS has units pol.lark does not lex: {stray}")


def _member_words(member_bound: str, name: str) -> tuple[str, ...]:
    """The words of MEMBER_BOUND, the name pattern followed by a list of words."""
    if not member_bound.startswith(name):
        raise SystemExit(f"gen_textmate: MEMBER_BOUND is not a name and words: {member_bound!r}")
    words = _finite_words(member_bound[len(name):])
    if not words:
        raise SystemExit(f"gen_textmate: MEMBER_BOUND is not a name and words: {member_bound!r}")
    return tuple(sorted(words))


def _is_han(word: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in word)


def _finite_words(pattern: str) -> set[str] | None:
    """The words a regular expression matches when it is a list of words (a|b|c, [abc]),
    else None."""
    try:
        return _expand(sre_parse.parse(pattern))
    except ValueError:
        return None


def _expand(seq: Any) -> set[str]:
    out = {""}
    for op, av in seq:
        if op is sre.LITERAL:
            alts = {chr(av)}
        elif op is sre.BRANCH:
            alts = set().union(*(_expand(s) for s in av[1]))
        elif op is sre.SUBPATTERN:
            alts = _expand(av[-1])
        elif op is sre.IN and all(o is sre.LITERAL for o, _ in av):
            alts = {chr(v) for _, v in av}
        else:  # a repeat, a range, a negated class: not a list of words
            raise ValueError(op)
        out = {a + b for a in out for b in alts}
    return out


# ---------------------------------------------------------------- the TextMate grammar


def _onig(pattern: str) -> str:
    """A Python pattern for Oniguruma: groups made non-capturing (the grammar numbers its
    own captures), invisible and space characters written \\x{…}."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i: i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(" and not pattern.startswith("(?", i):
            ch = "(?:"
        out.append(_char(ch) if len(ch) == 1 else ch)
        i += 1
    return "".join(out)


def _char(ch: str) -> str:
    if ch.isprintable() and not ch.isspace() or ch == " ":
        return ch
    named = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
    return named.get(ch) or f"\\x{{{ord(ch):x}}}"


def _literal(word: str, meta: str = ".^$|?*+()[]{}\\") -> str:
    return "".join("\\" + c if c in meta else _char(c) for c in word)


def _alternation(words: Iterable[str], all_words: Iterable[str]) -> str:
    """Words longest first, each refusing to match the start of a longer word."""
    everything = sorted(set(all_words))
    parts = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        rests = sorted({w[len(word):] for w in everything if w != word and w.startswith(word)},
                       key=lambda r: (-len(r), r))
        guard = f"(?!{'|'.join(_literal(r) for r in rests)})" if rests else ""
        parts.append(_literal(word) + guard)
    return "|".join(parts)


def build(v: Vocabulary) -> dict[str, object]:
    blank = "[" + "".join(_char(c) for c in v.blanks) + "]"
    # the engine gives each line with its "\n": the end of a line is not a token
    nonblank = "[^" + "".join(_char(c) for c in v.blanks) + "\\n]"
    every = list(v.words)
    name = _onig(v.name)
    cite = _alternation([v.cite], every)
    marks = [w for w, scope in v.words.items() if scope == TERMINAL_SCOPES["INCLUSION_MARK"]
             and w.startswith("(")]

    repository: dict[str, object] = {
        "comment": {"name": TERMINAL_SCOPES["COMMENT"], "match": _onig(v.comment)},
        "quote": {
            "name": TERMINAL_SCOPES["QUOTE"], "begin": "「", "end": "」",
            "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.pol"}},
            "endCaptures": {"0": {"name": "punctuation.definition.string.end.pol"}},
        },
        "label": {
            "name": TERMINAL_SCOPES["STRING"], "begin": '"', "end": '"|$',
            "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.pol"}},
            "endCaptures": {"0": {"name": "punctuation.definition.string.end.pol"}},
            "patterns": [
                {"name": "constant.character.escape.pol",
                 "match": "\\\\[" + _literal(v.escapes, meta="\\]^-[") + "]"},
                {"name": "invalid.illegal.escape.pol", "match": "\\\\."},
            ],
        },
        "document": {"name": TERMINAL_SCOPES["DOC"], "match": _onig(v.document)},
        "citation": {"patterns": [
            # 引 at the end of its line: the clause path opens the next one
            {"begin": f"({cite})(?={blank}*(?:#.*)?$)",
             "beginCaptures": {"1": {"name": KEYWORD_SCOPES["citation"]}},
             # the rule ends with the clause path, or before whatever stands in its place
             "end": f"({_onig(v.clause)})|(?={nonblank})",
             "endCaptures": {"1": {"name": TERMINAL_SCOPES["CLAUSE"]}},
             "applyEndPatternLast": True,  # a comment before it is not "in its place"
             "name": "meta.citation.pol",
             "patterns": [{"include": "#comment"}]},
            {"match": f"({cite})(?:{blank}*({_onig(v.clause)}))?",
             "name": "meta.citation.pol",
             "captures": {"1": {"name": KEYWORD_SCOPES["citation"]},
                          "2": {"name": TERMINAL_SCOPES["CLAUSE"]}}},
            *({"match": f"({_alternation([w], every)}){blank}*({_onig(v.clause)})",
               "captures": {"1": {"name": v.words[w]},
                            "2": {"name": TERMINAL_SCOPES["CLAUSE"]}}}
              for w in v.before_clause),
        ]},
        "declaration": {"patterns": _declarations(v, blank, name, every)},
        # (不含) is an inclusion mark, not a unit in parentheses: any Han run lexes as a unit
        "unit-type": {
            "match": f"(?!{_alternation(marks, every)})"
                     f"(\\(){blank}*({_onig(v.unit)}){blank}*(\\))",
            "captures": {"1": {"name": SYMBOL_SCOPES["("]},
                         "2": {"name": TERMINAL_SCOPES["UNIT"]},
                         "3": {"name": SYMBOL_SCOPES[")"]}},
        },
        "date": {"patterns": [
            {"name": TERMINAL_SCOPES["DATETIME"], "match": _onig(v.datetime)},
            {"name": TERMINAL_SCOPES["DATE"], "match": _onig(v.date)},
            {"name": TERMINAL_SCOPES["MONTH_DAY"], "match": _onig(v.month_day)},
            {"name": TERMINAL_SCOPES["TIME_OF_DAY"], "match": _onig(v.time_of_day)},
        ]},
        "quantity": {
            "match": f"({_onig(v.number)})(?:{blank}*({_onig(v.unit)}))?",
            "captures": {"1": {"name": TERMINAL_SCOPES["NUMBER"]},
                         "2": {"name": TERMINAL_SCOPES["UNIT"]}},
        },
        "member-bound": {
            "name": TERMINAL_SCOPES["MEMBER_BOUND"],
            "match": f"({name})({_alternation(v.member_words, every)})",
            "captures": {"1": {"name": TERMINAL_SCOPES["NAME"]},
                         "2": {"name": TERMINAL_SCOPES["WORD"]}},
        },
        "words": {"patterns": [
            {"name": scope, "match": _alternation(
                [w for w, s in v.words.items() if s == scope and w != v.cite], every)}
            for scope in sorted(set(v.words.values()))
        ]},
        "name": {"name": TERMINAL_SCOPES["NAME"], "match": name},
    }
    order = ["comment", "quote", "label", "document", "citation", "declaration", "unit-type",
             "date", "quantity", "member-bound", "words", "name"]
    return {
        "name": "pol",
        "scopeName": SCOPE,
        "fileTypes": ["pol"],
        "comment": "Generated by tools/gen_textmate.py from grammar/pol.lark and "
                   "compiler/vocabulary.py: do not edit, rerun the script.",
        "patterns": [{"include": f"#{key}"} for key in order],
        "repository": repository,
    }


def _declarations(v: Vocabulary, blank: str, name: str, every: list[str]) -> list[object]:
    """Declaration keywords at the start of a line, with the name they declare."""
    by_scope: dict[str, list[str]] = {}
    units: list[str] = []
    for word, rule in v.declarations.items():
        if rule in DECLARED_UNIT_RULES:
            units.append(word)
        else:
            by_scope.setdefault(DECLARED_NAME_SCOPES.get(rule, ""), []).append(word)
    rules: list[object] = []
    if units:
        rules.append({"match": f"^{blank}*({_alternation(units, every)})"
                               f"(?:{blank}+({_onig(v.unit)}))?",
                      "captures": {"1": {"name": KEYWORD_SCOPES["declaration"]},
                                   "2": {"name": TERMINAL_SCOPES["UNIT"]}}})
    for scope in sorted(by_scope):
        keywords = _alternation(by_scope[scope], every)
        if scope:
            rules.append({"match": f"^{blank}*({keywords})(?:{blank}+({name}))?",
                          "captures": {"1": {"name": KEYWORD_SCOPES["declaration"]},
                                       "2": {"name": scope}}})
        else:
            rules.append({"match": f"^{blank}*({keywords})",
                          "captures": {"1": {"name": KEYWORD_SCOPES["declaration"]}}})
    return rules


def render(v: Vocabulary | None = None) -> str:
    return json.dumps(build(v or read_vocabulary()), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
