"""Business-model innovation: diversification, recurring revenue, margin, LTV:CAC, pricing modes."""

import streamlit as st

from core.i18n import t
from core.present import charts
from ui.editor import field
from ui.pillar import pillar_page
from ui.session import lang
from ui.widgets import plain


def inputs(scenario):
    cur = scenario.company.currency
    left, right = st.columns(2)
    with left:
        field("ai_costs.support_share_of_revenue", label_text=t("input.support_share", lang()), slider=True)
        field("opex.marketing_per_month", label_text=t("input.marketing", lang(), currency=cur))
    with right:
        for i, stream in enumerate(scenario.streams):
            if stream.kind == "subscription":
                field(f"streams[{i}].churn_monthly", label_text=t("input.churn", lang(), stream=plain(stream.name)),
                      slider=True)


def figures(scenario, p):
    if not scenario.streams:
        return []
    return [charts.revenue_mix(p, lang=lang()), charts.revenue_share(p, lang=lang())]


pillar_page("business_model", inputs, figures)
