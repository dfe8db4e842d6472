"""Every page in Chinese writes numbers as a Chinese reader counts them: money in 万 / 亿 of its currency (no "$" or
"€"), months as 2027年3月 (no 2027-03), and no shorthand a Chinese sentence does not use ("×", "> 60", "60+")."""

from __future__ import annotations

import json
import re

import pytest

import ui.pages
from tests.test_i18n import ROOT, chinese_app, shown_texts

SHORTHAND = {
    "a dollar or euro amount": re.compile(r"[$€]\s?\d"),
    "a YYYY-MM month": re.compile(r"(?<![\d-])\d{4}-\d{2}(?![\d-])"),
    "× for times": re.compile(r"×"),
    "> for more than": re.compile(r"(?<![-=])>\s?\d"),
    "+ for more": re.compile(r"\+\s?\d|\d\+"),
}
ALLOWED = (
    re.compile(r"[_=]"),                                    # the tax formulas the Statements page states (× is a product)
    re.compile(r"（100 − 得分）× 其权重占比"),                # the weakest-factor help: a formula
    re.compile(r"价值 × 套餐系数"),                          # the tiers model: a formula
    re.compile(r"（× 计划）"),  # the Funds and Pitch sliders' multipliers: their wording is the practitioner-terms part of #33
)
"""Texts that may use a symbol: formulas, and the sliders' "× plan" labels (reworded with the other terms of #33)."""


def page_texts(at) -> list[str]:
    """What a reader sees: :func:`shown_texts`, with the metrics' notes, the tables' cells and the charts' ticks."""
    texts = shown_texts(at) + [str(m.delta or "") for m in at.metric]
    for frame in [*at.dataframe, *at.table]:
        texts += [str(cell) for cell in frame.value.to_numpy().ravel()]
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec)["layout"]
        texts += [str(tick) for name, axis in layout.items() if re.fullmatch(r"[xy]axis\d*", name) and isinstance(axis, dict)
                  for tick in axis.get("ticktext", [])]
    return texts


def shorthand(texts: list[str]) -> list[tuple[str, str]]:
    """(what, text) for every text that writes a number the way a Chinese page should not, beyond :data:`ALLOWED`."""
    return [(what, text) for text in texts for what, pattern in SHORTHAND.items()
            if pattern.search(text) and not any(a.search(text) for a in ALLOWED)]


def test_the_check_finds_what_it_looks_for():
    found = shorthand(["现金 $3.30M", "2027-03 之后", "烧钱倍数 3.23×", "> 60 个月", "60+–60+ 个月", "月增长 +1 个百分点"])
    assert [what for what, _ in found] == [*list(SHORTHAND), "+ for more"]
    assert shorthand(["330万美元", "2027年3月", "3.23倍", "60个月以上", "2026-12-08 14:00", "利润_t = a × b"]) == []


@pytest.mark.parametrize("preset", sorted(p.stem for p in ROOT.glob("sample_data/*.yaml")))  # USD (the default) and CNY
def test_a_chinese_page_writes_numbers_as_a_chinese_reader_counts_them(tmp_path, monkeypatch, preset):
    at = chinese_app(tmp_path, monkeypatch).run()
    at.selectbox(key="preset").set_value(preset).run()
    found = {}
    for spec in ui.pages.PAGES:
        at.switch_page(spec.file).run()
        assert not at.exception
        for what, text in shorthand(page_texts(at)):
            found.setdefault((what, text[:120]), spec.file)
    assert found == {}

