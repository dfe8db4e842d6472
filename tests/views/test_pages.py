"""Every page through Streamlit's AppTest: loads, and its controls change what is shown."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import ui.pages
from core.analysis.levers import Levers, apply_levers
from core.analysis.metrics import summarize
from core.engine.projection import project
from core.model import load_scenario, replace_fields
from core.present.report import headline
from core.storage.store import LOCAL
from ui.links import link_address, this_machine_only
from ui.widgets import plain

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = [spec.file for spec in ui.pages.PAGES]  # every page of the navigation, from its one list


def fresh_app(tmp_path, monkeypatch, timeout: float = 60, scenario=None) -> AppTest:
    """A new session on a database of its own (caches cleared), showing ``scenario`` if given, after its first run."""
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "app.db"))
    monkeypatch.delenv("WINTERPROOF_DATABASE_URL", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=timeout)
    if scenario is not None:
        at.session_state["scenario"] = scenario
    return at.run()


def page_app(tmp_path, monkeypatch, page: str, scenario=None, lang: str = "en") -> AppTest:
    """:func:`fresh_app` showing ``page`` in ``lang``."""
    at = fresh_app(tmp_path, monkeypatch, scenario=scenario)
    if lang != "en":
        at.session_state["lang"] = lang
        at.run()
    return at.switch_page(page).run()


@pytest.fixture
def app(tmp_path, monkeypatch):
    return fresh_app(tmp_path, monkeypatch)


def w(at, name):
    """The key of a ``lever.*`` / ``input.*`` widget in the session's current generation (ui.session.wkey)."""
    gen = at.session_state["widgets.gen"] if "widgets.gen" in at.session_state else 0
    return f"{name}@{gen}"


def field_key(at, path):
    """The key of the scenario field widget of ``path`` on any page (ui.editor.key: the editor's generation)."""
    return f"edit.{at.session_state['build.gen']}.{path}"


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_loads_without_exception(app, page):
    app.switch_page(page).run()
    assert not app.exception
    assert app.title


def test_every_page_loads_a_re_forecast_with_rounds_roles_and_one_offs_before_its_start(tmp_path, monkeypatch):
    """A re-forecast applied as the scenario has a history: its past rounds, roles and one-offs fall in negative
    months. Every page shows it, and Build's month pickers offer those months by their calendar names."""
    from core.analysis.actuals import reforecast
    from tests.core.analysis.test_reforecast import as_reported

    plan = load_scenario("sample_data/company_c_analytics_platform.yaml")
    restarted = reforecast(plan, as_reported(plan, 7)).scenario
    assert min(r.month for r in restarted.funding) < 0 and restarted.settings.history_months == 7
    at = fresh_app(tmp_path, monkeypatch, scenario=restarted)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.session_state["scenario"] == restarted, page  # showing it changes nothing


@pytest.mark.parametrize("preset", ["seed002_nlp_project", "company_c_analytics_platform"])
def test_picking_a_preset_changes_the_overview(app, preset):
    app.selectbox(key="preset").set_value(preset).run()
    assert not app.exception
    assert load_scenario(f"sample_data/{preset}.yaml").company.name in app.title[0].value


def test_overview_shows_the_seed_case_figures(app):
    app.selectbox(key="preset").set_value("seed002_nlp_project").run()
    assert metric(app, "NPV at 50%/yr, month-end flows") == "-¥1.42M"
    assert metric(app, "Default alive?") == "Alive"


def test_the_overview_edits_the_discount_rate_and_the_cash_flow_timing(app):
    app.selectbox(key="preset").set_value("seed002_nlp_project").run()
    app.selectbox(key=field_key(app, "settings.cash_flow_timing")).set_value("start").run()
    assert metric(app, "NPV at 50%/yr, month-start flows") == "-¥1.47M"    # month 0 undiscounted
    app.slider(key=field_key(app, "settings.discount_rate_yearly")).set_value(0.0).run()
    assert metric(app, "NPV at 0%/yr, month-start flows") == "¥1.00M"      # 9M revenue - 8M cost, undiscounted
    assert app.session_state["scenario"].settings.discount_rate_yearly == 0.0


@pytest.mark.parametrize(
    ("key", "value"),
    [("lever.headcount", 0.5), ("lever.round_delay", -9), ("lever.starting_cash", 6_000_000.0), ("lever.price", 2.0)],
)
def test_moving_a_funds_slider_changes_the_shown_runway(app, key, value):
    app.switch_page("views/funds.py").run()
    before = metric(app, "Runway")
    app.slider(key=w(app, key)).set_value(value).run()
    assert not app.exception
    assert metric(app, "Runway") != before


def test_applying_the_drivers_changes_every_page(app):
    app.switch_page("views/funds.py").run()
    app.slider(key=w(app, "lever.round_delay")).set_value(-9).run()
    app.button(key="funds.apply").click().run()
    assert app.session_state["scenario"].funding[0].month == 9
    app.switch_page("views/overview.py").run()
    assert metric(app, "Runway") != "14 months"


FUNDS_LEVERS = {  # lever name: (position, the same change as Levers)
    "lever.starting_cash": (9_000_000.0, Levers(starting_cash=9_000_000.0)),
    "lever.headcount": (0.8, Levers(headcount_factor=0.8)),
    "lever.cost_per_head": (1.2, Levers(cost_per_head_factor=1.2)),
    "lever.growth": (2.0, Levers(growth_shift_monthly=0.02)),
    "lever.churn": (1.5, Levers(churn_factor=1.5)),
    "lever.price": (1.3, Levers(price_factor=1.3)),
    "lever.inference": (2.0, Levers(inference_cost_factor=2.0)),
    "lever.round_delay": (3, Levers(round_delay_months=3)),
    "lever.round_amount": (0.5, Levers(round_amount_factor=0.5)),
}
NEUTRAL = {"lever.headcount": 1.0, "lever.cost_per_head": 1.0, "lever.growth": 0.0, "lever.churn": 1.0,
           "lever.price": 1.0, "lever.inference": 1.0, "lever.round_delay": 0, "lever.round_amount": 1.0}


def runway_card(scenario):
    """The Runway card as the page should show it, computed from the model directly."""
    kpi = next(k for k in headline(summarize(project(scenario), scenario.settings), scenario) if k.key == "runway")
    return kpi.value


@pytest.mark.parametrize("name", list(FUNDS_LEVERS))
def test_after_apply_every_lever_reads_neutral_and_another_lever_acts_on_the_applied_plan(app, name):
    original = app.session_state["scenario"]
    position, levers = FUNDS_LEVERS[name]
    applied = apply_levers(original, levers)
    app.switch_page("views/funds.py").run()
    app.slider(key=w(app, name)).set_value(position).run()
    assert metric(app, "Runway") == runway_card(applied)
    app.button(key="funds.apply").click().run()
    assert app.session_state["scenario"] == applied
    for lever, neutral in {**NEUTRAL, "lever.starting_cash": applied.company.starting_cash}.items():
        assert app.slider(key=w(app, lever)).value == pytest.approx(neutral), lever
    assert metric(app, "Runway") == runway_card(applied)
    other = "lever.price" if name != "lever.price" else "lever.headcount"
    app.slider(key=w(app, other)).set_value(1.05).run()
    expected = apply_levers(applied, Levers(price_factor=1.05) if other == "lever.price" else Levers(headcount_factor=1.05))
    assert metric(app, "Runway") == runway_card(expected)
    assert not app.exception


def test_applying_keeps_the_library_link_so_the_next_revision_can_be_saved(app):
    original = app.session_state["scenario"]
    app.switch_page("views/library.py").run()
    app.button(key="library.save_new").click().run()
    opened = app.session_state["library"]
    assert opened is not None
    app.switch_page("views/funds.py").run()
    app.slider(key=w(app, "lever.headcount")).set_value(0.8).run()
    app.button(key="funds.apply").click().run()
    assert app.session_state["library"] == opened
    assert app.session_state["scenario"] == apply_levers(original, Levers(headcount_factor=0.8))


def test_lever_positions_survive_another_page_and_are_flagged_as_unapplied(app):
    app.switch_page("views/funds.py").run()
    app.slider(key=w(app, "lever.headcount")).set_value(0.8).run()
    app.slider(key=w(app, "lever.price")).set_value(1.3).run()
    moved = metric(app, "Runway")
    app.switch_page("views/overview.py").run()
    assert any("Levers moved on Funds & runway but not applied (2)" in x.value for x in app.sidebar.warning)
    app.switch_page("views/funds.py").run()
    assert app.slider(key=w(app, "lever.headcount")).value == pytest.approx(0.8)
    assert app.slider(key=w(app, "lever.price")).value == pytest.approx(1.3)
    assert metric(app, "Runway") == moved
    app.selectbox(key="preset").set_value("company_a_customer_service").run()  # a new scenario: levers start neutral
    assert app.slider(key=w(app, "lever.headcount")).value == pytest.approx(1.0)
    assert not app.sidebar.warning


def test_display_only_changes_on_the_risk_lab_rerun_no_monte_carlo(app, monkeypatch):
    import ui.cached

    calls = []
    for name in ("simulate", "sensitivity", "stress_outcomes"):
        real = getattr(ui.cached, name)
        monkeypatch.setattr(ui.cached, name, lambda *a, real=real, name=name, **k: calls.append(name) or real(*a, **k))
    app.switch_page("views/risk.py").run()
    first = sorted(calls)
    assert first == ["sensitivity", "simulate", "stress_outcomes"]     # one of each: the stress base reuses simulate
    app.slider(key=field_key(app, "risk.survival_month")).set_value(12).run()
    assert app.session_state["scenario"].risk.survival_month == 12
    assert metric(app, "Odds of cash at month 12").endswith("%")                # the cards read the new month at once
    app.selectbox(key=w(app, "lever.metric")).set_value("npv").run()
    app.switch_page("views/strategy.py").run()
    app.slider(key=field_key(app, "strategy.pillar_weights.funds")).set_value(5.0).run()
    app.switch_page("views/risk.py").run()
    assert sorted(calls) == first and not app.exception                # survival month, metric, weights: cache hits
    app.slider(key=w(app, "input.risk.correlation")).set_value(-0.8).run()
    assert sorted(calls) == sorted(first * 2)                          # an input of the simulation: one re-run each


def test_revenue_page_shows_concentration_and_a_row_per_stream(app):
    app.switch_page("views/revenue.py").run()
    assert metric(app, "Revenue concentration (HHI)") == "0.62"
    assert len(app.dataframe[0].value) == 2


def test_overview_shows_the_survival_score(app):
    assert metric(app, "Survival score") == "44 / 100"


@pytest.mark.parametrize(
    ("page", "widget", "key", "value", "shown"),
    [
        ("views/technology.py", "select_slider", "strategy.model_quality", 1, "Technology innovation score"),
        ("views/technology.py", "slider", "ai_costs.cost_decline_yearly", 90.0, "Technology innovation score"),
        ("views/business_model.py", "slider", "streams[1].churn_monthly", 0.5, "Business-model innovation score"),
        ("views/business_model.py", "number_input", "opex.marketing_per_month", 0.0, "Business-model innovation score"),
        ("views/funds_pillar.py", "slider", "strategy.runway_target_months", 6, "Funds management score"),
        ("views/funds_pillar.py", "number_input", "company.starting_cash", 9_000_000.0, "Funds management score"),
        ("views/market.py", "select_slider", "strategy.market.competition", 1, "Market positioning score"),
        ("views/market.py", "number_input", "strategy.market.sam_yearly", 100_000_000.0, "Market positioning score"),
        ("views/strategy.py", "slider", "strategy.pillar_weights.funds", 5.0, "Survival score"),
    ],
)
def test_a_pillar_input_changes_the_score_and_the_scenario(app, page, widget, key, value, shown):
    app.switch_page(page).run()
    before, scenario = metric(app, shown), app.session_state["scenario"]
    getattr(app, widget)(key=field_key(app, key)).set_value(value).run()
    assert not app.exception and not app.error
    assert metric(app, shown) != before
    assert app.session_state["scenario"] != scenario
    app.switch_page("views/strategy.py").run()  # the edit is the scenario every page uses
    assert app.session_state["scenario"] != scenario


def test_opening_a_pillar_page_does_not_change_the_scenario(app):
    scenario = app.session_state["scenario"]
    for page in PAGES[1:]:
        app.switch_page(page).run()
        assert app.session_state["scenario"] == scenario


def test_an_invalid_market_size_shows_the_field_and_keeps_the_scenario(app):
    app.switch_page("views/market.py").run()
    scenario = app.session_state["scenario"]
    app.number_input(key=field_key(app, "strategy.market.sam_yearly")).set_value(9e10).run()
    assert not app.exception
    shown = app.error[0].value.replace("\\", "")                       # as the page reads (markdown escapes)
    assert shown == "The serviceable market (SAM, 90,000,000,000) cannot exceed the total market (TAM, 20,000,000,000)"
    assert app.session_state["scenario"] == scenario


def test_a_problem_left_on_one_page_does_not_freeze_the_others_and_is_pointed_to_there(app):
    app.session_state["lang"] = "zh"
    app.switch_page("views/market.py").run()
    app.number_input(key=field_key(app, "strategy.market.sam_yearly")).set_value(9e10).run()
    assert "可服务市场规模（SAM，90,000,000,000）不能超过总体市场规模（TAM，20,000,000,000）" in app.error[0].value
    app.switch_page("views/overview.py").run()
    assert not app.error                                             # not this page's problem: only a note
    assert any("另有1处修改尚未通过校验" in c.value for c in app.caption)
    app.slider(key=field_key(app, "settings.discount_rate_yearly")).set_value(20.0).run()
    live = app.session_state["scenario"]
    assert live.settings.discount_rate_yearly == pytest.approx(0.2)      # the valid edit reached the scenario
    assert live.strategy.market.sam_yearly != 9e10                        # the invalid one did not
    app.switch_page("views/market.py").run()
    assert app.number_input(key=field_key(app, "strategy.market.sam_yearly")).value == 9e10   # still there to fix
    app.number_input(key=field_key(app, "strategy.market.sam_yearly")).set_value(1e10).run()
    fixed = app.session_state["scenario"]
    assert fixed.strategy.market.sam_yearly == 1e10 and fixed.settings.discount_rate_yearly == pytest.approx(0.2)
    assert not app.error


def test_the_strategy_page_lists_weak_factors_and_moves(app):
    app.switch_page("views/strategy.py").run()
    weakest, moves = app.dataframe[0].value, app.dataframe[1].value
    assert len(weakest) == 5 and weakest["Survival points lost"].is_monotonic_decreasing
    assert moves.iloc[0]["Change"] == "Bridge round worth 6 months of burn"
    assert moves.iloc[0]["Runway (months)"] > 20


def test_switching_on_an_optional_dimension_adds_it_to_the_scores(app):
    app.switch_page("views/strategy.py").run()
    assert not [m for m in app.metric if m.label == "Data capability"]
    weights = {s.label for s in app.slider}
    assert "Technology innovation" in weights and "Data capability" not in weights  # no weight that would move nothing
    app.toggle(key=field_key(app, "strategy.has_data")).set_value(True).run()
    assert metric(app, "Data capability") == "50 / 100"
    assert "Data capability" in {s.label for s in app.slider}  # its weight, in the same run as the switch
    survival = metric(app, "Survival score")
    app.slider(key=field_key(app, "strategy.pillar_weights.data")).set_value(5.0).run()
    assert metric(app, "Data capability") == "50 / 100" and metric(app, "Survival score") != survival  # the weight counts
    app.select_slider(key=field_key(app, "strategy.data.collection")).set_value(5).run()
    assert metric(app, "Data capability") == "67 / 100"


def test_the_technology_page_lists_moves_with_their_runway_cost(app):
    app.switch_page("views/technology.py").run()
    moves = app.dataframe[0].value
    vertical = moves[moves["Change"] == "Open one more vertical (+1 solutions engineer)"].iloc[0]
    assert vertical["Technology innovation (points)"] > 0 > vertical["Runway (months)"]


def test_a_new_preset_resets_the_pillar_inputs(app):
    app.switch_page("views/technology.py").run()
    app.select_slider(key=field_key(app, "strategy.model_quality")).set_value(1).run()
    app.selectbox(key="preset").set_value("company_c_analytics_platform").run()
    assert app.session_state["scenario"].strategy.model_quality == 1      # asked first: the edit is not saved
    app.button(key="unsaved.confirm").click().run()
    assert app.select_slider(key=field_key(app, "strategy.model_quality")).value == 3
    assert metric(app, "Technology innovation score") == "76 / 100"


@pytest.fixture
def risk_b(app):
    app.selectbox(key="preset").set_value("company_b_data_assistant").run()
    return app.switch_page("views/risk.py").run()


def test_the_risk_page_shows_the_odds_the_model_computes(risk_b):
    from core.analysis.risk import simulate

    r = simulate(load_scenario("sample_data/company_b_data_assistant.yaml"))
    assert metric(risk_b, "Odds of cash at month 18") == f"{100 * r.survival_at(18):.0f}%"
    assert risk_b.info[0].value.startswith(f"In {100 * r.survival_at(18):.0f}% of 5,000 simulated futures")
    assert "the largest driver of the mean runway is" in risk_b.info[0].value
    assert len(risk_b.dataframe[0].value) == 1 and risk_b.dataframe[1].value.iloc[0]["Round"] == "Series A"


def test_a_stress_toggle_lowers_the_odds_and_fills_the_stress_table(risk_b):
    before = metric(risk_b, "Odds of cash at month 18")
    risk_b.button_group(key=w(risk_b, "lever.stresses")).set_value(["gpu_50", "delay_6"]).run()
    assert not risk_b.exception
    assert int(metric(risk_b, "Odds of cash at month 18").rstrip("%")) < int(before.rstrip("%"))
    assert risk_b.info[0].value.startswith("Under Round delayed 6 months, GPU cost +50%, in ")
    table = risk_b.dataframe[0].value
    assert list(table["Stress"]) == ["Base simulation", "Round delayed 6 months", "GPU cost +50%", "All chosen together"]


def test_the_round_probability_and_seed_are_saved_with_the_scenario(risk_b):
    before = metric(risk_b, "Odds of cash at month 18")
    risk_b.slider(key=w(risk_b, "input.risk.rounds.0")).set_value(20.0).run()
    assert risk_b.session_state["scenario"].risk.rounds["Series A"].probability == 0.2
    assert metric(risk_b, "Odds of cash at month 18") != before
    risk_b.number_input(key=field_key(risk_b, "risk.seed")).set_value(11).run()
    assert risk_b.session_state["scenario"].risk.seed == 11
    assert not risk_b.exception


def test_the_tornado_metric_can_be_switched(risk_b):
    risk_b.selectbox(key=w(risk_b, "lever.metric")).set_value("npv").run()
    assert not risk_b.exception
    assert "the largest driver of the mean NPV is" in risk_b.info[0].value


def optimal_price(at):
    return at.table[0].value.iloc[0]["Optimal"]


def test_the_pricing_page_shows_the_optimum_the_model_computes(app):
    from core.analysis.pricing import optimise_price

    app.switch_page("views/pricing.py").run()
    expected = optimise_price(load_scenario("sample_data/capital_winter_round_slips.yaml"), 0, "gross_profit")
    assert optimal_price(app) == f"${expected.price:,.2f}"
    assert any("bounded Brent" in c.value and "converged" in c.value for c in app.caption)


def test_a_demand_slider_moves_the_optimal_price_and_is_saved(app):
    app.switch_page("views/pricing.py").run()
    before = optimal_price(app)
    app.number_input(key=field_key(app, "streams[0].demand.elasticity")).set_value(3.0).run()
    assert not app.exception
    assert app.session_state["scenario"].streams[0].demand.elasticity == 3.0
    assert optimal_price(app) != before      # c e / (e - 1) falls as elasticity rises


def test_applying_the_optimal_price_changes_the_scenario_every_page_uses(app):
    app.switch_page("views/pricing.py").run()
    app.selectbox(key=w(app, "lever.pricing.stream")).set_value(1).run()
    optimum = optimal_price(app)
    app.button(key="pricing.apply").click().run()
    team = app.session_state["scenario"].streams[1]
    assert f"${team.price_per_month:,.2f}" == optimum and team.demand.reference_price == 99
    assert app.table[0].value.iloc[0]["Today"] == optimum


def test_a_minimum_margin_and_the_survey_range_bound_the_price(app):
    app.switch_page("views/pricing.py").run()
    app.selectbox(key=w(app, "lever.pricing.stream")).set_value(1).run()
    app.checkbox(key=w(app, "lever.pricing.vw_bound")).check().run()
    low, high = 63.75, 111.67
    price = float(optimal_price(app).lstrip("$"))
    assert low <= price <= high
    app.slider(key=w(app, "lever.pricing.min_margin")).set_value(90).run()
    assert not app.exception
    assert app.error[0].value.startswith("No price within the bounds meets the constraints")


def test_the_tier_optimiser_shows_a_row_per_plan_and_can_apply_them(app):
    app.switch_page("views/pricing.py").run()
    app.selectbox(key=w(app, "lever.pricing.stream")).set_value(1).run()
    plans = app.dataframe[0].value
    assert list(plans["Plan"]) == ["Free", "Pro", "Enterprise"] and plans.iloc[0, 1] == "$0"
    assert abs(plans["Share of prospects (%)"].sum()) <= 100 + 1e-9
    picked = int((plans["Share of prospects (%)"] > 0).sum())
    assert list(plans.iloc[:, 1] == "not offered (nobody picks it)") == list(plans["Share of prospects (%)"] == 0)
    app.button(key="pricing.apply_tiers").click().run()
    streams = app.session_state["scenario"].streams
    assert len(streams) == 2 + picked and streams[1].new_customers_per_month == 0
    assert all(s.name.startswith("Team plan — ") for s in streams[2:])


# --- library, share links, compare, pitch ------------------------------------------------


def saved_store():
    from ui.cached import store

    return store()


def test_saving_twice_makes_two_revisions_and_the_library_lists_it(app):
    app.switch_page("views/library.py").run()
    app.button(key="library.save_new").click().run()
    app.button(key="library.save_revision").click().run()
    assert app.success[0].value == "Done: “Winter case — Series A slips” saved, revision 2."
    saved = next(d.value for d in app.dataframe if "Revision" in d.value.columns)
    assert saved.iloc[0]["Revision"] == 2
    assert [r.number for r in saved_store().history(LOCAL, 1)] == [2, 1]


def test_a_save_from_a_stale_tab_is_refused_and_kept_as_a_copy(app):
    app.switch_page("views/library.py").run()
    app.button(key="library.save_new").click().run()
    saved_store().save(LOCAL, 1, load_scenario("sample_data/seed002_nlp_project.yaml"))   # another tab saves revision 2
    app.button(key="library.save_revision").click().run()                              # this tab is still on 1
    assert "Not saved over the latest: revision 2" in app.error[0].value
    names = list(next(d.value for d in app.dataframe if "Name" in d.value.columns)["Name"])
    assert any("conflicting copy" in n for n in names) and saved_store().current(LOCAL, 1).number == 2


def test_open_delete_undelete_and_restore_from_the_library(app):
    db = saved_store()
    first = db.create(LOCAL, "Bear", load_scenario("sample_data/seed002_nlp_project.yaml"))
    db.save(LOCAL, first.scenario_id, load_scenario("sample_data/company_c_analytics_platform.yaml"))
    app.switch_page("views/library.py").run()
    app.button(key="library.open").click().run()
    assert app.session_state["scenario"].company.name.startswith("Company C")
    app.selectbox(key="library.revision").set_value(1).run()
    assert app.button(key="library.restore").disabled is False
    app.button(key="library.restore").click().run()
    assert db.current(LOCAL, first.scenario_id).number == 3 and db.current(LOCAL, first.scenario_id).action == "restore"
    # the scenario on screen is what the restore made (a save now would not quietly undo it), and it says so
    assert app.session_state["scenario"] == load_scenario("sample_data/seed002_nlp_project.yaml")
    assert app.session_state["library"] == (first.scenario_id, 3, "Bear")
    assert app.success[0].value == "Done: “Bear” restored, revision 3."
    app.selectbox(key="library.revision").set_value(3).run()
    assert app.button(key="library.restore").disabled  # the newest revision is not restored onto itself
    app.button(key="library.delete").click().run()
    assert app.info[0].value.startswith("Nothing saved yet")
    app.toggle(key="library.show_deleted").set_value(True).run()
    app.button(key="library.undelete").click().run()
    assert [r.action for r in db.history(LOCAL, first.scenario_id)][:2] == ["undelete", "delete"]


def test_creating_a_share_link_shows_it_once(app):
    saved_store().create(LOCAL, "Pitch", load_scenario("sample_data/company_b_data_assistant.yaml"))
    app.switch_page("views/library.py").run()
    app.button(key="library.share_create").click().run()
    link = app.code[0].value
    assert "?share=" in link and len(link.split("?share=")[1]) >= 43
    assert saved_store().open_share(link.split("?share=")[1]) is not None
    app.button(key="library.save_new").click().run()      # another click: the one-time address is still there
    assert [c.value for c in app.code] == [link]
    app.switch_page("views/overview.py").run()             # found in a walkthrough: away and back, it was shown again
    app.switch_page("views/library.py").run()
    assert not app.code and not app.success


def test_a_link_made_in_local_mode_says_it_opens_on_this_computer_only(app):
    """Found in a walkthrough: the Share panel handed out http://127.0.0.1:…/library?share=… without a word."""
    saved_store().create(LOCAL, "Pitch", load_scenario("sample_data/company_b_data_assistant.yaml"))
    app.switch_page("views/library.py").run()
    app.button(key="library.share_create").click().run()
    note = app.warning[0].value
    assert "opens on this computer only" in note and "team mode" in note and "`WINTERPROOF_PUBLIC_URL`" in note


@pytest.mark.parametrize(("here", "public", "address", "local"), [
    ("http://127.0.0.1:8501/library?x=1", None, "http://127.0.0.1:8501/library?share=tok", True),
    ("http://localhost:8501/library", None, "http://localhost:8501/library?share=tok", True),
    ("http://[::1]:8501/library", None, "http://[::1]:8501/library?share=tok", True),
    ("http://127.0.0.1:8501/library", "https://plan.example.com/", "https://plan.example.com/?share=tok", False),
    ("https://plan.example.com/library", "https://plan.example.com/base", "https://plan.example.com/base/?share=tok", False),
    ("http://192.168.1.20:8501/library", None, "http://192.168.1.20:8501/library?share=tok", False),
])
def test_a_link_is_made_on_the_public_address_when_set_and_knows_when_it_is_this_machines(here, public, address, local):
    assert link_address("tok", here, public) == address
    assert this_machine_only(address) is local


def test_a_configured_public_address_makes_the_links(app, monkeypatch):
    monkeypatch.setenv("WINTERPROOF_PUBLIC_URL", "https://plan.example.com/")
    saved_store().create(LOCAL, "Pitch", load_scenario("sample_data/company_b_data_assistant.yaml"))
    app.switch_page("views/library.py").run()
    app.button(key="library.share_create").click().run()
    link = app.code[0].value
    assert link.startswith("https://plan.example.com/?share=")
    assert saved_store().open_share(link.removeprefix("https://plan.example.com/?share=")) is not None


def shared_app(token):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["share"] = token
    return at.run()


def test_a_share_link_opens_a_read_only_investor_view(app):
    scenario = load_scenario("sample_data/company_b_data_assistant.yaml")
    token, _ = saved_store().share(LOCAL, saved_store().create(LOCAL, "For investors", scenario).scenario_id)
    view = shared_app(token)
    assert not view.exception
    assert view.title[0].value == scenario.company.name
    assert metric(view, "Runway") == "> 60 months" and metric(view, "Odds of cash at month 18") == "93%"
    keys = {getattr(w, "key", None) for w in [*view.button, *view.text_input, *view.selectbox]}
    assert keys == {"share.explore", "lang"}                # the language, and nothing that saves, edits or switches scenarios
    assert len(view.sidebar.selectbox) == 0 and len(view.sidebar.button) == 0   # no preset picker, no uploads
    view.button(key="share.explore").click().run()
    assert view.session_state["scenario"] == scenario and "share" not in view.query_params
    assert saved_store().current(LOCAL, 1).number == 1              # the shared scenario is untouched


def test_a_labelled_link_with_a_passcode_a_note_and_downloads_reaches_the_investor(app):
    scenario = load_scenario("sample_data/company_b_data_assistant.yaml")
    sid = saved_store().create(LOCAL, "Pitch", scenario).scenario_id
    app.switch_page("views/library.py").run()
    app.text_area(key=f"library.note.{sid}").set_value("Bridge closes in March. **Not bold**")
    app.button(key="library.note_save").click().run()  # a form: the text goes with the one click that saves it
    app.text_input(key="library.share_label").set_value("Sequoia — partner meeting")
    app.text_input(key="library.share_passcode").set_value("winter-2026")
    app.toggle(key="library.share_downloads").set_value(True)
    app.button(key="library.share_create").click().run()
    token = app.code[0].value.split("?share=")[1]
    links = app.dataframe[-1].value
    assert links.iloc[0]["Recipient"] == "Sequoia — partner meeting" and links.iloc[0]["Opens"] == 0
    assert links.iloc[0]["Settings"] == "passcode · downloads"

    view = shared_app(token)                                          # the investor: asked for the passcode first
    assert view.title[0].value == "This link asks for a passcode" and not view.metric
    view.text_input[0].set_value("wrong")
    view.button[0].click().run()
    assert view.error[0].value == "That passcode is not right: enter the one the founder gave you." and not view.metric
    view.text_input[0].set_value("winter-2026")
    view.button[0].click().run()
    assert not view.exception and view.title[0].value == scenario.company.name
    assert "Prepared for Sequoia — partner meeting." in [c.value for c in view.caption]
    assert any("Bridge closes in March. \\*\\*Not bold\\*\\*" in m.value for m in view.markdown)  # plain text
    assumptions, monthly = view.dataframe[0].value, view.dataframe[1].value
    assert ("Analyst seats (Subscription)", "Price per customer per month", "$1.50k") in {
        tuple(r) for r in assumptions.itertuples(index=False)}
    assert list(monthly.columns[:3]) == ["Month", "Revenue", "Cost of revenue"] and len(monthly) == 60
    assert monthly.iloc[0]["Month"] == "2026-01"
    assert [b.label for b in view.get("download_button")] == ["Download the numbers (Excel)"]
    assert any(e.label == "Cap table" for e in view.expander)                    # who owns what, after each round
    assert list(view.dataframe[2].value["Holder"]) == ["Founders", "Series A"]
    view.run()                                                        # another rerun of the same visit: one open
    assert saved_store().links(LOCAL, sid)[0].opens == 1


def test_a_link_without_downloads_offers_none(app):
    token, _ = saved_store().share(LOCAL, saved_store().create(LOCAL, "Pitch", app.session_state["scenario"]).scenario_id)
    view = shared_app(token)
    assert not view.exception and not view.get("download_button")
    # Found in a walkthrough: the tables still offered Streamlit's "Download as CSV". A static table has no toolbar.
    assert not view.dataframe
    assumptions, monthly = view.table[0].value, view.table[1].value  # the assumptions and the months all the same
    months = app.session_state["scenario"].settings.horizon_months
    assert "Cash in the bank" in set(assumptions["Assumption"]) and len(monthly) == months


def test_an_investor_who_explores_a_copy_never_reaches_the_founders_library(app):
    """The blocker of issue 17: share link -> "make a private copy" -> Library showed every founder's scenarios."""
    founder = load_scenario("sample_data/company_a_customer_service.yaml")
    secret = saved_store().create(LOCAL, "Founder's secret plan", founder)
    token, _ = saved_store().share(LOCAL, saved_store().create(LOCAL, "For investors", founder).scenario_id)
    view = shared_app(token)
    view.button(key="share.explore").click().run()
    assert view.session_state["guest"] is True
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        view.switch_page("views/library.py")                 # the Library is not in a guest's navigation ...
    for page in ("views/compare.py", "views/build.py"):
        view.switch_page(page).run()
        assert not view.exception, page
        shown = " ".join(str(e.value) for e in [*view.markdown, *view.caption, *view.info, *view.title]
                         if isinstance(getattr(e, "value", None), str))
        shown += " ".join(map(str, [*view.selectbox, *view.multiselect]))
        assert "secret plan" not in shown and "For investors" not in shown, page
    assert not [b for b in view.button if str(b.key).startswith(("library.", "build.save"))]  # nothing saves or opens
    # ... and the Build page's library tab says why it lists nothing
    assert any(i.value.startswith("Saved scenarios are not available in this session") for i in view.info)
    assert saved_store().current(LOCAL, secret.scenario_id).number == 1


@pytest.mark.parametrize("kind", ["unknown", "revoked", "expired"])
def test_invalid_revoked_and_expired_links_get_the_same_polite_page(app, kind, monkeypatch):
    db = saved_store()
    token, link = db.share(LOCAL, db.create(LOCAL, "Old", load_scenario("sample_data/seed002_nlp_project.yaml")).scenario_id, days=1)
    if kind == "unknown":
        token = token[::-1]
    elif kind == "revoked":
        db.revoke(LOCAL, link.id)
    else:
        from datetime import timedelta

        from core.storage import store as store_module
        later = store_module._now() + timedelta(days=2)
        monkeypatch.setattr(store_module, "_now", lambda: later)
    view = shared_app(token)
    assert view.title[0].value == "This link does not open a scenario" and not view.metric


def test_plan_vs_actuals_reads_the_saved_actuals_shows_the_variance_and_applies_the_re_forecast(app):
    from core.model import Actuals

    app.switch_page("views/actuals.py").run()
    assert any(i.value.startswith("No actuals yet") for i in app.info)
    winter = app.session_state["scenario"]
    sid = saved_store().create(LOCAL, "Winter", winter).scenario_id
    rows = [{"month": f"2026-0{m}-01", "payroll": 200_000.0 + 1_000 * m, "ending_cash": 3_000_000.0 - 250_000 * m}
            for m in range(1, 7)]
    saved_store().save_actuals(LOCAL, sid, Actuals.model_validate({"months": rows}))
    app.switch_page("views/library.py").run()
    app.button(key="library.open").click().run()
    app.switch_page("views/actuals.py").run()
    assert not app.exception
    summary = app.dataframe[0].value
    assert list(summary["Line"]) == ["Payroll", "Cash at month end"] and summary.iloc[1]["Actual"] == "$1.50M"
    assert metric(app, "Net burn a month (last 3 months)").startswith("$")
    from core.present import formatting as fmt  # the plan's and the re-forecast's cash on the plan's last month

    ends = [m.value for m in app.metric if m.label.startswith("Cash at the end of")]
    assert ends[0] == fmt.money(float(project(winter).cash[0, -1]), "USD") and ends[1] != ends[0] and len(ends) == 2
    app.toggle(key=w(app, "lever.actuals.recalibrate")).set_value(True).run()  # no revenue reported: nothing to fit
    assert not app.exception
    app.button(key="actuals.apply").click().run()
    scenario = app.session_state["scenario"]
    assert scenario.company.start_date.isoformat() == "2026-07-01" and scenario.company.starting_cash == 1_500_000
    assert app.session_state["library"][0] == sid                                # still linked: saves as next revision
    assert any(s.value.startswith("Every page now runs from the re-forecast.") for s in app.success)
    token, _ = saved_store().share(LOCAL, sid)                                   # the investor sees plan vs actual
    view = shared_app(token)
    assert not view.exception and any(e.label == "Plan vs actual, 2026-01 to 2026-06" for e in view.expander)
    assert list(view.table[0].value["Line"]) == ["Payroll", "Cash at month end"]  # static: the link has no downloads


def test_winter_financing_shows_the_cap_table_and_every_way_through_side_by_side(app):
    app.switch_page("views/financing.py").run()
    assert not app.exception
    cap, ways, exit_table, take = (d.value for d in app.dataframe)
    assert "What it would take" in take.columns
    assert list(cap["Holder"]) == ["Founders", "Series A (slipped from month 9)"]
    assert list(ways["Way through"]) == ["Do nothing", "Cut the burn", "Bridge SAFE", "Down round", "Venture debt",
                                         "Subsidised loan", "Grant"]
    assert any("Subsidised loan: the same" in c.value and "3.5% a year, 12 months’ grace" in c.value for c in app.caption)
    before = ways.set_index("Way through")
    app.slider(key=w(app, "lever.financing.down")).set_value(60).run()
    after = app.dataframe[1].value.set_index("Way through")
    founders = "Founders after the next priced round"
    assert float(after.loc["Down round", founders].rstrip("%")) < float(before.loc["Down round", founders].rstrip("%"))
    assert after.loc["Do nothing", founders] == before.loc["Do nothing", founders]
    assert exit_table["Holder"].tolist()[0] == "Founders" and not app.exception


def test_winter_financing_names_a_strategic_investors_partner_terms(app):
    partner = {"name": "BigCo A", "month": 9, "amount": 2e6, "kind": "equity", "pre_money_valuation": 8e6,
               "partner_revenue_per_month": 40_000, "partner_months": 24, "exclusivity": "no rival cloud for 2 years"}
    app.session_state["scenario"] = replace_fields(app.session_state["scenario"], {"funding": [partner], "risk.rounds": {}})
    app.switch_page("views/financing.py").run()
    assert not app.exception
    shown = "BigCo A is a strategic investor: $40.00k a month from the partner for 24 months, if the round closes. " \
        "In return: no rival cloud for 2 years."
    assert plain(shown) in [c.value for c in app.caption]       # shown as itself: a typed note cannot style the page


def test_winter_financing_shows_company_a_s_bridge_safe_converting_in_its_pre_a(app):
    app.selectbox(key="preset").set_value("company_a_customer_service").run()
    app.switch_page("views/financing.py").run()
    assert not app.exception
    cap = app.dataframe[0].value
    assert list(cap["Holder"]) == ["Founders", "Angel bridge SAFE", "Pre-A"]
    assert list(cap["After Pre-A (month 15)"]) == ["76.2%", "3.8%", "20.0%"]      # 16/21, 4/105, 1/5 (test_captable)
    assert "Angel bridge SAFE converts in Pre-A: ¥3.00M at ¥6.00 a share (set by the pre-money valuation cap)." in [
        c.value.replace("\\", "") for c in app.caption]                   # shown as plain text: Markdown escaped
    assert any("Angel bridge SAFE: the valuation cap is pre-money" in i.value for i in app.info)


def test_winter_financing_shows_the_option_grants_against_the_pool(app):
    from core.model import replace_fields
    winter = app.session_state["scenario"]
    team = [{**r.model_dump(), "option_grant_shares": 40_000} for r in winter.opex.team]
    app.session_state["scenario"] = replace_fields(winter, {"opex.team": team, "company.option_pool_shares": 100_000})
    app.switch_page("views/financing.py").run()
    assert not app.exception
    granted = sum(r.headcount for r in winter.opex.team if r.start_month < winter.settings.horizon_months) * 40_000
    assert any(c.value.startswith(f"Option pool after the last round: 100,000 options; granted to the team: {granted:,.0f}")
               for c in app.caption)
    assert any(x.value.startswith("The team's option grants exceed the pool from month 0") for x in app.warning)


def test_compare_shows_kpis_with_differences_for_three_scenarios(app):
    app.switch_page("views/compare.py").run()
    assert app.multiselect(key=w(app, "lever.compare")).value == ["current", "preset:company_b_data_assistant"]  # USD too
    app.multiselect(key=w(app, "lever.compare")).set_value(
        ["current", "preset:company_b_data_assistant", "preset:seed002_nlp_project"]).run()
    assert not app.exception
    table = app.dataframe[0].value
    first, b, seed = "On screen: Winter case — Series A slips", "Preset: Company B — data assistant", \
        "Preset: NLP project (seed article 002)"
    assert list(table.columns) == ["Metric", first, b, seed]             # one column a scenario: three fit at 1366 px
    row = {m: table[table["Metric"] == m].iloc[0] for m in table["Metric"]}
    assert row["Runway"][first] == "14.0 months"
    assert row["Runway"][seed] == "> 36 months (at least +22 months)"    # capped at its horizon: a bound, not 36 - 14
    assert row["Default alive?"][seed] == "Alive (Dead → Alive)"
    assert row["Cash today"][b] == "$3.00M (-$300.00k)"                   # USD against USD: a difference in money
    assert row["Cash today"][seed] == "¥5.00M"                            # CNY against USD: none, and the page says why
    assert any("different currencies (CNY, USD)" in c.value for c in app.caption)
    assert row["Gross margin (year 1)"][b].endswith(" pp)")
    # a date, as on the Overview (Company B breaks even in month 29 of a plan from 2026-01); no difference from "never"
    assert [row["Break-even month"][c] for c in (first, b, seed)] == ["—", "2028-06", "2026-02"]


def test_pitch_mode_moves_the_runway_live(app):
    app.switch_page("views/pitch.py").run()
    before = metric(app, "Runway")
    app.slider(key=w(app, "lever.pitch.delay")).set_value(-9).run()
    assert metric(app, "Runway") != before and not app.exception


def test_the_growth_churn_correlation_slider_is_saved_with_the_scenario(app):
    app.switch_page("views/risk.py").run()
    assert app.slider(key=w(app, "input.risk.correlation")).value == -0.4      # the winter preset's setting
    app.slider(key=w(app, "input.risk.correlation")).set_value(-0.8).run()
    assert [c.rank for c in app.session_state["scenario"].risk.correlations] == [-0.8] and not app.exception


def test_names_are_shown_as_text_never_as_markdown(app):
    """A name can hold Markdown (an outside image, styling, a coloured label): every page shows it escaped."""
    from core.model import replace_fields

    evil = "![x](http://evil.example/x.png) **b** :red[r] `c`"
    scenario = app.session_state["scenario"]
    app.session_state["scenario"] = replace_fields(scenario, {"company.name": evil, "streams[0].name": evil[:80]})
    for page in ("views/overview.py", "views/business_model.py", "views/pitch.py"):
        app.switch_page(page).run()
        assert not app.exception, page
        shown = [e.value for e in [*app.title, *app.caption, *app.markdown, *app.success] if isinstance(e.value, str)]
        shown += [w.label for w in [*app.slider, *app.number_input]]
        assert any("evil.example" in v for v in shown), page           # the name is there ...
        assert not any(marker in v for v in shown for marker in ("![x]", "**b**", ":red[", "`c`")), page  # ... as text


def test_an_unreachable_database_gets_a_plain_message_without_its_address(tmp_path, monkeypatch):
    monkeypatch.setenv("WINTERPROOF_DATABASE_URL", "postgresql+psycopg://founder:hunter2@127.0.0.1:9/nowhere")
    st.cache_resource.clear()
    for page in (None, "views/library.py"):
        at = AppTest.from_file(APP, default_timeout=60)
        if page is None:
            at.query_params["share"] = "x" * 43  # an investor's link
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception
        shown = " ".join(e.value for e in at.error)
        assert "cannot be reached" in shown and "hunter2" not in shown and "127.0.0.1" not in shown
    st.cache_resource.clear()


def test_an_unexpected_error_shows_an_incident_id_and_logs_the_traceback(app, monkeypatch, caplog):
    import core.present.report

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail: /srv/secrets")

    monkeypatch.setattr(core.present.report, "headline", broken)
    monkeypatch.delenv("WINTERPROOF_DEBUG")
    app.run()
    assert not app.exception
    (error,) = app.error
    incident = error.value.rsplit(" ", 1)[-1].rstrip(".")
    assert len(incident) == 8 and "/srv/secrets" not in error.value
    assert any(incident in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_term_of_the_plan_drawn_in_a_file_is_explained_on_the_risk_page_and_in_the_investor_view(tmp_path, monkeypatch):
    s = replace_fields(load_scenario("sample_data/company_b_data_assistant.yaml"),
                       {"risk.inputs": {"streams[1].payment_days": {"kind": "uniform", "low": 0, "high": 90}}})
    at = fresh_app(tmp_path, monkeypatch, scenario=s)
    at.switch_page("views/risk.py").run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["risk.inputs: streams[1].payment_days is a term of the plan, not a "
                                             "forecast the simulation can draw: draw a volume, a growth rate, a "
                                             "price, churn or a cost instead"]
    at.switch_page("views/pitch.py").run()
    assert not at.exception
