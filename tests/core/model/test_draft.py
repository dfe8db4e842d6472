"""The editor's draft: invalid data is kept but never becomes a scenario; undo and redo; the guided start."""

import pytest
from hypothesis import given

from core.model import (
    PRICE_LEVEL,
    STREAM_KINDS,
    UNDO_DEPTH,
    Draft,
    Scenario,
    ScenarioError,
    Start,
    new_stream,
    read_start,
    replace_fields,
    revise,
    set_fields,
    starter_scenario,
)
from tests.scenarios import budget, scenarios


@pytest.fixture
def draft():
    return Draft(starter_scenario(Start(name="Acme", starting_cash=1e6, monthly_costs=60_000), "Plan", "Team"))


def test_an_invalid_edit_is_kept_with_its_path_and_undo_brings_back_the_valid_scenario(draft):
    valid = draft.scenario()
    assert draft.edit({"opex.team[0].headcount": -1})
    assert draft.data["opex"]["team"][0]["headcount"] == -1
    assert "opex.team[0].headcount" in draft.problems().by_field("en")
    with pytest.raises(ScenarioError):
        draft.scenario()
    assert draft.undo() and draft.scenario() == valid
    assert draft.redo() and draft.problems() is not None


def test_a_no_op_edit_is_not_an_undo_step_and_the_history_is_bounded(draft):
    assert not draft.edit({"company.name": "Acme"})
    for n in range(UNDO_DEPTH + 10):
        draft.edit({"company.starting_cash": float(n)})
    assert len(draft.undo_stack) == UNDO_DEPTH
    assert draft.discard() and draft.scenario() == draft.opened
    assert draft.undo() and draft.scenario().company.starting_cash == float(UNDO_DEPTH + 9)


def test_set_fields_never_touches_its_input_and_appends_one_past_the_end(draft):
    before = draft.opened.model_dump()
    after = set_fields(before, {"opex.team[1]": {"role": "CTO", "headcount": 1, "cost_per_head_month": 9000}})
    assert len(before["opex"]["team"]) == 1 and len(after["opex"]["team"]) == 2
    with pytest.raises(KeyError):
        set_fields(before, {"opex.team[5].role": "x"})


@budget(30)
@given(scenarios())
def test_replace_fields_and_set_fields_agree(scenario):
    cash = scenario.company.starting_cash / 2
    assert replace_fields(scenario, {"company.starting_cash": cash}).model_dump() == \
        set_fields(scenario.model_dump(), {"company.starting_cash": cash})


@pytest.mark.parametrize("kind", STREAM_KINDS)
@pytest.mark.parametrize("currency", list(PRICE_LEVEL))
def test_the_guided_start_splits_the_costs_and_every_stream_kind_starts_valid(kind, currency):
    start = Start(name="Acme", currency=currency, starting_cash=5e6, monthly_costs=250_000, earning=kind)
    scenario = starter_scenario(start, "Main", "Team")
    payroll = sum(r.headcount * r.cost_per_head_month for r in scenario.opex.team)
    assert payroll + scenario.opex.general_admin_per_month == pytest.approx(250_000)   # the costs, all of them
    assert payroll == pytest.approx(0.7 * 250_000, rel=0.15)                            # ~70 % team, in half posts
    assert scenario.streams[0].kind == kind and scenario.company.currency == currency
    assert set(new_stream(kind, currency, "x")) == set(type(scenario.streams[0]).model_fields)


def test_bad_answers_name_their_field():
    with pytest.raises(ScenarioError) as caught:
        read_start({"name": "", "starting_cash": -1, "monthly_costs": float("nan")})
    fields = caught.value.by_field("zh")
    assert {"name", "starting_cash", "monthly_costs"} <= set(fields)


def test_set_fields_replaces_a_list_element_in_place_and_names_a_path_it_cannot_follow():
    data = {"opex": {"team": [{"role": "a"}, {"role": "b"}, {"role": "c"}]}, "company": {"name": "x"}}
    assert set_fields(data, {"opex.team[1]": {"role": "B"}})["opex"]["team"] == [{"role": "a"}, {"role": "B"}, {"role": "c"}]
    for path in ("opex.team[4]", "company[0]", "opex.team.role", "nowhere.name"):
        with pytest.raises(KeyError) as caught:
            set_fields(data, {path: 1})
        assert caught.value.args == (path,)


def test_revise_keeps_the_edited_data_and_replace_fields_can_clamp_into_the_bounds(draft):
    s = draft.opened
    result = revise(s.model_dump(), {"company.starting_cash": 7.0})
    assert result.error is None and result.data["company"]["starting_cash"] == 7.0 == result.scenario.company.starting_cash
    assert replace_fields(s, {"company.starting_cash": -5.0}, clamp=True).company.starting_cash == 0.0
    assert replace_fields(s, {"settings.discount_rate_yearly": 9.0}, clamp=True).settings.discount_rate_yearly == 3.0
    with pytest.raises(ScenarioError):
        replace_fields(s, {"company.starting_cash": -5.0})


def test_undo_and_redo_walk_the_history_both_ways_and_say_when_there_is_nothing(draft):
    assert not draft.undo() and not draft.redo()
    opened = draft.opened.model_dump()
    draft.edit({"company.starting_cash": 1.0})
    draft.edit({"company.starting_cash": 2.0})
    assert draft.undo() and draft.data["company"]["starting_cash"] == 1.0
    assert draft.redo() and draft.data["company"]["starting_cash"] == 2.0 and draft.redo_stack == []
    assert not draft.redo()
    assert draft.undo() and draft.undo() and draft.data == opened and not draft.undo()
    assert draft.redo() and draft.redo() and draft.scenario().company.starting_cash == 2.0
    assert draft.discard() and draft.data == opened and not draft.follow(draft.opened)


def test_each_state_of_the_draft_is_validated_once(draft, monkeypatch):
    calls = []
    original = Scenario.model_validate
    monkeypatch.setattr(Scenario, "model_validate", classmethod(lambda cls, *a, **k: calls.append(1) or original(*a, **k)))
    draft.scenario(), draft.problems()
    assert calls == []                                              # opened valid: known without a validation
    draft.edit({"company.starting_cash": 3.0})
    draft.scenario(), draft.problems(), draft.scenario()
    assert len(calls) == 1                                          # the edit's one validation, reused
    draft.undo()
    draft.scenario(), draft.problems()
    assert len(calls) == 2                                          # a state from the history: validated when asked, once
    draft.follow(draft.opened)
    draft.scenario()
    assert len(calls) == 2                                          # a scenario followed is valid already
