"""Records in and out: okrtui/1 documents, the team file, moving a database into PostgreSQL."""
