"""Prices below a cent keep their digits in every table, label and chart built from the model."""

import json

import numpy as np
import pytest

from core.analysis.pricing import Constraints, default_constraints, optimise_price, price_curve, price_steps
from core.analysis.risk import tornado
from core.engine.projection import project
from core.present import charts
from core.present import formatting as fmt
from core.present.report import assumptions_table, price_table, tornado_labels
from tests.sub_cent import SUB_CENT, rounded_away


@pytest.mark.parametrize(("value", "currency", "lang", "text"), [
    (0.004, "USD", "en", "$0.004"), (0.00025, "USD", "en", "$0.00025"), (0.0000015, "CNY", "en", "¥0.0000015"),
    (0.0000015, "CNY", "zh", "0.0000015元"), (0.0123456, "EUR", "en", "€0.0123"), (0.1, "USD", "en", "$0.10"),
    (2.5, "USD", "en", "$2.50"), (0.0, "USD", "en", "$0"), (-0.004, "USD", "en", "-$0.004")])
def test_a_price_keeps_three_significant_digits_below_a_unit_and_cents_above(value, currency, lang, text):
    assert fmt.price(value, currency, lang) == text


def test_the_key_assumptions_show_each_sub_cent_price_and_per_unit_amount():
    values = dict(zip(assumptions_table(SUB_CENT).iloc[:, 0] + " / " + assumptions_table(SUB_CENT).iloc[:, 1],
                      assumptions_table(SUB_CENT).iloc[:, 2], strict=True))
    assert values["API calls (Usage-based API) / Price per unit"] == "$0.004"
    assert values["Tokens (Usage-based API) / Price per unit"] == "$0.0000015"
    assert not rounded_away(" ".join(values.values()))


def test_the_tornado_reads_a_sub_cent_price_range():
    _, bars = tornado(SUB_CENT, "runway", paths=200)
    labels = {b.key: label for b, label in zip(bars, tornado_labels(SUB_CENT, bars), strict=True)}
    low, high = next(b for b in bars if b.key == "streams[0].price_per_unit").low, next(
        b for b in bars if b.key == "streams[0].price_per_unit").high
    assert 0.003 < low < 0.004 < high < 0.005
    assert f"({fmt.price(low, 'USD')} – {fmt.price(high, 'USD')})" in labels["streams[0].price_per_unit"]
    assert not rounded_away(" ".join(labels.values()))


def test_the_pricing_table_and_chart_read_sub_cent_prices_and_volumes_in_significant_digits():
    result = optimise_price(SUB_CENT, 0)
    table = price_table(result, "USD", "calls", "end", SUB_CENT.settings.horizon_months)
    assert table.iloc[0, 0] == "$0.004"                                   # today's price
    assert table.iloc[1, 0] == "3.98M"       # year 1's average: 3M × (1.05¹² − 1) / 0.05 / 12 = 3,979,278 calls
    bounds = default_constraints(SUB_CENT, 0)
    curve = price_curve(SUB_CENT, 0, np.geomspace(bounds.low, bounds.high, 41))
    fig = charts.price_response(curve, 0.004, result.price, result.break_even_price, stream="API calls", unit="calls",
                                currency="USD", timing="end")
    assert not rounded_away(json.dumps(fig.to_plotly_json(), default=str))
    for axis in ("xaxis", "xaxis2", "xaxis3", "xaxis4"):
        ticks = fig.layout[axis].ticktext
        assert len(set(ticks)) == len(ticks), ticks                        # no two ticks read "$0.01"
    assert any(name.endswith("$0.004") for name in (tr.name for tr in fig.data) if name)   # the legend's "today"
    volume = fig.data[0]
    assert "%{customdata[1]}" in volume.hovertemplate
    assert volume.customdata[20][1] == fmt.quantity(curve.volume[20]) and "." not in volume.customdata[20][1][4:]


def test_the_serving_cost_chart_reads_a_cost_per_1m_tokens_below_a_cent():
    cheap = SUB_CENT.model_copy(update={"ai_costs": SUB_CENT.ai_costs.model_copy(update={"cost_per_million_tokens": 0.0025})})
    fig = charts.serving_cost(project(cheap))
    assert fig.data[0].customdata[0] == "$0.0025"
    assert not rounded_away(json.dumps(fig.to_plotly_json(), default=str))


def test_price_steps_span_the_bounds_on_a_log_scale_at_any_magnitude():
    for low, high in ((0.0004, 0.02), (0.00000015, 0.0000075), (150.0, 7500.0)):
        steps = price_steps(Constraints(low=low, high=high))
        assert steps[0] == low and steps[-1] == high and steps == sorted(set(steps))
        ratios = np.diff(np.log(steps))
        assert ratios.max() < 2.5 * np.log(high / low) / 40                # evenly spread on a log scale
        assert len({fmt.price(p, "USD") for p in steps}) == len(steps)     # every step reads differently
