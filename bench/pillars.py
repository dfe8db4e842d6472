"""Strategy scores: one scorecard and the "what would move it" re-runs, on every preset.

Run with ``make bench`` (or ``python -m bench.pillars``). Prints figures; no time limits.
The moves re-run the engine and the scores once per applicable move, so their time over
one scorecard's is about the number of moves: the pages cache both by scenario.
"""

from __future__ import annotations

from pathlib import Path

from bench.engine import best_of, header
from core.analysis.pillars import move_effects, score
from core.engine.projection import project
from core.model import load_scenario


def main() -> None:
    print(header())
    print(f"{'preset':32} {'project':>9} {'scorecard':>10} {'moves':>8} {'re-runs':>8} {'moves / scorecard':>18}")
    for path in sorted(Path("sample_data").glob("*.yaml")):
        name, s = path.stem, load_scenario(path)
        base = score(s)
        one = best_of(lambda s=s: project(s), number=50)
        card = best_of(lambda s=s: score(s), number=20)
        moves = best_of(lambda s=s, base=base: move_effects(s, base), number=5)
        runs = len(move_effects(s, base))
        print(f"{name:32} {one * 1e3:7.2f}ms {card * 1e3:8.2f}ms {moves * 1e3:6.1f}ms {runs:8d} {moves / card:17.1f}x")


if __name__ == "__main__":
    main()
