"""The three statements of one path, month by month: profit and loss, balance sheet and cash flow.

Built from a projection's lines (:mod:`core.engine.projection`, :mod:`core.engine.books`), each balance by its own
running total, so the balance sheet balancing is a check of the engine, not a definition:

- receivables ``= opening + Σ (billed + output VAT − collected − written off)``
- deferred revenue ``= opening + Σ (billed − revenue)``
- payables ``= opening + Σ (costs incurred gross − paid)``
- VAT payable ``= opening + Σ (output VAT − input VAT − VAT paid)`` (a receivable when negative: a credit carried)
- tax payable ``= Σ (tax expense − tax paid)`` (prepaid tax when negative)
- loans ``= Σ (drawn − principal repaid)``; SAFEs and notes at their amount until they convert at the first priced
  round after them (as the cap table has it; a note's interest only changes its shares)
- equity ``=`` the net assets at the start ``+`` equity, converted SAFEs and notes and grants received ``+`` the
  net income since the start.

A re-forecast starts with what its history leaves (``settings.history_months``): the engine's balances at the start
(:attr:`Projection.opening`, the timing's), and the SAFEs and notes of rounds before the start not yet converted.

Cash is the engine's. Hardware is expensed, so there is no investing flow and no fixed asset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from core.engine.projection import OPEX_CATEGORIES, Projection
from core.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

ASSETS = ("cash", "receivables", "vat_receivable", "tax_prepaid")
LIABILITIES = ("payables", "deferred_revenue", "vat_payable", "tax_payable", "loans", "notes", "safes")
EQUITY = ("opening_equity", "capital", "retained_earnings")
PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Statements:
    """Each statement as ordered lines of one value per month (money in the scenario's currency).

    ``pnl`` and ``cash_flow`` are flows of the month; ``balance`` holds month-end balances, with the totals
    ``total_assets``, ``total_liabilities``, ``total_equity`` and ``liabilities_and_equity``; ``opening`` the
    balances at the start.
    """

    dates: tuple[date, ...]
    pnl: dict[str, np.ndarray]
    balance: dict[str, np.ndarray]
    cash_flow: dict[str, np.ndarray]
    opening: dict[str, float]

    def imbalance(self) -> np.ndarray:
        """Total assets less liabilities and equity, every month (0 when the books balance)."""
        return self.balance["total_assets"] - self.balance["liabilities_and_equity"]


def _converting(scenario: Scenario) -> list[tuple[int, int | None]]:
    """Each SAFE or note (its index) and the month it converts (None: not within the plan), as the cap table: at
    the first priced equity round after it in month order."""
    order = sorted(range(len(scenario.funding)), key=lambda k: scenario.funding[k].month)
    out = []
    for pos, k in enumerate(order):
        if scenario.funding[k].kind not in ("safe", "note"):
            continue
        later = [scenario.funding[j] for j in order[pos + 1:]
                 if scenario.funding[j].kind == "equity" and scenario.funding[j].pre_money_valuation is not None]
        out.append((k, later[0].month if later else None))
    return out


def statements(scenario: Scenario, p: Projection, path: int = 0) -> Statements:
    """The three statements of ``path`` of the projection ``p`` of ``scenario`` (its deterministic path: 0)."""
    months = p.months
    def row(x: np.ndarray | float) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=float), p.cash.shape)[path].astype(float)

    def at_start(x: np.ndarray | float) -> float:
        return float(np.broadcast_to(np.asarray(x, dtype=float), (p.paths, 1))[path, 0])

    zero = np.zeros(months)
    revenue = row(p.revenue)
    timing = p.timing
    opening = {"receivables": 0.0, "deferred_revenue": 0.0, "payables": 0.0, "vat_payable": 0.0}
    timed = dict.fromkeys(("revenue", "billed", "output_vat", "collected", "bad_debt", "incurred", "paid",
                           "input_vat", "vat_paid"), zero)
    if timing is not None:  # the timed parts; everything else is paid as it falls
        timed = {k: row(v) for k, v in timing.lines().items()}
        opening = {k: at_start(v) for k, v in timing.opening.items()}
    opening |= {k: at_start(p.opening.get(k, 0.0)) for k in ("tax_payable", "loans")}
    opening |= {"notes": _outstanding(scenario, "note"), "safes": _outstanding(scenario, "safe")}
    billed, output_vat, collected, bad = timed["billed"], timed["output_vat"], timed["collected"], timed["bad_debt"]
    incurred, paid, input_vat, vat_paid = timed["incurred"], timed["paid"], timed["input_vat"], timed["vat_paid"]

    pnl: dict[str, np.ndarray] = {"revenue": revenue, "cost_of_revenue": row(p.cost_of_revenue),
                                  "gross_profit": row(p.gross_profit)}
    pnl |= {f"opex.{k}": row(p.opex[k]) for k in OPEX_CATEGORIES}
    pnl |= {"opex_total": row(p.opex_total), "ebitda": row(p.ebitda), "interest": row(p.interest),
            "tax_credit": row(p.tax_credit), "tax_expense": row(p.tax_expense), "net_income": row(p.net_income)}

    kinds = {k: row(v) for k, v in p.funding_by_kind.items()}
    safes, notes = _converted(scenario, "safe", months), _converted(scenario, "note", months)
    principal = row(p.debt_service) - row(p.interest)
    receivables = opening["receivables"] + np.cumsum(billed + output_vat - collected - bad)
    vat = opening["vat_payable"] + np.cumsum(output_vat - input_vat - vat_paid)
    tax_owed = opening["tax_payable"] + np.cumsum(row(p.tax_expense) - row(p.tax))
    cash = row(p.cash)
    cash0 = float(p.starting_cash[path])
    balance = {
        "cash": cash,
        "receivables": receivables,
        "vat_receivable": np.maximum(-vat, 0.0),
        "tax_prepaid": np.maximum(-tax_owed, 0.0),
        "payables": opening["payables"] + np.cumsum(incurred - paid),
        "deferred_revenue": opening["deferred_revenue"] + np.cumsum(billed - timed["revenue"]),
        "vat_payable": np.maximum(vat, 0.0),
        "tax_payable": np.maximum(tax_owed, 0.0),
        "loans": opening["loans"] + np.cumsum(kinds["debt"] - principal),
        "notes": opening["notes"] + np.cumsum(kinds["note"] - notes),
        "safes": opening["safes"] + np.cumsum(kinds["safe"] - safes),
    }
    opening_equity = (cash0 + opening["receivables"] - opening["payables"] - opening["deferred_revenue"]
                      - sum(opening[k] for k in ("vat_payable", "tax_payable", "loans", "notes", "safes")))
    balance |= {
        "opening_equity": np.full(months, opening_equity),
        "capital": np.cumsum(kinds["equity"] + kinds["grant"] + safes + notes),
        "retained_earnings": np.cumsum(pnl["net_income"]),
    }
    totals = {f"total_{part}": sum((balance[k] for k in keys), zero)
              for part, keys in (("assets", ASSETS), ("liabilities", LIABILITIES), ("equity", EQUITY))}
    balance = {**{k: balance[k] for k in ASSETS}, "total_assets": totals["total_assets"],  # each part, then its total
               **{k: balance[k] for k in LIABILITIES}, "total_liabilities": totals["total_liabilities"],
               **{k: balance[k] for k in EQUITY}, "total_equity": totals["total_equity"],
               "liabilities_and_equity": totals["total_liabilities"] + totals["total_equity"]}

    def change(x: np.ndarray, start: float) -> np.ndarray:
        return np.diff(x, prepend=start)

    cash_flow = {
        "cash_start": np.concatenate([[cash0], cash[:-1]]),
        "net_income": pnl["net_income"],
        "receivables": -change(receivables, opening["receivables"]),
        "deferred_revenue": change(balance["deferred_revenue"], opening["deferred_revenue"]),
        "payables": change(balance["payables"], opening["payables"]),
        "vat": change(vat, opening["vat_payable"]),
        "tax": change(tax_owed, opening["tax_payable"]),
    }
    cash_flow["operating"] = sum((cash_flow[k] for k in tuple(cash_flow) if k != "cash_start"), zero)
    cash_flow["investing"] = zero
    cash_flow |= {"equity_in": kinds["equity"] + kinds["safe"] + kinds["note"], "grants_in": kinds["grant"],
                  "loans_in": kinds["debt"], "loans_repaid": -principal}
    cash_flow["financing"] = cash_flow["equity_in"] + cash_flow["grants_in"] + cash_flow["loans_in"] + cash_flow["loans_repaid"]
    cash_flow["net_change"] = cash_flow["operating"] + cash_flow["investing"] + cash_flow["financing"]
    cash_flow["cash_end"] = cash
    cash_flow["cash_low"] = cash
    return Statements(tuple(p.month_dates()), pnl, balance, cash_flow,
                      {"cash": cash0, **opening, "opening_equity": opening_equity})


def _converted(scenario: Scenario, kind: str, months: int) -> np.ndarray:
    """The amounts of the SAFEs (or notes) converting, in their month of conversion (within the months shown)."""
    out = np.zeros(months)
    for k, month in _converting(scenario):
        if scenario.funding[k].kind == kind and month is not None and 0 <= month < months:
            out[month] += scenario.funding[k].amount
    return out


def _outstanding(scenario: Scenario, kind: str) -> float:
    """The SAFEs (or notes) of rounds before the start not converted by it (a re-forecast's history)."""
    return float(sum(scenario.funding[k].amount for k, month in _converting(scenario)
                     if scenario.funding[k].kind == kind and scenario.funding[k].month < 0
                     and (month is None or month >= 0)))


def period_of(day: date, period: str) -> str:
    """The period a month belongs to: ``2026-03`` (month), ``2026 Q1`` (quarter) or ``2026`` (year)."""
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def table(s: Statements, statement: str, period: str = "month") -> pd.DataFrame:
    """One statement as a table, a row per line and a column per period: flows summed over the period,
    balances (and the cash-flow statement's ``cash_end``) at its last month, ``cash_start`` at its first and
    ``cash_low`` (the lowest month-end cash) its least."""
    import pandas as pd

    lines = getattr(s, statement)
    keys = [period_of(d, period) for d in s.dates]
    columns = list(dict.fromkeys(keys))
    last = {k: i for i, k in enumerate(keys)}
    out = {}
    for name, values in lines.items():
        if statement == "balance" or name == "cash_end":
            out[name] = [values[last[c]] for c in columns]
        elif name == "cash_start":
            out[name] = [values[keys.index(c)] for c in columns]
        elif name == "cash_low":
            out[name] = [min(v for v, k in zip(values, keys, strict=True) if k == c) for c in columns]
        else:
            out[name] = [float(sum(v for v, k in zip(values, keys, strict=True) if k == c)) for c in columns]
    return pd.DataFrame.from_dict(out, orient="index", columns=columns)
