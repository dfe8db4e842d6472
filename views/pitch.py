"""Pitch mode: big numbers, the cash curve, the revenue mix and the pillars, and four sliders to move live."""

import streamlit as st

from core.analysis.levers import Levers, apply_levers, next_round_index
from core.i18n import t
from core.present import charts
from core.present.report import headline, pillar_kpis
from ui.cached import projection, scorecard, summary
from ui.session import current_scenario, lang
from ui.widgets import chart, kpi_cards, plain

scenario = current_scenario()
st.title(t("pitch.title", lang(), name=plain(scenario.company.name)))
cols = st.columns(4)
has_round = next_round_index(scenario) is not None
delay = cols[0].slider(t("pitch.delay", lang()), -12, 24, 0, 1, key="lever.pitch.delay", disabled=not has_round)
growth = cols[1].slider(t("pitch.growth", lang()), -10.0, 10.0, 0.0, 0.5, key="lever.pitch.growth", format="%+.1f")
price = cols[2].slider(t("pitch.price", lang()), 0.5, 2.0, 1.0, 0.05, key="lever.pitch.price")
team = cols[3].slider(t("pitch.team", lang()), 0.5, 2.0, 1.0, 0.05, key="lever.pitch.team")
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
