"""Winterproof entry point: the page list and the shared sidebar, nothing else."""

import streamlit as st

from core.i18n import t
from ui.share import shared_view
from ui.state import lang, sidebar

st.set_page_config(page_title="Winterproof", page_icon=":material/ac_unit:", layout="wide")
if "share" in st.query_params:  # an investor's link: that revision only, no controls that edit or save
    shared_view(st.query_params["share"])
    st.stop()
pages = {
    t("nav.section.plan", lang()): [
        st.Page("views/overview.py", title=t("nav.overview", lang()), icon=":material/dashboard:", url_path="overview",
                default=True),
        st.Page("views/funds.py", title=t("nav.funds", lang()), icon=":material/local_fire_department:", url_path="funds"),
        st.Page("views/revenue.py", title=t("nav.revenue", lang()), icon=":material/stacked_line_chart:", url_path="revenue"),
        st.Page("views/pricing.py", title=t("nav.pricing", lang()), icon=":material/sell:", url_path="pricing"),
        st.Page("views/risk.py", title=t("nav.risk", lang()), icon=":material/casino:", url_path="risk"),
    ],
    t("nav.section.share", lang()): [
        st.Page("views/library.py", title=t("nav.library", lang()), icon=":material/folder_open:", url_path="library"),
        st.Page("views/compare.py", title=t("nav.compare", lang()), icon=":material/compare_arrows:", url_path="compare"),
        st.Page("views/pitch.py", title=t("nav.pitch", lang()), icon=":material/present_to_all:", url_path="pitch"),
    ],
    t("nav.section.strategy", lang()): [
        st.Page("views/strategy.py", title=t("nav.strategy", lang()), icon=":material/radar:", url_path="strategy"),
        st.Page("views/technology.py", title=t("nav.technology", lang()), icon=":material/memory:", url_path="technology"),
        st.Page("views/business_model.py", title=t("nav.business_model", lang()), icon=":material/storefront:",
                url_path="business-model"),
        st.Page("views/funds_pillar.py", title=t("nav.funds_pillar", lang()), icon=":material/savings:",
                url_path="funds-management"),
        st.Page("views/market.py", title=t("nav.market", lang()), icon=":material/target:", url_path="market"),
    ],
}
navigation = st.navigation(pages, expanded=True)
if navigation.url_path == "pitch":  # a clean, full-width view for presenting
    st.set_page_config(initial_sidebar_state="collapsed")
sidebar()
navigation.run()
