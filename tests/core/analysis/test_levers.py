import pytest

from core.analysis.levers import Levers, apply_levers, next_round_index
from core.analysis.metrics import runway_months
from core.engine.projection import project
from core.model import load_scenario, replace_fields
from core.model.presets import load_preset
from core.present.report import round_lever_note

WINTER = load_scenario("sample_data/capital_winter_round_slips.yaml")


def runway(s):
    return int(runway_months(project(s).cash)[0])


def test_default_levers_leave_the_scenario_unchanged():
    assert apply_levers(WINTER, Levers()) == WINTER


def test_levers_return_a_new_scenario_and_never_mutate():
    before = WINTER.model_dump_json()
    changed = apply_levers(WINTER, Levers(headcount_factor=0.5, round_delay_months=-9))
    assert WINTER.model_dump_json() == before
    assert changed.funding[0].month == WINTER.funding[0].month - 9
    assert changed.opex.team[0].headcount == WINTER.opex.team[0].headcount / 2


@pytest.mark.parametrize(
    ("levers", "direction"),
    [
        (Levers(headcount_factor=0.5), +1),
        (Levers(starting_cash=WINTER.company.starting_cash * 2), +1),
        (Levers(round_delay_months=-9), +1),  # the original plan: the round lands before cash runs out
        (Levers(cost_per_head_factor=1.5), -1),
        (Levers(inference_cost_factor=3.0), -1),
        (Levers(churn_factor=3.0), -1),
    ],
)
def test_levers_move_runway_the_expected_way(levers, direction):
    assert (runway(apply_levers(WINTER, levers)) - runway(WINTER)) * direction > 0


def test_levers_stay_inside_the_scenario_bounds():
    s = apply_levers(WINTER, Levers(churn_factor=100, growth_shift_monthly=2, round_delay_months=999))
    assert s.streams[1].churn_monthly == 0.9
    assert all(getattr(x, f) == 0.5 for x in s.streams for f in type(x).model_fields if f.endswith("growth_monthly"))
    assert s.funding[0].month == 240


def test_a_price_lever_moves_volume_through_the_streams_demand_model():
    from core.engine.projection import project
    from core.model import parse_scenario

    s = parse_scenario({"company": {"name": "D", "starting_cash": 1e6}, "streams": [
        {"kind": "usage", "name": "API", "volume_per_month": 1000, "price_per_unit": 10,
         "demand": {"model": "constant_elasticity", "elasticity": 2.0}}]})
    dearer = apply_levers(s, Levers(price_factor=2.0))
    assert dearer.streams[0].demand.reference_price == 10 and dearer.streams[0].price_per_unit == 20
    assert project(dearer).tokens[0, 0] == pytest.approx(250)       # (20 / 10)^-2 x 1,000 units
    assert apply_levers(dearer, Levers(price_factor=0.5)).streams[0].demand.reference_price == 10  # pinned once


def test_the_round_levers_move_the_next_priced_round_not_a_bridge_before_it():
    """Company A takes a SAFE in month 8 and its Pre-A in month 15: "next round delay" is about the Pre-A (it used to
    move the SAFE); without a priced round later, the next round of any kind moves (Company C's venture debt)."""
    a = load_preset("sample_data/company_a_customer_service.yaml")
    assert [(r.kind, r.month) for r in a.funding if r.month > 0][:2] == [("safe", 8), ("equity", 15)]
    k = next_round_index(a)
    assert a.funding[k].kind == "equity" and a.funding[k].month == 15
    moved = apply_levers(a, Levers(round_delay_months=3, round_amount_factor=0.5))
    assert [r.month for r in moved.funding] == [r.month + 3 * (i == k) for i, r in enumerate(a.funding)]
    assert moved.funding[k].amount == pytest.approx(a.funding[k].amount / 2)
    assert round_lever_note(a) == "The round levers move “Pre-A”, due in month 15."
    c = load_preset("sample_data/company_c_analytics_platform.yaml")
    assert [r.kind for r in c.funding] == ["debt"] and next_round_index(c) == 0
    seed = load_preset("sample_data/seed002_nlp_project.yaml")
    assert next_round_index(seed) is None and round_lever_note(seed, "zh") == "该情景没有可调整的融资。"


def test_the_next_round_is_the_next_in_time_whatever_the_order_of_the_list():
    """A file may list its rounds in any order: a Series A in month 20 listed before a Pre-A in month 10 is not next."""
    rounds = [{"name": "Series A", "month": 20, "amount": 8e6}, {"name": "Pre-A", "month": 10, "amount": 2e6},
              {"name": "Seed", "month": 0, "amount": 1e6}]
    s = replace_fields(WINTER, {"funding": rounds, "risk.rounds": {}})
    assert s.funding[next_round_index(s)].name == "Pre-A"
    only_now = replace_fields(WINTER, {"funding": rounds[2:], "risk.rounds": {}})
    assert next_round_index(only_now) == 0  # a round in month 0 only: that one
