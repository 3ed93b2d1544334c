"""Who answered for a KR on a day (okrtui.method.owners): the one rule behind which check-ins count."""

import datetime as dt

from okrtui.core import signing
from okrtui.exchange import teamformat
from okrtui.method import owners

HISTORY = (("2026-10-01", "p-ben"), ("2026-11-15", "p-dana"), ("2026-11-20", None), ("2026-11-20", "p-dana"))


def test_the_answerer_of_a_day_is_the_latest_change_up_to_it():
    assert owners.answerer((), "p-ben", "p-ana", "2026-11-01") == "p-ben"  # no history: the owner since the start
    assert owners.answerer((), None, "p-ana", "2026-11-01") == "p-ana"  # no owner: the maker
    assert owners.answerer(HISTORY, "p-dana", "p-ana", "2026-09-01") == "p-ben"  # before the first: the first
    assert owners.answerer(HISTORY, "p-dana", "p-ana", "2026-11-14") == "p-ben"
    assert owners.answerer(HISTORY, "p-dana", "p-ana", "2026-11-15") == "p-dana"  # from the change's day
    assert owners.answerer(HISTORY, "p-dana", "p-ana", "2026-11-20") == "p-dana"  # two changes a day: the later


def test_a_change_of_owner_is_appended_in_order_and_no_change_adds_nothing():
    first = owners.handed((), "p-ben", "p-dana", dt.date(2026, 11, 15), "2026-10-01T09:00:00.000000Z")
    assert first == (("2026-10-01", "p-ben"), ("2026-11-15", "p-dana"))
    assert owners.handed(first, "p-dana", "p-dana", dt.date(2026, 11, 16), "x") == first
    assert owners.handed(first, "p-dana", None, dt.date(2026, 11, 1), "x")[-1] == ("2026-11-15", None)  # never back
    made_later = owners.handed((), None, "p-ben", dt.date(2026, 11, 15), "2026-11-20T00:00:00.000000Z")
    assert made_later[0] == ("2026-11-15", None)  # a KR stamped by a clock ahead of the day given


def test_stored_text_round_trips_and_text_edited_into_nonsense_reads_as_no_history():
    assert owners.parse(owners.dump(HISTORY)) == HISTORY and owners.dump(()) is None
    for bad in ("{", "[1]", '[{"owner": "p-x"}]', "null", '"x"'):
        assert owners.parse(bad) == ()


def test_a_team_file_line_from_before_histories_still_verifies():
    """The field is carried only when a KR has one: a line signed before it keeps its content."""
    key = signing.generate()
    raw = {"type": "key_result", "id": "kr-1", "origin": "p-ana", "created_at": "2026-10-01T00:00:00.000000Z",
           "updated_at": "2026-10-01T00:00:00.000000Z", "deleted": False, "objective_id": "o-1", "title": "T",
           "kind": "increase", "start": 0, "target": 1, "unit": "", "owner_id": None, "low": None, "high": None,
           "weight": 1.0, "self_score": None, "score_comment": "", "position": 0, "improves_id": None}
    record = teamformat.validate(raw)
    assert "owner_history" not in record
    record["signature"] = signing.sign(key, record)
    again = teamformat.validate(dict(record))
    assert signing.verifies(signing.public_text(key), again)
    carried = teamformat.validate({**raw, "owner_id": "p-ben", "owner_history": owners.entries(HISTORY[:1])})
    assert carried["owner_history"] == [{"from": "2026-10-01", "owner": "p-ben"}]
    assert teamformat.to_values(carried)["owner_history"] == owners.dump(HISTORY[:1])
