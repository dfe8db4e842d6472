"""The shared sidebar: language, preset picker, upload (errors keep the current scenario), downloads."""

from __future__ import annotations

import streamlit as st

from core.i18n import LANGUAGES, t
from core.model import ScenarioError, dumps_scenario, load_scenario
from core.storage.exports import import_scenario
from ui.auth import sign_out
from ui.cached import workbook
from ui.session import DEFAULT_PRESET, current_scenario, lang, presets, set_scenario
from ui.widgets import plain


def language_picker() -> None:
    """One control that switches every page, chart, table and message."""
    current = lang()  # also puts the language into session state, which the widget below reads (no index=)
    st.selectbox(t("language", current), list(LANGUAGES), key="lang",
                 format_func=lambda code: LANGUAGES[code], on_change=lambda: st.session_state.update(lang_chosen=True))


def _load_preset() -> None:
    set_scenario(load_scenario(presets()[st.session_state["preset"]]))


def _handle_upload() -> None:
    upload = st.session_state.get("upload")
    if upload is None or st.session_state.get("upload_seen") == upload.file_id:
        return
    st.session_state["upload_seen"] = upload.file_id
    try:
        scenario = import_scenario(upload.name, upload.getvalue())
    except ScenarioError as exc:
        st.session_state["upload_errors"] = (upload.name, exc)
        return
    st.session_state.pop("upload_errors", None)
    set_scenario(scenario)
    st.session_state["upload_ok"] = upload.name


def sidebar() -> None:
    """Preset picker, uploader (errors keep the current scenario) and download."""
    scenario = current_scenario()
    with st.sidebar:
        language_picker()
        sign_out()
        st.title(t("app.title", lang()))
        st.caption(t("app.tagline", lang()))
        names = list(presets())
        st.selectbox(t("sidebar.preset", lang()), names, key="preset", on_change=_load_preset,
                     index=names.index(DEFAULT_PRESET))
        st.file_uploader(t("sidebar.upload", lang()), type=["yaml", "yml", "json", "xlsx"], key="upload",
                         on_change=_handle_upload, max_upload_size=5)
        if "upload_errors" in st.session_state:
            name, error = st.session_state["upload_errors"]
            st.error(t("sidebar.upload_bad", lang(), file=plain(name)) + "\n\n" + "\n".join(f"- `{e}`" for e in error.localized(lang())))
        elif "upload_ok" in st.session_state:
            st.success(t("sidebar.upload_ok", lang(), name=plain(scenario.company.name),
                         file=st.session_state["upload_ok"]))
        scenario = current_scenario()
        st.caption(t("sidebar.current", lang(), name=plain(scenario.company.name), currency=scenario.company.currency))
        opened = st.session_state.get("library")
        if opened is not None:
            st.caption(t("sidebar.library_open", lang(), name=plain(opened[2]), number=opened[1]))
        left, middle, right = st.columns(3)
        left.download_button("YAML", dumps_scenario(scenario), file_name="scenario.yaml", mime="application/x-yaml",
                             key="download.yaml", help=t("sidebar.download", lang()))
        middle.download_button("JSON", dumps_scenario(scenario, "json"), file_name="scenario.json", mime="application/json",
                               key="download.json", help=t("sidebar.download", lang()))
        right.download_button("Excel", workbook(scenario), file_name="winterproof.xlsx", key="download.xlsx",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              help=t("sidebar.download_excel", lang()))
