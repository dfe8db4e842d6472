"""The library from any page: the reader's workspace, and saving the current scenario into it
(as a new scenario or the next revision). Every store call carries the session's identity."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from core.i18n import t
from core.model import Scenario
from core.storage.store import LOCAL_WORKSPACE, Identity, StoreError, Workspace
from ui.cached import store, unreachable
from ui.session import lang, resend_choices, set_scenario
from ui.widgets import plain, seeded


def workspace(who: Identity) -> Workspace:
    """The workspace the reader works in (``library.workspace``; their first one until they pick another)."""
    mine = store().workspaces(who)
    chosen = st.session_state.get("library.workspace")
    return next((w for w in mine if w.id == chosen), mine[0])


def workspace_name(space: Workspace) -> str:
    """A workspace's name; the one every store starts with in the reader's language."""
    return t("library.local", lang()) if space.name == LOCAL_WORKSPACE else space.name


def workspace_picker(who: Identity) -> Workspace:
    """Pick one of the reader's workspaces (shown only when there is more than one)."""
    mine = store().workspaces(who)
    if len(mine) > 1:
        names = {w.id: t("join.paren", lang(), a=workspace_name(w), b=t(f"library.role.{w.role}", lang()))
                 for w in mine}  # a selectbox shows text
        st.selectbox(t("library.workspace", lang()), list(names), key="library.workspace",
                     index=[w.id for w in mine].index(workspace(who).id), format_func=lambda i: names[i])
    return workspace(who)


def run(action: Callable, *args: object) -> None:
    """Carry out a store action from a button; problems become messages, never exceptions.

    A save keeps the session linked to what it saved, so the next save is its next revision.
    """
    db = store()
    opened = st.session_state.get("library")
    try:
        result = action(*args)
    except StoreError as exc:
        st.session_state["library.message"] = ("error", exc.localized(lang()))
        return
    except SQLAlchemyError:  # the database went away mid-session: nothing was saved, and the page says so plainly
        st.session_state["library.message"] = ("error", unreachable())
        return
    if result is None:  # revoke, members: nothing to open
        st.session_state["library.message"] = ("success", t("library.updated", lang()))
        return
    resend_choices()  # a picker showing the old name shows the new one
    st.session_state["library.message"] = ("success", t("library.done", lang(), name=plain(result.name), number=result.number,
                                                        action=t(f"library.action.{result.action}", lang())))
    if action == db.restore and opened and result.scenario_id == opened[0]:  # the screen shows what the restore made,
        set_scenario(result.scenario, library=(result.scenario_id, result.number, result.name))  # so a save keeps it
    elif action in (db.save, db.create) or (opened and result.scenario_id == opened[0]):
        st.session_state["library"] = (result.scenario_id, result.number, result.name)
    if action in (db.save, db.create):  # what is on screen is saved: nothing unsaved from here on
        st.session_state["origin"] = result.scenario


def save_controls(who: Identity, scenario: Scenario, prefix: str = "library") -> None:
    """Name, "save as new" (into the reader's workspace) and, for a scenario opened from the library,
    "save as the next revision" (refused with a message when someone saved a newer one meanwhile)."""
    db = store()
    opened = st.session_state.get("library")
    # the key follows the company's name, so the box offers the scenario's current name, not the first one it saw
    key = f"{prefix}.name.{scenario.company.name}"
    name = st.text_input(t("library.name", lang()), max_chars=120, key=key, **seeded(key, scenario.company.name))
    left, right = st.columns(2)
    left.button(t("library.save_new", lang()), key=f"{prefix}.save_new", on_click=run,
                args=(db.create, who, name, scenario, workspace(who).id))
    if opened is not None:
        right.button(t("library.save_revision", lang(), name=plain(opened[2])), key=f"{prefix}.save_revision", type="primary",
                     on_click=run, args=(db.save, who, opened[0], scenario, opened[1]))
    if "library.message" in st.session_state:
        kind, text = st.session_state.pop("library.message")
        (st.error if kind == "error" else st.success)(text)
