"""Cold start: importing core's modules and running the CLI, each in a fresh interpreter.

Run with ``python -m bench.imports``. Prints figures; no time limits. Best of 5 fresh processes;
``python -X importtime -c "import core.__main__"`` shows where the time goes.
"""

from __future__ import annotations

import subprocess
import sys
import time

from bench.engine import header

MODULES = ("core", "core.engine.projection", "core.analysis.risk", "core.present.report", "core.__main__",
           "core.present.charts")
CLI = ("-m", "core", "project", "sample_data/company_b_data_assistant.yaml")


def seconds(*args: str) -> float:
    """Best wall time of 5 fresh interpreters running ``python args``."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    print(header())
    bare = seconds("-c", "pass")
    print(f"{'python -c pass':38} {bare:6.2f} s")
    for module in MODULES:
        print(f"{'import ' + module:38} {seconds('-c', f'import {module}'):6.2f} s")
    print(f"{'python -m core project (company B)':38} {seconds(*CLI):6.2f} s")


if __name__ == "__main__":
    main()
