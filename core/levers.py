"""What-if levers: the few drivers a founder moves live, applied to any scenario.

Each lever is relative (a factor or a shift) so that one set of sliders works for every
scenario; ``apply_levers`` returns a new, validated Scenario and never mutates its input.
"""

from __future__ import annotations

from dataclasses import dataclass

from .scenario import Scenario, parse_scenario


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
    """Index of the round the round levers move: the first after month 0, else the first."""
    later = [i for i, r in enumerate(scenario.funding) if r.month > 0]
    if later:
        return later[0]
    return 0 if scenario.funding else None


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def apply_levers(scenario: Scenario, levers: Levers) -> Scenario:
    """A new scenario with the levers applied (values kept inside the scenario's bounds)."""
    data = scenario.model_dump()
    if levers.starting_cash is not None:
        data["company"]["starting_cash"] = levers.starting_cash
    for role in data["opex"]["team"]:
        role["headcount"] *= levers.headcount_factor
        role["cost_per_head_month"] *= levers.cost_per_head_factor
    for stream, original in zip(data["streams"], scenario.streams, strict=True):
        growth = original.GROWTH
        stream[growth] = _clamp(stream[growth] + levers.growth_shift_monthly, -0.5, 0.5)
        demand = stream.get("demand")
        if demand is not None and levers.price_factor != 1 and demand["reference_price"] is None:
            demand["reference_price"] = stream[original.PRICE]  # volume then answers the new price
        for field in original.PRICES:
            stream[field] *= levers.price_factor
        if "churn_monthly" in stream:
            stream["churn_monthly"] = _clamp(stream["churn_monthly"] * levers.churn_factor, 0, 0.9)
    ai = data["ai_costs"]
    if ai["gpu_price_per_hour"] is not None:
        ai["gpu_price_per_hour"] *= levers.inference_cost_factor
    elif ai["cost_per_million_tokens"] is not None:
        ai["cost_per_million_tokens"] *= levers.inference_cost_factor
    k = next_round_index(scenario)
    if k is not None:
        rd = data["funding"][k]
        rd["month"] = int(_clamp(rd["month"] + levers.round_delay_months, 0, 240))
        rd["amount"] *= levers.round_amount_factor
    return parse_scenario(data)
