"""Exports and imports: scenario as YAML/JSON/Excel, the projection as CSV/Excel.

The Excel workbook has three sheets: ``Assumptions`` (every scenario field as a path, a
value, its kind and, for numbers, the exact value in text, since spreadsheets keep about 15
digits — reading it back gives the same scenario unless a value was edited), ``Monthly`` (the monthly
table) and ``Metrics`` (the headline figures). Text cells that start with ``= + - @`` (or a
tab / carriage return) are prefixed with ``'`` so a spreadsheet never runs them as formulas.

Imports go through the scenario's own validation; Excel files are size-checked as zip
archives before openpyxl (which parses their XML with defusedxml) opens them.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import zipfile
from typing import Any, Literal

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from core.analysis.metrics import summarize
from core.engine.projection import Projection
from core.model import MAX_FILE_BYTES, Problem, Scenario, ScenarioError, loads_scenario, parse_path, parse_scenario, quoted
from core.present.formatting import SYMBOLS
from core.present.report import details, headline

MAX_XLSX_BYTES = 5_000_000
MAX_XLSX_UNZIPPED = 50_000_000
MAX_XLSX_MEMBERS = 200
MAX_RATIO = 100
MAX_SHEET_ROWS = 10_000
"""Rows read from an Assumptions sheet at most (a scenario at every list's limit has about 2,000)."""
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_KEY = re.compile(r"[a-z_]+")

Format = Literal["yaml", "json", "xlsx"]


def escape(value: object) -> object:
    """Text a spreadsheet could read as a formula gets a leading apostrophe.

    >>> escape("=HYPERLINK(1)"), escape("Team plan"), escape(-5)
    ("'=HYPERLINK(1)", 'Team plan', -5)
    """
    if isinstance(value, str) and value.startswith((*DANGEROUS, "'")):  # and a leading ' of its own, to round-trip
        return "'" + value
    return value


def unescape(value: object) -> object:
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith((*DANGEROUS, "'")):
        return value[1:]
    return value


# --- scenario <-> rows of (path, value, kind) ----------------------------------------


def flatten(data: object, path: str = "") -> list[tuple[str, object, str]]:
    """Scenario data as (path, value, kind) rows; dicts with free-form keys stay JSON."""
    if isinstance(data, dict) and data and all(_KEY.fullmatch(k) for k in data):
        return [row for k, v in data.items() for row in flatten(v, f"{path}.{k}" if path else k)]
    if isinstance(data, list) and data:
        return [row for i, v in enumerate(data) for row in flatten(v, f"{path}[{i}]")]
    if isinstance(data, dict | list):
        return [(path, json.dumps(data, ensure_ascii=False), "json")]
    if data is None:
        return [(path, None, "null")]
    if isinstance(data, bool):
        return [(path, data, "bool")]
    if isinstance(data, int | float):
        return [(path, data, "number")]
    return [(path, str(data), "text")]


def unflatten(rows: list[tuple[str, object, str]]) -> dict:
    """The inverse of :func:`flatten`; ScenarioError names a row that cannot be read."""
    root: dict = {}
    for n, (path, value, kind) in enumerate(rows, start=2):
        try:
            parts = parse_path(path or "")
        except KeyError:
            raise ScenarioError.of(Problem(f"Assumptions row {n}", "sheet_path", {"path": quoted(path)})) from None
        try:
            leaf = {"json": lambda v: json.loads(v), "null": lambda v: None, "bool": bool, "number": lambda v: v,
                    "text": lambda v: "" if v is None else str(v)}[kind](value)
        except (KeyError, TypeError, ValueError, RecursionError):  # also a JSON cell nested too deeply
            raise ScenarioError.of(Problem(f"Assumptions row {n}", "sheet_value", {"value": quoted(value), "kind": kind})) from None
        node: Any = root
        for key, following in zip(parts, [*parts[1:], None], strict=True):
            empty: dict | list = [] if isinstance(following, int) else {}
            if isinstance(node, list):
                if not isinstance(key, int) or key > len(node):
                    raise ScenarioError.of(Problem(f"Assumptions row {n}", "sheet_skip", {"path": quoted(path)}))
                if key == len(node):
                    node.append(empty if following is not None else leaf)
            elif isinstance(key, int):
                raise ScenarioError.of(Problem(f"Assumptions row {n}", "sheet_not_list", {"path": quoted(path)}))
            elif following is not None:
                node.setdefault(key, empty)
            else:
                node[key] = leaf
            if following is not None:
                node = node[key]
    return root


# --- Excel -----------------------------------------------------------------------------


COUNT_COLUMNS = ("customers", "new_customers", "churned_customers", "headcount", "tokens")
MONEY_KPIS = ("cash", "npv", "peak_need")
KPI_FORMATS = {"runway": "0", "break_even": "0", "payback": "0", "cac_payback": "0.0", "burn_multiple": '0.00"×"',
               "ltv_cac": '0.00"×"', "gross_margin": "0.0%", "irr": "0.0%", "return_on_cost": "0.0%", "rule_of_40": "0",
               "hhi": "0.00"}
"""Spreadsheet number formats of the Metrics sheet's values (money ones take the scenario's currency)."""


def excel_workbook(scenario: Scenario, p: Projection, lang: str = "en") -> bytes:
    """Assumptions, the monthly table and the metrics as an .xlsx file."""
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Assumptions"
    sheet.append(["path", "value", "kind", "exact"])
    for path, value, kind in flatten(scenario.model_dump(mode="json")):
        sheet.append([path, escape(value), kind, escape(json.dumps(value)) if kind == "number" else None])
    money = f'"{SYMBOLS[scenario.company.currency]}"#,##0;-"{SYMBOLS[scenario.company.currency]}"#,##0'
    monthly = book.create_sheet("Monthly")
    frame = p.to_frame()
    monthly.append([escape(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False):
        monthly.append([escape(v) for v in row])
    for j, name in enumerate(frame.columns, 1):  # dates as dates, money with the currency, counts as whole numbers
        number_format = "yyyy-mm" if name == "date" else "0" if name == "month" else (
            "#,##0.00" if name == "cost_per_million_tokens" else "#,##0" if name in COUNT_COLUMNS else money)
        for (cell,) in monthly.iter_rows(min_row=2, min_col=j, max_col=j):
            cell.number_format = number_format
    metrics = book.create_sheet("Metrics")
    metrics.append(["metric", "value", "shown", "note"])  # value: a number a spreadsheet can compute with
    summary = summarize(p, scenario.settings)
    for kpi in headline(summary, scenario, lang) + details(summary, scenario, lang):
        metrics.append([escape(kpi.label), kpi.number, escape(kpi.value), escape(kpi.note)])
        metrics.cell(metrics.max_row, 2).number_format = money if kpi.key in MONEY_KPIS else KPI_FORMATS.get(kpi.key, "General")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _check_zip(data: bytes) -> None:
    """Refuse what is not a modest zip archive before any XML is parsed (zip bombs)."""
    if len(data) > MAX_XLSX_BYTES:
        raise ScenarioError.of(Problem("(file)", "too_large", {"size": len(data), "limit": MAX_XLSX_BYTES}))
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        raise ScenarioError.of(Problem("(file)", "not_xlsx", {})) from None
    total = sum(m.file_size for m in members)
    if len(members) > MAX_XLSX_MEMBERS or total > MAX_XLSX_UNZIPPED:
        raise ScenarioError.of(Problem("(file)", "xlsx_unpacked", {"size": total, "parts": len(members)}))
    for m in members:
        if m.compress_size and m.file_size / m.compress_size > MAX_RATIO:
            raise ScenarioError.of(Problem("(file)", "zip_bomb", {"part": m.filename, "ratio": m.file_size / m.compress_size}))


def read_excel(data: bytes) -> Scenario:
    """The scenario of a workbook's Assumptions sheet (as written by :func:`excel_workbook`)."""
    _check_zip(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ScenarioError.of(Problem("(file)", "xlsx_unreadable", {"reason": type(exc).__name__})) from None
    if "Assumptions" not in book.sheetnames:
        raise ScenarioError.of(Problem("(file)", "no_assumptions", {}))
    rows = list(itertools.islice(book["Assumptions"].iter_rows(min_row=2, max_col=4, values_only=True), MAX_SHEET_ROWS + 1))
    book.close()
    if len(rows) > MAX_SHEET_ROWS:
        raise ScenarioError.of(Problem("(file)", "sheet_rows", {"limit": MAX_SHEET_ROWS}))
    return parse_scenario(unflatten([(str(path or ""), _number(unescape(value), exact) if kind == "number" else unescape(value),
                                      str(kind or "")) for path, value, kind, exact in (r + (None,) * (4 - len(r)) for r in rows)
                                     if path is not None]))


def _number(value: object, exact: object) -> object:
    """Spreadsheets keep ~15 digits: the exact value written alongside wins unless the cell was edited."""
    try:
        text = unescape(exact)
        written = json.loads(text) if isinstance(text, str) else None
    except json.JSONDecodeError:
        written = None
    if isinstance(written, int | float) and isinstance(value, int | float) and abs(value - written) <= 1e-9 * max(1.0, abs(written)):
        return written
    return value


def import_scenario(name: str, data: bytes) -> Scenario:
    """A scenario from an uploaded file, by its extension: .yaml/.yml, .json or .xlsx."""
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix == "xlsx":
        return read_excel(data)
    if suffix not in ("yaml", "yml", "json"):
        raise ScenarioError.of(Problem("(file)", "bad_extension", {"name": name}))
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError.of(Problem("(file)", "too_large", {"size": len(data), "limit": MAX_FILE_BYTES}))
    return loads_scenario(data, "json" if suffix == "json" else "yaml")
