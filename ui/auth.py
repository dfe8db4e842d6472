"""Who uses this session, and what it may reach.

- **Local mode** (``make run``: no ``[auth]`` in ``.streamlit/secrets.toml``, the server on
  127.0.0.1): one user, :data:`~core.storage.store.LOCAL`, no sign-in.
- **Team mode** (``[auth]`` configured, or ``WINTERPROOF_MODE=team``): Streamlit's OpenID Connect
  sign-in (``st.login`` / ``st.user``); the identity is the user's e-mail.
- **A share-link session** is a guest for its whole life (``guest`` in session state): it sees
  the shared revision and, after "explore a private copy", the planning pages with that copy —
  never the library, saving, or any other scenario (:func:`identity` is None, so no store call
  can be made for it).
"""

from __future__ import annotations

import os

import streamlit as st

from core.i18n import t
from core.storage.store import LOCAL, Identity
from ui.session import lang
from ui.widgets import plain


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
    if not _signed_in():
        return None
    return Identity(str(st.user.get("email") or st.user.get("sub")).strip().lower())


def _signed_in() -> bool:
    return bool(st.user.get("is_logged_in", False))  # the key is absent until sign-in is configured


def sign_in_page() -> None:
    """Team mode without a signed-in user: the only thing shown is the way in."""
    st.title(t("auth.title", lang()))
    st.caption(t("auth.intro", lang()))
    st.button(t("auth.sign_in", lang()), key="auth.sign_in", on_click=st.login, type="primary")


def sign_out() -> None:
    """The signed-in user and a sign-out button, in the sidebar (team mode only)."""
    if team_mode() and _signed_in():
        st.caption(t("auth.signed_in", lang(), user=plain(str(st.user.get("email") or st.user.get("name") or ""))))
        st.button(t("auth.sign_out", lang()), key="auth.sign_out", on_click=st.logout)
