"""What really happened, month by month: the actuals a founder imports next to the plan.

Every line is optional (None: not reported, read as the plan); money in the scenario's currency per
month, ``ending_cash`` the balance at the month's end. Months are the first day of a calendar month,
consecutive, with no gaps or repeats; :func:`check_actuals` ties them to a scenario (its streams, its
months, only months that have ended). Actuals kept with a scenario whose months or streams changed since are
described by :func:`misfit` and brought into it by :func:`realigned`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import Field, model_validator

from core.model.base import MAX_MONTH, Money, Name, _Model
from core.model.errors import Problem, ScenarioError
from core.model.scenario import Scenario

LINES = ("cost_of_revenue", "payroll", "other_opex", "funding", "ending_cash", "receivables", "payables")
"""The company lines of a month besides revenue by stream, in the order of the template."""
Account = Annotated[str, Field(min_length=1, max_length=200)]
"""An account of the founder's books, by its name as the accounting software writes it."""
Cash = Annotated[float, Field(ge=-1e15, le=1e15, allow_inf_nan=False)]


class ActualMonth(_Model):
    month: date
    revenue: Annotated[dict[Name, Money], Field(max_length=20)] = {}
    cost_of_revenue: Money | None = None
    payroll: Money | None = None
    other_opex: Money | None = None
    funding: Money | None = None
    ending_cash: Cash | None = None
    receivables: Money | None = None
    """Owed by customers at the month's end, gross of VAT."""
    payables: Money | None = None
    """Owed to suppliers at the month's end, gross of VAT."""

    @model_validator(mode="after")
    def _first_of_month(self) -> ActualMonth:
        if self.month.day != 1:
            raise ValueError(f"month must be the first day of a month, not {self.month.isoformat()}")
        return self


class Actuals(_Model):
    months: Annotated[list[ActualMonth], Field(min_length=1, max_length=MAX_MONTH)]
    mapping: Annotated[dict[Account, str], Field(max_length=1000)] = {}
    """The model line each account of the books was read as (``revenue:<stream>``, ``payroll``, ``skip``…), kept
    so that the next import of the same books needs no mapping; empty for actuals from the template alone."""

    @model_validator(mode="after")
    def _consecutive(self) -> Actuals:
        for before, after in itertools.pairwise(self.months):
            if months_between(before.month, after.month) != 1:
                raise ValueError(f"months must follow one another without gaps or repeats: "
                                 f"{before.month:%Y-%m} is followed by {after.month:%Y-%m}")
        return self

    @property
    def first(self) -> date:
        return self.months[0].month

    @property
    def last(self) -> date:
        return self.months[-1].month


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (2026-01 → 2026-03 is 2)."""
    return (end.year - start.year) * 12 + end.month - start.month


def month_after(month: date, n: int = 1) -> date:
    """The first day of the month ``n`` months after ``month``'s: ``month_after(date(2026, 12, 9))`` is 2027-01-01."""
    k = month.year * 12 + month.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


def passed(month: date, today: date) -> bool:
    """Whether ``month``'s calendar month has ended by ``today``: 2026-11 has on 2026-12-01, 2026-12 has not."""
    return months_between(month, today) >= 1


def plan_months(scenario: Scenario) -> tuple[date, date]:
    """The plan's first and last month (first days of their months)."""
    start = scenario.company.start_date.replace(day=1)
    return start, month_after(start, scenario.settings.horizon_months - 1)


@dataclass(frozen=True)
class Misfit:
    """What of some actuals a scenario has no place for: the months before its first month, those after its last,
    and the revenue streams it does not have (by name). Empty (falsy) when the actuals fit."""

    before: tuple[date, ...]
    after: tuple[date, ...]
    streams: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.before or self.after or self.streams)


def misfit(actuals: Actuals, scenario: Scenario) -> Misfit:
    """The months and streams of ``actuals`` outside ``scenario``'s months and streams."""
    first, last = plan_months(scenario)
    names = {s.name for s in scenario.streams}
    return Misfit(tuple(m.month for m in actuals.months if m.month < first),
                  tuple(m.month for m in actuals.months if m.month > last),
                  tuple(dict.fromkeys(n for m in actuals.months for n in m.revenue if n not in names)))


def realigned(actuals: Actuals, scenario: Scenario) -> Actuals | None:
    """The actuals kept on their calendar months: the months inside the plan, without the revenue of streams it
    does not have (None when no month is inside). A month's figures stay that month's: they happened then."""
    first, last = plan_months(scenario)
    names = {s.name for s in scenario.streams}
    kept = [m.model_copy(update={"revenue": {n: v for n, v in m.revenue.items() if n in names}})
            for m in actuals.months if first <= m.month <= last]
    return Actuals(months=kept, mapping=actuals.mapping) if kept else None


def outside_problem(where: str, month: date, scenario: Scenario) -> Problem | None:
    """The problem of a month of actuals outside the plan (None inside): before its start or past its horizon; before a
    re-forecast's start, one of the months it restarted after (``actuals_history``: they belong to the plan it came
    from)."""
    first, _ = plan_months(scenario)
    index, horizon = months_between(first, month), scenario.settings.horizon_months
    if 0 <= index < horizon:
        return None
    if -scenario.settings.history_months <= index < 0:
        return Problem(where, "actuals_history", {"start": f"{first:%Y-%m}", "months": scenario.settings.history_months})
    return Problem(where, "actuals_outside", {"start": f"{first:%Y-%m}", "months": horizon})


def check_actuals(actuals: Actuals, scenario: Scenario, today: date) -> None:
    """Refuse actuals that do not fit the scenario: a month before its start or past its horizon, a month that has
    not ended by ``today``, or revenue of a stream it does not have (ScenarioError naming the month or stream)."""
    names = {s.name for s in scenario.streams}
    problems = []
    for m in actuals.months:
        if (outside := outside_problem(f"{m.month:%Y-%m}", m.month, scenario)) is not None:
            problems.append(outside)
        if not passed(m.month, today):
            problems.append(Problem(f"{m.month:%Y-%m}", "actuals_future", {"month": f"{m.month:%Y-%m}"}))
        problems += [Problem(f"{m.month:%Y-%m}", "actuals_stream", {"stream": name}) for name in m.revenue
                     if name not in names]
    if problems:
        raise ScenarioError.of(*problems[:20])
