"""What it would take: every answer is checked by re-projecting the scenario with the lever applied (the one edit,
not the solver's per-path draws): the answer reaches the target and the value one step short of it does not."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.analysis.captable import cap_table, founders_after
from core.analysis.levers import next_round_index
from core.analysis.metrics import runway_months, summarize
from core.analysis.risk import simulate
from core.analysis.solve import LEVERS, Setup, Target, lever, side_by_side, solve
from core.engine.projection import project
from core.engine.running import running_total
from core.model import load_preset, parse_scenario, replace_fields
from tests.scenarios import scenarios

PRESETS = sorted(Path("sample_data").glob("*.yaml"))
PLAN_TARGETS = (Target("default_alive"), Target("runway", 18), Target("zero_cash_after", 30), Target("break_even_by", 24),
                Target("founders", share=0.7))


def measured(scenario, target: Target, paths: int = 2000) -> tuple[bool, float]:
    """Whether ``scenario`` reaches ``target``, read the way the Overview, the Risk lab and Winter financing read it."""
    if target.kind == "odds":
        odds = simulate(scenario, paths=paths).survival_at(target.months)
        return odds >= target.share, odds
    if target.kind == "founders":
        share = founders_after(cap_table(scenario), 1)
        return share >= target.share - 1e-12, share
    s = summarize(project(scenario), scenario.settings)
    if target.kind == "default_alive":
        return s.default_alive, -s.capital_needed
    if target.kind == "break_even_by":
        return s.break_even_month is not None and s.break_even_month <= target.months, -(s.break_even_month or 0)
    return s.runway_months >= target.months, s.runway_months


def check(scenario, target: Target, key: str, setup: Setup | None = None, paths: int = 2000) -> None:
    """The answer reaches the target and one step short does not; out of reach, nothing in the bounds does."""
    setup = setup or Setup()
    answer = solve(scenario, target, key, setup)
    lv = lever(scenario, key, setup)
    if answer.status == "not_applicable":
        assert isinstance(lv, str) and answer.reason == lv
        return
    assert not isinstance(lv, str)
    if answer.status in ("reached", "already"):
        assert answer.value is not None
        assert measured(lv.scenario(answer.value), target, paths)[0], (key, answer)
        if answer.failing is None:  # reached at the weakest end: nothing short of it to try
            assert answer.value in (lv.low, lv.high)
        elif answer.monotone:
            if answer.limit:  # the most money that keeps the target: its grid runs from the most down
                lv = dataclasses.replace(lv, sense="max")
            assert not measured(lv.scenario(lv.short_of(answer.value)), target, paths)[0], (key, answer)
            assert not measured(lv.scenario(answer.failing), target, paths)[0], (key, answer)
        if answer.status == "already":
            assert measured(scenario, target, paths)[0]
    elif answer.status == "unreachable":
        for value in lv.grid(9):
            assert not measured(lv.scenario(float(value)), target, paths)[0], (key, value, answer)
    else:  # no effect: every value tried reads the same
        reads = [measured(lv.scenario(float(value)), target, paths) for value in lv.grid(9)]
        assert len({ok for ok, _ in reads}) == 1, (key, answer)
        assert [score for _, score in reads] == pytest.approx([reads[0][1]] * len(reads), rel=1e-9), (key, answer)


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_every_lever_answer_on_every_preset_reaches_the_target_and_one_step_short_does_not(path):
    scenario = load_preset(path)
    for target in PLAN_TARGETS:
        for key in LEVERS:
            check(scenario, target, key)


@pytest.mark.parametrize("key", ["team_cut", "bridge", "round_delay", "price"])
def test_odds_answers_hold_on_the_risk_labs_own_simulation_of_the_applied_scenario(key):
    """The solver's trials share the Monte Carlo's draws (common random numbers): the Risk lab's simulation of the
    scenario with the lever applied gives the same odds, so the answer reaches them and one step short does not."""
    scenario = load_preset("sample_data/capital_winter_round_slips.yaml")
    target = Target("odds", 18, 0.6)
    answer = solve(scenario, target, key, Setup(paths=2000))
    lv = lever(scenario, key)
    assert not isinstance(lv, str)
    if answer.status != "reached":
        assert answer.status in ("unreachable", "no_effect")
        return
    assert answer.value is not None and answer.error is not None and answer.band is not None
    reached, odds = measured(lv.scenario(answer.value), target)
    assert odds == pytest.approx(answer.score, abs=1 / 2000)  # at most one path apart
    assert reached
    assert not measured(lv.scenario(lv.short_of(answer.value)), target)[0]
    assert answer.error == pytest.approx(np.sqrt(odds * (1 - odds) / 2000), rel=0.05)
    low, high = answer.band
    assert low is not None and low <= answer.value and (high is None or high >= answer.value)


FLAT = {"company": {"name": "Flat", "starting_cash": 1_200_000}, "settings": {"horizon_months": 36},
        "opex": {"team": [{"role": "eng", "headcount": 10, "cost_per_head_month": 10_000}]}}


def test_a_flat_burn_needs_the_cut_and_the_bridge_computed_on_paper():
    """1.2M of cash, 100k a month of payroll, no revenue: cash lasts 18 months when 18 × 100k × (1 - cut) <= 1.2M,
    a cut of 1/3; or with a bridge of 18 × 100k - 1.2M = 600k."""
    scenario = parse_scenario(FLAT)
    cut = solve(scenario, Target("runway", 18), "team_cut")
    assert cut.status == "reached" and 1 / 3 <= cut.value <= 1 / 3 * 1.002
    bridge = solve(scenario, Target("runway", 18), "bridge", Setup(bridge_cap=10_000_000))
    assert bridge.status == "reached" and 600_000 <= bridge.value <= 600_000 * 1.002
    other = replace_fields(scenario, {"opex.team": [], "opex.other_per_month": 100_000})
    overheads = solve(other, Target("zero_cash_after", 18), "opex_cut")
    assert overheads.status == "reached" and 1 / 3 <= overheads.value <= 1 / 3 * 1.002
    assert solve(scenario, Target("runway", 18), "opex_cut").reason == "no_overheads"


def test_a_flat_burn_is_default_dead_whatever_is_raised_and_a_team_cut_cannot_make_it_alive():
    """No revenue: no break-even, so no new money (it does not count: no effect) and no cut short of 100 % makes it
    alive (out of reach; the strongest cut comes closest)."""
    scenario = parse_scenario(FLAT)
    assert solve(scenario, Target("default_alive"), "bridge").status == "no_effect"
    cut = solve(scenario, Target("default_alive"), "team_cut")
    assert cut.status == "unreachable" and cut.best == pytest.approx(0.8)


def test_the_most_money_that_keeps_the_founders_share_is_the_answer_of_the_bridge_and_the_next_round():
    """Founders own 100 % with no round: a post-money SAFE of A at a 10M cap leaves them 1 - A / 10M, so 70 % allows
    at most 3M; the lever's range is up to half the cap (5M)."""
    scenario = replace_fields(parse_scenario(FLAT), {"opex.team[0].headcount": 100})  # 1M a month: a 36M range
    answer = solve(scenario, Target("founders", share=0.7), "bridge", Setup(bridge_cap=10_000_000))
    assert answer.limit and answer.status == "reached" and 3_000_000 / 1.002 <= answer.value <= 3_000_000
    check(scenario, Target("founders", share=0.7), "bridge", Setup(bridge_cap=10_000_000))


def test_a_hiring_freeze_answer_is_the_latest_month_that_reaches_the_target():
    """5 heads from month 0, 2 from month 6, 3 from month 12, 10k each, 1.5M: 24 months cost 1.92M with every hire,
    1.56M without the month-12 hires, 1.2M without both: the freeze must start by month 6."""
    scenario = parse_scenario({"company": {"name": "Hires", "starting_cash": 1_500_000},
                               "settings": {"horizon_months": 36},
                               "opex": {"team": [
                                   {"role": "a", "headcount": 5, "cost_per_head_month": 10_000},
                                   {"role": "b", "headcount": 2, "cost_per_head_month": 10_000, "start_month": 6},
                                   {"role": "c", "headcount": 3, "cost_per_head_month": 10_000, "start_month": 12}]}})
    answer = solve(scenario, Target("runway", 24), "hiring_freeze")
    assert (answer.status, answer.value, answer.failing) == ("reached", 6, 7)
    assert solve(scenario, Target("runway", 18), "hiring_freeze").status == "already"  # 300k + 420k + 600k


def test_raising_prices_cannot_reach_the_target_when_demand_is_elastic_and_the_best_is_todays_price():
    """Volume ∝ price^-2, no cost per unit: revenue (20k a month today) falls as 1 / price, so no rise gives the
    16 months that need 25k a month of revenue. At volume ∝ price^-0.5 revenue is 20k × √f: f = 1.25² = 1.5625."""
    scenario = parse_scenario(FLAT | {"streams": [{"kind": "usage", "name": "API", "volume_per_month": 1000,
                                                    "price_per_unit": 20,
                                                    "demand": {"model": "constant_elasticity", "elasticity": 2}}]})
    answer = solve(scenario, Target("runway", 16), "price")
    assert answer.status == "unreachable" and answer.best == 1.0 and answer.score == pytest.approx(15)
    inelastic = replace_fields(scenario, {"streams[0].demand.elasticity": 0.5})
    rise = solve(inelastic, Target("runway", 16), "price")
    assert rise.status == "reached" and 1.5625 <= rise.value <= 1 + 0.5625 * 1.002


def test_the_round_delay_answer_is_when_cash_without_the_round_runs_out_and_company_a_does_not_need_its_pre_a():
    """The largest delay the plan survives lands the round by the month cash runs out without it (Company B, 24
    months of runway: 8 months). Company A's cash without its Pre-A lasts the horizon: delaying it moves neither the
    runway nor the cash at the end, so the lever does not move the target."""
    for path, months in (("company_b_data_assistant", 24), ("company_a_customer_service", 48)):
        scenario = load_preset(f"sample_data/{path}.yaml")
        k = next_round_index(scenario)
        assert k is not None
        p = project(scenario)
        without = int(runway_months(p.cash - running_total(p.flows_by_round[k]))[0])
        answer = solve(scenario, Target("runway", months), "round_delay")
        if without < months:
            assert (answer.status, answer.value) == ("reached", without - scenario.funding[k].month)
            assert answer.failing == answer.value + 1 and not answer.boundary
        else:
            assert path == "company_a_customer_service" and answer.status == "no_effect"


def test_a_lever_that_does_not_move_the_target_says_so_and_one_the_scenario_lacks_says_why():
    winter = load_preset("sample_data/capital_winter_round_slips.yaml")
    assert solve(winter, Target("founders", share=0.99), "team_cut").status == "no_effect"
    seed = load_preset("sample_data/seed002_nlp_project.yaml")
    assert {key: solve(seed, Target("runway", 12), key).reason for key in ("team_cut", "ai_cut", "round_delay")} == {
        "team_cut": "no_team", "ai_cut": "no_ai_cost", "round_delay": "no_round"}


def test_an_answer_at_the_strongest_bound_is_flagged():
    scenario = parse_scenario(FLAT)
    months = int(1.2e6 / (0.2 * 100_000))  # a cut of 80 % (the bound) makes cash last 60 months
    answer = solve(replace_fields(scenario, {"settings.horizon_months": 72}), Target("runway", months), "team_cut")
    assert answer.status == "reached" and answer.boundary and answer.value == pytest.approx(0.8)


def test_a_target_outside_the_plan_is_refused_with_its_month_or_share():
    scenario = parse_scenario(FLAT)
    with pytest.raises(ValueError, match="month 40"):
        solve(scenario, Target("runway", 40), "team_cut")
    with pytest.raises(ValueError, match=r"share 1\.5"):
        solve(scenario, Target("odds", 12, 1.5), "team_cut")


def test_the_side_by_side_costs_are_those_of_the_scenario_at_each_answer():
    winter = load_preset("sample_data/capital_winter_round_slips.yaml")
    rows = side_by_side(winter, Target("runway", 24))
    assert [r.answer.lever for r in rows] == list(LEVERS)
    for row in rows:
        if row.scenario is None:
            assert row.cost is None and row.answer.chosen is None
            continue
        assert row.cost is not None
        assert row.cost.runway == summarize(project(row.scenario), row.scenario.settings).runway_months
    bridge = next(r for r in rows if r.answer.lever == "bridge")
    assert bridge.cost is not None and bridge.cost.founders is not None
    assert bridge.cost.founders < founders_after(cap_table(winter), 1)  # the bridge SAFE dilutes


@settings(max_examples=30, deadline=None)
@given(scenarios(timing=False), st.sampled_from(["default_alive", "runway", "break_even_by"]),
       st.integers(1, 12), st.sampled_from(LEVERS))
def test_random_scenarios_answers_reach_and_one_step_short_does_not(scenario, kind, months, key):
    check(scenario, Target(kind, min(months, scenario.settings.horizon_months)), key)
