"""Risk lab: Monte Carlo survival odds, capital-winter stress tests and the tornado of drivers."""

import streamlit as st

from core.analysis.risk import (
    STRESSES,
    TORNADO_PATHS,
    check_work,
    future_rounds,
    growth_churn_pairs,
    growth_churn_rank,
    uncertain_inputs,
    with_growth_churn_rank,
    with_round_probability,
)
from core.i18n import t
from core.model import RoundRisk, ScenarioError
from core.present import charts
from core.present.report import metric_label, risk_kpis, risk_summary, rounds_frame, stress_frame, tornado_labels
from ui.cached import projection, risk, risk_stresses, risk_tornado
from ui.editor import change, field, rule_problems
from ui.session import current_scenario, lang, wkey
from ui.widgets import chart, kpi_cards, plain

scenario = current_scenario()
st.title(t("risk.title", lang()))


def _set_round_probability(name: str, widget: str) -> None:
    change({"risk.rounds": with_round_probability(current_scenario(), name, st.session_state[widget] / 100)})


def _set_growth_churn_rank(widget: str) -> None:
    change({"risk.correlations": with_growth_churn_rank(current_scenario(), st.session_state[widget])})


with st.expander(t("risk.settings", lang())):
    settings = scenario.risk
    left, middle, right = st.columns(3)
    with left:
        field("risk.paths", label_text=t("risk.paths", lang()))
    with middle:
        field("risk.seed", label_text=t("risk.seed", lang()))
    with right:
        field("risk.survival_month", label_text=t("risk.survival_month", lang()), slider=True)
    for k in future_rounds(scenario):
        name = scenario.funding[k].name
        widget = wkey(f"input.risk.rounds.{k}")
        st.slider(t("risk.round_probability", lang(), round=plain(name)), 0.0, 100.0,
                  round(100 * settings.rounds.get(name, RoundRisk()).probability, 6), 5.0, key=widget, format="%.0f%%",
                  on_change=_set_round_probability, args=(name, widget))
    if growth_churn_pairs(scenario):
        widget = wkey("input.risk.correlation")
        st.slider(t("risk.correlation", lang()), -0.9, 0.9, growth_churn_rank(scenario), 0.1, key=widget,
                  help=t("risk.correlation_help", lang()), on_change=_set_growth_churn_rank, args=(widget,))
    rule_problems("risk.rounds", "risk.correlations")

st.caption(t("risk.intro", lang(), paths=scenario.risk.paths, seed=scenario.risk.seed))


@st.fragment
def results() -> None:
    try:
        simulated()
    except ScenarioError as exc:  # over the work budget (say how many paths would do), or every heavy slot taken
        st.warning("\n".join(exc.localized(lang())))


def simulated() -> None:
    language = lang()  # bound now: a widget may format its options after the run
    stresses = tuple(st.pills(t("risk.stresses", lang()), STRESSES, selection_mode="multi", key=wkey("lever.stresses"),
                              format_func=lambda s: t(f"stress.{s}", language), help=t("risk.stresses_help", lang())))
    stresses = tuple(s for s in STRESSES if s in stresses)  # a stable order keeps the cache warm
    check_work(scenario, TORNADO_PATHS, 2 * len(uncertain_inputs(scenario)) + 1)
    result = risk(scenario, stresses)
    kpi_cards(risk_kpis(result, scenario, lang()))
    summary = st.empty()
    p = projection(scenario)
    chart(charts.cash_fan(result, p, lang=lang()))
    chart(charts.survival_curve(result, p, scenario.risk.survival_month, lang=lang()))
    hist_left, hist_right = st.columns(2)
    with hist_left:
        chart(charts.runway_histogram(result, lang=lang()))
    with hist_right:
        chart(charts.npv_histogram(result, scenario.company.currency, timing=scenario.settings.cash_flow_timing, lang=lang()))
    metric = st.selectbox(t("risk.metric", lang()), ["runway", "survival", "npv"], key=wkey("lever.metric"),
                          format_func=lambda m: metric_label(m, scenario, language), width=320)
    base, bars = risk_tornado(scenario, metric, stresses)
    summary.info(risk_summary(result, base, bars, metric, scenario, stresses, lang()))
    if bars:
        labels = tornado_labels(scenario, bars, lang())
        chart(charts.tornado_chart(base, bars, labels, metric_label(metric, scenario, lang()), lang=lang(),
                                   currency=scenario.company.currency if metric == "npv" else None))
    st.subheader(t("risk.stresses", lang()))
    if not stresses:
        st.caption(t("risk.no_stress", lang()))
    st.dataframe(stress_frame(risk_stresses(scenario, stresses), scenario, lang()), hide_index=True)
    if result.rounds:
        st.subheader(t("risk.rounds", lang()))
        st.dataframe(rounds_frame(result, scenario.company.start_date, lang()), hide_index=True)


results()
