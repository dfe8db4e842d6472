"""What a page writes, read as text: no raw Python value (nan, None, True, False) and, on a Chinese page, no English
option in a picker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.analysis.pillars import score
from core.engine.projection import project
from tests.test_i18n import PAGES, chinese_app
from tests.views.test_pages import fresh_app

RAW = re.compile(r"(?<![A-Za-z])(nan|NaN|None|True|False)(?![A-Za-z])")
"""A value Python or pandas wrote for a reader: a missing number, a missing value, a yes / no."""
ENGLISH = re.compile(r"^[^\u4e00-\u9fff]*[A-Za-z]{3}[^\u4e00-\u9fff]*$")
"""A label with a word of Latin letters and no Chinese character."""
OWN_NAME = {"lang"}  # the language picker names each language in itself ("English")
PRESETS = sorted(p.stem for p in Path("sample_data").glob("*.yaml"))  # the default, Company B in CNY, and the others


def written(at) -> list[str]:
    """Every text of the page as the reader sees it: headings, messages, metrics, captions, and every table cell."""
    texts = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        texts += [str(m.label), str(m.value), str(m.proto.delta or "")]
    for frame in [*at.dataframe, *at.table]:
        data = frame.value
        texts += [str(c) for c in data.columns] + [str(i) for i in data.index]
        texts += [str(cell) for column in data.columns for cell in data[column]]
    return texts


def options(at) -> dict[str, list[str]]:
    """Every picker's options as shown (select boxes, radios, multiselects), by the picker's label."""
    return {f"{box.label} ({box.key})": [str(o) for o in box.options]
            for kind in ("selectbox", "radio", "multiselect") for box in getattr(at, kind) if box.key not in OWN_NAME}


@pytest.mark.parametrize("preset", PRESETS)
def test_a_chinese_page_writes_no_raw_value_and_offers_no_english_option(tmp_path, monkeypatch, preset):
    """Found in a walkthrough: a bare "nan" on a Chinese page, "False" in the Library, and the Technology page's
    application areas in English. Every page, with every preset."""
    at = chinese_app(tmp_path, monkeypatch).run()
    at.selectbox(key="preset").set_value(preset).run()
    raw, english = {}, {}
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception
        raw |= {text: page for text in written(at) if RAW.search(text)}
        english |= {box: (page, found) for box, shown in options(at).items()
                    if (found := [o for o in shown if ENGLISH.match(o)])}
    assert raw == {}
    assert english == {}


def test_the_chinese_library_writes_yes_no_and_the_local_user_in_chinese(tmp_path, monkeypatch):
    """Found in a walkthrough: the Chinese Library showed a bare "False" (deleted?) and the local user as "local"."""
    at = chinese_app(tmp_path, monkeypatch).run()
    at.switch_page("views/library.py").run()
    at.button(key="library.save_new").click().run()
    at.button(key="library.duplicate").click().run()
    at.button(key="library.delete").click().run()          # the first one, deleted
    at.toggle(key="library.show_deleted").set_value(True).run()
    at.toggle(key="library.share_downloads").set_value(True)
    at.button(key="library.share_create").click().run()    # on the deleted one: refused, said in Chinese
    assert not at.exception
    members, saved = at.dataframe[0].value, at.dataframe[1].value
    assert list(members["成员"]) == ["你（本地模式）"]
    assert sorted(saved["已删除"]) == ["否", "是"]
    raw = [text for text in written(at) if RAW.search(text)]
    assert raw == []


@pytest.fixture
def english(tmp_path, monkeypatch):
    return fresh_app(tmp_path, monkeypatch, timeout=90)


@pytest.mark.parametrize("page", ["views/technology.py", "views/business_model.py", "views/market.py"])
def test_factor_scores_read_as_whole_numbers(english, page):
    """Found in a walkthrough: pillar scores read "100.0000" in the factor tables."""
    scenario = english.session_state["scenario"]
    english.switch_page(page).run()
    key = page.removeprefix("views/").removesuffix(".py")
    factors = score(scenario, project(scenario)).pillars[key].factors
    shown = list(english.table[0].value["Score (0–100)"])
    assert shown == ["—" if f.score is None else str(round(f.score)) for f in factors]
    assert all(re.fullmatch(r"\d{1,3}|—", cell) for cell in shown)


def test_the_revenue_table_groups_thousands(english):
    scenario = english.session_state["scenario"]
    english.switch_page("views/revenue.py").run()
    table = english.dataframe[0].value
    year1 = project(scenario).stream_revenue[0, :, :12].sum(axis=1)
    assert list(table["Year-1 revenue (USD)"]) == [f"{round(v):,}" for v in year1]
    assert all("," in cell for cell in table["Year-1 revenue (USD)"])  # every stream earns thousands in year 1


def test_a_runway_past_the_horizon_reads_the_same_on_every_page(english):
    """Found in a walkthrough: "60.0" on the Pricing page, "> 60 months" on the Overview, for the same plan."""
    english.selectbox(key="preset").set_value("company_b_data_assistant").run()  # cash lasts the 60 months
    assert next(m.value for m in english.metric if m.label == "Runway") == "> 60 months"
    english.switch_page("views/pricing.py").run()
    prices = next(t.value for t in english.table if "Today" in t.value.columns)
    assert prices.loc["Runway", "Today"] == "> 60 months"
    english.switch_page("views/risk.py").run()
    assert next(m.value for m in english.metric if m.label == "Median runway") == "> 60 months"
