"""Presets (``sample_data/*.yaml``) in the reader's language."""

from __future__ import annotations

from pathlib import Path

import yaml

from core.model.edit import set_fields
from core.model.files import load_scenario, parse_scenario
from core.model.scenario import Scenario


def load_preset(path: str | Path, lang: str = "en") -> Scenario:
    """A preset scenario in the reader's language: ``path`` with, when ``<its folder>/<lang>/<its name>`` exists,
    that file's names applied over it — a mapping of field path to value (``streams[0].name: 开发者 API``),
    validated like any edit. A renamed funding round keeps its risk settings (``risk.rounds`` is keyed by
    the round's name). The numbers stay the preset's own: only names, units and verticals are translated."""
    path = Path(path)
    scenario = load_scenario(path)
    names = path.parent / lang / path.name
    if not names.is_file():
        return scenario
    updates: dict[str, object] = yaml.safe_load(names.read_text(encoding="utf-8"))
    renamed = {r.name: updates.get(f"funding[{i}].name", r.name) for i, r in enumerate(scenario.funding)}
    data = set_fields(scenario.model_dump(mode="json"), updates)
    data["risk"]["rounds"] = {renamed.get(k, k): v for k, v in data["risk"]["rounds"].items()}
    return parse_scenario(data)
