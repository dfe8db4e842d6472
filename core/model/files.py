"""Scenario files: YAML (``yaml.safe_load`` only) or JSON, at most 1 MB, validated into a Scenario."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import yaml
from pydantic import ValidationError

from core.model.base import MAX_ALIASES, MAX_FILE_BYTES
from core.model.errors import Problem, ScenarioError, format_errors, problems_of
from core.model.scenario import Scenario


def parse_scenario(data: object) -> Scenario:
    """Validate plain data (a dict from YAML/JSON) into a Scenario, or raise ScenarioError."""
    if not isinstance(data, dict):
        raise ScenarioError.of(Problem("(file)", "not_mapping", {"kind": type(data).__name__}))
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_errors(exc), problems_of(exc)) from None


def loads_scenario(text: bytes | str, fmt: Literal["yaml", "json"] = "yaml") -> Scenario:
    """Parse scenario text (YAML or JSON, at most 1 MB)."""
    raw = text.encode() if isinstance(text, str) else text
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError.of(Problem("(file)", "too_large", {"size": len(raw), "limit": MAX_FILE_BYTES}))
    try:
        decoded = raw.decode("utf-8")
        if fmt == "yaml" and decoded.count("*") and sum(isinstance(e, yaml.AliasEvent) for e in yaml.parse(decoded)) > MAX_ALIASES:
            raise ScenarioError.of(Problem("(file)", "alias_bomb", {"limit": MAX_ALIASES}))
        data = json.loads(decoded) if fmt == "json" else yaml.safe_load(decoded)
    except UnicodeDecodeError:
        raise ScenarioError.of(Problem("(file)", "not_utf8", {})) from None
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError.of(Problem("(file)", "not_valid", {"format": fmt.upper(), "detail": str(exc).splitlines()[0]})) from None
    except RecursionError:
        raise ScenarioError.of(Problem("(file)", "nested", {})) from None
    return parse_scenario(data)


def load_scenario(path: str | Path) -> Scenario:
    """Read a ``.yaml``/``.yml``/``.json`` scenario file."""
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ScenarioError.of(Problem("(file)", "too_large", {"size": path.stat().st_size, "limit": MAX_FILE_BYTES}))
    return loads_scenario(path.read_bytes(), "json" if path.suffix.lower() == ".json" else "yaml")


def dumps_scenario(scenario: Scenario, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """Serialise so that ``loads_scenario(dumps_scenario(s, f), f) == s``."""
    data = scenario.model_dump(mode="json", exclude_defaults=False)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
