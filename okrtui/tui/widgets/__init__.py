"""Reusable pieces of the TUI. Each renders untrusted text as Rich `Text`, never as markup."""
