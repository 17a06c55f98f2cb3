"""Synthetic .pol policies of a given size, valid for the current grammar.

Three shapes, each with `n` rules/rows, every row carrying `推导` (a rule without
引 or 推导 is error E401):

- ``bands``:  a one-key 查表 over a money input, contiguous intervals
  ``[a元, b元) => x元``, then ``否则``;
- ``levels``: 取最严重 over an enum of `n` members, each level a threshold
  ``x K人以上`` (most severe first);
- ``tables``: a two-key 查表 (an enum of 10 kinds × n/10 money bands).

``of_size(bytes)`` is the other kind of large policy: thousands of small
decisions, each with its own input and example (the shape of the fuzz suite's
5 MB policy), as large as asked.
"""

from __future__ import annotations

HEADER = '文号 "合成〔2024〕1号"\n标题 "合成基准"\n\n'
WHY = '推导 "synthetic"'


def bands(n: int) -> str:
    out = [HEADER, '输入 income "收入" : 金额\n\n',
           f'决策 band "档次" (income) : 金额 {WHY} {{\n  结果 查表 (income) {{\n']
    for i in range(n):
        out.append(f"    [{i * 100}元, {(i + 1) * 100}元) => {i}元 {WHY}\n")
    out.append(f"    否则 => 0元 {WHY}\n  }}\n}}\n")
    return "".join(out)


def levels(n: int) -> str:
    out = [HEADER, f'枚举 Tier "级别" {WHY} {{\n']
    out += [f'  t{i} "级别{i}" {WHY}\n' for i in range(n)]
    out.append("}\n\n")
    out.append('输入 people "人数" : 计数(人)\n\n')
    out.append(f'决策 tier "级别" (people) : Tier {WHY} {{\n  结果 取最严重 {{\n')
    for i in range(n):
        out.append(f"    t{i} 若 people {(n - 1 - i) * 10}人以上 {WHY}\n")
    out.append("  }\n}\n")
    return "".join(out)


def tables(n: int) -> str:
    kinds = 10
    per = max(1, n // kinds)
    out = [HEADER, f'枚举 Kind "类别" {WHY} {{\n']
    out += [f'  k{i} "类别{i}" {WHY}\n' for i in range(kinds)]
    out.append("}\n\n")
    out.append('输入 kind "类别" : Kind\n输入 amount "金额" : 金额\n\n')
    out.append(f'决策 grant "补助" (kind, amount) : 金额 {WHY} {{\n'
               "  结果 查表 (kind, amount) {\n")
    for k in range(kinds):
        for i in range(per):
            out.append(f"    k{k}, [{i * 1000}元, {(i + 1) * 1000}元) => {k * per + i}元 {WHY}\n")
    out.append(f"    否则 => 0元 {WHY}\n  }}\n}}\n")
    return "".join(out)


SHAPES = {"bands": bands, "levels": levels, "tables": tables}


def of_size(target_bytes: int) -> str:
    out = [HEADER]
    size = len(HEADER.encode("utf-8"))
    i = 0
    while size < target_bytes:
        chunk = (f'输入 x{i} "涉及人数{i}" : 计数(人)\n'
                 f'决策 d{i} "级别{i}" (x{i}) : 计数(人) {WHY} {{\n'
                 f"  结果 依次 {{ 若 x{i} 400人以上 => 1人 若 x{i} 200人以上400人以下 => 2人 "
                 f"否则 => 3人 }}\n}}\n"
                 f"例 d{i}(x{i} = 400人) => 1人 {WHY}\n")
        out.append(chunk)
        size += len(chunk.encode("utf-8"))
        i += 1
    return "".join(out)
