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
from core.storage.exports import excel_workbook, import_scenario, read_excel
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


def test_the_workbook_holds_the_monthly_table_and_the_metrics():
    book = openpyxl.load_workbook(io.BytesIO(workbook(WINTER)))
    assert book.sheetnames == ["Assumptions", "Monthly", "Metrics"]
    assert book["Monthly"].max_row == WINTER.settings.horizon_months + 1
    rows = {row[0]: row[1:] for row in book["Metrics"].iter_rows(min_row=2, values_only=True)}
    assert rows["Runway"][:2] == (14, "14.0 months")                      # a number, and the text shown on screen
    npv = next(v for k, v in rows.items() if k.startswith("NPV"))
    summary = summarize(project(WINTER), WINTER.settings)
    assert summary.npv < 0 and npv[0] == pytest.approx(summary.npv, rel=1e-12)   # negative: a number, not "'-$…" text
    assert all(v[0] is None or isinstance(v[0], int | float) for v in rows.values())


def test_the_workbook_formats_money_dates_and_ratios_as_a_spreadsheet_would():
    book = openpyxl.load_workbook(io.BytesIO(workbook(WINTER)))
    metrics = {row[0].value: row[1] for row in book["Metrics"].iter_rows(min_row=2)}
    assert metrics["Cash today"].number_format == '"$"#,##0;-"$"#,##0'        # USD scenario
    assert metrics["Runway"].number_format == "0" and metrics["Gross margin (year 1)"].number_format == "0.0%"
    assert metrics["Burn multiple"].number_format == '0.00"×"'
    monthly = book["Monthly"]
    header = [c.value for c in monthly[1]]
    first = {name: cell for name, cell in zip(header, monthly[2], strict=True)}
    assert first["date"].is_date and first["date"].value.strftime("%Y-%m") == "2026-01"
    assert first["date"].number_format == "yyyy-mm" and first["cash"].number_format.startswith('"$"#,##0')
    assert first["customers"].number_format == "#,##0" and isinstance(first["cash"].value, float)
    cny = load_scenario("sample_data/seed002_nlp_project.yaml")
    book = openpyxl.load_workbook(io.BytesIO(workbook(cny)))
    assert next(r[1] for r in book["Metrics"].iter_rows(min_row=2) if r[0].value == "Cash today").number_format.startswith('"¥"')


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
    book["Assumptions"].append([path, value, "number"])
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
