"""The layers of core/: imported downwards only (import-linter), and the README's diagram is the code's."""

from pathlib import Path

from importlinter.application.use_cases import lint_imports
from importlinter.configuration import configure

from scripts.layers import LAYERS, diagram, edges


def test_the_import_contracts_in_pyproject_are_kept():
    configure()  # what the lint-imports command does first
    assert lint_imports(config_filename="pyproject.toml", no_logo=True) is True


def test_every_import_between_core_packages_points_down():
    assert edges()
    assert all(LAYERS.index(a) < LAYERS.index(b) for a, b in edges())


def test_the_readme_shows_the_import_diagram_generated_from_the_code():
    assert diagram() in Path("README.md").read_text(encoding="utf-8")
