"""Funds management: runway against a target, burn multiple, default alive, money not yet raised."""

import streamlit as st

from core.i18n import t
from core.present import charts
from ui.pillar import pillar_page
from ui.session import lang


def inputs(form, scenario):
    cur = scenario.company.currency
    left, right = st.columns(2)
    with left:
        form.number(t("input.runway_target", lang()), "strategy.runway_target_months",
                     scenario.strategy.runway_target_months, 6, 48, 1)
    with right:
        form.money(t("input.starting_cash", lang(), currency=cur), "company.starting_cash", scenario.company.starting_cash,
                   cur)
        form.money(t("input.general_admin", lang(), currency=cur), "opex.general_admin_per_month",
                   scenario.opex.general_admin_per_month, cur)


pillar_page("funds", inputs, lambda scenario, p: [charts.cash_balance(p, scenario.funding, lang=lang()),
                                                  charts.burn_breakdown(p, lang=lang())])
