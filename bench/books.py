"""The cost of cash as a CFO counts it (issue 28): the engine at 10,000 paths × 60 months with billing, collection,
payment days, VAT and profit tax as filed switched on, against the same scenario without them, and against a lean
naive loop (:mod:`bench.lean`) that computes only what the scenario uses; and its re-forecast after 24 months
(issue 29), whose engine projects the history too.

Run with ``make bench`` (or ``python -m bench.books``). Prints figures; no time limits. Times are CPU seconds of this
process (best of several), so other work on the machine disturbs them less than wall-clock time would.
"""

from __future__ import annotations

import time

from bench.engine import PATHS, all_streams_scenario, bench_draws, header
from bench.lean import lean_project
from core.analysis.actuals import reforecast
from core.engine.projection import month_date, project
from core.model import ActualMonth, Actuals, Scenario, replace_fields

TIMED = {
    "streams[0].billing": "annual", "streams[0].vat_rate": 0.06,
    "streams[1].payment_days": 30, "streams[1].vat_rate": 0.06,
    "streams[2].payment_days": 75, "streams[2].upfront_share": 0.3, "streams[2].upfront_months": 2,
    "streams[2].vat_rate": 0.06,
    "streams[3].payment_days": 60, "streams[3].vat_rate": 0.06, "streams[3].bad_debt_share": 0.02,
    "streams[5].vat_rate": 0.13,
    "ai_costs.payment_days": 30, "ai_costs.vat_rate": 0.06, "opex.payment_days": 30, "opex.vat_rate": 0.06,
    "vat.filing": "quarterly", "vat.surcharge_rate": 0.12, "tax.rule": "china",
}
"""Every line of issue 28 on the all-streams scenario: an annual plan, receivables at 30, 60 and 75 days, a deposit,
bad debt, VAT on sales and costs filed quarterly with surcharges, and China's enterprise income tax."""


def scenarios() -> tuple[Scenario, Scenario]:
    """(without the lines, with them): the all-streams scenario at a 25 % profit tax, monthly, then as filed."""
    without = replace_fields(all_streams_scenario(), {"tax.profit_tax_rate": 0.25})
    return without, replace_fields(without, TIMED)


def cpu_best(fn, number: int, repeat: int = 7) -> float:
    """Best CPU time of one call, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(number):
            fn()
        best = min(best, (time.process_time() - start) / number)
    return best


def main() -> None:
    print(header())
    without, timed = scenarios()
    draws = bench_draws(PATHS)
    rows = [{k: float(v[i]) for k, v in draws.items()} for i in range(200)]
    figures = {}
    untaxed = all_streams_scenario()
    bare = cpu_best(lambda: project(untaxed, draws), number=3)
    print(f"no profit tax at all: engine {bare * 1e3:6.1f} ms (the engine's benchmark scenario)")
    for name, s in (("without", without), ("with", timed)):
        engine = cpu_best(lambda s=s: project(s, draws), number=3)
        lean = cpu_best(lambda s=s: [lean_project(s, row) for row in rows], number=1, repeat=3) / len(rows)
        figures[name] = engine
        print(f"{name:>7} the lines: engine {engine * 1e3:6.1f} ms for {PATHS:,} paths x 60 months; lean loop "
              f"{lean * 1e3:.3f} ms a path; lean loop / engine {lean * PATHS / engine:5.1f}x")
    print(f"with / without: {figures['with'] / figures['without']:.2f}x; with / no profit tax at all: "
          f"{figures['with'] / bare:.2f}x")
    restarted = restart(timed, HISTORY)
    again = cpu_best(lambda: project(restarted, draws), number=3)
    print(f"re-forecast after {HISTORY} months (its history projected, {restarted.settings.horizon_months} months "
          f"shown): engine {again * 1e3:6.1f} ms; / the plan with the lines {again / figures['with']:.2f}x")


HISTORY = 24
"""Months of actuals before the benchmark's re-forecast."""


def restart(scenario: Scenario, months: int) -> Scenario:
    """The re-forecast of ``scenario`` after ``months`` months of actuals reporting only the last month's cash (the
    plan's), the other lines read as the plan."""
    cash = float(project(scenario).cash[0, months - 1])
    actuals = Actuals(months=[ActualMonth(month=month_date(scenario.company.start_date, t),
                                          ending_cash=cash if t == months - 1 else None) for t in range(months)])
    return reforecast(scenario, actuals).scenario


if __name__ == "__main__":
    main()
