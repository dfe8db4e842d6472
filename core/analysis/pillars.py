"""The strategy pillars as transparent scored models, and the survival score.

Over 400 lines on purpose: the factor table (SPECS), the measures and the moves are one
documented model that a reader checks against the README's table in one place.

A pillar's score (0-100) is the weighted mean of its factors' sub-scores. A factor is a
value measured on the projection where the scenario has the data, or read from
``scenario.strategy`` where it does not, mapped to 0-100 by a documented monotone
piecewise-linear :class:`Curve` whose thresholds come from the field (the README's table under "Strategy scores"). A
factor without data (no revenue yet, no market size) is shown but left out of the mean.

The survival score is the weighted mean of the pillar scores (``strategy.pillar_weights``);
the optional dimensions ``data`` and ``compliance`` count only when the scenario rates them.
:func:`move_effects` re-runs the engine on concrete changes (hire, cut, compress, raise, ...)
to show what would move each pillar and what it does to runway.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from core.analysis.levers import Levers, apply_levers, next_round_index
from core.analysis.metrics import (
    YEAR,
    burn_multiple,
    default_alive,
    gross_margin,
    herfindahl,
    recurring_share,
    revenue_growth_yearly,
    runway_exact,
    unit_economics,
)
from core.engine.projection import Projection, project
from core.model import PILLARS, Scenario, SubscriptionStream, replace_fields

OPTIONAL_PILLARS = ("data", "compliance")


@dataclass(frozen=True)
class Curve:
    """Piecewise-linear map from a value to a 0-100 sub-score, flat beyond the ends.

    >>> Curve((0.0, 1.0), (0.0, 100.0))(0.25)
    25.0
    """

    xs: tuple[float, ...]
    scores: tuple[float, ...]

    def __post_init__(self) -> None:
        steps = np.diff(self.scores)
        if len(self.xs) != len(self.scores) or np.any(np.diff(self.xs) <= 0):
            raise ValueError("a curve needs one score per threshold and increasing thresholds")
        if not (np.all(steps >= 0) or np.all(steps <= 0)):
            raise ValueError("a curve's scores must be monotone")

    def __call__(self, value: float) -> float:
        return float(np.interp(value, self.xs, self.scores))


@dataclass(frozen=True)
class Spec:
    """How a factor is scored: its curve, the unit of its value and its default weight.

    Units: ``share`` (a decimal shown as %), ``ratio`` (×), ``count``, ``rating`` (1-5),
    ``points`` (difference of two yearly growth rates, a decimal), ``flag`` (1 yes, 0 no).
    """

    curve: Curve
    unit: str
    weight: float = 1.0


RATING = Curve((1, 2, 3, 4, 5), (0, 25, 50, 75, 100))
RATING_AGAINST = Curve((1, 2, 3, 4, 5), (100, 75, 50, 25, 0))

SPECS: dict[str, Spec] = {
    # Technology: R&D leaders spend 35-50 % of their budget on R&D; inference ~20 % of
    # revenue is typical for AI products; a fixed capability's cost falls up to ~10x a year.
    "technology.rd_share": Spec(Curve((0, 0.15, 0.35, 0.5), (0, 30, 70, 100)), "share", 1.0),
    "technology.serving_cost": Spec(Curve((0.02, 0.1, 0.2, 0.4, 0.8), (100, 80, 60, 25, 0)), "share", 1.0),
    "technology.cost_decline": Spec(Curve((0, 0.3, 0.6, 0.9), (0, 50, 80, 100)), "share", 0.5),
    "technology.verticals": Spec(Curve((0, 1, 2, 3, 4), (0, 30, 60, 80, 100)), "count", 0.5),
    "technology.model_quality": Spec(RATING, "rating", 1.0),
    # Talent: tech teams lose ~13 % of their people a year (LinkedIn's 2018 figure for software); each
    # replacement ramps up at half speed (``RAMP_PRODUCTIVITY``), so ramp-ups cost capacity too.
    "technology.rd_attrition": Spec(Curve((0.05, 0.1, 0.2, 0.35, 0.6), (100, 85, 60, 25, 0)), "share", 0.5),
    "technology.rd_ramp_loss": Spec(Curve((0, 0.02, 0.05, 0.1, 0.2), (100, 80, 55, 25, 0)), "share", 0.5),
    # Business model: HHI 1/3 (three equal streams) is broad; AI gross margin 50-60 % vs
    # SaaS 60-80 %; LTV:CAC >= 3 is healthy.
    "business_model.diversification": Spec(Curve((0, 0.5, 0.67), (0, 70, 100)), "share", 1.0),
    "business_model.recurring_share": Spec(Curve((0, 0.5, 0.8), (0, 50, 100)), "share", 1.0),
    "business_model.gross_margin": Spec(Curve((0, 0.3, 0.5, 0.6, 0.8), (0, 20, 55, 70, 100)), "share", 1.0),
    "business_model.ltv_cac": Spec(Curve((0, 1, 3, 5), (0, 20, 80, 100)), "ratio", 1.0),
    "business_model.pricing_modes": Spec(Curve((0, 1, 2, 3, 4), (0, 25, 50, 75, 100)), "count", 0.5),
    # Funds: 18-24 months of runway in a winter; Sacks's burn-multiple grades; Graham's
    # default alive; money not yet raised; how much of the operating costs gross profit pays.
    "funds.runway": Spec(Curve((0, 0.5, 1, 1.5), (0, 30, 80, 100)), "share", 1.5),
    "funds.burn_multiple": Spec(Curve((1, 1.5, 2, 3, 5, 10), (100, 85, 70, 40, 10, 0)), "ratio", 1.0),
    "funds.default_alive": Spec(Curve((0, 1), (0, 100)), "flag", 1.0),
    "funds.round_dependence": Spec(Curve((0, 0.25, 0.5, 1), (100, 60, 30, 0)), "share", 1.0),
    "funds.fixed_cost_cover": Spec(Curve((0, 0.25, 0.5, 1), (0, 30, 55, 100)), "share", 0.5),
    # Every leaver costs a replacement (recruiting, onboarding); sales teams run higher than R&D, ~25-35 % a year.
    "funds.team_attrition": Spec(Curve((0.1, 0.2, 0.3, 0.5), (100, 70, 40, 0)), "share", 0.5),
    # Market: share of the serviceable market won in year one; growth against the market's;
    # differentiation; competition; customer concentration (largest customer's share).
    "market.sam_share": Spec(Curve((0, 0.001, 0.01, 0.05, 0.1), (0, 20, 50, 80, 100)), "share", 1.0),
    "market.growth_vs_market": Spec(Curve((-0.5, -0.2, 0, 0.5, 1), (0, 30, 50, 80, 100)), "points", 1.0),
    "market.diff_technology": Spec(RATING, "rating", 0.5),
    "market.diff_ux": Spec(RATING, "rating", 0.5),
    "market.diff_service": Spec(RATING, "rating", 0.5),
    "market.competition": Spec(RATING_AGAINST, "rating", 0.5),
    "market.customer_concentration": Spec(Curve((0.1, 0.25, 0.5, 1), (100, 60, 20, 0)), "share", 0.5),
    # Optional dimensions (seed 004), founder-rated.
    "data.collection": Spec(RATING, "rating"),
    "data.labelling": Spec(RATING, "rating"),
    "data.governance": Spec(RATING, "rating"),
    "compliance.privacy": Spec(RATING, "rating"),
    "compliance.regulation": Spec(RATING, "rating"),
    "compliance.ethics_review": Spec(RATING, "rating"),
}


@dataclass(frozen=True)
class Factor:
    """One measured factor: ``value`` in ``unit`` (None without data) and its 0-100 ``score``.

    ``context`` holds what its explanation quotes (e.g. runway months and target), and
    ``missing`` (why there is no value) when ``value`` is None.
    """

    key: str
    value: float | None
    score: float | None
    weight: float
    unit: str
    context: dict[str, object]


@dataclass(frozen=True)
class PillarScore:
    """A pillar's 0-100 score: the weighted mean of its scored factors (factors without data left out)."""

    key: str
    score: float
    factors: tuple[Factor, ...]


@dataclass(frozen=True)
class Scorecard:
    """Every scored pillar, the weights of the survival score, and the runway behind them."""

    pillars: dict[str, PillarScore]
    weights: dict[str, float]
    survival: float
    runway_months: float


def verticals(scenario: Scenario) -> list[str]:
    """Application verticals served: ``strategy.verticals``, else the company's vertical."""
    named = scenario.strategy.verticals
    return list(named) if named else [v for v in [scenario.company.vertical] if v]


def pricing_modes(scenario: Scenario) -> list[str]:
    """Distinct ways of charging in use: each stream kind, plus ``trial`` for a free trial."""
    modes: set[str] = {s.kind for s in scenario.streams}
    if any(isinstance(s, SubscriptionStream) and s.trial is not None and s.trial.days > 0 for s in scenario.streams):
        modes.add("trial")
    return sorted(modes)


def _year1(a: np.ndarray) -> float:
    return float(a[0, :YEAR].sum())


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


Measured = tuple[float | None, dict[str, object]]


def _measured(value: float | None, missing: str = "", **context: object) -> Measured:
    """A measured value with the numbers its explanation quotes; ``missing`` says why it is None.

    NaN (e.g. 0/0 on subnormal inputs) counts as no data.
    """
    if value is not None and math.isnan(value):
        value = None
    return value, ({"missing": missing} if value is None else {}) | context


def has_attrition(scenario: Scenario) -> bool:
    """Whether the founder modelled attrition: some role loses people (else the talent factors have no data)."""
    return any(r.attrition_monthly > 0 for r in scenario.opex.team)


def _yearly_attrition(leavers: np.ndarray, heads: np.ndarray) -> float:
    """Year-1 leavers ÷ year-1 average heads (0 without heads: nobody to lose)."""
    head_months = _year1(heads)
    return YEAR * _year1(leavers) / head_months if head_months > 0 else 0.0  # not ÷ (head_months / 12): it underflows


def _rd_talent(scenario: Scenario, p: Projection) -> dict[str, Measured]:
    """Year-1 R&D attrition (leavers ÷ average heads) and the share of R&D head-months lost to ramp-ups."""
    head_months = _year1(p.headcount_by_function["rd"])
    missing = "attrition" if not has_attrition(scenario) else "rd_team" if head_months <= 0 else ""
    leavers, lost = p.leavers_by_function["rd"], _year1(p.ramp_lost_by_function["rd"])
    return {
        "technology.rd_attrition": _measured(None if missing else _yearly_attrition(leavers, p.headcount_by_function["rd"]),
                                             missing, leavers=_year1(leavers)),
        "technology.rd_ramp_loss": _measured(None if missing else lost / head_months, missing, fte=lost / YEAR),
    }


def _technology(scenario: Scenario, p: Projection) -> dict[str, Measured]:
    spend = _year1(p.cost_of_revenue) + _year1(p.opex_total)
    research = _year1(p.payroll_by_function["rd"]) + sum(
        c.cost for c in scenario.opex.one_off_costs if 0 <= c.month < YEAR and c.kind in ("training_run", "data"))
    serving = _year1(p.cost_of_revenue_items["inference"] + p.cost_of_revenue_items["hosting"])
    serves_tokens = _year1(p.tokens) > 0
    return {
        "technology.rd_share": _measured(_share(research, spend), "spend"),
        "technology.serving_cost": _measured(_share(serving, _year1(p.revenue)), "revenue"),
        "technology.cost_decline": _measured(scenario.ai_costs.cost_decline_yearly if serves_tokens else None, "tokens"),
        "technology.verticals": _measured(float(len(verticals(scenario))), names=verticals(scenario)),
        "technology.model_quality": _measured(float(scenario.strategy.model_quality)),
        **_rd_talent(scenario, p),
    }


def _business_model(scenario: Scenario, p: Projection) -> dict[str, Measured]:
    has_revenue = _year1(p.revenue) > 0

    def if_revenue(values: np.ndarray) -> Measured:
        return _measured(float(values[0]) if has_revenue else None, "revenue")

    ue = unit_economics(p)
    modes = pricing_modes(scenario)
    return {
        "business_model.diversification": if_revenue(1 - herfindahl(p.stream_revenue)),
        "business_model.recurring_share": if_revenue(recurring_share(p)),
        "business_model.gross_margin": if_revenue(gross_margin(p)),
        "business_model.ltv_cac": _measured(None if ue is None else ue.ltv_to_cac, "ltv_cac"),
        "business_model.pricing_modes": _measured(float(len(modes)), modes=modes),
    }


def _funds(scenario: Scenario, p: Projection) -> dict[str, Measured]:
    runway = float(runway_exact(p.cash[:1], p.starting_cash[:1])[0])
    target = scenario.strategy.runway_target_months
    bm = float(burn_multiple(p)[0])
    alive, _, needed = default_alive(p)
    need, cash = float(needed[0]), float(p.starting_cash[0])
    gross_profit = _year1(p.gross_profit)
    return {
        "funds.runway": _measured(runway / target, months=runway, target=target),
        "funds.burn_multiple": _measured(0.0 if math.isnan(bm) else bm, burning=not math.isnan(bm)),
        "funds.default_alive": _measured(float(alive[0])),
        "funds.round_dependence": _measured(_share(need, cash + need) or 0.0, needed=need),
        # Gross profit / opex rather than "variable share of costs", which rewarded a dearer cost of revenue.
        "funds.fixed_cost_cover": _measured(_share(gross_profit, _year1(p.opex_total)), "spend"),
        "funds.team_attrition": _measured(_yearly_attrition(p.leavers, p.headcount) if has_attrition(scenario) else None,
                                          "attrition", recruiting=_year1(p.opex["recruiting"])),
    }


def _market(scenario: Scenario, p: Projection) -> dict[str, Measured]:
    market, diff = scenario.strategy.market, scenario.strategy.differentiation
    revenue = _year1(p.revenue)
    growth = float(revenue_growth_yearly(p)[0])
    return {
        "market.sam_share": _measured(_share(revenue, market.sam_yearly or 0.0), "sam", revenue=revenue),
        "market.growth_vs_market": _measured(None if math.isnan(growth) else growth - market.growth_yearly, "revenue",
                                      growth=growth, market=market.growth_yearly),
        "market.diff_technology": _measured(float(diff.technology)),
        "market.diff_ux": _measured(float(diff.user_experience)),
        "market.diff_service": _measured(float(diff.service)),
        "market.competition": _measured(float(market.competition)),
        "market.customer_concentration": _measured(market.top_customer_share),
    }


def _ratings(prefix: str, ratings: BaseModel | None) -> dict[str, Measured]:
    """The founder's ratings of an optional dimension; nothing when it is not rated."""
    return {} if ratings is None else {f"{prefix}.{name}": _measured(float(value)) for name, value in ratings.model_dump().items()}


MEASURES: dict[str, Callable[[Scenario, Projection], dict[str, Measured]]] = {
    "technology": _technology,
    "business_model": _business_model,
    "funds": _funds,
    "market": _market,
    "data": lambda scenario, p: _ratings("data", scenario.strategy.data),
    "compliance": lambda scenario, p: _ratings("compliance", scenario.strategy.compliance),
}


def _normalised(weights: list[float]) -> list[float]:
    """Weights as shares summing to 1; equal shares when every weight is 0."""
    total = sum(weights)
    return [w / total for w in weights] if total > 0 else [1 / len(weights)] * len(weights)


def weighted_mean(scores: list[float], weights: list[float]) -> float:
    """Weighted mean; the plain mean when every weight is 0; NaN when there is nothing.

    >>> weighted_mean([40.0, 100.0], [3.0, 1.0]), weighted_mean([40.0, 100.0], [0.0, 0.0])
    (55.0, 70.0)
    """
    if not scores:
        return math.nan
    mean = sum(s * w for s, w in zip(scores, _normalised(weights), strict=True))
    return min(max(mean, min(scores)), max(scores))  # within the scores, whatever the rounding of the shares


def _pillar(key: str, scenario: Scenario, p: Projection) -> PillarScore:
    factors = []
    for fkey, (value, context) in MEASURES[key](scenario, p).items():
        spec = SPECS[fkey]
        weight = scenario.strategy.factor_weights.get(fkey, spec.weight)
        score = None if value is None else spec.curve(value)
        factors.append(Factor(fkey, value, score, weight, spec.unit, context))
    scored = [(f.score, f.weight) for f in factors if f.score is not None]
    return PillarScore(key, weighted_mean([s for s, _ in scored], [w for _, w in scored]), tuple(factors))


def scored_pillars(scenario: Scenario) -> list[str]:
    """The four pillars, plus each optional dimension the scenario rates."""
    return [k for k in PILLARS if k not in OPTIONAL_PILLARS or getattr(scenario.strategy, k) is not None]


def score(scenario: Scenario, p: Projection | None = None) -> Scorecard:
    """Score every pillar of ``scenario`` on its deterministic projection (path 0)."""
    p = project(scenario) if p is None else p
    pillars = {k: _pillar(k, scenario, p) for k in scored_pillars(scenario)}
    weights = {k: getattr(scenario.strategy.pillar_weights, k) for k in pillars}
    survival = weighted_mean([ps.score for ps in pillars.values()], list(weights.values()))
    runway = float(runway_exact(p.cash[:1], p.starting_cash[:1])[0])
    return Scorecard(pillars, weights, survival, runway)


@dataclass(frozen=True)
class Weakness:
    """A factor and the survival-score points (0-100 scale) it costs; see :func:`weakest`."""

    pillar: str
    factor: Factor
    points_lost: float


def weakest(card: Scorecard, n: int = 5) -> list[Weakness]:
    """The ``n`` factors that cost the survival score most.

    A factor's ``points_lost`` is (100 - sub-score) x its share of its pillar's weight x the
    pillar's share of the survival weights, so the points lost of all factors add up to
    ``100 - survival``.
    """
    out = []
    pillar_shares = _normalised(list(card.weights.values()))
    for (key, ps), pillar_share in zip(card.pillars.items(), pillar_shares, strict=True):
        scored = [(f, f.score) for f in ps.factors if f.score is not None]
        for (f, sub), share in zip(scored, _normalised([f.weight for f, _ in scored]), strict=True):
            out.append(Weakness(key, f, (100 - sub) * share * pillar_share))
    return sorted(out, key=lambda w: -w.points_lost)[:n]


# --- what would move the score ------------------------------------------------


def _average_per_head(scenario: Scenario, function: str | None = None,
                      field: str = "cost_per_head_month") -> float | None:
    """The head-weighted mean of a role field over ``function``'s roles (all roles for None); None without heads."""
    roles = [r for r in scenario.opex.team if r.headcount > 0 and (function is None or r.function == function)]
    heads = sum(r.headcount for r in roles)
    return sum(r.headcount * getattr(r, field) for r in roles) / heads if heads else None


def _hire(scenario: Scenario, function: str, role: str, vertical: str | None = None) -> Scenario | None:
    """One more person in ``function`` from month 0, at that function's (else the team's) average cost, and its
    average attrition, replacement cost and ramp-up (a hire leaves as often as the people already there)."""
    peers = function if _average_per_head(scenario, function) else None  # no heads, or unpaid: the whole team
    cost = _average_per_head(scenario, peers)
    if cost is None:
        return None
    talent = {f: _average_per_head(scenario, peers, f) or 0.0 for f in ("attrition_monthly", "replacement_cost", "ramp_months")}
    talent["ramp_months"] = round(talent["ramp_months"])

    updates: dict[str, object] = {f"opex.team[{len(scenario.opex.team)}]": {
        "role": role, "function": function, "headcount": 1, "cost_per_head_month": cost, **talent}}
    if vertical:
        updates["strategy.verticals"] = [*verticals(scenario), vertical]
    return replace_fields(scenario, updates)


def _cut_rd(scenario: Scenario) -> Scenario | None:
    roles = [i for i, r in enumerate(scenario.opex.team) if r.function == "rd" and r.headcount >= 1]
    if not roles:
        return None
    biggest = max(roles, key=lambda i: scenario.opex.team[i].headcount)

    return replace_fields(scenario, {f"opex.team[{biggest}].headcount": scenario.opex.team[biggest].headcount - 1})


def _faster_cost_decline(scenario: Scenario) -> Scenario | None:
    if scenario.ai_costs.million_token_cost <= 0:
        return None

    return replace_fields(scenario, {"ai_costs.cost_decline_yearly": scenario.ai_costs.cost_decline_yearly + 0.2}, clamp=True)


def _bridge(scenario: Scenario) -> Scenario | None:
    """Add six months of year-1 average net burn to the cash in the bank."""
    burn = float(project(scenario).net_burn[0, :YEAR].mean())
    if burn <= 0:
        return None
    return apply_levers(scenario, Levers(starting_cash=scenario.company.starting_cash + 6 * burn))


def _cut_marketing(scenario: Scenario) -> Scenario | None:
    if scenario.opex.marketing_per_month <= 0:
        return None

    return replace_fields(scenario, {"opex.marketing_per_month": scenario.opex.marketing_per_month * 0.75}, clamp=True)


def _when(condition: Callable[[Scenario], bool], levers: Levers) -> Callable[[Scenario], Scenario | None]:
    return lambda scenario: apply_levers(scenario, levers) if condition(scenario) else None


def _has_subscription(scenario: Scenario) -> bool:
    return any(x.kind == "subscription" for x in scenario.streams)


def _has_later_round(scenario: Scenario) -> bool:
    k = next_round_index(scenario)
    return k is not None and scenario.funding[k].month >= 3


MOVES: dict[str, Callable[[Scenario], Scenario | None]] = {
    "hire_rd": lambda scenario: _hire(scenario, "rd", "R&D engineer (what-if)"),
    "cut_rd": _cut_rd,
    "team_cut": _when(lambda scenario: bool(scenario.opex.team), Levers(headcount_factor=0.9)),
    "quantise": _when(lambda scenario: scenario.ai_costs.million_token_cost > 0, Levers(inference_cost_factor=0.7)),
    "cost_decline": _faster_cost_decline,
    "new_vertical": lambda scenario: _hire(scenario, "ops", "Solutions engineer (what-if)", vertical="New vertical"),
    "price_up": _when(lambda scenario: bool(scenario.streams), Levers(price_factor=1.1)),
    "churn_down": _when(_has_subscription, Levers(churn_factor=0.75)),
    "growth_up": _when(lambda scenario: bool(scenario.streams), Levers(growth_shift_monthly=0.01)),
    "marketing_cut": _cut_marketing,
    "bridge": _bridge,
    "round_earlier": _when(_has_later_round, Levers(round_delay_months=-3)),
}
"""Concrete scenario changes; each returns the changed scenario, or None where it does not apply."""


@dataclass(frozen=True)
class MoveEffect:
    """What one move does: change of each pillar's and the survival score, of runway (months)."""

    key: str
    pillar_deltas: dict[str, float]
    survival_delta: float
    runway_delta: float


def move_effects(scenario: Scenario, base: Scorecard | None = None) -> list[MoveEffect]:
    """Re-run the engine and the scores for every applicable move."""
    base = score(scenario) if base is None else base
    effects = []
    for key, move in MOVES.items():
        changed = move(scenario)
        if changed is None:
            continue
        card = score(changed)
        deltas = {k: card.pillars[k].score - base.pillars[k].score for k in base.pillars}
        effects.append(MoveEffect(key, deltas, card.survival - base.survival, card.runway_months - base.runway_months))
    return effects


def what_would_move(effects: list[MoveEffect], pillar: str, n: int = 3) -> list[MoveEffect]:
    """The ``n`` moves that raise ``pillar`` most (only those that raise it by 0.5 point or more)."""
    helpful = [e for e in effects if e.pillar_deltas[pillar] >= 0.5]
    return sorted(helpful, key=lambda e: (-e.pillar_deltas[pillar], -e.runway_delta))[:n]
