"""The three statements as a reader sees them: labelled lines by month, quarter or year in the reader's units, the
balance check, the timings a scenario uses, the profit tax rules' formulas, and the investor's yearly summary.

Lines come from :mod:`core.analysis.statements`; every line has a ``statement.<statement>.<line>`` label in both
catalogues. A line that is zero in every period is left out unless it is a total (:data:`KEPT`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from core.analysis.statements import Statements, period_of, statements, table
from core.engine import books
from core.engine.projection import Projection
from core.i18n import t
from core.model import Scenario
from core.present import formatting as fmt
from core.present.formatting import month_text
from core.present.report import data_frame

if TYPE_CHECKING:
    import pandas as pd

STATEMENTS = ("pnl", "balance", "cash_flow")
KEPT = {
    "pnl": ("revenue", "gross_profit", "opex_total", "ebitda", "net_income"),
    "balance": ("cash", "total_assets", "total_liabilities", "total_equity", "liabilities_and_equity", "check"),
    "cash_flow": ("cash_start", "net_income", "operating", "investing", "financing", "net_change", "cash_end", "cash_low"),
}
"""The lines shown even when zero in every period: the totals (and revenue, cash and the balance check)."""
ZERO = 0.005
"""Money (in the currency) below which a line reads as zero: half a cent."""
BALANCED = 1e-6
"""The largest imbalance, as a share of total assets (at least 1), the books may show and still balance."""
SUMMARY = (("pnl", "revenue"), ("pnl", "gross_profit"), ("pnl", "ebitda"), ("pnl", "net_income"),
           ("cash_flow", "operating"), ("cash_flow", "cash_end"), ("cash_flow", "cash_low"))
"""The investor's yearly P&L and cash summary: (statement, line)."""
TAX_RULES = ("simple", "china", "us")


def label(statement: str, line: str, lang: str = "en") -> str:
    """A line's label.

    >>> label("balance", "deferred_revenue", "zh"), label("cash_flow", "receivables"), label("pnl", "opex.bad_debt", "zh")
    ('合同负债（预收账款）', '(Increase) in receivables', '信用减值损失（坏账）')
    """
    return t(f"statement.{statement}.{line}", lang)


def period_label(day: date, period: str, lang: str = "en") -> str:
    """The reader's name of the period ``day``'s month belongs to.

    >>> may = date(2026, 5, 1)
    >>> period_label(may, "quarter", "zh"), period_label(may, "quarter"), period_label(may, "month", "zh"), period_label(may, "year")
    ('2026年第2季度', '2026 Q2', '2026年5月', '2026')
    """
    if period == "month":
        return month_text(day, lang)
    if period == "quarter":
        return t("statement.period.quarter_of", lang, year=day.year, quarter=(day.month - 1) // 3 + 1)
    return t("statement.period.year_of", lang, year=day.year)


def period_labels(s: Statements, period: str, lang: str = "en") -> list[str]:
    """The columns of a statement by ``period`` (the order of :func:`core.analysis.statements.table`), labelled."""
    first = {period_of(d, period): d for d in reversed(s.dates)}
    return [period_label(first[key], period, lang) for key in dict.fromkeys(period_of(d, period) for d in s.dates)]


def lines(s: Statements, statement: str, period: str = "month") -> pd.DataFrame:
    """A statement's numbers (money, a row per line, a column per period as :func:`table`; less than :data:`ZERO`
    reads 0), without the lines that are zero in every period unless :data:`KEPT`; the balance sheet ends with
    ``check``, total assets less liabilities and equity."""
    frame = table(s, statement, period)
    if statement == "balance":
        frame.loc["check"] = frame.loc["total_assets"] - frame.loc["liabilities_and_equity"]
    frame = frame.where(frame.abs() >= ZERO, 0.0)
    shown = [k for k in frame.index if k in KEPT[statement] or bool((frame.loc[k] != 0).any())]
    return frame.loc[shown]


def statement_frame(s: Statements, statement: str, period: str, currency: str, lang: str = "en") -> pd.DataFrame:
    """A statement as the page shows it: the line's label, then its money in each period in the reader's units."""
    numbers = lines(s, statement, period)
    return _readable(numbers, [label(statement, k, lang) for k in numbers.index], period_labels(s, period, lang),
                     currency, lang)


def _readable(numbers: pd.DataFrame, names: list[str], periods: list[str], currency: str, lang: str) -> pd.DataFrame:
    """``numbers`` (money, a row per line) with the lines' ``names`` first and the ``periods`` as column names, the
    money in the reader's units (in Chinese plain numbers, the unit in the first column's name: "项目（万元）")."""
    scale, unit = fmt.table_unit(numbers.to_numpy().ravel(), currency, lang)
    columns = {fmt.with_unit(t("statement.col.line", lang), unit, lang): names}
    for name, key in zip(periods, numbers.columns, strict=True):
        columns[name] = [fmt.table_money(v, scale, currency, lang) for v in numbers[key]]
    return data_frame(columns)


def imbalance(s: Statements) -> float:
    """The largest gap between total assets and liabilities and equity over the months (money)."""
    return float(np.abs(s.imbalance()).max())


def balanced(s: Statements) -> bool:
    """Whether assets equal liabilities and equity every month, to :data:`BALANCED` of the total assets."""
    return imbalance(s) <= BALANCED * max(1.0, float(np.abs(s.balance["total_assets"]).max()))


def balance_note(s: Statements, currency: str, lang: str = "en") -> str:
    """The balance check in a sentence: balanced every month, or the largest gap."""
    key = "statement.check.balanced" if balanced(s) else "statement.check.unbalanced"
    return t(key, lang, gap=fmt.money(imbalance(s), currency, lang), months=len(s.dates))


def _days(costs: list[tuple[str, int]], lang: str) -> str:
    return t("statement.timing.sep", lang).join(t("statement.timing.days_of", lang, name=n, days=d) for n, d in costs if d)


def timing_phrases(scenario: Scenario, lang: str = "en") -> list[str]:
    """The timings the scenario uses, a phrase each: billing ahead, customers' and suppliers' payment days, one-offs
    in instalments, VAT and how profit tax is filed."""
    streams, sep = scenario.streams, t("statement.timing.sep", lang)
    out = []
    if annual := [s.name for s in streams if s.billing == "annual"]:
        out.append(t("statement.timing.annual", lang, names=sep.join(annual)))
    if upfront := [t("statement.timing.upfront_of", lang, name=s.name, share=fmt.percent(s.upfront_share, 0),
                     months=s.upfront_months) for s in streams if s.upfront_share]:
        out.append(t("statement.timing.upfront", lang, streams=sep.join(upfront)))
    if customers := _days([(s.name, s.payment_days) for s in streams], lang):
        out.append(t("statement.timing.customers", lang, streams=customers))
    if bad := [t("statement.timing.share_of", lang, name=s.name, share=fmt.percent(s.bad_debt_share))
               for s in streams if s.bad_debt_share]:
        out.append(t("statement.timing.bad_debt", lang, streams=sep.join(bad)))
    if suppliers := _days([(t("statement.timing.ai_costs", lang), scenario.ai_costs.payment_days),
                           (t("statement.timing.opex", lang), scenario.opex.payment_days)], lang):
        out.append(t("statement.timing.suppliers", lang, costs=suppliers))
    if parts := [t("statement.timing.instalments_of", lang, name=c.name, n=c.instalments)
                 for c in scenario.opex.one_off_costs if c.instalments > 1]:
        out.append(t("statement.timing.instalments", lang, costs=sep.join(parts)))
    costs_vat = (scenario.ai_costs.vat_rate or scenario.opex.vat_rate
                 or any(c.vat_rate for c in scenario.opex.one_off_costs))
    if costs_vat or any(s.vat_rate for s in streams):
        out.append(t("statement.timing.vat", lang, filing=t(f"statement.timing.vat_filing.{scenario.vat.filing}", lang),
                     rates=sep.join(t("statement.timing.share_of", lang, name=s.name, share=fmt.percent(s.vat_rate))
                                    for s in streams if s.vat_rate) or "—"))
    if out and not scenario.settings.terms_before_start:
        out.append(t("statement.timing.new_terms", lang))
    if scenario.tax.profit_tax_rate:
        out.append(t("statement.timing.tax", lang, rule=t(f"opt.tax.rule.{scenario.tax.rule}", lang),
                     rate=fmt.percent(scenario.tax.profit_tax_rate)))
    elif scenario.tax.rule != "simple":
        out.append(t("statement.timing.tax_zero", lang, rule=t(f"opt.tax.rule.{scenario.tax.rule}", lang)))
    return out


def opening_note(s: Statements, currency: str, lang: str = "en", history: int = 0) -> str | None:
    """What the balance sheet holds at the start (None when nothing): the receivables, deferred revenue, payables and
    VAT left by the months before it, taken to have run on the same terms at month 0's rate; after a re-forecast's
    ``history`` months, what those months left, its tax, loans, notes and SAFEs too."""
    keys: tuple[str, ...] = ("receivables", "deferred_revenue", "payables", "vat_payable")
    keys += ("tax_payable", "loans", "notes", "safes") if history else ()
    parts = [t("statement.opening.item", lang, name=label("balance", key, lang), amount=fmt.money(abs(value), currency, lang))
             for key, value in ((k, s.opening[k]) for k in keys) if abs(value) >= ZERO]
    if not parts:
        return None
    items = t("statement.timing.sep", lang).join(parts)
    return t("statement.opening.history", lang, months=history, items=items) if history else t("statement.opening",
                                                                                                lang, items=items)


def timing_caption(scenario: Scenario, lang: str = "en") -> str:
    """Which timings the statements (and runway and cash on every page) include, or that there are none."""
    phrases = timing_phrases(scenario, lang)
    if not phrases:
        return t("statement.timing.none", lang)
    return t("statement.timing.caption", lang, timings=t("statement.timing.list_sep", lang).join(phrases))


def tax_formula(rule: str, lang: str = "en") -> str:
    """A profit tax rule's formula as :func:`core.engine.projection.profit_tax` and :func:`core.engine.books.filed_tax`
    compute it, with the constants they use."""
    return t(f"statement.tax.{rule}", lang, small_rate=fmt.percent(books.SMALL_LOW_PROFIT_RATE, 0),
             small_limit=f"{books.SMALL_LOW_PROFIT_LIMIT:,.0f}", small_heads=books.SMALL_LOW_PROFIT_HEADS,
             us_limit=fmt.percent(books.US_LOSS_LIMIT, 0))


def summary_lines(s: Statements) -> pd.DataFrame:
    """The investor's summary by year (money): :data:`SUMMARY`'s lines, a column per calendar year of the plan."""
    frames = {statement: lines(s, statement, "year") for statement in dict.fromkeys(st for st, _ in SUMMARY)}
    rows = [frames[statement].loc[line] for statement, line in SUMMARY]
    return data_frame(rows, index=[f"{st}.{line}" for st, line in SUMMARY])


def summary_frame(s: Statements, currency: str, lang: str = "en") -> pd.DataFrame:
    """The investor's yearly P&L and cash summary as shown: the line, then each year in the reader's units."""
    return _readable(summary_lines(s), [label(st, line, lang) for st, line in SUMMARY], period_labels(s, "year", lang),
                     currency, lang)


def restart_note(scenario: Scenario, p: Projection, lang: str = "en") -> str | None:
    """What a re-forecast's balance sheet opens with (:func:`opening_note` of its statements, its history's months)."""
    return opening_note(statements(scenario, p), scenario.company.currency, lang, scenario.settings.history_months)
