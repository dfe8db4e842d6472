"""The editor's field table covers the schema: a new field cannot be added without the editor showing it."""

import typing

from pydantic import BaseModel

from core.i18n import STRINGS
from core.model import STREAM_CLASSES, Scenario
from core.present.fields import FIELDS, SPECIAL_STREAM_FIELDS, TABLES, generic, kind_of, stream_fields

KEPT = {"schema_version", "risk.inputs", "risk.rounds", "risk.correlations", "strategy.factor_weights"}


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


def test_every_field_of_the_schema_has_an_editor_kind():
    expected = leaves(Scenario) - {"streams", "opex.team", "opex.one_off_costs", "funding"}
    for cls in STREAM_CLASSES:
        expected |= {f"streams.{p}" for p in leaves(cls) if p.split(".")[0] not in ("kind",)}
    expected -= {"streams.trial", "streams.demand"} | {f"streams.{f}" for f in ("kind",)}
    assert expected - set(FIELDS) == set()
    assert set(FIELDS) - expected == set()


def test_every_table_column_is_a_field_and_every_field_has_a_label_and_help_in_both_languages():
    for table, columns in TABLES.items():
        assert all(f"{table}.{c}" in FIELDS for c in columns)
    for lang in ("en", "zh"):
        assert [p for p in FIELDS if f"edit.{p}" not in STRINGS[lang] or f"edit.{p}.help" not in STRINGS[lang]] == []


def test_paths_with_indices_find_their_kind_and_stream_fields_skip_the_special_ones():
    assert generic("streams[3].trial.months") == "streams.trial.months"
    assert kind_of("opex.team[2].end_month") == "month?"
    assert kind_of("streams[0].churn_monthly") == "percent"
    assert stream_fields("subscription")[0] == "starting_customers"
    assert not set(SPECIAL_STREAM_FIELDS) & set(stream_fields("usage"))
