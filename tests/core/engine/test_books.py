"""Issue 28's hand-computed cases: billing and collection, paying suppliers, VAT, profit tax as filed, annuity loans
and the three statements, each a small scenario whose figures are worked out here from the rules (the docstrings of
:mod:`core.engine.books`, ``Tax``, ``Vat`` and ``Round``), never from the engine's helpers."""

from pathlib import Path

import numpy as np
import numpy_financial as npf
import pytest

from core.analysis.statements import statements
from core.engine.projection import project
from core.model import BILLING_FIELDS, Scenario, load_preset, replace_fields

START_CASH = 1_000_000


def _lines(p):
    """The projection's timed lines for the statements, each as (1 or paths, months)."""
    return {k: np.atleast_2d(v) for k, v in p.timing.lines().items()}


def make(*streams: dict, horizon: int = 24, **parts: object) -> Scenario:
    """A company starting in January 2026 with 1,000,000 of cash and only what the case gives it."""
    return Scenario.model_validate({"company": {"name": "Hand", "currency": "USD", "starting_cash": START_CASH},
                                    "settings": {"horizon_months": horizon}, "streams": list(streams), **parts})


def data(fee: float, name: str = "data", **billing: object) -> dict:
    """A data stream earning ``fee`` every month, without delivery cost."""
    return {"kind": "data", "name": name, "contracts": 1, "fee_per_contract_month": fee, "delivery_cost_share": 0,
            **billing}


def one_off(month: int, cost: float, **more: object) -> dict:
    return {"name": f"one-off {month}", "kind": "hardware", "month": month, "cost": cost, **more}


# --- billing: an annual plan paid upfront ------------------------------------------------------


def test_constant_annual_plan_collects_each_month_and_defers_five_and_a_half_months():
    r = 12_000
    s = make(data(r, billing="annual"))
    p = project(s)
    # A twelfth of the customers renew each month and pay 12 months ahead: 12 × (r / 12) = r a month in cash.
    assert _lines(p)["collected"][0] == pytest.approx(np.full(24, r))
    assert p.cash[0, 11] == pytest.approx(START_CASH + 12 * r)
    # The 11 earlier cohorts have (11 + 10 + … + 1) / 12 = 66 / 12 = 5.5 months of revenue still to earn.
    assert p.timing.opening["deferred_revenue"][0, 0] == pytest.approx(66_000)
    deferred = statements(s, p).balance["deferred_revenue"]
    assert deferred[[0, 5, 11]] == pytest.approx([66_000] * 3)


def test_growing_annual_plan_bills_the_mean_of_the_next_twelve_months():
    s = make({"kind": "usage", "name": "api", "volume_per_month": 1_000, "volume_growth_monthly": 0.1,
              "price_per_unit": 1, "mtok_per_unit": 0, "billing": "annual"})
    p = project(s)
    revenue = [1_000 * 1.1**t for t in range(24)]
    assert p.revenue[0] == pytest.approx(revenue)
    # billed_t = (R_t + … + R_{t+11}) / 12; past the horizon (month 23) the revenue the model projects (not held flat:
    # 8,571 in month 20 would understate the bills by 29 %).
    assert _lines(p)["billed"][0, 0] == pytest.approx(sum(1_000 * 1.1**m for m in range(12)) / 12)  # 1,782.02
    assert _lines(p)["billed"][0, 0] == pytest.approx(1_782.0236)
    assert _lines(p)["billed"][0, 5] == pytest.approx(sum(1_000 * 1.1**m for m in range(5, 17)) / 12)
    assert _lines(p)["billed"][0, 20] == pytest.approx(sum(1_000 * 1.1**m for m in range(20, 32)) / 12)  # 11,988.56
    assert _lines(p)["billed"][0, 20] == pytest.approx(11_988.564)
    # Deferred at the end of month t: a later month m's revenue is prepaid by the cohorts billed in months
    # m − 11 … t, (t + 12 − m) twelfths of it: Σ_{m=t+1}^{t+11} R_m (t + 12 − m) / 12 (before the start, t = −1).
    assert p.timing.opening["deferred_revenue"][0, 0] == pytest.approx(
        sum(1_000 * 1.1**m * (11 - m) for m in range(11)) / 12)
    assert statements(s, p).balance["deferred_revenue"][5] == pytest.approx(
        sum(1_000 * 1.1**m * (17 - m) for m in range(6, 17)) / 12)


def test_a_deposit_billed_ahead_of_delivery():
    # 3 deals a quarter of 30,000 = 30,000 of revenue a month; 40 % billed 2 months ahead, the rest as earned.
    s = make({"kind": "projects", "name": "proj", "deals_per_quarter": 3, "deal_size": 30_000, "delivery_cost_share": 0,
              "upfront_share": 0.4, "upfront_months": 2})
    p = project(s)
    assert _lines(p)["billed"][0, :3] == pytest.approx([30_000] * 3)  # 0.6 × 30,000 + 0.4 × 30,000
    assert p.timing.opening["deferred_revenue"][0, 0] == pytest.approx(2 * 0.4 * 30_000)  # months 0 and 1's deposits


# --- collection: receivables with payment days -------------------------------------------------


def ramp(**billing: object) -> dict:
    """10 sign-ups a month at 100 paying after a 90-day trial: revenue 0, 0, 0, 1,000, 2,000, 3,000, … ."""
    return {"kind": "subscription", "name": "seats", "new_customers_per_month": 10, "churn_monthly": 0,
            "price_per_month": 100, "trial": {"days": 90, "conversion": 1}, **billing}


def test_sixty_day_receivable_collects_two_months_later():
    p = project(make(ramp(payment_days=60)))
    assert p.revenue[0, :7] == pytest.approx([0, 0, 0, 1_000, 2_000, 3_000, 4_000])
    # months 3..6 collect the revenue of months 1..4
    assert _lines(p)["collected"][0, 3:7] == pytest.approx([0, 0, 1_000, 2_000])
    assert p.cash[0, 3:7] == pytest.approx([1_000_000, 1_000_000, 1_001_000, 1_003_000])


def test_forty_five_day_receivable_collects_half_of_the_month_before():
    p = project(make(ramp(payment_days=45)))
    # 45 days = 1 month + 15/30: cash_t = ½ G_{t−1} + ½ G_{t−2}
    assert _lines(p)["collected"][0, 3:7] == pytest.approx([0, 500, 1_500, 2_500])
    assert p.cash[0, 3:7] == pytest.approx([1_000_000, 1_000_500, 1_002_000, 1_004_500])


def test_opening_receivable_of_a_steady_stream_with_vat():
    p = project(make(data(10_000, payment_days=45, vat_rate=0.06)))
    # Customers owe 10,600 a month, gross; 45 days of it are open at the start: 1.5 × 10,600.
    assert p.timing.opening["receivables"][0, 0] == pytest.approx(15_900)
    assert _lines(p)["collected"][0] == pytest.approx(np.full(24, 10_600))


def test_terms_new_from_the_first_month_leave_nothing_owed_at_the_start_and_open_the_whole_gap():
    # The same steady stream on 45-day terms that start only now: nothing was owed before, so months 0 and 1 collect
    # 0 and 0.5 × 10,600, then 10,600 a month; VAT filed monthly pays 600 from month 1, nothing in month 0.
    s = make(data(10_000, payment_days=45, vat_rate=0.06), settings={"horizon_months": 24, "terms_before_start": False})
    p = project(s)
    assert p.timing.opening["receivables"][0, 0] == 0 and p.timing.opening["vat_payable"][0, 0] == 0
    assert _lines(p)["collected"][0, :3] == pytest.approx([0, 5_300, 10_600])
    assert _lines(p)["vat_paid"][0, :3] == pytest.approx([0, 600, 600])
    # cash: 1,000,000 + collected − VAT paid (no costs): 1,000,000, 1,004,700, 1,014,700
    assert p.cash[0, :3] == pytest.approx([1_000_000, 1_004_700, 1_014_700])
    steady = project(make(data(10_000, payment_days=45, vat_rate=0.06)))
    # what the terms left at the start, never there: the receivable 15,900 less the VAT of month −1 (600) owed on it
    assert steady.cash[0, 2] - p.cash[0, 2] == pytest.approx(15_900 - 600)


# --- paying suppliers --------------------------------------------------------------------------


def test_thirty_day_gpu_bill_is_paid_a_month_later():
    # 1,000 M tokens a month growing 10 %, served at 0.5 per M tokens: inference 500 × 1.1^t.
    s = make({"kind": "usage", "name": "api", "volume_per_month": 1_000, "volume_growth_monthly": 0.1,
              "price_per_unit": 2}, ai_costs={"cost_per_million_tokens": 0.5, "payment_days": 30})
    p = project(s)
    inference = [500 * 1.1**t for t in range(24)]
    assert p.cost_of_revenue_items["inference"][0] == pytest.approx(inference)
    # the month before the start ran at month 0's 500; each bill is paid the month after
    assert p.timing.opening["payables"][0, 0] == pytest.approx(500)
    assert _lines(p)["paid"][0] == pytest.approx([500, *inference[:-1]])
    # the P&L still has the cost in its month; cash pays last month's: month 0 keeps 2,000 − 500
    assert p.cash[0, 0] == pytest.approx(START_CASH + 2_000 - 500)
    assert p.cash[0, 1] == pytest.approx(START_CASH + 2_000 - 500 + 2_200 - 500)


def test_one_off_paid_in_instalments_is_expensed_in_its_month():
    p = project(make(opex={"one_off_costs": [one_off(2, 90_000, instalments=3)]}))
    assert p.opex["one_off"][0, 1:6] == pytest.approx([0, 90_000, 0, 0, 0])
    assert _lines(p)["paid"][0, 1:6] == pytest.approx([0, 30_000, 30_000, 30_000, 0])
    assert p.cash[0, [1, 2, 3, 4]] == pytest.approx([1_000_000, 970_000, 940_000, 910_000])


def test_bad_debt_is_written_off_as_an_expense():
    p = project(make(data(10_000, bad_debt_share=0.05)))
    assert p.opex["bad_debt"][0] == pytest.approx(np.full(24, 500))
    assert _lines(p)["collected"][0] == pytest.approx(np.full(24, 9_500))
    assert p.ebitda[0] == pytest.approx(np.full(24, 9_500))
    assert p.cash[0, 11] == pytest.approx(START_CASH + 12 * 9_500)


def test_bad_debt_is_written_off_when_it_falls_due():
    p = project(make(ramp(payment_days=30, bad_debt_share=0.05)))
    # revenue 0, 0, 0, 1,000, 2,000, … falls due a month later; 5 % of it is never paid
    assert p.opex["bad_debt"][0, 3:6] == pytest.approx([0, 50, 100])
    assert _lines(p)["collected"][0, 3:6] == pytest.approx([0, 950, 1_900])


# --- VAT ------------------------------------------------------------------------------------------


def vat_case(filing: str, small_scale: bool = False, stream_rate: float = 0.06) -> Scenario:
    """100,000 of sales a month at ``stream_rate`` output VAT, a 200,000 server in February with 13 % input VAT."""
    return make(data(100_000, vat_rate=stream_rate),
                opex={"one_off_costs": [one_off(1, 200_000, vat_rate=0.13)]},
                vat={"filing": filing, "small_scale": small_scale, "surcharge_rate": 0.12})


def test_quarter_of_vat_carries_the_input_credit():
    p = project(vat_case("quarterly"))
    # output 6,000 a month; input 26,000 in February. Q4 2025 (at January's 18,000) is paid in January;
    # Q1: 18,000 − 26,000 = −8,000 → 0 in April, 8,000 carried; Q2: 18,000 − 8,000 = 10,000 in July.
    vat_paid = np.zeros(24)
    vat_paid[[0, 3, 6, 9, 12, 15, 18, 21]] = [18_000, 0, 10_000, 18_000, 18_000, 18_000, 18_000, 18_000]
    assert _lines(p)["vat_paid"][0] == pytest.approx(vat_paid)
    assert p.timing.opening["vat_payable"][0, 0] == pytest.approx(18_000)
    # surcharges: 12 % of the VAT paid, paid and expensed with it
    assert p.opex["vat_surcharges"][0, [0, 3, 6, 9]] == pytest.approx([2_160, 0, 1_200, 2_160])
    assert p.opex["vat_surcharges"][0].sum() == pytest.approx(0.12 * vat_paid.sum())
    # the server is expensed net and paid gross: 200,000 + 26,000
    assert p.opex["one_off"][0, 1] == pytest.approx(200_000)
    assert _lines(p)["paid"][0, 1] == pytest.approx(226_000)
    # cash: customers pay 106,000 a month; January pays Q4's VAT and its surcharges
    assert p.cash[0, 0] == pytest.approx(START_CASH + 106_000 - 18_000 - 2_160)
    assert p.cash[0, 1] == pytest.approx(START_CASH + 2 * 106_000 - 18_000 - 2_160 - 226_000)


@pytest.mark.parametrize(("start", "opening", "first_payment"), [
    ("2026-02-01", 6_000, 2),    # January's 6,000 is owed at the start; Q1 is paid in April, month 2
    ("2026-03-01", 12_000, 1),   # January and February's; April is month 1
    ("2026-04-01", 18_000, 0),   # Q1 is owed in full and paid in April, month 0
])
def test_quarter_started_part_way_owes_its_months_so_far(start, opening, first_payment):
    s = make(data(100_000, vat_rate=0.06), vat={"filing": "quarterly"},
             company={"name": "Hand", "starting_cash": START_CASH, "start_date": start})
    p = project(s)
    assert p.timing.opening["vat_payable"][0, 0] == pytest.approx(opening)
    paid = np.zeros(24)
    paid[first_payment::3] = 18_000
    assert _lines(p)["vat_paid"][0] == pytest.approx(paid)


def test_monthly_vat_carries_the_credit_month_to_month():
    p = project(vat_case("monthly"))
    # paid the month after: Dec 6,000 (at month 0's rate), Jan 6,000, Feb −20,000 → credit 20,000, used by
    # Mar–May (14,000, 8,000, 2,000 left), June pays 6,000 − 2,000 = 4,000, then 6,000 a month.
    assert _lines(p)["vat_paid"][0, :9] == pytest.approx([6_000, 6_000, 0, 0, 0, 0, 4_000, 6_000, 6_000])


def test_small_scale_taxpayer_credits_no_input_vat():
    p = project(vat_case("quarterly", small_scale=True, stream_rate=0.03))
    # 3 % of 100,000 = 3,000 a month, 9,000 a quarter; the server's VAT is neither credited nor added
    assert _lines(p)["vat_paid"][0, [0, 3, 6, 9]] == pytest.approx([9_000, 9_000, 9_000, 9_000])
    assert _lines(p)["vat_paid"][0].sum() == pytest.approx(8 * 9_000)
    assert p.opex["one_off"][0, 1] == pytest.approx(200_000)  # the server as paid, VAT included: nothing to time
    assert p.timing.costs == ()
    assert not np.any(_lines(p)["input_vat"])


# --- profit tax as filed ----------------------------------------------------------------------------


def yearly(total: np.ndarray, year: int) -> float:
    return float(total[12 * year : 12 * year + 12].sum())


def test_china_loss_offsets_five_years_then_expires():
    # profit 100,000 a month; an 11,200,000 training run in May 2026 makes 2026 a 10,000,000 loss.
    # 2027–2031 (years 2–6) each use 1,200,000 of it (6,000,000); the 4,000,000 left expires, so 2032 is taxed.
    # In November 2032 a 600,000 one-off: 2032's profit is 600,000, tax 25 % = 150,000.
    s = make(data(100_000), horizon=96,
             opex={"one_off_costs": [one_off(4, 11_200_000), one_off(82, 600_000)]},
             tax={"profit_tax_rate": 0.25, "rule": "china", "loss_years": 5})
    p = project(s)
    # 2026: Q1's 300,000 prepays 75,000 in April; May's loss leaves the year at 0, refunded at the May 2027 settlement.
    assert p.tax[0, 3] == pytest.approx(75_000)
    assert p.tax[0, 16] == pytest.approx(-75_000)
    assert p.tax_expense[0, :6] == pytest.approx([25_000, 25_000, 25_000, 25_000, -100_000, 0])
    prepaid = statements(s, p).balance["tax_prepaid"]
    assert prepaid[[3, 4, 15, 16]] == pytest.approx([0, 75_000, 75_000, 0], abs=1e-6)
    for year in range(1, 6):  # 2027–2031: offset in full
        assert yearly(p.tax_expense[0], year) == pytest.approx(0, abs=1e-6)
    # 2032: year-to-date tax 25,000 a month to 250,000 in October; November's one-off brings it to 125,000,
    # December to 150,000.
    expense = p.tax_expense[0, 72:84]
    assert expense == pytest.approx([25_000] * 10 + [-125_000, 25_000])
    # prepaid April, July, October on Q1–Q3 (75,000 each); January 2033 on the year (150,000 < 225,000 paid: 0);
    # the May 2033 settlement refunds 75,000.
    assert p.tax[0, [75, 78, 81, 84, 88]] == pytest.approx([75_000, 75_000, 75_000, 0, -75_000])  # Σ 150,000


def test_china_loss_of_the_first_year_still_offsets_year_six():
    # the same loss; 2031 (year 6) is the last year it offsets: a 5,200,000 remainder covers its 1,200,000.
    s = make(data(100_000), horizon=96, opex={"one_off_costs": [one_off(4, 11_200_000)]},
             tax={"profit_tax_rate": 0.25, "rule": "china", "loss_years": 5})
    p = project(s)
    assert yearly(p.tax_expense[0], 5) == pytest.approx(0, abs=1e-6)
    assert yearly(p.tax_expense[0], 6) == pytest.approx(0.25 * 1_200_000)


def test_china_first_tax_year_starts_with_the_plan():
    # starting in July: 2026 is July–December (600,000 of profit, 150,000 of tax): October prepays July–September
    # (75,000), January the rest (75,000), May 2027 settles nothing; 2027 prepays 75,000 a quarter from April.
    s = make(data(100_000), tax={"profit_tax_rate": 0.25, "rule": "china"},
             company={"name": "Hand", "starting_cash": START_CASH, "start_date": "2026-07-01"})
    paid = np.zeros(24)
    paid[[3, 6, 9, 12, 15, 18, 21]] = 75_000
    assert project(s).tax[0] == pytest.approx(paid)


def small_low_profit(monthly_profit: float, heads: int = 0) -> Scenario:
    team = [{"role": "ops", "headcount": heads, "cost_per_head_month": 0}] if heads else []
    return make(data(monthly_profit), tax={"profit_tax_rate": 0.25, "rule": "china", "small_low_profit": True},
                opex={"team": team})


def test_small_low_profit_enterprise_pays_five_percent_within_three_million():
    p = project(small_low_profit(200_000))
    # 2,400,000 taxable ≤ 3,000,000: 5 % = 120,000, prepaid 30,000 a quarter, nothing to settle
    assert yearly(p.tax_expense[0], 0) == pytest.approx(120_000)
    assert p.tax[0, [3, 6, 9, 12, 16]] == pytest.approx([30_000, 30_000, 30_000, 30_000, 0])


def test_small_low_profit_cliff_taxes_the_whole_year_at_the_normal_rate():
    p = project(small_low_profit(260_000))
    # 3,120,000 > 3,000,000: 25 % of all of it = 780,000. Through September (2,340,000) the year to date was
    # still at 5 %: 117,000; December's expense is 780,000 − 5 % × 2,860,000 = 637,000.
    assert yearly(p.tax_expense[0], 0) == pytest.approx(780_000)
    assert p.tax_expense[0, 11] == pytest.approx(637_000)
    # prepaid 39,000 in April, July and October (5 % of 780,000 a quarter), 663,000 in January
    assert p.tax[0, [3, 6, 9, 12, 16]] == pytest.approx([39_000, 39_000, 39_000, 663_000, 0])
    # owed at the end of 2026: 780,000 − 117,000 prepaid; after January: 2027's first month, 5 % × 260,000
    tax_payable = statements(small_low_profit(260_000), p).balance["tax_payable"]
    assert tax_payable[[11, 12]] == pytest.approx([663_000, 13_000])


def test_small_low_profit_lost_above_three_hundred_heads():
    p = project(small_low_profit(200_000, heads=301))
    assert yearly(p.tax_expense[0], 0) == pytest.approx(0.25 * 2_400_000)


def test_us_net_operating_loss_offsets_eighty_percent():
    # 2026: 1,200,000 of profit less a 2,200,000 one-off in January = a 1,000,000 loss.
    # 2027: 1,200,000 less a 200,000 one-off in December = 1,000,000; the loss offsets 80 % of it,
    # 21 % × 200,000 = 42,000. 2028: the 200,000 left offsets 1,200,000 − 200,000 → 21 % × 1,000,000.
    s = make(data(100_000), horizon=36,
             opex={"one_off_costs": [one_off(0, 2_200_000), one_off(23, 200_000)]},
             tax={"profit_tax_rate": 0.21, "rule": "us"})
    p = project(s)
    assert yearly(p.tax_expense[0], 0) == pytest.approx(0, abs=1e-6)
    assert yearly(p.tax_expense[0], 1) == pytest.approx(42_000)
    assert yearly(p.tax_expense[0], 2) == pytest.approx(210_000)
    # 2027 estimates on the year to date (80 % offset each time):
    #   April (Jan–Mar 300,000): 21 % × 60,000 = 12,600; June (500,000): 21,000 − 12,600 = 8,400;
    #   September (800,000): 33,600 − 21,000 = 12,600; December (1,100,000): 46,200 − 33,600 = 12,600.
    assert p.tax[0, [15, 17, 20, 23]] == pytest.approx([12_600, 8_400, 12_600, 12_600])
    # April 2028 settles 2027 (42,000 − 46,200 = −4,200) and pays 2028's first estimate
    # (300,000 − 200,000 left of the loss: 21 % × 100,000 = 21,000).
    assert p.tax[0, 27] == pytest.approx(-4_200 + 21_000)
    assert p.tax[0, :12] == pytest.approx(np.zeros(12))


# --- loans ------------------------------------------------------------------------------------------


def loan(repayment: str, rate: float) -> Scenario:
    """120,000 drawn in month 0 at ``rate`` a year over 24 months, 6 of them interest only."""
    return make(horizon=36, funding=[{"name": "bank", "month": 0, "amount": 120_000, "kind": "debt", "interest_rate_yearly": rate,
                          "term_months": 24, "repayment": repayment, "grace_months": 6}])


@pytest.mark.parametrize("rate", [0.12, 0.0])
def test_annuity_loan_pays_level_instalments_after_the_grace(rate):
    p = project(loan("annuity", rate))
    r, n = rate / 12, 18
    per = np.arange(1, n + 1)
    with np.errstate(divide="ignore", invalid="ignore"):  # numpy_financial evaluates both branches at rate 0
        payment, interest, principal = (-npf.pmt(r, n, 120_000), -npf.ipmt(r, per, n, 120_000),
                                        -npf.ppmt(r, per, n, 120_000))
    assert p.interest[0, 1:7] == pytest.approx([120_000 * r] * 6)
    assert p.debt_service[0, 7:25] == pytest.approx(np.full(n, payment))
    assert p.interest[0, 7:25] == pytest.approx(interest, abs=1e-9)
    assert (p.debt_service - p.interest)[0, 7:25] == pytest.approx(principal)
    assert p.debt_service[0, [0, 25, 26]] == pytest.approx([0, 0, 0])


def test_annuity_payment_by_hand():
    # 1 % a month over 18 instalments: 120,000 × 0.01 / (1 − 1.01^−18) = 7,317.85
    assert project(loan("annuity", 0.12)).debt_service[0, 7] == pytest.approx(7_317.8457, abs=1e-3)
    assert project(loan("annuity", 0.0)).debt_service[0, 7] == pytest.approx(120_000 / 18)


@pytest.mark.parametrize("rate", [0.12, 0.0])
def test_equal_principal_loan_is_unchanged(rate):
    p = project(loan("amortising", rate))
    # 120,000 / 18 = 6,666.67 of principal a month after the grace, interest on what is left before it
    owed = [120_000 * (1 - j / 18) for j in range(18)]
    assert p.interest[0, 7:25] == pytest.approx([rate / 12 * o for o in owed], abs=1e-9)
    assert (p.debt_service - p.interest)[0, 7:25] == pytest.approx([120_000 / 18] * 18)


# --- the three statements ---------------------------------------------------------------------------


def test_three_statements_by_hand():
    # services 100,000 a month at 30 days; an annual plan of 12,000 a month upfront; both at 6 % VAT.
    # Hosting 10,000 a month at 30 days with 6 % input VAT; a 200,000 server in February at 13 %, paid in two parts.
    # VAT filed quarterly.
    s = make(data(100_000, "services", payment_days=30, vat_rate=0.06),
             data(12_000, "plan", billing="annual", vat_rate=0.06),
             horizon=12, ai_costs={"hosting_per_month": 10_000, "payment_days": 30, "vat_rate": 0.06},
             opex={"one_off_costs": [one_off(1, 200_000, vat_rate=0.13, instalments=2)]},
             vat={"filing": "quarterly"})
    st = statements(s, project(s))
    b = st.balance
    # net VAT a month: 6 % × 112,000 − 6 % × 10,000 = 6,120; February: 6,120 − 26,000 = −19,880.
    # Opening: a month of services (106,000) owed, 5.5 months of the plan (66,000) deferred, a month of hosting
    # (10,600) to pay, Q4 2025's VAT (3 × 6,120 = 18,360) to pay in January.
    assert st.opening["receivables"] == pytest.approx(106_000)
    assert st.opening["opening_equity"] == pytest.approx(START_CASH + 106_000 - 10_600 - 66_000 - 18_360)
    # End of February (month 1): VAT 18,360 + 6,120 − 18,360 − 19,880 = −13,760, a receivable;
    # payables a month of hosting and the server's second half (113,000).
    # End of April (month 3): Q1 pays 0 (−7,640), 7,640 carried; −7,640 + 6,120 = −1,520.
    assert b["receivables"][[1, 3]] == pytest.approx([106_000, 106_000])
    assert b["deferred_revenue"][[1, 3]] == pytest.approx([66_000, 66_000])
    assert b["payables"][[1, 3]] == pytest.approx([123_600, 10_600])
    assert b["vat_receivable"][[1, 3]] == pytest.approx([13_760, 1_520])
    assert b["vat_payable"][[1, 3]] == pytest.approx([0, 0], abs=1e-6)
    # End of June: −1,520 + 2 × 6,120 = 10,720 payable, paid in July.
    assert b["vat_payable"][5] == pytest.approx(10_720)
    # cash: January 106,000 + 12,720 − 10,600 − 18,360 = 89,760; February 118,720 − 10,600 − 113,000 = −4,880
    assert b["cash"][[0, 1]] == pytest.approx([START_CASH + 89_760, START_CASH + 89_760 - 4_880])
    assert st.cash_flow["net_change"][:2] == pytest.approx([89_760, -4_880])
    assert st.imbalance() == pytest.approx(np.zeros(12), abs=1e-6 * b["total_assets"].max())


# --- the presets without issue 28's settings ---------------------------------------------------------

ISSUE_28_FIELDS = {"ai_costs": ("payment_days", "vat_rate"), "opex": ("payment_days", "vat_rate"),
                   "tax": ("rule", "loss_years", "small_low_profit"), "vat": ("filing", "small_scale", "surcharge_rate")}


def without_timing(scenario: Scenario) -> Scenario:
    """``scenario`` with every field issue 28 added at its default (a loan's repayment kept: annuities are new)."""
    updates: dict[str, object] = {}
    for part, names in ISSUE_28_FIELDS.items():
        model = getattr(scenario, part)
        updates |= {f"{part}.{name}": type(model).model_fields[name].default for name in names}
    for i, stream in enumerate(scenario.streams):
        updates |= {f"streams[{i}].{name}": type(stream).model_fields[name].default for name in BILLING_FIELDS}
    for j, cost in enumerate(scenario.opex.one_off_costs):
        updates |= {f"opex.one_off_costs[{j}].{name}": type(cost).model_fields[name].default
                    for name in ("instalments", "vat_rate")}
    return replace_fields(scenario, updates)


# End cash, lowest cash, Σ monthly cash and total tax of each preset, then end cash and total tax with a 25 % simple
# profit tax, from the engine before issue 28 (commit 3d9cc39, run with PYTHONPATH on a worktree of it).
BEFORE_ISSUE_28 = {
    "capital_winter_round_slips.yaml": (6_049_588.76, -772_984.27, 153_036_294.86, 0.00, 6_049_588.76, 0.00),
    "company_a_customer_service.yaml": (35_771_330.89, 4_352_192.74, 1_014_246_712.68, 0.00, 34_078_498.17,
                                        1_692_832.72),
    "company_b_data_assistant.yaml": (14_742_770.58, 871_049.45, 459_554_808.16, 0.00, 13_807_077.93, 935_692.64),
    "company_b_data_assistant_cny.yaml": (103_199_394.03, 6_097_346.18, 3_216_883_657.09, 0.00, 103_199_394.03, 0.00),
    "company_c_analytics_platform.yaml": (82_447_102.53, 13_895_752.62, 2_099_860_406.47, 0.00, 65_585_326.90,
                                          16_861_775.63),
    "seed002_nlp_project.yaml": (6_000_000.00, 166_666.67, 111_000_000.00, 0.00, 5_750_000.00, 250_000.00),
}


@pytest.mark.parametrize("name", sorted(BEFORE_ISSUE_28))
def test_presets_without_timing_give_the_figures_from_before_issue_28(name):
    scenario = without_timing(load_preset(Path(__file__).parents[3] / "sample_data" / name))
    p, taxed = project(scenario), project(replace_fields(scenario, {"tax.profit_tax_rate": 0.25}))
    figures = (p.cash[0, -1], p.cash[0].min(), p.cash[0].sum(), p.tax[0].sum(), taxed.cash[0, -1], taxed.tax[0].sum())
    assert figures == pytest.approx(BEFORE_ISSUE_28[name], abs=0.01)
    assert p.timing is None
