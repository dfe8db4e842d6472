"""Actuals from the books: each accounting system's P&L export imports to the same actuals as the template holding
the same figures (summed by hand in books_samples), the mapping is remembered through the store, every problem is
reported at once with its row and column, and hostile files are refused with a message."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl
import pytest

from core.model import Actuals, ScenarioError, load_scenario
from core.storage.actuals_files import is_template, read_actuals
from core.storage.books_files import (
    Account,
    books_actuals,
    chosen_mapping,
    line_totals,
    mapping_for,
    mapping_table,
    parse_mapping,
    read_balance,
    read_books,
    suggest,
    with_balance,
)
from core.storage.store import LOCAL
from tests.core.storage import books_samples as samples

B = load_scenario("sample_data/company_b_data_assistant.yaml")
TODAY = date(2026, 12, 2)
SAMPLES = {
    "quickbooks.csv": (samples.quickbooks_csv, samples.ENGLISH_TEMPLATE),
    "quickbooks.xlsx": (samples.quickbooks_xlsx, samples.ENGLISH_TEMPLATE),
    "xero.xlsx": (samples.xero_xlsx, samples.ENGLISH_TEMPLATE),
    "kingdee.xlsx": (samples.kingdee_xlsx, samples.CHINESE_TEMPLATE),
    "yonyou.csv": (samples.yonyou_csv, samples.CHINESE_TEMPLATE),
    "yonyou-bom.csv": (lambda: samples.yonyou_csv("utf-8-sig"), samples.CHINESE_TEMPLATE),
    "kingdee-chart-first.xlsx": (lambda: samples.kingdee_xlsx(chart_first=True), samples.CHINESE_TEMPLATE),
}


def figures(actuals: Actuals) -> dict[tuple[str, str], float]:
    """Every reported figure by (month, line), revenue as ``revenue:<stream>``."""
    out = {}
    for m in actuals.months:
        for key, value in m.model_dump(exclude={"month", "revenue"}).items():
            if value is not None:
                out[(f"{m.month:%Y-%m}", key)] = value
        out |= {(f"{m.month:%Y-%m}", f"revenue:{s}"): v for s, v in m.revenue.items()}
    return out


def imported(name: str, data: bytes, given=None, remembered=None) -> Actuals:
    books = read_books(name, data)
    return books_actuals(books, mapping_for(books, B, given, remembered), B, TODAY, remembered)


@pytest.mark.parametrize("name", SAMPLES)
def test_each_export_imports_to_the_same_actuals_as_the_template_with_the_same_figures(name):
    make, template = SAMPLES[name]
    ours = read_actuals("t.csv", template.encode(), B, TODAY)
    theirs = imported(name.replace("-chart-first", "").replace("-bom", ""), make())
    assert [m.month for m in theirs.months] == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert figures(theirs).keys() == figures(ours).keys()
    assert figures(theirs) == pytest.approx(figures(ours))
    assert set(theirs.mapping) == set(read_books(name, make()).names) and ours.mapping == {}  # kept for next month


def test_a_line_no_account_goes_to_reads_zero_not_the_plan():
    """The 利润表 has one revenue line and no payroll line: the API stream and payroll read 0 (not reported would read
    the plan's, counting its revenue on top of the books' and its payroll on top of the expenses holding it)."""
    january = imported("yonyou.csv", samples.yonyou_csv()).months[0]
    assert january.revenue == {"Analyst seats": pytest.approx(97_000), "Analytics API": 0.0}
    assert january.payroll == 0 and january.funding is None and january.ending_cash is None


def test_hand_checked_sums_two_payroll_accounts_a_discount_and_a_one_off():
    january, february = imported("qb.csv", samples.quickbooks_csv()).months[:2]
    assert january.payroll == pytest.approx(15_500)                  # salaries 12,000 + benefits 3,500
    assert january.revenue["Analyst seats"] == pytest.approx(85_000)  # 85,500 less a discount written (500.00)
    assert january.cost_of_revenue == pytest.approx(13_000)           # hosting 9,000 + GPU 4,000
    assert february.other_opex == pytest.approx(7_000)                # rent 5,000 + the office move 2,000 (one-off)
    assert january.funding is None and january.ending_cash is None   # no account says them: not reported


def test_suggestions_in_both_languages_and_what_is_not_used():
    books = read_books("qb.csv", samples.quickbooks_csv())
    assert mapping_for(books, B) == {
        "Subscription revenue - Analyst seats": "revenue:Analyst seats", "Discounts given": "revenue:Analyst seats",
        "Analytics API usage": "revenue:Analytics API", "Cloud hosting": "cost_of_revenue",
        "GPU inference": "cost_of_revenue", "Salaries & wages": "payroll", "Employee benefits": "payroll",
        "Rent": "other_opex", "Legal & professional fees": "other_opex", "Interest earned": "financing",
        "Office move (one-off)": "one_off", "Income tax expense": "tax"}
    chinese = read_books("k.xlsx", samples.kingdee_xlsx())
    assert [a.name for a in chinese.accounts] == ["一、营业收入", "减：营业成本", "税金及附加", "销售费用", "管理费用", "研发费用",
                                                 "财务费用", "利息收入", "加：营业外收入", "减：营业外支出", "减：所得税费用"]
    assert mapping_for(chinese, B) == {"一、营业收入": "revenue:Analyst seats", "减：营业成本": "cost_of_revenue",
                                       "税金及附加": "other_opex", "销售费用": "other_opex", "管理费用": "other_opex",
                                       "研发费用": "other_opex", "财务费用": "financing", "利息收入": "financing",
                                       "加：营业外收入": "skip", "减：营业外支出": "one_off", "减：所得税费用": "tax"}
    for name, line in (("应付职工薪酬", "payroll"), ("五险一金", "payroll"), ("主营业务收入", "revenue:Analyst seats"),
                       ("主营业务成本", "cost_of_revenue"), ("Payroll taxes", "payroll"), ("Software subscriptions", "other_opex")):
        assert suggest(Account(name, "Expenses" if name == "Software subscriptions" else "", 1, ()), B) == line


def test_the_line_totals_add_up_to_the_accounts_and_a_chosen_mapping_moves_an_account():
    books = read_books("x.xlsx", samples.xero_xlsx())
    mapping = mapping_for(books, B)
    totals = line_totals(books, mapping)
    for k in range(3):  # every account is on exactly one line: the lines add up to the accounts
        assert sum(v[k] for v in totals.values()) == pytest.approx(sum(a.amounts[k] for a in books.accounts))
    table = mapping_table(books, mapping)
    column = list(table["Line"])
    column[list(table["Account"]).index("Rent")] = "Payroll"           # the founder moves Rent to payroll
    moved = chosen_mapping(books, column, B)
    assert moved["Rent"] == "payroll" and {k: v for k, v in moved.items() if k != "Rent"} == {
        k: v for k, v in mapping.items() if k != "Rent"}
    assert books_actuals(books, moved, B, TODAY).months[0].payroll == pytest.approx(15_500 + 5_000)


def test_the_mapping_is_remembered_with_the_actuals_so_the_next_month_needs_none(tmp_path):
    from core.storage.store import Store

    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    sid = store.create(LOCAL, "Winter", B).scenario_id
    books = read_books("qb.csv", samples.quickbooks_csv())
    chosen = mapping_for(books, B) | {"Interest earned": "skip", "Rent": "payroll"}  # the founder's own choices
    store.save_actuals(LOCAL, sid, books_actuals(books, chosen, B, TODAY))
    _, kept = store.actuals(LOCAL, sid)
    assert kept.mapping == chosen
    again = read_books("qb.xlsx", samples.quickbooks_xlsx())               # next month's export: no mapping given
    assert mapping_for(again, B, None, kept.mapping) == chosen
    second = books_actuals(again, mapping_for(again, B, None, kept.mapping), B, TODAY, kept.mapping)
    assert second.months[0].payroll == pytest.approx(20_500) and second.mapping == chosen
    template = read_actuals("t.csv", samples.ENGLISH_TEMPLATE.encode(), B, TODAY)
    assert template.mapping == {} and Actuals.model_validate_json(template.model_dump_json()) == template


def test_actuals_stored_before_the_mapping_existed_still_read():
    old = '{"months": [{"month": "2026-01-01", "revenue": {}, "payroll": 1.0, "ending_cash": null}]}'
    assert Actuals.model_validate_json(old).mapping == {}
    assert Actuals.model_validate_json(old).months[0].receivables is None


def test_a_remembered_line_the_scenario_no_longer_has_falls_back_to_the_suggestion():
    books = read_books("qb.csv", samples.quickbooks_csv())
    assert mapping_for(books, B, None, {"Rent": "revenue:Gone stream"})["Rent"] == "other_opex"


def test_every_problem_at_once_with_its_row_and_column_as_written():
    rows = samples.quickbooks_rows()
    rows[6][2] = "12O0.00"        # Subscription revenue, Feb 2026: a letter O
    rows[12][3] = "#REF!"         # GPU inference, Mar 2026
    bad = samples._csv(rows)
    with pytest.raises(ScenarioError) as err:
        read_books("qb.csv", bad)
    assert err.value.errors == ["row 7, Feb 2026: not a number (got '12O0.00')", "row 13, Mar 2026: not a number (got '#REF!')"]
    with pytest.raises(ScenarioError) as err:
        read_books("qb.csv", bad, lang="zh")
    assert err.value.localized("zh")[0] == "第7行，Feb 2026: 不是数字（当前值 '12O0.00'）"


def test_months_twice_or_missing_and_months_outside_the_plan_or_not_ended_name_their_column():
    rows = samples.quickbooks_rows()
    rows[4][2:4] = ["Jan 2026", "Apr 2026"]
    with pytest.raises(ScenarioError) as err:
        read_books("qb.csv", samples._csv(rows))
    assert err.value.errors == ["column 'Jan 2026': this month is there twice",
                                "column 'Apr 2026': the months jump from 2026-01 to 2026-04: every month in between is needed"]
    books = read_books("qb.csv", samples.quickbooks_csv())
    with pytest.raises(ScenarioError) as err:
        books_actuals(books, mapping_for(books, B), B, date(2026, 3, 15))
    assert err.value.errors == ["column 'Mar 2026': 2026-03 has not ended yet: only months that have ended can be entered"]


def test_an_unknown_line_and_a_line_below_zero_are_refused_naming_the_account_or_the_line_and_month():
    books = read_books("qb.csv", samples.quickbooks_csv())
    with pytest.raises(ScenarioError) as err:
        books_actuals(books, mapping_for(books, B) | {"Rent": "marketing"}, B, TODAY)
    assert err.value.errors[0].startswith("account 'Rent': “marketing” is not a line of this scenario")
    only_discount = mapping_for(books, B) | {"Subscription revenue - Analyst seats": "skip"}
    with pytest.raises(ScenarioError) as err:
        books_actuals(books, only_discount, B, TODAY)
    assert err.value.errors == ["Revenue: Analyst seats, Jan 2026: the accounts of this line add up to -500.00, below 0"]


def test_a_balance_sheet_gives_the_last_month_s_cash_receivables_and_payables():
    expected = {"ending_cash": 2_450_000.5, "receivables": 118_000, "payables": 41_250}
    assert read_balance("bs.xlsx", samples.kingdee_balance_xlsx()) == pytest.approx(expected)   # two sides, 期末余额
    assert read_balance("bs.csv", samples.quickbooks_balance_csv()) == pytest.approx(expected)  # Total Bank Accounts
    actuals = with_balance(imported("qb.csv", samples.quickbooks_csv()), expected)
    assert (actuals.months[-1].ending_cash, actuals.months[-1].receivables, actuals.months[-1].payables) == (
        2_450_000.5, 118_000, 41_250)
    assert actuals.months[0].ending_cash is None
    with pytest.raises(ScenarioError):
        with_balance(actuals, {"receivables": -1.0})


def test_the_template_takes_receivables_and_payables_in_either_language():
    english = read_actuals("t.csv", b"month,receivables,payables\n2026-01,1200,300\n", B, TODAY)
    chinese = read_actuals("t.csv", "月份,应收账款,应付账款\n2026-01,1200,300\n".encode(), B, TODAY)
    assert english == chinese and (english.months[0].receivables, english.months[0].payables) == (1200, 300)


def test_a_template_is_told_from_an_export():
    assert is_template("t.csv", samples.ENGLISH_TEMPLATE.encode()) and is_template("t.csv", samples.CHINESE_TEMPLATE.encode())
    assert not is_template("qb.csv", samples.quickbooks_csv()) and not is_template("y.csv", samples.yonyou_csv())


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


def _chart_only() -> bytes:
    book = openpyxl.Workbook()
    samples.chart_sheet(book)
    book.remove(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _malformed() -> bytes:
    good = zipfile.ZipFile(io.BytesIO(samples.quickbooks_xlsx()))
    return _zip({n: (b"<worksheet><sheetData><row>" if n.endswith("sheet1.xml") else good.read(n)) for n in good.namelist()})


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.xlsx", _zip({}), "(file): not a readable Excel workbook (KeyError)"),
    ("charts.xlsx", _chart_only(), "(file): the workbook has no worksheet (only charts)"),
    ("broken.xlsx", _malformed(), "(file): not a readable Excel workbook"),
    ("zip.xlsx", b"PK\x03\x04 not really", "(file): not an Excel workbook (.xlsx is a zip archive)"),
    ("huge.csv", b"Profit and Loss\n" + b"x" * 200_000, "(file): not a readable CSV file (field larger than field limit"),
    ("nul.csv", b"\xff\xfe\x00\x00\x81", "(file): not UTF-8 or GBK text"),
    ("nan.csv", b",Jan 2026,Feb 2026\nRent,nan,inf\n", "row 2, Jan 2026: not a number (got 'nan')"),
    ("words.csv", "利润表\n项目,1月\n营业收入,1\n".encode(), "(file): the months are written without their year"),
    ("none.csv", b"Profit and Loss\nRent,5000\n", "(file): no header row of months"),
    ("empty.csv", b"", "(file): no header row of months"),
    ("headers.csv", b",Jan 2026\nIncome,\nTotal Income,0\n", "(file): no account with amounts"),
    ("big.csv", b"x" * 1_000_001, "(file): 1,000,001 bytes is over the"),
    ("plan.txt", b",Jan 2026\n", "(file): 'plan.txt' is not .csv or .xlsx"),
])
def test_hostile_files_are_refused_with_a_message_never_a_crash(name, data, message):
    with pytest.raises(ScenarioError) as err:
        read_books(name, data)
    assert err.value.errors[0].startswith(message)


def test_a_saved_mapping_file_must_be_account_line_pairs():
    assert parse_mapping({" Rent ": " payroll"}) == {"Rent": "payroll"}
    for bad in (["Rent"], {"Rent": 3}, None):
        with pytest.raises(ScenarioError):
            parse_mapping(bad)


def test_an_account_name_too_long_to_keep_is_refused_with_a_message_not_an_exception():
    rows = samples.quickbooks_rows()
    assert rows[20][0] == "Rent"
    rows[20][0] = "R" * 300
    books = read_books("qb.csv", samples._csv(rows))
    with pytest.raises(ScenarioError) as err:
        books_actuals(books, mapping_for(books, B), B, TODAY)
    assert any("200" in line for line in err.value.errors)


def test_amounts_as_accounting_software_writes_them():
    from core.storage.books_files import amount

    assert [amount(c) for c in ("USD 1,200.50", "－300.00", "(1,234.56)", "￥8,000", 12, "")] == [
        1200.5, -300.0, -1234.56, 8000.0, 12.0, None]


def test_realigned_actuals_keep_their_mapping():
    from core.model import realigned, replace_fields

    actuals = imported("qb.csv", samples.quickbooks_csv())
    kept = realigned(actuals, replace_fields(B, {"company.start_date": date(2026, 2, 1)}))
    assert [m.month.month for m in kept.months] == [2, 3] and kept.mapping == actuals.mapping
