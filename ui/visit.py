"""An investor's visit through a share link: its token, read from the address once and kept in the session; the
link checked again against the store on every rerun and at every download, so that a link the founder revoked (or
that expired, was locked, or whose scenario was deleted) ends in the sessions that have it open — the investor view
and its private copy alike.

A full reload of the tab starts a new Streamlit session at an address without the token: the investor opens the link
they were sent again (the view says so). A lost connection that comes back keeps the session, and the link with it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core.storage.store import Revision, ShareLink, StoreError
from ui.auth import loopback
from ui.cached import store

TOKEN = "share.token"
"""Session key: the share link this session came through (its token), kept once the address no longer holds it."""
COPY = "share.copy"
"""Session key: True once the investor made a private copy (the pages then show the copy; the link still rules)."""
PASSCODE = "share.passcode"
"""Session key: the passcode given to the link (kept, so that every later check opens it again)."""

T = TypeVar("T")


def link_token() -> str | None:
    """The share link of this session: a ``?share=<token>`` in the address is kept in the session and taken out of
    the address (and so out of the browser's history of this tab); None for a session that came through none."""
    ss = st.session_state
    if "share" in st.query_params:
        token = st.query_params["share"]
        if token != ss.get(TOKEN):  # another link in the same tab: its own investor view, from the start
            ss.pop(COPY, None)
        ss[TOKEN] = token
        del st.query_params["share"]
    return ss.get(TOKEN)


def client() -> str:
    """Who asks, as far as the server can tell: the store limits the wrong passcodes of each client to a link.

    The connection's address; on a connection from this machine (Streamlit gives no address), the one the proxy in
    front (the deploy's nginx) appended to ``X-Forwarded-For`` — trusted only there, where no outsider can send it
    directly."""
    address = st.context.ip_address
    if isinstance(address, str) and address and not loopback(address):
        return address
    forwarded = st.context.headers.get("X-Forwarded-For") or ""
    return forwarded.rsplit(",", 1)[-1].strip() if isinstance(forwarded, str) else ""


def reopen(token: str, passcode: str | None, asker: str) -> tuple[Revision, ShareLink] | None:
    """The link's revision and the link, if it still opens with ``passcode`` for ``asker`` (no open is counted);
    None once it is revoked, expired, locked, or its scenario deleted."""
    try:
        return store().open_share(token, passcode=passcode, client=asker)
    except StoreError:  # a passcode no longer accepted (locked, or too many wrong ones from here)
        return None


def still_open(token: str) -> tuple[Revision, ShareLink] | None:
    """:func:`reopen` with this session's passcode and client."""
    return reopen(token, st.session_state.get(PASSCODE), client())


def _checked(token: str, passcode: str | None, asker: str, make: Callable[[], T]) -> T:
    if reopen(token, passcode, asker) is None:
        raise StoreError("this share link no longer works", code="link_gone")
    return make()


def while_open(make: Callable[[], T]) -> Callable[[], T]:
    """``make`` (a download's deferred content) checked, at the click, against the share link this session came
    through: once the link no longer opens, the download fails. A session without a link gets ``make`` itself.

    The check runs outside the page's run (Streamlit calls a download's content on its own), so the session's
    token, passcode and client are read now."""
    token = st.session_state.get(TOKEN)
    if token is None:
        return make
    return functools.partial(_checked, token, st.session_state.get(PASSCODE), client(), make)
