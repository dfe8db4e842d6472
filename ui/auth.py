"""Who uses this session, and what it may reach.

- **Local mode** (``make run``: no ``[auth]`` in ``.streamlit/secrets.toml``, the server on
  127.0.0.1): one user, :data:`~core.storage.store.LOCAL`, no sign-in.
- **Team mode** (``[auth]`` configured, or ``WINTERPROOF_MODE=team``): Streamlit's OpenID Connect
  sign-in (``st.login`` / ``st.user``); the identity is the issuer and subject of the sign-in (``iss``, ``sub``),
  the e-mail is what is shown. An e-mail the provider does not call verified (``email_verified``) is refused, and
  a verified one takes what was granted to it before (:meth:`~core.storage.store.Store.bind`).
- **No mode at all**: a server that listens beyond this machine (``server.address`` unset, ``0.0.0.0`` or a
  host name) without a complete ``[auth]`` section, a ``WINTERPROOF_MODE=team`` without one, or a misspelled
  section (``[Auth]``) serves nothing but the reason (:func:`refusal`), on the page and in the log: it never
  falls back to local mode, where every visitor would own workspace 1.
- **A share-link session** is a guest for its whole life (``guest`` in session state): it sees
  the shared revision and, after "explore a private copy", the planning pages with that copy —
  never the library, saving, or any other scenario (:func:`identity` is None, so no store call
  can be made for it).
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Mapping

import streamlit as st

from core.i18n import t
from core.storage.store import LOCAL, Identity, subject_key
from ui.cached import store
from ui.session import lang
from ui.widgets import plain

AUTH_REQUIRED = ("redirect_uri", "cookie_secret")
"""The ``[auth]`` settings Streamlit's sign-in always needs."""
PROVIDER_REQUIRED = ("client_id", "client_secret", "server_metadata_url")
"""The settings of one OpenID provider (in ``[auth]`` itself, or in a ``[auth.<provider>]`` section)."""


def loopback(host: str) -> bool:
    """Whether a host name or address is this computer only (localhost, 127.x, ::1).

    >>> loopback("127.0.0.1"), loopback("localhost"), loopback("[::1]"), loopback("0.0.0.0"), loopback("")
    (True, True, True, False, False)
    """
    host = host.strip().strip("[]").lower()
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name (or nothing: every interface)
        return False


def _filled(section: Mapping, keys: tuple[str, ...]) -> bool:
    return all(str(section.get(key) or "").strip() for key in keys)


def sign_in_complete(auth: object) -> bool:
    """Whether an ``[auth]`` section has what a sign-in needs: a redirect address, a cookie secret, and one
    provider's client id, secret and metadata address."""
    if not isinstance(auth, Mapping) or not _filled(auth, AUTH_REQUIRED):
        return False
    providers = [auth, *(v for v in auth.values() if isinstance(v, Mapping))]
    return any(_filled(p, PROVIDER_REQUIRED) for p in providers)


def refusal(mode: str, address: str | None, secrets: Mapping | None) -> str | None:
    """Why this server must serve nothing (a catalogue key under ``security.``), or None when it may serve.

    ``mode`` is ``WINTERPROOF_MODE``, ``address`` Streamlit's ``server.address`` (None: every interface),
    ``secrets`` the secrets (None: no secrets file). Local mode is for a server on this machine only."""
    sections = secrets or {}
    if mode not in ("", "team", "local"):
        return "security.refused.mode"
    if any(str(k).lower() == "auth" and k != "auth" for k in sections):
        return "security.refused.misspelled"
    if mode == "team" or (mode == "" and "auth" in sections):
        if secrets is None:
            return "security.refused.no_secrets"
        if "auth" not in sections:
            return "security.refused.no_auth"
        return None if sign_in_complete(sections["auth"]) else "security.refused.incomplete"
    return None if loopback(address or "") else "security.refused.open_local"


def _secrets() -> Mapping | None:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # no secrets file at all
        return None


def refuse_unsafe_serving() -> None:
    """Stop the run with the reason when this server must not serve (:func:`refusal`); the log says it once per
    session."""
    problem = refusal(os.environ.get("WINTERPROOF_MODE", ""), st.get_option("server.address"), _secrets())
    if problem is None:
        return
    if not st.session_state.get("security.logged"):
        st.session_state["security.logged"] = True
        logging.getLogger("winterproof").error("refusing to serve: %s", t(problem, "en"))
    st.title(t("security.refused.title", lang()))
    st.error(t(problem, lang()))
    st.stop()


def team_mode() -> bool:
    """True when sign-in is configured (``[auth]`` in the secrets) or forced by ``WINTERPROOF_MODE=team``."""
    mode = os.environ.get("WINTERPROOF_MODE", "")
    if mode in ("team", "local"):
        return mode == "team"
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all: local mode
        return False


def identity() -> Identity | None:
    """The acting identity of this session: LOCAL, the signed-in user, or None (a guest, or not signed in)."""
    if st.session_state.get("guest"):
        return None
    if not team_mode():
        return LOCAL
    claims = st.user.to_dict()
    if not _signed_in() or not email_verified(claims) or not str(claims.get("sub") or "").strip():
        return None
    who = Identity(subject_key(str(claims.get("iss") or ""), str(claims["sub"])), str(claims.get("email") or "").strip().lower())
    if st.session_state.get("auth.bound") != who.user:  # once a session: what was granted to the e-mail is theirs
        store().bind(who)
        st.session_state["auth.bound"] = who.user
    return who


def email_verified(claims: Mapping) -> bool:
    """Whether a sign-in's e-mail, if it has one, is one the provider verified (``email_verified`` true)."""
    return not claims.get("email") or claims.get("email_verified") in (True, "true")


def unverified_page() -> None:
    """Signed in with an e-mail the provider did not verify: refused, with the way out."""
    st.title(t("security.unverified.title", lang()))
    st.error(t("security.unverified", lang(), email=plain(str(st.user.get("email") or ""))))
    st.button(t("auth.sign_out", lang()), key="auth.sign_out", on_click=st.logout)


def _signed_in() -> bool:
    return bool(st.user.get("is_logged_in", False))  # the key is absent until sign-in is configured


def sign_in_page() -> None:
    """Team mode without a signed-in user: the only thing shown is the way in (or, for a sign-in whose e-mail
    is not verified, the way out)."""
    if _signed_in():
        unverified_page()
        return
    st.title(t("auth.title", lang()))
    st.caption(t("auth.intro", lang()))
    st.button(t("auth.sign_in", lang()), key="auth.sign_in", on_click=st.login, type="primary")


def sign_out() -> None:
    """The signed-in user and a sign-out button, in the sidebar (team mode only)."""
    if team_mode() and _signed_in():
        st.caption(t("auth.signed_in", lang(), user=plain(str(st.user.get("email") or st.user.get("name") or ""))))
        st.button(t("auth.sign_out", lang()), key="auth.sign_out", on_click=st.logout)
