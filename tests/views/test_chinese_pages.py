"""What the Chinese pages show, for the CNY preset and the USD default (issue 33): no word the glossary avoids, no
list joined with ", " and no space after 。 in a Chinese sentence, no "0元研发抵免", hints in the company's currency."""

from __future__ import annotations

import re

import pytest

import ui.pages
from core.model import load_preset
from tests.test_i18n import AVOIDED, shown_texts
from tests.views.test_pages import field_key, page_app

CNY = "sample_data/company_b_data_assistant_cny.yaml"
CJK = r"[\u4e00-\u9fff）”]"
SEAMS = re.compile(rf"{CJK}, |, {CJK}|。 ")
"""A list joined with ", " beside Chinese text, or a space after a full stop."""


def cells(at) -> list[str]:
    return [str(v) for frame in [*at.dataframe, *at.table] for v in frame.value.to_numpy().ravel()]


@pytest.mark.parametrize("preset", [CNY, None], ids=["cny_preset", "usd_default"])
def test_every_chinese_page_reads_as_a_practitioner_writes(tmp_path, monkeypatch, preset):
    at = page_app(tmp_path, monkeypatch, ui.pages.PAGES[0].file, load_preset(preset, "zh") if preset else None, "zh")
    found: dict[str, set[str]] = {}
    for spec in ui.pages.PAGES:
        at.switch_page(spec.file).run()
        assert not at.exception
        texts = shown_texts(at) + cells(at)
        for text in texts:
            for row in AVOIDED:
                if re.search(row["zh_avoid"], text, re.M):
                    found.setdefault(spec.file, set()).add(f"{row['term']}: {text}")
            if SEAMS.search(text) or re.search(r"0元\s*(的)?研发抵免|研发抵免\s*0元", text):
                found.setdefault(spec.file, set()).add(text)
    assert found == {}


def test_the_gpu_price_hint_on_build_follows_the_companys_currency(tmp_path, monkeypatch):
    """The CNY preset prices its GPUs by the hour: the hint quotes 元, not the USD price of an H100."""
    at = page_app(tmp_path, monkeypatch, "views/build.py", load_preset(CNY, "zh"), "zh")
    at.radio(key="build.section").set_value("costs").run()
    gpu = at.number_input(key=field_key(at, "ai_costs.gpu_price_per_hour"))
    assert gpu.help == "按需租用一张 H100，每小时约15–30元。"
