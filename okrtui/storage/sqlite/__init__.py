"""The SQLite backend: one person's file, opened through SQLAlchemy or read and written with sqlite3.

Imports nothing: the TUI picks its backend (and reads with quickread) before its first frame."""
