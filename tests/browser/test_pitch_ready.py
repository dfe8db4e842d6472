"""Pitch-ready in Chromium: a what-if applied is applied once (the browser's own slider state included), every
address is a deep link, and pitch mode folds the sidebar on every visit."""

from __future__ import annotations

import re

import pytest

from core.analysis.levers import Levers, apply_levers
from core.model import load_scenario
from tests.browser.test_smoke import ROOT, TIMEOUT_MS, browser, database, new_page, server, settle  # noqa: F401
from tests.views.test_pages import runway_card

pytestmark = pytest.mark.browser
WIDTH = "document.querySelector(\"[data-testid='stSidebar']\").getBoundingClientRect().width"
WINTER = load_scenario(ROOT / "sample_data" / "capital_winter_round_slips.yaml")


def slider(page, label: str):
    return page.get_by_role("slider", name=label)


def shown(page, label: str) -> str:
    """The value a slider shows, as formatted on screen ("0.80")."""
    return slider(page, label).get_attribute("aria-valuetext") or ""


def nudge(page, label: str, key: str, times: int) -> None:
    """Move a slider by keyboard, ``times`` steps, and wait for the rerun."""
    thumb = slider(page, label)
    thumb.focus()
    for _ in range(times):
        thumb.press(key)
    settle(page)


def runway(page) -> str:
    return page.locator("[data-testid='stMetric']").filter(has_text="Runway").first.locator(
        "[data-testid='stMetricValue']").inner_text()


def test_apply_then_touch_another_lever_applies_the_first_one_once(server, new_page):  # noqa: F811
    page = new_page()
    page.goto(f"{server.url}/funds")
    page.get_by_text("Round delay").first.wait_for(timeout=TIMEOUT_MS)
    nudge(page, "Team size", "ArrowLeft", 4)                                # 1.00 → 0.80
    assert shown(page, "Team size") == "0.80"
    applied = apply_levers(WINTER, Levers(headcount_factor=0.8))
    assert runway(page) == runway_card(applied)
    page.get_by_role("button", name="Apply to the scenario").click()
    page.get_by_text("Applied: every page now uses").wait_for(timeout=TIMEOUT_MS)
    settle(page)
    assert shown(page, "Team size") == "1.00"  # neutral again, in the browser too
    assert runway(page) == runway_card(applied)
    nudge(page, "Price", "ArrowRight", 1)                                   # 1.00 → 1.05 on the applied plan
    assert shown(page, "Team size") == "1.00"
    assert runway(page) == runway_card(apply_levers(applied, Levers(price_factor=1.05)))
    page.get_by_role("link", name="Overview", exact=True).click()
    page.get_by_text("Default alive?").first.wait_for(timeout=TIMEOUT_MS)
    assert runway(page) == runway_card(applied)
    page.get_by_text("but not applied").first.wait_for(timeout=TIMEOUT_MS)  # the price nudge waits on Funds
    assert page.locator("[data-testid='stException']").count() == 0


def test_every_page_address_is_a_deep_link_and_pitch_folds_the_sidebar_each_visit(server, new_page):  # noqa: F811
    page = new_page()
    page.goto(f"{server.url}/overview")
    page.get_by_text("Default alive?").first.wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Page not found").count() == 0
    page.goto(server.url)                                                  # / opens the Overview at its own address
    page.get_by_text("Default alive?").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_url(re.compile(r"/overview(\?draft=[\w-]+)?$"), timeout=TIMEOUT_MS)  # with the tab's token for unsaved work
    sidebar = page.locator("[data-testid='stSidebar']")
    for _ in range(2):
        page.get_by_role("link", name="Pitch mode").click()
        page.get_by_text("Survival").first.wait_for(timeout=TIMEOUT_MS)
        settle(page)
        page.wait_for_function(f"{WIDTH} === 0", timeout=TIMEOUT_MS)          # folded
        page.locator("[data-testid='stExpandSidebarButton']").click()         # the presenter opens it to move on
        page.wait_for_function(f"{WIDTH} > 0", timeout=TIMEOUT_MS)
        settle(page)                                                          # it has finished sliding in
        page.get_by_role("link", name="Overview", exact=True).click()
        page.get_by_text("Default alive?").first.wait_for(timeout=TIMEOUT_MS)
        settle(page)
        assert sidebar.bounding_box()["width"] > 0                            # the other pages keep it open
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_labelled_link_on_a_phone_shows_a_compact_view_with_the_founders_note(server, new_page, database):  # noqa: F811
    from core.storage.store import LOCAL, Store

    with Store(f"sqlite:///{database}") as db:
        sid = db.create(LOCAL, "Series A data room", WINTER).scenario_id
        db.set_note(LOCAL, sid, "Bridge of $1M closes in March.")
        token, _ = db.share(LOCAL, sid, label="Sequoia — partner meeting", passcode="winter-2026", downloads=True)
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(f"{server.url}/?share={token}")
    page.get_by_text("This link asks for a passcode").wait_for(timeout=TIMEOUT_MS)
    page.get_by_label("Passcode", exact=True).fill("winter-2026")
    page.get_by_role("button", name="Open the scenario").click()
    page.get_by_text("Prepared for Sequoia — partner meeting.").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Bridge of $1M closes in March.").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Key assumptions").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Download the numbers (Excel)").wait_for(timeout=TIMEOUT_MS)
    cards = page.locator("[data-testid='stMetric']")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first and second and abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"]  # two to a row
    assert first["x"] + first["width"] <= 390 and second["x"] + second["width"] <= 390 + 1  # nothing cut off the screen
    assert page.get_by_text("Deploy").count() == 0 and page.locator("[data-testid='stMainMenu']").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    with Store(f"sqlite:///{database}") as db:
        assert db.links(LOCAL, sid)[0].opens == 1


def test_the_one_pager_downloads_as_a_one_page_pdf(server, new_page, tmp_path):  # noqa: F811
    import io

    from pypdf import PdfReader

    page = new_page(accept_downloads=True)
    page.goto(f"{server.url}/pitch")
    page.get_by_role("heading", name="One-pager for the deck").wait_for(timeout=TIMEOUT_MS)  # not the sidebar caption
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.locator("[data-testid='stMain']").get_by_role("button", name="Download one-pager (PDF)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("winter-case-series-a-slips-") and saved.name.endswith("-one-pager.pdf")
    reader = PdfReader(io.BytesIO(saved.read_bytes()))
    assert len(reader.pages) == 1 and "Winter case — Series A slips" in reader.pages[0].extract_text()


def test_actuals_uploaded_in_the_browser_show_the_variance_and_a_re_forecast(server, new_page, tmp_path):  # noqa: F811
    actuals = tmp_path / "actuals.csv"
    actuals.write_text("month,revenue: Team plan,payroll,ending_cash\n2026-01,9000,150000,2900000\n"
                       "2026-02,9500,151000,2700000\n2026-03,10000,152000,2500000\n")
    page = new_page()
    page.goto(f"{server.url}/actuals")
    page.get_by_text("No actuals yet").wait_for(timeout=TIMEOUT_MS)
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Upload actuals")
    uploader.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(actuals))
    settle(page)
    page.get_by_role("button", name="Check and import").click()
    page.get_by_text("Imported 3 months of actuals").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Plan vs actual, 2026-01 to 2026-03").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("From planned to actual cash at 2026-03").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Use the re-forecast as the scenario").wait_for(timeout=TIMEOUT_MS)
    assert page.locator("[data-testid='stException']").count() == 0
