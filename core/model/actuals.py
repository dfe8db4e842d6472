"""What really happened, month by month: the actuals a founder imports next to the plan.

Every line is optional (None: not reported, read as the plan); money in the scenario's currency per
month, ``ending_cash`` the balance at the month's end. Months are the first day of a calendar month,
consecutive, with no gaps or repeats; :func:`check_actuals` ties them to a scenario (its streams, its
months, nothing after the current month).
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Annotated

from pydantic import Field, model_validator

from core.model.base import MAX_MONTH, Money, Name, _Model
from core.model.errors import Problem, ScenarioError
from core.model.scenario import Scenario

LINES = ("cost_of_revenue", "payroll", "other_opex", "funding", "ending_cash")
"""The company lines of a month besides revenue by stream, in the order of the template."""
Cash = Annotated[float, Field(ge=-1e15, le=1e15, allow_inf_nan=False)]


class ActualMonth(_Model):
    month: date
    revenue: Annotated[dict[Name, Money], Field(max_length=20)] = {}
    cost_of_revenue: Money | None = None
    payroll: Money | None = None
    other_opex: Money | None = None
    funding: Money | None = None
    ending_cash: Cash | None = None

    @model_validator(mode="after")
    def _first_of_month(self) -> ActualMonth:
        if self.month.day != 1:
            raise ValueError(f"month must be the first day of a month, not {self.month.isoformat()}")
        return self


class Actuals(_Model):
    months: Annotated[list[ActualMonth], Field(min_length=1, max_length=MAX_MONTH)]

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


def check_actuals(actuals: Actuals, scenario: Scenario, today: date) -> None:
    """Refuse actuals that do not fit the scenario: a month before its start or past its horizon, a month
    after ``today``'s, or revenue of a stream it does not have (ScenarioError naming the month or stream)."""
    names = {s.name for s in scenario.streams}
    problems = []
    for m in actuals.months:
        index = months_between(scenario.company.start_date.replace(day=1), m.month)
        if index < 0 or index >= scenario.settings.horizon_months:
            problems.append(Problem(f"{m.month:%Y-%m}", "actuals_outside", {
                "start": f"{scenario.company.start_date:%Y-%m}", "months": scenario.settings.horizon_months}))
        if months_between(today.replace(day=1), m.month) > 0:
            problems.append(Problem(f"{m.month:%Y-%m}", "actuals_future", {"today": f"{today:%Y-%m}"}))
        problems += [Problem(f"{m.month:%Y-%m}", "actuals_stream", {"stream": name}) for name in m.revenue
                     if name not in names]
    if problems:
        raise ScenarioError.of(*problems[:20])
