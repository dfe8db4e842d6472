import dataclasses
import math
from datetime import date

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.analysis.metrics import runway_months
from core.engine.projection import _Clock, project
from core.engine.reference import reference_breakdown, reference_project
from core.model import field_bounds, load_scenario, parse_scenario, replace_fields
from tests.scenarios import STREAMS, budget, scenarios, three_path_draws

BASE = {"company": {"name": "Hand", "currency": "USD", "starting_cash": 10_000}, "settings": {"horizon_months": 24}}


def make(**parts):
    return parse_scenario({**BASE, **parts})


def test_steady_subscription_by_hand():
    # 100 customers, 10 % churn, 10 new a month: 100 * 0.9 + 10 = 100 every month.
    s = make(streams=[{"kind": "subscription", "name": "s", "starting_customers": 100, "new_customers_per_month": 10,
                       "churn_monthly": 0.1, "price_per_month": 10, "mtok_per_customer_month": 2}],
             ai_costs={"cost_per_million_tokens": 0.5})
    p = project(s)
    np.testing.assert_allclose(p.customers[0], 100)
    np.testing.assert_allclose(p.revenue[0], 1000)
    np.testing.assert_allclose(p.churned_customers[0], 10)
    np.testing.assert_allclose(p.cost_of_revenue_items["inference"][0], 100)  # 200 Mtok * 0.5
    np.testing.assert_allclose(p.cash[0, :3], [10_900, 11_800, 12_700])


def test_trial_delays_conversion_and_trial_users_cost_inference():
    # 10 sign-ups a month, 2-month trial, half convert, no churn.
    s = make(streams=[{"kind": "subscription", "name": "s", "new_customers_per_month": 10, "churn_monthly": 0,
                       "price_per_month": 1, "trial": {"months": 2, "conversion": 0.5}, "mtok_per_customer_month": 1}],
             ai_costs={"cost_per_million_tokens": 1})
    p = project(s)
    np.testing.assert_allclose(p.new_customers[0, :5], [0, 0, 5, 5, 5])
    np.testing.assert_allclose(p.customers[0, :5], [0, 0, 5, 10, 15])
    np.testing.assert_allclose(p.tokens[0, :4], [10, 20, 25, 30])  # trialists + payers


def test_usage_price_declines_smoothly_per_year():
    s = make(streams=[{"kind": "usage", "name": "api", "volume_per_month": 100, "price_per_unit": 10,
                       "price_decline_yearly": 0.36}])
    # month 6: 10 * (1 - 0.36) ** 0.5 = 8; month 12: 6.4
    assert project(s).revenue[0, 6] == pytest.approx(800)
    assert project(s).revenue[0, 12] == pytest.approx(640)


def test_advertising_projects_data_and_product_sales_by_hand():
    s = make(streams=[
        {"kind": "advertising", "name": "ads", "monthly_active_users": 100_000, "impressions_per_user_month": 30, "cpm": 2},
        {"kind": "projects", "name": "proj", "deals_per_quarter": 3, "deal_size": 50_000, "delivery_cost_share": 0.4},
        {"kind": "data", "name": "data", "contracts": 4, "fee_per_contract_month": 2_500, "delivery_cost_share": 0.1},
        {"kind": "product_sales", "name": "box", "units_per_month": 2, "price_per_unit": 9_000, "cost_per_unit": 4_000},
    ])
    p = project(s)
    # ads 100k * 30 / 1000 * 2 = 6,000; projects 1 deal a month = 50,000; data 10,000; boxes 18,000
    np.testing.assert_allclose(p.stream_revenue[0, :, 0], [6_000, 50_000, 10_000, 18_000])
    assert p.cost_of_revenue_items["delivery"][0, 0] == pytest.approx(20_000 + 1_000 + 8_000)
    assert p.mrr[0, 0] == pytest.approx(10_000)  # only data is recurring here


def test_payroll_starts_ends_and_gets_a_yearly_raise():
    s = make(opex={"team": [{"role": "eng", "headcount": 2, "cost_per_head_month": 1_000, "start_month": 3, "end_month": 14}],
                   "salary_growth_yearly": 0.1})
    payroll = project(s).opex["payroll"][0]
    np.testing.assert_allclose(payroll[[2, 3, 11, 12, 13, 14]], [0, 2_000, 2_000, 2_200, 2_200, 0])


def test_debt_pays_monthly_interest_then_principal():
    s = make(funding=[{"name": "loan", "month": 1, "amount": 12_000, "kind": "debt", "interest_rate_yearly": 0.12,
                       "term_months": 3}])
    p = project(s)
    np.testing.assert_allclose(p.funding_in[0, :6], [0, 12_000, 0, 0, 0, 0])
    np.testing.assert_allclose(p.debt_service[0, :6], [0, 0, 120, 120, 12_120, 0])


def money_scale(totals: dict[str, list[float]]) -> float:
    """The largest money flow or balance of a projection: cash sums flows that cancel (collected less paid), so two
    code paths agree to a few ulps of it, not of the result."""
    return 1 + max(np.abs(totals[k]).max(initial=0) for k in ("revenue", "cost_of_revenue", "opex_total", "funding_in",
                                                              "debt_service", "cash"))


def assert_totals_match(p, totals, path=0):
    atol = 1e-9 * money_scale(totals)
    for key, values in totals.items():
        np.testing.assert_allclose(getattr(p, key)[path], values, rtol=1e-9, atol=atol, err_msg=key)


@given(scenario=scenarios())
@example(scenario=make(streams=[{"kind": "usage", "name": "API", "volume_per_month": 10, "volume_growth_monthly": 0.05,
                                 "price_per_unit": 1, "billing": "annual", "upfront_share": 1.0}]))
@budget(60)
def test_engine_matches_the_month_by_month_reference(scenario):
    assert_totals_match(project(scenario), reference_project(scenario))


@given(scenario=scenarios(), data=st.data())
@budget(30)
def test_each_drawn_path_matches_the_reference_with_those_values(scenario, data):
    draws = three_path_draws(scenario, data)
    if scenario.funding:
        draws["funding[0].month"] = np.array([0.0, 3.0, 7.4])
    p = project(scenario, draws)
    assert p.cash.shape == (3, scenario.settings.horizon_months)
    for i in range(3):
        ref = reference_project(scenario, {k: v[i] for k, v in draws.items()})
        np.testing.assert_allclose(p.cash[i], ref["cash"], rtol=1e-9, atol=1e-9 * money_scale(ref))


@given(scenario=scenarios())
@budget(60)
def test_cash_identity_holds_every_month_and_everything_is_finite(scenario):
    p = project(scenario)
    previous = np.concatenate([p.starting_cash[:, None], p.cash[:, :-1]], axis=1)
    scale = 1 + np.abs(p.cash).max()
    np.testing.assert_allclose(p.cash - previous, p.funding_in - p.net_burn, atol=1e-6 * scale)
    np.testing.assert_allclose(p.net_burn, p.cost_of_revenue + p.opex_total + p.debt_service + p.tax - p.tax_credit
                               - p.revenue + p.working_capital, atol=1e-6 * scale)
    np.testing.assert_allclose(p.revenue, p.stream_revenue.sum(axis=1), atol=1e-6 * scale)
    partners = p.stream_revenue[:, len(scenario.streams):].sum(axis=1)
    np.testing.assert_allclose(p.round_flows.sum(axis=1), p.funding_in - p.debt_service - p.opex["grant_matching"] + partners,
                               atol=1e-6 * scale)
    assert (np.cumsum(p.tax, axis=1) >= -1e-9 * scale).all() and (p.tax_credit >= 0).all()  # a settlement may refund
    for name in ("revenue", "cost_of_revenue", "opex_total", "cash", "customers", "tokens", "headcount", "tax", "tax_credit"):
        assert np.isfinite(getattr(p, name)).all(), name


@given(scenario=scenarios(), extra=st.floats(0, 1e7))
@budget(60)
def test_more_starting_cash_never_shortens_runway(scenario, extra):
    richer = scenario.model_copy(update={"company": scenario.company.model_copy(
        update={"starting_cash": scenario.company.starting_cash + extra})})
    assert runway_months(project(richer).cash)[0] >= runway_months(project(scenario).cash)[0]


@given(scenario=scenarios(), subscription=STREAMS["subscription"])
@budget(40)
def test_higher_churn_never_raises_subscription_revenue(scenario, subscription):
    """Every random scenario with one more subscription stream (drawn, not filtered for: filtering out the
    scenarios without one failed Hypothesis's health check)."""
    scenario = replace_fields(scenario, {"streams": [*(x.model_dump() for x in scenario.streams[:19]),
                                                     {"kind": "subscription", "name": "subscription stream", **subscription}]})
    subs = [i for i, s in enumerate(scenario.streams) if s.kind == "subscription"]
    churn = np.array([0.0, 0.05, 0.2, 0.6, 0.9])
    p = project(scenario, {f"streams[{i}].churn_monthly": churn for i in subs})
    revenue = p.stream_revenue[:, subs, :].sum(axis=1)
    assert (np.diff(revenue, axis=0) <= 1e-9 * (1 + revenue[:-1])).all()


def test_draws_must_name_real_inputs_and_agree_on_paths():
    s = make()
    with pytest.raises(KeyError, match=r"streams\[0\]\.churn_monthly"):
        project(s, {"streams[0].churn_monthly": np.array([0.1])})
    with pytest.raises(ValueError, match="same number of paths"):
        project(s, {"company.starting_cash": np.ones(2), "opex.marketing_per_month": np.ones(3)})


def test_monthly_table_has_a_row_per_month_and_the_named_columns():
    s = make(streams=[{"kind": "usage", "name": "API", "volume_per_month": 1, "price_per_unit": 1}])
    frame = project(s).to_frame()
    assert len(frame) == 24
    assert {"month", "date", "revenue: API", "cash", "net_burn", "mrr", "arr"} <= set(frame.columns)
    assert str(frame["date"].iloc[13]) == "2027-02-01"


@pytest.mark.parametrize(("demand", "factor"), [
    ({"model": "constant_elasticity", "elasticity": 2.0}, 0.25),            # (2p / p)^-2
    ({"model": "linear", "choke_price": 30.0}, (30 - 20) / (30 - 10)),      # straight line to 0 at 30
    ({"model": "wtp", "median_wtp": 10.0, "wtp_sigma": 0.5}, 0.5 * math.erfc(math.log(2) / 0.5 / math.sqrt(2)) / 0.5),
])
def test_doubling_the_price_moves_volume_as_the_demand_model_says(demand, factor):
    usage = {"kind": "usage", "name": "API", "volume_per_month": 1000, "price_per_unit": 10, "demand": demand}
    base = project(make(streams=[usage]))
    doubled = project(make(streams=[usage]), {"streams[0].price_per_unit": np.array([20.0])})
    np.testing.assert_allclose(doubled.tokens[0], factor * base.tokens[0])
    np.testing.assert_allclose(doubled.revenue[0], 2 * factor * base.revenue[0])


def test_a_subscriptions_price_scales_its_customer_base_and_its_sign_ups():
    sub = {"kind": "subscription", "name": "Seats", "starting_customers": 100, "new_customers_per_month": 10,
           "churn_monthly": 0, "price_per_month": 50, "demand": {"model": "constant_elasticity", "elasticity": 1.0}}
    p = project(make(streams=[sub]), {"streams[0].price_per_month": np.array([50.0, 100.0])})
    np.testing.assert_allclose(p.customers[:, 0], [110, 55])   # twice the price, half of (100 existing + 10 new)


def test_units_times_the_price_path_is_the_streams_revenue():
    usage = {"kind": "usage", "name": "API", "volume_per_month": 1000, "volume_growth_monthly": 0.05,
             "price_per_unit": 2, "price_decline_yearly": 0.5}
    seats = {"kind": "subscription", "name": "Seats", "starting_customers": 10, "churn_monthly": 0.1, "price_per_month": 50}
    p = project(make(streams=[usage, seats]))
    t = np.arange(24)
    np.testing.assert_allclose(p.stream_units[0, 0], 1000 * 1.05**t)
    np.testing.assert_allclose(p.stream_revenue[0, 0], 1000 * 1.05**t * 2 * 0.5 ** (t / 12))
    np.testing.assert_allclose(p.stream_units[0, 1], 10 * 0.9 ** (t + 1))           # paying customers at month end
    np.testing.assert_allclose(p.stream_units[0, 1], p.customers[0])


# --- every line item against the reference; horizons other than the default -------------------------------------------

LINE_GROUPS = ("cost_of_revenue_items", "opex", "payroll_by_function", "headcount_by_function", "leavers_by_function",
               "ramp_lost_by_function")


def assert_matches_breakdown(p, scenario, draws=None, path=0):
    totals, lines = reference_breakdown(scenario, draws)
    assert_totals_match(p, totals, path)
    atol = 1e-9 * money_scale(totals)
    for key in ("stream_revenue", "stream_units", "round_flows"):
        engine = getattr(p, key)[path]
        assert engine.shape[0] == len(lines[key]), key
        for k, values in enumerate(lines[key]):
            np.testing.assert_allclose(engine[k], values, rtol=1e-9, atol=atol, err_msg=f"{key}[{k}]")
    for group in LINE_GROUPS:
        engine = getattr(p, group)
        assert list(engine) == list(lines[group]), group        # the same items, in the documented order
        for item, values in lines[group].items():
            np.testing.assert_allclose(engine[item][path], values, rtol=1e-9, atol=atol, err_msg=f"{group}.{item}")
    for key, value in lines["opening"].items():  # balances at the start (all 0 without timing and history)
        kept = p.opening if key in p.opening else p.timing.opening if p.timing is not None else {}
        row = kept.get(key, np.zeros((1, 1)))
        assert row[min(path, row.shape[0] - 1), 0] == pytest.approx(value, rel=1e-9, abs=atol), key


@given(scenario=scenarios())
@budget(60)
def test_every_line_item_matches_the_reference(scenario):
    """ARR, units per stream, each round's flow, each cost-of-revenue item, opex category and function's payroll."""
    assert_matches_breakdown(project(scenario), scenario)


def test_the_reference_breakdown_adds_up_to_its_totals():
    s = load_scenario("sample_data/capital_winter_round_slips.yaml")
    totals, lines = reference_breakdown(s)
    np.testing.assert_allclose(np.sum(list(lines["cost_of_revenue_items"].values()), axis=0), totals["cost_of_revenue"])
    np.testing.assert_allclose(np.sum(list(lines["opex"].values()), axis=0), totals["opex_total"])
    np.testing.assert_allclose(np.sum(list(lines["payroll_by_function"].values()), axis=0), lines["opex"]["payroll"])
    np.testing.assert_allclose(np.sum(lines["stream_revenue"], axis=0), totals["revenue"])
    np.testing.assert_allclose(np.sum(lines["round_flows"], axis=0), np.subtract(totals["funding_in"], totals["debt_service"]))


ALL_KINDS = [
    {"kind": "subscription", "name": "Seats", "starting_customers": 40, "new_customers_per_month": 6, "churn_monthly": 0.04,
     "new_customer_growth_monthly": 0.02, "price_per_month": 90, "expansion_monthly": 0.01, "mtok_per_customer_month": 3,
     "cac_per_customer": 300, "trial": {"months": 1, "conversion": 0.6},
     "demand": {"model": "constant_elasticity", "elasticity": 1.2}},
    {"kind": "usage", "name": "API", "volume_per_month": 5_000, "volume_growth_monthly": 0.03, "price_per_unit": 2,
     "price_decline_yearly": 0.2, "mtok_per_unit": 0.4, "demand": {"model": "linear", "choke_price": 5}},
    {"kind": "projects", "name": "Custom", "deals_per_quarter": 2, "deals_growth_monthly": 0.01, "deal_size": 60_000,
     "delivery_cost_share": 0.3},
    {"kind": "data", "name": "Data", "contracts": 3, "contracts_growth_monthly": 0.02, "fee_per_contract_month": 4_000,
     "delivery_cost_share": 0.1},
    {"kind": "advertising", "name": "Ads", "monthly_active_users": 50_000, "mau_growth_monthly": 0.04,
     "impressions_per_user_month": 20, "cpm": 3, "mtok_per_user_month": 0.01},
    {"kind": "product_sales", "name": "Box", "units_per_month": 2, "units_growth_monthly": 0.01, "price_per_unit": 9_000,
     "cost_per_unit": 4_000, "demand": {"model": "wtp", "median_wtp": 12_000, "wtp_sigma": 0.5}},
]


def every_kind(horizon):
    return parse_scenario({
        "company": {"name": "All", "starting_cash": 400_000}, "settings": {"horizon_months": horizon},
        "streams": ALL_KINDS,
        "ai_costs": {"gpu_price_per_hour": 2.5, "tokens_per_second": 400, "cost_decline_yearly": 0.3, "hosting_per_month": 800,
                     "support_share_of_revenue": 0.05},
        "opex": {"team": [{"role": "eng", "function": "rd", "headcount": 3, "cost_per_head_month": 9_000,
                           "attrition_monthly": 0.02, "replacement_cost": 20_000, "ramp_months": 3, "option_grant_shares": 5_000},
                          {"role": "ae", "function": "sales", "headcount": 2, "cost_per_head_month": 7_000, "start_month": 5,
                           "attrition_monthly": 0.04, "replacement_cost": 8_000, "ramp_months": 12},
                          {"role": "fin", "function": "ga", "headcount": 1, "cost_per_head_month": 8_000, "end_month": 30},
                          {"role": "sre", "function": "ops", "headcount": 1.5, "cost_per_head_month": 6_000, "start_month": 11,
                           "end_month": 13}],
                 "salary_growth_yearly": 0.08, "marketing_per_month": 3_000, "general_admin_per_month": 1_500,
                 "other_per_month": 700, "one_off_costs": [{"name": "run", "month": 7, "cost": 50_000}]},
        "funding": [{"name": "Seed", "month": 0, "amount": 100_000, "partner_revenue_per_month": 5_000, "partner_months": 20},
                    {"name": "Loan", "month": 4, "amount": 200_000, "kind": "debt", "interest_rate_yearly": 0.1,
                     "term_months": 9, "repayment": "amortising", "grace_months": 3},
                    {"name": "Grant", "month": 11, "amount": 30_000, "kind": "grant", "tranches": 3,
                     "tranche_every_months": 4, "matching_share": 0.5},
                    {"name": "Bank", "month": 2, "amount": 50_000, "kind": "debt", "interest_rate_yearly": 0.05,
                     "term_months": 6}],
        "tax": {"profit_tax_rate": 0.25, "rd_super_deduction": 1.0, "rd_credit_rate": 0.1, "opening_tax_losses": 50_000},
    })


@pytest.mark.parametrize("horizon", [12, 24, 37, 120])
def test_every_kind_and_every_line_matches_the_reference_at_other_horizons(horizon):
    s = every_kind(horizon)
    p = project(s)
    assert p.cash.shape == (1, horizon) and all(v.shape == (1, horizon) for v in p.opex.values())
    assert_matches_breakdown(p, s)


def test_drawn_paths_match_the_reference_line_by_line():
    s = every_kind(37)
    draws = {"streams[0].price_per_month": np.array([60.0, 90.0, 150.0]), "streams[1].price_per_unit": np.array([1.0, 2.5, 4.0]),
             "ai_costs.gpu_price_per_hour": np.array([1.0, 2.5, 4.0]), "opex.team[1].start_month": np.array([0.0, 5.4, 20.6]),
             "funding[1].month": np.array([1.0, 4.0, 30.0]), "opex.one_off_costs[0].month": np.array([0.0, 7.0, 36.0])}
    p = project(s, draws)
    for i in range(3):
        assert_matches_breakdown(p, s, {k: float(v[i]) for k, v in draws.items()}, path=i)


def test_month_dates_roll_over_year_ends():
    from core.engine.projection import month_date
    start = date(2026, 11, 1)
    assert [month_date(start, t) for t in (0, 1, 2, 13, 14, 25, 119)] == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 12, 1), date(2028, 1, 1), date(2028, 12, 1),
        date(2036, 10, 1)]
    assert month_date(date(2026, 1, 15), 11) == date(2026, 12, 1)          # the first of the month, whatever the day
    p = project(make(company={"name": "x", "starting_cash": 1, "start_date": "2026-12-01"}))
    assert p.month_dates()[:3] == [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)] and len(p.month_dates()) == 24


def test_draws_errors_name_exactly_what_is_wrong():
    s = make(streams=[{"kind": "usage", "name": "API", "volume_per_month": 1, "price_per_unit": 1}])
    with pytest.raises(ValueError) as err:
        project(s, {"company.starting_cash": np.ones(2), "opex.marketing_per_month": np.ones(3)})
    assert str(err.value) == "draws must all have the same number of paths, got sizes [2, 3]"
    with pytest.raises(ValueError) as err:
        project(s, {"company.starting_cash": np.array([1.0, np.nan])})
    assert str(err.value) == "draws must be finite"
    with pytest.raises(KeyError) as err:
        project(s, {"streams[1].churn_monthly": np.ones(1), "streams[0].churn_monthly": np.ones(1), "company.starting_cash": [1.0]})
    assert err.value.args[0] == "draws name inputs this scenario does not have: streams[0].churn_monthly, streams[1].churn_monthly"


def test_draws_set_the_number_of_paths_and_a_scalar_draw_is_one_path():
    s = make(opex={"other_per_month": 100})
    assert project(s).paths == 1 and project(s).months == 24
    p = project(s, {"company.starting_cash": 500.0})
    assert p.paths == 1 and p.cash[0, 0] == pytest.approx(400)
    p = project(s, {"opex.other_per_month": np.array([100.0, 200.0, 300.0, 400.0])})
    assert p.paths == 4 and p.cash.shape == (4, 24) and p.starting_cash.shape == (4,)
    np.testing.assert_allclose(p.cash[:, 1], 10_000 - 2 * np.array([100.0, 200.0, 300.0, 400.0]))
    np.testing.assert_allclose(p.starting_cash, 10_000)
    for name in ("revenue", "ebitda", "headcount", "mrr", "arr", "tokens", "customers"):
        assert getattr(p, name).shape == (4, 24), name
    assert p.stream_revenue.shape == (4, 0, 24) and p.stream_units.shape == (4, 0, 24) and p.round_flows.shape == (4, 0, 24)


def test_drawn_months_are_rounded_to_whole_months():
    s = make(opex={"team": [{"role": "eng", "headcount": 1, "cost_per_head_month": 100, "start_month": 2}],
                   "one_off_costs": [{"name": "run", "month": 3, "cost": 1_000}]},
             funding=[{"name": "A", "month": 5, "amount": 7}])
    p = project(s, {"opex.team[0].start_month": np.array([2.0, 4.4, 4.6]), "opex.one_off_costs[0].month": np.array([3.0, 5.4, 5.6]),
                    "funding[0].month": np.array([5.0, 0.4, 9.6])})
    np.testing.assert_array_equal(p.headcount[:, :7], [[0, 0, 1, 1, 1, 1, 1], [0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 1, 1]])
    np.testing.assert_array_equal(np.argmax(p.opex["one_off"] > 0, axis=1), [3, 5, 6])
    np.testing.assert_array_equal(np.argmax(p.funding_in > 0, axis=1), [5, 0, 10])


def test_the_monthly_table_has_every_line_item_of_the_path_asked_for():
    s = make(streams=[{"kind": "usage", "name": "API", "volume_per_month": 10, "price_per_unit": 3},
                      {"kind": "data", "name": "Feed", "contracts": 1, "fee_per_contract_month": 50}],
             opex={"other_per_month": 5})
    p = project(s, {"streams[0].volume_per_month": np.array([10.0, 20.0])})
    frame = p.to_frame(path=1)
    assert list(frame.columns) == [
        "month", "date", "revenue: API", "revenue: Feed", "revenue",
        "cost of revenue: inference", "cost of revenue: hosting", "cost of revenue: support", "cost of revenue: delivery",
        "cost_of_revenue", "gross_profit",
        "opex: payroll", "opex: one_off", "opex: sales_marketing", "opex: general_admin", "opex: other",
        "opex: grant_matching", "opex: recruiting", "opex: bad_debt", "opex: vat_surcharges", "opex_total", "ebitda",
        "debt_service", "interest", "tax_expense", "tax", "tax_credit", "net_income", "working_capital", "net_burn",
        "funding_in", "cash", "customers", "new_customers", "churned_customers", "mrr", "arr", "headcount", "tokens",
        "cost_per_million_tokens", "leavers", "ramp_fte_lost"]
    assert frame["revenue: API"].iloc[0] == 60 and frame["revenue: Feed"].iloc[0] == 50 and frame["revenue"].iloc[0] == 110
    assert frame["opex: other"].iloc[0] == 5 and frame["arr"].iloc[0] == 12 * 110 and frame["month"].iloc[-1] == 23
    np.testing.assert_allclose(frame["cash"], p.cash[1])
    assert project(s).to_frame()["revenue: API"].iloc[0] == 30
    # every column holds its line of path 1
    lines = {"cost of revenue: inference": p.cost_of_revenue_items["inference"], "cost_of_revenue": p.cost_of_revenue,
             "gross_profit": p.gross_profit, "opex: payroll": p.opex["payroll"], "opex_total": p.opex_total, "ebitda": p.ebitda,
             "net_burn": p.net_burn, "revenue": p.revenue, "revenue: Feed": p.stream_revenue[:, 1], "tokens": p.tokens}
    with_costs = make(streams=[{"kind": "usage", "name": "API", "volume_per_month": 10, "price_per_unit": 3, "mtok_per_unit": 2}],
                      ai_costs={"cost_per_million_tokens": 1.5, "hosting_per_month": 7, "support_share_of_revenue": 0.1})
    q = project(with_costs, {"streams[0].volume_per_month": np.array([10.0, 20.0])})
    costed = q.to_frame(path=1)
    for item, value in (("inference", 60.0), ("hosting", 7.0), ("support", 6.0), ("delivery", 0.0)):
        np.testing.assert_allclose(costed[f"cost of revenue: {item}"], value, err_msg=item)
    np.testing.assert_allclose(costed["cost_of_revenue"], 73.0)
    np.testing.assert_allclose(costed["gross_profit"], 60.0 - 73.0)
    for name, values in lines.items():
        np.testing.assert_allclose(frame[name], values[1], err_msg=name)


def test_names_kinds_and_recurrence_of_the_streams():
    s = make(streams=ALL_KINDS)
    p = project(s)
    assert p.stream_names == ("Seats", "API", "Custom", "Data", "Ads", "Box")
    assert p.stream_kinds == ("subscription", "usage", "projects", "data", "advertising", "product_sales")
    assert p.stream_recurring == (True, True, False, True, False, False)
    assert p.currency == "USD" and p.start_date == date(2026, 1, 1)
    np.testing.assert_allclose(p.mrr[0], p.stream_revenue[0, [0, 1, 3]].sum(axis=0))
    only_projects = project(make(streams=[ALL_KINDS[2]]))
    np.testing.assert_array_equal(only_projects.mrr, 0)
    np.testing.assert_array_equal(only_projects.arr, 0)


def test_a_gpu_hour_prices_a_million_tokens_by_throughput():
    # 3.60 an hour at 1,000 tokens a second: 3.6 M tokens an hour -> 1.00 per 1M tokens; -19 % a year, smoothly
    s = make(ai_costs={"gpu_price_per_hour": 3.6, "tokens_per_second": 1_000, "cost_decline_yearly": 0.19})
    cost = project(s).cost_per_million_tokens[0]
    np.testing.assert_allclose(cost[[0, 6, 12]], [1.0, 0.9, 0.81])
    assert project(make(ai_costs={"cost_per_million_tokens": 4.0})).cost_per_million_tokens[0, 23] == pytest.approx(4.0)


def test_a_loan_without_a_term_pays_interest_for_ever_and_equity_pays_nothing_back():
    s = make(funding=[{"name": "loan", "month": 2, "amount": 12_000, "kind": "debt", "interest_rate_yearly": 0.1},
                      {"name": "A", "month": 3, "amount": 5_000}])
    p = project(s)
    np.testing.assert_allclose(p.debt_service[0, :5], [0, 0, 0, 100, 100])
    np.testing.assert_allclose(p.debt_service[0, 23], 100)
    np.testing.assert_allclose(p.round_flows[0, 0, :4], [0, 0, 12_000, -100])
    np.testing.assert_allclose(p.round_flows[0, 1, :5], [0, 0, 0, 5_000, 0])
    term0 = project(make(funding=[{"name": "bridge", "month": 2, "amount": 1_000, "kind": "debt", "interest_rate_yearly": 0.12,
                                   "term_months": 1}]))
    np.testing.assert_allclose(term0.debt_service[0, :5], [0, 0, 0, 1_010, 0])


def test_trial_users_are_counted_for_the_months_of_their_trial_and_a_zero_month_trial_converts_at_once():
    base = {"kind": "subscription", "name": "s", "new_customers_per_month": 10, "churn_monthly": 0, "price_per_month": 1,
            "mtok_per_customer_month": 1}
    three = project(make(streams=[{**base, "trial": {"months": 3, "conversion": 1.0}}], ai_costs={"cost_per_million_tokens": 1}))
    np.testing.assert_allclose(three.new_customers[0, :5], [0, 0, 0, 10, 10])
    np.testing.assert_allclose(three.tokens[0, :5], [10, 20, 30, 40, 50])     # 10, 20, 30 on trial, then 30 on trial + payers
    zero = project(make(streams=[{**base, "trial": {"months": 0, "conversion": 0.5}}]))
    np.testing.assert_allclose(zero.new_customers[0, :3], [5, 5, 5])
    np.testing.assert_allclose(zero.tokens[0, :3], [5, 10, 15])


def test_a_trial_in_days_converts_the_share_of_each_cohort_whose_trial_has_ended_by_month_end():
    """Sign-ups spread evenly over their month: with a 14-day trial, those of the first 16 days pay in the same
    month (16/30) and the rest in the next (14/30); a 45-day trial moves half a cohort one month, half two."""
    base = {"kind": "subscription", "name": "s", "new_customers_per_month": 30, "churn_monthly": 0, "price_per_month": 1,
            "mtok_per_customer_month": 1}
    fortnight = project(make(streams=[{**base, "trial": {"days": 14, "conversion": 0.5}}],
                             ai_costs={"cost_per_million_tokens": 1}))
    np.testing.assert_allclose(fortnight.new_customers[0, :3], [8, 15, 15])              # 0.5 × 16; 0.5 × (16 + 14)
    np.testing.assert_allclose(fortnight.tokens[0, :3], [8 + 14, 23 + 14, 38 + 14])      # payers + 14 still trying
    six_weeks = project(make(streams=[{**base, "trial": {"days": 45, "conversion": 1.0}}],
                             ai_costs={"cost_per_million_tokens": 1}))
    np.testing.assert_allclose(six_weeks.new_customers[0, :4], [0, 15, 30, 30])
    np.testing.assert_allclose(six_weeks.tokens[0, :4], [30, 15 + 45, 45 + 45, 75 + 45])  # payers + 1.5 cohorts trying


def test_a_trial_given_in_months_is_read_as_30_days_a_month_so_older_files_project_the_same():
    from core.model.streams import Trial
    assert Trial.model_validate({"months": 1}).days == 30 and Trial.model_validate({"months": 0.5}).days == 15
    assert Trial.model_validate({"months": 2, "conversion": 0.4}) == Trial(days=60, conversion=0.4)
    with pytest.raises(ValueError, match="days"):
        Trial.model_validate({"months": "soon"})


def test_salary_raises_come_each_twelve_months_and_roles_end_before_their_end_month():
    s = make(settings={"horizon_months": 37},
             opex={"team": [{"role": "a", "function": "sales", "headcount": 2, "cost_per_head_month": 100},
                            {"role": "b", "function": "ops", "headcount": 1, "cost_per_head_month": 50, "start_month": 1,
                             "end_month": 2}], "salary_growth_yearly": 0.5})
    p = project(s)
    sales = p.payroll_by_function["sales"][0]
    np.testing.assert_allclose(sales[[0, 11, 12, 23, 24, 36]], [200, 200, 300, 300, 450, 675])
    np.testing.assert_allclose(p.payroll_by_function["ops"][0, :4], [0, 50, 0, 0])
    np.testing.assert_allclose(p.payroll_by_function["rd"][0], 0)
    np.testing.assert_allclose(p.headcount[0, :3], [2, 3, 2])


def _value_at(scenario, path):
    node = scenario
    for part in path.replace("]", "").replace("[", ".").split("."):
        node = node[int(part)] if part.isdigit() else getattr(node, part)
    return float(node)


def drawable_inputs(s):
    """Every input the engine reads for scenario ``s`` (the keys ``draws`` may name)."""
    keys = ["company.starting_cash", "ai_costs.cost_decline_yearly", "ai_costs.hosting_per_month",
            "ai_costs.support_share_of_revenue", "opex.salary_growth_yearly", "opex.marketing_per_month",
            "opex.general_admin_per_month", "opex.other_per_month"]
    keys += (["ai_costs.gpu_price_per_hour", "ai_costs.tokens_per_second"] if s.ai_costs.gpu_price_per_hour is not None
             else ["ai_costs.cost_per_million_tokens"])
    for i, stream in enumerate(s.streams):
        fields = {f for fs, _ in stream.TERMS.values() for f in fs}
        if stream.kind == "subscription":
            fields |= {"new_customers_per_month", "new_customer_growth_monthly", "churn_monthly", "starting_customers",
                       "cac_per_customer"}
            if stream.trial is not None:
                keys.append(f"streams[{i}].trial.conversion")
        keys += [f"streams[{i}].{f}" for f in sorted(fields)]
    for j, _ in enumerate(s.opex.team):
        keys += [f"opex.team[{j}].{f}" for f in ("start_month", "headcount", "cost_per_head_month", "attrition_monthly",
                                                  "replacement_cost", "ramp_months")]
    for j, _ in enumerate(s.opex.one_off_costs):
        keys += [f"opex.one_off_costs[{j}].{f}" for f in ("month", "cost")]
    for k, rd in enumerate(s.funding):
        keys += [f"funding[{k}].{f}" for f in ("month", "amount")]
        keys += [f"funding[{k}].{f}" for f in ("interest_rate_yearly",) if rd.kind == "debt"]
        keys += [f"funding[{k}].{f}" for f in ("matching_share", "partner_revenue_per_month") if getattr(rd, f)]
    keys += ["tax.profit_tax_rate", "tax.rd_credit_rate"]
    if s.tax.profit_tax_rate:
        keys += ["tax.rd_super_deduction"] + (["tax.opening_tax_losses"] if s.tax.carry_forward_losses else [])
    return keys


def every_input_drawn(s):
    """Three paths drawing every input the engine reads, each inside its field's bounds."""
    factors = np.array([0.6, 1.0, 1.3])
    draws = {}
    for key in drawable_inputs(s):
        base = _value_at(s, key)
        if key.endswith(("month", "months")) and "per_month" not in key:
            values = base + np.array([-1.0, 0.0, 2.0])
        elif "share" in key or "churn" in key or "decline" in key or "conversion" in key:
            values = np.minimum(base * factors, 0.9)
        else:
            values = base * factors + (factors - 1) * 0.01      # inputs at 0 move too
        lo, hi = field_bounds(s, key)
        draws[key] = np.clip(values, lo, hi)
    return draws


def test_every_input_can_be_drawn_per_path_and_each_path_matches_the_reference():
    s = every_kind(37)
    draws = every_input_drawn(s)
    p = project(s, draws)                       # names every input: none is left unused (KeyError otherwise)
    for i in range(3):
        assert_matches_breakdown(p, s, {k: float(v[i]) for k, v in draws.items()}, path=i)
    assert not np.allclose(p.cash[0], p.cash[2])


# --- chunks, broadcast lines and powers ------------------------------------------------------------------------------


def test_a_line_no_drawn_input_reaches_is_one_broadcast_row():
    s = every_kind(37)
    draws = {k: np.repeat(v, 3) for k, v in every_input_drawn(s).items() if not k.startswith("opex.team")}
    p = project(s, draws)
    assert p.headcount.shape == (9, 37) and p.headcount.strides[0] == 0
    assert p.cash.strides[0] != 0
    for i in range(9):  # every path still matches the oracle
        assert_matches_breakdown(p, s, {k: float(v[i]) for k, v in draws.items()}, path=i)


def test_stream_and_round_blocks_stack_their_lines_and_nothing_is_writable():
    s = every_kind(24)
    p = project(s, {"streams[1].volume_growth_monthly": np.array([0.0, 0.05])})
    assert p.stream_revenue.shape == p.stream_units.shape == (2, len(s.streams) + 1, 24)  # the Seed partner last
    for i, (revenue, units) in enumerate(zip(p.revenue_by_stream, p.units_by_stream, strict=True)):
        np.testing.assert_array_equal(p.stream_revenue[:, i], revenue)
        np.testing.assert_array_equal(p.stream_units[:, i], units)
    assert p.round_flows.shape == (2, len(s.funding), 24)
    for k, flow in enumerate(p.flows_by_round):
        np.testing.assert_array_equal(p.round_flows[:, k], flow)
    arrays = [(f.name, getattr(p, f.name)) for f in dataclasses.fields(p)]
    arrays += [(name, getattr(p, name)) for name in ("cost_of_revenue", "gross_profit", "opex_total", "net_burn",
                                                     "churned_customers", "arr")]     # built on first use
    arrays += [(f"{name}.{k}", a) for name, d in arrays if isinstance(d, dict) for k, a in d.items()]
    arrays += [(f"{name}[{i}]", a) for name, row in arrays if isinstance(row, tuple) for i, a in enumerate(row)]
    for name, a in arrays:
        assert not isinstance(a, np.ndarray) or not a.flags.writeable, name
    assert not project(s).cash.flags.writeable


@given(step=st.floats(0.0, 2.0), months=st.integers(1, 130))
@budget(40)
def test_powers_by_doubling_are_the_elementwise_powers(step, months):
    clock = _Clock(3, months)
    steps = np.array([[step], [1.0], [step / 2]])
    np.testing.assert_allclose(clock.powers(steps), steps ** clock.t, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(clock.powers(step), step ** clock.t, rtol=1e-12, atol=1e-300)


def test_a_block_of_broadcast_rows_stays_one_broadcast_row():
    s = every_kind(24)
    p = project(s, {"company.starting_cash": np.array([1.0, 2.0, 3.0])})     # no stream line varies by path
    assert p.stream_revenue.shape == (3, len(s.streams) + 1, 24) and p.stream_revenue.strides[0] == 0
    np.testing.assert_array_equal(p.stream_revenue[2], project(s).stream_revenue[0])


# --- when money moves (core.engine.books) against the oracle's recursion --------------------------------------------


def test_an_annual_plans_upfront_share_without_a_lead_is_billed_as_it_is_earned():
    """B_t = (1 − u) M_t + u R_{t+L} with L = 0: half of an annual plan billed a year ahead, half as earned (the
    engine once skipped the upfront share when it had no lead). Revenue 100 × 1.1^t: M_0 = 100 (1.1^12 − 1) / 1.2."""
    s = make(streams=[{"kind": "usage", "name": "API", "volume_per_month": 100, "volume_growth_monthly": 0.1,
                       "price_per_unit": 1, "billing": "annual", "upfront_share": 0.5}])
    p = project(s)
    year_ahead = 100 * (1.1**12 - 1) / 1.2
    assert p.timing is not None and np.atleast_2d(p.timing.lines()["billed"])[0, 0] == pytest.approx(0.5 * year_ahead + 0.5 * 100)
    assert p.working_capital[0, 0] == pytest.approx(-0.5 * (year_ahead - 100))      # cash billed ahead of revenue
    assert_matches_breakdown(p, s)


def when_money_moves(s, rule):
    """``s`` with every timing setting on (books' conventions): each stream billed its own way, paid late, with VAT
    and bad debt; costs paid late with input VAT; one-offs in instalments; quarterly VAT with surcharges; the tax
    filed under ``rule``, from a July start; the bank loan an annuity."""
    updates = {"company.start_date": date(2026, 7, 1), "ai_costs.payment_days": 30, "ai_costs.vat_rate": 0.13,
               "opex.payment_days": 45, "opex.vat_rate": 0.06, "opex.one_off_costs[0].instalments": 4,
               "opex.one_off_costs[0].vat_rate": 0.13, "vat.filing": "quarterly", "vat.surcharge_rate": 0.12,
               "tax.rule": rule, "tax.loss_years": 2, "tax.small_low_profit": rule == "china",
               "funding[3].repayment": "annuity", "funding[3].grace_months": 2}
    for i, (billing, days, upfront, lead) in enumerate([("annual", 0, 0.0, 0), ("monthly", 75, 0.2, 1),
                                                        ("monthly", 90, 0.3, 3), ("annual", 30, 0.5, 0),
                                                        ("monthly", 14, 0.0, 0), ("monthly", 60, 1.0, 2)]):
        updates |= {f"streams[{i}].billing": billing, f"streams[{i}].payment_days": days,
                    f"streams[{i}].upfront_share": upfront, f"streams[{i}].upfront_months": lead,
                    f"streams[{i}].vat_rate": 0.06 if i % 2 else 0.13, f"streams[{i}].bad_debt_share": 0.01 * i}
    return replace_fields(s, updates)


@pytest.mark.parametrize("rule", ["simple", "china", "us"])
@pytest.mark.parametrize("horizon", [12, 37, 120])
def test_when_money_moves_every_input_drawn_per_path_matches_the_reference(horizon, rule):
    s = when_money_moves(every_kind(horizon), rule)
    draws = every_input_drawn(s)
    p = project(s, draws)
    assert p.timing is not None
    for i in range(3):
        assert_matches_breakdown(p, s, {k: float(v[i]) for k, v in draws.items()}, path=i)
    assert np.abs(p.working_capital).max() > 1_000 and p.opex["bad_debt"].max() > 0 and p.opex["vat_surcharges"].max() > 0
    if rule != "simple" and horizon == 120:                 # profitable in its later years
        assert not np.allclose(p.tax, p.tax_expense)        # the yearly rules pay later than they expense
