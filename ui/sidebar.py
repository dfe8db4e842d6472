"""The shared sidebar: language, preset picker, upload (errors keep the current scenario); after the page
has run, the current scenario's name, unapplied what-ifs and downloads (so they include the page's edits)."""

from __future__ import annotations

import functools
import re
from datetime import date

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.analysis.captable import pre_money_safes
from core.i18n import LANGUAGES, t
from core.model import Scenario, ScenarioError, dumps_scenario
from core.present import onepager
from core.storage.exports import import_scenario
from ui.auth import sign_out
from ui.cached import workbook
from ui.session import current_scenario, follow_language, lang, may_download, preset, preset_names, unapplied
from ui.unsaved import open_scenario, status
from ui.visit import while_open
from ui.widgets import plain, upload_caption


def language_picker(compact: bool = False) -> None:
    """One control that switches every page, chart, table and message (``compact``: without its label)."""
    current = lang()  # also puts the language into session state, which the widget below reads (no index=)
    st.selectbox(t("language", current), list(LANGUAGES), key="lang", label_visibility="collapsed" if compact else "visible",
                 format_func=lambda code: LANGUAGES[code], on_change=follow_language)


def _load_preset() -> None:
    stem = st.session_state["preset"]
    if stem is not None:
        open_scenario(preset(stem), ("preset", stem))
    st.session_state["preset"] = None  # the picker opens a preset; it does not say what is on screen (the footer does)


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
    if open_scenario(scenario, ("file", upload.name)):
        st.session_state["upload_ok"] = upload.name


def file_stem(scenario: Scenario, today: date | None = None) -> str:
    """A download's file name without extension: the company's name and today's date (``company-a-2026-11-24``)."""
    slug = re.sub(r"[^\w]+", "-", scenario.company.name.lower()).strip("-_")[:60] or "scenario"
    return f"{slug}-{(today or date.today()).isoformat()}"


def sidebar() -> DeltaGenerator:
    """Language, sign-out, preset picker and uploader; returns the slot :func:`sidebar_footer` fills after the page."""
    with st.sidebar:
        language_picker()
        sign_out()
        st.title(t("app.title", lang()))
        st.caption(t("app.tagline", lang()))
        names = preset_names()
        st.selectbox(t("sidebar.preset", lang()), list(names), key="preset", on_change=_load_preset, index=None,
                     placeholder=t("sidebar.preset_pick", lang()), format_func=names.__getitem__)
        st.file_uploader(t("sidebar.upload", lang()), type=["yaml", "yml", "json", "xlsx"], key="upload",
                         on_change=_handle_upload, max_upload_size=5)
        upload_caption(lang(), 5, ["yaml", "yml", "json", "xlsx"])
        if "upload_errors" in st.session_state:
            name, error = st.session_state["upload_errors"]
            st.error(t("sidebar.upload_bad", lang(), file=plain(name)) + "\n\n" + "\n".join(f"- `{e}`" for e in error.localized(lang())))
        elif "upload_ok" in st.session_state:
            st.success(t("sidebar.upload_ok", lang(), name=plain(current_scenario().company.name),
                         file=plain(st.session_state["upload_ok"])))
            if pre_money := pre_money_safes(current_scenario()):
                st.info(t("captable.pre_money_safes", lang(), names=plain(t("captable.list_sep", lang()).join(pre_money))))
        return st.container()


def sidebar_footer(slot: DeltaGenerator) -> None:
    """The current scenario (as the page left it), its library link, unapplied what-ifs and its downloads."""
    scenario = current_scenario()
    with slot:
        st.caption(t("sidebar.current", lang(), name=plain(scenario.company.name), currency=scenario.company.currency))
        st.caption(status())
        moved = unapplied()
        on_pitch = sum(name.startswith("lever.pitch.") for name in moved)
        for page, title, count in (("views/funds.py", "nav.funds", len(moved) - on_pitch),
                                   ("views/pitch.py", "nav.pitch", on_pitch)):
            if count:
                st.warning(t("sidebar.unapplied", lang(), n=count, page=t(title, lang())), icon=":material/tune:")
                st.page_link(page, label=t(title, lang()), icon=":material/arrow_forward:")
        if not may_download():  # a private copy of a share link without downloads
            return
        stem = file_stem(scenario)
        st.caption(t("sidebar.download_title", lang()))
        left, middle, right = st.columns(3)
        left.download_button("YAML", while_open(functools.partial(dumps_scenario, scenario)), file_name=f"{stem}.yaml",  # on click
                             mime="application/x-yaml", key="download.yaml", help=t("sidebar.download", lang()))
        middle.download_button("JSON", while_open(functools.partial(dumps_scenario, scenario, "json")), file_name=f"{stem}.json",
                               mime="application/json", key="download.json", help=t("sidebar.download", lang()))
        language = lang()
        right.download_button("Excel", while_open(lambda: workbook(scenario, language)), file_name=f"{stem}.xlsx", key="download.xlsx",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              help=t("sidebar.download_excel", lang()))
        one_pager_buttons(scenario, stem)


def _one_pager(scenario: Scenario, language: str, paper: str, fmt: str) -> bytes:
    return onepager.render(onepager.build(scenario, language, paper), fmt)


def one_pager_buttons(scenario: Scenario, stem: str, where: str = "sidebar") -> None:
    """The one-pager of ``scenario`` as PDF and PNG, drawn when clicked (about 2 s), on the paper chosen in Pitch
    mode (``onepager.paper``); ``where`` keeps two sets of buttons apart (the sidebar's have short labels)."""
    language, paper = lang(), st.session_state.get("onepager.paper", "a4")
    if onepager.chromium() is None:
        st.caption(t("onepager.unavailable", language, error="chromium"))
        return
    if where == "sidebar":
        st.caption(t("onepager.title", language))
    for col, fmt in zip(st.columns(2), onepager.FORMATS, strict=True):
        label = fmt.upper() if where == "sidebar" else t(f"onepager.{fmt}", language)
        col.download_button(label, while_open(functools.partial(_one_pager, scenario, language, paper, fmt)),
                            file_name=f"{stem}-one-pager.{fmt}", mime=onepager.FORMATS[fmt],
                            key=f"{where}.onepager.{fmt}", width="stretch",
                            icon=":material/picture_as_pdf:" if fmt == "pdf" else ":material/image:")
