"""Actuals files: the template round trip, the mapping of unknown streams, and every malformed file refused with
its row and column."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from core.analysis.actuals import _plan_lines, variance
from core.engine.projection import project
from core.model import ScenarioError, load_scenario, month_after, replace_fields
from core.storage.actuals_files import entry_months, read_actuals, template, unmatched

B = load_scenario("sample_data/company_b_data_assistant.yaml")
TODAY = date(2026, 12, 2)


def filled_template(scenario=B, months: int | None = None) -> str:
    """The template with every cell set to the plan's own value."""
    p = project(scenario)
    lines = _plan_lines(p, p.stream_names)
    rows = list(csv.reader(io.StringIO(template(scenario, TODAY))))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rows[0])
    for t, row in enumerate(rows[1:months + 1 if months else None]):
        key = {c: c.replace("revenue: ", "revenue:") for c in rows[0][1:]}
        writer.writerow([row[0], *(f"{lines[key[c]][t]:.6f}" if key[c] in lines else "" for c in rows[0][1:])])
    return out.getvalue()


def refused(data: str | bytes, name: str = "actuals.csv", mapping=None) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        read_actuals(name, data.encode() if isinstance(data, str) else data, B, TODAY, mapping)
    return err.value.errors


def test_the_template_has_every_column_and_a_row_per_month_that_has_ended():
    rows = list(csv.reader(io.StringIO(template(B, TODAY))))
    assert rows[0] == ["month", "revenue: Analyst seats", "revenue: Analytics API", "cost_of_revenue", "payroll",
                       "other_opex", "funding", "ending_cash", "receivables", "payables"]
    assert [r[0] for r in rows[1:]] == [f"2026-{m:02d}" for m in range(1, 12)]      # Jan to Nov 2026: Dec runs on


@pytest.mark.parametrize(("start", "today", "months"), [
    (date(2027, 1, 1), date(2026, 12, 7), []),                               # the plan starts next month
    (date(2027, 1, 1), date(2027, 1, 31), []),                               # its first month has not ended
    (date(2027, 1, 15), date(2027, 2, 1), [date(2027, 1, 1)]),               # ... and has, the next morning
    (date(2026, 11, 1), date(2026, 12, 7), [date(2026, 11, 1)]),
    (date(2020, 1, 1), date(2026, 12, 7), [date(2020 + m // 12, m % 12 + 1, 1) for m in range(12)]),  # 12-month horizon
])
def test_the_template_offers_only_the_plan_months_that_have_ended(start, today, months):
    scenario = replace_fields(B, {"company.start_date": start, "settings.horizon_months": 12})
    assert entry_months(scenario, today) == months
    assert [r[0] for r in list(csv.reader(io.StringIO(template(scenario, today))))[1:]] == [f"{m:%Y-%m}" for m in months]


@pytest.mark.parametrize("today", [date(2025, 12, 7), date(2026, 1, 31), date(2026, 2, 1), date(2026, 7, 15),
                                   date(2030, 12, 31), date(2031, 1, 1), date(2033, 3, 3)])
def test_the_template_and_the_upload_agree_on_which_months_can_be_entered(today):
    offered = entry_months(B, today)
    for lang in ("en", "zh"):           # the template uploaded as it was downloaded: its months, or none to upload
        if offered:
            assert [m.month for m in read_actuals("a.csv", template(B, today, lang).encode(), B, today).months] == offered
        else:
            assert template(B, today, lang).count("\n") == 1
    nxt = month_after(offered[-1]) if offered else date(2026, 1, 1)     # the next month is refused, the file with it
    rows = "".join(f"{m:%Y-%m},1\n" for m in [*offered, nxt])
    with pytest.raises(ScenarioError):
        read_actuals("a.csv", f"month,payroll\n{rows}".encode(), B, today)


def test_the_template_filled_with_the_plan_reads_back_as_the_plan():
    actuals = read_actuals("a.csv", filled_template().encode(), B, TODAY)
    assert len(actuals.months) == 11 and actuals.first == date(2026, 1, 1)
    v = variance(B, actuals)
    assert v.cash_gap == pytest.approx(0, abs=1e-3) and all(abs(d) < 1e-3 for d in v.drivers.values())


def test_an_excel_file_reads_like_the_csv():
    book = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(filled_template(months=3))):
        book.active.append([row[0], *(float(x) if x else None for x in row[1:])] if row[0] != "month" else row)
    book.active["A2"] = date(2026, 1, 1)                                   # a real date cell reads as its month
    buffer = io.BytesIO()
    book.save(buffer)
    from_xlsx = read_actuals("a.xlsx", buffer.getvalue(), B, TODAY)
    assert from_xlsx == read_actuals("a.csv", filled_template(months=3).encode(), B, TODAY)


def test_a_formula_without_its_saved_result_is_named_not_read_as_blank():
    """openpyxl writes formulas without results (as some exporters do): the cell reads as a blank, so the message
    names the cell and its formula instead of a missing value; the same file with values reads."""
    book = openpyxl.Workbook()
    book.active.append(["month", "payroll", "ending_cash"])
    book.active.append(["2026-01", 170_000, 2_800_000])
    book.active.append(["2026-02", "=B2*1.01", 2_650_000])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ScenarioError, match=r"cell B3 holds a formula whose result was never saved \(=B2\*1.01\)"):
        read_actuals("a.xlsx", buffer.getvalue(), B, TODAY)
    book.active["B3"] = 171_700
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_actuals("a.xlsx", buffer.getvalue(), B, TODAY).months[1].payroll == 171_700


def test_any_subset_of_columns_in_any_order_and_case():
    actuals = read_actuals("a.csv", b"Ending Cash,MONTH, Payroll \n2800000,2026-01,170000\n2650000,2026-02,171000\n",
                           B, TODAY)
    assert [m.payroll for m in actuals.months] == [170000, 171000] and actuals.months[1].ending_cash == 2_650_000
    assert actuals.months[0].cost_of_revenue is None                       # not reported: read as the plan


def test_an_unknown_stream_column_is_refused_until_it_is_mapped_or_left_out():
    data = "month,revenue: Seats (old name),payroll\n2026-01,85000,170000\n"
    assert unmatched("a.csv", data.encode(), B) == ["revenue: Seats (old name)"]
    assert refused(data) == ["column 'revenue: Seats (old name)': no stream of this scenario has that name: map it to "
                             "one, or leave it out"]
    mapped = read_actuals("a.csv", data.encode(), B, TODAY, {"revenue: Seats (old name)": "Analyst seats"})
    assert mapped.months[0].revenue == {"Analyst seats": 85000}
    left_out = read_actuals("a.csv", data.encode(), B, TODAY, {"revenue: Seats (old name)": None})
    assert left_out.months[0].revenue == {}


@pytest.mark.parametrize(("data", "message"), [
    ("month,payroll\n2026-01,1\n2026-03,2\n", "row 2, month: the months jump from 2026-01 to 2026-03: every month in between is needed"),
    ("month,payroll\n2026-01,1\n2026-01,2\n", "row 3, month: 2026-01 is already in row 2"),
    ("month,payroll\n2026-01,ten\n", "row 2, payroll: not a number (got 'ten')"),
    ("month,payroll\n2026-01,nan\n", "row 2, payroll: not a number (got 'nan')"),
    ("month,payroll\n2026-01,-5\n", "row 2, payroll: below 0: revenue, costs and funding are reported as amounts of 0 or more (got '-5')"),
    ("month,payroll\n2026-13,1\n", "row 2, month: not a month (write YYYY-MM) (got '2026-13')"),
    ("month,payroll\n2026-11,1\n2026-12,1\n", "row 3, month: 2026-12 has not ended yet: only months that have ended can be entered"),
    ("month,payroll\n2025-12,1\n", "row 2, month: outside the plan (it starts in 2026-01 and runs 60 months)"),
    ("month,salary\n2026-01,1\n", "column 'salary': not a column of the template"),
    ("payroll\n1\n", "(file): there is no month column"),
    ("month,payroll,payroll\n2026-01,1,2\n", "column 'payroll': this column is there twice"),
    ("", "(file): the file holds no months"),
    ("month,payroll\n", "(file): the file holds no months"),
])
def test_malformed_files_are_refused_with_their_row_and_column(data, message):
    assert any(line.startswith(message) for line in refused(data)), refused(data)


def test_every_problem_of_a_file_is_reported_at_once_with_the_column_as_written():
    data = ("month,revenue: Analyst seats,payroll,ending_cash\n2026-01,twelve,1,-3\n2026-02,-320000,1,1\n2026-02,1,1,1\n"
            "2026-06,1,1,1\n2027-03,1,1,1\n")  # a negative ending cash is an overdraft, allowed
    assert refused(data) == [
        "row 2, revenue: Analyst seats: not a number (got 'twelve')",
        "row 3, revenue: Analyst seats: below 0: revenue, costs and funding are reported as amounts of 0 or more "
        "(got '-320000')",
        "row 4, month: 2026-02 is already in row 3",
        "row 6, month: 2027-03 has not ended yet: only months that have ended can be entered",
        "row 3, month: the months jump from 2026-02 to 2026-06: every month in between is needed",
    ]


def test_size_encoding_and_kind_limits_are_those_of_scenario_uploads():
    assert refused(b"month\n" + b"2026-01\n" * 200_000)[0].startswith("(file): 1,600,006 bytes is over the")
    assert refused(b"month,payroll\n2026-01,\xff\n") == ["(file): not UTF-8 or GBK text"]
    assert refused("month\n2026-01\n", name="a.txt") == ["(file): 'a.txt' is not .csv or .xlsx"]
    assert refused(b"not a zip", name="a.xlsx") == ["(file): not an Excel workbook (.xlsx is a zip archive)"]
    assert refused("month\n" + "2026-01\n" * 300)[0] == "(file): more than 240 months"


ZH_HEADER = ["月份", "收入：Analyst seats", "收入：Analytics API", "营业成本", "工资", "其他费用", "融资", "期末现金", "应收账款",
             "应付账款"]


def test_a_chinese_page_s_template_has_the_chinese_headers_and_reads_back_as_the_english_one():
    rows = list(csv.reader(io.StringIO(template(B, TODAY, "zh"))))
    assert rows[0] == ZH_HEADER and [r[0] for r in rows[1:]] == [f"2026-{m:02d}" for m in range(1, 12)]
    english = filled_template(months=3)
    chinese = english.replace(english.split("\n", 1)[0], ",".join(ZH_HEADER))
    for lang in ("en", "zh"):                                  # either file on either language's page
        assert read_actuals("a.csv", chinese.encode(), B, TODAY, lang=lang) == read_actuals("a.csv", english.encode(), B, TODAY)


def test_chinese_headers_with_an_ascii_colon_or_mixed_with_english_ones_are_accepted():
    actuals = read_actuals("a.csv", "月份,收入: analyst SEATS,payroll, 期末现金 \n2026-01,85000,170000,2820000\n".encode(),
                           B, TODAY)
    month = actuals.months[0]
    assert (month.revenue, month.payroll, month.ending_cash) == ({"Analyst seats": 85000}, 170000, 2820000)
    assert unmatched("a.csv", "月份,收入：旧名称\n".encode(), B) == ["收入：旧名称"]  # an unknown stream, as written


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["row 2, payroll: not a number (got 'ten')", "row 3, month: not a month (write YYYY-MM) (got '2026-13')"]),
    ("zh", ["第2行，工资: 不是数字（当前值 'ten'）", "第3行，月份: 不是月份（请写作 YYYY-MM）（当前值 '2026-13'）"]),
])
def test_a_problem_names_the_column_in_the_reader_s_language_whatever_the_file_s(lang, expected):
    for header in ("month,payroll", "月份,工资"):
        with pytest.raises(ScenarioError) as err:
            read_actuals("a.csv", f"{header}\n2026-01,ten\n2026-13,1\n".encode(), B, TODAY, lang=lang)
        assert err.value.localized(lang) == expected


def test_a_column_of_no_template_is_named_as_the_file_writes_it():
    with pytest.raises(ScenarioError) as err:
        read_actuals("a.csv", "月份,薪水\n2026-01,1\n".encode(), B, TODAY, lang="zh")
    assert err.value.localized("zh") == ["列 '薪水': 不是模板中的列（月份、收入：<收入流名称>、营业成本、工资、其他费用、融资、期末现金、"
                                         "应收账款、应付账款，或对应的英文列名 month、revenue: <收入流名称>、cost_of_revenue、payroll、"
                                         "other_opex、funding、ending_cash、receivables、payables）"]
