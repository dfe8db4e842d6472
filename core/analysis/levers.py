"""What-if levers: the few drivers a founder moves live, applied to any scenario.

Each lever is relative (a factor or a shift) so that one set of sliders works for every
scenario; ``apply_levers`` returns a new, validated Scenario and never mutates its input.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.model import Scenario, SubscriptionStream, replace_fields


@dataclass(frozen=True)
class Levers:
    """Relative changes; the defaults leave a scenario unchanged.

    starting_cash: absolute amount, None keeps the scenario's; headcount_factor and
    cost_per_head_factor scale every role; growth_shift_monthly is added to every
    stream's monthly growth rate (0.01 = one point); churn_factor scales monthly churn;
    price_factor scales every unit price; inference_cost_factor scales the cost per 1M
    tokens; round_delay_months moves the next round (the first after month 0, or the
    first) later; round_amount_factor scales it.
    """

    starting_cash: float | None = None
    headcount_factor: float = 1.0
    cost_per_head_factor: float = 1.0
    growth_shift_monthly: float = 0.0
    churn_factor: float = 1.0
    price_factor: float = 1.0
    inference_cost_factor: float = 1.0
    round_delay_months: int = 0
    round_amount_factor: float = 1.0


def next_round_index(scenario: Scenario) -> int | None:
    """Index of the round the round levers move: the next priced (equity) round after month 0, else the first
    round of any kind after month 0 (a bridge, a loan, a grant), else the first in month 0; None without one (a
    re-forecast's rounds before its start have closed: never moved)."""
    rounds = scenario.funding
    later = sorted((i for i, r in enumerate(rounds) if r.month > 0), key=lambda i: rounds[i].month)  # in time order
    priced = [i for i in later if rounds[i].kind == "equity"]
    now = [i for i, r in enumerate(rounds) if r.month == 0]
    found = priced or later or now
    return found[0] if found else None


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def apply_levers(scenario: Scenario, levers: Levers) -> Scenario:
    """A new scenario with the levers applied (values kept inside the scenario's bounds)."""
    updates: dict[str, object] = {}
    if levers.starting_cash is not None:
        updates["company.starting_cash"] = levers.starting_cash
    for j, role in enumerate(scenario.opex.team):
        updates[f"opex.team[{j}].headcount"] = role.headcount * levers.headcount_factor
        updates[f"opex.team[{j}].cost_per_head_month"] = role.cost_per_head_month * levers.cost_per_head_factor
    for i, stream in enumerate(scenario.streams):
        pre = f"streams[{i}]"
        updates[f"{pre}.{stream.GROWTH}"] = _clamp(getattr(stream, stream.GROWTH) + levers.growth_shift_monthly, -0.5, 0.5)
        demand = getattr(stream, "demand", None)
        if demand is not None and levers.price_factor != 1 and demand.reference_price is None:
            updates[f"{pre}.demand.reference_price"] = stream.price_value()  # volume then answers the new price
        for field in stream.PRICES:
            updates[f"{pre}.{field}"] = getattr(stream, field) * levers.price_factor
        if isinstance(stream, SubscriptionStream):
            updates[f"{pre}.churn_monthly"] = _clamp(stream.churn_monthly * levers.churn_factor, 0, 0.9)
    ai = scenario.ai_costs
    if ai.gpu_price_per_hour is not None:
        updates["ai_costs.gpu_price_per_hour"] = ai.gpu_price_per_hour * levers.inference_cost_factor
    elif ai.cost_per_million_tokens is not None:
        updates["ai_costs.cost_per_million_tokens"] = ai.cost_per_million_tokens * levers.inference_cost_factor
    k = next_round_index(scenario)
    if k is not None:
        funding_round = scenario.funding[k]
        updates[f"funding[{k}].month"] = int(_clamp(funding_round.month + levers.round_delay_months, 0, 240))
        updates[f"funding[{k}].amount"] = funding_round.amount * levers.round_amount_factor
    return replace_fields(scenario, updates, clamp=True)
