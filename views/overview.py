"""Overview: the headline KPIs and the cash balance."""

import functools

import streamlit as st

from core.i18n import t
from core.present import charts
from core.present.report import details, headline, monthly_table, pillar_kpis, seed002_note
from core.storage.exports import csv_text
from ui.cached import projection, scorecard, summary
from ui.editor import field, rule_problems
from ui.session import current_scenario, lang, may_download
from ui.sidebar import file_stem
from ui.visit import while_open
from ui.widgets import chart, kpi_cards, plain

scenario = current_scenario()
st.title(f"{t('overview.title', lang())} — {plain(scenario.company.name)}")
with st.expander(t("overview.valuation", lang())):
    field("settings.discount_rate_yearly", label_text=t("overview.discount_rate", lang()), slider=True,
          help=t("overview.discount_rate_help", lang()))
    field("settings.cash_flow_timing", label_text=t("overview.timing", lang()))
    rule_problems()
p = projection(scenario)
s = summary(scenario)

kpi_cards([*headline(s, scenario, lang()), pillar_kpis(scorecard(scenario), lang())[0]])
if (note := seed002_note(p, s, scenario, lang())) is not None:
    st.info(note)
chart(charts.cash_balance(p, scenario.funding, lang=lang()))
with st.expander(t("overview.more", lang())):
    kpi_cards(details(s, scenario, lang()))
with st.expander(t("overview.table", lang())):
    st.dataframe(monthly_table(p, scenario.company.currency, lang()), hide_index=True)
    if may_download():
        st.download_button(t("overview.download_csv", lang()), while_open(functools.partial(csv_text, p.to_frame())),
                           file_name=f"{file_stem(scenario)}-monthly.csv", mime="text/csv")
