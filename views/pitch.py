"""Pitch mode: big numbers, the cash curve, the revenue mix and the pillars, profit and cash by year, and four sliders to
move live."""

import streamlit as st

from core.analysis.levers import Levers, apply_levers, next_round_index
from core.i18n import t
from core.present import charts
from core.present.onepager import PAPERS
from core.present.report import headline, pillar_kpis
from core.present.statements import summary_frame
from ui.cached import projection, scorecard, statements, summary
from ui.session import current_scenario, kept_slider, lang, may_download, set_scenario
from ui.sidebar import file_stem, one_pager_buttons
from ui.widgets import chart, fold_sidebar, kpi_cards, plain

scenario = current_scenario()
fold_sidebar()
st.title(t("pitch.title", lang(), name=plain(scenario.company.name)))
cols = st.columns(4)
has_round = next_round_index(scenario) is not None
with cols[0]:
    delay = kept_slider(t("pitch.delay", lang()), "lever.pitch.delay", -12, 24, 0, 1, disabled=not has_round)
with cols[1]:
    growth = kept_slider(t("pitch.growth", lang()), "lever.pitch.growth", -10.0, 10.0, 0.0, 0.5, format="%+.1f")
with cols[2]:
    price = kept_slider(t("pitch.price", lang()), "lever.pitch.price", 0.5, 2.0, 1.0, 0.05)
with cols[3]:
    team = kept_slider(t("pitch.team", lang()), "lever.pitch.team", 0.5, 2.0, 1.0, 0.05)
shown = apply_levers(scenario, Levers(round_delay_months=delay, growth_shift_monthly=growth / 100, price_factor=price,
                                      headcount_factor=team))
s, card = summary(shown), scorecard(shown)
big = [k for k in headline(s, shown, lang()) if k.key in ("cash", "runway", "default_alive", "npv")]
kpi_cards([*big, pillar_kpis(card, lang())[0]], per_row=5)
p = projection(shown)
chart(charts.cash_balance(p, shown.funding, compare=projection(scenario) if shown != scenario else None, lang=lang()))
left, right = st.columns(2)
with left:
    if shown.streams:
        chart(charts.revenue_mix(p, lang=lang()))
with right:
    chart(charts.pillar_radar(card, lang=lang()))
st.subheader(t("statement.summary.title", lang()))
st.dataframe(summary_frame(statements(shown), shown.company.currency, lang()), hide_index=True)
st.caption(t("statement.summary.caption", lang()))
st.subheader(t("onepager.title", lang()))
left, right = st.columns([1, 2], vertical_alignment="bottom")
paper = left.segmented_control(t("onepager.paper", lang()), list(PAPERS), key="pitch.paper",
                               default=st.session_state.get("onepager.paper", "a4"),
                               format_func={k: t(f"onepager.paper.{k}", lang()) for k in PAPERS}.get)
st.session_state["onepager.paper"] = paper or "a4"  # kept for the sidebar's buttons on every page
with right:  # what the audience sees is what they take away: the levers as they stand
    if may_download():
        one_pager_buttons(shown, file_stem(scenario), where="pitch")
if shown != scenario:
    st.caption(t("pitch.onepager_levers", lang()))
    st.button(t("funds.apply", lang()), key="pitch.apply", on_click=set_scenario, args=(shown, "apply"))
