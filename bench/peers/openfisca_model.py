"""A minimal OpenFisca tax-benefit system for the three decisions, written as OpenFisca
users write formulas: one person-like entity (a case), one variable per input, one
vectorised formula per decision over a yearly period.

Exact by choice: OpenFisca's money is `value_type = float` (float32), so amounts here
are `int` 分 — numpy int32 in OpenFisca, which bounds them at 21,474,836.47 元 — and
60号's years, ages and areas are int hundredths, as in bench/peers/cases.py.  The
constants sit in the formulas rather than in a parameter file, to keep the system to
one file; a parameter look-up per formula call would add a constant, not a per-case,
cost.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.model_api import YEAR, Variable, max_, not_, select, where
from openfisca_core.simulations import Simulation, SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from .cases import HUNDREDTHS, INPUTS, Columns

PERIOD = "2022"

Case = build_entity(key="case", plural="cases", label="一个案件、一家银行或一户家庭",
                    is_person=True)


class Level(Enum):
    I = "特别重大事件（Ⅰ级）"
    II = "重大事件（Ⅱ级）"
    III = "较大事件（Ⅲ级）"
    IV = "一般事件（Ⅳ级）"


class ApplicantType(Enum):
    couple = "夫妇"
    single = "单身"
    orphan = "孤儿"


def _input(name: str, kind: type, label: str, **extra: Any) -> type[Variable]:
    return type(name, (Variable,), {"value_type": kind, "entity": Case,
                                    "definition_period": YEAR, "label": label, **extra})


class severity(Variable):
    value_type = Enum
    possible_values = Level
    default_value = Level.IV
    entity = Case
    definition_period = YEAR
    label = "事件级别（55号 一（四）2；以上含本数，以下不含）"

    def formula(case, period):
        p = case("people_involved", period)
        d = case("deaths", period)
        s = case("serious_injuries", period)
        ci = case("confirmed_infections", period)
        su = case("suspected_infections", period)
        return select(
            [(p >= 400) | (d >= 30) | (s >= 100) | (ci >= 10) | (su >= 100),
             (p >= 300) | (d >= 10) | (s >= 50) | (ci >= 5) | (su >= 50),
             (p >= 200) | (d >= 3) | (s >= 10) | (ci >= 1) | (su >= 10)],
            [Level.I.index, Level.II.index, Level.III.index], Level.IV.index)


class bank_annual_reward(Variable):
    value_type = int
    entity = Case
    definition_period = YEAR
    label = "银行机构年度综合考评奖励，分（58号 六（二）2）"

    def formula(case, period):
        rank = case("rank", period)
        count = case("bank_count", period)
        missed = case("missed_tasks", period)
        # 1万元 steps, not 分, before multiplying: int32 holds (21 - rank), not rank × 1,000,000 分
        base = where(rank + 5 > count, 0, max_(21 - rank, 0) * 1_000_000)
        return (base * (5 - missed) + 2) // 5  # less 20 % a missed task, half up to the 分


class lower_middle_income_eligible(Variable):
    value_type = bool
    entity = Case
    definition_period = YEAR
    label = "城镇中等偏下收入住房困难家庭申请条件（60号 一（一））"

    def formula(case, period):
        kind = case("applicant_type", period)
        age = case("age", period)
        age_ok = select([kind == ApplicantType.couple, kind == ApplicantType.single],
                        [age >= 2800, age >= 3000], age >= 1800)
        return ((case("urban_hukou_years", period) >= 300)
                * (case("per_capita_monthly_income", period) < 394_600)
                * (case("per_capita_assets", period)
                   <= 3 * case("last_year_urban_per_capita_disposable_income", period))
                * (case("per_capita_housing_area", period) < 2000)
                * not_(case("has_car", period))
                * not_(case("car_transfer_within_2_years", period))
                * age_ok
                * (not_(case("rents_on_market", period))
                   + case("rental_contract_registered", period)))


_BOOLEANS = ("has_car", "car_transfer_within_2_years", "rents_on_market",
             "rental_contract_registered")


def _inputs() -> list[type[Variable]]:
    out = []
    for name in dict.fromkeys(n for names in INPUTS.values() for n in names):
        if name == "applicant_type":
            out.append(_input(name, Enum, "申请人类型", possible_values=ApplicantType,
                              default_value=ApplicantType.couple))
        elif name in _BOOLEANS:
            out.append(_input(name, bool, name))
        else:
            unit = "（以百分之一计：分、0.01年、0.01岁、0.01平方米）" if name in HUNDREDTHS else ""
            out.append(_input(name, int, name + unit))
    return out


def system() -> TaxBenefitSystem:
    tbs = TaxBenefitSystem([Case])
    for variable in (*_inputs(), severity, bank_annual_reward, lower_middle_income_eligible):
        tbs.add_variable(variable)
    return tbs


def inputs(decision: str, cols: Columns) -> dict[str, np.ndarray[Any, Any]]:
    """The columns in OpenFisca's dtypes (int32; the enum as its int16 index)."""
    out = {}
    for name in INPUTS[decision]:
        col = cols[name]
        if col.dtype != np.bool_:
            col = col.astype(np.int16 if name == "applicant_type" else np.int32)
        out[name] = col
    return out


def simulation(tbs: TaxBenefitSystem, columns: dict[str, Any]) -> Simulation:
    """A population of one case a row, with these input columns set."""
    sim: Simulation = SimulationBuilder().build_default_simulation(
        tbs, count=len(next(iter(columns.values()))))
    for name, col in columns.items():
        sim.set_input(name, PERIOD, col)
    return sim


def simulate(tbs: TaxBenefitSystem, decision: str, columns: dict[str, Any]) -> Any:
    """From columns to the answer column, as an OpenFisca user runs a population."""
    return simulation(tbs, columns).calculate(decision, PERIOD)
