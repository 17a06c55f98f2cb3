"""How amounts and other quantities are shown (quantities.show_quantity, which analysis
messages use): the form of the notices.  tests/e2e/test_quantities_shown.py holds a diagram
and a report to the same text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from polc.compiler import ir
from polc.compiler.analysis.messages import show_value
from polc.compiler.diagnostics import Span
from polc.compiler.quantities import (
    AREA,
    DIMENSIONLESS,
    MONEY,
    parse_unit,
    show_money,
    show_number,
    show_quantity,
)

HERE = Span("t.pol", 1, 1, 1, 2)
AMOUNT = ir.Type(ir.TypeKind.NUM, MONEY)


def test_amounts_as_the_notices_write_them() -> None:
    cases = {0: "0元", 3946: "3946元", 5000: "5000元", 10000: "1万元", 15000: "1.5万元",
             150100: "15.01万元", 1199900: "119.99万元", Decimal("150000.01"): "150000.01元",
             50000000: "5000万元", 100000000: "1亿元", 850000000: "8.5亿元",
             123456700: "12345.67万元", -15000: "-1.5万元"}
    for value, text in cases.items():
        assert show_money(value) == text, value


def test_every_written_amount_is_shown_as_written() -> None:
    # an amount a policy writes in 万元 or 亿元 with up to two decimals comes back the same
    for written in ("1.5万元", "119.99万元", "8.5亿元", "3946元", "5000万元", "1000亿元"):
        number, word = written.rstrip("万亿元"), written[len(written.rstrip("万亿元")):]
        _, factor = parse_unit(word)
        assert show_money(Decimal(number) * factor) == written


def test_other_quantities() -> None:
    assert show_number(Decimal("1.50")) == "1.5" and show_number(Decimal("1E+2")) == "100"
    assert show_quantity(Decimal("0.035"), DIMENSIONLESS, ratio=True) == "3.5%"
    assert show_quantity(7, DIMENSIONLESS) == "7"
    assert show_quantity(Decimal("12.50"), AREA) == "12.5平方米"
    per_area, _ = parse_unit("元/平方米")
    assert show_quantity(10, per_area) == "10元/平方米"  # only 元 itself is scaled


def test_message_values_that_are_not_quantities() -> None:
    assert show_value(ir.Type(ir.TypeKind.BOOL), True) == "是"
    day = dt.date(2026, 1, 1)
    assert show_value(ir.Type(ir.TypeKind.DATE), day.toordinal()) == "2026-01-01"
    assert show_value(ir.Type(ir.TypeKind.ENUM, enum="Level"), "II") == "II"
