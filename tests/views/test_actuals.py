"""The Plan vs actuals page through AppTest: which months it offers, and stored actuals a changed plan no longer fits."""

from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import ui.auth
import ui.clock
from core.model import Actuals, load_scenario, replace_fields
from core.storage.store import LOCAL, Identity
from tests.core.analysis.test_reforecast import as_reported
from tests.views.test_zh_numbers import page_texts, shorthand

APP = str(Path(__file__).resolve().parents[2] / "app.py")
B = load_scenario("sample_data/company_b_data_assistant.yaml")  # starts 2026-01, runs 60 months
HALF_YEAR = Actuals.model_validate({"months": [{"month": date(2026, m, 1), "payroll": 1_000.0 * m} for m in range(1, 7)]})


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "app.db"))
    monkeypatch.delenv("WINTERPROOF_DATABASE_URL", raising=False)
    monkeypatch.setattr(ui.clock, "today", lambda: date(2026, 12, 7))
    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(APP, default_timeout=60).run()


def db():
    from ui.cached import store

    return store()


def opened_on_actuals(app, saved, actuals: Actuals | None = None, later=None, lang: str = "en"):
    """``saved`` in the library (with ``actuals``, then ``later`` saved as its next revision), opened, on the page."""
    sid = db().create(LOCAL, "Winter", saved).scenario_id
    if actuals is not None:
        db().save_actuals(LOCAL, sid, actuals)
    if later is not None:
        db().save(LOCAL, sid, later)
    app.session_state["lang"] = lang
    app.switch_page("views/library.py").run()
    app.button(key="library.open").click().run()
    app.switch_page("views/actuals.py").run()
    assert not app.exception
    return sid


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "The plan starts in January 2027: the first month of actuals can be entered from 1 February 2027."),
    ("zh", "计划从2027年1月开始：该月结束后，即2027年2月1日起，才能填写第一个月的实际数据。"),
])
def test_a_plan_starting_next_month_offers_no_template_and_says_when_the_first_month_can_be_entered(app, monkeypatch,
                                                                                                   lang, text):
    opened_on_actuals(app, replace_fields(B, {"company.start_date": date(2027, 1, 1)}), lang=lang)
    assert [i.value for i in app.info] == [text] and not app.get("download_button")  # no template, no "download it"
    monkeypatch.setattr(ui.clock, "today", lambda: date(2027, 2, 1))       # January has ended
    app.run()
    assert len(app.get("download_button")) == 1 and text not in [i.value for i in app.info]


def test_stored_actuals_before_a_moved_start_are_explained_kept_until_chosen_then_realigned_by_calendar(app):
    later = replace_fields(B, {"company.start_date": date(2026, 3, 1)})
    sid = opened_on_actuals(app, B, HALF_YEAR, later)
    warning = app.warning[0].value
    assert "Nothing has been removed" in warning and "- 2026-01 to 2026-02: before the plan’s first month (2026-03)" in warning
    assert db().actuals(LOCAL, sid) == (1, HALF_YEAR)                      # nothing changes until the founder chooses
    assert app.button(key="actuals.realign").label == "Keep the months that fit (2026-03 to 2026-06)"
    assert app.button(key="actuals.remove").label == "Remove the stored actuals"
    assert any("so 2026-03 to 2026-06 are kept" in c.value for c in app.caption)  # the choice, explained
    app.button(key="actuals.realign").click().run()
    assert not app.exception and not app.warning
    assert app.success[0].value.startswith("Kept the actuals of 2026-03 to 2026-06 and saved them with “Winter” "
                                           "(actuals revision 2")
    number, kept = db().actuals(LOCAL, sid)
    assert number == 2 and [(m.month.month, m.payroll) for m in kept.months] == [(3, 3000), (4, 4000), (5, 5000), (6, 6000)]
    summary = app.dataframe[0].value                                     # the variance of the months kept
    assert list(summary["Line"]) == ["Payroll"] and summary.iloc[0]["Actual"] == "$18.00k"  # 3+4+5+6 thousand


def test_stored_actuals_past_a_shortened_plan_can_only_be_removed_and_then_are_gone(app):
    earlier = replace_fields(B, {"company.start_date": date(2024, 1, 1), "settings.horizon_months": 12})  # to 2024-12
    sid = opened_on_actuals(app, B, HALF_YEAR, earlier)
    assert "- 2026-01 to 2026-06: after the plan’s last month (2024-12; it runs 12 months)" in app.warning[0].value
    assert app.info[0].value.startswith("None of these months is inside the plan any more")
    assert not [b for b in app.button if b.key == "actuals.realign"]
    app.button(key="actuals.remove").click().run()
    assert not app.exception and app.success[0].value == "The actuals were removed."
    assert db().actuals(LOCAL, sid) is None and any(i.value.startswith("No actuals yet") for i in app.info)


def test_a_workspace_viewer_sees_why_the_actuals_do_not_fit_but_is_offered_no_action(app, monkeypatch):
    viewer = Identity("vic@example.com")
    sid = db().create(LOCAL, "Winter", B).scenario_id
    db().save_actuals(LOCAL, sid, HALF_YEAR)
    db().save(LOCAL, sid, replace_fields(B, {"company.start_date": date(2026, 3, 1)}))
    db().set_member(LOCAL, db().workspaces(LOCAL)[0].id, viewer.user, "viewer")
    monkeypatch.setattr(ui.auth, "identity", lambda: viewer)
    app.session_state["library.workspace"] = db().workspaces(LOCAL)[0].id
    app.switch_page("views/library.py").run()
    app.button(key="library.open").click().run()
    app.switch_page("views/actuals.py").run()
    assert not app.exception and "before the plan’s first month (2026-03)" in app.warning[0].value
    assert any(c.value == "Only an editor of this workspace can remove or realign them." for c in app.caption)
    assert not [b for b in app.button if b.key in ("actuals.realign", "actuals.remove")]
    assert db().actuals(LOCAL, sid) == (1, HALF_YEAR)


def test_a_share_link_to_a_plan_the_actuals_no_longer_fit_shows_the_plan_without_them_or_any_action(app):
    sid = db().create(LOCAL, "Winter", B).scenario_id
    db().save_actuals(LOCAL, sid, HALF_YEAR)
    db().save(LOCAL, sid, replace_fields(B, {"company.start_date": date(2026, 3, 1)}))
    token, _ = db().share(LOCAL, sid)
    view = AppTest.from_file(APP, default_timeout=60)
    view.query_params["share"] = token
    view.run()
    assert not view.exception and view.metric and not [e for e in view.expander if e.label.startswith("Plan vs actual")]
    assert not [b for b in view.button if b.key in ("actuals.realign", "actuals.remove")]


def test_actuals_of_this_session_only_that_no_longer_fit_are_realigned_or_forgotten_in_the_session(app):
    app.switch_page("views/actuals.py").run()                             # the default plan: 2026-01, 36 months
    app.session_state["actuals"] = Actuals.model_validate(
        {"months": [{"month": date(2025, m, 1), "payroll": 1.0} for m in range(11, 13)]
         + [{"month": date(2026, 1, 1), "payroll": 7.0}]})                # as if the plan's start had moved since
    app.run()
    assert "- 2025-11 to 2025-12: before the plan’s first month (2026-01)" in app.warning[0].value
    assert app.button(key="actuals.remove").label == "Remove these actuals"
    app.button(key="actuals.realign").click().run()
    assert app.success[0].value == "Kept the actuals of 2026-01."
    assert [(m.month, m.payroll) for m in app.session_state["actuals"].months] == [(date(2026, 1, 1), 7.0)]
    assert db().list_scenarios(LOCAL) == []                               # nothing went to the library


def test_the_chinese_actuals_page_writes_its_variance_tables_in_the_headers_unit(app):
    """Company B (USD) with seven months reported as planned but payroll 10,000 higher a month: the tables count in
    万美元 in their headers, a difference is a plain number (7 × 10,000 → "7.00"), and nothing is shorthand."""
    reported = as_reported(B, 7)
    higher = Actuals.model_validate({"months": [m.model_dump() | {"payroll": m.payroll + 10_000} for m in reported.months]})
    opened_on_actuals(app, B, higher, lang="zh")
    assert shorthand(page_texts(app)) == []
    by_line = next(f.value for f in app.dataframe if "已报告月数" in f.value.columns)
    assert list(by_line.columns[1:4]) == ["计划（万美元）", "实际（万美元）", "差异（万美元）"]
    payroll = by_line[by_line["项目"] == "人员薪酬"].iloc[0]
    assert payroll["差异（万美元）"] == "7.00" and payroll["已报告月数"] == 7   # 7 months × 10,000 = 7万
