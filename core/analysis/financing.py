"""The winter financing comparison: the same company under each way through the winter, side by side.

Each option changes the scenario in one way — cut the burn, take a bridge SAFE, accept a down round, borrow
venture debt or a subsidised loan, or win a grant — and is read the same way: runway, default alive, the chance
the cash lasts to the survival month (the same seed, so the same random draws), the founders' share after the
next priced round and what the founders receive at a chosen exit value. The bridge, the loans and the grant's
first tranche arrive in month 0, as money in hand (no round risk); the down round re-prices the next priced
equity round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.analysis.captable import FOUNDERS, cap_table, founders_after, waterfall
from core.analysis.metrics import Summary, summarize
from core.analysis.risk import simulate
from core.engine.projection import project
from core.model import Scenario, ScenarioError, replace_fields

OPTIONS = ("nothing", "cut", "bridge", "down", "debt", "soft_loan", "grant")
DEBT_GRACE, SOFT_GRACE, SOFT_MONTHS = 6, 12, 48
"""Venture debt: interest only for 6 months, then monthly instalments; a subsidised loan: 12 months' grace in 48."""
GRANT_TRANCHES, GRANT_EVERY = 2, 6


@dataclass(frozen=True)
class Terms:
    """The options' sizes: ``cut`` the share of team and overhead cut (0-1); a bridge SAFE of ``bridge`` at a
    ``bridge_cap``; a ``down`` share off the next priced round's pre-money; venture debt of ``debt`` at
    ``debt_rate`` a year for ``debt_months``; a subsidised loan of ``debt`` at ``soft_rate``; a ``grant`` (in two
    tranches six months apart); ``exit_value`` for the founders' proceeds (money)."""

    cut: float
    bridge: float
    bridge_cap: float
    down: float
    debt: float
    debt_rate: float
    debt_months: int
    grant: float
    exit_value: float
    soft_rate: float = 0.035


def next_priced(scenario: Scenario) -> int | None:
    """Index of the first priced equity round after month 0 (the one a down round re-prices), or None."""
    return next((i for i, r in sorted(enumerate(scenario.funding), key=lambda x: x[1].month)
                 if r.kind == "equity" and r.pre_money_valuation is not None and r.month > 0), None)


def default_terms(scenario: Scenario) -> Terms:
    """Sizes a founder would start from: a bridge and a loan of six months of the first half-year's net burn, a
    grant of three, a 20 % cut, a 30 % down round, a cap at the next round's pre-money (else 10× the bridge) and
    an exit at three times the last post-money valuation (else 20× the cash)."""
    p = project(scenario)
    burn = max(float(np.mean(p.net_burn[0, :6])), 0.0) or scenario.company.starting_cash / 12
    k = next_priced(scenario)
    nxt = scenario.funding[k] if k is not None else None
    priced = [r for r in scenario.funding if r.kind == "equity" and r.pre_money_valuation]
    post = max((float(r.pre_money_valuation or 0) + r.amount for r in priced), default=20 * scenario.company.starting_cash)
    bridge = round(6 * burn, -3)
    cap = nxt.pre_money_valuation if nxt is not None and nxt.pre_money_valuation else 10 * bridge
    return Terms(cut=0.2, bridge=bridge, bridge_cap=float(cap), down=0.3,
                 debt=bridge, debt_rate=0.12, debt_months=36, grant=round(3 * burn, -3), exit_value=3 * post)


def options(scenario: Scenario, terms: Terms) -> dict[str, Scenario]:
    """Each option's scenario (the down round only when there is a priced round to re-price)."""
    rounds = [r.model_dump() for r in scenario.funding]
    opex = scenario.opex
    keep = 1 - terms.cut
    out = {"nothing": scenario,
           "cut": replace_fields(scenario, {
               **{f"opex.team[{j}].headcount": role.headcount * keep for j, role in enumerate(opex.team)},
               "opex.marketing_per_month": opex.marketing_per_month * keep,
               "opex.general_admin_per_month": opex.general_admin_per_month * keep,
               "opex.other_per_month": opex.other_per_month * keep}, clamp=True),
           "bridge": replace_fields(scenario, {"funding": [*rounds, {
               "name": "Bridge SAFE", "month": 0, "amount": terms.bridge, "kind": "safe",
               "valuation_cap": terms.bridge_cap}]}),
           "debt": replace_fields(scenario, {"funding": [*rounds, {
               "name": "Venture debt", "month": 0, "amount": terms.debt, "kind": "debt",
               "interest_rate_yearly": terms.debt_rate, "term_months": terms.debt_months, "repayment": "amortising",
               "grace_months": min(DEBT_GRACE, terms.debt_months - 1)}]}),
           "soft_loan": replace_fields(scenario, {"funding": [*rounds, {
               "name": "Subsidised loan", "month": 0, "amount": terms.debt, "kind": "debt",
               "interest_rate_yearly": terms.soft_rate, "term_months": SOFT_MONTHS, "repayment": "amortising",
               "grace_months": SOFT_GRACE}]}),
           "grant": replace_fields(scenario, {"funding": [*rounds, {
               "name": "Grant", "month": 0, "amount": terms.grant, "kind": "grant", "tranches": GRANT_TRANCHES,
               "tranche_every_months": GRANT_EVERY}]})}
    k = next_priced(scenario)
    if k is not None:
        price = float(scenario.funding[k].pre_money_valuation or 0)
        out["down"] = replace_fields(scenario, {f"funding[{k}].pre_money_valuation": price * (1 - terms.down)})
    return {key: out[key] for key in OPTIONS if key in out}


@dataclass(frozen=True)
class FinancingOutcome:
    """One option read the same way as every other: ``survival`` at the survival month (None over the Monte
    Carlo work budget), the founders' share after the next priced round (``priced`` False: no priced round, the
    share today) and their proceeds at the exit value."""

    key: str
    scenario: Scenario
    summary: Summary
    survival: float | None
    founders_share: float
    priced: bool
    founders_proceeds: float


def compare(scenario: Scenario, terms: Terms) -> list[FinancingOutcome]:
    """Every option, side by side."""
    out = []
    for key, option in options(scenario, terms).items():
        p = project(option)
        try:
            survival: float | None = simulate(option).survival_at(option.risk.survival_month)
        except ScenarioError:
            survival = None
        table = cap_table(option)
        out.append(FinancingOutcome(key, option, summarize(p, option.settings), survival, founders_after(table, 1),
                           any(s.month >= 1 for s in table.steps), waterfall(table.holders, terms.exit_value)[FOUNDERS]))
    return out
