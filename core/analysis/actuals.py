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
from core.model import ActualMonth, Actuals, Distribution, LogNormal, Scenario, SubscriptionStream, months_between, replace_fields

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
    """The monthly growth rate of a least-squares fit of log(values) over their months (NaN: not reported), None below
    3 values or when one is 0 or less (lumpy revenue: a fit of its positive months alone reads the gaps as growth).
    ``fitted_growth(100 * 1.05 ** np.arange(6))`` is 0.05."""
    seen = np.isfinite(values)
    t = np.flatnonzero(seen)
    if len(t) < 3 or (values[seen] <= 0).any():
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
    plan's start (:func:`_restarted`: what those months leave owed carries on); ``fits`` when recalibrated."""

    scenario: Scenario
    elapsed: int
    cash: float
    fits: tuple[Fit, ...]


MONTH_FIELDS = ("month", "start_month", "end_month")
"""The fields that name a month of the plan (a round's or one-off's, a role's start and end)."""


def _restarted(scenario: Scenario, k: int) -> dict[str, object]:
    """Updates that restart the scenario ``k`` months on: month 0 becomes month ``k``, the months before it history
    (``settings.history_months``), so every stream, cost, loan, grant, partner, tax loss, trial and raise carries on
    as the plan has it. Every month named moves ``k`` earlier (before the start when it has passed), with the
    distributions the Risk lab draws for those months; a round that has closed is no longer at risk."""
    updates: dict[str, object] = {
        "company.start_date": month_date(scenario.company.start_date, k),
        "settings.history_months": scenario.settings.history_months + k,
        "settings.horizon_months": max(HORIZON_FLOOR, scenario.settings.horizon_months - k)}
    for prefix, items in (("opex.team", scenario.opex.team), ("opex.one_off_costs", scenario.opex.one_off_costs),
                          ("funding", scenario.funding)):
        for j, item in enumerate(items):
            for name in MONTH_FIELDS:
                if getattr(item, name, None) is not None:
                    updates[f"{prefix}[{j}].{name}"] = getattr(item, name) - k
    risk = scenario.risk
    updates["risk.rounds"] = {r.name: risk.rounds[r.name].model_dump() for r in scenario.funding
                              if r.name in risk.rounds and r.month >= k}
    updates["risk.inputs"] = {path: (_moved(d, -k) if path.rsplit(".", 1)[-1] in MONTH_FIELDS else d).model_dump()
                              for path, d in risk.inputs.items()}
    return updates


def _moved(d: Distribution, months: int) -> Distribution:
    """A distribution of a month, ``months`` later (its location and bounds moved; a lognormal's median too, kept above 0)."""
    fields = {"low", "high", "mode", "mean"} & set(type(d).model_fields)
    if isinstance(d, LogNormal):
        return d.model_copy(update={"median": max(d.median + months, 1e-9)})
    return d.model_copy(update={f: getattr(d, f) + months for f in fields})


class NoReforecast(ValueError):
    """Why there is no re-forecast: ``reason`` ``end`` (the actuals reach the horizon) or ``negative_cash``, with
    ``params`` for its message."""

    def __init__(self, reason: str, message: str, **params: str):
        super().__init__(message)
        self.reason, self.params = reason, params


def reforecast(scenario: Scenario, actuals: Actuals, recalibrate: bool = False, window: int = 6) -> Reforecast:
    """The plan from the month after the last reported one, starting from its real ending cash (or the plan's
    cash plus the reported lines' drivers when the cash is not reported) and the last month's receivables and payables
    as reported (else as the plan leaves them), carrying on everything the months before leave owed
    (:func:`_restarted`); :class:`NoReforecast` when there is nothing left of the plan or the cash is negative.
    With ``recalibrate``, each stream's revenue level (actual / plan over the last ``window`` months) scales its
    volume, and the growth of its actual revenue replaces the planned growth of its volume (prices keep their planned
    path: revenue alone cannot tell volume from price, nor churn from sign-ups)."""
    p = project(scenario)
    v = variance(scenario, actuals, p)
    k = v.index[-1] + 1
    if k >= scenario.settings.horizon_months:
        raise NoReforecast("end", "the actuals reach the end of the plan's horizon: there is nothing left to re-forecast")
    cash = v.cash_now
    if cash < 0:
        raise NoReforecast("negative_cash", f"the cash at the end of {v.months[-1]:%Y-%m} is negative ({cash:,.0f}): "
                           "a re-forecast starts from the cash the company has", month=f"{v.months[-1]:%Y-%m}")
    updates = _restarted(scenario, k)
    last = actuals.months[-1]  # the balances as the books report them, else as the plan leaves them
    updates |= {"company.starting_cash": cash, "company.receivables": last.receivables, "company.payables": last.payables}
    total = scenario.settings.history_months + k  # months from a stream's first month to the restart
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
            # the volume at the restart scaled by ``level``, then growing at the new rate: at the stream's first
            # month (the history's), level ((1 + old) / (1 + new))^total of it
            catch_up = level * ((1 + old) / (1 + new)) ** total
            if isinstance(stream, SubscriptionStream):
                updates[f"{pre}.starting_customers"] = stream.starting_customers * level
                updates[f"{pre}.new_customers_per_month"] = stream.new_customers_per_month * catch_up
            else:
                updates[f"{pre}.{stream.VOLUME}"] = getattr(stream, stream.VOLUME) * catch_up
            fits.append(Fit(stream.name, g_plan, g_fit, level, field, old, new))
    return Reforecast(replace_fields(scenario, updates, clamp=True), k, float(cash), tuple(fits))


def before_after(scenario: Scenario, forecast: Reforecast) -> tuple[Summary, Summary]:
    """The plan's summary and the re-forecast's (its months count from today, ``forecast.elapsed`` later)."""
    return (summarize(project(scenario), scenario.settings),
            summarize(project(forecast.scenario), forecast.scenario.settings))
