"""The monthly cash-flow engine, vectorised over (paths, months).

``project(scenario, draws)`` is the one engine: the deterministic view, Monte Carlo,
pricing and sensitivity all call it. ``draws`` replaces any numeric scenario input by
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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .demand import reference_price, volume_factor
from .scenario import Scenario, SubscriptionStream

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


def _subscribers(s: SubscriptionStream, pre: str, inp: _Inputs, t: np.ndarray, demand: float | np.ndarray = 1.0):
    """(paying customers, new paying, on trial, churned) per month; customers at month end.

    ``demand`` scales the starting customers and the sign-ups (the price response of the
    stream's demand model).
    """
    signups = demand * inp(f"{pre}.new_customers_per_month", s.new_customers_per_month) * (
        1 + inp(f"{pre}.new_customer_growth_monthly", s.new_customer_growth_monthly)
    ) ** t
    on_trial = 0.0
    paid_new = signups
    if s.trial is not None:
        lag = s.trial.months
        conversion = inp(f"{pre}.trial.conversion", s.trial.conversion)
        shifted = np.zeros(np.broadcast_shapes(np.shape(signups), t.shape))
        shifted[:, lag:] = (signups * np.ones_like(t))[:, : t.shape[1] - lag]
        paid_new = conversion * shifted
        cum = np.cumsum(signups * np.ones_like(t), axis=1)
        earlier = np.zeros_like(cum)
        earlier[:, lag:] = cum[:, : cum.shape[1] - lag]
        on_trial = cum - earlier
    retention = 1 - inp(f"{pre}.churn_monthly", s.churn_monthly)
    decay = retention**t
    # C_t = r^(t+1) C0 + sum_k r^(t-k) new_k; churn <= 0.9 keeps r^-t finite for t < 240.
    start = demand * inp(f"{pre}.starting_customers", s.starting_customers)
    customers = decay * (retention * start + np.cumsum(paid_new / decay, axis=1))
    before = np.concatenate([np.broadcast_to(start, (customers.shape[0], 1)), customers[:, :-1]], axis=1)
    return customers, paid_new, on_trial, before + paid_new - customers


def project(scenario: Scenario, draws: Mapping[str, np.ndarray] | None = None) -> Projection:
    """Project the scenario month by month for every path.

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
    horizon = scenario.settings.horizon_months
    shape = (inp.paths, horizon)
    t = np.arange(horizon, dtype=float)[None, :]
    zeros = np.zeros(shape)

    # --- revenue streams and what they cost to serve
    revenues, units, tokens, delivery = [], [], zeros.copy(), zeros.copy()
    customers, new_customers, churned, cac_spend = zeros.copy(), zeros.copy(), zeros.copy(), zeros.copy()
    for i, s in enumerate(scenario.streams):
        pre = f"streams[{i}]"

        def term(role: str, s=s, pre=pre) -> float | np.ndarray:
            fields, factor = s.TERMS.get(role, ((), 0.0))
            value = factor
            for f in fields:
                value = value * inp(f"{pre}.{f}", getattr(s, f))
            return value

        price = term("price") * (1 + term("price_growth")) ** t * (1 - term("price_decline")) ** (t / 12)
        on_trial: float | np.ndarray = 0.0
        response: float | np.ndarray = 1.0
        demand = getattr(s, "demand", None)
        if demand is not None:
            response = volume_factor(demand, inp(f"{pre}.{s.PRICE}", s.price_value()), reference_price(s))
        if isinstance(s, SubscriptionStream):
            qty, paid_new, on_trial, lost = _subscribers(s, pre, inp, t, response)
            customers = customers + qty
            churned = churned + lost
            new_customers = new_customers + paid_new
            cac_spend = cac_spend + paid_new * inp(f"{pre}.cac_per_customer", s.cac_per_customer)
        else:
            qty = response * term("quantity") * (1 + term("growth")) ** t
        rev = qty * price
        revenues.append(np.broadcast_to(rev, shape))
        units.append(np.broadcast_to(qty, shape))
        tokens = tokens + (qty + on_trial) * term("tokens")
        delivery = delivery + qty * term("unit_cost") + rev * term("delivery_share")
    stream_revenue = np.stack(revenues, axis=1) if revenues else np.zeros((inp.paths, 0, horizon))
    stream_units = np.stack(units, axis=1) if units else np.zeros((inp.paths, 0, horizon))
    revenue = stream_revenue.sum(axis=1)
    recurring = tuple(s.RECURRING for s in scenario.streams)
    mrr = stream_revenue[:, list(recurring), :].sum(axis=1) if any(recurring) else zeros

    ai = scenario.ai_costs
    if ai.gpu_price_per_hour is not None:
        assert ai.tokens_per_second is not None  # AICosts' validator gives both or neither
        per_mtok = inp("ai_costs.gpu_price_per_hour", ai.gpu_price_per_hour) / (
            3600 * inp("ai_costs.tokens_per_second", ai.tokens_per_second)
        ) * 1e6
    else:
        per_mtok = inp("ai_costs.cost_per_million_tokens", ai.million_token_cost)
    cost_per_mtok = per_mtok * (1 - inp("ai_costs.cost_decline_yearly", ai.cost_decline_yearly)) ** (t / 12)
    cor_items = {
        "inference": tokens * cost_per_mtok,
        "hosting": zeros + inp("ai_costs.hosting_per_month", ai.hosting_per_month),
        "support": revenue * inp("ai_costs.support_share_of_revenue", ai.support_share_of_revenue),
        "delivery": delivery,
    }
    cost_of_revenue = sum(cor_items.values())

    # --- operating costs
    ox = scenario.opex
    raise_factor = (1 + inp("opex.salary_growth_yearly", ox.salary_growth_yearly)) ** np.floor(t / 12)
    payroll_by_function = {f: zeros.copy() for f in FUNCTIONS}
    headcount = zeros.copy()
    for j, r in enumerate(ox.team):
        pre = f"opex.team[{j}]"
        start = inp.month(f"{pre}.start_month", r.start_month)
        active = (t >= start) & (t < (np.inf if r.end_month is None else r.end_month))
        heads = inp(f"{pre}.headcount", r.headcount) * active
        headcount = headcount + heads
        payroll_by_function[r.function] += heads * inp(f"{pre}.cost_per_head_month", r.cost_per_head_month) * raise_factor
    one_off = zeros.copy()
    for j, c in enumerate(ox.one_off_costs):
        pre = f"opex.one_off_costs[{j}]"
        one_off = one_off + inp(f"{pre}.cost", c.cost) * (t == inp.month(f"{pre}.month", c.month))
    opex = {
        "payroll": sum(payroll_by_function.values()),
        "one_off": one_off,
        "sales_marketing": zeros + inp("opex.marketing_per_month", ox.marketing_per_month) + cac_spend,
        "general_admin": zeros + inp("opex.general_admin_per_month", ox.general_admin_per_month),
        "other": zeros + inp("opex.other_per_month", ox.other_per_month),
    }
    opex_total = sum(opex.values())

    # --- funding and debt
    funding_in, debt_service, round_flows = zeros.copy(), zeros.copy(), []
    for k, rd in enumerate(scenario.funding):
        pre = f"funding[{k}]"
        month = inp.month(f"{pre}.month", rd.month)
        amount = inp(f"{pre}.amount", rd.amount)
        money_in = amount * (t == month)
        service = 0.0
        if rd.kind == "debt":
            end = month + (rd.term_months if rd.term_months is not None else np.inf)
            outstanding = (t > month) & (t <= end)
            service = amount * inp(f"{pre}.interest_rate_yearly", rd.interest_rate_yearly) / 12 * outstanding + amount * (t == end)
        funding_in = funding_in + money_in
        debt_service = debt_service + service
        round_flows.append(np.broadcast_to(money_in - service, shape))
    gross_profit = revenue - cost_of_revenue
    ebitda = gross_profit - opex_total
    net_burn = debt_service - ebitda
    starting_cash = np.broadcast_to(
        np.asarray(inp("company.starting_cash", scenario.company.starting_cash), dtype=float).reshape(-1), (inp.paths,)
    )
    cash = starting_cash[:, None] + np.cumsum(funding_in - net_burn, axis=1)
    inp.check_all_used()

    full = lambda a: np.broadcast_to(a, shape)  # noqa: E731
    return Projection(
        currency=scenario.company.currency,
        start_date=scenario.company.start_date,
        starting_cash=starting_cash,
        stream_names=tuple(s.name for s in scenario.streams),
        stream_kinds=tuple(s.kind for s in scenario.streams),
        stream_recurring=recurring,
        stream_revenue=stream_revenue,
        stream_units=stream_units,
        revenue=full(revenue),
        cost_of_revenue_items={k: full(v) for k, v in cor_items.items()},
        cost_of_revenue=full(cost_of_revenue),
        gross_profit=full(gross_profit),
        opex={k: full(v) for k, v in opex.items()},
        payroll_by_function={k: full(v) for k, v in payroll_by_function.items()},
        opex_total=full(opex_total),
        ebitda=full(ebitda),
        debt_service=full(debt_service),
        net_burn=full(net_burn),
        funding_in=full(funding_in),
        round_flows=np.stack(round_flows, axis=1) if round_flows else np.zeros((inp.paths, 0, horizon)),
        cash=full(cash),
        customers=full(customers),
        new_customers=full(new_customers),
        churned_customers=full(churned),
        mrr=full(mrr),
        arr=full(12 * mrr),
        headcount=full(headcount),
        tokens=full(tokens),
        cost_per_million_tokens=full(cost_per_mtok),
    )
