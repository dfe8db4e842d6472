"""Winterproof entry point: the page list and the shared sidebar, nothing else."""

import logging
import os
import uuid
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from core.i18n import t
from ui.auth import identity, refuse_unsafe_serving, sign_in_page, team_mode
from ui.cached import unreachable
from ui.editor import enter
from ui.links import forget_made_link
from ui.memory import keep_freed_heap
from ui.pages import navigation_pages
from ui.session import lang
from ui.share import link_gone, shared_view
from ui.sidebar import sidebar, sidebar_footer
from ui.unsaved import banners, keep, recover
from ui.visit import COPY, link_token, still_open
from ui.widgets import style

keep_freed_heap()  # once per process: Monte Carlo runs reuse freed heap instead of faulting it in again
# The icon is a file of this repository, served by the app: a material icon would make every browser ask a font CDN.
st.set_page_config(page_title="Winterproof", page_icon=Path(__file__).parent / "ui" / "icon.svg", layout="wide")
style()
refuse_unsafe_serving()  # beyond this machine only with a complete sign-in: never local mode by accident
token = link_token()  # an investor's link, read from the address once and kept in the session (ui.visit)
if token is not None and not st.session_state.get(COPY):  # that revision only, no controls that edit or save
    shared_view(token)
    st.stop()
if token is not None and still_open(token) is None:  # a private copy ends with its link (revoked, expired, deleted)
    link_gone()
    st.stop()
if identity() is None and team_mode() and not st.session_state.get("guest"):
    sign_in_page()
    st.stop()
navigation = st.navigation(navigation_pages(lang(), private=identity() is not None), expanded=True)
if navigation.url_path == "pitch":  # a clean, full-width view for presenting (views/pitch.py folds it on later visits)
    st.set_page_config(initial_sidebar_state="collapsed")
recover()  # a reload gives back the tab's unsaved work
slot = sidebar()
enter(navigation.url_path)  # another page: its field widgets are rebuilt from the draft
forget_made_link(navigation.url_path)  # a one-time share address is not shown again on a later visit
try:
    banners(navigation.url_path)
    navigation.run()
except StopException:  # a page that ends early (st.stop) still gets the sidebar's footer below
    pass
except SQLAlchemyError:  # the library went away during the page's own store call (a save, a share link)
    st.error(unreachable())
except Exception:  # no traceback ever reaches a user: an incident id on the page, the traceback in the server log
    if os.environ.get("WINTERPROOF_DEBUG"):  # the test suite sets it, so that a page that fails fails its test
        raise
    incident = uuid.uuid4().hex[:8]
    logging.getLogger("winterproof").exception("incident %s on %s", incident, navigation.url_path or "/")
    st.error(t("app.incident", lang(), id=incident))
finally:  # after the page, so that the name, the what-if notice and the downloads include its edits
    sidebar_footer(slot)
    keep()  # the tab's unsaved work, as the page left it
