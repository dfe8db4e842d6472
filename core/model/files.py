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
        data = (json.loads(decoded, object_pairs_hook=_unique, parse_int=_number) if fmt == "json"
                else yaml.load(decoded, _Loader))
    except ScenarioError:
        raise
    except UnicodeDecodeError:
        raise ScenarioError.of(Problem("(file)", "not_utf8", {})) from None
    except (ValueError, yaml.YAMLError) as exc:
        detail = str(exc).splitlines()[0][:200]
        raise ScenarioError.of(Problem("(file)", "not_valid", {"format": fmt.upper(), "detail": detail})) from None
    except RecursionError:
        raise ScenarioError.of(Problem("(file)", "nested", {})) from None
    return parse_scenario(data)


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object, refusing a key given twice (the second would silently win)."""
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"the key {next(k for k in keys if keys.count(k) > 1)!r} is given twice")
    return dict(pairs)


def _number(digits: str) -> int | float:
    """A JSON or YAML integer; one too long for ``int`` becomes a float (inf), which validation refuses by field."""
    return int(digits) if len(digits.lstrip("+-")) <= 300 else float(digits)


class _Loader(yaml.SafeLoader):
    """``yaml.safe_load``, refusing a mapping key given twice; dates stay text and integers of any
    length load, so that validation names the field of an impossible date (2026-02-30) or number."""

    yaml_implicit_resolvers = {first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
                               for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int | float:  # type: ignore[override]
        text = str(self.construct_scalar(node)).replace("_", "")
        return _number(text) if text.lstrip("+-").isdigit() else super().construct_yaml_int(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} is given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


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
