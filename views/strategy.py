"""Strategy overview: the pillar radar, the survival score and its weights, the weakest factors."""

import streamlit as st

from core.i18n import t
from core.model import PILLARS
from core.present import charts
from core.present.report import moves_table, pillar_kpis, weakest_table
from ui.cached import moves, scorecard
from ui.editor import draft, field, rule_problems
from ui.sections import OPTIONAL_PILLARS, optional_pillar
from ui.session import current_scenario, lang
from ui.widgets import chart, kpi_cards

scenario = current_scenario()
st.title(t("strategy.title", lang()))
st.caption(t("strategy.intro", lang()))
cards = st.container()
left, right = st.columns([3, 2])
with right:
    st.subheader(t("strategy.weights", lang()), help=t("strategy.weights_help", lang()))
    scored = {part: draft().data["strategy"][part] is not None for part in OPTIONAL_PILLARS}
    for key in (k for k in PILLARS if scored.get(k, True)):  # a weight for a pillar not scored would move nothing
        field(f"strategy.pillar_weights.{key}", label_text=t(f"pillar.{key}", lang()), slider=True)
    st.subheader(t("strategy.optional", lang()))
    for part in OPTIONAL_PILLARS:
        if optional_pillar(part, t(f"strategy.use_{part}", lang())):
            for name in OPTIONAL_PILLARS[part].model_fields:
                field(f"strategy.{part}.{name}",
                      label_text=t("input.rating", lang(), name=t(f"factor.{part}.{name}", lang())))
    rule_problems()
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
