"""What it would take: one answer, the whole lever table, and an odds target on the Monte Carlo.

Run with ``make bench`` (or ``python -m bench.solve``). Prints figures; no time limits. The lean naive search
tries one value at a time (the lever applied through the one edit, one projection of one path) over the same
grid and bisection, instead of a grid of trials as paths of one projection; for odds it simulates the scenario
with the lever applied at each trial value (its own draws, the same seed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.engine import all_streams_scenario, best_of, header
from core.analysis.metrics import runway_months
from core.analysis.risk import simulate
from core.analysis.solve import GRID, LEVERS, Setup, Target, lever, side_by_side, solve
from core.engine.projection import project
from core.model import load_preset

PRESETS = sorted(Path("sample_data").glob("*.yaml"))
WINTER = "sample_data/capital_winter_round_slips.yaml"


def naive(scenario, target: Target, key: str, values: np.ndarray, odds_paths: int | None = None) -> list[bool]:
    """The lean loop: each value applied through the one edit and projected (or simulated) on its own."""
    lv = lever(scenario, key)
    assert not isinstance(lv, str)
    out = []
    for v in values:
        at = lv.scenario(float(v))
        if odds_paths:
            out.append(simulate(at, paths=odds_paths).survival_at(target.months) >= target.share)
        else:
            out.append(bool(runway_months(project(at).cash)[0] >= target.months))
    return out


def slowest_answer(scenario, target: Target, setup: Setup | None = None) -> tuple[float, str]:
    """The slowest single lever's answer (best of 3) and its lever."""
    setup = setup or Setup()
    times = {key: best_of(lambda key=key: solve(scenario, target, key, setup), number=1, repeat=3) for key in LEVERS}
    key = max(times, key=times.__getitem__)
    return times[key], key


def main() -> None:
    print(header())
    cases = [(path.stem, load_preset(path)) for path in PRESETS] + [("all streams (bench.engine)", all_streams_scenario())]
    worst_one, worst_table = 0.0, 0.0
    for name, s in cases:
        for target in (Target("runway", 24), Target("default_alive")):
            one, key = slowest_answer(s, target)
            table = best_of(lambda s=s, target=target: side_by_side(s, target), number=1, repeat=3)
            worst_one, worst_table = max(worst_one, one), max(worst_table, table)
            print(f"{name:<30} {target.kind:<13} slowest answer {one * 1e3:6.1f} ms ({key:<13})  "
                  f"lever table with costs {table * 1e3:5.0f} ms")
    print(f"slowest: one answer {worst_one * 1e3:.1f} ms (target 200), table {worst_table * 1e3:.0f} ms (target 1,000)")
    s = load_preset(WINTER)
    runway = Target("runway", 24)
    answer = solve(s, runway, "team_cut")
    lv = lever(s, "team_cut")
    assert not isinstance(lv, str)
    grid = lv.grid(GRID)
    lean = best_of(lambda: naive(s, runway, "team_cut", grid), number=1, repeat=3)
    vectorised = best_of(lambda: solve(s, runway, "team_cut"), number=3)
    print(f"team cut on {s.company.name}: {answer.evaluations} trials; the lean loop over its {len(grid)} grid "
          f"values alone {lean * 1e3:.1f} ms, the whole search {vectorised * 1e3:.1f} ms   "
          f"{lean / vectorised:.1f}x")
    odds = Target("odds", 18, 0.8)
    for name, scenario in ((s.company.name, s), ("all streams", all_streams_scenario())):
        timed, key = slowest_answer(scenario, odds, Setup(paths=5000))
        a = solve(scenario, odds, key, Setup(paths=5000))
        print(f"odds >= 80 % at month 18, 5,000 paths, {name}: slowest lever {key} {timed:.2f} s (target 2)   "
              f"{a.status}, {a.evaluations} trials")
    a = solve(s, odds, "team_cut", Setup(paths=5000))
    trials = np.linspace(0, 0.8, 5)
    lean_odds = best_of(lambda: naive(s, odds, "team_cut", trials, 5000), number=1, repeat=3) / len(trials)
    print(f"odds, team cut on {s.company.name}: {a.evaluations} trials, answer {a.value:.4f}, error "
          f"±{100 * (a.error or 0):.2f} pp; the lean loop (simulate the applied scenario) {lean_odds * 1e3:.0f} ms a "
          f"trial x {a.evaluations} = {lean_odds * a.evaluations:.2f} s")


if __name__ == "__main__":
    main()
