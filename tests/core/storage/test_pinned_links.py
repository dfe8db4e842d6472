"""A share link shows what it was made for (issue 32): its revision, and the founder's note and the actuals as they
were when it was made — a link made on revision 1 does not show the note and actuals added later."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import create_engine, insert

from core.model import Actuals
from core.storage.store import (
    LOCAL,
    MIGRATIONS,
    Store,
    _now,
    actuals_table,
    links_table,
    revisions_table,
    scenarios_table,
    token_hash,
    version_table,
)
from tests.core.storage.test_store import BASE, postgres_url, store, url, variant  # noqa: F401


def actuals(payroll: float) -> Actuals:
    """Three months of actuals with one payroll figure (the test tells imports apart by it)."""
    return Actuals.model_validate({"months": [{"month": f"2026-0{m}-01", "payroll": payroll} for m in (1, 2, 3)]})


def payroll(shown: Actuals | None) -> float | None:
    return None if shown is None else shown.months[0].payroll


def test_a_link_keeps_the_revision_note_and_actuals_it_was_made_with(store):  # noqa: F811
    sid = store.create(LOCAL, "Plan", BASE).scenario_id
    token_0, link_0 = store.share(LOCAL, sid)                            # revision 1: no note, no actuals yet
    store.set_note(LOCAL, sid, "Bridge closes in March.")
    store.save_actuals(LOCAL, sid, actuals(100.0))
    token_1, _ = store.share(LOCAL, sid)                                 # revision 1, the note, the first actuals
    store.save(LOCAL, sid, variant(9_000_000.0))
    store.set_note(LOCAL, sid, "Bridge closed.")
    store.save_actuals(LOCAL, sid, actuals(200.0))
    token_2, _ = store.share(LOCAL, sid)                                 # revision 2, all new
    store.remove_actuals(LOCAL, sid)
    token_3, _ = store.share(LOCAL, sid, number=1)                       # revision 1 again, after the removal
    shown = {token: store.open_share(token) for token in (token_0, token_1, token_2, token_3)}
    assert [(r.number, link.note, payroll(link.actuals)) for r, link in shown.values()] == [
        (1, "", None), (1, "Bridge closes in March.", 100.0), (2, "Bridge closed.", 200.0), (1, "Bridge closed.", None)]
    assert [r.scenario.company.starting_cash for r, _ in shown.values()] == [BASE.company.starting_cash] * 2 + [
        9_000_000.0, BASE.company.starting_cash]
    assert (link_0.number, link_0.note, link_0.actuals_number) == (1, "", None)          # as share() returns it
    assert [(x.number, x.actuals_number) for x in store.links(LOCAL, sid)] == [(1, 3), (2, 2), (1, 1), (1, None)]


def test_a_version_7_database_keeps_what_its_links_show_and_pins_it(url):  # noqa: F811
    engine = create_engine(url)
    now = _now()
    with engine.begin() as conn:  # a version-7 database: a scenario with a note, two imports of actuals, one link
        version_table.create(conn)
        for version in range(1, 8):
            MIGRATIONS[version](conn)
            conn.execute(insert(version_table).values(version=version, applied_at=now))
        conn.execute(insert(scenarios_table).values(id=7, created_at=now, workspace_id=1, note="Old note"))
        rid = conn.execute(insert(revisions_table).values(scenario_id=7, number=1, action="create", name="Old",
                                                          body=BASE.model_dump_json(), deleted=False, created_at=now)
                           .returning(revisions_table.c.id)).scalar_one()
        for number, pay in ((1, 100.0), (2, 200.0)):
            conn.execute(insert(actuals_table).values(scenario_id=7, number=number, body=actuals(pay).model_dump_json(),
                                                      created_at=now))
        conn.execute(insert(links_table).values(token_hash=token_hash("t" * 43), revision_id=rid, lang="en",
                                                created_at=now, expires_at=now + timedelta(days=30), label="",
                                                downloads=False, opens=0))
    engine.dispose()
    with Store(url) as s:
        assert s.schema_version() == 9
        _, link = s.open_share("t" * 43)
        assert (link.note, link.actuals_number, payroll(link.actuals), link.number) == ("Old note", 2, 200.0, 1)
        assert link.target is None                                         # version 9: an old link shows no target
        s.set_note(LOCAL, 7, "New note")                                   # later changes: not on the old link
        s.save_actuals(LOCAL, 7, actuals(300.0))
        _, link = s.open_share("t" * 43)
        assert (link.note, payroll(link.actuals)) == ("Old note", 200.0)
