"""When money moves: billing and collection, paying suppliers, VAT, and profit tax as filed.

The P&L lines of :mod:`core.engine.projection` say what is earned and incurred in a month; this module says
when it is paid, as line items on the same (paths, months) grid, so the cash follows the books:

- **Billing** (per stream, net of VAT): ``monthly`` bills ``M_t = R_t``; ``annual`` bills a twelfth of the
  customers twelve months ahead, ``M_t = (R_t + … + R_{t+11}) / 12``; of that, the ``upfront_share`` ``u`` is
  billed ``L`` = ``upfront_months`` ahead of its revenue: ``B_t = (1 − u) M_t + u R_{t+L}``. The engine projects the
  months past the horizon the bills read (:func:`lookahead`). Deferred revenue is what is billed and not yet earned.
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
  receivables, payables, deferred revenue and VAT that rate leaves (in the starting cash's balance sheet); with
  ``settings.terms_before_start`` off the payment terms and VAT are new from month 0: nothing is owed at the start.
- **As reported**: ``company.receivables`` and ``payables`` replace the opening ones; the difference is collected
  (paid) in the first month shown.
- **History** (``settings.history_months``, a re-forecast): the lines run from the first month already run; the
  balances at the start are what those months leave (:attr:`Timing.opening`), and the lines shown start there.
- **Profit tax as filed** (:func:`filed_tax`): yearly rules with prepayments, settlement and losses that expire.

Written for Monte Carlo (``bench/books.py``): :func:`timing` adds every timed line into one working-capital array
and one VAT array in place, shifting months on the flat arrays (:func:`_add_shifted`), with a thread's scratch
arrays for what it does not keep (:func:`_scratch`); the statements' lines are built from the stored terms only when
asked (:meth:`Timing.lines`).
"""

from __future__ import annotations

import dataclasses
import functools
import threading
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
    reported = scenario.company.receivables is not None or scenario.company.payables is not None
    return bool(streams or costs or reported)


Line = np.ndarray | float
"""A line item as the engine keeps it: a float, a (1, months) row or (paths, months)."""


def lookahead(scenario: Scenario) -> int:
    """Months past the horizon whose revenue the last months' bills read: 11 for an annual plan, ``upfront_months``
    for deposits (0 without either)."""
    return max((max(11 * (s.billing == "annual"), s.upfront_months * bool(s.upfront_share)) for s in scenario.streams),
               default=0)


@dataclass(frozen=True)
class StreamTerms:
    """A timed stream (any billing, payment days, bad debt or VAT set): its revenue (money per month) and its terms
    (the stream's fields of the same names)."""

    revenue: np.ndarray
    billing: str
    upfront_share: float
    upfront_months: int
    vat_rate: float
    bad_debt_share: float
    payment_days: int

    def billed(self) -> np.ndarray:
        """Its bills, net of VAT (money per month)."""
        return billed(self.revenue, self.billing, self.upfront_share, self.upfront_months)[0]


@dataclass(frozen=True)
class CostTerms:
    """A timed cost (payment days, instalments or input VAT set): its lines (money per month, net of VAT), the part
    of them carrying input VAT at ``vat_rate``, and when it is paid: ``payment_days`` after, or in
    ``instalments`` equal monthly parts from its month."""

    lines: tuple[Line, ...]
    taxed: tuple[Line, ...]
    vat_rate: float
    payment_days: int = 0
    instalments: int = 1


@dataclass(frozen=True)
class Timing:
    """What the timed lines add to the P&L ((paths, months) or broadcasting lines, money per month): the expenses
    ``bad_debt`` (written off, gross) and ``surcharges`` (paid with the VAT). Everything not timed is paid as it
    falls and adds nothing.

    ``streams`` and ``costs`` keep the terms, so the statements' lines (:meth:`lines`) and the balances at the start
    (:attr:`opening`) are built on demand; ``before``: the balances at the first month projected. The lines run
    ``months`` from the first month projected; ``window`` (first, count) are the months shown (those after a
    re-forecast's history, before the months the bills read ahead). ``reported``: the company's receivables and
    payables at the start as its books report them, ``settled`` the difference from those computed, collected and
    paid in the first month shown ((rows, 1)).
    """

    bad_debt: Line
    surcharges: Line
    streams: tuple[StreamTerms, ...]
    costs: tuple[CostTerms, ...]
    filing: tuple[bool, date, bool]  # VAT filed quarterly?, the start date, terms in place before it?
    months: int
    before: dict[str, Line]
    window: tuple[int, int]
    reported: dict[str, float] = dataclasses.field(default_factory=dict)
    settled: dict[str, Line] = dataclasses.field(default_factory=dict)

    @functools.cached_property
    def opening(self) -> dict[str, Line]:
        """Receivables, deferred revenue, payables and VAT payable (a credit is negative) at the start, (rows, 1) or
        floats: as reported, else as computed (:meth:`computed_opening`)."""
        return self.computed_opening() | {k: np.full((1, 1), v) for k, v in self.reported.items()}

    def lines(self) -> dict[str, Line]:
        """The timed lines for the statements (money per month) over the months shown, each by its rule in the
        module's docstring: ``revenue``, ``billed`` (net), ``output_vat``, ``collected`` and ``bad_debt`` (gross) of
        the timed streams; ``incurred`` and ``paid`` (gross) and ``input_vat`` of the timed costs; ``vat_paid``."""
        first, count = self.window
        return {k: v[:, first:first + count] if isinstance(v, np.ndarray) and v.shape[1] > 1 else v
                for k, v in self._lines().items()}

    def computed_opening(self) -> dict[str, Line]:
        """The balances at the first month shown: those at the first month projected plus the months before (the
        flows of :meth:`lines` that make the statements' balances)."""
        first = self.window[0]
        if not first:
            return self.before
        x = self._lines()

        def before(line: Line) -> Line:
            if isinstance(line, np.ndarray) and line.shape[1] > 1:
                return line[:, :first].sum(axis=1, keepdims=True)
            return line * first

        flows = {"receivables": x["billed"] + x["output_vat"] - x["collected"] - x["bad_debt"],
                 "deferred_revenue": x["billed"] - x["revenue"], "payables": x["incurred"] - x["paid"],
                 "vat_payable": x["output_vat"] - x["input_vat"] - x["vat_paid"]}
        return {k: self.before[k] + before(v) for k, v in flows.items()}

    def _lines(self) -> dict[str, Line]:
        out: dict[str, Line] = dict.fromkeys(("revenue", "billed", "output_vat", "collected", "bad_debt", "incurred",
                                              "paid", "input_vat"), 0.0)
        for s in self.streams:
            bills = s.billed()
            due = delayed((1 + s.vat_rate) * bills, s.payment_days, steady=self.filing[2])
            out["revenue"] = out["revenue"] + s.revenue
            out["billed"] = out["billed"] + bills
            out["output_vat"] = out["output_vat"] + s.vat_rate * bills
            out["collected"] = out["collected"] + (1 - s.bad_debt_share) * due
            out["bad_debt"] = out["bad_debt"] + s.bad_debt_share * due
        for c in self.costs:
            vat = c.vat_rate * sum(c.taxed, 0.0)
            gross = np.atleast_2d(sum(c.lines, 0.0) + vat)
            gross = np.broadcast_to(gross, (gross.shape[0], self.months))  # a constant cost, month by month
            paid = (delayed(gross, c.payment_days, steady=self.filing[2]) if c.instalments == 1
                    else _instalments(gross, c.instalments))
            out["incurred"] = out["incurred"] + gross
            out["paid"] = out["paid"] + paid
            out["input_vat"] = out["input_vat"] + vat
        first = self.window[0]
        for key, line in (("receivables", "collected"), ("payables", "paid")):
            if key in self.settled:
                at_start = np.zeros((np.shape(self.settled[key])[0], self.months))
                at_start[:, first] = np.ravel(self.settled[key])
                out[line] = out[line] + at_start
        net = out["output_vat"] - out["input_vat"]
        paid_vat = vat_payments(np.atleast_2d(net), *self.filing)[0] if isinstance(net, np.ndarray) else 0.0
        return out | {"vat_paid": paid_vat}


def _timed(stream) -> bool:
    return bool(stream.billing != "monthly" or stream.payment_days or stream.bad_debt_share
                or stream.upfront_share or stream.vat_rate)


def delayed(x: Line, days: int, steady: bool = True) -> Line:
    """``x`` paid ``days`` later: ``(1 − f) x_{t−k} + f x_{t−k−1}`` with ``k = days // 30``, ``f = days % 30 / 30``
    and the months before the start at month 0's value (``steady``) or nothing (a new array; ``x`` itself when
    ``days`` is 0)."""
    if not days or not isinstance(x, np.ndarray):
        return x
    out = np.zeros(x.shape)
    _add_delayed(out, x, days, steady=steady)
    return out


def _instalments(x: np.ndarray, parts: int) -> np.ndarray:
    """``x`` paid in ``parts`` equal monthly parts from its month."""
    out = np.zeros(x.shape)
    months = x.shape[1]
    for k in range(min(parts, months)):
        out[:, k:] += x[:, : months - k] / parts
    return out


def _add_delayed(out: np.ndarray, x: Line, days: int, weight: float = 1.0, scratch: np.ndarray | None = None,
                 steady: bool = True) -> None:
    """``out += weight × x`` paid ``days`` later (see :func:`delayed`), in place; ``scratch`` (of ``x``'s shape)
    spares a new array for the weighting. A constant (a float, or one per path) stays itself when ``steady``."""
    if not isinstance(x, np.ndarray) or x.shape[1] == 1:
        if steady or not days:
            out += weight * x
            return
        x = np.broadcast_to(x, (np.shape(x)[0] if np.ndim(x) == 2 else 1, out.shape[1]))
    k, rest = divmod(days, DAYS_PER_MONTH)
    for lag, share in ((k, 1 - rest / DAYS_PER_MONTH), (k + 1, rest / DAYS_PER_MONTH)):
        if share:
            part = x if weight * share == 1 else np.multiply(
                x, weight * share, out=scratch if scratch is not None and scratch.shape == x.shape else None)
            _add_shifted(out, part, lag, steady)


def _add_shifted(out: np.ndarray, x: np.ndarray, lag: int, steady: bool = True) -> None:
    """``out[:, t] += x[:, t − lag]``, the months before the start at month 0's value (``steady``) or nothing. Done
    on the flat arrays (a slice of every row costs numpy a loop per row, ~7x the time), then the first ``lag``
    months of each row put right column by column."""
    months = out.shape[1]
    if lag == 0:
        out += x
        return
    if lag >= months:
        if steady:
            out += x[:, :1]
        return
    if x.shape[0] != out.shape[0]:  # one row for every path: shift the row, then add it
        row = np.empty((x.shape[0], months))
        row[:, lag:] = x[:, : months - lag]
        row[:, :lag] = x[:, :1] if steady else 0.0
        out += row
        return
    flat = out.reshape(-1)
    flat[lag:] += x.reshape(-1)[:-lag]  # row r's first months get row r − 1's last ones: taken back below
    for j in range(lag):
        out[1:, j] -= x[:-1, months - lag + j]
        if steady:
            out[:, j] += x[:, 0]


_POOL = threading.local()
POOLED_ELEMENTS = 2_000_000
"""The largest scratch array (elements: paths × months) a thread keeps for its next projection (16 MB)."""


def _scratch(name: str, shape: tuple[int, int]) -> np.ndarray:
    """A scratch array of ``shape`` (contents undefined), kept per thread up to :data:`POOLED_ELEMENTS`: memory used
    again costs no page faults, which cost a new (10,000 × 60) array ~1.5 ms, ten times adding two."""
    kept = getattr(_POOL, name, None)
    if kept is not None and kept.shape == shape:
        return kept
    array = np.empty(shape)
    if array.size <= POOLED_ELEMENTS:
        setattr(_POOL, name, array)
    return array


def billed(revenue: np.ndarray, billing: str, upfront: float, lead: int,
           pooled: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(billed net of VAT by month, deferred revenue at the start (rows, 1)) of one stream's revenue; into a
    thread's scratch array when ``pooled`` (valid until the next call)."""
    months, rows = revenue.shape[1], revenue.shape[0]
    bills, opening = revenue, np.zeros((rows, 1))
    if billing == "annual":  # the sum of months t .. t + 11 is C_{t+11} − C_{t−1}, C the running revenue
        running = _scratch("running", revenue.shape) if pooled else np.empty(revenue.shape)
        np.copyto(running, revenue)
        running_total(running, out=running)
        bills = _scratch("annual", revenue.shape) if pooled else np.empty(revenue.shape)
        _shift_ahead(bills, running, 11, revenue[:, -1])
        flat = bills.reshape(-1)
        flat[1:] -= running.reshape(-1)[:-1]
        bills[1:, 0] += running[:-1, -1]  # month 0 subtracts nothing (C_{−1} = 0)
        bills /= 12
        opening = (revenue[:, :11] @ (np.arange(11, 0, -1) / 12.0)).reshape(-1, 1)
    if upfront:  # with no lead too: an annual plan's upfront share is then billed as it is earned
        later = _scratch("upfront", revenue.shape) if pooled else np.empty(revenue.shape)
        _shift_ahead(later, revenue, lead, 0.0)
        opening = (1 - upfront) * opening + upfront * (revenue[:, :lead].sum(axis=1, keepdims=True)
                                                       + max(lead - months, 0) * revenue[:, -1:])
        later *= upfront
        later += (1 - upfront) * bills
        bills = later
    return bills, opening


def _shift_ahead(out: np.ndarray, x: np.ndarray, lead: int, growth: np.ndarray | float) -> None:
    """``out[:, t] = x[:, t + lead]``, past the horizon ``x``'s last month plus ``growth`` for each month beyond
    (a running total goes on growing by the last month's revenue; revenue itself stays)."""
    months = x.shape[1]
    lead_in = min(lead, months)
    flat = out.reshape(-1)
    flat[: flat.size - lead_in] = x.reshape(-1)[lead_in:]  # the last ``lead`` months of each row: set below
    for t in range(max(months - lead, 0), months):
        beyond = t + lead - (months - 1)
        out[:, t] = x[:, -1] + beyond * growth


def vat_payments(net: np.ndarray, quarterly: bool, start: date, steady: bool = True,
                 out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(VAT paid by month, VAT payable at the start (rows, 1)) for the month's net VAT (output − input).

    The periods are months or calendar quarters; each pays the month after it ends ``max(0, net_p − credit)``,
    carrying ``credit_p = max(0, credit − net_p)`` (a Lindley recursion, as the tax losses). The months before the
    start ran at month 0's net (``steady``; else nothing), from the start of the period paid in month 0 on."""
    months = net.shape[1]
    size = 3 if quarterly else 1
    offset = (start.month - 1) % size
    before = offset or size
    paid = np.zeros(net.shape) if out is None else out
    paid.fill(0.0)
    credit = np.zeros(net.shape[0])
    for first in range(-before, months, size):
        last = first + size - 1
        if last >= months:
            break
        period = net[:, max(first, 0)] * (min(last, -1) - first + 1) * steady if first < 0 else net[:, first].copy()
        for t in range(max(first, 0) + (first >= 0), last + 1):
            period += net[:, t]
        period -= credit
        credit = np.maximum(-period, 0.0)
        if last + 1 < months:
            np.maximum(period, 0.0, out=paid[:, last + 1])
    return paid, before * net[:, :1] * steady


def timing(scenario: Scenario, revenue_by_stream: Sequence[Line], cost_of_revenue: dict[str, Line],
           opex: dict[str, Line], one_offs: Sequence[tuple[Line, int]], months: int, start: date,
           window: tuple[int, int]) -> tuple[Timing, np.ndarray]:
    """The cash timing of one projection's lines (see the module's conventions), ``months`` long from ``start`` (the
    first month projected; ``window``: the months shown, see :class:`Timing`), and the working
    capital: the cash tied up in each month, earned and not collected, incurred and not paid, VAT collected and not
    yet paid (money per month; a scratch array of the thread's, valid until its next projection).

    ``revenue_by_stream``: the scenario's streams' revenue (a partner pays as it falls, without VAT); ``opex``: the
    operating costs other than payroll and one-offs (sales & marketing, G&A, other, recruiting, grant matching);
    ``one_offs``: each one-off cost's line (its cost in its month) and its instalments, in the scenario's order.
    Written for Monte Carlo: every line is added into the working capital and the VAT in place, one pass each.
    """
    lines = [*revenue_by_stream, *cost_of_revenue.values(), *opex.values(), *(c for c, _ in one_offs)]
    rows = max((x.shape[0] for x in lines if isinstance(x, np.ndarray)), default=1)
    steady = scenario.settings.terms_before_start  # the terms ran before the start: what they leave is owed at it
    working, vat, scratch = (_scratch(name, (rows, months)) for name in ("working", "vat", "weighted"))
    working.fill(0.0)
    vat.fill(0.0)
    bad: Line = 0.0
    opening: dict[str, Line] = {k: np.zeros((1, 1)) for k in ("receivables", "deferred_revenue", "payables", "vat_payable")}
    streams = []
    for stream, line in zip(scenario.streams, revenue_by_stream, strict=False):
        if not _timed(stream):
            continue
        revenue = line if isinstance(line, np.ndarray) else np.full((1, months), float(line))
        bills, deferred = billed(revenue, stream.billing, stream.upfront_share, stream.upfront_months, pooled=True)
        gross, days = 1 + stream.vat_rate, stream.payment_days
        working += revenue                                       # earned ...
        _add_delayed(working, bills, days, -gross, scratch, steady)  # ... less what falls due, collected or written off
        if stream.vat_rate:
            _add_delayed(vat, bills, 0, stream.vat_rate, scratch)
        if stream.bad_debt_share:
            if not isinstance(bad, np.ndarray) or bad.shape[0] < bills.shape[0]:  # a row, or one per path
                bad = bad + np.zeros((bills.shape[0], months))
            _add_delayed(bad, bills, days, gross * stream.bad_debt_share, scratch, steady)
        streams.append(StreamTerms(revenue, stream.billing, stream.upfront_share, stream.upfront_months,
                                   stream.vat_rate, stream.bad_debt_share, days))
        opening["deferred_revenue"] = opening["deferred_revenue"] + deferred
        opening["receivables"] = opening["receivables"] + gross * bills[:, :1] * days / DAYS_PER_MONTH * steady
    costs = _cost_terms(scenario, cost_of_revenue, opex, one_offs)
    for c in costs:  # paid (gross) less incurred (net): what is still owed, and the VAT credited
        for x in c.lines:
            if c.instalments > 1:
                _add_instalments(working, x, c.instalments, 1 + c.vat_rate)
            elif c.payment_days:
                _add_delayed(working, x, c.payment_days, 1.0, scratch, steady)
            if c.instalments > 1 or c.payment_days:
                _add_delayed(working, x, 0, -1.0, scratch)
        for x in c.taxed:
            if c.instalments == 1:
                _add_delayed(working, x, c.payment_days, c.vat_rate, scratch, steady)
            _add_delayed(vat, x, 0, -c.vat_rate, scratch)
        gross_first = _first(c.lines) + c.vat_rate * _first(c.taxed)
        opening["payables"] = opening["payables"] + gross_first * c.payment_days / DAYS_PER_MONTH * steady
    vat_paid: Line = 0.0
    filing = (scenario.vat.filing == "quarterly", start, steady)
    if any(s.vat_rate for s in streams) or any(c.vat_rate for c in costs):
        vat_paid, opening["vat_payable"] = vat_payments(vat, *filing, out=_scratch("vat_paid", (rows, months)))
        working += vat_paid
    kept = Timing(bad_debt=bad, surcharges=scenario.vat.surcharge_rate * vat_paid if scenario.vat.surcharge_rate else 0.0,
                  streams=tuple(streams), costs=costs, filing=filing, months=months, before=opening,
                  window=window)
    return _as_reported(kept, scenario, working)


def _as_reported(kept: Timing, scenario: Scenario, working: np.ndarray) -> tuple[Timing, np.ndarray]:
    """The timing with the company's reported receivables and payables at the start: the difference from those
    computed is collected (paid) in the first month shown, in place in the working capital (whose rows the computed
    balances' broadcast to)."""
    reported = {"receivables": scenario.company.receivables, "payables": scenario.company.payables}
    if all(v is None for v in reported.values()):
        return kept, working
    computed = kept.computed_opening()
    settled: dict[str, Line] = {k: np.asarray(v - computed[k], dtype=float).reshape(-1, 1)
                                for k, v in reported.items() if v is not None}
    first = kept.window[0]
    for key, sign in (("receivables", -1.0), ("payables", 1.0)):
        if key in settled:
            working[:, first] += sign * np.ravel(settled[key])
    return dataclasses.replace(kept, reported={k: v for k, v in reported.items() if v is not None},
                               settled=settled), working


def _first(lines: Sequence[Line]) -> Line:
    """Month 0 of the sum of lines ((rows, 1) or a float)."""
    return sum((x[:, :1] if isinstance(x, np.ndarray) else x for x in lines), 0.0)


def _add_instalments(out: np.ndarray, x: Line, parts: int, weight: float) -> None:
    """``out += weight × x`` paid in ``parts`` equal monthly parts from its month, in place (a one-off: nothing
    before the start)."""
    share = np.broadcast_to(x, (np.shape(x)[0] if np.ndim(x) == 2 else 1, out.shape[1])) * (weight / parts)
    for k in range(parts):
        _add_shifted(out, share, k, steady=False)


def _cost_terms(scenario: Scenario, cost_of_revenue: dict[str, Line], opex: dict[str, Line],
                one_offs: Sequence[tuple[Line, int]]) -> tuple[CostTerms, ...]:
    """The timed costs: the cost of revenue (its GPU and cloud bills carrying VAT), the other operating costs (marketing,
    G&A and other carrying it) and each one-off with instalments or VAT."""
    ai, ox = scenario.ai_costs, scenario.opex
    credited = 0.0 if scenario.vat.small_scale else 1.0  # a small-scale taxpayer's costs are entered as paid
    terms = []
    for costs, taxed, rate, days in (
            (cost_of_revenue, ("inference", "hosting"), credited * ai.vat_rate, ai.payment_days),
            (opex, ("sales_marketing", "general_admin", "other"), credited * ox.vat_rate, ox.payment_days)):
        if rate or days:
            terms.append(CostTerms(tuple(costs.values()), tuple(costs[k] for k in taxed) if rate else (), rate, days))
    for cost, (line, instalments) in zip(ox.one_off_costs, one_offs, strict=True):
        rate = credited * cost.vat_rate
        if instalments > 1 or rate:
            terms.append(CostTerms((line,), (line,) if rate else (), rate, 0, instalments))
    return tuple(terms)


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
    starts = np.flatnonzero(np.diff(year_of, prepend=-1))  # each year's first month
    ends = np.append(starts[1:], months) - 1
    # months by rows (each month a contiguous row): a year is a block of rows, a month's gather a row copy
    to_date = np.array(profit.T, order="C")  # a copy: the profit stays as it is
    for start_row, end_row in zip(starts, ends, strict=True):
        np.cumsum(to_date[start_row : end_row + 1], axis=0, out=to_date[start_row : end_row + 1])
    totals = to_date[ends]  # (years, rows)
    life = tax.loss_years if tax.rule == "china" else np.inf
    limit = US_LOSS_LIMIT if tax.rule == "us" else 1.0
    pool: list[tuple[np.ndarray, float]] = [
        (np.broadcast_to(np.asarray(opening_losses, dtype=float).reshape(-1), (rows,)).copy(), -1.0)]
    available = np.empty((years, rows))
    for y in range(years):  # losses available at each year's start: oldest used first, expiring after ``life``
        pool = [(a, born) for a, born in pool if y - born <= life]
        available[y] = sum((a for a, _ in pool), np.zeros(rows))
        used = np.minimum(available[y], limit * np.maximum(totals[y], 0.0))
        for i, (amount, born) in enumerate(pool):
            take = np.minimum(amount, used)
            pool[i] = (amount - take, born)
            used = used - take
        pool.append((np.maximum(-totals[y], 0.0), float(y)))
    taxable = np.maximum(to_date, 0.0, out=to_date)  # the gain to date, then less the losses it may use
    usable = _scratch("tax", taxable.shape)
    for y, (start_row, end_row) in enumerate(zip(starts, ends, strict=True)):
        block = usable[start_row : end_row + 1]
        np.multiply(taxable[start_row : end_row + 1], limit, out=block)
        np.minimum(block, available[y], out=block)
    taxable -= usable
    accrued = np.multiply(taxable, np.asarray(rate, dtype=float).reshape(1, -1), out=usable)
    if tax.rule == "china" and tax.small_low_profit:
        heads = np.broadcast_to(np.asarray(headcount, dtype=float), (rows, months)).T
        small = np.maximum.reduceat(heads, starts, axis=0)[year_of] <= SMALL_LOW_PROFIT_HEADS
        small &= np.asarray(rate, dtype=float).reshape(1, -1) > 0  # a rate of 0: no tax, the small rate included
        accrued = np.where(small & (taxable <= SMALL_LOW_PROFIT_LIMIT), SMALL_LOW_PROFIT_RATE * taxable, accrued)
    year_tax = accrued[ends]
    by_path = _scratch("accrued", (rows, months))  # the tax to date, back in (rows, months)
    np.copyto(by_path, accrued.T)
    expense = by_path.copy()  # its change month to month, the year's first month its own
    expense.reshape(-1)[1:] -= by_path.reshape(-1)[:-1]
    for year_start in starts:
        expense[:, year_start] = by_path[:, year_start]
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
            amount = np.maximum(accrued[min(upto, months - 1)] - so_far, 0.0)
            paid[:, t] += amount
            so_far = so_far + amount
        t = month_index(y + settle_offset, settle_month)
        if 0 <= t < months:
            paid[:, t] += year_tax[y] - so_far
    return expense, paid
