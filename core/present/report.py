"""Headline figures as labelled, formatted values: what the Overview cards and the CLI show."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from core.analysis.levers import next_round_index
from core.analysis.metrics import YEAR, Summary, stream_shares
from core.analysis.pillars import Factor, MoveEffect, PillarScore, Scorecard, weakest
from core.analysis.pricing import PriceCurve, PriceResult, TierResult
from core.analysis.risk import RiskResult, StressRow, TornadoBar
from core.engine.projection import Projection, month_date
from core.i18n import STRINGS, currency_unit, t
from core.model import (
    BILLING_FIELDS,
    GROWTH_FIELDS,
    SPECS,
    Round,
    Scenario,
    Tax,
    Vat,
    field_value,
    generic,
    parse_path,
    spec,
    stream_fields,
)
from core.present import formatting as fmt
from core.present.formatting import month_text
from core.present.months import month_label, month_number, plan_month

if TYPE_CHECKING:
    import pandas as pd


def data_frame(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """``pandas.DataFrame(...)``, importing pandas on first use (~0.2 s of a cold start)."""
    import pandas as pd

    return pd.DataFrame(*args, **kwargs)


@dataclass(frozen=True)
class Kpi:
    """A headline figure as a reader sees it: ``value`` already formatted in its unit (money in the
    reader's units, months, %, ×), ``note`` a short qualifier, ``help`` the definition."""

    key: str
    label: str
    value: str
    note: str = ""
    help: str = ""
    number: float | None = None
    """The figure as a number in its unit (money in the currency, months, a decimal share, a ratio), for
    spreadsheets; None where the card is not a number (a date, alive/dead, undefined)."""


def runway_text(months: float, horizon: float, lang: str = "en") -> str:
    """A runway as every page writes it: one decimal with its unit, or a lower bound when cash outlasts the
    ``horizon`` (months).

    >>> runway_text(14, 60), runway_text(7.25, 60, "zh"), runway_text(60, 60), runway_text(60.0, 60, "zh"), runway_text(14, 60, "zh")
    ('14.0 months', '7.2个月', '> 60 months', '60个月以上', '14个月')
    """
    if math.isnan(months):
        return "—"
    if months >= horizon:
        return t("kpi.runway_full", lang, months=horizon)
    return t("kpi.runway_value", lang, months=fmt.number(months, 1, lang))


def headline(summary: Summary, scenario: Scenario, lang: str = "en") -> list[Kpi]:
    """The KPI cards of the Overview, in order."""
    cur = scenario.company.currency
    horizon = scenario.settings.horizon_months
    start = scenario.company.start_date
    runway = runway_text(summary.runway_months, horizon, lang)
    be, be_note = ("—", "") if summary.break_even_month is None else (  # the date, its month index below it
        month_text(month_date(start, summary.break_even_month), lang),
        t("kpi.break_even_note", lang, month=month_number(summary.break_even_month, lang)))
    if summary.default_alive:
        alive_note = ""
    elif summary.break_even_month is None:
        alive_note = t("kpi.shortfall_no_break_even", lang, amount=fmt.money(summary.capital_needed, cur, lang), months=horizon)
    else:
        alive_note = t("kpi.capital_needed", lang, amount=fmt.money(summary.capital_needed, cur, lang))
    burn_note = t(f"grade.{summary.burn_multiple_grade}", lang) if summary.burn_multiple_state != "no_arr_added" else t(
        "grade.no_arr_added", lang)
    return [
        Kpi("cash", t("kpi.cash", lang), fmt.money(summary.cash_now, cur, lang), number=summary.cash_now),
        Kpi("runway", t("kpi.runway", lang), runway, help=t("kpi.runway_help", lang), number=summary.runway_months),
        Kpi("zero_cash", t("kpi.zero_cash", lang),
            month_text(summary.zero_cash_date, lang) if summary.zero_cash_date else t(
                "kpi.zero_cash_after", lang, date=month_text(month_date(start, horizon - 1), lang)),
            help=t("kpi.runway_help", lang)),
        Kpi("break_even", t("kpi.break_even", lang), be, be_note, number=summary.break_even_month),
        Kpi("default_alive", t("kpi.default_alive", lang),
            t("kpi.alive", lang) if summary.default_alive else t("kpi.dead", lang), alive_note, t("kpi.alive_help", lang)),
        Kpi("burn_multiple", t("kpi.burn_multiple", lang), fmt.ratio(summary.burn_multiple, lang=lang), burn_note, t("kpi.burn_help", lang),
            _finite(summary.burn_multiple)),
        Kpi("npv", npv_label(scenario, lang), fmt.money(summary.npv, cur, lang), "", t(f"kpi.npv_help.{summary.cash_flow_timing}", lang),
            summary.npv),
    ]


def pitch_kpis(p: Projection, summary: Summary, scenario: Scenario, lang: str = "en") -> list[Kpi]:
    """What an investor asks next (the one-pager's second row): MRR and ARR today → at the end of year 1, the
    gross margin, the ask and the team today."""
    cur = scenario.company.currency
    end = min(YEAR, p.months) - 1
    recurring = [Kpi(key, t(f"kpi.{key}_year1", lang), f"{fmt.money(row[0, 0], cur, lang)} → {fmt.money(row[0, end], cur, lang)}",
                     number=float(row[0, end])) for key, row in (("mrr", p.mrr), ("arr", p.arr))]
    margin = next(k for k in details(summary, scenario, lang) if k.key == "gross_margin")
    heads = float(p.headcount[0, 0])
    team = Kpi("team", t("kpi.team", lang), t("kpi.team_value", lang, n=f"{heads:,g}"), number=heads)
    return [*recurring, margin, ask_kpi(scenario, lang), team]


def ask_kpi(scenario: Scenario, lang: str = "en") -> Kpi:
    """The ask: the next priced (equity) round, the one the round levers move — its name, amount and calendar
    month; a dash without one."""
    k = next_round_index(scenario)
    if k is None or scenario.funding[k].kind != "equity":
        return Kpi("ask", t("kpi.ask", lang), "—", t("kpi.ask_none", lang))
    ask = scenario.funding[k]
    month = month_label(scenario.company.start_date, ask.month, lang)
    return Kpi("ask", t("kpi.ask", lang), t("kpi.ask_value", lang, name=ask.name, month=month,
                                            amount=fmt.money(ask.amount, scenario.company.currency, lang)),
               number=ask.amount)


def runway_change(months: float, lang: str = "en") -> str:
    """How many months longer or shorter the runway is than the saved scenario's (the Funds page's card).

    >>> runway_change(3), runway_change(-2), runway_change(0), runway_change(3, "zh"), runway_change(-2, "zh"), runway_change(0, "zh")
    ('+3 months vs saved', '-2 months vs saved', '+0 months vs saved', '比已保存多3个月', '比已保存少2个月', '与已保存相同')
    """
    key = "funds.runway_more" if months > 0 else "funds.runway_less" if months < 0 else "funds.runway_same"
    return t(key, lang, delta=f"{abs(months):g}")


def round_lever_note(scenario: Scenario, lang: str = "en") -> str:
    """Which round the "next round" levers move (its name and month), or that there is none."""
    k = next_round_index(scenario)
    if k is None:
        return t("funds.no_round", lang)
    moved = scenario.funding[k]
    return t("funds.round_moves", lang, name=moved.name, month=plan_month(scenario.company.start_date, moved.month, lang))


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def npv_label(scenario: Scenario, lang: str = "en") -> str:
    """"NPV at 60%/yr, month-end flows": the rate and the cash-flow timing every NPV figure needs."""
    settings = scenario.settings
    return t("kpi.npv", lang, rate=fmt.percent(settings.discount_rate_yearly, 0),
             timing=t(f"timing.{settings.cash_flow_timing}", lang))


def npv_value(npv: float, scenario: Scenario, lang: str = "en") -> str:
    """An NPV with the rate and timing it was computed at, for a row already named NPV (no bracket inside a bracket)."""
    settings = scenario.settings
    return t("compare.npv_value", lang, amount=fmt.money(npv, scenario.company.currency, lang),
             rate=fmt.percent(settings.discount_rate_yearly, 0), timing=t(f"timing.{settings.cash_flow_timing}", lang))


def irr_kpi(summary: Summary, lang: str = "en") -> Kpi:
    """The IRR card: the rate where one is meaningful, and a note saying why not or which root."""
    irr = summary.irr
    shown = fmt.percent(irr.rate_yearly) if irr.status in ("ok", "several") else "—"
    rates = t("join.list", lang).join(fmt.percent(r) for r in irr.rates_yearly)
    note = "" if irr.status == "ok" else t(f"kpi.irr.{irr.status}", lang, rates=rates)
    return Kpi("irr", t("kpi.irr", lang), shown, note, t("kpi.irr_help", lang),
               irr.rate_yearly if irr.status in ("ok", "several") else None)


def details(summary: Summary, scenario: Scenario, lang: str = "en") -> list[Kpi]:
    """The secondary metrics (Overview's "more metrics", the CLI)."""
    cur = scenario.company.currency
    years = scenario.settings.horizon_months / 12
    rows = [
        Kpi("gross_margin", t("kpi.gross_margin", lang), fmt.percent(summary.gross_margin), number=_finite(summary.gross_margin)),
        irr_kpi(summary, lang),
        Kpi("payback", t("kpi.payback", lang), *(("—", "") if summary.payback_month is None else (
            plan_month(scenario.company.start_date, summary.payback_month, lang),
            t("kpi.break_even_note", lang, month=month_number(summary.payback_month, lang)) if lang == "zh" else "")),
            number=summary.payback_month),
        Kpi("peak_need", t("kpi.peak_need", lang), fmt.money(summary.peak_funding_need, cur, lang), number=summary.peak_funding_need),
        Kpi("rule_of_40", t("kpi.rule_of_40", lang), *(("—", t("kpi.no_revenue", lang)) if math.isnan(summary.rule_of_40)
                                                        else (t("kpi.rule_of_40_value", lang, value=summary.rule_of_40), "")),
            number=_finite(summary.rule_of_40)),
        Kpi("hhi", t("kpi.hhi", lang), f"{summary.herfindahl:.2f}", number=_finite(summary.herfindahl)),
        Kpi("return_on_cost", t("kpi.return_on_cost", lang),
            t("kpi.return_on_cost_value", lang, total=fmt.percent(summary.return_on_cost), years=years,
              yearly=fmt.percent(summary.return_on_cost_yearly)), number=_finite(summary.return_on_cost)),
    ]
    ue = summary.unit_economics
    if ue is not None:
        rows.append(Kpi("ltv_cac", t("kpi.ltv_cac", lang), fmt.ratio(ue.ltv_to_cac, lang=lang), number=_finite(ue.ltv_to_cac)))
        rows.append(Kpi("cac_payback", t("kpi.cac_payback", lang),
                        "—" if ue.cac_payback_months is None
                        else t("kpi.months_short", lang, months=fmt.number(ue.cac_payback_months, 1, lang)),
                        number=ue.cac_payback_months))
    return rows


def seed002_note(p: Projection, summary: Summary, scenario: Scenario, lang: str = "en") -> str | None:
    """Why seed essay 002's "100 % annualised return" is wrong, with this scenario's correct figures (return on
    cost over the horizon and per year, IRR, NPV with its rate and timing); None unless the scenario asks for it
    (``settings.capital_return_note``)."""
    if not scenario.settings.capital_return_note:
        return None
    cur, irr = scenario.company.currency, summary.irr
    cost = float(p.cost_of_revenue[0].sum() + p.opex_total[0].sum())  # as return_on_cost counts it
    return t("overview.seed002", lang, revenue=fmt.money(float(p.revenue[0].sum()), cur, lang), cost=fmt.money(cost, cur, lang),
             total=fmt.percent(summary.return_on_cost), years=scenario.settings.horizon_months / YEAR,
             yearly=fmt.percent(summary.return_on_cost_yearly),
             irr=fmt.percent(irr.rate_yearly) if irr.status in ("ok", "several") else "—",
             rate=fmt.percent(scenario.settings.discount_rate_yearly, 0), timing=t(f"timing.{summary.cash_flow_timing}", lang),
             npv=fmt.money(summary.npv, cur, lang))


def stream_table(p: Projection, lang: str = "en") -> pd.DataFrame:
    """One row per stream: kind, first-year revenue, share, revenue in the last month (amounts as plain numbers under
    a header naming the unit: whole units of the currency with thousands grouped, "1,234,567", or for a Chinese reader
    万 with two decimals as :func:`~core.present.formatting.table_unit` picks)."""
    shares = stream_shares(p.stream_revenue)[0]
    year1, last = p.stream_revenue[0, :, :YEAR].sum(axis=1), p.stream_revenue[0, :, -1]
    scale, unit = fmt.table_unit([*year1, *last], p.currency, lang)

    def cells(values: np.ndarray) -> list[str]:
        return [fmt.table_money(v, scale, p.currency, lang) if unit else f"{v:,.0f}" for v in values]

    header = unit or currency_unit(p.currency, lang)
    return data_frame({
        t("table.stream", lang): p.stream_names,
        t("table.kind", lang): [t(f"kind.{k}", lang) for k in p.stream_kinds],
        t("table.year1", lang, unit=header): cells(year1),
        t("table.share", lang): [fmt.percent(v) for v in shares],
        t("table.last_month", lang, unit=header): cells(last),
    })


# --- strategy pillars ---------------------------------------------------------


def factor_value(f: Factor, currency: str, lang: str = "en") -> str:
    """A factor's value in its unit: 62.8%, 9.67×, 3, 4 / 5, +9.7 pts, yes."""
    if f.value is None:
        return "—"
    if f.unit == "share":
        return fmt.percent(f.value)
    if f.unit == "ratio":
        if f.key == "funds.burn_multiple" and not f.context.get("burning"):
            return t("unit.not_burning", lang)
        return fmt.ratio(f.value, lang=lang)
    if f.unit == "rating":
        return t("unit.rating", lang, value=f.value)
    if f.unit == "points":
        points = fmt.rounded(100 * f.value, 1)
        return signed(points, t("unit.points", lang, value=abs(points)), lang, words=GAP) if lang == "zh" else t(
            "unit.points", lang, value=points)
    if f.unit == "flag":
        return t("unit.yes", lang) if f.value else t("unit.no", lang)
    return f"{f.value:.0f}"


def factor_why(f: Factor, currency: str, lang: str = "en") -> str:
    """One sentence explaining the factor with its numbers, or why it has no data."""
    if f.value is None:
        return t("factor.no_data", lang, reason=t(f"factor.no_data.{f.context['missing']}", lang))
    ctx = dict(f.context)
    if "modes" in ctx:
        ctx["modes"] = t("join.list", lang).join(t(f"mode.{m}", lang) for m in cast(list[str], ctx["modes"])) or t("mode.none", lang)
    for key in ("needed", "revenue", "recruiting"):
        if key in ctx:
            ctx[key] = fmt.money(cast(float, ctx[key]), currency, lang)
    for key in ("growth", "market"):
        if key in ctx:
            ctx[key] = fmt.percent(cast(float, ctx[key]))
    if "months" in ctx:
        ctx["months"] = fmt.number(cast(float, ctx["months"]), 1, lang)
    ctx.pop("names", None)
    ctx.pop("burning", None)
    return t(f"factor.{f.key}.why", lang, **(ctx | {"value": factor_value(f, currency, lang), "currency": currency}))


def score_text(score: float | None) -> str:
    """A 0-100 score as the tables write it: a whole number, or a dash when there is no data.

    >>> score_text(99.96), score_text(42.4), score_text(None)
    ('100', '42', '—')
    """
    return "—" if score is None else f"{score:.0f}"


def factor_table(ps: PillarScore, currency: str, lang: str = "en") -> pd.DataFrame:
    """One row per factor of a pillar: label, value, 0-100 score, weight, explanation."""
    return data_frame({
        t("table.factor", lang): [t(f"factor.{f.key}", lang) for f in ps.factors],
        t("table.value", lang): [factor_value(f, currency, lang) for f in ps.factors],
        t("table.subscore", lang): [score_text(f.score) for f in ps.factors],
        t("table.weight", lang): [f"{f.weight:g}" for f in ps.factors],
        t("table.why", lang): [factor_why(f, currency, lang) for f in ps.factors],
    })


def weakest_table(card: Scorecard, currency: str, lang: str = "en", n: int = 5) -> pd.DataFrame:
    """The factors that cost the survival score most, with the points each costs."""
    rows = weakest(card, n)
    return data_frame({
        t("table.pillar", lang): [t(f"pillar.{w.pillar}", lang) for w in rows],
        t("table.factor", lang): [t(f"factor.{w.factor.key}", lang) for w in rows],
        t("table.value", lang): [factor_value(w.factor, currency, lang) for w in rows],
        t("table.subscore", lang): [score_text(w.factor.score) for w in rows],
        t("table.points_lost", lang): [round(w.points_lost, 1) for w in rows],
        t("table.why", lang): [factor_why(w.factor, currency, lang) for w in rows],
    })


def moves_table(effects: list[MoveEffect], pillar: str | None, lang: str = "en") -> pd.DataFrame:
    """Moves with their change of ``pillar`` (None: survival score only) and of runway."""
    columns: dict[str, list[Any]] = {t("table.move", lang): [t(f"move.{e.key}", lang) for e in effects]}
    if pillar is not None:
        label = t("table.pillar_delta", lang, pillar=t(f"pillar.{pillar}", lang))
        columns[label] = [round(e.pillar_deltas[pillar], 1) for e in effects]
    columns[t("table.survival_delta", lang)] = [round(e.survival_delta, 1) for e in effects]
    columns[t("table.runway_delta", lang)] = [round(e.runway_delta, 1) for e in effects]
    return data_frame(columns)


def pillar_kpis(card: Scorecard, lang: str = "en") -> list[Kpi]:
    """The survival score, then one card per scored pillar (scores out of 100)."""
    kpis = [Kpi("survival", t("score.survival", lang), t("score.out_of", lang, score=card.survival),
                help=t("score.survival_help", lang))]
    kpis += [Kpi(key, t(f"pillar.{key}", lang), t("score.out_of", lang, score=ps.score)) for key, ps in card.pillars.items()]
    return kpis


# --- risk lab -------------------------------------------------------------------

ROUND_INPUTS = {"closes": "closes", "delay": "month", "haircut": "percent"}
"""The kinds of a funding round's uncertain inputs (``funding[k].delay`` …), which are not scenario fields."""


def input_label(scenario: Scenario, key: str, lang: str = "en") -> str:
    """A reader's name for an uncertain input: ``Team plan: churn (per month)``."""
    try:
        parts = parse_path(key)
    except KeyError:
        return key
    field, label = str(parts[-1]), f"edit.{generic(key)}"
    name = t(f"field.{field}", lang) if f"field.{field}" in STRINGS[lang] else (  # a tornado's short name, else the
        t("field.growth", lang) if field in GROWTH_FIELDS else                   # field's label in the editor
        t(label, lang) if label in STRINGS[lang] else field.replace("_", " "))
    match parts:
        case ["streams", int(i), *_]:
            return t("join.colon", lang, a=scenario.streams[i].name, b=name)
        case ["funding", int(k), *_]:
            return t("join.colon", lang, a=scenario.funding[k].name, b=name)
        case ["opex", "team", int(j), *_]:
            return t("join.colon", lang, a=scenario.opex.team[j].role, b=name)
    return name[:1].upper() + name[1:]


def input_value_text(key: str, value: float, currency: str, lang: str = "en") -> str:
    """An input's value in its field's unit (:mod:`core.model.fields`): money with its currency, a rate as %,
    months, closes/fails.

    >>> input_value_text("streams[0].churn_monthly", 0.05, "USD"), input_value_text("funding[1].delay", 3, "USD")
    ('5.0%', '3.0 months')
    """
    try:
        kind = spec(key).kind
    except KeyError:
        kind = ROUND_INPUTS.get(key.rsplit(".", 1)[-1], "number")
    if kind == "closes":
        return t("field.closes" if value else "field.fails", lang)
    if kind == "money":
        return fmt.price(value, currency, lang)
    if kind == "percent":
        return fmt.percent(value)
    if kind == "month":
        return t("kpi.months_short", lang, months=fmt.number(value, 1, lang))
    return f"{value:,.4g}"


def tornado_labels(scenario: Scenario, bars: list[TornadoBar], lang: str = "en") -> list[str]:
    """Each bar's input and the range it is moved over: ``Series A: delay (months) (0.9 months – 6.5 months)``."""
    cur = scenario.company.currency
    return [t("join.paren", lang, a=input_label(scenario, b.key, lang),
              b=f"{input_value_text(b.key, b.low, cur, lang)} – {input_value_text(b.key, b.high, cur, lang)}") for b in bars]


def runway_span(low: float, high: float, horizon: int, lang: str = "en") -> str:
    """The 5th to 95th percentile runways in whole months; one at the horizon is a lower bound ("60+", "60个月以上").

    >>> runway_span(3.2, 60, 60), runway_span(3.2, 60, 60, "zh"), runway_span(60, 60, 60), runway_span(60, 60, 60, "zh")
    ('3–60+', '3个月至60个月以上', '60+–60+', '均在60个月以上')
    """
    if low >= horizon:
        return t("risk.runway_all", lang, months=horizon)
    return t("risk.runway_span", lang, low=_whole_months(low, horizon, lang), high=_whole_months(high, horizon, lang))


def _whole_months(months: float, horizon: int, lang: str) -> str:
    """A runway in whole months, or at the horizon its lower bound ("60+"); in Chinese with its unit."""
    return t("risk.runway_open", lang, months=horizon) if months >= horizon else t("risk.runway_whole", lang, months=months)


def risk_kpis(r: RiskResult, scenario: Scenario, lang: str = "en") -> list[Kpi]:
    """Cards of the Risk lab: survival at the summary month, median runway, alive, shortfall."""
    month = scenario.risk.survival_month
    low, median, high = np.percentile(r.runway, (5, 50, 95))
    runway = runway_text(float(median), r.months, lang)
    return [
        Kpi("survival", t("risk.kpi.survival", lang, month=month), fmt.percent(r.survival_at(month), 0)),
        Kpi("median_runway", t("risk.kpi.median_runway", lang), runway,
            t("risk.kpi.runway_range", lang, range=runway_span(low, high, r.months, lang))),
        Kpi("alive", t("risk.kpi.alive", lang), fmt.percent(r.default_alive, 0)),
        Kpi("shortfall", t("risk.kpi.shortfall", lang), fmt.money(r.expected_shortfall, scenario.company.currency, lang),
            help=t("risk.kpi.shortfall_help", lang)),
    ]


def metric_label(metric: str, scenario: Scenario, lang: str = "en") -> str:
    return t(f"risk.metric.{metric}", lang, currency=scenario.company.currency, month=scenario.risk.survival_month)


def risk_summary(r: RiskResult, base: float, bars: list[TornadoBar], metric: str, scenario: Scenario,
                 stresses: tuple[str, ...] = (), lang: str = "en") -> str:
    """The plain-language paragraph: survival at the summary month, the largest driver, runway.

    A driver is named only if it moves the metric by more than 1 % of its value (``base``).
    """
    month = scenario.risk.survival_month
    values = {"share": fmt.percent(r.survival_at(month), 0), "paths": r.paths, "month": month,
              "metric": t(f"risk.driver_of.{metric}", lang, month=month)}
    top = bars[0] if bars and bars[0].swing > 0.01 * abs(base) else None
    first = (t("risk.summary", lang, driver=input_label(scenario, top.key, lang), **values) if top
             else t("risk.summary_no_driver", lang, **values))
    if stresses:
        lead = t("risk.summary_stressed", lang, stresses=t("join.list", lang).join(t(f"stress.{s}", lang) for s in stresses))
        first = lead + first[:1].lower() + first[1:]
    low, median, high = np.percentile(r.runway, (5, 50, 95))
    second = t("risk.summary_runway", lang, median=_whole_months(median, r.months, lang),
               range=runway_span(low, high, r.months, lang), alive=fmt.percent(r.default_alive, 0))
    return f"{first}{t('join.sentences', lang)}{second}"


def stress_frame(rows: list[StressRow], scenario: Scenario, lang: str = "en") -> pd.DataFrame:
    """The stress-test table: each stress against the base, same random draws."""
    def name(combo: tuple[str, ...]) -> str:
        if not combo:
            return t("stress.base", lang)
        return t(f"stress.{combo[0]}", lang) if len(combo) == 1 else t("stress.all", lang)

    month = scenario.risk.survival_month
    return data_frame({
        t("table.stress", lang): [name(r.stresses) for r in rows],
        t("table.median_runway", lang): [runway_text(r.median_runway, scenario.settings.horizon_months, lang) for r in rows],
        t("table.survival_at", lang, month=month): [round(100 * r.survival, 1) for r in rows],
        t("table.runway_change", lang): [r.runway_change for r in rows],
        t("table.survival_change", lang): [round(100 * r.survival_change, 1) for r in rows],
    })


def rounds_frame(r: RiskResult, start: date, lang: str = "en") -> pd.DataFrame:
    """Each planned round: chance it closes, is needed, and is needed before it arrives."""
    return data_frame({
        t("table.round", lang): [o.name for o in r.rounds],
        t("table.planned_month", lang): [plan_month(start, o.planned_month, lang) for o in r.rounds],
        t("table.closes", lang): [round(100 * o.closes, 1) for o in r.rounds],
        t("table.needed", lang): [round(100 * o.needed, 1) for o in r.rounds],
        t("table.too_late", lang): [round(100 * o.too_late, 1) for o in r.rounds],
    })


# --- comparison -------------------------------------------------------------------


@dataclass(frozen=True)
class Compared:
    """One scenario in a comparison: its label, figures, scores and simulated odds."""

    label: str
    scenario: Scenario
    summary: Summary
    card: Scorecard
    risk: RiskResult


def _delta(kind: str, value: float, base: float, currency: str | None, lang: str) -> str:
    """``value - base`` in the row's unit: money (only within one currency), months, points, ×, score; signed in
    English ("+9 pp"), in words in Chinese ("增加9个百分点", "减少30万美元", "持平")."""
    if not (math.isfinite(value) and math.isfinite(base)) or (kind == "money" and currency is None):
        return "—"
    d = value - base
    digits = 2 if kind in ("ratio", "money") else 0
    change = fmt.rounded(100 * d if kind == "share" else d, digits)
    size = abs(d) if kind == "money" else abs(change)
    text = {"money": lambda: fmt.money(size, cast(str, currency), lang),
            "share": lambda: t("compare.points", lang, d=f"{size:.0f}"),
            "ratio": lambda: fmt.ratio(size, lang=lang),
            "months": lambda: t("compare.months", lang, d=f"{size:.0f}")}.get(kind, lambda: f"{size:.0f}")()
    return signed(change, text, lang, zero_sign=kind != "money")


CHANGE = ("change.up", "change.down", "change.none")
"""The Chinese words of a change (增加 / 减少 / 持平), for :func:`signed`."""
GAP = ("gap.up", "gap.down", "gap.none")
"""The Chinese words of a gap to something else (高 / 低 / 持平), for :func:`signed`."""


def signed(change: float, size: str, lang: str = "en", zero_sign: bool = True, words: tuple[str, str, str] = CHANGE) -> str:
    """A change of ``size`` (its amount without sign, in its unit) up or down as ``change`` is: "+" / "-" before it in
    English (a zero "+" when ``zero_sign``); in Chinese in ``words`` (up, down, none: :data:`CHANGE` or :data:`GAP`).

    >>> signed(9, "9 pp"), signed(-0.5, "$0.50"), signed(0, "0 pp"), signed(-3, "3个月", "zh"), signed(0, "0个月", "zh")
    ('+9 pp', '-$0.50', '+0 pp', '减少3个月', '持平')
    >>> signed(19, "19.0个百分点", "zh", words=GAP)
    '高19.0个百分点'
    """
    if lang == "zh":
        up, down, none = words
        return t(none, lang) if change == 0 else t(up if change > 0 else down, lang, size=size)
    return ("+" if change > 0 or (change == 0 and zero_sign) else "-" if change < 0 else "") + size


def comparison_table(items: list[Compared], lang: str = "en") -> pd.DataFrame:
    """KPIs side by side, one column per scenario; after the first, each value carries its difference from the
    first in the row's unit ("+9 pp", "+22 months", "Dead → Alive"). Money is never subtracted across currencies,
    and a runway that outlasts the horizon is a lower bound ("at least +22 months"), never a number."""
    def rows_of(c: Compared) -> dict[str, tuple[str, float, str]]:
        s, cur, month = c.summary, c.scenario.company.currency, c.scenario.risk.survival_month
        # break-even as a date, as on the Overview; its difference in calendar months (plans may start apart)
        even = None if s.break_even_month is None else month_date(c.scenario.company.start_date, s.break_even_month)
        return {
            t("kpi.cash", lang): ("money", s.cash_now, fmt.money(s.cash_now, cur, lang)),
            t("kpi.runway", lang): ("runway", s.runway_months,
                                    runway_text(s.runway_months, c.scenario.settings.horizon_months, lang)),
            t("kpi.break_even", lang): ("months", math.nan if even is None else 12 * even.year + even.month,
                                        "—" if even is None else month_text(even, lang)),
            t("kpi.default_alive", lang): ("yes_no", float(s.default_alive),
                                           t("kpi.alive" if s.default_alive else "kpi.dead", lang)),
            t("kpi.burn_multiple", lang): ("ratio", s.burn_multiple, fmt.ratio(s.burn_multiple, lang=lang)),
            t("kpi.gross_margin", lang): ("share", s.gross_margin, fmt.percent(s.gross_margin)),
            t("compare.npv", lang): ("money", s.npv, npv_value(s.npv, c.scenario, lang)),
            t("score.survival", lang): ("score", c.card.survival, f"{c.card.survival:.0f}"),
            t("risk.kpi.survival", lang, month=month): ("share", c.risk.survival_at(month),
                                                        fmt.percent(c.risk.survival_at(month), 0)),
        }

    first, base_rows = items[0], rows_of(items[0])
    table = {t("compare.metric", lang): list(base_rows), first.label: [text for _, _, text in base_rows.values()]}
    for c in items[1:]:
        same = c.scenario.company.currency == first.scenario.company.currency
        cells = []
        for (kind, value, text), (_, base, base_text) in zip(rows_of(c).values(), base_rows.values(), strict=True):
            if kind == "yes_no":
                change = t("compare.same", lang) if value == base else f"{base_text} → {text}"
            elif kind == "runway" and (not c.summary.runs_out or not first.summary.runs_out):
                change = ("—" if not first.summary.runs_out else
                          t("compare.at_least", lang, d=_delta("months", value, base, None, lang)))
            else:
                change = _delta("months" if kind == "runway" else kind, value, base,
                                c.scenario.company.currency if same else None, lang)
            cells.append(t("join.paren", lang, a=text, b=change) if change not in ("—", "") else text)
        table[c.label] = cells
    return data_frame(table)


# --- pricing lab ------------------------------------------------------------------


def tier_table(result: TierResult, currency: str, lang: str = "en") -> pd.DataFrame:
    """One row per plan: its price per month ("not offered" when nobody picks it), share, sign-ups."""
    scale, unit = fmt.table_unit(result.prices, currency, lang)
    return data_frame({
        t("pricing.tier.plan", lang): [tier.name for tier in result.tiers],
        t("pricing.tier.price", lang, price_unit=unit or currency_unit(currency, lang)): [
            fmt.table_price(float(price), scale, currency, lang) if offered else t("pricing.tier.not_offered", lang)
            for price, offered in zip(result.prices, result.offered, strict=True)],
        t("pricing.tier.share", lang): (100 * result.shares).round(1),
        t("pricing.tier.customers", lang): result.new_customers.round(1),
    })

PRICE_ROWS = ("price", "volume", "revenue", "gross_profit", "gross_margin", "npv", "runway")


def price_table(result: PriceResult, currency: str, unit: str, timing: str, horizon: int, lang: str = "en") -> pd.DataFrame:
    """Today's price against the optimum: price, volume, revenue, gross profit and margin, NPV, runway (which the
    ``horizon``, in months, bounds); in Chinese the price and the money in the units their rows name."""
    curves = [c for c in (result.today, result.best) if c is not None]
    price_scale, price_unit = fmt.table_unit((c.prices[0] for c in curves), currency, lang)
    money_scale, money_unit = fmt.table_unit((x for c in curves for x in (c.revenue[0], c.gross_profit[0], c.npv[0])),
                                             currency, lang)

    def column(c: PriceCurve | None) -> list[str]:
        if c is None:
            return ["—"] * len(PRICE_ROWS)
        return [fmt.table_price(c.prices[0], price_scale, currency, lang), fmt.quantity(c.volume[0]),
                fmt.table_money(c.revenue[0], money_scale, currency, lang),
                fmt.table_money(c.gross_profit[0], money_scale, currency, lang), fmt.percent(c.gross_margin[0]),
                fmt.table_money(c.npv[0], money_scale, currency, lang), runway_text(float(c.runway[0]), horizon, lang)]

    rows = [t(f"pricing.row.{k}", lang, price_unit=price_unit or currency_unit(currency, lang),
              money_unit=money_unit or currency_unit(currency, lang), unit=unit, timing=t(f"timing.{timing}", lang))
            for k in PRICE_ROWS]
    return data_frame({t("pricing.today", lang): column(result.today), t("pricing.optimal", lang): column(result.best)},
                        index=rows)


# --- what an investor reads next: the key assumptions and the monthly table ---------------------------------------

ASSUMPTION_FIELDS = ("company.starting_cash", "company.start_date", "settings.horizon_months",
                     "settings.discount_rate_yearly", "ai_costs.cost_per_million_tokens", "ai_costs.gpu_price_per_hour",
                     "ai_costs.cost_decline_yearly", "ai_costs.hosting_per_month", "opex.marketing_per_month",
                     "opex.general_admin_per_month", "opex.other_per_month", "opex.salary_growth_yearly")
"""The scenario-wide assumptions the investor view lists (empty optional ones are left out)."""


def field_text(path: str, value: object, currency: str, lang: str = "en") -> str:
    """A field's value as the reader reads it, by its editor kind (money in the reader's units, % and counts).

    >>> field_text("streams[0].churn_monthly", 0.035, "USD"), field_text("company.starting_cash", 3_300_000, "CNY", "zh")
    ('3.5%', '330万元')
    >>> field_text("company.start_date", date(2026, 1, 1), "USD"), field_text("company.start_date", date(2026, 1, 1), "USD", "zh")
    ('2026-01', '2026年1月')
    """
    kind = spec(path).kind
    if value is None:
        return "—"
    if kind == "money":
        return fmt.price(cast(float, value), currency, lang)
    if kind == "percent":
        return fmt.percent(cast(float, value))
    if kind in ("count", "number"):
        number = float(cast(float, value))
        return fmt.significant(number, 3) if 0 < number < 1 else f"{number:,.{0 if number.is_integer() else 2}f}"
    if kind == "choice":
        key = f"opt.{generic(path)}.{value}"
        return t(key, lang) if key in STRINGS[lang] else str(value)
    if kind == "toggle":
        return t("unit.yes" if value else "unit.no", lang)
    if kind == "date":  # the plan's first month
        return month_text(cast(date, value), lang)
    return str(value)


def assumptions_table(scenario: Scenario, lang: str = "en") -> pd.DataFrame:
    """The key assumptions, one row each (section, item, value): company and settings, every stream's volume,
    growth, price and churn, the team, other costs and every funding round, formatted for the reader."""
    data = scenario.model_dump()
    cur = scenario.company.currency
    rows: list[tuple[str, str, str]] = []

    def add(section: str, path: str) -> None:
        value = field_value(data, path)
        if value is not None or not spec(path).optional:
            rows.append((section, t(f"edit.{generic(path)}", lang), field_text(path, value, cur, lang)))

    for path in ASSUMPTION_FIELDS:
        add(t(f"assume.section.{path.split('.')[0]}", lang), path)
    for i, stream in enumerate(scenario.streams):
        section = t("join.paren", lang, a=stream.name, b=t(f"kind.{stream.kind}", lang))
        for name in stream_fields(stream.kind):
            if spec(f"streams.{name}").kind in ("money", "percent", "count"):
                add(section, f"streams[{i}].{name}")
        for name in BILLING_FIELDS:  # its billing and collection terms, where set
            if getattr(stream, name) != SPECS[f"streams.{name}"].default:
                add(section, f"streams[{i}].{name}")
    start = scenario.company.start_date  # a re-forecast's past rounds and roles: by their calendar month
    for role in scenario.opex.team:
        row = t("assume.team_row" if role.start_month >= 0 else "assume.team_row_past", lang, n=f"{role.headcount:g}",
                cost=fmt.money(role.cost_per_head_month, cur, lang), start=plan_month(start, role.start_month, lang),
                month=month_label(start, role.start_month, lang))
        if role.attrition_monthly > 0:
            row += t("assume.team_attrition", lang, share=fmt.percent(role.attrition_monthly),
                     cost=fmt.money(role.replacement_cost, cur, lang), ramp=role.ramp_months)
        rows.append((t("assume.section.team", lang), role.role, row))
    for funding_round in scenario.funding:
        rows.append((t("assume.section.funding", lang), funding_round.name, t(
            "assume.round" if funding_round.month >= 0 else "assume.round_past", lang,
            kind=field_text("funding.kind", funding_round.kind, cur, lang), amount=fmt.money(funding_round.amount, cur, lang),
            month=plan_month(start, funding_round.month, lang), calendar=month_label(start, funding_round.month, lang))
            + round_terms(funding_round, cur, lang)))
    for path in ("ai_costs.payment_days", "ai_costs.vat_rate", "opex.payment_days", "opex.vat_rate"):
        if field_value(data, path) != SPECS[path].default:
            add(t(f"assume.section.{path.split('.')[0]}", lang), path)
    tax = scenario.tax
    if tax != Tax():
        rule = {"simple": ("carry_forward_losses",), "china": ("loss_years", "small_low_profit"), "us": ()}[tax.rule]
        credit = ("rd_credit_rate",) if tax.rd_credit_rate else ()  # none in China: no "0% refundable credit" row
        for name in ("rule", "profit_tax_rate", "rd_super_deduction", *credit, *rule, "opening_tax_losses"):
            add(t("assume.section.tax", lang), f"tax.{name}")
    if scenario.vat != Vat():
        for name in ("filing", "small_scale", "surcharge_rate"):
            add(t("edit.vat", lang), f"vat.{name}")
    return data_frame(rows, columns=[t(f"assume.col.{c}", lang) for c in ("section", "item", "value")])


def round_terms(r: Round, currency: str, lang: str = "en") -> str:
    """A round's terms beyond its kind, amount and month, as a clause to append: the pre-money, a loan's rate and
    repayment, a grant's tranches and matching spend, a strategic partner's revenue and terms."""
    text = t("assume.pre_money", lang, value=fmt.money(r.pre_money_valuation, currency, lang)) if r.pre_money_valuation else ""
    if r.kind in ("safe", "note"):
        text += t("assume.safe_terms", lang, terms=cap_text(r, currency, lang))
        text += t("assume.note_interest", lang, rate=fmt.percent(r.interest_rate_yearly)) if r.interest_rate_yearly else ""
    text += _equity_terms(r, lang) if r.kind == "equity" else ""
    text += t("assume.pro_rata", lang) if r.pro_rata else ""
    if r.redemption_years:
        text += t("assume.redemption", lang, years=r.redemption_years, rate=fmt.percent(r.redemption_rate_yearly))
    if r.kind == "debt":
        key = "assume.loan.open" if r.term_months is None else (
            "assume.loan" if r.repayment == "bullet" else f"assume.loan.{r.repayment}")
        text += t(key, lang, rate=fmt.percent(r.interest_rate_yearly), months=r.term_months, grace=r.grace_months)
    if r.tranches > 1:
        text += t("assume.tranches", lang, n=r.tranches, every=r.tranche_every_months)
    if r.matching_share:
        text += t("assume.matching", lang, share=fmt.percent(r.matching_share))
    if r.partner_revenue_per_month:
        text += t("assume.partner", lang, revenue=fmt.money(r.partner_revenue_per_month, currency, lang))
        text += t("assume.partner.months", lang, months=r.partner_months) if r.partner_months else ""
    return text + (t("assume.exclusivity", lang, terms=r.exclusivity) if r.exclusivity else "")


def cap_text(r: Round, currency: str, lang: str = "en") -> str:
    """A SAFE's or note's terms as a reader says them: "$10.00M post-money cap, 20% discount, MFN"."""
    parts = [t("captable.cap", lang, value=fmt.money(r.valuation_cap, currency, lang),
               basis=t(f"captable.basis.{'post' if r.post_money_cap else 'pre'}", lang))] if r.valuation_cap else []
    parts += [t("captable.discount", lang, share=fmt.percent(r.discount))] if r.discount else []
    parts += [t("captable.mfn", lang)] if r.mfn else []
    return t("captable.list_sep", lang).join(parts) or t("captable.uncapped", lang)


def _equity_terms(r: Round, lang: str) -> str:
    """A priced round's terms beyond the usual 1× non-participating pari passu preference without protection."""
    text = t("assume.preference", lang, multiple=f"{r.liquidation_multiple:g}") if r.liquidation_multiple != 1 else ""
    if r.participating:
        text += (t("assume.participating_cap", lang, cap=f"{r.participation_cap:g}") if r.participation_cap
                 else t("assume.participating", lang))
    text += t("assume.senior", lang) if r.seniority == "senior" else ""
    if r.anti_dilution != "none":
        text += t("assume.anti_dilution", lang, kind=t(f"opt.funding.anti_dilution.{r.anti_dilution}", lang))
    return text + (t("assume.pool_target", lang, share=fmt.percent(r.pool_target)) if r.pool_target else "")


MONTHLY_COLUMNS = ("revenue", "cost_of_revenue", "gross_profit", "opex_total", "ebitda", "tax", "tax_credit", "funding_in",
                   "net_burn", "cash")
"""The money lines of the readable monthly table, in order (then customers and headcount); the tax lines only when
the scenario has any."""


def monthly_table(p: Projection, currency: str, lang: str = "en") -> pd.DataFrame:
    """The projection month by month as the reader reads it: the month, the money lines in the reader's units (in
    Chinese plain numbers under a header that names the unit, "营业收入（万美元）"), customers and headcount, with
    translated column names (the CSV download keeps the machine names)."""
    cols: dict[str, list[str]] = {t("table.month", lang): [month_text(d, lang) for d in p.month_dates()]}
    names = [c for c in MONTHLY_COLUMNS if c not in ("tax", "tax_credit") or getattr(p, c)[0].any()]
    scale, unit = fmt.table_unit((v for name in names for v in getattr(p, name)[0]), currency, lang)
    for name in names:
        cols[fmt.with_unit(t(f"table.{name}", lang), unit, lang)] = [fmt.table_money(v, scale, currency, lang)
                                                                    for v in getattr(p, name)[0]]
    cols[t("table.customers", lang)] = [f"{v:,.0f}" for v in p.customers[0]]
    whole = lang == "zh" and all(float(v).is_integer() for v in p.headcount[0])  # a Chinese table shows no needless zeros
    cols[t("table.headcount", lang)] = [f"{v:,.{0 if whole else 1}f}" for v in p.headcount[0]]
    return data_frame(cols)


FRAME_LABELS = {"month": "export.col.month", "date": "table.month", "debt_service": "item.debt_service"}
"""Columns of :meth:`Projection.to_frame` labelled by a key of another name."""


def frame_label(name: str, lang: str = "en") -> str:
    """The reader's label of a column of :meth:`Projection.to_frame` (the Excel export's headers).

    >>> frame_label("revenue: API calls"), frame_label("cost of revenue: inference", "zh"), frame_label("cost_of_revenue")
    ('Revenue: API calls', '推理（营业成本）', 'Cost of revenue')
    """
    prefix, _, rest = name.partition(": ")
    if rest:  # "revenue: <stream>", "cost of revenue: <item>", "opex: <category>"
        return t("export.col.revenue_of", lang, name=rest) if prefix == "revenue" else t(f"item.{rest}", lang)
    return t(FRAME_LABELS.get(name) or next(k for k in (f"table.{name}", f"export.col.{name}") if k in STRINGS[lang]), lang)


def tax_note(p: Projection, scenario: Scenario, lang: str = "en") -> str | None:
    """What the tax settings cost or bring over the horizon, in a sentence (None without any): the profit tax paid
    at its rate and super-deduction, and the R&D credit received (path 0) when there is one (never "0 of credit":
    China has no refundable R&D credit)."""
    tax = scenario.tax
    if not (tax.profit_tax_rate or tax.rd_credit_rate):
        return None
    cur = scenario.company.currency
    filed = t(f"tax.filed.{tax.rule}", lang, years=tax.loss_years, expense=fmt.money(float(p.tax_expense[0].sum()), cur, lang),
              small=t(f"tax.small.{'yes' if tax.small_low_profit else 'no'}", lang))
    credit = float(p.tax_credit[0].sum())
    return t("tax.note", lang, paid=fmt.money(float(p.tax[0].sum()), cur, lang), rate=fmt.percent(tax.profit_tax_rate),
             deduction=fmt.percent(tax.rd_super_deduction), months=p.months, filed=filed,
             credit=t("tax.credit", lang, credit=fmt.money(credit, cur, lang)) if credit else "")


def trial_note(signups: float, days: int, conversion: float, lang: str = "en") -> str:
    """What a free trial does to a month's sign-ups, said where the trial is set (nothing added silently).

    >>> trial_note(60, 14, 0.2)
    'Paying customers from 60 sign-ups a month: 12 (20.0% convert after a 14-day trial; 48 leave).'
    """
    paying = signups * conversion
    return t("edit.streams.trial.note", lang, signups=fmt.quantity(signups), paying=fmt.quantity(paying),
             conversion=fmt.percent(conversion), days=days, leaving=fmt.quantity(signups - paying))

