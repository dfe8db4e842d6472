"""Storage on SQLite and PostgreSQL: revisions never lost, conflicts, concurrency, crashes, share links."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import create_engine, insert, make_url, select, text, update

from core.model import load_scenario, replace_fields
from core.storage.store import (
    LOCAL,
    ConflictError,
    Identity,
    Store,
    StoreError,
    _now,
    default_url,
    links_table,
    metadata,
    token_hash,
    version_table,
)

# The server, and the database the admin connection uses; each run creates (and drops) its own next to it.
PG_URL = os.environ.get("WINTERPROOF_TEST_PG_URL", "postgresql+psycopg://winterproof:winterproof@127.0.0.1:5432/winterproof_test")
BASE = load_scenario("sample_data/company_b_data_assistant.yaml")


def variant(cash: float):
    return replace_fields(BASE, {"company.starting_cash": cash})


@pytest.fixture(scope="module")
def postgres_url():
    """A database of this run's own, next to PG_URL's on the same server, dropped at the end.

    PG_URL's database is only the admin connection's: two runs against one server (two checkouts, two CI jobs)
    never see each other's tables. Writer processes get this URL too."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except Exception as exc:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable under CI=true ({exc}); `make test` starts it as root", pytrace=False)
        pytest.skip(f"PostgreSQL not reachable ({type(exc).__name__}); run `make postgres` as root to include it")
    name = f"winterproof_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:  # template0: nobody is ever connected to it, so the copy cannot be refused
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:  # FORCE: a killed writer's connection must not keep it alive
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fresh_postgres(url: str) -> str:
    """Empty the run's database: no table of the previous test (or Hypothesis example) is left."""
    engine = create_engine(url)
    metadata.drop_all(engine)
    version_table.drop(engine, checkfirst=True)
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return fresh_postgres(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(url):
    with Store(url) as s:
        yield s


def test_every_change_is_a_new_revision_and_old_ones_stay(store):
    first = store.create(LOCAL, "Base", variant(1e6))
    sid = first.scenario_id
    store.save(LOCAL, sid, variant(2e6), base=1)
    store.rename(LOCAL, sid, "Bear case")
    store.delete(LOCAL, sid)
    assert [r.name for r in store.list_scenarios(LOCAL)] == [] and store.list_scenarios(LOCAL, include_deleted=True)[0].deleted
    store.undelete(LOCAL, sid)
    store.restore(LOCAL, sid, 1)
    history = store.history(LOCAL, sid)
    assert [(r.number, r.action) for r in history] == [(6, "restore"), (5, "undelete"), (4, "delete"), (3, "rename"),
                                                      (2, "save"), (1, "create")]
    assert history[0].scenario.company.starting_cash == 1e6 and history[0].name == "Base"
    assert store.revision(LOCAL, sid, 2).scenario.company.starting_cash == 2e6
    assert store.current(LOCAL, sid).number == 6 and [r.scenario_id for r in store.list_scenarios(LOCAL)] == [sid]


def test_saving_from_an_old_revision_is_refused_and_both_versions_stay(store):
    sid = store.create(LOCAL, "Plan", variant(1e6)).scenario_id
    store.save(LOCAL, sid, variant(2e6), base=1)                  # tab A
    with pytest.raises(ConflictError, match="revision 2 of 'Plan' was saved after revision 1") as err:
        store.save(LOCAL, sid, variant(3e6), base=1)              # tab B, still on revision 1
    assert store.current(LOCAL, sid).scenario.company.starting_cash == 2e6
    copy = store.current(LOCAL, err.value.copy.scenario_id)
    assert copy.scenario.company.starting_cash == 3e6 and "conflicting copy" in copy.name
    assert len(store.list_scenarios(LOCAL)) == 2


def test_names_are_cleaned_and_unknown_scenarios_refused(store):
    assert store.create(LOCAL, "  Two   words ", BASE).name == "Two words"
    assert len(store.create(LOCAL, "x" * 500, BASE).name) == 120
    with pytest.raises(StoreError, match="needs a name"):
        store.create(LOCAL, "   ", BASE)
    with pytest.raises(StoreError, match="no saved scenario with id 999"):
        store.current(LOCAL, 999)
    with pytest.raises(StoreError, match="has no revision 7"):
        store.revision(LOCAL, store.list_scenarios(LOCAL)[0].scenario_id, 7)


def test_duplicate_copies_the_current_content(store):
    sid = store.create(LOCAL, "Base", variant(5e5)).scenario_id
    dup = store.duplicate(LOCAL, sid)
    assert dup.name == "Base (copy)" and dup.scenario == variant(5e5) and dup.scenario_id != sid


def test_the_schema_is_migrated_once_and_a_newer_database_is_refused(url):
    first = Store(url)
    assert first.schema_version() == 9
    Store(url).close()  # a second start changes nothing
    with first.engine.connect() as conn:
        assert conn.execute(select(version_table.c.version)).scalars().all() == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    with first.engine.begin() as conn:
        conn.execute(insert(version_table).values(version=99, applied_at=_now()))
    with pytest.raises(StoreError, match="schema version 99"):
        Store(url)
    first.close()


def test_sqlite_runs_with_wal_full_sync_and_a_busy_timeout(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'w.db'}") as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_the_database_location_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("WINTERPROOF_DATABASE_URL", raising=False)
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "sub" / "my.db"))
    assert default_url() == f"sqlite:///{tmp_path / 'sub' / 'my.db'}" and (tmp_path / "sub").is_dir()
    monkeypatch.setenv("WINTERPROOF_DATABASE_URL", "postgresql+psycopg://u:p@h/db")
    assert default_url() == "postgresql+psycopg://u:p@h/db"


# --- share links ----------------------------------------------------------------------


def test_a_share_link_is_an_unguessable_token_stored_only_as_a_hash(store):
    sid = store.create(LOCAL, "Pitch", BASE).scenario_id
    tokens = [store.share(LOCAL, sid)[0] for _ in range(50)]
    assert len(set(tokens)) == 50 and all(len(tok) >= 43 for tok in tokens)  # 32 random bytes, base64url
    with store.engine.connect() as conn:
        stored = conn.execute(select(links_table.c.token_hash)).scalars().all()
    assert sorted(stored) == sorted(token_hash(tok) for tok in tokens)
    assert not any(tok in h for tok in tokens for h in stored)


def test_a_link_shows_the_revision_it_was_made_for(store):
    sid = store.create(LOCAL, "Pitch", variant(1e6)).scenario_id
    token, link = store.share(LOCAL, sid, lang="zh")
    store.save(LOCAL, sid, variant(9e6))
    revision, opened = store.open_share(token)
    assert revision.number == 1 and revision.scenario.company.starting_cash == 1e6 and opened.lang == "zh"
    assert (link.expires_at - link.created_at) == timedelta(days=30)


def test_revoked_expired_tampered_and_unknown_tokens_all_open_nothing(store):
    sid = store.create(LOCAL, "Pitch", BASE).scenario_id
    token, link = store.share(LOCAL, sid, days=30)
    assert store.open_share(token) is not None
    assert store.open_share(token, now=_now() + timedelta(days=31)) is None           # expired
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "x" * 43, "", "short", token + "x" * 100, None):
        assert store.open_share(bad) is None
    store.revoke(LOCAL, link.id)
    assert store.open_share(token) is None                                            # revoked
    assert store.links(LOCAL, sid)[0].revoked_at is not None


def test_a_link_for_a_recipient_counts_its_opens_and_carries_the_founders_note(store):
    sid = store.create(LOCAL, "Pitch", BASE).scenario_id
    store.set_note(LOCAL, sid, "  Bridge closes in March.\nNumbers in USD.  ")
    token, link = store.share(LOCAL, sid, label="  Sequoia —   partner meeting ", downloads=True)
    assert (link.label, link.passcode, link.downloads, link.opens) == ("Sequoia — partner meeting", False, True, 0)
    assert store.open_share(token)[1].opens == 0                                     # looking is not counting
    moment = _now()
    _, opened = store.open_share(token, record=True, now=moment)
    _, opened = store.open_share(token, record=True)
    assert opened.opens == 2 and opened.note == "Bridge closes in March.\nNumbers in USD."
    listed = store.links(LOCAL, sid)[0]
    assert listed.opens == 2 and listed.last_opened_at >= moment and listed.label == "Sequoia — partner meeting"
    store.set_note(LOCAL, sid, "")
    assert store.note(LOCAL, sid) == ""                                             # the link keeps the note it
    assert store.open_share(token)[1].note == "Bridge closes in March.\nNumbers in USD."  # was made with
    with pytest.raises(StoreError) as err:
        store.set_note(LOCAL, sid, "x" * 2001)
    assert err.value.code == "note_length" and "at most 2000 characters" in str(err.value)


def test_a_passcode_is_asked_for_checked_and_stored_only_as_a_salted_hash(store):
    sid = store.create(LOCAL, "Pitch", BASE).scenario_id
    token, link = store.share(LOCAL, sid, passcode="winter-2026")
    assert link.passcode
    for wrong in (None, "", "winter-2025", "WINTER-2026"):
        with pytest.raises(StoreError) as err:
            store.open_share(token, passcode=wrong, record=True)
        assert err.value.code == "passcode" and err.value.localized("zh") == "访问口令不正确：请输入创始人提供的口令。"
    revision, opened = store.open_share(token, passcode="winter-2026", record=True)
    assert revision.scenario == BASE and opened.opens == 1                         # wrong tries are not opens
    with store.engine.connect() as conn:
        stored = conn.execute(select(links_table.c.passcode_hash)).scalar_one()
    assert "winter-2026" not in stored and stored.startswith("scrypt$")
    store.share(LOCAL, sid, passcode="winter-2026")
    with store.engine.connect() as conn:
        assert len(set(conn.execute(select(links_table.c.passcode_hash)).scalars())) == 2  # salted: no two alike
    for bad in ("abc", "five5", "x" * 129):  # 6 characters at least since issue 32
        with pytest.raises(StoreError) as err:
            store.share(LOCAL, sid, passcode=bad)
        assert err.value.code == "passcode_length"
    store.revoke(LOCAL, link.id)
    assert store.open_share(token, passcode="winter-2026") is None                  # revoked: nothing, passcode or not


def test_actuals_are_kept_as_revisions_and_a_link_shows_the_latest(store):
    from core.model import Actuals

    sid = store.create(LOCAL, "Pitch", BASE).scenario_id
    assert store.actuals(LOCAL, sid) is None
    first = Actuals.model_validate({"months": [{"month": "2026-01-01", "payroll": 100.0}]})
    second = Actuals.model_validate({"months": [{"month": "2026-01-01", "payroll": 120.0, "ending_cash": 5.0}]})
    assert store.save_actuals(LOCAL, sid, first) == 1 and store.save_actuals(LOCAL, sid, second) == 2
    assert store.actuals(LOCAL, sid) == (2, second)
    token, _ = store.share(LOCAL, sid)
    assert store.open_share(token)[1].actuals == second
    with store.engine.connect() as conn:                                        # the first import is still there
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM actuals").scalar() == 2


def test_removing_actuals_is_a_tombstone_revision_and_only_an_editor_may_do_it(store):
    from core.model import Actuals
    from core.storage.store import Identity

    ana, vic = Identity("ana@a.example"), Identity("vic@a.example")
    space = store.workspaces(ana)[0].id
    store.set_member(ana, space, vic.user, "viewer")
    sid = store.create(ana, "Pitch", BASE, space).scenario_id
    kept = Actuals.model_validate({"months": [{"month": "2026-01-01", "payroll": 100.0}]})
    store.save_actuals(ana, sid, kept)
    assert (store.role(ana, sid), store.role(vic, sid)) == ("owner", "viewer")
    assert store.actuals(vic, sid) == (1, kept)                                 # a viewer reads them
    with pytest.raises(StoreError) as refused:
        store.remove_actuals(vic, sid)
    assert refused.value.code == "forbidden" and store.actuals(ana, sid) == (1, kept)
    assert store.remove_actuals(ana, sid) == 2
    token, _ = store.share(ana, sid)
    assert store.actuals(ana, sid) is None and store.open_share(token)[1].actuals is None
    assert store.save_actuals(ana, sid, kept) == 3 and store.actuals(vic, sid) == (3, kept)  # a new import after it
    with store.engine.connect() as conn:                                        # nothing was deleted
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM actuals").scalar() == 3


def test_a_version_2_database_keeps_its_links_working_after_the_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'v2.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        version_table.create(conn)
        for version in (1, 2):
            store_module.MIGRATIONS[version](conn)
            conn.execute(insert(version_table).values(version=version, applied_at=_now()))
        conn.exec_driver_sql("INSERT INTO scenarios (id, created_at, workspace_id) VALUES (1, '2026-01-01 00:00:00', 1)")
        conn.exec_driver_sql("INSERT INTO revisions (id, scenario_id, number, action, name, body, deleted, created_at) "
                             "VALUES (1, 1, 1, 'create', 'Old', ?, 0, '2026-01-01 00:00:00')", (BASE.model_dump_json(),))
        conn.exec_driver_sql("INSERT INTO share_links (token_hash, revision_id, lang, created_at, expires_at) VALUES "
                             f"('{token_hash('t' * 43)}', 1, 'en', '2026-01-01 00:00:00', '2999-01-01 00:00:00')")
    engine.dispose()
    with Store(url) as s:
        assert s.schema_version() == 9
        revision, link = s.open_share("t" * 43, record=True)
        assert revision.name == "Old" and (link.label, link.passcode, link.downloads, link.opens, link.note) == (
            "", False, False, 1, "")
        assert s.note(LOCAL, 1) == ""


# --- revisions are never lost: random operation sequences ---------------------------


class Operations(RuleBasedStateMachine):
    """Random create / save / rename / delete / undelete / restore against a plain model."""

    fresh = staticmethod(lambda: "")  # a new, empty database for every example

    @initialize()
    def start(self):
        self.store = Store(self.fresh())
        self.model: dict[int, list[tuple[str, float, bool]]] = {}

    def pick(self, data) -> int:
        return sorted(self.model)[data.draw(st.integers(0, len(self.model) - 1))]

    def teardown(self):
        self.store.close()

    @rule(cash=st.floats(0, 1e7), name=st.text("abc ", min_size=1, max_size=8).filter(str.strip))
    def create(self, cash, name):
        r = self.store.create(LOCAL, name, variant(cash))
        self.model[r.scenario_id] = [(r.name, cash, False)]

    @precondition(lambda self: self.model)
    @rule(data=st.data(), cash=st.floats(0, 1e7))
    def save(self, data, cash):
        sid = self.pick(data)
        name, _, deleted = self.model[sid][-1]
        self.store.save(LOCAL, sid, variant(cash), base=len(self.model[sid]))
        self.model[sid].append((name, cash, deleted))

    @precondition(lambda self: self.model)
    @rule(data=st.data(), name=st.text("xyz", min_size=1, max_size=5))
    def rename(self, data, name):
        sid = self.pick(data)
        _, cash, deleted = self.model[sid][-1]
        self.store.rename(LOCAL, sid, name)
        self.model[sid].append((name, cash, deleted))

    @precondition(lambda self: self.model)
    @rule(data=st.data(), delete=st.booleans())
    def delete_or_undelete(self, data, delete):
        sid = self.pick(data)
        name, cash, _ = self.model[sid][-1]
        (self.store.delete if delete else self.store.undelete)(LOCAL, sid)
        self.model[sid].append((name, cash, delete))

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def restore(self, data):
        sid = self.pick(data)
        number = data.draw(st.integers(1, len(self.model[sid])))
        name, cash, _ = self.model[sid][number - 1]
        self.store.restore(LOCAL, sid, number)
        self.model[sid].append((name, cash, self.model[sid][-1][2]))

    @invariant()
    def every_revision_is_kept(self):
        for sid, expected in self.model.items():
            history = self.store.history(LOCAL, sid)[::-1]
            assert [(r.name, r.scenario.company.starting_cash, r.deleted) for r in history] == expected
            assert [r.number for r in history] == list(range(1, len(expected) + 1))
        listed = {r.scenario_id for r in self.store.list_scenarios(LOCAL)}
        assert listed == {sid for sid, revs in self.model.items() if not revs[-1][2]}


def test_random_operation_sequences_never_lose_a_revision(url, tmp_path):
    databases = iter(range(10_000))
    Operations.fresh = staticmethod(
        (lambda: f"sqlite:///{tmp_path / f'ops{next(databases)}.db'}") if url.startswith("sqlite") else (lambda: fresh_postgres(url)))
    run_state_machine_as_test(Operations, settings=settings(max_examples=8, stateful_step_count=15, deadline=None))


# --- many writers, and a writer killed mid-save ------------------------------------------


def _writer(url: str, sid: int, saves: int, offset: int, errors) -> None:
    store = Store(url)
    for k in range(saves):
        try:
            store.save(LOCAL, sid, variant(offset + k))
        except Exception as exc:
            errors.put(repr(exc))
    store.close()


def test_eight_concurrent_writers_lose_no_revision_and_never_see_a_lock(store, url):
    sid = store.create(LOCAL, "Busy", BASE).scenario_id
    ctx = multiprocessing.get_context("spawn")
    errors = ctx.Queue()
    workers = [ctx.Process(target=_writer, args=(url, sid, 50, 1000 * w, errors)) for w in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=240)
    assert all(w.exitcode == 0 for w in workers)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    history = store.history(LOCAL, sid)
    assert [r.number for r in history[::-1]] == list(range(1, 402))
    saved = sorted(r.scenario.company.starting_cash for r in history if r.action == "save")
    assert saved == sorted(1000 * w + k for w in range(8) for k in range(50))


def _saver(url: str, sid: int, ready) -> None:
    store = Store(url)
    big = replace_fields(BASE, {"opex.team": [{"role": f"r{k}" * 20, "headcount": 1, "cost_per_head_month": k}
                                              for k in range(50)]})
    k = 0
    while True:
        store.save(LOCAL, sid, replace_fields(big, {"company.starting_cash": float(k)}))
        k += 1
        if k == 3:
            ready.set()


@pytest.mark.parametrize("delay", [0.05, 0.13, 0.31])
def test_a_writer_killed_mid_save_leaves_an_intact_database(store, url, delay):
    sid = store.create(LOCAL, "Crash", BASE).scenario_id
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(target=_saver, args=(url, sid, ready))
    proc.start()
    assert ready.wait(60)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    after = Store(url)
    if url.startswith("sqlite"):
        with after.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    history = after.history(LOCAL, sid)[::-1]
    assert [r.number for r in history] == list(range(1, len(history) + 1))
    assert len(history) >= 4
    assert [r.scenario.company.starting_cash for r in history[1:]] == [float(k) for k in range(len(history) - 1)]
    after.save(LOCAL, sid, BASE)  # and the store still takes writes
    after.close()


# --- edges: a link at its exact expiry instant, retries, names, orders, messages ----------------------------------------


from sqlalchemy.exc import IntegrityError, OperationalError  # noqa: E402

from core.storage import store as store_module  # noqa: E402
from core.storage.store import ShareLink, _aware, _clean  # noqa: E402


def test_a_link_opens_until_its_exact_expiry_instant_and_not_at_it(store):
    sid = store.create(LOCAL, "Pitch", BASE).scenario_id
    token, link = store.share(LOCAL, sid, days=7)
    assert link.expires_at - link.created_at == timedelta(days=7)
    assert store.open_share(token, now=link.expires_at - timedelta(microseconds=1)) is not None
    assert store.open_share(token, now=link.expires_at) is None
    assert store.open_share(token, now=link.expires_at + timedelta(microseconds=1)) is None
    assert link.active(link.expires_at - timedelta(microseconds=1)) and not link.active(link.expires_at)


def test_a_link_is_active_only_unrevoked_and_before_expiry():
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    naive_expiry = datetime(2026, 5, 2)                                   # SQLite hands back naive UTC
    assert ShareLink(1, 1, "en", now, naive_expiry, None).active(now)
    assert not ShareLink(1, 1, "en", now, naive_expiry, now).active(now)
    assert not ShareLink(1, 1, "en", now, datetime(2026, 5, 1, 12), None).active(now)
    assert _aware(datetime(2026, 5, 2)) == datetime(2026, 5, 2, tzinfo=UTC)
    aware = datetime(2026, 5, 2, 3, tzinfo=UTC)
    assert _aware(aware) is aware
    assert _now().tzinfo is UTC and abs((_now() - datetime.now(UTC)).total_seconds()) < 5


def test_a_link_to_an_old_revision_and_every_link_of_a_scenario_newest_first(store):
    sid = store.create(LOCAL, "Pitch", variant(1e6)).scenario_id
    other = store.create(LOCAL, "Other", BASE).scenario_id
    store.save(LOCAL, sid, variant(2e6))
    token_old, link_old = store.share(LOCAL, sid, number=1, lang="zh")
    token_new, link_new = store.share(LOCAL, sid)
    store.share(LOCAL, other)
    revision, opened = store.open_share(token_old)
    assert (revision.number, revision.scenario.company.starting_cash, opened.lang) == (1, 1e6, "zh")
    assert opened.id == link_old.id and opened.revision_id == link_old.revision_id and opened.revoked_at is None
    assert store.open_share(token_new)[0].number == 2 and link_new.lang == "en"
    assert link_new.expires_at - link_new.created_at == timedelta(days=30)
    assert [lk.id for lk in store.links(LOCAL, sid)] == [link_new.id, link_old.id]
    assert all(lk.revoked_at is None and lk.expires_at.tzinfo is not None for lk in store.links(LOCAL, sid))
    with pytest.raises(StoreError) as err:
        store.share(LOCAL, sid, number=9)
    assert str(err.value) == f"scenario {sid} has no revision 9"


def test_token_lengths_at_the_edges_and_revoking_twice_keeps_the_first_time(store, monkeypatch):
    sid = store.create(LOCAL, "Pitch", BASE).scenario_id
    for length in (19, 20, 100, 101):
        tok = "a" * length
        monkeypatch.setattr(store_module.secrets, "token_urlsafe", lambda _n, tok=tok: tok)
        _, link = store.share(LOCAL, sid)
        assert (store.open_share(tok) is not None) == (20 <= length <= 100), length
    monkeypatch.undo()
    token, link = store.share(LOCAL, sid)
    store.revoke(LOCAL, link.id)
    first = store.links(LOCAL, sid)[0].revoked_at
    time.sleep(0.01)
    store.revoke(LOCAL, link.id)
    assert store.links(LOCAL, sid)[0].revoked_at == first and store.open_share(token) is None
    assert store.open_share(12345) is None


def test_tokens_are_32_random_bytes_and_hashed_with_sha256(store, monkeypatch):
    import hashlib

    seen = []
    real = store_module.secrets.token_urlsafe
    monkeypatch.setattr(store_module.secrets, "token_urlsafe", lambda n: seen.append(n) or real(n))
    sid = store.create(LOCAL, "Pitch", BASE).scenario_id
    token, _ = store.share(LOCAL, sid)
    assert seen == [32] and len(token) == 43
    assert token_hash(token) == hashlib.sha256(token.encode()).hexdigest()


def test_names_are_cleaned_to_120_characters_and_an_empty_one_is_refused():
    assert _clean("  a \t b\n c  ") == "a b c" and _clean(42) == "42"
    assert _clean("x" * 118 + " y z") == "x" * 118 + " y" and _clean("y" * 121) == "y" * 120
    with pytest.raises(StoreError) as err:
        _clean(" \n ")
    assert str(err.value) == "a scenario needs a name" and err.value.code == "name"
    assert err.value.localized("en") == "A scenario needs a name." and err.value.localized("zh") == "情景需要一个名称。"
    plain = StoreError("boom")
    assert plain.code == "generic" and plain.localized("zh") == "boom"


def test_a_conflict_keeps_the_refused_version_under_a_stamped_name(store):
    sid = store.create(LOCAL, "Plan", variant(1e6)).scenario_id
    store.rename(LOCAL, sid, "Plan B")
    with pytest.raises(ConflictError) as err:
        store.save(LOCAL, sid, variant(3e6), base=1)
    e = err.value
    assert (e.latest.number, e.latest.name, e.base) == (2, "Plan B", 1)
    assert re.fullmatch(r"Plan B \(conflicting copy \d{4}-\d\d-\d\d \d\d:\d\d\)", e.copy.name)
    assert (e.copy.action, e.copy.number, e.copy.deleted) == ("conflict", 1, False)
    assert e.copy.scenario.company.starting_cash == 3e6
    assert str(e) == f"revision 2 of 'Plan B' was saved after revision 1 you started from; your version was kept as {e.copy.name!r}"
    assert e.localized("en") == (f"Not saved over the latest: revision 2 of “Plan B” was saved after revision 1 you started from; "
                                 f"your version was kept as “{e.copy.name}”. Open the latest to continue from it.")
    assert store.save(LOCAL, sid, variant(4e6), base=2).number == 3                      # from the latest it saves


def test_saves_keep_the_name_and_the_deleted_flag_and_restores_keep_the_flag(store):
    sid = store.create(LOCAL, "Plan", variant(1e6)).scenario_id
    store.rename(LOCAL, sid, "Renamed")
    store.delete(LOCAL, sid)
    saved = store.save(LOCAL, sid, variant(2e6))
    assert (saved.action, saved.name, saved.deleted, saved.number) == ("save", "Renamed", True, 4)
    restored = store.restore(LOCAL, sid, 1)
    assert (restored.action, restored.name, restored.deleted, restored.scenario.company.starting_cash) == (
        "restore", "Plan", True, 1e6)
    back = store.undelete(LOCAL, sid)
    assert (back.action, back.deleted, back.name) == ("undelete", False, "Plan")
    gone = store.delete(LOCAL, sid)
    assert (gone.action, gone.deleted, gone.name, gone.body) == ("delete", True, "Plan", back.body)
    renamed = store.rename(LOCAL, sid, "  New   name ")
    assert (renamed.action, renamed.name, renamed.deleted) == ("rename", "New name", True)
    first = store.revision(LOCAL, sid, 1)
    assert (first.action, first.number, first.deleted, first.name, first.scenario_id) == ("create", 1, False, "Plan", sid)
    assert first.created_at.tzinfo is not None and first.id > 0


def test_duplicates_take_a_name_or_copy_the_current_one(store):
    sid = store.create(LOCAL, "Base", variant(5e5)).scenario_id
    store.save(LOCAL, sid, variant(6e5))
    named = store.duplicate(LOCAL, sid, "Bear case")
    assert (named.name, named.action, named.number) == ("Bear case", "duplicate", 1)
    assert named.scenario.company.starting_cash == 6e5


def test_the_list_is_newest_change_first_and_deleted_ones_only_when_asked(store):
    a = store.create(LOCAL, "A", BASE).scenario_id
    b = store.create(LOCAL, "B", BASE).scenario_id
    c = store.create(LOCAL, "C", BASE).scenario_id
    store.rename(LOCAL, a, "A2")
    store.delete(LOCAL, b)
    assert [r.name for r in store.list_scenarios(LOCAL)] == ["A2", "C"]
    assert [r.name for r in store.list_scenarios(LOCAL, include_deleted=True)] == ["B", "A2", "C"]
    assert [r.number for r in store.list_scenarios(LOCAL, include_deleted=True)] == [2, 2, 1]
    assert [r.number for r in store.history(LOCAL, a)] == [2, 1]
    with pytest.raises(StoreError, match="no saved scenario with id 999"):  # unknown, like another workspace's
        store.history(LOCAL, 999)
    assert store.current(LOCAL, c).number == 1
    with pytest.raises(StoreError) as err:
        store.rename(LOCAL, 999, "x")
    assert str(err.value) == "no saved scenario with id 999"


def test_an_unknown_revision_is_refused_with_its_numbers(store):
    sid = store.create(LOCAL, "A", BASE).scenario_id
    for number in (0, 2):
        with pytest.raises(StoreError) as err:
            store.revision(LOCAL, sid, number)
        assert str(err.value) == f"scenario {sid} has no revision {number}"


def test_a_newer_schema_is_refused_with_both_versions(tmp_path):
    url = f"sqlite:///{tmp_path / 'n.db'}"
    with Store(url) as first, first.engine.begin() as conn:
        conn.execute(insert(version_table).values(version=10, applied_at=_now()))
    with pytest.raises(StoreError) as err:
        Store(url)
    assert str(err.value) == "the database has schema version 10; this version of Winterproof knows up to 9"
    fresh = Store(f"sqlite:///{tmp_path / 'f.db'}")
    assert fresh.migrate() == 9 and fresh.schema_version() == 9
    with fresh.engine.connect() as conn:
        assert conn.execute(select(version_table.c.version)).scalars().all() == [1, 2, 3, 4, 5, 6, 7, 8, 9]
        assert set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars()) >= {
            "scenarios", "revisions", "share_links", "schema_version", "workspaces", "members", "drafts"}
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    fresh.close()


def test_writes_retry_a_locked_or_taken_number_five_times_and_nothing_else(tmp_path, monkeypatch):
    naps = []
    monkeypatch.setattr(store_module.time, "sleep", naps.append)
    with Store(f"sqlite:///{tmp_path / 'r.db'}") as s:
        calls = []

        def flaky(errors):
            def work(conn):
                calls.append(conn.get_execution_options().get("write"))
                if errors:
                    raise errors.pop(0)
                return "done"
            return work

        locked = OperationalError("stmt", {}, Exception("database is locked"))
        busy = OperationalError("stmt", {}, Exception("Database BUSY"))
        taken = IntegrityError("stmt", {}, Exception("UNIQUE constraint failed"))
        assert s._write(flaky([locked, busy, taken])) == "done"
        assert calls == [True] * 4 and naps == pytest.approx([0.05, 0.10, 0.15])
        calls.clear()
        naps.clear()
        with pytest.raises(OperationalError):
            s._write(flaky([locked] * 5))
        assert len(calls) == 5 and naps == pytest.approx([0.05, 0.10, 0.15, 0.20])
        calls.clear()
        naps.clear()
        other = OperationalError("stmt", {}, Exception("disk I/O error"))
        with pytest.raises(OperationalError):
            s._write(flaky([other, locked]))
        assert len(calls) == 1 and naps == []
        assert s._write(flaky([locked, locked]), attempts=3) == "done" and len(calls) == 4


def test_sqlite_begins_writes_immediately_and_reads_deferred(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'b.db'}") as s:
        seen = []
        from sqlalchemy import event

        event.listen(s.engine, "before_cursor_execute", lambda conn, cur, stmt, *a: seen.append(stmt))
        s.create(LOCAL, "A", BASE)
        assert "BEGIN IMMEDIATE" in seen
        seen.clear()
        s.list_scenarios(LOCAL)
        assert "BEGIN" in seen and "BEGIN IMMEDIATE" not in seen


def test_the_default_location_is_the_users_data_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("WINTERPROOF_DATABASE_URL", raising=False)
    monkeypatch.setenv("WINTERPROOF_DB", "")
    monkeypatch.setattr(store_module.platformdirs, "user_data_dir", lambda app: str(tmp_path / "data" / app))
    assert default_url() == f"sqlite:///{tmp_path / 'data' / 'winterproof' / 'winterproof.db'}"
    assert (tmp_path / "data" / "winterproof").is_dir()
    monkeypatch.setenv("WINTERPROOF_DATABASE_URL", "")
    assert default_url().startswith("sqlite:///")
    monkeypatch.setenv("WINTERPROOF_DB", str(tmp_path / "env.db"))
    with Store() as s:
        assert s.url == f"sqlite:///{tmp_path / 'env.db'}" and (tmp_path / "env.db").exists()


def test_a_store_that_cannot_migrate_closes_its_engine(tmp_path, monkeypatch):
    closed = []
    monkeypatch.setattr(Store, "close", lambda self: closed.append(self.url))
    monkeypatch.setattr(Store, "migrate", lambda self: (_ for _ in ()).throw(StoreError("no")))
    url = f"sqlite:///{tmp_path / 'c.db'}"
    with pytest.raises(StoreError, match=r"^no$"):
        Store(url)
    assert closed == [url]


def test_revoking_one_link_leaves_the_others_open(store):
    sid = store.create(LOCAL, "Pitch", BASE).scenario_id
    (t1, l1), (t2, _) = store.share(LOCAL, sid), store.share(LOCAL, sid)
    store.revoke(LOCAL, l1.id)
    assert store.open_share(t1) is None and store.open_share(t2) is not None
    assert [lk.revoked_at is None for lk in store.links(LOCAL, sid)] == [True, False]


def test_every_write_reads_the_latest_revision_under_the_writers_lock(store, monkeypatch):
    """On PostgreSQL the lock (SELECT ... FOR UPDATE) serialises writers of one scenario; reads take none."""
    sid = store.create(LOCAL, "A", BASE).scenario_id
    locks = []
    real = Store._latest
    monkeypatch.setattr(Store, "_latest", lambda self, conn, scenario_id, lock=False: locks.append(lock) or real(
        self, conn, scenario_id, lock))
    store.save(LOCAL, sid, variant(2e6))
    store.rename(LOCAL, sid, "B")
    store.delete(LOCAL, sid)
    store.undelete(LOCAL, sid)
    store.restore(LOCAL, sid, 1)
    assert locks == [True] * 5
    locks.clear()
    store.current(LOCAL, sid)
    store.duplicate(LOCAL, sid)
    assert locks == [False, False]


def test_a_conflict_message_is_translated():
    with Store("sqlite://") as s:
        sid = s.create(LOCAL, "Plan", BASE).scenario_id
        s.save(LOCAL, sid, BASE)
        with pytest.raises(ConflictError) as err:
            s.save(LOCAL, sid, BASE, base=1)
    assert err.value.localized("zh").startswith("未覆盖最新版本：在你打开的第1版之后，“Plan”已保存了第2版")


def test_a_server_database_gets_a_pinging_pool_and_no_sqlite_settings(monkeypatch):
    monkeypatch.setattr(Store, "migrate", lambda self: 1)
    s = Store("postgresql+psycopg://u:p@127.0.0.1:1/none")       # nothing is connected until a query
    assert s.engine.dialect.name == "postgresql" and s.engine.pool._pre_ping is True
    assert s.url == "postgresql+psycopg://u:p@127.0.0.1:1/none"
    s.close()


def test_what_the_writes_return_is_what_was_stored(store):
    created = store.create(LOCAL, "A", BASE)
    assert created.id == store.current(LOCAL, created.scenario_id).id and created.number == 1
    saved = store.save(LOCAL, created.scenario_id, variant(2e6))
    assert saved.id == store.current(LOCAL, created.scenario_id).id and saved.id != created.id
    other = store.create(LOCAL, "B", variant(3e6))
    assert store.revision(LOCAL, other.scenario_id, 1).id == other.id and store.revision(LOCAL, created.scenario_id, 1).id == created.id
    assert store.revision(LOCAL, other.scenario_id, 1).scenario.company.starting_cash == 3e6


def test_links_and_opened_links_carry_every_field(store):
    sid = store.create(LOCAL, "Pitch", BASE).scenario_id
    token, link = store.share(LOCAL, sid, lang="zh")
    _, opened = store.open_share(token)
    listed = store.links(LOCAL, sid)[0]
    for got in (opened, listed):
        assert (got.id, got.revision_id, got.lang, got.revoked_at) == (link.id, link.revision_id, "zh", None)
        assert got.created_at == link.created_at and got.expires_at == link.expires_at


def test_reads_take_no_lock_and_writes_lock_their_scenario_row(tmp_path):
    from sqlalchemy import event

    with Store(f"sqlite:///{tmp_path / 'l.db'}") as s:
        sid = s.create(LOCAL, "A", BASE).scenario_id
        seen = []
        event.listen(s.engine, "before_cursor_execute", lambda conn, cur, stmt, *a: seen.append(" ".join(stmt.split())))
        s.current(LOCAL, sid)
        assert "SELECT scenarios.id FROM scenarios WHERE scenarios.id = ?" not in seen  # the lock (FOR UPDATE on PG)
        assert any("SELECT scenarios.workspace_id FROM scenarios" in q for q in seen)   # ... but the access check
        s.rename(LOCAL, sid, "B")
        assert "SELECT scenarios.id FROM scenarios WHERE scenarios.id = ?" in seen


def test_an_unversioned_database_has_schema_version_0(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'v.db'}") as s:
        with s.engine.begin() as conn:
            conn.execute(version_table.delete())
        assert s.schema_version() == 0


def test_a_name_cut_at_120_characters_does_not_end_in_a_space():
    assert _clean("x" * 119 + " yz") == "x" * 119


def test_unsaved_work_is_kept_per_tab_replaced_in_place_offered_to_other_tabs_and_taken_once(url):
    from core.storage.store import DRAFT_BYTES, DRAFT_DAYS, drafts_table
    who = Identity("ana@a.example")
    with Store(url) as s:
        assert s.kept_draft(who, "tab-1") is None
        s.keep_draft(who, "tab-1", '{"v": 1}')
        s.keep_draft(who, "tab-1", '{"v": 2}')                           # the same tab: replaced, not added
        s.keep_draft(who, "tab-2", '{"v": 3}')
        assert s.kept_draft(who, "tab-1").body == '{"v": 2}'
        with s.engine.begin() as conn:                                    # tab-1 an hour older (two writes can share a
            conn.execute(update(drafts_table).where(drafts_table.c.token_hash == token_hash("tab-1"))  # clock tick)
                         .values(saved_at=datetime.now(UTC) - timedelta(hours=1)))
        others = s.other_drafts(who, "tab-3")                             # a new tab sees both, newest first
        assert len(others) == 2 and others[0][1] > others[1][1] and s.other_drafts(who, "tab-1")[0][0] == others[0][0]
        assert s.take_draft(who, others[0][0]) == '{"v": 3}' and s.take_draft(who, others[0][0]) is None
        s.drop_draft(who, "tab-1")
        assert s.kept_draft(who, "tab-1") is None and s.other_drafts(who, "tab-9") == []
        with pytest.raises(StoreError, match="2,000,000 bytes"):
            s.keep_draft(who, "tab-1", "x" * (DRAFT_BYTES + 1))
        s.keep_draft(who, "old", "{}")                                    # untouched for DRAFT_DAYS: gone at the next keep
        with s.engine.begin() as conn:
            conn.execute(update(drafts_table).values(saved_at=datetime.now(UTC) - timedelta(days=DRAFT_DAYS + 1)))
        s.keep_draft(who, "new", "{}")
        assert s.kept_draft(who, "old") is None and s.kept_draft(who, "new") is not None


def test_deleting_a_scenario_ends_its_share_links_and_undeleting_does_not_revive_them(store):
    sid = store.create(LOCAL, "Pitch", variant(5e5)).scenario_id
    first, _ = store.share(LOCAL, sid, number=1)
    store.save(LOCAL, sid, variant(6e5))
    latest, link = store.share(LOCAL, sid)
    other, _ = store.share(LOCAL, store.create(LOCAL, "Other", variant(7e5)).scenario_id)
    store.revoke(LOCAL, link.id)
    revoked_at = store.links(LOCAL, sid)[0].revoked_at
    store.delete(LOCAL, sid)
    assert store.open_share(first) is None and store.open_share(latest) is None
    links = store.links(LOCAL, sid)
    assert all(k.revoked_at is not None for k in links) and links[0].revoked_at == revoked_at  # the first end stays
    store.undelete(LOCAL, sid)
    assert store.open_share(first) is None and store.open_share(other) is not None  # another scenario's link works
    again, _ = store.share(LOCAL, sid)
    assert store.open_share(again)[0].number == 4                          # created, saved, deleted, undeleted
