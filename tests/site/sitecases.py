"""A small project whose notice and policy carry markup and script in every text a page
shows: the reviewers' site must show all of it as text (tests/test_site*.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

# each would run or become markup if a page put it into HTML unescaped
PAYLOADS = [
    "<b>html</b>",
    "<img src=x onerror=window.__pwned=1>",
    "</script><script>window.__pwned=1</script>",
    "\"><svg onload=window.__pwned=1>",
    "'><a href=javascript:window.__pwned=1>x</a>",
    "{{7*7}}{% raw %}",
    "&lt;b&gt;&#x202E;",
]
DOCNO = "海政办发〔2022〕1号"


def _pol(text: str) -> str:
    """`text` as the inside of a .pol "label"."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def notice_text() -> str:
    lines = [f"关于{PAYLOADS[0]}的通知", DOCNO, "各单位：",
             f"一、{PAYLOADS[1]}总则",
             f"（一）凡{PAYLOADS[1]}达3人以上的，给予奖励{PAYLOADS[2]}。",
             f"（二）{PAYLOADS[3]}不予编码的句子，应当报告。",
             f"（三）{PAYLOADS[4]}以及{PAYLOADS[5]}，{PAYLOADS[6]}须报送。",
             "2022年1月1日", ""]
    return "\n".join(lines)


def policy_text() -> str:
    p = [_pol(x) for x in PAYLOADS]
    quote = f"凡{PAYLOADS[1]}达3人以上的"
    return f'''文号 "{DOCNO}"
标题 "{p[0]}标题{p[3]}"
发文机关 "{p[2]}"
成文日期 2022-01-01

枚举 Level "{p[0]}级别"
  引 一（一） 「给予奖励」
{{
  A "{p[1]}甲" 引 一（一） 「达3人以上的」
  B "{p[3]}乙" 引 一（一） 「给予奖励」
}}

输入 x "{p[4]}人数" : 计数(人)
输入 flag "{p[5]}是否" : 是否

决策 d "{p[6]}决策" (x, flag) : Level
  引 一（一） 「{quote}」
  解读 "{p[2]}"
{{
  结果 取最严重 {{
    A 若 x 3人以上
      引 一（一） 「{quote}」
      解读 "{p[1]}{p[3]}"
    否则 => B
  }}
}}

例 d(x = 5人, flag = 是) => A
  引 一（一） 「达3人以上的」
例 d(x = 1人, flag = 否) => B
  引 一（一） 「给予奖励」
'''


def uncovered_text() -> str:
    return (f"一（二） 「不予编码的句子，应当报告。」 引用（《某办法》）：{PAYLOADS[3]}{PAYLOADS[1]}\n"
            f"一（三） 「须报送」 语言未支持（报送）：{PAYLOADS[4]}{PAYLOADS[2]}\n")


def make_project(root: Path) -> Path:
    """Write the project under `root`; returns its policy file."""
    sources = root / "policies" / "sources"
    sources.mkdir(parents=True)
    text = notice_text().encode("utf-8")
    (sources / "1.txt").write_bytes(text)
    manifest = {"files": {"1.txt": {"docno": DOCNO, "sha256": hashlib.sha256(text).hexdigest()}}}
    (sources / "MANIFEST.json").write_text(json.dumps(manifest, ensure_ascii=False),
                                           encoding="utf-8")
    pol = root / "policies" / "nasty.pol"
    pol.write_text(policy_text(), encoding="utf-8")
    pol.with_suffix(".uncovered").write_text(uncovered_text(), encoding="utf-8")
    return pol
