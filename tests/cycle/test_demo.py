import pytest

from okrtui.core.errors import OkrError
from okrtui.cycle import demo, ormread
from okrtui.method import kinds
from okrtui.storage.backend import open_engine
from okrtui.storage.store import reading
from tests.helpers import TODAY


def test_demo_covers_every_kind_two_quarters_stale_and_behind(demo_db):
    eng = open_engine(demo_db)
    with reading(eng) as session:
        span = ormread.resolve_period(session, None, TODAY)
        rep = ormread.build(session, span, TODAY, demo.ME, team=True)
        prev = ormread.build(session, ormread.resolve_period(session, "2026-Q3", TODAY), TODAY, demo.ME, team=True)
    krs = rep.key_results()
    assert {kr.kind for kr in krs} == set(kinds.names())  # a kind added to the registry, the demo shows it
    assert any(kr.stale for kr in krs)
    assert any(kr.pace == "behind" for kr in krs)
    assert {o.level for o in rep.objectives} == {"company", "team", "personal"}
    assert len({o.origin for o in rep.objectives}) >= 4
    assert len(rep.teams) == 3 and len(rep.people) == 5
    assert prev.objectives and all(o.status == "closed" for o in prev.objectives)
    assert all(len(kr.check_ins) == 13 for o in prev.objectives for kr in o.key_results)
    eng.dispose()


def test_demo_is_the_same_every_time(tmp_path):
    from okrtui.exchange import interchange

    docs = []
    for name in ("a.db", "b.db"):
        eng = open_engine(tmp_path / name)
        demo.load(eng, TODAY)
        docs.append(interchange.export_document(eng))
        eng.dispose()
    assert docs[0] == docs[1]


def test_demo_refuses_a_database_with_okrs(demo_db):
    eng = open_engine(demo_db)
    with pytest.raises(OkrError, match="empty database"):
        demo.load(eng, TODAY)
    eng.dispose()
