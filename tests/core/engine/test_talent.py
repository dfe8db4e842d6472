"""Attrition, recruiting cost and ramp-up losses (issue 15, "Talent"): by hand, as properties, against the oracles."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.analysis.metrics import runway_months
from core.engine.projection import project
from core.engine.reference import reference_breakdown
from core.model import parse_scenario
from tests.scenarios import budget, scenarios

TEAM = {"role": "eng", "function": "rd", "headcount": 10, "cost_per_head_month": 10_000}


def make(*team, cash=1_000_000, horizon=24):
    return parse_scenario({"company": {"name": "Hand", "currency": "USD", "starting_cash": cash},
                           "settings": {"horizon_months": horizon}, "opex": {"team": list(team)}})


def test_ten_heads_at_two_percent_a_month_cost_six_thousand_a_month_to_replace():
    # 10 heads x 2 % = 0.2 leavers a month, x 30,000 each = 6,000 a month of recruiting, on top of 100,000 of payroll
    s = make({**TEAM, "attrition_monthly": 0.02, "replacement_cost": 30_000, "ramp_months": 3})
    p, base = project(s), project(make(TEAM))
    np.testing.assert_allclose(p.leavers[0], 0.2)
    np.testing.assert_allclose(p.opex["recruiting"][0], 6_000)
    np.testing.assert_allclose(p.opex["payroll"][0], 100_000)                  # replaced at once: payroll unchanged
    np.testing.assert_allclose(p.headcount[0], 10)
    np.testing.assert_allclose(p.opex_total[0], 106_000)
    np.testing.assert_allclose(p.net_burn[0], 106_000)
    np.testing.assert_allclose(p.cash[0, :3], [894_000, 788_000, 682_000])    # 1,000,000 - 106,000 a month
    np.testing.assert_allclose(base.cash[0, :3] - p.cash[0, :3], [6_000, 12_000, 18_000])
    # 0.2 replacements start each month and ramp up for 3 months at 50 %: 0.2, 0.4, then 0.6 in ramp-up
    np.testing.assert_allclose(p.ramp_fte_lost[0, :5], [0.1, 0.2, 0.3, 0.3, 0.3])
    np.testing.assert_allclose(p.effective_headcount[0, :3], [9.9, 9.8, 9.7])
    np.testing.assert_allclose(p.leavers_by_function["rd"][0], 0.2)
    np.testing.assert_allclose(p.leavers_by_function["sales"][0], 0)
    np.testing.assert_allclose(p.headcount_by_function["rd"][0], 10)
    # cash runs out in month 9 (1,000,000 / 106,000 = 9.4) instead of month 10
    assert runway_months(p.cash)[0] == 9 and runway_months(base.cash)[0] == 10


def test_attrition_follows_the_role_in_and_out_and_ramp_ups_never_exceed_the_heads():
    s = make({**TEAM, "start_month": 3, "end_month": 6, "attrition_monthly": 0.02, "replacement_cost": 1_000,
              "ramp_months": 12},
             {"role": "ops", "function": "ops", "headcount": 2, "cost_per_head_month": 5_000, "attrition_monthly": 0.5,
              "ramp_months": 12})
    p = project(s)
    np.testing.assert_allclose(p.leavers_by_function["rd"][0, :8], [0, 0, 0, 0.2, 0.2, 0.2, 0, 0])
    np.testing.assert_allclose(p.opex["recruiting"][0, :8], [0, 0, 0, 200, 200, 200, 0, 0])
    np.testing.assert_allclose(p.ramp_lost_by_function["rd"][0, :8], [0, 0, 0, 0.1, 0.2, 0.3, 0, 0])
    # 1 of 2 ops heads leaves each month: 1, then 2 in ramp-up, capped at the 2 heads -> at most 1 FTE lost
    np.testing.assert_allclose(p.ramp_lost_by_function["ops"][0, :4], [0.5, 1, 1, 1])
    np.testing.assert_allclose(p.opex["recruiting"][0, 8:], 0)                 # ops leavers cost nothing to replace
    no_ramp = project(make({**TEAM, "attrition_monthly": 0.1}))
    np.testing.assert_allclose(no_ramp.ramp_fte_lost[0], 0)


def test_a_team_without_attrition_keeps_every_talent_line_at_zero_as_one_broadcast_row():
    p = project(make(TEAM), {"company.starting_cash": np.array([1.0, 2.0, 3.0])})
    for line in (p.leavers, p.ramp_fte_lost, p.opex["recruiting"]):
        assert line.shape == (3, 24) and line.strides[0] == 0
        np.testing.assert_array_equal(line, 0)
    np.testing.assert_array_equal(p.effective_headcount, p.headcount)


def test_drawn_attrition_and_ramp_months_give_one_path_each():
    s = make({**TEAM, "attrition_monthly": 0.02, "replacement_cost": 30_000, "ramp_months": 3})
    p = project(s, {"opex.team[0].attrition_monthly": np.array([0.0, 0.02, 0.05]),
                    "opex.team[0].ramp_months": np.array([3.0, 0.4, 5.6])})
    np.testing.assert_allclose(p.opex["recruiting"][:, 0], [0, 6_000, 15_000])
    np.testing.assert_allclose(p.ramp_fte_lost[:, 10], [0, 0, 10 * 0.05 * 6 * 0.5])   # 0.4 rounds to 0, 5.6 to 6


@given(scenario=scenarios(), attrition=st.lists(st.floats(0, 0.5), min_size=2, max_size=4))
@budget(40)
def test_more_attrition_never_lengthens_runway_and_every_talent_line_is_sound(scenario, attrition):
    levels = np.sort(np.array(attrition))
    draws = {f"opex.team[{j}].attrition_monthly": levels for j in range(len(scenario.opex.team))}
    draws["company.starting_cash"] = np.full(len(levels), scenario.company.starting_cash)
    p = project(scenario, draws)
    assert (np.diff(runway_months(p.cash)) <= 0).all()
    for line in (p.leavers, p.ramp_fte_lost, p.opex["recruiting"], p.effective_headcount):
        assert np.isfinite(line).all() and (line >= 0).all()
    assert (p.ramp_fte_lost <= 0.5 * p.headcount + 1e-9).all()
    scale = 1 + np.abs(p.opex_total).max()
    np.testing.assert_allclose(sum(p.opex.values()), p.opex_total, atol=1e-9 * scale)
    np.testing.assert_allclose(sum(p.headcount_by_function.values()), p.headcount, atol=1e-9 * (1 + p.headcount.max()))
    previous = np.concatenate([p.starting_cash[:, None], p.cash[:, :-1]], axis=1)
    np.testing.assert_allclose(p.cash - previous, p.funding_in - p.net_burn, atol=1e-6 * (1 + np.abs(p.cash).max()))


@given(scenario=scenarios())
@budget(40)
def test_the_engine_and_the_oracle_agree_on_the_talent_lines(scenario):
    p = project(scenario)
    totals, lines = reference_breakdown(scenario)
    for key in ("leavers", "ramp_fte_lost", "opex_total", "cash", "headcount"):
        scale = 1 + np.abs(totals[key]).max()
        np.testing.assert_allclose(getattr(p, key)[0], totals[key], rtol=1e-9, atol=1e-9 * scale, err_msg=key)
    np.testing.assert_allclose(p.opex["recruiting"][0], lines["opex"]["recruiting"], rtol=1e-9, atol=1e-6)
    for group in ("headcount_by_function", "leavers_by_function", "ramp_lost_by_function"):
        for function, values in lines[group].items():
            np.testing.assert_allclose(getattr(p, group)[function][0], values, rtol=1e-9, atol=1e-9, err_msg=group)


def test_talent_fields_are_bounded():
    for bad in ({"attrition_monthly": 0.6}, {"ramp_months": 13}, {"replacement_cost": -1}, {"option_grant_shares": -1}):
        with pytest.raises(Exception, match=next(iter(bad))):
            make({**TEAM, **bad})
