"""Pricing lab: price-response curves and scipy-optimised prices, single and tiered.

Every objective is computed by the one engine: a set of candidate prices is a set of
paths of :func:`project` (the price field drawn per path), so a whole price curve costs
one vectorised projection. Volume answers price through the stream's demand model
(:mod:`core.model.demand`); without one, volume stays put and only the margin moves.

Objectives: ``gross_profit`` (the company's average monthly gross profit over year 1),
``npv`` (of monthly EBITDA over the horizon), ``runway`` (exact months; where cash lasts
the whole horizon, more cash at the end ranks higher, adding less than one month).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from core.analysis.metrics import YEAR, runway_exact, scenario_npv
from core.engine.projection import project
from core.model import Scenario, SubscriptionStream, replace_fields

Objective = Literal["gross_profit", "npv", "runway"]
TierObjective = Literal["gross_profit", "npv"]
OBJECTIVES: tuple[Objective, ...] = ("gross_profit", "npv", "runway")


def priced_streams(scenario: Scenario) -> list[int]:
    """Streams whose price the company sets (every kind but advertising)."""
    return [i for i, s in enumerate(scenario.streams) if s.PRICE]


def price_path(scenario: Scenario, i: int) -> str:
    """The field path of stream ``i``'s price, e.g. ``streams[0].price_per_unit``."""
    return f"streams[{i}].{scenario.streams[i].PRICE}"


def current_price(scenario: Scenario, i: int) -> float:
    return scenario.streams[i].price_value()


def break_even_price(scenario: Scenario, i: int) -> float:
    """The month-0 price below which each unit sold loses money before fixed costs.

    ``(tokens per unit x cost per 1M tokens + unit cost) / (1 - delivery share - support share)``;
    infinite when delivery and support take the whole price.
    """
    s = scenario.streams[i]
    fields, factor = s.TERMS.get("tokens", ((), 0.0))
    tokens = factor * float(np.prod([getattr(s, f) for f in fields])) if fields else 0.0
    per_unit = tokens * scenario.ai_costs.million_token_cost + getattr(s, "cost_per_unit", 0.0)
    kept = 1 - getattr(s, "delivery_cost_share", 0.0) - scenario.ai_costs.support_share_of_revenue
    return per_unit / kept if kept > 0 else float("inf")


@dataclass(frozen=True)
class PriceCurve:
    """Results at each candidate price; every array is aligned with ``prices``.

    volume: the stream's average monthly units over year 1 (a subscription: paying
    customers); revenue: the stream's average monthly revenue over year 1; gross_profit
    (per month) and gross_margin: the company's over year 1; npv; runway in months;
    share_of_sam: the company's year-1 revenue over the serviceable market (NaN without one);
    score: the value of each objective.
    """

    prices: np.ndarray
    volume: np.ndarray
    revenue: np.ndarray
    gross_profit: np.ndarray
    gross_margin: np.ndarray
    npv: np.ndarray
    runway: np.ndarray
    share_of_sam: np.ndarray
    score: dict[str, np.ndarray]


def price_curve(scenario: Scenario, i: int, prices: np.ndarray) -> PriceCurve:
    """Project the scenario once, with stream ``i`` at every price in ``prices`` (> 0)."""
    prices = np.asarray(prices, dtype=float)
    p = project(scenario, {price_path(scenario, i): prices})
    year = slice(0, YEAR)
    revenue = p.revenue[:, year].sum(axis=1)
    gross = p.gross_profit[:, year].sum(axis=1)
    runway = runway_exact(p.cash, p.starting_cash)
    end_cash = np.tanh(p.cash[:, -1] / (abs(scenario.company.starting_cash) + 1.0))
    net_present = scenario_npv(p.operating_cash, scenario.settings)
    sam = scenario.strategy.market.sam_yearly
    return PriceCurve(
        prices=prices,
        volume=p.stream_units[:, i, year].mean(axis=1),
        revenue=p.revenue_by_stream[i][:, year].mean(axis=1),
        gross_profit=gross / YEAR,
        gross_margin=np.divide(gross, revenue, out=np.full_like(gross, np.nan), where=revenue > 0),
        npv=net_present,
        runway=runway,
        share_of_sam=revenue / sam if sam else np.full_like(revenue, np.nan),
        score={"gross_profit": gross / YEAR, "npv": net_present,
               "runway": runway + np.where(runway >= p.months, end_cash, 0.0)},
    )


@dataclass(frozen=True)
class Constraints:
    """What an acceptable price must keep: year-1 gross margin (decimal), the stream's
    average monthly volume, the company's year-1 share of the SAM (decimal), and bounds."""

    low: float
    high: float
    min_gross_margin: float | None = None
    min_volume: float | None = None
    min_share_of_sam: float | None = None

    def feasible(self, c: PriceCurve) -> np.ndarray:
        ok = (c.prices >= self.low) & (c.prices <= self.high)
        if self.min_gross_margin is not None:
            ok &= np.nan_to_num(c.gross_margin, nan=-np.inf) >= self.min_gross_margin
        if self.min_volume is not None:
            ok &= c.volume >= self.min_volume
        if self.min_share_of_sam is not None:
            ok &= np.nan_to_num(c.share_of_sam, nan=-np.inf) >= self.min_share_of_sam
        return ok


@dataclass(frozen=True)
class PriceResult:
    """The best price found, today's price, and what the optimiser did."""

    objective: str
    price: float | None          # None when no price in the bounds meets the constraints
    today: PriceCurve             # one entry: the current price
    best: PriceCurve | None       # one entry: the optimal price
    method: str                   # "grid_brent" (grid, then bounded Brent) or "grid" (no feasible price)
    evaluations: int
    converged: bool
    message: str                  # what scipy said
    break_even_price: float

    @property
    def below_cost(self) -> bool:
        """The optimal price is below what a unit costs to serve."""
        return self.price is not None and self.price < self.break_even_price


def default_constraints(scenario: Scenario, i: int) -> Constraints:
    """From a tenth to five times today's price, floored at the break-even price when it lies below five times
    today's; a stream priced further below what a unit costs to serve searches up to twice that cost. A free stream
    counts from the break-even price (1 when there is none)."""
    floor = break_even_price(scenario, i)
    costs = bool(np.isfinite(floor) and floor > 0)
    price = current_price(scenario, i) or (floor if costs else 1.0)
    if costs and floor >= 5 * price:
        return Constraints(low=0.1 * price, high=2 * floor)
    return Constraints(low=max(0.1 * price, floor if costs else 0.0), high=5 * price)


def price_steps(bounds: Constraints, count: int = 41) -> list[float]:
    """The prices a bounds slider offers: ``count`` log-spaced steps from ``bounds.low`` to ``bounds.high`` (both
    kept exactly), the others rounded to three significant digits, so a slider works at any magnitude (a token
    at ¥0.0000015 as a seat at ¥1,500).

    >>> price_steps(Constraints(low=0.0004, high=0.02), 5)
    [0.0004, 0.00106, 0.00283, 0.00752, 0.02]
    """
    inner = [float(f"{p:.3g}") for p in np.geomspace(bounds.low, bounds.high, count)[1:-1]]
    return sorted({bounds.low, *inner, bounds.high})


def optimise_price(scenario: Scenario, i: int, objective: Objective = "gross_profit",
                   constraints: Constraints | None = None, grid: int = 61) -> PriceResult:
    """The price of stream ``i`` that maximises ``objective`` within ``constraints``.

    A log-spaced grid of ``grid`` prices (one vectorised projection) finds the best feasible
    region; ``scipy.optimize.minimize_scalar`` (bounded Brent) then refines inside the two
    neighbouring grid cells, with infeasible prices penalised below every feasible value.
    """
    c = constraints or default_constraints(scenario, i)
    if not 0 < c.low <= c.high:
        raise ValueError(f"price bounds must satisfy 0 < low <= high (got {c.low:g}, {c.high:g})")
    today = price_curve(scenario, i, np.array([current_price(scenario, i)]))
    floor = break_even_price(scenario, i)
    prices = np.geomspace(c.low, c.high, grid)
    curve = price_curve(scenario, i, prices)
    ok = c.feasible(curve)
    if not ok.any():
        return PriceResult(objective, None, today, None, "grid", grid, False,
                           "no price within the bounds meets the constraints", floor)
    score = curve.score[objective]
    k = int(np.argmax(np.where(ok, score, -np.inf)))
    worst = float(score[ok].min())

    def loss(price: float) -> float:
        one = price_curve(scenario, i, np.array([price]))
        value = float(one.score[objective][0])
        return -value if c.feasible(one)[0] else -(worst - 1.0 - abs(worst))

    low, high = prices[max(k - 1, 0)], prices[min(k + 1, grid - 1)]
    if high > low:
        from scipy import optimize  # lazily: ~0.3 s of a cold start

        res = optimize.minimize_scalar(loss, bounds=(low, high), method="bounded", options={"xatol": 1e-6 * high})
        refined, evaluations, converged, message = float(res.x), grid + int(res.nfev), bool(res.success), str(res.message)
    else:
        refined, evaluations, converged, message = float(prices[k]), grid, True, "the bounds allow one price"
    best_price = refined if -loss(refined) >= score[k] else float(prices[k])
    best = price_curve(scenario, i, np.array([best_price]))
    return PriceResult(objective, best_price, today, best, "grid_brent", evaluations, converged, message, floor)


def with_price(scenario: Scenario, i: int, price: float) -> Scenario:
    """The scenario with stream ``i`` at ``price``; its demand's reference price is pinned
    first so that volume answers the change."""
    stream = scenario.streams[i]
    updates: dict[str, object] = {price_path(scenario, i): price}
    demand = getattr(stream, "demand", None)
    if demand is not None and demand.reference_price is None:
        updates = {f"streams[{i}].demand.reference_price": stream.price_value(), **updates}
    return replace_fields(scenario, updates)


# --- tiered plans -------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    """A plan: ``value`` scales a customer's base willingness to pay (Pro = 1); ``tokens``
    scales the stream's tokens per customer; a ``free`` plan's price stays 0."""

    name: str
    value: float
    tokens: float = 1.0
    free: bool = False


DEFAULT_TIERS = (Tier("Free", 0.15, 0.2, free=True), Tier("Pro", 1.0, 1.0), Tier("Enterprise", 3.0, 4.0))


def plan_shares(values: np.ndarray, tiers: tuple[Tier, ...], prices: np.ndarray) -> np.ndarray:
    """Share of prospects choosing each plan, shape (candidates, plans).

    Each prospect (base value ``v``) takes the plan with the largest surplus
    ``v * tier.value - price``, or none when every surplus is negative.

    >>> plan_shares(np.array([1.0, 3.0]), (Tier("A", 1.0), Tier("B", 2.0)), np.array([[0.5, 4.0]]))
    array([[1., 0.]])
    """
    surplus = values[None, :, None] * np.array([t.value for t in tiers])[None, None, :] - prices[:, None, :]
    best = surplus.argmax(axis=2)
    buys = surplus.max(axis=2) >= 0
    return np.stack([((best == j) & buys).mean(axis=1) for j in range(len(tiers))], axis=1)


def ordered_prices(x: np.ndarray, tiers: tuple[Tier, ...]) -> np.ndarray:
    """Plan prices from candidate values, shape (candidates, plans): free plans at 0 and the
    paid plans' values sorted so that a plan worth more never costs less.

    >>> ordered_prices(np.array([[1273.0, 438.0]]), (Tier("Free", 0.15, free=True), Tier("Pro", 1.0), Tier("Ent", 3.0)))
    array([[   0.,  438., 1273.]])
    """
    paid = sorted((j for j, tier in enumerate(tiers) if not tier.free), key=lambda j: tiers[j].value)
    prices = np.zeros((x.shape[0], len(tiers)))
    prices[:, paid] = np.sort(x, axis=1)
    return prices


@dataclass(frozen=True)
class TierResult:
    """Optimal plan prices (per month), the share of prospects and new customers per plan.

    Prices follow the plans' values (a plan worth more never costs less); a plan nobody
    picks is not offered (``offered`` False) and its price means nothing.
    """

    tiers: tuple[Tier, ...]
    prices: np.ndarray
    shares: np.ndarray
    new_customers: np.ndarray
    gross_profit: float       # the company's average monthly gross profit over year 1
    npv: float
    objective: str
    method: str
    evaluations: int          # candidate price sets evaluated
    iterations: int
    converged: bool
    message: str

    @property
    def offered(self) -> np.ndarray:
        """True for each plan that some prospect picks."""
        return self.shares > 0


def tier_scenario(scenario: Scenario, i: int, tiers: tuple[Tier, ...]) -> Scenario:
    """Subscription stream ``i`` split: its existing customers stay on it (no new sign-ups,
    no demand model); each plan becomes a subscription stream of its own starting empty."""
    base = scenario.streams[i].model_dump()
    first = len(scenario.streams)
    updates: dict[str, object] = {f"streams[{i}].new_customers_per_month": 0, f"streams[{i}].demand": None}
    for j, tier in enumerate(tiers):
        name = f"{base['name'][:80 - len(tier.name) - 3].rstrip()} — {tier.name}"  # the tier name survives the 80-character cut
        updates[f"streams[{first + j}]"] = {
            **base, "name": name, "starting_customers": 0, "demand": None, "trial": None,
            "mtok_per_customer_month": base["mtok_per_customer_month"] * tier.tokens}
    return replace_fields(scenario, updates)


def optimise_tiers(scenario: Scenario, i: int, tiers: tuple[Tier, ...] = DEFAULT_TIERS, *, median_wtp: float,
                   wtp_sigma: float = 0.8, prospects_per_month: float, objective: TierObjective = "gross_profit",
                   max_price: float | None = None, customers: int = 2000, seed: int = 2026) -> TierResult:
    """Plan prices maximising ``objective`` with ``scipy.optimize.differential_evolution``.

    Prices are kept in the order of the plans' values (:func:`ordered_prices`: each candidate
    is sorted, so the search space is the ordered price sets only).

    ``customers`` prospects are drawn once (lognormal base willingness to pay, fixed seed);
    every candidate set of prices gives each plan's share of ``prospects_per_month``, and a
    whole generation of candidates goes through the engine as one projection (paths =
    candidates), the plans as subscription streams of the split scenario.
    """
    if not isinstance(scenario.streams[i], SubscriptionStream):
        raise ValueError("tiered plans apply to a subscription stream")
    if not 2 <= len(tiers) <= 4:
        raise ValueError("optimise 2 to 4 plans")
    split = tier_scenario(scenario, i, tiers)
    first = len(scenario.streams)
    values = np.random.default_rng(seed).lognormal(np.log(median_wtp), wtp_sigma, customers)
    paid = [j for j, t in enumerate(tiers) if not t.free]
    top = max_price or float(np.quantile(values, 0.99) * max(t.value for t in tiers))

    def evaluate(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        prices = ordered_prices(x.T, tiers)
        shares = plan_shares(values, tiers, prices)
        draws = {}
        for j in range(len(tiers)):
            draws[f"streams[{first + j}].price_per_month"] = prices[:, j]
            draws[f"streams[{first + j}].new_customers_per_month"] = prospects_per_month * shares[:, j]
        p = project(split, draws)
        gross = p.gross_profit[:, :YEAR].mean(axis=1)
        return prices, shares, gross, scenario_npv(p.operating_cash, split.settings)

    candidates = 0

    def loss(x: np.ndarray, /) -> np.ndarray:
        nonlocal candidates
        candidates += x.shape[1]
        _, _, gross, net = evaluate(x)
        return -(gross if objective == "gross_profit" else net)

    from scipy import optimize  # lazily: ~0.3 s of a cold start

    bounds = optimize.Bounds(np.zeros(len(paid)), np.full(len(paid), top))
    # scipy-stubs type the objective as scalar-valued; with vectorized=True it returns one loss per candidate.
    res = optimize.differential_evolution(
        loss,  # type: ignore[arg-type]
        bounds, vectorized=True, updating="deferred", seed=seed, maxiter=200, popsize=15, tol=1e-7, polish=False)
    prices, shares, gross, net = evaluate(res.x[:, None])
    return TierResult(tiers, prices[0], shares[0], prospects_per_month * shares[0], float(gross[0]), float(net[0]),
                      objective, "differential evolution (scipy), vectorised over candidates", candidates,
                      int(res.nit), bool(res.success), str(res.message))


def apply_tiers(scenario: Scenario, i: int, result: TierResult) -> Scenario:
    """The split scenario with the optimal plan prices and sign-ups written in (plans nobody picks are left out)."""
    split = tier_scenario(scenario, i, result.tiers)
    first = len(scenario.streams)
    plans = [stream.model_dump() | {"price_per_month": float(result.prices[j]),
                                    "new_customers_per_month": float(result.new_customers[j])}
             for j, stream in enumerate(split.streams[first:]) if result.offered[j]]
    return replace_fields(split, {"streams": [s.model_dump() for s in split.streams[:first]] + plans})
