"""A share link's token leaves the address bar once the view has read it (issue 32); a reload then starts a new
session without it, as the investor view tells the investor.

What stays: the browser's own record of the address it was asked to open, and the tab's previous history entry —
Streamlit writes a changed query string as a new entry (``history.pushState``), so Back shows the link's address
again (and, in this same session, the same link)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.test_smoke import TIMEOUT_MS, browser, database, new_page, server, settle  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_token_leaves_the_address_bar_and_a_reload_needs_the_link_again(server, new_page, database):  # noqa: F811
    from core.model import load_scenario
    from core.storage.store import LOCAL, Store

    with Store(f"sqlite:///{database}") as db:
        token, _ = db.share(LOCAL, db.create(LOCAL, "Sent", load_scenario(Path("sample_data/seed002_nlp_project.yaml")))
                            .scenario_id)
    page = new_page()
    page.goto(f"{server.url}/?share={token}")
    page.get_by_text("Make a private copy to explore").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Keep the link you were sent").first.wait_for(timeout=TIMEOUT_MS)
    settle(page)
    page.wait_for_function("!location.href.includes('share=')", timeout=TIMEOUT_MS)
    assert token not in page.url
    page.reload()                                                    # a new session, at an address without the token
    page.locator("[data-testid='stSidebar']").first.wait_for(timeout=TIMEOUT_MS)
    settle(page)
    assert page.get_by_text("Make a private copy to explore").count() == 0 and token not in page.url
