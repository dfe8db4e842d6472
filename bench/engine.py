"""Engine speed: one 60-month projection, 10,000 and 100,000 paths x 60 months, against two yardsticks.

Run with ``make bench`` (or ``python -m bench.engine``). Prints figures; no time limits.
Yardsticks, one path at a time: the fair naive loop (:mod:`bench.fair`: plain floats,
inputs hoisted per path) and the readable oracle (:mod:`core.engine.reference`).
"""

from __future__ import annotations

import os
import platform
import timeit
import tracemalloc

import numpy as np

from bench.fair import fair_project
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


def peak_bytes(fn) -> int:
    """Peak memory traced while ``fn`` runs (tracemalloc slows allocation: measure apart from timing)."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def header() -> str:
    """Machine, interpreter, numpy, the load average (1, 5, 15 min) when the run starts, and the yardstick:
    the fair loop's time for one undrawn path of :func:`all_streams_scenario`, to compare runs across machines."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    s = all_streams_scenario()
    fair = best_of(lambda: fair_project(s), number=200)
    return (f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
            f"{platform.python_version()}, numpy {np.__version__}; load average {load}\n"
            f"yardstick: the fair loop projects one path of the all-streams scenario in {fair * 1e3:.3f} ms")


def fair_seconds_per_path(scenario, draws: dict[str, np.ndarray], samples: int = 300) -> float:
    """The fair loop, one path at a time on the same drawn inputs (best of 3)."""
    rows = [{k: float(v[i]) for k, v in draws.items()} for i in range(samples)]
    return best_of(lambda: [fair_project(scenario, row) for row in rows], number=1, repeat=3) / samples


def bench_draws(paths: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(2026)
    return {
        "streams[0].churn_monthly": rng.uniform(0.01, 0.06, paths),
        "streams[0].new_customer_growth_monthly": rng.normal(0.03, 0.01, paths),
        "streams[1].volume_growth_monthly": rng.normal(0.06, 0.02, paths),
        "ai_costs.gpu_price_per_hour": rng.lognormal(np.log(2.5), 0.2, paths),
        "funding[0].month": rng.integers(12, 24, paths).astype(float),
    }


def main() -> None:
    print(header())
    s = all_streams_scenario()
    draws, big = bench_draws(PATHS), bench_draws(10 * PATHS)
    fair = fair_seconds_per_path(s, draws)
    fair_one = best_of(lambda: fair_project(s), number=200)  # header()'s yardstick, measured next to the engine
    ref = best_of(lambda: reference_project(s), number=5, repeat=3)
    one = best_of(lambda: project(s), number=200)
    many = best_of(lambda: project(s, draws), number=3)
    huge = best_of(lambda: project(s, big), number=1, repeat=3)
    blocks = best_of(lambda: (lambda p: (p.stream_revenue, p.stream_units))(project(s, draws)), number=3) - many
    print(f"streams: {len(s.streams)}, months: {s.settings.horizon_months}, drawn inputs: {len(draws)}")
    print(f"yardstick: fair loop {fair * 1e3:.3f} ms a drawn path, {fair_one * 1e3:.3f} ms the undrawn one; "
          f"oracle {ref * 1e3:.3f} ms ({ref / fair_one:.1f}x the fair loop)")
    print(f"one projection:           {one * 1e3:8.3f} ms   fair loop / engine {fair_one / one:5.2f}x   oracle / engine {ref / one:5.1f}x")
    print(f"{PATHS:,} paths x 60 months: {many * 1e3:8.1f} ms   fair loop / engine {fair * PATHS / many:5.1f}x   "
          f"oracle / engine {ref * PATHS / many:5.0f}x")
    print(f"  + both (paths, streams, months) blocks on first use: {blocks * 1e3:.1f} ms (the fair loop has no such lines)")
    print(f"{10 * PATHS:,} paths:            {huge * 1e3:8.1f} ms   {huge / many:.1f}x the {PATHS:,}-path time")
    for paths, d in ((PATHS, draws), (10 * PATHS, big)):
        peak = peak_bytes(lambda d=d: project(s, d))
        print(f"peak memory, {paths:>7,} paths in one call: {peak / 1e6:6.0f} MB = {peak / paths / 1e3:.1f} KB a path")


if __name__ == "__main__":
    main()
