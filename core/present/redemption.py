"""Redemption rights (回购权) as a reader sees them: the table, the chart against the cash plan, the sentences."""

from __future__ import annotations

import plotly.graph_objects as go

from core.analysis.redemption import Redemption, Right
from core.engine.projection import month_date
from core.i18n import t
from core.model import Scenario
from core.present import formatting as fmt
from core.present.charts import PALETTE, TEMPLATE, _layout, money_axis
from core.present.months import month_label
from core.present.report import data_frame


def _covered(plan: Redemption, x: Right, currency: str, lang: str) -> str:
    """Whether the cash at the right's month covers everything owed by then, and by how much it falls short."""
    if not x.within:
        return t("redemption.beyond", lang)
    if plan.covered[x.month]:
        return t("redemption.yes", lang)
    return t("redemption.no", lang, short=fmt.money(plan.total[x.month] - plan.cash[x.month], currency, lang))


def rights_frame(plan: Redemption, scenario: Scenario, lang: str = "en"):
    """One row per right: the money, its simple interest a year, the calendar month it can be exercised from, what it
    and all rights owe then, the projected cash then and whether it covers that (money in the scenario currency)."""
    cur, start = scenario.company.currency, scenario.company.start_date

    def then(values, x: Right) -> str:
        return fmt.money(values[x.month], cur, lang) if x.within else "—"

    rights = plan.rights
    return data_frame({
        t("redemption.col.round", lang): [x.name for x in rights],
        t("redemption.col.amount", lang): [fmt.money(x.amount, cur, lang) for x in rights],
        t("redemption.col.rate", lang): [fmt.percent(x.rate_yearly) for x in rights],
        t("redemption.col.from", lang): [month_label(start, x.month, lang) for x in rights],
        t("redemption.col.owed", lang): [fmt.money(x.owed_then, cur, lang) for x in rights],
        t("redemption.col.total", lang): [then(plan.total, x) for x in rights],
        t("redemption.col.cash", lang): [then(plan.cash, x) for x in rights],
        t("redemption.col.covered", lang): [_covered(plan, x, cur, lang) for x in rights],
    })


def redemption_chart(plan: Redemption, scenario: Scenario, lang: str = "en") -> go.Figure:
    """Projected month-end cash against what redemption would have cost by each month (every right exercised in its
    first month), and what the rights not yet exercisable have accrued, by calendar month (money)."""
    cur, start = scenario.company.currency, scenario.company.start_date
    dates = [month_date(start, m) for m in range(len(plan.cash))]
    fig = go.Figure(layout={"template": TEMPLATE})
    fig.add_scatter(x=dates, y=plan.cash, name=t("redemption.chart.cash", lang), line={"color": PALETTE[0], "width": 3})
    fig.add_scatter(x=dates, y=plan.total, name=t("redemption.chart.owed", lang), line={"color": PALETTE[2], "shape": "hv"})
    if plan.accruing.any():
        fig.add_scatter(x=dates, y=plan.accruing, name=t("redemption.chart.accruing", lang),
                        line={"color": "#999999", "dash": "dot"})
    fig = _layout(fig, t("redemption.chart.title", lang, currency=cur), t("redemption.chart.y", lang, currency=cur), lang)
    return money_axis(fig, "y", cur, lang)


def right_sentences(rights: tuple[Right, ...], scenario: Scenario, lang: str = "en") -> list[str]:
    """One sentence per right (:func:`core.analysis.redemption.rights_of`): from when its investors may demand what,
    and what that is then."""
    cur, start = scenario.company.currency, scenario.company.start_date
    return [t("redemption.sentence", lang, name=x.name, month=month_label(start, x.month, lang),
              amount=fmt.money(x.amount, cur, lang), rate=fmt.percent(x.rate_yearly), owed=fmt.money(x.owed_then, cur, lang))
            + ("" if x.within else t("redemption.after_plan", lang)) for x in rights]


def coverage_notes(plan: Redemption, scenario: Scenario, lang: str = "en") -> tuple[str | None, str | None]:
    """(the Monte Carlo odds that cash covers what is owed in the first month a right can be exercised — or, when
    every right comes after the plan, that it is not checked — and a warning naming the first month the projected
    cash does not cover it and the shortfall), None where nothing to say."""
    start = scenario.company.start_date
    due, month = plan.first_due, plan.uncovered
    odds = None if plan.odds is None or due is None else t(
        "redemption.odds", lang, month=month_label(start, due, lang), odds=fmt.percent(plan.odds, 0),
        paths=f"{scenario.risk.paths:,}")
    if due is None and plan.rights and not any(r.within for r in plan.rights):
        odds = t("redemption.all_beyond", lang, month=month_label(start, min(r.month for r in plan.rights), lang))
    warning = None if month is None else t(
        "redemption.short", lang, month=month_label(start, month, lang),
        short=fmt.money(plan.shortfall, scenario.company.currency, lang))
    return odds, warning
