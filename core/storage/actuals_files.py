"""Actuals from a CSV or Excel file, and the template to fill in.

Columns (any subset, in any order; names are matched without regard to case or spaces): ``month``
(``YYYY-MM`` or a date; required), ``revenue: <stream name>`` for each stream, ``cost_of_revenue``,
``payroll``, ``other_opex``, ``funding``, ``ending_cash`` — or their Chinese headers (``月份``,
``收入：<收入流名称>`` with a full-width or ASCII colon, ``营业成本``, ``工资``, ``其他费用``, ``融资``,
``期末现金``), whatever the reader's language. Only months that have ended are actuals. A revenue column whose stream the scenario
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

from core.i18n import STRINGS, t
from core.model import (
    ACTUAL_LINES,
    MAX_FILE_BYTES,
    Actuals,
    Problem,
    Scenario,
    ScenarioError,
    check_actuals,
    month_after,
    months_between,
    outside_problem,
    passed,
    plan_months,
    problems_of,
    quoted,
)
from core.storage.exports import UNREADABLE, _check_zip

REVENUE = "revenue:"
MAX_ROWS = 240
MONTH = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[ T].*)?\s*$")
COLUMNS = ("month", *ACTUAL_LINES)
"""The template's columns besides revenue, by key."""


def _normal(name: object) -> str:
    """A header as matched: spaces collapsed and ends stripped, lower case, a full-width colon as ``:``."""
    return re.sub(r"\s+", " ", str(name or "")).strip().lower().replace("：", ":")


REVENUE_PREFIXES = {_normal(t("actuals.header.revenue", lang, stream="")) for lang in STRINGS}
"""``revenue:`` and ``收入:``: a revenue column's header before its stream's name, as matched."""
ALIASES = {_normal(t(f"actuals.header.{key}", lang)).replace(" ", "_"): key for lang in STRINGS for key in COLUMNS}
"""Every language's header of each column, as matched (``月份`` → ``month``)."""


def _key(name: object) -> str:
    """A header's column: ``month`` or a line, ``revenue:<stream as written, lower case>``, or the header as matched
    when it is neither."""
    text = _normal(name)
    for prefix in REVENUE_PREFIXES:
        if text.startswith(prefix):
            return REVENUE + text[len(prefix):].strip()
    return ALIASES.get(text.replace(" ", "_"), text.replace(" ", "_"))


def header(key: str, lang: str = "en") -> str:
    """A column's header in ``lang``: ``header("revenue:Seats", "zh")`` is "收入：Seats", ``header("payroll")``
    "payroll"."""
    if key.startswith(REVENUE):
        return t("actuals.header.revenue", lang, stream=key[len(REVENUE):])
    return t(f"actuals.header.{key}", lang)


def entry_months(scenario: Scenario, today: date) -> list[date]:
    """The plan's months that have ended by ``today`` (at most its horizon): those actuals can be entered for."""
    first, last = plan_months(scenario)
    months, month = [], first
    while month <= last and passed(month, today):
        months.append(month)
        month = month_after(month)
    return months


def template(scenario: Scenario, today: date, lang: str = "en") -> str:
    """A CSV with every column, headed in ``lang``, and one empty row per month that has ended by ``today``
    (:func:`entry_months`): the file to fill in."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([header(key, lang) for key in ("month", *(REVENUE + s.name for s in scenario.streams), *ACTUAL_LINES)])
    writer.writerows([[f"{m:%Y-%m}"] for m in entry_months(scenario, today)])
    return out.getvalue()


def sheet_rows(name: str, data: bytes, max_rows: int = MAX_ROWS + 2, max_cols: int = 60) -> list[list[Any]]:
    """The cells of a .csv (UTF-8, with or without BOM, or GBK) or of an .xlsx's first worksheet, row by row (at most
    ``max_rows`` of ``max_cols``), after the size checks of scenario uploads; a ScenarioError says why a file cannot
    be read (never an exception of a parser)."""
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix == "xlsx":
        return _xlsx_rows(data, max_rows, max_cols)
    if suffix != "csv":
        raise ScenarioError.of(Problem("(file)", "actuals_extension", {"name": quoted(name)}))
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError.of(Problem("(file)", "too_large", {"size": len(data), "limit": MAX_FILE_BYTES}))
    try:
        return [list(row) for row in itertools.islice(csv.reader(io.StringIO(_text(data))), max_rows)]
    except csv.Error as exc:  # a field over the csv module's limit, a NUL byte
        raise ScenarioError.of(Problem("(file)", "csv_unreadable", {"reason": str(exc)})) from None


def _text(data: bytes) -> str:
    """A CSV's text: UTF-8 (a BOM dropped), else GBK as Chinese accounting software writes it (read as GB 18030,
    its superset)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ScenarioError.of(Problem("(file)", "not_text", {}))


def _xlsx_rows(data: bytes, max_rows: int, max_cols: int) -> list[list[Any]]:
    import openpyxl

    _check_zip(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = book.worksheets  # chart sheets are not among them
            rows = [list(r) for r in sheets[0].iter_rows(max_row=max_rows, max_col=max_cols, values_only=True)] if sheets else None
        finally:
            book.close()
    except UNREADABLE as exc:
        raise ScenarioError.of(Problem("(file)", "xlsx_unreadable", {"reason": type(exc).__name__})) from None
    if rows is None:
        raise ScenarioError.of(Problem("(file)", "xlsx_no_sheet", {}))
    if any(v is None for row in rows for v in row):
        _no_unsaved_formula(data, rows, max_cols)
    return rows


def _no_unsaved_formula(data: bytes, rows: list[list[Any]], max_cols: int) -> None:
    """Refuse a first sheet with a formula whose result was never saved (a file written by a program that does not
    calculate): it reads as a blank, and the message would blame the wrong thing."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        formulas = book.worksheets[0].iter_rows(max_row=len(rows), max_col=max_cols, values_only=True)
        for r, (row, written) in enumerate(zip(rows, formulas, strict=False), start=1):
            for c, (value, text) in enumerate(zip(row, written, strict=False), start=1):
                if value is None and isinstance(text, str) and text.startswith("="):
                    raise ScenarioError.of(Problem("(file)", "xlsx_formula", {"cell": f"{get_column_letter(c)}{r}",
                                                                             "formula": text[:80]}))
    finally:
        book.close()


def is_template(name: str, data: bytes) -> bool:
    """Whether a file is this template (its first row has the month column) rather than an accounting export."""
    rows = sheet_rows(name, data, 1)
    return bool(rows) and "month" in {_key(c) for c in rows[0]}


def unmatched(name: str, data: bytes, scenario: Scenario) -> list[str]:
    """The revenue columns of a file that name no stream of the scenario (to be mapped), as written."""
    rows = sheet_rows(name, data)
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


def amount(cell: object) -> float | str | None:
    """An amount cell as a number (``(1,234.56)`` and ``-1,234.56`` are -1234.56; ``$``, ``¥`` and spaces are
    dropped), None when blank, or its text when it is not a finite number.

    >>> amount("(1,234.56)"), amount("$1,234.56"), amount("-¥12"), amount(""), amount("n/a"), amount(float("nan"))
    (-1234.56, 1234.56, -12.0, None, 'n/a', 'nan')
    """
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int | float):
        return float(cell) if math.isfinite(cell) else str(cell)
    text = re.sub(r"USD|RMB|CNY|US|[\s,$¥￥€£]", "", str(cell)).replace("－", "-")  # a full-width minus too
    sign = -1.0 if text.startswith("(") and text.endswith(")") else 1.0
    try:
        number = sign * float(text.strip("()"))
    except ValueError:
        return str(cell).strip()
    return number if math.isfinite(number) else str(cell).strip()


def read_actuals(name: str, data: bytes, scenario: Scenario, today: date,
                 mapping: dict[str, str | None] | None = None, lang: str = "en") -> Actuals:
    """The actuals of a file for ``scenario``; ``mapping`` sends an unmatched revenue column (as written) to a
    stream's name, or None to leave it out. ScenarioError lists every problem with its row and its column (named
    in ``lang``, or as written when it is not one of the template's)."""
    rows = sheet_rows(name, data)
    if not rows or not any(str(c or "").strip() for c in rows[0]):
        raise ScenarioError.of(Problem("(file)", "actuals_empty", {}))
    if len(rows) > MAX_ROWS + 1:
        raise ScenarioError.of(Problem("(file)", "actuals_rows", {"limit": MAX_ROWS}))
    streams = {s.name.lower(): s.name for s in scenario.streams}
    mapping = {k.strip(): v for k, v in (mapping or {}).items()}
    columns: dict[int, str] = {}  # position: "month", a line, or "revenue:<stream name>"
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
                problems.append(Problem(_column(written, lang), "actuals_unmatched", {}))
                continue
            key = REVENUE + stream
        elif key not in ("month", *ACTUAL_LINES):
            problems.append(Problem(_column(written, lang), "actuals_column", {}))
            continue
        if key in columns.values():
            problems.append(Problem(_column(written, lang), "actuals_twice", {}))
        columns[j] = key
    if "month" not in columns.values():
        problems.append(Problem("(file)", "actuals_no_month", {}))
    if problems:
        raise ScenarioError.of(*problems[:20])
    months: list[tuple[int, dict[str, Any], date]] = []
    seen: dict[date, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(str(c if c is not None else "").strip() for c in row):
            continue
        record: dict[str, Any] = {"revenue": {}}
        for j, key in columns.items():
            cell = row[j] if j < len(row) else None
            where = _cell(n, key, lang)
            if key == "month":
                record["month"] = month = _month(cell)
                if month is None:
                    problems.append(Problem(where, "actuals_month", {"got": cell}))
                elif month in seen:
                    problems.append(Problem(where, "actuals_repeat", {"month": f"{month:%Y-%m}", "row": seen[month]}))
                elif not passed(month, today):
                    problems.append(Problem(where, "actuals_future", {"month": f"{month:%Y-%m}"}))
                elif (outside := outside_problem(where, month, scenario)) is not None:
                    problems.append(outside)
                else:
                    seen[month] = n
                continue
            value = amount(cell)
            if isinstance(value, str):
                problems.append(Problem(where, "actuals_number", {"got": value}))
            elif value is not None and value < 0 and key != "ending_cash":  # in the same pass as the text cells
                problems.append(Problem(where, "actuals_negative", {"got": str(cell).strip()}))
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
            problems.append(Problem(_cell(n, "month", lang), "actuals_gap", {"after": f"{before:%Y-%m}", "next": f"{after:%Y-%m}"}))
    if problems:
        raise ScenarioError.of(*problems[:20])
    if not months:
        raise ScenarioError.of(Problem("(file)", "actuals_empty", {}))
    try:
        actuals = Actuals.model_validate({"months": [record for _, record, _ in months]})
    except ValidationError as exc:
        rows_of = [n for n, _, _ in months]
        raise ScenarioError.of(*[_row_problem(p, rows_of, lang) for p in problems_of(exc)][:20]) from None
    check_actuals(actuals, scenario, today)
    return actuals


def _column(written: str, lang: str) -> str:
    """Where a problem of a whole column is: ``column 'salary'``, the column as the file writes it."""
    return t("actuals.at.column", lang, column=quoted(written))


def _cell(row: int, key: str, lang: str) -> str:
    """Where a problem of a cell is: ``row 5, payroll`` (``第 5 行，工资``), the column by its header in ``lang``
    (a key that is not a column as it is, no key: the row alone)."""
    if not key:
        return t("actuals.at.row", lang, row=row)
    known = key in COLUMNS or key.startswith(REVENUE)
    return t("actuals.at.cell", lang, row=row, column=header(key, lang) if known else key)


def _row_problem(problem: Problem, rows: list[int], lang: str) -> Problem:
    """``months[3].payroll`` → ``row 5, payroll`` (the file's own row, the column in ``lang``)."""
    match = re.match(r"months\[(\d+)\]\.?(.*)", problem.path)
    if not match:
        return problem
    field = match[2]
    key = REVENUE + field.split(".", 1)[1] if field.startswith("revenue.") else field
    return Problem(_cell(rows[int(match[1])], key, lang), problem.code, problem.values)
