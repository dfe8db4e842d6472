"""Market positioning: market sizes, growth, differentiation, competition, customer concentration."""

import streamlit as st

from core.i18n import t
from core.present import charts
from ui.editor import field
from ui.pillar import pillar_page
from ui.session import lang


def inputs(scenario):
    cur = scenario.company.currency
    for col, size in zip(st.columns(3), ("tam", "sam", "som"), strict=True):
        with col:
            field(f"strategy.market.{size}_yearly", label_text=t(f"input.{size}", lang(), currency=cur))
    left, right = st.columns(2)
    with left:
        field("strategy.market.growth_yearly", label_text=t("input.market_growth", lang()), slider=True)
        field("strategy.market.top_customer_share", label_text=t("input.top_customer", lang()), slider=True)
        field("strategy.market.competition", label_text=t("input.competition", lang()))
    with right:
        field("strategy.differentiation.technology", label_text=t("input.diff_technology", lang()))
        field("strategy.differentiation.user_experience", label_text=t("input.diff_ux", lang()))
        field("strategy.differentiation.service", label_text=t("input.diff_service", lang()))


def figures(scenario, p):
    funnel = charts.market_funnel(scenario.strategy.market, p, lang=lang())
    if funnel is None:
        st.info(t("chart.funnel.none", lang()))
    return [funnel]


pillar_page("market", inputs, figures)
