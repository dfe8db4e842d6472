"""Revenue mix: revenue by stream over time, each stream's share, and concentration."""

import streamlit as st

from core.analysis.metrics import herfindahl, recurring_share
from core.i18n import t
from core.present import charts
from core.present import formatting as fmt
from core.present.report import stream_table
from ui.cached import projection
from ui.session import current_scenario, lang
from ui.widgets import chart

scenario = current_scenario()
st.title(t("revenue.title", lang()))
if not scenario.streams:
    st.info(t("revenue.none", lang()))
    st.stop()

p = projection(scenario)
left, right = st.columns(2)
left.metric(t("kpi.hhi", lang()), f"{herfindahl(p.stream_revenue)[0]:.2f}", help=t("revenue.hhi_help", lang()))
right.metric(t("revenue.recurring", lang()), fmt.percent(recurring_share(p)[0]))
chart(charts.revenue_mix(p, lang=lang()))
chart(charts.revenue_share(p, lang=lang()))
st.subheader(t("revenue.streams", lang()))
st.dataframe(stream_table(p, lang()), hide_index=True)
