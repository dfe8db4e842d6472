import numpy as np
import numpy_financial as npf
import pytest

from core import metrics
from core.metrics import burn_multiple_grade, summarize
from core.projection import project
from core.report import irr_kpi
from core.scenario import Settings, load_scenario, parse_scenario

BASE = {"company": {"name": "Hand", "currency": "USD", "starting_cash": 0}, "settings": {"horizon_months": 24}}


@pytest.fixture(scope="module")
def seed002():
    s = load_scenario("sample_data/seed002_nlp_project.yaml")
    return s, project(s)


def test_seed_002_correct_figures_next_to_the_articles_wrong_one(seed002):
    s, p = seed002
    # The article (shared/seeds/002): R_CAP = T_R / (C0 + T_C), T_C = sum(C0 + C1) over the
    # years with C0 = 600 in its code -> 900 / (600 + 300) = 1.0, called "100 % annualised return".
    T, C0, C1, R = 3, 500.0, 100.0, 300.0
    article = (R * T) / (600 + C1 * T)
    assert article == 1.0
    # The correct figures, by hand: revenue 900万 against 500万 + 3 x 100万 = 800万 of cost.
    assert p.revenue[0].sum() == pytest.approx(9_000_000)
    assert p.cost_of_revenue[0].sum() + p.opex_total[0].sum() == pytest.approx(8_000_000)
    summary = summarize(p, s.settings.model_copy(update={"cash_flow_timing": "start"}))
    assert summary.return_on_cost == pytest.approx(R * T / (C0 + C1 * T) - 1)  # 12.5 % over three years
    assert summary.return_on_cost_yearly == pytest.approx(0.125 / 3)  # about 4 % a year
    # NPV at 50 %/yr applied monthly: -5M at month 0 plus an annuity-due of 166,666.67 for 36 months.
    m = 1.5 ** (1 / 12) - 1
    annuity_due = (1 - (1 + m) ** -36) / m * (1 + m)
    assert summary.npv == pytest.approx(-5_000_000 + 1_000_000 / 6 * annuity_due)
    assert summary.npv == pytest.approx(-1_469_934, abs=1)
    assert summary.npv < 0 and summary.default_alive


def test_seed_002_irr_solves_npv_zero_by_bisection(seed002):
    _, p = seed002
    flows = p.ebitda[0]
    irr = summarize(p, Settings()).irr.rate_yearly

    def npv_at(monthly):
        return sum(f / (1 + monthly) ** t for t, f in enumerate(flows))

    lo, hi = 0.0, 0.1
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if npv_at(mid) > 0 else (lo, mid)
    assert irr == pytest.approx((1 + lo) ** 12 - 1, rel=1e-6)
    # annual flows (-5M, then +2M x 3) give 9.7 %; monthly receipts come earlier, so more
    assert irr > 0.097


def test_npv_matches_a_hand_sum_under_both_timings():
    flows = np.array([[-1000.0, 300.0, 400.0, 500.0]])
    m = 1.2 ** (1 / 12) - 1
    hand_start = -1000 + 300 / (1 + m) + 400 / (1 + m) ** 2 + 500 / (1 + m) ** 3
    assert metrics.npv(flows, 0.2, timing="start")[0] == pytest.approx(hand_start)
    hand_end = -1000 / (1 + m) + 300 / (1 + m) ** 2 + 400 / (1 + m) ** 3 + 500 / (1 + m) ** 4
    assert metrics.npv(flows, 0.2, timing="end")[0] == pytest.approx(hand_end)


@pytest.mark.parametrize("rate_yearly", [0.0, 0.3, 0.6, 1.5])
def test_npv_agrees_with_numpy_financial_and_a_spreadsheet(rate_yearly):
    flows = np.array([-5_000.0, 1_200, -300, 2_500, 2_500, 0, 900])
    m = (1 + rate_yearly) ** (1 / 12) - 1
    # numpy-financial's npv puts the first value at t = 0 ("start"); a spreadsheet's
    # NPV(rate, range) discounts the first value one period ("end") = npf.npv / (1 + m).
    assert metrics.npv(flows[None], rate_yearly, timing="start")[0] == pytest.approx(npf.npv(m, flows), rel=1e-12)
    assert metrics.npv(flows[None], rate_yearly, timing="end")[0] == pytest.approx(npf.npv(m, flows) / (1 + m), rel=1e-12)


def test_the_scenarios_timing_moves_npv_but_not_irr(seed002):
    s, p = seed002
    end, start = (summarize(p, s.settings.model_copy(update={"cash_flow_timing": k})) for k in ("end", "start"))
    m = 1.5 ** (1 / 12) - 1
    assert end.npv == pytest.approx(start.npv / (1 + m))   # every flow one month later
    assert end.npv == pytest.approx(-1_469_934 / (1 + m), abs=1)
    assert s.settings.cash_flow_timing == "end" and end.cash_flow_timing == "end"
    assert end.irr == start.irr


def test_irr_of_conventional_flows_is_shown():
    # invest 100, get 110 a month later: 10 % a month = 1.1^12 - 1 = 213.84 % a year
    result = metrics.irr(np.array([-100.0, 110.0]))
    assert (result.status, result.rate_yearly) == ("ok", pytest.approx(1.1**12 - 1))


def test_irr_with_two_sign_changes_names_both_rates_and_shows_the_one_closest_to_zero():
    # -100 + 230 x - 132 x^2 = 0 with x = 1 / (1 + r): r = 10 % or 20 % a month
    result = metrics.irr(np.array([-100.0, 230.0, -132.0]))
    assert result.status == "several"
    np.testing.assert_allclose(result.rates_yearly, [1.1**12 - 1, 1.2**12 - 1], rtol=1e-9)
    assert result.rate_yearly == pytest.approx(1.1**12 - 1)


def test_irr_of_flows_that_start_with_money_in_is_not_a_return():
    result = metrics.irr(np.array([1_000.0, -300.0, -300.0, -500.0]))
    assert result.status == "borrowing" and result.rate_yearly is None


@pytest.mark.parametrize(("flows", "status"), [
    ([-1.0, 100.0], "not_meaningful"),         # 9,900 % a month
    ([-1.0, -2.0, -3.0], "none"),               # never changes sign
    ([0.0, 0.0], "none"),
    ([-100.0, 0.0, 0.0, 74.0], "ok"),           # a negative IRR is still meaningful (npf: -9.55 % a month)
])
def test_irr_states(flows, status):
    assert metrics.irr(np.array(flows)).status == status


def test_irr_kpi_explains_a_rate_it_does_not_show():
    s = parse_scenario({**BASE, "company": {"name": "x", "starting_cash": 0},
                        "streams": [{"kind": "data", "name": "d", "contracts": 1, "fee_per_contract_month": 10_000,
                                     "delivery_cost_share": 0}],
                        "opex": {"other_per_month": 1_000, "one_off_costs": [{"name": "GPUs", "month": 3, "cost": 100_000}]}})
    summary = summarize(project(s), s.settings)   # +9,000 a month, then -91,000 in month 3: money in comes first
    assert summary.irr.status == "borrowing"
    kpi = irr_kpi(summary)
    assert kpi.value == "—" and "cost of money" in kpi.note


@pytest.mark.parametrize(
    ("value", "grade"),
    [(0.5, "amazing"), (0.999, "amazing"), (1.0, "great"), (1.49, "great"), (1.5, "good"), (1.99, "good"),
     (2.0, "suspect"), (3.0, "suspect"), (3.01, "bad"), (np.inf, "bad"), (np.nan, "not burning")],
)
def test_burn_multiple_grades_follow_sacks(value, grade):
    assert burn_multiple_grade(value) == grade


def test_burn_multiple_by_hand():
    # data contracts 10 -> grows; burn is payroll. ARR added over months 1..12 and burn over them.
    s = parse_scenario({**BASE, "streams": [{"kind": "data", "name": "d", "contracts": 10, "contracts_growth_monthly": 0.1,
                                             "fee_per_contract_month": 100, "delivery_cost_share": 0}],
                        "opex": {"other_per_month": 5_000}})
    p = project(s)
    mrr = 1000 * 1.1 ** np.arange(13)
    burn = (5_000 - mrr[1:13]).sum()
    added = 12 * (mrr[12] - mrr[0])
    assert metrics.burn_multiple(p)[0] == pytest.approx(burn / added)


def test_default_alive_and_capital_needed_by_hand():
    # cash 100; EBITDA -60, -60, then +10: cash without new money 40, -20 -> dead, needs 20.
    s = parse_scenario({**BASE, "company": {"name": "x", "starting_cash": 100},
                        "streams": [{"kind": "data", "name": "d", "contracts": 1, "fee_per_contract_month": 70,
                                     "delivery_cost_share": 0}],
                        "opex": {"one_off_costs": [{"name": "a", "month": 0, "cost": 70}, {"name": "b", "month": 1, "cost": 70}],
                                 "other_per_month": 60},
                        "funding": [{"name": "A", "month": 1, "amount": 1_000}]})
    p = project(s)
    alive, be, needed = metrics.default_alive(p)
    assert (bool(alive[0]), int(be[0]), float(needed[0])) == (False, 2, pytest.approx(20))
    assert metrics.runway_months(p.cash)[0] == 24  # the round saves it
    assert metrics.peak_funding_need(p.ebitda)[0] == pytest.approx(120)
    assert metrics.payback_month(p.ebitda)[0] == 13  # -120 + 10 * 12 = 0 at month 13, >= 0 from then on
    assert metrics.payback_month(np.array([[-10.0, 5, 5, 5]]))[0] == 2


def test_unit_economics_by_hand():
    # 100 customers steady (10 % churn, 10 new), 10 a month, CAC 50 each, no other cost.
    s = parse_scenario({**BASE, "streams": [{"kind": "subscription", "name": "s", "starting_customers": 100,
                                             "new_customers_per_month": 10, "churn_monthly": 0.1, "price_per_month": 10,
                                             "cac_per_customer": 50}]})
    ue = metrics.unit_economics(project(s))
    assert ue.arpa == pytest.approx(10)
    assert ue.churn_monthly == pytest.approx(0.1)
    assert ue.ltv == pytest.approx(100)  # 10 * 100 % margin / 10 %
    assert ue.cac == pytest.approx(50)
    assert ue.ltv_to_cac == pytest.approx(2)
    assert ue.cac_payback_months == pytest.approx(5)


def test_rule_of_40_by_hand():
    # revenue 100 a month in year 1, 150 in year 2 (growth 50 %), costs 120 a month (year-2 margin 20 %)
    s = parse_scenario({**BASE, "streams": [{"kind": "product_sales", "name": "p", "units_per_month": 1, "price_per_unit": 100}],
                        "opex": {"other_per_month": 120, "one_off_costs": []}})
    p = project(s, {"streams[0].units_per_month": np.array([1.0])})
    revenue = np.r_[np.full(12, 100.0), np.full(12, 150.0)]
    ebitda = revenue - 120
    growth = revenue[12:].sum() / revenue[:12].sum() - 1
    margin = ebitda[12:].sum() / revenue[12:].sum()
    fake = type("P", (), {"revenue": revenue[None], "ebitda": ebitda[None], "months": 24})
    assert metrics.rule_of_40(fake)[0] == pytest.approx(100 * (growth + margin))
    assert metrics.rule_of_40(p)[0] == pytest.approx(100 * (0 + (100 - 120) / 100))


def test_return_on_cost_is_not_meaningful_when_the_cost_is_subnormal():
    # delivery 5e-324 of revenue is the only cost: revenue / cost overflows; no warning, NaN, shown as a dash
    s = parse_scenario({**BASE, "streams": [{"kind": "projects", "name": "P", "deals_per_quarter": 3, "deal_size": 1e5,
                                             "delivery_cost_share": 5e-324}]})
    total, yearly = metrics.return_on_cost(project(s))
    assert np.isnan(total) and np.isnan(yearly)
    ordinary = parse_scenario({**BASE, "streams": [{"kind": "projects", "name": "P", "deals_per_quarter": 3, "deal_size": 1e5,
                                                    "delivery_cost_share": 0.25}]})
    assert metrics.return_on_cost(project(ordinary))[0] == pytest.approx(1 / 0.25 - 1)   # revenue 4x its cost


def test_zero_cash_date_is_the_month_cash_goes_negative():
    s = parse_scenario({**BASE, "company": {"name": "x", "starting_cash": 250, "start_date": "2026-11-01"},
                        "opex": {"other_per_month": 100}})
    summary = summarize(project(s), s.settings)
    assert summary.runway_months == 2 and summary.runs_out
    assert summary.zero_cash_date.isoformat() == "2027-01-01"


def test_presets_give_sensible_headlines():
    winter = summarize(project(s := load_scenario("sample_data/capital_winter_round_slips.yaml")), s.settings)
    assert winter.runs_out and winter.runway_months < 18 and not winter.default_alive
    for name in ("company_a_customer_service", "company_b_data_assistant", "company_c_analytics_platform"):
        s = load_scenario(f"sample_data/{name}.yaml")
        summary = summarize(project(s), s.settings)
        assert 0.5 < summary.gross_margin < 0.8, name  # AI margins run 50-60 %, SaaS 60-80 % (DOMAIN)
        assert not summary.runs_out, name
