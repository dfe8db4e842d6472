"""A real browser: `streamlit run` on localhost, Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import ui.pages
from core.i18n import t

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = {spec.url_path: t(spec.shows) for spec in ui.pages.PAGES}  # every page of the navigation, from its one list

# One timeout for every wait (server start, browser launch, navigation, each element): generous, because a loaded
# 2-core machine can take tens of seconds to draw a page. A wait that passes costs only the time it needed.
TIMEOUT_MS = int(os.environ.get("WINTERPROOF_BROWSER_TIMEOUT_MS", 120_000))
TIMEOUT_S = TIMEOUT_MS / 1000

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing under CI=true: `make test` installs it with apt-get as root", pytrace=False)
    pytest.skip("Chromium not found: enable browser tests with `sudo apt-get install -y chromium`", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
expect = pytest.importorskip("playwright.sync_api").expect


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


@dataclass
class Server:
    url: str
    log: Path  # streamlit's stdout and stderr; tests/browser/conftest.py names it when a test fails
    process: subprocess.Popen | None = None  # for a test that kills it (test_deploy.py's failover)


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return tmp_path_factory.mktemp("db") / "browser.db"


@contextlib.contextmanager
def streamlit(log: Path, env: dict[str, str], host: str = "127.0.0.1", port: int | None = None, args: tuple[str, ...] = ()):
    """`streamlit run app.py` on ``host:port`` with ``env`` added, until the block ends; fails with its log's end
    if it does not answer its health check within TIMEOUT_S."""
    port = port or free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", f"--server.port={port}",
             f"--server.address={host}", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none", *args],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **env},
        )
    url = f"http://{host}:{port}"
    deadline = time.monotonic() + TIMEOUT_S
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=max(deadline - time.monotonic(), 0.1)) as health:
                if health.read() == b"ok":
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        proc.wait()
        pytest.fail(f"streamlit did not answer on {url} within {TIMEOUT_S:.0f} s (exit code {proc.returncode}); "
                    f"its log, {log}, ends:\n{tail(log)}", pytrace=False)
    try:
        yield Server(url, log, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def server(database, tmp_path_factory):
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit(log, {"WINTERPROOF_DB": str(database), "WINTERPROOF_DATABASE_URL": ""}) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, timeout=TIMEOUT_MS, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@dataclass
class Pages:
    """`new_page(**context_options)`: a page in a fresh browser context (no cookies, no session) that waits TIMEOUT_MS.

    The pages stay open until the test's teardown, so that tests/browser/conftest.py can screenshot them when the
    test fails; it finds them, the server log and the test's tmp_path through this object in `item.funcargs`."""

    browser: Any
    server_log: Path
    tmp_path: Path
    open: list = field(default_factory=list)

    def __call__(self, **context_options):
        context = self.browser.new_context(**{"viewport": {"width": 1400, "height": 1000}, **context_options})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        self.open.append(page)
        return page


@pytest.fixture
def new_page(browser, server, tmp_path):
    pages = Pages(browser, server.log, tmp_path)
    yield pages
    for page in pages.open:
        page.context.close()


@pytest.mark.parametrize(("path", "marker"), PAGES.items())
def test_each_page_renders_in_chromium_without_exception(server, new_page, path, marker, tmp_path):
    page = new_page()
    page.goto(f"{server.url}/{path}")
    page.get_by_text(marker).first.wait_for(timeout=TIMEOUT_MS)
    if path != "library":  # every other page draws at least one chart
        page.locator(".js-plotly-plot:visible").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Open a preset").first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Open a preset").count() == 1  # the shared sidebar ran: app.py, not the page alone
    assert page.get_by_text("Page not found").count() == 0  # the deep link is a real page
    page.screenshot(path=str(tmp_path / f"{path or 'overview'}.png"))


def test_an_invalid_upload_shows_the_errors_and_keeps_the_scenario(server, new_page, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("company: {name: Broken, starting_cash: -5}\n")
    page = new_page()
    page.goto(server.url)
    page.get_by_text("Runway").first.wait_for(timeout=TIMEOUT_MS)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    page.get_by_text("company.starting_cash").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("the current scenario is unchanged").count() == 1
    assert page.get_by_text("Winter case — Series A slips").count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0


def test_an_invalid_survey_upload_on_the_pricing_page_names_the_row(server, new_page, tmp_path):
    bad = tmp_path / "survey.csv"
    bad.write_text("too_cheap,cheap,expensive,too_expensive\n5,10,20,30\n5,ten,20,30\n")
    page = new_page()
    page.goto(f"{server.url}/pricing")
    open_section(page, page.get_by_text("Van Westendorp price sensitivity").first)
    page.get_by_text("Upload a CSV").first.click()
    page.get_by_text("CSV with columns too_cheap").first.wait_for(timeout=TIMEOUT_MS)
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="CSV with columns too_cheap")
    uploader.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    page.get_by_text("row 3, cheap: 'ten' is not a non-negative number").wait_for(timeout=TIMEOUT_MS)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Apply this price to the scenario").count() == 1  # the page still works


def test_a_share_link_opens_in_a_fresh_browser_with_no_saving_controls(server, new_page, database):
    from core.model import load_scenario
    from core.storage.store import LOCAL, Store

    with Store(f"sqlite:///{database}") as db:
        scenario = load_scenario(ROOT / "sample_data" / "company_c_analytics_platform.yaml")
        token, _ = db.share(LOCAL, db.create(LOCAL, "For the partners' meeting", scenario).scenario_id)
    page = new_page()  # a fresh context: no cookies, no session, like an investor opening the link
    page.goto(f"{server.url}/?share={token}")
    page.get_by_text("Make a private copy to explore").first.wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text(scenario.company.name).count() >= 1
    assert page.get_by_text("Open a preset").count() == 0 and page.get_by_text("Save as a new scenario").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    page.goto(f"{server.url}/?share={token[:-2]}xx")
    page.get_by_text("This link does not open a scenario").wait_for(timeout=TIMEOUT_MS)


def test_a_chinese_reader_gets_chinese_pages_and_charts_that_render(server, new_page, tmp_path):
    page = new_page(locale="zh-CN")
    page.goto(f"{server.url}/risk")
    page.get_by_text("资本寒冬压力测试").first.wait_for(timeout=TIMEOUT_MS)
    page.locator(".js-plotly-plot:visible").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("月末现金").first.wait_for(timeout=TIMEOUT_MS)          # a chart title, drawn by Plotly in the browser
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"')")  # a CJK font is there to draw it
    title = page.locator(".js-plotly-plot .gtitle").first
    box = title.bounding_box()
    assert box is not None and box["width"] > 100                         # drawn with glyphs, not collapsed
    page.screenshot(path=str(tmp_path / "risk-zh.png"))
    assert page.locator("[data-testid='stException']").count() == 0


def settle(page) -> None:
    """Wait until Streamlit has finished the rerun an input started."""
    page.wait_for_timeout(700)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=TIMEOUT_MS)


def open_section(page, header) -> None:
    """Open an expander or popover and wait for it to finish moving in: a click on a widget inside it while it
    animates can press on one spot and release on another, which is no click at all (lost once under load)."""
    header.click()
    settle(page)


def pick(page, box: str, option: str) -> None:
    """Choose ``option`` in the select box labelled ``box`` by typing it, as a reader searching the list would."""
    page.locator("[data-testid='stSelectbox']").filter(has_text=box).locator("input").click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    settle(page)


def test_the_chinese_build_strip_keeps_its_date_on_one_line_and_its_year_ticks_apart(server, new_page, tmp_path):
    """Found in a walkthrough: the cash strip's month ticks overlapped ("2028年1月030年1月") and "2031-12 之后" broke
    across two lines."""
    page = new_page(locale="zh-CN")
    page.goto(f"{server.url}/build")
    page.get_by_text("预设情景").first.wait_for(timeout=TIMEOUT_MS)
    settle(page)
    pick(page, "预设情景", "B 公司——智能数据助手（人民币）")  # cash lasts its 60 months: 2026年1月 to 2030年12月
    page.get_by_text("2030年12月之后").first.wait_for(timeout=TIMEOUT_MS)
    strip = page.locator(".st-key-build_strip")
    strip.locator(".js-plotly-plot .xtick text").first.wait_for(timeout=TIMEOUT_MS)
    strip.screenshot(path=str(tmp_path / "strip-zh.png"))
    value = strip.locator("[data-testid='stMetricValue']").filter(has_text="之后")
    height, size = value.evaluate("e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).fontSize)]")
    assert height < 2 * size  # one line (two would be at least twice the type's size)
    ticks = strip.locator(".js-plotly-plot .xtick text")
    assert ticks.all_text_contents() == ["2026年", "2028年", "2030年"]
    boxes = sorted((b["x"], b["x"] + b["width"]) for b in (t.bounding_box() for t in ticks.all()) if b)
    assert len(boxes) == 3 and all(right < next_left for (_, right), (next_left, _) in itertools.pairwise(boxes))  # apart


def test_the_founders_note_saves_with_one_click(server, new_page, database):
    """Found in a walkthrough: the first click on "Save the note" after typing only took the text (the button was
    still disabled from before the typing); a second click saved it."""
    from core.storage.store import LOCAL, Store

    page = new_page()
    page.goto(f"{server.url}/library")
    page.get_by_text("Save as a new scenario").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Save as a new scenario").click()
    settle(page)
    page.get_by_text("Done: ").first.wait_for(timeout=TIMEOUT_MS)
    open_section(page, page.get_by_text("Founder's note").first)
    note = page.locator("[data-testid='stTextArea'] textarea").last
    note.fill("Bridge closes in March.")
    page.get_by_role("button", name="Save the note").click()  # one click, straight from the text box
    settle(page)
    page.get_by_text("Done.").first.wait_for(timeout=TIMEOUT_MS)
    with Store(f"sqlite:///{database}") as db:  # what the library holds, not what the box shows
        assert "Bridge closes in March." in [db.note(LOCAL, r.scenario_id) for r in db.list_scenarios(LOCAL)]
    assert page.locator("[data-testid='stException']").count() == 0


def strip_runway(page) -> str:
    return page.locator("[data-testid='stMetric']").filter(has_text="Runway").first.locator(
        "[data-testid='stMetricValue']").inner_text()


def runway_becomes(page, wanted: str, seconds: float = TIMEOUT_MS / 1000) -> str:
    """Wait until the strip's runway reads ``wanted`` (at most ``seconds``), and return what it reads: on a busy
    machine a rerun may start after ``settle`` has looked."""
    deadline = time.monotonic() + seconds
    while True:
        shown = strip_runway(page)
        if shown == wanted:
            return shown
        if time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(250)


def test_build_a_stream_watch_the_runway_undo_redo_save_and_the_overview_follows(server, new_page, tmp_path):
    """The team table (a canvas grid) is driven through AppTest's edit state in tests/views/test_build.py."""
    page = new_page()
    page.goto(f"{server.url}/build")
    page.get_by_text("Section").first.wait_for(timeout=TIMEOUT_MS)
    start = strip_runway(page)
    page.get_by_text("Revenue", exact=True).first.click()
    settle(page)
    pick(page, "New stream", "Usage-based")
    page.get_by_role("button", name="Add stream").click()
    settle(page)
    volume = page.get_by_label("Units sold per month").last
    volume.fill("5000000")
    volume.press("Enter")
    settle(page)
    grown = strip_runway(page)
    assert grown != start, "a large new API business lengthens the runway"
    page.screenshot(path=str(tmp_path / "build.png"))
    for button, wanted in (("Undo", start), ("Redo", grown)):  # back through the history, then forward again: the
        for _ in range(3):  # stream and its volume are two changes (three when the typing lands in two runs: once in CI)
            page.get_by_role("button", name=button).click()
            settle(page)
            if runway_becomes(page, wanted, seconds=15) == wanted:
                break
        assert runway_becomes(page, wanted) == wanted, button
    open_section(page, page.get_by_role("button", name="Save to library"))
    page.get_by_role("button", name="Save as a new scenario").click()
    page.get_by_text("Done:").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("link", name="Overview", exact=True).click()
    page.get_by_text("Default alive?").first.wait_for(timeout=TIMEOUT_MS)
    overview = page.locator("[data-testid='stMetric']").filter(has_text="Runway").first
    assert overview.locator("[data-testid='stMetricValue']").inner_text() == grown
    assert page.locator("[data-testid='stException']").count() == 0


def strip_metric(page, name: str) -> str:
    return page.locator("[data-testid='stMetric']").filter(has_text=name).first.locator(
        "[data-testid='stMetricValue']").inner_text()


def open_grid_cell(page, grid, row: int, column: int) -> None:
    """Open the editor of one cell of an `st.data_editor`, whatever the page is doing meanwhile.

    The grid is a Glide Data Grid drawn on a canvas, but Glide keeps an accessible table of the visible cells
    (`td#glide-cell-{column}-{row}`, column 0 being the row markers) whose `aria-selected` follows the selection.
    So, as Streamlit's own e2e tests do (e2e_playwright/shared/dataframe_utils.py), click a cell at a fixed spot,
    here the first body row's first column, then move with the arrow keys, and check the selection in that table
    before pressing Enter, which opens the cell's overlay editor in Glide's `#portal`. Every step waits for the
    element it needs."""
    overlay = page.locator("#portal .gdg-clip-region")
    selected = grid.locator("td[aria-selected='true']")
    for attempt in range(3):
        grid.click(position={"x": 60, "y": 35 + 35 // 2})  # below the 35 px header row, right of the row markers
        if overlay.count():  # a click on the selected cell opens its editor
            page.keyboard.press("Escape")
            overlay.wait_for(state="hidden", timeout=TIMEOUT_MS)
        try:
            expect(selected).to_have_id("glide-cell-1-0", timeout=TIMEOUT_MS)
            for _ in range(row):
                page.keyboard.press("ArrowDown")
            for _ in range(column - 1):
                page.keyboard.press("ArrowRight")
            expect(selected).to_have_id(f"glide-cell-{column}-{row}", timeout=TIMEOUT_MS)
            break
        except AssertionError:
            if attempt == 2:
                raise
            settle(page)
    page.keyboard.press("Enter")
    overlay.wait_for(timeout=TIMEOUT_MS)


def edit_grid_cell(page, grid, row: int, column: int, value: str) -> None:
    """Type ``value`` into one cell of an `st.data_editor` and wait for the rerun it starts, so no keystroke lands
    in a grid that is being redrawn."""
    overlay = page.locator("#portal .gdg-clip-region")
    open_grid_cell(page, grid, row, column)
    overlay.locator(".gdg-input").fill(value)
    page.keyboard.press("Enter")
    overlay.wait_for(state="hidden", timeout=TIMEOUT_MS)
    settle(page)
    expect(grid.locator(f"#glide-cell-{column}-{row}")).to_have_text(value, timeout=TIMEOUT_MS)


def add_row(page, grid) -> int:
    """Press the grid's "Add row"; the new row's position. The toolbar shows on hover and floats over the grid's own
    (wide) scroller, which can take the pointer's click on a busy machine (the toolbar is still moving in): hover to
    show it, then press it from the keyboard."""
    rows = grid.locator("tbody tr").count()
    grid.hover()
    button = grid.get_by_role("button", name="Add row")
    button.wait_for(state="visible", timeout=TIMEOUT_MS)
    button.focus()
    page.keyboard.press("Enter")
    grid.locator(f"#glide-cell-1-{rows}").wait_for(state="attached", timeout=TIMEOUT_MS)
    return rows


def type_into(page, box, value: str) -> None:
    """Type ``value`` into a text or number input, press Enter, and wait for the rerun it starts."""
    box.fill(value)
    box.press("Enter")
    settle(page)


def test_build_two_hires_in_the_team_table_shorten_the_runway(server, new_page, tmp_path):
    """A new row in the team table (the canvas grid), typed cell by cell: two applied scientists at 16,000 a month."""
    page = new_page()
    page.goto(f"{server.url}/build")
    page.get_by_text("Section").first.wait_for(timeout=TIMEOUT_MS)
    page.locator("[data-testid='stRadio']").filter(has_text="Monte Carlo").get_by_text("Team", exact=True).click()
    settle(page)
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.locator("#glide-cell-1-0").wait_for(state="attached", timeout=TIMEOUT_MS)
    expect(grid.locator("#glide-cell-1-0")).to_have_text("Research engineers", timeout=TIMEOUT_MS)
    start = {name: strip_metric(page, name) for name in ("Runway", "Burn multiple")}
    grid.scroll_into_view_if_needed()
    settle(page)
    rows = add_row(page, grid)
    settle(page)
    edit_grid_cell(page, grid, rows, 2, "2")  # Headcount
    edit_grid_cell(page, grid, rows, 3, "16000")  # Cost per head per month (USD)
    edit_grid_cell(page, grid, rows, 1, "Applied scientists")  # Role, required: the row reaches the server now
    expect(page.locator("[data-testid='stMetric']").filter(has_text="Runway").first.locator(
        "[data-testid='stMetricValue']")).not_to_have_text(start["Runway"], timeout=TIMEOUT_MS)
    hired = {name: strip_metric(page, name) for name in ("Runway", "Burn multiple")}
    assert float(hired["Runway"].split()[0]) < float(start["Runway"].split()[0]), (start, hired)
    assert hired["Burn multiple"] != start["Burn multiple"], (start, hired)
    expect(grid.locator("#glide-cell-2-0")).to_have_text("7")  # the existing rows are untouched
    assert page.get_by_text("Valid: every page uses this scenario.").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(tmp_path / "build-team.png"))


STREAMLIT_CHROME = {"Skip", "to", "main", "content", "per", "file"}
"""Streamlit's own words: the hidden "Skip to main content" link and the uploader's "… per file" (its "Upload" is in
the allow-list: the page's Chinese caption under the uploader explains both)."""


@pytest.mark.parametrize("path", ["", "pricing", "risk"])
def test_a_chinese_page_in_chromium_shows_no_english_and_chinese_month_ticks(server, new_page, path, tmp_path):
    """What Chromium draws (HTML and the charts' SVG) on three pages in Chinese: no Latin-script word beyond the
    allow-list of tests/test_i18n.py, and month axes as "2026年1月"."""
    from tests.test_i18n import latin_words

    page = new_page(locale="zh-CN")
    page.goto(f"{server.url}/{path}")
    page.locator(".js-plotly-plot:visible").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("预设情景").first.wait_for(timeout=TIMEOUT_MS)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=TIMEOUT_MS)
    svg = page.locator(".js-plotly-plot text").all_text_contents()
    page.screenshot(path=str(tmp_path / f"{path or 'overview'}-zh.png"), full_page=True)
    html = page.evaluate("""() => {  // what is on screen, without the icons (their names are ligature words)
        document.querySelectorAll("[data-testid='stIconMaterial']").forEach(e => { e.style.display = "none"; });
        return document.body.innerText; }""")
    assert sorted(latin_words([html, *svg]) - STREAMLIT_CHROME) == []
    if path != "pricing":  # the pricing charts are over price, not months
        assert any(re.fullmatch(r"20\d\d年\d{1,2}月", s) for s in svg)
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_preset_picked_in_english_survives_the_switch_to_chinese_and_the_next_click(server, new_page, tmp_path):
    """A select box reports its choice by the label the browser shows; after the switch that label was English, and
    the next rerun handed "Company B — data assistant (CNY)" to the preset picker's callback, which failed on every
    page (found in a walkthrough)."""
    page = new_page(locale="en-US")
    page.goto(f"{server.url}/overview")
    page.get_by_text("Default alive?").first.wait_for(timeout=TIMEOUT_MS)
    pick(page, "Open a preset", "Company B — data assistant (CNY)")
    page.get_by_text("Current scenario: Company B — data assistant (CNY)").first.wait_for(timeout=TIMEOUT_MS)
    pick(page, "Language", "中文")
    page.get_by_text("当前情景：B 公司——智能数据助手（人民币）").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("link", name="资金与现金跑道").click()  # the next rerun sends every widget's value again
    settle(page)
    page.get_by_text("当前情景：B 公司——智能数据助手（人民币）").first.wait_for(timeout=TIMEOUT_MS)
    pick(page, "打开预设情景", "A 公司")  # the picker still works, in Chinese
    page.get_by_text("当前情景：A 公司").first.wait_for(timeout=TIMEOUT_MS)
    page.screenshot(path=str(tmp_path / "language-switch.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert "has encountered an error" not in page.locator("body").inner_text()


def test_a_reload_after_editing_on_build_gives_the_work_back(server, new_page, tmp_path):
    """F5 after an edit used to return to the demo preset: the tab's address now carries its unsaved work's token."""
    page = new_page()
    page.goto(f"{server.url}/build")
    page.get_by_text("Section").first.wait_for(timeout=TIMEOUT_MS)
    type_into(page, page.locator("input[aria-label^='Cash in the bank']").last, "7654321")  # Company's, not the start's
    page.get_by_text("unsaved changes").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("link", name="Overview", exact=True).click()    # another page: the address keeps the token
    page.get_by_text("Default alive?").first.wait_for(timeout=TIMEOUT_MS)
    settle(page)
    assert "draft=" in page.url
    page.reload()
    page.get_by_text("is back, as it was at").first.wait_for(timeout=TIMEOUT_MS)
    assert strip_metric(page, "Cash today") == "$7.65M"
    page.screenshot(path=str(tmp_path / "reload.png"))
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_founder_pricing_below_a_cent_from_a_blank_start_reads_the_digits_on_every_page(server, new_page, tmp_path):
    """An API call at $0.004 (0.002 M tokens a call) and tokens at $0.0000015, typed from the blank start: no page
    shows "$0.00" for them, and each page opened at the tab's address (a reload) finds the work again."""
    from urllib.parse import parse_qs, urlparse

    from tests.sub_cent import rounded_away

    page = new_page()
    page.goto(f"{server.url}/build")
    page.get_by_text("Section").first.wait_for(timeout=TIMEOUT_MS)
    type_into(page, page.get_by_label("Company name").first, "Tiny Prices AI")
    pick(page, "Main way of earning money", "Usage-based API")
    page.get_by_role("button", name="Create my first scenario").click()
    settle(page)
    page.get_by_text("Revenue", exact=True).first.click()
    settle(page)
    for label, value in (("Price per unit", "0.004"), ("Tokens per unit (millions)", "0.002")):
        type_into(page, page.locator(f"input[aria-label^='{label}']").first, value)
    pick(page, "New stream", "Usage-based")
    page.get_by_role("button", name="Add stream").click()
    settle(page)
    type_into(page, page.locator("input[aria-label^='Price per unit']").last, "0.0000015")
    assert page.locator("input[aria-label^='Price per unit']").last.input_value() == "0.0000015"
    token = parse_qs(urlparse(page.url).query)["draft"][0]
    for path, marker in PAGES.items():
        page.goto(f"{server.url}/{path}?draft={token}")
        page.get_by_text(marker).first.wait_for(timeout=TIMEOUT_MS)
        settle(page)
        text = page.locator("[data-testid='stMain']").inner_text()
        assert "Tiny Prices AI" in text or path in ("build", "library", "actuals", "pricing"), path
        assert not rounded_away(text), (path, rounded_away(text)[:3])
        if path == "pricing":
            assert "$0.004" in text
    page.screenshot(path=str(tmp_path / "sub-cent.png"), full_page=True)
