"""The words of the .pol language, each list defined once.

Threshold words with their direction and whether they include their number, units with
their factors, duration kinds, relation verbs, basic types, header keys, functions,
inclusion marks and keywords.  The grammar's terminals for these lists are generated from
here when the parser is built (`syntax.grammar`: grammar/pol.lark names each list where
its alternation belongs), and the checker, `polc fmt`, the code generator, the diagrams
and the parser's "expected …" words read them here, so a word added here is a word of the
language everywhere at once.  Keywords stay literal in the grammar's rules, which read
better so; tests/syntax/test_vocabulary.py holds the two to the same list.

Each list is data only: what the words mean to the IR is for `semantics` to say.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import NamedTuple

# ---------------------------------------------------------------- threshold words


class Direction(enum.Enum):
    LOWER = "lower"  # the subject is at or above the number: 以上, 满, 超过 …
    UPPER = "upper"  # the subject is at or below it: 以下, 不超过, 低于 …


class Threshold(NamedTuple):
    word: str
    direction: Direction
    # whether the number itself is included, by 民法典 第一千二百五十九条 or the plain
    # sense of the word; a document's 约定 and a （含）/（不含） mark override it
    includes: bool
    # written after the number (400人以上), else before it (低于 3946元)
    after_number: bool


_L, _U = Direction.LOWER, Direction.UPPER
# in the order messages list them: the words of one sense side by side
THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("以上", _L, True, True), Threshold("及以上", _L, True, True),
    Threshold("以下", _U, True, True), Threshold("及以下", _U, True, True),
    Threshold("以内", _U, True, True), Threshold("以外", _L, False, True),
    Threshold("届满", _L, True, True),
    Threshold("不满", _U, False, False), Threshold("未满", _U, False, False),
    Threshold("不足", _U, False, False), Threshold("年满", _L, True, False),
    Threshold("满", _L, True, False), Threshold("达到", _L, True, False),
    Threshold("达", _L, True, False), Threshold("不超过", _U, True, False),
    Threshold("超过", _L, False, False), Threshold("超", _L, False, False),
    Threshold("不低于", _L, True, False), Threshold("低于", _U, False, False),
    Threshold("高于", _L, False, False), Threshold("不少于", _L, True, False),
    Threshold("少于", _U, False, False), Threshold("不多于", _U, True, False),
    Threshold("多于", _L, False, False),
)
THRESHOLD: dict[str, Threshold] = {t.word: t for t in THRESHOLDS}
# the few a syntax error names as examples
THRESHOLD_EXAMPLES = ("以上", "以下", "低于", "不超过")

# 约定 以下 不含本数: whether a word includes its number throughout one document
CONVENTION_INCLUSION: dict[str, bool] = {"含本数": True, "不含本数": False}
# 400人以上（不含）: whether one bound includes its number; full-width and ASCII brackets
INCLUSION_MARKS: dict[str, bool] = {"（含）": True, "（不含）": False, "(含)": True, "(不含)": False}

# ---------------------------------------------------------------- units

# word -> (base dimension, None for a pure number; factor to the base).  Quantities are
# converted to their base unit at compile time, exactly (1.5万元 is 15000 元).
UNITS: dict[str, tuple[str | None, Decimal]] = {
    "元": ("元", Decimal(1)),
    "万元": ("元", Decimal(10000)),
    "亿元": ("元", Decimal(100000000)),
    "平方米": ("平方米", Decimal(1)),
    "㎡": ("平方米", Decimal(1)),
    "人": ("人", Decimal(1)),
    "名": ("名", Decimal(1)),
    "家": ("家", Decimal(1)),
    "项": ("项", Decimal(1)),
    "个": ("个", Decimal(1)),
    "次": ("次", Decimal(1)),
    "岁": ("岁", Decimal(1)),
    "周岁": ("岁", Decimal(1)),
    "年": ("年", Decimal(1)),
    "月": ("月", Decimal(1)),
    "个月": ("月", Decimal(1)),
    "日": ("日", Decimal(1)),
    "天": ("日", Decimal(1)),
    "工作日": ("工作日", Decimal(1)),
    "个工作日": ("工作日", Decimal(1)),
    "小时": ("分钟", Decimal(60)),
    "分钟": ("分钟", Decimal(1)),
    # land: the notices count it in 亩, and 1公顷 = 15亩 exactly while 1亩 is 666.67
    # 平方米 only to the cent, so 亩 is a dimension of its own, apart from 平方米
    "亩": ("亩", Decimal(1)),
    "万亩": ("亩", Decimal(10000)),
    "公顷": ("亩", Decimal(15)),
    "平方公里": ("平方米", Decimal(1000000)),
    # weight and energy
    "吨": ("吨", Decimal(1)),
    "万吨": ("吨", Decimal(10000)),
    "千克": ("吨", Decimal("0.001")),
    "公斤": ("吨", Decimal("0.001")),
    "千瓦时": ("千瓦时", Decimal(1)),
    "万千瓦时": ("千瓦时", Decimal(10000)),
    # what the notices count one by one
    "户": ("户", Decimal(1)),
    "套": ("套", Decimal(1)),
    "间": ("间", Decimal(1)),
    "辆": ("辆", Decimal(1)),
    "台": ("台", Decimal(1)),
    "座": ("座", Decimal(1)),
    "所": ("所", Decimal(1)),
    "条": ("条", Decimal(1)),
    "件": ("件", Decimal(1)),
    "份": ("份", Decimal(1)),
    "张": ("张", Decimal(1)),
    "头": ("头", Decimal(1)),
    "株": ("株", Decimal(1)),
    "%": (None, Decimal("0.01")),
    "‰": (None, Decimal("0.001")),
}
UNIT_EXAMPLES = ("人", "元", "万元", "平方米", "工作日", "%")
MONEY_UNIT = "元"
AREA_UNIT = "平方米"


class Duration(enum.Enum):
    """How a period moves a date or a date-time; the values are what the runtime's flow
    data names them (polc.runtime.FlowEdge.how)."""

    DAYS = "days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    YEARS = "years"
    MINUTES = "minutes"


# base dimension of a period -> its kind (hours are held as minutes)
DURATIONS: dict[str, Duration] = {"日": Duration.DAYS, "工作日": Duration.WORKING_DAYS,
                                  "月": Duration.MONTHS, "年": Duration.YEARS,
                                  "分钟": Duration.MINUTES}
# the periods a message tells a drafter to write: whole ones move a date, the others a
# date-time (时刻)
DATE_PERIOD_WORDS = ("日", "工作日", "月", "年")
TIME_PERIOD_WORDS = ("小时", "分钟")
PERIOD_WORDS = DATE_PERIOD_WORDS + TIME_PERIOD_WORDS
# how a diagram writes a period after its amount
DURATION_SHOWN: dict[Duration, str] = {Duration.DAYS: "日", Duration.WORKING_DAYS: "工作日",
                                       Duration.MONTHS: "个月", Duration.YEARS: "年",
                                       Duration.MINUTES: "分钟"}

# ---------------------------------------------------------------- declarations


class BasicType(enum.Enum):
    COUNT = "计数"
    MONEY = "金额"
    AREA = "面积"
    RATIO = "比率"
    DATE = "日期"
    DATETIME = "时刻"
    BOOL = "是否"
    ROLE = "角色"


class Header(enum.Enum):
    DOCNO = "文号"
    TITLE = "标题"
    ISSUER = "发文机关"
    WRITTEN = "成文日期"
    EFFECTIVE = "施行日期"
    SOURCE = "来源"
    # the visible opt-out of citation verification: 引文未核对 "why" (citations/verify.py)
    UNVERIFIED = "引文未核对"
    # policies over time (docs/versions.md): the period a policy is in force, the notices
    # it replaces or repeals, and the series of versions it belongs to
    END = "有效期至"
    PROVISIONAL = "暂行"  # 暂行3年: in force for N years from 施行日期
    REPLACES = "替代"  # 替代 "文号" 自 DATE
    REPEALS = "废止"  # 废止 "文号" 自 DATE
    SERIES = "系列"
    # 示例修订 "why": a version written to demonstrate a revision; no such notice exists
    ILLUSTRATIVE = "示例修订"


# 关系 SUBJECT VERB OBJECT
RELATION_VERBS = ("报告", "同意", "签发", "主持", "设在", "担任", "指导", "督促", "负责", "隶属")


class Function(enum.Enum):
    LARGER = "较大"
    SMALLER = "较小"
    QUARTER_END = "季末"  # 季末(d): the last day of d's quarter
    NEXT_YEAR_MONTH_END = "次年月底"  # 次年月底(d, 3): the last day of March of the year after d
    UP = "上一级"  # 上一级(level): the next member of an ordered enum towards its top, or 无
    DOWN = "下一级"  # 下一级(level): the next member towards its bottom, or 无
    # 31 December of d's year, in the notices' three wordings
    YEAR_END = "年末"
    THIS_YEAR_END = "当年年末"
    YEAR_END_DI = "年底"
    MONTH_END = "月底"  # 月底(d): the last day of d's month
    # the ends of a range value: 下限(r) its lower end, 上限(r) its upper end
    LOWER_END = "下限"
    UPPER_END = "上限"


BOOLEANS: dict[str, bool] = {"是": True, "否": False}

# 枚举 Grade "等级" 由重到轻 {…}: an ordered enum, and which end its first member is:
# word -> whether the first member written is the highest (most severe, the top level).
# An enum without one has no order: it cannot be compared (高于, >=) nor stepped (上一级)
ENUM_ORDERS: dict[str, bool] = {"由重到轻": True, "由高到低": True,
                                "由轻到重": False, "由低到高": False}

# 查表 按首条 (k) {…}: how a table's rows apply, as DMN names the hit policies; a table
# without one is 按唯一 (rows never overlap).  按全部 gives the list of the values of every
# row that applies, 按合计 / 按最大 / 按最小 their sum, largest or smallest.
# word -> the DMN name of the policy (ir.HitPolicy's values)
HIT_POLICIES: dict[str, str] = {"按唯一": "unique", "按首条": "first", "按全部": "collect",
                                "按合计": "sum", "按最大": "max", "按最小": "min"}


def yes_no(value: bool) -> str:
    return "是" if value else "否"


# ---------------------------------------------------------------- keywords


class Keyword(enum.Enum):
    """Every keyword of the grammar's rules (tests/syntax/test_vocabulary.py)."""

    # the items of a file (after the header keys)
    CONVENTION = "约定"
    SINCE = "自"  # 替代 "文号" 自 2023-10-01
    SCOPE = "适用于"  # 约定 以下 不含本数 适用于 一（二）
    ENUM = "枚举"
    ROLE = "角色"
    BODY = "机构"
    RELATION = "关系"
    GROUP = "工作组"
    INPUT = "输入"
    CONST = "常量"
    DECISION = "决策"
    EXAMPLE = "例"
    FLOW = "流程"
    LADDER = "阶梯"
    UNIT = "单位"  # 单位 标准箱 : 计数, 单位 垧 = 15亩: a unit of the policy's own
    # annotations
    CITE = "引"
    DERIVED = "推导"
    READING = "解读"
    # declarations
    ALIASES = "别名"
    LEADS = "牵头"
    PARTICIPANTS = "参与"
    DOMAIN = "取值"
    QUANTITY = "数量"
    OR = "或"
    NULL = "无"
    LIST = "列表"
    RANGE = "范围"  # 范围(金额): a range value (10万元以上20万元以下)
    # decisions and expressions
    LET = "令"
    REQUIRE = "要求"
    RESULT = "结果"
    IF = "若"
    THEN = "则"
    OTHERWISE = "否则"
    CAP = "最高"
    FLOOR = "最低"
    ROLL_FORWARD = "顺延"
    TAKE = "取"
    LEVELS = "取最严重"
    TABLE = "查表"
    RULES = "依次"
    ALL_OF = "全部满足"
    ANY_OF = "任一满足"
    SCHEDULE = "分期"
    BY = "按"
    # conditions
    AND = "且"
    NOT = "非"
    IN = "在"
    TO = "至"
    IS = "为"
    ANY = "任一"
    ALL = "全部"
    # examples
    REJECTED = "拒绝"
    # flows and ladders
    EVENT = "事件"
    STEP = "步骤"
    CHOICE = "判断"
    END = "结束"
    EDGE = "转"
    BY_ACTOR = "由"
    RECEIVES = "收"
    SENDS = "出"
    DEADLINE = "时限"
    LOOP = "循环"
    TOWARDS = "对"
    # dated steps and extendable, branch-dependent deadlines (issue 15.7, 13.4)
    DUE_BY = "截止"
    BEFORE = "前"
    YEAR = "年份"
    NOTICE_YEAR = "成文年份"
    EXTEND = "延长"
    ON_BRANCH = "当"
    # hierarchies: 层级 (levels, lowest first), 分级负责 (grade -> who), 逐级 (per-hop reporting)
    HIERARCHY = "层级"
    ASSIGNMENT = "分级负责"
    ESCALATION = "逐级"
    ALONG = "沿"
    FROM = "从"
    PER_LEVEL = "每级"
    # a 阶梯 whose measures are a menu (「根据情况采取下列措施」), not an escalation
    MENU = "视情"


# what a top-level item starts with: after a syntax error, parsing resumes at the next line
# that starts with one of these or a header key
ITEM_KEYWORDS = tuple(k.value for k in (
    Keyword.CONVENTION, Keyword.ENUM, Keyword.ROLE, Keyword.BODY, Keyword.RELATION,
    Keyword.GROUP, Keyword.INPUT, Keyword.CONST, Keyword.DECISION, Keyword.EXAMPLE,
    Keyword.FLOW, Keyword.LADDER, Keyword.UNIT,
    Keyword.HIERARCHY, Keyword.ASSIGNMENT))
# the items with a { block }, which `polc fmt` sets off with a blank line
BLOCK_KEYWORDS = tuple(k.value for k in (Keyword.DECISION, Keyword.ENUM, Keyword.FLOW,
                                         Keyword.LADDER,
                                         Keyword.HIERARCHY, Keyword.ASSIGNMENT))
# the annotations of a rule, which `polc fmt` indents under it
ANNOTATION_KEYWORDS = tuple(k.value for k in (Keyword.CITE, Keyword.READING, Keyword.DERIVED))
