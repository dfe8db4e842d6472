"""Share links keep their promises (issue 32): a link without downloads offers none, on its private copy either;
no table offers Streamlit's unneutralised "Download as CSV"; a deleted scenario's links end; passcode guesses are
slowed, limited per client and counted for the founder."""

from __future__ import annotations

import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit import config
from streamlit.runtime.media_file_manager import MediaFileManager

from core.model import load_scenario
from core.storage.store import LOCAL, StoreError
from tests.views.test_pages import fresh_app, saved_store, shared_app

SCENARIO = load_scenario("sample_data/company_b_data_assistant.yaml")
DOWNLOADS = {"download.yaml", "download.json", "download.xlsx", "sidebar.onepager.pdf", "sidebar.onepager.png"}


@pytest.fixture
def app(tmp_path, monkeypatch):
    return fresh_app(tmp_path, monkeypatch)


def copy_of(token: str):
    """The investor's session after "Make a private copy", on the Overview and on Pitch mode."""
    view = shared_app(token)
    view.button(key="share.explore").click().run()
    assert not view.exception
    return view


def download_keys(at) -> set[str]:
    return {b.key for b in at.get("download_button")} | {b.label for b in at.get("download_button")}


@pytest.mark.parametrize("downloads", [False, True])
def test_a_private_copy_offers_downloads_only_when_its_link_does(app, downloads):
    sid = saved_store().create(LOCAL, "Pitch", SCENARIO).scenario_id
    token, _ = saved_store().share(LOCAL, sid, downloads=downloads)
    view = copy_of(token)
    offered = download_keys(view)
    for page in ("views/overview.py", "views/pitch.py"):
        offered |= download_keys(view.switch_page(page).run())
        assert not view.exception, page
    if downloads:
        assert DOWNLOADS <= offered and "Download every line item (CSV, column names in English for spreadsheets " \
            "and scripts)" in offered
    else:
        assert offered == set()


def test_no_table_offers_streamlits_csv_which_does_not_neutralise_formulas():
    """Streamlit's table toolbar writes its CSV in the browser, cells as shown (``+cmd|' /C calc'!A0`` too): the
    server's configuration turns it off for every table, and Streamlit reads that configuration here."""
    settings = tomllib.loads(Path(".streamlit/config.toml").read_text())
    assert settings["client"]["disableDataExport"] is True
    assert config.get_option("client.disableDataExport") is True


def test_a_deleted_scenarios_link_says_it_no_longer_works(app):
    sid = saved_store().create(LOCAL, "Pitch", SCENARIO).scenario_id
    token, _ = saved_store().share(LOCAL, sid)
    assert shared_app(token).title[0].value == SCENARIO.company.name
    app.switch_page("views/library.py").run()
    app.selectbox(key="library.pick").set_value(sid).run()
    app.button(key="library.delete").click().run()
    assert not app.exception and saved_store().current(LOCAL, sid).deleted
    view = shared_app(token)
    assert view.title[0].value == "This link does not open a scenario" and not view.metric


def test_wrong_passcodes_are_slowed_then_refused_and_the_founder_sees_them(app, monkeypatch):
    import ui.share

    naps: list[float] = []
    monkeypatch.setattr(ui.share, "_slow_down", lambda: naps.append(ui.share.WRONG_DELAY))
    sid = saved_store().create(LOCAL, "Pitch", SCENARIO).scenario_id
    token, _ = saved_store().share(LOCAL, sid, passcode="winter-2026")
    view = shared_app(token)
    for guess in ("a", "b", "c", "d", "e"):
        view.text_input[0].set_value(guess)
        view.button[0].click().run()
        assert view.error[0].value == "That passcode is not right: enter the one the founder gave you."
    view.run()                                          # a rerun (the language, say) is not another guess
    assert not view.error and naps == [1.0] * 5
    view.text_input[0].set_value("winter-2026")
    view.button[0].click().run()
    assert view.error[0].value == "Too many wrong passcodes from here: wait 10 minutes before trying again."
    assert not view.metric and naps == [1.0] * 5        # refused at once: the passcode was not even tried
    app.switch_page("views/library.py").run()
    app.selectbox(key="library.pick").set_value(sid).run()
    links = app.dataframe[-1].value
    assert links.iloc[0]["Wrong passcodes"] == 5 and links.iloc[0]["State"] == "active"


def test_a_client_is_its_connection_or_behind_a_proxy_on_this_machine_the_address_it_forwarded(monkeypatch):
    import ui.visit

    def client(ip: str | None, forwarded: str | None = None) -> str:
        headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
        monkeypatch.setattr(ui.visit, "st", SimpleNamespace(context=SimpleNamespace(ip_address=ip, headers=headers)))
        return ui.visit.client()

    assert client("203.0.113.9", "1.2.3.4") == "203.0.113.9"        # a direct connection: its header is not believed
    assert client(None, "1.2.3.4, 198.51.100.7") == "198.51.100.7"  # behind nginx: the address nginx appended
    assert client("127.0.0.1", "198.51.100.7") == "198.51.100.7"
    assert client(None) == ""


GONE = "This link does not open a scenario"


@pytest.fixture
def deferred(monkeypatch):
    """Every download's deferred content by its file id, as Streamlit calls it at the click (outside the page's run)."""
    made: dict[str, object] = {}
    real = MediaFileManager.add_deferred

    def keep(self, data, *args, **kwargs):
        made[file_id := real(self, data, *args, **kwargs)] = data
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return made


def contents(at, deferred) -> dict[str, object]:
    """The content functions of the download buttons a run drew, by key."""
    return {b.key: deferred[b.proto.deferred_file_id] for b in at.get("download_button")}


def test_revoking_a_link_reaches_the_investor_view_already_open(app, deferred):
    sid = saved_store().create(LOCAL, "Pitch", SCENARIO).scenario_id
    token, link = saved_store().share(LOCAL, sid, downloads=True)
    view = shared_app(token)
    download = contents(view, deferred)["share.download"]
    assert download()[:2] == b"PK"                                        # the workbook, while the link works
    saved_store().revoke(LOCAL, link.id)
    with pytest.raises(StoreError, match="no longer works"):
        download()                                                        # a button drawn before: refused at the click
    view.button(key="share.explore").click().run()                        # the copy is asked for after the revocation
    assert not view.exception and view.title[0].value == GONE and not view.metric and not view.get("download_button")
    assert "scenario" not in view.session_state or view.session_state["scenario"] != SCENARIO  # nothing was copied


@pytest.mark.parametrize("end", ["revoke", "delete"])
def test_a_private_copy_ends_with_its_link_and_so_do_its_downloads(app, deferred, end):
    sid = saved_store().create(LOCAL, "Pitch", SCENARIO).scenario_id
    token, link = saved_store().share(LOCAL, sid, downloads=True, passcode="winter-2026")
    view = shared_app(token)
    view.text_input[0].set_value("winter-2026")
    view.button[0].click().run()
    view.button(key="share.explore").click().run()
    view.switch_page("views/overview.py").run()                           # the copy's pages, passcode kept: it works
    assert not view.exception and view.session_state["scenario"] == SCENARIO and view.metric
    offered = contents(view, deferred)
    assert {"download.yaml", "download.xlsx"} <= set(offered) and "name:" in offered["download.yaml"]()
    if end == "revoke":
        saved_store().revoke(LOCAL, link.id)
    else:
        saved_store().delete(LOCAL, sid)
    for key in ("download.yaml", "download.json", "download.xlsx"):
        with pytest.raises(StoreError):
            offered[key]()
    view.switch_page("views/pitch.py").run()                              # the next click anywhere in the copy
    assert not view.exception and view.title[0].value == GONE and not view.metric and not view.get("download_button")


def test_the_token_leaves_the_address_once_read_and_the_session_keeps_it(app):
    sid = saved_store().create(LOCAL, "Pitch", SCENARIO).scenario_id
    token, _ = saved_store().share(LOCAL, sid)
    view = shared_app(token)
    assert "share" not in view.query_params                               # out of the address bar (and its history)
    assert "Keep the link you were sent" in " ".join(c.value for c in view.caption)  # the investor is told why
    view.run()                                                            # a rerun (a click) in the same session
    assert view.title[0].value == SCENARIO.company.name and "share" not in view.query_params
    assert saved_store().links(LOCAL, sid)[0].opens == 1                  # one visit, one open
    view.query_params["share"] = "x" * 43                                 # another link pasted into the same tab
    view.run()
    assert view.title[0].value == GONE and "share" not in view.query_params


def test_a_link_made_on_revision_1_shows_neither_the_note_nor_the_actuals_added_later(app):
    from core.model import Actuals

    winter = app.session_state["scenario"]
    sid = saved_store().create(LOCAL, "Winter", winter).scenario_id
    token, _ = saved_store().share(LOCAL, sid)                            # revision 1, before any note or actuals
    rows = [{"month": f"2026-0{m}-01", "payroll": 200_000.0, "ending_cash": 3_000_000.0 - 250_000 * m} for m in (1, 2, 3)]
    saved_store().save_actuals(LOCAL, sid, Actuals.model_validate({"months": rows}))
    saved_store().set_note(LOCAL, sid, "Bridge closes in March.")
    saved_store().save(LOCAL, sid, winter.model_copy(update={"settings": winter.settings}))  # revision 2
    view = shared_app(token)
    assert not view.exception and any("revision 1 of" in c.value for c in view.caption)
    assert not any("Bridge closes" in m.value for m in view.markdown)
    assert not any(e.label.startswith("Plan vs actual") for e in view.expander)
    app.switch_page("views/library.py").run()
    app.selectbox(key="library.pick").set_value(sid).run()
    app.button(key="library.share_create").click().run()                # a new link: today's revision, note, actuals
    fresh = shared_app(app.code[0].value.split("?share=")[1])
    assert any("revision 2 of" in c.value for c in fresh.caption)
    assert any("Bridge closes in March." in m.value for m in fresh.markdown)
    assert any(e.label == "Plan vs actual, 2026-01 to 2026-03" for e in fresh.expander)
    assert list(app.dataframe[-1].value["Revision"]) == [2, 1]           # the founder sees what each link shows
