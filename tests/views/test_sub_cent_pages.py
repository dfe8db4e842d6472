"""A company priced below a cent, on every page: no price reads "$0.00" and every price field shows its digits."""


import pytest

import ui.pages
from tests.sub_cent import SUB_CENT, rounded_away
from tests.views.test_pages import field_key, fresh_app

PAGES = [spec.file for spec in ui.pages.PAGES]


def shown_text(at) -> str:
    """Everything a page shows as text: markdown, captions, metrics, alerts, tables and the charts' JSON."""
    parts = [e.value for kind in ("markdown", "caption", "title", "header", "subheader", "error", "warning", "info",
                                  "success") for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value.to_string() for e in (*at.dataframe, *at.table)]
    parts += [chart.proto.spec for chart in at.get("plotly_chart")]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def app(tmp_path, monkeypatch):
    return fresh_app(tmp_path, monkeypatch, timeout=90, scenario=SUB_CENT)


@pytest.mark.parametrize("page", PAGES)
def test_no_page_rounds_a_sub_cent_price_to_cents(app, page):
    app.switch_page(page).run()
    assert not app.exception
    text = shown_text(app)
    assert not rounded_away(text), rounded_away(text)[:5]


def test_the_pricing_lab_shows_todays_price_and_its_bounds_slider_moves_at_a_sub_cent_price(app):
    app.switch_page("views/pricing.py").run()
    assert "$0.004" in shown_text(app)
    bounds = next(s for s in app.select_slider if s.key.startswith("lever.pricing.bounds.0"))
    low, high = bounds.value
    assert 0 < low < 0.004 < high < 0.03
    options = bounds.options
    assert len(set(options)) == len(options) > 20                         # every step reads differently
    bounds.set_value((float(options[5].lstrip("$")), high)).run()     # a step that a cent-wide slider did not have
    assert not app.exception
    assert app.select_slider(key=bounds.key).value[0] == pytest.approx(float(options[5].lstrip("$")))


@pytest.mark.parametrize(("path", "shown"), [("streams[0].price_per_unit", "0.004"), ("streams[1].price_per_unit", "0.0000015"),
                                             ("streams[0].mtok_per_unit", "0.002"), ("ai_costs.cost_per_million_tokens", "0.30"),
                                             ("streams[0].volume_per_month", "3000000")])
def test_the_build_field_of_a_sub_cent_amount_shows_its_digits(app, path, shown):
    app.switch_page("views/build.py").run()
    section = "revenue" if path.startswith("streams") else "costs"
    app.radio(key="build.section").set_value(section).run()
    widget = app.number_input(key=field_key(app, path))
    assert widget.format % widget.value == shown


def test_a_sub_cent_price_typed_with_more_digits_keeps_them_and_reads_back_as_typed(app):
    app.switch_page("views/build.py").run()
    app.radio(key="build.section").set_value("revenue").run()
    path = "streams[0].price_per_unit"
    assert "= $0.004" in [c.value for c in app.caption]
    app.number_input(key=field_key(app, path)).set_value(0.0045).run()
    assert app.session_state["scenario"].streams[0].price_per_unit == pytest.approx(0.0045)
    assert app.number_input(key=field_key(app, path)).format % 0.0045 == "0.0045"
    assert "= $0.0045" in [c.value for c in app.caption]                   # the read-back follows the value typed
