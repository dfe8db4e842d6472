"""Fixtures of the page tests."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.views.test_pages import APP


@pytest.fixture
def build(tmp_path, monkeypatch):
    """The Build page of a new session on its own database, showing the default preset."""
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "app.db"))
    monkeypatch.delenv("WINTERPROOF_DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page("views/build.py").run()
