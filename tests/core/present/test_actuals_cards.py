"""The trailing cards of Plan vs actuals: what each one measures is in its label, so the plan's own "Default alive?"
further down the page (the whole horizon) never reads as a contradiction of the trailing one."""

import math

import pytest

from core.analysis.actuals import Trailing
from core.present.actuals import trailing_kpis


@pytest.mark.parametrize("lang, label, note", [
    ("en", "Default alive at the last 3 months' pace?", "plan, those months at their pace: Alive (the plan's own answer is below)"),
    ("zh", "按近3个月的速度是否默认存活？", "计划同期按其速度：默认存活（计划本身的结论见下方）"),
])
def test_the_trailing_default_alive_card_says_it_is_at_the_trailing_pace(lang, label, note):
    on_actuals = Trailing(3, 50_000.0, 12.0, 2.0, False)
    on_plan = Trailing(3, -1_000.0, math.inf, 0.0, True)
    card = next(k for k in trailing_kpis(on_actuals, on_plan, "USD", lang) if k.key == "default_alive")
    assert (card.label, card.note) == (label, note)
    runway = next(k for k in trailing_kpis(on_actuals, on_plan, "USD", lang) if k.key == "runway")
    assert runway.value == {"en": "12.0 months", "zh": "12个月"}[lang]
