"""The investor view's key assumptions name the policy money and tax terms, in both languages."""

import numpy as np

from core.engine.projection import project
from core.model import parse_scenario, replace_fields
from core.present.report import assumptions_table, monthly_table, tax_note

POLICY = parse_scenario({
    "company": {"name": "Policy", "currency": "CNY", "starting_cash": 5e6},
    "streams": [{"kind": "usage", "name": "API", "volume_per_month": 1_000, "price_per_unit": 500}],
    "funding": [
        {"name": "City loan", "month": 2, "amount": 3e6, "kind": "debt", "interest_rate_yearly": 0.035, "term_months": 48,
         "repayment": "amortising", "grace_months": 12},
        {"name": "AI fund", "month": 1, "amount": 1.2e6, "kind": "grant", "tranches": 3, "tranche_every_months": 6,
         "matching_share": 0.5},
        {"name": "BigCo", "month": 6, "amount": 2e7, "kind": "equity", "pre_money_valuation": 8e7,
         "partner_revenue_per_month": 3e5, "partner_months": 24, "exclusivity": "无竞品云合作两年"},
    ],
    "tax": {"profit_tax_rate": 0.15, "rd_super_deduction": 1.0},
})


def rows(lang):
    return {(r[1]): r[2] for r in assumptions_table(POLICY, lang).itertuples(index=False)}


def test_each_rounds_terms_and_the_tax_are_in_the_assumptions():
    en = rows("en")
    assert en["City loan"] == "Debt, ¥3.00M in month 2, 3.5% a year, interest only for 12 months, then monthly instalments to month 48"
    assert en["AI fund"] == "Grant, ¥1.20M in month 1, in 3 tranches every 6 months, matching spend 50.0%"
    assert en["BigCo"] == ("Equity, ¥20.00M in month 6, pre-money ¥80.00M, partner revenue ¥300.00k a month for 24 months "
                           "(in return: 无竞品云合作两年)")
    assert en["Profit tax rate"] == "15.0%" and en["R&D super-deduction"] == "100.0%"
    zh = rows("zh")
    assert zh["City loan"] == "债务融资，2026年3月到账300万元，年利率3.5%，前12个月只付息，之后按月分期还本至第48个月"
    assert zh["企业所得税率"] == "15.0%"


def test_an_annuity_loan_is_named_as_level_payments_in_the_assumptions():
    annuity = replace_fields(POLICY, {"funding[0].repayment": "annuity"})
    assert POLICY.funding[0].name == "City loan"
    en, zh = ({r[1]: r[2] for r in assumptions_table(annuity, lang).itertuples(index=False)} for lang in ("en", "zh"))
    assert en["City loan"] == ("Debt, ¥3.00M in month 2, 3.5% a year, interest only for 12 months, then level monthly "
                               "payments to month 48")
    assert zh["City loan"] == "债务融资，2026年3月到账300万元，年利率3.5%，前12个月只付息，之后等额本息按月还款至第48个月"


def test_no_tax_rows_without_tax_and_the_monthly_table_shows_tax_only_when_there_is_some():
    plain = parse_scenario({"company": {"name": "Plain", "starting_cash": 1e5}})
    assert "Tax" not in set(assumptions_table(plain).iloc[:, 0])
    assert "Profit tax" not in monthly_table(project(plain), "USD").columns
    taxed = monthly_table(project(POLICY), "CNY")
    assert "Profit tax" in taxed.columns and "R&D credit" not in taxed.columns


def test_the_tax_note_sums_the_tax_paid_and_the_credit_received():
    from core.model import load_scenario
    # By hand: every month is profitable, so no losses. 15 % of 60 x 500,000 revenue plus BigCo's 24 x 300,000 of
    # partner revenue, less the grant's 600,000 of matching spend and the loan's interest: 12 grace months at
    # 3M x 3.5 % / 12 = 8,750, then 36 instalments of 83,333.33 with interest on what is still owed,
    # (36 x 3M - 83,333.33 x (0 + ... + 35)) x 3.5 % / 12 = 55.5M x 0.035 / 12 = 161,875: 266,875 in all.
    # Tax = 0.15 x (30M + 7.2M - 600,000 - 266,875) = 5,449,968.75.
    p = project(POLICY)
    np.testing.assert_allclose(p.tax[0].sum(), 5_449_968.75, rtol=1e-9)
    assert tax_note(p, POLICY) == ("Over the 60 months: ¥5.45M of profit tax (rate 15.0%, R&D super-deduction 100.0%, "
                                   "losses carried forward first). Tax is computed and paid month by month; check the "
                                   "current rules.")   # no R&D credit: no "¥0 of R&D credit received"
    cny = load_scenario("sample_data/company_b_data_assistant_cny.yaml")
    zh = tax_note(project(cny), cny, "zh")
    assert zh.startswith("60个月内：缴纳企业所得税0元（税率15.0%，研发费用加计扣除100.0%，先弥补以前年度亏损）。")
    assert "研发抵免" not in zh   # China has no refundable R&D credit
    assert tax_note(project(parse_scenario({"company": {"name": "x", "starting_cash": 1}})), parse_scenario(
        {"company": {"name": "x", "starting_cash": 1}})) is None


def test_the_tax_note_names_a_refundable_credit_only_when_one_is_received():
    from core.model import replace_fields
    # By hand: two researchers at 50,000 a month for 60 months, 10 % back in cash: 0.1 x 2 x 50,000 x 60 = 600,000.
    credited = replace_fields(POLICY, {"tax.rd_credit_rate": 0.1, "opex.team": [
        {"role": "ML", "function": "rd", "headcount": 2, "cost_per_head_month": 50_000}]})
    p = project(credited)
    np.testing.assert_allclose(p.tax_credit[0].sum(), 600_000, rtol=1e-9)
    assert "). ¥600.00k of R&D credit received. Tax is computed" in tax_note(p, credited)
    assert "。收到研发抵免60万元。简化方式" in tax_note(p, credited, "zh")


def test_the_tax_note_says_how_the_tax_is_filed():
    from core.model import replace_fields
    china = replace_fields(POLICY, {"tax.rule": "china", "tax.loss_years": 10})
    p = project(china)
    note = tax_note(p, china)
    # the same taxable profit as the simple rule, filed by the year: what is paid within the plan is less than the
    # expense (the last year settles after it), and the note says both
    assert "prepaid each quarter on the year to date and settled the following May, losses expiring after 10 years" in note
    assert p.tax[0].sum() < p.tax_expense[0].sum()
    zh = tax_note(p, china, "zh")
    assert "按季预缴（按本年累计利润）、次年5月底前年度汇算清缴，亏损弥补年限10年，未适用小型微利企业优惠" in zh
    assert "按月" not in zh and "当月缴纳" not in zh
    small = replace_fields(china, {"tax.small_low_profit": True})
    assert "亏损弥补年限10年，符合条件的年度按小型微利企业优惠计税（" in tax_note(project(small), small, "zh")
    assert "losses expiring after 10 years, at the small low-profit rate in the years that qualify (" in tax_note(
        project(small), small)
    us = replace_fields(POLICY, {"tax.rule": "us"})
    assert "settled the following April, losses offsetting at most 80%" in tax_note(project(us), us)


def test_the_key_assumptions_list_the_terms_of_cash_and_how_the_tax_is_filed():
    from core.model import load_preset
    cny = load_preset("sample_data/company_b_data_assistant_cny.yaml")
    table = assumptions_table(cny)
    items = dict(zip(table.iloc[:, 1], table.iloc[:, 2], strict=False))
    assert items["Filed as"] == "China enterprise income tax" and items["Losses expire after (years)"] == "10"
    assert items["VAT filed"] == "Monthly" and items["Surcharges on VAT"] == "12.0%"
    assert "Carry losses forward" not in items  # the simple rule's switch; the yearly rules always carry
    assert items["VAT on sales"] == "6.0%"
    zh = assumptions_table(cny, "zh")
    assert "中国企业所得税" in list(zh.iloc[:, 2])
