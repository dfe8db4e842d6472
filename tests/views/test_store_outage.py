"""A library that goes away during a save (PostgreSQL restarting) gets the app's own message, not Streamlit's
generic error (issue 32)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from core.model import load_scenario
from core.storage.store import LOCAL, Store
from tests.views.test_pages import fresh_app, saved_store

UNREACHABLE = "The scenario library cannot be reached right now; nothing was changed."
DOWN = OperationalError("INSERT INTO revisions ...", {}, Exception("connection to server at 10.0.0.5 failed"))


@pytest.fixture
def app(tmp_path, monkeypatch):
    return fresh_app(tmp_path, monkeypatch)


def down(*args, **kwargs):
    raise DOWN


def test_a_save_while_the_database_is_down_says_the_library_cannot_be_reached(app, monkeypatch, caplog):
    app.switch_page("views/library.py").run()
    app.button(key="library.save_new").click().run()
    monkeypatch.setattr(Store, "save", down)
    app.run()                                               # the button's callback now holds the failing save
    app.button(key="library.save_revision").click().run()  # a callback: it runs before the page
    assert not app.exception
    (error,) = app.error
    assert error.value.startswith(UNREACHABLE) and "10.0.0.5" not in error.value
    assert app.session_state["library"][1] == 1                          # still revision 1: the next save tries again
    assert any("10.0.0.5" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)  # the details: in the log


def test_a_share_link_made_while_the_database_is_down_says_the_library_cannot_be_reached(app, monkeypatch):
    saved_store().create(LOCAL, "Pitch", load_scenario("sample_data/company_b_data_assistant.yaml"))
    app.switch_page("views/library.py").run()
    monkeypatch.setattr(Store, "share", down)
    app.button(key="library.share_create").click().run()  # the page's own store call
    assert not app.exception
    assert [e.value for e in app.error if e.value.startswith(UNREACHABLE)] and not app.code
