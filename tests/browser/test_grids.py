"""The Build page's tables in Chromium: edits typed fast, while the page recalculates, reach the scenario exactly."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from core.model import load_scenario
from tests.browser import test_smoke as smoke
from tests.browser.test_smoke import ROOT, TIMEOUT_MS, add_row, expect, open_grid_cell, settle

database, server, browser, new_page = smoke.database, smoke.server, smoke.browser, smoke.new_page  # its fixtures

pytestmark = pytest.mark.browser

PRESET = load_scenario(ROOT / "sample_data" / "capital_winter_round_slips.yaml")
LAPTOP = {"width": 1366, "height": 900}


def type_cell(page, grid, row: int, column: int, value: str, *, pick: bool = False) -> None:
    """Type ``value`` into a cell and commit it with Enter, without waiting for the rerun it starts (the next cell is
    typed while the page recalculates). ``pick``: a select box cell, where typing filters its options (a month by
    its label) and Enter takes the one left."""
    overlay = page.locator("#portal .gdg-clip-region")
    open_grid_cell(page, grid, row, column)
    if pick:
        page.keyboard.type(value)
        expect(page.get_by_role("option")).to_have_count(1, timeout=TIMEOUT_MS)
    else:
        overlay.locator(".gdg-input").fill(value)
    page.keyboard.press("Enter")
    overlay.wait_for(state="hidden", timeout=TIMEOUT_MS)


def show_section(page, name: str) -> None:
    """Switch the Build page's section at once (no wait for the rerun the last edit started)."""
    page.locator("[data-testid='stRadio']").filter(has_text="Monte Carlo").get_by_text(name, exact=True).click()


def grid_of(page, header: str):
    """The data editor whose header row has ``header``, once drawn."""
    grid = page.locator("[data-testid='stDataFrame']").filter(has=page.locator("th", has_text=header)).first
    grid.locator("#glide-cell-1-0").wait_for(state="attached", timeout=TIMEOUT_MS)
    grid.scroll_into_view_if_needed()
    return grid


def scrolls_sideways(grid) -> bool:
    return grid.locator(".dvn-scroller").evaluate("e => e.scrollWidth > e.clientWidth + 1")


def downloaded(page) -> dict:
    settle(page)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name="YAML").click()
    return yaml.safe_load(download.value.path().read_text())


def test_edits_typed_fast_into_every_grid_reach_the_scenario_exactly(server, new_page):
    """Team, one-off costs and funding at 1366 px: the columns a founder fills first show without scrolling, months read
    as calendar months (the plan starts in 2026-01, so 2026-04 is month 3), and cells typed one after the other — a
    new row included — while the page recalculates, then another section or the table's other columns, give exactly
    the rows typed: no edit lost, no row added. (A click within 150 ms of the last edit can still lose it: see the
    comments below.)"""
    assert PRESET.company.start_date == date(2026, 1, 1)  # the month indexes below count from it
    page = new_page(viewport=LAPTOP, accept_downloads=True)
    page.goto(f"{server.url}/build")
    page.get_by_text("Section").first.wait_for(timeout=TIMEOUT_MS)

    show_section(page, "Team")
    team = grid_of(page, "Start month")
    settle(page)
    assert not scrolls_sideways(team)
    expect(team.locator("thead th")).to_have_text(["Role", "Headcount", "Cost per head per month (USD)", "Start month"],
                                                  timeout=TIMEOUT_MS)
    new = add_row(page, team)
    assert new == len(PRESET.opex.team) == 4
    type_cell(page, team, 0, 2, "8")  # Headcount
    type_cell(page, team, 1, 3, "16500")  # Cost per head
    type_cell(page, team, 2, 4, "2026-04", pick=True)  # Start month: month 3
    type_cell(page, team, new, 1, "Sales lead")  # the new row: its role (required) first
    type_cell(page, team, new, 2, "2")
    type_cell(page, team, new, 3, "9000")
    type_cell(page, team, new, 4, "2026-07", pick=True)  # month 6
    settle(page)  # see below: a pick's edit is sent 150 ms later, and a click that ends its run first loses it
    page.get_by_text("All columns").first.click()  # the table is rebuilt with every column
    team = grid_of(page, "Function")
    settle(page)
    assert scrolls_sideways(team)
    expect(team.locator("tbody tr")).to_have_count(5, timeout=TIMEOUT_MS)

    show_section(page, "AI & other costs")
    costs = grid_of(page, "What")
    settle(page)
    type_cell(page, costs, 0, 2, "300000")  # Cost
    type_cell(page, costs, 0, 3, "2026-05", pick=True)  # Month: 4
    settle(page)  # a month picked just before a click that rebuilds the grid is lost when that click's run ends before
    show_section(page, "Funding")  # the grid sends the edit (150 ms later): Streamlit has then forgotten the old grid

    funding = grid_of(page, "Round")
    settle(page)
    assert not scrolls_sideways(funding)
    new_round = add_row(page, funding)
    assert new_round == 1
    type_cell(page, funding, 0, 2, "12000000")  # Amount
    type_cell(page, funding, new_round, 1, "Bridge")
    type_cell(page, funding, new_round, 3, "2026-10", pick=True)  # Month (required): 9
    type_cell(page, funding, new_round, 2, "500000")
    type_cell(page, funding, 0, 3, "2027-09", pick=True)  # 20
    expect(funding.locator("tbody tr")).to_have_count(2, timeout=TIMEOUT_MS)

    saved = downloaded(page)
    team_rows = [{k: r[k] for k in ("role", "function", "headcount", "cost_per_head_month", "start_month", "end_month")}
                 for r in saved["opex"]["team"]]
    assert team_rows == [
        {"role": "Research engineers", "function": "rd", "headcount": 8, "cost_per_head_month": 18000,
         "start_month": 0, "end_month": None},
        {"role": "Product engineers", "function": "rd", "headcount": 3, "cost_per_head_month": 16500,
         "start_month": 0, "end_month": None},
        {"role": "Developer relations", "function": "sales", "headcount": 2, "cost_per_head_month": 13000,
         "start_month": 3, "end_month": None},
        {"role": "Operations", "function": "ga", "headcount": 1, "cost_per_head_month": 11000, "start_month": 0,
         "end_month": None},
        {"role": "Sales lead", "function": "rd", "headcount": 2, "cost_per_head_month": 9000, "start_month": 6,
         "end_month": None},
    ]
    assert saved["opex"]["one_off_costs"] == [
        {"name": "Base-model fine-tune", "kind": "training_run", "month": 4, "cost": 300000, "instalments": 1,
         "vat_rate": 0}]  # the columns behind "All columns" keep their defaults
    assert [{k: r[k] for k in ("name", "kind", "month", "amount", "pre_money_valuation")} for r in saved["funding"]] == [
        {"name": "Series A (slipped from month 9)", "kind": "equity", "month": 20, "amount": 12000000,
         "pre_money_valuation": 28000000},
        {"name": "Bridge", "kind": "equity", "month": 9, "amount": 500000, "pre_money_valuation": None},
    ]
    assert page.get_by_text("Valid: every page uses this scenario.").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
