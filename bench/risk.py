"""Monte Carlo speed: 10,000 and 100,000 paths x 60 months, all six stream kinds.

Run with ``make bench`` (or ``python -m bench.risk``). Prints figures; no time limits.
``simulate`` = draw every default input (19 here) + one vectorised projection + the
summaries (percentile bands, survival curve, runway, NPV, round odds). The naive
reference loops over paths with the plain-Python engine (estimated from 200 paths).
Peak memory is measured in a separate run with tracemalloc (it slows allocation).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np

from bench.engine import all_streams_scenario, best_of
from core.analysis import risk
from core.engine.reference import reference_project
from core.model import replace_fields


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def naive_seconds_per_path(scenario, samples: int = 200) -> float:
    """Plain-Python engine, one path at a time, with the same drawn inputs."""
    small = replace_fields(scenario, {"risk.paths": 1000})
    inputs = risk.uncertain_inputs(small)
    draws = risk.engine_draws(small, inputs, risk.draw_normals(small, inputs))
    start = time.perf_counter()
    for i in range(samples):
        reference_project(small, {k: float(v[i]) for k, v in draws.items()})
    return (time.perf_counter() - start) / samples


def main() -> None:
    base = all_streams_scenario()
    print(f"uncertain inputs: {len(risk.uncertain_inputs(base))}, streams: {len(base.streams)}, months: {base.settings.horizon_months}")
    naive = naive_seconds_per_path(base)
    for paths in (10_000, 100_000):
        s = replace_fields(base, {"risk.paths": paths})
        seconds = best_of(lambda s=s: risk.simulate(s), number=1, repeat=3 if paths > 10_000 else 5)
        memory = peak_mb(lambda s=s: risk.simulate(s))
        print(f"{paths:>7,} paths: simulate {seconds * 1e3:7.0f} ms   peak memory {memory:6.0f} MB   "
              f"naive reference (estimated) {naive * paths:7.1f} s   speed-up {naive * paths / seconds:5.0f}x")
    page = replace_fields(base, {"risk.paths": 5000})
    print(f"page defaults (5,000 paths): tornado of {len(risk.uncertain_inputs(page))} inputs x 2 ends at 2,000 paths "
          f"{best_of(lambda: risk.tornado(page), number=1, repeat=3) * 1e3:.0f} ms, "
          f"stress table with all 7 stresses {best_of(lambda: risk.stress_table(page, risk.STRESSES), number=1, repeat=3) * 1e3:.0f} ms")
    print(f"numpy {np.__version__}")


if __name__ == "__main__":
    main()
