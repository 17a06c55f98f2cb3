"""The kinds the IR's fields name, as enums: a backend matches on them, never on strings."""

from __future__ import annotations

import enum


class TypeKind(enum.Enum):
    COUNT = "count"  # a whole number, held as int
    NUM = "num"  # any exact number, held as Decimal
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"
    ENUM = "enum"
    ROLE = "role"
    LIST = "list"
    RANGE = "range"  # 范围(T): two ends of a number type (item), each included or not
    NULL = "null"  # the type of 无 alone


class Scope(enum.Enum):
    """What a name refers to."""

    INPUT = "input"
    LOCAL = "local"  # 令
    CONST = "const"  # 常量


class ArithOp(enum.Enum):
    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"


class CompareOp(enum.Enum):
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    EQ = "=="
    NE = "!="

    @property
    def flipped(self) -> CompareOp:
        """The operator with its operands swapped: a < b is b > a."""
        return _FLIPPED.get(self, self)


_FLIPPED = {CompareOp.LT: CompareOp.GT, CompareOp.LE: CompareOp.GE,
            CompareOp.GT: CompareOp.LT, CompareOp.GE: CompareOp.LE}


class ClampKind(enum.Enum):
    CAP = "cap"  # 最高: the value, at most the limit
    FLOOR = "floor"  # 最低: the value, at least the limit


class Extreme(enum.Enum):
    MAX = "max"  # 较大
    MIN = "min"  # 较小


class CalendarFunc(enum.Enum):
    QUARTER_END = "quarter_end"  # 季末(d)
    NEXT_YEAR_MONTH_END = "next_year_month_end"  # 次年月底(d, month)
    YEAR_END = "year_end"  # 年末(d), 当年年末(d), 年底(d)
    MONTH_END = "month_end"  # 月底(d)


class Quantifier(enum.Enum):
    ALL = "all"  # 全部满足
    ANY = "any"  # 任一满足


class MatchKind(enum.Enum):
    """How one cell of a table row (ir.Test) matches its key."""

    ANY = "any"  # *
    EQ = "eq"
    INTERVAL = "interval"


class HitPolicy(enum.Enum):
    """How the rows of a table (ir.TableE) apply, as DMN names its hit policies; the
    values are vocabulary.HIT_POLICIES'."""

    UNIQUE = "unique"  # 按唯一 (the default): rows never overlap
    FIRST = "first"  # 按首条: the first row that applies, in written order
    COLLECT = "collect"  # 按全部: the list of the values of every row that applies
    SUM = "sum"  # 按合计
    MAX = "max"  # 按最大
    MIN = "min"  # 按最小

    @property
    def collects(self) -> bool:
        return self not in (HitPolicy.UNIQUE, HitPolicy.FIRST)


class FlowNodeKind(enum.Enum):
    """The values are what the runtime's flow data names them (polc.runtime.FlowStep)."""

    EVENT = "event"  # 事件
    STEP = "step"  # 步骤
    CHOICE = "choice"  # 判断
    END = "end"  # 结束


class DueKind(enum.Enum):
    """How a step's 截止 … 前 is given; the values are what polc.runtime.StepDue names them."""

    DATE = "date"  # a date of a known year (2022-08-30; 10月31日 年份 成文年份)
    MONTH_DAY = "month_day"  # a month and day whose year the caller gives (年份 输入)
    WEEKLY = "weekly"  # a day of the week and a time of day (每周四 17时)


class BodyKind(enum.Enum):
    """The values are what the runtime's flow data names them (polc.runtime.BodySpec)."""

    BODY = "body"  # 机构
    ROLE = "role"  # 角色


class Rejected(enum.Enum):
    """What an example (例 … => 拒绝) expects: its inputs refused."""

    REJECTED = "拒绝"


REJECTED = Rejected.REJECTED
