"""Nothing lost: the tab's unsaved work kept on the server, given back after a reload, and never replaced without asking.

A tab's address carries a random token (``?draft=…``). After every run, when the scenario on screen differs
from what it was opened or saved as (its *origin*), or the editor holds edits not yet valid, the work is kept in
the store under that token for the signed-in user (:meth:`~core.storage.store.Store.keep_draft`); once it is saved
or matches its origin again it is dropped. A reload (F5, a dropped connection, a server restart) opens the
token's work again; a new tab offers the newest work of the user's other tabs. Opening another scenario over
unsaved work asks first (:func:`open_scenario`).

Session keys: ``origin`` (the scenario as opened or last saved) and ``origin.source`` (where it came from, see
:func:`~ui.session.set_scenario`), ``unsaved.token``, ``unsaved.kept`` (the body last kept, or None),
``unsaved.pending`` (a scenario waiting for the founder's answer), ``unsaved.offer`` (another tab's work on
offer), ``unsaved.restored`` (when the work given back was kept, the page that says so, and the scenario given back).
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime

import streamlit as st
from pydantic import ValidationError
from pydantic_core import to_jsonable_python

from core.i18n import t
from core.model import Draft, Scenario
from core.storage.store import StoreError
from ui.auth import identity
from ui.cached import store
from ui.editor import restart
from ui.session import Source, current_scenario, lang, preset_names, set_scenario
from ui.widgets import plain

TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}")


def unsaved() -> bool:
    """Whether the scenario on screen, or the editor's draft, differs from what it was opened or saved as."""
    ss = st.session_state
    shown = current_scenario()
    editing = ss.get("editor.draft")
    return shown != ss.get("origin", shown) or (editing is not None and editing.data != shown.model_dump())


def open_scenario(scenario: Scenario, source: Source, library: tuple[int, int, str] | None = None) -> bool:
    """Open ``scenario`` as the founder asked; over unsaved work, ask first (:func:`banners` shows the question):
    False then."""
    if unsaved():
        st.session_state["unsaved.pending"] = (scenario, source, library)
        return False
    set_scenario(scenario, "open", source=source, library=library)
    return True


def _confirm() -> None:
    scenario, source, library = st.session_state.pop("unsaved.pending")
    set_scenario(scenario, "open", source=source, library=library)


def _token() -> str:
    ss = st.session_state
    if "unsaved.token" not in ss:
        given = st.query_params.get("draft", "")
        ss["unsaved.token"] = given if TOKEN.fullmatch(given) else secrets.token_urlsafe(16)
    if st.query_params.get("draft") != ss["unsaved.token"]:
        st.query_params["draft"] = ss["unsaved.token"]  # the address keeps it across pages, so a reload finds it
    return ss["unsaved.token"]


def _body() -> str:
    ss = st.session_state
    shown = current_scenario()
    editing = ss.get("editor.draft")
    return json.dumps(to_jsonable_python({
        "scenario": shown.model_dump(), "origin": ss.get("origin", shown).model_dump(),
        "source": ss.get("origin.source"), "library": ss.get("library"),
        "editing": editing.data if editing is not None and editing.data != shown.model_dump() else None}))


def _give_back(body: str, saved_at: datetime | None) -> None:
    """Open kept work again: its scenario, its origin and library link, and the editor's edits not yet valid."""
    data = json.loads(body)
    scenario = Scenario.model_validate(data["scenario"])
    library = tuple(data["library"]) if data.get("library") else None
    set_scenario(scenario, "open", source=tuple(data["source"]) if data.get("source") else None,
                 library=library)
    st.session_state["origin"] = Scenario.model_validate(data["origin"])
    if data.get("editing"):
        st.session_state["editor.draft"] = Draft(scenario, data=data["editing"])
        st.session_state["editor.synced"] = scenario
        restart()
    st.session_state["unsaved.restored"] = (saved_at, None, scenario)  # said on the first page shown, until the
    # founder leaves it or changes the work


def recover() -> None:
    """At a session's first run: give back the work kept under the address's token, else offer another tab's."""
    ss = st.session_state
    who = identity()
    if who is None or "unsaved.checked" in ss:
        return
    ss["unsaved.checked"] = True
    token = _token()
    kept = store().kept_draft(who, token)
    try:
        if kept is not None:
            _give_back(kept.body, kept.saved_at)
            ss["unsaved.kept"] = kept.body
            return
    except (ValidationError, ValueError, KeyError, TypeError):
        ss["unsaved.broken"] = True  # kept by a version that read it differently: said once, then forgotten
        store().drop_draft(who, token)
    others = store().other_drafts(who, token)
    if others:
        ss["unsaved.offer"] = others[0]


def _take_offer() -> None:
    key, saved_at = st.session_state.pop("unsaved.offer")
    who = identity()
    body = store().take_draft(who, key) if who is not None else None
    if body is not None:
        try:
            _give_back(body, saved_at)
        except (ValidationError, ValueError, KeyError, TypeError):
            st.session_state["unsaved.broken"] = True


def _drop_offer() -> None:
    key, _ = st.session_state.pop("unsaved.offer")
    who = identity()
    if who is not None:
        store().take_draft(who, key)


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def banners(page: str) -> None:
    """Above the page at ``page`` (its URL path; none on the address ``/``, which moves on to the Overview): the
    question before unsaved work is replaced, work given back, and another tab's on offer."""
    ss = st.session_state
    if not page:
        return
    if "unsaved.pending" in ss:
        scenario = ss["unsaved.pending"][0]
        with st.container(border=True):
            st.warning(t("unsaved.ask", lang(), current=plain(current_scenario().company.name),
                         new=plain(scenario.company.name)))
            left, right = st.columns(2)
            left.button(t("unsaved.discard_and_open", lang(), new=plain(scenario.company.name)), key="unsaved.confirm",
                        on_click=_confirm)
            right.button(t("unsaved.keep_editing", lang()), key="unsaved.cancel", type="primary",
                         on_click=lambda: ss.pop("unsaved.pending", None))
    if ss.pop("unsaved.broken", False):
        st.warning(t("unsaved.broken", lang()))
    saved_at, shown_on, given = ss.get("unsaved.restored") or (None, None, None)
    if saved_at is not None and shown_on in (None, page) and current_scenario() is given:  # a browser may run a page
        ss["unsaved.restored"] = (saved_at, page, given)                                    # twice as it loads
        st.info(t("unsaved.restored", lang(), name=plain(current_scenario().company.name), when=_when(saved_at)))
    elif saved_at is not None:
        del ss["unsaved.restored"]
    if "unsaved.offer" in ss and "unsaved.pending" not in ss:
        _, saved_at = ss["unsaved.offer"]
        with st.container(border=True):
            st.info(t("unsaved.offer", lang(), when=_when(saved_at)))
            left, right = st.columns(2)
            left.button(t("unsaved.restore", lang()), key="unsaved.take", type="primary", on_click=_take_offer)
            right.button(t("unsaved.drop", lang()), key="unsaved.drop", on_click=_drop_offer)


def keep() -> None:
    """After the page: keep the tab's work when it is unsaved (only when it changed), drop it once it is not."""
    ss = st.session_state
    who = identity()
    if who is None:
        return
    token = _token()
    body = _body() if unsaved() else None
    if body == ss.get("unsaved.kept"):
        return
    try:
        if body is None:
            store().drop_draft(who, token)
        else:
            store().keep_draft(who, token, body)
    except StoreError:  # another user's token in the address, or too large: this tab keeps under a new one
        ss["unsaved.token"] = secrets.token_urlsafe(16)
        return
    ss["unsaved.kept"] = body


def status() -> str:
    """Where the scenario on screen came from, and whether it has unsaved changes (the sidebar's line)."""
    ss = st.session_state
    source: tuple[str, ...] = ss.get("origin.source") or ("other",)
    opened = ss.get("library")
    if opened is not None:
        where = t("unsaved.from.library", lang(), name=plain(opened[2]), number=opened[1])
    else:
        name = preset_names().get(source[-1], source[-1]) if source[0] == "preset" else source[-1]
        where = t(f"unsaved.from.{source[0]}", lang(), name=plain(name))
    return t("join.colon", lang(), a=where, b=t("unsaved.changed" if unsaved() else "unsaved.same", lang()))
