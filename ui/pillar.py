"""The layout every pillar page shares: inputs, score, factor breakdown, moves, charts."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from core.analysis.pillars import what_would_move
from core.engine.projection import Projection
from core.i18n import t
from core.model import Scenario
from core.present import charts
from core.present.report import factor_table, moves_table
from ui.cached import moves, projection, scorecard
from ui.editor import rule_problems
from ui.session import current_scenario, lang
from ui.widgets import chart


def score_metrics(key: str, scenario: Scenario) -> None:
    """The pillar's score and the survival score, side by side."""
    card = scorecard(scenario)
    left, right = st.columns(2)
    left.metric(t("score.pillar", lang(), pillar=t(f"pillar.{key}", lang())),
                t("score.out_of", lang(), score=card.pillars[key].score))
    right.metric(t("score.survival", lang()), t("score.out_of", lang(), score=card.survival),
                 help=t("score.survival_help", lang()))


def pillar_page(key: str, inputs: Callable[[Scenario], None],
                figures: Callable[[Scenario, Projection], list[go.Figure | None]]) -> None:
    """Render the page of pillar ``key``: ``inputs`` draws its field widgets (:func:`ui.editor.field`), ``figures`` its charts."""
    scenario = current_scenario()
    st.title(t(f"pillar.{key}", lang()))
    st.caption(t(f"pillar.{key}.intro", lang()))
    scores = st.container()
    with st.expander(t("pillar.inputs", lang()), expanded=True):
        inputs(scenario)
        rule_problems()
    with scores:
        score_metrics(key, scenario)

    card = scorecard(scenario)
    st.subheader(t("pillar.factors", lang()))
    chart(charts.factor_scores(card.pillars[key], lang=lang()))
    table = factor_table(card.pillars[key], scenario.company.currency, lang())
    st.table(table.set_index(table.columns[0]))

    st.subheader(t("pillar.moves", lang()), help=t("pillar.moves_help", lang()))
    best = what_would_move(moves(scenario), key)
    if best:
        st.dataframe(moves_table(best, key, lang()), hide_index=True)
    else:
        st.info(t("pillar.no_moves", lang()))
    if card.runway_months >= scenario.settings.horizon_months:
        st.caption(t("pillar.runway_horizon", lang(), months=scenario.settings.horizon_months))

    for fig in figures(scenario, projection(scenario)):
        if fig is not None:
            chart(fig)
