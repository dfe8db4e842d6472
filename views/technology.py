"""Technology innovation: R&D, serving cost, compression, verticals, model quality."""

import streamlit as st

from core.analysis.pillars import verticals
from core.i18n import t
from core.present import charts
from ui.pillar import pillar_page
from ui.session import lang

COMMON_VERTICALS = ["finance", "healthcare", "education", "retail", "e-commerce", "logistics", "manufacturing",
                    "legal", "customer service", "developer tools", "public sector", "media"]


def inputs(form, scenario):
    left, right = st.columns(2)
    with left:
        form.rating(t("input.model_quality", lang()), "strategy.model_quality", scenario.strategy.model_quality)
        form.percent(t("input.cost_decline", lang()), "ai_costs.cost_decline_yearly",
                     scenario.ai_costs.cost_decline_yearly, 0.0, 95.0, 5.0)
    with right:
        form.choices(t("input.verticals", lang()), "strategy.verticals", verticals(scenario), COMMON_VERTICALS)


pillar_page("technology", inputs, lambda scenario, p: [charts.serving_cost(p, lang=lang())])
