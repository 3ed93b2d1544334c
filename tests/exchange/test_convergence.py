"""Every member who holds the same team file sees the same thing (issue 27, docs/team.md).

Hypothesis draws signed records from three people (objectives, KRs with owners and owner changes,
each later version carrying the history of its owner (okrtui.method.owners), check-ins by anyone,
approvals of current or stale content, agreements, dependencies, and later edited versions of them),
then syncs them into fresh databases in random orders: partial files, repeats, versions arriving before
or after what they refer to. Once each database has synced the whole file, every report (JSON and the
team's Markdown) is the same, byte for byte, as a newcomer's who synced it once.
"""

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrtui.core import signing
from okrtui.exchange import teamformat
from okrtui.method import covers, owners

PEOPLE = ("p-ana", "p-ben", "p-cy")
KEYS = {p: signing.generate() for p in PEOPLE}  # drawn once: keys are not what varies
READERS = ("r-one", "r-two", "newcomer")


def stamp(n: int) -> str:
    return f"2026-11-{1 + n // 60:02d}T{(n % 60) // 10:02d}:{n % 10:02d}:00.000000Z"


def signed(record_type: str, ident: str, origin: str, at: int, **fields) -> dict:
    raw = {"type": record_type, "id": ident, "origin": origin, "created_at": stamp(0), "updated_at": stamp(at),
           "deleted": False, **fields}
    record = teamformat.validate(raw)
    record["signature"] = signing.sign(KEYS[origin], record)
    return record


def base_records() -> list[dict]:
    people = [signed("person", p, p, 0, name=p[2:].title(), email="",
                     public_key=signing.public_text(KEYS[p])) for p in PEOPLE]
    team = signed("team", "t-plat", "p-ana", 0, name="Platform", approval=True, lead_id=None)
    period = signed("period", "2026-Q4", "p-ana", 0, start="2026-10-01", end="2026-12-31")
    return [*people, team, period]


def objective(i: int, maker: str, at: int, team: bool, status: str, title: str) -> dict:
    return signed("objective", f"o-{i}", maker, at, title=title, level="team", period_id="2026-Q4",
                  team_id="t-plat" if team else None, status=status, submitted_at=stamp(1))


def key_result(i: int, objective_id: str, maker: str, at: int, owner: str | None, target: float, title: str,
               history: owners.History = ()) -> dict:
    more = {"owner_history": owners.entries(history)} if history else {}
    return signed("key_result", f"kr-{i}", maker, at, objective_id=objective_id, title=title, kind="increase",
                  start=0.0, target=target, owner_id=owner, unit="", **more)


@st.composite
def worlds(draw):
    """(every version of every record, in no particular order)"""
    out = base_records()
    objectives = []
    for i in range(draw(st.integers(1, 3))):
        maker = draw(st.sampled_from(PEOPLE))
        team, status = draw(st.booleans()), draw(st.sampled_from(["draft", "in_review", "active"]))
        versions = [objective(i, maker, 2, team, status, f"Objective {i}")]
        if draw(st.booleans()):  # edited later: a new title, another team or status
            versions.append(objective(i, maker, draw(st.integers(3, 50)), draw(st.booleans()),
                                      draw(st.sampled_from(["in_review", "active"])), f"Objective {i} bis"))
        objectives.append(versions)
        out += versions
    krs = []
    for i in range(draw(st.integers(1, 4))):
        home = draw(st.sampled_from(objectives))[0]
        maker = draw(st.sampled_from([home["origin"], home["origin"], *PEOPLE]))  # now and then not its maker's
        owner = draw(st.sampled_from([None, *PEOPLE]))
        versions = [key_result(i, home["id"], maker, 2, owner, 10.0, f"KR {i}")]
        history: owners.History = ()
        for at in sorted(draw(st.lists(st.integers(3, 50), max_size=2, unique=True))):  # owner changes, new targets
            new = draw(st.sampled_from([None, *PEOPLE]))
            if draw(st.booleans()):  # a handover okrtui records, on a day of November
                history = owners.handed(history, owner, new, dt.date(2026, 11, draw(st.integers(2, 25))), stamp(0))
            elif history and history[-1][1] != new:  # an owner set by hand: the record still ends with it
                history = (*history, (history[-1][0], new))
            owner = new
            versions.append(key_result(i, home["id"], maker, at, owner, draw(st.sampled_from([10.0, 20.0])),
                                       draw(st.sampled_from([f"KR {i}", "X"])), history))
        krs.append(versions)
        out += versions
    for i in range(draw(st.integers(0, 6))):
        kr = draw(st.sampled_from(krs))[0]
        out.append(signed("check_in", f"c-{i}", draw(st.sampled_from(PEOPLE)), draw(st.integers(2, 50)),
                          kr_id=kr["id"], date=f"2026-11-{draw(st.integers(2, 25)):02d}",
                          value=float(draw(st.integers(0, 12))), author_id=None))
    for i in range(draw(st.integers(0, 3))):  # approvals, by the lead or not, of some version's content
        versions = draw(st.sampled_from(objectives))
        obj = draw(st.sampled_from(versions))
        mine = [draw(st.sampled_from(k)) for k in krs if k[0]["objective_id"] == obj["id"]]
        basis = covers.objective_digest(obj["title"], obj["level"], obj["period_id"], obj["team_id"],
                                        [_Row(k) for k in mine])
        verdict = draw(st.sampled_from(["approved", "approved", "changes_requested"]))
        out.append(signed("decision", f"x-{i}", draw(st.sampled_from(["p-ana", "p-ana", "p-ben"])),
                          draw(st.integers(2, 60)), subject_type="objective", subject_id=obj["id"], verdict=verdict,
                          note="", basis=basis if verdict == "approved" else covers.changes_basis(stamp(1))))
    for i in range(draw(st.integers(0, 2))):  # a dependency, edited or not, and an answer to one version
        a = draw(st.sampled_from(krs))[0]
        b = draw(st.sampled_from([k[0] for k in krs if k[0]["id"] != a["id"]] or [objectives[0][0]]))
        if b["id"] == a["id"] or b["id"] == a.get("objective_id"):
            continue
        first = signed("dependency", f"d-{i}", a["origin"], 2, from_id=a["id"], to_id=b["id"], note="please")
        edited = signed("dependency", f"d-{i}", a["origin"], 30, from_id=a["id"], to_id=b["id"], note="more")
        out += [first, edited] if draw(st.booleans()) else [first]
        answered = draw(st.sampled_from([first, edited]))
        out.append(signed("decision", f"y-{i}", draw(st.sampled_from(PEOPLE)), draw(st.integers(2, 60)),
                          subject_type="dependency", subject_id=f"d-{i}",
                          verdict=draw(st.sampled_from(["agreed", "declined"])), note="ok",
                          basis=covers.dependency_digest(answered["from_id"], answered["to_id"], answered["note"])))
    return out


class _Row:
    def __init__(self, record: dict):
        self.__dict__.update(record)


def write(path, records: list[dict]) -> None:
    """A team file holding these lines, in this order (duplicates and all: read() picks the winners)."""
    path.write_text(teamformat.HEADER + "".join(teamformat.canonical(r) + "\n" for r in records))


def reports(cli, db) -> tuple[str, str]:
    shown = [cli("--db", db, "report", "--team", "--format", fmt, "--period", "2026-Q4") for fmt in ("json", "md")]
    assert all(r.code == 0 for r in shown), [r.err for r in shown]
    return shown[0].out, shown[1].out


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(versions=worlds(), orders=st.lists(st.lists(st.integers(0, 10 ** 6), max_size=3), min_size=2, max_size=2),
       data=st.data())
def test_every_order_of_syncs_gives_every_reader_the_same_reports(cli, tmp_path_factory, versions, orders, data):
    folder = tmp_path_factory.mktemp("converge")
    seen = {}
    for reader, steps in itertools.zip_longest(READERS, orders):
        db, path = folder / f"{reader}.db", folder / f"{reader}.jsonl"
        assert cli("--db", db, "whoami", "--name", reader.title()).code == 0
        for seed in steps or []:  # partial files first: some versions, shuffled, maybe one line twice
            chosen = data.draw(st.permutations(versions))[: seed % (len(versions) + 1)]
            write(path, chosen + chosen[:1])
            assert cli("--db", db, "sync", path).code in (0, 1)
        write(path, data.draw(st.permutations(versions)))
        assert cli("--db", db, "sync", path).code in (0, 1)
        assert cli("--db", db, "sync", path).code in (0, 1)  # a repeat changes nothing
        seen[reader] = reports(cli, db)
    assert seen["r-one"] == seen["newcomer"] and seen["r-two"] == seen["newcomer"]
