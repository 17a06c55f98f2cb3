"""`polc fmt` on the deadline constructs (截止 … 前, 延长 … 由, 当 choice "branch"): only the
blanks between their tokens change, and the formatted text means the same."""

from __future__ import annotations

from polc.compiler.tools import fmt

from .test_fmt import meaning, tokens

MESSY = '''文号 "测试〔2024〕1号"
成文日期 2024-03-01
机构 office "行政机关" 推导 "测试"
流程 permit "行政许可" 推导 "测试" {
  事件 accepted "受理申请"
  判断 kind "是否复杂事项？" 由 office
  步骤 decide "作出决定" 由 office
  步骤 plan "报送方案" 由 office   截止\u300010月31日前（含）   年份  成文年份
      解读 "「前」含当日"
  步骤 weekly "报送统计表" 由 office 截止  每周四17时前（含）
        解读 "「前」含该时刻"
  转 accepted -> kind
  转 kind -> decide 若 "一般"
  转 kind -> decide 若 "复杂"
  转 accepted -> decide   时限 20日   延长\t10日 由   office 当 kind "一般"
     时限 30工作日 当 kind   "复杂"
}
'''

CANONICAL = '''文号 "测试〔2024〕1号"
成文日期 2024-03-01
机构 office "行政机关" 推导 "测试"

流程 permit "行政许可" 推导 "测试" {
  事件 accepted "受理申请"
  判断 kind "是否复杂事项？" 由 office
  步骤 decide "作出决定" 由 office
  步骤 plan "报送方案" 由 office 截止 10月31日前（含） 年份 成文年份
    解读 "「前」含当日"
  步骤 weekly "报送统计表" 由 office 截止 每周四17时前（含）
    解读 "「前」含该时刻"
  转 accepted -> kind
  转 kind -> decide 若 "一般"
  转 kind -> decide 若 "复杂"
  转 accepted -> decide 时限 20日 延长 10日 由 office 当 kind "一般"
    时限 30工作日 当 kind "复杂"
}
'''


def test_deadline_constructs_are_laid_out_and_keep_their_meaning() -> None:
    once = fmt.format_text(MESSY)
    assert once == CANONICAL
    assert fmt.format_text(once) == once
    assert tokens(once) == tokens(MESSY)
    assert meaning(once) == meaning(MESSY)
