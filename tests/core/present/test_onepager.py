"""The one-pager: one figure from the model's numbers; rendered, one landscape page that reads in both languages."""

from __future__ import annotations

import io
import itertools
import os
from datetime import date

import numpy as np
import pytest

from core.analysis.captable import FOUNDERS, cap_table, ownership
from core.analysis.metrics import summarize
from core.analysis.pillars import score
from core.analysis.risk import simulate
from core.engine.projection import project
from core.model import load_scenario, replace_fields
from core.model.presets import load_preset
from core.present import formatting as fmt
from core.present.onepager import (
    CAP_TABLE,
    PAPERS,
    RADICALS,
    YEARLY,
    build,
    chromium,
    ideographs_cmap,
    one_pager,
    one_pager_kpis,
    page_cap_table,
    render,
)
from core.present.report import pitch_kpis

B = load_scenario("sample_data/company_b_data_assistant.yaml")
A = "sample_data/company_a_customer_service.yaml"  # a bridge SAFE converting in its Pre-A
C = load_scenario("sample_data/company_c_analytics_platform.yaml")  # venture debt only: no equity
DAY = date(2026, 12, 2)


def parts(scenario=B):
    p = project(scenario)
    return p, summarize(p, scenario.settings), score(scenario, p), simulate(scenario)


def test_the_page_plots_the_models_numbers():
    p, summary, card, result = parts()
    fig = one_pager(B, p, summary, card, result, today=DAY)
    by_name = {trace.name: trace for trace in fig.data}
    np.testing.assert_allclose(by_name["Cash"].y, p.cash[0])
    np.testing.assert_allclose(by_name["Analyst seats"].y, p.stream_revenue[0][0])
    radar = next(trace for trace in fig.data if trace.type == "scatterpolar")
    assert list(radar.r[:-1]) == pytest.approx([ps.score for ps in card.pillars.values()])
    survival = next(trace for trace in fig.data if trace.type == "scatter" and trace.line.shape == "hv")
    np.testing.assert_allclose(survival.y, 100 * result.survival)
    texts = [a.text for a in fig.layout.annotations]
    for kpi in one_pager_kpis(summary, B, card, result) + pitch_kpis(p, summary, B):
        assert kpi.label in texts and f"<b>{kpi.value}</b>" in texts
    assert (fig.layout.width, fig.layout.height) == PAPERS["a4"]
    assert "Company B" in fig.layout.title.text and "2 December 2026" in fig.layout.title.text


def cards(fig):
    """The page's cards, label → value."""
    texts = [a.text for a in fig.layout.annotations]
    return {label: value.removeprefix("<b>").removesuffix("</b>") for label, value in itertools.pairwise(texts)
            if value.startswith("<b>")}


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", {"MRR: today → end of year 1": "$127.75k → {mrr}", "ARR: today → end of year 1": "$1.53M → {arr}",
            "The ask (next priced round)": "Series A: $8.00M in 2027-03", "Team today": "12 people"}),
    ("zh", {"MRR：目前 → 第一年末": "12.78万美元 → {mrr}", "ARR：目前 → 第一年末": "153.3万美元 → {arr}",
            "本轮融资（下一轮定价融资）": "Series A：800万美元，2027年3月", "当前团队": "12人"}),
])
def test_the_page_answers_what_an_investor_asks_next(lang, expected):
    """Company B: MRR in month 0 is 60 seats less 2.5 % churn at $1,500 (87,750) and 20,000 API units at $2 (40,000):
    $127.75k, ARR 12 times that; the Series A is $8M in month 14 of a plan starting 2026-01; 6 + 4 + 2 heads work in
    month 0 (sales start in month 3)."""
    p, summary, card, result = parts()
    year_end = {"mrr": fmt.money(p.mrr[0, 11], "USD", lang), "arr": fmt.money(12 * p.mrr[0, 11], "USD", lang)}
    shown = cards(one_pager(B, p, summary, card, result, lang=lang, today=DAY))
    assert {label: shown[label] for label in expected} == {k: v.format(**year_end) for k, v in expected.items()}
    margin = "Gross margin (year 1)" if lang == "en" else "毛利率（第一年）"
    assert shown[margin] == fmt.percent(summary.gross_margin) == "65.3%"
    assert p.mrr[0, 0] == pytest.approx(58.5 * 1500 + 20_000 * 2) and p.headcount[0, 0] == 12


def test_the_ask_is_the_next_priced_round_and_a_dash_without_one():
    """Company A raises a SAFE before its Pre-A: the ask is the Pre-A (month 15 of 2026-01); Company C has only
    venture debt."""
    a = load_preset(A)
    p = project(a)
    assert cards(one_pager(a, p, summarize(p, a.settings), score(a, p), None, today=DAY))[
        "The ask (next priced round)"] == "Pre-A: ¥20.00M in 2027-04"
    ask = next(k for k in pitch_kpis(project(C), summarize(project(C), C.settings), C) if k.key == "ask")
    assert (ask.value, ask.note, ask.number) == ("—", "no priced round in the plan", None)


def test_the_radar_reads_its_scale():
    p, summary, card, result = parts()
    axis = one_pager(B, p, summary, card, result, today=DAY).layout.polar.radialaxis
    assert axis.showticklabels and tuple(axis.range) == (0, 100) and tuple(axis.tickvals) == (0, 25, 50, 75, 100)


def test_prices_on_the_page_read_as_formatting_price_writes_them(monkeypatch):
    """The conversion price of Company A's SAFE (¥6.00 a share) goes through formatting.price."""
    monkeypatch.setattr(fmt, "price", lambda value, currency, lang="en": f"<price {value:g} {currency}>")
    texts = [a.text.replace("<br>", " ") for a in build(load_preset(A), "en", today=DAY).layout.annotations]
    assert any("at <price 6 CNY>" in text for text in texts), texts


def test_a_cmap_naming_radicals_names_ideographs_and_one_without_is_kept():
    kangxi = b"1 begincodespacerange\n<00> <FF>\nendcodespacerange\n1 beginbfchar\n<AD> <2FA6>\nendbfchar\nendcmap\nend"
    assert b"<AD> <91D1>" in ideographs_cmap(kangxi)                               # ⾦ (U+2FA6) → 金 (U+91D1)
    plain = kangxi.replace(b"<2FA6>", b"<6253>")                                     # 打
    assert ideographs_cmap(plain) == plain


def test_a_scenario_without_streams_or_monte_carlo_still_gets_a_page():
    bare = replace_fields(B, {"streams": []})
    p = project(bare)
    fig = one_pager(bare, p, summarize(p, bare.settings), score(bare, p), None, lang="zh", paper="letter")
    assert (fig.layout.width, fig.layout.height) == PAPERS["letter"]
    assert not any(trace.type == "scatter" and trace.line.shape == "hv" for trace in fig.data)


def test_money_axes_read_in_the_readers_units_and_a_runway_past_the_horizon_names_the_last_month():
    """Found on a printed page: the one-pager copied the charts' traces but not their axes, so a Chinese page read
    "10M"; and "> 60 months" ran into "not in the horizon" beside it."""
    cny = load_scenario("sample_data/company_b_data_assistant_cny.yaml")
    p = project(cny)
    fig = one_pager(cny, p, summarize(p, cny.settings), score(cny, p), None, lang="zh", today=DAY)
    cash_ticks, mix_ticks = fig.layout.yaxis.ticktext, fig.layout.yaxis2.ticktext
    assert all(tick == "0" or tick.endswith(("万", "亿")) for tick in cash_ticks + mix_ticks), (cash_ticks, mix_ticks)
    assert max(fig.layout.yaxis.tickvals) >= p.cash[0].max()  # the ticks span the cash curve
    p, summary = project(B), summarize(project(B), B.settings)
    assert summary.zero_cash_date is None  # Company B never runs out within its 60 months (2026-01 to 2030-12)
    zero_cash = {k.key: k.value for k in one_pager_kpis(summary, B, score(B, p), None)}["zero_cash"]
    assert zero_cash == "after\u00a02030-12"  # one line: "after" never ends a line without its month
    assert {k.key: k.value for k in one_pager_kpis(summary, B, score(B, p), None, "zh")}["zero_cash"] == "2030年12月之后"


def cap_section(fig):
    """The cap-table column's cells (holder, invested, share) and the page's annotation texts, or None."""
    table = next((trace for trace in fig.data if trace.name == CAP_TABLE), None)
    texts = [a.text for a in fig.layout.annotations]
    return (None if table is None else [list(column) for column in table.cells.values]), texts


def test_the_cap_table_column_shows_who_owns_what_after_the_last_round_as_cap_table_computes_it():
    """Company A: founders 16/21, the angel's SAFE 4/105, the Pre-A 1/5 (test_captable derives them by hand)."""
    rows = {"en": ["Angel bridge SAFE", "Pre-A"], "zh": ["天使过桥 SAFE 投资人", "Pre-A 轮投资人"]}  # a round's row: its investors
    for lang, invested in (("en", ["—", "¥3.00M", "¥20.00M"]), ("zh", ["—", "300万元", "2,000万元"])):
        scenario = load_preset(A, lang)
        p = project(scenario)
        fig = one_pager(scenario, p, summarize(p, scenario.settings), score(scenario, p), None, lang=lang, today=DAY)
        (holders, money, shares), _ = cap_section(fig)
        table = cap_table(scenario)
        share = ownership(table.holders)
        assert shares == [fmt.percent(share[h.key]) for h in table.holders] == ["76.2%", "3.8%", "20.0%"]
        assert share[FOUNDERS] == pytest.approx(16 / 21) and money == invested
        assert holders[1:] == rows[lang]
    en = cap_section(build(load_preset(A), "en", today=DAY))[1]
    assert "<b>Founders: 100.0% → 76.2%</b><br>today → after Pre-A (month 15)" in en
    assert "Cap table" in en and any(t.startswith("Angel bridge SAFE converts in Pre-A: ¥3.00M at ¥6.00") for t in en)
    zh = cap_section(build(load_preset(A, "zh"), "zh", today=DAY))[1]
    assert "<b>创始人持股：100.0% → 76.2%</b><br>目前 → Pre-A 轮后（2027年4月）" in zh and "股权结构表" in zh


@pytest.mark.parametrize("later", [None, 61])
def test_a_bridge_that_meets_no_priced_round_within_the_horizon_is_shown_unconverted(later):
    """Company C (60 months) with a ¥2M SAFE in month 3 at a ¥30M post-money cap and no priced round, or one in
    month 61 (past the horizon): the SAFE's row says unconverted, owning 2 / 30 = 6.7 % as converted; the founders
    100 % → 93.3 %."""
    bridge = {"name": "Bridge", "month": 3, "amount": 2e6, "kind": "safe", "valuation_cap": 3e7}
    priced = [] if later is None else [{"name": "A", "month": later, "amount": 1e7, "pre_money_valuation": 4e7}]
    safe = replace_fields(C, {"funding": [*(r.model_dump() for r in C.funding), bridge, *priced]})
    assert len(cap_table(safe).steps) == len(priced)  # the Winter financing page converts it past the horizon
    p = project(safe)
    for lang, unconverted, note in (("en", ["¥2.00M", "6.7% unconverted"], "no priced round in the plan"),
                                    ("zh", ["200万元", "6.7%（未转股）"], "计划期内没有定价融资")):
        fig = one_pager(safe, p, summarize(p, safe.settings), score(safe, p), None, lang=lang, today=DAY)
        (holders, money, shares), texts = cap_section(fig)
        assert holders == (["Founders", "Bridge"] if lang == "en" else ["创始人", "Bridge 投资人"])
        assert [money[-1], shares[-1]] == unconverted and shares[0] == "93.3%"
        assert any(t.endswith(f"100.0% → 93.3%</b><br>{note}") for t in texts)


@pytest.mark.parametrize(("lang", "header", "cash"), [
    ("en", ["<b>Line</b>", "<b>2026</b>", "<b>2027</b>", "<b>2028</b>", "<b>2029</b>", "<b>2030</b>"], "Cash at the end of the period"),
    ("zh", ["<b>项目（万美元）</b>", "<b>2026年</b>", "<b>2027年</b>", "<b>2028年</b>", "<b>2029年</b>", "<b>2030年</b>"], "期末现金余额")])
def test_the_page_sums_up_profit_and_cash_by_calendar_year(lang, header, cash):
    """Company B (USD, 60 months from 2026-01): each year's revenue is the sum of its twelve months, its cash the
    cash at December."""
    p, summary, card, _ = parts()
    fig = one_pager(B, p, summary, card, None, lang=lang, today=DAY)
    table = next(trace for trace in fig.data if trace.name == YEARLY)
    assert list(table.header.values) == header
    lines, *years = (list(column) for column in table.cells.values)
    assert len(lines) == 7 and lines[-2] == cash

    def cell(v: float) -> str:  # a Chinese table in 万美元 (its header says so), two decimals; English compact money
        return fmt.money(v, "USD") if lang == "en" else f"{v / 1e4:,.2f}"

    assert [year[0] for year in years] == [cell(float(p.revenue[0, 12 * y:12 * y + 12].sum())) for y in range(5)]
    assert [year[-2] for year in years] == [cell(float(p.cash[0, 12 * y + 11])) for y in range(5)]
    assert [year[-1] for year in years] == [cell(float(p.cash[0, 12 * y:12 * y + 12].min())) for y in range(5)]


def test_a_scenario_without_equity_has_no_cap_table_column():
    for scenario in (C, replace_fields(B, {"funding": []}),
                     replace_fields(B, {"funding[0].pre_money_valuation": None})):  # unpriced equity: no ownership
        assert page_cap_table(scenario) is None
        p = project(scenario)
        fig = one_pager(scenario, p, summarize(p, scenario.settings), score(scenario, p), None, today=DAY)
        section, texts = cap_section(fig)
        assert section is None and "Cap table" not in texts and not any("Founders:" in t for t in texts)
        assert fig.layout.legend.x == pytest.approx(fig.layout.xaxis2.domain[0] + 0.02)


needs_chromium = pytest.mark.skipif(chromium() is None and os.environ.get("CI") != "true",
                                    reason="Chromium not found: `make browser` installs it")


def text_of(pdf: bytes) -> str:
    """The page's text as a reader copies it: never a CJK radical where an ideograph was written."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(842, abs=3) and float(box.height) == pytest.approx(595, abs=3)  # A4 across
    text = reader.pages[0].extract_text()
    assert not [ch for ch in text if RADICALS[0] <= ord(ch) <= RADICALS[1]], text
    return text


@needs_chromium
@pytest.mark.parametrize(("lang", "title"), [("en", "Company B — data assistant — one-pager"),
                                             ("zh", "Company B — data assistant — 路演一页纸")])
def test_the_pdf_is_titled_after_the_company_and_its_chinese_text_is_found_as_written(lang, title):
    """Found by a founder: the PDF was titled "Kaleido-fier", and 资金 copied as 资⾦ (the Kangxi radical U+2FA6)."""
    from pypdf import PdfReader

    pdf = render(build(B, lang, today=DAY), "pdf")
    assert PdfReader(io.BytesIO(pdf)).metadata.title == title
    text = text_of(pdf)
    words = ["Company B — data assistant", "MRR", "12 people"] if lang == "en" else [
        "Company B — data assistant", "资金管理", "现金跑道", "月末现金", "生存评分", "当前团队", "12人"]
    assert not [w for w in words if w.replace(" ", "") not in text.replace(" ", "")], text
    assert lang == "en" or "金" in text


@needs_chromium
@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["Company B — data assistant", "Runway", "> 60 months", "Default alive?", "Survival score",
            "Odds of cash at month 18", "93%", "Strategy pillars"]),
    ("zh", ["Company B — data assistant", "跑道", "60个月以上", "生存评分", "第18个月仍有现金", "93%", "战略支柱"]),
])
def test_the_pdf_is_one_a4_landscape_page_with_the_kpis_in_the_readers_language(lang, words):
    text = text_of(render(build(B, lang, today=DAY), "pdf"))
    squeezed = text.replace(" ", "")
    missing = [w for w in words if w.replace(" ", "") not in squeezed]
    assert not missing, (missing, text[:800])


@needs_chromium
@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["Cap table", "Founders: 100.0% → 76.2%", "today → after Pre-A (month 15)", "Holder", "Invested", "Owns",
            "Angel bridge SAFE", "¥3.00M", "¥20.00M", "76.2%", "3.8%", "20.0%", "at ¥6.00"]),
    ("zh", ["股权结构表", "创始人持股：100.0% → 76.2%", "投资额", "持股", "天使过桥 SAFE", "300万元", "2,000万元", "76.2%",
            "3.8%", "20.0%", "每股6元"]),
])
def test_the_pdf_carries_the_cap_table_in_the_readers_language(lang, words):
    scenario = load_preset(A, lang)
    text = text_of(render(build(scenario, lang, today=DAY), "pdf")).replace(" ", "")
    share = ownership(cap_table(scenario).holders)
    assert [fmt.percent(v) for v in share.values()] == ["76.2%", "3.8%", "20.0%"]  # what cap_table() says
    missing = [w for w in words if w.replace(" ", "") not in text]
    assert not missing, (missing, text[:1500])
    none = text_of(render(build(C, lang, today=DAY), "pdf"))
    assert "Cap table" not in none and "股权结构" not in none and "Founders" not in none


@needs_chromium
def test_the_png_is_the_page_at_twice_the_resolution():
    png = render(build(B, "en", paper="letter", today=DAY), "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (2 * PAPERS["letter"][0], 2 * PAPERS["letter"][1])


def test_only_pdf_and_png():
    with pytest.raises(ValueError, match="format must be one of"):
        render(build(B), "svg")
