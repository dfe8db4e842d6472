"""The monthly cash-flow engine, vectorised over (paths, months).

Over 400 lines because each line item is its own function with its formula in its docstring.

``project(scenario, draws)`` is the one engine: the deterministic view, Monte Carlo,
pricing and sensitivity all call it. It is written one function per line item, each stating
its formula — :func:`revenue_streams`, :func:`cost_per_million_tokens`, :func:`cost_of_revenue`,
:func:`payroll`, :func:`talent`, :func:`one_off_costs`, :func:`operating_costs`, :func:`funding_and_debt`,
:func:`cash_balance` — and the plain-Python oracle uses the same names. ``draws`` replaces any numeric scenario input by
an array with one value per path, addressed by its field path, e.g.
``{"streams[0].churn_monthly": np.array([0.02, 0.05])}`` gives two paths.

Conventions
-----------
- Month ``t`` runs ``0 .. horizon-1``; month 0 is the scenario's start month.
- Every flow is a total for the month; ``cash[:, t]`` is the balance at the end of
  month ``t``: ``cash[t] = cash[t-1] + funding_in[t] - net_burn[t]`` with
  ``cash[-1] = starting_cash``.
- ``net_burn = cost_of_revenue + opex + debt_service + tax - tax_credit - revenue``: positive
  when the company loses cash, before any funding. A strategic partner's revenue is a stream of
  kind ``partner``, after the scenario's own streams.
- Growth rates ``*_monthly`` compound monthly: ``q_t = q_0 (1 + g)^t``.
  Declines ``*_yearly`` are applied smoothly: ``x_t = x_0 (1 - d)^(t / 12)``.
  Salary growth is a yearly raise: ``(1 + s)^floor(t / 12)``.
- Subscription customers at the end of month t: ``C_t = C_{t-1} (1 - churn) + new_t``
  with ``C_{-1}`` the starting customers; month t bills ``C_t`` customers.
  With a trial of ``L = k + f`` months (its days / 30), sign-ups of month ``t - k`` convert in month ``t``
  save a share ``f`` of them, who convert a month later (sign-ups spread evenly over their month);
  customers on trial consume inference but pay nothing.
- A stream with a ``demand`` model sells ``q(price) / q(reference price)`` times its
  quantities (a subscription: its starting customers and sign-ups), so a drawn or
  changed price moves volume.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from core.engine import books
from core.engine.books import Timing, uses_timing
from core.engine.running import COLUMNS_FROM, running_powers, running_total
from core.model import RAMP_PRODUCTIVITY, AICosts, Opex, Role, Round, Scenario, SubscriptionStream
from core.model.demand import reference_price, volume_factor

if TYPE_CHECKING:
    import pandas as pd

OPEX_CATEGORIES = ("payroll", "one_off", "sales_marketing", "general_admin", "other", "grant_matching", "recruiting",
                   "bad_debt", "vat_surcharges")
ROUND_KINDS = ("equity", "safe", "note", "debt", "grant")
RD_ONE_OFF_KINDS = ("training_run", "data")
COST_OF_REVENUE_ITEMS = ("inference", "hosting", "support", "delivery")
FUNCTIONS = ("rd", "sales", "ga", "ops")
Line = float | np.ndarray
"""A line item: money (or units) per month, broadcasting to (paths, months); a float or (1, months) when
no drawn input reaches it."""


@dataclass(frozen=True)
class Projection:
    """Monthly results; every array is shaped (paths, months) unless noted.

    Money in the scenario's currency per month (balances at month end);
    ``tokens`` in millions of tokens per month.
    """

    currency: str
    start_date: date
    starting_cash: np.ndarray  # (paths,)
    stream_names: tuple[str, ...]
    stream_kinds: tuple[str, ...]
    stream_recurring: tuple[bool, ...]
    revenue_by_stream: tuple[np.ndarray, ...]  # one (paths, months) per stream
    units_by_stream: tuple[np.ndarray, ...]  # units sold (a subscription: paying customers)
    revenue: np.ndarray
    cost_of_revenue_items: dict[str, np.ndarray]
    opex: dict[str, np.ndarray]
    payroll_by_function: dict[str, np.ndarray]
    ebitda: np.ndarray
    debt_service: np.ndarray
    interest: np.ndarray    # loan interest, part of the debt service
    tax: np.ndarray         # profit tax paid
    tax_expense: np.ndarray  # profit tax in the P&L (the yearly rules accrue it before it is paid)
    tax_credit: np.ndarray  # R&D credit received
    funding_in: np.ndarray
    funding_by_kind: dict[str, np.ndarray]  # money in by kind of round (equity, safe, note, debt, grant)
    flows_by_round: tuple[np.ndarray, ...]  # one (paths, months) per round: its money in minus its debt service
    cash: np.ndarray
    customers: np.ndarray
    new_customers: np.ndarray
    churn_by_stream: tuple[tuple[int, Line, Line], ...]  # (stream, churn rate, starting customers) per subscription
    mrr: np.ndarray
    headcount: np.ndarray
    tokens: np.ndarray
    cost_per_million_tokens: np.ndarray
    # --- talent (see :func:`talent`): heads per month, by function and in total
    headcount_by_function: dict[str, np.ndarray]
    leavers_by_function: dict[str, np.ndarray]
    ramp_lost_by_function: dict[str, np.ndarray]
    leavers: np.ndarray         # heads leaving (and replaced at once) in the month
    ramp_fte_lost: np.ndarray   # full-time equivalents lost to replacements ramping up
    timing: Timing | None = None  # when cash moves (:mod:`core.engine.books`); None when all is paid as it falls
    opening: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    """Balances at the start that a re-forecast's history leaves, (rows, 1): ``tax_payable`` (prepaid when negative)
    and ``loans`` (principal owed); empty without history."""

    @property
    def effective_headcount(self) -> np.ndarray:
        """Heads at full productivity: ``headcount - ramp_fte_lost`` (paths, months)."""
        return self.headcount - self.ramp_fte_lost

    # Lines that are exact functions of the lines above are built on first use, as the blocks below: Monte Carlo,
    # the tornado and the pricing search read none of them, and a projection holds fewer (paths, months) arrays.

    @functools.cached_property
    def cost_of_revenue(self) -> np.ndarray:
        """The sum of the cost-of-revenue items."""
        return _frozen(_total(_row(x) for x in self.cost_of_revenue_items.values()), self.cash.shape)

    @functools.cached_property
    def gross_profit(self) -> np.ndarray:
        """``revenue - cost_of_revenue``."""
        return _frozen(_row(self.revenue) - _row(self.cost_of_revenue), self.cash.shape)

    @functools.cached_property
    def opex_total(self) -> np.ndarray:
        """The sum of the operating cost categories."""
        return _frozen(_total(_row(x) for x in self.opex.values()), self.cash.shape)

    @functools.cached_property
    def net_burn(self) -> np.ndarray:
        """``debt_service + tax - tax_credit - ebitda + working_capital``: the cash the company loses in the month,
        before any funding (positive when it loses)."""
        return self._from_cash(_row(self.debt_service) + _row(self.tax) - _row(self.tax_credit) - _row(self.ebitda)
                               + _row(self.working_capital))

    @functools.cached_property
    def working_capital(self) -> np.ndarray:
        """The cash tied up in the month by when bills, suppliers and VAT are paid (:mod:`core.engine.books`): what
        the cash identity leaves, ``cash_{t−1} − cash_t + funding_in − debt_service − tax + tax_credit + ebitda``;
        0 when all is paid as it falls (the engine adds it into the cash without keeping it)."""
        if self.timing is None:
            return _frozen(0.0, self.cash.shape)
        before = np.concatenate([self.starting_cash[:, None], self.cash[:, :-1]], axis=1)
        return self._from_cash(before - self.cash + _row(self.funding_in) - _row(self.debt_service) - _row(self.tax)
                               + _row(self.tax_credit) + _row(self.ebitda))

    def _from_cash(self, line: Line) -> np.ndarray:
        """A line that reads the working capital, which comes back from the cash: 0 where it is within the cash's
        float resolution (16 ulp of the month's cash before and after), which differencing the cash cannot resolve
        (5.8e-11 of operating cash in a month of 500,000 would read as a loss, and move a payback month)."""
        if self.timing is None:
            return _frozen(line, self.cash.shape)
        out = np.array(np.broadcast_to(line, self.cash.shape))
        before = np.concatenate([self.starting_cash[:, None], self.cash[:, :-1]], axis=1)
        out[np.abs(out) <= 16 * np.finfo(float).eps * (np.abs(before) + np.abs(self.cash))] = 0.0
        return _frozen(out, self.cash.shape)

    @functools.cached_property
    def operating_cash(self) -> np.ndarray:
        """``ebitda - working_capital - tax + tax_credit``: the cash operations bring in, after the timing of bills,
        payments, VAT and profit tax, before any funding and debt service (EBITDA when all is paid as it falls and
        there is no tax)."""
        return self._from_cash(_row(self.ebitda) - _row(self.working_capital) - _row(self.tax) + _row(self.tax_credit))

    @functools.cached_property
    def net_income(self) -> np.ndarray:
        """``ebitda - interest - tax_expense + tax_credit``: the P&L's bottom line."""
        return _frozen(_row(self.ebitda) - _row(self.interest) - _row(self.tax_expense) + _row(self.tax_credit),
                       self.cash.shape)

    @functools.cached_property
    def churned_customers(self) -> np.ndarray:
        """Customers lost in the month: churn times last month's customers (the starting ones in month 0)."""
        return _frozen(_total(_churned(_row(self.units_by_stream[i]), churn, start) for i, churn, start
                              in self.churn_by_stream), self.cash.shape)

    @functools.cached_property
    def arr(self) -> np.ndarray:
        """``12 mrr``."""
        return _frozen(12 * _row(self.mrr), self.cash.shape)

    @functools.cached_property
    def stream_revenue(self) -> np.ndarray:
        """(paths, streams, months), built on first use (Monte Carlo never needs it)."""
        return _block(self.revenue_by_stream, self.cash.shape)

    @functools.cached_property
    def stream_units(self) -> np.ndarray:
        """(paths, streams, months): units sold (a subscription: paying customers), built on first use."""
        return _block(self.units_by_stream, self.cash.shape)

    @functools.cached_property
    def round_flows(self) -> np.ndarray:
        """(paths, rounds, months): each round's money in minus its debt service, built on first use."""
        return _block(self.flows_by_round, self.cash.shape)

    @property
    def paths(self) -> int:
        return self.cash.shape[0]

    @property
    def months(self) -> int:
        return self.cash.shape[1]

    def month_dates(self) -> list[date]:
        """The first day of each month of the horizon."""
        return [month_date(self.start_date, t) for t in range(self.months)]

    def to_frame(self, path: int = 0) -> pd.DataFrame:
        """One row per month of one path: every line item, ready to show or export."""
        import pandas as pd  # lazily: importing pandas costs ~0.4 s of a cold start

        cols: dict[str, object] = {"month": np.arange(self.months), "date": self.month_dates()}
        for name, row in zip(self.stream_names, self.revenue_by_stream, strict=True):
            cols[f"revenue: {name}"] = row[path]
        cols["revenue"] = self.revenue[path]
        for item, arr in self.cost_of_revenue_items.items():
            cols[f"cost of revenue: {item}"] = arr[path]
        cols["cost_of_revenue"] = self.cost_of_revenue[path]
        cols["gross_profit"] = self.gross_profit[path]
        for cat, arr in self.opex.items():
            cols[f"opex: {cat}"] = arr[path]
        for name in ("opex_total", "ebitda", "debt_service", "interest", "tax_expense", "tax", "tax_credit",
                     "net_income", "working_capital", "net_burn", "funding_in", "cash",
                     "customers", "new_customers", "churned_customers", "mrr", "arr", "headcount", "tokens",
                     "cost_per_million_tokens", "leavers", "ramp_fte_lost"):
            cols[name] = getattr(self, name)[path]
        return pd.DataFrame(cols)


def month_date(start: date, t: int) -> date:
    """First day of month ``t`` counted from ``start`` (month 0)."""
    m = start.month - 1 + t
    return date(start.year + m // 12, m % 12 + 1, 1)


class _Inputs:
    """Reads scenario inputs, replaced per path by ``draws`` where given (each (paths, 1))."""

    def __init__(self, draws: Mapping[str, np.ndarray] | None):
        self.draws = {k: np.asarray(v, dtype=float).reshape(-1, 1) for k, v in (draws or {}).items()}
        sizes = {v.shape[0] for v in self.draws.values()}
        if len(sizes) > 1:
            raise ValueError(f"draws must all have the same number of paths, got sizes {sorted(sizes)}")
        self.paths = sizes.pop() if sizes else 1
        if not all(np.isfinite(v).all() for v in self.draws.values()):
            raise ValueError("draws must be finite")
        self.used: set[str] = set()
        self.read: set[str] = set()  # every input asked for: what draws may replace

    def __call__(self, path: str, value: float) -> Line:
        self.read.add(path)
        if path in self.draws:
            self.used.add(path)
            return self.draws[path]
        return value

    def month(self, path: str, value: int) -> Line:
        """A month input; drawn months are rounded to whole months."""
        drawn = self(path, value)
        return np.rint(drawn) if isinstance(drawn, np.ndarray) else value

    def check_all_used(self) -> None:
        unknown = sorted(set(self.draws) - self.used)
        if unknown:
            raise KeyError(f"draws name inputs this scenario does not have: {', '.join(unknown)}")


class _Clock:
    """The grid every line item lives on. A line item is an array that broadcasts to ``shape``
    (paths, months): (1, months) or a float when no drawn input reaches it. The grid's first month is the scenario's
    month ``-origin`` (a re-forecast's history): :meth:`at` places a scenario month on it."""

    def __init__(self, paths: int, months: int, origin: int = 0):
        self.paths, self.months, self.shape, self.origin = paths, months, (paths, months), origin
        self.t, self.years = _month_index(months)  # the month index and whole years since month 0, (1, months)

    def at(self, month: Line) -> Line:
        """The grid index of a scenario month (month 0 is the start)."""
        return month + self.origin

    def powers(self, step: Line) -> np.ndarray:
        """``step ** t`` for every month: (1, months) for one step, else (paths, months) by running products
        (:func:`~core.engine.running.running_powers`) or, for fewer paths, by repeated doubling
        (``x[:, n:2n] = x[:, :n] step^n``): a few multiplications instead of elementwise powers."""
        if not isinstance(step, np.ndarray) or step.size == 1:  # a drawn input is (paths, 1)
            return np.power(step, self.t)
        if step.shape[0] >= COLUMNS_FROM:
            return running_powers(step, self.months)
        out = np.empty((step.shape[0], self.months))
        out[:, :1] = 1.0
        n, factor = 1, step.reshape(-1, 1)
        while n < self.months:
            k = min(n, self.months - n)
            np.multiply(out[:, :k], factor, out=out[:, n : n + k])
            factor = factor * factor
            n += k
        return out


@functools.lru_cache(maxsize=8)
def _month_index(months: int) -> tuple[np.ndarray, np.ndarray]:
    """(t, floor(t / 12)) for t = 0 .. months - 1, as read-only (1, months) rows shared by every projection."""
    t = np.arange(months, dtype=float)[None, :]
    rows = (t, np.floor(t / 12))
    for row in rows:
        row.flags.writeable = False
    return rows


def _block(lines: Iterable[np.ndarray], shape: tuple[int, int]) -> np.ndarray:
    """Lines shaped ``shape`` = (paths, months) as one (paths, lines, months) block written into one
    preallocated array (a broadcast (1, lines, months) one when every line is a broadcast row)."""
    lines = list(lines)
    rows = shape[0] if any(x.strides[0] for x in lines) else 1
    out = np.empty((rows, len(lines), shape[1]))
    for i, line in enumerate(lines):
        out[:, i] = line[:rows]
    return np.broadcast_to(out, (shape[0], len(lines), shape[1]))


def _frozen(a: Line, shape: tuple[int, int]) -> np.ndarray:
    """The line as a read-only array shaped ``shape``: a broadcast view when it has fewer rows (a float is
    filled in when there is one path, the view costing more than the array then)."""
    if not isinstance(a, np.ndarray):
        if shape[0] > 1:
            return np.broadcast_to(a, shape)
        a = np.full(shape, a)
    elif a.shape != shape:
        return np.broadcast_to(a, shape)
    a.flags.writeable = False
    return a


def _row(a: np.ndarray) -> np.ndarray:
    """A stored line as it was computed: its one row when it is a broadcast view of one, else itself."""
    return a[:1] if a.strides[0] == 0 else a


def _churned(customers: np.ndarray, churn: Line, start: Line) -> np.ndarray:
    """Churn of last month's customers: ``churn C_{t-1}`` with ``C_{-1} = start``."""
    churned = np.empty(np.broadcast_shapes(customers.shape, np.shape(churn), np.shape(start)))
    churned[:, :1] = start
    churned[:, 1:] = customers[:, :-1]
    churned *= churn
    return churned


def _nonzero(x: Line) -> bool:
    """Whether an input is non-zero on any path (``np.any`` costs ~5 us on a float; this ~0.1 us)."""
    return bool(x.any()) if isinstance(x, np.ndarray) else x != 0


def _total(items: Iterable[Line]) -> Line:
    """The sum of line items (0.0 for none), the smallest first: one new array at most, the rest added in place."""
    ordered = list(items)
    if len(ordered) > 2:
        ordered.sort(key=lambda x: getattr(x, "size", 1))
    elif not ordered:
        return 0.0
    total = ordered[0]
    for n, x in enumerate(ordered[1:]):
        total = _into(total, np.add, x) if n and isinstance(total, np.ndarray) else total + x
    return total


def _into(a: np.ndarray, op: np.ufunc, b: Line) -> np.ndarray:
    """``op(a, b)``, written into ``a`` (a new array of the caller's) when ``a`` already has the result's shape."""
    try:
        return op(a, b, out=a)
    except ValueError:  # b has more rows than a
        return op(a, b)


def _add_delayed(out: np.ndarray, line: np.ndarray, months: int, weight: float) -> None:
    """Add ``weight`` × ``line`` (paths, months) to ``out``, ``months`` months later, in place."""
    size = line.shape[1]
    if weight and months < size:
        out[:, months:] += line[:, : size - months] if weight == 1 else weight * line[:, : size - months]


def _subscribers(stream: SubscriptionStream, pre: str, inp: _Inputs, clock: _Clock, demand: Line = 1.0):
    """(paying customers, new paying, on trial, churn rate, starting customers); customers at month end (the
    churned ones are :func:`_churned` of them).

    ``demand`` scales the starting customers and the sign-ups (the price response of the
    stream's demand model).
    """
    growth = inp(f"{pre}.new_customer_growth_monthly", stream.new_customer_growth_monthly)
    signups = _into(clock.powers(1 + growth), np.multiply,
                    demand * inp(f"{pre}.new_customers_per_month", stream.new_customers_per_month))
    on_trial: Line = 0.0
    paid_new = signups
    if stream.trial is not None:  # sign-ups spread over their month: ``part`` of a cohort ends its trial a month later
        whole, part = stream.trial.lag
        converting = np.zeros_like(signups)
        _add_delayed(converting, signups, whole, 1 - part)
        _add_delayed(converting, signups, whole + 1, part)
        paid_new = _into(converting, np.multiply, inp(f"{pre}.trial.conversion", stream.trial.conversion))
        if (whole, part) == (1, 0):  # a month's trial: at month end, that month's sign-ups
            on_trial = signups
        elif whole or part:  # the cohorts of the last ``whole`` months and ``part`` of the one before
            on_trial = np.zeros_like(signups)
            for k in range(whole):
                _add_delayed(on_trial, signups, k, 1.0)
            _add_delayed(on_trial, signups, whole, part)
    churn = inp(f"{pre}.churn_monthly", stream.churn_monthly)
    retention = 1 - churn
    decay = clock.powers(retention)
    # C_t = r^(t+1) C0 + sum_k r^(t-k) new_k; churn <= 0.9 keeps r^-t finite for t < 240.
    start = demand * inp(f"{pre}.starting_customers", stream.starting_customers)
    customers = paid_new / decay
    running_total(customers, out=customers)
    customers = _into(_into(customers, np.add, retention * start), np.multiply, decay)
    return customers, paid_new, on_trial, churn, start


@dataclass(frozen=True)
class StreamLines:
    """Each stream's monthly revenue and units, and the company totals (line items)."""

    revenue: list[np.ndarray]
    units: list[np.ndarray]
    total_revenue: Line
    recurring_revenue: Line
    tokens: Line          # millions of tokens served (paying units and trials)
    delivery: Line        # unit costs and delivery shares, in money
    customers: Line       # subscription customers at month end
    new_customers: Line   # paying sign-ups of the month
    churn: list[tuple[int, Line, Line]]  # (stream, churn rate, starting customers) of each subscription stream
    cac_spend: Line       # acquisition cost of the month's paying sign-ups


def revenue_streams(scenario: Scenario, inp: _Inputs, clock: _Clock) -> StreamLines:
    """Revenue, units, tokens and delivery cost of every stream, defined as::

        price_t    = price (1 + price_growth)^t (1 - price_decline)^(t / 12)
        units_t    = response(price) quantity (1 + growth)^t      (a subscription: customers C_t)
        revenue_t  = units_t price_t
        tokens_t   = (units_t + on_trial_t) tokens_per_unit
        delivery_t = units_t unit_cost + revenue_t delivery_share

    with each kind's fields in its ``TERMS`` and ``response`` the demand model's
    ``q(price) / q(reference)`` (1 without one).
    """
    revenues, units, tokens, delivery = [], [], [], []
    customers, new_customers, churn, cac_spend = [], [], [], []
    for i, stream in enumerate(scenario.streams):
        pre = f"streams[{i}]"

        def term(role: str, stream=stream, pre=pre) -> Line:
            fields, factor = stream.TERMS.get(role, ((), 0.0))
            value = factor
            for f in fields:
                value = value * inp(f"{pre}.{f}", getattr(stream, f))
            return value

        price = _into(clock.powers((1 + term("price_growth")) * (1 - term("price_decline")) ** (1 / 12)), np.multiply,
                      term("price"))
        on_trial: Line = 0.0
        response: Line = 1.0
        demand = getattr(stream, "demand", None)
        if demand is not None:
            response = volume_factor(demand, inp(f"{pre}.{stream.PRICE}", stream.price_value()), reference_price(stream))
        if isinstance(stream, SubscriptionStream):
            qty, paid_new, on_trial, rate, start = _subscribers(stream, pre, inp, clock, response)
            customers.append(qty)
            churn.append((i, rate, start))
            new_customers.append(paid_new)
            cac_spend.append(paid_new * inp(f"{pre}.cac_per_customer", stream.cac_per_customer))
        else:
            qty = _into(clock.powers(1 + term("growth")), np.multiply, response * term("quantity"))
        rev = qty * price
        revenues.append(rev)
        units.append(qty)
        if "tokens" in stream.TERMS:
            tokens.append(qty * term("tokens") if np.isscalar(on_trial) else _into(qty + on_trial, np.multiply, term("tokens")))
        if "unit_cost" in stream.TERMS:
            delivery.append(qty * term("unit_cost"))
        if "delivery_share" in stream.TERMS:
            delivery.append(rev * term("delivery_share"))
    recurring = [r for r, s in zip(revenues, scenario.streams, strict=True) if s.RECURRING]
    return StreamLines(
        revenue=revenues, units=units, total_revenue=_total(revenues),
        recurring_revenue=_total(recurring), tokens=_total(tokens), delivery=_total(delivery),
        customers=_total(customers), new_customers=_total(new_customers),
        churn=churn, cac_spend=_total(cac_spend),
    )


def cost_per_million_tokens(ai: AICosts, inp: _Inputs, clock: _Clock) -> np.ndarray:
    """Inference cost per 1M tokens by month, defined as::

        c_t = c_0 (1 - cost_decline_yearly)^(t / 12)
        c_0 = gpu_price_per_hour / (3600 tokens_per_second) 1e6    (or cost_per_million_tokens)
    """
    if ai.gpu_price_per_hour is not None:
        assert ai.tokens_per_second is not None  # AICosts' validator gives both or neither
        per_mtok = inp("ai_costs.gpu_price_per_hour", ai.gpu_price_per_hour) / (
            3600 * inp("ai_costs.tokens_per_second", ai.tokens_per_second)
        ) * 1e6
    else:
        per_mtok = inp("ai_costs.cost_per_million_tokens", ai.million_token_cost)
    return _into(clock.powers((1 - inp("ai_costs.cost_decline_yearly", ai.cost_decline_yearly)) ** (1 / 12)), np.multiply,
                 per_mtok)


def cost_of_revenue(ai: AICosts, inp: _Inputs, lines: StreamLines, per_mtok: np.ndarray, revenue: Line) -> dict[str, Line]:
    """The cost of revenue by item (money per month), defined as::

        inference = tokens_t c_t
        hosting   = hosting_per_month
        support   = revenue_t support_share_of_revenue     (all revenue, partners' included)
        delivery  = the streams' unit costs and delivery shares
    """
    return {
        "inference": lines.tokens * per_mtok,
        "hosting": inp("ai_costs.hosting_per_month", ai.hosting_per_month),
        "support": revenue * inp("ai_costs.support_share_of_revenue", ai.support_share_of_revenue),
        "delivery": lines.delivery,
    }


def _heads(role: Role, pre: str, inp: _Inputs, clock: _Clock) -> np.ndarray:
    """The role's heads by month: ``headcount`` while active, from ``start_month`` (drawn months rounded) until
    before ``end_month``, else 0."""
    start = clock.at(inp.month(f"{pre}.start_month", role.start_month))
    active = clock.t >= start if role.end_month is None else (clock.t >= start) & (clock.t < clock.at(role.end_month))
    return inp(f"{pre}.headcount", role.headcount) * active


def team_heads(opex: Opex, inp: _Inputs, clock: _Clock) -> list[np.ndarray]:
    """Each role's heads by month (see :func:`_heads`), for :func:`payroll` and :func:`talent` to share."""
    return [_heads(role, f"opex.team[{j}]", inp, clock) for j, role in enumerate(opex.team)]


def payroll(opex: Opex, inp: _Inputs, clock: _Clock, heads: list[np.ndarray]) -> tuple[dict[str, Line], Line]:
    """(payroll by function, headcount), defined as::

        payroll_t = sum over roles active at t of headcount cost_per_head (1 + salary_growth)^floor(t / 12)

    a role being active from ``start_month`` (drawn months rounded) until before ``end_month``. Leavers are
    replaced at once (:func:`talent`), so attrition changes neither. ``heads``: :func:`team_heads`.
    """
    raise_factor = (1 + inp("opex.salary_growth_yearly", opex.salary_growth_yearly)) ** clock.years
    by_function: dict[str, list[Line]] = {f: [] for f in FUNCTIONS}
    for j, (role, role_heads) in enumerate(zip(opex.team, heads, strict=True)):
        cost = inp(f"opex.team[{j}].cost_per_head_month", role.cost_per_head_month)
        by_function[role.function].append(role_heads * cost * raise_factor)
    return {f: _total(lines) for f, lines in by_function.items()}, _total(heads)


@dataclass(frozen=True)
class TeamLines:
    """Heads, leavers and ramp-up losses by function (heads per month), and the recruiting cost (money per month)."""

    headcount: dict[str, Line]
    leavers: dict[str, Line]
    ramp_lost: dict[str, Line]
    recruiting: Line


def talent(opex: Opex, inp: _Inputs, clock: _Clock, heads: list[np.ndarray]) -> TeamLines:
    """Attrition, its replacement cost and the capacity lost while replacements ramp up, defined per role as::

        leavers_t    = heads_t attrition_monthly                  (replaced at once: heads_t stays)
        recruiting_t = leavers_t replacement_cost                 (no salary raise)
        in_ramp_t    = min(heads_t, sum of leavers_k for t - ramp_months < k <= t)
        ramp_lost_t  = in_ramp_t (1 - RAMP_PRODUCTIVITY)          (FTE; RAMP_PRODUCTIVITY = 0.5)

    with ``heads_t`` as in :func:`payroll` (``heads``: :func:`team_heads`; drawn ``ramp_months`` rounded). A role
    without attrition adds nothing, so a team without it keeps every line at 0.0.
    """
    by_function: dict[str, list[Line]] = {f: [] for f in FUNCTIONS}
    leavers: dict[str, list[Line]] = {f: [] for f in FUNCTIONS}
    ramp_lost: dict[str, list[Line]] = {f: [] for f in FUNCTIONS}
    recruiting: list[Line] = []
    for j, (role, role_heads) in enumerate(zip(opex.team, heads, strict=True)):
        pre = f"opex.team[{j}]"
        by_function[role.function].append(role_heads)
        attrition = inp(f"{pre}.attrition_monthly", role.attrition_monthly)
        cost = inp(f"{pre}.replacement_cost", role.replacement_cost)
        ramp = inp.month(f"{pre}.ramp_months", role.ramp_months)
        if not isinstance(attrition, np.ndarray) and attrition == 0:
            continue
        left = role_heads * attrition
        leavers[role.function].append(left)
        recruiting.append(left * cost)
        longest = min(int(np.max(ramp)), clock.months)
        if longest > 0:
            window = np.zeros(np.broadcast_shapes(left.shape, np.shape(ramp)))
            for k in range(longest):  # the leavers of month t - k, still ramping up while k < ramp_months
                window[:, k:] += left[:, : clock.months - k] * (k < ramp)
            ramp_lost[role.function].append(_into(np.minimum(window, role_heads, out=window), np.multiply,
                                                  1 - RAMP_PRODUCTIVITY))
    return TeamLines({f: _total(x) for f, x in by_function.items()}, {f: _total(x) for f, x in leavers.items()},
                     {f: _total(x) for f, x in ramp_lost.items()}, _total(recruiting))


def one_off_costs(opex: Opex, inp: _Inputs, clock: _Clock, kinds: tuple[str, ...] | None = None,
                  index: int | None = None) -> Line:
    """Training runs, hardware and data purchases (of ``kinds`` only, or the one at ``index``, if given): each
    ``cost`` in its (rounded) ``month``."""
    pre = "opex.one_off_costs"
    return _total(inp(f"{pre}[{j}].cost", c.cost) * (clock.t == clock.at(inp.month(f"{pre}[{j}].month", c.month)))
                  for j, c in enumerate(opex.one_off_costs)
                  if (kinds is None or c.kind in kinds) and index in (None, j))


def operating_costs(opex: Opex, inp: _Inputs, payroll_total: Line, one_off: Line,
                    cac_spend: Line, matching: Line, recruiting: Line) -> dict[str, Line]:
    """Operating costs by category (money per month): payroll, one-offs, sales & marketing
    (``marketing_per_month`` plus the acquisition cost of paying sign-ups), G&A, other, the spend grants
    require (``grant_matching``) and recruiting (replacing leavers, :func:`talent`)."""
    return {
        "payroll": payroll_total,
        "one_off": one_off,
        "sales_marketing": inp("opex.marketing_per_month", opex.marketing_per_month) + cac_spend,
        "general_admin": inp("opex.general_admin_per_month", opex.general_admin_per_month),
        "other": inp("opex.other_per_month", opex.other_per_month),
        "grant_matching": matching,
        "recruiting": recruiting,
    }


@dataclass(frozen=True)
class FundingLines:
    """What the funding rounds do to cash each month (line items, money per month)."""

    money_in: Line      # investments, loans drawn and grant tranches
    interest: Line      # loan interest (tax-deductible)
    service: Line       # loan interest plus principal repaid
    by_kind: dict[str, Line]  # money in by kind of round (equity, safe, note, debt, grant)
    matching: Line      # the company's own spend a grant requires
    partners: list[tuple[int, Line]]  # (round index, its strategic partner's revenue) for rounds that bring one
    flows: list[Line]   # each round's cash effect: money in − service − matching + partner revenue


def funding_and_debt(funding: list[Round], inp: _Inputs, clock: _Clock) -> FundingLines:
    """The funding lines of every round, defined with ``k = t − month`` (months since the round's rounded month) as::

        money_in_t  = amount / tranches        at k = 0, e, 2e, ... (tranches; e = tranche_every_months)
        matching_t  = matching_share amount / (tranches e)          for 0 <= k < tranches e   (grants)
        owed(j)     = 1 − j / n                 (equal principal)
                    = ((1 + r)^n − (1 + r)^j) / ((1 + r)^n − 1)    (annuity; r = rate / 12 > 0)
        interest_t  = amount r owed(j_{k−1})    for 0 < k <= term, j_k = min(n, max(0, k − g)) instalments paid
        principal_t = amount (owed(j_{k−1}) − owed(j_k))           (loans; n = term − g instalments)
        partner_t   = partner_revenue_per_month  for 0 <= k < partner_months, if the round's amount is > 0

    with ``g = grace_months`` for an amortising or annuity loan and ``g = term − 1`` (one instalment at the end) for
    a bullet loan; a loan without a term pays interest for ever and no principal. An annuity's payment
    ``interest_t + principal_t`` is ``numpy_financial.pmt(r, n, −amount)`` every month after the grace.
    """
    t = clock.t
    money_in: list[Line] = []
    interest: list[Line] = []
    service: list[Line] = []
    matching: list[Line] = []
    partners: list[tuple[int, Line]] = []
    flows: list[Line] = []
    by_kind: dict[str, list[Line]] = {kind: [] for kind in ROUND_KINDS}
    for k, funding_round in enumerate(funding):
        pre = f"funding[{k}]"
        since = t - clock.at(inp.month(f"{pre}.month", funding_round.month))
        amount = inp(f"{pre}.amount", funding_round.amount)
        every, tranches = funding_round.tranche_every_months, funding_round.tranches
        paid = (since >= 0) & (since % every == 0) & (since < tranches * every) if tranches > 1 else since == 0
        money_in.append(amount / tranches * paid)
        by_kind[funding_round.kind].append(money_in[-1])
        flow = money_in[-1]
        if funding_round.kind == "debt":
            rate = inp(f"{pre}.interest_rate_yearly", funding_round.interest_rate_yearly) / 12
            term = funding_round.term_months
            if term is None:
                interest.append(amount * rate * (since > 0))
                service.append(interest[-1])
            else:
                grace = term - 1 if funding_round.repayment == "bullet" else funding_round.grace_months
                n = term - grace
                alive = (since > 0) & (since <= term)
                owed_before = _owed(np.clip(since - 1 - grace, 0, n), n, rate, funding_round.repayment)
                owed_after = _owed(np.clip(since - grace, 0, n), n, rate, funding_round.repayment)
                interest.append(amount * rate * owed_before * alive)
                service.append(interest[-1] + amount * (owed_before - owed_after) * alive)
            flow = flow - service[-1]
        if funding_round.matching_share:
            share = inp(f"{pre}.matching_share", funding_round.matching_share)
            matching.append(amount * share / (tranches * every) * ((since >= 0) & (since < tranches * every)))
            flow = flow - matching[-1]
        if funding_round.partner_revenue_per_month:
            months = funding_round.partner_months if funding_round.partner_months is not None else np.inf
            revenue = inp(f"{pre}.partner_revenue_per_month", funding_round.partner_revenue_per_month) * (
                (since >= 0) & (since < months) & (np.asarray(amount) > 0))
            partners.append((k, revenue))
            flow = flow + revenue
        flows.append(flow)
    return FundingLines(money_in=_total(money_in), interest=_total(interest), service=_total(service),
                        by_kind={kind: _total(lines) for kind, lines in by_kind.items()},
                        matching=_total(matching), partners=partners, flows=flows)


def _owed(paid: np.ndarray, n: int, rate: Line, repayment: str) -> Line:
    """The share of a loan's principal still owed after ``paid`` of its ``n`` instalments (see
    :func:`funding_and_debt`)."""
    if repayment != "annuity":
        return 1 - paid / n
    log_growth = np.log1p(np.asarray(rate, dtype=float))  # (1 + r)^x − 1 as expm1(x log1p(r)): exact for a tiny r
    whole = np.expm1(n * log_growth)
    level = np.where(whole > 0, (whole - np.expm1(paid * log_growth)) / np.where(whole > 0, whole, 1.0), 1 - paid / n)
    return level if np.ndim(level) else float(level)


def profit_tax(scenario: Scenario, inp: _Inputs, ebitda: Line, interest: Line, rd_spend: Line,
               headcount: Line, start: date | None = None) -> tuple[Line, Line, Line]:
    """(profit tax expensed, profit tax paid, R&D credit received), money per month, defined with ``rule``
    ``simple`` as::

        profit_t  = ebitda_t − interest_t − rd_super_deduction rd_spend_t
        losses_t  = max(0, losses_{t−1} − profit_t)      losses_{−1} = opening_tax_losses (carried forward)
        taxable_t = max(0, profit_t − losses_{t−1})
        tax_t     = profit_tax_rate taxable_t            credit_t = rd_credit_rate rd_spend_t

    (without carry-forward, ``taxable_t = max(0, profit_t)``), expensed and paid in the month. The losses follow
    Lindley's recursion, in closed form ``losses_t = S_t − min(0, min_{j<=t} S_j)`` with
    ``S_t = opening − Σ_{j<=t} profit_j``. The yearly rules (``china``, ``us``) are :func:`core.engine.books.filed_tax`
    on the same ``profit_t``, its calendar from ``start`` (the first month projected; the scenario's start if None).
    """
    tax = scenario.tax
    rate, credit_rate = inp("tax.profit_tax_rate", tax.profit_tax_rate), inp("tax.rd_credit_rate", tax.rd_credit_rate)
    credit = credit_rate * rd_spend if _nonzero(credit_rate) else 0.0
    if not _nonzero(rate):
        return 0.0, 0.0, credit
    profit = np.atleast_2d(ebitda - interest - inp("tax.rd_super_deduction", tax.rd_super_deduction) * rd_spend)
    opening = np.asarray(inp("tax.opening_tax_losses", tax.opening_tax_losses), dtype=float).reshape(-1, 1)
    if tax.rule != "simple":
        expense, paid = books.filed_tax(tax, rate, profit, opening, headcount, start or scenario.company.start_date)
        return expense, paid, credit
    if not tax.carry_forward_losses:
        paid = rate * np.maximum(profit, 0.0)
        return paid, paid, credit
    running = opening - running_total(profit)
    losses = running - np.minimum(np.minimum.accumulate(running, axis=1), 0.0)
    before = np.concatenate([np.broadcast_to(opening, (losses.shape[0], 1)), losses[:, :-1]], axis=1)
    paid = rate * np.maximum(profit - before, 0.0)
    return paid, paid, credit


def cash_balance(starting_cash: np.ndarray, funding_in: Line, net_burn: Line,
                 window: tuple[int, int] | None = None) -> np.ndarray:
    """Month-end cash, defined as ``cash_t = cash_{t-1} + funding_in_t - net_burn_t`` with ``cash_{-1}`` the starting cash,
    over the ``window`` (first month, months) of the lines (all of them if None)."""
    cash = funding_in - net_burn
    assert isinstance(cash, np.ndarray), "the net burn holds the inference cost, a (1, months) line at least"
    running_total(cash, out=cash)  # in place over all the lines' months (a copy of the window would cost more)
    if window is not None and window != (0, cash.shape[1]):
        first, months = window
        if first:  # from the window's first month: less the running total before it
            cash[:, first:first + months] -= cash[:, first - 1:first]
        cash = cash[:, first:first + months]
    return _into(cash, np.add, starting_cash[:, None])


def _window(line: Line, first: int, months: int) -> Line:
    """The ``months`` months of a line from its month ``first`` (a constant stays itself)."""
    return line[:, first:first + months] if isinstance(line, np.ndarray) and line.shape[1] > 1 else line


def _before(line: Line, months: int) -> np.ndarray:
    """The sum of a line over its first ``months`` months, (rows, 1)."""
    if not isinstance(line, np.ndarray) or line.shape[1] == 1:
        total = np.array(line * months, dtype=float).reshape(-1, 1)
    else:
        total = line[:, :months].sum(axis=1, keepdims=True)
    total.flags.writeable = False
    return total


def project(scenario: Scenario, draws: Mapping[str, np.ndarray] | None = None) -> Projection:
    """Project the scenario month by month for every path, one line item at a time.

    Parameters
    ----------
    scenario : Scenario
        The validated inputs.
    draws : mapping of field path to ndarray of shape (paths,), optional
        Per-path replacements for numeric inputs (Monte Carlo, sensitivity, pricing).

    Returns
    -------
    Projection
        Arrays shaped (paths, months); paths = 1 without draws. A line no drawn input reaches is a
        broadcast view of one row. Peak memory is the result's own plus a few lines: no chunks
        needed (they cost a copy of every line and saved nothing, see BENCHMARKS.md).
    """
    return _project(scenario, _Inputs(draws))


def drawable_inputs(scenario: Scenario) -> frozenset[str]:
    """The field paths ``draws`` may replace for this scenario: the numeric inputs a projection reads (a loan's rate,
    not an equity round's; a price, not a payment term)."""
    inp = _Inputs(None)
    _project(scenario, inp)
    return frozenset(inp.read)


def _project(scenario: Scenario, inp: _Inputs) -> Projection:
    # the grid: a re-forecast's history, the horizon, then the months the last bills read ahead; the result shows
    # the horizon only
    first, horizon = scenario.settings.history_months, scenario.settings.horizon_months
    timed = uses_timing(scenario)
    clock = _Clock(inp.paths, first + horizon + (books.lookahead(scenario) if timed else 0), first)
    begins = month_date(scenario.company.start_date, -first)  # the first month projected
    lines = revenue_streams(scenario, inp, clock)
    money = funding_and_debt(scenario.funding, inp, clock)
    partner_revenue = [revenue for _, revenue in money.partners]
    total_revenue = _total([lines.total_revenue, *partner_revenue])
    per_mtok = cost_per_million_tokens(scenario.ai_costs, inp, clock)
    cor_items = cost_of_revenue(scenario.ai_costs, inp, lines, per_mtok, total_revenue)
    heads = team_heads(scenario.opex, inp, clock)
    by_function, headcount = payroll(scenario.opex, inp, clock, heads)
    team = talent(scenario.opex, inp, clock, heads)
    opex = operating_costs(scenario.opex, inp, _total(by_function.values()), one_off_costs(scenario.opex, inp, clock),
                           lines.cac_spend, money.matching, team.recruiting)
    timing: books.Timing | None = None
    working_capital: Line = 0.0
    if timed:
        timed_opex = {k: v for k, v in opex.items() if k not in ("payroll", "one_off")}
        one_offs = [(one_off_costs(scenario.opex, inp, clock, index=j), c.instalments)
                    for j, c in enumerate(scenario.opex.one_off_costs)]
        timing, working_capital = books.timing(scenario, lines.revenue, cor_items, timed_opex, one_offs, clock.months,
                                               begins, (first, horizon))
    opex |= {"bad_debt": timing.bad_debt if timing else 0.0, "vat_surcharges": timing.surcharges if timing else 0.0}
    gross_profit = total_revenue - _total(cor_items.values())
    assert isinstance(gross_profit, np.ndarray), "the cost of revenue holds the inference cost, a (1, months) line at least"
    ebitda = _into(gross_profit, np.subtract, _total(opex.values()))  # in place: the totals are built on first use
    rd_spend = by_function["rd"] + one_off_costs(scenario.opex, inp, clock, RD_ONE_OFF_KINDS)
    tax_expense, tax, tax_credit = profit_tax(scenario, inp, ebitda, money.interest, rd_spend, headcount, begins)
    starting_cash = np.broadcast_to(
        np.asarray(inp("company.starting_cash", scenario.company.starting_cash), dtype=float).reshape(-1), (inp.paths,)
    )
    # the working capital (cash tied up by when bills and VAT are paid) is a scratch array of the thread's: added into
    # the cash and not kept (Projection.working_capital rebuilds it)
    cash = cash_balance(starting_cash, money.money_in, money.service + tax - tax_credit - ebitda + working_capital,
                        (first, horizon))
    inp.check_all_used()
    partner_rounds = [scenario.funding[k] for k, _ in money.partners]
    recurring = _total([lines.recurring_revenue, *partner_revenue])
    contracts = [np.asarray(r > 0, dtype=float) for r in partner_revenue]  # units: 1 while the partner pays

    shown = (clock.paths, horizon)

    def full(line: Line) -> np.ndarray:  # each line over the months shown, read-only, shaped (paths, months)
        return _frozen(_window(line, first, horizon) if clock.months != horizon else line, shown)

    churn = [(i, rate, lines.units[i][:, first - 1:first] if first else start) for i, rate, start in lines.churn]
    opening = {"tax_payable": _before(tax_expense - tax, first),  # what a re-forecast's history leaves owed
               "loans": _before(money.by_kind["debt"] - money.service + money.interest, first)} if first else {}

    return Projection(
        currency=scenario.company.currency,
        start_date=scenario.company.start_date,
        starting_cash=starting_cash,
        stream_names=(*(s.name for s in scenario.streams), *(r.name for r in partner_rounds)),
        stream_kinds=(*(s.kind for s in scenario.streams), *("partner" for _ in partner_rounds)),
        stream_recurring=(*(s.RECURRING for s in scenario.streams), *(True for _ in partner_rounds)),
        revenue_by_stream=tuple(full(r) for r in (*lines.revenue, *partner_revenue)),
        units_by_stream=tuple(full(u) for u in (*lines.units, *contracts)),
        revenue=full(total_revenue),
        cost_of_revenue_items={k: full(v) for k, v in cor_items.items()},
        opex={k: full(v) for k, v in opex.items()},
        payroll_by_function={k: full(v) for k, v in by_function.items()},
        ebitda=full(ebitda),
        debt_service=full(money.service),
        interest=full(money.interest),
        tax=full(tax),
        tax_expense=full(tax_expense),
        tax_credit=full(tax_credit),
        funding_in=full(money.money_in),
        funding_by_kind={k: full(v) for k, v in money.by_kind.items()},
        flows_by_round=tuple(full(f) for f in money.flows),
        cash=_frozen(cash, shown),  # already over the months shown
        customers=full(lines.customers),
        new_customers=full(lines.new_customers),
        churn_by_stream=tuple(churn),
        mrr=full(recurring),
        headcount=full(headcount),
        tokens=full(lines.tokens),
        cost_per_million_tokens=full(per_mtok),
        # talent
        headcount_by_function={k: full(v) for k, v in team.headcount.items()},
        leavers_by_function={k: full(v) for k, v in team.leavers.items()},
        ramp_lost_by_function={k: full(v) for k, v in team.ramp_lost.items()},
        leavers=full(_total(team.leavers.values())),
        ramp_fte_lost=full(_total(team.ramp_lost.values())),
        timing=timing,
        opening=opening,
    )
