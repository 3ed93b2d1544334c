"""The OKR method as pure functions and data (okr-method.md): kinds, periods, scoring, the
period's views, the cycle's states, reviews, the coach, renderings. No database, no UI."""
