"""Sample exports of a profit and loss by month, as QuickBooks Online, Xero, 金蝶 (Kingdee) and 用友 (Yonyou) write
them, January to March 2026, each with the template CSV holding the same actuals (summed by hand)."""

from __future__ import annotations

import csv
import io

import openpyxl
from openpyxl.chart import BarChart, Reference

MONTHS = ("2026-01", "2026-02", "2026-03")

# --- English books (QuickBooks, Xero): (name, amounts) rows; amounts None for a section header, "total" for a total
ENGLISH = [
    ("Income", None),
    ("Subscription revenue - Analyst seats", (85_500, 88_000, 91_500.25)),
    ("Discounts given", (-500, None, None)),
    ("Analytics API usage", (12_000, 13_500, 15_000)),
    ("Total Income", "total"),
    ("Cost of Goods Sold", None),
    ("Cloud hosting", (9_000, 9_500, 10_000)),
    ("GPU inference", (4_000, 4_200, 4_400)),
    ("Total Cost of Goods Sold", "total"),
    ("Gross Profit", "total"),
    ("Expenses", None),
    ("Payroll Expenses", None),
    ("Salaries & wages", (12_000, 12_000, 12_500)),
    ("Employee benefits", (3_500, 3_600, 3_600)),
    ("Total for Payroll Expenses", "total"),
    ("Rent", (5_000, 5_000, 5_000)),
    ("Legal & professional fees", (1_200, None, 800)),
    ("Total Expenses", "total"),
    ("Net Operating Income", "total"),
    ("Other Income", None),
    ("Interest earned", (300, 310, 320)),
    ("Other Expenses", None),
    ("Office move (one-off)", (None, 2_000, None)),
    ("Income tax expense", (None, None, 1_000)),
    ("Net Income", "total"),
]
ENGLISH_TEMPLATE = (  # Analyst seats = subscriptions - discounts; payroll 12,000 + 3,500 = 15,500; other = rent + fees + move
    "month,revenue: Analyst seats,revenue: Analytics API,cost_of_revenue,payroll,other_opex\n"
    "2026-01,85000,12000,13000,15500,6200\n"
    "2026-02,88000,13500,13700,15600,7000\n"
    "2026-03,91500.25,15000,14400,16100,5800\n")

# --- a 利润表 (Kingdee, Yonyou): the standard lines; 财务费用 and 所得税 are not carried, 营业外支出 is a one-off
CHINESE = [
    ("一、营业收入", (97_000, 101_500, 106_500.25)),
    ("减：营业成本", (13_000, 13_700, 14_400)),
    ("税金及附加", (600, 620, 640)),
    ("销售费用", (8_000, 8_500, 9_000)),
    ("管理费用", (15_500, 15_600, 16_100)),
    ("研发费用", (30_000, 30_000, 31_000)),
    ("财务费用", (-300, -310, -320)),
    ("其中：利息费用", (0, 0, 0)),
    ("利息收入", (300, 310, 320)),
    ("二、营业利润（亏损以“－”号填列）", "total"),
    ("加：营业外收入", (None, None, 5_000)),
    ("减：营业外支出", (None, 2_000, None)),
    ("三、利润总额（亏损总额以“－”号填列）", "total"),
    ("减：所得税费用", (None, None, 1_000)),
    ("四、净利润（净亏损以“－”号填列）", "total"),
]
CHINESE_TEMPLATE = (  # other_opex = 税金及附加 + 销售 + 管理 + 研发 + 营业外支出: 600 + 8,000 + 15,500 + 30,000 = 54,100;
    # the API stream and payroll have no account: 0 (a profit and loss holds the whole company)
    "月份,收入：Analyst seats,收入：Analytics API,营业成本,工资,其他费用\n"
    "2026-01,97000,0,13000,0,54100\n"
    "2026-02,101500,0,13700,0,56720\n"
    "2026-03,106500.25,0,14400,0,56740\n")


def _total(rows, k: int, upto: int) -> float:
    """A total row's amount: the accounts above it (not what the reader uses; the exports write one)."""
    return sum((amounts[k] or 0) for _, amounts in rows[:upto] if isinstance(amounts, tuple))


def _cells(rows, fmt) -> list[list[object]]:
    out = []
    for i, (name, amounts) in enumerate(rows):
        if amounts is None:
            out.append([name, *([None] * len(MONTHS)), None])
        else:
            values = [_total(rows, k, i) for k in range(len(MONTHS))] if amounts == "total" else list(amounts)
            out.append([name, *(fmt(v) for v in values), fmt(sum(v or 0 for v in values))])
    return out


def _qb_text(value) -> str:
    if value is None:
        return ""
    return f"({-value:,.2f})" if value < 0 else f"${value:,.2f}"


def _csv(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([["" if c is None else c for c in row] for row in rows])
    return out.getvalue().encode(encoding)


def _xlsx(rows: list[list[object]], merges: tuple[str, ...] = (), chart_first: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    if chart_first:
        chart_sheet(book, 0)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def chart_sheet(book, index: int | None = None) -> None:
    """A chart sheet (a sheet of one chart, no cells) in ``book``, at ``index``."""
    chart = BarChart()
    chart.add_data(Reference(book.worksheets[0], min_col=2, min_row=1, max_row=2))
    book.create_chartsheet("Chart", index).add_chart(chart)


def quickbooks_rows(fmt=_qb_text) -> list[list[object]]:
    """QuickBooks Online's "Profit and Loss" by month: company, title, date range, a blank row, the months."""
    return [["Northwind Analytics Inc."], ["Profit and Loss"], ["January - March, 2026"], [],
            ["Distribution account", "Jan 2026", "Feb 2026", "Mar 2026", "Total"], *_cells(ENGLISH, fmt), [],
            ["Accrual Basis Monday, April 6, 2026 09:14 AM GMT-07:00"]]


def quickbooks_csv() -> bytes:
    return _csv(quickbooks_rows())


def quickbooks_xlsx() -> bytes:
    return _xlsx(quickbooks_rows(lambda v: v), merges=("A1:E1", "A2:E2", "A3:E3"))


def xero_xlsx() -> bytes:
    """Xero's "Profit and Loss" with monthly columns: its own section names, Jan-26 headers, numbers as numbers."""
    renamed = {"Income": "Trading Income", "Total Income": "Total Trading Income", "Cost of Goods Sold": "Cost of Sales",
               "Total Cost of Goods Sold": "Total Cost of Sales", "Expenses": "Operating Expenses",
               "Total Expenses": "Total Operating Expenses", "Net Income": "Net Profit", "Payroll Expenses": "Wages",
               "Total for Payroll Expenses": "Total Wages"}
    rows = [(renamed.get(name, name), amounts) for name, amounts in ENGLISH]
    return _xlsx([["Profit and Loss"], ["Northwind Analytics Ltd"], ["For the 3 months ended 31 March 2026"], [],
                  ["Account", "Jan-26", "Feb-26", "Mar-26", "Total"], *_cells(rows, lambda v: v)])


def kingdee_xlsx(chart_first: bool = False) -> bytes:
    """金蝶's 利润表 by month: title, 编制单位 and 单位：元, each month a merged cell over 本月金额 / 本年累计, and a 行次
    column."""
    header = ["项目", "行次"]
    below = [None, None]
    for m in MONTHS:
        year, month = m.split("-")
        header += [f"{year}年{int(month)}月", None]
        below += ["本月金额", "本年累计金额"]
    rows: list[list[object]] = [["利润表"], ["编制单位：北风智能科技有限公司", None, None, None, "单位：元"], header, below]
    running = [0.0] * 4
    for n, (name, amounts) in enumerate(CHINESE, start=1):
        values = [None] * len(MONTHS) if amounts == "total" else amounts  # a total left empty here: still not an account
        cells: list[object] = [name, n]
        for k, v in enumerate(values):
            running[k] = (running[k - 1] if k else 0) + (v or 0)
            cells += [v, running[k]]
        rows.append(cells)
    merges = ("A1:H1", "C3:D3", "E3:F3", "G3:H3", "A3:A4", "B3:B4")
    return _xlsx(rows, merges, chart_first)


def yonyou_csv(encoding: str = "gbk") -> bytes:
    """用友's 利润表 by month as CSV in GBK: the year in the title, months as 1月, 2月, 3月, then 本年累计."""
    rows = [["利润表"], ["编制单位：北风智能科技有限公司", "2026年度", "", "", "单位：元"],
            ["项目", "行次", "1月", "2月", "3月", "本年累计"]]
    for n, (name, amounts) in enumerate(CHINESE, start=1):
        values = [_total(CHINESE, k, n - 1) for k in range(3)] if amounts == "total" else list(amounts)
        rows.append([name, n, *("" if v is None else f"{v:,.2f}" for v in values), f"{sum(v or 0 for v in values):,.2f}"])
    rows.append([])
    rows.append(["单位负责人：", "", "财务负责人：", "", "制表人："])
    return _csv(rows, encoding)


def kingdee_balance_xlsx() -> bytes:
    """金蝶's 资产负债表 for March 2026: assets on the left, liabilities on the right, each with 期末余额 / 年初余额."""
    return _xlsx([["资产负债表"], ["编制单位：北风智能科技有限公司", None, "2026年3月31日", None, None, None, "单位：元"],
                  ["资产", "行次", "期末余额", "年初余额", "负债和所有者权益", "行次", "期末余额", "年初余额"],
                  ["流动资产：", None, None, None, "流动负债：", None, None, None],
                  ["货币资金", 1, 2_450_000.5, 2_820_000, "短期借款", 32, 0, 0],
                  ["应收账款", 4, 118_000, 96_000, "应付账款", 35, 41_250, 38_000],
                  ["流动资产合计", 15, 2_568_000.5, 2_916_000, "流动负债合计", 45, 41_250, 38_000]])


def quickbooks_balance_csv() -> bytes:
    """QuickBooks' "Balance Sheet" as of 31 March 2026: bank accounts summed in "Total Bank Accounts"."""
    return _csv([["Northwind Analytics Inc."], ["Balance Sheet"], ["As of March 31, 2026"], [],
                 ["Distribution account", "Total"], ["Assets"], ["Current Assets"], ["Bank Accounts"],
                 ["Checking", "2,000,000.00"], ["Savings", "450,000.50"], ["Total Bank Accounts", "$2,450,000.50"],
                 ["Accounts Receivable"], ["Accounts Receivable (A/R)", "118,000.00"],
                 ["Total Accounts Receivable", "$118,000.00"], ["Liabilities and Equity"], ["Accounts Payable"],
                 ["Accounts Payable (A/P)", "41,250.00"], ["Total Accounts Payable", "$41,250.00"]])
