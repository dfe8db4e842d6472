"""Funds & runway: move the main drivers, see cash and burn redraw against the saved scenario."""

from dataclasses import replace

import streamlit as st

from core.analysis.levers import Levers, apply_levers, next_round_index
from core.i18n import t
from core.present import charts
from core.present.report import headline, round_lever_note, runway_change, tax_note
from ui.cached import projection, summary
from ui.session import current_scenario, kept_slider, lang, set_scenario
from ui.solve import what_it_would_take_section
from ui.widgets import chart, kpi_cards, plain, reads

scenario = current_scenario()
cur = scenario.company.currency
st.title(t("funds.title", lang()))
st.caption(t("funds.intro", lang()))

cash_now = scenario.company.starting_cash
left, right = st.columns(2)
with left:
    starting_cash = kept_slider(t("funds.starting_cash", lang(), currency=cur), "lever.starting_cash", 0.0,
                                max(4 * cash_now, 1e6), cash_now, max(cash_now, 1e6) / 100, format="localized")
    reads(starting_cash, currency=cur, language=lang())
    headcount = kept_slider(t("funds.headcount", lang()), "lever.headcount", 0.0, 3.0, 1.0, 0.05)
    cost_per_head = kept_slider(t("funds.cost_per_head", lang()), "lever.cost_per_head", 0.5, 2.0, 1.0, 0.05)
    growth_points = kept_slider(t("funds.growth", lang()), "lever.growth", -10.0, 10.0, 0.0, 0.5, format="%+.1f")
    churn = kept_slider(t("funds.churn", lang()), "lever.churn", 0.0, 3.0, 1.0, 0.05)
with right:
    price = kept_slider(t("funds.price", lang()), "lever.price", 0.25, 3.0, 1.0, 0.05)
    inference = kept_slider(t("funds.inference", lang()), "lever.inference", 0.1, 3.0, 1.0, 0.05)
    has_round = next_round_index(scenario) is not None
    delay = kept_slider(t("funds.round_delay", lang()), "lever.round_delay", -12, 24, 0, 1, disabled=not has_round)
    amount = kept_slider(t("funds.round_amount", lang()), "lever.round_amount", 0.0, 3.0, 1.0, 0.05,
                         disabled=not has_round)
    st.caption(plain(round_lever_note(scenario, lang())))
    if any(getattr(stream, "demand", None) is not None for stream in scenario.streams):
        st.caption(t("funds.demand", lang()))  # a higher price sells less here: say so beside the price lever

levers = Levers(starting_cash=starting_cash, headcount_factor=headcount, cost_per_head_factor=cost_per_head,
                growth_shift_monthly=growth_points / 100, churn_factor=churn, price_factor=price,
                inference_cost_factor=inference, round_delay_months=delay, round_amount_factor=amount)
adjusted = apply_levers(scenario, levers)
s_base, s_new = summary(scenario), summary(adjusted)

cards = [k for k in headline(s_new, adjusted, lang()) if k.key in ("runway", "zero_cash", "default_alive", "burn_multiple")]
cards[0] = replace(cards[0], note=runway_change(s_new.runway_months - s_base.runway_months, lang()))
kpi_cards(cards)
chart(charts.cash_balance(projection(adjusted), adjusted.funding, compare=projection(scenario), lang=lang()))
chart(charts.burn_breakdown(projection(adjusted), lang=lang()))
if note := tax_note(projection(adjusted), adjusted, lang()):
    st.caption(note)


def apply(new) -> None:
    set_scenario(new, "apply")
    st.session_state["funds.applied"] = True  # the button itself is disabled (nothing left to apply) after the rerun


st.button(t("funds.apply", lang()), key="funds.apply", on_click=apply, args=(adjusted,), disabled=adjusted == scenario)
if st.session_state.pop("funds.applied", False):
    st.success(t("funds.applied", lang()))

what_it_would_take_section(scenario, "funds")
