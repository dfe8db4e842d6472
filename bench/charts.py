"""Figure building: time per figure and the JSON a browser receives, for the Risk and Pricing labs' heavy charts.

Run with ``python -m bench.charts``. Prints figures; no time limits. Winter preset, 100,000 paths.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.engine import best_of, header
from core.analysis.pricing import price_curve
from core.analysis.risk import simulate, tornado
from core.analysis.van_westendorp import analyse, read_survey
from core.engine.projection import project
from core.model import load_scenario, replace_fields
from core.present import charts


def main() -> None:
    print(header())
    s = replace_fields(load_scenario("sample_data/capital_winter_round_slips.yaml"), {"risk.paths": 100_000})
    curve = price_curve(s, 0, np.geomspace(0.5, 5, 121))
    survey = analyse(read_survey(Path("sample_data/van_westendorp_survey.csv").read_bytes()))
    r, p = simulate(s), project(s)
    base, bars = tornado(s, "runway", paths=500)
    figures = {
        "price response (4 panels, 12 lines)": lambda: charts.price_response(
            curve, 1.5, 1.15, 0.43, stream="API", unit="1M tokens", currency="USD", timing="end"),
        "Van Westendorp (4 lines)": lambda: charts.van_westendorp(survey, "USD"),
        "tornado": lambda: charts.tornado_chart(base, bars, [b.key for b in bars], "months"),
        "runway histogram, 100,000 paths": lambda: charts.runway_histogram(r),
        "NPV histogram, 100,000 paths": lambda: charts.npv_histogram(r, "USD", timing="end"),
        "cash fan (5 traces, the zero line)": lambda: charts.cash_fan(r, p),
        "survival curve": lambda: charts.survival_curve(r, p, 18),
    }
    for name, build in figures.items():
        seconds = best_of(build, number=3, repeat=3)
        print(f"{name:38} {seconds * 1e3:6.1f} ms   {len(build().to_json()) / 1e3:7.1f} kB of JSON")


if __name__ == "__main__":
    main()
