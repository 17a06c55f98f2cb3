"""Syntax-check .pol files with the bare grammar (no semantic checks).

Used while the compiler's later stages are being written; `polc check` does
this and everything else.
"""

import sys
from pathlib import Path

from lark import Lark
from lark.exceptions import UnexpectedInput

GRAMMAR = Path(__file__).resolve().parent.parent / "grammar" / "pol.lark"


def main(paths: list[str]) -> int:
    parser = Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="contextual",
                  propagate_positions=True)
    bad = 0
    for p in paths:
        text = Path(p).read_text(encoding="utf-8")
        try:
            parser.parse(text)
            print(f"{p}: ok")
        except UnexpectedInput as e:
            bad += 1
            print(f"{p}:{e.line}:{e.column}: syntax error: {str(e).splitlines()[0]}")
            print(e.get_context(text))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
