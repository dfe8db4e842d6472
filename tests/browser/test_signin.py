"""Team mode in a real browser: Streamlit's OpenID Connect sign-in against a local test provider
(oidc-provider-mock, started by the test; no outside service), and two users who never see each other's work."""

from __future__ import annotations

import os
import warnings

import pytest

from tests.browser.test_smoke import TIMEOUT_MS, Pages, browser, free_port, settle, streamlit  # noqa: F401

# The test provider runs in this process on Authlib's deprecated hooks (a test tool, not our code): its warnings
# must not become errors inside its request thread, or the token endpoint answers 500.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    oidc = pytest.importorskip("oidc_provider_mock")

USERS = {"ana": "ana@a.example", "ben": "ben@b.example"}


@pytest.fixture(scope="module")
def team_server(tmp_path_factory):
    """The app in team mode: an [auth] section pointing at a provider on localhost."""
    folder = tmp_path_factory.mktemp("team")
    users = [oidc.User(sub=sub, claims={"email": email, "email_verified": True, "name": sub.title()})
             for sub, email in USERS.items()]
    with oidc.run_server_in_thread(user_claims=users) as provider:
        port = free_port()
        issuer = f"http://localhost:{provider.server_port}"
        secrets = folder / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            f'cookie_secret = "{os.urandom(16).hex()}"\n'
            'client_id = "winterproof-test"\n'  # the test provider accepts any client (no registration)
            'client_secret = "not-a-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n')
        env = {"WINTERPROOF_DB": str(folder / "team.db"), "WINTERPROOF_DATABASE_URL": "", "WINTERPROOF_MODE": ""}
        with streamlit(folder / "server.log", env, host="localhost", port=port, args=(f"--secrets.files={secrets}",)) as app:
            yield app.url, app.log


@pytest.fixture
def new_page(browser, team_server, tmp_path):  # noqa: F811
    pages = Pages(browser, team_server[1], tmp_path)
    yield pages
    for page in pages.open:
        page.context.close()


def sign_in(page, url: str, user: str) -> None:
    page.goto(url)
    page.get_by_text("Sign in to Winterproof").first.wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Open a preset").count() == 0      # nothing but the way in
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name=sub]").fill(user)                   # the test provider's own form
    page.get_by_role("button", name="Authorize").click()
    signed = page.get_by_text("Signed in as").first
    signed.wait_for(timeout=TIMEOUT_MS)
    assert signed.inner_text().replace("\u2060", "") == f"Signed in as {USERS[user]}"  # plain(): no mailto link


def test_two_signed_in_users_each_see_only_their_own_workspace(team_server, new_page):
    url, _ = team_server
    ana = new_page()
    sign_in(ana, url, "ana")
    ana.goto(f"{url}/library")
    ana.get_by_role("button", name="Save as a new scenario").click()
    ana.get_by_text("Done:").first.wait_for(timeout=TIMEOUT_MS)
    settle(ana)
    assert ana.get_by_text("Winter case — Series A slips").count() >= 1

    ben = new_page()
    sign_in(ben, url, "ben")
    ben.goto(f"{url}/library")
    ben.get_by_text("Nothing saved yet").first.wait_for(timeout=TIMEOUT_MS)   # Ana's scenario is not his
    assert ben.locator("[data-testid='stException']").count() == 0
    ben.get_by_role("button", name="Sign out").click()
    ben.get_by_role("button", name="End session").click()        # the provider confirms the sign-out
    ben.goto(url)
    ben.get_by_text("Sign in to Winterproof").first.wait_for(timeout=TIMEOUT_MS)
    assert ben.get_by_text("Open a preset").count() == 0
