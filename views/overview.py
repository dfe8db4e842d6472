"""Overview: the headline KPIs and the cash balance."""

import streamlit as st

from core.i18n import t
from core.present import charts
from core.present.report import details, headline, monthly_table, pillar_kpis, seed002_note
from ui.cached import projection, scorecard, summary
from ui.inputs import Inputs
from ui.session import current_scenario, lang
from ui.sidebar import file_stem
from ui.widgets import chart, kpi_cards, plain

scenario = current_scenario()
st.title(f"{t('overview.title', lang())} — {plain(scenario.company.name)}")
with st.expander(t("overview.valuation", lang())):
    form = Inputs()
    form.percent(t("overview.discount_rate", lang()), "settings.discount_rate_yearly", scenario.settings.discount_rate_yearly,
                 0.0, 150.0, 1.0, help=t("overview.discount_rate_help", lang()))
    form.select(t("overview.timing", lang()), "settings.cash_flow_timing", scenario.settings.cash_flow_timing,
                ["end", "start"], format_func={k: t(f"timing.{k}", lang()) for k in ("end", "start")}.get)
    scenario = form.apply(scenario)
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
    st.download_button(t("overview.download_csv", lang()), p.to_frame().to_csv(index=False),
                       file_name=f"{file_stem(scenario)}-monthly.csv", mime="text/csv")
