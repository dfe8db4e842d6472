"""Grants in tranches with matching spend, amortising and subsidised loans, a strategic partner's revenue, and the
profit tax with loss carry-forward and R&D incentives: each by hand, and the tax's properties."""

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.engine.projection import _Inputs, profit_tax, project
from core.model import parse_scenario
from tests.core.engine.test_projection import assert_matches_breakdown
from tests.scenarios import budget

BASE = {"company": {"name": "Hand", "currency": "USD", "starting_cash": 100_000}, "settings": {"horizon_months": 24}}
EARNER = {"kind": "usage", "name": "API", "volume_per_month": 1_000, "price_per_unit": 10}  # 10,000 a month


def make(**parts):
    return parse_scenario({**BASE, **parts})


def assert_cash_identity(p):
    before = np.concatenate([p.starting_cash[:, None], p.cash[:, :-1]], axis=1)
    np.testing.assert_allclose(p.cash - before, p.funding_in - p.net_burn, atol=1e-6)
    np.testing.assert_allclose(p.net_burn, p.debt_service + p.tax - p.tax_credit - p.ebitda, atol=1e-6)


def test_an_amortising_loan_pays_interest_only_in_its_grace_then_equal_instalments():
    # 12,000 at month 1, 1 % a month, 6 months, 2 of grace: 4 instalments of 3,000 in months 4-7,
    # interest on what is still owed at the start of each month: 120, 120, 120, 90, 60, 30.
    s = make(funding=[{"name": "Subsidised", "month": 1, "amount": 12_000, "kind": "debt", "interest_rate_yearly": 0.12,
                       "term_months": 6, "repayment": "amortising", "grace_months": 2}])
    p = project(s)
    np.testing.assert_allclose(p.debt_service[0, :9], [0, 0, 120, 120, 3_120, 3_090, 3_060, 3_030, 0])
    assert p.debt_service[0].sum() == 12_000 + 540
    np.testing.assert_allclose(p.round_flows[0, 0, :9], [0, 12_000, -120, -120, -3_120, -3_090, -3_060, -3_030, 0])
    assert_cash_identity(p)


def test_a_bullet_loan_is_an_amortising_one_with_a_single_instalment_at_the_end():
    bullet = make(funding=[{"name": "L", "month": 2, "amount": 9_000, "kind": "debt", "interest_rate_yearly": 0.08,
                            "term_months": 5}])
    one = make(funding=[{"name": "L", "month": 2, "amount": 9_000, "kind": "debt", "interest_rate_yearly": 0.08,
                         "term_months": 5, "repayment": "amortising", "grace_months": 4}])
    np.testing.assert_allclose(project(bullet).debt_service, project(one).debt_service)
    np.testing.assert_allclose(project(bullet).debt_service[0, 3:8], [60, 60, 60, 60, 9_060])


def test_a_grant_pays_in_tranches_and_its_matching_spend_is_spread_over_what_it_funds():
    # 30,000 in 3 tranches every 4 months from month 2; matching 50 %: 15,000 over 12 months = 1,250 a month.
    s = make(funding=[{"name": "Fund", "month": 2, "amount": 30_000, "kind": "grant", "tranches": 3,
                       "tranche_every_months": 4, "matching_share": 0.5}])
    p = project(s)
    expected_in = np.zeros(24)
    expected_in[[2, 6, 10]] = 10_000
    np.testing.assert_allclose(p.funding_in[0], expected_in)
    matching = np.where((np.arange(24) >= 2) & (np.arange(24) < 14), 1_250, 0)
    np.testing.assert_allclose(p.opex["grant_matching"][0], matching)
    np.testing.assert_allclose(p.round_flows[0, 0], expected_in - matching)
    np.testing.assert_allclose(p.cash[0, -1], 100_000 + 30_000 - 15_000)
    assert_cash_identity(p)


def test_a_strategic_partner_brings_revenue_while_its_round_closes_and_none_when_it_fails():
    s = make(streams=[EARNER], ai_costs={"support_share_of_revenue": 0.1},
             funding=[{"name": "BigCo", "month": 3, "amount": 100_000, "partner_revenue_per_month": 5_000,
                       "partner_months": 4, "exclusivity": "no rival cloud for 2 years"}])
    p = project(s, {"funding[0].amount": np.array([100_000.0, 0.0])})
    assert p.stream_names == ("API", "BigCo") and p.stream_kinds == ("usage", "partner")
    partner = np.where((np.arange(24) >= 3) & (np.arange(24) < 7), 5_000, 0)
    np.testing.assert_allclose(p.stream_revenue[0, 1], partner)
    np.testing.assert_allclose(p.stream_revenue[1, 1], 0)                    # the round fails: no partner
    np.testing.assert_allclose(p.revenue[0], 10_000 + partner)
    np.testing.assert_allclose(p.mrr[0], 10_000 + partner)                   # a monthly contract: recurring
    np.testing.assert_allclose(p.cost_of_revenue_items["support"][0], 0.1 * (10_000 + partner))
    np.testing.assert_allclose(p.stream_units[0, 1], partner > 0)
    np.testing.assert_allclose(p.round_flows[0, 0], 100_000 * (np.arange(24) == 3) + partner)
    assert_cash_identity(p)


def test_losses_carried_forward_shelter_later_profits():
    # EBITDA: -15,000 in month 0 (a 25,000 one-off), then +10,000 a month; 25 % tax.
    parts = {"streams": [EARNER], "opex": {"one_off_costs": [{"name": "setup", "kind": "other", "month": 0, "cost": 25_000}]}}
    carried = project(make(**parts, tax={"profit_tax_rate": 0.25}))
    np.testing.assert_allclose(carried.ebitda[0, :4], [-15_000, 10_000, 10_000, 10_000])
    np.testing.assert_allclose(carried.tax[0, :5], [0, 0, 1_250, 2_500, 2_500])
    none = project(make(**parts, tax={"profit_tax_rate": 0.25, "carry_forward_losses": False}))
    np.testing.assert_allclose(none.tax[0, :3], [0, 2_500, 2_500])
    opening = project(make(**parts, tax={"profit_tax_rate": 0.25, "opening_tax_losses": 20_000}))
    np.testing.assert_allclose(opening.tax[0, :6], [0, 0, 0, 0, 1_250, 2_500])  # 35,000 of losses: 3.5 months
    for p in (carried, none, opening):
        assert_cash_identity(p)
    np.testing.assert_allclose(carried.cash[0, -1] - none.cash[0, -1], 0.25 * 15_000)  # what the carry-forward saved


def test_rd_spend_is_super_deducted_and_earns_a_refundable_credit_and_loan_interest_is_deductible():
    # EBITDA 10,000 - 4,000 (one engineer) = 6,000; taxable 6,000 - 100 % of 4,000 - 100 interest = 1,900.
    s = make(streams=[EARNER], opex={"team": [{"role": "eng", "function": "rd", "headcount": 1, "cost_per_head_month": 4_000}],
                                      "one_off_costs": [{"name": "run", "kind": "training_run", "month": 5, "cost": 1_000}]},
             funding=[{"name": "L", "month": 0, "amount": 10_000, "kind": "debt", "interest_rate_yearly": 0.12}],
             tax={"profit_tax_rate": 0.15, "rd_super_deduction": 1.0, "rd_credit_rate": 0.1})
    p = project(s)
    np.testing.assert_allclose(p.tax[0, 1:5], 0.15 * 1_900)
    np.testing.assert_allclose(p.tax[0, 0], 0.15 * 2_000)                 # no interest in the loan's own month
    np.testing.assert_allclose(p.tax_credit[0, :5], 400)
    np.testing.assert_allclose(p.tax_credit[0, 5], 500)                    # a training run is R&D too
    # month 5: EBITDA 10,000 - 4,000 - 1,000 = 5,000, less 100 % of 5,000 R&D and 100 interest: a loss of 100,
    # carried into month 6 (1,900 - 100 taxed)
    np.testing.assert_allclose(p.tax[0, 5:8], [0, 0.15 * 1_800, 0.15 * 1_900])
    assert_cash_identity(p)


def test_no_tax_settings_leave_the_projection_as_it_was():
    parts = {"streams": [EARNER]}
    assert not project(make(**parts)).tax.any()
    np.testing.assert_allclose(project(make(**parts, tax={"rd_super_deduction": 1.0})).cash, project(make(**parts)).cash)


def loop_tax(profit: list[float], rate: float, opening: float) -> tuple[list[float], float]:
    """The tax month by month with a pool of losses, written plainly (the closed form's independent check)."""
    losses, out = opening, []
    for p in profit:
        used = min(losses, max(p, 0.0))
        out.append(rate * (max(p, 0.0) - used))
        losses = losses - used if p >= 0 else losses - p
    return out, losses


@given(profit=st.lists(st.floats(-1e7, 1e7), min_size=1, max_size=60), rate=st.floats(0.01, 0.6),
       opening=st.floats(0, 1e7))
@example(profit=[5.0, -5.0, 5.0], rate=0.25, opening=0.0)
@budget(200)
def test_tax_never_exceeds_the_profit_and_the_losses_carried_never_go_negative(profit, rate, opening):
    scenario = make(tax={"profit_tax_rate": rate, "opening_tax_losses": opening})
    expense, tax, _ = profit_tax(scenario, _Inputs(None), np.array([profit]), 0.0, 0.0, 0.0)
    np.testing.assert_array_equal(expense, tax)                 # the simple rule expenses the tax it pays
    expected, losses_left = loop_tax(profit, rate, opening)
    scale = 1 + max(abs(x) for x in [*profit, opening])
    np.testing.assert_allclose(tax[0], expected, atol=1e-9 * scale)
    assert (tax[0] >= 0).all() and (tax[0] <= rate * np.maximum(profit, 0) + 1e-9 * scale).all()
    assert losses_left >= 0
    # what was taxed is what was earned less the losses used up: sum(taxable) = sum(profit) + losses_left - opening
    np.testing.assert_allclose(tax[0].sum() / rate, sum(profit) + losses_left - opening, atol=1e-6 * scale * len(profit))


@pytest.mark.parametrize(("rate", "level"), [
    (0.12, npf.pmt(0.01, 6, -12_000)),
    (1e-9, 2_000 * (1 + 7 / 2 * 1e-9 / 12)),  # pmt ≈ A / n (1 + (n + 1) r / 2); numpy_financial loses it to rounding
])
def test_an_annuity_pays_its_level_payment_after_its_grace_even_at_a_tiny_rate(rate, level):
    """12,000 over 8 months, 2 of grace: interest only, then 6 level payments ``pmt(r / 12, 6, −12,000)`` that repay
    the principal (a rate of 1e-9 once lost the payment to rounding in (1 + r)^n − 1)."""
    s = make(funding=[{"name": "L", "month": 1, "amount": 12_000, "kind": "debt", "interest_rate_yearly": rate,
                       "term_months": 8, "repayment": "annuity", "grace_months": 2}])
    p = project(s)
    np.testing.assert_allclose(p.debt_service[0, 2:4], 12_000 * rate / 12, rtol=1e-12)
    np.testing.assert_allclose(p.debt_service[0, 4:10], level, rtol=1e-12)
    np.testing.assert_allclose((p.debt_service - p.interest)[0].sum(), 12_000, rtol=1e-12)
    assert_matches_breakdown(p, s)


@pytest.mark.parametrize("rule", ["china", "us"])
def test_a_drawn_tax_rate_is_filed_path_by_path_and_a_zero_rate_taxes_nothing(rule):
    """10,000 of profit a month; China's small low-profit rate is 5 % (500 a month), the US pays the rate drawn. A
    rate drawn per path once broke the yearly rules, and a path at 0 paid the small low-profit 5 % beside another."""
    s = make(streams=[EARNER], tax={"profit_tax_rate": 0.25, "rule": rule, "small_low_profit": rule == "china"})
    p = project(s, {"tax.profit_tax_rate": np.array([0.0, 0.21])})
    np.testing.assert_allclose(p.tax_expense[0], 0)
    np.testing.assert_allclose(p.tax[0], 0)
    np.testing.assert_allclose(p.tax_expense[1], 500 if rule == "china" else 2_100)
    for i, rate in enumerate((0.0, 0.21)):
        assert_matches_breakdown(p, s, {"tax.profit_tax_rate": rate}, path=i)
