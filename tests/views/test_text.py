"""What a page writes, read as text: no raw Python value (nan, None, True, False) and, on a Chinese page, no English
option in a picker."""

from __future__ import annotations

import re

import pytest

from tests.test_i18n import PAGES, chinese_app

RAW = re.compile(r"(?<![A-Za-z])(nan|NaN|None|True|False)(?![A-Za-z])")
"""A value Python or pandas wrote for a reader: a missing number, a missing value, a yes / no."""
ENGLISH = re.compile(r"^[^\u4e00-\u9fff]*[A-Za-z]{3}[^\u4e00-\u9fff]*$")
"""A label with a word of Latin letters and no Chinese character."""
OWN_NAME = {"lang"}  # the language picker names each language in itself ("English")
PRESETS = (None, "company_b_data_assistant_cny")  # the default scenario, and Company B in CNY


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
@pytest.mark.parametrize("page", PAGES)
def test_a_chinese_page_writes_no_raw_value_and_offers_no_english_option(tmp_path, monkeypatch, page, preset):
    """Found in a walkthrough: a bare "nan" on a Chinese page, "False" in the Library, and the Technology page's
    application areas in English."""
    at = chinese_app(tmp_path, monkeypatch).run()
    if preset:
        at.selectbox(key="preset").set_value(preset).run()
    at.switch_page(page).run()
    assert not at.exception
    raw = [text for text in written(at) if RAW.search(text)]
    assert raw == []
    english = {box: [o for o in shown if ENGLISH.match(o)] for box, shown in options(at).items()}
    assert {box: found for box, found in english.items() if found} == {}
