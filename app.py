"""Winterproof entry point: the page list and the shared sidebar, nothing else."""

import streamlit as st

from core.i18n import t
from ui.state import lang, sidebar

st.set_page_config(page_title="Winterproof", page_icon=":material/ac_unit:", layout="wide")
pages = [
    st.Page("views/overview.py", title=t("nav.overview", lang()), icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("views/funds.py", title=t("nav.funds", lang()), icon=":material/local_fire_department:", url_path="funds"),
    st.Page("views/revenue.py", title=t("nav.revenue", lang()), icon=":material/stacked_line_chart:", url_path="revenue"),
]
navigation = st.navigation(pages)
sidebar()
navigation.run()
