import dataclasses
import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from core.analysis import metrics
from core.analysis.metrics import burn_multiple_grade, summarize
from core.engine.projection import project
from core.model import Settings, load_preset, load_scenario, parse_scenario, replace_fields
from core.present.report import irr_kpi
from tests.scenarios import budget, scenarios, three_path_draws

BASE = {"company": {"name": "Hand", "currency": "USD", "starting_cash": 0}, "settings": {"horizon_months": 24}}


@pytest.fixture(scope="module")
def seed002():
    s = load_scenario("sample_data/seed002_nlp_project.yaml")
    return s, project(s)


def test_seed_002_correct_figures_next_to_the_articles_wrong_one(seed002):
    s, p = seed002
    # The article (seed article 002; the README's "seed-002 case"): R_CAP = T_R / (C0 + T_C), T_C = sum(C0 + C1) over the
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


@budget(60)
@given(scenarios())
@example(parse_scenario({**BASE, "streams": [{"kind": "usage", "name": "API", "volume_per_month": 1,
                                              "price_per_unit": 2.2250738585072014e-308}], "opex": {"other_per_month": 1}}))
@example(parse_scenario({**BASE, "streams": [{"kind": "data", "name": "d", "contracts": 1e-300, "fee_per_contract_month": 6e-8,
                                              "delivery_cost_share": 0}], "ai_costs": {"hosting_per_month": 11}}))
def test_every_headline_figure_is_a_number_or_explicitly_undefined(scenario):
    """No overflow warning (filterwarnings=error), and a non-finite value only where it has a meaning."""
    summary = summarize(project(scenario), scenario.settings)
    infinite_allowed = {"burn_multiple"}   # +inf: burning without adding ARR (burn_multiple_state says so)
    for name, value in dataclasses.asdict(summary).items():
        if isinstance(value, float):
            assert not np.isinf(value) or name in infinite_allowed, (name, value)
    assert (summary.burn_multiple_state == "graded") == bool(np.isfinite(summary.burn_multiple))
    assert summary.irr.rate_yearly is None or abs(summary.irr.rate_yearly) <= metrics.IRR_MEANINGFUL_YEARLY


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


# --- boundaries, other horizons, and every path of a batch alike ------------------------------------------------------

def scenario_of(horizon=24, cash=0.0, **parts):
    return parse_scenario({"company": {"name": "Edge", "currency": "USD", "starting_cash": cash},
                           "settings": {"horizon_months": horizon}, **parts})


def test_runway_counts_a_balance_of_exactly_zero_as_cash_that_lasts():
    # "until the month-end cash balance first drops below zero": 0 is not below zero.
    cash = np.array([[100.0, 0.0, 0.0, -1.0], [0.0, 0.0, 0.0, 0.0], [0.5, -0.5, 1.0, 2.0], [-3.0, 5.0, 5.0, 5.0]])
    np.testing.assert_allclose(metrics.runway_months(cash), [3, 4, 1, 0], rtol=0, atol=1e-9)  # whole months
    start = np.array([200.0, 0.0, 1.0, 100.0])
    # row 0: 0 at month 2 then -1: no share of month 3 lasts (prev = 0); row 3: 100 -> -3 in month 0: 100 / 103 of it
    np.testing.assert_allclose(metrics.runway_exact(cash, start), [3.0, 4.0, 1 + 0.5 / 1.0, 100 / 103])


def test_runway_exact_splits_the_month_cash_runs_out_in_linearly():
    cash = np.array([[300.0, 100.0, -50.0, -200.0], [300.0, 200.0, 100.0, 50.0], [-10.0, -20.0, -30.0, -40.0]])
    np.testing.assert_allclose(metrics.runway_exact(cash, np.array([400.0, 400.0, 30.0])), [2 + 100 / 150, 4.0, 30 / 40])
    np.testing.assert_allclose(metrics.runway_months(cash), [2, 4, 0], rtol=0, atol=1e-9)  # whole months
    # starting with no cash at all, a first negative month lasts nothing
    assert metrics.runway_exact(np.array([[-1.0, -2.0]]), np.array([0.0]))[0] == 0.0


def test_runway_exact_stays_quiet_and_finite_at_the_edges_of_floats():
    # prev - now overflows to inf: no warning (warnings are errors here), the share is 0
    result = metrics.runway_exact(np.array([[1e308, -1.7e308]]), np.array([1e308]))
    assert result[0] == 1.0


def test_first_month_and_monthly_rate():
    np.testing.assert_array_equal(metrics.first_month(np.array([[False, True, True], [False, False, False], [True, False, False]])),
                                  [1, -1, 0])
    assert metrics.monthly_rate(0.5) == pytest.approx(1.5 ** (1 / 12) - 1, rel=1e-12)
    assert metrics.monthly_rate(0.0) == 0.0
    assert (1 + metrics.monthly_rate(0.26824179456254)) ** 12 == pytest.approx(1.26824179456254, rel=1e-12)


def test_ebitda_of_exactly_zero_is_break_even():
    ebitda = np.array([[-5.0, 0.0, 3.0], [-5.0, -1e-9, 0.5], [0.0, -1.0, -1.0], [-1.0, -1.0, -1.0]])
    np.testing.assert_array_equal(metrics.break_even_month(ebitda), [1, 2, 0, -1])


def test_a_company_profitable_from_month_zero_is_default_alive_and_needs_nothing():
    s = scenario_of(cash=0.0, streams=[{"kind": "data", "name": "d", "contracts": 1, "fee_per_contract_month": 1_000,
                                        "delivery_cost_share": 0}], opex={"other_per_month": 1_000})
    p = project(s)   # EBITDA exactly 0 every month, no cash: break-even at month 0, never below zero
    np.testing.assert_allclose(p.ebitda[0], 0, atol=1e-9)
    alive, be, needed = metrics.default_alive(p)
    assert (bool(alive[0]), int(be[0]), float(needed[0])) == (True, 0, 0.0)
    summary = summarize(p, s.settings)
    assert summary.break_even_month == 0 and summary.default_alive and summary.capital_needed == 0.0
    assert summary.runway_months == 24 and not summary.runs_out and summary.zero_cash_date is None


@pytest.mark.parametrize("horizon", [12, 24, 37, 120])
def test_a_company_that_never_breaks_even_needs_its_whole_horizons_burn(horizon):
    s = scenario_of(horizon, cash=50_000.0, opex={"other_per_month": 10_000})
    p = project(s)
    alive, be, needed = metrics.default_alive(p)
    # the trough of cash without new money is the last month: 50,000 - 10,000 x horizon
    assert (bool(alive[0]), int(be[0])) == (False, -1)
    assert float(needed[0]) == pytest.approx(10_000 * horizon - 50_000)
    assert metrics.peak_funding_need(p.ebitda)[0] == pytest.approx(10_000 * horizon)
    assert metrics.payback_month(p.ebitda)[0] == -1
    assert metrics.runway_months(p.cash)[0] == 5          # 0 after month 4, -10,000 after month 5
    summary = summarize(p, s.settings)
    assert summary.runway_months == 5 and summary.runs_out and summary.zero_cash_date.isoformat() == "2026-06-01"
    assert summary.cash_end == pytest.approx(50_000 - 10_000 * horizon) and summary.cash_now == 50_000
    assert summary.break_even_month is None and summary.payback_month is None
    assert summary.return_on_cost == -1.0 and summary.return_on_cost_yearly == pytest.approx(-12 / horizon)
    np.testing.assert_allclose(metrics.cash_without_new_money(p)[0], 50_000 - 10_000 * np.arange(1, horizon + 1))


def test_capital_needed_counts_the_break_even_month_and_not_after():
    # cash 100; EBITDA -60, -60 (cash 40, -20), then break-even with -0 ... and a late loss after break-even
    ebitda = np.array([[-60.0, -60.0, 10.0, -500.0]])
    p = type("P", (), {"ebitda": ebitda, "operating_cash": ebitda, "starting_cash": np.array([100.0]), "months": 4})
    alive, be, needed = metrics.default_alive(p)
    assert (bool(alive[0]), int(be[0]), float(needed[0])) == (False, 2, pytest.approx(20))   # month 3's loss is after
    p.ebitda = p.operating_cash = np.array([[-60.0, -40.0, 0.0, -500.0]])                     # cash 40, 0, 0
    alive, be, needed = metrics.default_alive(p)
    assert (bool(alive[0]), int(be[0]), float(needed[0])) == (True, 2, 0.0)


def test_peak_funding_need_and_payback_by_hand():
    ebitda = np.array([[5.0, -10.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0, 1.0], [-1.0, -1.0, -1.0, -1.0, -1.0],
                       [-4.0, 4.0, 0.0, 0.0, 0.0], [-4.0, 4.0, 0.0, 0.0, -1e-9]])
    np.testing.assert_allclose(metrics.peak_funding_need(ebitda), [5.0, 0.0, 5.0, 4.0, 4.0])
    # cumulative: 5, -5, -3, 0, 4 -> from month 3; never negative -> month 0; always negative -> never;
    # back to exactly 0 at month 1 -> from month 1; negative again in the last month -> never
    np.testing.assert_array_equal(metrics.payback_month(ebitda), [3, 0, -1, 1, -1])


def test_npv_of_a_single_flow_is_discounted_by_whole_months():
    flows = np.array([[0.0, 0.0, 121.0]])
    rate = 1.1**12 - 1
    assert metrics.npv(flows, rate, timing="start")[0] == pytest.approx(100.0)
    assert metrics.npv(flows, rate, timing="end")[0] == pytest.approx(100.0 / 1.1)
    assert metrics.scenario_npv(flows, Settings(discount_rate_yearly=rate, cash_flow_timing="start"))[0] == pytest.approx(100.0)
    assert metrics.scenario_npv(flows, Settings(discount_rate_yearly=rate))[0] == pytest.approx(100.0 / 1.1)


def test_irr_just_inside_and_just_above_the_meaningful_limit():
    # yearly 9.5 (950 %) is shown, 10.5 is not: monthly (1 + y)^(1/12) - 1 between the two flows
    shown = metrics.irr(np.array([-1.0, 10.5 ** (1 / 12)]))
    assert shown.status == "ok" and shown.rate_yearly == pytest.approx(9.5, rel=1e-9)
    hidden = metrics.irr(np.array([-1.0, 11.5 ** (1 / 12)]))
    assert hidden.status == "not_meaningful" and hidden.rate_yearly is None
    assert hidden.rates_yearly == (pytest.approx(10.5, rel=1e-9),)


def test_irr_of_a_loss_is_ok_and_of_money_in_first_names_its_rate():
    loss = metrics.irr(np.array([-100.0, 50.0, 40.0]))
    # 50 x + 40 x^2 = 100 with x = 1 / (1 + r): x = (-50 + sqrt(2500 + 16000)) / 80
    x = (-50 + math.sqrt(18_500)) / 80
    assert loss.status == "ok" and loss.rate_yearly == pytest.approx(x ** -12 - 1, rel=1e-9)
    assert loss.rates_yearly == (pytest.approx(x ** -12 - 1, rel=1e-9),)
    borrowing = metrics.irr(np.array([100.0, -110.0]))
    assert borrowing == metrics.Irr(None, "borrowing", (pytest.approx(1.1**12 - 1),))
    assert metrics.irr(np.array([0.0, 0.0, -100.0, 110.0])).rate_yearly == pytest.approx(1.1**12 - 1)  # leading zeros
    assert metrics.irr(np.array([5.0, 7.0])) == metrics.Irr(None, "none")
    assert metrics.irr(np.array([-5.0, 0.0, -7.0])) == metrics.Irr(None, "none")


def test_irr_with_three_sign_changes_but_one_real_rate_is_ok():
    # (x - 0.9)(x^2 - 1.2 x + 1) = -0.9 + 2.08 x - 2.1 x^2 + x^3: signs - + - +, one real root x = 0.9 (1 / (1 + r))
    flows = np.array([-0.9, 2.08, -2.1, 1.0])
    result = metrics.irr(flows)
    assert result.status == "ok" and result.rate_yearly == pytest.approx((1 / 0.9) ** 12 - 1, rel=1e-9)
    assert result.rates_yearly == (pytest.approx((1 / 0.9) ** 12 - 1, rel=1e-9),)


def test_all_rates_keep_only_real_positive_discount_factors():
    base = np.polynomial.polynomial.polyfromroots([1 / 1.1, 1 / 1.2]) * -132   # -100 + 230 x - 132 x^2, roots 1/1.1, 1/1.2
    expected = [1.1**12 - 1, 1.2**12 - 1]
    np.testing.assert_allclose(metrics._all_yearly_rates(base), expected, rtol=1e-9)
    # times (2 + x): a negative root x = -2 is no discount factor
    with_negative = np.polynomial.polynomial.polymul(base, [2.0, 1.0])
    np.testing.assert_allclose(metrics._all_yearly_rates(with_negative), expected, rtol=1e-9)
    # times (0.5 - x + x^2): complex roots 0.5 +- 0.5i (imaginary part below 1) are no rate either
    with_complex = np.polynomial.polynomial.polymul(base, [0.5, -1.0, 1.0])
    np.testing.assert_allclose(metrics._all_yearly_rates(with_complex), expected, rtol=1e-9)
    # a flow of 0 first: the root x = 0 is no rate (and dividing by it must not warn)
    np.testing.assert_allclose(metrics._all_yearly_rates(np.r_[0.0, base]), expected, rtol=1e-9)
    # a root of 1e-27 (a rate of 1e27 a month) overflows when compounded: dropped, without a warning
    np.testing.assert_allclose(metrics._all_yearly_rates(np.polynomial.polynomial.polymul(base, [-1e-27, 1.0])), expected,
                               rtol=1e-9)
    # the same rate twice is listed once
    assert metrics._all_yearly_rates(np.array([-1.0, 1.1])) == (pytest.approx(1.1**12 - 1),)


def test_burn_multiple_at_the_shortest_horizon_uses_months_1_to_11():
    s = scenario_of(12, streams=[{"kind": "data", "name": "d", "contracts": 10, "contracts_growth_monthly": 0.1,
                                  "fee_per_contract_month": 100, "delivery_cost_share": 0}], opex={"other_per_month": 5_000})
    p = project(s)
    mrr = 1000 * 1.1 ** np.arange(12)
    assert metrics.burn_multiple(p)[0] == pytest.approx((5_000 - mrr[1:12]).sum() / (12 * (mrr[11] - mrr[0])))
    longer = project(scenario_of(13, streams=s.model_dump()["streams"], opex={"other_per_month": 5_000}))
    mrr = 1000 * 1.1 ** np.arange(13)
    assert metrics.burn_multiple(longer)[0] == pytest.approx((5_000 - mrr[1:13]).sum() / (12 * (mrr[12] - mrr[0])))


def test_burn_multiple_states_at_exactly_zero_burn_and_zero_arr_added():
    def fake(net_burn, arr):
        return type("P", (), {"net_burn": np.array(net_burn, dtype=float), "arr": np.array(arr, dtype=float), "months": 3})

    # months 1-2: burn 0 in total -> not burning; burn 10, ARR flat -> inf; ARR falls -> inf; ARR +5 -> 2
    bm = metrics.burn_multiple(fake([[99, 5, -5], [0, 4, 6], [0, 4, 6], [0, 4, 6]], [[0, 1, 2], [7, 7, 7], [7, 6, 5], [7, 9, 12]]))
    assert math.isnan(bm[0]) and bm[1] == math.inf and bm[2] == math.inf and bm[3] == pytest.approx(2.0)
    assert [metrics.burn_multiple_state(v) for v in bm] == ["not_burning", "no_arr_added", "no_arr_added", "graded"]
    assert math.isnan(metrics.burn_multiple(fake([[0, -1, 0]], [[0, 5, 9]]))[0])         # money made: nothing to grade


def test_stream_shares_and_herfindahl_use_the_first_year_only():
    rev = np.zeros((2, 3, 24))
    rev[0, 0, :12], rev[0, 1, :12], rev[0, 2, 12:] = 1.0, 3.0, 100.0     # year 2 does not count
    rev[1, 2, :] = 5.0
    np.testing.assert_allclose(metrics.stream_shares(rev), [[0.25, 0.75, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(metrics.herfindahl(rev), [0.625, 1.0])
    np.testing.assert_allclose(metrics.stream_shares(rev, slice(12, 24)), [[0, 0, 1.0], [0, 0, 1.0]])
    np.testing.assert_allclose(metrics.stream_shares(np.zeros((1, 2, 12))), [[0.0, 0.0]])   # no revenue: 0, no warning
    np.testing.assert_allclose(metrics.herfindahl(np.zeros((1, 2, 12))), [0.0])


def test_recurring_share_growth_and_margin_over_two_paths():
    # usage (recurring) 1,000 a month + projects (not recurring) one 3,000 deal a month
    s = scenario_of(24, streams=[{"kind": "usage", "name": "u", "volume_per_month": 100, "price_per_unit": 10},
                                 {"kind": "projects", "name": "p", "deals_per_quarter": 3, "deal_size": 3_000,
                                  "delivery_cost_share": 0.5}])
    p = project(s, {"streams[1].deals_per_quarter": np.array([0.0, 3.0])})
    # path 0: only usage; path 1: + 3,000 / month of projects (half of it delivery cost)
    np.testing.assert_allclose(metrics.recurring_share(p), [1.0, 12_000 / 48_000])
    np.testing.assert_allclose(metrics.gross_margin(p), [1.0, 30_000 / 48_000])
    np.testing.assert_allclose(metrics.gross_margin(p, slice(0, 1)), [1.0, 2_500 / 4_000])
    np.testing.assert_allclose(metrics.gross_margin(p, slice(5, 24)), [1.0, 2_500 / 4_000])
    np.testing.assert_allclose(metrics.revenue_growth_yearly(p), [0.0, 0.0], atol=1e-12)
    none = project(scenario_of(24))
    assert np.isnan(metrics.recurring_share(none)[0]) and np.isnan(metrics.gross_margin(none)[0])
    assert np.isnan(metrics.revenue_growth_yearly(none)[0])


@pytest.mark.parametrize("horizon", [12, 23, 24, 37])
def test_revenue_growth_and_rule_of_40_by_horizon(horizon):
    # revenue grows 2 % a month; costs 80 % of revenue in delivery, nothing else
    s = scenario_of(horizon, streams=[{"kind": "data", "name": "d", "contracts": 10, "contracts_growth_monthly": 0.02,
                                       "fee_per_contract_month": 100, "delivery_cost_share": 0.8}])
    p = project(s)
    if horizon >= 24:   # year 2 over year 1: the growth factor 1.02^12 exactly
        growth = 1.02**12 - 1
    else:               # month 11 over month 0, annualised: (1.02^11)^(12/11)
        growth = (1.02**11) ** (12 / 11) - 1
    assert metrics.revenue_growth_yearly(p)[0] == pytest.approx(growth, rel=1e-9)
    assert metrics.rule_of_40(p)[0] == pytest.approx(100 * (growth + 0.2), rel=1e-9)


def test_rule_of_40_uses_year_twos_margin_when_there_is_a_year_two():
    revenue = np.r_[np.full(12, 100.0), np.full(12, 100.0)]
    ebitda = np.r_[np.full(12, -100.0), np.full(12, 30.0)]
    fake = type("P", (), {"revenue": revenue[None], "ebitda": ebitda[None], "months": 24})
    assert metrics.rule_of_40(fake)[0] == pytest.approx(30.0)
    short = type("P", (), {"revenue": revenue[None, :12], "ebitda": ebitda[None, :12], "months": 12})
    assert metrics.rule_of_40(short)[0] == pytest.approx(-100.0)


def test_ratio_is_nan_without_a_positive_denominator():
    np.testing.assert_array_equal(metrics._ratio(np.array([1.0, 1.0, 0.0, 6.0]), np.array([0.0, -2.0, 0.0, 3.0])),
                                  [np.nan, np.nan, np.nan, 2.0])


def test_unit_economics_without_churn_sales_or_margin():
    sub = {"kind": "subscription", "name": "s", "starting_customers": 100, "new_customers_per_month": 0, "churn_monthly": 0,
           "price_per_month": 10}
    ue = metrics.unit_economics(project(scenario_of(24, streams=[sub])))
    # no churn: LTV infinite; nobody new: no CAC, no ratio, no payback
    assert (ue.arpa, ue.churn_monthly, ue.ltv, ue.cac, ue.ltv_to_cac, ue.cac_payback_months) == (
        pytest.approx(10), 0.0, math.inf, None, None, None)
    free = metrics.unit_economics(project(scenario_of(24, streams=[{**sub, "new_customers_per_month": 10, "churn_monthly": 0.1}])))
    assert free.cac == 0.0 and free.ltv_to_cac is None and free.cac_payback_months == 0.0   # free acquisition
    assert metrics.unit_economics(project(scenario_of(24, streams=[{**sub, "starting_customers": 0}]))) is None
    assert metrics.unit_economics(project(scenario_of(24, streams=[{"kind": "usage", "name": "u", "volume_per_month": 1,
                                                                     "price_per_unit": 1}]))) is None


def test_unit_economics_count_sales_payroll_and_marketing_as_acquisition_and_a_loss_has_no_payback():
    # 100 steady customers, 10 new a month at CAC 50; marketing 400 and one salesperson at 600 a month;
    # inference 12 per customer against a price of 10: gross margin -20 %
    s = scenario_of(24, streams=[{"kind": "subscription", "name": "s", "starting_customers": 100, "new_customers_per_month": 10,
                                  "churn_monthly": 0.1, "price_per_month": 10, "cac_per_customer": 50,
                                  "mtok_per_customer_month": 12}],
                    ai_costs={"cost_per_million_tokens": 1},
                    opex={"marketing_per_month": 400, "team": [{"role": "ae", "function": "sales", "headcount": 1,
                                                                "cost_per_head_month": 600},
                                                               {"role": "eng", "function": "rd", "headcount": 1,
                                                                "cost_per_head_month": 9_999}]})
    ue = metrics.unit_economics(project(s))
    assert ue.cac == pytest.approx(50 + (400 + 600) / 10)          # 150 per new customer; R&D is no acquisition cost
    assert ue.ltv == pytest.approx(10 * -0.2 / 0.1) and ue.ltv_to_cac == pytest.approx(-20 / 150)
    assert ue.cac_payback_months is None


def test_unit_economics_over_a_twelve_month_horizon_and_of_the_second_path():
    sub = {"kind": "subscription", "name": "s", "starting_customers": 100, "new_customers_per_month": 10, "churn_monthly": 0.1,
           "price_per_month": 10, "cac_per_customer": 50}
    p = project(scenario_of(12, streams=[sub]), {"streams[0].price_per_month": np.array([10.0, 20.0])})
    first, second = metrics.unit_economics(p, 0), metrics.unit_economics(p, 1)
    assert first.arpa == pytest.approx(10) and second.arpa == pytest.approx(20)
    assert second.ltv == pytest.approx(200) and second.cac_payback_months == pytest.approx(2.5)


def test_return_on_cost_is_nan_without_cost_and_per_year_over_the_horizon():
    s = scenario_of(24, streams=[{"kind": "data", "name": "d", "contracts": 1, "fee_per_contract_month": 100,
                                  "delivery_cost_share": 0}])
    total, yearly = metrics.return_on_cost(project(s))
    assert np.isnan(total) and np.isnan(yearly)
    s = scenario_of(36, streams=[{"kind": "data", "name": "d", "contracts": 1, "fee_per_contract_month": 300,
                                  "delivery_cost_share": 0}], opex={"other_per_month": 200})
    p = project(s, {"opex.other_per_month": np.array([200.0, 100.0])})
    assert metrics.return_on_cost(p, 0) == (pytest.approx(0.5), pytest.approx(0.5 / 3))
    assert metrics.return_on_cost(p, 1) == (pytest.approx(2.0), pytest.approx(2.0 / 3))


def test_summary_fields_of_a_growing_company_by_hand():
    # data: 10 contracts x 1,000, +5 % a month; 8,000 a month of costs; 20,000 in the bank; 36 months at 0 % discount
    s = parse_scenario({"company": {"name": "Grow", "starting_cash": 20_000, "start_date": "2026-03-01"},
                        "settings": {"horizon_months": 36, "discount_rate_yearly": 0.0},
                        "streams": [{"kind": "data", "name": "d", "contracts": 10, "contracts_growth_monthly": 0.05,
                                     "fee_per_contract_month": 1_000, "delivery_cost_share": 0}],
                        "opex": {"other_per_month": 12_000}})
    p = project(s)
    revenue = 10_000 * 1.05 ** np.arange(36)
    ebitda = revenue - 12_000
    summary = summarize(p, s.settings)
    be = int(np.argmax(ebitda >= 0))                                  # 1.05^t >= 1.2: t = 4
    assert be == 4 and summary.break_even_month == 4
    cash = 20_000 + np.cumsum(ebitda)
    assert summary.cash_end == pytest.approx(cash[-1]) and summary.npv == pytest.approx(ebitda.sum())
    assert summary.runway_months == 36 and not summary.runs_out and summary.default_alive
    assert summary.peak_funding_need == pytest.approx(-np.cumsum(ebitda).min())
    assert summary.payback_month == int(np.argmax(np.cumsum(ebitda) >= 0))
    assert summary.gross_margin == pytest.approx(1.0) and summary.herfindahl == pytest.approx(1.0)
    assert summary.burn_multiple_state == "not_burning" and summary.burn_multiple_grade == "not burning"
    assert summary.rule_of_40 == pytest.approx(100 * (1.05**12 - 1 + ebitda[12:24].sum() / revenue[12:24].sum()))
    assert summary.irr.status == metrics.irr(ebitda).status == "not_meaningful"     # -2,000 growing to +39,000 a month
    assert summary.irr.rates_yearly == pytest.approx(metrics.irr(ebitda).rates_yearly, rel=1e-9)
    assert summary.unit_economics is None and summary.cash_flow_timing == "end"
    total = revenue.sum() / (12_000 * 36) - 1
    assert (summary.return_on_cost, summary.return_on_cost_yearly) == (pytest.approx(total), pytest.approx(total / 3))


def _knife_edge(p, path: int) -> bool:
    """Whether a month's cash, EBITDA or operating cash (or their running totals) is within float noise of 0 without
    being 0: its sign, and the whole months read from it (runway, payback, break-even), then depend on the order in
    which a batch and a single projection add their lines (7e-12 of cash after 32,770 a month in and out)."""
    for line in (p.cash[path], p.ebitda[path], p.operating_cash[path]):
        for values in (line, np.cumsum(line)):
            noise = 1e-9 * max(1.0, float(np.abs(values).max()))
            if ((values != 0) & (np.abs(values) < noise)).any():
                return True
    return False


@given(scenario=scenarios(), data=st.data())
@budget(30)
def test_every_path_of_a_batch_gets_the_metrics_of_its_own_projection(scenario, data):
    """Vectorised over paths: path i of a batch equals the single projection of path i's draws (no mixing across paths)."""
    draws = three_path_draws(scenario, data)
    if scenario.opex.team:
        draws["opex.team[0].headcount"] = np.array([0.0, 1.0, 5.0])
    batch = project(scenario, draws)
    for i in range(3):
        one = project(scenario, {k: v[i : i + 1] for k, v in draws.items()})
        assume(not _knife_edge(batch, i) and not _knife_edge(one, 0))
        pairs = [
            (metrics.runway_months(batch.cash)[i], metrics.runway_months(one.cash)[0]),
            (metrics.runway_exact(batch.cash, batch.starting_cash)[i], metrics.runway_exact(one.cash, one.starting_cash)[0]),
            (metrics.break_even_month(batch.ebitda)[i], metrics.break_even_month(one.ebitda)[0]),
            (metrics.payback_month(batch.ebitda)[i], metrics.payback_month(one.ebitda)[0]),
            (metrics.peak_funding_need(batch.ebitda)[i], metrics.peak_funding_need(one.ebitda)[0]),
            (metrics.burn_multiple(batch)[i], metrics.burn_multiple(one)[0]),
            (metrics.herfindahl(batch.stream_revenue)[i], metrics.herfindahl(one.stream_revenue)[0]),
            (metrics.recurring_share(batch)[i], metrics.recurring_share(one)[0]),
            (metrics.revenue_growth_yearly(batch)[i], metrics.revenue_growth_yearly(one)[0]),
            (metrics.rule_of_40(batch)[i], metrics.rule_of_40(one)[0]),
            (metrics.gross_margin(batch)[i], metrics.gross_margin(one)[0]),
            (metrics.scenario_npv(batch.ebitda, scenario.settings)[i], metrics.scenario_npv(one.ebitda, scenario.settings)[0]),
        ]
        pairs += list(zip(metrics.default_alive(batch), metrics.default_alive(one), strict=True))
        pairs = [(a[i], b[0]) if np.ndim(a) else (a, b) for a, b in pairs]
        for k, (a, b) in enumerate(pairs):
            np.testing.assert_allclose(float(a), float(b), rtol=1e-9, atol=1e-6, equal_nan=True, err_msg=str(k))
        np.testing.assert_allclose(metrics.stream_shares(batch.stream_revenue)[i], metrics.stream_shares(one.stream_revenue)[0],
                                   rtol=1e-9, atol=1e-12)
        whole, alone = summarize(batch, scenario.settings, i), summarize(one, scenario.settings)
        for field in ("runway_months", "runs_out", "zero_cash_date", "break_even_month", "default_alive", "payback_month",
                      "burn_multiple_state", "burn_multiple_grade", "cash_flow_timing"):
            assert getattr(whole, field) == getattr(alone, field), field
        for field in ("cash_now", "cash_end", "capital_needed", "burn_multiple", "gross_margin", "npv", "peak_funding_need",
                      "herfindahl", "rule_of_40", "return_on_cost", "return_on_cost_yearly"):
            np.testing.assert_allclose(getattr(whole, field), getattr(alone, field), rtol=1e-9, atol=1e-6, equal_nan=True,
                                       err_msg=field)
        assert whole.irr.status == alone.irr.status
        assert (whole.unit_economics is None) == (alone.unit_economics is None)
        np.testing.assert_allclose(metrics.return_on_cost(batch, i), metrics.return_on_cost(one), rtol=1e-9, equal_nan=True)
        ue_batch, ue_one = metrics.unit_economics(batch, i), metrics.unit_economics(one)
        assert (ue_batch is None) == (ue_one is None)
        if ue_one is not None:
            for field in ("arpa", "churn_monthly", "ltv"):
                np.testing.assert_allclose(getattr(ue_batch, field), getattr(ue_one, field), rtol=1e-9, atol=1e-9)


def test_edges_of_ratios_below_one():
    # ARR added 0.5 (below 1): still graded, burn / 0.5
    fake = type("P", (), {"net_burn": np.array([[0.0, 1.0, 1.0]]), "arr": np.array([[10.0, 10.2, 10.5]]), "months": 3})
    assert metrics.burn_multiple(fake)[0] == pytest.approx(4.0)
    # a short horizon's Rule of 40 margin is year one's, month 0 included
    revenue = np.r_[1_000.0, np.full(11, 100.0)]
    ebitda = np.r_[900.0, np.full(11, -100.0)]
    short = type("P", (), {"revenue": revenue[None], "ebitda": ebitda[None], "months": 12})
    margin = ebitda.sum() / revenue.sum()
    growth = (100 / 1_000) ** (12 / 11) - 1
    assert metrics.rule_of_40(short)[0] == pytest.approx(100 * (growth + margin))


def test_a_subscription_that_keeps_nothing_has_no_lifetime_value_even_without_churn():
    # price 10, inference 10 per customer: margin 0; no churn: LTV is 0 / 0 -> infinite by convention (no churn)
    sub = {"kind": "subscription", "name": "s", "starting_customers": 100, "churn_monthly": 0, "price_per_month": 10,
           "mtok_per_customer_month": 10}
    ue = metrics.unit_economics(project(scenario_of(24, streams=[sub], ai_costs={"cost_per_million_tokens": 1})))
    assert ue.ltv == math.inf and ue.churn_monthly == 0.0 and ue.arpa == pytest.approx(10)


def test_summary_of_a_company_even_from_month_zero_pays_back_at_once():
    s = scenario_of(cash=0.0, streams=[{"kind": "data", "name": "d", "contracts": 1, "fee_per_contract_month": 1_000,
                                        "delivery_cost_share": 0}], opex={"other_per_month": 1_000})
    summary = summarize(project(s), s.settings)
    assert summary.payback_month == 0 and summary.peak_funding_need == 0.0 and summary.break_even_month == 0


@given(scenario=scenarios(), data=st.data())
@budget(20)
def test_unit_economics_of_any_path_are_those_of_its_own_projection(scenario, data):
    subs = [i for i, s in enumerate(scenario.streams) if s.kind == "subscription"]
    assume(subs)
    i = subs[0]
    draws = {f"streams[{i}].price_per_month": np.array(data.draw(st.lists(st.floats(1, 5000), min_size=3, max_size=3))),
             f"streams[{i}].churn_monthly": np.array([0.0, 0.1, 0.5])}
    batch = project(scenario, draws)
    for k in range(3):
        one = project(scenario, {key: v[k : k + 1] for key, v in draws.items()})
        a, b = summarize(batch, scenario.settings, k).unit_economics, summarize(one, scenario.settings).unit_economics
        assert (a is None) == (b is None)
        if b is not None:
            for field in ("arpa", "churn_monthly", "cac", "ltv", "ltv_to_cac", "cac_payback_months"):
                x, y = getattr(a, field), getattr(b, field)
                assert (x is None) == (y is None), field
                if y is not None:
                    np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-9, err_msg=field)


def test_irr_statuses_at_their_edges():
    # -1 + x - x^2 = 0 has no real root: the flows change sign, yet no rate solves them
    assert metrics.irr(np.array([-1.0, 1.0, -1.0])) == metrics.Irr(None, "none")
    # a first flow of 0 does not count: money in first is borrowing
    assert metrics.irr(np.array([0.0, 100.0, -110.0])).status == "borrowing"
    # flows below 1 in size are flows all the same
    small = metrics.irr(np.array([-0.5, 0.55]))
    assert small.status == "ok" and small.rate_yearly == pytest.approx(1.1**12 - 1)
    assert metrics.irr(np.array([0.5, -0.6])).status == "borrowing"
    assert metrics.irr(np.array([0.5, 0.6])).status == "none" and metrics.irr(np.array([-0.5, -0.6])).status == "none"
    assert metrics.irr(np.array([-0.5])) == metrics.Irr(None, "none")


def test_payback_in_the_last_month():
    np.testing.assert_array_equal(metrics.payback_month(np.array([[-1.0, -1.0, 5.0], [-1.0, -1.0, 2.0], [3.0, -1.0, -1.0]])),
                                  [2, 2, 0])


def test_return_on_a_cost_below_one():
    s = scenario_of(24, streams=[{"kind": "data", "name": "d", "contracts": 1, "fee_per_contract_month": 100,
                                  "delivery_cost_share": 0}], opex={"other_per_month": 0.01})
    total, yearly = metrics.return_on_cost(project(s))
    assert total == pytest.approx(2_400 / 0.24 - 1) and yearly == pytest.approx(total / 2)


def test_a_burn_below_one_is_still_a_burn():
    fake = type("P", (), {"net_burn": np.array([[9.0, 0.25, 0.25]]), "arr": np.array([[10.0, 12.0, 15.0]]), "months": 3})
    assert metrics.burn_multiple(fake)[0] == pytest.approx(0.1)


def test_a_short_horizons_rule_of_40_margin_is_year_ones_not_the_whole_horizons():
    revenue = np.full(18, 100.0)
    ebitda = np.r_[np.full(12, 10.0), np.full(6, -90.0)]
    fake = type("P", (), {"revenue": revenue[None], "ebitda": ebitda[None], "months": 18})
    assert metrics.rule_of_40(fake)[0] == pytest.approx(100 * (0.0 + 0.1))


def test_unit_economics_are_of_the_first_twelve_months_month_0_included():
    # 100 steady customers, prices up 5 % a month: ARPA is the year-1 mean of 10 x 1.05^t
    sub = {"kind": "subscription", "name": "s", "starting_customers": 100, "new_customers_per_month": 10, "churn_monthly": 0.1,
           "price_per_month": 10, "expansion_monthly": 0.05, "cac_per_customer": 50}
    ue = metrics.unit_economics(project(scenario_of(24, streams=[sub])))
    assert ue.arpa == pytest.approx(10 * (1.05**12 - 1) / 0.05 / 12)


def test_unit_economics_of_a_fraction_of_a_customer_and_of_customers_that_only_arrive_at_months_end():
    tiny = {"kind": "subscription", "name": "s", "starting_customers": 0.05, "churn_monthly": 0.1, "price_per_month": 10}
    ue = metrics.unit_economics(project(scenario_of(24, streams=[tiny])))
    assert ue is not None and ue.arpa == pytest.approx(10) and ue.churn_monthly == pytest.approx(0.1)
    # an 11-month trial: the first payers arrive in month 11, nobody was a customer at the start of a year-1 month
    late = {"kind": "subscription", "name": "s", "new_customers_per_month": 10, "churn_monthly": 0.1, "price_per_month": 10,
            "trial": {"months": 11, "conversion": 1.0}}
    ue = metrics.unit_economics(project(scenario_of(24, streams=[late])))
    assert ue.churn_monthly == 0.0 and ue.ltv == math.inf and ue.arpa == pytest.approx(10)


def test_the_summary_of_the_second_path_is_that_paths():
    sub = {"kind": "subscription", "name": "s", "starting_customers": 100, "new_customers_per_month": 10, "churn_monthly": 0.1,
           "price_per_month": 10, "cac_per_customer": 50}
    s = scenario_of(24, cash=5_000.0, streams=[sub], opex={"other_per_month": 800})
    p = project(s, {"streams[0].price_per_month": np.array([10.0, 30.0]), "opex.other_per_month": np.array([800.0, 100.0])})
    second = summarize(p, s.settings, 1)
    alone = project(s, {"streams[0].price_per_month": np.array([30.0]), "opex.other_per_month": np.array([100.0])})
    assert second.unit_economics == metrics.unit_economics(p, 1) == metrics.unit_economics(alone)
    assert second.unit_economics.arpa == pytest.approx(30)
    assert (second.return_on_cost, second.return_on_cost_yearly) == metrics.return_on_cost(alone)
    assert second.return_on_cost == pytest.approx(30 * 100 * 24 / ((50 * 10 + 100) * 24) - 1)
    assert second.npv == pytest.approx(metrics.scenario_npv(alone.ebitda, s.settings)[0])
    assert summarize(p, s.settings, 0).unit_economics.arpa == pytest.approx(10)


def test_default_alive_stops_at_a_break_even_in_month_0():
    flows = np.array([[5.0, -100.0, -100.0]])
    fake = type("P", (), {"ebitda": flows, "operating_cash": flows, "starting_cash": np.array([0.0]), "months": 3})
    alive, be, needed = metrics.default_alive(fake)
    assert (bool(alive[0]), int(be[0]), float(needed[0])) == (True, 0, 0.0)


def test_ratios_and_shares_of_amounts_below_one():
    np.testing.assert_allclose(metrics._ratio(np.array([1.0, 0.3]), np.array([0.5, 0.6])), [2.0, 0.5])
    rev = np.zeros((1, 2, 12))
    rev[0, 0, 0], rev[0, 1, 0] = 0.1, 0.3
    np.testing.assert_allclose(metrics.stream_shares(rev), [[0.25, 0.75]])


def test_payback_of_acquisition_needs_a_positive_margin_and_under_one_new_customer_a_year_has_a_cac():
    base = {"kind": "subscription", "name": "s", "starting_customers": 100, "new_customers_per_month": 10, "churn_monthly": 0.1,
            "price_per_month": 10, "cac_per_customer": 50}
    # inference 10 per customer against a price of 10: margin exactly 0, a CAC but no payback
    zero = metrics.unit_economics(project(scenario_of(24, streams=[{**base, "mtok_per_customer_month": 10}],
                                                      ai_costs={"cost_per_million_tokens": 1})))
    assert zero.cac == pytest.approx(50) and zero.cac_payback_months is None
    # inference 9.5: a margin of 0.5 a customer-month pays 50 back in 100 months
    thin = metrics.unit_economics(project(scenario_of(24, streams=[{**base, "mtok_per_customer_month": 9.5}],
                                                      ai_costs={"cost_per_million_tokens": 1})))
    assert thin.cac_payback_months == pytest.approx(100)
    half = metrics.unit_economics(project(scenario_of(24, streams=[{**base, "new_customers_per_month": 0.05}])))
    assert half.cac == pytest.approx(50)                    # 0.6 new customers in year 1 (below 1) still have a CAC


def test_npv_runway_and_default_alive_count_cash_when_it_moves():
    # the same company paid 90 days later: the same P&L, less cash early on
    base = load_preset("sample_data/company_c_analytics_platform.yaml")
    late = replace_fields(base, {f"streams[{i}].payment_days": 90 for i in range(len(base.streams))})
    p, q = project(base), project(late)
    np.testing.assert_allclose(q.ebitda, p.ebitda)
    a, b = summarize(p, base.settings), summarize(q, late.settings)
    # the flows: EBITDA less the cash tied up (three months' revenue growth held as receivables)
    flows = q.ebitda[0] - q.working_capital[0] - q.tax[0] + q.tax_credit[0]
    assert b.npv == pytest.approx(float(metrics.npv(flows[None], late.settings.discount_rate_yearly,
                                                    timing=late.settings.cash_flow_timing)[0]))
    assert b.npv < a.npv and b.peak_funding_need >= a.peak_funding_need
    assert (q.cash[0] <= p.cash[0] + 1e-6).all() and q.working_capital[0].sum() > 0


def test_the_working_capital_rebuilt_from_the_cash_is_0_when_nothing_is_owed_whatever_the_cash():
    """100,000 a month collected at 30 days, terms new at the start: month 0 ties up 100,000, later months nothing. The
    working capital comes back from the cash identity, where 500,000 of starting cash left 5.8e-11 of float noise
    in it: the operating cash of month 0 read below 0 and the payback month 1 instead of 0 on that path alone."""
    s = parse_scenario({**BASE, "settings": {"horizon_months": 12, "terms_before_start": False},
                        "streams": [{"kind": "data", "name": "d", "contracts": 1, "fee_per_contract_month": 131_521.95309238,
                                     "delivery_cost_share": 0, "payment_days": 30}]})
    batch = project(s, {"company.starting_cash": np.array([0.0, 500_000.0, 2_000_000.0])})
    assert (batch.working_capital[:, 1:] == 0).all()
    for i in range(3):
        alone = project(s, {"company.starting_cash": batch.starting_cash[i:i + 1]})
        assert summarize(batch, s.settings, i).payback_month == summarize(alone, s.settings).payback_month == 0
