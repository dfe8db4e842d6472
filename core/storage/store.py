"""Saved scenarios: append-only revisions and share links, on SQLite or PostgreSQL.

Over 400 lines on purpose: the transaction, locking and retry rules of both back ends must
be read together with the operations that rely on them.

Nothing a founder saves is ever overwritten: every save, rename, delete (a tombstone),
undelete and restore appends a revision (and so does every import of actuals, and their
removal: a tombstone); a scenario's current state is its latest
revision. Saving on top of a revision that is no longer the latest (two tabs) is refused
with :class:`ConflictError`, and the refused version is kept as a new scenario.

Storage: ``WINTERPROOF_DATABASE_URL`` (any SQLAlchemy URL, e.g. PostgreSQL), else a SQLite
file at ``WINTERPROOF_DB``, else ``winterproof.db`` in the user's data directory. SQLite runs
with WAL, ``synchronous=FULL``, a 30 s busy timeout and ``BEGIN IMMEDIATE`` for writes.

Share links carry a 256-bit token from :mod:`secrets`; only its SHA-256 is stored and the
revision is found from the token alone. Links expire (30 days by default) and can be revoked;
each has a label for its recipient, an optional passcode (stored as a salted scrypt hash), a
download permission, and counts its opens. A scenario carries the founder's note, which its
links show as plain text.

Who may do what is decided here, not in pages: every scenario belongs to a workspace, every
call but :meth:`Store.open_share` takes the acting :class:`Identity`, and a user reaches only
the scenarios, revisions and links of workspaces they are a member of — as a ``viewer``
(list, open, history), an ``editor`` (also save, rename, delete, restore, duplicate, share,
revoke) or an ``owner`` (also members). A scenario of another workspace answers exactly as
one that does not exist. Local mode acts as :data:`LOCAL`, the owner of workspace 1.

Unsaved work (a browser tab's current scenario and editor draft, as the page's own JSON) is kept
per tab under a random token the tab's address carries, for the user who kept it only, until it is
saved or discarded; it is the one thing here that is replaced in place, and it goes after 30 days.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import platformdirs
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from core.i18n import STRINGS, t
from core.model import Actuals, Scenario

SCHEMA_VERSION = 9
TOKEN_BYTES = 32
LINK_DAYS = 30
REMOVED = ""
"""The body of an actuals revision that removes them (a tombstone)."""
NAME_LENGTH = 120
NOTE_LENGTH = 2000
DRAFT_BYTES = 2_000_000
DRAFT_DAYS = 30
PASSCODE_LENGTH = (6, 128)
"""Characters of a new passcode (links made with 4 or 5 before keep working)."""
GUESSES = (5, timedelta(minutes=10))
"""Wrong passcodes one client may give one link in a window; then it waits until the window has passed."""
LOCK_AFTER = 20
"""Wrong passcodes (from anyone) after which a link is locked for good: its founder shares again."""

ROLES = ("viewer", "editor", "owner")
LOCAL_WORKSPACE = "Local"
"""The name of the workspace a new store starts with (pages show it in the reader's language)."""
"""Workspace roles, each allowed what the ones before it are."""

metadata = MetaData()
workspaces_table = Table(
    "workspaces", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_LENGTH), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
def _member_columns() -> list:
    """The members' columns of version 2."""
    return [
        Column("workspace_id", Integer, ForeignKey("workspaces.id"), primary_key=True),
        Column("user", String(320), primary_key=True),
        Column("role", String(8), nullable=False),
    ]


members_table = Table("members", metadata, *_member_columns(),
                      Column("email", String(320), nullable=False, server_default=""))
scenarios_table = Table(
    "scenarios", metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("workspace_id", Integer, ForeignKey("workspaces.id"), index=True),
    Column("note", Text, nullable=False, server_default=""),
)
def _revision_columns() -> list:
    return [
        Column("id", Integer, primary_key=True),
        Column("scenario_id", Integer, ForeignKey("scenarios.id"), nullable=False, index=True),
        Column("number", Integer, nullable=False),
        Column("action", String(16), nullable=False),
        Column("name", String(NAME_LENGTH), nullable=False),
        Column("body", Text, nullable=False),
        Column("deleted", Boolean, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("scenario_id", "number"),
    ]


def _link_columns() -> list:
    """The share links' columns of version 1."""
    return [
        Column("id", Integer, primary_key=True),
        Column("token_hash", String(64), nullable=False, unique=True),
        Column("revision_id", Integer, ForeignKey("revisions.id"), nullable=False),
        Column("lang", String(8), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("expires_at", DateTime(timezone=True), nullable=False),
        Column("revoked_at", DateTime(timezone=True)),
    ]


revisions_table = Table("revisions", metadata, *_revision_columns())
links_table = Table(
    "share_links", metadata, *_link_columns(),
    Column("label", String(NAME_LENGTH), nullable=False, server_default=""),
    Column("passcode_hash", String(200)),
    Column("downloads", Boolean, nullable=False, server_default=text("FALSE")),
    Column("opens", Integer, nullable=False, server_default=text("0")),
    Column("last_opened_at", DateTime(timezone=True)),
    Column("locked_at", DateTime(timezone=True)),
    Column("note", Text, nullable=False, server_default=""),
    Column("actuals_number", Integer),
    Column("target", String(80)),
)
failures_table = Table(
    "passcode_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("link_id", Integer, ForeignKey("share_links.id"), nullable=False, index=True),
    Column("client", String(64), nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
)
actuals_table = Table(
    "actuals", metadata,
    Column("id", Integer, primary_key=True),
    Column("scenario_id", Integer, ForeignKey("scenarios.id"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("scenario_id", "number"),
)
drafts_table = Table(
    "drafts", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user", String(320), nullable=False, index=True),
    Column("body", Text, nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
)
version_table = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

_v1 = MetaData()  # the tables version 1 created, as they were then (later versions add columns)
Table("scenarios", _v1, Column("id", Integer, primary_key=True), Column("created_at", DateTime(timezone=True), nullable=False))
Table("revisions", _v1, *_revision_columns())
Table("share_links", _v1, *_link_columns())
_v2 = MetaData()  # the tables version 2 created, as they were then
workspaces_table.to_metadata(_v2)
Table("members", _v2, *_member_columns())


def _workspaces(conn: Connection) -> None:
    """Version 2: workspaces and their members; every scenario saved before joins workspace 1, owned by LOCAL."""
    _v2.create_all(conn)
    conn.exec_driver_sql("ALTER TABLE scenarios ADD COLUMN workspace_id INTEGER REFERENCES workspaces(id)")
    conn.execute(insert(workspaces_table).values(id=1, name=LOCAL_WORKSPACE, created_at=_now()))
    conn.execute(insert(members_table).values(workspace_id=1, user=LOCAL.user, role="owner"))
    conn.execute(update(scenarios_table).values(workspace_id=1))
    if conn.dialect.name == "postgresql":  # the explicit id 1 must not collide with the next generated one
        conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('workspaces', 'id'), 1)")


def _add_columns(conn: Connection, table: Table, names: tuple[str, ...]) -> None:
    for name in names:
        column = table.c[name]
        ddl = f"ALTER TABLE {table.name} ADD COLUMN {name} {column.type.compile(dialect=conn.dialect)}"
        if column.server_default is not None:
            default = column.server_default.arg  # type: ignore[attr-defined]
            ddl += f" NOT NULL DEFAULT {default.text if hasattr(default, 'text') else repr(default)}"
        conn.exec_driver_sql(ddl)


def _links_for_recipients(conn: Connection) -> None:
    """Version 3: the founder's note on a scenario; share links with a label, passcode, download permission and opens."""
    _add_columns(conn, scenarios_table, ("note",))
    _add_columns(conn, links_table, ("label", "passcode_hash", "downloads", "opens", "last_opened_at"))


def _actuals(conn: Connection) -> None:
    """Version 4: a scenario's imported actuals, each import a numbered revision."""
    metadata.create_all(conn, tables=[actuals_table])


def _drafts(conn: Connection) -> None:
    """Version 5: the unsaved work of each browser tab, kept until saved or discarded."""
    metadata.create_all(conn, tables=[drafts_table])


def _member_emails(conn: Connection) -> None:
    """Version 6: members keyed on their sign-in's issuer and subject, each with the e-mail shown for them; a
    membership kept under an e-mail (every one before, and every invitation) waits for that e-mail's first
    verified sign-in (:meth:`Store.bind`)."""
    _add_columns(conn, members_table, ("email",))
    conn.execute(update(members_table).where(members_table.c.user.contains("@")).values(email=members_table.c.user))


def _passcode_failures(conn: Connection) -> None:
    """Version 7: every wrong passcode given to a link (by which client, when), and the moment a link was locked."""
    _add_columns(conn, links_table, ("locked_at",))
    metadata.create_all(conn, tables=[failures_table])


def _pinned_links(conn: Connection) -> None:
    """Version 8: a link keeps the founder's note and the actuals' revision of when it was made (it showed the latest
    until now: a link made before keeps what it shows today)."""
    _add_columns(conn, links_table, ("note", "actuals_number"))
    scenario = (select(revisions_table.c.scenario_id).where(revisions_table.c.id == links_table.c.revision_id)
                .scalar_subquery())
    conn.execute(update(links_table).values(
        note=select(scenarios_table.c.note).where(scenarios_table.c.id == scenario).scalar_subquery(),
        actuals_number=select(func.max(actuals_table.c.number)).where(actuals_table.c.scenario_id == scenario)
        .scalar_subquery()))


def _shared_targets(conn: Connection) -> None:
    """Version 9: a link may show "What it would take" for the target the founder chose (None: it does not)."""
    _add_columns(conn, links_table, ("target",))


def _first(conn: Connection) -> None:
    """Version 1: scenarios, revisions and share links."""
    _v1.create_all(conn)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _first, 2: _workspaces, 3: _links_for_recipients, 4: _actuals,
                                                       5: _drafts, 6: _member_emails,
                                                       7: _passcode_failures, 8: _pinned_links,
                                                       9: _shared_targets}
"""Schema version -> the step that brings a database from the version before to it."""


@dataclass(frozen=True)
class Identity:
    """Who acts: ``user`` is a signed-in user's issuer and subject (:func:`subject_key`), ``local`` in local mode,
    or an e-mail (lower case: a membership granted to an e-mail, before its owner first signs in); ``email`` is
    the verified e-mail shown for them ("" when none)."""

    user: str
    email: str = dataclasses.field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.user or len(self.user) > 320:
            raise StoreError("an identity needs a user name of at most 320 characters")


@dataclass(frozen=True)
class Workspace:
    id: int
    name: str
    role: str


class StoreError(Exception):
    """A request the store cannot carry out; the message says why, ``code`` names it for translation."""

    def __init__(self, message: str, code: str = "generic"):
        super().__init__(message)
        self.code = code

    def localized(self, lang: str) -> str:
        """The message in ``lang`` (the English message where the catalogue has no translation)."""
        key = f"library.error.{self.code}"
        return t(key, lang) if key in STRINGS["en"] else str(self)


@dataclass(frozen=True)
class Revision:
    """One saved state of a scenario. ``number`` counts from 1 within the scenario."""

    id: int
    scenario_id: int
    number: int
    action: str
    name: str
    deleted: bool
    created_at: datetime
    body: str

    @property
    def scenario(self) -> Scenario:
        return Scenario.model_validate_json(self.body)


class ConflictError(StoreError):
    """A save based on an old revision: ``latest`` is unchanged, ``copy`` keeps the refused version."""

    def __init__(self, latest: Revision, copy: Revision, base: int):
        super().__init__(f"revision {latest.number} of {latest.name!r} was saved after revision {base} you started from; "
                         f"your version was kept as {copy.name!r}")
        self.latest, self.copy, self.base = latest, copy, base

    def localized(self, lang: str) -> str:
        detail = t("library.conflict_detail", lang, latest=self.latest.number, name=self.latest.name, base=self.base,
                   copy=self.copy.name)
        return t("library.conflict", lang, error=detail)


@dataclass(frozen=True)
class KeptDraft:
    """Unsaved work kept for a browser tab: ``body`` is the page's own JSON, ``saved_at`` when it was last kept."""

    token: str
    body: str
    saved_at: datetime


@dataclass(frozen=True)
class ShareLink:
    id: int
    revision_id: int
    lang: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    label: str = ""
    passcode: bool = False
    """Whether opening it asks for a passcode."""
    downloads: bool = False
    """Whether the investor may download the numbers."""
    opens: int = 0
    last_opened_at: datetime | None = None
    note: str = ""
    """The founder's note on the scenario when the link was made (plain text)."""
    actuals: Actuals | None = None
    """The scenario's actuals when the link was made (the investor sees plan vs actual); set by ``open_share``."""
    failures: int = 0
    """Wrong passcodes given to it (shown to the founder)."""
    locked_at: datetime | None = None
    """When it was locked after LOCK_AFTER wrong passcodes (it opens no more)."""
    number: int = 0
    """The number of the revision it shows (set by ``links`` and ``open_share``)."""
    actuals_number: int | None = None
    """The actuals' revision it shows (the latest when it was made; None: there were none)."""
    target: str | None = None
    """The target whose "What it would take" it shows (``core.analysis.solve.Target.code``); None: it shows none."""

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and _aware(self.expires_at) > now


def subject_key(issuer: str, subject: str) -> str:
    """The stored key of a signed-in user: the issuer and the subject it gave them, which no e-mail can equal
    (neither holds a space).

    >>> subject_key("https://accounts.example.com", "10769150350006150715113082367")
    'https://accounts.example.com 10769150350006150715113082367'
    """
    return f"{issuer.strip()} {subject.strip()}"


LOCAL = Identity("local")
"""The one user of local mode (``make run`` on 127.0.0.1, no sign-in)."""


def default_url() -> str:
    """The database URL: WINTERPROOF_DATABASE_URL, WINTERPROOF_DB (a SQLite path), or the user data dir."""
    if url := os.environ.get("WINTERPROOF_DATABASE_URL"):
        return url
    path = Path(os.environ.get("WINTERPROOF_DB") or Path(platformdirs.user_data_dir("winterproof")) / "winterproof.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back without a zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


T = TypeVar("T")


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    return engine


class Store:
    """Scenarios, their revisions and share links in one database."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.engine = _sqlite_engine(self.url) if self.url.startswith("sqlite") else create_engine(self.url, pool_pre_ping=True)
        try:
            self.migrate()
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ---------------------------------------------------------------

    def _write(self, work: Callable[[Connection], T], attempts: int = 5) -> T:
        """Run ``work`` in one write transaction; retry when another writer held the lock or took the number."""
        for attempt in range(attempts):
            try:
                with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                    return work(conn)
            except (OperationalError, IntegrityError) as exc:
                transient = "locked" in str(exc).lower() or "busy" in str(exc).lower() or isinstance(exc, IntegrityError)
                if not transient or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def migrate(self) -> int:
        """Bring the schema to :data:`SCHEMA_VERSION`; refuse a database made by a newer version."""
        def work(conn: Connection) -> int:
            version_table.create(conn, checkfirst=True)
            current = conn.execute(select(func.max(version_table.c.version))).scalar() or 0
            if current > SCHEMA_VERSION:
                raise StoreError(f"the database has schema version {current}; this version of Winterproof knows "
                                 f"up to {SCHEMA_VERSION}")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[version](conn)
                conn.execute(insert(version_table).values(version=version, applied_at=_now()))
            return SCHEMA_VERSION

        return self._write(work)

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(version_table.c.version))).scalar() or 0

    @staticmethod
    def _row(row) -> Revision:
        return Revision(row.id, row.scenario_id, row.number, row.action, row.name, row.deleted, _aware(row.created_at), row.body)

    def _latest(self, conn: Connection, scenario_id: int, lock: bool = False) -> Revision:
        if lock:  # PostgreSQL: serialise writers of one scenario (SQLite already holds the write lock)
            conn.execute(select(scenarios_table.c.id).where(scenarios_table.c.id == scenario_id).with_for_update())
        row = conn.execute(select(revisions_table).where(revisions_table.c.scenario_id == scenario_id)
                           .order_by(revisions_table.c.number.desc()).limit(1)).first()
        if row is None:
            raise StoreError(f"no saved scenario with id {scenario_id}")
        return self._row(row)

    # --- who may do what ------------------------------------------------------------

    @staticmethod
    def _role(conn: Connection, who: Identity, workspace_id: int) -> str | None:
        return conn.execute(select(members_table.c.role).where(members_table.c.workspace_id == workspace_id,
                                                               members_table.c.user == who.user)).scalar()

    def _allow(self, conn: Connection, who: Identity, workspace_id: int | None, role: str, what: str) -> None:
        """Refuse unless ``who`` holds at least ``role`` in the workspace; a non-member learns nothing."""
        held = None if workspace_id is None else self._role(conn, who, workspace_id)
        if held is None:
            raise StoreError(f"no {what}", code="not_found")
        if ROLES.index(held) < ROLES.index(role):
            raise StoreError(f"a {held} of this workspace cannot do this (it needs {role})", code="forbidden")

    def _allow_scenario(self, conn: Connection, who: Identity, scenario_id: int, role: str) -> int:
        """The scenario's workspace, once ``who`` may act on it with ``role``."""
        workspace: int | None = conn.execute(select(scenarios_table.c.workspace_id)
                                             .where(scenarios_table.c.id == scenario_id)).scalar()
        self._allow(conn, who, workspace, role, f"saved scenario with id {scenario_id}")
        assert workspace is not None  # _allow refused None
        return workspace

    def _checked(self, who: Identity, scenario_id: int, role: str) -> int:
        with self.engine.connect() as conn:
            return self._allow_scenario(conn, who, scenario_id, role)

    # --- workspaces -----------------------------------------------------------------

    def workspaces(self, who: Identity) -> list[Workspace]:
        """The workspaces ``who`` belongs to, with their role; a first visit gets a workspace of its own."""
        query = (select(workspaces_table.c.id, workspaces_table.c.name, members_table.c.role)
                 .join(members_table, members_table.c.workspace_id == workspaces_table.c.id)
                 .where(members_table.c.user == who.user).order_by(workspaces_table.c.id))
        with self.engine.connect() as conn:
            found = [Workspace(r.id, r.name, r.role) for r in conn.execute(query)]
        return found or [self.create_workspace(who, who.email or who.user)]

    def create_workspace(self, who: Identity, name: str) -> Workspace:
        """A new workspace owned by ``who``."""
        def work(conn: Connection) -> Workspace:
            wid = conn.execute(insert(workspaces_table).values(name=_clean(name), created_at=_now())
                               .returning(workspaces_table.c.id)).scalar_one()
            conn.execute(insert(members_table).values(workspace_id=wid, user=who.user, role="owner", email=who.email))
            return Workspace(wid, _clean(name), "owner")

        return self._write(work)

    def set_member(self, who: Identity, workspace_id: int, user: str, role: str | None) -> None:
        """Add ``user`` (an e-mail, or a member as :meth:`members` names them) with ``role``, change their role,
        or (``role=None``) remove them; owners only. A new e-mail waits for its first verified sign-in
        (:meth:`bind`).

        A workspace always keeps an owner.
        """
        if role is not None and role not in ROLES:
            raise StoreError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
        member = Identity(user.strip().lower()).user

        def work(conn: Connection) -> None:
            self._allow(conn, who, workspace_id, "owner", f"workspace {workspace_id}")
            here = members_table.c.workspace_id == workspace_id
            known = conn.execute(select(members_table.c.user, members_table.c.email).where(
                here, (members_table.c.user == member) | (members_table.c.email == member))).first()
            key, email = (known.user, known.email) if known else (member, member if "@" in member else "")
            conn.execute(members_table.delete().where(here, members_table.c.user == key))
            if role is not None:
                conn.execute(insert(members_table).values(workspace_id=workspace_id, user=key, role=role, email=email))
            owners = conn.execute(select(func.count()).select_from(members_table).where(
                members_table.c.workspace_id == workspace_id, members_table.c.role == "owner")).scalar()
            if not owners:
                raise StoreError("a workspace needs at least one owner", code="last_owner")

        self._write(work)

    def members(self, who: Identity, workspace_id: int) -> dict[str, str]:
        """Member -> role of a workspace ``who`` belongs to; a member is named by their e-mail when known."""
        with self.engine.connect() as conn:
            self._allow(conn, who, workspace_id, "viewer", f"workspace {workspace_id}")
            rows = conn.execute(select(members_table).where(members_table.c.workspace_id == workspace_id))
            return dict(sorted((r.email or r.user, r.role) for r in rows))

    def bind(self, who: Identity) -> None:
        """A signed-in user with a verified e-mail takes what was granted to that e-mail (memberships kept before
        version 6, invitations, unsaved work): from then on it is theirs by issuer and subject, and another account
        that later claims the same e-mail gets none of it. Where they are a member already, the stronger role
        stays. Call it with a verified e-mail only."""
        if not who.email or who.email == who.user:
            return

        def work(conn: Connection) -> None:
            mine = members_table.c.user == who.user
            held: dict[int, str] = dict(conn.execute(select(members_table.c.workspace_id, members_table.c.role).where(mine)).all())
            granted = conn.execute(select(members_table.c.workspace_id, members_table.c.role)
                                   .where(members_table.c.user == who.email)).all()
            conn.execute(delete(members_table).where(members_table.c.user == who.email))
            for workspace_id, role in granted:
                strongest = max(role, held.get(workspace_id, role), key=ROLES.index)
                conn.execute(delete(members_table).where(mine, members_table.c.workspace_id == workspace_id))
                conn.execute(insert(members_table).values(workspace_id=workspace_id, user=who.user, role=strongest,
                                                          email=who.email))
            conn.execute(update(members_table).where(mine).values(email=who.email))
            conn.execute(update(drafts_table).where(drafts_table.c.user == who.email).values(user=who.user))

        self._write(work)

    # --- revisions (internal) -------------------------------------------------------------

    def _append(self, conn: Connection, scenario_id: int, action: str, name: str, body: str, deleted: bool,
                number: int) -> Revision:
        revision = Revision(0, scenario_id, number, action, _clean(name), deleted, _now(), body)
        values = dataclasses.asdict(revision)
        del values["id"]
        new_id = conn.execute(insert(revisions_table).values(**values).returning(revisions_table.c.id)).scalar_one()
        return dataclasses.replace(revision, id=new_id)

    def _new_scenario(self, conn: Connection, workspace_id: int, name: str, body: str, action: str) -> Revision:
        sid = conn.execute(insert(scenarios_table).values(created_at=_now(), workspace_id=workspace_id)
                           .returning(scenarios_table.c.id)).scalar_one()
        return self._append(conn, sid, action, name, body, False, 1)

    def _next(self, who: Identity, scenario_id: int, change: Callable[[Revision], tuple[str, str, str, bool]]) -> Revision:
        """Append the revision ``change(latest)`` -> (action, name, body, deleted) describes."""
        def work(conn: Connection) -> Revision:
            self._allow_scenario(conn, who, scenario_id, "editor")
            latest = self._latest(conn, scenario_id, lock=True)
            action, name, body, deleted = change(latest)
            if deleted and not latest.deleted:  # a deleted scenario's links end with it (an undelete does not revive them)
                mine = select(revisions_table.c.id).where(revisions_table.c.scenario_id == scenario_id)
                conn.execute(update(links_table).where(links_table.c.revision_id.in_(mine),
                                                       links_table.c.revoked_at.is_(None)).values(revoked_at=_now()))
            return self._append(conn, scenario_id, action, name, body, deleted, latest.number + 1)

        return self._write(work)

    # --- scenarios --------------------------------------------------------------

    def create(self, who: Identity, name: str, scenario: Scenario, workspace_id: int | None = None) -> Revision:
        """A new saved scenario in ``workspace_id`` (``who``'s first workspace by default); its first revision."""
        workspace = self.workspaces(who)[0].id if workspace_id is None else workspace_id

        def work(conn: Connection) -> Revision:
            self._allow(conn, who, workspace, "editor", f"workspace {workspace}")
            return self._new_scenario(conn, workspace, name, scenario.model_dump_json(), "create")

        return self._write(work)

    def save(self, who: Identity, scenario_id: int, scenario: Scenario, base: int | None = None) -> Revision:
        """Append ``scenario`` as the next revision.

        With ``base`` (the revision the editor started from), a save on top of a newer
        revision is refused: :class:`ConflictError` carries the unchanged latest and a new
        scenario in the same workspace that keeps the refused version.
        """
        body = scenario.model_dump_json()

        def work(conn: Connection) -> tuple[Revision, bool, int]:
            workspace = self._allow_scenario(conn, who, scenario_id, "editor")
            latest = self._latest(conn, scenario_id, lock=True)
            if base is not None and base != latest.number:
                return latest, False, workspace
            return (self._append(conn, scenario_id, "save", latest.name, body, latest.deleted, latest.number + 1), True,
                    workspace)

        revision, saved, workspace = self._write(work)
        if not saved:
            stamp = _now().strftime("%Y-%m-%d %H:%M")
            copy = self._write(lambda conn: self._new_scenario(conn, workspace, f"{revision.name} (conflicting copy {stamp})",
                                                                body, "conflict"))
            assert base is not None  # only a save from a base revision can be refused
            raise ConflictError(revision, copy, base)
        return revision

    def rename(self, who: Identity, scenario_id: int, name: str) -> Revision:
        return self._next(who, scenario_id, lambda r: ("rename", name, r.body, r.deleted))

    def delete(self, who: Identity, scenario_id: int) -> Revision:
        """A tombstone: the scenario leaves the list and its share links end; ``undelete`` brings it back (without
        its links: share it again)."""
        return self._next(who, scenario_id, lambda r: ("delete", r.name, r.body, True))

    def undelete(self, who: Identity, scenario_id: int) -> Revision:
        return self._next(who, scenario_id, lambda r: ("undelete", r.name, r.body, False))

    def restore(self, who: Identity, scenario_id: int, number: int) -> Revision:
        """A new revision with the content and name of revision ``number``."""
        old = self.revision(who, scenario_id, number)
        return self._next(who, scenario_id, lambda r: ("restore", old.name, old.body, r.deleted))

    def duplicate(self, who: Identity, scenario_id: int, name: str | None = None) -> Revision:
        """A copy in the same workspace (``who`` must be an editor there)."""
        source = self.current(who, scenario_id)

        def work(conn: Connection) -> Revision:
            workspace = self._allow_scenario(conn, who, scenario_id, "editor")
            return self._new_scenario(conn, workspace, name or f"{source.name} (copy)", source.body, "duplicate")

        return self._write(work)

    def current(self, who: Identity, scenario_id: int) -> Revision:
        with self.engine.connect() as conn:
            self._allow_scenario(conn, who, scenario_id, "viewer")
            return self._latest(conn, scenario_id)

    def revision(self, who: Identity, scenario_id: int, number: int) -> Revision:
        self._checked(who, scenario_id, "viewer")
        return self._revision(scenario_id, number)

    def _revision(self, scenario_id: int, number: int) -> Revision:
        with self.engine.connect() as conn:
            row = conn.execute(select(revisions_table).where(revisions_table.c.scenario_id == scenario_id,
                                                             revisions_table.c.number == number)).first()
        if row is None:
            raise StoreError(f"scenario {scenario_id} has no revision {number}")
        return self._row(row)

    def history(self, who: Identity, scenario_id: int) -> list[Revision]:
        """Every revision, newest first."""
        with self.engine.connect() as conn:
            self._allow_scenario(conn, who, scenario_id, "viewer")
            rows = conn.execute(select(revisions_table).where(revisions_table.c.scenario_id == scenario_id)
                                .order_by(revisions_table.c.number.desc())).all()
        return [self._row(r) for r in rows]

    def list_scenarios(self, who: Identity, workspace_id: int | None = None, include_deleted: bool = False) -> list[Revision]:
        """The latest revision of every scenario in ``who``'s workspaces (or the one given), newest change first."""
        mine = select(members_table.c.workspace_id).where(members_table.c.user == who.user)
        if workspace_id is not None:
            mine = mine.where(members_table.c.workspace_id == workspace_id)
        latest = (select(revisions_table.c.scenario_id, func.max(revisions_table.c.number).label("number"))
                  .join(scenarios_table, scenarios_table.c.id == revisions_table.c.scenario_id)
                  .where(scenarios_table.c.workspace_id.in_(mine))
                  .group_by(revisions_table.c.scenario_id).subquery())
        query = select(revisions_table).join(latest, (revisions_table.c.scenario_id == latest.c.scenario_id)
                                             & (revisions_table.c.number == latest.c.number))
        with self.engine.connect() as conn:
            rows = [self._row(r) for r in conn.execute(query.order_by(revisions_table.c.id.desc()))]
        return [r for r in rows if include_deleted or not r.deleted]

    # --- share links ------------------------------------------------------------

    def share(self, who: Identity, scenario_id: int, number: int | None = None, days: int = LINK_DAYS,
              lang: str = "en", label: str = "", passcode: str | None = None,
              downloads: bool = False, target: str | None = None) -> tuple[str, ShareLink]:
        """A new link to one revision (the latest by default): the token, shown once, and the link. Editors only.

        ``label`` names the recipient ("Sequoia — partner meeting"); ``passcode`` (6-128 characters), if given,
        is asked for on opening; ``downloads`` lets the recipient download the numbers; ``target`` (a target's code,
        at most 80 characters) shows what it would take to reach it. The link keeps the founder's
        note and the actuals as they are now: what the recipient was sent stays what they see."""
        self._checked(who, scenario_id, "editor")
        revision = self.current(who, scenario_id) if number is None else self.revision(who, scenario_id, number)
        label = " ".join(str(label).split())[:NAME_LENGTH]
        if passcode is not None and not PASSCODE_LENGTH[0] <= len(passcode) <= PASSCODE_LENGTH[1]:
            raise StoreError(f"a passcode has {PASSCODE_LENGTH[0]} to {PASSCODE_LENGTH[1]} characters", code="passcode_length")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = _now()
        expires = now + timedelta(days=days)
        kept = None if target is None else str(target)[:80]
        values = {"token_hash": token_hash(token), "revision_id": revision.id, "lang": lang, "created_at": now,
                  "expires_at": expires, "revoked_at": None, "label": label, "downloads": bool(downloads),
                  "passcode_hash": None if passcode is None else _passcode_hash(passcode), "opens": 0,
                  "target": kept}

        def work(conn: Connection) -> tuple[int, str, int | None]:
            note = conn.execute(select(scenarios_table.c.note).where(scenarios_table.c.id == scenario_id)).scalar() or ""
            actuals = conn.execute(select(func.max(actuals_table.c.number))
                                   .where(actuals_table.c.scenario_id == scenario_id)).scalar()
            link_id = conn.execute(insert(links_table).values(**values, note=note, actuals_number=actuals)
                                   .returning(links_table.c.id)).scalar_one()
            return link_id, note, actuals

        link_id, note, actuals = self._write(work)
        return token, ShareLink(link_id, revision.id, lang, now, expires, None, label, passcode is not None,
                                bool(downloads), note=note, number=revision.number, actuals_number=actuals,
                                target=kept)

    def open_share(self, token: str, passcode: str | None = None, now: datetime | None = None,
                   record: bool = False, client: str = "") -> tuple[Revision, ShareLink] | None:
        """The revision a token shows — the token is the only credential, and it opens nothing else;
        None for an unknown, tampered, revoked or expired token alike. ``record`` counts one open (once per visit).

        A link with a passcode raises :class:`StoreError` until it is given: code ``passcode`` (none yet, or a wrong
        one, which is recorded against the link and ``client``, an opaque name of the asker), ``passcode_wait``
        (GUESSES wrong ones from this client in the window: not even the right one is tried until it has passed)
        or ``passcode_locked`` (LOCK_AFTER wrong ones in all: the link opens no more)."""
        if not isinstance(token, str) or not 20 <= len(token) <= 100:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(links_table, revisions_table.c.scenario_id, revisions_table.c.number)
                               .join(revisions_table, revisions_table.c.id == links_table.c.revision_id)
                               .where(links_table.c.token_hash == token_hash(token))).first()
        if row is None:
            return None
        link = _link(row)
        if not link.active(now or _now()):
            return None
        if row.passcode_hash is not None:
            self._check_passcode(row.id, row.passcode_hash, row.locked_at, passcode, client, now or _now())
        shown = None if link.actuals_number is None else self._latest_actuals(row.scenario_id, upto=link.actuals_number)
        link = dataclasses.replace(link, actuals=None if shown is None else shown[1])
        if record:
            moment = now or _now()
            self._write(lambda conn: conn.execute(update(links_table).where(links_table.c.id == link.id)
                                                  .values(opens=links_table.c.opens + 1, last_opened_at=moment)))
            link = dataclasses.replace(link, opens=link.opens + 1, last_opened_at=moment)
        return self._revision(row.scenario_id, row.number), link

    def _check_passcode(self, link_id: int, stored: str, locked_at: datetime | None, passcode: str | None,
                        client: str, now: datetime) -> None:
        """Refuse (StoreError) unless ``passcode`` opens the link for ``client`` now; a wrong one is recorded, and
        the one that reaches LOCK_AFTER locks the link."""
        if locked_at is not None:
            raise StoreError("this link was locked after too many wrong passcodes", code="passcode_locked")
        if passcode is None:
            raise StoreError("this link asks for a passcode", code="passcode")
        mine = (failures_table.c.link_id == link_id, failures_table.c.client == token_hash(client))
        with self.engine.connect() as conn:
            recent = conn.execute(select(func.count()).select_from(failures_table)
                                  .where(*mine, failures_table.c.failed_at > now - GUESSES[1])).scalar() or 0
        if recent >= GUESSES[0]:
            raise StoreError("too many wrong passcodes from here; wait before trying again", code="passcode_wait")
        if _passcode_ok(passcode, stored):
            return

        def work(conn: Connection) -> None:
            conn.execute(insert(failures_table).values(link_id=link_id, client=token_hash(client), failed_at=now))
            total = conn.execute(select(func.count()).select_from(failures_table)
                                 .where(failures_table.c.link_id == link_id)).scalar() or 0
            if total >= LOCK_AFTER:
                conn.execute(update(links_table).where(links_table.c.id == link_id, links_table.c.locked_at.is_(None))
                             .values(locked_at=now))

        self._write(work)
        raise StoreError("this link asks for a passcode", code="passcode")

    def revoke(self, who: Identity, link_id: int) -> None:
        def work(conn: Connection) -> None:
            scenario = conn.execute(select(revisions_table.c.scenario_id)
                                    .join(links_table, links_table.c.revision_id == revisions_table.c.id)
                                    .where(links_table.c.id == link_id)).scalar()
            workspace = None if scenario is None else conn.execute(
                select(scenarios_table.c.workspace_id).where(scenarios_table.c.id == scenario)).scalar()
            self._allow(conn, who, workspace, "editor", f"share link with id {link_id}")  # another's: as a missing one
            conn.execute(update(links_table).where(links_table.c.id == link_id, links_table.c.revoked_at.is_(None))
                         .values(revoked_at=_now()))

        self._write(work)

    def links(self, who: Identity, scenario_id: int) -> list[ShareLink]:
        """Every link to any revision of the scenario, newest first."""
        with self.engine.connect() as conn:
            self._allow_scenario(conn, who, scenario_id, "viewer")
            failures = (select(func.count()).select_from(failures_table)
                        .where(failures_table.c.link_id == links_table.c.id).scalar_subquery())
            rows = conn.execute(select(links_table, revisions_table.c.number, failures.label("failures"))
                                .join(revisions_table, revisions_table.c.id == links_table.c.revision_id)
                                .where(revisions_table.c.scenario_id == scenario_id).order_by(links_table.c.id.desc())).all()
        return [dataclasses.replace(_link(r), failures=r.failures) for r in rows]

    # --- actuals ------------------------------------------------------------------------

    def save_actuals(self, who: Identity, scenario_id: int, actuals: Actuals) -> int:
        """Keep a new revision of the scenario's actuals (the earlier ones stay); its number. Editors only."""
        return self._append_actuals(who, scenario_id, actuals.model_dump_json())

    def _append_actuals(self, who: Identity, scenario_id: int, body: str) -> int:
        def work(conn: Connection) -> int:
            self._allow_scenario(conn, who, scenario_id, "editor")
            number = (conn.execute(select(func.max(actuals_table.c.number))
                                   .where(actuals_table.c.scenario_id == scenario_id)).scalar() or 0) + 1
            conn.execute(insert(actuals_table).values(scenario_id=scenario_id, number=number, body=body, created_at=_now()))
            return number

        return self._write(work)

    def actuals(self, who: Identity, scenario_id: int) -> tuple[int, Actuals] | None:
        """The latest actuals of a scenario and their revision number, or None."""
        with self.engine.connect() as conn:
            self._allow_scenario(conn, who, scenario_id, "viewer")
        return self._latest_actuals(scenario_id)

    def remove_actuals(self, who: Identity, scenario_id: int) -> int:
        """Leave the scenario without actuals: a tombstone revision (the earlier ones stay); its number. Editors
        only."""
        return self._append_actuals(who, scenario_id, REMOVED)

    def role(self, who: Identity, scenario_id: int) -> str:
        """What ``who`` is in the scenario's workspace: ``viewer``, ``editor`` or ``owner`` (a non-member learns
        nothing: StoreError ``not_found``)."""
        with self.engine.connect() as conn:
            workspace = self._allow_scenario(conn, who, scenario_id, "viewer")
            return str(self._role(conn, who, workspace))

    def _latest_actuals(self, scenario_id: int, upto: int | None = None) -> tuple[int, Actuals] | None:
        """The scenario's latest actuals (of the revisions up to ``upto``, when given) and their number, or None."""
        query = select(actuals_table.c.number, actuals_table.c.body).where(actuals_table.c.scenario_id == scenario_id)
        if upto is not None:
            query = query.where(actuals_table.c.number <= upto)
        with self.engine.connect() as conn:
            row = conn.execute(query.order_by(actuals_table.c.number.desc()).limit(1)).first()
        return None if row is None or row.body == REMOVED else (row.number, Actuals.model_validate_json(row.body))

    # --- the founder's note ------------------------------------------------------------

    def note(self, who: Identity, scenario_id: int) -> str:
        """The founder's note on a scenario (plain text, "" when none)."""
        with self.engine.connect() as conn:
            self._allow_scenario(conn, who, scenario_id, "viewer")
            return conn.execute(select(scenarios_table.c.note).where(scenarios_table.c.id == scenario_id)).scalar() or ""

    def set_note(self, who: Identity, scenario_id: int, note: str) -> None:
        """Replace the note (at most NOTE_LENGTH characters); links made from now on show it (a link keeps the note it
        was made with). Editors only."""
        note = str(note).strip()
        if len(note) > NOTE_LENGTH:
            raise StoreError(f"a note has at most {NOTE_LENGTH} characters", code="note_length")

        def work(conn: Connection) -> None:
            self._allow_scenario(conn, who, scenario_id, "editor")
            conn.execute(update(scenarios_table).where(scenarios_table.c.id == scenario_id).values(note=note))

        self._write(work)


    # --- unsaved work ----------------------------------------------------------------------

    def keep_draft(self, who: Identity, token: str, body: str) -> None:
        """Keep ``body`` (at most DRAFT_BYTES) as the unsaved work of the tab holding ``token``, for ``who`` only;
        drafts of ``who`` untouched for DRAFT_DAYS go."""
        if len(body.encode()) > DRAFT_BYTES:
            raise StoreError(f"unsaved work is kept up to {DRAFT_BYTES:,} bytes", code="draft_size")
        now, key = _now(), token_hash(token)

        def work(conn: Connection) -> None:
            owner = conn.execute(select(drafts_table.c.user).where(drafts_table.c.token_hash == key)).scalar()
            if owner is not None and owner != who.user:
                raise StoreError("no unsaved work with this token", code="not_found")
            conn.execute(delete(drafts_table).where(drafts_table.c.token_hash == key))
            conn.execute(delete(drafts_table).where(drafts_table.c.user == who.user,
                                                    drafts_table.c.saved_at < now - timedelta(days=DRAFT_DAYS)))
            conn.execute(insert(drafts_table).values(token_hash=key, user=who.user, body=body, saved_at=now))

        self._write(work)

    def kept_draft(self, who: Identity, token: str) -> KeptDraft | None:
        """The unsaved work kept under ``token`` if ``who`` kept it, else None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(drafts_table).where(drafts_table.c.token_hash == token_hash(token),
                                                          drafts_table.c.user == who.user)).first()
        return None if row is None else KeptDraft(token, row.body, _aware(row.saved_at))

    def other_drafts(self, who: Identity, token: str) -> list[tuple[str, datetime]]:
        """The keys (token hashes) and times of ``who``'s unsaved work in other tabs, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(drafts_table.c.token_hash, drafts_table.c.saved_at)
                                .where(drafts_table.c.user == who.user, drafts_table.c.token_hash != token_hash(token))
                                .order_by(drafts_table.c.saved_at.desc())).all()
        return [(r.token_hash, _aware(r.saved_at)) for r in rows]

    def take_draft(self, who: Identity, key: str) -> str | None:
        """The body of ``who``'s unsaved work with key (token hash) ``key``, removed from the store; None if gone."""
        def work(conn: Connection) -> str | None:
            where = (drafts_table.c.token_hash == key, drafts_table.c.user == who.user)
            body = conn.execute(select(drafts_table.c.body).where(*where)).scalar()
            conn.execute(delete(drafts_table).where(*where))
            return body

        return self._write(work)

    def drop_draft(self, who: Identity, token: str) -> None:
        """Forget the unsaved work kept under ``token`` (saved, or discarded)."""
        self._write(lambda conn: conn.execute(delete(drafts_table).where(drafts_table.c.token_hash == token_hash(token),
                                                                         drafts_table.c.user == who.user)))


def _link(row) -> ShareLink:
    """A link from its row joined with its revision's number."""
    return ShareLink(row.id, row.revision_id, row.lang, _aware(row.created_at), _aware(row.expires_at),
                     None if row.revoked_at is None else _aware(row.revoked_at), row.label, row.passcode_hash is not None,
                     bool(row.downloads), row.opens, None if row.last_opened_at is None else _aware(row.last_opened_at),
                     row.note, locked_at=None if row.locked_at is None else _aware(row.locked_at), number=row.number,
                     actuals_number=row.actuals_number, target=row.target)


SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def _passcode_hash(passcode: str) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${salt.hex()}${hashlib.scrypt(passcode.encode(), salt=salt, **SCRYPT).hex()}"


def _passcode_ok(passcode: str, stored: str) -> bool:
    _, salt, digest = stored.split("$")
    return secrets.compare_digest(hashlib.scrypt(passcode.encode(), salt=bytes.fromhex(salt), **SCRYPT).hex(), digest)


def _clean(name: str) -> str:
    name = " ".join(str(name).split())[:NAME_LENGTH].rstrip()
    if not name:
        raise StoreError("a scenario needs a name", code="name")
    return name
