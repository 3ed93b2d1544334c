"""The storage layer: tables, migrations, engines and reads/writes of SQLite and PostgreSQL.

Nothing here is imported before the TUI's first frame except the standard-library read
(quickread), so this package's own __init__ imports nothing."""
