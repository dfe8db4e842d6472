"""The one way to change a scenario: field-path updates, re-validated."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.model.errors import ScenarioError
from core.model.files import parse_scenario
from core.model.paths import field_bounds, parse_path
from core.model.scenario import Scenario


def field_value(data: Any, path: str) -> Any:
    """The value at ``path`` in plain scenario data; KeyError when there is none.

    >>> field_value({"streams": [{"name": "API"}]}, "streams[0].name")
    'API'
    """
    return _node(data, parse_path(path), path)


def _node(data: Any, parts: list[str | int], path: str) -> Any:
    try:
        for part in parts:
            data = data[part]
    except (IndexError, KeyError, TypeError):
        raise KeyError(path) from None
    return data


def set_fields(data: dict, updates: Mapping[str, object]) -> dict:
    """A copy of plain scenario data (``model_dump()``) with fields replaced by path, not validated.

    ``updates`` maps field paths to new values, applied in order; an index one past the end
    of a list appends (``opex.team[3]`` on a team of three adds a role). The editor keeps
    its draft this way, valid or not. KeyError when a path does not lead to a field's parent.

    >>> set_fields({"opex": {"team": []}}, {"opex.team[0]": {"role": "CTO"}})
    {'opex': {'team': [{'role': 'CTO'}]}}
    """
    data = copy.deepcopy(data)
    for path, value in updates.items():
        *parents, last = parse_path(path)
        node = _node(data, parents, path)
        if isinstance(node, list) and isinstance(last, int) and last <= len(node):
            node[last:last + 1] = [value]
        elif isinstance(node, dict) and isinstance(last, str):
            node[last] = value
        else:
            raise KeyError(path)
    return data


@dataclass(frozen=True)
class Revision:
    """Plain scenario data after an edit, validated once: ``scenario`` when it is valid, else ``error``."""

    data: dict
    scenario: Scenario | None
    error: ScenarioError | None


def check(data: dict) -> Revision:
    """Validate plain scenario data once: its scenario, or every problem with its path."""
    try:
        return Revision(data, parse_scenario(data), None)
    except ScenarioError as exc:
        return Revision(data, None, exc)


def revise(data: dict, updates: Mapping[str, object]) -> Revision:
    """The one edit: ``data`` with fields replaced by path (as :func:`set_fields`), validated once.

    Every edit goes through here: :func:`replace_fields` (pages, levers, the pricing lab's "apply", pillar
    moves) and the Build page's :class:`~core.model.Draft`, which keeps an invalid result to show its problems.
    KeyError when a path does not lead to a field's parent.
    """
    return check(set_fields(data, updates))


def replace_fields(scenario: Scenario, updates: Mapping[str, object], *, clamp: bool = False) -> Scenario:
    """A validated copy of ``scenario`` with fields replaced by path (:func:`revise` on a scenario).

    ``updates`` as in :func:`set_fields`, e.g. ``{"strategy.model_quality": 4, "streams[1].price_per_unit": 12}``.
    With ``clamp``, a number is first brought inside its field's bounds: relative moves (levers,
    pillar moves) of a value that validates then never fail (a price at its 1e13 bound, +10 %).

    Raises ScenarioError (every problem with its field path) when the result is invalid,
    KeyError when a path does not lead to a field's parent.

    >>> s = parse_scenario({"company": {"name": "Acme", "starting_cash": 1000}})
    >>> replace_fields(s, {"company.starting_cash": 5000}).company.starting_cash
    5000.0
    """
    if clamp:
        updates = {path: _within(scenario, path, value) for path, value in updates.items()}
    result = revise(scenario.model_dump(), updates)
    if result.error is not None:
        raise result.error
    assert result.scenario is not None
    return result.scenario


def _within(scenario: Scenario, path: str, value: object) -> object:
    """``value`` inside the bounds of the numeric field at ``path`` (unchanged for anything else)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    try:
        low, high = field_bounds(scenario, path)
    except KeyError:
        return value
    inside = min(max(value, low), high)
    return int(inside) if isinstance(value, int) else inside
