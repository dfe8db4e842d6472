"""The investor view of a share link: one saved revision, read-only, with the founder's numbers."""

from __future__ import annotations

import time

import streamlit as st

from core.analysis.actuals import trailing_pair, variance
from core.analysis.captable import cap_table
from core.analysis.redemption import rights_of
from core.analysis.solve import Setup, Target
from core.i18n import t
from core.model import Actuals, Scenario, ScenarioError, misfit
from core.present import charts
from core.present.actuals import cash_waterfall, trailing_kpis, variance_summary
from core.present.financing import cap_table_frame, ownership_chart
from core.present.formatting import day_text, month_range
from core.present.redemption import right_sentences
from core.present.report import assumptions_table, headline, monthly_table, pillar_kpis, risk_kpis, risk_summary
from core.present.solve import side_by_side_frame, target_caption
from core.present.statements import summary_frame
from core.storage.store import StoreError
from ui.cached import (
    projection,
    risk,
    risk_tornado,
    scorecard,
    statements,
    store,
    summary,
    what_it_would_take,
    workbook,
)
from ui.session import DOWNLOADS, lang, set_scenario
from ui.sidebar import file_stem, language_picker
from ui.visit import COPY, PASSCODE, client, still_open, while_open
from ui.widgets import chart, kpi_cards, plain, table


def _explore(token: str) -> None:
    """Make the private copy of the link's revision, once the link is checked again (a revoked one copies nothing:
    the rerun shows that it no longer works)."""
    if (opened := still_open(token)) is not None:
        set_scenario(opened[0].scenario, source=("copy",))  # a copy in this session only; the shared revision is never touched
        st.session_state[COPY] = True


def link_gone() -> None:
    """The one polite page of a link that does not work: unknown, revoked, expired, or its scenario deleted."""
    st.title(t("share.invalid_title", lang()))
    st.info(t("share.invalid", lang()))


def _what_it_would_take(scenario: Scenario, target: Target, downloads: bool) -> None:
    """The founder's "What it would take" for ``target``, read-only (no "Apply"); nothing when it cannot be solved
    on this revision (a target beyond its plan, a simulation over the work budget)."""
    try:
        target.check(scenario)
        rows, today = what_it_would_take(scenario, target, Setup(bridge_name=t("solve.bridge_name", lang())))
    except (ScenarioError, ValueError):
        return
    with st.expander(t("solve.shared", lang()), expanded=True):
        st.caption(target_caption(target, scenario, lang()))
        table(side_by_side_frame(rows, today, scenario, lang()), downloads)


def _plan_vs_actual(scenario: Scenario, actuals: Actuals, downloads: bool) -> None:
    """What happened against the plan, read-only: the lines, the cash gap's drivers, the trailing metrics; the table
    exportable only when the link allows ``downloads``."""
    if misfit(actuals, scenario):  # actuals of another plan (a re-forecast saved over it): not shown, and no
        return                     # action on them: a link is read-only
    cur = scenario.company.currency
    v = variance(scenario, actuals, projection(scenario))
    with st.expander(t("share.actuals", lang(), span=month_range(actuals.first, actuals.last, lang())),
                     expanded=True):
        table(variance_summary(v, cur, lang()), downloads)
        chart(cash_waterfall(v, cur, lang()))
        kpi_cards(trailing_kpis(*trailing_pair(scenario, v), cur, lang()))


WRONG_DELAY = 1.0
"""Seconds a wrong passcode waits before it is answered (with the store's limits, guesses stay slow)."""


def _slow_down() -> None:
    """Answer a wrong passcode only after WRONG_DELAY."""
    time.sleep(WRONG_DELAY)


def _passcode_form(error: StoreError | None) -> None:
    """Ask for the link's passcode; a wrong one (``error``) says so and asks again."""
    language_picker()
    st.title(t("share.passcode_title", lang()))
    with st.form("share.passcode_form"):
        entered = st.text_input(t("share.passcode", lang()), type="password", max_chars=128)
        if st.form_submit_button(t("share.passcode_open", lang()), type="primary"):
            st.session_state[PASSCODE] = entered
            st.rerun()
    if error is not None:
        st.error(error.localized(lang()))


def shared_view(token: str) -> None:
    """Render the revision behind ``token`` (after its passcode, if it has one), or the same polite page for any
    link that does not work; every rerun asks the store again, so a link revoked meanwhile ends here too. One open is
    counted per browser session."""
    ss = st.session_state
    try:
        opened = store().open_share(token, passcode=ss.get(PASSCODE), record=ss.get("share.counted") != token,
                                    client=client())
    except StoreError as exc:  # the link asks for a passcode
        guessed = ss.pop(PASSCODE, None) is not None  # each guess is tried once, not again on every rerun
        if guessed and exc.code == "passcode":
            _slow_down()
        _passcode_form(exc if guessed or exc.code != "passcode" else None)
        return
    if opened is None:
        link_gone()
        return
    ss["share.counted"] = token
    revision, link = opened
    st.session_state["guest"] = True  # this session saw a share link: it never reaches the library (ui.auth)
    st.session_state[DOWNLOADS] = link.downloads  # nor any download the link does not allow, on its private copy too
    browser = (st.context.locale or "").lower()
    if not st.session_state.get("lang_chosen") and not browser.startswith(("zh", "en")):
        st.session_state["lang"] = link.lang  # the link's language when the reader's browser speaks neither
    scenario = revision.scenario
    title, picker = st.columns([5, 1], vertical_alignment="center")
    title.title(plain(scenario.company.name))
    with picker:  # small, beside the name, out of the way
        language_picker(compact=True)
    st.caption(t("share.caption", lang(), name=plain(revision.name), number=revision.number,
                 date=day_text(revision.created_at, lang()), expires=day_text(link.expires_at, lang())))
    if link.label:
        st.caption(t("share.prepared_for", lang(), label=plain(link.label)))
    if link.note:
        with st.container(border=True):
            st.markdown(f"**{t('library.note', lang())}**  \n" + plain(link.note).replace("\n", "  \n"))
    p = projection(scenario)
    card = scorecard(scenario)
    kpi_cards([*headline(summary(scenario), scenario, lang()), pillar_kpis(card, lang())[0]])
    chart(charts.cash_balance(p, scenario.funding, lang=lang()))
    if scenario.streams:
        chart(charts.revenue_mix(p, lang=lang()))
    left, right = st.columns(2)
    with left:
        chart(charts.pillar_radar(card, lang=lang()))
    with right:
        st.subheader(t("share.risk", lang()))
        try:  # a scenario over the work budget (or a busy server) shows why, and the page stays bounded
            result = risk(scenario)
            base, bars = risk_tornado(scenario, "runway")
        except ScenarioError as exc:
            st.warning("\n".join(exc.localized(lang())))
            result = None
        if result is not None:
            kpi_cards(risk_kpis(result, scenario, lang()), per_row=2)
            st.info(risk_summary(result, base, bars, "runway", scenario, (), lang()))
    if result is not None:
        chart(charts.cash_fan(result, p, lang=lang()))
    if link.actuals is not None:
        _plan_vs_actual(scenario, link.actuals, link.downloads)
    with st.expander(t("share.assumptions", lang()), expanded=True):
        table(assumptions_table(scenario, lang()), link.downloads)
    with st.expander(t("share.monthly", lang())):
        table(monthly_table(p, scenario.company.currency, lang()), link.downloads)
    try:
        owners = cap_table(scenario)
    except ScenarioError:  # a round the cap table cannot price: the rest of the view stands
        owners = None
    if owners is not None and (owners.steps or owners.stack):
        with st.expander(t("captable.title", lang())):
            table(cap_table_frame(owners, scenario.company.start_date, lang()), link.downloads)
            chart(ownership_chart(owners, scenario.company.start_date, lang()))
    if redemption_rights := right_sentences(rights_of(scenario), scenario, lang()):
        with st.expander(t("redemption.title", lang()), expanded=True):
            for sentence in redemption_rights:
                st.markdown(plain(sentence))
    if (target := Target.parse(link.target)) is not None:
        _what_it_would_take(scenario, target, link.downloads)
    st.subheader(t("statement.summary.title", lang()))
    table(summary_frame(statements(scenario), scenario.company.currency, lang()), link.downloads)
    st.caption(t("statement.summary.caption", lang()))
    if link.downloads:
        language = lang()
        st.download_button(t("share.download", lang()), while_open(lambda: workbook(scenario, language)),
                           file_name=f"{file_stem(scenario)}.xlsx", key="share.download", icon=":material/download:",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.button(t("share.explore", lang()), key="share.explore", on_click=_explore, args=(token,), type="primary",
              help=t("share.explore_help", lang()))
    st.caption(t("share.reopen", lang()))
