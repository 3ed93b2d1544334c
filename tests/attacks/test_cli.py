"""Attacks through the CLI's commands (docs/security.md, column `cli`): `checkin`, `approve`, `accept`,
`team edit`. Each refusal is one line that says who may act, writes nothing, and the honest command beside
it works for everyone after a sync."""

from tests.helpers import Crew, okr_objective

EVERYONE = ("ana", "ben", "cleo")


def test_cli_checkin_by_the_kr_maker_who_named_another_owner_is_refused(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ana", {"objectives": [okr_objective("o-x", "Platform", None, "kr-x", status="active",
                                                owner=t.ids["ben"])]})
    t.sync("ana", "ben")
    refused = t.run("ana", "checkin", "kr-x", "10", "--date", "2026-11-20")
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "Ben Member answers for it (its owner); only they can check in on it" in refused.err
    # The honest way: Ben checks in, and everyone, a newcomer too, sees his value.
    assert t.run("ben", "checkin", "kr-x", "4", "--date", "2026-11-24").code == 0
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    assert [t.kr(who, "kr-x")["current"] for who in EVERYONE] == [4, 4, 4]


def test_cli_approve_by_a_member_is_refused_and_says_who_approves(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")]})
    assert t.run("ben", "submit", "o-ben").code == 0
    refused = t.run("ben", "approve", "o-ben")
    assert refused.code == 2 and "only Ana Lead, the lead of team Platform, may approve o-ben" in refused.err
    t.sync("ben", "ana")
    # Approving it again after its content changed needs the lead again; the lead's approval works.
    assert t.run("ana", "approve", "o-ben").code == 0
    t.sync("ana", "ben")
    t.join("cleo", "Cleo New")
    assert [t.status(who, "o-ben") for who in EVERYONE] == ["active"] * 3
    active = t.run("ben", "approve", "o-ben")
    assert active.code == 2 and "only Ana Lead" in active.err


def test_cli_accept_by_the_asker_is_refused(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ana", {"objectives": [okr_objective("o-ana", "Observability", "t-plat", "kr-ana")]})
    t.sync("ana", "ben")
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")],
                   "dependencies": [{"id": "d-ben-ana", "from": "kr-ben", "to": "kr-ana", "note": "dashboards"}]})
    refused = t.run("ben", "accept", "d-ben-ana")
    assert refused.code == 2 and "only Ana Lead, who answers for kr-ana, may accept or decline d-ben-ana" \
        in refused.err
    t.sync("ben", "ana")
    asked = t.run("ana", "report", "--team", "--format", "md", "--period", "2026-Q4").out
    assert "- d-ben-ana: Deploys KR → Observability KR, **proposed** (waiting for Ana Lead)" in asked
    # The honest way: Ana accepts; the agreement reads as agreed for everyone.
    assert t.run("ana", "accept", "d-ben-ana").code == 0
    t.sync("ana", "ben")
    t.join("cleo", "Cleo New")
    for who in EVERYONE:
        md = t.run(who, "report", "--team", "--format", "md", "--period", "2026-Q4").out
        assert "d-ben-ana" not in md, who


def test_cli_team_edit_by_a_member_is_refused(cli, tmp_path):
    t = Crew(cli, tmp_path)
    refused = t.run("ben", "team", "edit", "t-plat", "--approval", "off")
    assert refused.code == 2 and "team t-plat was made by Ana Lead; only they can change it" in refused.err
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben", status="in_review")]})
    t.sync("ben", "ana")
    assert t.status("ana", "o-ben") == "in_review"
    # The honest way: Ana, its maker, turns approval off; Ben's objective is his to make active.
    assert t.run("ana", "team", "edit", "t-plat", "--approval", "off").code == 0
    t.sync("ana", "ben")
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben", status="active")]})
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    assert [t.status(who, "o-ben") for who in EVERYONE] == ["active"] * 3
