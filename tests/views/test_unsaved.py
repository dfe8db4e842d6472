"""Nothing lost: a tab's unsaved work comes back after a reload, is offered to a new tab, and is never replaced
without asking."""

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.storage.store import LOCAL
from tests.views.test_pages import APP, field_key
from ui.cached import store


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "app.db"))
    monkeypatch.delenv("WINTERPROOF_DATABASE_URL", raising=False)
    st.cache_data.clear()
    return tmp_path


def tab(token: str | None = None) -> AppTest:
    """A browser tab: a new session, at an address carrying ``token`` (a reload) or none (a new tab)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if token is not None:
        at.query_params["draft"] = token
    return at.run()


def token_of(at) -> str:
    value = at.query_params["draft"]
    return value[0] if isinstance(value, list) else value


def edit_cash(at, amount: float) -> None:
    at.switch_page("views/build.py").run()
    at.number_input(key=field_key(at, "company.starting_cash")).set_value(amount).run()


def status(at) -> str:
    """The sidebar's line saying where the scenario came from and whether it has unsaved changes."""
    return next(c.value for c in at.sidebar.caption if c.value.endswith("unsaved changes"))


def test_a_reload_gives_back_the_edits_the_library_link_and_says_so(db):
    first = tab()
    assert status(first) == "Preset: Winter case — Series A slips: no unsaved changes"
    edit_cash(first, 7_000_000.0)
    assert status(first) == "Preset: Winter case — Series A slips: unsaved changes"
    again = tab(token_of(first))                                            # F5: the same address, a new session
    assert again.session_state["scenario"] == first.session_state["scenario"]
    assert again.session_state["scenario"].company.starting_cash == 7_000_000.0
    assert again.info[0].value.startswith("Your unsaved work on “Winter case — Series A slips” is back")
    assert status(again) == "Preset: Winter case — Series A slips: unsaved changes"   # measured from the preset still
    assert token_of(again) == token_of(first)


def test_edits_not_yet_valid_come_back_with_their_problem(db):
    first = tab()
    first.switch_page("views/market.py").run()
    first.number_input(key=field_key(first, "strategy.market.sam_yearly")).set_value(9e10).run()  # above TAM: refused
    kept = first.session_state["scenario"]
    assert first.session_state["editor.draft"].problems() is not None
    again = tab(token_of(first))
    assert again.session_state["scenario"] == kept                          # the last valid scenario on every page
    again.switch_page("views/market.py").run()
    assert again.number_input(key=field_key(again, "strategy.market.sam_yearly")).value == 9e10
    assert "cannot exceed the total market" in again.error[0].value        # still shown as a problem, not lost


def test_saving_ends_the_kept_work_and_the_status_names_the_revision(db):
    first = tab()
    edit_cash(first, 7_000_000.0)
    token = token_of(first)
    assert store().kept_draft(LOCAL, token) is not None
    first.switch_page("views/library.py").run()
    first.button(key="library.save_new").click().run()
    assert store().kept_draft(LOCAL, token) is None
    assert status(first).endswith("revision 1: no unsaved changes")
    assert tab(token).session_state["scenario"].company.starting_cash != 7_000_000.0   # nothing kept to give back


def test_a_new_tab_is_offered_the_work_of_another_and_takes_it_or_drops_it(db):
    first = tab()
    edit_cash(first, 7_000_000.0)
    other = tab()
    assert other.session_state["scenario"].company.starting_cash != 7_000_000.0     # offered, not imposed
    assert "unsaved work from another tab" in other.info[0].value
    other.button(key="unsaved.take").click().run()
    assert other.session_state["scenario"].company.starting_cash == 7_000_000.0
    assert store().other_drafts(LOCAL, "x" * 22) != []                      # kept again, now under this tab's token
    third = tab()
    third.button(key="unsaved.drop").click().run()
    assert store().other_drafts(LOCAL, "x" * 22) == []
    assert not [i for i in tab().info if "another tab" in i.value]


@pytest.mark.parametrize("how", ["preset", "blank"])
def test_opening_another_scenario_over_unsaved_work_asks_first(db, how):
    at = tab()
    edit_cash(at, 7_000_000.0)
    if how == "preset":
        at.selectbox(key="preset").set_value("seed002_nlp_project").run()
    else:
        at.button(key="build.start.create").click().run()
    assert "has changes that are not saved" in at.warning[0].value
    assert at.session_state["scenario"].company.starting_cash == 7_000_000.0
    at.button(key="unsaved.cancel").click().run()                           # keep editing
    assert at.session_state["scenario"].company.starting_cash == 7_000_000.0 and not at.warning
    if how == "preset":
        assert at.selectbox(key="preset").value is None                     # the picker claims nothing
        at.selectbox(key="preset").set_value("seed002_nlp_project").run()
    else:
        at.button(key="build.start.create").click().run()
    at.button(key="unsaved.confirm").click().run()
    assert at.session_state["scenario"].company.starting_cash != 7_000_000.0
    assert status(at).endswith("no unsaved changes")


def test_a_scenario_without_edits_opens_at_once_and_the_picker_does_not_claim_it(db):
    at = tab()
    at.selectbox(key="preset").set_value("seed002_nlp_project").run()
    assert at.session_state["scenario"].company.name == "NLP project (seed article 002)" and not at.warning
    assert at.selectbox(key="preset").value is None
    assert status(at) == "Preset: NLP project (seed article 002): no unsaved changes"


def test_an_address_with_a_malformed_or_unknown_token_starts_clean(db):
    for token in ("<script>", "a" * 30):
        at = tab(token)
        assert not at.exception and not at.info
        assert at.session_state["scenario"].company.name == "Winter case — Series A slips"
