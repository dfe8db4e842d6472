"""Plan against actuals: the variance of every reported line, the drivers of the cash gap, the trailing
metrics on actuals, and the re-forecast that restarts the plan from today's real cash.

Conventions: a line not reported in a month reads as the plan (no variance); money per month in the
scenario's currency. A driver is a line's cumulative effect on cash over the reported months (revenue
and funding above plan add cash, costs above plan take it); what the reported lines do not explain of
the cash gap (debt service, timing, unreported lines, a different opening balance) is ``unexplained``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from core.analysis.metrics import Summary, summarize
from core.engine.projection import Projection, month_date, project
from core.model import ActualMonth, Actuals, Scenario, SubscriptionStream, months_between, replace_fields

TRAILING = 3
"""Months of actuals the trailing burn multiple, runway and default-alive read."""
COSTS = ("cost_of_revenue", "payroll", "other_opex")
HORIZON_FLOOR = 12
"""A re-forecast looks at least this many months ahead."""


@dataclass(frozen=True)
class Variance:
    """Plan and actual by line for each reported month (``actual`` NaN where a month does not report the line).

    ``lines`` maps ``revenue:<stream>``, ``cost_of_revenue``, ``payroll``, ``other_opex``, ``funding`` and
    ``ending_cash`` to (plan, actual) arrays over ``months``; ``drivers`` the cumulative cash effect of each
    flow line; ``cash_gap`` actual minus plan cash at the last month (None when its cash is not reported).
    """

    months: tuple[date, ...]
    index: tuple[int, ...]
    lines: dict[str, tuple[np.ndarray, np.ndarray]]
    drivers: dict[str, float]
    plan_cash: float
    actual_cash: float | None

    @property
    def cash_gap(self) -> float | None:
        return None if self.actual_cash is None else self.actual_cash - self.plan_cash

    @property
    def explained(self) -> float:
        return float(sum(self.drivers.values()))

    @property
    def unexplained(self) -> float | None:
        return None if self.cash_gap is None else self.cash_gap - self.explained

    @property
    def cash_now(self) -> float:
        """The cash at the last reported month: as reported, else the plan's plus the reported lines' drivers."""
        return self.actual_cash if self.actual_cash is not None else self.plan_cash + self.explained


def _plan_lines(p: Projection, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    payroll = np.broadcast_to(p.opex["payroll"], p.cash.shape)[0]
    lines = {f"revenue:{name}": np.broadcast_to(p.stream_revenue[0, i], (p.months,)) for i, name in enumerate(names)}
    lines.update(cost_of_revenue=np.broadcast_to(p.cost_of_revenue, p.cash.shape)[0], payroll=payroll,
                 other_opex=np.broadcast_to(p.opex_total, p.cash.shape)[0] - payroll,
                 funding=np.broadcast_to(p.funding_in, p.cash.shape)[0], ending_cash=p.cash[0])
    return lines


def _reported(m: ActualMonth, key: str) -> float:
    value = m.revenue.get(key.split(":", 1)[1]) if key.startswith("revenue:") else getattr(m, key)
    return math.nan if value is None else float(value)


def variance(scenario: Scenario, actuals: Actuals, p: Projection | None = None) -> Variance:
    """Plan vs actual for every line and reported month, and the drivers of the cash gap."""
    p = project(scenario) if p is None else p
    start = scenario.company.start_date.replace(day=1)
    index = tuple(months_between(start, m.month) for m in actuals.months)
    plan = _plan_lines(p, p.stream_names)
    lines = {key: (np.asarray(line[list(index)], dtype=float),
                   np.array([_reported(m, key) for m in actuals.months])) for key, line in plan.items()}
    sign = {"funding": 1.0, **dict.fromkeys(COSTS, -1.0)}
    drivers = {key: float(sign.get(key, 1.0) * np.nansum(actual - planned))
               for key, (planned, actual) in lines.items() if key != "ending_cash" and np.isfinite(actual).any()}
    last = actuals.months[-1].ending_cash
    return Variance(tuple(m.month for m in actuals.months), index, lines, drivers, float(plan["ending_cash"][index[-1]]),
                    None if last is None else float(last))


def filled(v: Variance) -> dict[str, np.ndarray]:
    """Each line as it happened: the actual where reported, else the plan."""
    return {key: np.where(np.isfinite(actual), actual, planned) for key, (planned, actual) in v.lines.items()}


def fitted_growth(values: np.ndarray) -> float | None:
    """The monthly growth rate of a least-squares fit of log(values) over their months (None below 3 positive
    values). ``fitted_growth(100 * 1.05 ** np.arange(6))`` is 0.05."""
    t = np.flatnonzero(np.isfinite(values) & (values > 0))
    if len(t) < 3:
        return None
    slope = np.polyfit(t, np.log(values[t]), 1)[0]
    return float(math.expm1(slope))


@dataclass(frozen=True)
class Trailing:
    """Trailing metrics over the last ``months`` reported months: net burn a month, runway from the last
    cash (months, inf when not burning), burn multiple (net burn / net new ARR, inf when no ARR is added),
    and default alive (revenue growing at its fitted rate against flat costs reaches break-even before the
    cash runs out)."""

    months: int
    net_burn: float
    runway: float
    burn_multiple: float
    default_alive: bool


def trailing(lines: dict[str, np.ndarray], cash: float, recurring: dict[str, bool], months: int = TRAILING) -> Trailing:
    """Trailing metrics of monthly ``lines`` (keys as in :class:`Variance`) ending at month-end ``cash``."""
    zeros = np.zeros(len(lines["payroll"]))
    revenue: np.ndarray = sum((line for key, line in lines.items() if key.startswith("revenue:")), zeros)
    costs: np.ndarray = sum((lines[key] for key in COSTS), zeros)
    n = min(months, len(revenue))
    burn = float(np.mean(costs[-n:] - revenue[-n:]))
    arr: np.ndarray = 12 * sum((line for key, line in lines.items() if key.startswith("revenue:")
                                and recurring.get(key[len("revenue:"):])), zeros)
    added = (arr[-1] - arr[-n]) / (n - 1) if n > 1 else 0.0
    runway = cash / burn if burn > 0 else math.inf
    multiple = burn / added if added > 0 and burn > 0 else (0.0 if burn <= 0 else math.inf)
    growth = fitted_growth(revenue[-6:]) or 0.0
    monthly_costs, income, left, alive = float(np.mean(costs[-n:])), float(revenue[-1]), cash, burn <= 0
    for _ in range(120):
        if alive or left < 0:
            break
        income *= 1 + growth
        left += income - monthly_costs
        alive = income >= monthly_costs and left >= 0
    return Trailing(n, burn, runway, multiple, alive)


def recurring_streams(scenario: Scenario) -> dict[str, bool]:
    return {s.name: s.RECURRING for s in scenario.streams}


def trailing_pair(scenario: Scenario, v: Variance) -> tuple[Trailing, Trailing]:
    """The trailing metrics on the actuals (unreported lines read as the plan) and on the plan, same months."""
    recurring = recurring_streams(scenario)
    return (trailing(filled(v), v.cash_now, recurring),
            trailing({k: plan for k, (plan, _) in v.lines.items()}, v.plan_cash, recurring))


# --- the re-forecast -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """One stream recalibrated on the last reported months: revenue growth a month in the plan and in the
    actuals, actual over plan revenue (``level``), and the growth field with its planned and new value."""

    stream: str
    planned_growth: float | None
    fitted_growth: float | None
    level: float
    field: str
    planned_value: float
    new_value: float


@dataclass(frozen=True)
class Reforecast:
    """The scenario restarted after the last reported month, from its real cash, ``elapsed`` months after the
    plan's start; ``fits`` when recalibrated."""

    scenario: Scenario
    elapsed: int
    cash: float
    fits: tuple[Fit, ...]


def _terms(stream, role: str) -> tuple[str, ...]:
    fields, _ = stream.TERMS.get(role, ((), 1.0))
    return fields


def _advanced(scenario: Scenario, p: Projection, k: int) -> dict[str, object]:
    """Updates that move every input ``k`` months on, so month 0 of the new scenario is month ``k`` of the plan:
    volumes and prices grown, subscribers as the plan has them, costs declined, roles, one-offs and rounds moved
    (past ones dropped; a loan still outstanding carried as a loan at month 0 with its remaining term)."""
    updates: dict[str, object] = {"company.start_date": month_date(scenario.company.start_date, k),
                                  "settings.horizon_months": max(HORIZON_FLOOR, scenario.settings.horizon_months - k)}
    for i, stream in enumerate(scenario.streams):
        pre = f"streams[{i}]"
        price_growth = sum(getattr(stream, f) for f in _terms(stream, "price_growth"))
        decline = sum(getattr(stream, f) for f in _terms(stream, "price_decline"))
        price_factor = (1 + price_growth) ** k * (1 - decline) ** (k / 12)
        price_field = stream.PRICE or _terms(stream, "price")[-1]
        updates[f"{pre}.{price_field}"] = getattr(stream, price_field) * price_factor
        demand = getattr(stream, "demand", None)
        if demand is not None and demand.reference_price is not None:  # the same distance to it
            updates[f"{pre}.demand.reference_price"] = demand.reference_price * price_factor
        if isinstance(stream, SubscriptionStream):
            updates[f"{pre}.starting_customers"] = float(p.stream_units[0, i, k - 1])
            updates[f"{pre}.new_customers_per_month"] = (stream.new_customers_per_month
                                                         * (1 + stream.new_customer_growth_monthly) ** k)
        else:
            volume = stream.VOLUME
            updates[f"{pre}.{volume}"] = getattr(stream, volume) * (1 + getattr(stream, stream.GROWTH)) ** k
    ai = scenario.ai_costs
    decline = (1 - ai.cost_decline_yearly) ** (k / 12)
    for name in ("cost_per_million_tokens", "gpu_price_per_hour"):
        if getattr(ai, name) is not None:
            updates[f"ai_costs.{name}"] = getattr(ai, name) * decline
    raise_factor = (1 + scenario.opex.salary_growth_yearly) ** (k // 12)
    kept: dict[str, dict[int, int]] = {"opex.team": {}, "opex.one_off_costs": {}, "funding": {}}
    team: list[dict[str, object]] = []
    for j, role in enumerate(scenario.opex.team):
        if role.end_month is None or role.end_month > k:
            kept["opex.team"][j] = len(team)
            team.append({**role.model_dump(), "start_month": max(0, role.start_month - k),
                         "end_month": None if role.end_month is None else role.end_month - k,
                         "cost_per_head_month": role.cost_per_head_month * raise_factor})
    one_offs: list[dict[str, object]] = []
    for j, cost in enumerate(scenario.opex.one_off_costs):
        if cost.month >= k:
            kept["opex.one_off_costs"][j] = len(one_offs)
            one_offs.append({**cost.model_dump(), "month": cost.month - k})
    rounds: list[dict[str, object]] = []
    for j, r in enumerate(scenario.funding):
        end = math.inf if r.term_months is None else r.month + r.term_months
        if r.month >= k:
            kept["funding"][j] = len(rounds)
            rounds.append({**r.model_dump(), "month": r.month - k})
        elif r.kind == "debt" and end > k:  # still owed: a loan at month 0 for the rest of its term
            rounds.append({**r.model_dump(), "month": 0, "name": f"{r.name} (outstanding)"[-80:],
                           "term_months": None if r.term_months is None else int(end - k)})
    updates.update({"opex.team": team, "opex.one_off_costs": one_offs, "funding": rounds})
    names = {r["name"] for r in rounds}
    risk = scenario.risk
    updates["risk.rounds"] = {name: rr.model_dump() for name, rr in risk.rounds.items() if name in names}
    updates["risk.inputs"] = {new: d.model_dump() for path, d in risk.inputs.items()
                              if (new := _moved(path, kept)) is not None}
    updates["risk.correlations"] = [{**c.model_dump(), "a": a, "b": b} for c in risk.correlations
                                    if (a := _moved(c.a, kept)) is not None and (b := _moved(c.b, kept)) is not None]
    return updates


def _moved(path: str, kept: dict[str, dict[int, int]]) -> str | None:
    """A field path after list items were dropped (``funding[2].amount`` → ``funding[0].amount``), None if its
    item is gone."""
    for prefix, positions in kept.items():
        if path.startswith(prefix + "["):
            j = int(path[len(prefix) + 1:path.index("]")])
            return None if j not in positions else f"{prefix}[{positions[j]}]{path[path.index(']') + 1:]}"
    return path


def _debt_due(scenario: Scenario, k: int) -> float:
    """What the loans taken before month ``k`` cost in month ``k`` beyond what the re-forecast charges: the
    principal of a carried loan (the engine pays it in at month 0) and month ``k``'s interest (a loan pays none
    in its own month), and a bullet due in month ``k`` itself. Taken off the starting cash."""
    total = 0.0
    for r in scenario.funding:
        end = math.inf if r.term_months is None else r.month + r.term_months
        if r.month < k <= end and r.kind == "debt":
            total += r.amount * r.interest_rate_yearly / 12 + r.amount  # carried: paid in again; due now: repaid
    return total


def reforecast(scenario: Scenario, actuals: Actuals, recalibrate: bool = False, window: int = 6) -> Reforecast:
    """The plan from the month after the last reported one, starting from its real ending cash (or the plan's
    cash plus the reported lines' drivers when the cash is not reported). With ``recalibrate``, each stream's
    revenue level (actual / plan over the last ``window`` months) scales its volume, and the growth of its
    actual revenue replaces the planned growth of its volume (prices keep their planned path: revenue alone
    cannot tell volume from price, nor churn from sign-ups)."""
    p = project(scenario)
    v = variance(scenario, actuals, p)
    k = v.index[-1] + 1
    if k >= scenario.settings.horizon_months:
        raise ValueError("the actuals reach the end of the plan's horizon: there is nothing left to re-forecast")
    cash = v.cash_now
    updates = _advanced(scenario, p, k)
    updates["company.starting_cash"] = cash - _debt_due(scenario, k)
    fits: list[Fit] = []
    if recalibrate:
        for i, stream in enumerate(scenario.streams):
            planned, actual = v.lines[f"revenue:{stream.name}"]
            seen = np.isfinite(actual[-window:])
            if not seen.any() or planned[-window:][seen].sum() <= 0:
                continue
            level = float(actual[-window:][seen].sum() / planned[-window:][seen].sum())
            g_plan, g_fit = fitted_growth(planned[-window:]), fitted_growth(np.where(seen, actual[-window:], np.nan))
            pre = f"streams[{i}]"
            field = stream.GROWTH
            old = float(getattr(stream, field))
            new = old if g_plan is None or g_fit is None else (1 + old) * (1 + g_fit) / (1 + g_plan) - 1
            updates[f"{pre}.{field}"] = new
            volumes = ("starting_customers", "new_customers_per_month") if isinstance(stream, SubscriptionStream) \
                else (stream.VOLUME,)
            for name in volumes:
                updates[f"{pre}.{name}"] = float(updates[f"{pre}.{name}"]) * level  # type: ignore[arg-type]
            fits.append(Fit(stream.name, g_plan, g_fit, level, field, old, new))
    return Reforecast(replace_fields(scenario, updates, clamp=True), k, float(cash), tuple(fits))


def before_after(scenario: Scenario, forecast: Reforecast) -> tuple[Summary, Summary]:
    """The plan's summary and the re-forecast's (its months count from today, ``forecast.elapsed`` later)."""
    return (summarize(project(scenario), scenario.settings),
            summarize(project(forecast.scenario), forecast.scenario.settings))
