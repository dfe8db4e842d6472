"""Chinese a CFO would sign (issue 33): text built in code reads as a Chinese practitioner writes it — lists with 、,
no space after 。, no bracket inside a bracket, hints in the company's currency, tax lines China has."""

from __future__ import annotations

import re

from core.analysis.actuals import Trailing
from core.analysis.pillars import score
from core.analysis.risk import TornadoBar, simulate
from core.engine.projection import project
from core.i18n import t
from core.model import load_preset, load_scenario, replace_fields
from core.model.fields import help_values
from core.present import formatting as fmt
from core.present.actuals import trailing_kpis
from core.present.report import assumptions_table, factor_why, npv_value, risk_summary

CNY = "sample_data/company_b_data_assistant_cny.yaml"
USD = "sample_data/company_b_data_assistant.yaml"
NESTED = re.compile(r"（[^）]*（")
"""A full-width bracket opened inside another."""


def gpu_help(currency: str, lang: str) -> str:
    path = "ai_costs.gpu_price_per_hour"
    return t(f"edit.{path}.help", lang, **help_values(path, currency))


def test_the_gpu_price_hint_quotes_an_hour_of_an_h100_in_the_companys_currency():
    assert gpu_help("CNY", "zh") == "按需租用一张 H100，每小时约15–30元。"
    assert gpu_help("USD", "zh") == "按需租用一张 H100，每小时约2–4美元。"
    assert gpu_help("USD", "en") == "An H100 on demand costs about 2–4 USD an hour."
    assert gpu_help("EUR", "en") == "An H100 on demand costs about 2–4 EUR an hour."
    assert "美元" not in gpu_help("CNY", "zh") and "USD" not in gpu_help("CNY", "en")


def test_the_burn_multiples_explanation_counts_arr_in_the_companys_currency():
    for preset, unit in ((USD, "1美元"), (CNY, "1元")):
        scenario = load_preset(preset, "zh")
        burn = next(f for ps in score(scenario).pillars.values() for f in ps.factors if f.key == "funds.burn_multiple")
        why = factor_why(burn, scenario.company.currency, "zh")
        assert why.startswith(f"第一年每新增{unit} ARR 所消耗的净现金：") and "2–3倍为偏高" in why
    assert "可疑" not in why and "1元 ARR" not in factor_why(burn, "USD", "zh")


def test_the_trailing_burn_multiple_card_explains_the_months_it_counts():
    """The actuals card over the last 3 months was explained with the plan's months 1–12 help."""
    actuals, plan = Trailing(3, 100.0, 20.0, 2.5, False), Trailing(3, 80.0, 25.0, 1.2, True)
    card = next(k for k in trailing_kpis(actuals, plan, "CNY", "zh") if k.key == "burn_multiple")
    assert card.help.startswith("近3个月的月均净烧钱 ÷ 同期月均新增 ARR") and "12" not in card.help
    card = next(k for k in trailing_kpis(actuals, plan, "USD", "en") if k.key == "burn_multiple")
    assert card.help.startswith("Average monthly net burn over the last 3 months")


def test_the_compared_npv_names_its_rate_and_timing_without_a_bracket_inside_a_bracket():
    scenario = load_scenario(CNY)   # 50 % a year, month-end flows
    cell = npv_value(-6_671_000, scenario, "zh")
    assert cell == fmt.money(-6_671_000, "CNY", "zh") + "（年折现率50%，现金流计于月末）"
    assert not NESTED.search(cell)
    assert npv_value(-6_671_000, scenario) == fmt.money(-6_671_000, "CNY") + " (at 50%/yr, month-end flows)"


def test_a_stressed_risk_summary_lists_the_stresses_with_the_enumeration_comma_and_one_sentence_space():
    s = replace_fields(load_scenario(USD), {"risk.paths": 1000})
    r = simulate(s)
    bars = [TornadoBar("funding[0].delay", 1, 6, 40.0, 30.0)]
    text = risk_summary(r, 36.0, bars, "runway", s, ("delay_6", "valuation_30", "gpu_50"), "zh")
    assert text.startswith("叠加融资推迟6个月、估值−30%、GPU 成本+50%的压力后，在1,000条模拟路径中，")
    assert text.count("在") == 1 and ", " not in text and "。 " not in text   # one 在, no "在…在"
    assert "。现金跑道中位数" in text
    assert risk_summary(r, 36.0, bars, "runway", s, ("delay_6", "gpu_50")).startswith(
        "Under Round delayed 6 months, GPU cost +50%, in ")


def test_a_switch_reads_yes_or_no_and_no_refundable_credit_row_without_a_credit():
    cny = replace_fields(load_preset(CNY), {"tax.small_low_profit": True})
    for lang, label, yes, credit in (("en", "Small low-profit enterprise", "yes", "Refundable R&D credit"),
                                     ("zh", "小型微利企业", "是", "可返还研发抵免")):
        items = dict(zip(*(assumptions_table(cny, lang).iloc[:, i] for i in (1, 2)), strict=True))
        assert t("edit.tax.small_low_profit", lang) == label and items[label] == yes
        assert items[t("edit.vat.small_scale", lang)] == t("unit.no", lang)
        assert credit not in items and "True" not in items.values() and "False" not in items.values()
        credited = replace_fields(cny, {"tax.rule": "simple", "tax.rd_credit_rate": 0.1})
        assert dict(zip(*(assumptions_table(credited, lang).iloc[:, i] for i in (1, 2)), strict=True))[credit] == "10.0%"


def test_the_china_rules_tax_lines_show_no_refundable_credit():
    """China has no refundable R&D credit: nothing on the CNY preset reads "0元研发抵免"."""
    from core.present.report import monthly_table, tax_note
    cny = load_preset(CNY, "zh")
    p = project(cny)
    assert not p.tax_credit[0].any()
    note = tax_note(p, cny, "zh")
    assert note is not None and "研发抵免" not in note and "按季预缴" in note and "小型微利企业" in note
    assert not any("研发抵免" in str(c) for c in monthly_table(p, "CNY", "zh").columns)
