"""The "What it would take" section of Funds & runway and Winter financing: pick a target, see every lever's answer
with what it costs, apply one (through the one setter, as any what-if)."""

from __future__ import annotations

import streamlit as st

from core.analysis.financing import default_terms
from core.analysis.solve import TARGETS, Row, Setup, Target
from core.i18n import t
from core.model import Scenario, ScenarioError
from core.present.months import month_labels
from core.present.solve import applicable, lever_value, side_by_side_frame, target_caption
from ui.cached import what_it_would_take
from ui.session import lang, set_scenario, wkey
from ui.widgets import reads, table

CHOSEN = "solve.chosen"
"""Session key: the last target the founder solved for (the Library's share form offers to show it)."""


def default_target(scenario: Scenario) -> Target:
    """The target a founder starts from: the runway the strategy aims for (within the plan)."""
    return Target("runway", min(scenario.strategy.runway_target_months, scenario.settings.horizon_months))


def chosen_target(scenario: Scenario) -> Target:
    """The target last solved for in this session, when it fits this scenario's plan, else the default."""
    chosen: Target | None = st.session_state.get(CHOSEN)
    if chosen is None:
        return default_target(scenario)
    try:
        chosen.check(scenario)
    except ValueError:  # a month beyond this plan
        return default_target(scenario)
    return chosen


def _month(label: str, scenario: Scenario, name: str, low: int, default: int) -> int:
    horizon = scenario.settings.horizon_months
    options = month_labels(scenario.company.start_date, low, horizon - 1, lang())
    return int(st.selectbox(label, list(options), index=min(max(default - low, 0), len(options) - 1),
                            format_func=options.__getitem__, key=wkey(name)))


def _target(scenario: Scenario, place: str) -> Target:
    """The target picker, starting from the target last solved for (kept through Apply and a language switch, which
    rebuild the widgets)."""
    horizon = scenario.settings.horizon_months
    last = chosen_target(scenario)
    months = last.months if last.kind in ("runway", "zero_cash_after", "break_even_by") else default_target(scenario).months
    names = {k: t(f"solve.option.{k}", lang()) for k in TARGETS}
    kind = st.selectbox(t("solve.target", lang()), TARGETS, format_func=names.__getitem__,
                        index=TARGETS.index(last.kind), key=wkey(f"lever.solve.{place}.kind"))
    if kind == "runway":
        return Target(kind, int(st.number_input(t("solve.runway_months", lang()), 1, horizon, max(months, 1), 1,
                                                key=wkey(f"lever.solve.{place}.months"))))
    if kind == "zero_cash_after":  # cash lasts through the month picked: it may run out from the next one
        return Target(kind, 1 + _month(t("solve.month", lang()), scenario, f"lever.solve.{place}.last", 0, months - 1))
    if kind == "break_even_by":
        return Target(kind, _month(t("solve.month", lang()), scenario, f"lever.solve.{place}.by", 0, months))
    if kind == "founders":
        share = round(100 * last.share) if last.kind == "founders" else 50
        return Target(kind, share=st.slider(t("solve.founders_share", lang()), 1, 100, share, 1,
                                            key=wkey(f"lever.solve.{place}.founders")) / 100)
    if kind == "odds":
        odds_months = last.months if last.kind == "odds" else min(scenario.risk.survival_month, horizon)
        share = round(100 * last.share) if last.kind == "odds" else 80
        chosen_months = st.number_input(t("solve.runway_months", lang()), 1, horizon, max(odds_months, 1), 1,
                                        key=wkey(f"lever.solve.{place}.odds_months"))
        odds = st.slider(t("solve.odds_share", lang()), 1, 99, min(max(share, 1), 99), 1,
                         key=wkey(f"lever.solve.{place}.odds"))
        return Target(kind, int(chosen_months), odds / 100)
    return Target(kind)


def _apply(scenario: Scenario, place: str) -> None:
    set_scenario(scenario, "apply")
    st.session_state[f"solve.{place}.applied"] = True


def _offer_apply(rows: list[Row], scenario: Scenario, place: str) -> None:
    """A picker of the answers that change the plan and reach the target, and the button that applies one."""
    answers = {r.answer.lever: r for r in rows if applicable(r.answer, scenario) and r.scenario is not None}
    if not answers:
        return
    names = {key: t("solve.pick", lang(), lever=t(f"solve.lever.{key}", lang()),
                    value=lever_value(key, r.answer.value or 0.0, scenario, lang())) for key, r in answers.items()}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    target = rows[0].answer.target  # a new target, a new picker: never a stale answer from the last one
    pick = left.selectbox(t("solve.apply_pick", lang()), list(names), format_func=names.__getitem__,
                          key=wkey(f"lever.solve.{place}.pick.{target.code}"))
    right.button(t("solve.apply", lang()), key=f"solve.{place}.apply", on_click=_apply,
                 args=(answers[pick].scenario, place))


def what_it_would_take_section(scenario: Scenario, place: str) -> None:
    """The section on page ``place`` ("funds", "financing"): the target, the bridge's cap, the side-by-side table
    (the odds target on request: it runs simulations), and "Apply"."""
    st.subheader(t("solve.title", lang()))
    st.caption(t("solve.intro", lang()))
    cur = scenario.company.currency
    left, right = st.columns(2)
    with left:
        target = _target(scenario, place)
    with right:
        cap = st.number_input(t("solve.bridge_cap", lang(), currency=cur), 1.0, 1e13,
                              float(round(default_terms(scenario).bridge_cap, -3) or 1e6), 1e5, format="%.0f",
                              key=wkey(f"lever.solve.{place}.cap"))
        reads(cap, currency=cur, language=lang())
    if st.session_state.pop(f"solve.{place}.applied", False):
        st.success(t("solve.applied", lang()))
    ran = f"solve.{place}.ran"
    if target.kind == "odds" and st.session_state.get(ran) != target:
        if not st.button(t("solve.run", lang()), key=f"solve.{place}.run", help=t("solve.run_help", lang())):
            return
        st.session_state[ran] = target
    st.session_state[CHOSEN] = target
    try:
        rows, today = what_it_would_take(scenario, target, Setup(bridge_cap=cap, bridge_name=t("solve.bridge_name", lang())))
    except ScenarioError as exc:
        st.error("\n".join(exc.localized(lang())))
        return
    st.caption(target_caption(target, scenario, lang()))
    table(side_by_side_frame(rows, today, scenario, lang()))
    _offer_apply(rows, scenario, place)
