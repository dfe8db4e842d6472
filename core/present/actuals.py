"""Plan vs actuals as a reader sees them: tables in the reader's units and language, the cash-gap waterfall and
the cash chart of plan, actuals and re-forecast."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import numpy as np
import plotly.graph_objects as go

from core.analysis.actuals import Fit, Trailing, Variance
from core.engine.projection import Projection
from core.i18n import t
from core.model import Misfit, Scenario, plan_months
from core.present import formatting as fmt
from core.present.charts import PALETTE, TEMPLATE
from core.present.formatting import month_text
from core.present.report import Kpi, data_frame, runway_text
from core.present.statements import label


def line_label(key: str, lang: str = "en") -> str:
    """``revenue:Team plan`` → "Revenue: Team plan"; ``payroll`` → "Payroll"."""
    if key.startswith("revenue:"):
        return t("actuals.line.revenue", lang, stream=key.split(":", 1)[1])
    return t(f"actuals.line.{key}", lang)


def _pct(actual: float, plan: float, lang: str) -> str:
    """The difference as a share of the plan: signed in English ("+5.0%"), a Chinese table signs only a shortfall."""
    if not plan or not math.isfinite(actual):
        return "—"
    share = fmt.rounded(100 * (actual - plan) / abs(plan), 1)
    return f"{share:.1f}%" if lang == "zh" else f"{share:+.1f}%"


MONEY_COLUMNS = ("plan", "actual", "diff")
"""The columns of a variance table in money."""


def _variance_frame(lead: Sequence[tuple[object, ...]], amounts: Sequence[tuple[float, float]], tail: Sequence[tuple[object, ...]],
                    currency: str, lang: str, columns: tuple[str, ...]):
    """A variance table, a row per (plan, actual) of ``amounts``: its ``lead`` cells, then plan, actual, the difference
    and %, then its ``tail`` cells; in Chinese plain numbers under headers naming the unit ("计划（万美元）")."""
    scale, unit = fmt.table_unit((x for pair in amounts for x in (*pair, pair[1] - pair[0])), currency, lang)

    def diff(value: float) -> str:
        return fmt.table_money(value, scale, currency, lang) if unit else ("+" if value > 0 else "") + fmt.money(value, currency, lang)

    cells = [(*first, fmt.table_money(p, scale, currency, lang), fmt.table_money(a, scale, currency, lang), diff(a - p),
              _pct(a, p, lang), *last) for first, (p, a), last in zip(lead, amounts, tail, strict=True)]
    names = [fmt.with_unit(t(f"actuals.col.{c}", lang), unit if c in MONEY_COLUMNS else "", lang) for c in columns]
    return data_frame(cells, columns=names)


def variance_summary(v: Variance, currency: str, lang: str = "en"):
    """One row per reported line over the reported months: plan, actual, difference and % (ending cash: at the
    last month)."""
    lead, amounts, tail = [], [], []
    for key, (plan, actual) in v.lines.items():
        seen = np.isfinite(actual)
        if not seen.any():
            continue
        if key == "ending_cash":
            amounts.append((float(plan[seen][-1]), float(actual[seen][-1])))
        else:
            amounts.append((float(plan[seen].sum()), float(actual[seen].sum())))
        lead.append((line_label(key, lang),))
        tail.append((int(seen.sum()),))
    return _variance_frame(lead, amounts, tail, currency, lang, ("line", "plan", "actual", "diff", "pct", "months"))


def variance_by_month(v: Variance, currency: str, lang: str = "en"):
    """Every reported line and month: plan, actual, difference and %."""
    lead, amounts = [], []
    for n, month in enumerate(v.months):
        for key, (plan, actual) in v.lines.items():
            if math.isfinite(actual[n]):
                lead.append((month_text(month, lang), line_label(key, lang)))
                amounts.append((float(plan[n]), float(actual[n])))
    return _variance_frame(lead, amounts, [()] * len(amounts), currency, lang, ("month", "line", "plan", "actual", "diff", "pct"))


def cash_waterfall(v: Variance, currency: str, lang: str = "en") -> go.Figure:
    """From the plan's cash to the actual cash at the last reported month: each line's effect, then what the
    reported lines do not explain (only when the actual cash is reported)."""
    names = [t("actuals.plan_cash", lang)] + [fmt.plot_text(line_label(k, lang)) for k in v.drivers]
    values = [v.plan_cash, *v.drivers.values()]
    measures = ["absolute"] + ["relative"] * len(v.drivers)
    if v.unexplained is not None:
        names.append(t("actuals.unexplained", lang))
        values.append(v.unexplained)
        measures.append("relative")
    names.append(t("actuals.actual_cash", lang) if v.actual_cash is not None else t("actuals.estimated_cash", lang))
    values.append(0.0)
    measures.append("total")
    fig = go.Figure(go.Waterfall(x=names, y=values, measure=measures, connector={"line": {"color": "#999999"}},
                                 increasing={"marker": {"color": PALETTE[4]}}, decreasing={"marker": {"color": PALETTE[2]}},
                                 totals={"marker": {"color": PALETTE[0]}},
                                 text=[fmt.money(x, currency, lang) for x in [*values[:-1], float(np.sum(values[:-1]))]]),
                    layout={"template": TEMPLATE})
    levels = np.cumsum(values[:-1])
    low, high = float(levels.min()), float(levels.max())
    pad = max(high - low, abs(high) * 0.02, 1.0) * 0.25
    fig.update_layout(title=t("actuals.waterfall.title", lang, month=month_text(v.months[-1], lang), currency=currency),
                      yaxis={"title": t("chart.cash.y", lang, currency=currency), "range": [low - pad, high + pad]},
                      showlegend=False)  # zoomed on the cash levels, so a driver of thousands shows against millions
    return fig


def cash_chart(plan: Projection, v: Variance, forecast: Projection | None, lang: str = "en") -> go.Figure:
    """The plan's month-end cash, the reported cash, and the re-forecast from the month after the last one."""
    fig = go.Figure(layout={"template": TEMPLATE})
    fig.add_scatter(x=plan.month_dates(), y=plan.cash[0], name=t("actuals.series.plan", lang),
                    line={"color": "#999999", "dash": "dash"})
    _, actual = v.lines["ending_cash"]
    seen = np.isfinite(actual)
    fig.add_scatter(x=[m for m, s in zip(v.months, seen, strict=True) if s], y=actual[seen], mode="lines+markers",
                    name=t("actuals.series.actual", lang), line={"color": PALETTE[1], "width": 3})
    if forecast is not None:
        fig.add_scatter(x=forecast.month_dates(), y=forecast.cash[0], name=t("actuals.series.forecast", lang),
                        line={"color": PALETTE[0], "width": 3})
    fig.add_hline(y=0, line={"color": PALETTE[2], "width": 1})
    fig.update_layout(title=t("actuals.cash.title", lang, currency=plan.currency), xaxis_title=t("chart.month", lang),
                      yaxis_title=t("chart.cash.y", lang, currency=plan.currency), hovermode="x unified")
    return fig


def trailing_kpis(on_actuals: Trailing, on_plan: Trailing, currency: str, lang: str = "en") -> list[Kpi]:
    """Runway, burn multiple and default alive over the last months, on actuals, each with the plan's figure."""
    def months(x: float) -> str:
        return t("actuals.runway_none", lang) if math.isinf(x) else runway_text(x, math.inf, lang)

    def alive(x: bool) -> str:
        return t("kpi.alive" if x else "kpi.dead", lang)

    n = on_actuals.months
    return [
        Kpi("net_burn", t("actuals.kpi.net_burn", lang, n=n), fmt.money(on_actuals.net_burn, currency, lang),
            t("actuals.kpi.plan", lang, value=fmt.money(on_plan.net_burn, currency, lang)), number=on_actuals.net_burn),
        Kpi("runway", t("actuals.kpi.runway", lang, n=n), months(on_actuals.runway),
            t("actuals.kpi.plan", lang, value=months(on_plan.runway))),
        Kpi("burn_multiple", t("actuals.kpi.burn_multiple", lang, n=n), fmt.ratio(on_actuals.burn_multiple, lang=lang),
            t("actuals.kpi.plan", lang, value=fmt.ratio(on_plan.burn_multiple, lang=lang)),
            t("actuals.kpi.burn_help", lang, n=n)),
        Kpi("default_alive", t("actuals.kpi.default_alive", lang, n=n), alive(on_actuals.default_alive),
            t("actuals.kpi.plan_pace", lang, value=alive(on_plan.default_alive)), t("actuals.kpi.default_alive_help", lang)),
    ]


def fits_table(fits: tuple[Fit, ...], lang: str = "en"):
    """Each recalibrated stream: planned and fitted revenue growth, actual / plan level, the growth field's
    planned and new value."""
    def pct(x: float | None) -> str:
        return "—" if x is None else fmt.percent(x)

    return data_frame([(f.stream, pct(f.planned_growth), pct(f.fitted_growth), fmt.ratio(f.level, lang=lang),
                    t(f"edit.streams.{f.field}", lang), pct(f.planned_value), pct(f.new_value)) for f in fits],
                  columns=[t(f"actuals.fit.{c}", lang) for c in ("stream", "planned", "fitted", "level", "field", "old", "new")])


def misfit_lines(wrong: Misfit, scenario: Scenario, lang: str = "en") -> list[str]:
    """What of some actuals ``scenario`` has no place for, one line per reason: the months before its first month,
    after its last, and the streams it does not have."""
    first, last = plan_months(scenario)
    lines = []
    if wrong.before:
        lines.append(t("actuals.misfit.before", lang, months=fmt.month_range(wrong.before[0], wrong.before[-1], lang),
                       first=month_text(first, lang)))
    if wrong.after:
        lines.append(t("actuals.misfit.after", lang, months=fmt.month_range(wrong.after[0], wrong.after[-1], lang),
                       last=month_text(last, lang), horizon=scenario.settings.horizon_months))
    if wrong.streams:
        lines.append(t("actuals.misfit.streams", lang, streams=t("join.list", lang).join(wrong.streams)))
    return lines


def balance_read(balance: dict[str, float], month: date, currency: str, lang: str = "en") -> str:
    """What a balance sheet gave for the last month, each line by its balance-sheet label and amount.

    >>> balance_read({"ending_cash": 2_450_000.5, "receivables": 118_000}, date(2026, 3, 1), "USD")
    'From the balance sheet, for 2026-03: Cash $2.45M; Accounts receivable $118.00k.'
    """
    names = {"ending_cash": "cash"}
    return t("books.balance_read", lang, month=month_text(month, lang), values=t("books.balance_sep", lang).join(
        f"{label('balance', names.get(key, key), lang)} {fmt.money(value, currency, lang)}" for key, value in balance.items()))


def cash_on(p: Projection, day: date, lang: str = "en") -> Kpi:
    """The month-end cash of a projection in the calendar month of ``day`` (a plan and its re-forecast compare on the
    same date; "—" when the projection does not reach it).

    >>> from core.engine.projection import project
    >>> from core.model import load_scenario
    >>> p = project(load_scenario("sample_data/seed002_nlp_project.yaml"))
    >>> cash_on(p, date(2026, 12, 1)).value == fmt.money(float(p.cash[0, 11]), p.currency)
    True
    """
    index = (day.year - p.start_date.year) * 12 + day.month - p.start_date.month
    value = fmt.money(float(p.cash[0, index]), p.currency, lang) if 0 <= index < p.months else "—"
    return Kpi("cash_on", t("actuals.kpi.cash_on", lang, month=month_text(day, lang)), value)
