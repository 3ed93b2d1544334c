"""The PostgreSQL backend: a shared database, its roles, row-level security and live notices.

Imports nothing: the backend class is picked before the TUI's first frame; psycopg loads only on a
shared database."""
