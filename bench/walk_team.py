"""A 50-person team to walk the TUI by hand, as its four users would (docs/tui.md, "Four users").

    python bench/walk_team.py FOLDER            # about 10 s; FOLDER must not exist

What it makes, the way users would get it:

- FOLDER/team.jsonl: the team file of 47 teammates in five teams (Core, Payments, Mobile, Data,
  Support), each person one or two objectives of three KRs with weekly check-ins up to today
  (some people stopped weeks ago, some have not checked in this week, some are behind), every
  record signed by its maker as their own syncs would have (make_data.write_signed).
- Three people who walk it, each with a database and a config.toml naming the team file,
  set up with okrtui's own commands (`whoami --name`, `team add`, `import`, `sync`):
  - FOLDER/lena: Lena Lead, who makes the team Platform (approval on, she approves) and has
    one objective of her own;
  - FOLDER/mia: Mia Member, one active objective of 3 KRs in Core (checked in up to last
    week, so all 3 are due) and a draft in Platform for the approval round;
  - FOLDER/sam: Sam Scorer, 7 KRs in three active objectives in Payments, to score and close.

Then, for a walker: `OKRTUI_DB=FOLDER/mia/okrtui.db OKRTUI_CONFIG=FOLDER/mia/config.toml okrtui`.
Dates are relative to today (`--today` for another day; the TUI then needs `--as-of` that day).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_data import write_signed  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from okrtui.method import periods  # noqa: E402
from okrtui.storage.backend import open_engine  # noqa: E402
from okrtui.storage.model import CheckIn, KeyResult, Meta, Objective, Period, Person, Team  # noqa: E402
from okrtui.storage.store import reading  # noqa: E402

FIRST = ["Ana", "Bruno", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lars", "Maya",
         "Nils", "Olga", "Pia", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Vik", "Wen", "Xavi", "Yara", "Zoe",
         "Amir", "Bea", "Carl", "Dev", "Emma", "Finn", "Gia", "Hugo", "Iris", "Jon", "Kim", "Leo", "Mona",
         "Noor", "Omar", "Paul", "Rita", "Sara", "Tom", "Ugo", "Vera"]
LAST = ["Okafor", "Diaz", "Wong", "Berg", "Silva", "Khan", "Novak", "Ito", "Meyer", "Costa", "Haddad", "Lund",
        "Patel", "Rossi", "Sato", "Weber"]
TEAMS = [("t-core", "Core"), ("t-pay", "Payments"), ("t-mobile", "Mobile"), ("t-data", "Data"),
         ("t-support", "Support")]
OBJECTIVES = ["Make deploys boring", "Delight first-time users", "Cut the cost of serving a request",
              "Make support answers fast", "Ship the new checkout", "Know our numbers every morning",
              "Make the app feel instant", "Grow paying teams", "Earn trust on security",
              "Halve the time to onboard a customer"]
KRS = [("Deploy success rate from 92% to 99%", "increase", "%", 92, 99),
       ("p95 latency from 800 ms to 300 ms", "decrease", "ms", 800, 300),
       ("Weekly active teams from 120 to 200", "increase", "", 120, 200),
       ("Tickets answered within 4 h from 60% to 90%", "increase", "%", 60, 90),
       ("Churn from 5% to 3%", "decrease", "%", 5, 3),
       ("Crash-free sessions from 97% to 99.5%", "increase", "%", 97, 99.5),
       ("Cloud bill from 40 k to 30 k per month", "decrease", "k", 40, 30),
       ("Error budget kept between 20 and 60 minutes", "range", "min", 20, 60),
       ("Checkout conversion from 2.1% to 3%", "increase", "%", 2.1, 3),
       ("Onboarding time from 14 days to 5 days", "decrease", "d", 14, 5)]
NOTES = ["steady", "blocked on the vendor's API", "two people out sick", "rollback fixed",
         "waiting for the security review", "better than expected", "the migration slipped a week",
         "new dashboard live", "one big customer churned", "quiet week", ""]


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T09:00:00.000000Z"


def teammates(today: dt.date, seed: int = 32) -> dict[str, list[dict]]:
    """The rows of 47 teammates: people, their teams, objectives, KRs and check-ins."""
    rng = random.Random(seed)
    span = periods.quarter_of(today)
    rows: dict[str, list[dict]] = {"person": [], "team": [], "objective": [], "key_result": [], "check_in": []}
    names = sorted({f"{f} {rng.choice(LAST)}" for f in FIRST})[:47]
    people = [(f"p-{n.split()[0].lower()}", n) for n in names]
    base = {"created_at": _stamp(span.start), "updated_at": _stamp(span.start), "deleted": False}
    for pid, name in people:
        rows["person"].append({**base, "id": pid, "origin": pid, "name": name, "email": f"{pid[2:]}@example.com"})
    for i, (tid, tname) in enumerate(TEAMS):
        maker = people[i * 10][0]
        rows["team"].append({**base, "id": tid, "origin": maker, "name": tname,
                             "mission": f"{tname}: what our customers rely on, every day",
                             "vision": f"{tname} nobody has to think about"})
    weeks = [span.start + dt.timedelta(days=7 * w) for w in range(14)]
    for n, (pid, _name) in enumerate(people):
        team = TEAMS[min(n // 10, len(TEAMS) - 1)][0]
        pace = rng.choice([0.3, 0.6, 0.9, 1.0, 1.1])  # how far along they are against the calendar
        stopped = today - dt.timedelta(days=rng.choice([0, 0, 0, 0, 4, 10, 24]))  # some stopped checking in
        for o in range(1 + (n % 3 == 0)):
            oid = f"o-{pid[2:]}-{o}"
            rows["objective"].append({**base, "id": oid, "origin": pid, "title": rng.choice(OBJECTIVES),
                                      "description": "", "level": "team", "team_id": team, "owner_id": pid,
                                      "period_id": span.label, "parent_id": None, "status": "active",
                                      "visibility": "shared", "position": o})
            for k, (title, kind, unit, start, target) in enumerate(rng.sample(KRS, 3)):
                kid = f"kr-{pid[2:]}-{o}{k}"
                low, high = (start, target) if kind == "range" else (None, None)
                rows["key_result"].append({**base, "id": kid, "origin": pid, "objective_id": oid, "title": title,
                                           "owner_id": pid, "kind": kind, "unit": unit,
                                           "start": None if kind == "range" else start,
                                           "target": None if kind == "range" else target, "low": low,
                                           "high": high, "weight": 1.0, "self_score": None, "score_comment": "",
                                           "position": k})
                for w, monday in enumerate(weeks):
                    day = monday + dt.timedelta(days=rng.randint(0, 3))
                    if day > min(today, stopped):
                        break
                    done = min(1.0, pace * (day - span.start).days / (span.end - span.start).days
                               + rng.uniform(-0.08, 0.08))
                    value = (rng.uniform(low - 5, high + 5) if kind == "range" and low is not None and high is not None
                             else start + (target - start) * max(0.0, done))
                    rows["check_in"].append({**base, "id": f"c-{kid[3:]}-{w:02d}", "origin": pid, "kr_id": kid,
                                             "date": day, "value": round(value, 1),
                                             "confidence": rng.choice([0.3, 0.5, 0.6, 0.7, 0.8, 0.9]),
                                             "note": rng.choice(NOTES), "author_id": pid,
                                             "created_at": _stamp(day), "updated_at": _stamp(day)})
    return rows


def write_team_file(folder: Path, today: dt.date) -> Path:
    """The teammates' records as a team file, each signed by its maker (as make_data.make_team_file)."""
    from okrtui.exchange import sync

    rows = teammates(today)
    span = periods.quarter_of(today)
    engine = open_engine(folder / "teammates-source.db")
    with engine.begin() as conn:
        conn.execute(insert(Meta.__table__), [{"key": "identity", "value": "p-maker"}])
        conn.execute(insert(Period.__table__), [{"id": span.label, "origin": "p-ana", "created_at": _stamp(span.start),
                                                 "updated_at": _stamp(span.start), "deleted": False,
                                                 "start": span.start, "end": span.end}])
        for table, kind in ((Person, "person"), (Team, "team"), (Objective, "objective"),
                            (KeyResult, "key_result"), (CheckIn, "check_in")):
            conn.execute(insert(table.__table__), rows[kind])
    path = folder / "team.jsonl"
    sync.sync(engine, path)
    with reading(engine) as session:
        records = sync.shared_records(sync.local_records(session))
    engine.dispose()
    records = {key: rec for key, rec in records.items() if rec["origin"] != "p-maker"}  # the tool, no person
    write_signed(path, records)
    (folder / "teammates-source.db").unlink()
    return path


def own_objective(oid: str, title: str, team: str, label: str, krs: list[tuple], checks_until: dt.date,
                  start: dt.date, status: str = "active", seed: int = 1) -> dict:
    """An okrtui/1 objective of the walker's own, weekly check-ins on Thursdays up to `checks_until`."""
    rng = random.Random(seed)
    out = []
    for k, (title_k, kind, unit, begin, target) in enumerate(krs):
        kr: dict = {"id": f"{oid.replace('o-', 'kr-')}-{k}", "title": title_k, "kind": kind, "unit": unit,
                    "weight": 1, "start": begin, "target": target, "check_ins": []}
        day, w = start + dt.timedelta(days=3), 0
        while status == "active" and day <= checks_until:
            share = min(1.0, 0.7 * (day - start).days / 91 + rng.uniform(-0.05, 0.05))
            kr["check_ins"].append({"id": f"c-{kr['id'][3:]}-{w:02d}", "date": day.isoformat(),
                                    "value": round(begin + (target - begin) * share, 1),
                                    "confidence": 0.7, "note": rng.choice(NOTES)})
            day, w = day + dt.timedelta(days=7), w + 1
        out.append(kr)
    return {"id": oid, "title": title, "level": "team", "team": team, "period": label, "status": status,
            "key_results": out}


def okrtui(home: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKRTUI_")}
    env.update(OKRTUI_DB=str(home / "okrtui.db"), OKRTUI_CONFIG=str(home / "config.toml"))
    proc = subprocess.run([sys.executable, "-m", "okrtui", *args], env=env, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"okrtui {' '.join(args)}: {proc.stderr}")
    return proc.stdout


def walker(folder: Path, name: str, team_file: Path) -> Path:
    home = folder / name.split()[0].lower()
    home.mkdir()
    (home / "config.toml").write_text(f'team_file = "{team_file}"\n', encoding="utf-8")
    okrtui(home, "whoami", "--name", name)
    return home


def import_doc(home: Path, objectives: list[dict]) -> None:
    doc = home / "mine.json"
    doc.write_text(json.dumps({"format": "okrtui/1", "objectives": objectives}), encoding="utf-8")
    okrtui(home, "import", str(doc))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args()
    folder, today = args.folder, args.today
    folder.mkdir(parents=True)
    span = periods.quarter_of(today)
    last_week = _monday(today) - dt.timedelta(days=1)
    team_file = write_team_file(folder, today)

    lena = walker(folder, "Lena Lead", team_file)
    okrtui(lena, "team", "add", "t-platform", "--name", "Platform", "--approval", "on",
           "--mission", "Every team ships safely, many times a day", "--vision", "Deploys nobody notices")
    okrtui(lena, "sync")
    import_doc(lena, [own_objective("o-lena-0", "Give every team a paved road", "t-core", span.label,
                                    [KRS[0], KRS[1], KRS[6]], today, span.start, seed=2)])
    okrtui(lena, "sync")

    mia = walker(folder, "Mia Member", team_file)
    okrtui(mia, "sync")
    import_doc(mia, [
        own_objective("o-mia-0", "Make the checkout fast and dependable", "t-core", span.label,
                      [KRS[0], KRS[1], KRS[5]], last_week, span.start, seed=3),
        own_objective("o-mia-1", "Make releases a non-event", "t-platform", span.label,
                      [("Releases per week from 1 to 5", "increase", "", 1, 5),
                       ("Rollback time from 30 min to 5 min", "decrease", "min", 30, 5)],
                      last_week, span.start, status="draft")])
    okrtui(mia, "sync")

    sam = walker(folder, "Sam Scorer", team_file)
    okrtui(sam, "sync")
    import_doc(sam, [
        own_objective("o-sam-0", "Ship the new checkout", "t-pay", span.label, [KRS[8], KRS[2], KRS[4]],
                      today, span.start, seed=4),
        own_objective("o-sam-1", "Cut the cost of serving a request", "t-pay", span.label, [KRS[6], KRS[1]],
                      today, span.start, seed=5),
        own_objective("o-sam-2", "Earn trust on security", "t-pay", span.label,
                      [("Critical findings open from 12 to 0", "decrease", "", 12, 0),
                       ("Services behind SSO from 40% to 100%", "increase", "%", 40, 100)],
                      today, span.start, seed=6)])
    okrtui(sam, "sync")
    okrtui(lena, "sync")
    okrtui(mia, "sync")
    people = sum(1 for line in team_file.read_text(encoding="utf-8").splitlines() if '"type":"person"' in line)
    print(f"{folder}: {people} people in {team_file.name}; walkers: {lena}, {mia}, {sam}")


if __name__ == "__main__":
    main()
