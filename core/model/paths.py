"""Field paths (``streams[0].churn_monthly``): the one parser, and the bounds of the field a path names."""

from __future__ import annotations

import math
import re
import typing
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.model.scenario import Scenario


def parse_path(path: str) -> list[str | int]:
    """A field path's parts, the one parser of paths (edits, bounds, exports, labels).

    >>> parse_path("streams[0].churn_monthly")
    ['streams', 0, 'churn_monthly']
    """
    parts: list[str | int] = []
    for name in path.split("."):
        match = re.fullmatch(r"([a-z_]+)((?:\[\d+\])*)", name)
        if match is None:
            raise KeyError(path)
        parts += [match[1], *(int(i) for i in re.findall(r"\d+", match[2]))]
    return parts


def field_bounds(scenario: Scenario, path: str) -> tuple[float, float]:
    """The (low, high) bounds of the numeric field at ``path``; KeyError if there is none."""
    *parents, last = parse_path(path)
    node: Any = scenario
    try:
        for part in parents:
            node = node[part] if isinstance(part, int) else getattr(node, part)
        if isinstance(last, int):
            raise KeyError(path)
        info = type(node).model_fields[last]
        value = getattr(node, last)
    except (AttributeError, IndexError, KeyError, TypeError):
        raise KeyError(path) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise KeyError(path)
    return bounds_of(info)


def bounds_of(info: object) -> tuple[float, float]:
    """The (low, high) bounds a pydantic field allows (±inf where it sets none)."""
    low, high = -math.inf, math.inf
    for meta in _constraints(info):
        if (v := getattr(meta, "ge", None)) is not None:
            low = max(low, v)
        if (v := getattr(meta, "gt", None)) is not None:
            low = max(low, math.nextafter(v, math.inf))
        if (v := getattr(meta, "le", None)) is not None:
            high = min(high, v)
        if (v := getattr(meta, "lt", None)) is not None:
            high = min(high, math.nextafter(v, -math.inf))
    return low, high


def _constraints(info: object) -> list[object]:
    """Bound constraints of a field, including those inside ``Annotated[...] | None``."""
    found = list(getattr(info, "metadata", []))
    for arg in typing.get_args(getattr(info, "annotation", None)):
        found += [m for sub in typing.get_args(arg)[1:] for m in getattr(sub, "metadata", [sub])]
    return [m for m in found if any(hasattr(m, k) for k in ("ge", "gt", "le", "lt"))]
