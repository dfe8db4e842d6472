"""Strategy overview: the pillar radar, the survival score and its weights, the weakest factors."""

import streamlit as st

from core.i18n import t
from core.model import PILLARS, Compliance, DataCapability
from core.present import charts
from core.present.report import moves_table, pillar_kpis, weakest_table
from ui.cached import moves, scorecard
from ui.inputs import Inputs
from ui.session import current_scenario, lang, wkey
from ui.widgets import chart, kpi_cards

scenario = current_scenario()
st.title(t("strategy.title", lang()))
st.caption(t("strategy.intro", lang()))
cards = st.container()
left, right = st.columns([3, 2])

form = Inputs()
with right:
    st.subheader(t("strategy.weights", lang()), help=t("strategy.weights_help", lang()))
    weights = scenario.strategy.pillar_weights
    optional = ("data", "compliance")  # scored only when switched on below (the toggle's value, read before it is drawn)
    scored = {key: st.session_state.get(wkey(f"input.use_{key}"), getattr(scenario.strategy, key) is not None)
              for key in optional}
    for key in (k for k in PILLARS if scored.get(k, True)):  # a weight for a pillar not scored would move nothing
        form.number(t(f"pillar.{key}", lang()), f"strategy.pillar_weights.{key}", getattr(weights, key), 0.0, 5.0, 0.25)
    st.subheader(t("strategy.optional", lang()))
    for key, default in zip(optional, (DataCapability(), Compliance()), strict=True):
        current = getattr(scenario.strategy, key)
        on = st.toggle(t(f"strategy.use_{key}", lang()), current is not None, key=wkey(f"input.use_{key}"))
        if on != (current is not None):
            form.updates[f"strategy.{key}"] = {} if on else None
        if on:
            for name, value in (current or default).model_dump().items():
                form.rating(t("input.rating", lang(), name=t(f"factor.{key}.{name}", lang())), f"strategy.{key}.{name}", value)
scenario = form.apply(scenario)
card = scorecard(scenario)

with cards:
    kpi_cards(pillar_kpis(card, lang()), per_row=len(card.pillars) + 1)
with left:
    chart(charts.pillar_radar(card, lang=lang()))
st.subheader(t("strategy.weakest", lang()), help=t("strategy.weakest_help", lang()))
st.dataframe(weakest_table(card, scenario.company.currency, lang()), hide_index=True)
st.subheader(t("strategy.moves", lang()), help=t("pillar.moves_help", lang()))
best = sorted((e for e in moves(scenario) if e.survival_delta >= 0.5), key=lambda e: -e.survival_delta)[:5]
if best:
    st.dataframe(moves_table(best, None, lang()), hide_index=True)
else:
    st.info(t("strategy.no_moves", lang()))
