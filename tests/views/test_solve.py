"""What it would take on the pages: the side-by-side table, Apply, the odds target on request, the investor view."""

from __future__ import annotations

import pytest

from core.analysis.solve import Target, lever, solve
from core.model import load_scenario
from core.present.solve import answer_text
from core.storage.store import LOCAL
from tests.views.test_pages import fresh_app, page_app, saved_store, shared_app, w

WINTER = "sample_data/capital_winter_round_slips.yaml"


def solve_table(at):
    """The side-by-side table (interactive, or static in a link without downloads)."""
    return next(d.value for d in [*at.dataframe, *at.table]
                if "What it would take" in d.value.columns or "需要做什么" in d.value.columns)


@pytest.mark.parametrize("page", ["views/funds.py", "views/financing.py"])
def test_the_section_solves_every_lever_for_the_strategy_runway_and_apply_makes_it_the_scenario(tmp_path, monkeypatch,
                                                                                               page):
    at = page_app(tmp_path, monkeypatch, page)
    assert not at.exception
    scenario = at.session_state["scenario"]
    place = "funds" if "funds" in page else "financing"
    at.number_input(key=w(at, f"lever.solve.{place}.months")).set_value(24).run()
    frame = solve_table(at)
    assert list(frame["Lever"])[:2] == ["The plan as it is", "Cut team cost"]
    cut = solve(scenario, Target("runway", 24), "team_cut")
    row = frame[frame["Lever"] == "Cut team cost"].iloc[0]
    assert row["What it would take"] == answer_text(cut, scenario) == "Cut every role’s headcount by 20.7%."
    at.selectbox(key=w(at, f"lever.solve.{place}.pick.runway:24:0")).set_value("team_cut").run()
    at.button(key=f"solve.{place}.apply").click().run()
    assert not at.exception
    applied = at.session_state["scenario"]
    lv = lever(scenario, "team_cut")
    assert not isinstance(lv, str) and cut.value is not None
    assert applied == lv.scenario(cut.value)
    assert any("Applied" in s.value for s in at.success)


def test_an_odds_target_runs_only_on_request_and_then_names_its_monte_carlo_error(tmp_path, monkeypatch):
    at = page_app(tmp_path, monkeypatch, "views/funds.py")
    at.selectbox(key=w(at, "lever.solve.funds.kind")).set_value("odds").run()
    assert not any("What it would take" in d.value.columns for d in at.dataframe)
    at.button(key="solve.funds.run").click().run()
    assert not at.exception
    frame = solve_table(at)
    assert any("Monte Carlo error ±" in text for text in frame["What it would take"])


def test_a_target_in_chinese_reads_as_a_chinese_cfo_writes_it(tmp_path, monkeypatch):
    at = page_app(tmp_path, monkeypatch, "views/funds.py", lang="zh")
    assert not at.exception
    frame = solve_table(at)
    assert frame["调节手段"].iloc[0] == "当前计划"
    assert any(c.value.startswith("目标：现金至少撑") for c in at.caption)


def test_a_link_made_with_the_target_shows_what_it_would_take_read_only(tmp_path, monkeypatch):
    app = fresh_app(tmp_path, monkeypatch)
    scenario = load_scenario(WINTER)
    sid = saved_store().create(LOCAL, "Winter", scenario).scenario_id
    token, link = saved_store().share(LOCAL, sid, target=Target("runway", 24).code)
    assert link.target == "runway:24:0"
    view = shared_app(token)
    assert not view.exception
    frame = solve_table(view)
    assert "Raise a bridge SAFE of" in " ".join(frame["What it would take"])
    assert not any(b.key and b.key.startswith("solve.") for b in view.button)   # read-only: nothing to apply
    plain_token, _ = saved_store().share(LOCAL, sid)
    assert not any("What it would take" in d.value.columns for d in shared_app(plain_token).dataframe)
    del app


def test_a_target_code_that_does_not_read_shows_nothing():
    assert Target.parse("runway:24:0") == Target("runway", 24)
    assert Target.parse("odds:18:0.8") == Target("odds", 18, 0.8)
    assert [Target.parse(code) for code in ("", "runway", "drop:1:0", "runway:x:0", "odds:18:nan", None)] == [None] * 6


def test_apply_before_build_was_opened_is_undone_on_build(tmp_path, monkeypatch):
    at = page_app(tmp_path, monkeypatch, "views/funds.py")
    before = at.session_state["scenario"]
    at.selectbox(key=w(at, "lever.solve.funds.pick.runway:18:0")).set_value("team_cut").run()
    at.button(key="solve.funds.apply").click().run()
    assert at.session_state["scenario"] != before
    at.switch_page("views/build.py").run()
    assert not at.button(key="build.undo").disabled
    at.button(key="build.undo").click().run()
    assert at.session_state["scenario"] == before


def test_a_new_target_offers_only_its_own_answers_and_limits_are_not_applied(tmp_path, monkeypatch):
    """The founders' target: a bridge and the next round only dilute, so their answers are limits (the most money
    that keeps the share), never a change to apply; the runway target's picker is gone with its answers."""
    at = page_app(tmp_path, monkeypatch, "views/funds.py")
    at.selectbox(key=w(at, "lever.solve.funds.kind")).set_value("founders").run()
    assert not any(s.key and s.key.startswith("lever.solve.funds.pick") for s in at.selectbox)
    assert "A bridge SAFE of at most" in " ".join(solve_table(at)["What it would take"])
    assert at.session_state["solve.chosen"] == Target("founders", share=0.5)


def test_the_investor_views_static_table_shows_a_lower_bound_as_text_not_a_quote(tmp_path, monkeypatch):
    fresh_app(tmp_path, monkeypatch)
    sid = saved_store().create(LOCAL, "Winter", load_scenario(WINTER)).scenario_id
    token, _ = saved_store().share(LOCAL, sid, target=Target("runway", 24).code)
    cells = solve_table(shared_app(token))["Runway"]
    assert "\\> 36 months" in list(cells)   # escaped: Markdown would make "> 36 months" a block quote
