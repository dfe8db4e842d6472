"""Saving the current scenario to the library (as a new scenario or the next revision), from any page."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.i18n import t
from core.model import Scenario
from core.storage.store import StoreError
from ui.cached import store
from ui.session import lang


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
    st.session_state["library.message"] = ("success", t("library.done", lang(), name=result.name, number=result.number))
    if action in (db.save, db.create) or (opened and result.scenario_id == opened[0]):
        st.session_state["library"] = (result.scenario_id, result.number, result.name)


def save_controls(scenario: Scenario, prefix: str = "library") -> None:
    """Name, "save as new" and, for a scenario opened from the library, "save as the next revision"
    (refused with a message when someone saved a newer one meanwhile)."""
    db = store()
    opened = st.session_state.get("library")
    name = st.text_input(t("library.name", lang()), scenario.company.name, max_chars=120, key=f"{prefix}.name")
    left, right = st.columns(2)
    left.button(t("library.save_new", lang()), key=f"{prefix}.save_new", on_click=run, args=(db.create, name, scenario))
    if opened is not None:
        right.button(t("library.save_revision", lang(), name=opened[2]), key=f"{prefix}.save_revision", type="primary",
                     on_click=run, args=(db.save, opened[0], scenario, opened[1]))
    if "library.message" in st.session_state:
        kind, text = st.session_state.pop("library.message")
        (st.error if kind == "error" else st.success)(text)
