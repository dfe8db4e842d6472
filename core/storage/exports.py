"""Exports and imports: scenario as YAML/JSON/Excel, the projection as CSV/Excel.

The Excel workbook, headed in the reader's language, has six sheets, each with its header row (and label
columns) frozen and its columns as wide as their contents: ``Assumptions`` (every scenario field as a path, its
label, its value as a number cell in the field's format, its kind and, where a spreadsheet would round the value
(it keeps 15 significant digits), the exact value in text — reading it back gives the same scenario unless a
value was edited), ``Monthly`` (the monthly table), ``Metrics`` (the headline figures) and the three statements
month by month (``P&L``, ``Balance sheet``, ``Cash flow``: a row per line as the Statements page shows it, a column
per month). Numbers are number
cells with a spreadsheet format: money with the currency's symbol and thousands separators, shares as %, prices
and per-unit costs with the decimals they need ($0.004). Text cells that start with ``= + - @`` (or a
tab / carriage return) are prefixed with ``'`` so a spreadsheet never runs them as formulas.

Imports go through the scenario's own validation; Excel files are size-checked as zip
archives before openpyxl (which parses their XML with defusedxml) opens them.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import re
import zipfile
from datetime import date
from decimal import Decimal
from typing import Any, Literal

import openpyxl
import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from core.analysis.metrics import summarize
from core.analysis.statements import Statements, statements
from core.engine.projection import Projection
from core.i18n import LANGUAGES, STRINGS, t
from core.model import MAX_FILE_BYTES, Problem, Scenario, ScenarioError, generic, loads_scenario, parse_path, parse_scenario, quoted, spec
from core.present import formatting
from core.present.formatting import SYMBOLS
from core.present.report import details, frame_label, headline
from core.present.statements import label, lines, period_labels

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


def csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV text, every header and text cell through :func:`escape` (numbers stay numbers).

    >>> print(csv_text(pd.DataFrame({"stream": ["+cmd|' /C calc'!A0", "API"], "=cash": [-5.0, 1.5]})), end="")
    stream,'=cash
    '+cmd|' /C calc'!A0,-5.0
    API,1.5
    """
    return frame.rename(columns=escape).map(escape).to_csv(index=False)


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


ASSUMPTION_COLUMNS = ("path", "label", "value", "kind", "exact")
"""The Assumptions sheet's columns, headed ``export.assumptions.<column>`` in the reader's language; the importer
finds them by header in either language, or by these names (files written before the label column)."""
COUNT_COLUMNS = ("customers", "new_customers", "churned_customers")
TENTHS_COLUMNS = ("headcount", "leavers", "ramp_fte_lost", "tokens")
"""Monthly columns in tenths: heads (part-time and ramping ones count in part) and millions of tokens."""
PRICE_COLUMNS = ("cost_per_million_tokens",)
MONEY_KPIS = ("cash", "npv", "peak_need")
MONTHS_KPIS = ("runway", "cac_payback")
KPI_FORMATS = {"break_even": "0", "payback": "0", "burn_multiple": '0.00"×"', "ltv_cac": '0.00"×"', "gross_margin": "0.0%",
               "irr": "0.0%", "return_on_cost": "0.0%", "rule_of_40": "0", "hhi": "0.00"}
"""Spreadsheet number formats of the Metrics sheet's values (money ones take the scenario's currency, months the
reader's word for them)."""
STATEMENT_SHEETS = {"pnl": "P&L", "balance": "Balance sheet", "cash_flow": "Cash flow"}
FROZEN = {"Assumptions": "C2", "Monthly": "C2", "Metrics": "B2", **dict.fromkeys(STATEMENT_SHEETS.values(), "B2")}
"""Where each sheet's panes freeze: below the header, right of its label columns."""
WIDTHS = (8, 60)
"""A column's width in characters at least and at most."""


def decimals(value: float, least: int = 0, significant: int = 6) -> int:
    """Decimal places that show ``value`` as written, to at most ``significant`` significant digits, and at least
    ``least`` (at most 30, a spreadsheet's limit).

    >>> decimals(0.004), decimals(0.0000015), decimals(12.5, least=2), decimals(2_000_000.0), decimals(1 / 3)
    (3, 7, 2, 0, 6)
    """
    if not math.isfinite(value) or value == 0:
        return least
    written = max(0, -int(Decimal(repr(float(value))).normalize().as_tuple().exponent))
    return min(30, max(least, min(written, significant - 1 - math.floor(math.log10(abs(value))))))


def _places(number: str, places: int) -> str:
    return number + ("." + "0" * places if places else "")


def money_format(symbol: str, places: int = 0) -> str:
    """A money cell's format: the currency symbol, thousands separators, ``places`` decimals.

    >>> money_format("$"), money_format("¥", 3)
    ('"$"#,##0;-"$"#,##0', '"¥"#,##0.000;-"¥"#,##0.000')
    """
    number = _places("#,##0", places)
    return f'"{symbol}"{number};-"{symbol}"{number}'


def price_format(value: float, symbol: str, significant: int = 6) -> str:
    """A price's or per-unit cost's format: cents at least, and the digits a smaller price needs ($0.004,
    $0.0000015)."""
    return money_format(symbol, decimals(value, 2, significant))


def value_format(value: object, kind: str | None, symbol: str) -> str:
    """An Assumptions value's format by its field's kind: money in the currency (whole amounts without cents, a
    price with the decimals it needs), a share as a percentage, other numbers with thousands separators; each
    shows the value as written.

    >>> value_format(2_000_000, "money", "$"), value_format(0.004, "money", "$"), value_format(0.035, "percent", "$")
    ('"$"#,##0;-"$"#,##0', '"$"#,##0.000;-"$"#,##0.000', '0.0%')
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "General"
    if kind == "money":
        return price_format(value, symbol) if value % 1 else money_format(symbol)
    if kind == "percent":
        return _places("0", max(0, decimals(value) - 2)) + "%"
    return _places("#,##0", decimals(value))


def _kind(path: str) -> str | None:
    try:
        return spec(path).kind
    except KeyError:
        return None


def field_label(path: str, lang: str = "en") -> str:
    """A field path's label in the reader's language: the editor's ``edit.<generic path>``, or for a field the
    editor keeps as it is (a map, a list left empty) ``export.field.<generic path>``; a path under a map (a round
    named ``seed``) takes the map's label.

    >>> field_label("streams[2].churn_monthly"), field_label("risk.inputs", "zh"), field_label("risk.rounds.seed.probability")
    ('Churn per month', '不确定输入（分布）', 'Odds and delays of the rounds')
    """
    parts = generic(path).split(".")
    heads = (".".join(parts[:n]) for n in range(len(parts), 0, -1))
    keys = (key for head in heads for key in (f"edit.{head}", f"export.field.{head}"))
    return t(next(key for key in keys if key in STRINGS[lang]), lang)


def _exact(value: object, kind: str) -> str | None:
    """The value as JSON where a spreadsheet, which keeps 15 significant digits, would round it."""
    if kind != "number" or not isinstance(value, int | float) or float(f"{value:.15g}") == value:
        return None
    return json.dumps(value)


def _header(sheet: Any, labels: list[str]) -> None:
    sheet.append([escape(label) for label in labels])
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def _assumptions(sheet: Any, scenario: Scenario, lang: str) -> None:
    """Every field: its path, its label, its value as a number cell in the field's format, its kind and, where a
    spreadsheet would round it, the exact value."""
    symbol = SYMBOLS[scenario.company.currency]
    _header(sheet, [t(f"export.assumptions.{c}", lang) for c in ASSUMPTION_COLUMNS])
    for path, value, kind in flatten(scenario.model_dump(mode="json")):
        sheet.append([path, field_label(path, lang), escape(value), kind, _exact(value, kind)])
        sheet.cell(sheet.max_row, 3).number_format = value_format(value, _kind(path), symbol)


def _frame_format(name: str, symbol: str) -> str:
    """A Monthly column's format (prices take theirs cell by cell)."""
    if name in ("month", *COUNT_COLUMNS):
        return "#,##0"
    if name in TENTHS_COLUMNS:
        return "#,##0.0"
    return "yyyy-mm" if name == "date" else money_format(symbol)


def _monthly(sheet: Any, p: Projection, symbol: str, lang: str) -> None:
    """The monthly table: numbers and dates as cells of their kind, headed by their labels."""
    frame = p.to_frame()
    _header(sheet, [frame_label(str(c), lang) for c in frame.columns])
    for row in frame.itertuples(index=False):
        sheet.append(list(row))
    for j, name in enumerate(frame.columns, 1):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
            cell.number_format = price_format(cell.value, symbol, 4) if name in PRICE_COLUMNS else _frame_format(name, symbol)


def _metrics(sheet: Any, scenario: Scenario, p: Projection, symbol: str, lang: str) -> None:
    """The headline and secondary figures: each a number a spreadsheet computes with (text only for what is not
    a number: a date, alive or dead), and its note."""
    _header(sheet, [t(f"export.metrics.{c}", lang) for c in ("metric", "value", "note")])
    months = f'0" {t("export.unit.months", lang)}"'
    summary = summarize(p, scenario.settings)
    for kpi in headline(summary, scenario, lang) + details(summary, scenario, lang):
        sheet.append([escape(kpi.label), kpi.number if kpi.number is not None else escape(kpi.value), escape(kpi.note)])
        sheet.cell(sheet.max_row, 2).number_format = (money_format(symbol) if kpi.key in MONEY_KPIS else months
                                                      if kpi.key in MONTHS_KPIS else KPI_FORMATS.get(kpi.key, "General"))


def _statement(sheet: Any, s: Statements, statement: str, symbol: str, lang: str) -> None:
    """One statement by month: its lines' labels, then a money cell per month."""
    numbers = lines(s, statement)
    _header(sheet, [t("statement.col.line", lang), *period_labels(s, "month", lang)])
    for key, values in numbers.iterrows():
        sheet.append([escape(label(statement, str(key), lang)), *(float(v) for v in values)])
    for row in sheet.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = money_format(symbol)


def shown_width(value: object, number_format: str) -> int:
    """About how many characters a cell shows: its text (a CJK character counts two), or its number with the
    separators, symbol and decimals of its format.

    >>> shown_width("现金", "General"), shown_width(-1234567.0, '"$"#,##0;-"$"#,##0'), shown_width(0.004, "0.000")
    (4, 11, 5)
    """
    if isinstance(value, str):
        return formatting.text_width(value)
    if isinstance(value, date):
        return 8
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    first = number_format.split(";")[0]
    places = len(first.split(".")[1].split('"')[0].rstrip("%")) if "." in first else 0
    literal = sum(len(part) for part in first.split('"')[1::2])
    digits = f"{abs(value):,.{places}f}" if math.isfinite(value) else "#NUM!"
    return len(digits) + literal + (value < 0) + first.count("%")


def fit_columns(sheet: Any) -> None:
    """Each column as wide as its header and its widest value (bold headers a little wider), within
    :data:`WIDTHS`."""
    for column in sheet.iter_cols():
        header, *cells = column
        widest = max([round(1.2 * shown_width(header.value, "General")),
                      *(shown_width(c.value, c.number_format) for c in cells)])
        sheet.column_dimensions[get_column_letter(header.column)].width = min(WIDTHS[1], max(WIDTHS[0], widest + 2))


def excel_workbook(scenario: Scenario, p: Projection, lang: str = "en") -> bytes:
    """Assumptions, the monthly table, the metrics and the three statements as an .xlsx file, headed in ``lang``."""
    book = openpyxl.Workbook()
    symbol = SYMBOLS[scenario.company.currency]
    book.worksheets[0].title = "Assumptions"
    _assumptions(book.worksheets[0], scenario, lang)
    _monthly(book.create_sheet("Monthly"), p, symbol, lang)
    _metrics(book.create_sheet("Metrics"), scenario, p, symbol, lang)
    books = statements(scenario, p)
    for statement, title in STATEMENT_SHEETS.items():
        _statement(book.create_sheet(title), books, statement, symbol, lang)
    for sheet in book.worksheets:
        fit_columns(sheet)
        sheet.freeze_panes = FROZEN[sheet.title]
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


UNREADABLE = (InvalidFileException, KeyError, OSError, ValueError, TypeError, AttributeError, SyntaxError,
              zipfile.BadZipFile)
"""What openpyxl raises on a workbook it cannot read (SyntaxError: malformed XML, as the sheet's rows are read;
AttributeError: a part it does not expect)."""


def read_excel(data: bytes) -> Scenario:
    """The scenario of a workbook's Assumptions sheet (as written by :func:`excel_workbook`, in either language)."""
    _check_zip(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UNREADABLE as exc:
        raise ScenarioError.of(Problem("(file)", "xlsx_unreadable", {"reason": type(exc).__name__})) from None
    if "Assumptions" not in book.sheetnames:
        raise ScenarioError.of(Problem("(file)", "no_assumptions", {}))
    try:
        lines = book["Assumptions"].iter_rows(values_only=True)
        where = assumption_columns(next(lines, ()))
        rows = list(itertools.islice(lines, MAX_SHEET_ROWS + 1))
    except ScenarioError:
        raise
    except UNREADABLE as exc:
        raise ScenarioError.of(Problem("(file)", "xlsx_unreadable", {"reason": type(exc).__name__})) from None
    finally:
        book.close()
    if len(rows) > MAX_SHEET_ROWS:
        raise ScenarioError.of(Problem("(file)", "sheet_rows", {"limit": MAX_SHEET_ROWS}))
    cells = [{c: row[i] if i < len(row) else None for c, i in where.items()} for row in rows]
    return parse_scenario(unflatten([
        (str(cell["path"]), _number(unescape(cell["value"]), cell.get("exact")) if cell["kind"] == "number"
         else unescape(cell["value"]), str(cell["kind"] or "")) for cell in cells if cell["path"] is not None]))


def assumption_columns(header: tuple[object, ...]) -> dict[str, int]:
    """Where each column of an Assumptions sheet is, found by its header in any language or by its name; a
    ScenarioError names the path, value or kind column it lacks.

    >>> assumption_columns(("path", "value", "kind", "exact")), assumption_columns(("字段路径", "字段", "数值", "类型"))
    ({'path': 0, 'value': 1, 'kind': 2, 'exact': 3}, {'path': 0, 'label': 1, 'value': 2, 'kind': 3})
    """
    names = {t(f"export.assumptions.{c}", lang): c for lang in LANGUAGES for c in ASSUMPTION_COLUMNS}
    names |= {c: c for c in ASSUMPTION_COLUMNS}
    where = {names[h]: i for i, h in enumerate(header) if isinstance(h, str) and h in names}
    missing = [t(f"export.assumptions.{c}") for c in ("path", "value", "kind") if c not in where]
    if missing:
        raise ScenarioError.of(Problem("(file)", "sheet_columns", {"columns": ", ".join(missing)}))
    return where


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
