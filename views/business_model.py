"""Business-model innovation: diversification, recurring revenue, margin, LTV:CAC, pricing modes."""

import streamlit as st

from core.i18n import t
from core.present import charts
from ui.pillar import pillar_page
from ui.session import lang
from ui.widgets import plain


def inputs(form, scenario):
    cur = scenario.company.currency
    left, right = st.columns(2)
    with left:
        form.percent(t("input.support_share", lang()), "ai_costs.support_share_of_revenue",
                     scenario.ai_costs.support_share_of_revenue, 0.0, 50.0, 0.5)
        form.money(t("input.marketing", lang(), currency=cur), "opex.marketing_per_month", scenario.opex.marketing_per_month,
                   cur)
    with right:
        for i, stream in enumerate(scenario.streams):
            if stream.kind == "subscription":
                form.percent(t("input.churn", lang(), stream=plain(stream.name)), f"streams[{i}].churn_monthly",
                             stream.churn_monthly, 0.0, 20.0, 0.1)


def figures(scenario, p):
    if not scenario.streams:
        return []
    return [charts.revenue_mix(p, lang=lang()), charts.revenue_share(p, lang=lang())]


pillar_page("business_model", inputs, figures)
