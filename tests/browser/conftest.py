"""When a browser test fails: a full-page screenshot of each page it had open, and where streamlit's log is.

The `new_page` fixture of test_smoke.py keeps the test's pages open until teardown and carries the server log's
path and the test's tmp_path; this hook runs after the call phase, before that teardown, while the pages still show
what went wrong. The paths (and the log's last lines) go into the failure report as a "browser artefacts" section
and into `item.user_properties` (so `--junitxml` has them too).
"""

from __future__ import annotations

from pathlib import Path

import pytest

LOG_LINES = 40  # of the server log, in the report
MAX_HEIGHT = 20_000  # px of a failure screenshot
# Streamlit scrolls inside <main data-testid="stMain"> (and the sidebar), not the document, so a "full page"
# screenshot would show only the viewport: grow the viewport to the tallest scrolled content first.
CONTENT_HEIGHT = """Math.max(document.documentElement.scrollHeight, ...Array.from(document.querySelectorAll('*'),
    e => /auto|scroll/.test(getComputedStyle(e).overflowY) ? e.scrollHeight : 0))"""


def screenshot(page, path: Path) -> None:
    size = page.viewport_size
    if size:
        height = min(int(page.evaluate(CONTENT_HEIGHT)), MAX_HEIGHT)
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": height})
    page.screenshot(path=str(path), full_page=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    pages = item.funcargs.get("new_page") if hasattr(item, "funcargs") else None
    if report.when != "call" or not report.failed or pages is None:
        return
    lines = []
    for n, page in enumerate(getattr(pages, "open", []), 1):
        if page.is_closed():
            continue
        shot = Path(pages.tmp_path) / f"failure-{n}.png"
        try:
            screenshot(page, shot)
        except Exception as exc:  # a crashed or hung page must not hide the test's own failure
            lines.append(f"screenshot of {page.url} failed: {type(exc).__name__}: {exc}")
        else:
            lines.append(f"screenshot: {shot} (of {page.url})")
            item.user_properties.append((f"screenshot-{n}", str(shot)))
    log = Path(pages.server_log)
    lines.append(f"server log: {log}")
    item.user_properties.append(("server-log", str(log)))
    if log.exists():
        tail = log.read_text(errors="replace").splitlines()[-LOG_LINES:]
        lines += [f"--- its last {len(tail)} lines ---", *tail]
    report.sections.append(("browser artefacts", "\n".join(lines)))
