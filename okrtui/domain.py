"""The method's vocabulary: kinds, levels, statuses, reflection questions. Pure constants."""

from __future__ import annotations

import re

ID_RE = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")

LEVELS = ("company", "team", "personal")
STATUSES = ("draft", "active", "closed", "archived")
VISIBILITIES = ("shared", "private")
KINDS = ("increase", "decrease", "range", "baseline", "milestone")
REFLECTION_QUESTIONS = {
    "contributed": "Which company or team OKR did you contribute most to, and how?",
    "helped": "Which team OKRs did you help develop?",
    "learned": "What did you learn this quarter that you will apply next quarter?",
}
