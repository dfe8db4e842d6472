"""The session: the current scenario, the reader's language and the presets.

Session keys (all of them, for every page):

- ``scenario``: the current :class:`~core.model.Scenario` every page shows.
- ``library``: (scenario id, revision number, name) of the saved scenario it came from, or None.
- ``lang``: the reader's language ("en" / "zh"); ``lang_chosen``: True once the reader picked it
  (a share link then no longer imposes its own).
- ``origin`` / ``origin.source``: the scenario as opened or last saved, and where it came from (:mod:`ui.unsaved`
  keeps unsaved work from there on, and asks before it is replaced); ``unsaved.*``: that module's state.
- ``preset``: the sidebar's preset picker; ``upload``: its uploader; ``upload_seen``: the file
  id of the last upload handled; ``upload_errors`` / ``upload_ok``: what the sidebar reports.
- ``lever.*``: what-if widgets (relative changes, applied on request) and page settings;
  ``input.*``: a page's own controls that edit the scenario (the Risk lab's round odds and correlation).
  Their keys carry ``widgets.gen`` (:func:`wkey`), renewed whenever a scenario is loaded or a what-if
  applied (see :func:`set_scenario`): the browser keeps a widget's old value and sends it again, so a
  deleted key alone would not reset it. A scenario field's widget on any page is the editor's (below).
- ``levers.kept``: the what-if positions of the Funds and Pitch pages, kept for the session
  (another page and back) together with the scenario they apply to (see :func:`kept_slider`).
- ``editor.*`` / ``edit.*``: the editor's draft and the field widgets of every page (see :mod:`ui.editor`),
  cleared when a new scenario is loaded; ``build.*``: the Build page's own pickers and buttons.
- ``actuals``: the actuals imported on the Plan vs actuals page (or read from the library) for the current
  scenario, dropped when another scenario is loaded.
- ``pricing.*``, ``library.*``, ``share.*``, ``download.*``, ``actuals.*``: buttons and pickers of those pages.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Literal

import streamlit as st

from core.i18n import LANGUAGES
from core.model import Draft, Scenario, load_preset

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
DEFAULT_PRESET = "capital_winter_round_slips"


def presets() -> dict[str, Path]:
    """Preset name (file stem) to path, sorted."""
    return {p.stem: p for p in sorted(SAMPLE_DIR.glob("*.yaml"))}


@functools.cache
def _preset(stem: str, language: str) -> Scenario:
    return load_preset(presets()[stem], language)


def preset(stem: str) -> Scenario:
    """The preset ``stem`` in the reader's language (its names from ``sample_data/<lang>/``)."""
    return _preset(stem, lang())


def preset_names() -> dict[str, str]:
    """Preset file stem to its company's name in the reader's language, as the pickers show it."""
    return {stem: preset(stem).company.name for stem in presets()}


def lang() -> str:
    """The reader's language: the one chosen in the sidebar, else the browser's (简体中文 or English)."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = "zh" if (st.context.locale or "").lower().startswith("zh") else "en"
    return st.session_state["lang"]


def wkey(name: str) -> str:
    """The key of a ``lever.*`` or ``input.*`` widget in the current generation."""
    return f"{name}@{st.session_state.get('widgets.gen', 0)}"


def _renew_widgets(keep: tuple[str, ...] = ()) -> None:
    """Start a new widget generation (every ``lever.*`` / ``input.*`` widget is rebuilt at its
    default) and forget the kept what-if positions; ``keep`` names widgets whose value carries over."""
    ss = st.session_state
    carried = {name: ss[wkey(name)] for name in keep if wkey(name) in ss}
    ss["widgets.gen"] = ss.get("widgets.gen", 0) + 1
    ss.pop("levers.kept", None)
    for name, value in carried.items():
        ss[wkey(name)] = value


Change = Literal["open", "apply", "edit"]
Source = tuple[str, ...] | None
"""Where an opened scenario came from: ``("preset", stem)``, ``("file", name)``, ``("blank",)``, ``("copy",)`` (of a
shared revision), or None (the library link says it, or nothing does)."""


def set_scenario(scenario: Scenario, change: Change = "open", *, library: tuple[int, int, str] | None = None,
                 source: Source = None, keep: tuple[str, ...] = ()) -> None:
    """Make ``scenario`` the current one: the one setter of the session. What each ``change`` does:

    ============ ====================================== ================================= ==========================
    change       library link                           Build page's draft and undo       ``lever.*`` / ``input.*``
    ============ ====================================== ================================= ==========================
    ``open``     ``library`` (id, revision, name), or   cleared (a new draft, no undo);   a new generation; kept
                 None for a scenario not from the       the actuals of the last one are   levers forgotten
                 library                                dropped
    ``apply``    kept (save makes the next revision)    follows it, undoable              a new generation, but
                 a what-if applied                                                        ``keep`` carries over
    ``edit``     kept                                   follows it, undoable (Build's     kept as they are (they
                 a field edited on any page                                               show the edit)
    ============ ====================================== ================================= ==========================

    ``open`` also makes ``scenario`` the *origin* that unsaved changes are measured from, with its ``source``
    (:mod:`ui.unsaved`; a founder's open goes through :func:`ui.unsaved.open_scenario`, which asks first).

    A field edited on any page reaches here as ``edit`` through the editor's draft (:func:`ui.editor.change`,
    validated once by :func:`core.model.revise`).
    """
    ss = st.session_state
    if change == "apply" and "editor.draft" not in ss and "scenario" in ss:  # Build not opened yet: its undo starts here
        ss["editor.draft"], ss["editor.synced"] = Draft(ss["scenario"]), ss["scenario"]
    ss["scenario"] = scenario
    if change == "open":
        ss["library"] = library
        ss["origin"], ss["origin.source"] = scenario, source
        ss.pop("actuals", None)  # another scenario's actuals (the Plan vs actuals page reloads saved ones)
        for key in [k for k in ss if str(k).startswith(("editor.", "edit."))]:
            del ss[key]
    if change != "edit":
        _renew_widgets(keep)


def kept_slider(label: str, name: str, low: float, high: float, neutral: float, step: float, **kwargs: Any) -> Any:
    """A what-if slider whose position is kept for the session, for the scenario it was moved on
    (another page and back shows it again; a new or applied scenario shows ``neutral``)."""
    ss = st.session_state
    scenario = current_scenario()
    kept: tuple[Scenario, dict[str, float]] | None = ss.get("levers.kept")
    if kept is None or kept[0] != scenario:
        kept = ss["levers.kept"] = (scenario, {})
    start = min(high, max(low, kept[1].get(name, neutral)))
    value = st.slider(label, low, high, start, step, key=wkey(name), **kwargs)
    if value == neutral:
        kept[1].pop(name, None)
    else:
        kept[1][name] = value
    return value


def unapplied() -> list[str]:
    """The kept what-if levers (``lever.*`` names) moved away from neutral on the current scenario."""
    kept = st.session_state.get("levers.kept")
    return sorted(kept[1]) if kept is not None and kept[0] == current_scenario() else []


def resend_choices() -> None:
    """Write every plain value in session state back to itself, so each widget's next run sends the browser its value.

    A select box (or radio) tells the server its choice by the label the browser shows. After a language switch that
    label is the old language's, which matches no option of the new run: the next rerun would hand the raw label to
    the widget's callback (the preset picker failed on "Company B — data assistant (CNY)") or quietly reset the choice.
    A value written through session state is sent with its new label (after a rename too: the Library's picker kept
    the old name). Buttons (bools), uploads and data editors (objects and dicts), which may not be written, are left
    alone."""
    plain = (str, int, float)
    for name in list(st.session_state.keys()):
        value = st.session_state[name]
        if (isinstance(value, plain) and not isinstance(value, bool)) or (
                isinstance(value, (list, tuple)) and all(isinstance(v, plain) for v in value)):
            st.session_state[name] = value


def follow_language() -> None:
    """After the reader switched language: a preset still as it was loaded (no edit, no what-if applied, not from the
    library) is reloaded in the new language, so its names, streams and rounds read in it too; anything the reader
    changed stays as it is."""
    ss = st.session_state
    ss["lang_chosen"] = True
    resend_choices()
    source: tuple[str, ...] = ss.get("origin.source") or ()
    shown = ss.get("scenario")
    if shown is None or ss.get("library") is not None or source[:1] != ("preset",) or source[1] not in presets():
        return
    if any(shown == _preset(source[1], other) for other in LANGUAGES if other != ss["lang"]):
        set_scenario(_preset(source[1], ss["lang"]), source=source)


def current_scenario() -> Scenario:
    if "scenario" not in st.session_state:
        set_scenario(preset(DEFAULT_PRESET), source=("preset", DEFAULT_PRESET))
    return st.session_state["scenario"]


DOWNLOADS = "share.downloads"
"""Session key: whether this session may download (False once it opened a share link without downloads)."""


def may_download() -> bool:
    """Whether this session is offered downloads: always, unless it opened a share link that does not allow them —
    then neither the investor view nor its private copy offers any (sidebar, pages, one-pager)."""
    return bool(st.session_state.get(DOWNLOADS, True))
