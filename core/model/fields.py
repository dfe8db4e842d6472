"""Every field a founder edits, read off the schema: its input kind, bounds, step and table columns.

A field's *generic path* drops list indices (``streams[2].churn_monthly`` → ``streams.churn_monthly``); its
label is the locale key ``edit.<path>`` and its help ``edit.<path>.help``. Kinds: ``text``, ``choice`` (a
Literal), ``date``, ``toggle``, ``list`` (of names), and for numbers the :class:`~core.model.base.Input` marker's
kind (``money``, ``percent``, ``count``, ``month``, ``rating``, ``weight``), else ``number`` (float) or ``whole``
(int). A field is ``optional`` when it may be None.

What is not here is kept as it is by the editor: a Literal with one value (``schema_version``, a stream's
``kind``), a dict (``risk.inputs``, ``risk.rounds``, ``strategy.factor_weights``) and a field marked ``KEPT``
(``risk.correlations``). A list of models is a table (:data:`TABLES`), except the streams, which the editor
shows one by one.

So a new field needs only its line in the model (with its bounds and, for a number, its marker) and its two
catalogue keys.
"""

from __future__ import annotations

import math
import re
import typing
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from core.model.base import Input
from core.model.paths import bounds_of
from core.model.scenario import Scenario
from core.model.streams import STREAM_CLASSES, stream_class

SPECIAL_STREAM_FIELDS = ("kind", "name", "trial", "demand")
"""A stream's fields the editor shows apart from its numbers (its kind, its name, its trial and demand sections)."""
BILLING_FIELDS = ("billing", "payment_days", "bad_debt_share", "upfront_share", "upfront_months", "vat_rate")
"""Every stream's billing and collection fields, shown in their own part of the stream."""
SCALE = {"percent": 100.0}
"""Shown value ÷ model value by kind (a decimal 0.05 shows as 5 %)."""
WHOLE = ("whole", "month", "rating")


@dataclass(frozen=True)
class FieldSpec:
    """One field as the editor, the pages and the checks see it (bounds in the model's units, ±inf if none)."""

    path: str
    kind: str
    optional: bool
    low: float = -math.inf
    high: float = math.inf
    step: float | None = None
    options: tuple[Any, ...] = ()
    default: Any = None
    max_length: int | None = None
    required: bool = True  # a text that may not be empty

    @property
    def scale(self) -> float:
        return SCALE.get(self.kind, 1.0)

    @property
    def shown_bounds(self) -> tuple[float, float]:
        """The bounds in the shown unit (percent ×100)."""
        return self.low * self.scale, self.high * self.scale

    def shown(self, value: Any) -> Any:
        """A model value as a widget shows it (0.05 → 5.0 for a percent)."""
        return value * self.scale if self.scale != 1 and value is not None else value

    def model_value(self, shown: Any) -> Any:
        """A widget's value back in the model's units (percent ÷100, whole numbers as int, "" as None)."""
        if shown is None or (isinstance(shown, float) and math.isnan(shown)) or (shown == "" and self.kind != "text"):
            return None if self.optional or self.kind != "text" else ""
        if self.kind in WHOLE:
            return int(shown)
        if self.scale != 1:
            return float(shown) / self.scale
        return shown


def generic(path: str) -> str:
    """The path without list indices: ``streams[2].trial.days`` → ``streams.trial.days``."""
    return re.sub(r"\[\d+\]", "", path)


HELP_PRICES = {"ai_costs.gpu_price_per_hour": {"USD": (2, 4), "EUR": (2, 4), "CNY": (15, 30)}}
"""The typical price range a field's help quotes, by currency (an H100 on demand, an hour: 2–4 USD, 15–30 元 in China)."""


def help_values(path: str, currency: str) -> dict[str, object]:
    """What a field's help is formatted with: the typical price range it quotes in the scenario's currency, if any.

    >>> help_values("ai_costs.gpu_price_per_hour", "CNY"), help_values("company.name", "CNY")
    ({'low': 15, 'high': 30, 'currency': 'CNY'}, {})
    """
    prices = HELP_PRICES.get(generic(path))
    if prices is None:
        return {}
    low, high = prices[currency]
    return {"low": low, "high": high, "currency": currency}


_UnionType = type(int | None)


def _args(annotation: Any) -> list[Any]:
    """The types an annotation allows, with their Annotated metadata unwrapped (``X | None`` → [X, None])."""
    if typing.get_origin(annotation) in (typing.Union, _UnionType):
        return [a for arg in typing.get_args(annotation) for a in _args(arg)]
    if typing.get_origin(annotation) is typing.Annotated:
        return _args(typing.get_args(annotation)[0])
    return [annotation]


def _markers(info: FieldInfo) -> list[Input]:
    found = [m for m in info.metadata if isinstance(m, Input)]
    for arg in typing.get_args(info.annotation):
        if typing.get_origin(arg) is typing.Annotated:
            found += [m for m in typing.get_args(arg)[1:] if isinstance(m, Input)]
    return found


def _models(types: list[Any]) -> list[type[BaseModel]]:
    return [a for a in types if isinstance(a, type) and issubclass(a, BaseModel)]


def _spec(path: str, info: FieldInfo) -> FieldSpec | None:
    """The spec of a scalar field (None for one the editor keeps as it is)."""
    types = _args(info.annotation)
    optional = type(None) in types
    value_type = next(a for a in types if a is not type(None))
    markers = _markers(info)
    common: dict[str, Any] = {"path": path, "optional": optional,
                              "default": None if info.is_required() else info.default}
    if typing.get_origin(value_type) is Literal:
        options = typing.get_args(value_type)
        return FieldSpec(kind="choice", options=options, **common) if len(options) > 1 else None
    if value_type is bool:
        return FieldSpec(kind="toggle", **common)
    if value_type is date:
        return FieldSpec(kind="date", **common)
    if value_type is str:
        lengths = [m for m in info.metadata if hasattr(m, "max_length") or hasattr(m, "min_length")]
        return FieldSpec(kind="text", max_length=min((m.max_length for m in lengths if getattr(m, "max_length", None)),
                                                      default=None),
                         required=any(getattr(m, "min_length", 0) for m in lengths), **common)
    if typing.get_origin(value_type) is list:
        return FieldSpec(kind="list", **common)
    if value_type in (int, float):
        kind = markers[0].kind if markers else ("whole" if value_type is int else "number")
        low, high = bounds_of(info)
        return FieldSpec(kind=kind, low=low, high=high, step=markers[0].step if markers else None, **common)
    raise TypeError(f"{path}: no input kind for {info.annotation!r}")


def _walk(model: type[BaseModel], prefix: str, specs: dict[str, FieldSpec], tables: list[str]) -> None:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        if path == "streams":
            for cls in STREAM_CLASSES:
                _walk(cls, "streams.", specs, tables)
            continue
        types = _args(info.annotation)
        if any(typing.get_origin(t) is dict for t in types) or any(m.kind == "kept" for m in _markers(info)):
            continue  # a map by name (risk.inputs, risk.rounds, factor weights) or a field marked KEPT
        nested = _models(types) or _models([a for t in types for a in typing.get_args(t)])
        if not nested:
            if (spec := _spec(path, info)) is not None:
                if path in specs and replace(specs[path], default=None) != replace(spec, default=None):
                    raise TypeError(f"{path}: two stream kinds disagree on this field")
                specs[path] = spec
            continue
        if typing.get_origin(next(t for t in types if t is not type(None))) is list:
            tables.append(path)
        for sub in nested:
            _walk(sub, path + ".", specs, tables)


def _read_schema() -> tuple[dict[str, FieldSpec], list[str]]:
    specs: dict[str, FieldSpec] = {}
    tables: list[str] = []
    _walk(Scenario, "", specs, tables)
    return specs, tables


SPECS, _TABLE_PATHS = _read_schema()
"""Every editable field by generic path."""


def spec(path: str) -> FieldSpec:
    """The spec of a field path, with or without indices (KeyError for a field the editor does not show)."""
    return SPECS[generic(path)]


def fields_under(prefix: str) -> tuple[str, ...]:
    """The names of the fields directly under a generic path, in the schema's order (``"tax"`` → profit_tax_rate, …):
    what a section of the editor shows.

    >>> fields_under("settings")
    ('horizon_months', 'discount_rate_yearly', 'cash_flow_timing', 'capital_return_note', 'terms_before_start')
    """
    return tuple(p[len(prefix) + 1:] for p in SPECS if p.startswith(prefix + ".") and "." not in p[len(prefix) + 1:])


FIRST = {
    "opex.team": ("role", "headcount", "cost_per_head_month", "start_month"),
    "opex.one_off_costs": ("name", "cost", "month", "kind"),
    "funding": ("name", "amount", "month", "kind"),
}
"""The columns of each table a founder fills first, in that order: the table shows them without scrolling (at 1366 px);
the rest (a role's function, end month, attrition and grants; a one-off's instalments and input VAT; a round's
valuation, SAFE and debt terms, anti-dilution…) follow in the schema's order when asked for."""


def _columns(path: str) -> tuple[str, ...]:
    """A table's columns: its :data:`FIRST` ones, then every other field of its rows in the schema's order."""
    fields = fields_under(path)
    if unknown := set(FIRST[path]) - set(fields):
        raise TypeError(f"{path}: FIRST names {sorted(unknown)}, which its rows do not have")
    return (*FIRST[path], *(f for f in fields if f not in FIRST[path]))


TABLES = {path: _columns(path) for path in _TABLE_PATHS}
"""The lists edited as tables, with their columns in order (the ones a founder fills first, then the others).

>>> TABLES["opex.one_off_costs"]
('name', 'cost', 'month', 'kind', 'instalments', 'vat_rate')
"""


def stream_fields(kind: str) -> tuple[str, ...]:
    """The fields of a stream of ``kind`` in the editor, in the class's order (name, trial, demand and billing
    apart)."""
    cls = stream_class(kind)
    return tuple(f for f in cls.model_fields if f not in SPECIAL_STREAM_FIELDS + BILLING_FIELDS)
