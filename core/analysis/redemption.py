"""Redemption rights (回购权): what the company would owe if its investors demanded their money back, and whether the
cash plan could pay it.

A round with ``redemption_years`` lets its investors demand, from month ``round.month + 12 × redemption_years`` on,
its amount back with ``redemption_rate_yearly`` simple interest a year from the round's month: at month t they may
demand ``amount × (1 + rate × (t − round.month) / 12)``. Nothing is due before then, though the claim accrues.
The projection does not pay it (a right is an option, not a plan); here each right is exercised in the first month
it can be, and the plan's month-end cash must hold everything paid so far.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.analysis.risk import path_draws, project_paths
from core.engine.projection import Projection, project
from core.model import Round, Scenario, ScenarioError


def accrued(amount: float | np.ndarray, since: float | np.ndarray, rate_yearly: float, month: int | np.ndarray) -> np.ndarray:
    """The claim at ``month`` of ``amount`` put in at month ``since`` with ``rate_yearly`` simple interest (money;
    0 before ``since``). Takes arrays (a path's amount and month) as well as numbers.

    >>> float(accrued(2e6, 0, 0.08, 60)), float(accrued(2e6, -24, 0.08, 36)), float(accrued(2e6, 12, 0.08, 6))
    (2800000.0, 2800000.0, 0.0)
    """
    return np.where(month >= since, amount * (1 + rate_yearly * (month - since) / 12), 0.0)


def exercisable(r: Round) -> int:
    """The month (an index from the plan's first month) from which the round's investors may demand redemption."""
    return r.month + 12 * (r.redemption_years or 0)


@dataclass(frozen=True)
class Right:
    """One round's redemption right. ``month``: the first plan month it can be exercised in (month 0 for one
    exercisable before the plan starts); ``owed_then``: what its investors could demand then (money, beyond the
    horizon too); ``accrued`` and ``owed``, (horizon,) money: the claim at each month, and what could be demanded
    (the claim from ``month`` on, 0 before)."""

    name: str
    amount: float
    rate_yearly: float
    since: int
    month: int
    owed_then: float
    accrued: np.ndarray
    owed: np.ndarray

    @property
    def within(self) -> bool:
        """Whether the right can be exercised within the plan's horizon."""
        return self.month < len(self.owed)


def right(r: Round, horizon: int) -> Right:
    """The redemption right of round ``r`` (one with ``redemption_years``) over ``horizon`` months."""
    month, months = max(exercisable(r), 0), np.arange(horizon)
    claim = accrued(r.amount, r.month, r.redemption_rate_yearly, months)
    return Right(r.name, r.amount, r.redemption_rate_yearly, r.month, month,
                 float(accrued(r.amount, r.month, r.redemption_rate_yearly, month)), claim, np.where(months >= month, claim, 0.0))


@dataclass(frozen=True)
class Redemption:
    """Every redemption right of a scenario against its cash plan (money in the scenario currency, (horizon,) arrays
    by month from the plan's first). ``total``: paid by each month if every right is exercised in its first month;
    ``accruing``: what the rights not yet exercisable have accrued; ``cash``: the deterministic month-end cash
    (before any redemption); ``odds``: the Monte Carlo chance (0-1) that cash covers what is owed at the first month a
    right can be exercised (None: no right within the horizon, or no simulation within the work budget)."""

    rights: tuple[Right, ...]
    cash: np.ndarray
    total: np.ndarray
    accruing: np.ndarray
    odds: float | None

    @property
    def covered(self) -> np.ndarray:
        """(horizon,) bool: the month's cash holds everything paid by then (True where nothing is owed)."""
        return (self.total <= 0) | (self.cash >= self.total)

    @property
    def first_due(self) -> int | None:
        """The first month a right can be exercised in, within the horizon (None: none)."""
        return min((r.month for r in self.rights if r.within), default=None)

    @property
    def uncovered(self) -> int | None:
        """The first month whose cash does not cover what is owed (None: every month does)."""
        short = np.flatnonzero(~self.covered)
        return int(short[0]) if short.size else None

    @property
    def shortfall(self) -> float:
        """What is missing in :attr:`uncovered` (money; 0 when every month is covered)."""
        month = self.uncovered
        return 0.0 if month is None else float(self.total[month] - self.cash[month])


def redemption_rounds(scenario: Scenario) -> list[Round]:
    """The rounds whose investors hold a redemption right."""
    return [r for r in scenario.funding if r.redemption_years is not None]


def owed_on_paths(scenario: Scenario, draws: dict[str, np.ndarray], month: int) -> np.ndarray:
    """(paths,) what the redemption rights demand at ``month`` on each simulated path: a round that did not close
    (amount 0) owes nothing, a late one (its month drawn) becomes exercisable later, by as much."""
    owed = np.zeros(len(next(iter(draws.values()))))
    for k, r in enumerate(scenario.funding):
        if r.redemption_years is not None:
            amount = draws.get(f"funding[{k}].amount", np.float64(r.amount))
            since = np.rint(draws.get(f"funding[{k}].month", np.float64(r.month)))
            owed += np.where(since + 12 * r.redemption_years <= month, accrued(amount, since, r.redemption_rate_yearly, month), 0.0)
    return owed


def coverage_odds(scenario: Scenario, month: int) -> float | None:
    """The chance (0-1) over the Risk lab's paths (the same draws) that month ``month``'s cash covers what the
    rights demand then (None over the work budget or with contradictory correlations)."""
    def covered(s: Scenario, p: Projection, draws: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {"covered": p.cash[:, month] >= owed_on_paths(s, draws, month)}

    try:
        return float(project_paths(scenario, path_draws(scenario), covered)["covered"].mean())
    except ScenarioError:
        return None


def rights_of(scenario: Scenario) -> tuple[Right, ...]:
    """Every redemption right of ``scenario``, over its horizon."""
    return tuple(right(r, scenario.settings.horizon_months) for r in redemption_rounds(scenario))


def redemption(scenario: Scenario) -> Redemption:
    """Every redemption right of ``scenario`` against its projected cash, and the Monte Carlo odds."""
    p = project(scenario)
    rights = rights_of(scenario)
    months = np.arange(p.months)
    total = sum((np.where(months >= x.month, x.owed_then, 0.0) for x in rights), np.zeros(p.months))
    accruing = sum((np.where(months < x.month, x.accrued, 0.0) for x in rights), np.zeros(p.months))
    plan = Redemption(rights, p.cash[0], total, accruing, None)
    due = plan.first_due
    return plan if due is None else replace(plan, odds=coverage_odds(scenario, due))
