"""Every scenario field widget on every page takes its bounds from the schema, in both languages: it accepts
the whole valid range (a value at either bound reaches the draft, and the scenario when valid) and nothing
outside it (the browser's widget stops at the bound, Streamlit drops a value sent past it, and the draft's
validation would refuse it with the field named). An edit is validated once."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.model import SPECS, TABLES, WHOLE, Scenario, field_value, generic, load_scenario, revise, spec
from core.storage.exports import flatten
from tests.views.test_pages import APP, PAGES

NUMERIC = {p for p, s in SPECS.items() if s.kind not in ("text", "choice", "date", "toggle", "list")}
SECTIONS = ("company", "revenue", "costs", "team", "funding", "strategy", "risk")
TABLE_COLUMNS = {f"{table}.{c}" for table, columns in TABLES.items() for c in columns}  # data editors, not widgets
PRESETS = ("capital_winter_round_slips", "company_a_customer_service", "company_b_data_assistant_cny")
"""Between them: demand, trial, GPU costs, pillars, projects, a stream's billing and China's tax rule's own fields."""


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "app.db"))
    monkeypatch.delenv("WINTERPROOF_DATABASE_URL", raising=False)
    st.cache_data.clear()
    return AppTest.from_file(APP, default_timeout=60).run()


def field_widgets(at) -> dict[str, object]:
    """The numeric scenario-field widgets on screen, by field path (their keys are ``edit.<gen>.<path>``)."""
    prefix = f"edit.{at.session_state['build.gen']}."
    found = {}
    for element in [*at.number_input, *at.slider, *at.select_slider]:
        key = element.key or ""
        if key.startswith(prefix) and key[len(prefix):].split("[")[0] and _spec_path(key[len(prefix):]) in NUMERIC:
            found[key[len(prefix):]] = element
    return found


def _spec_path(path: str) -> str:
    try:
        return spec(path).path
    except KeyError:
        return ""


def bounds(element) -> tuple[float, float]:
    if type(element).__name__ == "SelectSlider":  # ratings: the options are the values
        return float(element.options[0]), float(element.options[-1])
    return float(element.min), float(element.max)


def expected(path: str) -> tuple[float, float]:
    """The schema's bounds in the shown unit, as a widget can hold them (money caps at 1e15, whole numbers at 2^53)."""
    f = spec(path)
    low, high = f.shown_bounds
    if f.kind in WHOLE:
        return float(max(low, -2**53)), float(min(high, 2**53))
    return low, min(high, 1e15 * f.scale)


def pages_with_fields(at, language: str):
    """Every page (the Build page once per section) on each preset, in ``language``: its name, after it ran."""
    at.session_state["lang"] = language
    for preset in PRESETS:
        at.selectbox(key="preset").set_value(preset).run()
        if any(b.key == "unsaved.confirm" for b in at.button):  # in zh, a walk through the pages edits the verticals
            at.button(key="unsaved.confirm").click().run()      # (strategy.verticals[0] 开发者工具 → developer tools)
        assert at.session_state["scenario"].company.starting_cash == load_scenario(f"sample_data/{preset}.yaml").company.starting_cash
        for page in PAGES:
            at.switch_page(page).run()
            if page.endswith("build.py"):
                for section in SECTIONS:
                    at.radio(key="build.section").set_value(section).run()
                    yield f"{page}:{section}"
            else:
                yield page


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_numeric_field_widget_on_every_page_spans_exactly_its_schema_range(app, language):
    seen: dict[str, set[str]] = {}
    valued: set[str] = set()   # the numeric fields the presets give a value
    for page in pages_with_fields(app, language):
        valued |= {generic(p) for p, v, _ in flatten(app.session_state["scenario"].model_dump(mode="json"))
                   if v is not None and generic(p) in NUMERIC}
        assert not app.exception, page
        for path, element in field_widgets(app).items():
            assert bounds(element) == pytest.approx(expected(path), rel=1e-12), (page, path)
            seen.setdefault(page, set()).add(spec(path).path)
    assert {"views/overview.py", "views/risk.py", "views/strategy.py", "views/business_model.py", "views/market.py",
            "views/funds_pillar.py", "views/technology.py", "views/pricing.py"} <= set(seen)
    assert "streams.churn_monthly" in seen["views/business_model.py"] and "risk.paths" in seen["views/risk.py"]
    assert "streams.demand.elasticity" in seen["views/pricing.py"]
    build = set().union(*(paths for page, paths in seen.items() if page.startswith("views/build.py")))
    assert valued - TABLE_COLUMNS - build == set()        # the sections read the schema: nothing with a value is left out


PAGE_FIELDS = [  # one field of each page that edits the scenario, with a valid neighbour of the bound to start from
    ("views/overview.py", "settings.discount_rate_yearly"),
    ("views/business_model.py", "streams[1].churn_monthly"),
    ("views/business_model.py", "ai_costs.support_share_of_revenue"),
    ("views/technology.py", "ai_costs.cost_decline_yearly"),
    ("views/market.py", "strategy.market.growth_yearly"),
    ("views/market.py", "strategy.market.top_customer_share"),
    ("views/funds_pillar.py", "strategy.runway_target_months"),
    ("views/strategy.py", "strategy.pillar_weights.funds"),
    ("views/risk.py", "risk.survival_month"),
    ("views/risk.py", "risk.paths"),
    ("views/pricing.py", "streams[0].demand.elasticity"),
]


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize(("page", "path"), PAGE_FIELDS)
def test_a_page_field_takes_both_bounds_and_refuses_a_value_past_them(app, language, page, path):
    app.session_state["lang"] = language
    app.switch_page(page).run()
    f = spec(path)
    low, high = expected(path)
    whole = f.kind in WHOLE
    for value in (high, low):
        field_widgets(app)[path].set_value(int(value) if whole else value).run()
        assert not app.exception
        assert field_value(app.session_state["editor.draft"].data, path) == pytest.approx(f.model_value(value))
    assert field_value(app.session_state["scenario"].model_dump(), path) == pytest.approx(f.model_value(low))  # and valid
    past = high + (1 if whole else max(1e-6, 1e-9 * abs(high)))   # what the browser's widget would not send
    field_widgets(app)[path].set_value(int(past) if whole else past).run()
    assert not app.exception
    for data in (app.session_state["editor.draft"].data, app.session_state["scenario"].model_dump()):
        assert field_value(data, path) <= f.high                     # Streamlit drops it: it never reaches the draft
    refused = revise(app.session_state["scenario"].model_dump(), {path: f.model_value(past)})
    assert refused.scenario is None and refused.error.by_field(language)[path]   # nor would the draft take it


def test_an_edit_on_the_build_page_validates_the_scenario_once(app, monkeypatch):
    app.switch_page("views/build.py").run()
    calls = []
    for name in ("model_validate", "model_validate_json"):
        original = getattr(Scenario, name)
        monkeypatch.setattr(Scenario, name, classmethod(lambda cls, *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k)))
    for n, cash in enumerate((2_000_000.0, 3_000_000.0), start=1):
        field_widgets(app)["company.starting_cash"].set_value(cash).run()
        assert app.session_state["scenario"].company.starting_cash == cash
        assert calls == ["model_validate"] * n          # one validation per edit (the draft's), none by the caches
    app.switch_page("views/overview.py").run()
    field_widgets(app)["settings.discount_rate_yearly"].set_value(20.0).run()
    assert calls == ["model_validate"] * 3              # a page's edit the same way



def _one_month_field() -> None:
    from ui.editor import enter, field

    enter("months")
    field("funding[0].month")


def test_a_single_month_field_picks_a_calendar_month_and_keeps_its_index(tmp_path, monkeypatch):
    """No page draws a month field on its own today; one that does picks calendar months, as the tables do: the preset
    starts in 2026-01, so its round at month 18 arrives in 2027-07."""
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "app.db"))
    monkeypatch.delenv("WINTERPROOF_DATABASE_URL", raising=False)
    at = AppTest.from_function(_one_month_field, default_timeout=60).run()
    box = at.selectbox(key=f"edit.{at.session_state['build.gen']}.funding[0].month")
    assert (box.value, box.options[0], box.options[18], len(box.options)) == (18, "2026-01", "2027-07", 241)
    box.set_value(20).run()
    assert at.session_state["scenario"].funding[0].month == 20
