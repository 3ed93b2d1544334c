"""Numbered schema migrations, frozen as released: never derived from okrtui/storage/model.py.

Each module `mNNN_*.py` has `VERSION`, `NAME` and `upgrade(conn)`, written in
dialect-neutral SQLAlchemy Core. A released migration is never edited: a change to
the model gets a new one, and tests/storage/test_migrations.py checks that a database built
by the migrations matches the model and that an upgraded one matches a new one.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection

from okrtui.storage.migrations import (
    m001_initial,
    m002_check_in_kr_date,
    m003_objective_activated_on,
    m004_signatures,
    m005_conversation,
    m006_one_check_in_a_day,
    m007_health_metrics,
    m008_decision_content,
    m009_owner_history,
    m010_measurement_summary_index,
)

Step = tuple[int, str, Callable[[Connection], None]]

MIGRATIONS: list[Step] = [(m.VERSION, m.NAME, m.upgrade) for m in (m001_initial, m002_check_in_kr_date,
                                                                m003_objective_activated_on, m004_signatures,
                                                                m005_conversation, m006_one_check_in_a_day,
                                                                m007_health_metrics, m008_decision_content,
                                                                m009_owner_history, m010_measurement_summary_index)]
LATEST = MIGRATIONS[-1][0]
