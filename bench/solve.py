"""What it would take: one answer, the whole lever table, and an odds target on the Monte Carlo.

Run with ``make bench`` (or ``python -m bench.solve``). Prints figures; no time limits. The lean naive search
tries one value at a time (the lever applied through the one edit, one projection of one path) over the same
grid and bisection, instead of a grid of trials as paths of one projection; for odds it simulates the scenario
with the lever applied at each trial value (its own draws, the same seed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.engine import best_of, header
from core.analysis.metrics import runway_months
from core.analysis.risk import simulate
from core.analysis.solve import GRID, Setup, Target, lever, side_by_side, solve
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


def main() -> None:
    print(header())
    runway = Target("runway", 24)
    worst_one, worst_table = 0.0, 0.0
    for path in PRESETS:
        s = load_preset(path)
        one = best_of(lambda s=s: solve(s, runway, "team_cut"), number=3)
        table = best_of(lambda s=s: side_by_side(s, runway), number=1, repeat=3)
        worst_one, worst_table = max(worst_one, one), max(worst_table, table)
        print(f"{path.stem:<32} one answer (team cut, runway 24) {one * 1e3:6.1f} ms   "
              f"lever table with costs {table * 1e3:6.0f} ms")
    print(f"slowest preset: one answer {worst_one * 1e3:.1f} ms (target 200), table {worst_table * 1e3:.0f} ms (target 1,000)")
    s = load_preset(WINTER)
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
    for key in ("team_cut", "bridge"):
        timed = best_of(lambda key=key: solve(s, odds, key, Setup(paths=5000)), number=1, repeat=3)
        a = solve(s, odds, key, Setup(paths=5000))
        print(f"odds ≥ 80 % at month 18, 5,000 paths, {key}: {timed:.2f} s (target 2)   {a.evaluations} trials, "
              f"answer {a.value:.4g}, error ±{100 * (a.error or 0):.2f} pp")
    a = solve(s, odds, "team_cut", Setup(paths=5000))
    trials = np.array(sorted(v for v in np.linspace(0, 0.8, 5)))
    lean_odds = best_of(lambda: naive(s, odds, "team_cut", trials, 5000), number=1, repeat=3) / len(trials)
    print(f"lean odds loop: {lean_odds * 1e3:.0f} ms a trial (simulate the applied scenario) x {a.evaluations} trials "
          f"= {lean_odds * a.evaluations:.2f} s")


if __name__ == "__main__":
    main()
