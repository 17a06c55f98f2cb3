"""Text from a policy in places other than repr() literals: comments and docstrings."""

from __future__ import annotations


def printable(text: str) -> str:
    """`text` with every non-printable character (line breaks, NUL, bidi controls) as an
    escape, so a path or label can neither end a comment line nor hide what follows."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


def docstring_literal(text: str) -> str:
    # every quote is escaped, not only runs of three: a label ending in " would
    # otherwise merge with the closing quotes
    lines = [printable(line.replace("\\", "\\\\").replace('"', '\\"'))
             for line in text.split("\n")]
    return '"""' + "\n".join(lines) + '"""'
