"""Technology innovation: R&D, serving cost, compression, verticals, model quality."""

import streamlit as st

from core.analysis.pillars import verticals
from core.i18n import t
from core.present import charts
from ui.editor import field
from ui.pillar import pillar_page
from ui.session import lang

COMMON_VERTICALS = ["finance", "healthcare", "education", "retail", "e-commerce", "logistics", "manufacturing",
                    "legal", "customer service", "developer tools", "public sector", "media"]


def inputs(scenario):
    left, right = st.columns(2)
    with left:
        field("strategy.model_quality", label_text=t("input.model_quality", lang()))
        field("ai_costs.cost_decline_yearly", label_text=t("input.cost_decline", lang()), slider=True)
    with right:
        field("strategy.verticals", label_text=t("input.verticals", lang()), options=[*COMMON_VERTICALS, *verticals(scenario)])


pillar_page("technology", inputs, lambda scenario, p: [charts.serving_cost(p, lang=lang())])
