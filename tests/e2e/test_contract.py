"""The public API (../shared/contract/decisions.md) answered through `polc eval`.

Expected values are worked out by hand from the notices, independently of the
.pol files: a drafting slip in a policy or a codegen bug makes these fail.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from polc.compiler.tools.cli import cli

from ..paths import ROOT

P = ROOT / "policies"

Z = {"deaths": 0, "serious_injuries": 0, "confirmed_infections": 0, "suspected_infections": 0}

CASES: list[tuple[str, str, list[tuple[dict[str, object], object]]]] = [
    ("55_overseas_labor_emergency", "severity", [
        ({**Z, "people_involved": 400}, "I"), ({**Z, "people_involved": 399}, "II"),
        ({**Z, "people_involved": 300}, "II"), ({**Z, "people_involved": 299}, "III"),
        ({**Z, "people_involved": 200}, "III"), ({**Z, "people_involved": 199}, "IV"),
        ({**Z, "people_involved": 0, "deaths": 30}, "I"),
        ({**Z, "people_involved": 0, "deaths": 29}, "II"),
        ({**Z, "people_involved": 0, "deaths": 3}, "III"),
        ({**Z, "people_involved": 0, "deaths": 2}, "IV"),
        ({**Z, "people_involved": 0, "serious_injuries": 50}, "II"),
        ({**Z, "people_involved": 0, "confirmed_infections": 1}, "III"),
        ({**Z, "people_involved": 0, "confirmed_infections": 10}, "I"),
        ({**Z, "people_involved": 0, "suspected_infections": 10}, "III"),
        ({**Z, "people_involved": 0, "suspected_infections": 9}, "IV"),
    ]),
    ("55_overseas_labor_emergency", "commander", [
        ({"severity": "IV"}, "区政府分管领导"), ({"severity": "III"}, "区政府主要领导"),
        ({"severity": "I"}, "区政府主要领导"),
    ]),
    ("55_overseas_labor_emergency", "written_report_deadline", [
        ({"severity": "IV", "occurred_at": "2022-10-01T23:45"}, "2022-10-02T00:15"),
        ({"severity": "II", "occurred_at": "2022-10-01T08:00"}, "2022-10-01T08:15"),
        ({"severity": "I", "occurred_at": "2022-12-31T23:50"}, "2023-01-01T00:05"),
    ]),
    ("55_overseas_labor_emergency", "warning_level", [
        ({"possible_people_involved": 400}, "I"), ({"possible_people_involved": 399}, "II"),
        ({"possible_people_involved": 200}, "III"), ({"possible_people_involved": 199}, "IV"),
    ]),
    ("55_overseas_labor_emergency", "warning_color", [
        ({"warning_level": "I"}, "red"), ({"warning_level": "II"}, "orange"),
        ({"warning_level": "III"}, "yellow"), ({"warning_level": "IV"}, "blue"),
    ]),
    ("55_overseas_labor_emergency", "warning_approver", [
        ({"warning_level": "I"}, "区政府主要领导"), ({"warning_level": "II"}, "区政府主要领导"),
        ({"warning_level": "III"}, "区政府分管领导"), ({"warning_level": "IV"}, "区政府分管领导"),
    ]),
    ("54_audit_rectification", "task_list_deadline", [
        ({"received_on": "2022-09-30"}, "2022-10-26"),
        ({"received_on": "2022-09-05"}, "2022-09-27"),
    ]),
    ("54_audit_rectification", "signoff_deadline", [
        ({"period_end": "2022-09-10"}, "2022-09-20"),
        ({"period_end": "2022-09-25"}, "2022-10-08"),
    ]),
    ("56_childcare_governance", "institution_category", [
        ({"has_any_license": False, "scope_includes_childcare": False,
          "has_filing_receipt": False, "is_kindergarten_class": False}, "unlicensed"),
        ({"has_any_license": True, "scope_includes_childcare": False,
          "has_filing_receipt": False, "is_kindergarten_class": False}, "out_of_scope"),
        ({"has_any_license": True, "scope_includes_childcare": True,
          "has_filing_receipt": False, "is_kindergarten_class": False}, "registered_unfiled"),
        ({"has_any_license": True, "scope_includes_childcare": True,
          "has_filing_receipt": True, "is_kindergarten_class": False}, "filed"),
        ({"has_any_license": True, "scope_includes_childcare": False,
          "has_filing_receipt": False, "is_kindergarten_class": True}, "kindergarten_unfiled"),
        ({"has_any_license": True, "scope_includes_childcare": False,
          "has_filing_receipt": True, "is_kindergarten_class": True}, "filed"),
    ]),
    ("57_substandard_grain", "grain_disposal", [
        ({"meets_feed_standard": True, "meets_industrial_standard": False}, "feed"),
        ({"meets_feed_standard": False, "meets_industrial_standard": True}, "industrial"),
        ({"meets_feed_standard": False, "meets_industrial_standard": False}, "harmless"),
    ]),
    ("57_substandard_grain", "records_retain_until", [
        ({"outbound_date": "2022-10-10"}, "2027-10-10"),
        ({"outbound_date": "2024-02-29"}, "2029-02-28"),
    ]),
    ("58_finance_assessment", "inclusive_finance_quarterly_reward", [
        ({"tier": 1, "rank": 1, "last_in_nantong": False}, 50000),
        ({"tier": 2, "rank": 3, "last_in_nantong": True}, 7500),
        ({"tier": 3, "rank": 3, "last_in_nantong": False}, 5000),
        ({"tier": 3, "rank": 4, "last_in_nantong": False}, 0),
    ]),
    ("58_finance_assessment", "deposit_loan_growth_quarterly_reward", [
        ({"tier": 2, "rank": 1, "last_in_nantong": False}, 25000),
        ({"tier": 1, "rank": 2, "last_in_nantong": True}, 15000),
    ]),
    ("58_finance_assessment", "bank_annual_reward", [
        ({"rank": 1, "bank_count": 20, "missed_tasks": 0}, 200000),
        ({"rank": 3, "bank_count": 20, "missed_tasks": 1}, 144000),
        ({"rank": 15, "bank_count": 20, "missed_tasks": 0}, 60000),
        ({"rank": 16, "bank_count": 20, "missed_tasks": 0}, 0),
        ({"rank": 2, "bank_count": 20, "missed_tasks": 3}, 76000),
    ]),
    ("58_finance_assessment", "insurance_annual_prize", [
        ({"rank": 1}, 20000), ({"rank": 3}, 15000), ({"rank": 4}, 10000), ({"rank": 7}, 10000),
        ({"rank": 8}, 0),
    ]),
    ("58_finance_assessment", "tax_contribution_reward", [
        ({"tax_paid": "49999999.99"}, 0), ({"tax_paid": 50000000}, 100000),
        ({"tax_paid": 100000000}, 100000), ({"tax_paid": "100000000.01"}, 150000),
        ({"tax_paid": 200000000}, 200000), ({"tax_paid": "200000000.01"}, 250000),
    ]),
    ("58_finance_assessment", "new_branch_reward", [
        ({"loan_balance": "999999999.99"}, 0), ({"loan_balance": 1000000000}, 50000),
        ({"loan_balance": 2000000000}, 50000), ({"loan_balance": "2000000000.01"}, 100000),
    ]),
    ("58_finance_assessment", "microloan_veto", [
        ({"npl_ratio": "0.4", "red_line_violation": False}, False),
        ({"npl_ratio": "0.4001", "red_line_violation": False}, True),
        ({"npl_ratio": 0, "red_line_violation": True}, True),
    ]),
    ("60_public_rental_housing", "guarantee_area", [
        ({"household_size": 1}, 30), ({"household_size": 2}, 45), ({"household_size": 3}, 60),
        ({"household_size": 4}, 80), ({"household_size": 7}, 80),
    ]),
    ("60_public_rental_housing", "rent_subsidy_rate", [
        ({"family_type": "subsistence", "location": "haimen_subdistrict"}, 20),
        ({"family_type": "low_income", "location": "other"}, 8),
        ({"family_type": "lower_middle_income", "location": "other"}, 6),
    ]),
    ("60_public_rental_housing", "monthly_rent_subsidy", [
        ({"family_type": "low_income", "location": "haimen_subdistrict", "household_size": 2,
          "recognized_owned_area": 10}, 525),
        ({"family_type": "low_income", "location": "haimen_subdistrict", "household_size": 2,
          "recognized_owned_area": 50}, 0),
    ]),
    ("60_public_rental_housing", "worker_rent_subsidy", [
        ({"location": "haimen_subdistrict"}, 300), ({"location": "other"}, 180),
    ]),
    ("60_public_rental_housing", "monthly_rent", [
        ({"family_type": "subsistence", "household_size": 3, "actual_area": 70}, 30),
        ({"family_type": "lower_middle_income", "household_size": 2, "actual_area": 40}, 120),
        ({"family_type": "low_income", "household_size": 1, "actual_area": 40}, 80),
    ]),
    ("62_high_tech_cultivation", "targets_2024_met", [
        ({"valid_high_tech_firms": 400, "high_tech_output_share": "0.48",
          "high_tech_profit_share": "0.54"}, True),
        ({"valid_high_tech_firms": 399, "high_tech_output_share": "0.48",
          "high_tech_profit_share": "0.54"}, False),
        ({"valid_high_tech_firms": 400, "high_tech_output_share": "0.4799",
          "high_tech_profit_share": "0.54"}, False),
    ]),
    ("63_headquarters_economy", "growth_reward", [
        ({"last_year_contribution": 1000000, "this_year_contribution": 1190000}, 0),
        ({"last_year_contribution": 1000000, "this_year_contribution": 1200000}, 80000),
        ({"last_year_contribution": 1000000, "this_year_contribution": 1300000}, 150000),
        ({"last_year_contribution": 1000000, "this_year_contribution": 1600000}, 480000),
    ]),
    ("63_headquarters_economy", "talent_reward", [
        ({"annual_salary": "299999.99"}, 0), ({"annual_salary": 300000}, 30000),
        ({"annual_salary": 6000000}, 500000),
    ]),
    ("63_headquarters_economy", "landing_subsidy", [
        ({"paid_in_capital": 100000000}, 3000000), ({"paid_in_capital": 1000000000}, 10000000),
    ]),
    ("63_headquarters_economy", "soe_landing_reward", [
        ({"paid_in_capital": 100000000}, 3000000), ({"paid_in_capital": 2000000000}, 30000000),
    ]),
    ("63_headquarters_economy", "max_monthly_rent_subsidy", [
        ({"hq_type": "manufacturing", "rented_area": 3000}, 20000),
        ({"hq_type": "modern_services", "rented_area": 400}, 8000),
        ({"hq_type": "modern_services", "rented_area": 800}, 10000),
    ]),
    ("63_headquarters_economy", "renovation_subsidy", [
        ({"kind": "whole", "audited_cost": 1000000}, 400000),
        ({"kind": "whole", "audited_cost": 5000000}, 1000000),
        ({"kind": "single", "audited_cost": 2000000}, 500000),
    ]),
    ("63_headquarters_economy", "comprehensive_hq_qualified", [
        ({"sector": "manufacturing", "revenue": 2000000000, "local_contribution": 35000000,
          "subsidiaries": 3, "subsidiaries_outside": 2, "outside_revenue_share": "0.2"}, True),
        ({"sector": "manufacturing", "revenue": 2000000000, "local_contribution": 35000000,
          "subsidiaries": 3, "subsidiaries_outside": 1, "outside_revenue_share": "0.2"}, False),
        ({"sector": "other_services", "revenue": 100000000, "local_contribution": 1999999,
          "subsidiaries": 5, "subsidiaries_outside": 2, "outside_revenue_share": "0.5"}, False),
    ]),
    ("64_floating_population", "phase", [
        ({"on": "2022-10-27"}, None), ({"on": "2022-10-28"}, "mobilization"),
        ({"on": "2022-10-31"}, "mobilization"), ({"on": "2022-11-01"}, "investigation"),
        ({"on": "2022-11-25"}, "investigation"), ({"on": "2022-11-26"}, "remediation"),
        ({"on": "2022-12-15"}, "remediation"), ({"on": "2022-12-16"}, "institutionalization"),
        ({"on": "2022-12-20"}, "institutionalization"), ({"on": "2022-12-21"}, None),
    ]),
    ("64_floating_population", "target_met", [
        ({"metric": "floating_population_registration", "rate": "0.95"}, True),
        ({"metric": "floating_population_registration", "rate": "0.9499"}, False),
        ({"metric": "rental_housing_registration", "rate": "0.99"}, False),
        ({"metric": "rental_housing_registration", "rate": 1}, True),
        ({"metric": "grid_staff_awareness", "rate": "0.9"}, True),
        ({"metric": "residence_permit_satisfaction", "rate": "0.94"}, False),
    ]),
]


def _eval(policy: str, decision: str, lines: list[str]) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(cli, ["eval", str(P / f"{policy}.pol"), decision, "--jsonl", "-"],
                                input="\n".join(lines) + "\n")
    return result.exit_code, [json.loads(x) for x in result.stdout.splitlines()]


@pytest.mark.parametrize(("policy", "decision", "cases"), CASES,
                         ids=[f"{p[:2]}-{d}" for p, d, _ in CASES])
def test_contract_decision(policy: str, decision: str,
                           cases: list[tuple[dict[str, object], object]]) -> None:
    code, outs = _eval(policy, decision, [json.dumps(i) for i, _ in cases])
    assert code == 0, outs
    got = [o["value"] for o in outs]
    assert got == [expected for _, expected in cases]


@pytest.mark.parametrize(("policy", "decision", "case", "field"), [
    ("58_finance_assessment", "deposit_loan_growth_quarterly_reward",
     {"tier": 3, "rank": 1, "last_in_nantong": False}, "tier"),
    ("58_finance_assessment", "bank_annual_reward",
     {"rank": 21, "bank_count": 20, "missed_tasks": 0}, "rank"),
    ("58_finance_assessment", "bank_annual_reward",
     {"rank": 0, "bank_count": 20, "missed_tasks": 0}, "rank"),
    ("60_public_rental_housing", "guarantee_area", {"household_size": 0}, "household_size"),
    ("60_public_rental_housing", "rent_subsidy_rate",
     {"family_type": "rich", "location": "other"}, "family_type"),
    ("55_overseas_labor_emergency", "severity", {**Z, "people_involved": 3.5},
     "people_involved"),
    ("55_overseas_labor_emergency", "severity", {**Z, "people_involved": True},
     "people_involved"),
    ("55_overseas_labor_emergency", "severity", dict(Z), "people_involved"),
    ("63_headquarters_economy", "growth_reward",
     {"last_year_contribution": 0, "this_year_contribution": 1}, "last_year_contribution"),
    ("64_floating_population", "phase", {"on": "2022-02-30"}, "on"),
])
def test_bad_input_exits_2_naming_the_field(policy: str, decision: str,
                                            case: dict[str, object], field: str) -> None:
    result = CliRunner().invoke(cli, ["eval", str(P / f"{policy}.pol"), decision,
                                      "--input", json.dumps(case)])
    assert result.exit_code == 2
    out = json.loads(result.stdout)
    assert out["error"].startswith(field + ":"), out
    assert "Traceback" not in result.output


def test_calendar_past_its_data_is_refused() -> None:
    result = CliRunner().invoke(cli, ["eval", str(P / "54_audit_rectification.pol"),
                                      "task_list_deadline", "--input",
                                      '{"received_on": "2026-12-20"}'])
    assert result.exit_code == 2
    out = json.loads(result.stdout)
    assert out["error"].startswith("received_on: working days in 2027 are not known")
    assert out["field"] == "received_on"


def test_jsonl_keeps_going_past_a_bad_line() -> None:
    code, outs = _eval("55_overseas_labor_emergency", "warning_level",
                       ['{"possible_people_involved": 400}', "{not json",
                        '{"possible_people_involved": -3}', '{"possible_people_involved": 1}'])
    assert code == 2
    assert [o.get("value") for o in outs] == ["I", None, None, "IV"]
    assert "invalid JSON" in str(outs[1]["error"])
    assert str(outs[2]["error"]).startswith("line 3: possible_people_involved")


def test_money_is_exact_json_number() -> None:
    result = CliRunner().invoke(cli, ["eval", str(P / "58_finance_assessment.pol"),
                                      "inclusive_finance_quarterly_reward", "--input",
                                      '{"tier": 2, "rank": 3, "last_in_nantong": true}'])
    assert result.stdout.strip() == '{"value": 7500}'


def test_explain_names_the_deciding_row_and_its_quote() -> None:
    result = CliRunner().invoke(cli, ["eval", str(P / "58_finance_assessment.pol"),
                                      "tax_contribution_reward", "--explain", "--input",
                                      '{"tax_paid": 100000000}'])
    out = json.loads(result.stdout)
    assert out["value"] == 100000
    rows = [s for s in out["explain"] if s["kind"] == "row"]
    assert rows and rows[-1]["clause"] == "六（二）3"
    assert "5000万元—1亿元" in rows[-1]["quote"]
