"""Statements: the profit and loss, the balance sheet and the cash-flow statement by month, quarter or year."""

import streamlit as st

from core.analysis.statements import PERIODS
from core.i18n import t
from core.present import charts
from core.present.statements import (
    STATEMENTS,
    TAX_RULES,
    balance_note,
    balanced,
    opening_note,
    statement_frame,
    tax_formula,
    timing_caption,
)
from ui.cached import statements
from ui.session import current_scenario, lang, wkey
from ui.widgets import chart, plain

scenario = current_scenario()
cur = scenario.company.currency
st.title(f"{t('nav.statements', lang())} — {plain(scenario.company.name)}")
st.caption(t("statement.intro", lang()))
st.caption(timing_caption(scenario, lang()))
books = statements(scenario)
if note := opening_note(books, cur, lang(), scenario.settings.history_months):
    st.caption(note)
names = {k: t(f"statement.period.{k}", lang()) for k in PERIODS}
period = st.radio(t("statement.period", lang()), PERIODS, horizontal=True, key=wkey("input.statement.period"),
                  format_func=names.__getitem__)
for statement in STATEMENTS:
    st.subheader(t(f"statement.{statement}", lang()))
    frame = statement_frame(books, statement, period, cur, lang())
    st.dataframe(frame, hide_index=True, height=35 * (len(frame) + 1) + 3,  # every line, the bottom line included
                 column_config={t("statement.col.line", lang()): st.column_config.TextColumn(pinned=True, width="large")})
    if statement == "balance":
        (st.success if balanced(books) else st.error)(balance_note(books, cur, lang()))
chart(charts.income_and_cash(books, cur, period, lang=lang()))
with st.expander(t("statement.tax.title", lang())):
    for rule in TAX_RULES:
        name = t(f"opt.tax.rule.{rule}", lang())
        st.markdown(f"**{t('statement.tax.yours', lang(), rule=name) if rule == scenario.tax.rule else name}**")
        st.code(tax_formula(rule, lang()), language=None, wrap_lines=True)
