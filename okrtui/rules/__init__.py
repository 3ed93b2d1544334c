"""What a record must be to be accepted: the schema, field and check-in rules, form checks. Pure: no database, no UI."""
