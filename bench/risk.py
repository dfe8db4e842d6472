"""Monte Carlo speed: 10,000 and 100,000 paths x 60 months, all six stream kinds; the tornado and the stress table.

Run with ``make bench`` (or ``python -m bench.risk``). Prints figures; no time limits.
``simulate`` = draw every default input (19 here) + one vectorised projection + the
summaries (percentile bands, survival curve, runway, NPV, round odds). Yardsticks, path by
path on the same drawn inputs (estimated from 300 paths): the fair naive loop
(:mod:`bench.fair`) and the readable oracle (:mod:`core.engine.reference`).
Peak memory is measured in a separate run with tracemalloc (it slows allocation).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

from bench.engine import all_streams_scenario, best_of, fair_seconds_per_path, header, peak_bytes
from core.analysis import risk
from core.engine.reference import reference_project
from core.model import replace_fields
from ui.memory import keep_freed_heap


def drawn(scenario) -> dict:
    small = replace_fields(scenario, {"risk.paths": 1000})
    inputs = risk.uncertain_inputs(small)
    return risk.engine_draws(small, inputs, risk.draw_normals(small, inputs))


def oracle_seconds_per_path(scenario, draws: dict, samples: int = 100) -> float:
    start = time.perf_counter()
    for i in range(samples):
        reference_project(scenario, {k: float(v[i]) for k, v in draws.items()})
    return (time.perf_counter() - start) / samples


def main() -> None:
    print(header())
    base = all_streams_scenario()
    draws = drawn(base)
    fair, oracle = fair_seconds_per_path(base, draws), oracle_seconds_per_path(base, draws)
    print(f"uncertain inputs: {len(risk.uncertain_inputs(base))}, streams: {len(base.streams)}, "
          f"months: {base.settings.horizon_months}")
    print(f"yardstick: fair loop {fair * 1e3:.3f} ms a path, oracle {oracle * 1e3:.3f} ms a path")
    for paths in (10_000, 100_000):
        s = replace_fields(base, {"risk.paths": paths})
        seconds = best_of(lambda s=s: risk.simulate(s), number=1, repeat=3 if paths > 10_000 else 5)
        memory = peak_bytes(lambda s=s: risk.simulate(s))
        print(f"{paths:>7,} paths: simulate {seconds * 1e3:6.0f} ms   peak {memory / 1e6:4.0f} MB = {memory / paths / 1e3:4.1f} KB a path"
              f"   fair loop / simulate {fair * paths / seconds:4.0f}x   oracle / simulate {oracle * paths / seconds:4.0f}x")
    page = replace_fields(base, {"risk.paths": 5000})
    inputs = len(risk.uncertain_inputs(page))
    sens = best_of(lambda: risk.sensitivity(page), number=1, repeat=3)
    stressed = best_of(lambda: risk.stress_table(page, risk.STRESSES), number=1, repeat=3)
    result = risk.simulate(page)
    reused = best_of(lambda: risk.stress_table(page, risk.STRESSES, base=result), number=1, repeat=3)
    print(f"page defaults (5,000 paths): tornado of {inputs} inputs x 2 ends at 2,000 paths, all three metrics "
          f"{sens * 1e3:.0f} ms ({2 * inputs + 1} runs; fair loop {fair * 2000 * (2 * inputs + 1) * 1e3:,.0f} ms)")
    print(f"stress table, base + 7 stresses + all together: {stressed * 1e3:.0f} ms, {reused * 1e3:.0f} ms reusing the "
          f"page's base simulation (fair loop {fair * 5000 * 9 * 1e3:,.0f} ms for the 9 runs)")
    print("the same tornado in a fresh process (these runs above follow 100,000-path ones, after which glibc keeps "
          "freed heap by itself):")
    for pad in ("", "--pad"):
        subprocess.run([sys.executable, "-m", "bench.risk", "--fresh-tornado", *([pad] if pad else [])], check=True)


def fresh_tornado(pad: bool) -> None:
    """The page's tornado in this process as a server starts it: with glibc's defaults, or the heap padding the app
    sets (``ui.memory``); prints the time and the page faults a run."""
    if pad:
        keep_freed_heap()
    page = replace_fields(all_streams_scenario(), {"risk.paths": 5000})
    risk.sensitivity(page)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    seconds = best_of(lambda: risk.sensitivity(page), number=1, repeat=3)
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 3
    print(f"  {'with the heap padding (mallopt M_TOP_PAD)' if pad else 'with glibc defaults':42s} {seconds * 1e3:4.0f} ms, "
          f"{faults:,.0f} page faults a run")


if __name__ == "__main__":
    if "--fresh-tornado" in sys.argv:
        fresh_tornado("--pad" in sys.argv)
    else:
        main()
