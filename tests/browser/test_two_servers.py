"""Past one machine: two app processes on one PostgreSQL, as behind a load balancer with sticky sessions. A link
made on one opens on the other, and 16 browser sessions save at once across both with no error and no lost revision."""

from __future__ import annotations

import time

import pytest

from core.storage.store import LOCAL, Store
from tests.browser.test_smoke import TIMEOUT_MS, Pages, browser, open_section, settle, streamlit  # noqa: F401
from tests.core.storage.test_store import fresh_postgres, postgres_url  # noqa: F401

pytestmark = pytest.mark.browser
SESSIONS = 16


@pytest.fixture(scope="module")
def servers(postgres_url, tmp_path_factory):  # noqa: F811
    url = fresh_postgres(postgres_url)
    env = {"WINTERPROOF_DATABASE_URL": url, "WINTERPROOF_MODE": "local"}
    folder = tmp_path_factory.mktemp("two")
    with streamlit(folder / "a.log", env) as a, streamlit(folder / "b.log", env) as b:
        yield a, b, url


@pytest.fixture
def new_page(browser, servers, tmp_path):  # noqa: F811
    pages = Pages(browser, servers[0].log, tmp_path)
    yield pages
    for page in pages.open:
        page.context.close()


def test_a_link_made_on_one_server_opens_on_the_other(servers, new_page):
    a, b, _ = servers
    founder = new_page()
    founder.goto(f"{a.url}/library")
    founder.get_by_role("button", name="Save as a new scenario").click()
    founder.get_by_text("Done:").first.wait_for(timeout=TIMEOUT_MS)
    settle(founder)  # the save's rerun has finished drawing the page: a click now is not on a widget being replaced
    open_section(founder, founder.get_by_text("Share with investors").first)
    founder.get_by_role("button", name="Create a link to revision 1").click()
    link = founder.locator("[data-testid='stCode']").first.inner_text(timeout=TIMEOUT_MS).strip()
    investor = new_page()
    investor.goto(link.replace(a.url, b.url))
    investor.get_by_text("Make a private copy to explore").first.wait_for(timeout=TIMEOUT_MS)
    assert investor.locator("[data-testid='stException']").count() == 0


def test_sixteen_sessions_save_at_once_across_both_servers_and_nothing_is_lost(servers, new_page):
    a, b, url = servers
    with Store(url) as db:
        before = len(db.list_scenarios(LOCAL))
    pages = [new_page() for _ in range(SESSIONS)]
    for n, page in enumerate(pages):
        page.goto(f"{(a, b)[n % 2].url}/library")
    for page in pages:
        page.get_by_role("button", name="Save as a new scenario").wait_for(timeout=TIMEOUT_MS)
    start = time.perf_counter()
    for page in pages:  # all clicked before any is waited for: the saves overlap on both servers
        page.get_by_role("button", name="Save as a new scenario").click()
    for page in pages:
        page.get_by_text("Done:").first.wait_for(timeout=TIMEOUT_MS)
    took = time.perf_counter() - start
    for page in pages:
        assert page.locator("[data-testid='stException']").count() == 0
    with Store(url) as db:
        saved = db.list_scenarios(LOCAL)
        assert len(saved) == before + SESSIONS
        assert all([r.number for r in db.history(LOCAL, s.scenario_id)] == [1] for s in saved[:SESSIONS])
    print(f"\n{SESSIONS} sessions on 2 servers saved in {took:.1f} s")
