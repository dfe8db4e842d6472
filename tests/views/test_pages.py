"""Every page through Streamlit's AppTest: loads, and its controls change what is shown."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.scenario import load_scenario

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = ["views/overview.py", "views/funds.py", "views/revenue.py"]


@pytest.fixture
def app():
    st.cache_data.clear()
    return AppTest.from_file(APP, default_timeout=60).run()


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_loads_without_exception(app, page):
    app.switch_page(page).run()
    assert not app.exception
    assert app.title


@pytest.mark.parametrize("preset", ["seed002_nlp_project", "company_c_analytics_platform"])
def test_picking_a_preset_changes_the_overview(app, preset):
    app.selectbox(key="preset").set_value(preset).run()
    assert not app.exception
    assert load_scenario(f"sample_data/{preset}.yaml").company.name in app.title[0].value


def test_overview_shows_the_seed_case_figures(app):
    app.selectbox(key="preset").set_value("seed002_nlp_project").run()
    assert metric(app, "NPV at 50%/yr") == "-¥1.47M"
    assert metric(app, "Default alive?") == "Alive"


@pytest.mark.parametrize(
    ("key", "value"),
    [("lever.headcount", 0.5), ("lever.round_delay", -9), ("lever.starting_cash", 6_000_000.0), ("lever.price", 2.0)],
)
def test_moving_a_funds_slider_changes_the_shown_runway(app, key, value):
    app.switch_page("views/funds.py").run()
    before = metric(app, "Runway")
    app.slider(key=key).set_value(value).run()
    assert not app.exception
    assert metric(app, "Runway") != before


def test_applying_the_drivers_changes_every_page(app):
    app.switch_page("views/funds.py").run()
    app.slider(key="lever.round_delay").set_value(-9).run()
    app.button(key="funds.apply").click().run()
    assert app.session_state["scenario"].funding[0].month == 9
    app.switch_page("views/overview.py").run()
    assert metric(app, "Runway") != "14 months"


def test_revenue_page_shows_concentration_and_a_row_per_stream(app):
    app.switch_page("views/revenue.py").run()
    assert metric(app, "Revenue concentration (HHI)") == "0.62"
    assert len(app.dataframe[0].value) == 2
