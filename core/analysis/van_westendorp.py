"""Van Westendorp price-sensitivity analysis from survey answers.

Each respondent gives four prices: too cheap, cheap (a bargain), expensive (getting
expensive) and too expensive. At a price ``p`` the curves are the shares of respondents
for whom ``p`` is too cheap (answer >= p) and cheap (answer >= p), both falling, and
expensive (answer <= p) and too expensive (answer <= p), both rising. The points are the
crossings, linearly interpolated between answer prices:

- point of marginal cheapness (PMC): too cheap x expensive — the low end of the acceptable range;
- point of marginal expensiveness (PME): too expensive x cheap — the high end;
- optimal price point (OPP): too cheap x too expensive;
- indifference price point (IPP): cheap x expensive.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.model import Problem, ScenarioError

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("too_cheap", "cheap", "expensive", "too_expensive")
MAX_BYTES = 1_000_000
MAX_ROWS = 100_000
MIN_ANSWERS = 3


@dataclass(frozen=True)
class Survey:
    answers: pd.DataFrame   # one row per consistent respondent, the four columns
    dropped: int            # respondents whose answers were not in order (too cheap <= cheap <= ...)


def read_survey(data: bytes | str) -> Survey:
    """Parse a CSV with the four columns (extra columns are ignored); ScenarioError names each problem.

    Rows whose answers are not ordered too_cheap <= cheap <= expensive <= too_expensive are
    left out and counted, as is usual for this survey.
    """
    import pandas as pd  # lazily: ~0.2 s of a cold start

    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise ScenarioError([f"(file): {len(raw):,} bytes is over the {MAX_BYTES:,}-byte limit"])
    try:
        frame = pd.read_csv(io.StringIO(raw.decode("utf-8-sig")), dtype=str, nrows=MAX_ROWS + 1)
    except UnicodeDecodeError:
        raise ScenarioError(["(file): not UTF-8 text"]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ScenarioError([f"(file): not a readable CSV: {str(exc).splitlines()[0]}"]) from None
    frame.columns = [re.sub(r"\.\d+$", "", str(c)).strip().lower().replace(" ", "_") for c in frame.columns]
    if twice := next((c for c in COLUMNS if list(frame.columns).count(c) > 1), None):  # read_csv's "cheap.1"
        raise ScenarioError.of(Problem("(file)", "csv_duplicate", {"column": twice}))
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ScenarioError.of(Problem("(file)", "csv_columns", {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)}))
    if len(frame) > MAX_ROWS:
        raise ScenarioError([f"(file): more than {MAX_ROWS:,} answers"])
    errors = []
    values = {}
    for col in COLUMNS:
        numbers = pd.to_numeric(frame[col].str.strip(), errors="coerce")
        bad = ~np.isfinite(numbers.to_numpy(dtype=float)) | (numbers < 0).to_numpy()
        errors += [Problem("(file)", "csv_cell", {"row": r + 2, "column": col, "value": repr(frame[col].iloc[r])})
                   for r in np.flatnonzero(bad)[:5]]
        values[col] = numbers
    if errors:
        raise ScenarioError.of(*errors)
    answers = pd.DataFrame(values)
    ordered = (answers["too_cheap"] <= answers["cheap"]) & (answers["cheap"] <= answers["expensive"]) & (
        answers["expensive"] <= answers["too_expensive"])
    kept = answers[ordered].reset_index(drop=True)
    if len(kept) < MIN_ANSWERS:
        raise ScenarioError.of(Problem("(file)", "csv_few", {"count": len(kept), "minimum": MIN_ANSWERS}))
    return Survey(kept, int((~ordered).sum()))


@dataclass(frozen=True)
class PriceSensitivity:
    """The four curves on ``prices`` (shares 0-1) and the four points (None if the curves never cross)."""

    prices: np.ndarray
    curves: dict[str, np.ndarray]
    pmc: float | None
    pme: float | None
    opp: float | None
    ipp: float | None
    respondents: int
    dropped: int


def curves_at(answers: pd.DataFrame, prices: np.ndarray) -> dict[str, np.ndarray]:
    """Shares of respondents for whom each price is too cheap / cheap / expensive / too expensive.

    Counted by binary search on the sorted answers: O((n + m) log n) for n answers and m prices.
    """
    def at_least(col: str) -> np.ndarray:
        column = np.sort(answers[col].to_numpy())
        return (len(column) - np.searchsorted(column, prices, side="left")) / len(column)

    def at_most(col: str) -> np.ndarray:
        column = np.sort(answers[col].to_numpy())
        return np.searchsorted(column, prices, side="right") / len(column)

    return {"too_cheap": at_least("too_cheap"), "cheap": at_least("cheap"),
            "expensive": at_most("expensive"), "too_expensive": at_most("too_expensive")}


def crossing(prices: np.ndarray, falling: np.ndarray, rising: np.ndarray) -> float | None:
    """First price where ``falling`` stops being above ``rising``, interpolated linearly.

    >>> crossing(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.5, 0.0]), np.array([0.0, 0.25, 1.0]))  # gaps 0.25, -1
    2.2
    """
    gap = falling - rising
    below = np.flatnonzero(gap <= 0)
    if not below.size or below[0] == 0:
        return None if not below.size else float(prices[0])
    k = below[0]
    return float(prices[k - 1] + gap[k - 1] / (gap[k - 1] - gap[k]) * (prices[k] - prices[k - 1]))


def analyse(survey: Survey) -> PriceSensitivity:
    """Curves on every distinct answer price, and the four points."""
    prices = np.unique(survey.answers.to_numpy().ravel())
    c = curves_at(survey.answers, prices)
    point = lambda a, b: crossing(prices, c[a], c[b])  # noqa: E731
    return PriceSensitivity(prices, c, point("too_cheap", "expensive"), point("cheap", "too_expensive"),
                            point("too_cheap", "too_expensive"), point("cheap", "expensive"),
                            len(survey.answers), survey.dropped)


def acceptable_range(result: PriceSensitivity) -> tuple[float, float] | None:
    """(PMC, PME) when both exist and are in order."""
    if result.pmc is None or result.pme is None or not math.isfinite(result.pmc) or result.pme < result.pmc:
        return None
    return result.pmc, result.pme
