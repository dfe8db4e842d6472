"""Who owns the company after each round, and who receives what at an exit.

Conventions (the usual pre-money term sheet; every figure in shares or the scenario's currency):

- Before any round: the founders' shares and the option pool (``company.founder_shares``,
  ``company.option_pool_shares``). Ownership is fully diluted: the pool counts, granted or not.
- A priced equity round of amount ``A`` at pre-money valuation ``V`` sells at the price ``p`` with
  ``p × (S + X + K) = V``: the pre-money includes the option pool top-up ``X`` (``pool_timing`` ``pre``)
  and the shares ``K`` of the SAFEs and notes converting into it, so those dilute only the existing
  holders. The new investors get ``A / p`` shares. With ``pool_timing`` ``post`` the pool is topped up
  after the money, diluting everyone. ``X`` brings the pool to ``pool_target`` of the shares after the round.
- A SAFE (or note: its amount plus simple interest to the conversion month) converts at the first priced
  round after it, at the lower of ``cap / S`` (the cap over the fully diluted shares before the round) and
  ``p × (1 - discount)``; one never reaching a priced round is reported unconverted.
- A down round (``p`` below the last priced round's price) gives the investors of earlier rounds with
  ``anti_dilution`` new shares at once: ``full`` re-prices theirs at ``p``; ``broad`` (broad-based weighted
  average, the NVCA model charter's formula) at ``CP2 = CP1 × (A + B) / (A + C)``, where ``A`` is the fully
  diluted shares before the round, ``B`` the shares its money would buy at ``CP1`` and ``C`` the shares it
  issues. A series re-priced keeps its new conversion price for later rounds.
- Option grants to the team (``opex.team[j].option_grant_shares`` per head, granted when the role starts within the
  horizon) come out of the pool; they change no ownership (the pool counts, granted or not), but grants beyond the
  pool then available need a top-up: :func:`pool_use` reports the first month they exceed it. A leaver's unvested
  options fund the replacement's grant, so attrition grants nothing more.
- At an exit every investor class has a liquidation preference of ``liquidation_multiple`` × its money,
  all classes pari passu; non-participating ones take the larger of that and converting to common;
  participating ones take both. SAFE and note holders get the terms of the round they convert into.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from scipy.optimize import brentq

from core.model import Round, Scenario, ScenarioError
from core.model.errors import Problem

FOUNDERS = "founders"
POOL = "pool"


@dataclass(frozen=True)
class Holder:
    """A line of the cap table: ``key`` is ``founders``, ``pool`` or the round's name; ``invested`` the money
    (0 for common), ``price`` the conversion price its preference and anti-dilution read."""

    key: str
    shares: float
    invested: float = 0.0
    price: float = 0.0
    multiple: float = 0.0
    participating: bool = False
    protection: str = "none"

    @property
    def preferred(self) -> bool:
        return self.invested > 0


@dataclass(frozen=True)
class Conversion:
    """A SAFE or note converting: the money (with a note's interest), the price and the shares, and whether the
    cap or the discount set the price."""

    key: str
    amount: float
    price: float
    shares: float
    by: str  # "cap", "discount" or "price"


@dataclass(frozen=True)
class Step:
    """One priced round: its price per share, the shares it issues to the new money, the pool top-up, the
    conversions, the anti-dilution shares by series, and every holder after it."""

    month: int
    key: str
    price: float
    new_shares: float
    pool_added: float
    conversions: tuple[Conversion, ...]
    anti_dilution: dict[str, float]
    down: bool
    holders: tuple[Holder, ...]

    def ownership(self) -> dict[str, float]:
        return ownership(self.holders)


@dataclass(frozen=True)
class CapTable:
    """The priced rounds in order, the holders at the start and after the last, and the SAFEs and notes that
    never met a priced round (``unconverted``: key and money)."""

    start: tuple[Holder, ...]
    steps: tuple[Step, ...]
    unconverted: tuple[tuple[str, float], ...] = field(default=())

    @property
    def holders(self) -> tuple[Holder, ...]:
        return self.steps[-1].holders if self.steps else self.start


def ownership(holders: tuple[Holder, ...]) -> dict[str, float]:
    """Each holder's share of the fully diluted shares (sums to 1)."""
    total = sum(h.shares for h in holders)
    return {h.key: h.shares / total for h in holders}


def _converting(pending: list[tuple[Round, int]], month: int, price: float, before: float) -> list[Conversion]:
    out = []
    for r, start in pending:
        amount = r.amount * (1 + r.interest_rate_yearly * (month - start) / 12) if r.kind == "note" else r.amount
        options = {"price": price}
        if r.discount:
            options["discount"] = price * (1 - r.discount)
        if r.valuation_cap is not None:
            options["cap"] = r.valuation_cap / before
        by = min(options, key=lambda k: options[k])
        out.append(Conversion(r.name, amount, options[by], amount / options[by], by))
    return out


def _price(r: Round, holders: list[Holder], pending: list[tuple[Round, int]]) -> tuple[float, float, list[Conversion]]:
    """The round's price, its pool top-up and the conversions: the root of ``p (S + X + K) = V`` (pool before
    the money) or ``p (S + K) = V`` (after)."""
    before = sum(h.shares for h in holders)
    pool = next((h.shares for h in holders if h.key == POOL), 0.0)
    target, value = r.pool_target, float(r.pre_money_valuation or 0)

    def parts(p: float) -> tuple[float, list[Conversion]]:
        conversions = _converting(pending, r.month, p, before)
        converted = sum(c.shares for c in conversions)
        topped = (target * (before + converted + r.amount / p) - pool) / (1 - target) if target else 0.0
        return max(0.0, topped), conversions

    def gap(p: float) -> float:
        topped, conversions = parts(p)
        return p * (before + (topped if r.pool_timing == "pre" else 0.0) + sum(c.shares for c in conversions)) - value

    high = value / before
    low = high * 1e-9
    if gap(low) > 0:  # the converting money and the pool alone are worth more than the pre-money
        raise ScenarioError.of(Problem(f"funding: {r.name}", "cap_table_price", {"value": value}))
    p = high if gap(high) <= 0 else brentq(gap, low, high, xtol=high * 1e-14, rtol=1e-13, maxiter=200)
    topped, conversions = parts(p)
    return p, topped, conversions


def _anti_dilution(holders: list[Holder], price: float, before: float, amount: float, issued: float) -> dict[str, float]:
    extra = {}
    for n, h in enumerate(holders):
        if h.protection == "none" or not h.preferred or price >= h.price:
            continue
        new_price = price if h.protection == "full" else h.price * (before + amount / h.price) / (before + issued)
        extra[h.key] = h.shares * (h.price / new_price - 1)
        holders[n] = replace(h, shares=h.shares + extra[h.key], price=new_price)
    return extra


def cap_table(scenario: Scenario, anti_dilution: bool = True) -> CapTable:
    """The cap table through every funding round of the scenario, in month order (``anti_dilution`` False:
    as if no round had that protection, to show what it costs the founders)."""
    company = scenario.company
    holders = [Holder(FOUNDERS, company.founder_shares)]
    if company.option_pool_shares:
        holders.append(Holder(POOL, company.option_pool_shares))
    start = tuple(holders)
    pending: list[tuple[Round, int]] = []
    steps: list[Step] = []
    last_price = None
    for r in _named_once(sorted(scenario.funding, key=lambda x: x.month)):
        if r.kind in ("safe", "note"):
            pending.append((r, r.month))
            continue
        if r.kind != "equity" or r.pre_money_valuation is None:
            continue  # loans, grants and unpriced equity change no ownership
        before = sum(h.shares for h in holders)
        price, topped, conversions = _price(r, holders, pending)
        issued = r.amount / price
        protection = r.anti_dilution if anti_dilution else "none"
        holders += [Holder(c.key, c.shares, c.amount, c.price, r.liquidation_multiple, r.participating, protection)
                    for c in conversions]
        holders.append(Holder(r.name, issued, r.amount, price, r.liquidation_multiple, r.participating, protection))
        down = last_price is not None and price < last_price
        extra = _anti_dilution(holders, price, before, r.amount, issued) if down else {}
        if topped:
            holders = [replace(h, shares=h.shares + topped) if h.key == POOL else h for h in holders]
            if not any(h.key == POOL for h in holders):
                holders.insert(1, Holder(POOL, topped))
        steps.append(Step(r.month, r.name, price, issued, topped, tuple(conversions), extra, down, tuple(holders)))
        pending, last_price = [], price
    return CapTable(start, tuple(steps), tuple((r.name, r.amount) for r, _ in pending))


def _named_once(rounds: list[Round]) -> list[Round]:
    """The rounds with names made unique ("Seed", "Seed (2)"): each names one line of the cap table."""
    seen: dict[str, int] = {}
    out = []
    for r in rounds:
        seen[r.name] = seen.get(r.name, 0) + 1
        out.append(r if seen[r.name] == 1 else r.model_copy(update={"name": f"{r.name} ({seen[r.name]})"}))
    return out


def founders_after(table: CapTable, month: int | None = None) -> float:
    """The founders' share after the first priced round at or after ``month`` (after the last round when none is
    given or none comes later; before any round when there is none)."""
    steps = [s for s in table.steps if month is None or s.month >= month]
    holders = (steps[0] if month is not None and steps else table.steps[-1] if table.steps else None)
    return ownership(holders.holders if holders is not None else table.start)[FOUNDERS]


@dataclass(frozen=True)
class Grant:
    """Options granted to a role's heads (headcount × option_grant_shares) in its start month."""

    role: str
    month: int
    options: float


@dataclass(frozen=True)
class PoolUse:
    """The option pool against the team's grants (in options, i.e. shares). ``pool`` is the pool after the last
    priced round; ``short`` the first month the grants made so far exceed the pool then (month, granted, pool)."""

    pool: float
    grants: tuple[Grant, ...]
    short: tuple[int, float, float] | None

    @property
    def granted(self) -> float:
        return sum(g.options for g in self.grants)

    @property
    def unallocated(self) -> float:
        """The pool not granted (negative when the grants exceed it)."""
        return self.pool - self.granted


def pool_at(table: CapTable, month: float) -> float:
    """The option pool after the last priced round in or before ``month`` (today's pool before any)."""
    steps = [s for s in table.steps if s.month <= month]
    holders = steps[-1].holders if steps else table.start
    return next((h.shares for h in holders if h.key == POOL), 0.0)


def pool_use(scenario: Scenario, table: CapTable | None = None) -> PoolUse:
    """The team's option grants (roles starting within the horizon) against the pool, month by month."""
    table = cap_table(scenario) if table is None else table
    horizon = scenario.settings.horizon_months
    grants = tuple(Grant(r.role, r.start_month, r.headcount * r.option_grant_shares) for r in scenario.opex.team
                   if r.start_month < horizon and r.headcount * r.option_grant_shares > 0)
    short = None
    for month in sorted({g.month for g in grants}):
        made, pool = sum(g.options for g in grants if g.month <= month), pool_at(table, month)
        if made > pool * (1 + 1e-12):
            short = (month, made, pool)
            break
    return PoolUse(pool_at(table, math.inf), grants, short)


def waterfall(holders: tuple[Holder, ...], exit_value: float) -> dict[str, float]:
    """What each holder receives at an exit of ``exit_value`` (pari passu preferences, see the module doc)."""
    prefs = {h.key: h.multiple * h.invested for h in holders if h.preferred}
    total = sum(prefs.values())
    if exit_value <= total:
        return {h.key: exit_value * prefs.get(h.key, 0.0) / total if total else 0.0 for h in holders}
    converting: set[str] = set()
    while True:
        paid = sum(v for k, v in prefs.items() if k not in converting)
        sharing = [h for h in holders if not h.preferred or h.participating or h.key in converting]
        per_share = (exit_value - paid) / sum(h.shares for h in sharing)
        better = {h.key for h in holders if h.preferred and not h.participating and h.key not in converting
                  and per_share * h.shares > prefs[h.key]}
        if not better:
            break
        converting |= better
    out = {}
    for h in holders:
        common = per_share * h.shares if (not h.preferred or h.participating or h.key in converting) else 0.0
        out[h.key] = common + (prefs.get(h.key, 0.0) if h.key not in converting else 0.0)
    assert math.isclose(sum(out.values()), exit_value, rel_tol=1e-9, abs_tol=1e-6), "the waterfall pays out the exit"
    return out
