"""Raw HTML and script reach the page only from module constants: no text a user typed (a name, a note, a file)
can be rendered as HTML. Every call that would render it unescaped is found in the source and checked."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([ROOT / "app.py", *(ROOT / "ui").glob("*.py"), *(ROOT / "views").glob("*.py")])
UNSAFE_FLAGS = {"unsafe_allow_html", "unsafe_allow_javascript"}


def raw_calls(tree: ast.Module) -> list[ast.Call]:
    """``st.html(…)``, ``components.html(…)`` and any call passing an ``unsafe_allow_*`` flag."""
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Attribute) and node.func.attr == "html")
        or any(k.arg in UNSAFE_FLAGS for k in node.keywords))]


def constants(tree: ast.Module) -> set[str]:
    """Module-level names bound once to a plain string literal (no f-string, no formatting)."""
    return {target.id for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for target in node.targets if isinstance(target, ast.Name)}


def test_raw_html_is_rendered_only_from_string_constants():
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        safe = constants(tree)
        for call in raw_calls(tree):
            argument = call.args[0] if call.args else None
            found.append((path.name, call.lineno, isinstance(argument, ast.Name) and argument.id in safe))
    assert found, "no raw HTML call found: the search is broken"                    # today: the style and the fold
    assert [f for f in found if not f[2]] == []
    assert {name for name, _, _ in found} == {"widgets.py"}


def test_the_check_catches_text_put_into_raw_html():
    tree = ast.parse('import streamlit as st\nSTYLE = "<b>x</b>"\nname = input()\nst.html(STYLE)\n'
                     'st.html(f"<b>{name}</b>")\nst.markdown(name, unsafe_allow_html=True)\n')
    calls = raw_calls(tree)
    assert len(calls) == 3
    assert [isinstance(c.args[0], ast.Name) and c.args[0].id in constants(tree) for c in calls] == [True, False, False]
