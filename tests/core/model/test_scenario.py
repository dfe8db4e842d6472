import json
from pathlib import Path

import pytest
from hypothesis import given

from core.i18n import STRINGS
from core.model import (
    GROWTH_FIELDS,
    MAX_FILE_BYTES,
    STREAM_CLASSES,
    ScenarioError,
    dumps_scenario,
    load_scenario,
    loads_scenario,
    parse_path,
    parse_scenario,
    replace_fields,
)
from tests.scenarios import budget, scenarios

PRESETS = sorted(Path("sample_data").glob("*.yaml"))
MINIMAL = {"company": {"name": "Acme", "starting_cash": 1000}}


def test_there_are_at_least_five_presets_and_all_load():
    assert len(PRESETS) >= 5
    for path in PRESETS:
        assert load_scenario(path).company.name


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@given(scenario=scenarios())
@budget(40)
def test_dump_then_load_round_trips_exactly(scenario, fmt):
    assert loads_scenario(dumps_scenario(scenario, fmt), fmt) == scenario


def errors_of(data) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    return info.value.errors


def test_error_names_the_field_path_the_reason_and_the_value():
    data = {**MINIMAL, "streams": [{"kind": "usage", "name": "api", "volume_per_month": 1, "price_per_unit": 1},
                                   {"kind": "usage", "name": "b", "volume_per_month": 1, "price_per_unit": 1},
                                   {"kind": "subscription", "name": "s", "price_per_month": 9, "churn_monthly": 1.4}]}
    assert errors_of(data) == ["streams[2].churn_monthly: Input should be less than or equal to 0.9 (got 1.4)"]


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"company": {"name": "A", "starting_cash": float("nan")}}, "company.starting_cash: Input should be a finite number"),
        ({"company": {"name": "A", "starting_cash": float("inf")}}, "company.starting_cash: Input should be a finite number"),
        ({"company": {"name": "A", "starting_cash": -1}}, "company.starting_cash: Input should be greater than or equal to 0"),
        ({"company": {"name": "A", "starting_cash": 1, "currency": "GBP"}}, "company.currency: Input should be 'CNY', 'USD' or 'EUR'"),
        ({"surprise": 1}, "surprise: Extra inputs are not permitted"),
        ({"settings": {"horizon_months": 6}}, "settings.horizon_months: Input should be greater than or equal to 12"),
        ({"settings": {"horizon_months": 121}}, "settings.horizon_months: Input should be less than or equal to 120"),
        ({"ai_costs": {"cost_per_million_tokens": 1, "gpu_price_per_hour": 2, "tokens_per_second": 5}},
         "ai_costs: give cost_per_million_tokens or gpu_price_per_hour with tokens_per_second, not both"),
        ({"ai_costs": {"gpu_price_per_hour": 2}}, "ai_costs: gpu_price_per_hour and tokens_per_second go together"),
        ({"opex": {"team": [{"role": "x", "headcount": 1, "cost_per_head_month": 1, "start_month": 5, "end_month": 5}]}},
         "opex.team[0]: end_month (5) must be after start_month (5)"),
        ({"funding": [{"name": "r", "month": 1, "amount": 1, "kind": "equity", "term_months": 12}]},
         "funding[0]: term_months applies to debt rounds only"),
        ({"schema_version": 3}, "schema_version: Input should be 2"),
    ],
)
def test_invalid_values_are_reported_with_their_path(patch, expected):
    errors = errors_of({**MINIMAL, **patch})
    assert any(e.startswith(expected) for e in errors), errors


def test_every_error_is_reported_not_just_the_first():
    data = {"company": {"name": "", "starting_cash": -1}, "settings": {"horizon_months": 500}}
    fields = [e.split(":")[0] for e in errors_of(data)]
    assert fields == ["company.name", "company.starting_cash", "settings.horizon_months"]


@pytest.mark.parametrize(
    ("text", "fmt", "reason"),
    [
        ("!!python/object/apply:os.system ['echo hacked']", "yaml", "not valid YAML"),
        ("company: {name: [unclosed", "yaml", "not valid YAML"),
        ("[1, 2, 3]", "yaml", "expected a mapping"),
        ('{"company": ', "json", "not valid JSON"),
        ("[" * 10_000 + "]" * 10_000, "json", "nested too deeply"),
        ("[" * 10_000 + "]" * 10_000, "yaml", "nested too deeply"),
        ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
                                                          for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
         "yaml", "alias bomb"),
    ],
)
def test_hostile_or_broken_files_are_refused_with_a_reason(text, fmt, reason):
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, fmt)
    assert reason in info.value.errors[0]


def test_nan_in_json_is_refused_with_the_field():
    text = json.dumps({"company": {"name": "A", "starting_cash": float("nan")}})
    with pytest.raises(ScenarioError, match=r"company\.starting_cash"):
        loads_scenario(text, "json")


def test_files_over_one_megabyte_are_refused_before_parsing(tmp_path):
    big = "# " + "x" * MAX_FILE_BYTES
    with pytest.raises(ScenarioError, match="over the 1,000,000-byte limit"):
        loads_scenario(big)
    path = tmp_path / "big.yaml"
    path.write_text(big)
    with pytest.raises(ScenarioError, match="byte limit"):
        load_scenario(path)


def test_a_scenario_is_immutable_and_hashable_by_value():
    a, b = parse_scenario(MINIMAL), parse_scenario(MINIMAL)
    assert a == b and a.model_dump_json() == b.model_dump_json()
    with pytest.raises(Exception, match="frozen"):
        a.company.starting_cash = 5


def test_gpu_price_gives_cost_per_million_tokens():
    # DOMAIN: cost per 1M tokens = GPU price per hour / (3600 * tokens per second) * 1e6
    s = parse_scenario({**MINIMAL, "ai_costs": {"gpu_price_per_hour": 3.6, "tokens_per_second": 1000}})
    assert s.ai_costs.million_token_cost == pytest.approx(1.0)


@pytest.mark.parametrize("cls", STREAM_CLASSES, ids=lambda c: c.__name__)
def test_each_stream_kind_states_its_roles_on_its_class(cls):
    fields = cls.model_fields
    assert {cls.VOLUME, cls.GROWTH, *cls.PRICES} <= set(fields)
    assert cls.PRICE is None or cls.PRICES == (cls.PRICE,)
    assert f"pricing.unit.{cls.UNIT}" in STRINGS["en"] and f"kind.{fields['kind'].default}" in STRINGS["zh"]
    if "quantity" in cls.TERMS:   # the engine's terms name the same fields (a subscription counts customers itself)
        assert cls.TERMS["quantity"][0] == (cls.VOLUME,) and cls.TERMS["growth"][0] == (cls.GROWTH,)
    assert cls.GROWTH in GROWTH_FIELDS


def test_replace_fields_edits_by_path_appends_one_past_the_end_and_names_bad_paths():
    s = parse_scenario({**MINIMAL, "opex": {"team": [{"role": "ML", "headcount": 2, "cost_per_head_month": 9000}]}})
    hired = replace_fields(s, {"opex.team[1]": {"role": "Sales", "function": "sales", "headcount": 1,
                                                "cost_per_head_month": 7000}, "opex.team[0].headcount": 3})
    assert [(r.role, r.headcount) for r in hired.opex.team] == [("ML", 3), ("Sales", 1)]
    assert s.opex.team[0].headcount == 2                                      # the original is a value, untouched
    with pytest.raises(KeyError):
        replace_fields(s, {"opex.team[5].headcount": 1})                       # no such role
    with pytest.raises(KeyError):
        replace_fields(s, {"opex.team[3]": {}})                                # a gap in the list
    with pytest.raises(ScenarioError, match=r"opex\.team\[0\]\.headcount"):
        replace_fields(s, {"opex.team[0].headcount": -1})
    assert parse_path("risk.inputs") == ["risk", "inputs"]
    with pytest.raises(KeyError):
        parse_path("streams[x].price")
