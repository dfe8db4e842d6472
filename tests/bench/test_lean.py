"""The books benchmark's yardstick computes what the engine computes: the lean loop's cash against the engine's, path
by path, on the scenarios :mod:`bench.books` runs (with and without the lines of issue 28)."""

import numpy as np

from bench.books import scenarios
from bench.engine import bench_draws
from bench.lean import lean_project
from core.engine.projection import project


def test_the_lean_loop_agrees_with_the_engine_on_the_books_benchmark():
    draws = bench_draws(40)
    for scenario in scenarios():
        p = project(scenario, draws)
        for i in (0, 13, 39):
            cash = lean_project(scenario, {k: float(v[i]) for k, v in draws.items()})
            np.testing.assert_allclose(cash, p.cash[i], rtol=1e-9, atol=1e-6)
        assert p.timing is not None or scenario.tax.rule == "simple"
