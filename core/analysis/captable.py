"""Who owns the company after each round, and who receives what at an exit.

Conventions (every figure in shares or the scenario's currency):

- Before any round: the founders' shares and the option pool (``company.founder_shares``,
  ``company.option_pool_shares``). Ownership is fully diluted: the pool counts, granted or not.
- A priced equity round of amount ``A`` at pre-money valuation ``V`` sells at the price ``p`` with
  ``p × (C + X) = V``: ``C`` (the Company Capitalization of YC's post-money SAFE) is the shares before the round
  ``S`` plus the shares of the SAFEs and notes converting into it, and ``X`` the option pool top-up when it comes
  before the money (``pool_timing`` ``pre``), so those dilute only the existing holders. The new investors get
  ``A / p`` shares. With ``pool_timing`` ``post`` the pool is topped up after the money, diluting everyone. ``X``
  brings the pool to ``pool_target`` of the shares after the round.
- A SAFE (or note: its amount plus simple interest to the conversion month) converts at the first priced round
  after it at the lowest of its cap price and ``p × (1 - discount)``. A post-money cap's price is ``cap / C``, so
  the SAFE owns ``amount / cap`` of ``C`` whatever other SAFEs raise (``C`` is then the root of ``C = S + Σ
  shares``); a pre-money cap's is ``cap / S``. An ``mfn`` SAFE takes whichever terms of its own and of the SAFEs
  and notes after it in the same stack give it the most shares. One never meeting a priced round is outstanding:
  it counts as converted at its cap (``stack``; uncapped, as nothing) and, at an exit, takes the greater of its
  money (a note: with its interest to the horizon) and what it would receive as converted.
- ``pro_rata`` investors buy their fully diluted share (just before the new money) of each later priced round's
  new shares, within the round's amount; ``pro_rata="on_top"`` shows the round enlarged to fit them instead.
- A round priced below an earlier series' conversion price ``CP1`` gives that series, if it has
  ``anti_dilution``, new shares at once (as the NVCA model charter: whenever new shares sell below it, not only
  below the last round's price, which is what makes a round *down*): ``full`` re-prices its shares at ``p``;
  ``broad`` (broad-based weighted average) at ``CP2 = CP1 × (A + B) / (A + C)``, where ``A`` is the fully diluted
  shares before the round, ``B`` the shares its money would buy at ``CP1`` and ``C`` the shares it issues. A
  series re-priced keeps its new conversion price for later rounds.
- Option grants to the team (``opex.team[j].option_grant_shares`` per head, granted when the role starts within the
  horizon) come out of the pool; they change no ownership (the pool counts, granted or not), but grants beyond the
  pool then available need a top-up: :func:`pool_use` reports the first month they exceed it. A leaver's unvested
  options fund the replacement's grant, so attrition grants nothing more.
- At an exit (:func:`waterfall`) preferences are paid by rank: notes first (debt), then the rounds, a ``senior``
  round before every earlier one and a ``pari_passu`` one beside the most senior so far, pro rata within a rank;
  outstanding SAFEs rank with the first round's. Then the rest goes to the common as converted: non-participating
  holders take the larger of their preference and converting; participating ones both, up to their
  ``participation_cap`` in all, converting when that pays more. SAFE and note holders get the terms of the round
  they convert into.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

from scipy.optimize import brentq

from core.model import Round, Scenario, ScenarioError
from core.model.errors import Problem

FOUNDERS = "founders"
POOL = "pool"
DEBT_RANK = 1_000_000
"""A note's rank at an exit: debt, paid before every preference."""


@dataclass(frozen=True)
class Holder:
    """A line of the cap table: ``key`` is ``founders``, ``pool``, the round's name, or "round/investor" for an
    investor's pro-rata purchase (``buyer``). ``invested`` the money (0 for common; a note's with its interest),
    ``price`` the conversion price its preference and anti-dilution read, ``rank`` its seniority at an exit (higher
    first), ``cap`` its participation cap (× ``invested``, in all), ``kind`` common, preferred, safe or note."""

    key: str
    shares: float
    invested: float = 0.0
    price: float = 0.0
    multiple: float = 0.0
    participating: bool = False
    protection: str = "none"
    rank: int = 0
    cap: float | None = None
    kind: str = "common"
    pro_rata: bool = False
    buyer: str | None = None

    @property
    def preferred(self) -> bool:
        return self.invested > 0

    @property
    def preference(self) -> float:
        """What it is paid before the common at an exit."""
        return self.multiple * self.invested


@dataclass(frozen=True)
class Conversion:
    """A SAFE or note converting: the money (with a note's interest), the price and the shares, and whether the
    cap or the discount set the price; ``post`` whether its cap (or the terms it took) was post-money, ``mfn``
    the SAFE whose terms it took (None: its own)."""

    key: str
    amount: float
    price: float
    shares: float
    by: str  # "cap", "discount" or "price"
    post: bool = False
    mfn: str | None = None


@dataclass(frozen=True)
class Step:
    """One priced round: its price per share, the shares it issues to the new money, the pool top-up, the
    conversions, the anti-dilution shares by series, every holder after it, ``capitalization`` (the shares just
    before the new money and the pool top-up: those before and the conversions) and the pro-rata purchases (buyer:
    shares)."""

    month: int
    key: str
    price: float
    new_shares: float
    pool_added: float
    conversions: tuple[Conversion, ...]
    anti_dilution: dict[str, float]
    down: bool
    holders: tuple[Holder, ...]
    capitalization: float = 0.0
    pro_rata: dict[str, float] = field(default_factory=dict)

    def ownership(self) -> dict[str, float]:
        return ownership(self.holders)


@dataclass(frozen=True)
class CapTable:
    """The priced rounds in order, the holders at the start and after the last, and the SAFEs and notes that
    never met a priced round (``stack``: as converted at their caps, paid as at an exit)."""

    start: tuple[Holder, ...]
    steps: tuple[Step, ...]
    stack: tuple[Holder, ...] = field(default=())

    @property
    def priced(self) -> tuple[Holder, ...]:
        """The holders after the last priced round (the start before any)."""
        return self.steps[-1].holders if self.steps else self.start

    @property
    def holders(self) -> tuple[Holder, ...]:
        """Everyone at the end: after the last priced round, and the SAFEs and notes still outstanding."""
        return self.priced + self.stack


def pre_money_safes(scenario: Scenario) -> list[str]:
    """The names of the SAFEs whose cap is read as pre-money (a file from before schema version 2, or so set)."""
    return [r.name for r in scenario.funding if r.kind == "safe" and r.valuation_cap and not r.post_money_cap]


def ownership(holders: tuple[Holder, ...]) -> dict[str, float]:
    """Each holder's share of the fully diluted shares (sums to 1)."""
    total = sum(h.shares for h in holders)
    return {h.key: h.shares / total for h in holders}


@dataclass(frozen=True)
class _Terms:
    """The conversion terms of one SAFE or note: its cap (and whether post-money) and discount."""

    source: str
    cap: float | None
    post: bool
    discount: float


def _prices(terms: _Terms, price: float, capitalization: float, before: float) -> dict[str, float]:
    """The prices a SAFE or note may convert at, by what sets them."""
    options = {"price": price}
    if terms.discount:
        options["discount"] = price * (1 - terms.discount)
    if terms.cap is not None:
        options["cap"] = terms.cap / (capitalization if terms.post else before)
    return options


@dataclass(frozen=True)
class _Pending:
    """A SAFE or note waiting for a priced round: its round, its money at conversion, and the terms it may take."""

    round: Round
    amount: float
    terms: tuple[_Terms, ...]

    def convert(self, price: float, capitalization: float, before: float) -> Conversion:
        """Its conversion at the round ``price`` with ``capitalization`` (C) and ``before`` (S) shares."""
        best: Conversion | None = None
        for terms in self.terms:
            options = _prices(terms, price, capitalization, before)
            by = min(options, key=lambda k: options[k])
            if best is None or options[by] < best.price * (1 - 1e-12):
                best = Conversion(self.round.name, self.amount, options[by], self.amount / options[by], by, terms.post,
                                  None if terms.source == self.round.name else terms.source)
        assert best is not None
        return best

    def most_shares_but_post(self, price: float, before: float) -> float:
        """The most shares it takes whatever C is, but for its post-money caps' (a bound)."""
        return self.amount / min(min(_prices(replace(t, cap=None if t.post else t.cap), price, 0, before).values())
                                 for t in self.terms)

    def post_share(self) -> float:
        """The largest share of C its post-money caps can give it (amount / cap)."""
        return max((self.amount / t.cap for t in self.terms if t.post and t.cap), default=0.0)


def _stack(pending: list[tuple[Round, int]], month: int) -> list[_Pending]:
    """The SAFEs and notes waiting, with a note's interest to ``month`` and each MFN's choice of later terms."""
    out = []
    for n, (r, start) in enumerate(pending):
        amount = r.amount * (1 + r.interest_rate_yearly * max(month - start, 0) / 12) if r.kind == "note" else r.amount
        later = [x for x, _ in pending[n + 1:]] if r.mfn else []
        terms = tuple(_Terms(x.name, x.valuation_cap, x.post_money_cap, x.discount) for x in [r, *later])
        out.append(_Pending(r, amount, terms))
    return out


def _capitalization(stack: list[_Pending], price: float, before: float, where: str) -> tuple[float, list[Conversion]]:
    """C, the root of ``C = S + Σ shares(C)``, and the conversions at it (refused when post-money caps would take
    the whole company)."""
    if not stack:
        return before, []
    slope = sum(x.post_share() for x in stack)
    if slope >= 1 - 1e-9:
        raise ScenarioError.of(Problem(where, "safe_caps_whole", {"share": slope}))

    def excess(c: float) -> float:
        return c - before - sum(x.convert(price, c, before).shares for x in stack)

    low = before
    if excess(low) >= 0:
        return low, [x.convert(price, low, before) for x in stack]
    fixed = sum(x.most_shares_but_post(price, before) for x in stack)
    high = (before + fixed) / (1 - slope) * (1 + 1e-9) + 1
    c = brentq(excess, low, high, xtol=high * 1e-15, rtol=1e-15, maxiter=400)
    return c, [x.convert(price, c, before) for x in stack]


def _price(r: Round, holders: list[Holder], stack: list[_Pending]) -> tuple[float, float, float, list[Conversion]]:
    """The round's price, its pool top-up, C and the conversions: the root of ``p (C + X) = V`` (pool before the
    money) or ``p C = V`` (after)."""
    before = sum(h.shares for h in holders)
    pool = next((h.shares for h in holders if h.key == POOL), 0.0)
    target, value, where = r.pool_target, float(r.pre_money_valuation or 0), f"funding: {r.name}"

    def parts(p: float) -> tuple[float, float, list[Conversion]]:
        c, conversions = _capitalization(stack, p, before, where)
        topped = (target * (c + r.amount / p) - pool) / (1 - target) if target else 0.0
        return max(0.0, topped), c, conversions

    def gap(p: float) -> float:
        topped, c, _ = parts(p)
        return p * (c + (topped if r.pool_timing == "pre" else 0.0)) - value

    high = value / before
    low = high * 1e-9
    if value <= 0 or gap(low) > 0:  # nothing, or less than the converting money and the pool alone are worth
        raise ScenarioError.of(Problem(where, "cap_table_price", {"value": value}))
    p = high if gap(high) <= 0 else brentq(gap, low, high, xtol=high * 1e-14, rtol=1e-13, maxiter=200)
    topped, c, conversions = parts(p)
    return p, topped, c, conversions


def _anti_dilution(holders: list[Holder], price: float, before: float, amount: float, issued: float) -> dict[str, float]:
    extra = {}
    for n, h in enumerate(holders):
        if h.protection == "none" or not h.preferred or price >= h.price:
            continue
        new_price = price if h.protection == "full" else h.price * (before + amount / h.price) / (before + issued)
        extra[h.key] = h.shares * (h.price / new_price - 1)
        holders[n] = replace(h, shares=h.shares + extra[h.key], price=new_price)
    return extra


ProRata = Literal["within", "on_top", "none"]


def _pro_rata(holders: list[Holder], issued: float, mode: ProRata) -> tuple[float, dict[str, float]]:
    """The shares the round's new investors keep and each pro-rata buyer's: its fully diluted share before the new
    money (all its lines) × the round's new shares (``on_top``: the round grows so the new investors keep all
    ``issued``)."""
    total = sum(h.shares for h in holders)
    rights = {h.key for h in holders if h.pro_rata and h.buyer is None} if mode != "none" else set()
    shares = {k: sum(h.shares for h in holders if (h.buyer or h.key) == k) / total for k in sorted(rights)}
    if not shares:
        return issued, {}
    taken = sum(shares.values())
    if mode == "on_top":
        return issued, {k: v * issued / (1 - taken) for k, v in shares.items()}
    return issued * (1 - taken), {k: v * issued for k, v in shares.items()}


def cap_table(scenario: Scenario, anti_dilution: bool = True, pro_rata: ProRata = "within") -> CapTable:
    """The cap table through every funding round of the scenario, in month order (``anti_dilution`` False: as if no
    round had that protection, to show what it costs the founders; ``pro_rata``: how pro-rata rights are taken up,
    see the module doc)."""
    company = scenario.company
    holders = [Holder(FOUNDERS, company.founder_shares)]
    if company.option_pool_shares:
        holders.append(Holder(POOL, company.option_pool_shares))
    start = tuple(holders)
    pending: list[tuple[Round, int]] = []
    steps: list[Step] = []
    last_price, rank = None, 0
    for r in _named_once(sorted(scenario.funding, key=lambda x: x.month)):
        if r.kind in ("safe", "note"):
            pending.append((r, r.month))
            continue
        if r.kind != "equity" or r.pre_money_valuation is None:
            continue  # loans, grants and unpriced equity change no ownership
        before = sum(h.shares for h in holders)
        price, topped, capitalization, conversions = _price(r, holders, _stack(pending, r.month))
        issued = r.amount / price
        rank = max(rank, 1) + (r.seniority == "senior" and rank > 0)
        series = Holder(r.name, 0.0, 0.0, price, r.liquidation_multiple, r.participating,  # this round's terms
                        r.anti_dilution if anti_dilution else "none", rank, r.participation_cap, "preferred")
        holders += [replace(series, key=c.key, shares=c.shares, invested=c.amount, price=c.price, pro_rata=x.pro_rata)
                    for c, (x, _) in zip(conversions, pending, strict=True)]
        kept, bought = _pro_rata(holders, issued, pro_rata)
        holders += [replace(series, key=f"{r.name}/{k}", shares=n, invested=n * price, buyer=k) for k, n in bought.items()]
        holders.append(replace(series, shares=kept, invested=kept * price, pro_rata=r.pro_rata))
        down = last_price is not None and price < last_price
        new = kept + sum(bought.values())
        extra = _anti_dilution(holders, price, before, new * price, new)  # any series priced above this round
        if topped:
            holders = [replace(h, shares=h.shares + topped) if h.key == POOL else h for h in holders]
            if not any(h.key == POOL for h in holders):
                holders.insert(1, Holder(POOL, topped))
        steps.append(Step(r.month, r.name, price, new, topped, tuple(conversions), extra, down, tuple(holders),
                          capitalization, bought))
        pending, last_price = [], price
    return CapTable(start, tuple(steps), _outstanding(holders, pending, scenario.settings.horizon_months))


def _outstanding(holders: list[Holder], pending: list[tuple[Round, int]], horizon: int) -> tuple[Holder, ...]:
    """The SAFEs and notes no priced round converts, as converted at their caps (a note with its interest to the
    horizon): SAFEs rank with the first round, notes before every round."""
    if not pending:
        return ()
    stack = _stack(pending, horizon)
    before = sum(h.shares for h in holders)
    _, conversions = _capitalization(stack, math.inf, before, f"funding: {pending[0][0].name}")
    return tuple(Holder(conv.key, 0.0 if math.isinf(conv.price) else conv.shares, x.amount, conv.price, 1.0,
                        rank=DEBT_RANK if x.round.kind == "note" else 1, kind=x.round.kind, pro_rata=x.round.pro_rata)
                 for x, conv in zip(stack, conversions, strict=True))


NEXT_ROUND = "next priced round"
"""The name of the round :func:`stack_preview` supposes."""


@dataclass(frozen=True)
class NextRound:
    """A priced round supposed after the plan's last month, to see what the SAFEs and notes outstanding would own:
    its money, pre-money valuation and option pool target (money, money, share of the shares after it)."""

    amount: float
    pre_money: float
    pool_target: float = 0.1


def next_round_guess(table: CapTable) -> NextRound:
    """A round a founder would start from: a pre-money of 1.5× the highest cap outstanding (else 10× the money
    outstanding), and no lower than the last priced round's price on the shares (no down round; at least 1M),
    raising a quarter of the post-money, the pool topped up to 10 %."""
    caps = [h.invested / h.shares * sum(x.shares for x in table.holders) for h in table.stack if h.shares]
    last = table.steps[-1].price * sum(h.shares for h in table.holders) if table.steps else 0.0
    pre = max(1.5 * max(caps) if caps else 10 * sum(h.invested for h in table.stack), last, 1e6)
    return NextRound(amount=pre / 3, pre_money=pre, pool_target=0.1)


def stack_preview(scenario: Scenario, round_: NextRound) -> Step:
    """The cap table's step of ``round_`` priced after the plan's last month (every SAFE and note outstanding
    converting into it): what they and the founders would own after it."""
    horizon = scenario.settings.horizon_months
    supposed = Round(name=NEXT_ROUND, month=min(horizon, 240), amount=round_.amount,
                     pre_money_valuation=round_.pre_money, pool_target=round_.pool_target)
    rounds = [r for r in scenario.funding if r.month < horizon] + [supposed]
    return cap_table(scenario.model_copy(update={"funding": rounds})).steps[-1]


def _named_once(rounds: list[Round]) -> list[Round]:
    """The rounds with names made unique ("Seed", "Seed (2)"): each names one line of the cap table."""
    seen: dict[str, int] = {}
    out = []
    for r in rounds:
        seen[r.name] = seen.get(r.name, 0) + 1
        out.append(r if seen[r.name] == 1 else r.model_copy(update={"name": f"{r.name} ({seen[r.name]})"}))
    return out


def founders_after(table: CapTable, month: int | None = None) -> float:
    """The founders' share after the first priced round at or after ``month`` (with none, or none given: at the
    end, the SAFEs and notes still outstanding counted as converted at their caps)."""
    step = next((s for s in table.steps if month is not None and s.month >= month), None)
    return ownership(step.holders if step is not None else table.holders)[FOUNDERS]


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


def waterfall(holders: tuple[Holder, ...], exit_value: float, costs: float = 0.0, exercised: float | None = None,
              strike: float = 0.0) -> dict[str, float]:
    """What each holder receives at an exit of ``exit_value`` (money) less ``costs`` (its share, 0-1): see the module
    doc. ``exercised`` options of the pool (None: all of it) are exercised at ``strike`` a share when the common is
    worth more; the pool line receives their value less the strike (the rest of the pool lapses). Pays out the exit
    less costs exactly."""
    net = exit_value * (1 - costs)
    paid_first = sum(h.preference for h in holders)
    if net <= paid_first:
        return _by_rank(holders, net)
    holders = tuple(replace(h, shares=exercised) if h.key == POOL and exercised is not None else h for h in holders)
    shares = sum(h.shares for h in holders)
    high = (net + strike * sum(h.shares for h in holders if h.key == POOL)) / shares
    x = brentq(lambda v: sum(_paid(h, v, strike)[0] for h in holders) - net, 0.0, high * (1 + 1e-12) + 1e-300,
               xtol=1e-300, rtol=1e-15, maxiter=400)
    total, slope = (sum(parts) for parts in zip(*(_paid(h, x, strike) for h in holders), strict=True))
    x += (net - total) / slope if slope else 0.0
    out = {h.key: _paid(h, x, strike)[0] for h in holders}
    assert math.isclose(sum(out.values()), net, rel_tol=1e-9, abs_tol=1e-6), "the waterfall pays out the exit"
    return out


def _paid(h: Holder, x: float, strike: float) -> tuple[float, float]:
    """A holder's proceeds when a common share is worth ``x``, and their slope in ``x``."""
    common = h.shares * x
    if h.key == POOL:
        return (h.shares * (x - strike), h.shares) if x > strike else (0.0, 0.0)
    if not h.preferred:
        return common, h.shares
    if not h.participating:
        return (common, h.shares) if common > h.preference else (h.preference, 0.0)
    if h.cap is None or h.preference + common < h.cap * h.invested:
        return h.preference + common, h.shares
    return (common, h.shares) if common > h.cap * h.invested else (h.cap * h.invested, 0.0)


def _by_rank(holders: tuple[Holder, ...], net: float) -> dict[str, float]:
    """An exit that does not cover the preferences: paid rank by rank, pro rata within one; the common nothing."""
    out = dict.fromkeys((h.key for h in holders), 0.0)
    left = net
    for rank in sorted({h.rank for h in holders if h.preferred}, reverse=True):
        tier = [h for h in holders if h.preferred and h.rank == rank]
        owed = sum(h.preference for h in tier)
        if owed <= 0:
            continue
        paid = min(left, owed)
        out |= {h.key: paid * h.preference / owed for h in tier}
        left -= paid
    return out
