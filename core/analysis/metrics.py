"""Metrics of a projection: runway, break-even, default alive, burn multiple, NPV/IRR, ...

Over 400 lines because most of it is numpy-style docstrings with doctests: each metric is short.

Array functions take (paths, months) arrays and return one value per path.
``summarize`` collects the headline figures of one path for pages and the CLI.

Conventions
-----------
- "Free cash flow" is EBITDA: revenue minus cost of revenue minus opex (one-off
  training runs and hardware included), before funding and debt service.
- NPV discounts at ``r_m = (1 + r_yearly)^(1/12) - 1`` a month, by the scenario's
  ``settings.cash_flow_timing``: ``"end"`` (the default, as spreadsheets and most finance
  texts) puts month ``t``'s flow at the end of its month, discounted by ``(1 + r_m)^-(t+1)``;
  ``"start"`` puts it at the start, ``(1 + r_m)^-t``, month 0 undiscounted (numpy-financial's
  ``npv``). No terminal value is added.
- IRR is the monthly IRR of the free cash flows, compounded to a yearly rate. Shifting every
  flow by one month does not change it, so it is the same under both timings.
- "Never" is -1 for month indices (break-even, payback).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import numpy_financial as npf

from core.engine.projection import Projection, month_date
from core.engine.running import running_total
from core.model import Settings

BURN_MULTIPLE_GRADES = ((1.0, "amazing"), (1.5, "great"), (2.0, "good"), (3.0, "suspect"))
YEAR = 12
IRR_MEANINGFUL_YEARLY = 10.0  # above 1,000 % a year an IRR says nothing a founder can use
Timing = Literal["end", "start"]


def monthly_rate(rate_yearly: float) -> float:
    """Monthly rate compounding to ``rate_yearly``: ``(1 + y)^(1/12) - 1``.

    >>> round(monthly_rate(0.5), 6)
    0.034366
    """
    return (1 + rate_yearly) ** (1 / 12) - 1


def first_month(condition: np.ndarray) -> np.ndarray:
    """Index of the first True along the months axis per path, -1 where never.

    >>> first_month(np.array([[False, True, True], [False, False, False]]))
    array([ 1, -1])
    """
    hit = condition.any(axis=1)
    return np.where(hit, condition.argmax(axis=1), -1)


def runway_months(cash: np.ndarray) -> np.ndarray:
    """Whole months until the month-end cash balance first drops below zero.

    Parameters
    ----------
    cash : ndarray, shape (paths, months)
        End-of-month cash balance.

    Returns
    -------
    ndarray, shape (paths,)
        Months of runway; ``months`` (the horizon) where cash never runs out.

    >>> runway_months(np.array([[300.0, 100.0, -50.0, -200.0]]))
    array([2])
    """
    first = first_month(cash < 0)
    return np.where(first < 0, cash.shape[1], first)


def runway_exact(cash: np.ndarray, starting_cash: np.ndarray) -> np.ndarray:
    """Runway in fractional months: whole months plus the share of the month cash lasts.

    Inside the month where the balance turns negative, cash is taken to fall linearly,
    so ``floor(runway_exact) == runway_months``; the horizon where cash never runs out.

    >>> runway_exact(np.array([[300.0, 100.0, -50.0, -200.0]]), np.array([400.0]))
    array([2.66666667])
    """
    first = first_month(cash < 0)
    before = np.concatenate([starting_cash[:, None], cash], axis=1)
    idx = np.maximum(first, 0)
    rows = np.arange(cash.shape[0])
    prev, now = before[rows, idx], cash[rows, idx]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        part = np.where(prev > 0, prev / (prev - now), 0.0)
    return np.where(first < 0, float(cash.shape[1]), first + part)


def break_even_month(ebitda: np.ndarray) -> np.ndarray:
    """First month with EBITDA >= 0 (operating break-even); -1 when never in the horizon."""
    return first_month(ebitda >= 0)


def cash_without_new_money(p: Projection) -> np.ndarray:
    """Month-end cash if no round closes: starting cash plus the cumulative cash from operations (EBITDA after
    the timing of bills, payments, VAT and profit tax: :attr:`Projection.operating_cash`)."""
    return p.starting_cash[:, None] + running_total(p.operating_cash)


def default_alive(p: Projection) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Paul Graham's test: with no new money, is break-even reached before cash runs out?

    Returns
    -------
    alive : ndarray of bool, shape (paths,)
    break_even : ndarray of int, shape (paths,)
        First month with EBITDA >= 0, -1 when not in the horizon.
    capital_needed : ndarray, shape (paths,)
        New money needed to reach break-even: the deepest shortfall of cash without
        new money up to break-even (up to the horizon when it never comes).
    """
    cash = cash_without_new_money(p)
    be = break_even_month(p.ebitda)
    upto = np.where(be < 0, p.months - 1, be)
    before = np.arange(p.months)[None, :] <= upto[:, None]
    trough = np.where(before, cash, np.inf).min(axis=1)
    capital_needed = np.maximum(0.0, -trough)
    return (be >= 0) & (capital_needed == 0), be, capital_needed


def peak_funding_need(flows: np.ndarray) -> np.ndarray:
    """Deepest point of cumulative free cash flow (``flows``: :attr:`Projection.operating_cash`; the J-curve
    trough), as a positive amount."""
    return np.maximum(0.0, -running_total(flows).min(axis=1))


def payback_month(flows: np.ndarray) -> np.ndarray:
    """First month from which cumulative free cash flow (``flows``) stays >= 0; -1 when never."""
    cum = running_total(flows)
    negative = cum < 0
    last_negative = np.where(negative.any(axis=1), cum.shape[1] - 1 - negative[:, ::-1].argmax(axis=1), -1)
    return np.where(last_negative + 1 < cum.shape[1], last_negative + 1, -1)


def npv(flows: np.ndarray, discount_rate_yearly: float, *, timing: Timing) -> np.ndarray:
    """Net present value at the start of month 0 of monthly free cash flows, per path.

    Parameters
    ----------
    flows : ndarray, shape (paths, months)
        Monthly free cash flow (:attr:`Projection.operating_cash`), in the scenario's currency.
    discount_rate_yearly : float
        Yearly discount rate (a decimal), applied monthly.
    timing : "end" or "start"
        Where in its month a flow falls: ``"end"`` discounts month ``t`` by ``t + 1`` months
        (a spreadsheet's ``NPV(rate, range)``), ``"start"`` by ``t`` months (numpy-financial).

    >>> rate = 1.1 ** 12 - 1  # 10 % a month
    >>> npv(np.array([[-100.0, 121.0]]), rate, timing="start").round(6)  # -100 + 121 / 1.1
    array([10.])
    >>> npv(np.array([[-100.0, 121.0]]), rate, timing="end").round(6)  # -100 / 1.1 + 121 / 1.21 = 100 / 11
    array([9.090909])
    """
    shift = 1 if timing == "end" else 0
    factors = (1 + monthly_rate(discount_rate_yearly)) ** -(np.arange(flows.shape[1]) + shift)
    return flows @ factors


def scenario_npv(flows: np.ndarray, settings: Settings) -> np.ndarray:
    """:func:`npv` at the scenario's discount rate and cash-flow timing."""
    return npv(flows, settings.discount_rate_yearly, timing=settings.cash_flow_timing)


IrrStatus = Literal["ok", "several", "borrowing", "not_meaningful", "none"]


@dataclass(frozen=True)
class Irr:
    """The yearly IRR of one path's monthly flows, with what a reader must know about it.

    ``rate_yearly`` is the rate shown (a decimal), None when no rate is meaningful.
    ``status``: ``ok`` (one rate); ``several`` (the flows change sign more than once and
    every rate in ``rates_yearly`` solves them; the one closest to 0 is shown); ``borrowing``
    (the first flow is money in: the rate is a cost of money, not a return; not shown);
    ``not_meaningful`` (above 1,000 % a year; not shown); ``none`` (no rate solves the flows).
    """

    rate_yearly: float | None
    status: IrrStatus
    rates_yearly: tuple[float, ...] = ()


def irr(flows: np.ndarray) -> Irr:
    """Yearly IRR of one path's monthly flows, via numpy-financial (the rate closest to 0).

    >>> round(irr(np.array([-100.0, 110.0])).rate_yearly, 4)  # 10 % a month
    2.1384
    >>> irr(np.array([100.0, -110.0])).status, irr(np.array([-100.0, 230.0, -132.0])).status
    ('borrowing', 'several')
    """
    flows = np.asarray(flows, dtype=float)
    nonzero = flows[flows != 0]
    if nonzero.size == 0 or (nonzero > 0).all() or (nonzero < 0).all():
        return Irr(None, "none")
    monthly = npf.irr(flows)
    if not np.isfinite(monthly) or monthly <= -1:
        return Irr(None, "none")
    yearly = float((1 + monthly) ** 12 - 1)
    if nonzero[0] > 0:
        return Irr(None, "borrowing", (yearly,))
    if yearly > IRR_MEANINGFUL_YEARLY:
        return Irr(None, "not_meaningful", (yearly,))
    if np.count_nonzero(np.diff(np.sign(nonzero))) > 1:
        rates = _all_yearly_rates(flows)
        if len(rates) > 1:
            return Irr(yearly, "several", rates)
    return Irr(yearly, "ok", (yearly,))


def _all_yearly_rates(flows: np.ndarray) -> tuple[float, ...]:
    """Every real monthly rate > -100 % that zeroes the NPV, compounded to yearly, ascending.

    The same polynomial roots numpy-financial's ``irr`` picks its answer from.
    """
    roots = np.roots(flows[::-1])
    real = roots[(np.abs(roots.imag) < 1e-9) & (roots.real > 0)].real
    with np.errstate(over="ignore"):
        yearly = (1 / real) ** 12 - 1
    return tuple(sorted({round(float(y), 9) for y in yearly if np.isfinite(y)}))


def burn_multiple(p: Projection) -> np.ndarray:
    """Net burn over months 1-12 divided by the ARR added over them (D. Sacks).

    NaN where the company does not burn (nothing to grade); +inf where it burns
    but adds no ARR. :func:`burn_multiple_state` names the three cases.
    """
    end = min(YEAR, p.months - 1)
    burn = p.net_burn[:, 1 : end + 1].sum(axis=1)
    added = p.arr[:, end] - p.arr[:, 0]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(added > 0, burn / np.where(added > 0, added, 1), np.inf)
    return np.where(burn > 0, ratio, np.nan)


BurnState = Literal["graded", "not_burning", "no_arr_added"]


def burn_multiple_state(value: float) -> BurnState:
    """``not_burning`` (NaN), ``no_arr_added`` (burning, +inf) or ``graded`` (a finite multiple)."""
    if np.isnan(value):
        return "not_burning"
    return "no_arr_added" if np.isinf(value) else "graded"


def burn_multiple_grade(value: float) -> str:
    """Sacks's grades: < 1 amazing, 1-1.5 great, 1.5-2 good, 2-3 suspect, > 3 bad."""
    if np.isnan(value):
        return "not burning"
    for limit, grade in BURN_MULTIPLE_GRADES:
        if value < limit:
            return grade
    return "suspect" if value == 3.0 else "bad"


def stream_shares(stream_revenue: np.ndarray, months: slice = slice(0, YEAR)) -> np.ndarray:
    """Each stream's share of revenue over ``months``, shape (paths, streams); 0 without revenue."""
    totals = stream_revenue[:, :, months].sum(axis=2)
    all_revenue = totals.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(all_revenue > 0, totals / all_revenue, 0.0)


def herfindahl(stream_revenue: np.ndarray) -> np.ndarray:
    """Concentration of first-year revenue across streams: 1/n for n equal streams, 1 for one.

    >>> herfindahl(np.array([[[1.0] * 12, [3.0] * 12]]))
    array([0.625])
    """
    return (stream_shares(stream_revenue) ** 2).sum(axis=1)


def recurring_share(p: Projection) -> np.ndarray:
    """Share of first-year revenue from recurring streams (subscription, usage, data)."""
    return _ratio(p.mrr[:, :YEAR].sum(axis=1), p.revenue[:, :YEAR].sum(axis=1))


def revenue_growth_yearly(p: Projection) -> np.ndarray:
    """Year-2 revenue over year-1 revenue minus 1 (a decimal); NaN without revenue.

    Horizons shorter than 24 months annualise the growth from month 0 to month 11.
    """
    rev = p.revenue
    if p.months >= 2 * YEAR:
        return _ratio(rev[:, YEAR : 2 * YEAR].sum(axis=1), rev[:, :YEAR].sum(axis=1)) - 1
    return _ratio(rev[:, YEAR - 1], rev[:, 0]) ** (12 / 11) - 1


def rule_of_40(p: Projection) -> np.ndarray:
    """Year-2 revenue growth % plus year-2 EBITDA margin %, in percent.

    Needs 24 months; with a shorter horizon, growth is annualised month 0 to 11 and the
    margin is year one's. NaN without revenue, and where revenue is so small against costs
    that the margin overflows (no Rule of 40 is meaningful then).
    """
    year = slice(YEAR, 2 * YEAR) if p.months >= 2 * YEAR else slice(0, YEAR)
    margin = _ratio(p.ebitda[:, year].sum(axis=1), p.revenue[:, year].sum(axis=1))
    with np.errstate(over="ignore", invalid="ignore"):
        value = 100 * (revenue_growth_yearly(p) + margin)
    return np.where(np.isfinite(value), value, np.nan)


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a / b`` where ``b > 0``; NaN elsewhere and where the quotient overflows (a subnormal ``b``).

    >>> _ratio(np.array([1.0, 1.0, 1.0]), np.array([4.0, 0.0, 1e-320]))
    array([0.25,  nan,  nan])
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)
        return np.where(np.isfinite(out), out, np.nan)


def gross_margin(p: Projection, months: slice = slice(0, YEAR)) -> np.ndarray:
    """Gross profit / revenue over ``months`` (the first year by default); NaN without revenue."""
    return _ratio(p.gross_profit[:, months].sum(axis=1), p.revenue[:, months].sum(axis=1))


@dataclass(frozen=True)
class UnitEconomics:
    """Subscription unit economics over the first year (None without subscribers).

    arpa: revenue per paying customer per month; cac: blended acquisition cost
    (marketing + CAC spend + sales payroll) per new paying customer; ltv =
    arpa * gross margin / churn; payback in months = cac / (arpa * gross margin).
    """

    arpa: float
    churn_monthly: float
    cac: float | None
    ltv: float
    ltv_to_cac: float | None
    cac_payback_months: float | None


def unit_economics(p: Projection, path: int = 0) -> UnitEconomics | None:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # subnormal inputs overflow to inf
        return _unit_economics(p, path)


def _unit_economics(p: Projection, path: int) -> UnitEconomics | None:
    year = slice(0, min(YEAR, p.months))
    subs = [i for i, k in enumerate(p.stream_kinds) if k == "subscription"]
    customer_months = p.customers[path, year].sum()
    if not subs or customer_months <= 0:
        return None
    sub_revenue = p.stream_revenue[path, subs, year].sum()
    arpa = sub_revenue / customer_months
    added = p.new_customers[path, year].sum()
    at_start = p.customers[path, year] + p.churned_customers[path, year] - p.new_customers[path, year]
    churn = p.churned_customers[path, year].sum() / at_start.sum() if at_start.sum() > 0 else 0.0
    gm = float(gross_margin(p, year)[path])
    margin_per_month = arpa * gm
    ltv = margin_per_month / churn if churn > 0 else np.inf
    spend = (p.opex["sales_marketing"][path, year].sum() + p.payroll_by_function["sales"][path, year].sum())
    cac = spend / added if added > 0 else None
    return UnitEconomics(
        arpa=float(arpa),
        churn_monthly=float(churn),
        cac=None if cac is None else float(cac),
        ltv=float(ltv),
        ltv_to_cac=None if not cac else float(ltv / cac),
        cac_payback_months=None if cac is None or margin_per_month <= 0 else float(cac / margin_per_month),
    )


def return_on_cost(p: Projection, path: int = 0) -> tuple[float, float]:
    """(simple return on total cost over the horizon, the same per year, not compounded).

    NaN without cost, and where the cost is so small against revenue that the ratio
    overflows (a subnormal cost share): no return on cost is meaningful then.
    """
    cost = p.cost_of_revenue[path].sum() + p.opex_total[path].sum()
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        total = p.revenue[path].sum() / cost - 1 if cost > 0 else np.nan
    if not np.isfinite(total):
        total = np.nan
    return float(total), float(total / (p.months / YEAR))


@dataclass(frozen=True)
class Summary:
    """Headline figures of one path, in the scenario's currency where money."""

    cash_now: float
    cash_end: float
    runway_months: int
    runs_out: bool
    zero_cash_date: date | None
    break_even_month: int | None
    default_alive: bool
    capital_needed: float
    burn_multiple: float
    burn_multiple_state: BurnState
    burn_multiple_grade: str
    gross_margin: float
    npv: float
    cash_flow_timing: Timing
    irr: Irr
    payback_month: int | None
    peak_funding_need: float
    herfindahl: float
    rule_of_40: float
    return_on_cost: float
    return_on_cost_yearly: float
    unit_economics: UnitEconomics | None


def summarize(p: Projection, settings: Settings, path: int = 0) -> Summary:
    """The figures the Overview, the CLI and the share view show, for one path.

    ``settings`` gives the discount rate and the cash-flow timing of the NPV.
    """
    runway = int(runway_months(p.cash)[path])
    alive, be, needed = default_alive(p)
    bm = float(burn_multiple(p)[path])
    payback = int(payback_month(p.operating_cash)[path])
    roc, roc_yearly = return_on_cost(p, path)
    return Summary(
        cash_now=float(p.starting_cash[path]),
        cash_end=float(p.cash[path, -1]),
        runway_months=runway,
        runs_out=runway < p.months,
        zero_cash_date=month_date(p.start_date, runway) if runway < p.months else None,
        break_even_month=None if be[path] < 0 else int(be[path]),
        default_alive=bool(alive[path]),
        capital_needed=float(needed[path]),
        burn_multiple=bm,
        burn_multiple_state=burn_multiple_state(bm),
        burn_multiple_grade=burn_multiple_grade(bm),
        gross_margin=float(gross_margin(p)[path]),
        npv=float(scenario_npv(p.operating_cash[path : path + 1], settings)[0]),
        cash_flow_timing=settings.cash_flow_timing,
        irr=irr(p.operating_cash[path]),
        payback_month=None if payback < 0 else payback,
        peak_funding_need=float(peak_funding_need(p.operating_cash)[path]),
        herfindahl=float(herfindahl(p.stream_revenue)[path]),
        rule_of_40=float(rule_of_40(p)[path]),
        return_on_cost=roc,
        return_on_cost_yearly=roc_yearly,
        unit_economics=unit_economics(p, path),
    )
