"""Pricing lab: closed-form optima, agreement with dense grids, constraints, tiers, Van Westendorp."""

import math

import numpy as np
import pytest

from core import pricing
from core.pricing import Constraints, Tier, break_even_price, optimise_price, optimise_tiers, plan_shares, price_curve
from core.projection import project
from core.report import tier_table
from core.scenario import ScenarioError, load_scenario, parse_scenario
from core.van_westendorp import acceptable_range, analyse, read_survey

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
