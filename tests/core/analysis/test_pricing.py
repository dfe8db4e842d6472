"""Pricing lab: closed-form optima, agreement with dense grids, constraints, tiers, Van Westendorp."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.analysis import pricing
from core.analysis.pricing import Constraints, Tier, break_even_price, optimise_price, optimise_tiers, plan_shares, price_curve
from core.analysis.van_westendorp import acceptable_range, analyse, read_survey
from core.engine.projection import project
from core.model import ScenarioError, load_scenario, parse_scenario, replace_fields
from core.present.report import tier_table
from tests.scenarios import budget

WINTER = load_scenario("sample_data/capital_winter_round_slips.yaml")


def api(demand, cost=2.0, **stream):
    """One usage stream, 1M tokens a unit, inference cost ``cost`` per 1M tokens and nothing else."""
    return parse_scenario({
        "company": {"name": "API", "starting_cash": 1e6}, "settings": {"horizon_months": 24},
        "streams": [{"kind": "usage", "name": "API", "volume_per_month": 1000, "price_per_unit": 5, "mtok_per_unit": 1,
                     "demand": demand, **stream}],
        "ai_costs": {"cost_per_million_tokens": cost}})


@pytest.mark.parametrize(("cost", "elasticity"), [(2.0, 2.5), (0.5, 1.3), (1.0, 4.0)])
def test_constant_elasticity_optimum_is_c_e_over_e_minus_1(cost, elasticity):
    s = api({"model": "constant_elasticity", "elasticity": elasticity}, cost)
    r = optimise_price(s, 0, "gross_profit", Constraints(0.1, 100))
    assert r.price == pytest.approx(cost * elasticity / (elasticity - 1), rel=1e-4)
    assert r.converged and r.evaluations > 61


@pytest.mark.parametrize(("cost", "choke"), [(2.0, 20.0), (1.0, 6.0)])
def test_linear_demand_optimum_is_halfway_between_cost_and_choke_price(cost, choke):
    r = optimise_price(api({"model": "linear", "choke_price": choke}, cost), 0, "gross_profit", Constraints(0.1, choke))
    assert r.price == pytest.approx((choke + cost) / 2, rel=1e-4)


@pytest.mark.parametrize(("stream", "objective"), [(0, "gross_profit"), (0, "npv"), (1, "gross_profit"), (1, "npv"),
                                                  (1, "runway")])
def test_the_optimiser_agrees_with_a_dense_grid(stream, objective):
    bounds = pricing.default_constraints(WINTER, stream)
    r = optimise_price(WINTER, stream, objective, bounds)
    grid = price_curve(WINTER, stream, np.geomspace(bounds.low, bounds.high, 20_000))
    best = grid.score[objective].max()
    assert r.best.score[objective][0] >= best - 1e-7 * abs(best)
    assert r.price == pytest.approx(grid.prices[grid.score[objective].argmax()], rel=2e-3)


def test_constraints_are_honoured_or_reported_infeasible():
    s = api({"model": "constant_elasticity", "elasticity": 2.0}, 2.0)      # free optimum at 4.0: margin 50 %
    r = optimise_price(s, 0, "gross_profit", Constraints(0.1, 100, min_gross_margin=0.7))
    assert r.best.gross_margin[0] >= 0.7 - 1e-9 and r.price == pytest.approx(2.0 / 0.3, rel=1e-3)  # margin binds
    r = optimise_price(s, 0, "gross_profit", Constraints(0.1, 100, min_volume=2000))
    assert r.best.volume[0] >= 2000 - 1e-6 and r.price == pytest.approx(5 / math.sqrt(2), rel=1e-3)
    r = optimise_price(s, 0, "gross_profit", Constraints(6.0, 8.0))
    assert r.price == pytest.approx(6.0)
    none = optimise_price(s, 0, "gross_profit", Constraints(0.1, 100, min_gross_margin=0.5, min_volume=5000))
    assert none.price is None and none.best is None and "no price" in none.message
    with pytest.raises(ValueError, match="0 < low <= high"):
        optimise_price(s, 0, "gross_profit", Constraints(5, 1))


def test_a_price_below_what_a_unit_costs_is_flagged():
    s = api({"model": "constant_elasticity", "elasticity": 3.0}, 2.0)
    assert break_even_price(s, 0) == pytest.approx(2.0)
    cheap = optimise_price(s, 0, "gross_profit", Constraints(0.5, 100, min_volume=20_000))  # volume forces p < 2
    assert cheap.below_cost and cheap.price < 2.0
    assert not optimise_price(s, 0, "gross_profit", Constraints(0.5, 100)).below_cost
    with_support = s.model_copy(update={"ai_costs": s.ai_costs.model_copy(update={"support_share_of_revenue": 0.2})})
    assert break_even_price(with_support, 0) == pytest.approx(2.0 / 0.8)   # support takes 20 % of the price
    assert pricing.default_constraints(s, 0).low == pytest.approx(2.0)     # the search starts at the floor


def test_applying_a_price_pins_the_reference_so_volume_answers():
    s = api({"model": "constant_elasticity", "elasticity": 2.0})
    dearer = pricing.with_price(s, 0, 10.0)
    assert dearer.streams[0].demand.reference_price == 5 and dearer.streams[0].price_per_unit == 10
    assert project(dearer).tokens[0, 0] == pytest.approx(250)               # (10 / 5)^-2 x 1,000


def test_plan_choice_by_hand():
    tiers = (Tier("Free", 0.2, free=True), Tier("Pro", 1.0), Tier("Team", 2.0))
    values = np.array([10.0, 40.0, 100.0, 1.0])
    # surpluses at prices 0 / 30 / 120: v=10 -> 2, -20, -100 (Free); v=40 -> 8, 10, -40 (Pro);
    # v=100 -> 20, 70, 80 (Team); v=1 -> 0.2, -29, -118 (Free)
    shares = plan_shares(values, tiers, np.array([[0.0, 30.0, 120.0]]))
    np.testing.assert_allclose(shares, [[0.5, 0.25, 0.25]])


def test_tier_prices_match_a_dense_grid_through_the_engine():
    tiers = (Tier("Pro", 1.0), Tier("Team", 2.5, 2.0))
    args = {"median_wtp": 120.0, "wtp_sigma": 0.6, "prospects_per_month": 50.0, "customers": 1000, "seed": 7}
    r = optimise_tiers(WINTER, 1, tiers, **args)
    split = pricing.tier_scenario(WINTER, 1, tiers)
    values = np.random.default_rng(7).lognormal(np.log(120.0), 0.6, 1000)
    a, b = np.meshgrid(np.linspace(1, 500, 120), np.linspace(1, 1000, 120))
    prices = np.stack([a.ravel(), b.ravel()], axis=1)
    prices = prices[prices[:, 0] <= prices[:, 1]]       # Team is worth more, so it may not cost less
    shares = plan_shares(values, tiers, prices)
    first = len(WINTER.streams)
    draws = {f"streams[{first + j}].price_per_month": prices[:, j] for j in range(2)} | {
        f"streams[{first + j}].new_customers_per_month": 50.0 * shares[:, j] for j in range(2)}
    grid_best = project(split, draws).gross_profit[:, :12].mean(axis=1).max()
    assert r.gross_profit >= grid_best - 1e-6 * abs(grid_best)
    assert r.converged and r.evaluations > 100
    assert np.all(r.new_customers == pytest.approx(50.0 * r.shares))


def test_tier_prices_follow_the_plans_values_and_a_plan_nobody_picks_is_not_offered():
    # The case: default multipliers on the winter preset's Team plan priced Pro above Enterprise.
    r = optimise_tiers(WINTER, 1, median_wtp=110.0, wtp_sigma=0.6, prospects_per_month=60.0)
    order = np.argsort([tier.value for tier in r.tiers])
    assert np.all(np.diff(r.prices[order]) >= 0)
    table = tier_table(r, "USD")
    for offered, shown in zip(r.offered, table["Price per month (USD)"], strict=True):
        assert (shown == "not offered (nobody picks it)") == (not offered)
    applied = pricing.apply_tiers(WINTER, 1, r)
    assert len(applied.streams) == len(WINTER.streams) + int(r.offered.sum())


def test_tiers_are_ordered_by_value_not_by_their_place_in_the_list():
    tiers = (Tier("Big", 3.0), Tier("Small", 1.0))
    prices = pricing.ordered_prices(np.array([[10.0, 50.0], [70.0, 20.0]]), tiers)
    np.testing.assert_array_equal(prices, [[50.0, 10.0], [70.0, 20.0]])


def test_tiers_need_a_subscription_and_two_to_four_plans():
    with pytest.raises(ValueError, match="subscription"):
        optimise_tiers(WINTER, 0, median_wtp=1, prospects_per_month=1)
    with pytest.raises(ValueError, match="2 to 4"):
        optimise_tiers(WINTER, 1, (Tier("Only", 1.0),), median_wtp=1, prospects_per_month=1)


@pytest.mark.parametrize(("demand", "message"), [
    ({"model": "linear"}, "needs choke_price"),
    ({"model": "linear", "choke_price": 4}, r"choke_price \(4\) must be above the reference price \(5\)"),
    ({"model": "wtp"}, "needs median_wtp"),
    ({"model": "wtp", "median_wtp": 0.0001, "wtp_sigma": 0.1}, "almost nobody"),
])
def test_a_demand_that_does_not_fit_its_stream_is_refused_with_its_path(demand, message):
    with pytest.raises(ScenarioError, match=message) as err:
        api(demand)
    assert err.value.errors[0].startswith("streams[0]")


# --- Van Westendorp -----------------------------------------------------------------

HAND = "too_cheap,cheap,expensive,too_expensive\n5,10,20,30\n10,15,25,40\n15,20,30,50\n20,25,35,60\n"


def test_van_westendorp_points_of_a_hand_computed_survey():
    """Curves on the answer prices 5, 10, ..., 60; crossings interpolated linearly.

    PMC (too cheap x expensive): at 15 the gap is 0.5 - 0 = 0.5, at 20 it is 0.25 - 0.25 = 0 -> 20.
    PME (cheap x too expensive): 25: 0.25 - 0 = 0.25, 30: 0 - 0.25 = -0.25 -> 27.5.
    OPP (too cheap x too expensive): 20: 0.25, 25: 0 -> 25.  IPP (cheap x expensive): 20: 0.25, 25: -0.25 -> 22.5.
    """
    r = analyse(read_survey(HAND))
    assert (r.pmc, r.pme, r.opp, r.ipp) == pytest.approx((20.0, 27.5, 25.0, 22.5))
    assert acceptable_range(r) == (20.0, 27.5)
    np.testing.assert_allclose(r.curves["too_cheap"][:5], [1, 0.75, 0.5, 0.25, 0])


def test_the_sample_survey_drops_out_of_order_answers_and_brackets_the_team_plan_price():
    with open("sample_data/van_westendorp_survey.csv", "rb") as f:
        survey = read_survey(f.read())
    assert (len(survey.answers), survey.dropped) == (191, 9)
    low, high = acceptable_range(analyse(survey))
    assert low < 99 < high   # the Team plan of the winter preset sells at 99 USD


@pytest.mark.parametrize(("data", "message"), [
    (b"price,cheap\n1,2\n", "missing column"),
    (HAND.replace("15,20,30,50", "15,abc,30,50").encode(), r"row 4, cheap: 'abc' is not a non-negative number"),
    (HAND.replace("15,20,30,50", "15,-20,30,50").encode(), "row 4, cheap"),
    (HAND.replace("15,20,30,50", "15,20,30,inf").encode(), "row 4, too_expensive"),
    (b"\xff\xfe\x00bad", "not UTF-8"),
    (b"x" * 1_000_001, "over the 1,000,000-byte limit"),
    (b"too_cheap,cheap,expensive,too_expensive\n5,4,3,2\n9,8,7,6\n1,2,3,4\n", "1 consistent answers"),
    (b"", "not a readable CSV"),
    (HAND.replace("too_cheap,cheap,", "too_cheap,cheap,cheap,").replace("\n5,", "\n5,9,").replace("\n10,", "\n10,9,")
     .replace("\n15,", "\n15,9,").replace("\n20,", "\n20,9,").encode(), "the column cheap is given twice"),
    (HAND.replace("too_cheap,cheap,", "too_cheap,Cheap, cheap,").encode(), "the column cheap is given twice"),
])
def test_a_bad_survey_is_refused_with_a_clear_reason(data, message):
    with pytest.raises(ScenarioError, match=message):
        read_survey(data)


def test_applied_plans_reproduce_the_optimisers_gross_profit():
    r = optimise_tiers(WINTER, 1, median_wtp=110, wtp_sigma=0.6, prospects_per_month=60)
    applied = pricing.apply_tiers(WINTER, 1, r)
    kept = [j for j in range(len(r.tiers)) if r.shares[j] > 0]
    assert len(applied.streams) == len(WINTER.streams) + len(kept)
    assert applied.streams[1].new_customers_per_month == 0                      # existing base, no new sign-ups
    assert project(applied).gross_profit[0, :12].mean() == pytest.approx(r.gross_profit, rel=1e-9)


# --- break-even prices, curves and constraints at their edges, the optimiser's bookkeeping, plans -----------------------

def flat(price=10.0, **extra):
    """One usage stream of 100 units at ``price``, 1M tokens a unit at 2 per 1M, hosting 500, 36 months."""
    return parse_scenario({
        "company": {"name": "Flat", "starting_cash": 10_000}, "settings": {"horizon_months": 36, "discount_rate_yearly": 0},
        "streams": [{"kind": "usage", "name": "API", "volume_per_month": 100, "price_per_unit": price, "mtok_per_unit": 1}],
        "ai_costs": {"cost_per_million_tokens": 2, "hosting_per_month": 500}, **extra})


def test_break_even_price_of_each_kind_by_hand():
    s = parse_scenario({
        "company": {"name": "K", "starting_cash": 1},
        "streams": [{"kind": "subscription", "name": "s", "price_per_month": 10, "mtok_per_customer_month": 3},
                    {"kind": "product_sales", "name": "p", "units_per_month": 1, "price_per_unit": 9_000, "cost_per_unit": 4_000},
                    {"kind": "projects", "name": "j", "deals_per_quarter": 1, "deal_size": 100, "delivery_cost_share": 0.3},
                    {"kind": "advertising", "name": "a", "monthly_active_users": 10, "impressions_per_user_month": 10, "cpm": 1},
                    {"kind": "data", "name": "d", "contracts": 1, "fee_per_contract_month": 1, "delivery_cost_share": 0.75}],
        "ai_costs": {"cost_per_million_tokens": 2.0, "support_share_of_revenue": 0.2}})
    assert pricing.priced_streams(s) == [0, 1, 2, 4]
    assert [pricing.price_path(s, i) for i in (0, 1, 2, 4)] == ["streams[0].price_per_month", "streams[1].price_per_unit",
                                                                 "streams[2].deal_size", "streams[4].fee_per_contract_month"]
    assert pricing.current_price(s, 1) == 9_000.0
    assert break_even_price(s, 0) == pytest.approx(3 * 2.0 / 0.8)           # tokens x cost, over what support leaves
    assert break_even_price(s, 1) == pytest.approx(4_000 / 0.8)
    assert break_even_price(s, 2) == 0.0                                    # nothing per unit, 50 % kept
    assert break_even_price(s, 4) == 0.0                                    # delivery 75 % + support 20 %: 5 % kept of no unit cost
    whole = s.model_copy(update={"ai_costs": s.ai_costs.model_copy(update={"support_share_of_revenue": 0.25})})
    assert break_even_price(whole, 4) == math.inf                           # exactly nothing kept
    assert break_even_price(whole, 2) == pytest.approx(0.0)
    almost = s.model_copy(update={"ai_costs": s.ai_costs.model_copy(update={"support_share_of_revenue": 0.24})})
    assert break_even_price(almost, 4) == 0.0                               # 1 % kept of no unit cost
    assert break_even_price(almost, 1) == pytest.approx(4_000 / 0.76)


def test_a_price_curve_by_hand():
    s = flat(strategy={"market": {"sam_yearly": 1_200_000}})
    c = price_curve(s, 0, np.array([2.0, 10.0, 20.0]))
    # revenue 100 p a month; inference 200 and hosting 500: gross profit 100 p - 700
    np.testing.assert_allclose(c.prices, [2.0, 10.0, 20.0])
    np.testing.assert_allclose(c.volume, 100)
    np.testing.assert_allclose(c.revenue, [200, 1_000, 2_000])
    np.testing.assert_allclose(c.gross_profit, [-500, 300, 1_300])
    np.testing.assert_allclose(c.gross_margin, [-2.5, 0.3, 0.65])
    np.testing.assert_allclose(c.npv, [-500 * 36, 300 * 36, 1_300 * 36])    # 0 % discount: the plain sum
    np.testing.assert_allclose(c.share_of_sam, np.array([200, 1_000, 2_000]) * 12 / 1_200_000)
    np.testing.assert_allclose(c.runway, [20.0, 36.0, 36.0])                # 10,000 / 500 a month
    np.testing.assert_allclose(c.score["gross_profit"], c.gross_profit)
    np.testing.assert_allclose(c.score["npv"], c.npv)
    # where cash lasts, end cash ranks: tanh(end cash / (starting cash + 1)) is added, less than a month
    end = 10_000 + 36 * np.array([300.0, 1_300.0])
    np.testing.assert_allclose(c.score["runway"], [20.0, *(36 + np.tanh(end / 10_001))])
    assert np.all(np.isnan(price_curve(flat(), 0, np.array([5.0])).share_of_sam))


def test_a_price_that_sells_nothing_has_no_margin():
    s = api({"model": "linear", "choke_price": 8.0})
    c = price_curve(s, 0, np.array([4.0, 8.0, 9.0]))
    np.testing.assert_allclose(c.volume, [1000 * 4 / 3, 0, 0])
    assert c.gross_margin[0] == pytest.approx(0.5) and np.isnan(c.gross_margin[1]) and np.isnan(c.gross_margin[2])


def test_constraints_include_their_edges():
    c = price_curve(flat(), 0, np.array([5.0, 7.0, 9.0]))        # margins 0.3 at 10: here (100 p - 700) / 100 p
    margins = (100 * c.prices - 700) / (100 * c.prices)
    np.testing.assert_array_equal(Constraints(5.0, 9.0).feasible(c), [True, True, True])
    np.testing.assert_array_equal(Constraints(5.0000001, 8.9999999).feasible(c), [False, True, False])
    np.testing.assert_array_equal(Constraints(0.1, 100, min_gross_margin=float(margins[1])).feasible(c), [False, True, True])
    np.testing.assert_array_equal(Constraints(0.1, 100, min_volume=100.0).feasible(c), [True, True, True])
    np.testing.assert_array_equal(Constraints(0.1, 100, min_volume=100.0001).feasible(c), [False, False, False])
    no_sam = Constraints(0.1, 100, min_share_of_sam=0.0)
    np.testing.assert_array_equal(no_sam.feasible(c), [False, False, False])       # NaN share (no SAM) never qualifies
    with_sam = price_curve(flat(strategy={"market": {"sam_yearly": 120_000}}), 0, np.array([5.0, 7.0, 9.0]))
    np.testing.assert_array_equal(Constraints(0.1, 100, min_share_of_sam=0.07).feasible(with_sam), [False, True, True])
    nothing = price_curve(api({"model": "linear", "choke_price": 8.0}), 0, np.array([4.0, 9.0]))
    np.testing.assert_array_equal(Constraints(0.1, 100, min_gross_margin=-1e9).feasible(nothing), [True, False])


def test_default_constraints_run_from_a_tenth_to_five_times_the_price_above_the_floor():
    s = flat(price=10.0)                                    # break-even 2 (tokens only; no share of revenue)
    assert pricing.default_constraints(s, 0) == Constraints(low=2.0, high=50.0)
    cheap_floor = flat(price=100.0)
    assert pricing.default_constraints(cheap_floor, 0) == Constraints(low=pytest.approx(10.0), high=500.0)
    above = flat(price=0.3)                                 # floor 2 > 5 x 0.3: up to twice the floor, from today's
    assert pricing.default_constraints(above, 0) == Constraints(low=pytest.approx(0.03), high=4.0)
    tiny = flat(price=1e-6)                                 # a token-sized price under the same floor: not one point
    assert pricing.default_constraints(tiny, 0) == Constraints(low=pytest.approx(1e-7), high=4.0)
    free_floor = parse_scenario({"company": {"name": "x", "starting_cash": 1},
                                 "streams": [{"kind": "data", "name": "d", "contracts": 1, "fee_per_contract_month": 10,
                                              "delivery_cost_share": 1.0}]})
    assert break_even_price(free_floor, 0) == math.inf
    assert pricing.default_constraints(free_floor, 0) == Constraints(low=pytest.approx(1.0), high=50.0)
    zero = parse_scenario({"company": {"name": "x", "starting_cash": 1},
                           "streams": [{"kind": "projects", "name": "d", "deals_per_quarter": 1, "deal_size": 1e-8}]})
    assert pricing.default_constraints(zero, 0) == Constraints(low=pytest.approx(1e-9), high=pytest.approx(5e-8))


def test_the_optimiser_reports_what_it_did():
    s = api({"model": "constant_elasticity", "elasticity": 2.0}, 2.0)
    r = optimise_price(s, 0, "gross_profit", Constraints(0.1, 100), grid=31)
    assert (r.objective, r.method) == ("gross_profit", "grid_brent") and r.evaluations > 31 and r.converged
    assert r.price == pytest.approx(4.0, rel=1e-4) and r.best.prices[0] == r.price and r.break_even_price == pytest.approx(2.0)
    assert r.today.prices.tolist() == [5.0] and r.best.score["gross_profit"][0] >= r.today.score["gross_profit"][0]
    assert r.message == "Solution found."
    one = optimise_price(s, 0, "npv", Constraints(6.0, 6.0))
    assert (one.price, one.method, one.evaluations, one.converged, one.message) == (6.0, "grid_brent", 61, True,
                                                                                     "the bounds allow one price")
    none = optimise_price(s, 0, "runway", Constraints(0.1, 1.0, min_gross_margin=0.9), grid=11)
    assert (none.price, none.best, none.method, none.evaluations, none.converged) == (None, None, "grid", 11, False)
    assert none.message == "no price within the bounds meets the constraints" and not none.below_cost
    assert none.today.prices.tolist() == [5.0] and none.break_even_price == pytest.approx(2.0)
    for low, high in ((0.0, 1.0), (-1.0, 1.0), (2.0, 1.0)):
        with pytest.raises(ValueError) as err:
            optimise_price(s, 0, constraints=Constraints(low, high))
        assert str(err.value) == f"price bounds must satisfy 0 < low <= high (got {low:g}, {high:g})"


def test_the_optimiser_searches_the_default_range_when_none_is_given():
    s = api({"model": "constant_elasticity", "elasticity": 2.0}, 2.0)
    r = optimise_price(s, 0)                                 # default: gross profit within 2 .. 25
    assert r.objective == "gross_profit" and r.price == pytest.approx(4.0, rel=1e-4)
    capped = optimise_price(s, 0, "gross_profit", Constraints(5.0, 25.0))
    assert capped.price == pytest.approx(5.0, rel=1e-6)      # the optimum sits on the lower edge


def test_the_optimiser_never_returns_an_infeasible_refinement():
    # margin >= 60 % binds at p = 5 (2 / 0.4); the unconstrained optimum 4 is infeasible: Brent must not pick it
    s = api({"model": "constant_elasticity", "elasticity": 2.0}, 2.0)
    r = optimise_price(s, 0, "gross_profit", Constraints(0.5, 50, min_gross_margin=0.6), grid=41)
    assert r.best.gross_margin[0] >= 0.6 - 1e-9 and r.price == pytest.approx(5.0, rel=1e-3)


def test_below_cost_is_strict():
    curve = price_curve(flat(), 0, np.array([2.0]))
    at = pricing.PriceResult("gross_profit", 2.0, curve, curve, "grid_brent", 1, True, "", 2.0)
    below = pricing.PriceResult("gross_profit", 1.999, curve, curve, "grid_brent", 1, True, "", 2.0)
    assert not at.below_cost and below.below_cost


def test_with_price_keeps_a_reference_price_already_set():
    s = api({"model": "constant_elasticity", "elasticity": 2.0, "reference_price": 4.0})
    dearer = pricing.with_price(s, 0, 8.0)
    assert dearer.streams[0].demand.reference_price == 4.0 and dearer.streams[0].price_per_unit == 8.0
    assert project(dearer).tokens[0, 0] == pytest.approx(1000 * (8 / 4) ** -2)
    plain = pricing.with_price(flat(), 0, 12.0)
    assert plain.streams[0].demand is None and plain.streams[0].price_per_unit == 12.0


def test_a_prospect_with_zero_surplus_buys():
    tiers = (Tier("A", 1.0), Tier("B", 2.0))
    # v = 10: surpluses 0 (A at 10) and -5 (B at 25): buys A; v = 12.5: 2.5 and 0 -> A; v = 9.99: nothing
    shares = plan_shares(np.array([10.0, 12.5, 9.99, 20.0]), tiers, np.array([[10.0, 25.0], [30.0, 40.0]]))
    np.testing.assert_allclose(shares, [[0.5, 0.25], [0.0, 0.25]])     # v = 20: 10 vs 15 -> B; at 30 / 40: B at 40 is 0 -> buys
    assert shares.shape == (2, 2)


def test_ordered_prices_put_free_plans_at_zero_and_sort_the_paid_ones_by_value():
    tiers = (Tier("Ent", 3.0), Tier("Free", 0.1, free=True), Tier("Pro", 1.0))
    prices = pricing.ordered_prices(np.array([[5.0, 50.0], [80.0, 8.0]]), tiers)
    np.testing.assert_array_equal(prices, [[50.0, 0.0, 5.0], [80.0, 0.0, 8.0]])


def test_the_split_scenario_keeps_the_base_and_adds_empty_plans():
    tiers = (Tier("Free", 0.15, 0.2, free=True), Tier("Pro", 1.0, 1.0), Tier("Enterprise", 3.0, 4.0))
    split = pricing.tier_scenario(WINTER, 1, tiers)
    assert len(split.streams) == len(WINTER.streams) + 3
    kept = split.streams[1]
    assert kept.new_customers_per_month == 0 and kept.demand is None and kept.starting_customers == 120
    assert kept.trial == WINTER.streams[1].trial
    names = [s.name for s in split.streams[2:]]
    assert names == ["Team plan — Free", "Team plan — Pro", "Team plan — Enterprise"]
    for plan, tier in zip(split.streams[2:], tiers, strict=True):
        assert plan.starting_customers == 0 and plan.demand is None and plan.trial is None
        assert plan.mtok_per_customer_month == pytest.approx(20 * tier.tokens)
        assert plan.price_per_month == 99 and plan.churn_monthly == 0.04
    long_name = pricing.tier_scenario(replace_fields(WINTER, {"streams": [WINTER.streams[0].model_dump(),
                                                                          {**WINTER.streams[1].model_dump(), "name": "x" * 78}]}),
                                      1, tiers)
    assert [len(s.name) for s in long_name.streams[2:]] == [80, 80, 80]


def test_tier_errors_are_exact():
    with pytest.raises(ValueError) as err:
        optimise_tiers(WINTER, 0, median_wtp=1, prospects_per_month=1)
    assert str(err.value) == "tiered plans apply to a subscription stream"
    for tiers in ((Tier("Only", 1.0),), tuple(Tier(f"T{k}", k + 1.0) for k in range(5))):
        with pytest.raises(ValueError) as err:
            optimise_tiers(WINTER, 1, tiers, median_wtp=1, prospects_per_month=1)
        assert str(err.value) == "optimise 2 to 4 plans"


def test_tiers_by_npv_with_a_price_cap_report_their_search():
    tiers = (Tier("Pro", 1.0), Tier("Team", 2.5, 2.0))
    r = optimise_tiers(WINTER, 1, tiers, median_wtp=120.0, wtp_sigma=0.6, prospects_per_month=50.0, objective="npv",
                       max_price=150.0, customers=500, seed=3)
    assert r.objective == "npv" and r.tiers == tiers and np.all(r.prices <= 150.0) and np.all(r.prices >= 0)
    assert r.method == "differential evolution (scipy), vectorised over candidates"
    assert r.iterations >= 1 and r.evaluations >= 15 * 2 and isinstance(r.message, str)
    values = np.random.default_rng(3).lognormal(np.log(120.0), 0.6, 500)
    np.testing.assert_allclose(r.shares, plan_shares(values, tiers, r.prices[None])[0])
    np.testing.assert_allclose(r.new_customers, 50.0 * r.shares)
    applied = pricing.apply_tiers(WINTER, 1, r)
    assert project(applied).gross_profit[0, :12].mean() == pytest.approx(r.gross_profit, rel=1e-9)
    from core.analysis.metrics import scenario_npv
    assert scenario_npv(project(applied).ebitda, applied.settings)[0] == pytest.approx(r.npv, rel=1e-9)
    gross = optimise_tiers(WINTER, 1, tiers, median_wtp=120.0, wtp_sigma=0.6, prospects_per_month=50.0, objective="gross_profit",
                           max_price=150.0, customers=500, seed=3)
    assert gross.gross_profit >= r.gross_profit - 1e-6 * abs(r.gross_profit) and r.npv >= gross.npv - 1e-6 * abs(gross.npv)


def test_applied_tiers_leave_out_plans_nobody_picks():
    tiers = (Tier("Pro", 1.0), Tier("Gold", 50.0))
    result = pricing.TierResult(tiers, np.array([100.0, 1e9]), np.array([0.3, 0.0]), np.array([18.0, 0.0]), 0.0, 0.0,
                                "gross_profit", "m", 1, 1, True, "")
    assert result.offered.tolist() == [True, False]
    applied = pricing.apply_tiers(WINTER, 1, result)
    assert len(applied.streams) == len(WINTER.streams) + 1
    plan = applied.streams[-1]
    assert plan.name == "Team plan — Pro" and plan.price_per_month == 100.0 and plan.new_customers_per_month == 18.0


def test_the_tier_search_is_seeded_bounded_and_counts_every_candidate():
    tiers = (Tier("Pro", 1.0), Tier("Team", 2.5, 2.0))
    args = {"median_wtp": 120.0, "wtp_sigma": 0.6, "prospects_per_month": 50.0, "max_price": 150.0, "customers": 500, "seed": 3}
    npv, again = (optimise_tiers(WINTER, 1, tiers, objective="npv", **args) for _ in range(2))
    np.testing.assert_allclose(npv.prices, again.prices, rtol=1e-9)           # the same seed, the same answer (to rounding)
    gross = optimise_tiers(WINTER, 1, tiers, objective="gross_profit", **args)
    # the two objectives weigh the months differently, so they price the Pro plan apart (about 57.5 vs 55.8)
    assert abs(npv.prices[0] - gross.prices[0]) > 0.5
    for r in (npv, gross):
        assert r.converged and r.iterations < 200
        assert r.evaluations == 15 * 2 * (r.iterations + 1)                 # popsize 15 x 2 prices, per generation
    assert gross.gross_profit >= npv.gross_profit and npv.npv >= gross.npv


def test_a_curve_of_tiny_revenue_still_has_a_margin_and_constraints_keep_the_bounds():
    c = price_curve(flat(), 0, np.array([0.001]))            # revenue 0.1 a month
    assert c.revenue[0] == pytest.approx(0.1) and c.gross_margin[0] == pytest.approx((0.1 - 700) / 0.1)
    curve = price_curve(flat(strategy={"market": {"sam_yearly": 120_000}}), 0, np.array([5.0, 7.0, 9.0]))
    margin7 = (700 - 700) / 700
    np.testing.assert_array_equal(Constraints(0.1, 8.0, min_gross_margin=margin7).feasible(curve), [False, True, False])
    np.testing.assert_array_equal(Constraints(0.1, 8.0, min_share_of_sam=0.07).feasible(curve), [False, True, False])


def test_default_constraints_without_a_finite_floor_or_below_a_price_of_one():
    free_floor = parse_scenario({"company": {"name": "x", "starting_cash": 1},
                                 "streams": [{"kind": "data", "name": "d", "contracts": 1, "fee_per_contract_month": 5,
                                              "delivery_cost_share": 1.0}]})
    assert pricing.default_constraints(free_floor, 0) == Constraints(low=pytest.approx(0.5), high=25.0)
    one = parse_scenario({"company": {"name": "x", "starting_cash": 1},
                          "streams": [{"kind": "projects", "name": "d", "deals_per_quarter": 1, "deal_size": 1.0}]})
    assert pricing.default_constraints(one, 0) == Constraints(low=pytest.approx(0.1), high=5.0)


def test_an_optimum_on_either_edge_of_the_range_is_the_edge_itself():
    # no demand model: volume stays, so a dearer price only adds margin: the top of the range wins
    top = optimise_price(flat(), 0, "gross_profit", Constraints(1.0, 40.0))
    assert top.price == pytest.approx(40.0, rel=1e-12) and top.evaluations > 61 and top.converged
    assert top.message == "Solution found."
    low = optimise_price(api({"model": "constant_elasticity", "elasticity": 2.0}, 2.0), 0, "gross_profit",
                         Constraints(5.0, 25.0))
    assert low.price == pytest.approx(5.0, rel=1e-12) and low.evaluations > 61


def test_infeasible_prices_never_score_above_a_feasible_one():
    # a narrow feasible band: margin >= 60 % needs p >= 5, the bounds stop at 5.2; the better prices below 5 are out
    s = api({"model": "constant_elasticity", "elasticity": 2.0}, 2.0)
    r = optimise_price(s, 0, "gross_profit", Constraints(0.5, 5.2, min_gross_margin=0.6))
    assert r.best.gross_margin[0] >= 0.6 - 1e-9 and 5.0 - 1e-6 <= r.price <= 5.2
    tiny = api({"model": "constant_elasticity", "elasticity": 2.0}, 2.0, volume_per_month=0.001)   # every score below 1
    r = optimise_price(tiny, 0, "gross_profit", Constraints(0.5, 50, min_gross_margin=0.6))
    assert r.best.gross_margin[0] >= 0.6 - 1e-9 and r.price == pytest.approx(5.0, rel=1e-3)
    none = optimise_price(s, 0, "runway", Constraints(0.1, 1.0, min_gross_margin=0.9), grid=11)
    assert none.objective == "runway"


def test_tiers_default_to_the_documented_settings_and_take_up_to_four_plans():
    defaults = optimise_tiers(WINTER, 1, median_wtp=110.0, prospects_per_month=60.0)
    explicit = optimise_tiers(WINTER, 1, pricing.DEFAULT_TIERS, median_wtp=110.0, wtp_sigma=0.8, prospects_per_month=60.0,
                              objective="gross_profit", max_price=None, customers=2000, seed=2026)
    np.testing.assert_array_equal(defaults.prices, explicit.prices)
    assert defaults.objective == "gross_profit" and defaults.message == "Optimization terminated successfully."
    four = (Tier("Free", 0.1, 0.2, free=True), Tier("A", 1.0), Tier("B", 2.0), Tier("C", 4.0))
    r = optimise_tiers(WINTER, 1, four, median_wtp=110.0, prospects_per_month=60.0, customers=300)
    assert r.prices.shape == (4,) and r.prices[0] == 0.0


def test_plan_names_stay_distinct_when_the_stream_name_is_long():
    """Each plan's stream is named after its tier; cutting the name to 80 characters must not cut the tier off
    (three plans of one name share one column of the monthly table)."""
    data = WINTER.model_dump()
    data["streams"][1]["name"] = "Team plan for regulated enterprise analytics customers in finance and healthcare"[:78]
    split = pricing.tier_scenario(parse_scenario(data), 1, pricing.DEFAULT_TIERS)
    names = [s.name for s in split.streams[2:]]
    assert len(set(names)) == 3 and all(len(n) <= 80 for n in names)
    assert len([c for c in project(split).to_frame().columns if c.startswith("revenue:")]) == 5


@budget(50)
@given(st.lists(st.lists(st.integers(1, 30), min_size=4, max_size=4), min_size=1, max_size=40))
def test_survey_curves_by_binary_search_equal_the_direct_count(rows):
    """The O(n log n) curves against counting every answer at every price (the old O(n x m) way)."""
    import pandas as pd

    from core.analysis.van_westendorp import curves_at

    answers = pd.DataFrame(sorted(r) for r in rows)
    answers.columns = ["too_cheap", "cheap", "expensive", "too_expensive"]
    prices = np.unique(answers.to_numpy().ravel()).astype(float)
    got = curves_at(answers, prices)
    for col, sign in (("too_cheap", 1), ("cheap", 1), ("expensive", -1), ("too_expensive", -1)):
        a = answers[col].to_numpy()[None, :]
        direct = ((a >= prices[:, None]) if sign > 0 else (a <= prices[:, None])).sum(axis=1) / len(a[0])
        np.testing.assert_allclose(got[col], direct, rtol=0, atol=1e-15)
