"""Every page's rerun after one input change, in AppTest (target: ≤ 150 ms median), on the capital-winter preset.

Each page moves the input a founder moves most there (a what-if lever, a pillar input, the survival month, a
pricing constraint) to a new value every run, so a rerun recomputes what that input feeds; pages with no input
of their own rerun as they are. Caches are warm after the first run, as in the app. The figure is the median of
AppTest's ``run()`` (the script, the widgets, the core calls and the figures, without a browser).

    python -m bench.pages
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

import ui.pages

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SAMPLES = 15
TARGET_MS = 150


def key(at: AppTest, name: str) -> str:
    """A ``lever.*`` / ``input.*`` widget's key (ui.session.wkey)."""
    return f"{name}@{at.session_state['widgets.gen'] if 'widgets.gen' in at.session_state else 0}"


def field(at: AppTest, path: str) -> str:
    """A scenario field widget's key on any page (ui.editor.key)."""
    return f"edit.{at.session_state['build.gen']}.{path}"


CHANGES: dict[str, Callable[[AppTest, int], None]] = {  # page file: one input change, the n-th time
    "views/funds.py": lambda at, n: at.slider(key=key(at, "lever.headcount")).set_value(0.5 + 0.05 * (n % 20)),
    "views/pitch.py": lambda at, n: at.slider(key=key(at, "lever.pitch.growth")).set_value(-5 + 0.5 * (n % 20)),
    "views/risk.py": lambda at, n: at.slider(key=field(at, "risk.survival_month")).set_value(6 + n % 20),
    "views/pricing.py": lambda at, n: at.slider(key=key(at, "lever.pricing.min_margin")).set_value(5 * (n % 10)),
    "views/overview.py": lambda at, n: at.slider(key=field(at, "settings.discount_rate_yearly")).set_value(
        30.0 + n % 20),
    "views/strategy.py": lambda at, n: at.slider(key=field(at, "strategy.pillar_weights.funds")).set_value(
        1.0 + n % 5),
    "views/technology.py": lambda at, n: at.select_slider(key=field(at, "strategy.model_quality")).set_value(
        1 + n % 5),
    "views/market.py": lambda at, n: at.select_slider(key=field(at, "strategy.market.competition")).set_value(
        1 + n % 5),
    "views/funds_pillar.py": lambda at, n: at.slider(key=field(at, "strategy.runway_target_months")).set_value(
        6 + n % 12),
}


HEAVY: dict[str, tuple[str, Callable[[AppTest, int], None]]] = {  # an input that re-runs the expensive part
    "views/risk.py": ("growth-churn correlation: a new Monte Carlo, tornado and stress table", lambda at, n: at.slider(
        key=key(at, "input.risk.correlation")).set_value(round(-0.9 + 0.1 * (n % 19), 1))),
    "views/pricing.py": ("elasticity: a new optimum and price curve", lambda at, n: at.number_input(
        key=field(at, "streams[0].demand.elasticity")).set_value(round(0.5 + 0.1 * (n % 30), 1))),
}


def median_rerun(page: str, change: Callable[[AppTest, int], None] | None) -> float:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(page).run()
    times = []
    for n in range(SAMPLES + 1):
        if change is not None:
            change(at, n)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return statistics.median(times[1:]) * 1000  # the first run fills the caches


if __name__ == "__main__":
    print(f"Median rerun of {SAMPLES} after one input change (AppTest, capital-winter preset; target ≤ {TARGET_MS} ms):")
    for spec in ui.pages.PAGES:
        ms = median_rerun(spec.file, CHANGES.get(spec.file))
        what = "its main input" if spec.file in CHANGES else "no input change"
        print(f"  {spec.file:26s} {ms:6.0f} ms  {'ok' if ms <= TARGET_MS else 'MISSES'}  ({what})")
    print("The expensive inputs (every run a new value, so nothing is cached):")
    for page, (what, change) in HEAVY.items():
        ms = median_rerun(page, change)
        print(f"  {page:26s} {ms:6.0f} ms  {'ok' if ms <= TARGET_MS else 'MISSES'}  ({what})")
