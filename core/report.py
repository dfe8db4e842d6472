"""Headline figures as labelled, formatted values: what the Overview cards and the CLI show."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import formatting as fmt
from .i18n import t
from .metrics import YEAR, Summary, stream_shares
from .projection import Projection, month_date
from .scenario import Scenario


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: str
    note: str = ""
    help: str = ""


def headline(s: Summary, scenario: Scenario, lang: str = "en") -> list[Kpi]:
    """The KPI cards of the Overview, in order."""
    cur = scenario.company.currency
    horizon = scenario.settings.horizon_months
    start = scenario.company.start_date
    runway = (t("kpi.runway_value", lang, months=s.runway_months) if s.runs_out
              else t("kpi.runway_full", lang, months=horizon))
    be = ("—" if s.break_even_month is None else
          t("kpi.break_even_value", lang, month=s.break_even_month,
            date=month_date(start, s.break_even_month).strftime("%Y-%m")))
    alive_note = "" if s.default_alive else t("kpi.capital_needed", lang, amount=fmt.money(s.capital_needed, cur))
    return [
        Kpi("cash", t("kpi.cash", lang), fmt.money(s.cash_now, cur)),
        Kpi("runway", t("kpi.runway", lang), runway),
        Kpi("zero_cash", t("kpi.zero_cash", lang),
            s.zero_cash_date.strftime("%Y-%m") if s.zero_cash_date else t("kpi.never", lang)),
        Kpi("break_even", t("kpi.break_even", lang), be),
        Kpi("default_alive", t("kpi.default_alive", lang),
            t("kpi.alive", lang) if s.default_alive else t("kpi.dead", lang), alive_note, t("kpi.alive_help", lang)),
        Kpi("burn_multiple", t("kpi.burn_multiple", lang), fmt.ratio(s.burn_multiple),
            t(f"grade.{s.burn_multiple_grade}", lang), t("kpi.burn_help", lang)),
        Kpi("npv", t("kpi.npv", lang, rate=fmt.percent(scenario.settings.discount_rate_yearly, 0)),
            fmt.money(s.npv, cur), "", t("kpi.npv_help", lang)),
    ]


def details(s: Summary, scenario: Scenario, lang: str = "en") -> list[Kpi]:
    """The secondary metrics (Overview's "more metrics", the CLI)."""
    cur = scenario.company.currency
    years = scenario.settings.horizon_months / 12
    rows = [
        Kpi("gross_margin", t("kpi.gross_margin", lang), fmt.percent(s.gross_margin)),
        Kpi("irr", t("kpi.irr", lang), fmt.percent(s.irr_yearly)),
        Kpi("payback", t("kpi.payback", lang), "—" if s.payback_month is None else str(s.payback_month)),
        Kpi("peak_need", t("kpi.peak_need", lang), fmt.money(s.peak_funding_need, cur)),
        Kpi("rule_of_40", t("kpi.rule_of_40", lang), f"{s.rule_of_40:.0f}"),
        Kpi("hhi", t("kpi.hhi", lang), f"{s.herfindahl:.2f}"),
        Kpi("return_on_cost", t("kpi.return_on_cost", lang),
            t("kpi.return_on_cost_value", lang, total=fmt.percent(s.return_on_cost), years=years,
              yearly=fmt.percent(s.return_on_cost_yearly))),
    ]
    ue = s.unit_economics
    if ue is not None:
        rows.append(Kpi("ltv_cac", t("kpi.ltv_cac", lang), fmt.ratio(ue.ltv_to_cac)))
        rows.append(Kpi("cac_payback", t("kpi.cac_payback", lang),
                        "—" if ue.cac_payback_months is None else t("kpi.months_short", lang, months=ue.cac_payback_months)))
    return rows


def stream_table(p: Projection, lang: str = "en") -> pd.DataFrame:
    """One row per stream: kind, first-year revenue, share, revenue in the last month."""
    shares = stream_shares(p.stream_revenue)[0]
    return pd.DataFrame({
        t("table.stream", lang): p.stream_names,
        t("table.kind", lang): [t(f"kind.{k}", lang) for k in p.stream_kinds],
        t("table.year1", lang, currency=p.currency): p.stream_revenue[0, :, :YEAR].sum(axis=1).round(0),
        t("table.share", lang): (100 * shares).round(1),
        t("table.last_month", lang, currency=p.currency): p.stream_revenue[0, :, -1].round(0),
    })
