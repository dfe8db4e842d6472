"""The investor view of a share link: one saved revision, read-only, with the founder's numbers."""

from __future__ import annotations

import streamlit as st

from core.i18n import t
from core.model import Scenario, ScenarioError
from core.present import charts
from core.present.report import headline, pillar_kpis, risk_kpis, risk_summary
from ui.cached import projection, risk, risk_tornado, scorecard, store, summary
from ui.session import lang, set_scenario
from ui.sidebar import language_picker
from ui.widgets import chart, kpi_cards, plain


def _explore(scenario: Scenario) -> None:
    set_scenario(scenario)  # a copy in this session only; the shared revision is never touched
    st.query_params.clear()


def share_link(token: str) -> str:
    """The full address of a share link on this server."""
    base = (st.context.url or "").split("?")[0]
    return f"{base}?share={token}"


def shared_view(token: str) -> None:
    """Render the revision behind ``token``, or the same polite page for any link that does not work."""
    opened = store().open_share(token)
    if opened is None:
        st.title(t("share.invalid_title", lang()))
        st.info(t("share.invalid", lang()))
        return
    revision, link = opened
    st.session_state["guest"] = True  # this session saw a share link: it never reaches the library (ui.auth)
    if not st.session_state.get("lang_chosen"):  # the language the link was made in, unless the reader switched
        st.session_state["lang"] = link.lang
    language_picker()
    scenario = revision.scenario
    st.title(plain(scenario.company.name))
    st.caption(t("share.caption", lang(), name=plain(revision.name), number=revision.number,
                 date=revision.created_at.strftime("%Y-%m-%d"), expires=link.expires_at.strftime("%Y-%m-%d")))
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
        try:  # a scenario over the work budget shows why, and the page stays bounded
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
    st.button(t("share.explore", lang()), key="share.explore", on_click=_explore, args=(scenario,), type="primary",
              help=t("share.explore_help", lang()))
