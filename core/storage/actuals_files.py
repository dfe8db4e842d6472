"""Actuals from a CSV or Excel file, and the template to fill in.

Columns (any subset, in any order; names are matched without regard to case or spaces): ``month``
(``YYYY-MM`` or a date; required), ``revenue: <stream name>`` for each stream, ``cost_of_revenue``,
``payroll``, ``other_opex``, ``funding``, ``ending_cash``. A revenue column whose stream the scenario
does not have is refused until it is mapped to one of its streams (or left out) with ``mapping``; an
empty cell is "not reported". Every problem names its row and column; the size limits are those of
scenario uploads (1 MB of CSV, the workbook checks of :mod:`core.storage.exports`).
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from core.engine.projection import month_date
from core.model import (
    ACTUAL_LINES,
    MAX_FILE_BYTES,
    Actuals,
    Problem,
    Scenario,
    ScenarioError,
    check_actuals,
    months_between,
    problems_of,
    quoted,
)
from core.storage.exports import _check_zip

REVENUE = "revenue:"
MAX_ROWS = 240
MONTH = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[ T].*)?\s*$")


def _key(name: object) -> str:
    text = re.sub(r"\s+", " ", str(name or "")).strip().lower()
    return REVENUE + text.split(":", 1)[1].strip() if text.startswith(REVENUE) else text.replace(" ", "_")


def template(scenario: Scenario, today: date) -> str:
    """A CSV with every column and one empty row per month from the plan's start to ``today``'s month
    (at most the horizon): the file to fill in."""
    start = scenario.company.start_date.replace(day=1)
    elapsed = (today.year - start.year) * 12 + today.month - start.month + 1
    months = [month_date(start, t) for t in range(max(1, min(elapsed, scenario.settings.horizon_months)))]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["month", *(f"revenue: {s.name}" for s in scenario.streams), *ACTUAL_LINES])
    writer.writerows([[f"{m:%Y-%m}"] for m in months])
    return out.getvalue()


def _rows(name: str, data: bytes) -> list[list[Any]]:
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix == "xlsx":
        import openpyxl

        _check_zip(data)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return [list(row) for row in book.worksheets[0].iter_rows(max_row=MAX_ROWS + 2, max_col=60, values_only=True)]
    if suffix != "csv":
        raise ScenarioError.of(Problem("(file)", "actuals_extension", {"name": quoted(name)}))
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError.of(Problem("(file)", "too_large", {"size": len(data), "limit": MAX_FILE_BYTES}))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError.of(Problem("(file)", "not_utf8", {})) from None
    return [list(row) for row in csv.reader(io.StringIO(text))][: MAX_ROWS + 2]


def unmatched(name: str, data: bytes, scenario: Scenario) -> list[str]:
    """The revenue columns of a file that name no stream of the scenario (to be mapped), as written."""
    rows = _rows(name, data)
    streams = {s.name.lower(): s.name for s in scenario.streams}
    header = rows[0] if rows else []
    return [str(h).strip() for h in header if _key(h).startswith(REVENUE) and _key(h)[len(REVENUE):] not in streams]


def _month(value: object) -> date | None:
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    match = MONTH.match(str(value or ""))
    if match and 1 <= int(match[2]) <= 12:
        return date(int(match[1]), int(match[2]), 1)
    return None


def _number(value: object) -> float | str | None:
    """A cell as a number, None when empty, or the text it holds when it is not a finite number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else str(value)
    text = str(value).strip().replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return str(value)
    return number if math.isfinite(number) else str(value)


def read_actuals(name: str, data: bytes, scenario: Scenario, today: date,
                 mapping: dict[str, str | None] | None = None) -> Actuals:
    """The actuals of a file for ``scenario``; ``mapping`` sends an unmatched revenue column (as written) to a
    stream's name, or None to leave it out. ScenarioError lists every problem with its row and column."""
    rows = _rows(name, data)
    if not rows or not any(str(c or "").strip() for c in rows[0]):
        raise ScenarioError.of(Problem("(file)", "actuals_empty", {}))
    if len(rows) > MAX_ROWS + 1:
        raise ScenarioError.of(Problem("(file)", "actuals_rows", {"limit": MAX_ROWS}))
    streams = {s.name.lower(): s.name for s in scenario.streams}
    mapping = {k.strip(): v for k, v in (mapping or {}).items()}
    columns: dict[int, str] = {}  # position: "month", a line, or "revenue:<stream name>"
    written_as: dict[str, str] = {}  # the column's name as the file writes it, for the messages
    problems = []
    for j, raw in enumerate(rows[0]):
        key, written = _key(raw), str(raw or "").strip()
        if not written:
            continue
        if key.startswith(REVENUE):
            stream = streams.get(key[len(REVENUE):])
            if stream is None and written in mapping:
                if mapping[written] is None:
                    continue
                stream = mapping[written]
            if stream is None:
                problems.append(Problem(f"column {quoted(written)}", "actuals_unmatched", {}))
                continue
            key = REVENUE + stream
        elif key not in ("month", *ACTUAL_LINES):
            problems.append(Problem(f"column {quoted(written)}", "actuals_column", {}))
            continue
        if key in columns.values():
            problems.append(Problem(f"column {quoted(written)}", "actuals_twice", {}))
        columns[j], written_as[key] = key, written
    if "month" not in columns.values():
        problems.append(Problem("(file)", "actuals_no_month", {}))
    if problems:
        raise ScenarioError.of(*problems[:20])
    start, horizon = scenario.company.start_date.replace(day=1), scenario.settings.horizon_months
    months: list[tuple[int, dict[str, Any], date]] = []
    seen: dict[date, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(str(c if c is not None else "").strip() for c in row):
            continue
        record: dict[str, Any] = {"revenue": {}}
        for j, key in columns.items():
            cell = row[j] if j < len(row) else None
            if key == "month":
                record["month"] = month = _month(cell)
                if month is None:
                    problems.append(Problem(f"row {n}, month", "actuals_month", {"got": cell}))
                elif month in seen:
                    problems.append(Problem(f"row {n}, month", "actuals_repeat", {"month": f"{month:%Y-%m}", "row": seen[month]}))
                elif months_between(today.replace(day=1), month) > 0:
                    problems.append(Problem(f"row {n}, month", "actuals_future", {"today": f"{today:%Y-%m}"}))
                elif not 0 <= months_between(start, month) < horizon:
                    problems.append(Problem(f"row {n}, month", "actuals_outside", {"start": f"{start:%Y-%m}",
                                                                                   "months": horizon}))
                else:
                    seen[month] = n
                continue
            value = _number(cell)
            if isinstance(value, str):
                problems.append(Problem(f"row {n}, {written_as[key]}", "actuals_number", {"got": value}))
            elif value is not None and value < 0 and key != "ending_cash":  # in the same pass as the text cells
                problems.append(Problem(f"row {n}, {written_as[key]}", "actuals_negative", {"got": str(cell).strip()}))
            elif value is not None:
                if key.startswith(REVENUE):
                    record["revenue"][key[len(REVENUE):]] = value
                else:
                    record[key] = value
        if record["month"] is not None and seen.get(record["month"]) == n:
            months.append((n, record, record["month"]))
    months.sort(key=lambda item: item[2])
    for (n, _, before), (_, _, after) in itertools.pairwise(months):  # among the months that are valid
        if months_between(before, after) > 1:
            problems.append(Problem(f"row {n}, month", "actuals_gap", {"after": f"{before:%Y-%m}", "next": f"{after:%Y-%m}"}))
    if problems:
        raise ScenarioError.of(*problems[:20])
    if not months:
        raise ScenarioError.of(Problem("(file)", "actuals_empty", {}))
    try:
        actuals = Actuals.model_validate({"months": [record for _, record, _ in months]})
    except ValidationError as exc:
        rows_of = [n for n, _, _ in months]
        raise ScenarioError.of(*[_row_problem(p, rows_of) for p in problems_of(exc)][:20]) from None
    check_actuals(actuals, scenario, today)
    return actuals


def _row_problem(problem: Problem, rows: list[int]) -> Problem:
    """``months[3].payroll`` → ``row 5, payroll`` (the file's own row)."""
    match = re.match(r"months\[(\d+)\]\.?(.*)", problem.path)
    if not match:
        return problem
    where = f"row {rows[int(match[1])]}" + (f", {match[2]}" if match[2] else "")
    return Problem(where, problem.code, problem.values)
