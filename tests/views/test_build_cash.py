"""The Build page's billing, payment, VAT and tax fields: each set with its widget moves the cash the way
core/engine/books.py's conventions say, worked out by hand from the projection's own monthly lines."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from numpy.testing import assert_allclose

from core.engine.projection import project
from core.model import replace_fields
from tests.views.test_build import gen, section, set_field


def open_preset(at, stem: str):
    at.selectbox(key="preset").set_value(stem).run()
    assert not at.exception
    return at.session_state["scenario"]


def shown(at, path: str) -> bool:
    """Whether the editor draws the widget of ``path`` in this run."""
    return any(e.key == f"edit.{gen(at)}.{path}" for e in (*at.number_input, *at.selectbox, *at.toggle))


def cash_moved(at, before) -> np.ndarray:
    """The cash after the edits less the cash before, month by month."""
    return project(at.session_state["scenario"]).cash[0] - project(before).cash[0]


def lagged(x: np.ndarray, months: int) -> np.ndarray:
    """``x`` ``months`` later, the months before the start at month 0's value (books.py's opening balances)."""
    return np.concatenate([np.repeat(x[:1], months), x[: len(x) - months]])


def test_a_stream_shows_its_billing_only_when_switched_on_and_30_days_cost_its_growth_in_cash(build):
    """Customers paying 30 days after the bill: month t collects month t−1's bill (month 0 the month before the start,
    at month 0's rate), so by month t the cash lacks R_t − R_0 of the stream's revenue R."""
    before = build.session_state["scenario"]
    section(build, "revenue")
    assert not shown(build, "streams[0].payment_days")  # a simple stream stays simple
    build.toggle(key=f"edit.{gen(build)}.streams[0].has_billing").set_value(True).run()
    assert shown(build, "streams[0].upfront_share") and shown(build, "streams[0].billing")
    set_field(build, "streams[0].payment_days", 30)
    assert build.session_state["scenario"].streams[0].payment_days == 30
    revenue = project(before).revenue_by_stream[0][0]
    assert revenue[-1] > revenue[0]  # the stream grows: the delay costs cash
    assert_allclose(cash_moved(build, before), -(revenue - revenue[0]), rtol=1e-9, atol=1e-6)
    build.toggle(key=f"edit.{gen(build)}.streams[0].has_billing").set_value(False).run()  # off: back to the defaults
    assert build.session_state["scenario"] == before


def test_gpu_bills_paid_at_60_days_keep_two_months_of_cost_of_revenue_in_the_bank(build):
    """Paid two months late: by month t the company has paid C_0 + C_0 + C_0 + … + C_{t−2}, so it holds
    C_t + C_{t−1} − 2 C_0 more than paying in the month (C: the month's cost of revenue)."""
    before = build.session_state["scenario"]
    section(build, "costs")
    set_field(build, "ai_costs.payment_days", 60)
    cost = project(before).cost_of_revenue[0]
    assert_allclose(cash_moved(build, before), cost + lagged(cost, 1) - 2 * cost[0], rtol=1e-9, atol=1e-6)


def test_vat_on_a_stream_is_collected_paid_the_month_after_and_its_surcharges_expensed(build):
    """6 % on stream 0's bills R, nothing to credit: month t collects 0.06 R_t and pays month t−1's 0.06 R_{t−1},
    with 12 % of that in surcharges; the preset pays no profit tax, so nothing else moves."""
    before = build.session_state["scenario"]
    assert before.tax.profit_tax_rate == 0
    section(build, "revenue")
    build.toggle(key=f"edit.{gen(build)}.streams[0].has_billing").set_value(True).run()
    set_field(build, "streams[0].vat_rate", 0.06)
    section(build, "funding")  # the VAT subsection is with the tax
    set_field(build, "vat.surcharge_rate", 0.12)
    revenue = project(before).revenue_by_stream[0][0]
    paid = 0.06 * lagged(revenue, 1)
    assert_allclose(cash_moved(build, before), np.cumsum(0.06 * revenue - paid - 0.12 * paid), rtol=1e-9, atol=1e-6)


def test_the_china_rule_shows_its_own_fields_and_pays_the_year_by_quarters_and_in_may(build):
    """Company C (start 2026-01) under China's rule at 25 %, filed as a small low-profit enterprise whose losses last
    one year: 2026 is a loss, used in 2027; 2027's taxable income ends just above 3M, so the whole year pays 25 %, in
    April, July and October 2027, January 2028 and May 2028 (months 15, 18, 21, 24, 28); nothing is paid in any
    other month than January, April, May, July and October."""
    before = open_preset(build, "company_c_analytics_platform")
    assert before.company.start_date == date(2026, 1, 1)  # month t is calendar month t % 12 + 1
    section(build, "funding")
    assert shown(build, "tax.carry_forward_losses")
    assert not shown(build, "tax.loss_years") and not shown(build, "tax.small_low_profit")
    set_field(build, "tax.rule", "china")
    assert shown(build, "tax.loss_years") and shown(build, "tax.small_low_profit")
    assert not shown(build, "tax.carry_forward_losses")
    set_field(build, "tax.profit_tax_rate", 0.25)
    set_field(build, "tax.small_low_profit", True)
    set_field(build, "tax.loss_years", 1)
    p = project(before)
    profit = (p.ebitda - p.interest)[0]  # no R&D super-deduction in this preset
    loss_2026, profit_2027 = -profit[:12].sum(), profit[12:24].sum()
    assert loss_2026 > 0 and profit_2027 > loss_2026
    taxable = profit_2027 - loss_2026
    assert p.headcount[0, 12:24].max() <= 300
    assert 3_000_000 < taxable < 3_100_000  # just above the small low-profit limit: the whole year pays 25 %
    paid = project(build.session_state["scenario"]).tax[0]
    assert paid[[15, 18, 21, 24, 28]].sum() == pytest.approx(0.25 * taxable, rel=1e-9)
    assert paid[24] > 0.2 * taxable  # prepaid at 5 % to September (within the limit); January's on the year catches up
    assert paid[:15].sum() == 0
    filing = {1, 4, 5, 7, 10}
    assert all(paid[t] == 0 for t in range(len(paid)) if (t % 12) + 1 not in filing)


@pytest.mark.parametrize(("preset", "where", "path", "value"), [
    ("company_b_data_assistant_cny", "revenue", "streams[0].bad_debt_share", 0.03),
    ("company_b_data_assistant_cny", "revenue", "streams[1].billing", "annual"),
    ("company_b_data_assistant_cny", "costs", "opex.payment_days", 45),
    ("company_b_data_assistant_cny", "funding", "vat.filing", "quarterly"),
    ("company_b_data_assistant_cny", "funding", "vat.small_scale", True),
    ("company_c_analytics_platform", "funding", "tax.rule", "us"),
])
def test_every_other_new_field_is_set_on_the_page_and_moves_the_cash(build, preset, where, path, value):
    before = open_preset(build, preset)
    section(build, where)
    if path.startswith("streams["):
        stream = path.partition(".")[0]
        build.toggle(key=f"edit.{gen(build)}.{stream}.has_billing").set_value(True).run()
    if path == "tax.rule":
        set_field(build, "tax.profit_tax_rate", 0.21)
    set_field(build, path, value)
    assert not build.session_state["editor.draft"].problems()
    assert np.abs(cash_moved(build, before)).max() > 1.0


def edit_table(at, path: str, edit: dict) -> None:
    at.session_state[f"edit.{gen(at)}.{path}"] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **edit}
    at.run()
    assert not at.exception


def test_a_one_off_cost_in_six_instalments_is_paid_a_sixth_a_month(build):
    """Company C buys 1.2M of GPU servers in month 3, paid over 6 months: against paying at once, the bank holds
    1.0M more at the end of month 3, then 0.8M, 0.6M, 0.4M, 0.2M, and nothing from month 8."""
    open_preset(build, "company_c_analytics_platform")
    section(build, "costs")
    servers = {"name": "GPU servers", "cost": 1_200_000.0, "month": 3, "kind": "hardware"}
    edit_table(build, "opex.one_off_costs", {"added_rows": [{**servers, "instalments": 6}]})
    bought = build.session_state["scenario"]
    assert bought.opex.one_off_costs[0].instalments == 6
    moved = cash_moved(build, replace_fields(bought, {"opex.one_off_costs[0].instalments": 1}))
    assert_allclose(moved[:3], 0, atol=1e-6)
    assert_allclose(moved[3:], [1e6, 8e5, 6e5, 4e5, 2e5] + [0] * (len(moved) - 8), atol=1e-6)


def test_an_annuity_loan_pays_level_instalments(build):
    """Company C's venture debt (5M in month 6, 8 % a year, 36 months) as an annuity: months 7 to 42 each pay
    P r / (1 − (1 + r)^−36) with r = 0.08 / 12, 156,682 a month; nothing after."""
    open_preset(build, "company_c_analytics_platform")
    section(build, "funding")
    edit_table(build, "funding", {"edited_rows": {0: {"repayment": "annuity"}}})
    assert build.session_state["scenario"].funding[0].repayment == "annuity"
    r = 0.08 / 12
    level = 5_000_000 * r / (1 - (1 + r) ** -36)
    assert level == pytest.approx(156_682, abs=1)
    service = project(build.session_state["scenario"]).debt_service[0]
    assert_allclose(service[7:43], level, rtol=1e-9)
    assert_allclose(service[43:], 0, atol=1e-9)
