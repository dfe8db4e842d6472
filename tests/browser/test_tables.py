"""No table offers Streamlit's "Download as CSV" (issue 32): that CSV is written in the browser with every cell as
shown, spreadsheet formulas included, and a share link without downloads must offer none. Only a browser shows the
table toolbar, so only a browser can check the server's ``client.disableDataExport`` reaches it."""

from __future__ import annotations

import pytest

from tests.browser.test_smoke import TIMEOUT_MS, browser, database, new_page, server, settle  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_tables_toolbar_offers_search_but_no_csv_download(server, new_page):  # noqa: F811
    page = new_page()
    page.goto(f"{server.url}/revenue")
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for(timeout=TIMEOUT_MS)
    settle(page)
    table.hover()
    toolbar = page.locator("[data-testid='stElementToolbar']").first
    toolbar.get_by_role("button", name="Search").wait_for(state="visible", timeout=TIMEOUT_MS)  # the toolbar is shown
    assert toolbar.get_by_role("button", name="Download as CSV").count() == 0
    assert page.get_by_role("button", name="Download as CSV").count() == 0
