"""Exports round-trip exactly; imports refuse hostile files with a clear reason."""

import io
import json
import zipfile

import openpyxl
import pytest
from hypothesis import example, given

from core.analysis.metrics import summarize
from core.engine.projection import project
from core.model import ScenarioError, dumps_scenario, load_scenario, parse_scenario, replace_fields
from core.present.formatting import text_width
from core.storage.exports import escape, excel_workbook, flatten, import_scenario, read_excel
from tests.scenarios import budget, scenarios

WINTER = load_scenario("sample_data/capital_winter_round_slips.yaml")


def workbook(scenario):
    return excel_workbook(scenario, project(scenario))


# Found by hypothesis: a subnormal cost share made the Metrics sheet's return on cost overflow,
# and a price of 2.2e-308 made the Rule of 40's margin overflow (make test-explore).
SUBNORMAL_COST = parse_scenario({"company": {"name": "Tiny cost", "starting_cash": 0}, "streams": [
    {"kind": "projects", "name": "P", "deals_per_quarter": 3, "deal_size": 1e5, "delivery_cost_share": 5e-324}]})
TINY_REVENUE = parse_scenario({"company": {"name": "Tiny revenue", "starting_cash": 0}, "settings": {"horizon_months": 12},
                               "streams": [{"kind": "usage", "name": "API", "volume_per_month": 1,
                                            "price_per_unit": 2.2250738585072014e-308}],
                               "opex": {"other_per_month": 1}})


@budget(25)
@given(scenarios())
@example(SUBNORMAL_COST)
@example(TINY_REVENUE)
def test_the_excel_workbook_round_trips_the_scenario_exactly(scenario):
    assert read_excel(workbook(scenario)) == scenario


EVERY_TIMING = replace_fields(WINTER, {
    "streams[0].billing": "annual", "streams[0].payment_days": 45, "streams[0].bad_debt_share": 0.02,
    "streams[0].upfront_share": 0.3, "streams[0].upfront_months": 2, "streams[0].vat_rate": 0.06,
    "streams[1].payment_days": 90, "ai_costs.payment_days": 30, "ai_costs.vat_rate": 0.06, "opex.payment_days": 15,
    "opex.vat_rate": 0.13, "opex.one_off_costs[0].instalments": 3, "opex.one_off_costs[0].vat_rate": 0.13,
    "tax.profit_tax_rate": 0.25, "tax.rule": "china", "tax.loss_years": 10, "tax.small_low_profit": True,
    "vat.filing": "quarterly", "vat.small_scale": True, "vat.surcharge_rate": 0.12,
    "funding": [*(r.model_dump() for r in WINTER.funding),
                {"name": "Bank loan", "month": 3, "amount": 500_000, "kind": "debt", "interest_rate_yearly": 0.08,
                 "term_months": 24, "repayment": "annuity"}]})
"""Every billing, payment, VAT and tax-filing field away from its default."""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_billing_payment_vat_and_tax_field_round_trips_through_the_assumptions_sheet(lang):
    rows = sheet_rows(excel_workbook(EVERY_TIMING, project(EVERY_TIMING), lang), "Assumptions")
    assert rows["vat.surcharge_rate"][1].value == 0.12 and rows["streams[0].billing"][1].value == "annual"
    assert rows["funding[1].repayment"][1].value == "annuity" and rows["tax.small_low_profit"][1].value is True
    assert read_excel(excel_workbook(EVERY_TIMING, project(EVERY_TIMING), lang)) == EVERY_TIMING


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_yaml_and_json_exports_round_trip_through_the_importer(fmt):
    assert import_scenario(f"plan.{fmt}", dumps_scenario(WINTER, fmt).encode()) == WINTER


def test_formula_like_text_is_escaped_in_every_sheet_and_restored_on_import():
    hostile = replace_fields(WINTER, {"company.name": "=HYPERLINK(\"http://x\")", "streams[1].name": "@SUM(A1)",
                                      "company.vertical": "-2+3", "streams[0].name": "+cmd|' /C calc'!A0"})
    data = workbook(hostile)
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]                      # no formula anywhere
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [v for v in texts if v.startswith(("=", "+", "-", "@"))]
    assert "'=HYPERLINK(\"http://x\")" in texts
    assert read_excel(data) == hostile


def sheet_rows(data, sheet):
    """A sheet's rows below its header, by their first cell, as cells."""
    return {row[0].value: row[1:] for row in openpyxl.load_workbook(io.BytesIO(data))[sheet].iter_rows(min_row=2)}


def test_the_metrics_are_number_cells_without_formatted_text_beside_them():
    """Found by a founder: a text cell "'-$102.73k" sat beside the NPV number."""
    book = openpyxl.load_workbook(io.BytesIO(workbook(WINTER)))
    assert book.sheetnames == ["Assumptions", "Monthly", "Metrics", "P&L", "Balance sheet", "Cash flow"]
    assert book["Monthly"].max_row == WINTER.settings.horizon_months + 1
    assert [c.value for c in book["Metrics"][1]] == ["Metric", "Value", "Note"]
    rows = {row[0]: row[1:] for row in book["Metrics"].iter_rows(min_row=2, values_only=True)}
    assert rows["Runway"][0] == 14 and rows["Cash today"][0] == 3_300_000   # 14 months (as on the Overview), the YAML's cash
    npv = next(v for k, v in rows.items() if k.startswith("NPV"))
    summary = summarize(project(WINTER), WINTER.settings)
    assert summary.npv < 0 and npv[0] == pytest.approx(summary.npv, rel=1e-12)   # negative: a number, not "'-$…" text
    text = {k: v[0] for k, v in rows.items() if isinstance(v[0], str)}   # only what is not a number: a date, alive, none
    assert text == {"Zero-cash date": "2027-03", "Break-even month": "—", "Default alive?": "Dead", "IRR (yearly)": "—",
                    "Payback month": "—"}, text


def test_the_workbook_formats_money_dates_and_ratios_as_a_spreadsheet_would():
    metrics = {k: v[0] for k, v in sheet_rows(workbook(WINTER), "Metrics").items()}
    assert metrics["Cash today"].number_format == '"$"#,##0;-"$"#,##0'        # USD scenario
    assert metrics["Runway"].number_format == '0" months"' and metrics["Gross margin (year 1)"].number_format == "0.0%"
    assert metrics["Burn multiple"].number_format == '0.00"×"'
    monthly = openpyxl.load_workbook(io.BytesIO(workbook(WINTER)))["Monthly"]
    header = [c.value for c in monthly[1]]
    first = {name: cell for name, cell in zip(header, monthly[2], strict=True)}
    assert first["Month"].is_date and first["Month"].value.strftime("%Y-%m") == "2026-01"
    assert first["Month"].number_format == "yyyy-mm" and first["Cash at month end"].number_format == '"$"#,##0;-"$"#,##0'
    assert first["Customers"].number_format == "#,##0" and isinstance(first["Cash at month end"].value, float)
    assert first["Headcount"].number_format == "#,##0.0" and first["Leavers (replaced)"].number_format == "#,##0.0"
    inference = first["Inference cost per 1M tokens"]   # $3 per GPU-hour at 2,000 tokens/s (7.2M an hour): $0.4167 per 1M
    assert inference.value == pytest.approx(3 / 7.2) and inference.number_format == '"$"#,##0.0000;-"$"#,##0.0000'
    cny = load_scenario("sample_data/seed002_nlp_project.yaml")
    assert sheet_rows(workbook(cny), "Metrics")["Cash today"][0].number_format.startswith('"¥"')
    assert sheet_rows(excel_workbook(cny, project(cny), "zh"), "Metrics")["现金跑道"][0].number_format == '0" 个月"'


def test_assumption_values_are_number_cells_in_their_fields_format_with_their_label_beside_the_path():
    """Money in the currency (cents only where the amount has them), shares as %, counts with separators."""
    for lang, cash, churn in (("en", "Cash in the bank", "Churn per month"), ("zh", "期初现金", "月流失率")):
        rows = sheet_rows(excel_workbook(WINTER, project(WINTER), lang), "Assumptions")
        label, value, kind, exact = rows["company.starting_cash"]
        assert (label.value, value.value, kind.value, exact.value) == (cash, 3_300_000, "number", None)
        assert value.number_format == '"$"#,##0;-"$"#,##0'
        label, value = rows["streams[1].churn_monthly"][:2]
        assert (label.value, value.value, value.number_format) == (churn, 0.04, "0%")
    rows = sheet_rows(workbook(WINTER), "Assumptions")
    assert rows["streams[0].price_per_unit"][1].number_format == '"$"#,##0.00;-"$"#,##0.00'   # $1.50
    assert rows["company.founder_shares"][1].number_format == "#,##0"
    assert rows["risk.inputs"][0].value == "Uncertain inputs (distributions)"


@pytest.mark.parametrize(("price", "cell_format"), [(0.004, '"$"#,##0.000;-"$"#,##0.000'),
                                                   (0.0000015, '"$"#,##0.0000000;-"$"#,##0.0000000')])
def test_sub_cent_prices_read_as_such_and_survive_the_round_trip_exactly(price, cell_format):
    """Found by a founder: a price of 0.004 read $0.00. A spreadsheet that saves 15 digits keeps these exactly too."""
    scenario = replace_fields(WINTER, {"streams[0].price_per_unit": price})
    data = workbook(scenario)
    value, kind, exact = sheet_rows(data, "Assumptions")["streams[0].price_per_unit"][1:]
    assert (value.value, value.number_format, kind.value, exact.value) == (price, cell_format, "number", None)
    assert read_excel(data) == scenario and read_excel(saved_by_a_spreadsheet(data)) == scenario
    for fmt in ("yaml", "json"):
        assert import_scenario(f"plan.{fmt}", dumps_scenario(scenario, fmt).encode()) == scenario


def saved_by_a_spreadsheet(data: bytes) -> bytes:
    """The workbook as a spreadsheet saves it: every number to 15 significant digits."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    for row in book["Assumptions"].iter_rows(min_row=2):
        if isinstance(row[2].value, float):
            row[2].value = float(f"{row[2].value:.15g}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_value_a_spreadsheet_would_round_keeps_its_exact_value_beside_it():
    scenario = replace_fields(WINTER, {"streams[1].churn_monthly": 0.1 + 0.2})   # 0.30000000000000004: 17 digits
    data = workbook(scenario)
    assert sheet_rows(data, "Assumptions")["streams[1].churn_monthly"][3].value == "0.30000000000000004"
    assert read_excel(saved_by_a_spreadsheet(data)) == scenario


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_header_is_a_label_in_the_readers_language(lang):
    """Found by a founder: headers mixed "revenue: API calls" with "cost_of_revenue"."""
    book = openpyxl.load_workbook(io.BytesIO(excel_workbook(WINTER, project(WINTER), lang)))
    headers = {sheet.title: [c.value for c in sheet[1]] for sheet in book.worksheets}
    assert all(h and "_" not in h and h[0] == h[0].upper() for row in headers.values() for h in row), headers
    expected = {"en": ["Revenue: Developer API", "Revenue: Team plan", "Revenue", "Inference (cost of revenue)",
                       "Cost of revenue", "Payroll", "Operating costs", "Debt service", "Cash at month end"],
                "zh": ["收入：Developer API", "收入：Team plan", "收入", "推理（营业成本）", "营业成本", "薪酬", "运营费用",
                       "还本付息", "月末现金"]}[lang]
    assert [h for h in headers["Monthly"] if h in expected] == expected
    assert headers["Assumptions"] == {"en": ["Field path", "Field", "Value", "Type",
                                             "Exact value (where a spreadsheet would round it)"],
                                      "zh": ["字段路径", "字段", "数值", "类型", "精确值（表格软件会舍入时）"]}[lang]


def test_every_sheet_freezes_its_header_and_label_columns_and_fits_its_columns():
    """Found by a founder: no frozen header, columns narrower than their headers."""
    for lang in ("en", "zh"):
        book = openpyxl.load_workbook(io.BytesIO(excel_workbook(WINTER, project(WINTER), lang)))
        assert [s.freeze_panes for s in book.worksheets] == ["C2", "C2", "B2", "B2", "B2", "B2"]  # …, metric, line
        for sheet in book.worksheets:
            for header in sheet[1]:
                width = sheet.column_dimensions[header.column_letter].width
                assert text_width(header.value) <= width <= 60, (sheet.title, header.value, width)
    metrics = openpyxl.load_workbook(io.BytesIO(workbook(WINTER)))["Metrics"]
    longest = max(len(c.value) for (c,) in metrics.iter_rows(min_col=1, max_col=1))
    assert metrics.column_dimensions["A"].width >= longest == len("NPV at 60%/yr, month-end flows")
    assert metrics.column_dimensions["B"].width >= len("-$4,054,084")                  # the NPV as the cell shows it


FLAT = parse_scenario({"company": {"name": "Flat", "starting_cash": 100_000, "start_date": "2026-01-01"},
                       "settings": {"horizon_months": 12},
                       "streams": [{"kind": "usage", "name": "API", "volume_per_month": 1000, "price_per_unit": 10,
                                    "payment_days": 30}],
                       "opex": {"other_per_month": 4000}})
"""10,000 of revenue a month paid 30 days later, 4,000 of costs: 6,000 of cash a month, 10,000 always owed."""


@pytest.mark.parametrize(("lang", "first", "owed"), [("en", ["Line", "2026-01", "2026-02"], "Accounts receivable"),
                                                     ("zh", ["项目", "2026年1月", "2026年2月"], "应收账款")])
def test_the_three_statements_are_sheets_of_money_cells_by_month_with_their_lines_labelled(lang, first, owed):
    data = excel_workbook(FLAT, project(FLAT), lang)
    book = openpyxl.load_workbook(io.BytesIO(data))
    for title in ("P&L", "Balance sheet", "Cash flow"):
        header = [c.value for c in book[title][1]]
        assert header[:3] == first and len(header) == 13 and book[title].freeze_panes == "B2"
    balance = sheet_rows(data, "Balance sheet")
    assert [c.value for c in balance[owed]] == pytest.approx([10_000] * 12)
    cash = balance[{"en": "Cash", "zh": "货币资金"}[lang]]
    assert [c.value for c in cash] == pytest.approx([100_000 + 6_000 * m for m in range(1, 13)])
    assert all(c.number_format == '"$"#,##0;-"$"#,##0' for row in balance.values() for c in row)
    assert [c.value for c in sheet_rows(data, "P&L")[{"en": "Revenue", "zh": "营业收入"}[lang]]] == [10_000] * 12
    assert [c.value for c in balance[{"en": "Check: assets − liabilities − equity",
                                      "zh": "勾稽校验：资产 − 负债 − 所有者权益"}[lang]]] == [0] * 12


def legacy(scenario) -> bytes:
    """The Assumptions sheet as exported before the label column: path, value, kind, exact."""
    book = openpyxl.Workbook()
    book.active.title = "Assumptions"
    book.active.append(["path", "value", "kind", "exact"])
    for path, value, kind in flatten(scenario.model_dump(mode="json")):
        book.active.append([path, escape(value), kind, json.dumps(value) if kind == "number" else None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_workbooks_in_either_language_and_those_exported_before_the_label_column_import():
    assert read_excel(excel_workbook(WINTER, project(WINTER), "zh")) == WINTER
    assert read_excel(legacy(WINTER)) == WINTER
    book = openpyxl.load_workbook(io.BytesIO(workbook(WINTER)))
    book["Assumptions"].move_range("B1:B400", cols=10)                 # columns are found by header, wherever they are
    book["Assumptions"].delete_cols(3)                                   # …and one that is gone is named
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ScenarioError, match="the Assumptions sheet has no Value column"):
        read_excel(out.getvalue())


@pytest.mark.parametrize("name", ["'quoted", "''twice", "'=not a formula", "=HYPERLINK(1)", "'"])
def test_names_with_apostrophes_round_trip_through_excel_exactly(name):
    scenario = replace_fields(WINTER, {"company.name": name})
    assert read_excel(workbook(scenario)).company.name == name


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 30_000_000)
    return out.getvalue()


def edited(path: str, value: object) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(workbook(WINTER)))
    book["Assumptions"].append([path, "", value, "number"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("evil.yaml", b"!!python/object/apply:os.system ['echo hacked']", "not valid YAML"),
    ("laughs.yaml", ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))).encode(),
     "alias bomb"),
    ("deep.json", b"[" * 10_000 + b"]" * 10_000, "nested too deeply"),
    ("nan.json", json.dumps({"company": {"name": "N", "starting_cash": float("nan")}}).encode(), "company.starting_cash"),
    ("big.yaml", b"#" * 20_000_000, "over the 1,000,000-byte limit"),
    ("big.xlsx", b"PK" + b"\0" * 20_000_000, "over the 5,000,000-byte limit"),
    ("bomb.xlsx", zip_bomb(), "zip bomb"),
    ("random.xlsx", b"this is not a zip archive", "not an Excel workbook"),
    ("plan.exe", b"MZ", "is not .yaml, .yml, .json or .xlsx"),
    ("edited.xlsx", edited("streams[0].churn_monthly", 5), "streams[0]"),
    ("edited.xlsx", edited("streams[7].price_per_unit", 5), "skips a list position"),
    ("edited.xlsx", edited("company.starting_cash", -1), "company.starting_cash: Input should be greater than or equal to 0"),
])
def test_hostile_or_broken_uploads_are_refused_with_a_reason(name, data, reason):
    with pytest.raises(ScenarioError) as err:
        import_scenario(name, data)
    assert reason in " ".join(err.value.errors)


def test_a_workbook_without_assumptions_is_refused():
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ScenarioError, match="no sheet named Assumptions"):
        read_excel(out.getvalue())
