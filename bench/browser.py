"""Slider-to-chart in Chromium: from a key press on a slider until the app has redrawn (target Risk lab ≤ 0.5 s).

`streamlit run` on localhost and Debian's Chromium (Playwright). On each interactive page one slider is moved by
one keyboard step, alternately right and left; a MutationObserver in the page records when the app's script
state turns "running" and back to "notRunning", and the figure is the time from the key press to that return
(the rerun, every delta and its Plotly redraw), median of ``SAMPLES`` moves after two warm-up moves.

    python -m bench.browser
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = 9
# page, what to click first (an expander) or None, the slider's label, what the move re-runs
SLIDERS = (
    ("funds", None, "Team size (× plan)", "a projection"),
    ("pitch", None, "Growth (± points a month)", "a projection and the scorecard"),
    ("pricing", None, "Minimum gross margin (%)", "the price optimum"),
    ("risk", "Simulation settings (saved with the scenario)", "Rank correlation of growth and churn",
     "5,000-path Monte Carlo, the tornado and the stress table"),
)
WATCH = """() => { window.__marks = []; const app = document.querySelector("[data-testid='stApp']");
  document.addEventListener("keydown", () => window.__marks.push(["key", performance.now()]), true);
  new MutationObserver(() => window.__marks.push([app.getAttribute("data-test-script-state"), performance.now()]))
    .observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]}); }"""
DONE = """() => { const m = window.__marks; const k = m.findIndex(x => x[0] === "key");
  const run = m.findIndex((x, i) => i > k && x[0] === "running");
  return k >= 0 && run > 0 && m.some((x, i) => i > run && x[0] === "notRunning"); }"""
ELAPSED = """() => { const m = window.__marks; const k = m.find(x => x[0] === "key")[1];
  const run = m.findIndex(x => x[0] === "running"); return m.find((x, i) => i > run && x[0] === "notRunning")[1] - k; }"""


def serve(port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
                             f"--server.port={port}", "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
                            cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            env={**os.environ, "WINTERPROOF_DB": str(log.with_suffix(".db"))})
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as answer:
                if answer.read() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"streamlit did not start; see {log}")


def measure(page, label: str, n: int) -> float:
    page.evaluate(WATCH)
    page.get_by_role("slider", name=label).press("ArrowRight" if n % 2 == 0 else "ArrowLeft")
    page.wait_for_function(DONE, timeout=120_000)
    elapsed = page.evaluate(ELAPSED)
    page.wait_for_timeout(300)  # let the last redraw settle before the next move
    return elapsed


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = Path(tempfile.mkdtemp()) / "streamlit.log"
    proc = serve(port, log)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            print(f"Slider to redrawn page in Chromium, median of {SAMPLES} one-step moves (capital-winter preset):")
            for path, opener, label, what in SLIDERS:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"http://127.0.0.1:{port}/{path}")
                if opener:
                    page.get_by_text(opener).first.click()
                page.get_by_role("slider", name=label).wait_for(timeout=120_000)
                page.wait_for_timeout(2000)
                times = [measure(page, label, n) for n in range(SAMPLES + 2)][2:]
                print(f"  /{path:8s} {statistics.median(times):6.0f} ms  (min {min(times):.0f}, max {max(times):.0f}; "
                      f"{label}: {what})")
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
