"""The conversation's records (okrtui/method/conversation.py)."""

from okrtui.method.conversation import CommentView, Conversation, DecisionView

STAMP = "2026-11-26T10:00:00"


def _conversation() -> Conversation:
    return Conversation(comments=[CommentView("c1", "bo", "objective", "o1", None, "why?", STAMP, STAMP)],
                        decisions=[DecisionView("d1", "ann", "objective", "o1", "approved", "", "", STAMP)])


def test_lookup_caches_are_not_part_of_equality() -> None:
    # A report whose lookups have been asked equals one whose have not: the caches are not data.
    asked, fresh = _conversation(), _conversation()
    assert [d.id for d in asked.about("o1")] == ["d1"]
    assert [c.id for c in asked.on("o1")] == ["c1"]
    assert asked == fresh
    assert asked != Conversation()
