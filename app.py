"""Winterproof entry point: the page list and the shared sidebar, nothing else."""

import streamlit as st

from core.i18n import t
from ui.state import lang, sidebar

st.set_page_config(page_title="Winterproof", page_icon="❄️", layout="wide")
pages = [
    st.Page("pages/overview.py", title=t("nav.overview", lang()), icon="📊", url_path="overview", default=True),
    st.Page("pages/funds.py", title=t("nav.funds", lang()), icon="🔥", url_path="funds"),
    st.Page("pages/revenue.py", title=t("nav.revenue", lang()), icon="💰", url_path="revenue"),
]
navigation = st.navigation(pages)
sidebar()
navigation.run()
