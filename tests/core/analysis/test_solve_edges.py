"""What it would take, edge cases found by a mutation run on core/analysis/solve.py: each lever's bounds, neutral value,
grid and "one step short" as the module docstring gives them, hand-computed answers for the levers and targets the
main tests leave unchecked, which plans have a lever at all, the bridge's terms and the months a target may name."""

import math

import pytest

from core.analysis.risk import simulate
from core.analysis.solve import GRID, LEVERS, Setup, Target, applied, cost, lever, side_by_side, solve
from core.model import ScenarioError, load_preset, parse_scenario, replace_fields

TEAM = {"role": "eng", "headcount": 10, "cost_per_head_month": 10_000}
FLAT = {"company": {"name": "Flat", "starting_cash": 1_200_000}, "settings": {"horizon_months": 36},
        "opex": {"team": [TEAM]}}
ALL = {"company": {"name": "All", "starting_cash": 1_200_000}, "settings": {"horizon_months": 36},
       "opex": {"team": [{"role": "eng", "headcount": 5, "cost_per_head_month": 10_000},
                         {"role": "sales", "headcount": 2, "cost_per_head_month": 10_000, "start_month": 3}],
                "other_per_month": 10_000},
       "ai_costs": {"cost_per_million_tokens": 500},
       "streams": [{"kind": "usage", "name": "API", "volume_per_month": 100, "price_per_unit": 300}],
       "funding": [{"name": "Seed", "month": 6, "amount": 500_000, "kind": "safe", "valuation_cap": 8e6}]}
"""Every lever applies: 70k of payroll (20k from month 3), 10k of other costs, 100 M tokens at 500 a million (50k),
30k of revenue, a 500k SAFE in month 6; the first half-year burns 80k then 100k a month (90k on average)."""


def plan(base: dict, **changes) -> dict:
    """``base`` with top-level sections replaced (a section given whole)."""
    return base | changes


def flat_with(**opex) -> dict:
    return plan(FLAT, opex={"team": [TEAM], **opex})


def test_every_lever_has_the_bounds_neutral_value_and_sense_the_module_gives():
    """Cuts 0-80 % (AI 0-90 %), price ×1-3, a freeze from month 1 to the month after the last hire (4), a delay of
    0-24 months, a next round of 0-3× the planned 500k, a bridge up to 36 months of 90k of burn (3.24M, under half the
    10M cap); the neutral value changes nothing, so the scenario at it is the one given."""
    scenario = parse_scenario(ALL)
    expected = {"team_cut": (0, 0.8, 0, "min", False), "opex_cut": (0, 0.8, 0, "min", False),
                "ai_cut": (0, 0.9, 0, "min", False), "price": (1, 3, 1, "min", False),
                "hiring_freeze": (1, 4, 4, "max", True), "round_delay": (0, 24, 0, "max", True),
                "bridge": (0, 3_240_000, 0, "min", False), "next_round": (0, 1_500_000, 500_000, "min", False)}
    assert set(expected) == set(LEVERS)
    for key, (low, high, neutral, sense, whole) in expected.items():
        lv = lever(scenario, key, Setup(bridge_cap=10e6))
        assert not isinstance(lv, str)
        assert (lv.low, lv.high, lv.neutral, lv.sense, lv.whole) == pytest.approx((low, high, neutral, sense, whole)), key
        assert lv.scenario(lv.neutral) is scenario, key


@pytest.mark.parametrize(("key", "value", "short"), [
    ("team_cut", 0.5, 0.495), ("opex_cut", 0.2, 0.198), ("ai_cut", 0.9, 0.891), ("price", 2.0, 1.99),
    ("bridge", 100, 99), ("next_round", 100, 99), ("hiring_freeze", 2, 3), ("round_delay", 5, 6)])
def test_one_step_short_is_one_percent_less_change_or_one_month_towards_no_change(key, value, short):
    """1 % of the change from the unit's zero (0, or ×1 for a price); a month later for a freeze, a month longer for a
    delay (both answers are the largest month that reaches)."""
    lv = lever(parse_scenario(ALL), key)
    assert not isinstance(lv, str)
    assert lv.short_of(value) == pytest.approx(short)


def test_the_grid_runs_from_no_change_to_the_strongest_and_months_are_whole():
    scenario = parse_scenario(ALL)
    grids = {key: lv.grid(points) for key, points in (("team_cut", 5), ("price", 3), ("round_delay", 5),
                                                     ("hiring_freeze", GRID))
             if not isinstance(lv := lever(scenario, key), str)}
    assert grids["team_cut"].tolist() == pytest.approx([0, 0.2, 0.4, 0.6, 0.8])
    assert grids["price"].tolist() == pytest.approx([1, 2, 3])
    assert grids["round_delay"].tolist() == [24, 18, 12, 6, 0]
    assert grids["hiring_freeze"].tolist() == [4, 3, 2, 1]  # every month once, not 65 trials


def test_a_target_the_plan_already_reaches_is_already_at_no_change_for_every_cut_price_freeze_and_bridge():
    """12 months of cash against 6: no change is needed; the next round's smallest size is none (the weakest bound)."""
    scenario = parse_scenario(ALL)
    for key in ("team_cut", "opex_cut", "ai_cut", "price", "hiring_freeze", "bridge"):
        answer = solve(scenario, Target("runway", 6), key)
        lv = lever(scenario, key)
        assert not isinstance(lv, str)
        assert (answer.status, answer.value, answer.failing, answer.boundary, answer.monotone) == (
            "already", lv.neutral, None, False, True), key
    nothing = solve(scenario, Target("runway", 6), "next_round")
    assert (nothing.status, nothing.value, nothing.boundary) == ("reached", 0, True)


@pytest.mark.parametrize("ai", [{"cost_per_million_tokens": 500}, {"gpu_price_per_hour": 3.6, "tokens_per_second": 2}])
def test_an_ai_cost_cut_computed_on_paper(ai):
    """50k of payroll and 100 M tokens at 500 a million (3.60 an hour / 7,200 tokens an hour × 1M) = 50k: 16 months
    on 1.2M need 75k a month, half the AI cost; the cut is made on the price the plan gives (per token or GPU hour)."""
    scenario = parse_scenario(plan(FLAT, opex={"team": [TEAM | {"headcount": 5}]}, ai_costs=ai,
                                   streams=[{"kind": "usage", "name": "API", "volume_per_month": 100,
                                             "price_per_unit": 0}]))
    answer = solve(scenario, Target("runway", 16), "ai_cut")
    assert answer.status == "reached" and answer.monotone and not answer.boundary
    assert answer.value is not None and answer.failing is not None
    assert 0.5 <= answer.value <= 0.5 * 1.002 and 0.5 * 0.998 <= answer.failing < 0.5
    at = applied(scenario, answer)
    assert at is not None
    field = "gpu_price_per_hour" if "gpu_price_per_hour" in ai else "cost_per_million_tokens"
    assert getattr(at.ai_costs, field) == pytest.approx(ai[field] * (1 - answer.value))


def test_the_smallest_next_round_is_the_shortfall_and_three_times_the_plan_is_its_bound():
    """1.2M of cash, 100k a month: 18 months need 600k more; a plan of 100k allows at most 300k, which gives 15."""
    scenario = parse_scenario(plan(FLAT, funding=[{"name": "Seed", "month": 6, "amount": 500_000, "kind": "safe",
                                                   "valuation_cap": 8e6}]))
    answer = solve(scenario, Target("runway", 18), "next_round")
    assert answer.status == "reached" and answer.monotone and not answer.boundary
    assert answer.value is not None and 600_000 <= answer.value <= 600_000 * 1.002
    small = replace_fields(scenario, {"funding[0].amount": 100_000})
    out = solve(small, Target("runway", 18), "next_round")
    assert (out.status, out.best, out.value) == ("unreachable", pytest.approx(300_000), None)
    assert out.score == pytest.approx(15)


def test_a_freeze_from_the_first_month_is_the_strongest_and_flagged():
    """5 heads from month 0 and 5 from month 1, 10k each, 1.25M: 24 months need the month-1 hires frozen (1.2M)."""
    scenario = parse_scenario(plan(FLAT, company={"name": "Hires", "starting_cash": 1_250_000},
                                   opex={"team": [TEAM | {"headcount": 5}, TEAM | {"headcount": 5, "start_month": 1}]}))
    answer = solve(scenario, Target("runway", 24), "hiring_freeze")
    assert (answer.status, answer.value, answer.failing, answer.boundary) == ("reached", 1, 2, True)


def test_default_alive_out_of_reach_gives_the_cut_that_leaves_the_least_to_raise():
    """10 heads at 10k until month 12, then nothing: break-even in month 12. With 600k, a cut of 50 % keeps cash
    at or above zero until then; with 100k even the 80 % cut leaves 12 × 20k - 100k = 140k to raise."""
    scenario = parse_scenario(plan(FLAT, opex={"team": [TEAM | {"end_month": 12}]}))
    alive = solve(replace_fields(scenario, {"company.starting_cash": 600_000}), Target("default_alive"), "team_cut")
    assert alive.status == "reached" and alive.value is not None and 0.5 <= alive.value <= 0.5 * 1.002
    out = solve(replace_fields(scenario, {"company.starting_cash": 100_000}), Target("default_alive"), "team_cut")
    assert (out.status, out.best, out.value) == ("unreachable", pytest.approx(0.8), None)
    assert out.score == pytest.approx(-140_000)


def test_a_lever_that_cannot_move_the_target_names_no_best_value_and_one_that_moves_it_names_the_closest():
    """No revenue: no break-even whatever is cut, but a cut moves the cash from operations (the closest is the
    strongest cut); a bridge is new money, which default alive never counts: it does not move the target."""
    bridge = solve(parse_scenario(FLAT), Target("default_alive"), "bridge")
    assert (bridge.status, bridge.best, bridge.value, bridge.chosen) == ("no_effect", None, None, None)
    assert bridge.score == -math.inf
    cut = solve(parse_scenario(FLAT), Target("default_alive"), "team_cut")
    assert (cut.status, cut.best, cut.score) == ("unreachable", pytest.approx(0.8), -math.inf)


def test_a_price_that_reaches_the_target_only_between_two_rises_is_flagged_not_monotone():
    """1,000 units at 100 that cost 100 each in tokens, volume ∝ price^-2: the margin at ×f is 100k (f - 1) / f², which
    peaks at ×2 (25k) and is 22.2k at ×3. 36 months on 990k need 27.5k of margin: f between (1 ∓ √0.1) / 0.45, 1.52
    to 2.93; the answer is the lower root, and the flag says ×3 fails."""
    scenario = parse_scenario({"company": {"name": "Peak", "starting_cash": 990_000}, "settings": {"horizon_months": 36},
                               "opex": {"team": [TEAM | {"headcount": 5}]}, "ai_costs": {"cost_per_million_tokens": 100},
                               "streams": [{"kind": "usage", "name": "API", "volume_per_month": 1000,
                                            "price_per_unit": 100,
                                            "demand": {"model": "constant_elasticity", "elasticity": 2}}]})
    answer = solve(scenario, Target("runway", 36), "price")
    root = (1 - math.sqrt(0.1)) / 0.45
    assert answer.status == "reached" and answer.value is not None
    assert root <= answer.value <= 1 + (root - 1) * 1.002
    assert not answer.monotone


def test_a_target_reached_at_todays_price_is_already_reached_though_a_rise_would_lose_it():
    """Volume ∝ price^-2, no cost per unit: revenue 20k a month at today's price and 20k / 3 at ×3, against 100k of
    payroll: 1.2M lasts 15 months today, 12.9 at ×3. Nothing needs changing, so the answer is not flagged."""
    scenario = parse_scenario(plan(FLAT, streams=[{"kind": "usage", "name": "API", "volume_per_month": 1000,
                                                   "price_per_unit": 20,
                                                   "demand": {"model": "constant_elasticity", "elasticity": 2}}]))
    answer = solve(scenario, Target("runway", 15), "price")
    assert (answer.status, answer.value, answer.monotone) == ("already", 1, True)


@pytest.mark.parametrize(("key", "change", "has_lever"), [
    ("team_cut", {"opex": {"team": [TEAM | {"headcount": 0}]}}, False),
    ("opex_cut", {"opex": {"team": [TEAM], "other_per_month": 1}}, True),
    ("ai_cut", {"ai_costs": {"cost_per_million_tokens": 0.5}}, True),  # cheap inference still counts
    ("price", {"streams": [{"kind": "usage", "name": "API", "volume_per_month": 100, "price_per_unit": 0.5}]}, True),
    ("price", {"streams": [{"kind": "usage", "name": "API", "volume_per_month": 100, "price_per_unit": 0}]}, False),
    ("hiring_freeze", {"opex": {"team": [TEAM | {"start_month": 1}]}}, True),
    ("hiring_freeze", {"opex": {"team": [TEAM]}}, False),
    ("round_delay", {"funding": [{"name": "Seed", "month": 1, "amount": 1e5, "kind": "safe", "valuation_cap": 8e6}]},
     True),
    ("round_delay", {"funding": [{"name": "Seed", "month": 0, "amount": 1e5, "kind": "safe", "valuation_cap": 8e6}]},
     False),
    ("next_round", {"funding": [{"name": "Seed", "month": 6, "amount": 0, "kind": "safe", "valuation_cap": 8e6}]},
     False),
    ("next_round", {"funding": [{"name": "Seed", "month": 6, "amount": 1, "kind": "safe", "valuation_cap": 8e6}]},
     True)])
def test_a_plan_has_a_lever_when_it_has_anything_positive_for_it_to_change(key, change, has_lever):
    """A role with heads, any overhead, any AI cost, a price above 0, a hire after month 0, a round after month 0 with
    money in it; else the reason the scenario lacks it."""
    lv = lever(parse_scenario(plan(FLAT, **change)), key)
    reasons = {"team_cut": "no_team", "price": "no_price", "hiring_freeze": "no_hires", "round_delay": "no_round",
               "next_round": "no_round"}
    assert (not isinstance(lv, str)) if has_lever else lv == reasons[key]


def test_the_bridge_is_a_post_money_safe_in_month_zero_at_the_given_cap_up_to_half_of_it():
    """Burn 100k a month: the default bridge is 600k, the largest 36 months (3.6M) or half the cap when that is less."""
    scenario = parse_scenario(FLAT)
    wide, lv = (lever(scenario, "bridge", Setup(bridge_cap=cap, bridge_name="Friends")) for cap in (10e6, 2e6))
    assert not isinstance(wide, str) and wide.high == pytest.approx(3_600_000)
    assert not isinstance(lv, str) and lv.high == pytest.approx(1_000_000)
    safe = lv.scenario(250_000).funding[-1]
    assert (safe.name, safe.month, safe.amount, safe.kind, safe.valuation_cap, safe.cap_basis) == (
        "Friends", 0, pytest.approx(250_000), "safe", pytest.approx(2e6), "post")


def test_a_company_that_neither_burns_nor_has_cash_sizes_no_bridge_and_a_tiny_cap_keeps_the_bridge_below_it():
    profitable = parse_scenario(plan(FLAT, company={"name": "Profit", "starting_cash": 0},
                                     streams=[{"kind": "usage", "name": "API", "volume_per_month": 1000,
                                               "price_per_unit": 200}]))
    assert lever(profitable, "bridge") == "no_burn"
    lv = lever(parse_scenario(FLAT), "bridge", Setup(bridge_cap=1.0))
    assert not isinstance(lv, str) and lv.high == 0.5                     # half the cap: a post-money cap exceeds it
    assert lv.scenario(0.5).funding[-1].valuation_cap == 1.0


@pytest.mark.parametrize("kind", ["runway", "zero_cash_after", "odds", "break_even_by"])
def test_a_target_month_may_be_any_plan_month_from_0_to_the_horizon(kind):
    scenario = parse_scenario(FLAT)
    for months in (0, 36):
        Target(kind, months, 0.5).check(scenario)
    for months in (-1, 37):
        with pytest.raises(ValueError, match=f"month {months} "):
            Target(kind, months, 0.5).check(scenario)


@pytest.mark.parametrize("kind", ["odds", "founders"])
def test_a_target_share_is_above_0_and_at_most_1(kind):
    scenario = parse_scenario(FLAT)
    Target(kind, 12, 1.0).check(scenario)
    for share in (0.0, 1.01):
        with pytest.raises(ValueError, match=f"share {share} "):
            Target(kind, 12, share).check(scenario)


def test_a_month_lever_rounds_to_whole_months_and_a_cut_past_everything_stops_at_none():
    """The one edit keeps values inside their fields: 2.4 months of delay move a month-6 round to month 8; a cut of
    125 % leaves no heads, not minus 2.5."""
    scenario = parse_scenario(ALL)
    delay, cut = lever(scenario, "round_delay"), lever(scenario, "team_cut")
    assert not isinstance(delay, str) and not isinstance(cut, str)
    assert delay.scenario(2.4).funding[0].month == 8
    assert [role.headcount for role in cut.scenario(1.25).opex.team] == [0, 0]


def test_the_bridge_cap_given_sets_its_bound_in_the_answer_and_the_side_by_side():
    """At a 2M cap the largest bridge is 1M: 30 months at 100k need 1.8M more than the 1.2M, out of reach; the best
    (1M) gives 22 months. The answer comes from one coarse grid of 65 trials, and its scenario has the SAFE at 2M."""
    scenario = parse_scenario(FLAT)
    [row] = side_by_side(scenario, Target("runway", 30), Setup(bridge_cap=2e6), levers=("bridge",))
    answer = row.answer
    assert (answer.status, answer.best, answer.evaluations) == ("unreachable", pytest.approx(1e6), GRID)
    assert answer.score == pytest.approx(22)
    assert row.scenario is not None and row.scenario.funding[-1].valuation_cap == pytest.approx(2e6)
    assert row.scenario.funding[-1].amount == pytest.approx(1e6)


def test_a_lever_the_plan_lacks_answers_for_the_target_asked():
    target = Target("runway", 12)
    answer = solve(parse_scenario(FLAT), target, "round_delay")
    assert (answer.target, answer.status, answer.reason, answer.chosen) == (target, "not_applicable", "no_round", None)


TWO_ROUNDS = plan(FLAT, funding=[
    {"name": "Seed", "month": 1, "amount": 1e6, "kind": "equity", "pre_money_valuation": 4e6},
    {"name": "A", "month": 12, "amount": 2e6, "kind": "equity", "pre_money_valuation": 8e6}])
"""Founders keep 4 / 5 = 80 % after the seed in month 1, and 80 % × 8 / 10 = 64 % after the A."""


def test_the_founders_target_reads_the_share_after_the_next_priced_round_and_a_tie_reaches_it():
    scenario = parse_scenario(TWO_ROUNDS)
    answer = solve(scenario, Target("founders", share=0.8), "team_cut")
    assert answer.status == "already" and answer.score == pytest.approx(0.8)
    assert cost(scenario).founders == pytest.approx(0.8)
    bridge = solve(scenario, Target("founders", share=0.81), "bridge")  # a bridge only dilutes: the best is none
    assert (bridge.status, bridge.best, bridge.score) == ("unreachable", 0, pytest.approx(0.8))


def survival(scenario, months: int, paths: int) -> float:
    return simulate(scenario, paths=paths).survival_at(months)


@pytest.mark.parametrize(("preset", "key", "target", "paths"), [
    ("capital_winter_round_slips", "team_cut", Target("odds", 18, 0.6), 2000),
    ("capital_winter_round_slips", "bridge", Target("odds", 18, 0.6), 2000),
    ("capital_winter_round_slips", "bridge", Target("odds", 18, 0.6), 200),  # a wide band, found past the trials
    ("capital_winter_round_slips", "team_cut", Target("odds", 16, 0.01), 2000),  # -1.96 errors: no cut needed
    ("capital_winter_round_slips", "ai_cut", Target("odds", 18, 0.015), 2000),  # the GPU price is drawn per path
    ("capital_winter_round_slips", "ai_cut", Target("odds", 18, 0.019), 2000),  # +1.96 errors: beyond the 90 % cut
    ("company_b_data_assistant", "round_delay", Target("odds", 24, 0.5), 2000)])  # the round's month is drawn
def test_an_odds_answer_and_each_end_of_its_band_hold_on_the_risk_labs_simulation(preset, key, target, paths):
    """Common random numbers: the Risk lab's simulation at a lever value gives the solver's odds (to one path): the
    answer reaches the share and one step short does not. The error is √(p (1 - p) / n) at the answer; each end of
    the band reaches the share ∓ 1.96 errors and the value past it (a month, or 2.1 % less change: the band's
    bisection stops within 2 %) does not, unless the end is no change; None: nothing in the bounds reaches it. The
    band brackets the answer in the lever's own direction (a longer delay is the weaker side)."""
    scenario = load_preset(f"sample_data/{preset}.yaml")
    answer = solve(scenario, target, key, Setup(paths=paths))
    lv = lever(scenario, key)
    assert not isinstance(lv, str)
    assert answer.status == "reached" and answer.value is not None and answer.score is not None
    assert answer.band is not None and answer.error is not None
    at = survival(lv.scenario(answer.value), target.months, paths)
    assert at == pytest.approx(answer.score, abs=1 / paths) and at >= target.share
    assert survival(lv.scenario(lv.short_of(answer.value)), target.months, paths) < target.share
    assert answer.error == pytest.approx(math.sqrt(answer.score * (1 - answer.score) / paths))
    weakest, strongest = lv.grid(2)
    shares = (target.share - 1.96 * answer.error, target.share + 1.96 * answer.error)
    for end, share in zip(answer.band, shares, strict=True):
        if end is None:
            assert survival(lv.scenario(float(strongest)), target.months, paths) < share
            continue
        assert survival(lv.scenario(end), target.months, paths) >= share - 1 / paths
        past = lv.short_of(end) if lv.whole else lv.origin + 0.979 * (end - lv.origin)
        if end != weakest:
            assert survival(lv.scenario(past), target.months, paths) < share + 1 / paths
    ends = [v for v in (answer.band[0], answer.value, answer.band[1]) if v is not None]
    assert ends == sorted(ends, reverse=lv.sense == "max")


def test_break_even_out_of_reach_gives_the_weakest_cut_with_the_earliest_break_even():
    """Revenue 10k growing 10 % a month against 100k of payroll × (1 - cut): break-even in the first month with
    1.1^m >= 10 (1 - cut). Uncut that is month 25, after a 24-month plan; the 80 % cut gives month 8 (1.1^8 = 2.14),
    so month 6 is out of reach, and the weakest grid cut (steps of 1.25 %) with 10 (1 - cut) <= 1.1^8 is 78.75 %."""
    scenario = parse_scenario(plan(FLAT, settings={"horizon_months": 24},
                                   streams=[{"kind": "usage", "name": "API", "volume_per_month": 100,
                                             "price_per_unit": 100, "volume_growth_monthly": 0.1}]))
    answer = solve(scenario, Target("break_even_by", 6), "team_cut")
    assert (answer.status, answer.best, answer.score) == ("unreachable", pytest.approx(0.7875), -8)


def test_a_freeze_between_two_coarse_grid_months_is_bisected_to_the_month():
    """A hire in month 100 of a 120-month plan: the grid tries months 101, 99, 98, ... (65 of 101); 1.21M lasts the
    120 months at 10k a month only without that hire, so the answer is month 100, a month before the one that fails."""
    scenario = parse_scenario({"company": {"name": "Late", "starting_cash": 1_210_000},
                               "settings": {"horizon_months": 120},
                               "opex": {"team": [TEAM | {"headcount": 1}, TEAM | {"headcount": 1, "start_month": 100}]}})
    lv = lever(scenario, "hiring_freeze")
    assert not isinstance(lv, str) and lv.grid(GRID)[:3].tolist() == [101, 99, 98]
    answer = solve(scenario, Target("runway", 120), "hiring_freeze")
    assert (answer.status, answer.value, answer.failing) == ("reached", 100, 101)


def test_an_odds_target_over_the_work_budget_for_its_trials_is_refused_before_any_run():
    """Up to 40 runs of the paths: 150M / (36 months × 1 × 40) = 104,166 paths of the flat plan."""
    with pytest.raises(ScenarioError, match=r"risk\.paths"):
        solve(parse_scenario(FLAT), Target("odds", 12, 0.5), "team_cut", Setup(paths=104_167))


def test_the_costs_name_no_founders_share_when_the_cap_table_cannot_be_built():
    """Two post-money SAFEs at a 1M cap for 600k each would own 120 % of the company."""
    safes = [{"name": name, "month": 0, "amount": 6e5, "kind": "safe", "valuation_cap": 1e6, "cap_basis": "post"}
             for name in ("S1", "S2")]
    assert cost(parse_scenario(plan(FLAT, funding=safes))).founders is None


def test_a_bridge_cap_at_or_below_0_is_refused_with_its_value():
    for cap in (0.0, -5.0):
        with pytest.raises(ValueError, match=f"bridge cap {cap} is not above 0"):
            lever(parse_scenario(FLAT), "bridge", Setup(bridge_cap=cap))
