"""The types of the IR: a kind, a unit for numbers, the enum or the item type it names."""

from __future__ import annotations

import attrs

from polc.compiler import vocabulary as V
from polc.compiler.quantities import DIMENSIONLESS, MONEY, Unit

from .kinds import TypeKind

_SHOWN = {TypeKind.DATE: V.BasicType.DATE.value, TypeKind.DATETIME: V.BasicType.DATETIME.value,
          TypeKind.BOOL: V.BasicType.BOOL.value, TypeKind.ROLE: V.BasicType.ROLE.value,
          TypeKind.NULL: V.Keyword.NULL.value}


@attrs.frozen
class Type:
    kind: TypeKind
    unit: Unit = DIMENSIONLESS
    enum: str | None = None
    nullable: bool = False
    item: Type | None = None

    def show(self) -> str:
        """The type as a .pol file writes it: 金额, 计数(人), 数量(元/平方米), Level 或 无."""
        if self.kind is TypeKind.COUNT:
            text = V.BasicType.COUNT.value + ("" if self.unit.dimensionless else f"({self.unit})")
        elif self.kind is TypeKind.NUM:
            if self.unit == MONEY:
                text = V.BasicType.MONEY.value
            elif self.unit.dimensionless:
                text = V.BasicType.RATIO.value
            else:
                text = f"{V.Keyword.QUANTITY.value}({self.unit})"
        elif self.kind is TypeKind.ENUM:
            text = self.enum or "?"
        elif self.kind is TypeKind.LIST:
            text = f"{V.Keyword.LIST.value}({self.item.show() if self.item else '?'})"
        elif self.kind is TypeKind.RANGE:
            text = f"{V.Keyword.RANGE.value}({self.item.show() if self.item else '?'})"
        else:
            text = _SHOWN[self.kind]
        nullable = self.nullable and self.kind is not TypeKind.NULL
        return text + (f" {V.Keyword.OR.value} {V.Keyword.NULL.value}" if nullable else "")

    @property
    def numeric(self) -> bool:
        return self.kind in (TypeKind.COUNT, TypeKind.NUM)

    @property
    def is_money(self) -> bool:
        return self.kind is TypeKind.NUM and self.unit == MONEY

    def or_null(self) -> Type:
        """The same type, 无 allowed."""
        return attrs.evolve(self, nullable=True)


BOOL = Type(TypeKind.BOOL)
DATE = Type(TypeKind.DATE)
DATETIME = Type(TypeKind.DATETIME)
ROLE = Type(TypeKind.ROLE)
NULL = Type(TypeKind.NULL, nullable=True)
