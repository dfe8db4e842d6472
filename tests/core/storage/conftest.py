"""Fixtures of the store tests."""

from __future__ import annotations

import pytest

from core.storage.store import Store


@pytest.fixture
def store(tmp_path):
    """A store on a fresh SQLite file (test_store.py runs its tests on PostgreSQL too, with its own)."""
    with Store(f"sqlite:///{tmp_path / 'a.db'}") as s:
        yield s
