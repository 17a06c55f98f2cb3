"""The Lark parser of the .pol language: grammar/pol.lark with the vocabulary's word lists.

A terminal the grammar defines as `%vocabulary LIST` gets the alternation of that list of
`polc.compiler.vocabulary`, longest word first (so a word is never lexed as a shorter
one it starts with).  One LALR parser is built per process and reused, and kept between
processes in a private cache file (see `_cache_file`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Collection, Iterable
from importlib import resources
from pathlib import Path

from lark import Lark
from lark.common import LexerConf
from lark.lexer import ContextualLexer

from polc.compiler import vocabulary as V


def _words(words: Iterable[str]) -> str:
    return " | ".join(f'"{w}"' for w in sorted(words, key=len, reverse=True))


def _regex_words(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# A unit is a run of Han characters that holds no word of the language: the built-in units
# and the ones a policy declares (单位 标准箱 : 计数) lex alike, so the checker, not the
# lexer, says which units exist (E143), and a unit never swallows what follows it:
# 400人以上, 3标准箱至5标准箱, 5万元否则 (the field notes' 死亡人数以上3).  Every word is
# excluded wherever it starts, so a unit cannot contain one (对, 令 are not unit names).
_RESERVED = sorted(
    {k.value for k in V.Keyword} | {h.value for h in V.Header} | {t.word for t in V.THRESHOLDS}
    | set(V.CONVENTION_INCLUSION) | {t.value for t in V.BasicType}
    | {f.value for f in V.Function} | set(V.BOOLEANS) | set(V.HIT_POLICIES)
    | set(V.ENUM_ORDERS) | set(V.RELATION_VERBS), key=lambda w: (-len(w), w))
# CJK Unified Ideographs and Extension A, as characters (Oniguruma reads the TextMate copy)
_HAN = "[\u3400-\u4dbf\u4e00-\u9fff]"
_UNIT_WORD = f"(?:(?!{_regex_words(_RESERVED)}){_HAN})+"
# the units that are not Han characters; ㎡ may also follow "/" (元/㎡)
_SIGN_UNITS = tuple(u for u in V.UNITS if not re.fullmatch(f"{_HAN}+", u))

# the lists a grammar terminal may name, as Lark alternations
LISTS: dict[str, str] = {
    "header_keys": _words(h.value for h in V.Header),
    "convention_inclusion": _words(V.CONVENTION_INCLUSION),
    "relation_verbs": _words(V.RELATION_VERBS),
    "basic_types": _words(t.value for t in V.BasicType),
    "functions": _words(f.value for f in V.Function),
    "booleans": _words(V.BOOLEANS),
    "hit_policies": _words(V.HIT_POLICIES),
    "enum_orders": _words(V.ENUM_ORDERS),
    "inclusion_marks": _words(V.INCLUSION_MARKS),
    "threshold_words": _words(t.word for t in V.THRESHOLDS),
    "member_bounds": "/[A-Za-z_][A-Za-z0-9_]*("
                     f"{_regex_words(t.word for t in V.THRESHOLDS if t.after_number)})/",
    # Lark reads a pattern between slashes: the one "/" of a compound unit is escaped
    "units": f"/({_UNIT_WORD}|{_regex_words(_SIGN_UNITS)})(\\/({_UNIT_WORD}|㎡))*/",
}
# a terminal defined as a list: "WORD.2: %vocabulary threshold_words"
_DIRECTIVE = re.compile(r"^([A-Z_]+(?:\.[0-9]+)?): %vocabulary ([a-z_]+)$", re.MULTILINE)


def grammar_text() -> str:
    """grammar/pol.lark with every `%vocabulary LIST` replaced by the list."""
    source = resources.files("polc.grammar").joinpath("pol.lark").read_text(encoding="utf-8")
    return _DIRECTIVE.sub(lambda m: f"{m.group(1)}: {LISTS[m.group(2)]}", source)


def _cache_file(grammar: str) -> str | bool:
    """Where Lark keeps the built parser between processes, or False for no cache.

    Building the parser takes about a second; loading the pickled parser takes
    milliseconds.  The file lives in a private folder
    ($POLC_CACHE_DIR, else $XDG_CACHE_HOME/polc or ~/.cache/polc, mode 0700,
    ours and not group/world writable), never in the shared temporary folder,
    because Lark unpickles it.  Lark checks a hash of the grammar, its options
    and versions before use and rebuilds on a mismatch.  POLC_CACHE_DIR=""
    disables the cache.
    """
    root = os.environ.get("POLC_CACHE_DIR")
    if root == "":
        return False
    base = Path(root) if root else \
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "polc"
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = base.stat()
        getuid = getattr(os, "getuid", None)
        if (getuid is not None and st.st_uid != getuid()) or st.st_mode & 0o022:
            return False
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        return False
    key = hashlib.sha256(grammar.encode("utf-8")).hexdigest()[:16]
    return str(base / f"pol-{key}.lark")


class _Lexer(ContextualLexer):
    """The contextual lexer without Lark's terminal-collision search.

    With `interegular` installed, Lark looks for pairs of terminals that can match the
    same text, in every parser state, only to log a warning.  UNIT is any run of Han
    characters, which splits the search's alphabet at every Han character of the
    grammar: the search took 20 s of CPU (from 1 s).  Which terminal wins where they
    overlap is decided on purpose here (UNIT excludes every word of the language;
    WORD.2 before it) and tested (tests/syntax, tests/semantics/test_units.py)."""

    def __init__(self, conf: LexerConf, states: dict[int, Collection[str]],
                 always_accept: Collection[str] = ()) -> None:
        conf.skip_validation = True
        super().__init__(conf, states, always_accept)


@functools.cache
def get_parser() -> Lark:
    grammar = grammar_text()
    return Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True,
                maybe_placeholders=True, cache=_cache_file(grammar),
                _plugins={"ContextualLexer": _Lexer})


@functools.cache
def literal_terminals() -> frozenset[str]:
    """The terminals that stand for one fixed string (keywords, punctuation)."""
    return frozenset(t.name for t in get_parser().terminals
                     if type(t.pattern).__name__ == "PatternStr")
