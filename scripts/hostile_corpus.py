"""Write tests/hostile/: files an attacker or a careless spreadsheet would send, each with the field its
refusal must name (tests/hostile/EXPECTED.tsv). Run again after adding a case: python -m scripts.hostile_corpus"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl

from core.engine.projection import project
from core.model import load_scenario
from core.storage.exports import excel_workbook

HERE = Path(__file__).resolve().parents[1] / "tests" / "hostile"
OK = "company: {name: A, starting_cash: 1000}\n"


def yaml_cases() -> dict[str, tuple[str, str]]:
    """name -> (YAML text, field the message must name)."""
    company = "company: {{name: A, starting_cash: {}}}\n"
    return {
        "negative_cash.yaml": (company.format(-5), "company.starting_cash"),
        "nan_cash.yaml": (company.format(".nan"), "company.starting_cash"),
        "inf_cash.yaml": (company.format(".inf"), "company.starting_cash"),
        "text_cash.yaml": (company.format("lots"), "company.starting_cash"),
        "true_cash.yaml": (company.format("true"), "company.starting_cash"),
        "5000_digit_cash.yaml": (company.format("9" * 5000), "company.starting_cash"),
        "impossible_date.yaml": ("company: {name: A, starting_cash: 1, start_date: 2026-02-30}\n", "company.start_date"),
        "date_as_words.yaml": ("company: {name: A, starting_cash: 1, start_date: soon}\n", "company.start_date"),
        "unknown_field.yaml": (OK + "surprise: 1\n", "surprise"),
        "unknown_currency.yaml": ("company: {name: A, starting_cash: 1, currency: BTC}\n", "company.currency"),
        "empty_name.yaml": ("company: {name: '', starting_cash: 1}\n", "company.name"),
        "long_name.yaml": ("company: {name: " + "A" * 10_000 + ", starting_cash: 1}\n", "company.name"),
        "duplicate_key.yaml": (OK + OK, "(file)"),
        "alias_bomb.yaml": ("a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},"
                                                                     f"*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(20)),
                            "(file)"),
        "deep_nesting.yaml": ("[" * 5000 + "]" * 5000 + "\n", "(file)"),
        "not_a_mapping.yaml": ("- 1\n- 2\n", "(file)"),
        "empty.yaml": ("", "(file)"),
        "tabs.yaml": ("company:\n\tname: A\n", "(file)"),
        "python_object.yaml": ("!!python/object/apply:os.system ['echo owned']\n", "(file)"),
        "unknown_stream_kind.yaml": (OK + "streams: [{kind: crypto, name: x}]\n", "streams[0]"),
        "churn_150_percent.yaml": (OK + "streams: [{kind: subscription, name: x, price_per_month: 1, churn_monthly: 1.5}]\n",
                                   "streams[0].churn_monthly"),
        "growth_1000_percent.yaml": (OK + "streams: [{kind: usage, name: x, volume_per_month: 1, price_per_unit: 1, "
                                          "volume_growth_monthly: 10}]\n", "streams[0].volume_growth_monthly"),
        "trial_conversion_200.yaml": (OK + "streams: [{kind: subscription, name: x, price_per_month: 1, "
                                           "trial: {months: 1, conversion: 2}}]\n", "streams[0].trial.conversion"),
        "too_many_streams.yaml": (OK + "streams: [" + ", ".join(["{kind: data, name: x, contracts: 1, fee_per_contract_month: 1}"]
                                                                * 25) + "]\n", "streams"),
        "horizon_6.yaml": (OK + "settings: {horizon_months: 6}\n", "settings.horizon_months"),
        "horizon_1000.yaml": (OK + "settings: {horizon_months: 1000}\n", "settings.horizon_months"),
        "one_off_month_999.yaml": (OK + "opex: {one_off_costs: [{name: x, month: 999, cost: 1}]}\n",
                                   "opex.one_off_costs[0].month"),
        "role_ends_before_start.yaml": (OK + "opex: {team: [{role: x, headcount: 1, cost_per_head_month: 1, start_month: 5, "
                                             "end_month: 2}]}\n", "opex.team[0]"),
        "debt_terms_on_equity.yaml": (OK + "funding: [{name: x, month: 1, amount: 1, interest_rate_yearly: 0.1}]\n", "funding[0]"),
        "grace_beyond_term.yaml": (OK + "funding: [{name: x, month: 1, amount: 1, kind: debt, term_months: 6, "
                                        "repayment: amortising, grace_months: 6}]\n", "funding[0]"),
        "tranches_on_equity.yaml": (OK + "funding: [{name: x, month: 1, amount: 1, tranches: 3}]\n", "funding[0]"),
        "tax_rate_above_60.yaml": (OK + "tax: {profit_tax_rate: 0.9}\n", "tax.profit_tax_rate"),
        "gpu_without_throughput.yaml": (OK + "ai_costs: {gpu_price_per_hour: 2}\n", "ai_costs"),
        "gpu_and_token_price.yaml": (OK + "ai_costs: {gpu_price_per_hour: 2, tokens_per_second: 10, "
                                          "cost_per_million_tokens: 1}\n", "ai_costs"),
        "linear_demand_no_choke.yaml": (OK + "streams: [{kind: usage, name: x, volume_per_month: 1, price_per_unit: 1, "
                                             "demand: {model: linear}}]\n", "streams[0].demand"),
        "choke_below_price.yaml": (OK + "streams: [{kind: usage, name: x, volume_per_month: 1, price_per_unit: 5, "
                                        "demand: {model: linear, choke_price: 2}}]\n", "streams[0]"),
        "som_above_sam.yaml": (OK + "strategy: {market: {sam_yearly: 10, som_yearly: 100}}\n", "strategy.market"),
        "unknown_factor_weight.yaml": (OK + "strategy: {factor_weights: {funds.luck: 2}}\n", "strategy"),
        "risk_unknown_round.yaml": (OK + "risk: {rounds: {Nope: {probability: 0.5}}}\n", "risk.rounds"),
        "risk_bad_path.yaml": (OK + "risk: {inputs: {company.name: {kind: normal, mean: 1, sd: 1}}}\n", "risk.inputs"),
        "correlation_rank_2.yaml": (OK + "risk: {correlations: [{a: x, b: y, rank: 2}]}\n", "risk.correlations[0].rank"),
        "paths_10.yaml": (OK + "risk: {paths: 10}\n", "risk.paths"),
        "seed_negative.yaml": (OK + "risk: {seed: -1}\n", "risk.seed"),
        "schema_version_3.yaml": (OK + "schema_version: 3\n", "schema_version"),
    }


def json_cases() -> dict[str, tuple[str, str]]:
    return {
        "duplicate_key.json": ('{"company": {"name": "A", "starting_cash": 1}, "company": {"name": "B", "starting_cash": 2}}',
                               "(file)"),
        "5000_digit_cash.json": ('{"company": {"name": "A", "starting_cash": ' + "9" * 5000 + "}}", "company.starting_cash"),
        "nan_literal.json": ('{"company": {"name": "A", "starting_cash": NaN}}', "company.starting_cash"),
        "overflow_1e999.json": ('{"company": {"name": "A", "starting_cash": 1e999}}', "company.starting_cash"),
        "trailing_comma.json": ('{"company": {"name": "A", "starting_cash": 1},}', "(file)"),
        "deep_nesting.json": ("[" * 100_000 + "]" * 100_000, "(file)"),
        "string_not_object.json": ('"a scenario"', "(file)"),
    }


def excel_cases() -> dict[str, tuple[bytes, str]]:
    base = load_scenario(Path(__file__).resolve().parents[1] / "sample_data" / "seed002_nlp_project.yaml")
    good = excel_workbook(base, project(base))

    def edited(change) -> bytes:
        book = openpyxl.load_workbook(io.BytesIO(good))
        change(book["Assumptions"])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def cell(path: str, value: object, kind: str):
        return lambda sheet: sheet.append([path, "", value, kind])  # path, label, value, kind

    def malformed_sheet() -> bytes:  # the Assumptions sheet's XML cut in half
        out, source = io.BytesIO(), zipfile.ZipFile(io.BytesIO(good))
        with zipfile.ZipFile(out, "w") as z:
            for part in source.infolist():
                data = source.read(part.filename)
                z.writestr(part, data[: len(data) // 2] if part.filename == "xl/worksheets/sheet1.xml" else data)
        return out.getvalue()

    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").close()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", "0" * 20_000_000)
    return {
        "deep_json_cell.xlsx": (edited(cell("strategy.factor_weights", "[" * 50_000 + "]" * 50_000, "json")), "Assumptions row"),
        "negative_cash_cell.xlsx": (edited(cell("company.starting_cash", -1, "number")), "company.starting_cash"),
        "bad_path_cell.xlsx": (edited(cell("company..name", "x", "text")), "Assumptions row"),
        "too_many_rows.xlsx": (edited(lambda s: [s.append(["company.vertical", "x", "text"]) for _ in range(10_001)]), "(file)"),
        "zip_bomb.xlsx": (bomb.getvalue(), "(file)"),
        "not_a_zip.xlsx": (b"PK\x03\x04 not really", "(file)"),
        "empty_zip.xlsx": (empty.getvalue(), "(file)"),
        "malformed_sheet_xml.xlsx": (malformed_sheet(), "(file)"),
        "no_assumptions.xlsx": (edited(lambda s: setattr(s, "title", "Sheet")), "(file)"),
        "no_path_column.xlsx": (edited(lambda s: s.delete_cols(1)), "(file)"),
    }


def main() -> None:
    HERE.mkdir(exist_ok=True)
    expected = []
    for name, (text, field) in {**yaml_cases(), **json_cases()}.items():
        (HERE / name).write_text(text)
        expected.append((name, field))
    for name, (data, field) in excel_cases().items():
        (HERE / name).write_bytes(data)
        expected.append((name, field))
    (HERE / "not_utf8.yaml").write_bytes("company: {name: Café, starting_cash: 1}\n".encode("latin-1"))
    (HERE / "too_large.yaml").write_text("# " + "x" * 1_100_000 + "\n" + OK)
    (HERE / "wrong_extension.txt").write_text(OK)
    expected += [("not_utf8.yaml", "(file)"), ("too_large.yaml", "(file)"), ("wrong_extension.txt", "(file)")]
    (HERE / "EXPECTED.tsv").write_text("".join(f"{n}\t{f}\n" for n, f in sorted(expected)))
    print(f"{len(expected)} hostile files in {HERE}")


if __name__ == "__main__":
    main()
