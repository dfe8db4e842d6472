"""Share links' addresses: where a link points (``WINTERPROOF_PUBLIC_URL`` or the founder's own address), whether
anyone but this computer can open it, and the one visit its address is shown on."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import streamlit as st

from core.i18n import t
from ui.auth import loopback, team_mode
from ui.session import lang

PUBLIC_URL = "WINTERPROOF_PUBLIC_URL"
"""The environment variable with the address investors reach this server at (``https://plan.example.com``)."""


def link_address(token: str, here: str, public: str | None = None) -> str:
    """A share link's full address: on the ``public`` address when one is configured, else on the page the
    founder is on (``here``, the browser's address)."""
    base = f"{public.rstrip('/')}/" if public else here.split("?")[0]
    return f"{base}?share={token}"


def this_machine_only(address: str) -> bool:
    """Whether an address names this computer (localhost, 127.x, ::1), which no investor's browser reaches."""
    return loopback(urlsplit(address).hostname or "")


def share_link(token: str) -> str:
    """The full address of a share link: on ``WINTERPROOF_PUBLIC_URL`` when set, else on this server's address."""
    return link_address(token, st.context.url or "", os.environ.get(PUBLIC_URL) or None)


MADE = "library.share_made"
"""Session key of the link the Library just made: (scenario id, address, expiry date), shown on that visit only."""


def forget_made_link(page: str) -> None:
    """On another page, forget the link the Library made: its address is shown once, on the visit that made it."""
    ss = st.session_state
    if ss.get("library.share_page") != page:
        ss.pop(MADE, None)
    ss["library.share_page"] = page


def local_link_note(address: str) -> str | None:
    """What to tell the founder next to a link investors cannot open (local mode, or an address of this machine):
    where it works and how to make it reachable; None for a link on a public address in team mode."""
    if team_mode() and not this_machine_only(address):
        return None
    return t("library.share_local", lang(), host=urlsplit(address).netloc, variable=PUBLIC_URL)
