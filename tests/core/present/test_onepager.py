"""The one-pager: one figure from the model's numbers; rendered, one landscape page that reads in both languages."""

from __future__ import annotations

import io
import os
import unicodedata
from datetime import date

import numpy as np
import pytest

from core.analysis.metrics import summarize
from core.analysis.pillars import score
from core.analysis.risk import simulate
from core.engine.projection import project
from core.model import load_scenario
from core.present.onepager import PAPERS, build, chromium, one_pager, one_pager_kpis, render

B = load_scenario("sample_data/company_b_data_assistant.yaml")
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
    for kpi in one_pager_kpis(summary, B, card, result):
        assert kpi.label in texts and f"<b>{kpi.value}</b>" in texts
    assert (fig.layout.width, fig.layout.height) == PAPERS["a4"]
    assert "Company B" in fig.layout.title.text and "2026-12-02" in fig.layout.title.text


def test_a_scenario_without_streams_or_monte_carlo_still_gets_a_page():
    from core.model import replace_fields
    bare = replace_fields(B, {"streams": []})
    p = project(bare)
    fig = one_pager(bare, p, summarize(p, bare.settings), score(bare, p), None, lang="zh", paper="letter")
    assert (fig.layout.width, fig.layout.height) == PAPERS["letter"]
    assert not any(trace.type == "scatter" and trace.line.shape == "hv" for trace in fig.data)


needs_chromium = pytest.mark.skipif(chromium() is None and os.environ.get("CI") != "true",
                                    reason="Chromium not found: `make browser` installs it")


def text_of(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(842, abs=3) and float(box.height) == pytest.approx(595, abs=3)  # A4 across
    return unicodedata.normalize("NFKC", reader.pages[0].extract_text())  # CJK fonts map some glyphs to radicals


@needs_chromium
@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["Company B — data assistant", "Runway", "> 60 months", "Default alive?", "Survival score",
            "Odds of cash at month 18", "93%", "Strategy pillars"]),
    ("zh", ["Company B — data assistant", "跑道", "> 60 个月", "生存评分", "第 18 个月仍有现金", "93%", "战略支柱"]),
])
def test_the_pdf_is_one_a4_landscape_page_with_the_kpis_in_the_readers_language(lang, words):
    text = text_of(render(build(B, lang, today=DAY), "pdf"))
    squeezed = text.replace(" ", "")
    missing = [w for w in words if w.replace(" ", "") not in squeezed]
    assert not missing, (missing, text[:800])


@needs_chromium
def test_the_png_is_the_page_at_twice_the_resolution():
    png = render(build(B, "en", paper="letter", today=DAY), "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (2 * PAPERS["letter"][0], 2 * PAPERS["letter"][1])


def test_only_pdf_and_png():
    with pytest.raises(ValueError, match="format must be one of"):
        render(build(B), "svg")
