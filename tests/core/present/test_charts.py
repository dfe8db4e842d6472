"""Figure builders: each figure's traces, titles with their units, zero lines, and the shared template."""

from pathlib import Path

import numpy as np
import pytest

from core.analysis.metrics import runway_months
from core.analysis.pillars import score
from core.analysis.pricing import price_curve
from core.analysis.risk import simulate, tornado
from core.analysis.van_westendorp import analyse, read_survey
from core.engine.projection import project
from core.i18n import t
from core.model import load_scenario, parse_scenario, replace_fields
from core.present import charts

WINTER = replace_fields(load_scenario("sample_data/capital_winter_round_slips.yaml"), {"risk.paths": 1000})
B = load_scenario("sample_data/company_b_data_assistant.yaml")


@pytest.fixture(scope="module")
def winter():
    return WINTER, project(WINTER)


@pytest.fixture(scope="module")
def risk():
    return simulate(WINTER)


def zero_lines(fig) -> list:
    return [s for s in fig.layout.shapes if s.y0 == 0 and s.y1 == 0]


def test_every_builder_starts_from_the_shared_template(winter, risk):
    s, p = winter
    card = score(s, p)
    figures = [charts.cash_balance(p, s.funding), charts.burn_breakdown(p), charts.revenue_mix(p), charts.revenue_share(p),
               charts.pillar_radar(card), charts.factor_scores(card.pillars["funds"]), charts.serving_cost(p),
               charts.cash_fan(risk, p), charts.survival_curve(risk, p, 18), charts.runway_histogram(risk),
               charts.npv_histogram(risk, "USD", timing="end"), charts.compare_cash([("a", p)])]
    for fig in figures:
        assert fig.layout.template.layout.colorway == charts.PALETTE
        assert fig.layout.title.text


def test_cash_balance_draws_cash_the_zero_line_each_round_and_the_month_cash_runs_out(winter):
    s, p = winter
    fig = charts.cash_balance(p, s.funding, compare=p)
    cash = next(tr for tr in fig.data if tr.name == t("chart.cash.series"))
    np.testing.assert_allclose(cash.y, p.cash[0])
    assert len(zero_lines(fig)) == 1
    assert "(USD)" in fig.layout.title.text and "(USD)" in fig.layout.yaxis.title.text
    assert fig.layout.xaxis.title.text == "Month"
    rounds = next(tr for tr in fig.data if tr.name == t("chart.cash.funding"))
    assert list(rounds.text) == [r.name for r in s.funding if r.month < p.months]
    runs_out = next(tr for tr in fig.data if tr.name == t("chart.cash.runs_out"))
    runway = int(runway_months(p.cash)[0])
    assert runs_out.y[0] == pytest.approx(p.cash[0, runway]) and runs_out.y[0] < 0
    assert any(tr.line.dash == "dash" for tr in fig.data)     # the saved plan to compare against


def test_rounds_close_in_time_label_on_both_sides_and_rounds_in_one_month_share_a_marker(winter):
    """Found in a walkthrough: a loan in month 3 and a grant in month 4 printed "Bank loan" over "Gov grant"."""
    s, _ = winter
    extra = [{"name": "Bank loan", "kind": "debt", "month": 3, "amount": 5e5, "term_months": 24},
             {"name": "Gov grant", "kind": "grant", "month": 4, "amount": 2e5},
             {"name": "Angel top-up", "kind": "equity", "month": 4, "amount": 1e5}]
    plan = replace_fields(s, {"funding": [*[r.model_dump() for r in s.funding], *extra]})
    p = project(plan)
    rounds = next(tr for tr in charts.cash_balance(p, plan.funding).data if tr.name == t("chart.cash.funding"))
    by_month = {r.month for r in plan.funding if r.month < p.months}
    assert len(rounds.x) == len(by_month)  # one marker a month
    label = dict(zip(rounds.text, rounds.textposition, strict=True))
    assert label["Bank loan"] == "top center" and label["Gov grant · Angel top-up"] == "bottom center"
    np.testing.assert_allclose(rounds.y, [p.cash[0, m] for m in sorted(by_month)])


def test_burn_breakdown_stacks_every_nonzero_cost_line_under_revenue(winter):
    _, p = winter
    fig = charts.burn_breakdown(p)
    bars = [tr for tr in fig.data if tr.type == "bar"]
    total = sum(np.asarray(tr.y) for tr in bars)
    np.testing.assert_allclose(total, p.cost_of_revenue[0] + p.opex_total[0] + p.debt_service[0])
    assert fig.layout.barmode == "relative" and "per month" in fig.layout.yaxis.title.text
    np.testing.assert_allclose(next(tr for tr in fig.data if tr.type == "scatter").y, p.revenue[0])


def test_burn_breakdown_shows_the_profit_tax_and_the_rd_credit_below_zero():
    s = parse_scenario({"company": {"name": "Taxed", "starting_cash": 1e5}, "settings": {"horizon_months": 12},
                        "streams": [{"kind": "usage", "name": "API", "volume_per_month": 1_000, "price_per_unit": 10}],
                        "opex": {"team": [{"role": "eng", "headcount": 1, "cost_per_head_month": 4_000}]},
                        "tax": {"profit_tax_rate": 0.25, "rd_credit_rate": 0.1}})
    p = project(s)
    bars = {tr.name: np.asarray(tr.y) for tr in charts.burn_breakdown(p).data if tr.type == "bar"}
    np.testing.assert_allclose(bars["Profit tax"], 0.25 * 6_000)       # 10,000 revenue - 4,000 payroll
    np.testing.assert_allclose(bars["R&D credit"], -400)
    np.testing.assert_allclose(sum(bars.values()), p.net_burn[0] + p.revenue[0])


def test_revenue_mix_has_a_stacked_area_per_stream_and_shares_add_to_100(winter):
    _, p = winter
    mix = charts.revenue_mix(p)
    assert [tr.name for tr in mix.data] == list(p.stream_names)
    assert {tr.stackgroup for tr in mix.data} == {"revenue"}
    assert sum(charts.revenue_share(p).data[0].x) == pytest.approx(100)


def test_pillar_charts_are_on_a_0_to_100_scale(winter):
    s, p = winter
    card = score(s, p)
    radar = charts.pillar_radar(card).data[0]
    assert radar.r[0] == radar.r[-1] and len(radar.r) == len(card.pillars) + 1      # the polygon closes
    assert tuple(charts.pillar_radar(card).layout.polar.radialaxis.range) == (0, 100)
    funds = card.pillars["funds"]
    bars = charts.factor_scores(funds)
    assert list(bars.data[0].x) == [f.score for f in funds.factors if f.score is not None]
    assert bars.layout.xaxis.range[0] == 0 and bars.layout.xaxis.range[1] > 100       # a 100's label is not clipped
    assert list(bars.layout.xaxis.tickvals) == [0, 20, 40, 60, 80, 100]             # the scale still ends at 100
    assert charts.score_colour(39.9) == charts.PALETTE[2] and charts.score_colour(40) == charts.PALETTE[1]
    assert charts.score_colour(70) == charts.PALETTE[4]


def test_serving_cost_shows_cost_per_token_and_share_of_revenue(winter):
    _, p = winter
    fig = charts.serving_cost(p)
    np.testing.assert_allclose(fig.data[0].y, p.cost_per_million_tokens[0])
    serving = p.cost_of_revenue_items["inference"][0] + p.cost_of_revenue_items["hosting"][0]
    np.testing.assert_allclose(fig.data[1].y, 100 * serving / p.revenue[0])
    assert "%" in fig.layout.yaxis2.title.text and "USD" in fig.layout.yaxis.title.text


def shown_ticks(axis) -> list[str]:
    """The labels of the ticks inside an axis's range (those a reader sees)."""
    low, high = axis.range
    return [text for value, text in zip(axis.tickvals, axis.ticktext, strict=True) if low <= value <= high]


def test_serving_cost_labels_both_axes_with_round_ticks_over_the_curves(winter):
    """Found in a walkthrough: the serving-cost chart's axes read no usable values ("44.2%, 33.1%", synced to the
    other axis's grid; a flat zero line with no scale)."""
    _, p = winter  # cost per 1M tokens from $0.42 down to $0.06; serving at most 44.2% of revenue
    fig = charts.serving_cost(p)
    assert tuple(fig.layout.yaxis.range) == (0, pytest.approx(0.5))  # steps of $0.1 (0.36 / 6 rounds up to 0.1)
    assert shown_ticks(fig.layout.yaxis) == ["$0", "$0.1", "$0.2", "$0.3", "$0.4", "$0.5"]
    assert tuple(fig.layout.yaxis2.range) == (0, 50) and fig.layout.yaxis2.tickmode == "array"  # steps of 10%
    assert shown_ticks(fig.layout.yaxis2) == ["0%", "10%", "20%", "30%", "40%", "50%"]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("preset", sorted(p.stem for p in Path("sample_data").glob("*.yaml")))
def test_serving_cost_axes_span_their_curves_with_distinct_labels_for_every_preset(preset, lang):
    p = project(load_scenario(f"sample_data/{preset}.yaml"))
    fig = charts.serving_cost(p, lang=lang)
    for axis, curve in ((fig.layout.yaxis, fig.data[0].y), (fig.layout.yaxis2, fig.data[1].y)):
        top = np.nanmax(np.asarray(curve, dtype=float), initial=0.0)
        assert axis.range[0] == 0 and axis.range[1] >= top    # the curve inside, from zero
        labels = shown_ticks(axis)
        assert len(labels) >= 2 and len(set(labels)) == len(labels), labels  # a scale, each tick its own value
    assert all(label.endswith("%") for label in shown_ticks(fig.layout.yaxis2))


@pytest.mark.parametrize(("months", "lang", "ticks", "shown"), [
    (60, "zh", 3, "%Y年"),   # 2026-01 … 2030-12: every second year, 2026年 2028年 2030年
    (36, "en", 3, "%Y"),     # 2026-01 … 2028-12: every year
    (120, "en", 3, "%Y"),    # 2026-01 … 2035-12: every third year, 2027 2030 2033 (dtick counts from 2000)
])
def test_a_narrow_chart_has_at_most_four_level_year_ticks(months, lang, ticks, shown):
    """Found on a Chinese Build page: the cash strip's month ticks overlapped ("2028年1月030年1月")."""
    s = replace_fields(WINTER, {"settings.horizon_months": months})
    p = project(s)
    fig = charts.narrow(charts.cash_balance(p, s.funding, lang=lang), months, lang)
    step = int(fig.layout.xaxis.dtick[1:]) // 12  # years between ticks; plotly counts them from 2000-01
    first, last = p.month_dates()[0], p.month_dates()[-1]
    years = [y for y in range(first.year, last.year + 1) if (y - 2000) % step == 0]
    assert len(years) == ticks <= charts.NARROW_TICKS
    assert fig.layout.xaxis.tickformat == shown and fig.layout.xaxis.tickangle == 0 and not fig.layout.showlegend
    assert fig.layout.xaxis.hoverformat == {"en": "%b %Y", "zh": "%Y年%-m月"}[lang]  # the hover names the month
    marked = [tr for tr in charts.cash_balance(p, s.funding, lang=lang).data if tr.mode and "text" in tr.mode]
    assert marked and not [tr for tr in fig.data if tr.mode and "text" in tr.mode]   # round names only in the hover


def test_compare_pillars_names_the_pillars_level_beside_their_bars(winter):
    """Found in a walkthrough: tilted pillar names under the bars ran into the legend."""
    s, p = winter
    fig = charts.compare_pillars([("Winter", score(s, p)), ("B", score(B, project(B)))], lang="zh")
    names = [t(f"pillar.{k}", "zh") for k in ("technology", "business_model", "funds", "market", "data")]
    assert all(tr.orientation == "h" and list(tr.y) == names for tr in fig.data)
    assert fig.layout.yaxis.automargin and fig.layout.yaxis.autorange == "reversed"  # in order, top down
    assert fig.layout.template.layout.legend.orientation == "h" and fig.layout.xaxis.tickangle is None  # scores below


def test_market_funnel_is_log_scaled_and_absent_without_a_market(winter):
    s, p = winter
    fig = charts.market_funnel(s.strategy.market, p)
    assert fig.layout.xaxis.type == "log"
    assert fig.data[0].x[-1] == pytest.approx(max(p.revenue[0, :12].sum(), 1.0))
    bare = replace_fields(s, {"strategy.market.tam_yearly": None, "strategy.market.sam_yearly": None,
                              "strategy.market.som_yearly": None})
    assert charts.market_funnel(bare.strategy.market, p) is None


def test_risk_charts_show_bands_the_median_the_zero_line_and_odds_in_percent(winter, risk):
    _, p = winter
    fan = charts.cash_fan(risk, p)
    median = next(tr for tr in fan.data if tr.name == t("chart.fan.median"))
    np.testing.assert_allclose(median.y, risk.cash_bands[2])
    assert len(zero_lines(fan)) == 1 and "1,000 futures" in fan.layout.title.text
    survival = charts.survival_curve(risk, p, 18)
    assert survival.data[0].y[0] == pytest.approx(100) and tuple(survival.layout.yaxis.range) == (0, 105)
    assert "month-end flows" in charts.npv_histogram(risk, "USD", timing="end").layout.xaxis.title.text
    runway = charts.runway_histogram(risk).data[0]                 # binned here: one bar per month of runway
    assert runway.type == "bar" and sum(runway.y) == risk.paths
    lows = np.rint(np.asarray(runway.x)).astype(int)
    np.testing.assert_array_equal(runway.y, np.bincount(risk.runway)[lows])
    np.testing.assert_allclose(runway.width, 1.0)


def test_histograms_ship_bins_not_paths():
    big = simulate(replace_fields(WINTER, {"risk.paths": 20_000}))
    npv = charts.npv_histogram(big, "USD", timing="end")
    bars = npv.data[0]
    assert sum(bars.y) == big.paths and len(bars.x) <= charts.MAX_BINS
    edges = np.asarray(bars.customdata)
    assert edges[0, 0] == pytest.approx(big.npv.min()) and edges[-1, 1] == pytest.approx(big.npv.max())
    np.testing.assert_allclose(edges[1:, 0], edges[:-1, 1])                  # adjacent bins
    assert len(npv.to_json()) < 20_000                                       # not 20,000 samples
    flat = charts._histogram(np.full(50, 7.0), "t", "x", "en")               # one value: one bin holding all of it
    assert sum(flat.data[0].y) == 50


def test_tornado_has_a_low_and_a_high_bar_per_input_around_the_base():
    base, bars = tornado(B, "runway", paths=500)
    fig = charts.tornado_chart(base, bars, [b.key for b in bars], "Mean runway (months)", top=5)
    low, high = fig.data
    assert len(low.y) == len(high.y) == min(5, len(bars))
    np.testing.assert_allclose(np.asarray(low.x) + base, [b.metric_low for b in bars[:5]])
    assert fig.layout.shapes[0].x0 == base


def test_price_response_has_four_panels_with_today_and_the_optimum_marked():
    curve = price_curve(WINTER, 0, np.geomspace(0.5, 5, 31))
    fig = charts.price_response(curve, 1.5, 1.15, 0.43, stream="API", unit="1M tokens", currency="USD", timing="end")
    panels = [tr for tr in fig.data if tr.x[0] is not None]
    assert len(panels) == 4
    np.testing.assert_allclose(panels[3].y, curve.npv)
    assert len(fig.layout.shapes) == 4 * 3                      # today, optimum and floor in every panel
    by_panel = {(shape.xref, shape.yref, shape.x0) for shape in fig.layout.shapes}
    assert by_panel == {(f"x{n}".replace("x1", "x"), f"y{n} domain".replace("y1 ", "y "), price)
                        for n in range(1, 5) for price in (1.5, 1.15, 0.43)}
    assert {a.text for a in fig.layout.annotations} >= {"NPV (month-end flows)"}
    assert [tr.name for tr in fig.data if tr.x[0] is None] == ["Today: $1.50", "Optimal: $1.15", "Unit cost: $0.43"]


def test_van_westendorp_draws_four_curves_in_percent_and_its_points():
    result = analyse(read_survey(Path("sample_data/van_westendorp_survey.csv").read_bytes()))
    fig = charts.van_westendorp(result, "USD")
    assert len(fig.data) == 4 and max(max(tr.y) for tr in fig.data) <= 100
    assert {a.text.split()[0] for a in fig.layout.annotations} == {"PMC", "PME", "OPP", "IPP"}
    lines = {s.x0 for s in fig.layout.shapes if s.type == "line"}
    for note in fig.layout.annotations:                          # each label sits on its line, at the top
        key = note.text.split()[0].lower()
        assert note.x == getattr(result, key) in lines and note.y == 1 and note.yref == "y domain"


def test_comparison_charts_have_a_series_per_scenario(winter, risk):
    s, p = winter
    pb = project(B)
    cash = charts.compare_cash([("Winter", p), ("B", pb)])
    assert [tr.name for tr in cash.data] == ["Winter (USD)", "B (USD)"] and len(zero_lines(cash)) == 1
    revenue = charts.compare_revenue([("Winter", p), ("B", pb)])
    assert sum(sum(tr.y) for tr in revenue.data) == pytest.approx(p.revenue[0, :12].sum() + pb.revenue[0, :12].sum())
    pillars = charts.compare_pillars([("Winter", score(s, p)), ("B", score(B, pb))])
    assert len(pillars.data) == 2 and tuple(pillars.layout.xaxis.range) == (0, 100)
    survival = charts.compare_survival([("Winter", risk)])
    np.testing.assert_allclose(survival.data[0].y, 100 * risk.survival)


@pytest.mark.parametrize(("lang", "currency", "title", "ticks"), [
    ("zh", "USD", "现金（万美元）", ["-100", "0", "100", "200", "300", "400", "500"]),
    ("zh", "CNY", "现金（万元）", ["-100", "0", "100", "200", "300", "400", "500"]),
    ("en", "USD", "现金（美元）", ["-$1M", "$0", "$1M", "$2M", "$3M", "$4M", "$5M"]),
])
def test_a_chinese_money_axis_counts_in_wan_named_in_its_title(lang, currency, title, ticks):
    """Cash from 0 to 3.3M: ticks every 1M from -1M to 5M (one step beyond each end); a Chinese axis reads them as
    100万 steps with 万 before the currency in its title, an English one in k / M / B with the title as given."""
    fig = charts._figure()
    fig.add_scatter(x=[0, 1], y=[0, 3_300_000])
    fig.update_layout(yaxis_title=t("chart.cash.y", "zh", currency=currency))
    charts.money_axis(fig, "y", currency, lang)
    assert fig.layout.yaxis.title.text == title and list(fig.layout.yaxis.ticktext) == ticks
    assert fig.data[0].customdata[1] == {"zh": {"USD": "330万美元", "CNY": "330万元"}[currency], "en": "$3.30M"}[lang]
