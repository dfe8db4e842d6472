"""English and 简体中文: same keys, every key used, no untranslated string on a Chinese page, units."""

from __future__ import annotations

import io
import json
import re
import string
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import ui.pages
from core.engine.projection import project
from core.i18n import STRINGS, t
from core.model import ScenarioError, load_preset, load_scenario, parse_scenario, replace_fields
from core.present import formatting as fmt
from core.storage.exports import excel_workbook, read_excel

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SOURCES = [*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("views/*.py"), ROOT / "app.py"]
EN, ZH = STRINGS["en"], STRINGS["zh"]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogues_have_the_same_keys_and_placeholders():
    assert set(EN) == set(ZH)
    assert {k for k in EN if fields(EN[k]) != fields(ZH[k])} == set()


def test_every_catalogue_entry_is_used_somewhere():
    code = "\n".join(p.read_text() for p in SOURCES if "locales" not in p.parts)
    literals = set(re.findall(r"[\"']([a-z_][a-z0-9_.]*(?: burning)?)[\"']", code))
    patterns = []
    for body in re.findall(r"f\"([^\"]*\{[^\"]*)\"|f'([^']*\{[^']*)'", code):
        body = body[0] or body[1]        # f-strings that build keys, e.g. f"pillar.{key}"
        parts = re.split(r"\{[^}]*\}", body)
        if re.fullmatch(r"[a-z][a-z_]*\.[a-z_.]*", parts[0]):             # a literal key prefix such as "pillar."
            patterns.append(re.compile("[A-Za-z0-9_. -]+".join(re.escape(p) for p in parts) + r"\Z"))
    unused = [k for k in EN if k not in literals and not any(p.match(k) for p in patterns)]
    assert unused == []


def english_fragments() -> list[str]:
    """Pieces of English catalogue text long enough to be unmistakable, that differ in Chinese."""
    out = set()
    for key, text in EN.items():
        if text == ZH[key]:
            continue
        for piece in re.split(r"\{[^}]*\}", text):
            piece = piece.strip(" .:;,()—–-")
            if len(piece) >= 14 and re.search(r"[a-z]{3}", piece):
                out.add(piece)
    return sorted(out)


def shown_texts(at: AppTest) -> list[str]:
    """Every text a reader sees on the page: headings, messages, labels, table headers, chart titles."""
    texts = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success", "code"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("metric", "button", "selectbox", "slider", "select_slider", "number_input", "text_input", "toggle",
                 "checkbox", "multiselect", "expander", "radio"):
        texts += [str(getattr(e, "label", "")) for e in getattr(at, kind)]
    texts += [str(m.value) for m in at.metric]
    for frame in [*at.dataframe, *at.table]:
        texts += [str(c) for c in frame.value.columns] + [str(i) for i in frame.value.index]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        texts += re.findall(r"\"text\": \"([^\"]*)\"", json.dumps(spec["layout"], ensure_ascii=False))
        texts += [str(trace.get("name", "")) for trace in spec["data"]]
    return texts


PAGES = [spec.file for spec in ui.pages.PAGES]  # every page of the navigation, from its one list


def chinese_app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "zh.db"))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = "zh"
    return at


@pytest.mark.parametrize("page", PAGES)
def test_a_chinese_page_shows_no_untranslated_catalogue_text(tmp_path, monkeypatch, page):
    chinese = chinese_app(tmp_path, monkeypatch).run()  # a first run registers the pages' own URL paths
    chinese.switch_page(page).run()
    assert not chinese.exception
    shown = "\n".join(shown_texts(chinese))
    leaks = [f for f in english_fragments() if f in shown]
    assert leaks == []
    assert re.search(r"[\u4e00-\u9fff]", shown)  # and it is Chinese
    spec = next(s for s in ui.pages.PAGES if s.file == page)
    if page != "views/pitch.py":  # Pitch mode's title is the company's name
        assert chinese.title[0].value.startswith(ZH[spec.title])  # the sidebar's name is the page's title


def test_switching_the_language_switches_the_sidebar_and_the_page(tmp_path, monkeypatch):
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "l.db"))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value.startswith("Overview")
    at.selectbox(key="lang").set_value("zh").run()
    assert at.title[0].value.startswith("总览") and at.sidebar.selectbox[1].label == "打开预设情景"
    assert next(m.value for m in at.metric if m.label == "现金跑道") == "14个月"


def test_switching_the_language_reloads_an_unchanged_preset_in_it_and_keeps_an_edited_one(tmp_path, monkeypatch):
    """Found in a walkthrough: after 简体中文 the page read "总览 — Winter case — Series A slips", the preset's English
    names, streams and rounds, although sample_data/zh has them in Chinese."""
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "f.db"))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="lang").set_value("zh").run()
    chinese = load_preset("sample_data/capital_winter_round_slips.yaml", "zh")
    assert at.session_state["scenario"] == chinese and chinese.company.name in at.title[0].value
    assert chinese.company.name != load_preset("sample_data/capital_winter_round_slips.yaml").company.name
    at.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == "Overview — Winter case — Series A slips"
    edited = replace_fields(at.session_state["scenario"], {"company.starting_cash": 4_000_000})
    at.session_state["scenario"] = edited
    at.selectbox(key="lang").set_value("zh").run()
    assert at.session_state["scenario"] == edited and at.title[0].value.startswith("总览 — Winter case")


@pytest.mark.parametrize(("page", "sliders"), [
    ("views/financing.py", ["lever.financing.bridge", "lever.financing.cap", "lever.financing.exit"]),
    ("views/funds.py", ["lever.starting_cash"]),
])
def test_a_money_slider_reads_in_chinese_units_beside_its_digits(tmp_path, monkeypatch, page, sliders):
    """A slider's own numbers are digits (21,000,000); the page writes money in 万 / 亿, so each money slider says
    its amount that way too (found in a walkthrough: "6,573,000" beside "657.3万元")."""
    at = chinese_app(tmp_path, monkeypatch).run()
    at.selectbox(key="preset").set_value("company_b_data_assistant_cny").run()
    at.switch_page(page).run()
    shown = [c.value for c in at.caption]
    for name in sliders:
        value = at.slider(key=f"{name}@{at.session_state['widgets.gen']}").value
        assert f"即{fmt.money(value, 'CNY', 'zh')}" in shown, (name, value, shown)
        assert fmt.money(value, "CNY", "zh").endswith(("万元", "亿元"))


def test_money_reads_in_the_readers_units():
    assert fmt.money(123_456_789, "CNY", "zh") == "1.23亿元" and fmt.money(6_000_000, "CNY", "zh") == "600万元"
    assert fmt.money(5_600, "CNY", "zh") == "5,600元" and fmt.money(56_000, "CNY", "zh") == "5.6万元"
    assert fmt.money(-1_469_934, "CNY", "zh") == "-146.99万元"
    assert fmt.money(-1_469_934, "CNY", "en") == "-¥1.47M"
    assert fmt.money(2_500_000_000, "USD", "zh") == "25亿美元" and fmt.money(12_345, "EUR", "zh") == "1.23万欧元"
    assert fmt.money(2_500_000_000, "USD") == "$2.50B" and fmt.money(12_345, "EUR") == "€12.35k"
    assert fmt.percent(0.125) == "12.5%" and fmt.price(1.145, "USD", "zh") == "1.15美元"


def test_seed_002_npv_in_chinese_units_on_the_overview(tmp_path, monkeypatch):
    at = chinese_app(tmp_path, monkeypatch).run()
    at.selectbox(key="preset").set_value("seed002_nlp_project").run()
    # -1,469,934 with month-start flows, one month later at 50 %/yr: / 1.5^(1/12) = -1,421,097
    assert next(m.value for m in at.metric if m.label == "年折现率50%下的净现值（NPV，现金流计于月末）") == "-142.11万元"
    note = next(i.value for i in at.info if "100%年化收益率" in i.value)  # the essay's error, explained
    assert "重复计入" in note and "收入900万元，成本800万元" in note and "单利成本回报率为12.5%" in note
    assert "净现值（NPV）为-142.11万元" in note and at.title[0].value == "总览 — NLP 项目（原文回报率案例）"


def test_the_seed_002_note_reads_in_english_and_only_where_asked_for():
    from core.analysis.metrics import summarize
    from core.model import load_preset
    from core.present.report import seed002_note

    s = load_preset(ROOT / "sample_data/seed002_nlp_project.yaml", "en")
    p = project(s)
    note = seed002_note(p, summarize(p, s.settings), s, "en")
    assert note is not None and "counted more than once" in note and "¥9.00M against ¥8.00M of cost" in note
    assert "12.5% over 3 years (4.2% a year, not compounded)" in note and "is -¥1.42M" in note
    other = load_scenario(ROOT / "sample_data/company_a_customer_service.yaml")
    assert seed002_note(project(other), summarize(project(other), other.settings), other, "en") is None


def test_validation_messages_are_translated_and_keep_the_field_path():
    with pytest.raises(ScenarioError) as err:
        parse_scenario({"company": {"name": "x", "starting_cash": -5}, "foo": 1,
                        "streams": [{"kind": "subscription", "name": "s", "price_per_month": 10, "churn_monthly": 1.4}]})
    assert err.value.localized("zh") == ["company.starting_cash: 应大于或等于0.0（当前值-5）",
                                         "streams[0].churn_monthly: 应小于或等于0.9（当前值1.4）",
                                         "foo: 不是可用的字段（当前值1）"]
    assert err.value.localized("en") == err.value.errors


def test_the_excel_export_carries_chinese_labels_and_still_round_trips():
    s = load_scenario("sample_data/company_c_analytics_platform.yaml")
    data = excel_workbook(s, project(s), "zh")
    metrics = [row[0] for row in openpyxl.load_workbook(io.BytesIO(data))["Metrics"].iter_rows(min_row=2, values_only=True)]
    assert "期初现金" in metrics and "现金跑道" in metrics
    assert read_excel(data) == s


def test_the_untranslated_text_check_does_catch_english(tmp_path, monkeypatch):
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "en.db"))
    st.cache_data.clear()
    st.cache_resource.clear()
    english = AppTest.from_file(APP, default_timeout=60)
    english.session_state["lang"] = "en"
    english.switch_page("views/risk.py").run()
    shown = "\n".join(shown_texts(english))
    assert len([f for f in english_fragments() if f in shown]) >= 10   # the same check flags an English page
    assert "Cash at month end across 5,000 futures (USD)" in shown      # chart titles are part of what is checked


def test_upload_and_library_errors_read_in_chinese(tmp_path, monkeypatch):
    from core.storage.exports import import_scenario

    with pytest.raises(ScenarioError) as err:
        import_scenario("plan.xlsx", b"not a zip at all")
    assert err.value.localized("zh") == ["(file): 不是 Excel 工作簿（.xlsx 是 zip 压缩包）"]
    at = chinese_app(tmp_path, monkeypatch)
    at.switch_page("views/library.py").run()
    next(w for w in at.text_input if str(w.key).startswith("library.name.")).set_value("   ").run()
    at.button(key="library.save_new").click().run()
    assert at.error[0].value == "情景需要一个名称。"


GLOSSARY = [dict(zip(("term", "english", "chinese", "zh_match", "note", "zh_avoid"), line.split("\t"), strict=False))
            for line in (ROOT / "docs/glossary.tsv").read_text(encoding="utf-8").splitlines()[1:] if line.strip()]


def test_every_glossary_term_reads_the_same_in_chinese_wherever_the_english_uses_it():
    """docs/glossary.tsv: where an English value uses a term, the same key's Chinese value uses its standard form."""
    assert len(GLOSSARY) >= 20 and all(row["chinese"] and row["zh_match"] for row in GLOSSARY)
    misses = []
    for row in GLOSSARY:
        english, chinese = re.compile(row["english"], re.I | re.M), re.compile(row["zh_match"])
        for key, text in EN.items():
            if english.search(re.sub(r"\{[^}]*\}", "", text)) and not chinese.search(ZH[key]):
                misses.append(f"{row['term']}: {key} = {ZH[key]}")
    assert misses == []


AVOIDED = [row for row in GLOSSARY if row.get("zh_avoid")]
ZH_NAMES = {f"{p.name}: {line}" for p in sorted((ROOT / "sample_data/zh").glob("*.yaml"))
            for line in p.read_text(encoding="utf-8").splitlines()}
"""Every line of the presets' Chinese names, by file."""


@pytest.mark.parametrize("row", AVOIDED, ids=[row["term"] for row in AVOIDED])
def test_a_terms_wrong_chinese_word_is_nowhere_in_the_catalogue_or_the_chinese_presets(row):
    """docs/glossary.tsv's zh_avoid: the word a Chinese practitioner would stop at (债权 for the company's loans, 杠杆
    for a slider, 可疑 as a grade…) is in no Chinese string and no preset's Chinese names; the standard form is not it."""
    wrong = re.compile(row["zh_avoid"], re.M)
    assert not wrong.search(row["chinese"])
    assert [f"{key}: {text}" for key, text in ZH.items() if wrong.search(text)] == []
    assert [line for line in ZH_NAMES if wrong.search(line)] == []


def test_chinese_lists_take_the_enumeration_comma_and_a_full_stop_no_space():
    """No ", " beside Chinese text, no space after 。 and no bracket inside a bracket in a Chinese string (a list joined
    in code takes join.list)."""
    cjk = r"[\u4e00-\u9fff）”]"
    assert [k for k, v in ZH.items() if re.search(rf"{cjk}, |, {cjk}|。 ", v)] == []
    assert [k for k, v in ZH.items() if re.search(r"（[^）]*（", v)] == []   # no bracket inside a bracket
    assert t("join.list", "zh") == "、" and t("join.sentences", "zh") == "" and t("join.sentences", "en") == " "
    assert len(AVOIDED) >= 20


def test_chinese_sentences_use_full_width_punctuation():
    half = re.compile(r"[\u4e00-\u9fff）][,;:!?(]|[,;:!?)] ?[\u4e00-\u9fff]|[\u4e00-\u9fff]\(")
    assert [k for k, v in ZH.items() if half.search(re.sub(r"\{[^}]*\}", "", v))] == []
    assert [k for k, v in ZH.items() if re.search(r"\d %", v)] == [] and [k for k, v in EN.items() if re.search(r"\d %", v)] == []


LATIN_ALLOWED = {
    # abbreviations a Chinese founder reads as they are
    "AI", "API", "GPU", "NPV", "IRR", "LTV/CAC", "EBITDA", "HHI", "TAM", "SAM", "SOM", "PMC", "PME", "OPP", "IPP", "NLP",
    "R_CAP", "T_C", "T_R", "token",
    # names: the product, a method, a round's name as Chinese VCs say it, the language picker, Streamlit's own button
    "Winterproof", "Van", "Westendorp", "Brent", "Pre-A", "Language", "Upload", "YC",
    # the accounting software whose exports the Actuals page reads, and their text encodings
    "QuickBooks", "Xero", "UTF-8", "GBK",
    # units, currencies and file formats
    "k", "M", "B", "MB", "CNY", "USD", "EUR", "JSON", "YAML", "YML", "XLSX", "CSV", "Excel", "PDF", "PNG",
    # a financing instrument Chinese founders name so; an actuals file's column names and month format, as typed
    "SAFE", "YYYY-MM", "month", "revenue", "cost_of_revenue", "payroll", "other_opex", "funding", "ending_cash",
    # a tax formula's functions and its month and year indexes (the Statements page)
    "max", "min", "t", "y",
}
"""Latin-script words a Chinese page may show; a single capital letter is a name too (A 轮, B 公司)."""


def latin_words(texts: list[str]) -> set[str]:
    words = {w.rstrip(":.") for text in texts for w in re.findall(r"[A-Za-z][A-Za-z0-9_/+-]*", text)}
    return {w for w in words if w not in LATIN_ALLOWED and not re.fullmatch(r"[A-Z]", w)}


MONEY_TICK = re.compile(r"-?[\d,.]+(万|亿)?")
"""A Chinese money tick in any currency: digits, with 万 / 亿 unless the axis title names them."""


def money_axes(at: AppTest) -> list[tuple[str, str, list[str]]]:
    """(chart title, axis title, tick texts) of every axis of every chart on the page."""
    out = []
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec)["layout"]
        title = str((layout.get("title") or {}).get("text", ""))
        for name, axis in layout.items():
            if re.fullmatch(r"[xy]axis\d*", name) and isinstance(axis, dict):
                out.append((title, str((axis.get("title") or {}).get("text", "")), [str(x) for x in axis.get("ticktext", [])]))
    return out


@pytest.mark.parametrize("preset", sorted(p.stem for p in (ROOT / "sample_data").glob("*.yaml")))
def test_a_chinese_page_shows_no_latin_word_beyond_the_allowed_and_money_axes_in_the_readers_units(
        tmp_path, monkeypatch, preset):
    """Every page, with every preset, in Chinese: no English word left (the presets' names come from
    sample_data/zh/), and every axis whose title is in 元 / 美元 / 欧元 ticks in plain digits, with 万 / 亿 either in
    its title ("现金（万美元）") or on its ticks, never on both."""
    at = chinese_app(tmp_path, monkeypatch).run()
    at.selectbox(key="preset").set_value(preset).run()
    found, axes = {}, 0
    for spec in ui.pages.PAGES:
        at.switch_page(spec.file).run()
        assert not at.exception
        for word in latin_words(shown_texts(at)):
            found.setdefault(word, spec.file)
        for chart, title, ticks in money_axes(at):
            if "元" in title and not re.search(r"元/(美|欧)?元", title):  # one currency (Compare may mix two)
                assert ticks, (spec.file, chart, title)   # a money axis has its ticks in the reader's units
                axes += 1
            # a share beside money is no money
            if ticks and "元" in title + chart and "%" not in title:
                assert all(MONEY_TICK.fullmatch(x) for x in ticks), (spec.file, chart, title, ticks)
                if re.search(r"(万|亿)(美|欧)?元", title):
                    assert not any(re.search("万|亿", x) for x in ticks), (spec.file, chart, title, ticks)
    assert found == {}
    assert axes >= 8


def test_a_chinese_value_beside_a_chinese_word_takes_no_space_and_a_latin_one_keeps_it():
    assert t("captable.after", "zh", name="Pre-A 轮", month="2027年4月") == "Pre-A 轮后（2027年4月）"
    assert t("captable.after", "zh", name="Series A", month="2027年4月") == "Series A 后（2027年4月）"
    assert t("captable.converted", "zh", name="天使轮", round="A 轮", amount="300万元", price="6元", by="估值上限") == \
        "天使轮在 A 轮中转股：300万元，每股6元（由估值上限决定）。"
    assert t("kpi.capital_needed", "zh", amount="113.11万元").startswith("还需113.11万元才能")  # a number meets Chinese
    assert t("captable.after", "zh", name="GPT-4", month="2027年4月") == "GPT-4 后（2027年4月）"  # a Latin word
    assert t("captable.after", "en", name="Pre-A", month=15) == "After Pre-A (month 15)"
