"""The Build page's rerun after one field change, in AppTest (target: ≤ 150 ms median on the largest preset).

Every run changes the starting cash (the live strip recomputes: a new projection through the cached
engine) and, for the tables, one headcount; the figure is the median of AppTest's ``run()``.

    python -m bench.editor
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.model import load_scenario

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SAMPLES = 30


def largest_preset() -> str:
    presets = sorted(Path(__file__).resolve().parents[1].glob("sample_data/*.yaml"))
    return max(presets, key=lambda p: len(load_scenario(p).model_dump_json())).stem


def median_rerun(section: str, change) -> float:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["scenario"] = load_scenario(f"sample_data/{largest_preset()}.yaml")
    at.run()
    at.switch_page("views/build.py").run()
    at.radio(key="build.section").set_value(section).run()
    times = []
    for n in range(SAMPLES):
        change(at, n)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception
    return statistics.median(times) * 1000


def cash(at, n: int) -> None:
    at.number_input(key=f"edit.{at.session_state['build.gen']}.company.starting_cash").set_value(1e6 + 1000 * n)


def price(at, n: int) -> None:
    """The first stream's price, whatever its kind (the largest preset's is a subscription)."""
    field = at.session_state["scenario"].streams[0].PRICE
    at.number_input(key=f"edit.{at.session_state['build.gen']}.streams[0].{field}").set_value(100.0 + n / 100)


def headcount(at, n: int) -> None:
    at.session_state[f"edit.{at.session_state['build.gen']}.opex.team"] = {
        "edited_rows": {0: {"headcount": 5 + n}}, "added_rows": [], "deleted_rows": []}


if __name__ == "__main__":
    print(f"Build page, largest preset ({largest_preset()}), median of {SAMPLES} reruns after one change:")
    for section, change in (("company", cash), ("revenue", price), ("team", headcount)):
        print(f"  {section:8s} {change.__name__:10s} {median_rerun(section, change):6.0f} ms  (target ≤ 150 ms)")
