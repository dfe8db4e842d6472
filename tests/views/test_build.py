"""The Build page through AppTest: a company built from a blank start with the editor's widgets only
equals the preset it copies, month by month; bad input never reaches the current scenario."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from numpy.testing import assert_allclose
from streamlit.testing.v1 import AppTest

from core.engine.projection import project
from core.model import (
    BILLING_FIELDS,
    SPECS,
    TABLES,
    UNDO_DEPTH,
    Scenario,
    field_value,
    generic,
    load_scenario,
    spec,
    stream_fields,
)
from core.storage.exports import flatten
from tests.scenarios import budget, scenarios
from tests.views.test_pages import APP
from ui.sections import TEAM_FIELDS, tax_fields

PRESETS = "sample_data/{}.yaml"


def gen(at) -> int:
    return at.session_state["build.gen"]


def widget(at, path: str):
    """The editor's widget for ``path`` (its kind says which element type it is)."""
    kind = spec(path).kind
    finder = {"text": at.text_input, "choice": at.selectbox, "date": at.date_input, "toggle": at.toggle,
              "rating": at.select_slider, "list": at.multiselect}.get(kind, at.number_input)
    return finder(key=f"edit.{gen(at)}.{path}")


def set_field(at, path: str, value) -> None:
    """Move the widget of ``path`` to ``value`` (in the scenario's units) if it shows something else."""
    w = widget(at, path)
    shown = spec(path).shown(value)
    if w.value != shown:
        w.set_value(shown).run()
        assert not at.exception, path


def section(at, name: str) -> None:
    at.radio(key="build.section").set_value(name).run()


def set_table(at, path: str, rows: list[dict]) -> None:
    """Replace every row of the table at ``path`` by ``rows``, as a user deleting and adding rows would."""
    columns = TABLES[path]
    old = len(field_value(at.session_state["editor.snap"], path))
    added = [{c: spec(f"{path}.{c}").shown(r[c]) for c in columns} for r in rows]
    at.session_state[f"edit.{gen(at)}.{path}"] = {"edited_rows": {}, "added_rows": added,
                                                  "deleted_rows": list(range(old))}
    at.run()
    assert not at.exception, path


def fields_of(prefix: str, data: dict) -> list[tuple[str, object]]:
    """(path, value) of every editor field under ``prefix`` of plain scenario data."""
    return [(f"{prefix}.{k}", v) for k, v in data.items() if generic(f"{prefix}.{k}") in SPECS]


def build_from_blank(at, target: Scenario) -> None:
    """Type ``target`` into the editor, starting from the guided blank start, with widgets only."""
    data = target.model_dump()
    at.text_input(key="build.start.name").set_value(target.company.name)
    at.selectbox(key="build.start.currency").set_value(target.company.currency)
    at.number_input(key="build.start.starting_cash").set_value(target.company.starting_cash)
    at.selectbox(key="build.start.earning").set_value(target.streams[0].kind)
    at.button(key="build.start.create").click()
    at.run()
    assert at.session_state["scenario"].company.name == target.company.name
    section(at, "company")
    for path, value in [*fields_of("company", data["company"]), *fields_of("settings", data["settings"])]:
        set_field(at, path, value)
    section(at, "revenue")
    for stream in target.streams[1:]:
        at.selectbox(key="build.new_kind").set_value(stream.kind)
        at.button(key="build.add_stream").click().run()
    for i, stream in enumerate(data["streams"]):
        for name in ("name", *stream_fields(stream["kind"])):
            set_field(at, f"streams[{i}].{name}", stream[name])
        if any(stream[name] != spec(f"streams.{name}").default for name in BILLING_FIELDS):
            at.toggle(key=f"edit.{gen(at)}.streams[{i}].has_billing").set_value(True).run()
            for name in BILLING_FIELDS:
                set_field(at, f"streams[{i}].{name}", stream[name])
        if "trial" in stream and stream["trial"] is not None:
            at.toggle(key=f"edit.{gen(at)}.streams[{i}].has_trial").set_value(True).run()
            for path, value in fields_of(f"streams[{i}].trial", stream["trial"]):
                set_field(at, path, value)
        if stream.get("demand") is not None:
            at.selectbox(key=f"edit.{gen(at)}.streams[{i}].demand_model").set_value(stream["demand"]["model"]).run()
            for path, value in fields_of(f"streams[{i}].demand", stream["demand"]):
                if path.endswith(".model") or (value is None and not spec(path).optional):
                    continue
                try:
                    widget(at, path)
                except KeyError:
                    continue  # a parameter of another demand model: not shown, keeps its default
                set_field(at, path, value)
    section(at, "costs")
    ai = data["ai_costs"]
    gpu = ai["gpu_price_per_hour"] is not None
    at.radio(key=f"edit.{gen(at)}.ai_costs.mode").set_value("gpu" if gpu else "tokens").run()
    for path, value in fields_of("ai_costs", ai):
        if value is not None or (path.endswith("cost_per_million_tokens") and not gpu):
            set_field(at, path, value)
    for path, value in fields_of("opex", data["opex"]):
        if path.removeprefix("opex.") not in TEAM_FIELDS:
            set_field(at, path, value)
    set_table(at, "opex.one_off_costs", data["opex"]["one_off_costs"])
    section(at, "team")
    set_table(at, "opex.team", data["opex"]["team"])
    set_field(at, "opex.salary_growth_yearly", data["opex"]["salary_growth_yearly"])
    section(at, "funding")
    set_table(at, "funding", data["funding"])
    set_field(at, "tax.rule", data["tax"]["rule"])
    for name in tax_fields(data["tax"]["rule"]):
        set_field(at, f"tax.{name}", data["tax"][name])
    for path, value in fields_of("vat", data["vat"]):
        set_field(at, path, value)
    section(at, "strategy")
    strategy = data["strategy"]
    for path, value in fields_of("strategy", strategy):
        if not path.endswith("factor_weights"):
            set_field(at, path, value)
    for part in ("differentiation", "market", "pillar_weights"):
        for path, value in fields_of(f"strategy.{part}", strategy[part]):
            set_field(at, path, value)
    for part in ("data", "compliance"):
        if strategy[part] is not None:
            at.toggle(key=f"edit.{gen(at)}.strategy.has_{part}").set_value(True).run()
            for path, value in fields_of(f"strategy.{part}", strategy[part]):
                set_field(at, path, value)
    section(at, "risk")
    for name in ("seed", "paths", "survival_month", "default_inputs"):
        set_field(at, f"risk.{name}", data["risk"][name])


@pytest.mark.parametrize("preset", ["company_a_customer_service", "capital_winter_round_slips",
                                    "company_c_analytics_platform", "company_b_data_assistant_cny"])
def test_a_preset_built_from_a_blank_start_projects_the_same_every_month(build, preset):
    """Company A (GPU pricing, trial, two streams, an annual plan); the winter case (demand model, trial); Company C
    (debt round, projects paid at 75 days with a deposit); Company B in CNY (VAT on sales and costs, China's tax)."""
    target = load_scenario(PRESETS.format(preset))
    build_from_blank(build, target)
    assert not build.session_state["editor.draft"].problems()
    built = build.session_state["scenario"]
    mine, theirs = project(built), project(target)
    for f in dataclasses.fields(mine):  # every monthly line, stream by stream and item by item
        a, b = getattr(mine, f.name), getattr(theirs, f.name)
        for key in (a if isinstance(a, dict) else [None]):
            x, y = (a[key], b[key]) if key else (a, b)
            if isinstance(x, np.ndarray):
                assert_allclose(x, y, rtol=1e-9, atol=1e-6, err_msg=f"{f.name} {key or ''}")
    kept = {"risk": {"inputs", "rounds", "correlations"}, "strategy": {"factor_weights"}}  # not in the editor
    mine, theirs = (flatten(s.model_dump(mode="json", exclude=kept)) for s in (built, target))
    assert [(p, k) for p, _, k in mine] == [(p, k) for p, _, k in theirs]      # every field the editor shows ...
    for (path, a, kind), (_, b, _) in zip(mine, theirs, strict=True):      # ... with the preset's value
        assert a == (pytest.approx(b, rel=1e-12) if kind == "number" else b), path


def test_an_invalid_field_is_marked_and_the_current_scenario_does_not_change(build):
    before = build.session_state["scenario"]
    build.text_input(key=f"edit.{gen(build)}.company.name").set_value("").run()
    assert build.session_state["scenario"] == before
    assert any("Company name" in c.value for c in build.caption)        # listed in the strip
    assert build.error, "the field shows its problem where it is"
    build.number_input(key=f"edit.{gen(build)}.company.starting_cash").set_value(123.0).run()
    assert build.session_state["scenario"] == before                    # the draft is still invalid
    assert build.session_state["editor.draft"].data["company"]["starting_cash"] == 123.0  # ... and kept
    build.text_input(key=f"edit.{gen(build)}.company.name").set_value("Fixed").run()
    assert build.session_state["scenario"].company.starting_cash == 123.0


def test_undo_redo_and_discard_move_the_current_scenario(build):
    start = build.session_state["scenario"]
    build.number_input(key=f"edit.{gen(build)}.company.starting_cash").set_value(1.0).run()
    changed = build.session_state["scenario"]
    assert changed.company.starting_cash == 1.0
    build.button(key="build.undo").click().run()
    assert build.session_state["scenario"] == start
    assert build.number_input(key=f"edit.{gen(build)}.company.starting_cash").value == start.company.starting_cash
    build.button(key="build.redo").click().run()
    assert build.session_state["scenario"] == changed
    build.button(key="build.discard").click().run()
    assert build.session_state["scenario"] == start


def test_undo_keeps_the_last_edits(build):
    for n in range(UNDO_DEPTH + 5):
        build.number_input(key=f"edit.{gen(build)}.company.starting_cash").set_value(float(n + 1)).run()
    assert len(build.session_state["editor.draft"].undo_stack) == UNDO_DEPTH >= 20
    for _ in range(20):
        build.button(key="build.undo").click().run()
    assert build.session_state["scenario"].company.starting_cash == float(UNDO_DEPTH + 5 - 20)


def test_streams_are_added_duplicated_moved_and_removed(build):
    section(build, "revenue")
    names = lambda: [s.name for s in build.session_state["scenario"].streams]  # noqa: E731
    first = names()
    build.selectbox(key="build.new_kind").set_value("advertising")
    build.button(key="build.add_stream").click().run()
    assert len(names()) == len(first) + 1 and build.session_state["scenario"].streams[-1].kind == "advertising"
    last = len(names()) - 1
    build.button(key=f"edit.{gen(build)}.dup.{last}").click().run()
    assert names()[-1].startswith(names()[-2])
    build.button(key=f"edit.{gen(build)}.up.{last + 1}").click().run()
    build.button(key=f"edit.{gen(build)}.remove.{last}").click().run()
    assert len(names()) == len(first) + 1
    build.selectbox(key=f"edit.{gen(build)}.streams[0].kind").set_value("data").run()
    assert build.session_state["scenario"].streams[0].kind == "data"
    assert not build.exception


def test_a_bad_table_cell_is_refused_with_its_row_and_the_scenario_kept(build):
    section(build, "team")
    before = build.session_state["scenario"]
    build.session_state[f"edit.{gen(build)}.opex.team"] = {
        "edited_rows": {0: {"start_month": 5, "end_month": 2}}, "added_rows": [], "deleted_rows": []}
    build.run()
    assert build.session_state["scenario"] == before
    assert any("Team, row 1" in e.value for e in build.error)


def test_the_guided_start_makes_a_valid_first_scenario_and_reports_bad_answers(build):
    build.number_input(key="build.start.monthly_costs").set_value(300_000.0)
    build.selectbox(key="build.start.earning").set_value("usage").run()
    split = next(c.value for c in build.caption if c.value.startswith("This creates"))
    assert split.startswith("This creates a team of 17.5 at $12.00k a month each ($210.00k a month) and $90.00k")
    build.slider(key="build.start.payroll_share").set_value(40).run()    # the founder's own split, seen before creating
    assert any(c.value.startswith("This creates a team of 10 at $12.00k a month each ($120.00k a month) and $180.00k")
               for c in build.caption)
    build.button(key="build.start.create").click().run()
    scenario = build.session_state["scenario"]
    assert scenario.opex.team[0].headcount == 10 and scenario.opex.general_admin_per_month == 180_000
    assert scenario.streams[0].kind == "usage" and scenario.opex.team
    assert sum(r.headcount * r.cost_per_head_month for r in scenario.opex.team) + \
        scenario.opex.general_admin_per_month == pytest.approx(300_000)
    assert build.session_state["library"] is None
    build.text_input(key="build.start.name").set_value(" ")
    build.text_input(key="build.start.name").set_value("")
    build.button(key="build.start.create").click().run()
    assert build.session_state["scenario"] == scenario
    assert any("name" in e.value for e in build.error)


def test_a_saved_build_reopens_as_the_next_revision(build):
    build.number_input(key=f"edit.{gen(build)}.company.starting_cash").set_value(7_000_000.0).run()
    build.button(key="build.save_new").click().run()
    opened = build.session_state["library"]
    assert opened is not None and opened[1] == 1
    build.number_input(key=f"edit.{gen(build)}.company.starting_cash").set_value(8_000_000.0).run()
    assert build.session_state["library"] == opened                  # an edit keeps the library link
    build.button(key="build.save_revision").click().run()
    assert build.session_state["library"][1] == 2


@budget(6)
@given(scenarios())
def test_loading_into_the_editor_and_reading_back_changes_nothing(scenario):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["scenario"] = scenario
    at.run()
    at.switch_page("views/build.py").run()
    for name in ("company", "revenue", "costs", "team", "funding", "strategy", "risk"):
        section(at, name)
        assert not at.exception
    assert at.session_state["scenario"] == scenario
    assert at.session_state["editor.draft"].data == scenario.model_dump()


def test_switching_how_inference_is_priced_keeps_the_cost_per_million_tokens(build):
    section(build, "costs")
    before = build.session_state["scenario"].ai_costs.million_token_cost
    mode = build.radio(key=f"edit.{gen(build)}.ai_costs.mode")
    mode.set_value("tokens" if mode.value == "gpu" else "gpu").run()
    after = build.session_state["scenario"].ai_costs
    assert after.million_token_cost == pytest.approx(before, rel=1e-12)
    assert (after.gpu_price_per_hour is None) == (after.cost_per_million_tokens is not None)


def test_the_strip_shows_the_runway_change_since_the_scenario_was_opened(build):
    build.selectbox(key="preset").set_value("seed002_nlp_project").run()
    build.number_input(key=f"edit.{gen(build)}.company.starting_cash").set_value(1_000_000.0).run()
    runway = next(m for m in build.metric if m.label == "Runway")
    # By hand: month 0 pays the 5M servers, earns 250k (3 deals of 250k a quarter) and spends 83.3k, so with 5M
    # the cash never runs out in the 36 months; with 1M it ends month 0 at -3.83M: 0 months, 36 fewer.
    assert runway.value == "0.0 months"
    assert runway.delta == "-36 months since opened"


# --- regressions found walking through the page as a new founder ------------------------------


def test_a_new_start_is_not_overwritten_by_the_widgets_of_the_scenario_before(build):
    build.text_input(key="build.start.name").set_value("Lumen AI")
    build.number_input(key="build.start.starting_cash").set_value(2_500_000.0)
    build.button(key="build.start.create").click().run()
    for name in ("revenue", "company", "team"):  # the next clicks used to write the old preset's values back
        section(build, name)
    scenario = build.session_state["scenario"]
    assert (scenario.company.name, scenario.company.starting_cash) == ("Lumen AI", 2_500_000.0)
    assert build.session_state["editor.draft"].undo_stack == []


def test_edits_survive_another_section_and_another_page(build):
    section(build, "team")
    build.session_state[f"edit.{gen(build)}.opex.team"] = {
        "edited_rows": {0: {"headcount": 8.0}}, "added_rows": [], "deleted_rows": []}
    build.run()
    assert build.session_state["scenario"].opex.team[0].headcount == 8.0
    assert len(build.session_state["editor.draft"].undo_stack) == 1          # one edit, one undo step
    section(build, "company")
    build.number_input(key=f"edit.{gen(build)}.company.starting_cash").set_value(3_000_000.0).run()
    build.switch_page("views/overview.py").run()
    build.switch_page("views/build.py").run()
    assert build.radio(key="build.section").value == "company"              # the section is kept
    assert build.number_input(key=f"edit.{gen(build)}.company.starting_cash").value == 3_000_000.0
    section(build, "team")
    assert build.session_state["scenario"].opex.team[0].headcount == 8.0    # the table edit is still there
    assert build.session_state["scenario"].company.starting_cash == 3_000_000.0


def grid(at) -> tuple[list[str], dict]:
    """The section's one table: the columns it shows, and each column's settings by field name."""
    (editor,) = at.dataframe
    return list(editor.proto.column_order), json.loads(editor.proto.columns)


def test_a_table_shows_the_columns_filled_first_and_the_others_on_request(build):
    section(build, "team")
    assert grid(build)[0] == ["role", "headcount", "cost_per_head_month", "start_month"]
    before = gen(build)
    build.toggle(key="build.all_columns.opex.team").set_value(True).run()
    assert gen(build) == before + 1  # another set of columns is another widget: rebuilt from the draft
    assert grid(build)[0] == list(TABLES["opex.team"])
    section(build, "costs")  # a one-off's instalments and input VAT on request
    assert grid(build)[0] == ["name", "cost", "month", "kind"]
    build.toggle(key="build.all_columns.opex.one_off_costs").set_value(True).run()
    assert grid(build)[0] == ["name", "cost", "month", "kind", "instalments", "vat_rate"]


@pytest.mark.parametrize(("lang", "first", "april", "january"), [("en", "2026-01", "2026-04", "2028-01"),
                                                                 ("zh", "2026年1月", "2026年4月", "2028年1月")])
def test_a_month_column_picks_calendar_months_and_keeps_the_index(build, lang, first, april, january):
    """The preset starts in 2026-01: month 3 is April 2026; from 2027-11, month 2 is January 2028."""
    build.selectbox(key="lang").set_value(lang).run()
    section(build, "funding")
    months = grid(build)[1]["month"]
    options = {o["value"]: o["label"] for o in months["type_config"]["options"]}
    assert list(options) == list(range(241)) and (options[0], options[3]) == (first, april)
    assert first in months["help"] and months["required"]  # the index is only a hint
    build.session_state[f"edit.{gen(build)}.funding"] = {"edited_rows": {0: {"month": 3}}, "added_rows": [],
                                                         "deleted_rows": []}
    build.run()
    assert build.session_state["scenario"].funding[0].month == 3
    section(build, "company")
    build.date_input(key=f"edit.{gen(build)}.company.start_date").set_value(date(2027, 11, 1)).run()
    section(build, "team")
    team = grid(build)[1]
    assert {o["value"]: o["label"] for o in team["start_month"]["type_config"]["options"]}[2] == january
    assert not team["end_month"]["required"]  # a role that stays has no end month


def test_a_table_edit_sent_with_the_click_on_another_section_is_kept(build):
    section(build, "team")
    roles = [r.role for r in build.session_state["scenario"].opex.team]
    build.session_state[f"edit.{gen(build)}.opex.team"] = {
        "edited_rows": {0: {"headcount": 8.0}}, "deleted_rows": [],
        "added_rows": [{"role": "Sales lead", "headcount": 2.0, "cost_per_head_month": 9000.0, "start_month": 6}]}
    section(build, "company")  # the same rerun: the section's callback rebuilds the widgets first
    team = build.session_state["scenario"].opex.team
    assert [r.role for r in team] == [*roles, "Sales lead"]
    assert (team[0].headcount, team[-1].start_month) == (8.0, 6)


def test_a_table_edit_that_arrives_after_another_section_is_shown_is_kept_once(build):
    """Streamlit sends a table's edits 150 ms after the last one: a click on another section within that time reaches
    the server first, and the table's edits come with the next rerun, for a table no longer drawn. They are applied to
    the rows they were typed on, so a row read before is not added twice."""
    section(build, "team")
    table = f"edit.{gen(build)}.opex.team"
    roles = [r.role for r in build.session_state["scenario"].opex.team]
    new = {"role": "Sales lead", "headcount": 2.0, "cost_per_head_month": 9000.0}
    build.session_state[table] = {"edited_rows": {}, "added_rows": [new], "deleted_rows": []}
    build.run()  # the new row is read
    section(build, "company")  # the click; then the table's last edit (its start month) arrives late
    company = gen(build)
    build.session_state[table] = {"edited_rows": {0: {"headcount": 8.0}}, "added_rows": [{**new, "start_month": 6}],
                                  "deleted_rows": []}
    build.run()
    assert gen(build) == company  # the section's widgets, which the reader may be typing in, are kept
    team = build.session_state["scenario"].opex.team
    assert [r.role for r in team] == [*roles, "Sales lead"]  # one new row, not two
    assert (team[0].headcount, team[-1].start_month) == (8.0, 6)
    build.run()  # sent again: nothing changes
    assert build.session_state["scenario"].opex.team == team
    section(build, "team")
    assert len(field_value(build.session_state["editor.snap"], "opex.team")) == len(roles) + 1  # the grid shows it


def test_a_late_table_edit_does_not_overwrite_a_later_change_of_its_list(build):
    section(build, "team")
    table = f"edit.{gen(build)}.opex.team"
    build.session_state[table] = {"edited_rows": {0: {"headcount": 8.0}}, "added_rows": [], "deleted_rows": []}
    build.run()
    build.button(key="build.undo").click().run()  # undo rebuilt the widgets; the old table then sends an edit
    undone = build.session_state["scenario"]
    build.session_state[table] = {"edited_rows": {0: {"headcount": 8.0}, 1: {"headcount": 5.0}}, "added_rows": [],
                                  "deleted_rows": []}
    build.run()
    assert build.session_state["scenario"] == undone  # the undo stands


def test_a_table_edit_sent_with_the_click_on_undo_is_the_edit_undone(build):
    section(build, "team")
    table = f"edit.{gen(build)}.opex.team"
    build.session_state[table] = {"edited_rows": {0: {"headcount": 8.0}}, "added_rows": [], "deleted_rows": []}
    build.run()
    build.session_state[table] = {"edited_rows": {0: {"headcount": 8.0}, 1: {"headcount": 5.0}}, "added_rows": [],
                                  "deleted_rows": []}
    build.button(key="build.undo").click().run()  # the same rerun: the second edit is read, then undone
    team = build.session_state["scenario"].opex.team
    assert (team[0].headcount, team[1].headcount) == (8.0, 3.0)
    build.button(key="build.redo").click().run()
    assert build.session_state["scenario"].opex.team[1].headcount == 5.0


def test_a_late_table_edit_shows_in_the_same_table_drawn_with_every_column(build):
    section(build, "team")
    table = f"edit.{gen(build)}.opex.team"
    build.toggle(key="build.all_columns.opex.team").set_value(True).run()  # the click went first
    build.session_state[table] = {"edited_rows": {1: {"cost_per_head_month": 16_500.0}}, "added_rows": [],
                                  "deleted_rows": []}
    build.run()
    assert build.session_state["scenario"].opex.team[1].cost_per_head_month == 16_500.0
    assert field_value(build.session_state["editor.snap"], "opex.team[1].cost_per_head_month") == 16_500.0
    assert grid(build)[0] == list(TABLES["opex.team"])  # rebuilt with it, still with every column


def test_save_offers_the_name_of_the_scenario_as_edited(build):
    build.text_input(key=f"edit.{gen(build)}.company.name").set_value("Pocket AI").run()
    assert build.text_input(key="build.name.Pocket AI").value == "Pocket AI"
    build.button(key="build.save_new").click().run()
    assert build.session_state["library"][2] == "Pocket AI"


def test_a_new_loan_row_reaches_the_scenario_without_a_note_and_a_bad_grace_is_named_in_chinese(build):
    """The walkthrough's trap: a new Funding row with the partner note left empty was held back by the grid (a
    required text column) and could never become valid. The grid sends the cells the user filled and the checkbox
    column's default."""
    section(build, "funding")
    key = f"edit.{gen(build)}.funding"
    loan = {"name": "Bank loan", "kind": "debt", "month": 3, "amount": 500_000.0, "interest_rate_yearly": 6.0,
            "term_months": 24, "repayment": "amortising", "grace_months": 6, "participating": False, "mfn": False, "pro_rata": False}
    build.session_state[key] = {"edited_rows": {}, "added_rows": [loan], "deleted_rows": []}
    build.run()
    assert not build.exception and not build.error
    added = build.session_state["scenario"].funding[-1]
    assert (added.name, added.repayment, added.grace_months, added.exclusivity) == ("Bank loan", "amortising", 6, "")
    before = build.session_state["scenario"]
    build.selectbox(key="lang").set_value("zh").run()           # a new language rebuilt the grid: the row stays
    section(build, "funding")
    assert build.session_state["scenario"] == before
    row = len(before.funding)
    build.session_state[f"edit.{gen(build)}.funding"] = {
        "edited_rows": {row - 1: {"grace_months": 24}}, "added_rows": [], "deleted_rows": []}
    build.run()
    assert build.session_state["scenario"] == before                      # refused, nothing lost
    assert f"融资第{row}行：宽限期（24个月）仅适用于等额本金或等额本息贷款，且须短于期限（24个月）" in [e.value for e in build.error]


def test_a_loan_without_a_term_is_valid_but_the_strip_says_its_principal_is_never_repaid(build):
    """Found in a walkthrough: a debt row left at its defaults (no term) read "Valid" and lengthened the runway by
    22 months, a loan never repaid; the model allows it (an open, interest-only loan), so the page says so."""
    section(build, "funding")
    loan = {"name": "Bank loan", "kind": "debt", "month": 3, "amount": 500_000.0, "interest_rate_yearly": 6.0,
            "participating": False, "mfn": False, "pro_rata": False}
    build.session_state[f"edit.{gen(build)}.funding"] = {"edited_rows": {}, "added_rows": [loan], "deleted_rows": []}
    build.run()
    assert not build.exception and build.session_state["scenario"].funding[-1].term_months is None
    shown = [i.value.replace("\\", "") for i in build.info]  # escaped as Markdown: the name is the user's
    assert any(text.startswith("“Bank loan” has no term: at 6.0% a year") for text in shown), shown
    termed = {**loan, "term_months": 24}
    build.session_state[f"edit.{gen(build)}.funding"] = {"edited_rows": {}, "added_rows": [termed], "deleted_rows": []}
    build.run()
    assert build.session_state["scenario"].funding[-1].term_months == 24
    assert not any("has no term" in i.value for i in build.info)


def test_a_trial_is_set_in_days_and_says_what_it_does_to_the_sign_ups(build):
    section(build, "revenue")
    i = next(i for i, s in enumerate(build.session_state["scenario"].streams) if getattr(s, "trial", None) is not None)
    widget(build, f"streams[{i}].new_customers_per_month").set_value(60.0).run()
    widget(build, f"streams[{i}].trial.conversion").set_value(20.0).run()
    widget(build, f"streams[{i}].trial.days").set_value(14).run()
    assert build.session_state["scenario"].streams[i].trial.days == 14
    assert any(c.value == "Paying customers from 60 sign-ups a month: 12 (20.0% convert after a 14-day trial; "
                          "48 leave)." for c in build.caption)


def test_the_strips_narrow_chart_has_no_toolbar_over_its_title(build):
    """Found in a walkthrough: in the narrow column Plotly's toolbar covered the title's unit ("（美元）")."""
    import json

    charts = build.get("plotly_chart")
    assert len(charts) == 1
    assert json.loads(charts[0].proto.config)["displayModeBar"] is False
