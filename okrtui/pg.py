"""A shared PostgreSQL database: roles, row-level security, and the one mapping of login to person.

The client is in the user's hands, so the database keeps each person to their own
records: every table has row-level security forced on, and the policies below hold
for plain SQL as much as for okrtui. `okrtui admin init` (as the database owner)
creates or migrates the schema and (re)writes these rules; `okrtui admin add-person`
makes a login role and its person. docs/postgres.md explains the model.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, Engine, make_url

from okrtui import schema
from okrtui.errors import OkrError
from okrtui.model import now_stamp

PERSON_ROLE = "okrtui_person"  # every person's login role is a member; privileges are granted to it
LOGIN_RE = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")

# Tables whose rows carry id and origin (everything but meta and schema_migration).
RECORD_TABLES = ("person", "team", "period", "objective", "key_result", "check_in", "dependency", "reflection")

# The one place a database login maps to a person id.
ME_SQL = "CREATE OR REPLACE FUNCTION okrtui_me() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'p-' || current_user $$"

# Whether a record id is hidden from the caller: a private objective someone else made, or a KR of one.
# SECURITY DEFINER so it can look past the caller's own row-level security.
HIDDEN_SQL = """
CREATE OR REPLACE FUNCTION okrtui_hidden(ref text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM objective o WHERE o.id = ref AND o.visibility = 'private'
                 AND o.origin <> okrtui_me())
      OR EXISTS (SELECT 1 FROM key_result k JOIN objective o ON o.id = k.objective_id
                 WHERE k.id = ref AND o.visibility = 'private' AND o.origin <> okrtui_me())
$$
"""

MINE = "origin = okrtui_me()"
# (table, who may read, who may insert, who may change or delete)
POLICIES: dict[str, tuple[str, str, str]] = {
    "person": ("true", "id = okrtui_me() AND origin = okrtui_me()", "id = okrtui_me() AND origin = okrtui_me()"),
    "team": ("true", MINE, MINE),
    "period": ("true", MINE, MINE),
    "objective": (f"visibility = 'shared' OR {MINE}", MINE, MINE),
    "key_result": ("objective_id IN (SELECT id FROM objective)", MINE, MINE),
    # A KR's owner records check-ins on it even when someone else made the KR.
    "check_in": ("kr_id IN (SELECT id FROM key_result)",
                 f"{MINE} AND EXISTS (SELECT 1 FROM key_result k WHERE k.id = kr_id "
                 "AND (k.origin = okrtui_me() OR k.owner_id = okrtui_me()))", MINE),
    "dependency": (f"{MINE} OR (NOT okrtui_hidden(from_id) AND NOT okrtui_hidden(to_id))", MINE, MINE),
    "reflection": (MINE, MINE, MINE),  # answers stay with their writer, as they never enter a team file
}


def postgres_url(target: str) -> URL:
    """postgresql://LOGIN@HOST/DB (libpq style, query parameters kept) with the psycopg 3 driver."""
    url = make_url(target)
    return url.set(drivername="postgresql+psycopg")


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgresql+psycopg://", "postgres://"))


def schema_version(conn: Connection) -> int | None:
    """The schema a shared database is at, read without any DDL (persons may not run it)."""
    exists = conn.execute(text("SELECT to_regclass('schema_migration') IS NOT NULL")).scalar_one()
    if not exists:
        return None
    return int(conn.execute(text("SELECT COALESCE(MAX(version), 0) FROM schema_migration")).scalar_one())


def me(conn: Connection) -> str:
    return str(conn.execute(text("SELECT okrtui_me()")).scalar_one())


def secure(conn: Connection, owner: str) -> list[str]:
    """(Re)write functions, grants and policies; idempotent. Returns what it did, for the DBA."""
    done = []
    quote = conn.dialect.identifier_preparer.quote
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": PERSON_ROLE}).first()
    if not exists:
        conn.execute(text(f"CREATE ROLE {PERSON_ROLE} NOLOGIN"))
        done.append(f"created role {PERSON_ROLE}")
    conn.execute(text(ME_SQL))
    conn.execute(text(HIDDEN_SQL))
    conn.execute(text("REVOKE ALL ON FUNCTION okrtui_hidden(text) FROM PUBLIC"))
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION okrtui_hidden(text), okrtui_me() TO {PERSON_ROLE}"))
    # No DDL for persons: no CREATE in the schema or the database.
    conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    db = conn.execute(text("SELECT current_database()")).scalar_one()
    conn.execute(text(f"REVOKE CREATE ON DATABASE {quote(db)} FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {PERSON_ROLE}"))
    conn.execute(text(f"GRANT SELECT ON schema_migration TO {PERSON_ROLE}"))
    conn.execute(text(f"REVOKE ALL ON meta FROM {PERSON_ROLE}"))
    for table, (read, insert, change) in POLICIES.items():
        columns = [r[0] for r in conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = :t AND table_schema = 'public'"),
            {"t": table})]
        # id and origin can never be changed: UPDATE is granted on every other column only.
        updatable = ", ".join(quote(c) for c in columns if c not in ("id", "origin"))
        conn.execute(text(f"REVOKE ALL ON {table} FROM {PERSON_ROLE}"))
        conn.execute(text(f"GRANT SELECT, INSERT, DELETE ON {table} TO {PERSON_ROLE}"))
        conn.execute(text(f"GRANT UPDATE ({updatable}) ON {table} TO {PERSON_ROLE}"))
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        conn.execute(text(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"))
        for name, sql in (
            ("read", f"FOR SELECT TO {PERSON_ROLE} USING ({read})"),
            ("insert", f"FOR INSERT TO {PERSON_ROLE} WITH CHECK ({insert})"),
            ("change", f"FOR UPDATE TO {PERSON_ROLE} USING ({change}) WITH CHECK ({change})"),
            ("delete", f"FOR DELETE TO {PERSON_ROLE} USING ({change})"),
            ("admin", f"FOR ALL TO {quote(owner)} USING (true) WITH CHECK (true)"),
        ):
            conn.execute(text(f"DROP POLICY IF EXISTS okrtui_{name} ON {table}"))
            conn.execute(text(f"CREATE POLICY okrtui_{name} ON {table} {sql}"))
    done.append(f"row-level security forced on {len(POLICIES)} tables, policies and grants for {PERSON_ROLE}")
    done.append(secure_conversation(conn, owner))
    return done


# The conversation's tables (okrtui.cycle): (table, read, insert, change, columns a person may update).
VISIBLE = ("({col} IN (SELECT id FROM objective) OR {col} IN (SELECT id FROM key_result) "
           "OR {col} IN (SELECT id FROM check_in))")
# Only the team's lead decides on an objective of a team that asks for approval; only whoever
# answers for a dependency's KR (or objective) decides on it. Subqueries run under the caller's
# own row-level security, so nothing hidden from them can be decided on or commented.
LEAD_DECIDES = ("subject_type = 'objective' AND verdict IN ('approved', 'changes_requested') AND EXISTS ("
                "SELECT 1 FROM objective o JOIN team t ON t.id = o.team_id WHERE o.id = subject_id "
                "AND o.status = 'in_review' AND t.approval AND COALESCE(t.lead_id, t.origin) = okrtui_me())")
OWNER_ANSWERS = ("subject_type = 'dependency' AND verdict IN ('agreed', 'declined') AND EXISTS ("
                 "SELECT 1 FROM dependency d LEFT JOIN key_result k ON k.id = d.to_id "
                 "LEFT JOIN objective o ON o.id = d.to_id WHERE d.id = subject_id "
                 "AND COALESCE(k.owner_id, k.origin, o.owner_id, o.origin) = okrtui_me())")
LEAD_READS = (f"{MINE} OR EXISTS (SELECT 1 FROM objective o JOIN team t ON t.id = o.team_id "
              "WHERE o.origin = reflection.origin AND COALESCE(t.lead_id, t.origin) = okrtui_me())")
CONVERSATION_POLICIES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    # A comment is its writer's (origin is the connected person) and never moves to another target.
    "comment": (f"{MINE} OR {VISIBLE.format(col='target_id')}",
                f"{MINE} AND {VISIBLE.format(col='target_id')}", MINE, ("body", "updated_at", "deleted")),
    "decision": (f"{MINE} OR subject_id IN (SELECT id FROM objective) OR subject_id IN (SELECT id FROM dependency)",
                 f"{MINE} AND (({LEAD_DECIDES}) OR ({OWNER_ANSWERS}))", MINE, ()),
    # What a person has read: theirs alone.
    "seen": ("person_id = okrtui_me()", "person_id = okrtui_me()", "person_id = okrtui_me()", ()),
}


def secure_conversation(conn: Connection, owner: str) -> str:
    """Grants and policies of the comment, decision and seen tables; idempotent (called by secure)."""
    quote = conn.dialect.identifier_preparer.quote
    for table, (read, insert, change, updatable) in CONVERSATION_POLICIES.items():
        conn.execute(text(f"REVOKE ALL ON {table} FROM {PERSON_ROLE}"))
        conn.execute(text(f"GRANT SELECT, INSERT, DELETE ON {table} TO {PERSON_ROLE}"))
        if updatable:
            conn.execute(text(f"GRANT UPDATE ({', '.join(quote(c) for c in updatable)}) ON {table} TO {PERSON_ROLE}"))
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        conn.execute(text(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"))
        for name, sql in (
            ("read", f"FOR SELECT TO {PERSON_ROLE} USING ({read})"),
            ("insert", f"FOR INSERT TO {PERSON_ROLE} WITH CHECK ({insert})"),
            ("change", f"FOR UPDATE TO {PERSON_ROLE} USING ({change}) WITH CHECK ({change})"),
            ("delete", f"FOR DELETE TO {PERSON_ROLE} USING ({change})"),
            ("admin", f"FOR ALL TO {quote(owner)} USING (true) WITH CHECK (true)"),
        ):
            conn.execute(text(f"DROP POLICY IF EXISTS okrtui_{name} ON {table}"))
            conn.execute(text(f"CREATE POLICY okrtui_{name} ON {table} {sql}"))
    # A person's quarter-end reflections: theirs, and readable by the lead of a team they have objectives in.
    conn.execute(text("DROP POLICY IF EXISTS okrtui_read ON reflection"))
    conn.execute(text(f"CREATE POLICY okrtui_read ON reflection FOR SELECT TO {PERSON_ROLE} USING ({LEAD_READS})"))
    return f"row-level security forced on {len(CONVERSATION_POLICIES)} conversation tables"


def add_person(engine: Engine, login: str, name: str, email: str) -> str:
    """A login role and the person p-LOGIN it maps to (run as the database owner)."""
    if not LOGIN_RE.match(login):
        raise OkrError(f"login {login[:50]!r}: use 1-41 of a-z 0-9 _ (starting with a letter or _)")
    identity = schema.check(schema.Identity, {"name": name, "email": email})
    pid = f"p-{login}"
    with engine.begin() as conn:
        role = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login}).first()
        if role is None:
            conn.execute(text(f"CREATE ROLE {conn.dialect.identifier_preparer.quote(login)} LOGIN"))
        # A member uses the person privileges but cannot SET ROLE to them (PostgreSQL 16).
        conn.execute(text(f"GRANT {PERSON_ROLE} TO {conn.dialect.identifier_preparer.quote(login)} "
                          "WITH INHERIT TRUE, SET FALSE"))
        stamp = now_stamp()
        conn.execute(text(
            "INSERT INTO person (id, origin, created_at, updated_at, deleted, name, email) "
            "VALUES (:id, :id, :t, :t, false, :name, :email) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, "
            "updated_at = excluded.updated_at, deleted = false"),
            {"id": pid, "t": stamp, "name": identity.name, "email": identity.email})
    return pid
