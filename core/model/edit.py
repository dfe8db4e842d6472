"""The one way to change a scenario: field-path updates, re-validated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.model.files import parse_scenario
from core.model.paths import parse_path
from core.model.scenario import Scenario


def replace_fields(scenario: Scenario, updates: Mapping[str, object]) -> Scenario:
    """The one way to change a scenario: a validated copy with fields replaced by path.

    ``updates`` maps field paths to new values, applied in order, e.g.
    ``{"strategy.model_quality": 4, "streams[1].price_per_unit": 12}``; an index one past
    the end of a list appends (``opex.team[3]`` on a team of three adds a role). Levers,
    the pricing lab's "apply", tiers, pillar moves and page inputs all edit through here.

    Raises ScenarioError (every problem with its field path) when the result is invalid,
    KeyError when a path does not lead to a field's parent.

    >>> s = parse_scenario({"company": {"name": "Acme", "starting_cash": 1000}})
    >>> replace_fields(s, {"company.starting_cash": 5000}).company.starting_cash
    5000.0
    """
    data = scenario.model_dump()
    for path, value in updates.items():
        *parents, last = parse_path(path)
        node: Any = data
        try:
            for part in parents:
                node = node[part]
        except (IndexError, KeyError, TypeError):
            raise KeyError(path) from None
        if isinstance(node, list) and isinstance(last, int) and last <= len(node):
            node[last:last + 1] = [value]
        elif isinstance(node, dict) and isinstance(last, str):
            node[last] = value
        else:
            raise KeyError(path)
    return parse_scenario(data)
