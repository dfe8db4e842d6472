"""The monthly cash-flow engine, vectorised over (paths, months).

Over 400 lines because each line item is its own function with its formula in its docstring.

``project(scenario, draws)`` is the one engine: the deterministic view, Monte Carlo,
pricing and sensitivity all call it. It is written one function per line item, each stating
its formula — :func:`revenue_streams`, :func:`cost_per_million_tokens`, :func:`cost_of_revenue`,
:func:`payroll`, :func:`one_off_costs`, :func:`operating_costs`, :func:`funding_and_debt`,
:func:`cash_balance` — and the plain-Python oracle uses the same names. ``draws`` replaces any numeric scenario input by
an array with one value per path, addressed by its field path, e.g.
``{"streams[0].churn_monthly": np.array([0.02, 0.05])}`` gives two paths.

Conventions
-----------
- Month ``t`` runs ``0 .. horizon-1``; month 0 is the scenario's start month.
- Every flow is a total for the month; ``cash[:, t]`` is the balance at the end of
  month ``t``: ``cash[t] = cash[t-1] + funding_in[t] - net_burn[t]`` with
  ``cash[-1] = starting_cash``.
- ``net_burn = cost_of_revenue + opex + debt_service - revenue``: positive when the
  company loses cash, before any funding.
- Growth rates ``*_monthly`` compound monthly: ``q_t = q_0 (1 + g)^t``.
  Declines ``*_yearly`` are applied smoothly: ``x_t = x_0 (1 - d)^(t / 12)``.
  Salary growth is a yearly raise: ``(1 + s)^floor(t / 12)``.
- Subscription customers at the end of month t: ``C_t = C_{t-1} (1 - churn) + new_t``
  with ``C_{-1}`` the starting customers; month t bills ``C_t`` customers.
  With a trial of ``L`` months, sign-ups of month ``t - L`` convert in month ``t``;
  customers on trial consume inference but pay nothing.
- A stream with a ``demand`` model sells ``q(price) / q(reference price)`` times its
  quantities (a subscription: its starting customers and sign-ups), so a drawn or
  changed price moves volume.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from core.model import AICosts, Opex, Round, Scenario, SubscriptionStream
from core.model.demand import reference_price, volume_factor

OPEX_CATEGORIES = ("payroll", "one_off", "sales_marketing", "general_admin", "other")
COST_OF_REVENUE_ITEMS = ("inference", "hosting", "support", "delivery")
FUNCTIONS = ("rd", "sales", "ga", "ops")


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
    stream_revenue: np.ndarray  # (paths, streams, months)
    stream_units: np.ndarray  # (paths, streams, months): units sold (a subscription: paying customers)
    revenue: np.ndarray
    cost_of_revenue_items: dict[str, np.ndarray]
    cost_of_revenue: np.ndarray
    gross_profit: np.ndarray
    opex: dict[str, np.ndarray]
    payroll_by_function: dict[str, np.ndarray]
    opex_total: np.ndarray
    ebitda: np.ndarray
    debt_service: np.ndarray
    net_burn: np.ndarray
    funding_in: np.ndarray
    round_flows: np.ndarray  # (paths, rounds, months): each round's money in minus its debt service
    cash: np.ndarray
    customers: np.ndarray
    new_customers: np.ndarray
    churned_customers: np.ndarray
    mrr: np.ndarray
    arr: np.ndarray
    headcount: np.ndarray
    tokens: np.ndarray
    cost_per_million_tokens: np.ndarray

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
        cols: dict[str, object] = {"month": np.arange(self.months), "date": self.month_dates()}
        for name, row in zip(self.stream_names, self.stream_revenue[path], strict=True):
            cols[f"revenue: {name}"] = row
        cols["revenue"] = self.revenue[path]
        for item, arr in self.cost_of_revenue_items.items():
            cols[f"cost of revenue: {item}"] = arr[path]
        cols["cost_of_revenue"] = self.cost_of_revenue[path]
        cols["gross_profit"] = self.gross_profit[path]
        for cat, arr in self.opex.items():
            cols[f"opex: {cat}"] = arr[path]
        for name in ("opex_total", "ebitda", "debt_service", "net_burn", "funding_in", "cash",
                     "customers", "new_customers", "churned_customers", "mrr", "arr", "headcount", "tokens",
                     "cost_per_million_tokens"):
            cols[name] = getattr(self, name)[path]
        return pd.DataFrame(cols)


def month_date(start: date, t: int) -> date:
    """First day of month ``t`` counted from ``start`` (month 0)."""
    m = start.month - 1 + t
    return date(start.year + m // 12, m % 12 + 1, 1)


class _Inputs:
    """Reads scenario inputs, replaced per path by ``draws`` where given."""

    def __init__(self, draws: Mapping[str, np.ndarray] | None):
        self.draws = {k: np.asarray(v, dtype=float).reshape(-1, 1) for k, v in (draws or {}).items()}
        sizes = {v.shape[0] for v in self.draws.values()}
        if len(sizes) > 1:
            raise ValueError(f"draws must all have the same number of paths, got sizes {sorted(sizes)}")
        self.paths = sizes.pop() if sizes else 1
        if not all(np.isfinite(v).all() for v in self.draws.values()):
            raise ValueError("draws must be finite")
        self.used: set[str] = set()

    def __call__(self, path: str, value: float) -> float | np.ndarray:
        if path in self.draws:
            self.used.add(path)
            return self.draws[path]
        return value

    def month(self, path: str, value: int) -> float | np.ndarray:
        """A month input; drawn months are rounded to whole months."""
        return np.rint(self(path, value))

    def check_all_used(self) -> None:
        unknown = sorted(set(self.draws) - self.used)
        if unknown:
            raise KeyError(f"draws name inputs this scenario does not have: {', '.join(unknown)}")


def _subscribers(stream: SubscriptionStream, pre: str, inp: _Inputs, t: np.ndarray, demand: float | np.ndarray = 1.0):
    """(paying customers, new paying, on trial, churned) per month; customers at month end.

    ``demand`` scales the starting customers and the sign-ups (the price response of the
    stream's demand model).
    """
    signups = demand * inp(f"{pre}.new_customers_per_month", stream.new_customers_per_month) * (
        1 + inp(f"{pre}.new_customer_growth_monthly", stream.new_customer_growth_monthly)
    ) ** t
    on_trial = 0.0
    paid_new = signups
    if stream.trial is not None:
        lag = stream.trial.months
        conversion = inp(f"{pre}.trial.conversion", stream.trial.conversion)
        shifted = np.zeros(np.broadcast_shapes(np.shape(signups), t.shape))
        shifted[:, lag:] = (signups * np.ones_like(t))[:, : t.shape[1] - lag]
        paid_new = conversion * shifted
        cum = np.cumsum(signups * np.ones_like(t), axis=1)
        earlier = np.zeros_like(cum)
        earlier[:, lag:] = cum[:, : cum.shape[1] - lag]
        on_trial = cum - earlier
    retention = 1 - inp(f"{pre}.churn_monthly", stream.churn_monthly)
    decay = retention**t
    # C_t = r^(t+1) C0 + sum_k r^(t-k) new_k; churn <= 0.9 keeps r^-t finite for t < 240.
    start = demand * inp(f"{pre}.starting_customers", stream.starting_customers)
    customers = decay * (retention * start + np.cumsum(paid_new / decay, axis=1))
    before = np.concatenate([np.broadcast_to(start, (customers.shape[0], 1)), customers[:, :-1]], axis=1)
    return customers, paid_new, on_trial, before + paid_new - customers


@dataclass(frozen=True)
class _Clock:
    """The grid every line item lives on: ``t`` is the month index, shaped (1, months)."""

    paths: int
    months: int

    @property
    def t(self) -> np.ndarray:
        return np.arange(self.months, dtype=float)[None, :]

    @property
    def shape(self) -> tuple[int, int]:
        return (self.paths, self.months)

    def zeros(self) -> np.ndarray:
        return np.zeros(self.shape)


@dataclass(frozen=True)
class StreamLines:
    """Each stream's monthly lines, shaped (paths, streams, months), and their company totals (paths, months)."""

    revenue: np.ndarray
    units: np.ndarray
    tokens: np.ndarray          # millions of tokens served (paying units and trials)
    delivery: np.ndarray        # unit costs and delivery shares, in money
    customers: np.ndarray       # subscription customers at month end
    new_customers: np.ndarray   # paying sign-ups of the month
    churned: np.ndarray
    cac_spend: np.ndarray       # acquisition cost of the month's paying sign-ups


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
    t, shape = clock.t, clock.shape
    revenues, units = [], []
    tokens, delivery = clock.zeros(), clock.zeros()
    customers, new_customers, churned, cac_spend = clock.zeros(), clock.zeros(), clock.zeros(), clock.zeros()
    for i, stream in enumerate(scenario.streams):
        pre = f"streams[{i}]"

        def term(role: str, stream=stream, pre=pre) -> float | np.ndarray:
            fields, factor = stream.TERMS.get(role, ((), 0.0))
            value = factor
            for f in fields:
                value = value * inp(f"{pre}.{f}", getattr(stream, f))
            return value

        price = term("price") * (1 + term("price_growth")) ** t * (1 - term("price_decline")) ** (t / 12)
        on_trial: float | np.ndarray = 0.0
        response: float | np.ndarray = 1.0
        demand = getattr(stream, "demand", None)
        if demand is not None:
            response = volume_factor(demand, inp(f"{pre}.{stream.PRICE}", stream.price_value()), reference_price(stream))
        if isinstance(stream, SubscriptionStream):
            qty, paid_new, on_trial, lost = _subscribers(stream, pre, inp, t, response)
            customers = customers + qty
            churned = churned + lost
            new_customers = new_customers + paid_new
            cac_spend = cac_spend + paid_new * inp(f"{pre}.cac_per_customer", stream.cac_per_customer)
        else:
            qty = response * term("quantity") * (1 + term("growth")) ** t
        rev = qty * price
        revenues.append(np.broadcast_to(rev, shape))
        units.append(np.broadcast_to(qty, shape))
        tokens = tokens + (qty + on_trial) * term("tokens")
        delivery = delivery + qty * term("unit_cost") + rev * term("delivery_share")
    empty = np.zeros((clock.paths, 0, clock.months))
    return StreamLines(
        revenue=np.stack(revenues, axis=1) if revenues else empty,
        units=np.stack(units, axis=1) if units else empty,
        tokens=tokens, delivery=delivery, customers=customers, new_customers=new_customers, churned=churned,
        cac_spend=cac_spend,
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
    return per_mtok * (1 - inp("ai_costs.cost_decline_yearly", ai.cost_decline_yearly)) ** (clock.t / 12)


def cost_of_revenue(ai: AICosts, inp: _Inputs, clock: _Clock, lines: StreamLines, revenue: np.ndarray,
                    per_mtok: np.ndarray) -> dict[str, np.ndarray]:
    """The cost of revenue by item (money per month), defined as::

        inference = tokens_t c_t
        hosting   = hosting_per_month
        support   = revenue_t support_share_of_revenue
        delivery  = the streams' unit costs and delivery shares
    """
    return {
        "inference": lines.tokens * per_mtok,
        "hosting": clock.zeros() + inp("ai_costs.hosting_per_month", ai.hosting_per_month),
        "support": revenue * inp("ai_costs.support_share_of_revenue", ai.support_share_of_revenue),
        "delivery": lines.delivery,
    }


def payroll(opex: Opex, inp: _Inputs, clock: _Clock) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """(payroll by function, headcount), defined as::

        payroll_t = sum over roles active at t of headcount cost_per_head (1 + salary_growth)^floor(t / 12)

    a role being active from ``start_month`` (drawn months rounded) until before ``end_month``.
    """
    t = clock.t
    raise_factor = (1 + inp("opex.salary_growth_yearly", opex.salary_growth_yearly)) ** np.floor(t / 12)
    by_function = {f: clock.zeros() for f in FUNCTIONS}
    headcount = clock.zeros()
    for j, role in enumerate(opex.team):
        pre = f"opex.team[{j}]"
        start = inp.month(f"{pre}.start_month", role.start_month)
        active = (t >= start) & (t < (np.inf if role.end_month is None else role.end_month))
        heads = inp(f"{pre}.headcount", role.headcount) * active
        headcount = headcount + heads
        by_function[role.function] += heads * inp(f"{pre}.cost_per_head_month", role.cost_per_head_month) * raise_factor
    return by_function, headcount


def one_off_costs(opex: Opex, inp: _Inputs, clock: _Clock) -> np.ndarray:
    """Training runs, hardware and data purchases: each ``cost`` in its (rounded) ``month``."""
    one_off = clock.zeros()
    for j, cost in enumerate(opex.one_off_costs):
        pre = f"opex.one_off_costs[{j}]"
        one_off = one_off + inp(f"{pre}.cost", cost.cost) * (clock.t == inp.month(f"{pre}.month", cost.month))
    return one_off


def operating_costs(opex: Opex, inp: _Inputs, clock: _Clock, payroll_total: np.ndarray, one_off: np.ndarray,
                    cac_spend: np.ndarray) -> dict[str, np.ndarray]:
    """Operating costs by category (money per month): payroll, one-offs, sales & marketing
    (``marketing_per_month`` plus the acquisition cost of paying sign-ups), G&A, other."""
    return {
        "payroll": payroll_total,
        "one_off": one_off,
        "sales_marketing": clock.zeros() + inp("opex.marketing_per_month", opex.marketing_per_month) + cac_spend,
        "general_admin": clock.zeros() + inp("opex.general_admin_per_month", opex.general_admin_per_month),
        "other": clock.zeros() + inp("opex.other_per_month", opex.other_per_month),
    }


def funding_and_debt(funding: list[Round], inp: _Inputs, clock: _Clock) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(money in, debt service, each round's money in minus its service (paths, rounds, months)), defined as::

        money_in_t = amount                      in the round's (rounded) month
        service_t  = amount rate_yearly / 12     each month after it until the term ends
                   + amount                      in the last month of the term (a bullet repayment)
    """
    t = clock.t
    funding_in, debt_service, round_flows = clock.zeros(), clock.zeros(), []
    for k, funding_round in enumerate(funding):
        pre = f"funding[{k}]"
        month = inp.month(f"{pre}.month", funding_round.month)
        amount = inp(f"{pre}.amount", funding_round.amount)
        money_in = amount * (t == month)
        service: float | np.ndarray = 0.0
        if funding_round.kind == "debt":
            end = month + (funding_round.term_months if funding_round.term_months is not None else np.inf)
            outstanding = (t > month) & (t <= end)
            rate = inp(f"{pre}.interest_rate_yearly", funding_round.interest_rate_yearly)
            service = amount * rate / 12 * outstanding + amount * (t == end)
        funding_in = funding_in + money_in
        debt_service = debt_service + service
        round_flows.append(np.broadcast_to(money_in - service, clock.shape))
    flows = np.stack(round_flows, axis=1) if round_flows else np.zeros((clock.paths, 0, clock.months))
    return funding_in, debt_service, flows


def cash_balance(starting_cash: np.ndarray, funding_in: np.ndarray, net_burn: np.ndarray) -> np.ndarray:
    """Month-end cash, defined as ``cash_t = cash_{t-1} + funding_in_t - net_burn_t`` with ``cash_{-1}`` the starting cash."""
    return starting_cash[:, None] + np.cumsum(funding_in - net_burn, axis=1)


def _total(items: Iterable[np.ndarray]) -> np.ndarray:
    """The sum of line items, added in order."""
    return functools.reduce(np.add, items)


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
        Arrays shaped (paths, months); paths = 1 without draws.
    """
    inp = _Inputs(draws)
    clock = _Clock(inp.paths, scenario.settings.horizon_months)
    lines = revenue_streams(scenario, inp, clock)
    revenue = lines.revenue.sum(axis=1)
    recurring = tuple(s.RECURRING for s in scenario.streams)
    mrr = lines.revenue[:, list(recurring), :].sum(axis=1) if any(recurring) else clock.zeros()
    per_mtok = cost_per_million_tokens(scenario.ai_costs, inp, clock)
    cor_items = cost_of_revenue(scenario.ai_costs, inp, clock, lines, revenue, per_mtok)
    total_cost_of_revenue = _total(cor_items.values())
    by_function, headcount = payroll(scenario.opex, inp, clock)
    opex = operating_costs(scenario.opex, inp, clock, _total(by_function.values()), one_off_costs(scenario.opex, inp, clock),
                           lines.cac_spend)
    opex_total = _total(opex.values())
    funding_in, debt_service, round_flows = funding_and_debt(scenario.funding, inp, clock)
    gross_profit = revenue - total_cost_of_revenue
    ebitda = gross_profit - opex_total
    net_burn = debt_service - ebitda
    starting_cash = np.broadcast_to(
        np.asarray(inp("company.starting_cash", scenario.company.starting_cash), dtype=float).reshape(-1), (inp.paths,)
    )
    cash = cash_balance(starting_cash, funding_in, net_burn)
    inp.check_all_used()

    def full(a: np.ndarray | float) -> np.ndarray:
        return np.broadcast_to(a, clock.shape)

    return Projection(
        currency=scenario.company.currency,
        start_date=scenario.company.start_date,
        starting_cash=starting_cash,
        stream_names=tuple(s.name for s in scenario.streams),
        stream_kinds=tuple(s.kind for s in scenario.streams),
        stream_recurring=recurring,
        stream_revenue=lines.revenue,
        stream_units=lines.units,
        revenue=full(revenue),
        cost_of_revenue_items={k: full(v) for k, v in cor_items.items()},
        cost_of_revenue=full(total_cost_of_revenue),
        gross_profit=full(gross_profit),
        opex={k: full(v) for k, v in opex.items()},
        payroll_by_function={k: full(v) for k, v in by_function.items()},
        opex_total=full(opex_total),
        ebitda=full(ebitda),
        debt_service=full(debt_service),
        net_burn=full(net_burn),
        funding_in=full(funding_in),
        round_flows=round_flows,
        cash=full(cash),
        customers=full(lines.customers),
        new_customers=full(lines.new_customers),
        churned_customers=full(lines.churned),
        mrr=full(mrr),
        arr=full(12 * mrr),
        headcount=full(headcount),
        tokens=full(lines.tokens),
        cost_per_million_tokens=full(per_mtok),
    )
