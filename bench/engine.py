"""Engine speed: one 60-month projection, and 10,000 paths x 60 months, against the reference.

Run with ``make bench`` (or ``python -m bench.engine``). Prints figures; no time limits.
"""

from __future__ import annotations

import platform
import timeit

import numpy as np

from core.engine.projection import project
from core.engine.reference import reference_project
from core.model import load_scenario, parse_scenario

PATHS = 10_000


def all_streams_scenario():
    """Company B plus one stream of every other kind, 60 months."""
    base = load_scenario("sample_data/company_b_data_assistant.yaml").model_dump(mode="json")
    base["streams"] += [
        {"kind": "projects", "name": "Custom", "deals_per_quarter": 2, "deal_size": 80_000, "delivery_cost_share": 0.3},
        {"kind": "data", "name": "Data API", "contracts": 5, "fee_per_contract_month": 4_000},
        {"kind": "advertising", "name": "Ads", "monthly_active_users": 200_000, "impressions_per_user_month": 20, "cpm": 3},
        {"kind": "product_sales", "name": "Appliance", "units_per_month": 1, "price_per_unit": 40_000, "cost_per_unit": 15_000},
    ]
    return parse_scenario(base)


def best_of(fn, number: int, repeat: int = 5) -> float:
    """Best time of one call in seconds."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def main() -> None:
    s = all_streams_scenario()
    rng = np.random.default_rng(2026)
    draws = {
        "streams[0].churn_monthly": rng.uniform(0.01, 0.06, PATHS),
        "streams[0].new_customer_growth_monthly": rng.normal(0.03, 0.01, PATHS),
        "streams[1].volume_growth_monthly": rng.normal(0.06, 0.02, PATHS),
        "ai_costs.gpu_price_per_hour": rng.lognormal(np.log(2.5), 0.2, PATHS),
        "funding[0].month": rng.integers(12, 24, PATHS).astype(float),
    }
    one = best_of(lambda: project(s), number=200)
    many = best_of(lambda: project(s, draws), number=3)
    ref_one = best_of(lambda: reference_project(s), number=5, repeat=3)
    ref_many_estimate = ref_one * PATHS
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, numpy {np.__version__}")
    print(f"streams: {len(s.streams)}, months: {s.settings.horizon_months}")
    print(f"one projection, vectorised engine:     {one * 1e3:8.3f} ms")
    print(f"one projection, plain-Python reference:{ref_one * 1e3:8.3f} ms   speed-up {ref_one / one:6.1f}x")
    print(f"{PATHS:,} paths x 60 months, engine:     {many * 1e3:8.1f} ms")
    print(f"{PATHS:,} paths, reference (estimated):  {ref_many_estimate * 1e3:8.0f} ms   speed-up {ref_many_estimate / many:6.0f}x")


if __name__ == "__main__":
    main()
