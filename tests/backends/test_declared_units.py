"""The Python backend on units a policy declares (单位): the generated module computes in
the base unit with the exact converted constants, its fields name the unit, its
explanations say what a declared unit was converted to, and it passes ruff and strict mypy."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from decimal import Decimal
from pathlib import Path

import pytest

from polc.compiler import pipeline
from polc.runtime import InputError

from ..paths import ROOT

POLICY = """文号 "测试〔2026〕9号"
引文未核对 "测试用的政策，没有通知原文"
单位 垧 = 15亩 推导 "t"
单位 标准箱 "标准集装箱" : 计数 推导 "t"
单位 托 = 40标准箱 推导 "t"
单位 斤 = 0.5千克 推导 "t"

输入 area "轮作面积" : 数量(亩)
输入 boxes "箱数" : 计数(标准箱)
输入 weight "重量" : 数量(吨)

决策 subsidy "补助" (area) : 金额 推导 "t" {
  结果 依次 {
    若 area 达到 20垧 以上 => area × 180元/亩
    若 area 达到 2垧 以上 => area × 150元/亩
    否则 => 0元
  } 最高 30万元
}
决策 freight "运费补助" (boxes) : 金额 推导 "t" {
  结果 查表 (boxes) {
    [1标准箱, 1托) => boxes × 100元/标准箱
    1托以上 => boxes × 120元/标准箱
    否则 => 0元
  }
}
决策 light "轻件" (weight) : 是否 推导 "t" {
  结果 weight 3斤以下
}
例 subsidy(area = 2垧) => 4500元 推导 "t"
例 freight(boxes = 1托) => 4800元 推导 "t"
"""


@pytest.fixture(scope="module")
def compiled() -> pipeline.Compilation:
    c = pipeline.compile_source(POLICY, "units.pol", verify_sources=False)
    assert c.ok, [str(d) for d in c.diagnostics]
    return c


@pytest.fixture(scope="module")
def module(compiled: pipeline.Compilation) -> types.ModuleType:
    return compiled.module


def test_values_in_the_base_unit(module: types.ModuleType) -> None:
    assert module.subsidy(area=Decimal(29)) == 0
    assert module.subsidy(area=Decimal(30)) == 4500          # 2垧
    assert module.subsidy(area=Decimal("299.5")) == Decimal(44925)
    assert module.subsidy(area=Decimal(300)) == 54000        # 20垧
    assert module.subsidy(area=Decimal(3000)) == 300000      # the cap
    assert module.freight(boxes=39) == 3900
    assert module.freight(boxes=40) == 4800                  # 1托 = 40标准箱
    # 3斤 = 0.0015吨, exactly
    assert module.light(weight=Decimal("0.0015")) is True
    assert module.light(weight=Decimal("0.0015000001")) is False


def test_fields_name_the_unit_and_refuse_a_fraction_of_a_counted_one(
        module: types.ModuleType) -> None:
    (boxes,) = module.DECISIONS["freight"].fields
    assert boxes.unit == "标准箱"
    with pytest.raises(InputError, match="boxes"):
        module.freight(boxes=Decimal("1.5"))


def test_explanations_say_what_a_declared_unit_is(module: types.ModuleType) -> None:
    texts = [s.text for s in module.DECISIONS["subsidy"].explain(area=Decimal(450)).steps]
    assert "area 达到 20垧 以上（20垧 = 300亩）" in texts
    rows = [s.text for s in module.DECISIONS["freight"].explain(boxes=50).steps]
    assert "1托以上（1托 = 40标准箱）" in rows


def test_the_module_passes_ruff_and_strict_mypy(compiled: pipeline.Compilation,
                                                tmp_path: Path) -> None:
    target = tmp_path / "policy_units.py"
    target.write_text(compiled.python, encoding="utf-8")
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", str(target)],
                          capture_output=True, text=True, check=False)
    assert ruff.returncode == 0, ruff.stdout
    shim = tmp_path / "shim" / "polc"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("", encoding="utf-8")
    (shim / "runtime").symlink_to(ROOT / "runtime", target_is_directory=True)
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                           str(target)], capture_output=True, text=True, check=False,
                          cwd=tmp_path, env={**os.environ, "MYPYPATH": str(tmp_path / "shim")})
    assert mypy.returncode == 0, mypy.stdout
