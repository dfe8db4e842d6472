"""When money moves: billing and collection, paying suppliers, VAT, and profit tax as filed.

The P&L lines of :mod:`core.engine.projection` say what is earned and incurred in a month; this module says
when it is paid, as line items on the same (paths, months) grid, so the cash follows the books:

- **Billing** (per stream, net of VAT): ``monthly`` bills ``M_t = R_t``; ``annual`` bills a twelfth of the
  customers twelve months ahead, ``M_t = (R_t + … + R_{t+11}) / 12``; of that, the ``upfront_share`` ``u`` is
  billed ``L`` = ``upfront_months`` ahead of its revenue: ``B_t = (1 − u) M_t + u R_{t+L}``. Revenue past the horizon stays at its last
  month's. Deferred revenue is what is billed and not yet earned.
- **Collection**: customers owe ``(1 + vat_rate) B_t`` and pay it ``payment_days`` later (``D`` days:
  ``k = D // 30`` whole months and ``f = D % 30 / 30`` of the next, ``due_t = (1 − f) G_{t−k} + f G_{t−k−1}``);
  ``bad_debt_share`` of what falls due is written off (an expense) instead.
- **Paying**: the cost of revenue is paid ``ai_costs.payment_days`` after its month, operating costs other than
  payroll ``opex.payment_days`` after (both gross of their input VAT); payroll in its month; a one-off cost
  gross in ``instalments`` equal monthly parts from its month.
- **VAT**: output VAT on what is billed less input VAT on what is incurred, summed over each filing period
  (month or calendar quarter) with the credit carried from earlier periods, paid the month after the period when
  positive (a Lindley recursion, as the tax losses); ``surcharge_rate`` × the VAT paid is paid and expensed with it.
- **Opening balances**: the months before the start ran at month 0's rate, so the company starts with the
  receivables, payables, deferred revenue and VAT that rate leaves (in the starting cash's balance sheet).
- **Profit tax as filed** (:func:`filed_tax`): yearly rules with prepayments, settlement and losses that expire.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from core.engine.running import running_total
from core.model import Scenario, Tax

DAYS_PER_MONTH = 30
SMALL_LOW_PROFIT_RATE = 0.05
"""China's small low-profit enterprise: 5 % of taxable income (25 % of it taxed at 20 %), 2023–2027."""
SMALL_LOW_PROFIT_LIMIT = 3_000_000.0
"""The year's taxable income up to which the small low-profit rate applies (CNY; read in the scenario currency)."""
SMALL_LOW_PROFIT_HEADS = 300
US_LOSS_LIMIT = 0.8
"""A US net operating loss offsets at most 80 % of a year's taxable income (losses since 2018)."""
FILING = {
    # rule: ((calendar month paid, year offset, calendar month the year-to-date runs through), ...), settled
    "china": (((4, 0, 3), (7, 0, 6), (10, 0, 9), (1, 1, 12)), (5, 1)),
    "us": (((4, 0, 3), (6, 0, 5), (9, 0, 8), (12, 0, 11)), (4, 1)),
}
"""When each yearly rule pays: prepayments on the year-to-date profit, then the settlement of the year."""


def uses_timing(scenario: Scenario) -> bool:
    """Whether any billing, payment or VAT setting moves cash away from the month it is earned or incurred."""
    streams = any(s.billing != "monthly" or s.payment_days or s.bad_debt_share or s.upfront_share or s.vat_rate
                  for s in scenario.streams)
    costs = (scenario.ai_costs.payment_days or scenario.ai_costs.vat_rate or scenario.opex.payment_days
             or scenario.opex.vat_rate or any(c.instalments > 1 or c.vat_rate for c in scenario.opex.one_off_costs))
    return bool(streams or costs)


@dataclass(frozen=True)
class Timing:
    """The cash timing of the month's lines (money per month, (rows, months)) and the opening balances ((rows, 1)).

    ``billed`` and ``output_vat``: billed to customers, net, and its VAT; ``collected``: cash from customers, gross;
    ``bad_debt``: written off, gross (an expense); ``incurred``: costs other than payroll, gross of input VAT, as
    they fall (one-offs in their month); ``paid``: cash to suppliers, gross; ``input_vat``: VAT credited on costs;
    ``vat_paid``: net VAT paid to the tax office; ``surcharges``: paid with it (an expense). ``opening``:
    receivables, deferred revenue, payables and VAT payable (a credit is negative) at the start.
    """

    billed: np.ndarray
    output_vat: np.ndarray
    collected: np.ndarray
    bad_debt: np.ndarray
    incurred: np.ndarray
    paid: np.ndarray
    input_vat: np.ndarray
    vat_paid: np.ndarray
    surcharges: np.ndarray
    opening: dict[str, np.ndarray]


def _rows(*lines: np.ndarray | float) -> int:
    return max(np.shape(x)[0] if np.ndim(x) == 2 else 1 for x in lines)


def _grid(x: np.ndarray | float, rows: int, months: int) -> np.ndarray:
    return np.array(np.broadcast_to(x, (rows, months)), dtype=float)


def _extended(x: np.ndarray, before: int, after: int) -> np.ndarray:
    """``x`` with ``before`` copies of its first month in front and ``after`` copies of its last behind."""
    return np.concatenate([np.repeat(x[:, :1], before, axis=1), x, np.repeat(x[:, -1:], after, axis=1)], axis=1)


def delayed(x: np.ndarray, days: int) -> np.ndarray:
    """``x`` paid ``days`` later: ``(1 − f) x_{t−k} + f x_{t−k−1}`` with ``k = days // 30``, ``f = days % 30 / 30``
    and the months before the start at month 0's value."""
    if not days:
        return x
    k, part = divmod(days, DAYS_PER_MONTH)
    f = part / DAYS_PER_MONTH
    months = x.shape[1]
    ext = _extended(x, k + 1, 0)
    return (1 - f) * ext[:, 1 : 1 + months] + f * ext[:, :months]


def billed(revenue: np.ndarray, billing: str, upfront: float, lead: int) -> tuple[np.ndarray, np.ndarray]:
    """(billed net of VAT by month, deferred revenue at the start (rows, 1)) of one stream's revenue."""
    months = revenue.shape[1]
    rows = revenue.shape[0]
    bills, opening = revenue, np.zeros((rows, 1))
    if billing == "annual":
        ahead = running_total(_extended(revenue, 0, 11))
        ahead = np.concatenate([np.zeros((rows, 1)), ahead], axis=1)
        bills = (ahead[:, 12 : 12 + months] - ahead[:, :months]) / 12
        opening = (revenue[:, :11] @ (np.arange(11, 0, -1) / 12.0)).reshape(-1, 1)
    if upfront:  # with no lead too: an annual plan's upfront share is then billed as it is earned
        ext = _extended(revenue, 0, lead)
        bills = (1 - upfront) * bills + upfront * ext[:, lead : lead + months]
        opening = (1 - upfront) * opening + upfront * ext[:, :lead].sum(axis=1, keepdims=True)
    return bills, opening


def _carried(net: np.ndarray) -> np.ndarray:
    """What each period pays of a running net tax owed, excess credits carried forward: ``max(0, net_p − credit)``
    with ``credit_p = max(0, credit_{p−1} − net_p)`` (Lindley's recursion, as for tax losses, in closed form)."""
    running = -np.cumsum(net, axis=1)
    credit = running - np.minimum(np.minimum.accumulate(running, axis=1), 0.0)
    before = np.concatenate([np.zeros((net.shape[0], 1)), credit[:, :-1]], axis=1)
    return np.maximum(net - before, 0.0)


def vat_payments(net: np.ndarray, quarterly: bool, start: date) -> tuple[np.ndarray, np.ndarray]:
    """(VAT paid by month, VAT payable at the start (rows, 1)) for the month's net VAT (output − input).

    The periods are months or calendar quarters; each pays the month after it ends. The months before the start
    ran at month 0's net, from the start of the period paid in month 0 on."""
    months = net.shape[1]
    offset = (start.month - 1) % 3 if quarterly else 0
    before = (3 + offset if offset == 0 else offset) if quarterly else 1
    ext = _extended(net, before, 0)
    size = 3 if quarterly else 1
    ends = np.arange(size - 1, ext.shape[1], size)  # each period's last month on the extended grid
    sums = np.add.reduceat(ext, np.arange(0, ext.shape[1], size), axis=1)[:, : len(ends)]
    pay = _carried(sums)
    paid = np.zeros((net.shape[0], months + before + 1))
    paid[:, ends + 1] = pay
    owed_before = ext[:, :before].sum(axis=1, keepdims=True) - paid[:, :before].sum(axis=1, keepdims=True)
    return paid[:, before : before + months], owed_before


def timing(scenario: Scenario, revenue_by_stream: Sequence[np.ndarray], partner_revenue: np.ndarray | float,
           cost_of_revenue: dict[str, np.ndarray | float], opex: dict[str, np.ndarray | float],
           one_offs: Sequence[tuple[np.ndarray | float, int]]) -> Timing:
    """The cash timing of one projection's lines (see the module's conventions).

    ``opex`` are the operating costs other than payroll and one-offs (sales & marketing, G&A, other, recruiting,
    grant matching); ``one_offs`` each one-off cost's line (its cost in its month) and its instalments, in the
    scenario's order.
    """
    months = scenario.settings.horizon_months
    rows = _rows(*revenue_by_stream, partner_revenue, *cost_of_revenue.values(), *opex.values(),
                 *(c for c, _ in one_offs))
    zero = np.zeros((rows, months))
    bills, vat_out, collected, bad_debt = zero.copy(), zero.copy(), zero.copy(), zero.copy()
    receivable, deferred = np.zeros((rows, 1)), np.zeros((rows, 1))
    for stream, revenue in zip(scenario.streams, revenue_by_stream, strict=False):
        net, opening = billed(_grid(revenue, rows, months), stream.billing, stream.upfront_share, stream.upfront_months)
        gross = (1 + stream.vat_rate) * net
        due = delayed(gross, stream.payment_days)
        bills += net
        vat_out += stream.vat_rate * net
        collected += (1 - stream.bad_debt_share) * due
        bad_debt += stream.bad_debt_share * due
        deferred += opening
        receivable += gross[:, :1] * stream.payment_days / DAYS_PER_MONTH
    bills += partner_revenue  # a partner pays in the month it owes, without VAT
    collected += partner_revenue

    ai, ox = scenario.ai_costs, scenario.opex
    credited = 0.0 if scenario.vat.small_scale else 1.0  # a small-scale taxpayer's costs are entered as paid
    vat_in = zero.copy()
    cor = _grid(sum(cost_of_revenue.values()), rows, months)
    cor_vat = credited * ai.vat_rate * _grid(cost_of_revenue["inference"] + cost_of_revenue["hosting"], rows, months)
    other = _grid(sum(opex.values()), rows, months)
    other_vat = credited * ox.vat_rate * _grid(opex["sales_marketing"] + opex["general_admin"] + opex["other"], rows,
                                               months)
    incurred = cor + cor_vat + other + other_vat
    paid = delayed(cor + cor_vat, ai.payment_days) + delayed(other + other_vat, ox.payment_days)
    payable = ((cor + cor_vat)[:, :1] * ai.payment_days + (other + other_vat)[:, :1] * ox.payment_days) / DAYS_PER_MONTH
    vat_in += cor_vat + other_vat
    for cost, (line, parts) in zip(ox.one_off_costs, one_offs, strict=True):
        rate = credited * cost.vat_rate
        line = _grid(line, rows, months) * (1 + rate)
        vat_in += rate / (1 + rate) * line
        incurred += line
        for k in range(parts):
            paid[:, k:] += line[:, : months - k] / parts
    vat_paid, vat_owed = vat_payments(vat_out - vat_in, scenario.vat.filing == "quarterly", scenario.company.start_date)
    return Timing(billed=bills, output_vat=vat_out, collected=collected, bad_debt=bad_debt, incurred=incurred,
                  paid=paid, input_vat=vat_in, vat_paid=vat_paid, surcharges=scenario.vat.surcharge_rate * vat_paid,
                  opening={"receivables": receivable, "deferred_revenue": deferred, "payables": payable,
                           "vat_payable": vat_owed})


# --- profit tax as filed ----------------------------------------------------------------------


def filed_tax(tax: Tax, rate: np.ndarray | float, profit: np.ndarray, opening_losses: np.ndarray | float,
              headcount: np.ndarray | float, start: date) -> tuple[np.ndarray, np.ndarray]:
    """(tax expense, tax paid) by month under a yearly rule (``tax.rule`` ``china`` or ``us``), from the month's
    taxable profit before losses (``profit``, (rows, months)).

    Each calendar year ``y`` (the first from the start month) with profit ``P_y`` and losses ``A_y`` available at
    its start (``opening_losses`` as last year's)::

        used_y    = min(A_y, max(P_y, 0))          china: oldest first; us: min(A_y, 0.8 max(P_y, 0))
        taxable_y = max(P_y, 0) − used_y
        tax_y     = rate taxable_y                 china small low-profit: 5 % while taxable_y <= 3,000,000
                                                   and the year's headcount <= 300
        A_{y+1}   = A_y − used_y + max(−P_y, 0)    less what expires (china: a loss after ``loss_years``)

    The expense of a month is the change in the tax on the year to date (the same formula on the profit so far);
    the prepayments (:data:`FILING`) pay that tax to date less what the year has paid, never below 0, and the
    settlement the rest (a refund when negative). Payments after the horizon are not made within it.
    """
    months = profit.shape[1]
    rows = max(profit.shape[0], np.size(rate), np.size(opening_losses), np.shape(np.atleast_2d(headcount))[0])
    profit = np.broadcast_to(profit, (rows, months))  # a drawn rate, losses or team gives a row per path
    first = start.month - 1  # calendar month index of month 0
    year_of = (first + np.arange(months)) // 12
    years = int(year_of[-1]) + 1
    rate_row = np.broadcast_to(np.asarray(rate, dtype=float).reshape(-1, 1), (rows, 1))[:, 0]
    heads = np.broadcast_to(headcount, (rows, months))
    pool: list[tuple[np.ndarray, float]] = [
        (np.broadcast_to(np.asarray(opening_losses, dtype=float).reshape(-1), (rows,)).copy(), -1.0)]
    life = tax.loss_years if tax.rule == "china" else np.inf
    limit = US_LOSS_LIMIT if tax.rule == "us" else 1.0
    accrued = np.zeros((rows, months))
    year_tax = np.zeros((rows, years))
    for y in range(years):
        cols = np.flatnonzero(year_of == y)
        pool = [(a, born) for a, born in pool if y - born <= life]
        available = sum((a for a, _ in pool), np.zeros(rows))
        to_date = np.cumsum(profit[:, cols], axis=1)
        small = tax.rule == "china" and tax.small_low_profit
        small_heads = heads[:, cols].max(axis=1) <= SMALL_LOW_PROFIT_HEADS if small else np.zeros(rows, bool)

        def owed(so_far: np.ndarray, available=available, small_heads=small_heads) -> np.ndarray:
            gain = np.maximum(so_far, 0.0)
            taxable = gain - np.minimum(available[:, None], limit * gain)
            low = small_heads[:, None] & (taxable <= SMALL_LOW_PROFIT_LIMIT) & (rate_row[:, None] > 0)  # 0: no tax
            return np.where(low, SMALL_LOW_PROFIT_RATE, rate_row[:, None]) * taxable

        accrued[:, cols] = owed(to_date)
        year_tax[:, y] = accrued[:, cols[-1]]
        total = to_date[:, -1]
        used = np.minimum(available, limit * np.maximum(total, 0.0))
        for i, (amount, _) in enumerate(pool):  # oldest first
            take = np.minimum(amount, used)
            pool[i] = (amount - take, pool[i][1])
            used = used - take
        pool.append((np.maximum(-total, 0.0), float(y)))
    expense = np.diff(accrued, axis=1, prepend=0.0)
    year_start = np.flatnonzero(np.diff(year_of, prepend=-1))
    expense[:, year_start] = accrued[:, year_start]
    paid = np.zeros((rows, months))
    prepay, (settle_month, settle_offset) = FILING[tax.rule]

    def month_index(year: int, calendar_month: int) -> int:
        return year * 12 + calendar_month - 1 - first

    for y in range(years):
        so_far = np.zeros(rows)
        for pay_month, offset, through in prepay:
            t, upto = month_index(y + offset, pay_month), month_index(y, through)
            if upto < 0 or t >= months or year_of[min(upto, months - 1)] != y:
                continue
            amount = np.maximum(accrued[:, min(upto, months - 1)] - so_far, 0.0)
            paid[:, t] += amount
            so_far = so_far + amount
        t = month_index(y + settle_offset, settle_month)
        if 0 <= t < months:
            paid[:, t] += year_tax[:, y] - so_far
    return expense, paid
