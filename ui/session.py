"""The session: the current scenario, the reader's language and the presets.

Session keys (all of them, for every page):

- ``scenario``: the current :class:`~core.model.Scenario` every page shows.
- ``library``: (scenario id, revision number, name) of the saved scenario it came from, or None.
- ``lang``: the reader's language ("en" / "zh"); ``lang_chosen``: True once the reader picked it
  (a share link then no longer imposes its own).
- ``preset``: the sidebar's preset picker; ``upload``: its uploader; ``upload_seen``: the file
  id of the last upload handled; ``upload_errors`` / ``upload_ok``: what the sidebar reports.
- ``lever.*``: what-if widgets (relative changes, applied on request); ``input.*``: widgets
  that edit the scenario directly. Both are cleared when a new scenario is loaded, so their
  defaults follow it.
- ``editor.*`` / ``edit.*``: the Build page's draft and its widgets (see :mod:`ui.editor`), also
  cleared when a new scenario is loaded; ``build.*``: that page's own pickers and buttons.
- ``pricing.*``, ``library.*``, ``share.*``, ``download.*``: buttons and pickers of those pages.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.model import Scenario, load_scenario

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
DEFAULT_PRESET = "capital_winter_round_slips"


def presets() -> dict[str, Path]:
    """Preset name (file stem) to path, sorted."""
    return {p.stem: p for p in sorted(SAMPLE_DIR.glob("*.yaml"))}


def lang() -> str:
    """The reader's language: the one chosen in the sidebar, else the browser's (简体中文 or English)."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = "zh" if (st.context.locale or "").lower().startswith("zh") else "en"
    return st.session_state["lang"]


def set_scenario(scenario: Scenario, library: tuple[int, int, str] | None = None) -> None:
    """Replace the current scenario and reset the widgets that show its values.

    ``library`` is (scenario id, revision number, name) when it was opened from the library;
    a scenario from anywhere else is not tied to a saved one.
    """
    st.session_state["scenario"] = scenario
    st.session_state["library"] = library
    for key in [k for k in st.session_state if str(k).startswith(("lever.", "input.", "editor.", "edit."))]:
        del st.session_state[key]


def update_scenario(scenario: Scenario) -> None:
    """Replace the current scenario with an edit made by ``input.`` widgets (kept as they are)."""
    st.session_state["scenario"] = scenario


def current_scenario() -> Scenario:
    if "scenario" not in st.session_state:
        set_scenario(load_scenario(presets()[DEFAULT_PRESET]))
    return st.session_state["scenario"]
