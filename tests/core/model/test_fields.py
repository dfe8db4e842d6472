"""Field metadata read off the schema: every field a founder edits has a kind, its schema's bounds and its labels."""

import math
import typing
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from core.i18n import STRINGS
from core.model import (
    FIRST,
    SPECIAL_STREAM_FIELDS,
    SPECS,
    STREAM_CLASSES,
    TABLES,
    WHOLE,
    Scenario,
    ScenarioError,
    fields,
    fields_under,
    generic,
    load_scenario,
    replace_fields,
    revise,
    spec,
    stream_fields,
)
from core.storage.exports import flatten
from tests.core.engine.test_projection import every_kind
from tests.scenarios import budget

KEPT = {"schema_version", "risk.inputs", "risk.rounds", "risk.correlations", "strategy.factor_weights",
        "settings.history_months"}  # set by a re-forecast, not edited


def leaves(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Generic paths of every field below ``model`` that holds a value rather than a model or a list of models."""
    out = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        nested = [a for arg in [info.annotation, *typing.get_args(info.annotation)]
                  for a in [arg, *typing.get_args(arg)] if isinstance(a, type) and issubclass(a, BaseModel)]
        if path in KEPT:
            continue
        if nested and path != "streams":
            for sub in nested:
                out |= leaves(sub, path + ".")
        elif path != "streams":
            out.add(path)
    return out


def owner(path: str) -> tuple[type[BaseModel], str]:
    """The model class that declares the field at a generic path, and the field's name (an independent walk)."""
    parts = path.split(".")
    model: type[BaseModel] = Scenario
    if parts[0] == "streams":
        parts = parts[1:]
        model = next(c for c in STREAM_CLASSES if parts[0] in c.model_fields)
    for part in parts[:-1]:
        annotation = model.model_fields[part].annotation
        model = next(a for arg in [annotation, *typing.get_args(annotation)] for a in [arg, *typing.get_args(arg)]
                     if isinstance(a, type) and issubclass(a, BaseModel))
    return model, parts[-1]


def test_every_field_of_the_schema_has_a_spec_and_nothing_else_does():
    expected = leaves(Scenario) - set(TABLES) - {"streams"}
    for cls in STREAM_CLASSES:
        expected |= {f"streams.{p}" for p in leaves(cls) if p != "kind"}
    expected -= {"streams.trial", "streams.demand"}
    assert expected - set(SPECS) == set()
    assert set(SPECS) - expected == set()


def test_every_table_column_is_a_field_and_every_field_has_a_label_and_help_in_both_languages():
    assert set(TABLES) == {"opex.team", "opex.one_off_costs", "funding"}
    for table, columns in TABLES.items():
        assert all(f"{table}.{c}" in SPECS for c in columns)
    for lang in ("en", "zh"):
        assert [p for p in SPECS if f"edit.{p}" not in STRINGS[lang] or f"edit.{p}.help" not in STRINGS[lang]] == []


def test_a_tables_columns_are_its_rows_fields_once_each_those_filled_first_leading():
    for table, columns in TABLES.items():
        assert sorted(columns) == sorted(fields_under(table))
        first, rest = columns[:len(FIRST[table])], columns[len(FIRST[table]):]
        assert first == FIRST[table]
        assert list(rest) == [f for f in fields_under(table) if f in rest]  # the others in the schema's order
    assert TABLES["opex.team"][:4] == ("role", "headcount", "cost_per_head_month", "start_month")
    assert TABLES["funding"][:4] == ("name", "amount", "month", "kind")
    assert {"anti_dilution", "valuation_cap", "interest_rate_yearly"}.isdisjoint(FIRST["funding"])


def test_a_first_column_the_rows_do_not_have_is_refused(monkeypatch):
    monkeypatch.setitem(fields.FIRST, "funding", ("name", "valuation"))
    with pytest.raises(TypeError, match="valuation"):
        fields._columns("funding")


@pytest.mark.parametrize("path", sorted(p for p, s in SPECS.items() if math.isfinite(s.low) or math.isfinite(s.high)))
def test_a_numeric_fields_bounds_are_exactly_what_pydantic_accepts(path):
    f = SPECS[path]
    model, name = owner(path)
    adapter = TypeAdapter(model.model_fields[name].rebuild_annotation())
    number = int if f.kind in ("whole", "month", "rating") else float
    for inside in (f.low, f.high):
        if math.isfinite(inside):
            adapter.validate_python(number(math.ceil(inside) if number is int else inside))
    step = 1 if number is int else 1e-9 * max(1.0, abs(f.high), abs(f.low))
    for outside in (f.low - step, f.high + step):
        if math.isfinite(outside):
            with pytest.raises(ValidationError):
                adapter.validate_python(number(outside))
    assert f.optional == (type(None) in typing.get_args(model.model_fields[name].annotation))


def test_kinds_and_units_come_from_the_types():
    assert generic("streams[3].trial.days") == "streams.trial.days"
    assert spec("opex.team[2].end_month").kind == "month" and spec("opex.team[2].end_month").optional
    churn = spec("streams[0].churn_monthly")
    assert (churn.kind, churn.low, churn.high, churn.shown_bounds) == ("percent", 0, 0.9, (0, 90.0))
    assert churn.shown(0.035) == pytest.approx(3.5) and churn.model_value(3.5) == pytest.approx(0.035)
    assert spec("funding[0].exclusivity").max_length == 200 and not spec("funding[0].exclusivity").required
    assert spec("funding[0].name").required and spec("funding[0].kind").options == ("equity", "safe", "note", "debt", "grant")
    assert spec("risk.paths").step == 1000 and spec("risk.paths").model_value(20000.0) == 20000
    assert spec("strategy.pillar_weights.data").kind == "weight" and spec("strategy.model_quality").kind == "rating"
    assert spec("ai_costs.tokens_per_second").kind == "number" and spec("ai_costs.tokens_per_second").low > 0
    assert spec("streams.demand.choke_price").model_value(None) is None
    assert stream_fields("subscription")[0] == "starting_customers"
    assert not set(SPECIAL_STREAM_FIELDS) & set(stream_fields("usage"))
    with pytest.raises(KeyError):
        spec("risk.correlations")


def test_a_problem_beside_its_widget_reads_in_the_widgets_unit_and_a_files_in_the_files():
    s = load_scenario("sample_data/company_a_customer_service.yaml")
    with pytest.raises(ScenarioError) as caught:
        replace_fields(s, {"streams[0].churn_monthly": 1.4, "company.starting_cash": -5})
    assert caught.value.by_field("en")["streams[0].churn_monthly"] == ["Input should be less than or equal to 90% (got 140%)"]
    assert caught.value.by_field("zh")["streams[0].churn_monthly"] == ["应小于或等于90%（当前值140%）"]
    assert caught.value.by_field("en")["company.starting_cash"] == ["Input should be greater than or equal to 0.0 (got -5)"]
    assert "streams[0].churn_monthly: Input should be less than or equal to 0.9 (got 1.4)" in caught.value.localized("en")


@given(data=st.data())
@budget(60)
def test_a_value_inside_its_bounds_goes_through_a_widget_and_an_edit_unchanged(data):
    """Any in-bounds value of any numeric field of a scenario with every kind of field: shown by its widget and read
    back, it is the same value, and the one edit function takes it without a problem at that field."""
    s = every_kind(24)
    paths = [p for p, v, _ in flatten(s.model_dump(mode="json"))
             if generic(p) in SPECS and isinstance(v, int | float) and not isinstance(v, bool)]
    path = data.draw(st.sampled_from(paths))
    f = spec(path)
    low, high = max(f.low, -1e12), min(f.high, 1e12)
    value = data.draw(st.integers(math.ceil(low), int(high)) if f.kind in WHOLE else st.floats(low, high))
    assert f.model_value(f.shown(value)) == pytest.approx(value, rel=1e-12, abs=1e-12)
    result = revise(s.model_dump(), {path: f.model_value(f.shown(value))})
    assert result.error is None or path not in result.error.by_field("en"), result.error


def test_a_widgets_value_comes_back_in_the_models_terms_whatever_the_kind():
    name, cash, churn, months, currency = (spec(p) for p in ("company.name", "company.starting_cash", "streams.churn_monthly",
                                                             "settings.horizon_months", "company.currency"))
    assert name.shown("Acme") == "Acme" and name.model_value("Acme") == "Acme"
    assert name.model_value(None) == "" and name.model_value("") == ""              # a required text: empty, not None
    assert months.shown(36) == 36 and isinstance(months.shown(36), int) and months.model_value(36.0) == 36
    assert churn.shown(None) is None and churn.model_value(None) is None
    assert cash.model_value(float("nan")) is None and cash.model_value("") is None   # an emptied number is no number
    assert currency.model_value("CNY") == "CNY"
    assert spec("company.start_date").model_value(date(2027, 3, 1)) == date(2027, 3, 1)


def test_every_kind_and_default_and_path_is_read_off_the_types():
    assert [spec(p).kind for p in ("company.currency", "risk.default_inputs", "company.start_date", "strategy.verticals",
                                   "company.name", "opex.team.end_month", "strategy.model_quality")] == \
        ["choice", "toggle", "date", "list", "text", "month", "rating"]
    assert spec("company.name").default is None and spec("company.currency").default == "USD"   # required: no default
    assert spec("streams[0].churn_monthly").path == "streams.churn_monthly"
    assert fields_under("settings") == ("horizon_months", "discount_rate_yearly", "cash_flow_timing", "capital_return_note",
                                        "terms_before_start")
    assert fields_under("opex") == ("salary_growth_yearly", "marketing_per_month", "general_admin_per_month", "other_per_month",
                                    "payment_days", "vat_rate")
    assert fields_under("streams.trial") == ("days", "conversion")
