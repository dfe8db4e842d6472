"""A real browser: `streamlit run` on localhost, Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = {"": "Runway", "funds": "Next round delay", "revenue": "Revenue concentration",
         "strategy": "Survival-score weights", "technology": "Factor breakdown", "business-model": "Factor breakdown",
         "funds-management": "Runway target", "market": "Market funnel", "risk": "Capital-winter stress tests",
         "pricing": "Apply this price to the scenario", "library": "Save the scenario you are looking at",
         "compare": "Compare scenarios", "pitch": "Survival score"}

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing under CI=true: `make test` installs it with apt-get as root", pytrace=False)
    pytest.skip("Chromium not found: enable browser tests with `sudo apt-get install -y chromium`", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return tmp_path_factory.mktemp("db") / "browser.db"


@pytest.fixture(scope="module")
def server(database):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", f"--server.port={port}",
         "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "WINTERPROOF_DB": str(database), "WINTERPROOF_DATABASE_URL": ""},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start within 60 s")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.mark.parametrize(("path", "marker"), PAGES.items())
def test_each_page_renders_in_chromium_without_exception(server, browser, path, marker, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/{path}")
    page.get_by_text(marker).first.wait_for(timeout=30_000)
    if path != "library":  # every other page draws at least one chart
        page.locator(".js-plotly-plot:visible").first.wait_for(timeout=30_000)
    page.get_by_text("Scenario preset").first.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Scenario preset").count() == 1  # the shared sidebar ran: app.py, not the page alone
    assert page.get_by_text("Page not found").count() == 0  # the deep link is a real page
    page.screenshot(path=str(tmp_path / f"{path or 'overview'}.png"))
    page.close()


def test_an_invalid_upload_shows_the_errors_and_keeps_the_scenario(server, browser, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("company: {name: Broken, starting_cash: -5}\n")
    page = browser.new_page()
    page.goto(server)
    page.get_by_text("Runway").first.wait_for(timeout=30_000)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    page.get_by_text("company.starting_cash").wait_for(timeout=30_000)
    assert page.get_by_text("the current scenario is unchanged").count() == 1
    assert page.get_by_text("Winter case — Series A slips").count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_an_invalid_survey_upload_on_the_pricing_page_names_the_row(server, browser, tmp_path):
    bad = tmp_path / "survey.csv"
    bad.write_text("too_cheap,cheap,expensive,too_expensive\n5,10,20,30\n5,ten,20,30\n")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/pricing")
    page.get_by_text("Van Westendorp price sensitivity").first.click()
    page.get_by_text("Upload a CSV").first.click()
    page.get_by_text("CSV with columns too_cheap").first.wait_for(timeout=30_000)
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="CSV with columns too_cheap")
    uploader.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    page.get_by_text("row 3, cheap: 'ten' is not a non-negative number").wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Apply this price to the scenario").count() == 1  # the page still works
    page.close()


def test_a_share_link_opens_in_a_fresh_browser_with_no_saving_controls(server, browser, database):
    from core.scenario import load_scenario
    from core.store import Store

    with Store(f"sqlite:///{database}") as db:
        scenario = load_scenario(ROOT / "sample_data" / "company_c_analytics_platform.yaml")
        token, _ = db.share(db.create("For the partners' meeting", scenario).scenario_id)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # no cookies, no session: an investor
    page = context.new_page()
    page.goto(f"{server}/?share={token}")
    page.get_by_text("Make a private copy to explore").first.wait_for(timeout=30_000)
    assert page.get_by_text(scenario.company.name).count() >= 1
    assert page.get_by_text("Scenario preset").count() == 0 and page.get_by_text("Save as a new scenario").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    page.goto(f"{server}/?share={token[:-2]}xx")
    page.get_by_text("This link does not open a scenario").wait_for(timeout=30_000)
    context.close()


def test_a_chinese_reader_gets_chinese_pages_and_charts_that_render(server, browser, tmp_path):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{server}/risk")
    page.get_by_text("资本寒冬压力测试").first.wait_for(timeout=30_000)
    page.locator(".js-plotly-plot:visible").first.wait_for(timeout=30_000)
    page.get_by_text("月末现金").first.wait_for(timeout=30_000)          # a chart title, drawn by Plotly in the browser
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"')")  # a CJK font is there to draw it
    title = page.locator(".js-plotly-plot .gtitle").first
    box = title.bounding_box()
    assert box is not None and box["width"] > 100                         # drawn with glyphs, not collapsed
    page.screenshot(path=str(tmp_path / "risk-zh.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    context.close()
