"""Actuals from the founder's books: a profit-and-loss report by month as accounting software exports it.

Read are QuickBooks Online's "Profit and Loss" by month, Xero's "Profit and Loss" with monthly columns and the
利润表 by month of 金蝶 (Kingdee) and 用友 (Yonyou), as .xlsx or .csv (UTF-8, UTF-8 with BOM, GBK): title rows,
then a header row of months (``Jan 2026``, ``31 Jan 2026``, ``Jan-26``, ``2026-01``, ``2026年1月``, or ``1月``
with the year in the title; a ``本月金额`` / ``本年累计`` pair under each month reads the month's own column),
then a row per account. Section headers (no amounts), subtotals and totals (``Total …``, ``Gross Profit``,
``二、营业利润``, ``合计``…) and ``其中：`` breakdowns of the line above are not accounts.

Each account is read as a model line by a mapping (:data:`LINES`): ``revenue:<stream>``, ``cost_of_revenue``,
``payroll``, ``other_opex``, ``one_off`` (a one-off cost: the actuals have no line of their own for it, so it is
read as other operating costs), ``funding``, or ``tax``, ``financing`` and ``skip``, which the actuals do not
carry (income tax, interest, non-cash or non-operating items: listed as not used). :func:`suggest` proposes a
line from the account's name and section in either language; the actuals keep the mapping, and the next import
starts from it. Amounts of the accounts of one line are summed; a blank cell is 0. A balance sheet for the last
month gives its ``ending_cash``, ``receivables`` and ``payables`` (:func:`read_balance`).
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from pydantic import ValidationError

from core.i18n import t
from core.model import (
    Actuals,
    Problem,
    Scenario,
    ScenarioError,
    check_actuals,
    months_between,
    outside_problem,
    passed,
    problems_of,
)
from core.storage.actuals_files import REVENUE, amount, sheet_rows

MAX_BOOK_ROWS = 2_000
MAX_BOOK_COLUMNS = 120
HEADER_ROWS = 20
"""Rows searched for the header of months (title rows come first)."""
CARRIED = ("cost_of_revenue", "payroll", "other_opex", "one_off", "funding")
NOT_USED = ("tax", "financing", "skip")
LINES = (*CARRIED, *NOT_USED)
"""The lines an account may be mapped to besides ``revenue:<stream>``."""
ONE_OFF_AS = "other_opex"
"""The actuals' line a one-off cost is read as."""

MONTH_NAMES = {name: n for n, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for name in names}
_WORD = r"([a-z]{3,9})\.?"
HEADER_FORMS = (  # (pattern, groups as (year, month) order)
    (re.compile(rf"^{_WORD}[\s-]+(\d{{4}})$"), "my"),                       # Jan 2026
    (re.compile(rf"^\d{{1,2}}\s+{_WORD}\s+(\d{{4}})$"), "my"),              # 31 Jan 2026
    (re.compile(rf"^{_WORD}\s+\d{{1,2}},?\s+(\d{{4}})$"), "my"),             # Jan 31, 2026
    (re.compile(rf"^{_WORD}[\s-](\d{{2}})$"), "my2"),                        # Jan-26
    (re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:[-/.]\d{1,2}日?)?(?:\s.*)?$"), "ym"),  # 2026-01, 2026年1月
)
CN_MONTH = re.compile(r"^(\d{1,2})\s*月(?:份)?$")
TITLE_YEAR = re.compile(r"(20\d{2})\s*(?:年|-|/|\.|$|\D)")
LINE_NUMBER = ("行次", "行号", "line", "no.", "#")
THIS_MONTH = ("本月", "本期")
_NUMERAL = "[一二三四五六七八九十]+"
CN_PREFIX = re.compile(rf"^\s*(?:{_NUMERAL}、|（{_NUMERAL}）|\({_NUMERAL}\)|[加减]\s*[：:]|\d+[.、]\s)\s*")

TOTALS = ("gross profit", "net operating income", "net income", "net profit", "net other income", "operating profit",
          "net ordinary income", "net loss", "营业利润", "利润总额", "净利润", "毛利", "综合收益", "每股收益", "净亏损")
"""Names of subtotal and total rows, as matched (lower case, without the Chinese numbering)."""
RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tax", ("income tax", "所得税")),
    ("financing", ("interest", "利息", "财务费用", "汇兑", "exchange gain", "exchange loss", "loan")),
    ("funding", ("grant", "subsid", "政府补助", "补贴")),
    ("skip", ("depreciation", "amortization", "amortisation", "impairment", "折旧", "摊销", "减值", "投资收益",
              "公允价值", "资产处置", "其他收益", "营业外收入", "other income", "unrealized", "unrealised")),
    ("payroll", ("salar", "wage", "payroll", "benefit", "social security", "pension", "bonus", "工资", "薪酬", "薪金",
                 "社保", "社会保险", "五险一金", "公积金", "福利", "奖金")),
    ("cost_of_revenue", ("cost of goods", "cost of sales", "cost of revenue", "cogs", "hosting", "cloud", "gpu",
                         "营业成本", "主营业务成本", "其他业务成本", "服务器", "算力", "云服务")),
    ("one_off", ("one-off", "one off", "non-recurring", "营业外支出", "other expense")),
    ("revenue", ("revenue", "sales", "income", "subscription", "api", "turnover", "营业收入", "主营业务收入", "收入")),
    ("other_opex", ("expense", "cost", "fee", "rent", "费用", "税金及附加", "支出", "成本")),
)
"""Keyword rules, first match wins, on an account's name and then on its section's."""


@dataclass(frozen=True)
class Account:
    """An account row of a P&L: its name as written, the section it is under, its file row (from 1) and its
    amount in each month of the report (a blank cell is 0)."""

    name: str
    section: str
    row: int
    amounts: tuple[float, ...]


@dataclass(frozen=True)
class Books:
    """A P&L by month: its months (first days), each month's column as written, and its accounts in file order."""

    months: tuple[date, ...]
    columns: tuple[str, ...]
    accounts: tuple[Account, ...]

    @property
    def names(self) -> list[str]:
        """The accounts' names, each once, in file order."""
        return list(dict.fromkeys(a.name for a in self.accounts))


def _normal(text: object) -> str:
    return re.sub(r"\s+", " ", str(text if text is not None else "")).strip()


def _label(text: object) -> str:
    """A row's name as matched: the Chinese numbering (``一、``, ``减：``) dropped, lower case.

    >>> _label("减：营业成本"), _label("  Total for Payroll Expenses "), _label("二、营业利润（亏损以“－”号填列）")
    ('营业成本', 'total for payroll expenses', '营业利润（亏损以“－”号填列）')
    """
    return CN_PREFIX.sub("", _normal(text)).lower()


def is_total(name: str) -> bool:
    """Whether a row is a subtotal or total, never an account.

    >>> [is_total(n) for n in ("Total Income", "Gross Profit", "三、利润总额", "营业收入合计", "Salaries", "一、营业收入")]
    [True, True, True, True, False, False]
    """
    label = _label(name)
    return (label.startswith("total") or any(w in label for w in ("合计", "总计", "小计"))
            or any(label.startswith(w) for w in TOTALS))


def header_month(cell: object, year: int | None = None) -> date | None:
    """The month a header cell names, or None (``Total``, ``本年累计``); ``1月`` takes ``year`` (the title's).

    >>> [f"{header_month(c):%Y-%m}" for c in ("Jan 2026", "31 Jan 2026", "Jan-26", "2026年1月", "2026-01", "Dec 31, 2026")]
    ['2026-01', '2026-01', '2026-01', '2026-01', '2026-01', '2026-12']
    >>> header_month("Total"), header_month("本年累计")
    (None, None)
    >>> header_month("3月", 2026), header_month("3月")
    (datetime.date(2026, 3, 1), None)
    """
    if isinstance(cell, datetime | date):
        return date(cell.year, cell.month, 1)
    text = _normal(cell).lower()
    for pattern, order in HEADER_FORMS:
        if match := pattern.match(text):
            if order == "ym":
                y, m = int(match[1]), int(match[2])
            else:
                y, m = int(match[2]) + (2000 if order == "my2" else 0), MONTH_NAMES.get(match[1], 0)
            return date(y, m, 1) if 1 <= m <= 12 and 1900 < y < 2200 else None
    match = CN_MONTH.match(text)
    if match and year is not None and 1 <= int(match[1]) <= 12:
        return date(year, int(match[1]), 1)
    return None


def _where(row: int, column: str, lang: str) -> str:
    return t("actuals.at.cell", lang, row=row, column=column)


def _header(rows: list[list[object]]) -> tuple[int, dict[int, date], int | None]:
    """The header row's index, the months by column, and the column of the accounts' names; ``1月`` takes the year
    of the title rows above."""
    for i, row in enumerate(rows[:HEADER_ROWS]):
        if not any(header_month(c) or CN_MONTH.match(_normal(c)) for c in row):
            continue
        match = TITLE_YEAR.search(" ".join(_normal(c) for above in rows[:i + 1] for c in above if isinstance(c, str)))
        months = {j: m for j, c in enumerate(row) if (m := header_month(c, int(match[1]) if match else None)) is not None}
        if not months:
            raise ScenarioError.of(Problem("(file)", "books_no_year", {}))
        names = [j for j in range(min(months)) if not _normal(row[j]).lower().startswith(LINE_NUMBER)]
        return i, months, names[0] if names else None
    raise ScenarioError.of(Problem("(file)", "books_no_months", {}))


def _month_columns(rows: list[list[object]], at: int, months: dict[int, date]) -> tuple[dict[int, date], int]:
    """Each month's own column: under a merged month cell of ``本月金额`` / ``本年累计``, the ``本月`` one; and the
    first row of accounts."""
    below = [_normal(c) for c in rows[at + 1]] if at + 1 < len(rows) else []
    if not any(c.startswith(THIS_MONTH) for c in below):
        return months, at + 1
    starts = sorted(months)
    own = {}
    for k, j in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(below)
        own[next((c for c in range(j, end) if c < len(below) and below[c].startswith(THIS_MONTH)), j)] = months[j]
    return own, at + 2


def read_books(name: str, data: bytes, lang: str = "en") -> Books:
    """The accounts and months of a P&L export; ScenarioError lists every problem (a text amount, a month twice or
    missing between two others) with its row and its column as written."""
    rows = sheet_rows(name, data, MAX_BOOK_ROWS + 1, MAX_BOOK_COLUMNS)
    if len(rows) > MAX_BOOK_ROWS:
        raise ScenarioError.of(Problem("(file)", "books_rows", {"limit": MAX_BOOK_ROWS}))
    at, months, label = _header(rows)
    columns, first = _month_columns(rows, at, months)
    written = {j: _normal(rows[at][start]) for j in columns for start in [max(k for k in months if k <= j)]}
    problems = _month_problems(written, columns, lang)
    order = sorted(columns, key=lambda j: columns[j])
    accounts: list[Account] = []
    sections: list[str] = []  # the sections open at a row, outermost first
    for n, row in enumerate(rows[first:], start=first + 1):
        name_cell = _normal(row[label]) if label is not None and label < len(row) else ""
        if is_total(name_cell):  # "Total for Payroll Expenses" closes that section
            closed = re.sub(r"^total (for )?", "", _label(name_cell))
            sections = next((sections[:k] for k, s in enumerate(sections) if s.lower() == closed), sections)
        if not name_cell or is_total(name_cell) or name_cell.startswith("其中") or name_cell.endswith((":", "：")):
            continue  # a total, a breakdown of the line above, a heading or signature line ("制表人：")
        cells = [amount(row[j]) if j < len(row) else None for j in order]
        problems += [Problem(_where(n, written[j], lang), "actuals_number", {"got": c})
                     for j, c in zip(order, cells, strict=True) if isinstance(c, str)]
        if all(c is None for c in cells):  # a section header
            sections.append(name_cell)
            continue
        accounts.append(Account(name_cell, sections[-1] if sections else "", n,
                                tuple(c if isinstance(c, float) else 0.0 for c in cells)))
    if problems:
        raise ScenarioError.of(*problems[:20])
    if not accounts:
        raise ScenarioError.of(Problem("(file)", "books_no_accounts", {}))
    return Books(tuple(columns[j] for j in order), tuple(written[j] for j in order), tuple(accounts))


def _month_problems(written: dict[int, str], months: dict[int, date], lang: str) -> list[Problem]:
    """A month twice, or a month missing between two others, at the column as written."""
    problems: list[Problem] = []
    seen: dict[date, int] = {}
    for j in sorted(months):
        if months[j] in seen:
            problems.append(Problem(t("actuals.at.column", lang, column=f"'{written[j]}'"), "books_month_twice", {}))
        seen.setdefault(months[j], j)
    ordered = sorted(seen)
    problems += [Problem(t("actuals.at.column", lang, column=f"'{written[seen[b]]}'"), "actuals_gap",
                         {"after": f"{a:%Y-%m}", "next": f"{b:%Y-%m}"})
                 for a, b in itertools.pairwise(ordered) if months_between(a, b) != 1]
    return problems


def _rule(text: str) -> str | None:
    label = _label(text)
    return next((line for line, words in RULES if any(w in label for w in words)), None)


def _stream(name: str, streams: list[str]) -> str:
    """The stream whose name best matches an account's (its name inside the account's wins), else the first."""
    label = _label(name)
    inside = [s for s in streams if s.lower() in label]
    if inside:
        return max(inside, key=len)
    ratios = {s: difflib.SequenceMatcher(None, s.lower(), label).ratio() for s in streams}
    best = max(streams, key=lambda s: ratios[s])
    return best if ratios[best] >= 0.5 else streams[0]


def suggest(account: Account, scenario: Scenario) -> str:
    """A line for an account from its name, else its section's (keyword rules in both languages, :data:`RULES`; a
    revenue word in a cost section's account, "Software subscriptions", is the section's); revenue goes to the
    stream whose name matches best; ``skip`` when neither says.

    >>> from core.model import load_scenario
    >>> b = load_scenario("sample_data/company_b_data_assistant.yaml")
    >>> [suggest(Account(n, s, 1, ()), b) for n, s in (("Analytics API usage", "Income"), ("减：营业成本", ""),
    ...  ("应付职工薪酬", "管理费用"), ("Rent", "Expenses"), ("Consulting", "Income"), ("所得税费用", ""), ("Misc", ""))]
    ['revenue:Analytics API', 'cost_of_revenue', 'payroll', 'other_opex', 'revenue:Analyst seats', 'tax', 'skip']
    """
    named, section = _rule(account.name), _rule(account.section)
    line = section if named == "revenue" and section not in (None, "revenue") else named or section or "skip"
    if line == "revenue":
        streams = [s.name for s in scenario.streams]
        return REVENUE + _stream(account.name, streams) if streams else "skip"
    return line


def valid_lines(scenario: Scenario) -> list[str]:
    """The lines an account of ``scenario``'s books may be mapped to: each stream's revenue first."""
    return [REVENUE + s.name for s in scenario.streams] + list(LINES)


def mapping_for(books: Books, scenario: Scenario, chosen: Mapping[str, str] | None = None,
                remembered: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each account's line: the ``chosen`` one (a saved mapping file: as written, :func:`books_actuals` refuses a line
    the scenario lacks), else the ``remembered`` one if the scenario still has that line, else :func:`suggest`."""
    lines = set(valid_lines(scenario))
    chosen, remembered = chosen or {}, remembered or {}
    found: dict[str, str] = {}
    for account in books.accounts:
        if account.name not in found:
            kept = remembered.get(account.name)
            found[account.name] = chosen.get(account.name) or (kept if kept in lines else None) or suggest(account, scenario)
    return found


def _actual_line(line: str) -> str | None:
    """The actuals' line a mapped line is read as (None: not carried)."""
    return None if line in NOT_USED else ONE_OFF_AS if line == "one_off" else line


def line_totals(books: Books, mapping: Mapping[str, str]) -> dict[str, list[float]]:
    """Each mapped line's amount in each month (the sum of its accounts), the lines in the mapping's order."""
    totals: dict[str, list[float]] = {}
    for line in dict.fromkeys(mapping[a.name] for a in books.accounts):
        accounts = [a for a in books.accounts if mapping[a.name] == line]
        totals[line] = [math.fsum(a.amounts[k] for a in accounts) for k in range(len(books.months))]
    return totals


def line_text(line: str, lang: str = "en") -> str:
    """A mapping line as a founder reads it: ``Revenue: Seats``, ``Payroll``, ``Income tax (not used)``."""
    if line.startswith(REVENUE):
        return t("actuals.line.revenue", lang, stream=line[len(REVENUE):])
    if line in ("cost_of_revenue", "payroll", "other_opex", "funding"):
        return t(f"actuals.line.{line}", lang)
    return t(f"books.line.{line}", lang)


def preview(books: Books, mapping: Mapping[str, str], lang: str = "en") -> pd.DataFrame:
    """The totals per line per month the import would read (the lines not carried say so), a column per month."""
    totals = line_totals(books, mapping)
    return pd.DataFrame([{t("books.col.line", lang): line_text(line, lang),
                          **{t("date.month", lang, when=m): f"{v:,.2f}" for m, v in zip(books.months, values, strict=True)}}
                         for line, values in totals.items()])


def mapping_table(books: Books, mapping: Mapping[str, str], lang: str = "en") -> pd.DataFrame:
    """The mapping step's table: each account once (name, section, line as :func:`line_text` writes it)."""
    sections = {a.name: a.section for a in reversed(books.accounts)}  # an account's first section
    return pd.DataFrame({t("books.col.account", lang): books.names,
                         t("books.col.section", lang): [sections[n] for n in books.names],
                         t("books.col.line", lang): [line_text(mapping[n], lang) for n in books.names]})


def chosen_mapping(books: Books, lines: list[object], scenario: Scenario, lang: str = "en") -> dict[str, str]:
    """The mapping a founder chose in :func:`mapping_table`'s line column (each account's line as written there;
    a cell emptied or unknown keeps the account's suggestion)."""
    by_text = {line_text(line, lang): line for line in valid_lines(scenario)}
    suggested = mapping_for(books, scenario)
    return {name: by_text.get(str(text), suggested[name]) for name, text in zip(books.names, lines, strict=True)}


PNL_LINES = ("cost_of_revenue", "payroll", "other_opex")
"""The actuals' cost lines a profit and loss reports in full."""


def books_actuals(books: Books, mapping: Mapping[str, str], scenario: Scenario, today: date,
                  remembered: Mapping[str, str] | None = None, lang: str = "en") -> Actuals:
    """The actuals the books give through ``mapping`` (every account's line, :func:`mapping_for`; a stream or cost
    line without an account is 0, the books holding the whole company), keeping the
    mapping (over the ``remembered`` one, so accounts absent this month keep their line). ScenarioError lists every
    problem: an account without a line or with one the scenario lacks, a month outside the plan or not ended, a line
    below 0 in a month."""
    lines = set(valid_lines(scenario))
    problems = [Problem(t("books.at.account", lang, account=f"'{name}'"), "books_line", {"line": mapping.get(name, "")})
                for name in books.names if mapping.get(name) not in lines]
    if problems:
        raise ScenarioError.of(*problems[:20])
    for month, column in zip(books.months, books.columns, strict=True):
        where = t("actuals.at.column", lang, column=f"'{column}'")
        if not passed(month, today):
            problems.append(Problem(where, "actuals_future", {"month": f"{month:%Y-%m}"}))
        elif (outside := outside_problem(where, month, scenario)) is not None:
            problems.append(outside)
    # a profit and loss holds the whole company: a stream or cost line no account is mapped to had nothing that month
    # (not "not reported", which would read the plan's); funding and cash are not in it
    records: list[dict] = [{"month": m, "revenue": dict.fromkeys((s.name for s in scenario.streams), 0.0),
                            **dict.fromkeys(PNL_LINES, 0.0)} for m in books.months]
    carried: dict[str, list[float]] = {}
    for line, values in line_totals(books, mapping).items():
        if (key := _actual_line(line)) is not None:
            carried[key] = [a + b for a, b in zip(carried.get(key, [0.0] * len(values)), values, strict=True)]
    for key, values in carried.items():
        for record, value, column in zip(records, values, books.columns, strict=True):
            if value < -1e-9:
                problems.append(Problem(t("books.at.line", lang, line=line_text(key, lang), column=column),
                                        "books_negative", {"sum": f"{value:,.2f}"}))
            elif key.startswith(REVENUE):
                record["revenue"][key[len(REVENUE):]] = max(value, 0.0)
            else:
                record[key] = max(value, 0.0)
    if problems:
        raise ScenarioError.of(*problems[:20])
    kept = {**(remembered or {}), **{name: mapping[name] for name in books.names}}
    try:
        actuals = Actuals.model_validate({"months": records, "mapping": kept})
    except ValidationError as exc:  # an account's name over 200 characters, over 1,000 accounts, a sum over the bounds
        raise ScenarioError.of(*problems_of(exc)[:20]) from None
    check_actuals(actuals, scenario, today)
    return actuals


def parse_mapping(mapping: object) -> dict[str, str]:
    """A saved mapping (accounts → lines) as read from JSON or YAML; ScenarioError when it is not one."""
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise ScenarioError.of(Problem("(mapping)", "books_mapping_file", {}))
    return {k.strip(): v.strip() for k, v in mapping.items()}


# --- the balance sheet of the last month ------------------------------------------------------------------------

BALANCE = (
    ("ending_cash", ("货币资金", "现金及现金等价物", "cash and cash equivalents", "bank accounts", "cash at bank", "bank")),
    ("receivables", ("应收账款", "accounts receivable", "trade receivables", "trade debtors", "debtors")),
    ("payables", ("应付账款", "accounts payable", "trade payables", "trade creditors", "creditors")),
)
END_HEADER = ("期末余额", "期末数", "期末金额", "本期期末")


def read_balance(name: str, data: bytes, lang: str = "en") -> dict[str, float]:
    """Cash, receivables and payables at the end of the period of a balance sheet export (资产负债表 / Balance
    Sheet), by the actuals' keys: each the first row whose name says it and that has an amount (QuickBooks' "Total
    Bank Accounts" for the cash), read in the first end-of-period column to its right (a ``期末余额`` or date
    column; a 资产负债表 has two such sides)."""
    rows = sheet_rows(name, data, MAX_BOOK_ROWS + 1, MAX_BOOK_COLUMNS)
    at = next((i for i, row in enumerate(rows[:HEADER_ROWS]) if any(_is_end(c) for c in row)), None)
    if at is None:
        raise ScenarioError.of(Problem("(file)", "balance_no_column", {}))
    ends = [j for j, c in enumerate(rows[at]) if _is_end(c)]
    found: dict[str, float] = {}
    problems = []
    for n, row in enumerate(rows[at + 1:], start=at + 2):
        for j, cell in enumerate(row):
            key = _balance_key(cell)
            column = next((e for e in ends if e > j), None)
            if key is None or key in found or column is None:
                continue
            value = amount(row[column]) if column < len(row) else None
            if isinstance(value, str):
                problems.append(Problem(_where(n, _normal(rows[at][column]), lang), "actuals_number", {"got": value}))
            elif value is not None:
                found[key] = value
    if problems:
        raise ScenarioError.of(*problems[:20])
    if not found:
        raise ScenarioError.of(Problem("(file)", "balance_none", {}))
    return found


def _is_end(cell: object) -> bool:
    """Whether a header cell heads the end of the period: ``期末余额``, ``Total``, a date."""
    text = _normal(cell).lower()
    return text == "total" or text.startswith(END_HEADER) or header_month(cell) is not None


def _balance_key(cell: object) -> str | None:
    label = re.sub(r"^total (for )?", "", _label(cell))  # QuickBooks' "Total Bank Accounts" is the cash
    if not label or label.startswith("其中"):
        return None
    return next((key for key, words in BALANCE if any(label.startswith(w) for w in words)), None)


def with_balance(actuals: Actuals, balance: Mapping[str, float]) -> Actuals:
    """``actuals`` with their last month's cash, receivables and payables from a balance sheet."""
    data = actuals.model_dump()
    data["months"][-1].update(balance)
    try:
        return Actuals.model_validate(data)
    except ValidationError as exc:  # a balance below 0 (cash may be)
        raise ScenarioError.of(*problems_of(exc)) from None
