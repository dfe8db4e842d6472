"""A founder's text reaches the investor as text (issue 32): an address in the note was turned into a link."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.test_smoke import TIMEOUT_MS, browser, database, new_page, server, settle  # noqa: F401

pytestmark = pytest.mark.browser
NOTE = "Deck at www.evil.example and https://evil.example/x, mail ir@evil.example."


def test_addresses_in_the_founders_note_are_not_links(server, new_page, database):  # noqa: F811
    from core.model import load_scenario
    from core.storage.store import LOCAL, Store

    with Store(f"sqlite:///{database}") as db:
        sid = db.create(LOCAL, "Noted", load_scenario(Path("sample_data/seed002_nlp_project.yaml"))).scenario_id
        db.set_note(LOCAL, sid, NOTE)
        token, _ = db.share(LOCAL, sid)
    page = new_page()
    page.goto(f"{server.url}/?share={token}")
    note = page.locator("[data-testid='stMarkdown']", has_text="Deck at").first
    note.wait_for(timeout=TIMEOUT_MS)
    settle(page)
    assert NOTE in note.inner_text().replace("\u2060", "")          # as written (an invisible joiner aside) ...
    assert note.locator("a").count() == 0                               # ... and no link
