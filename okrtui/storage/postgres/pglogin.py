"""Which person a database login is, on a shared PostgreSQL database (docs/postgres.md).

`admin add-person LOGIN` maps the login to p-LOGIN, or with `--adopt ID` to an existing id (the one a
SQLite database made, so a moved-in export keeps its records' ids). The map is the table okrtui_login,
which okrtui_me() reads: persons may read it, only the owner writes it. Not a record table: it never
enters a document or a team file.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from okrtui.core.errors import OkrError
from okrtui.core.text import count

LOGIN_TABLE_SQL = ("CREATE TABLE IF NOT EXISTS {s}.okrtui_login ("
                   "login text PRIMARY KEY, person_id text NOT NULL UNIQUE)")


def login_table(conn: Connection, person_role: str, schema: str = "public") -> None:
    """The map, made by `admin init` (idempotent) in `schema` (a quoted identifier): named in full,
    whatever the search_path."""
    conn.execute(text(LOGIN_TABLE_SQL.format(s=schema)))
    conn.execute(text(f"REVOKE ALL ON {schema}.okrtui_login FROM PUBLIC, {person_role}"))
    conn.execute(text(f"GRANT SELECT ON {schema}.okrtui_login TO {person_role}"))


def map_login(conn: Connection, login: str, pid: str, record_tables: tuple[str, ...]) -> None:
    """Make `login` the person `pid` (run as the owner). Refuses to give one person two logins, and
    to move a login whose current person already made records (they would be orphaned)."""
    if not conn.execute(text("SELECT to_regclass('okrtui_login') IS NOT NULL")).scalar_one():
        raise OkrError("this database was set up by an older okrtui: run `okrtui admin init --db URL` "
                       "as its owner first, then add the person")
    other = conn.execute(text("SELECT login FROM okrtui_login WHERE person_id = :p AND login <> :l"),
                         {"p": pid, "l": login}).scalar()
    if other is not None:
        raise OkrError(f"{pid} is already the person of login {other!r}; one person has one login")
    current = conn.execute(text("SELECT person_id FROM okrtui_login WHERE login = :l"), {"l": login}).scalar()
    current = current or f"p-{login}"
    if current != pid:
        made = sum(int(conn.execute(text(f"SELECT count(*) FROM {table} WHERE origin = :p"), {"p": current})
                       .scalar_one()) for table in record_tables if table != "person")
        if made:
            raise OkrError(f"login {login!r} is already the person {current}, who made {count(made, 'record')}; "
                           f"it cannot become {pid}")
        # The person an earlier add-person made for it, if no record names them, goes (a tombstone):
        # no second "Alice" among the people to pick from.
        conn.execute(text(
            "UPDATE person SET deleted = true WHERE id = :p AND origin = :p "
            "AND NOT EXISTS (SELECT 1 FROM objective WHERE owner_id = :p) "
            "AND NOT EXISTS (SELECT 1 FROM key_result WHERE owner_id = :p) "
            "AND NOT EXISTS (SELECT 1 FROM check_in WHERE author_id = :p)"), {"p": current})
    conn.execute(text("INSERT INTO okrtui_login (login, person_id) VALUES (:l, :p) "
                      "ON CONFLICT (login) DO UPDATE SET person_id = excluded.person_id"), {"l": login, "p": pid})
