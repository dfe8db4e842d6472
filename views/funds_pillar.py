"""Funds management: runway against a target, burn multiple, default alive, money not yet raised."""

import streamlit as st

from core.i18n import t
from core.present import charts
from ui.editor import field
from ui.pillar import pillar_page
from ui.session import lang


def inputs(scenario):
    cur = scenario.company.currency
    left, right = st.columns(2)
    with left:
        field("strategy.runway_target_months", label_text=t("input.runway_target", lang()), slider=True)
    with right:
        field("company.starting_cash", label_text=t("input.starting_cash", lang(), currency=cur))
        field("opex.general_admin_per_month", label_text=t("input.general_admin", lang(), currency=cur))


pillar_page("funds", inputs, lambda scenario, p: [charts.cash_balance(p, scenario.funding, lang=lang()),
                                                  charts.burn_breakdown(p, lang=lang())])
