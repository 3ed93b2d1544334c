import copy
import datetime as dt
import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrtui.core.errors import OkrError
from okrtui.exchange import interchange
from okrtui.storage.backend import open_engine
from okrtui.storage.store import reading
from tests.helpers import write_doc


def valid_doc() -> dict:
    return {
        "format": "okrtui/1",
        "people": [{"id": "p-alice", "name": "Alice Ng", "email": "alice@example.com"}],
        "teams": [{"id": "t-platform", "name": "Platform", "mission": "m", "vision": "v"}],
        "periods": [{"id": "2026-H2", "start": "2026-07-01", "end": "2026-12-31"}],
        "objectives": [
            {
                "id": "o-reliable", "title": "Make deploys boringly reliable", "description": "why",
                "level": "team", "team": "t-platform", "owner": "p-alice", "period": "2026-Q4",
                "parent": "o-company", "status": "active", "visibility": "shared",
                "key_results": [
                    {
                        "id": "kr-deploys", "title": "Deploy success rate from 92% to 99%", "owner": "p-alice",
                        "kind": "increase", "unit": "%", "start": 92, "target": 99, "low": None, "high": None,
                        "weight": 1, "self_score": None,
                        # Alice's own check-in, carried: only who answers for a KR checks in on it
                        "check_ins": [{"id": "c-1", "date": "2026-10-07", "value": 94, "confidence": 0.6,
                                       "note": "rollback fixed", "author": "p-alice"}],
                    },
                    {"id": "kr-latency", "title": "p95 latency", "kind": "range", "low": 100, "high": 250,
                     "check_ins": []},
                ],
            },
            {"id": "o-company", "title": "Be dependable", "level": "company", "period": "2026-H2",
             "key_results": [{"id": "kr-base", "title": "Measure NPS", "kind": "baseline", "unit": "pts"}]},
        ],
        "dependencies": [{"id": "d-1", "from": "kr-deploys", "to": "o-company", "note": "needs alerting"}],
    }


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def obj(doc):
    return doc["objectives"][0]


def kr(doc):
    return obj(doc)["key_results"][0]


def mutate(fn):
    def make():
        doc = valid_doc()
        fn(doc)
        return doc
    return make


# Each case: (id, document or text, a phrase the one error line must hold)
BAD = [
    ("not-json", "this is not json", "not valid JSON"),
    ("empty-file", "", "empty"),
    ("whitespace-only", "   \n ", "empty"),
    ("truncated", json.dumps(valid_doc())[:-20], "not valid JSON"),
    ("top-level-list", "[]", "document: expected an object"),
    ("wrong-format-tag", mutate(lambda d: d.update(format="okrtui/2")), "format: expected 'okrtui/1'"),
    ("missing-format", mutate(lambda d: d.pop("format")), "format: is required"),
    ("objectives-not-list", mutate(lambda d: d.update(objectives={})), "objectives: expected a list"),
    ("objective-missing-id", mutate(lambda d: obj(d).pop("id")), "objectives[0].id: is required"),
    ("objective-missing-title", mutate(lambda d: obj(d).pop("title")), "objectives[0].title: is required"),
    ("objective-empty-title", mutate(lambda d: obj(d).update(title="  ")), "objectives[0].title: must not be empty"),
    ("objective-title-number", mutate(lambda d: obj(d).update(title=5)), "objectives[0].title: expected a string"),
    ("objective-missing-period", mutate(lambda d: obj(d).pop("period")), "objectives[0].period: is required"),
    ("unknown-period", mutate(lambda d: obj(d).update(period="someday")), "objectives[0].period: unknown period"),
    ("bad-quarter", mutate(lambda d: obj(d).update(period="2026-Q5")), "objectives[0].period: unknown period"),
    ("unknown-owner", mutate(lambda d: obj(d).update(owner="p-nobody")), "objectives[0].owner: unknown person"),
    ("unknown-team", mutate(lambda d: obj(d).update(team="t-nope")), "objectives[0].team: unknown team"),
    ("unknown-parent", mutate(lambda d: obj(d).update(parent="o-nope")), "objectives[0].parent: unknown objective"),
    ("self-parent", mutate(lambda d: obj(d).update(parent="o-reliable")), "own parent"),
    ("parent-cycle", mutate(lambda d: d["objectives"][1].update(parent="o-reliable")), "cycle"),
    ("bad-level", mutate(lambda d: obj(d).update(level="galaxy")), "objectives[0].level: expected one of"),
    ("bad-status", mutate(lambda d: obj(d).update(status="done")), "objectives[0].status: expected one of"),
    ("bad-visibility", mutate(lambda d: obj(d).update(visibility="secret")), "objectives[0].visibility"),
    ("bad-id-chars", mutate(lambda d: obj(d).update(id="o reliable!")), "objectives[0].id:"),
    ("id-too-long", mutate(lambda d: obj(d).update(id="o" * 65)), "objectives[0].id:"),
    ("duplicate-objective-id", mutate(lambda d: d["objectives"][1].update(id="o-reliable")), "duplicate id"),
    ("duplicate-kr-id", mutate(lambda d: obj(d)["key_results"][1].update(id="kr-deploys")), "duplicate id"),
    ("duplicate-check-in-id", mutate(lambda d: kr(d)["check_ins"].append(dict(kr(d)["check_ins"][0]))), "duplicate id"),
    ("target-a-string", mutate(lambda d: kr(d).update(target="99")),
     "objectives[0].key_results[0].target: expected a number"),
    ("target-missing", mutate(lambda d: kr(d).pop("target")), "objectives[0].key_results[0].target: is required"),
    ("target-null", mutate(lambda d: kr(d).update(target=None)), "objectives[0].key_results[0].target"),
    ("start-boolean", mutate(lambda d: kr(d).update(start=True)), "objectives[0].key_results[0].start: expected a number"),
    ("nan", json.dumps(valid_doc()).replace('"target": 99', '"target": NaN'), "target: expected a finite number, got NaN"),
    ("infinity", json.dumps(valid_doc()).replace('"start": 92', '"start": Infinity'), "start: expected a finite number"),
    ("huge-number", json.dumps(valid_doc()).replace('"start": 92', '"start": 1e999'), "start: expected a finite number"),
    ("negative-weight", mutate(lambda d: kr(d).update(weight=-1)), "objectives[0].key_results[0].weight"),
    ("self-score-above-one", mutate(lambda d: kr(d).update(self_score=1.2)), "self_score: expected a number from 0 to 1"),
    ("confidence-1.5", mutate(lambda d: kr(d)["check_ins"][0].update(confidence=1.5)),
     "objectives[0].key_results[0].check_ins[0].confidence: expected a number from 0 to 1"),
    ("impossible-date", mutate(lambda d: kr(d)["check_ins"][0].update(date="2026-02-30")),
     "check_ins[0].date: expected a date"),
    ("date-wrong-shape", mutate(lambda d: kr(d)["check_ins"][0].update(date="07/10/2026")), "check_ins[0].date"),
    ("check-in-value-missing", mutate(lambda d: kr(d)["check_ins"][0].pop("value")), "check_ins[0].value: is required"),
    ("unknown-kind", mutate(lambda d: kr(d).update(kind="maximize")), "objectives[0].key_results[0].kind: expected one of"),
    ("kind-missing", mutate(lambda d: kr(d).pop("kind")), "objectives[0].key_results[0].kind: is required"),
    ("range-low-above-high", mutate(lambda d: obj(d)["key_results"][1].update(low=300)), "key_results[1].high"),
    ("range-missing-high", mutate(lambda d: obj(d)["key_results"][1].pop("high")), "key_results[1].high: is required"),
    ("baseline-without-unit", mutate(lambda d: d["objectives"][1]["key_results"][0].pop("unit")),
     "objectives[1].key_results[0].unit: is required"),
    ("kr-not-an-object", mutate(lambda d: obj(d)["key_results"].append(7)), "key_results[2]: expected an object"),
    ("fifty-mb-title", mutate(lambda d: obj(d).update(title="x" * 50_000_000)), "objectives[0].title: is 50000000 characters"),
    ("period-end-before-start", mutate(lambda d: d["periods"][0].update(end="2026-01-01")), "periods[0].end"),
    ("dependency-unknown-end", mutate(lambda d: d["dependencies"][0].update(to="o-ghost")), "dependencies[0].to: unknown"),
    ("dependency-to-itself", mutate(lambda d: d["dependencies"][0].update(to="kr-deploys")), "dependencies[0].to"),
    ("person-missing-id", mutate(lambda d: d["people"][0].pop("id")), "people[0].id: is required"),
    ("not-utf8", b"\xff\xfe{\x00", "not UTF-8"),
]


@pytest.mark.parametrize("case_id, doc, phrase", BAD, ids=[c[0] for c in BAD])
def test_malformed_import_is_refused_and_changes_nothing(case_id, doc, phrase, cli, demo_db, tmp_path):
    path = tmp_path / "bad.json"
    if callable(doc):
        doc = doc()
    if isinstance(doc, bytes):
        path.write_bytes(doc)
    else:
        write_doc(path, doc)
    before = digest(demo_db)
    result = cli("--db", demo_db, "import", path)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("okrtui: error: ")
    assert phrase in lines[0]
    assert len(lines[0]) < 2100
    assert result.out == ""
    assert digest(demo_db) == before


def test_the_valid_document_imports(cli, db, tmp_path):
    result = cli("--db", db, "import", write_doc(tmp_path / "ok.json", valid_doc()))
    assert result.code == 0, result.err
    assert "created" in result.out


def test_missing_file_and_directory(cli, db, tmp_path):
    assert "no such file" in cli("--db", db, "import", tmp_path / "nope.json").err
    assert "is a directory" in cli("--db", db, "import", tmp_path).err


def test_import_twice_changes_nothing(engine, db):
    first = interchange.import_document(engine, valid_doc())
    assert first.created > 0
    exported = interchange.export_document(engine)
    second = interchange.import_document(engine, valid_doc())
    assert second.created == 0 and second.updated == 0
    assert interchange.export_document(engine) == exported


def test_import_updates_existing_ids(engine):
    interchange.import_document(engine, valid_doc())
    doc = valid_doc()
    kr(doc)["target"] = 100
    result = interchange.import_document(engine, doc)
    assert result.updated == 1
    out = interchange.export_document(engine)
    krs = {k["id"]: k for o in out["objectives"] for k in o["key_results"]}
    assert krs["kr-deploys"]["target"] == 100


def test_references_resolve_against_the_database(engine):
    interchange.import_document(engine, valid_doc())
    later = {"format": "okrtui/1", "objectives": [
        {"id": "o-next", "title": "Next", "period": "2027-Q1", "owner": "p-alice", "parent": "o-company",
         "key_results": [{"id": "kr-n", "title": "n", "kind": "milestone"}]}]}
    interchange.import_document(engine, later)
    ids = [o["id"] for o in interchange.export_document(engine)["objectives"]]
    assert "o-next" in ids


def test_export_import_export_round_trip(engine, tmp_path):
    interchange.import_document(engine, valid_doc())
    first = interchange.export_document(engine)
    fresh = open_engine(tmp_path / "fresh.db")
    interchange.import_document(fresh, json.loads(interchange.dumps(first)))
    assert interchange.export_document(fresh) == first
    fresh.dispose()


def _unmarked(doc):
    """The document without its `origin` marks (records others made), however deep."""
    if isinstance(doc, dict):
        return {k: _unmarked(v) for k, v in doc.items() if k != "origin"}
    if isinstance(doc, list):
        return [_unmarked(v) for v in doc]
    return doc


def test_demo_round_trips(demo_db, tmp_path):
    """The same records come back; teammates' records are marked with their maker in the first export
    and, imported, became the importer's own (an import never writes another's origin)."""
    eng = open_engine(demo_db)
    first = interchange.export_document(eng)
    assert {d["id"]: d.get("origin") for d in first["dependencies"]} == {"d-canary": None, "d-funnel": "p-chen"}
    fresh = open_engine(tmp_path / "fresh.db")
    interchange.import_document(fresh, first)
    again = interchange.export_document(fresh)
    assert again == _unmarked(again) and again == _unmarked(first)
    eng.dispose()
    fresh.dispose()


def test_defaults_apply(engine):
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-1", "title": "Delight users", "period": "2026-Q4",
         "key_results": [{"id": "k-1", "title": "NPS", "kind": "increase", "start": 10, "target": 40,
                          "check_ins": [{"id": "c-1", "date": "2026-10-02", "value": 12}]}]}]}
    interchange.import_document(engine, doc)
    out = interchange.export_document(engine)["objectives"][0]
    assert out["id"] == "o-1"
    assert (out["level"], out["status"], out["visibility"]) == ("personal", "active", "shared")
    assert out["key_results"][0]["weight"] == 1
    assert out["key_results"][0]["check_ins"][0]["confidence"] is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=json_values)
def test_fuzz_random_json_never_crashes(engine, data):
    try:
        interchange.import_document(engine, data)
    except OkrError:
        pass


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_mutated_documents_never_crash(engine, data):
    doc = valid_doc()
    o = doc["objectives"][0]
    field = data.draw(st.sampled_from(["title", "period", "owner", "level", "parent", "key_results"]))
    o[field] = data.draw(json_values)
    k = o["key_results"][0] if isinstance(o.get("key_results"), list) and o["key_results"] else None
    if isinstance(k, dict):
        k[data.draw(st.sampled_from(["start", "target", "kind", "weight", "check_ins"]))] = data.draw(json_values)
    try:
        interchange.import_document(engine, copy.deepcopy(doc))
    except OkrError:
        pass


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200))
def test_fuzz_random_bytes_never_crash(raw):
    try:
        interchange.parse_document(raw)
    except OkrError:
        pass


# --- check-ins checked a column at a time (interchange._plain_check_ins) ----------------------------

AS_OF = dt.date(2026, 11, 26)
ODD_VALUES = (st.none() | st.booleans() | st.integers(min_value=-10**320, max_value=10**320)
              | st.floats() | st.text(max_size=4)
              | st.sampled_from(["2026-10-07", "2026-02-30", "2027-01-01", "p-alice", "p-ghost", "o reliable!",
                                 "x" * 65, "\ud800", "", "1", "c-1", "07/10/2026", "x" * 10_001])
              | st.lists(st.integers(), max_size=1) | st.dictionaries(st.text(max_size=2), st.none(), max_size=1))
CHECK_IN_KEYS = ["id", "date", "value", "confidence", "note", "author", "author_id", "kr_id", "origin"]
# Values every field rule takes, so the document stays plain; still a repeated id, a second
# check-in on a day, an unknown author or a day after AS_OF.
PLAIN_VALUES = {"id": st.sampled_from(["c-0", "c-1", "c-9"]),
                "date": st.sampled_from(["2026-10-01", "2026-10-02", "2026-11-26", "2026-11-27"]),
                "value": st.integers(-5, 5) | st.floats(-1e3, 1e3), "confidence": st.none() | st.floats(0, 1),
                "note": st.text(max_size=3), "author": st.none() | st.sampled_from(["p-alice", "p-ghost"])}


def _validated(engine, doc: dict, columns: bool):
    """What validate() makes of `doc`: its KRs and check-ins (every value with its type), or its error.
    `columns` False: every check-in through the schema one by one, as before the column check."""
    saved = interchange._plain_check_ins
    if not columns:
        interchange._plain_check_ins = lambda root, today: None
    try:
        with reading(engine) as session:
            got = interchange.validate(copy.deepcopy(doc), session, today=AS_OF)
        return [[(k, type(v), v) for k, v in row.items()] for row in (*got.key_results, *got.check_ins)]
    except OkrError as err:
        return str(err)
    finally:
        interchange._plain_check_ins = saved


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_check_ins_checked_a_column_at_a_time_as_one_by_one(engine, data):
    """The same values, or the same first error, whichever way a document's check-ins are checked."""
    doc = valid_doc()
    entries = [{"id": f"c-{i}", "date": f"2026-10-0{i + 1}", "value": i, "confidence": 0.5, "note": "n",
                "author": "p-alice"} for i in range(data.draw(st.integers(1, 4)))]
    for entry in entries:
        for key in data.draw(st.lists(st.sampled_from(CHECK_IN_KEYS), max_size=3)):
            how = data.draw(st.sampled_from(["drop", "plain", "plain", "odd"]))
            if how == "drop":
                entry.pop(key, None)
            elif how == "plain" and key in PLAIN_VALUES:  # a document that stays plain: the column path
                entry[key] = data.draw(PLAIN_VALUES[key])
            else:
                entry[key] = data.draw(ODD_VALUES)
    kr(doc)["check_ins"] = entries
    if data.draw(st.booleans()):
        kr(doc)["check_ins"] = data.draw(st.sampled_from([None, {}, "c-1", [7]]))
    assert _validated(engine, doc, columns=True) == _validated(engine, doc, columns=False)


def test_a_plain_document_s_check_ins_skip_the_one_by_one_schema_check(engine, monkeypatch):
    checked = []
    record = interchange._record
    monkeypatch.setattr(interchange, "_record", lambda kind, *a, **k: checked.append(kind) or record(kind, *a, **k))
    doc = valid_doc()
    kr(doc)["check_ins"].append({"id": "c-2", "date": "2026-10-14", "value": 95})
    rows = _validated(engine, doc, columns=True)
    assert isinstance(rows, list) and "check_in" not in checked and "key_result" in checked
    assert [r for r in rows if ("kr_id", str, "kr-deploys") in r and ("id", str, "c-2") in r] == [[
        ("id", str, "c-2"), ("kr_id", str, "kr-deploys"), ("date", dt.date, dt.date(2026, 10, 14)),
        ("value", float, 95.0), ("confidence", type(None), None), ("note", str, ""), ("author_id", type(None), None)]]
