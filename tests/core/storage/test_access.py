"""Who may do what, decided in the store: a user of workspace A reaches nothing of workspace B by any call."""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy import create_engine, insert

from core.model import Actuals, load_scenario
from core.storage.store import LOCAL, MIGRATIONS, Identity, Store, StoreError, _now, revisions_table, version_table

BASE = load_scenario("sample_data/seed002_nlp_project.yaml")
ANA, BEN = Identity("ana@a.example"), Identity("ben@b.example")
ACTUALS = Actuals.model_validate({"months": [{"month": "2026-01-01", "payroll": 1.0}]})

CALLS = {  # every public call that takes an identity, as (method, args after the identity) on B's scenario
    "current": lambda s, sid, link: (sid,),
    "revision": lambda s, sid, link: (sid, 1),
    "history": lambda s, sid, link: (sid,),
    "links": lambda s, sid, link: (sid,),
    "save": lambda s, sid, link: (sid, BASE),
    "rename": lambda s, sid, link: (sid, "mine now"),
    "delete": lambda s, sid, link: (sid,),
    "undelete": lambda s, sid, link: (sid,),
    "restore": lambda s, sid, link: (sid, 1),
    "duplicate": lambda s, sid, link: (sid,),
    "share": lambda s, sid, link: (sid,),
    "note": lambda s, sid, link: (sid,),
    "actuals": lambda s, sid, link: (sid,),
    "save_actuals": lambda s, sid, link: (sid, ACTUALS),
    "remove_actuals": lambda s, sid, link: (sid,),
    "role": lambda s, sid, link: (sid,),
    "set_note": lambda s, sid, link: (sid, "mine now"),
    "revoke": lambda s, sid, link: (link,),
    "create": lambda s, sid, link: ("into B", BASE, s.workspaces(BEN)[0].id),
    "members": lambda s, sid, link: (s.workspaces(BEN)[0].id,),
    "set_member": lambda s, sid, link: (s.workspaces(BEN)[0].id, ANA.user, "owner"),
}
OPEN = {"workspaces", "create_workspace", "list_scenarios", "open_share", "close", "migrate", "schema_version", "bind"}
"""Calls that name no other workspace's object: they only ever see the caller's own (or, open_share, the token's; bind,
what was granted to the caller's verified e-mail)."""
PERSONAL = {"keep_draft", "kept_draft", "other_drafts", "take_draft", "drop_draft"}
"""Calls on a user's own unsaved work: another user's is as if it did not exist (below)."""


@pytest.fixture
def bens(store):
    sid = store.create(BEN, "Ben's plan", BASE).scenario_id
    store.save(BEN, sid, BASE)
    _, link = store.share(BEN, sid)
    return sid, link.id


def test_the_table_names_every_public_call_of_the_store():
    public = {n for n, _ in inspect.getmembers(Store, inspect.isfunction) if not n.startswith("_")}
    assert public == set(CALLS) | OPEN | PERSONAL


def test_a_users_unsaved_work_is_out_of_reach_of_another_user(store):
    store.keep_draft(BEN, "ben-tab", '{"mine": 1}')
    with pytest.raises(StoreError) as refused:
        store.keep_draft(ANA, "ben-tab", '{"hers": 1}')                 # a token she learnt does not let her write
    assert refused.value.code == "not_found"
    key = store.other_drafts(BEN, "another-tab")[0][0]
    assert store.kept_draft(ANA, "ben-tab") is None and store.other_drafts(ANA, "x") == []
    assert store.take_draft(ANA, key) is None
    store.drop_draft(ANA, "ben-tab")
    assert store.kept_draft(BEN, "ben-tab").body == '{"mine": 1}'


@pytest.mark.parametrize("call", sorted(CALLS))
def test_a_user_of_another_workspace_gets_not_found_and_changes_nothing(store, bens, call):
    sid, link = bens
    before = (store.history(BEN, sid), store.links(BEN, sid), store.members(BEN, store.workspaces(BEN)[0].id))
    with pytest.raises(StoreError) as refused:
        getattr(store, call)(ANA, *CALLS[call](store, sid, link))
    assert refused.value.code == "not_found"
    assert "Ben" not in str(refused.value)                              # the refusal says nothing of what is there
    assert (store.history(BEN, sid), store.links(BEN, sid), store.members(BEN, store.workspaces(BEN)[0].id)) == before
    assert store.list_scenarios(ANA) == [] and store.list_scenarios(ANA, include_deleted=True) == []
    assert [w.name for w in store.workspaces(ANA)] == [ANA.user]        # a workspace of her own, empty


def test_local_mode_is_one_more_user_and_sees_nothing_of_the_signed_in_ones(store, bens):
    assert store.list_scenarios(LOCAL) == []
    with pytest.raises(StoreError, match="no saved scenario"):
        store.current(LOCAL, bens[0])


def test_a_viewer_reads_an_editor_writes_only_an_owner_manages_and_a_workspace_keeps_an_owner(store, bens):
    sid, _ = bens
    team = store.workspaces(BEN)[0].id
    store.set_member(BEN, team, "Ana@A.example ", "viewer")            # e-mails are compared in lower case
    assert store.current(ANA, sid).name == "Ben's plan" and [r.scenario_id for r in store.list_scenarios(ANA)] == [sid]
    for write in ("save", "rename", "delete", "share", "duplicate"):
        with pytest.raises(StoreError) as refused:
            getattr(store, write)(ANA, *CALLS[write](store, sid, 0))
        assert refused.value.code == "forbidden"
    store.set_member(BEN, team, ANA.user, "editor")
    assert store.rename(ANA, sid, "Joint plan").name == "Joint plan"
    with pytest.raises(StoreError) as refused:
        store.set_member(ANA, team, "eve@e.example", "viewer")
    assert refused.value.code == "forbidden"
    with pytest.raises(StoreError) as refused:
        store.set_member(BEN, team, BEN.user, None)                    # the last owner cannot leave
    assert refused.value.code == "last_owner" and store.members(BEN, team) == {ANA.user: "editor", BEN.user: "owner"}
    store.set_member(BEN, team, ANA.user, None)
    assert store.list_scenarios(ANA) == []


def test_a_share_token_opens_its_revision_and_nothing_else(store, bens):
    sid, _ = bens
    token, _ = store.share(BEN, sid, number=1)
    revision, _ = store.open_share(token)
    assert (revision.scenario_id, revision.number) == (sid, 1)
    assert store.list_scenarios(ANA) == []  # holding a token grants no identity any access
    assert store.open_share(token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_scenarios_saved_before_workspaces_stay_with_local_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:  # a version-1 database with one scenario in it
        version_table.create(conn)
        MIGRATIONS[1](conn)
        conn.execute(insert(version_table).values(version=1, applied_at=_now()))
        conn.exec_driver_sql("INSERT INTO scenarios (id, created_at) VALUES (1, '2026-01-01 00:00:00')")
        conn.execute(insert(revisions_table).values(scenario_id=1, number=1, action="create", name="Old plan",
                                                    body=BASE.model_dump_json(), deleted=False, created_at=_now()))
    engine.dispose()
    with Store(url) as s:
        assert s.schema_version() == 9
        assert [r.name for r in s.list_scenarios(LOCAL)] == ["Old plan"] and s.list_scenarios(ANA) == []
        assert s.workspaces(LOCAL)[0].name == "Local" and s.create(ANA, "New", BASE).scenario_id == 2


def test_revoking_another_workspaces_link_answers_as_a_missing_one(store, bens):
    """Issue 32: it said "no saved scenario with id …" where a missing link says "no share link with id …"."""
    _, link = bens
    answers = []
    for link_id in (link, link + 1000):
        with pytest.raises(StoreError) as refused:
            store.revoke(ANA, link_id)
        answers.append((refused.value.code, str(refused.value).replace(str(link_id), "N")))
    assert answers[0] == answers[1] == ("not_found", "no share link with id N")
