"""The OKR cycle's services over storage: check-ins, edits, the conversation (submit, approve,
comment, agree), the period read through the ORM, the demo."""
