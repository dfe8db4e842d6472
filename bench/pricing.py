"""Pricing speed: one optimal price, and three plan prices optimised together.

Run with ``make bench`` (or ``python -m bench.pricing``). Prints figures; no time limits.
The naive reference evaluates the same grid one price at a time (one projection per
price) instead of one vectorised projection with a path per price.
"""

from __future__ import annotations

import numpy as np

from bench.engine import best_of, header
from core.analysis.pricing import optimise_price, optimise_tiers, price_curve, price_path
from core.engine.projection import project
from core.model import load_scenario


def main() -> None:
    print(header())
    s = load_scenario("sample_data/capital_winter_round_slips.yaml")
    single = best_of(lambda: optimise_price(s, 0, "gross_profit"), number=5)
    r = optimise_price(s, 0, "gross_profit")
    tiers = best_of(lambda: optimise_tiers(s, 1, median_wtp=110, wtp_sigma=0.6, prospects_per_month=60), number=1, repeat=5)
    t = optimise_tiers(s, 1, median_wtp=110, wtp_sigma=0.6, prospects_per_month=60)
    prices = np.geomspace(0.5, 7.5, 200)
    vectorised = best_of(lambda: price_curve(s, 0, prices), number=5)
    naive = best_of(lambda: [project(s, {price_path(s, 0): np.array([p])}) for p in prices], number=1, repeat=3)
    print(f"one price (Developer API, gross profit): {single * 1e3:6.1f} ms   {r.evaluations} evaluations, "
          f"converged {r.converged}, price {r.price:.4f}")
    print(f"three plans (Team plan: Free/Pro/Enterprise): {tiers * 1e3:6.0f} ms   {t.evaluations:,} candidate sets, "
          f"{t.iterations} generations, converged {t.converged}")
    print(f"price curve of 200 prices: one projection {vectorised * 1e3:6.1f} ms, one projection per price "
          f"{naive * 1e3:6.1f} ms   speed-up {naive / vectorised:5.0f}x")


if __name__ == "__main__":
    main()
