"""Record ids and timestamps: the ORM tables and the quick write path (quickwrite.py) make them alike."""

from __future__ import annotations

import datetime as dt
import uuid


def new_id() -> str:
    return str(uuid.uuid4())


def now_stamp() -> str:
    """UTC timestamp in one fixed-width format, so text order is time order."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
