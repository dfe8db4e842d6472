import csv
import io
import json
import subprocess
import sys

import pytest

from core.__main__ import main
from core.analysis.metrics import summarize
from core.engine.projection import project

WINTER_FILE = "sample_data/capital_winter_round_slips.yaml"


def run(*args):
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True, check=False)


def test_project_table_prints_metrics_and_the_monthly_table():
    out = run("project", "sample_data/seed002_nlp_project.yaml")
    assert out.returncode == 0, out.stderr
    assert "Return on cost" in out.stdout and "12.5% over 3 years" in out.stdout
    assert "NPV at 50%/yr, month-end flows" in out.stdout and "-¥1.42M" in out.stdout


def test_project_json_is_strict_json_with_metrics_and_months(capsys):
    assert main(["project", "sample_data/seed002_nlp_project.yaml", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["metrics"]["burn_multiple"] is None  # not burning: NaN becomes null, and the state says why
    assert data["metrics"]["burn_multiple_state"] == "not_burning"
    assert len(data["months"]) == 36
    assert data["metrics"]["return_on_cost"] == pytest.approx(0.125)


def test_project_csv_has_a_row_per_month(capsys):
    assert main(["project", "sample_data/company_b_data_assistant.yaml", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 60 and "cash" in rows[0]


def test_validate_lists_every_error_with_its_path_and_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("company: {name: x, starting_cash: -5}\nstreams:\n"
                   "  - {kind: subscription, name: s, price_per_month: 10, churn_monthly: 1.4}\nfoo: 1\n")
    out = run("validate", str(bad))
    assert out.returncode == 2
    assert "company.starting_cash: Input should be greater than or equal to 0 (got -5)" in out.stderr
    assert "streams[0].churn_monthly: Input should be less than or equal to 0.9 (got 1.4)" in out.stderr
    assert "foo: Extra inputs are not permitted" in out.stderr


def test_validate_accepts_a_good_file_and_reports_a_missing_one():
    assert run("validate", "sample_data/company_a_customer_service.yaml").returncode == 0
    missing = run("validate", "nope.yaml")
    assert missing.returncode == 2 and "no such file" in missing.stderr


@pytest.mark.parametrize("command", [["--help"], ["project", "--help"], ["validate", "--help"]])
def test_every_command_has_help(command):
    out = run(*command)
    assert out.returncode == 0 and "usage:" in out.stdout


def test_score_prints_each_pillar_its_factors_and_what_would_move_it():
    out = run("score", "sample_data/capital_winter_round_slips.yaml")
    assert out.returncode == 0, out.stderr
    assert "survival score 44 / 100" in out.stdout
    assert "Funds management" in out.stdout and "Burn multiple" in out.stdout
    assert "-> Bridge round worth 6 months of burn: +16.6 points, runway +21.9 months" in out.stdout


@pytest.mark.parametrize("preset", ["company_a_customer_service", "seed002_nlp_project"])
def test_score_json_is_strict_json_matching_the_model(capsys, preset):
    from core.analysis.pillars import score
    from core.model import load_scenario

    assert main(["score", f"sample_data/{preset}.yaml", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    card = score(load_scenario(f"sample_data/{preset}.yaml"))
    assert data["survival"] == pytest.approx(card.survival)
    assert set(data["pillars"]) == set(card.pillars)
    ltv = next(f for f in data["pillars"]["business_model"]["factors"] if f["key"] == "business_model.ltv_cac")
    assert ltv["why"]


def test_a_company_without_revenue_gets_labels_not_nan(tmp_path, capsys):
    bare = tmp_path / "bare.yaml"
    bare.write_text("company: {name: Pre-revenue, currency: USD, starting_cash: 100000}\nopex: {other_per_month: 10000}\n")
    out = run("project", str(bare))
    assert out.returncode == 0, out.stderr
    assert "nan" not in out.stdout.lower()
    rule_of_40 = next(line for line in out.stdout.splitlines() if "Rule of 40" in line)
    assert rule_of_40.split()[-3:] == ["—", "(no", "revenue)"]
    assert "bad: burning with no ARR added" in out.stdout
    assert "short by $500.00k to the end of the horizon; no break-even in 60 months" in out.stdout  # 60 x 10k - 100k
    assert main(["project", str(bare), "--format", "json"]) == 0
    metrics = json.loads(capsys.readouterr().out)["metrics"]
    assert (metrics["burn_multiple"], metrics["burn_multiple_state"]) == (None, "no_arr_added")
    assert metrics["rule_of_40"] is None and metrics["irr"]["status"] == "none"


def test_actuals_prints_the_variance_its_drivers_and_the_re_forecast(tmp_path):
    actuals = tmp_path / "actuals.csv"
    actuals.write_text("month,revenue: Analyst seats,payroll,ending_cash\n2026-01,85000,170000,2820000\n"
                       "2026-02,90000,171000,2650000\n2026-03,94000,172000,2490000\n")
    out = run("actuals", "sample_data/company_b_data_assistant.yaml", str(actuals), "--today", "2026-12-02",
              "--recalibrate")
    assert out.returncode == 0, out.stderr
    assert "3 months of actuals, 2026-01 to 2026-03" in out.stdout
    assert "Revenue: Analyst seats" in out.stdout and "Cash gap at 2026-03:" in out.stdout
    assert "Re-forecast from 2026-04, cash 2,490,000 USD (recalibrated)" in out.stdout


def test_actuals_from_the_future_are_refused_with_the_month_and_exit_2(tmp_path):
    actuals = tmp_path / "actuals.csv"
    actuals.write_text("month,payroll\n2026-11,1\n2026-12,1\n")
    out = run("actuals", "sample_data/company_b_data_assistant.yaml", str(actuals), "--today", "2026-12-02")
    assert out.returncode == 2 and "row 3, month: 2026-12 has not ended yet" in out.stderr


def test_actuals_from_a_quickbooks_export_use_the_suggested_mapping_print_it_and_save_it(tmp_path, capsys):
    from tests.core.storage import books_samples

    export, saved = tmp_path / "pl.csv", tmp_path / "mapping.json"
    export.write_bytes(books_samples.quickbooks_csv())
    assert main(["actuals", "sample_data/company_b_data_assistant.yaml", str(export), "--today", "2026-12-02",
                 "--save-mapping", str(saved)]) == 0
    out = capsys.readouterr().out
    assert "Mapping used (suggested from the account names; accounts -> lines):" in out
    assert "Salaries & wages                         payroll" in out and f"Saved to {saved}" in out
    assert "3 months of actuals, 2026-01 to 2026-03" in out
    assert "Payroll $510.00k  $47.20k" in out                     # 15,500 + 15,600 + 16,100
    assert json.loads(saved.read_text(encoding="utf-8"))["Office move (one-off)"] == "one_off"


def test_actuals_from_an_export_with_a_saved_yaml_mapping_and_a_balance_sheet(tmp_path, capsys):
    from tests.core.storage import books_samples

    export, mapping, balance = tmp_path / "pl.xlsx", tmp_path / "m.yaml", tmp_path / "bs.xlsx"
    export.write_bytes(books_samples.quickbooks_xlsx())
    mapping.write_text("Rent: payroll\nInterest earned: skip\n", encoding="utf-8")
    balance.write_bytes(books_samples.kingdee_balance_xlsx())
    assert main(["actuals", "sample_data/company_b_data_assistant.yaml", str(export), "--today", "2026-12-02",
                 "--mapping", str(mapping), "--balance", str(balance)]) == 0
    out = capsys.readouterr().out
    assert "Rent                                     payroll\n" in out               # from the file
    assert "Salaries & wages                         payroll   (suggested: not in the mapping file)" in out
    assert "Payroll $510.00k  $62.20k" in out                     # 47,200 + rent 3 x 5,000
    assert "Re-forecast from 2026-04, cash 2,450,000 USD" in out   # the 货币资金 of March, 2,450,000.50


def test_a_mapping_to_a_line_the_scenario_lacks_is_refused_with_the_account_and_exit_2(tmp_path):
    from tests.core.storage import books_samples

    export, mapping = tmp_path / "pl.csv", tmp_path / "m.json"
    export.write_bytes(books_samples.yonyou_csv())
    mapping.write_text(json.dumps({"销售费用": "marketing"}, ensure_ascii=False), encoding="utf-8")
    out = run("actuals", "sample_data/company_b_data_assistant.yaml", str(export), "--today", "2026-12-02",
              "--mapping", str(mapping))
    assert out.returncode == 2 and "account '销售费用': “marketing” is not a line of this scenario" in out.stderr


@pytest.mark.parametrize("command", [["project"], ["score"], ["validate"]])
def test_escape_sequences_in_a_name_never_reach_the_terminal(tmp_path, capsys, command):
    """Issue 32: a company named "\\x1b[31mRed\\x1b[0m Corp" was printed raw (it could recolour or clear a terminal)."""
    plan = tmp_path / "ansi.json"
    plan.write_text(json.dumps({"company": {"name": "\x1b[31mRed\x1b[0m Corp\x9b2J\x07", "starting_cash": 1000}}))
    assert main([*command, str(plan)]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x9b\x07")
    if command != ["validate"]:
        assert "Red Corp2J" in out


def test_the_cli_reads_the_apps_workbook_as_the_upload_does(tmp_path, capsys):
    """Issue 32: an .xlsx was called "not UTF-8 text"."""
    from core.engine.projection import project
    from core.model import load_scenario
    from core.storage.exports import excel_workbook

    scenario = load_scenario("sample_data/seed002_nlp_project.yaml")
    book = tmp_path / "plan.xlsx"
    book.write_bytes(excel_workbook(scenario, project(scenario)))
    assert main(["validate", str(book)]) == 0
    capsys.readouterr()
    assert main(["project", str(book), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["scenario"] == scenario.company.name


def test_solve_prints_every_lever_and_its_json_answer_reaches_the_target(capsys):
    from core.analysis.solve import Target, lever
    from core.model import load_scenario

    assert main(["solve", WINTER_FILE, "--target", "runway", "--months", "24", "--all-levers"]) == 0
    out = capsys.readouterr().out
    assert "Target: cash lasts at least 24 months (through 2027-12)." in out
    assert "Cut every role’s headcount by 20.7%." in out and "Raise a bridge SAFE of" in out
    assert main(["solve", WINTER_FILE, "--target", "zero-cash-after", "--date", "2027-12", "--lever", "team-cut",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["target"] == {"kind": "zero_cash_after", "months": 24, "share": 0.0}
    [answer] = data["levers"]
    scenario = load_scenario(WINTER_FILE)
    lv = lever(scenario, "team_cut")
    assert not isinstance(lv, str) and answer["status"] == "reached"
    assert summarize(project(lv.scenario(answer["value"])), scenario.settings).runway_months >= 24
    assert answer["cost"]["runway"] == summarize(project(lv.scenario(answer["value"])), scenario.settings).runway_months
    assert Target("zero_cash_after", 24).code == "zero_cash_after:24:0"


def test_solve_refuses_a_target_beyond_the_plan_with_exit_2(capsys):
    assert main(["solve", WINTER_FILE, "--target", "runway", "--months", "99"]) == 2
    assert "target month 99 is outside the plan (0 to 36)" in capsys.readouterr().err
