"""The statements as the reader sees them: every line labelled, zero lines hidden but totals kept, periods summed or
taken at their end, the balance check, the timings and the tax rules in words."""

import re
from dataclasses import replace

import numpy as np
import pytest

from core.analysis.statements import statements
from core.engine.projection import project
from core.i18n import STRINGS
from core.model import parse_scenario, replace_fields
from core.present.charts import income_and_cash
from core.present.statements import (
    KEPT,
    STATEMENTS,
    SUMMARY,
    balance_note,
    balanced,
    label,
    lines,
    opening_note,
    period_labels,
    statement_frame,
    summary_frame,
    summary_lines,
    tax_formula,
    timing_caption,
    timing_phrases,
)

FLAT = parse_scenario({"company": {"name": "Flat", "starting_cash": 100_000, "start_date": "2026-01-01"},
                       "settings": {"horizon_months": 24},
                       "streams": [{"kind": "usage", "name": "API", "volume_per_month": 1000, "price_per_unit": 10}],
                       "opex": {"other_per_month": 4000}})
"""Revenue 1,000 × 10 = 10,000 a month, other costs 4,000: net income 6,000 a month, 72,000 a year."""
LATE = replace_fields(FLAT, {"streams[0].payment_days": 60})
"""Customers pay 60 days later: two months of bills, 20,000, are always owed (the months before the start ran the same)."""
TIMED = replace_fields(FLAT, {"streams[0].billing": "annual", "streams[0].vat_rate": 0.06, "ai_costs.payment_days": 30,
                              "opex.payment_days": 30, "opex.vat_rate": 0.06, "tax.rule": "china",
                              "tax.profit_tax_rate": 0.25, "vat.filing": "quarterly"})


def books(scenario):
    return statements(scenario, project(scenario))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_line_of_every_statement_has_its_own_label_in_both_languages(lang):
    s = books(TIMED)
    for statement in STATEMENTS:
        keys = [*getattr(s, statement), *(["check"] if statement == "balance" else [])]
        labels = [label(statement, k, lang) for k in keys]
        assert len(set(labels)) == len(labels) and all(labels)
        assert all(f"statement.{statement}.{k}" in STRINGS[lang] for k in keys)


def test_the_chinese_labels_are_those_a_cfo_uses():
    assert [label("balance", k, "zh") for k in ("receivables", "deferred_revenue", "payables", "vat_receivable",
                                                "retained_earnings")] == [
        "应收账款", "合同负债（预收账款）", "应付账款", "待抵扣进项税（留抵税额）", "未分配利润（期初以来）"]
    assert label("balance", "vat_payable", "zh").startswith("应交税费") and label("balance", "tax_payable", "zh").startswith("应交税费")
    assert [label("pnl", "net_income", "zh"), label("cash_flow", "operating", "zh")] == ["净利润", "经营活动产生的现金流量净额"]


def test_a_line_zero_in_every_period_is_hidden_but_totals_stay():
    for period in ("month", "quarter", "year"):
        balance = lines(books(FLAT), "balance", period)
        assert "receivables" not in balance.index and "loans" not in balance.index      # nothing owed, nothing borrowed
        assert set(KEPT["balance"]) <= set(balance.index)                               # total liabilities 0, shown
        assert (balance.loc["total_liabilities"] == 0).all()
        assert "receivables" in lines(books(LATE), "balance", period).index


def test_flows_add_up_over_the_period_and_balances_are_the_periods_last_month():
    s = books(LATE)
    pnl, balance = lines(s, "pnl", "year"), lines(s, "balance", "quarter")
    assert list(pnl.loc["revenue"]) == pytest.approx([120_000, 120_000])                # 12 × 10,000
    assert list(pnl.loc["net_income"]) == pytest.approx([72_000, 72_000])               # 12 × (10,000 − 4,000)
    assert list(balance.loc["receivables"]) == pytest.approx([20_000] * 8)              # two months of bills
    assert list(balance.loc["cash"]) == pytest.approx([100_000 + 6_000 * 3 * q for q in range(1, 9)])
    assert list(balance.loc["total_equity"]) == pytest.approx([120_000 + 6_000 * 3 * q for q in range(1, 9)])


def test_the_readers_table_labels_lines_and_periods_and_writes_money_in_their_units():
    frame = statement_frame(books(LATE), "balance", "year", "CNY", "zh")
    assert list(frame.columns) == ["项目（万元）", "2026年", "2027年"]                   # the unit once, in the header
    rows = dict(zip(frame["项目（万元）"], frame["2026年"], strict=True))
    assert rows["应收账款"] == "2.00" and rows["货币资金"] == "17.20"                        # 100,000 + 72,000
    assert rows["勾稽校验：资产 − 负债 − 所有者权益"] == "0.00"
    quarters = statement_frame(books(LATE), "cash_flow", "quarter", "USD")
    assert list(quarters.columns[:3]) == ["Line", "2026 Q1", "2026 Q2"]
    assert dict(zip(quarters["Line"], quarters["2026 Q1"], strict=True))["Net cash from operating activities"] == "$18.00k"


def test_period_labels_name_each_period_once_in_the_readers_language():
    s = books(replace_fields(FLAT, {"company.start_date": "2026-11-01"}))
    assert period_labels(s, "year", "zh") == ["2026年", "2027年", "2028年"]          # 2 + 12 + 10 months
    assert period_labels(s, "quarter")[:3] == ["2026 Q4", "2027 Q1", "2027 Q2"]
    assert period_labels(s, "month", "zh")[:2] == ["2026年11月", "2026年12月"] and len(period_labels(s, "month")) == 24


def test_the_balance_check_reads_balanced_and_a_gap_is_named():
    s = books(TIMED)
    assert balanced(s)
    assert balance_note(s, "USD").startswith("Balanced: total assets equal liabilities plus equity in each of the 24 months")
    off = replace(s, balance={**s.balance, "total_assets": s.balance["total_assets"] + np.eye(1, 24, 5)[0] * 1_234})
    assert not balanced(off)
    assert balance_note(off, "USD") == ("Not balanced: total assets and liabilities plus equity differ by up to $1.23k "
                                        "over the 24 months. Please report this scenario.")


def test_the_caption_names_the_timings_used_and_says_none_when_there_are_none():
    assert timing_phrases(FLAT) == [] and timing_caption(FLAT).startswith("This scenario sets no billing")
    assert timing_phrases(TIMED) == ["annual billing in advance: API", "suppliers paid at GPU and cloud bills 30 days, "
                                     "other operating costs 30 days", "VAT filed quarterly (output VAT: API 6.0%)",
                                     "profit tax as filed under China enterprise income tax, at 25.0%"]
    assert timing_caption(LATE, "zh") == ("本情景的收付款时间设定：客户回款账期：API 60天。"
                                          "各页面的跑道、现金耗尽日期和现金余额均已计入。")


def test_each_tax_rules_formula_states_the_engines_constants():
    assert "3,000,000" in tax_formula("china") and "300" in tax_formula("china") and "5%" in tax_formula("china")
    assert "0.8" not in tax_formula("us") and "80% × max(P_y, 0)" in tax_formula("us")
    assert "按5%" in tax_formula("china", "zh") and "次年5月汇算清缴" in tax_formula("china", "zh")
    assert "losses_t−1" in tax_formula("simple")


def test_the_investors_summary_is_the_statements_lines_by_calendar_year():
    s = books(LATE)
    numbers = summary_lines(s)
    assert list(numbers.index) == [f"{st}.{line}" for st, line in SUMMARY]
    assert list(numbers.loc["cash_flow.cash_end"]) == pytest.approx([172_000, 244_000])  # 100,000 + 72,000 a year
    assert list(numbers.loc["cash_flow.operating"]) == pytest.approx(list(numbers.loc["pnl.net_income"]))  # receivables flat
    frame = summary_frame(s, "CNY", "zh")
    assert list(numbers.loc["cash_flow.cash_low"]) == pytest.approx([106_000, 178_000])  # January's, 6,000 a month on
    assert list(frame["项目（万元）"]) == ["营业收入", "毛利", "息税折旧摊销前利润（EBITDA）", "净利润", "经营活动产生的现金流量净额",
                                  "期末现金余额", "期内最低月末现金"]
    assert list(frame["2027年"]) == ["12.00", "12.00", "7.20", "7.20", "7.20", "24.40", "17.80"]


def test_the_chart_sets_net_income_against_operating_cash_by_month_with_its_unit():
    s = books(LATE)
    fig = income_and_cash(s, "CNY", lang="zh")
    income, operating = fig.data
    assert fig.layout.title.text == "月度净利润与经营活动现金流量（元）" and fig.layout.yaxis.title.text == "每月（元）"
    assert list(income.y) == pytest.approx([6_000] * 24)                       # 10,000 − 4,000 every month
    assert list(operating.y) == pytest.approx([6_000] * 24)                    # receivables flat at 20,000
    assert all(re.fullmatch(r"-?[\d,.]+(万|亿)?", tick) for tick in fig.layout.yaxis.ticktext)  # 元 is in the title


def test_the_chart_follows_the_period_of_the_statements():
    fig = income_and_cash(books(LATE), "USD", "quarter")
    income, operating = fig.data
    assert list(income.x) == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4", "2027 Q1", "2027 Q2", "2027 Q3", "2027 Q4"]
    assert list(income.y) == pytest.approx([18_000] * 8) and list(operating.y) == pytest.approx([18_000] * 8)
    assert fig.layout.title.text == "Net income and operating cash flow by quarter (USD)"
    assert fig.layout.xaxis.type == "category" and fig.layout.xaxis.title.text == "Quarter"
    year = income_and_cash(books(LATE), "CNY", "year", lang="zh")
    assert year.layout.title.text == "年度净利润与经营活动现金流量（元）" and list(year.data[0].y) == pytest.approx([72_000] * 2)


def test_the_balance_sheet_reads_assets_liabilities_equity_each_with_its_total():
    order = list(books(TIMED).balance)
    assert order == ["cash", "receivables", "vat_receivable", "tax_prepaid", "total_assets", "payables",
                     "deferred_revenue", "vat_payable", "tax_payable", "loans", "notes", "safes", "total_liabilities",
                     "opening_equity", "capital", "retained_earnings", "total_equity", "liabilities_and_equity"]


def test_the_cash_flow_statement_opens_with_the_cash_at_the_start_and_shows_the_lowest():
    year = lines(books(LATE), "cash_flow", "year")
    # cash 100,000 at the start, then 6,000 a month: 172,000 at the end of 2026, 106,000 its lowest (January's)
    assert list(year.loc["cash_start"]) == pytest.approx([100_000, 172_000])
    assert list(year.loc["cash_end"]) == pytest.approx([172_000, 244_000])
    assert list(year.loc["cash_low"]) == pytest.approx([106_000, 178_000])


def test_the_opening_balances_are_said_where_the_terms_are_taken_to_have_run_before_the_start():
    # 60 days at 10,000 a month: 20,000 owed at the start, in the net assets at the start
    note = opening_note(books(LATE), "USD")
    assert note.startswith("At the start the books hold, as if these terms had run before it at month 0's rate: "
                           "Accounts receivable $20.00k")
    assert opening_note(books(FLAT), "USD") is None
    assert "期初" in opening_note(books(LATE), "CNY", "zh")


def test_a_yearly_rule_at_a_rate_of_0_says_no_tax_is_computed():
    zero = replace_fields(FLAT, {"tax.rule": "us"})
    assert timing_phrases(zero)[-1].startswith("profit tax filed under US C corporation but at a rate of 0")
