"""The shared database's rules: grants, row-level security policies, and the admin's checks.

Everything here holds for plain SQL as a person's role (docs/postgres.md, "What row-level
security guarantees"). `secure()` is rerun by every `okrtui admin init`: it computes the column
grants from the tables as they are then, so a column a later migration adds is covered too.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from okrtui.core.errors import OkrError, one_line
from okrtui.storage.postgres import pglive, pglogin, pgrules

PERSON_ROLE = "okrtui_person"  # every person's login role is a member; privileges are granted to it

# Tables whose rows carry id and origin (everything but meta and schema_migration).
RECORD_TABLES = ("person", "team", "period", "objective", "key_result", "check_in", "dependency", "reflection",
                 "metric", "measurement")

# The one place a database login maps to a person id: okrtui_me(), which every policy calls and
# the client asks: the login's row in okrtui_login (okrtui.storage.postgres.pglogin, written by `admin add-person`,
# `--adopt ID` included), else p-LOGIN. Its search_path is pinned, so no caller's path changes what
# its names mean.
ME_SQL = ("CREATE OR REPLACE FUNCTION {s}.okrtui_me() RETURNS text LANGUAGE sql STABLE "
          "SET search_path = pg_catalog, {s}, pg_temp AS $$ "
          "SELECT COALESCE((SELECT m.person_id FROM {s}.okrtui_login m WHERE m.login = current_user), "
          "'p-' || current_user) $$")


def ident(name: str) -> str:
    """A name as a quoted SQL identifier, whatever its dots, capitals and dashes."""
    return '"' + name.replace('"', '""') + '"'



# Never changed by anyone once written: a record's identity, maker and birth, and what a record
# belongs to or was made by. Every other column (a later migration's too) is its maker's data.
IMMUTABLE = frozenset({"id", "origin", "created_at"})
OWNERSHIP: dict[str, frozenset[str]] = {
    "check_in": frozenset({"kr_id", "author_id"}),
    "reflection": frozenset({"person_id"}),
    "dependency": frozenset(pgrules.END_TYPE_COLUMNS),  # set by the database (okrtui.storage.postgres.pgrules)
    "measurement": frozenset({"metric_id", "author_id"}),
}
# A column named like an ownership column in any table: the maker or author, the signer, the
# person a record is about. Names a later migration may add (signed_by, author_key, ...).
OWNERSHIP_NAME = re.compile(r"^(origin|author|maker|signer|creator)(_|$)|_by$|^created_")

# Periods are shared by everyone: no person changes one once made. A quarter a person adds must
# be a real quarter of the company's fiscal year: three whole months from the first of a month,
# labelled by the year its fiscal year starts in, and starting its fiscal year in the same month
# as every quarter already there (so the first one made cannot skew everyone's quarters).
QUARTER_ID = "'^[0-9]{4}-Q[1-4]$'"


def _fiscal_start(alias: str = "") -> str:
    """The first day of the fiscal year a quarter row implies (its start less n-1 quarters).
    ascii() rather than a cast: never an error on a custom period's id."""
    return f"({alias}start - make_interval(months => 3 * (ascii(substr({alias}id, 7, 1)) - 49)))"


def quarter_rule(schema: str) -> str:
    return (f"\"end\" >= start AND CASE WHEN id ~ {QUARTER_ID} THEN "
            f"EXTRACT(DAY FROM start) = 1 AND \"end\" = (start + interval '3 months' - interval '1 day')::date "
            f"AND EXTRACT(YEAR FROM {_fiscal_start()}) = substr(id, 1, 4)::int "
            f"AND EXTRACT(MONTH FROM {_fiscal_start()}) = ALL (SELECT EXTRACT(MONTH FROM {_fiscal_start('p.')}) "
            f"FROM {schema}.period p WHERE p.id ~ {QUARTER_ID}) ELSE true END")


def policies(schema: str) -> dict[str, dict[str, str]]:
    """Per table, per command, the policy's condition ('' for no such right at all)."""
    s = schema
    # A scalar subquery, not the call: PostgreSQL runs it once per statement (an InitPlan), where the
    # bare call (a function with its own search_path is never inlined) ran for every row it checked,
    # three or four times a row: half of a 130,000-check-in import's time (docs/performance.md).
    me = f"(SELECT {s}.okrtui_me())"
    mine = f"origin = {me}"
    # okr-method.md "answers for": a KR's named owner, else its maker. Only they check in on it.
    answers_for = (f"EXISTS (SELECT 1 FROM {s}.key_result k WHERE k.id = kr_id AND "
                   f"(k.owner_id = {me} OR (k.owner_id IS NULL AND k.origin = {me})))")
    # A KR goes only into an objective its maker made.
    own_objective = f"EXISTS (SELECT 1 FROM {s}.objective o WHERE o.id = objective_id AND o.origin = {me})"
    # Each end in the table its stored type names: an id reused in another table shows nothing.
    both_ends = f"{pgrules.typed('from_id', 'okrtui_from_type', s)} AND {pgrules.typed('to_id', 'okrtui_to_type', s)}"
    # A health metric is measured by who answers for it, as a KR is checked in on (okrtui.method.health).
    measures = (f"EXISTS (SELECT 1 FROM {s}.metric m WHERE m.id = metric_id AND "
                f"(m.owner_id = {me} OR (m.owner_id IS NULL AND m.origin = {me})))")
    me_person = f"id = {me} AND {mine}"
    # docs/method.md "No future dates": the server's today, a day's slack for a session's time zone.
    not_ahead = "date <= CURRENT_DATE + 1"
    return {
        "person": {"select": "true", "insert": me_person, "update": me_person},
        "team": {"select": "true", "insert": mine, "update": mine},
        "period": {"select": "true", "insert": f"{mine} AND {quarter_rule(s)}", "update": ""},
        "objective": {"select": f"visibility = 'shared' OR {mine}", "insert": mine, "update": mine},
        "key_result": {"select": f"objective_id IN (SELECT id FROM {s}.objective)",
                       "insert": f"{mine} AND {own_objective}", "update": f"{mine} AND {own_objective}"},
        "check_in": {"select": f"kr_id IN (SELECT id FROM {s}.key_result)",
                     "insert": f"{mine} AND (author_id IS NULL OR author_id = {me}) AND {answers_for} AND {not_ahead}",
                     # Only while they still answer for the KR: a check-in is not rewritten after a handover.
                     "update": f"{mine} AND {answers_for} AND {not_ahead}"},
        "dependency": {"select": f"{mine} OR ({both_ends})", "insert": f"{mine} AND {both_ends}",
                       "update": f"{mine} AND {both_ends}"},
        # Quarter-end answers: their writer's, and readable by the lead of a team the writer has objectives in.
        "reflection": {"select": f"{mine} OR EXISTS (SELECT 1 FROM {s}.objective o JOIN {s}.team t ON t.id = o.team_id "
                                 f"WHERE o.origin = reflection.origin AND COALESCE(t.lead_id, t.origin) = {me})",
                       "insert": f"{mine} AND person_id = {me}", "update": f"{mine} AND person_id = {me}"},
        # The team sees shared metrics, as shared objectives; the owner measures.
        "metric": {"select": f"visibility = 'shared' OR {mine}", "insert": mine, "update": mine},
        "measurement": {"select": f"metric_id IN (SELECT id FROM {s}.metric)",
                        "insert": f"{mine} AND {not_ahead} AND (author_id IS NULL OR author_id = {me}) AND {measures}",
                        "update": f"{mine} AND {not_ahead} AND {measures}"},
    }


def immutable(table: str, column: str) -> bool:
    return column in IMMUTABLE or column in OWNERSHIP.get(table, frozenset()) or bool(OWNERSHIP_NAME.search(column))


def _columns(conn: Connection, schema: str, table: str) -> list[str]:
    return [r[0] for r in conn.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = :s AND table_name = :t "
        "ORDER BY ordinal_position"), {"s": schema, "t": table})]


def secure(conn: Connection, owner: str) -> list[str]:
    """(Re)write the function, grants and policies of every record table; idempotent."""
    schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
    s = ident(schema)
    # Names below resolve in pg_catalog first and never in a temporary schema.
    saved = conn.execute(text("SELECT current_setting('search_path')")).scalar_one()
    conn.execute(text("SELECT pg_catalog.set_config('search_path', :p, true)"), {"p": f"pg_catalog, {s}, pg_temp"})
    done = []
    if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": PERSON_ROLE}).first() is None:
        conn.execute(text(f"CREATE ROLE {PERSON_ROLE} NOLOGIN"))
        done.append(f"created role {PERSON_ROLE}")
    pgrules.end_type_columns(conn, s)  # before the policies that read them, and the grants that skip them
    table_policies = policies(s)
    for table in (*table_policies, *CONVERSATION_POLICIES):  # old policies first: the function they used goes next
        for (name,) in conn.execute(text(
                "SELECT policyname FROM pg_policies WHERE schemaname = :s AND tablename = :t "
                "AND policyname LIKE 'okrtui\\_%'"), {"s": schema, "t": table}).all():
            conn.execute(text(f"DROP POLICY {ident(name)} ON {s}.{table}"))
    # An earlier release's okrtui_hidden() looked past row-level security for anyone who called it.
    conn.execute(text(f"DROP FUNCTION IF EXISTS {s}.okrtui_hidden(text)"))
    pglogin.login_table(conn, PERSON_ROLE, s)  # okrtui_me() reads it
    conn.execute(text(ME_SQL.format(s=s)))
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION {s}.okrtui_me() TO {PERSON_ROLE}"))
    db = ident(str(conn.execute(text("SELECT current_database()")).scalar_one()))
    # No DDL and no temporary objects for persons: nothing of theirs can shadow or wrap a table.
    conn.execute(text(f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC, {PERSON_ROLE}"))
    conn.execute(text(f"REVOKE CREATE, TEMPORARY ON DATABASE {db} FROM PUBLIC, {PERSON_ROLE}"))
    conn.execute(text(f"GRANT CONNECT ON DATABASE {db} TO {PERSON_ROLE}"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA {s} TO {PERSON_ROLE}"))
    for (login,) in conn.execute(text(
            "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
            "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = :g AND NOT m.admin_option "
            "AND r.rolname <> current_user"), {"g": PERSON_ROLE}).all():  # persons, not the DBA who manages them
        revoke_temp(conn, login)
    conn.execute(text(f"REVOKE ALL ON {s}.schema_migration FROM PUBLIC, {PERSON_ROLE}"))
    conn.execute(text(f"GRANT SELECT ON {s}.schema_migration TO {PERSON_ROLE}"))
    conn.execute(text(f"REVOKE ALL ON {s}.meta FROM PUBLIC, {PERSON_ROLE}"))
    for table, rules in table_policies.items():
        t = f"{s}.{table}"
        # Column grants, computed from the table as it is now: every column but the immutable ones.
        # No DELETE (a deletion is a tombstone, `deleted`) and no table-wide UPDATE: without them a
        # person cannot LOCK a table against everyone else, nor TRUNCATE it.
        updatable = [c for c in _columns(conn, schema, table) if not immutable(table, c)]
        made = [("read", f"FOR SELECT TO {PERSON_ROLE} USING ({rules['select']})"),
                ("insert", f"FOR INSERT TO {PERSON_ROLE} WITH CHECK ({rules['insert']})")]
        if rules["update"]:
            made.append(("change", f"FOR UPDATE TO {PERSON_ROLE} USING (origin = (SELECT {s}.okrtui_me())) "
                                   f"WITH CHECK ({rules['update']})"))
        _protect(conn, t, owner, updatable if rules["update"] else [], made)
    done.append(secure_conversation(conn, owner, s))
    done += pgrules.install(conn, s, PERSON_ROLE)
    done += pglive.live_notices(conn, RECORD_TABLES + CONVERSATION_TABLES, s)
    conn.execute(text("SELECT pg_catalog.set_config('search_path', :p, true)"), {"p": saved})
    done.append(f"row-level security forced on {len(table_policies)} tables, policies and grants for {PERSON_ROLE}")
    return done


# The conversation's tables (okrtui.method.cycle): (table, read, insert, change, columns a person may update).
# What a comment is on: the record of its stored type (an id reused in another table shows nothing).
VISIBLE = ("(({kind} = 'objective' AND {col} IN (SELECT id FROM objective)) "
           "OR ({kind} = 'key_result' AND {col} IN (SELECT id FROM key_result)) "
           "OR ({kind} = 'check_in' AND {col} IN (SELECT id FROM check_in)))")
# Only the team's lead decides on an objective of a team that asks for approval; only whoever
# answers for a dependency's KR (or objective) decides on it. Subqueries run under the caller's
# own row-level security, so nothing hidden from them can be decided on or commented.
LEAD_DECIDES = ("subject_type = 'objective' AND verdict IN ('approved', 'changes_requested') AND EXISTS ("
                "SELECT 1 FROM objective o JOIN team t ON t.id = o.team_id WHERE o.id = subject_id "
                "AND o.status = 'in_review' AND t.approval AND COALESCE(t.lead_id, t.origin) = okrtui_me())")
OWNER_ANSWERS = ("subject_type = 'dependency' AND verdict IN ('agreed', 'declined') AND EXISTS ("
                 "SELECT 1 FROM dependency d "  # its end in the table its stored type names
                 "LEFT JOIN key_result k ON k.id = d.to_id AND d.okrtui_to_type = 'key_result' "
                 "LEFT JOIN objective o ON o.id = d.to_id AND d.okrtui_to_type = 'objective' WHERE d.id = subject_id "
                 "AND COALESCE(k.owner_id, k.origin, o.owner_id, o.origin) = okrtui_me())")
CONVERSATION_POLICIES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    # A comment is its writer's (origin is the connected person) and never moves to another target.
    "comment": (f"origin = okrtui_me() OR {VISIBLE.format(col='target_id', kind='target_type')}",
                f"origin = okrtui_me() AND {VISIBLE.format(col='target_id', kind='target_type')}",
                "origin = okrtui_me()",
                ("body", "updated_at", "deleted")),
    "decision": ("origin = okrtui_me() OR (subject_type = 'objective' AND subject_id IN (SELECT id FROM objective)) "
                 "OR (subject_type = 'dependency' AND subject_id IN (SELECT id FROM dependency))",
                 f"origin = okrtui_me() AND (({LEAD_DECIDES}) OR ({OWNER_ANSWERS}))", "origin = okrtui_me()", ()),
    # What a person has read: theirs alone.
    "seen": ("person_id = okrtui_me()", "person_id = okrtui_me()", "person_id = okrtui_me()", ()),
}


CONVERSATION_TABLES = tuple(CONVERSATION_POLICIES)


def secure_conversation(conn: Connection, owner: str, s: str) -> str:
    """Grants and policies of the comment, decision and seen tables; idempotent (called by secure).
    As on the record tables: no DELETE (a comment is deleted by its tombstone), column grants only."""
    for table, (read, insert, change, updatable) in CONVERSATION_POLICIES.items():
        read, insert, change = (rule.replace("okrtui_me()", f"(SELECT {s}.okrtui_me())") for rule in (read, insert, change))
        _protect(conn, f"{s}.{table}", owner, list(updatable), [
            ("read", f"FOR SELECT TO {PERSON_ROLE} USING ({read})"),
            ("insert", f"FOR INSERT TO {PERSON_ROLE} WITH CHECK ({insert})"),
            ("change", f"FOR UPDATE TO {PERSON_ROLE} USING ({change}) WITH CHECK ({change})")])
    return f"row-level security forced on {len(CONVERSATION_POLICIES)} conversation tables"


def _protect(conn: Connection, t: str, owner: str, updatable: list[str], made: list[tuple[str, str]]) -> None:
    """A table persons only read and insert into, but for the columns they may update; row-level
    security forced on; its policies, the owner's own included (old ones were dropped before)."""
    conn.execute(text(f"REVOKE ALL ON {t} FROM PUBLIC, {PERSON_ROLE}"))
    conn.execute(text(f"GRANT SELECT, INSERT ON {t} TO {PERSON_ROLE}"))
    if updatable:
        conn.execute(text(f"GRANT UPDATE ({', '.join(ident(c) for c in updatable)}) ON {t} TO {PERSON_ROLE}"))
    conn.execute(text(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"))
    conn.execute(text(f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY"))
    for name, sql in [*made, ("admin", f"FOR ALL TO {ident(owner)} USING (true) WITH CHECK (true)")]:
        conn.execute(text(f"CREATE POLICY okrtui_{name} ON {t} {sql}"))


def revoke_temp(conn: Connection, login: str) -> None:
    """A person's own login gets no temporary tables (no pg_temp to shadow a table with) and no DDL."""
    db = ident(str(conn.execute(text("SELECT current_database()")).scalar_one()))
    conn.execute(text(f"REVOKE CREATE, TEMPORARY ON DATABASE {db} FROM {ident(login)}"))


# --- the admin's checks, before anything is written ----------------------------------------------

def init_problems(conn: Connection) -> list[str]:
    """What keeps the connected role from running `admin init`, each with who must run what."""
    row = conn.execute(text(
        "SELECT current_user, pg_catalog.pg_get_userbyid(d.datdba), r.rolcreaterole OR r.rolsuper, "
        "EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :p), "
        "has_schema_privilege(current_schema(), 'CREATE'), current_schema(), current_database() "
        "FROM pg_catalog.pg_database d, pg_catalog.pg_roles r "
        "WHERE d.datname = current_database() AND r.rolname = current_user"), {"p": PERSON_ROLE}).one()
    user, owner, createrole, person_role, can_create, schema, db = row
    if user != owner:
        return [f"you are {user}, not the database's owner {owner}: run `okrtui admin init` as {owner}"
                f" (or, as a superuser, `ALTER DATABASE {ident(db)} OWNER TO {ident(user)}` first)"]
    problems = []
    if not createrole and not person_role:
        # Without CREATEROLE the owner still adds persons, once a superuser has made each login role.
        problems.append(f"{user} may not create roles and the role {PERSON_ROLE} does not exist: a superuser "
                        f"runs `ALTER ROLE {ident(user)} CREATEROLE`, or, to keep {user} without it, "
                        f"`CREATE ROLE {PERSON_ROLE} NOLOGIN` and `GRANT {PERSON_ROLE} TO {ident(user)} "
                        f"WITH ADMIN TRUE, INHERIT FALSE, SET FALSE` and then each person's "
                        f"`CREATE ROLE LOGIN_NAME LOGIN` before `okrtui admin add-person`")
    if not can_create:
        problems.append(f"{user} may not create tables in the schema {schema}: its owner runs "
                        f"`GRANT CREATE ON SCHEMA {ident(schema)} TO {ident(user)}`")
    if person_role and not conn.execute(text(
            "SELECT pg_catalog.pg_has_role(current_user, :p, 'MEMBER WITH ADMIN OPTION')"), {"p": PERSON_ROLE}).scalar():
        problems.append(f"{user} cannot add persons to the role {PERSON_ROLE}: a superuser runs `GRANT {PERSON_ROLE} "
                        f"TO {ident(user)} WITH ADMIN TRUE, INHERIT FALSE, SET FALSE`")
    others = conn.execute(text(
        "SELECT tablename, tableowner FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
        "AND tablename = ANY(:t) AND tableowner <> current_user ORDER BY tablename"),
        {"t": ["schema_migration", "meta", *policies("x")]}).all()
    for table, table_owner in others:
        problems.append(f"table {table} belongs to {table_owner}: a superuser runs "
                        f"`ALTER TABLE {table} OWNER TO {ident(user)}`")
    return problems


def check_init(conn: Connection) -> None:
    problems = init_problems(conn)
    if problems:
        raise OkrError("admin init changed nothing: " + "; ".join(problems))


RESERVED = frozenset({"public", "none", "current_user", "session_user", "current_role", "all"})


def check_owner(conn: Connection, command: str) -> None:
    user, owner = conn.execute(text(
        "SELECT current_user, pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database "
        "WHERE datname = current_database()")).one()
    if user != owner:
        raise OkrError(f"okrtui admin {command} changed nothing: you are {user}, not the database's owner {owner}: "
                       f"run it as {owner}")


# Built-in roles that read or write every table, or run programs and files as the server's user.
SERVER_ROLES = ("pg_execute_server_program", "pg_read_server_files", "pg_write_server_files",
                "pg_read_all_data", "pg_write_all_data")


def check_person_role(conn: Connection, login: str) -> None:
    """Refuse a role that would undo the security: a superuser, a role that bypasses row-level
    security, creates roles or databases, the database's owner, a member of the server's file,
    program or all-data roles, or a member of any of these; a role that owns anything; a role
    that another login is a member of (docs/postgres.md, "What add-person refuses")."""
    if login.lower() in RESERVED or login.lower().startswith("pg_"):
        raise OkrError(f"{login} is a name PostgreSQL keeps for itself: pick the person's own login")
    if login == PERSON_ROLE:
        raise OkrError(f"{PERSON_ROLE} is the group every person belongs to, not a person: pick the person's login")
    exists = conn.execute(text("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :r"), {"r": login}).first()
    if exists is None:
        return
    rows = conn.execute(text(
        "SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.oid = d.datdba, r.rolcreaterole, r.rolcreatedb "
        "FROM pg_catalog.pg_roles r, pg_catalog.pg_database d WHERE d.datname = current_database() "
        "AND pg_catalog.pg_has_role(:login, r.oid, 'MEMBER') "
        "AND (r.rolsuper OR r.rolbypassrls OR r.oid = d.datdba OR r.rolcreaterole OR r.rolcreatedb "
        "OR r.rolname = ANY(:server)) ORDER BY r.rolname <> :login, r.rolname"),
        {"login": login, "server": list(SERVER_ROLES)}).all()
    for name, superuser, bypass, owner, createrole, _createdb in rows:
        if name in SERVER_ROLES:
            raise OkrError(f"{login} cannot be a person: it is a member of {name}, which reads, writes or runs "
                           "what the server's own user can; add the person's own ordinary login instead")
        what = ("a superuser" if superuser else "allowed to bypass row-level security" if bypass
                else "the database's owner" if owner else "allowed to create roles (CREATEROLE)" if createrole
                else "allowed to create databases (CREATEDB)")
        via = "" if name == login else f" through its membership in {name}"
        raise OkrError(f"{login} cannot be a person: it is {what}{via}, and could see and change everyone's "
                       "records; add the person's own ordinary login instead")
    owned = conn.execute(text(
        "SELECT count(*) FROM pg_catalog.pg_shdepend s JOIN pg_catalog.pg_roles r ON r.oid = s.refobjid "
        "WHERE r.rolname = :login AND s.deptype = 'o'"), {"login": login}).scalar_one()
    if owned:
        raise OkrError(f"{login} cannot be a person: it owns {owned} database object(s), and an owner is past "
                       f"row-level security on them; a superuser runs `REASSIGN OWNED BY {ident(login)} TO ...` "
                       "first, or add the person's own new login")
    member = conn.execute(text(
        "SELECT r.rolname FROM pg_catalog.pg_roles r, pg_catalog.pg_roles l WHERE l.rolname = :login "
        "AND r.rolcanlogin AND NOT r.rolsuper AND r.oid <> l.oid AND r.rolname <> current_user "
        "AND (pg_catalog.pg_has_role(r.oid, l.oid, 'USAGE') OR pg_catalog.pg_has_role(r.oid, l.oid, 'SET')) "
        "ORDER BY r.rolname LIMIT 1"), {"login": login}).scalar()  # the ADMIN option alone acts as no one
    if member is not None:
        raise OkrError(f"{login} cannot be a person: the login {member} is a member of it and could act as them; "
                       f"a superuser runs `REVOKE {ident(login)} FROM {ident(member)}` first")
    # A member of another person's login could act as them (SET ROLE): one login, one person.
    other = conn.execute(text(
        "SELECT r.rolname FROM pg_catalog.pg_roles r JOIN pg_catalog.pg_auth_members m ON m.member = r.oid "
        "JOIN pg_catalog.pg_roles g ON g.oid = m.roleid AND g.rolname = :group AND NOT m.admin_option "
        "WHERE r.rolname <> :login AND pg_catalog.pg_has_role(:login, r.oid, 'MEMBER') ORDER BY r.rolname LIMIT 1"),
        {"group": PERSON_ROLE, "login": login}).scalar()
    if other is not None:
        raise OkrError(f"{login} cannot be a person: it is a member of {other}'s login and could act as them; "
                       f"a superuser runs `REVOKE {ident(other)} FROM {ident(login)}` first")


def check_may_create_role(conn: Connection, login: str) -> None:
    """An owner without CREATEROLE (admin init's other way) adds logins a superuser made first."""
    if not conn.execute(text("SELECT rolcreaterole OR rolsuper FROM pg_catalog.pg_roles "
                             "WHERE rolname = current_user")).scalar():
        user = conn.execute(text("SELECT current_user")).scalar_one()
        raise OkrError(f"okrtui admin add-person changed nothing: the login {login} does not exist and {user} "
                       "may not create roles: a superuser runs "
                       f"`CREATE ROLE {ident(login)} LOGIN` (or `ALTER ROLE {ident(user)} CREATEROLE`), then "
                       "rerun this add-person")


def can_login(engine: Engine, login: str) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = :r"),
                                 {"r": login}).scalar())


# --- errors a person can act on --------------------------------------------------------------------

# What a refused row means, by table: the rule it broke, in the reader's terms.
RLS_FIXES = {
    "": "a person adds and changes only their own records",
    "check_in": "a person checks in only on KRs they answer for (their owner, else their maker), as themselves",
    "key_result": "a person adds KRs only to objectives they made",
    "measurement": "a person measures only the health metrics they answer for (their owner, else their maker)",
    "period": ("a quarter must match the company's fiscal year (the quarters already there): set "
               "fiscal_year_start_month in config.toml to match; periods are the database owner's to change"),
    "dependency": "a person links only records they can see",
    "person": "the database's owner adds people (`okrtui admin add-person`)",
}


def explain(orig: Any) -> str:
    """A psycopg error as one line: PostgreSQL's own sentence (no SQL, no detail that could
    name a hidden row, no password), then what to do about it."""
    diag = getattr(orig, "diag", None)
    primary = one_line(getattr(diag, "message_primary", None) or str(orig))
    state = getattr(orig, "sqlstate", None) or ""
    lowered = primary.lower()
    if "permission denied to" in lowered and "role" in lowered:
        fix = (f"run it as the database's owner, with CREATEROLE and the ADMIN option on {PERSON_ROLE} "
               f"(`okrtui admin init` says what is missing)")
    elif "row-level security" in lowered:
        table = re.search(r'table "([^"]+)"', primary)
        fix = RLS_FIXES.get(table.group(1) if table else "", RLS_FIXES[""])
    elif state == "42501" or "permission denied" in lowered:
        fix = ("not a person's right: periods, other people, deletions (okrtui keeps tombstones) and the schema "
               "are the database owner's; if okrtui itself needs it, the owner reruns `okrtui admin init`")
    elif "role" in lowered and "does not exist" in lowered:
        login = re.search(r'role "([^"]+)"', primary)
        fix = (f"the database's owner runs `okrtui admin add-person {login.group(1) if login else 'LOGIN'} "
               "--name NAME`")
    elif "password" in lowered:
        fix = "give the password through ~/.pgpass, PGPASSWORD or a service file, never in the URL"
    elif state == "3D000" or ("database" in lowered and "does not exist" in lowered):
        fix = "check the URL's database name; the DBA creates it with `createdb`, then runs `okrtui admin init`"
    elif "connection" in lowered or "could not connect" in lowered or state.startswith("08"):
        fix = "check the URL's host and port, and that the server is running"
    elif state == "23503":
        fix = "it refers to a record that does not exist"
    elif state == "23505":
        fix = "a record with that id exists already: give yours another id"
    elif "0x00" in lowered and (state == "22021" or "nul" in lowered):  # the server's words, or psycopg's
        fix = ("a text holds the character U+0000 (NUL), which PostgreSQL cannot store, though SQLite can: "
               "remove it, then try again")
    elif state == "25006":  # default_transaction_read_only: `okrtui --read-only`, `okrtui serve`
        fix = "the database is open read-only: nothing is saved"
    elif state == "40P01" or state == "55P03" or "lock" in lowered:
        fix = "someone else is writing the same rows: try again"
    else:
        return primary
    return f"{primary} ({fix})"


def is_postgres_error(orig: Any) -> bool:
    return type(orig).__module__.split(".")[0] in ("psycopg", "psycopg2")


def describe(err: BaseException) -> str:
    """Any error as one line: a database's refusal as PostgreSQL's sentence and its fix."""
    orig = getattr(err, "orig", None)
    if is_postgres_error(orig):
        return explain(orig)
    return one_line(f"unexpected {type(err).__name__}: {err}")
