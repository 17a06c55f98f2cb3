"""Split a gazette issue (公报) into one source file per notice.

Usage::

    python tools/split_sources.py [SEED] [--out DIR]

SEED defaults to ``../shared/seeds/000_928f4559c319cd7b.txt`` relative to the repository and
DIR to ``policies/sources``.  Each notice runs from the first line of its title (the
``关于……的通知`` lines just above its 文号 line) up to the title of the next notice; the
gazette's own furniture (the leading ``以正式发文为准`` line, column headings such as
``人事任免`` and the trailing ``大事记`` section) is left out.  Characters are copied unchanged;
only trailing blank lines are trimmed and every file ends with exactly one newline.

Files are named by the notice number (``55.txt`` for 海政办发〔2022〕55号); documents of
another series get the series' distinguishing character as a prefix (``gan18.txt`` for
海政干〔2022〕18号).  ``MANIFEST.json`` records the seed name and, per file, the 文号 and the
SHA-256 of the file's bytes.

Stdlib only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEED = REPO / ".." / "shared" / "seeds" / "000_928f4559c319cd7b.txt"
DEFAULT_OUT = REPO / "policies" / "sources"

# A 文号 line: issuer abbreviation, 〔year〕, number, 号 -- alone on its line.
DOCNO_RE = re.compile(r"^\s*(?P<issuer>[\u4e00-\u9fff]+)〔(?P<year>\d{4})〕(?P<num>\d+)号\s*$")
# First line of a notice title: 关于…… or 区政府关于…… etc.
TITLE_START_RE = re.compile(r"^\s*[\u4e00-\u9fff]{0,6}关于")
# How far above the 文号 a title may start (in non-blank lines).
MAX_TITLE_LINES = 4
# Gazette furniture: column headings that are not part of any notice.
COLUMN_HEADINGS = frozenset({"人事任免", "大事记", "以正式发文为准"})
# The section after the last notice that is not a notice at all.
END_MARKER = "大事记"
# Series prefix for file names; the main series (海政办发) has none.
SERIES_PREFIX = {"海政办发": "", "海政干": "gan", "海政发": "zf", "海政规": "gui"}


@dataclass(frozen=True)
class Piece:
    docno: str
    filename: str
    text: str


def _filename(issuer: str, num: str) -> str:
    try:
        prefix = SERIES_PREFIX[issuer]
    except KeyError as exc:
        raise SystemExit(f"unknown 文号 series {issuer!r}; add it to SERIES_PREFIX") from exc
    return f"{prefix}{int(num)}.txt"


def _title_start(lines: list[str], docno_idx: int, floor: int) -> int:
    """Index of the first title line above the 文号 at ``docno_idx`` (not above ``floor``)."""
    seen = 0
    i = docno_idx - 1
    while i >= floor:
        line = lines[i]
        if line.strip():
            if line.strip() in COLUMN_HEADINGS:
                break
            seen += 1
            if TITLE_START_RE.match(line):
                return i
            if seen >= MAX_TITLE_LINES:
                break
        i -= 1
    raise SystemExit(f"no title (关于……) found above 文号 on line {docno_idx + 1}")


def _trim_tail(lines: list[str]) -> list[str]:
    """Drop trailing blank lines and trailing gazette column headings."""
    out = list(lines)
    while out and (not out[-1].strip() or out[-1].strip() in COLUMN_HEADINGS):
        out.pop()
    return out


def split(seed_text: str) -> list[Piece]:
    lines = seed_text.split("\n")
    end = len(lines)
    for i, line in enumerate(lines):
        if line.strip() == END_MARKER:
            end = i
            break
    docnos: list[tuple[int, re.Match[str]]] = []
    for i in range(end):
        m = DOCNO_RE.match(lines[i])
        if m:
            docnos.append((i, m))
    if not docnos:
        raise SystemExit("no 文号 lines found in the seed")

    starts: list[int] = []
    floor = 0
    for idx, _ in docnos:
        start = _title_start(lines, idx, floor)
        starts.append(start)
        floor = idx + 1

    pieces: list[Piece] = []
    names: set[str] = set()
    for k, (idx, m) in enumerate(docnos):
        stop = starts[k + 1] if k + 1 < len(docnos) else end
        body = _trim_tail(lines[starts[k] : stop])
        name = _filename(m.group("issuer"), m.group("num"))
        if name in names:
            raise SystemExit(f"two notices would be written to {name}")
        names.add(name)
        pieces.append(Piece(docno=lines[idx].strip(), filename=name, text="\n".join(body) + "\n"))
    return pieces


def write(pieces: list[Piece], out_dir: Path, seed_name: str) -> dict[str, object]:
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, str]] = {}
    for piece in pieces:
        data = piece.text.encode("utf-8")
        (out_dir / piece.filename).write_bytes(data)
        files[piece.filename] = {
            "docno": piece.docno,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    manifest: dict[str, object] = {"seed": seed_name, "files": files}
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (out_dir / "MANIFEST.json").write_text(text, encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", nargs="?", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    seed: Path = args.seed
    seed_text = seed.read_text(encoding="utf-8")
    pieces = split(seed_text)
    write(pieces, args.out, seed.name)
    for piece in pieces:
        print(f"{piece.filename:10} {piece.docno}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
