"""Winter financing: the cap table round by round, the exit waterfall, and every way through the winter side by side."""

from dataclasses import replace

import streamlit as st

from core.analysis.captable import (
    FOUNDERS,
    POOL,
    NextRound,
    cap_table,
    next_round_guess,
    ownership,
    pool_use,
    pre_money_safes,
    stack_preview,
)
from core.analysis.financing import DEBT_GRACE, SOFT_GRACE, SOFT_MONTHS, default_terms
from core.analysis.redemption import redemption_rounds
from core.i18n import t
from core.model import ScenarioError
from core.present import formatting as fmt
from core.present.financing import (
    cap_table_frame,
    comparison_chart,
    comparison_frame,
    conversion_notes,
    outstanding_notes,
    ownership_chart,
    partner_notes,
    pool_notes,
    pro_rata_notes,
    stack_frame,
    waterfall_frame,
)
from core.present.redemption import coverage_notes, redemption_chart, rights_frame
from ui.cached import financing, redemption
from ui.session import current_scenario, lang, wkey
from ui.solve import what_it_would_take_section
from ui.widgets import chart, plain, reads

scenario = current_scenario()
cur = scenario.company.currency
st.title(t("financing.title", lang()))
st.caption(t("financing.intro", lang()))
try:
    table, unprotected = cap_table(scenario), cap_table(scenario, anti_dilution=False)
    on_top = cap_table(scenario, pro_rata="on_top")
except ScenarioError as exc:
    st.error("\n".join(exc.localized(lang())))
    st.stop()
if pre_money := pre_money_safes(scenario):
    st.info(t("captable.pre_money_safes", lang(), names=plain(t("captable.list_sep", lang()).join(pre_money))))

# --- who owns the company, round by round
st.subheader(t("captable.title", lang()))
if not table.steps and not table.stack:
    st.info(t("captable.no_round", lang()))
st.dataframe(cap_table_frame(table, scenario.company.start_date, lang()), hide_index=True, width="stretch")
chart(ownership_chart(table, scenario.company.start_date, lang()))
for note in conversion_notes(table, cur, lang()) + pro_rata_notes(table, on_top, lang()):
    st.caption(plain(note))
for step in table.steps:
    if step.down:
        st.warning(t("captable.down", lang(), name=plain(step.key), price=fmt.price(step.price, cur, lang())))
    elif step.anti_dilution:
        st.warning(t("captable.protected", lang(), name=plain(step.key), price=fmt.price(step.price, cur, lang()),
                     series=plain(t("captable.list_sep", lang()).join(step.anti_dilution))))
for note in outstanding_notes(table, scenario, lang()) + partner_notes(scenario, lang()):
    st.caption(plain(note))
pool_summary, pool_warning = pool_notes(pool_use(scenario, table), scenario.company.start_date, lang())
if pool_summary:
    st.caption(pool_summary)
if pool_warning:
    st.warning(pool_warning)
with_it, without = ownership(table.holders)[FOUNDERS], ownership(unprotected.holders)[FOUNDERS]
if abs(with_it - without) > 1e-9:
    st.info(t("captable.protection_cost", lang(), with_it=fmt.percent(with_it), without=fmt.percent(without)))

# --- the SAFE stack: what the SAFEs and notes outstanding would own after the next priced round
if table.stack:
    st.subheader(t("captable.stack.title", lang()))
    st.caption(t("captable.stack.intro", lang()))
    guess = next_round_guess(table)
    left, middle, right = st.columns(3)
    with left:
        amount = st.number_input(t("captable.stack.amount", lang(), currency=cur), 1.0, 1e13, round(guess.amount, -3),
                                 max(round(guess.amount / 20, -3), 1.0), key=wkey("lever.stack.amount"), format="%.0f")
        reads(amount, currency=cur, language=lang())
    with middle:
        pre = st.number_input(t("captable.stack.pre", lang(), currency=cur), 1.0, 1e13, round(guess.pre_money, -3),
                              max(round(guess.pre_money / 20, -3), 1.0), key=wkey("lever.stack.pre"), format="%.0f")
        reads(pre, currency=cur, language=lang())
    with right:
        pool = st.slider(t("captable.stack.pool", lang()), 0, 50, int(100 * guess.pool_target), 1, key=wkey("lever.stack.pool"))
    try:
        preview = stack_preview(scenario, NextRound(amount, pre, pool / 100))
    except ScenarioError as exc:
        st.error("\n".join(exc.localized(lang())))
    else:
        st.dataframe(stack_frame(preview, cur, lang()), hide_index=True, width="stretch")
        st.caption(t("captable.stack.founders", lang(), founders=fmt.percent(ownership(preview.holders)[FOUNDERS]),
                     today=fmt.percent(ownership(table.holders)[FOUNDERS]), price=fmt.price(preview.price, cur, lang())))

# --- the comparison, and the exit it reads
terms = default_terms(scenario)
st.subheader(t("financing.compare", lang()))
left, middle, right = st.columns(3)
with left:
    cut = st.slider(t("financing.cut", lang()), 5, 50, int(100 * terms.cut), 5, key=wkey("lever.financing.cut"))
    down = st.slider(t("financing.down", lang()), 5, 80, int(100 * terms.down), 5, key=wkey("lever.financing.down"))
with middle:
    bridge = st.slider(t("financing.bridge", lang(), currency=cur), 0.0, max(4 * terms.bridge, 1e5), terms.bridge,
                       max(terms.bridge, 1e5) / 40, key=wkey("lever.financing.bridge"), format="localized")
    reads(bridge, currency=cur, language=lang())
    cap = st.slider(t("financing.bridge_cap", lang(), currency=cur), 0.0, max(4 * terms.bridge_cap, 1e6), terms.bridge_cap,
                    max(terms.bridge_cap, 1e6) / 40, key=wkey("lever.financing.cap"), format="localized")
    reads(cap, currency=cur, language=lang())
with right:
    exit_value = st.slider(t("financing.exit", lang(), currency=cur), 0.0, max(5 * terms.exit_value, 1e6), terms.exit_value,
                           max(terms.exit_value, 1e6) / 50, key=wkey("lever.financing.exit"), format="localized")
    reads(exit_value, currency=cur, language=lang())
    debt_rate = st.slider(t("financing.debt_rate", lang()), 0, 30, int(100 * terms.debt_rate), 1,
                          key=wkey("lever.financing.rate"))
    soft_rate = st.slider(t("financing.soft_rate", lang()), 0.0, 10.0, 100 * terms.soft_rate, 0.5,
                          key=wkey("lever.financing.soft_rate"), format="%.1f")
chosen = replace(terms, cut=cut / 100, down=down / 100, bridge=bridge, bridge_cap=max(cap, 1.0), exit_value=exit_value,
                 debt_rate=debt_rate / 100, soft_rate=soft_rate / 100)
st.caption(t("financing.sizes", lang(), debt=fmt.money(chosen.debt, cur, lang()), months=chosen.debt_months,
             grace=DEBT_GRACE, soft_rate=fmt.percent(chosen.soft_rate), soft_grace=SOFT_GRACE, soft_months=SOFT_MONTHS,
             grant=fmt.money(chosen.grant, cur, lang())))
try:
    outcomes = financing(scenario, chosen)
except ScenarioError as exc:
    st.error("\n".join(exc.localized(lang())))
    st.stop()
st.dataframe(comparison_frame(outcomes, cur, lang()), hide_index=True, width="stretch")
chart(comparison_chart(outcomes, lang()))
st.subheader(t("captable.exit_title", lang(), value=fmt.money(exit_value, cur, lang())))
pool_shares = next((h.shares for h in table.holders if h.key == POOL), 0.0)
left, middle, right = st.columns(3)
with left:
    costs = st.slider(t("captable.exit_costs", lang()), 0.0, 10.0, 0.0, 0.5, key=wkey("lever.exit.costs"), format="%.1f")
with middle:
    exercised = st.number_input(t("captable.exercised", lang()), 0.0, max(pool_shares, 0.0), pool_shares, 1000.0,
                                key=wkey("lever.exit.exercised"), format="%.0f", disabled=not pool_shares,
                                help=t("captable.exercised.help" if pool_shares else "captable.no_pool", lang()))
with right:
    strike = st.number_input(t("captable.strike", lang(), currency=cur), 0.0, 1e6, 0.0, 0.01, key=wkey("lever.exit.strike"),
                             disabled=not pool_shares, help=None if pool_shares else t("captable.no_pool", lang()))
st.dataframe(waterfall_frame(table.holders, exit_value, cur, lang(), costs / 100, exercised, strike), hide_index=True,
             width="stretch")
if costs or strike:
    st.caption(t("captable.exit_note", lang(), costs=fmt.money(exit_value * costs / 100, cur, lang()),
                 net=fmt.money(exit_value * (1 - costs / 100), cur, lang())))

# --- what it would take, then redemption rights (回购权) when a round has them: the last section
what_it_would_take_section(scenario, "financing")

if redemption_rounds(scenario):
    st.subheader(t("redemption.title", lang()))
    st.caption(t("redemption.intro", lang()))
    rights = redemption(scenario)
    st.dataframe(rights_frame(rights, scenario, lang()), hide_index=True, width="stretch")
    chart(redemption_chart(rights, scenario, lang()))
    odds, short = coverage_notes(rights, scenario, lang())
    if short:
        st.warning(short)
    if odds:
        st.caption(odds)
