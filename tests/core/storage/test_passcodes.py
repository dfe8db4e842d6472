"""Passcodes cannot be guessed at leisure (issue 32): GUESSES wrong ones per client and link in a window, then a
wait; LOCK_AFTER wrong ones in all lock the link; the founder sees the count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from core.model import load_scenario
from core.storage.store import GUESSES, LOCAL, LOCK_AFTER, StoreError, _now, _passcode_hash, links_table

BASE = load_scenario("sample_data/seed002_nlp_project.yaml")
RIGHT = "winter-2026"


@pytest.fixture
def link(store):
    sid = store.create(LOCAL, "Pitch", BASE).scenario_id
    token, made = store.share(LOCAL, sid, passcode=RIGHT)
    return sid, token, made.id


def refused(store, token, passcode, client, now) -> str:
    with pytest.raises(StoreError) as err:
        store.open_share(token, passcode=passcode, client=client, now=now)
    return err.value.code


def test_five_wrong_passcodes_from_one_client_make_it_wait_ten_minutes_even_with_the_right_one(store, link):
    sid, token, _ = link
    start = _now()
    assert GUESSES == (5, timedelta(minutes=10))
    for n in range(5):
        assert refused(store, token, f"guess-{n}", "10.0.0.1", start + timedelta(minutes=n)) == "passcode"
    assert refused(store, token, RIGHT, "10.0.0.1", start + timedelta(minutes=5)) == "passcode_wait"  # right, too soon
    assert refused(store, token, None, "10.0.0.1", start + timedelta(minutes=5)) == "passcode"       # just asked
    assert store.open_share(token, passcode=RIGHT, client="10.0.0.2", now=start + timedelta(minutes=5))  # another one
    # 10 minutes after the first wrong one, four remain in the window: one more try
    later = start + timedelta(minutes=10, seconds=1)
    assert store.open_share(token, passcode=RIGHT, client="10.0.0.1", now=later) is not None
    assert store.links(LOCAL, sid)[0].failures == 5 and store.links(LOCAL, sid)[0].locked_at is None


def test_twenty_wrong_passcodes_from_anyone_lock_the_link_for_good(store, link):
    sid, token, _ = link
    start = _now()
    assert LOCK_AFTER == 20
    for n in range(LOCK_AFTER - 1):                                # four clients, under the limit of each window
        assert refused(store, token, "nope", f"c{n % 4}", start + timedelta(minutes=3 * n)) == "passcode"
    assert store.links(LOCAL, sid)[0].locked_at is None
    last = start + timedelta(minutes=3 * LOCK_AFTER)
    assert refused(store, token, "nope", "c9", last) == "passcode"
    shown = store.links(LOCAL, sid)[0]
    assert shown.failures == 20 and shown.locked_at == last
    assert refused(store, token, RIGHT, "c10", last + timedelta(days=1)) == "passcode_locked"
    assert refused(store, token, None, "c10", last + timedelta(days=1)) == "passcode_locked"


def test_a_link_made_with_a_four_character_passcode_keeps_opening(store, link):
    _, token, link_id = link
    with store.engine.begin() as conn:                  # as a link made before the six-character minimum
        conn.execute(update(links_table).where(links_table.c.id == link_id).values(passcode_hash=_passcode_hash("1234")))
    assert store.open_share(token, passcode="1234") is not None
