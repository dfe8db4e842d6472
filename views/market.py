"""Market positioning: market sizes, growth, differentiation, competition, customer concentration."""

import streamlit as st

from core.i18n import t
from core.present import charts
from ui.pillar import pillar_page
from ui.session import lang


def inputs(form, scenario):
    cur = scenario.company.currency
    market, diff = scenario.strategy.market, scenario.strategy.differentiation
    for col, size in zip(st.columns(3), ("tam", "sam", "som"), strict=True):
        with col:
            form.money(t(f"input.{size}", lang(), currency=cur), f"strategy.market.{size}_yearly",
                       getattr(market, f"{size}_yearly"), cur, optional=True)
    left, right = st.columns(2)
    with left:
        form.percent(t("input.market_growth", lang()), "strategy.market.growth_yearly", market.growth_yearly, -50.0, 200.0, 5.0)
        form.percent(t("input.top_customer", lang()), "strategy.market.top_customer_share", market.top_customer_share,
                     0.0, 100.0, 1.0)
        form.rating(t("input.competition", lang()), "strategy.market.competition", market.competition)
    with right:
        form.rating(t("input.diff_technology", lang()), "strategy.differentiation.technology", diff.technology)
        form.rating(t("input.diff_ux", lang()), "strategy.differentiation.user_experience", diff.user_experience)
        form.rating(t("input.diff_service", lang()), "strategy.differentiation.service", diff.service)


def figures(scenario, p):
    funnel = charts.market_funnel(scenario.strategy.market, p, lang=lang())
    if funnel is None:
        st.info(t("chart.funnel.none", lang()))
    return [funnel]


pillar_page("market", inputs, figures)
