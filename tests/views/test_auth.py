"""Team mode cannot open by accident: a server reachable beyond this machine serves nothing without a complete
sign-in configuration (issue 32), and local mode on the loopback works as before."""

from __future__ import annotations

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from core.model import load_scenario
from core.storage.store import Identity, Store
from tests.views.test_pages import APP
from ui.auth import refusal, sign_in_complete
from ui.widgets import plain

AUTH = {"redirect_uri": "https://plan.example.com/oauth2callback", "cookie_secret": "s3cret",
        "client_id": "winterproof", "client_secret": "x", "server_metadata_url": "https://id.example.com/.well-known"}


@pytest.mark.parametrize(("mode", "address", "secrets", "expected"), [
    ("", "127.0.0.1", None, None),                                    # make run: local mode on this machine
    ("", "localhost", {}, None),
    ("local", "::1", None, None),
    ("", None, None, "security.refused.open_local"),                  # no address: every interface
    ("", "0.0.0.0", None, "security.refused.open_local"),
    ("local", "0.0.0.0", None, "security.refused.open_local"),        # "local" is no licence to listen openly
    ("", "plan.example.com", {"other": 1}, "security.refused.open_local"),
    ("", "0.0.0.0", {"Auth": AUTH}, "security.refused.misspelled"),   # [Auth] is not [auth] ...
    ("", "127.0.0.1", {"AUTH": AUTH}, "security.refused.misspelled"),  # ... on the loopback either
    ("team", "0.0.0.0", None, "security.refused.no_secrets"),
    ("team", "127.0.0.1", {"db": "x"}, "security.refused.no_auth"),
    ("team", "0.0.0.0", {"auth": {**AUTH, "cookie_secret": ""}}, "security.refused.incomplete"),
    ("", "0.0.0.0", {"auth": {k: v for k, v in AUTH.items() if k != "client_secret"}}, "security.refused.incomplete"),
    ("Team", "127.0.0.1", {"auth": AUTH}, "security.refused.mode"),   # a typo in the mode is not local mode
    ("team", "0.0.0.0", {"auth": AUTH}, None),
    ("", "0.0.0.0", {"auth": AUTH}, None),                            # [auth] alone turns team mode on
])
def test_a_server_serves_only_on_the_loopback_or_with_a_complete_sign_in(mode, address, secrets, expected):
    assert refusal(mode, address, secrets) == expected


def test_a_provider_may_have_its_own_section():
    named = {"redirect_uri": "https://a/cb", "cookie_secret": "c",
             "google": {"client_id": "i", "client_secret": "s", "server_metadata_url": "https://g"}}
    assert sign_in_complete(named)
    assert not sign_in_complete({**named, "google": {"client_id": "i", "server_metadata_url": "https://g"}})
    assert not sign_in_complete("auth")


@pytest.fixture
def listening():
    """Set ``server.address`` for one test (the repository's config says 127.0.0.1)."""
    before = config.get_option("server.address")
    yield lambda address: config.set_option("server.address", address)
    config.set_option("server.address", before)


def refused_page(at: AppTest) -> str:
    assert not at.exception
    assert [t.value for t in at.title] == ["This server is not set up safely"]
    assert not at.button and not at.selectbox and not at.metric       # no Library, no workspace, no preset
    return at.error[0].value


def test_an_open_address_without_sign_in_serves_only_the_reason(tmp_path, monkeypatch, listening, caplog):
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "open.db"))
    monkeypatch.setenv("WINTERPROOF_MODE", "")
    listening("0.0.0.0")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "listens beyond this computer" in refused_page(at)
    assert "refusing to serve: This server listens beyond this computer" in caplog.text
    listening("127.0.0.1")                                             # the same app on the loopback: local mode
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.error and at.sidebar.selectbox


@pytest.mark.parametrize(("secrets", "says"), [
    ({}, "no secrets file with an [auth] section"),
    ({"other": {"x": 1}}, "has no [auth] section"),
    ({"Auth": AUTH}, "spelled differently from [auth]"),
    ({"auth": {**AUTH, "client_id": " "}}, "[auth] section is incomplete"),
])
def test_team_mode_without_a_valid_sign_in_serves_only_the_reason(tmp_path, monkeypatch, secrets, says):
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "team.db"))
    monkeypatch.setenv("WINTERPROOF_MODE", "team")
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in secrets.items():
        at.secrets[key] = value
    assert says in refused_page(at.run())


def test_team_mode_without_a_signed_in_user_shows_only_the_sign_in(tmp_path, monkeypatch, listening):
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "team.db"))
    monkeypatch.setenv("WINTERPROOF_MODE", "team")
    listening("0.0.0.0")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in to Winterproof"]
    assert [b.key for b in at.button] == ["auth.sign_in"] and not at.selectbox and not at.metric


ISSUER = "https://id.example.com"


def signed_in(sub: str, **claims) -> AppTest:
    """The app in team mode, signed in at ISSUER as ``sub`` with ``claims``."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "iss": ISSUER, "sub": sub, **claims}
    return at.run()


@pytest.fixture
def team(tmp_path, monkeypatch):
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "team.db"))
    monkeypatch.setenv("WINTERPROOF_MODE", "team")
    monkeypatch.delenv("WINTERPROOF_DATABASE_URL", raising=False)
    with Store(f"sqlite:///{tmp_path / 'team.db'}") as db:
        db.create(Identity("ana@a.example"), "Ana's plan", load_scenario("sample_data/seed002_nlp_project.yaml"))
    return tmp_path


@pytest.mark.parametrize("claims", [{"email_verified": False}, {}, {"email_verified": "false"}])
def test_an_e_mail_the_provider_does_not_verify_opens_nothing(team, claims):
    at = signed_in("mallory-9", email="ana@a.example", **claims)
    assert not at.exception
    assert [t.value for t in at.title] == ["Your e-mail address is not verified"]
    assert f"confirm that {plain('ana@a.example')} belongs" in at.error[0].value and [b.key for b in at.button] == ["auth.sign_out"]
    assert not at.selectbox and not at.metric


def library_names(at: AppTest) -> list[str]:
    at.switch_page("views/library.py").run()
    assert not at.exception
    listed = [frame.value for frame in at.dataframe if "Name" in frame.value]   # the list of scenarios comes first
    return list(listed[0]["Name"]) if listed else []


def test_the_first_verified_sign_in_of_an_e_mail_takes_its_workspace_and_a_later_account_does_not(team):
    ana = signed_in("ana-1", email="Ana@A.example", email_verified=True)
    assert f"Signed in as {plain('Ana@A.example')}" in [c.value for c in ana.sidebar.caption]
    assert library_names(ana) == ["Ana's plan"]
    mallory = signed_in("mallory-9", email="ana@a.example", email_verified=True)  # same e-mail, another account
    assert library_names(mallory) == [] and any(i.value.startswith("Nothing saved yet") for i in mallory.info)
    assert library_names(signed_in("ana-1", email="ana@a.example", email_verified="true")) == ["Ana's plan"]
