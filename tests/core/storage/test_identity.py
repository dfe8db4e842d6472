"""Signed-in users are their issuer and subject, not their e-mail (issue 32): another account claiming the same
e-mail gets nothing, and what was kept under an e-mail before goes to that e-mail's first verified sign-in."""

from __future__ import annotations

from sqlalchemy import create_engine, insert

from core.model import load_scenario
from core.storage.store import (
    LOCAL,
    MIGRATIONS,
    Identity,
    Store,
    _now,
    drafts_table,
    members_table,
    revisions_table,
    subject_key,
    token_hash,
    version_table,
)

BASE = load_scenario("sample_data/seed002_nlp_project.yaml")
ISSUER = "https://id.example.com"
ANA = Identity(subject_key(ISSUER, "ana-1"), "ana@a.example")
MALLORY = Identity(subject_key(ISSUER, "mallory-9"), "ana@a.example")  # another account, the same e-mail


def test_a_version_5_membership_kept_under_an_e_mail_goes_to_its_first_verified_sign_in_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'v5.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:  # a version-5 database where Ana's workspace is hers by e-mail
        version_table.create(conn)
        for version in range(1, 6):
            MIGRATIONS[version](conn)
            conn.execute(insert(version_table).values(version=version, applied_at=_now()))
        conn.exec_driver_sql("INSERT INTO workspaces (id, name, created_at) VALUES (2, 'Ana', '2026-01-01 00:00:00')")
        conn.exec_driver_sql("INSERT INTO members (workspace_id, user, role) VALUES (2, 'ana@a.example', 'owner')")
        conn.exec_driver_sql("INSERT INTO scenarios (id, created_at, workspace_id) VALUES (1, '2026-01-01 00:00:00', 2)")
        conn.execute(insert(revisions_table).values(scenario_id=1, number=1, action="create", name="Ana's plan",
                                                    body=BASE.model_dump_json(), deleted=False, created_at=_now()))
        conn.execute(insert(drafts_table).values(token_hash=token_hash("tab"), user="ana@a.example", body="{}",
                                                 saved_at=_now()))
    engine.dispose()
    with Store(url) as s:
        assert s.members(LOCAL, 1) == {"local": "owner"}
        s.bind(ANA)
        assert [r.name for r in s.list_scenarios(ANA)] == ["Ana's plan"] and s.role(ANA, 1) == "owner"
        assert s.list_scenarios(Identity("ana@a.example")) == [] and s.kept_draft(ANA, "tab").body == "{}"
        assert s.members(ANA, 2) == {"ana@a.example": "owner"}                   # shown by her e-mail
        s.bind(MALLORY)                             # another account with the same e-mail later: nothing left to take
        assert s.list_scenarios(MALLORY) == [] and [w.name for w in s.workspaces(MALLORY)] == ["ana@a.example"]
        assert s.workspaces(MALLORY)[0].id not in (1, 2)


def test_an_invitation_by_e_mail_waits_for_its_sign_in_and_keeps_the_stronger_role(store):
    space = store.workspaces(ANA)[0].id
    ben = Identity(subject_key(ISSUER, "ben-2"), "ben@b.example")
    store.set_member(ANA, space, "Ben@B.example ", "viewer")
    assert store.members(ANA, space) == {"ana@a.example": "owner", "ben@b.example": "viewer"}
    sid = store.create(ANA, "Shared", BASE).scenario_id
    assert store.list_scenarios(ben) == []                                        # not before he signs in
    store.bind(ben)
    assert store.role(ben, sid) == "viewer"
    store.set_member(ANA, space, "ben@b.example", "editor")                      # named by the e-mail shown
    assert store.role(ben, sid) == "editor"
    store.set_member(ANA, space, "ben@b.example", None)
    store.set_member(ANA, space, "ben@b.example", "viewer")                      # a new invitation, then ...
    store.set_member(ANA, space, "ben@b.example", "owner")
    store.bind(ben)
    assert store.role(ben, sid) == "owner" and store.members(ANA, space) == {"ana@a.example": "owner",
                                                                            "ben@b.example": "owner"}


def test_a_member_and_an_invitation_of_the_same_e_mail_merge_into_the_stronger_role(store):
    space = store.workspaces(ANA)[0].id
    ben = Identity(subject_key(ISSUER, "ben-2"), "ben@b.example")
    store.set_member(ANA, space, "ben@b.example", "editor")
    store.bind(ben)
    store.set_member(ANA, space, "ben@b.example", None)          # the bound membership goes, by the e-mail shown
    assert store.members(ANA, space) == {"ana@a.example": "owner"}
    with store.engine.begin() as conn:  # a bound editor and a pending viewer invitation of his e-mail at once
        conn.execute(insert(members_table).values(workspace_id=space, user=ben.user, role="editor", email=ben.email))
        conn.execute(insert(members_table).values(workspace_id=space, user="ben@b.example", role="viewer",
                                                  email="ben@b.example"))
    store.bind(ben)
    assert store.members(ANA, space) == {"ana@a.example": "owner", "ben@b.example": "editor"}


def test_a_sign_in_without_an_e_mail_binds_nothing_and_gets_its_own_workspace(store):
    store.set_member(ANA, store.workspaces(ANA)[0].id, "x@a.example", "viewer")
    anonymous = Identity(subject_key(ISSUER, "x"))
    store.bind(anonymous)
    assert store.list_scenarios(anonymous) == [] and store.workspaces(anonymous)[0].name == anonymous.user
