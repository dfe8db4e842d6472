"""Print the import diagram of core's layers (Mermaid), read from the code.

    python scripts/layers.py          # the block the README's "Layout" section shows

Each package of ``core/`` is a node; an edge ``a --> b`` means some module of ``a`` imports
one of ``b``. ``tests/test_layers.py`` checks the README shows exactly this diagram.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("__main__", "storage", "present", "analysis", "engine", "model", "i18n")
"""Top to bottom: a layer may import the layers below it, never those above (import-linter checks)."""


def package_of(module: str) -> str | None:
    """``core.analysis.metrics`` -> ``analysis``; None outside ``core``."""
    parts = module.split(".")
    return parts[1] if parts[0] == "core" and len(parts) > 1 else None


def edges() -> set[tuple[str, str]]:
    """(importing package, imported package) pairs between different packages of core."""
    found = set()
    for path in (ROOT / "core").rglob("*.py"):
        here = "__main__" if path.name == "__main__.py" and path.parent.name == "core" else path.relative_to(ROOT / "core").parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                there = package_of(name)
                if there and there != here and there in LAYERS and here in LAYERS:
                    found.add((here, there))
    return found


def diagram() -> str:
    """The Mermaid block, layers top to bottom."""
    lines = ["```mermaid", "graph TD"]
    for a, b in sorted(edges(), key=lambda e: (LAYERS.index(e[0]), LAYERS.index(e[1]))):
        lines.append(f"    {a.strip('_') or a} --> {b}")
    lines.append("```")
    return "\n".join(lines)


if __name__ == "__main__":
    print(diagram())
