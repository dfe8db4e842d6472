"""What it would take, as a founder reads it: the target in words, each lever's answer and its costs side by side.

A value is shown rounded towards the stronger change (a cut of 33.36 % reads 33.4 %), so what is shown still
reaches the target; an odds answer also names the range of lever values the Monte Carlo error allows.
"""

from __future__ import annotations

import math

from core.analysis.levers import next_round_index
from core.analysis.solve import Answer, Cost, Row, Target
from core.i18n import t
from core.model import Scenario
from core.present import formatting as fmt
from core.present.months import month_label
from core.present.report import data_frame, runway_text


def target_text(target: Target, scenario: Scenario, lang: str = "en") -> str:
    """The target in words: "cash lasts at least 18 months (through 2027-06)."."""
    start = scenario.company.start_date
    return t(f"solve.target.{target.kind}", lang, months=target.months, share=fmt.percent(target.share, 0),
             month=month_label(start, target.months, lang), last=month_label(start, max(target.months - 1, 0), lang))


def target_caption(target: Target, scenario: Scenario, lang: str = "en") -> str:
    """The target as the section states it: "Target: cash lasts at least 18 months (through 2027-06)."."""
    return t("solve.target_is", lang, target=target_text(target, scenario, lang))


def applicable(answer: Answer, scenario: Scenario) -> bool:
    """Whether an answer is a change to make (Apply): reached by a cut, a rise, a freeze, a bridge or a next round
    larger than planned; not a limit (the most money that keeps the founders' share), a tolerated delay, or a round
    smaller than planned (information, not a remedy)."""
    if answer.status != "reached" or answer.limit or answer.lever == "round_delay" or answer.value is None:
        return False
    k = next_round_index(scenario)
    return answer.lever != "next_round" or (k is not None and answer.value > scenario.funding[k].amount)


def _up(value: float, step: float) -> float:
    """``value`` rounded up to a multiple of ``step`` (float noise of a whole multiple kept)."""
    return math.ceil(value / step - 1e-9) * step


def lever_value(key: str, value: float, scenario: Scenario, lang: str = "en") -> str:
    """A lever's value in its unit, rounded towards the stronger change: "33.4 %", "×1.57", "from 2026-07"."""
    cur = scenario.company.currency
    if key in ("team_cut", "opex_cut", "ai_cut"):
        return fmt.percent(_up(value, 0.001))
    if key == "price":
        return t("solve.times", lang, factor=f"{_up(value, 0.01):.2f}")
    if key == "hiring_freeze":
        return t("solve.from_month", lang, month=month_label(scenario.company.start_date, int(value), lang))
    if key == "round_delay":
        return t("solve.months", lang, months=int(value))
    return fmt.money(_up(value, 1000) if value >= 1000 else value, cur, lang)


def _round_name(scenario: Scenario) -> str:
    k = next_round_index(scenario)
    return scenario.funding[k].name if k is not None else ""


def answer_text(answer: Answer, scenario: Scenario, lang: str = "en") -> str:
    """What it would take with one lever, in a sentence (or why it cannot say)."""
    key = answer.lever
    if answer.status == "not_applicable":
        return t(f"solve.reason.{answer.reason}", lang)
    if answer.status == "no_effect":
        return t("solve.no_effect", lang)
    if answer.status == "unreachable":
        assert answer.best is not None
        if key == "round_delay":
            return t("solve.unreachable_delay", lang, round=_round_name(scenario))
        return t("solve.unreachable", lang, best=lever_value(key, answer.best, scenario, lang))
    assert answer.value is not None
    if answer.status == "already":
        return t("solve.already", lang)
    which: str = "next_round_none" if key == "next_round" and answer.value == 0 else key  # reached without the round
    if answer.limit:
        which = "limit_none" if answer.value == 0 else f"{key}_limit"
    text = t(f"solve.answer.{which}", lang, value=lever_value(key, answer.value, scenario, lang),
             round=_round_name(scenario))
    notes = []
    if answer.boundary and which not in ("next_round_none", "limit_none"):  # no money at all: the bound is the point
        notes.append(t(f"solve.boundary.{'limit' if answer.limit else 'max' if key == 'round_delay' else 'min'}", lang))
    if not answer.monotone:
        notes.append(t("solve.not_monotone", lang))
    if answer.band is not None and answer.error and answer.band[0] != answer.band[1]:
        low, high = answer.band
        notes.append(t("solve.band", lang, error=f"{100 * answer.error:.1f}",
                       low="—" if low is None else lever_value(key, low, scenario, lang),
                       high="—" if high is None else lever_value(key, high, scenario, lang)))
    return t("join.sentences", lang).join([text, *notes])


def score_text(answer: Answer, scenario: Scenario, lang: str = "en") -> str:
    """The target's measure at the answer (or the best value): runway, odds, founders' share, capital still needed
    or the break-even month."""
    if answer.score is None:
        return "—"
    kind, horizon = answer.target.kind, scenario.settings.horizon_months
    if kind in ("odds", "founders"):
        return fmt.percent(answer.score)
    if kind in ("runway", "zero_cash_after"):  # whole months, as the runway column
        return runway_text(math.floor(answer.score), horizon, lang)
    if math.isinf(answer.score):
        return t("solve.never_breaks_even", lang)
    if kind == "default_alive":
        if answer.status in ("reached", "already"):
            return t("kpi.alive", lang)
        return t("solve.still_needs", lang, money=fmt.money(-answer.score, scenario.company.currency, lang))
    return t("solve.breaks_even", lang, month=month_label(scenario.company.start_date, int(-answer.score), lang))


def _cost_cells(cost: Cost | None, scenario: Scenario, lang: str) -> tuple[str, str, str, str]:
    if cost is None:
        return "—", "—", "—", "—"
    horizon, cur = scenario.settings.horizon_months, scenario.company.currency
    return (runway_text(cost.runway, horizon, lang), "—" if cost.founders is None else fmt.percent(cost.founders),
            fmt.money(cost.npv, cur, lang), f"{cost.survival:.0f}")


def side_by_side_frame(rows: list[Row], today: Cost, scenario: Scenario, lang: str = "en"):
    """One row per lever, the plan as it is first: what it would take, the target's measure there, and what it
    costs (runway, the founders' share after the next priced round, NPV, survival score)."""
    names = [t("solve.plan", lang)] + [t(f"solve.lever.{r.answer.lever}", lang) for r in rows]
    answers = ["—"] + [answer_text(r.answer, scenario, lang) for r in rows]
    cells = [_cost_cells(today, scenario, lang)] + [_cost_cells(r.cost, scenario, lang) for r in rows]
    return data_frame({
        t("solve.col.lever", lang): names,
        t("solve.col.answer", lang): answers,
        t("solve.col.measure", lang): ["—"] + [score_text(r.answer, scenario, lang) for r in rows],
        t("kpi.runway", lang): [c[0] for c in cells],
        t("financing.col.founders", lang): [c[1] for c in cells],
        t("solve.col.npv", lang): [c[2] for c in cells],
        t("solve.col.survival", lang): [c[3] for c in cells],
    })
