"""`okrtui export --format html`: one self-contained page, as `report` reads the period.

The browser checks (console, network, dialogs, layout) are in tests/browser/test_export_page.py;
these read the page's text and structure with the standard library's HTML parser."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from okrtui.storage.sqlite.quickread import read
from tests.helpers import TODAY, write_doc

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


class Outline(HTMLParser):
    """The tags, headings, table headers and attributes a page holds."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def handle_data(self, data):
        self.text.append(data)


def outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    return parser


def export(cli, db, *args):
    out = cli("--db", db, "export", "--format", "html", *args)
    assert out.code == 0, out.err
    return out.out


def test_the_page_holds_every_objective_and_kr_with_numbers_bands_and_charts(cli, demo_db):
    page = export(cli, demo_db)
    rep = read(demo_db, None, TODAY, team=False).report  # as `report` reads it: the reader's own
    text = " ".join(outline(page).text)
    for o in rep.objectives:
        assert o.title in text
        for kr in o.key_results:
            assert kr.title in text
    bands = {kr.band for kr in rep.key_results() if kr.band}
    assert bands == {"red", "yellow", "green"}  # the demo shows every band...
    for band in bands:  # ...as a word, in its colour's class
        assert re.search(rf'<span class="band band-{band}">{band}</span>', page)
    charts = page.count('<svg class="chart"')
    assert charts == len(rep.key_results())
    krs_part = page.replace(health_section(page), "")  # the health metrics have sparklines of their own
    assert krs_part.count('<svg class="spark"') == sum(1 for kr in rep.key_results() if kr.check_ins)
    assert "expected pace" in page and "forecast" in page and "fill-opacity" in page  # pace, forecast, a range's band
    assert "Dependencies" in text and "review: week of" in text


def test_the_page_is_self_contained_and_accessible(cli, demo_db):
    page = export(cli, demo_db)
    tags = outline(page)
    assert page.startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "en"}) in tags.tags
    assert any(tag == "title" for tag, _ in tags.tags)
    names = {tag for tag, _ in tags.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "base", "form"}
    for _, attrs in tags.tags:  # nothing to load: no src, no url, only references inside the page (#id)
        assert not {"src", "srcset", "action", "xlink:href"} & attrs.keys()
        assert attrs.get("href", "#").startswith("#")
        assert not any(k.startswith("on") for k in attrs)
    ids = [attrs["id"] for _, attrs in tags.tags if "id" in attrs]
    assert len(ids) == len(set(ids))  # each id once: the frame, the dot, the legends, each chart group
    assert {attrs["href"][1:] for _, attrs in tags.tags if "href" in attrs} <= set(ids)  # every reference found
    assert not re.search(r"url\((?!#)", page) and "@import" not in page
    assert "http" not in page.replace("http-equiv", "")
    csp = next(a for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp["content"].startswith("default-src 'none'")
    # Headings in order: h1 first, and never a level skipped going down.
    assert tags.headings[0] == 1
    assert all(b <= a + 1 for a, b in zip(tags.headings, tags.headings[1:], strict=False))
    # Every table header says what it heads.
    ths = [attrs for tag, attrs in tags.tags if tag == "th"]
    assert ths and all(a.get("scope") in ("col", "row") for a in ths)
    assert "@media print" in page and "break-before:page" in page and "@media (max-width:700px)" in page


def test_a_hostile_title_is_text(cli, tmp_path):
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-x", "title": HOSTILE, "period": "2026-Q4", "description": HOSTILE,
         "key_results": [{"id": "kr-x", "title": HOSTILE + "\u202e", "kind": "increase", "start": 0, "target": 10,
                          "unit": "</style><script>", "check_ins": [{"id": "c-x", "date": "2026-11-20",
                                                                     "value": 3, "note": HOSTILE}]}]}]}
    db = tmp_path / "x.db"
    assert cli("--db", db, "import", write_doc(tmp_path / "doc.json", doc)).code == 0
    page = export(cli, db, "--period", "2026-Q4")
    assert "<script" not in page and "<img" not in page and "</style><" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert "\u202e" not in page and "\\u202e" in page  # a direction override is shown, not obeyed
    assert HOSTILE in " ".join(outline(page).text)  # and a reader sees the title as it was typed


DOC = {"format": "okrtui/1", "objectives": [
    {"id": "o-shared", "title": "Shared goal", "period": "2026-Q4",
     "key_results": [{"id": "kr-s1", "title": "result s1", "kind": "increase", "start": 0, "target": 100}]},
    {"id": "o-secret", "title": "Secret plan", "period": "2026-Q4", "visibility": "private",
     "key_results": [{"id": "kr-p1", "title": "private result", "kind": "increase", "start": 0, "target": 100}]},
]}


def test_team_page_follows_report_team(cli, tmp_path):
    db = tmp_path / "me.db"
    assert cli("--db", db, "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    page = export(cli, db, "--team", "--period", "2026-Q4")
    for secret in ("Secret plan", "o-secret", "kr-p1", "private result"):
        assert secret not in page
    assert "Shared goal" in page and "1 objective · 1 key result" in page
    assert "Secret plan" in export(cli, db, "--period", "2026-Q4")  # the reader's own page keeps it


def test_team_counts_are_the_team_markdowns(cli, demo_db):
    page = export(cli, demo_db, "--team")
    md = cli("--db", demo_db, "report", "--team", "--format", "md").out
    want = re.search(r"on track (\d+) · at risk (\d+) · behind (\d+) · stale (\d+)", md).groups()
    got = re.search(r"on track (\d+)</span> · .*?at risk (\d+)</span> · .*?behind (\d+)</span> · stale (\d+)",
                    page).groups()
    assert got == want
    listed = [line for line in md.splitlines() if line.startswith("  - ")]
    assert f"{len(listed)} key results" in page  # each KR once, under who answers for it


def test_as_of_and_output_file(cli, demo_db, tmp_path):
    out = tmp_path / "page.html"
    assert cli("--db", demo_db, "export", "--format", "html", "--as-of", "2026-10-15", "-o", out).code == 0
    page = out.read_text("utf-8")
    assert "As of 2026-10-15" in page
    assert out.stat().st_mode & 0o777 == 0o600  # an export may hold private objectives


@pytest.mark.parametrize("args", [["--format", "json", "--team"], ["--format", "md", "--as-of", "2026-10-01"],
                                  ["--format", "html", "--period", "2026-Q9"], ["--format", "pdf"]])
def test_bad_flags_are_one_line_and_write_nothing(cli, demo_db, tmp_path, args):
    out = tmp_path / "page.html"
    result = cli("--db", demo_db, "export", *args, "-o", out)
    assert result.code == 2 and result.err.count("\n") == 1 and result.err.startswith("okrtui: error: ")
    assert not out.exists()


def test_escaping_shows_every_invisible_character_the_terminal_output_does():
    """svg.esc skips plain's search for printable text: that is safe only if every character plain
    rewrites is unprintable. Checked over every code point."""
    from okrtui.core.text import _CONTROL, plain
    from okrtui.method.svg import esc

    rewritten = [chr(c) for c in range(0x110000) if _CONTROL.match(chr(c))]
    assert rewritten and not any(ch.isprintable() for ch in rewritten)
    for ch in rewritten[::97]:
        assert esc(f"a{ch}<") == plain(f"a{ch}") + "&lt;"


def test_escaping_is_the_standard_librarys():
    """svg.esc writes html.escape's replacements itself (the page does not import the html package):
    the same text for every special character, in every combination."""
    import html
    import itertools

    from okrtui.method.svg import esc

    for parts in itertools.product("&<>\"'a;#x", repeat=4):
        text = "".join(parts)
        assert esc(text) == html.escape(text, quote=True), text
    assert esc(HOSTILE) == html.escape(HOSTILE) and esc(None) == esc("") == ""


def test_the_team_page_leaves_private_objectives_out_whatever_it_is_handed(cli, tmp_path):
    from okrtui.method import htmlpage

    db = tmp_path / "me.db"
    assert cli("--db", db, "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    rep = read(db, "2026-Q4", TODAY).report  # private objective included
    assert "Secret plan" in htmlpage.page(rep) and "Secret plan" not in htmlpage.page(rep, team=True)


def test_the_file_written_is_the_page_printed(cli, tmp_path):
    """-o writes the page as it is made (okrtui.core.output.joined_utf8), in pieces: the same bytes
    as the page printed whole, the hostile title's escapes included."""
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-x", "title": HOSTILE + "\u202e\x1b[31m", "period": "2026-Q4",
         "key_results": [{"id": f"kr-{i}", "title": f"{HOSTILE} é → {i}", "kind": "increase", "start": 0,
                          "target": 10, "check_ins": [{"id": f"c-{i}", "date": "2026-11-20", "value": i,
                                                       "note": "\u2066note"}]} for i in range(40)]}]}
    db = tmp_path / "x.db"
    assert cli("--db", db, "import", write_doc(tmp_path / "doc.json", doc)).code == 0
    out = tmp_path / "page.html"
    assert cli("--db", db, "export", "--format", "html", "--period", "2026-Q4", "--as-of", "2026-11-26",
               "-o", out).code == 0
    printed = export(cli, db, "--period", "2026-Q4", "--as-of", "2026-11-26")
    assert out.read_bytes() == printed.encode("utf-8")
    assert "\\u202e" in printed and "\\x1b" in printed and "\x1b" not in printed


def test_a_charts_points_are_its_numbers_at_the_plots_scale():
    """svg.Charts.chart writes each y as round(y) over x's formatted once per period: the same digits as
    the plain formula f"{y:.0f}" it replaced, on every kind of chart."""
    import datetime as dt

    from okrtui.method import periods, story, svg
    from okrtui.method.views import CheckInView, KRView, compute_kr

    span = periods.quarter_of(dt.date(2026, 11, 26))
    for kind, fields in (("increase", {"start": 3.3, "target": 71.7}), ("decrease", {"start": 90, "target": 12.5}),
                         ("range", {"low": 0.35, "high": 0.65}), ("milestone", {}), ("baseline", {})):
        values = [0.5, 1, 17.25, 33.3, 0.41, 64.05, 2.5]
        check_ins = [CheckInView(f"c{i}", span.start + dt.timedelta(days=3 + 11 * i), v, None, "")
                     for i, v in enumerate(values)]
        kr = KRView("k", "o", "t", kind, "", None, fields.get("start"), fields.get("target"), fields.get("low"),
                    fields.get("high"), 1.0, None, "", "me", 0, check_ins)
        compute_kr(kr, span, dt.date(2026, 11, 26), True, 7)
        s = story.kr_series(kr, span, dt.date(2026, 11, 26))
        days, (lo, hi) = max(s.days, 1), (s.lo, s.hi)
        sx, sy = svg.PLOT_W / days, svg.PLOT_H / ((hi - lo) or 1.0)
        base = svg.TOP + svg.PLOT_H + lo * sy
        pts = " ".join(f"{svg.LEFT + a * sx:.0f},{base - b * sy:.0f}" for a, b in zip(s.xs, s.ys, strict=True))
        drawn = _resolved(svg.Charts().chart(s, "label", "lg-0"), {})
        assert f'<polyline class="p" points="{pts}"/>' in drawn, kind
        for v in [e for e in (s.edges or ())] + [f for f in (s.forecast or ())]:
            assert f"{base - v * sy:.0f}" in drawn


# --- the Health section (report's, organised as the Health screen) ---------------------------------

def health_section(page: str) -> str:
    start = page.index('<section class="health">')
    return page[start:page.index("</section>", start) + len("</section>")]


def health_rows(page: str) -> list[tuple[str, str, str, str, str]]:
    """(name, status, latest, expected, streak) of each metric row, as a reader sees them, in order."""
    rows = re.findall(r'<tr><th scope="row" data-label="Metric">(.*?)</th><td data-label="Status">(.*?)</td>'
                      r'<td data-label="Latest">(.*?)</td><td data-label="Expected">(.*?)</td>'
                      r'<td data-label="Last 12">.*?</td><td data-label="Streak">(.*?)</td>', health_section(page))
    return [tuple("".join(outline(cell).text) for cell in row) for row in rows]


def test_the_health_section_shows_reports_metrics_unhealthy_first(cli, demo_db):
    for args in ([], ["--team"]):  # the same metrics as report's Health section, by the same rule
        page = export(cli, demo_db, *args)
        listed = json.loads(cli("--db", demo_db, "report", "--format", "json", *args).out)["metrics"]
        rows = health_rows(page)
        assert [r[0] for r in rows] == [m["name"] for m in listed]
        assert [r[1].split(" ")[1] for r in rows] == [m["status"].split(" ")[0] for m in listed]
    page = export(cli, demo_db, "--team")  # the demo's team: one metric unhealthy, one due
    assert health_rows(page) == [
        ("API uptime", "✗ unhealthy", "99.63 % (2026-11-23)", "≥ 99.9 %", "unhealthy for 3 weeks"),
        ("Support backlog", "✓ healthy ! due", "30.84 tickets (2026-10-01)", "≤ 40 tickets", "healthy for 12 months"),
        ("Cash runway", "✓ healthy", "18.92 months (2026-10-01)", "≥ 12 months", "healthy for 4 quarters"),
        ("Deploys per week", "✓ healthy", "29.04 deploys (2026-11-23)", "tracked", "healthy for 52 weeks")]
    section = health_section(page)
    assert "4 health metrics · " in section and "unhealthy 1</span>" in section and "due 1</span>" in section
    assert section.count('<svg class="spark"') == 4  # the last 12 windows, drawn...
    assert section.count('<rect class="b"') == 3  # ...with the healthy band of the three that have one
    assert 'aria-label="last 12 weeks of API uptime"' in section
    assert 'aria-label="last 12 months of Support backlog"' in section
    # Above the OKRs (as the review and the team screen show them), under a heading of its own.
    assert page.index('<section class="health">') < page.index('<section class="team">')
    assert "<h2>Health</h2>" in section and "<caption>" in section and '<th scope="col">Status</th>' in section


def test_health_metrics_are_escaped_have_no_data_and_keep_private_rules(cli, tmp_path):
    db = tmp_path / "m.db"
    assert cli("--db", db, "metric", "add", HOSTILE, "--unit", "</style><script>", "--at-least", "5").code == 0
    ids = {m["name"]: m["id"] for m in json.loads(cli("--db", db, "metric", "list", "--format", "json").out)["metrics"]}
    assert cli("--db", db, "metric", "record", ids[HOSTILE], "3").code == 0
    assert cli("--db", db, "metric", "add", "Quiet", "--unit", "x").code == 0
    assert cli("--db", db, "metric", "add", "Secret metric", "--unit", "x", "--private").code == 0
    page = export(cli, db)
    assert "<script" not in page and "<img" not in page and "</style><" not in page
    rows = health_rows(page)
    assert rows[0] == (HOSTILE, "✗ unhealthy", f"3 </style><script> ({TODAY})", "≥ 5 </style><script>",
                       "unhealthy for 1 week")  # shown as typed, escaped in the markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    # No measurement yet: "no data" (and due), no value, no line drawn, no streak.
    assert ("Quiet", "· no data ! due", "–", "tracked", "–") in rows
    assert 'aria-label="last 12 weeks of Quiet: no measurements"' in page
    assert "Secret metric" in page  # the reader's own page keeps their private metric...
    team = export(cli, db, "--team")
    assert "Secret metric" not in team  # ...the team page does not, as report --team
    assert [r[0] for r in health_rows(team)] == [HOSTILE, "Quiet"] and "2 health metrics" in team


def test_a_page_without_metrics_has_no_health_section(cli, tmp_path):
    db = tmp_path / "me.db"
    assert cli("--db", db, "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    assert '<section class="health">' not in export(cli, db, "--period", "2026-Q4")  # as report's


def test_the_health_sparkline_keeps_gaps_dots_and_the_band():
    from okrtui.method.svg import health_spark

    drawn = health_spark([None, 1.0, 3.0, None, 2.0, None], 2.5, None, "x")
    path = re.search(r'd="([^"]*)"', drawn).group(1)
    assert path == "M14.0,16.0L26.0,4.0M50.0,10.0h0"  # a gap breaks the line; a lone value is a dot
    assert '<rect class="b" x="0" y="0.0" width="64" height="7.0"/>' in drawn  # at least 2.5: above its y
    flat = health_spark([4.0, 4.0], None, 3.0, "x")  # at most 3, every value 4: no band in sight
    assert "<rect" not in flat and 'd="M2.0,10.0L62.0,10.0"' in flat
    assert "<svg" not in health_spark([None, None], 1.0, 2.0, "x")


def _round_ticks_as_written_first(lo: float, hi: float, most: int = 5) -> list[tuple[float, str]]:
    """story.round_ticks as it was before its steps were made once per power of ten (the oracle)."""
    import math

    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return []
    exponent = math.floor(math.log10((hi - lo) / most))
    for e in (exponent, exponent + 1):
        for m in (1.0, 2.0, 2.5, 5.0):
            step = m * 10.0 ** e
            first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
            if last - first + 1 <= most:
                decimals = max(0, -e + (1 if m == 2.5 else 0))
                return [(round(k * step, decimals), f"{round(k * step, decimals) + 0.0:.{decimals}f}")
                        for k in range(first, last + 1)]
    return []


def test_round_ticks_are_the_same_ticks_as_before_they_were_made_faster():
    import random

    from okrtui.method.story import round_ticks

    rng = random.Random(29)
    for _ in range(20_000):
        scale = 10.0 ** rng.randint(-6, 9)
        lo = rng.uniform(-2, 2) * scale
        hi = lo + rng.choice([rng.uniform(0, 3), 1.0, 0.5, 2.5, 10.0]) * scale
        assert round_ticks(lo, hi) == _round_ticks_as_written_first(lo, hi), (lo, hi)
    assert round_ticks(-0.04, 0.04) == _round_ticks_as_written_first(-0.04, 0.04)  # never "-0"


def _chart_as_written_before(s, label: str, legend: str) -> str:
    """svg.chart as it was before its y range's markup was made once per range (the oracle): the
    shared frame, the y axis, start, target and pace or the band, the legend, then the chart's own
    forecast and check-ins, each line with its look written out (the shared ones as attributes)."""
    from okrtui.method import svg

    lo, hi = s.lo, s.hi
    days = max(s.days, 1)
    x0, x1 = f"{svg.LEFT:.0f}", f"{svg.LEFT + s.days * (svg.PLOT_W / days):.0f}"
    x_at = {float(d): f"{svg.LEFT + float(d) * (svg.PLOT_W / days):.0f}" for d in range(days + 1)}
    sy = svg.PLOT_H / ((hi - lo) or 1.0)
    base = svg.TOP + svg.PLOT_H + lo * sy
    head = f'<svg class="chart" viewBox="0 0 600 220" role="img" aria-label="{label}"><title>{label}</title>'
    if s.y_ticks:
        ticks = "".join(f'<text x="48" y="{base - v * sy + 4:.0f}" text-anchor="end" class="tick">{svg.esc(t)}</text>'
                        for v, t in s.y_ticks)
    else:
        step = hi - lo
        ticks = "".join(f'<text x="48" y="{base - v * sy + 4:.0f}" text-anchor="end" class="tick">{v:.3g}</text>'
                        for v in (lo + step * 1 / 4, lo + step * 2 / 4, lo + step * 3 / 4))

    def line(look: str, ya: float, yb: float) -> str:
        return f'<polyline {svg.AXIS_LINE[look]} points="{x0},{ya:.0f} {x1},{yb:.0f}"/>'

    shared, own = ticks, ""
    if s.shape == "scale" and s.edges is not None:
        y0, y1 = base - s.edges[0] * sy, base - s.edges[1] * sy
        shared += line("s", y0, y0) + line("t", y1, y1) + line("e", y0, y1)
        if s.forecast is not None:
            f0, f1 = base - s.forecast[0] * sy, base - s.forecast[1] * sy
            own += f'<polyline class="f" points="{x_at[s.xs[0]]},{f0:.0f} {x1},{f1:.0f}"/>'
    elif s.shape == "band" and s.edges is not None:
        top, bottom = base - max(s.edges) * sy, base - min(s.edges) * sy
        yh, yl = base - s.edges[1] * sy, base - s.edges[0] * sy
        shared = (f'<rect fill="#1a7f37" fill-opacity=".15" x="52" y="{top:.0f}" width="536" height="{bottom - top:.0f}"/>'
                  + ticks + line("t", yh, yh) + line("t", yl, yl))
    if s.xs:
        own += '<polyline class="p" points="' + " ".join(f"{x_at[a]},{base - b * sy:.0f}"
                                                         for a, b in zip(s.xs, s.ys, strict=True)) + '"/>'
    return f'{head}<use href="#frame"/>{shared}<use href="#{legend}"/>{own}</svg>'


def _resolved(drawn: str, groups: dict[str, str]) -> str:
    """A chart as a reader's browser draws it: its `<defs>` group (the first chart of its kind holds
    it, kept in `groups` for the later ones) in place of the `<use>` that draws it."""
    found = re.search(r'<defs><g id="(a\d+)">(.*?)</g></defs>', drawn)
    if found:
        assert found.group(1) not in groups  # each group defined once on a page
        groups[found.group(1)] = found.group(2)
        drawn = drawn.replace(found.group(0), "")
    uses = re.findall(r'<use href="#(a\d+)"/>', drawn)
    assert len(uses) == 1
    return drawn.replace(f'<use href="#{uses[0]}"/>', groups[uses[0]])


def test_charts_sharing_a_y_range_each_draw_their_own_lines_as_before():
    """svg.Charts.chart makes what hangs on the y range alone once per range (svg._axes): charts that
    share a range, or differ only in shape, edges, ticks or period, each still draw exactly what
    they drew before, in any order, their own check-ins and forecast included."""
    import random

    from okrtui.method import story, svg

    rng = random.Random(2929)
    ranges = [(-8.0, 108.0), (-0.15, 1.15), (3.6, 96.4), (-0.0, 4.0), (0.0, 4.0), (5.0, 5.0)]
    # Check-in days many charts share, as story.check_in_days hands them out (svg._points: once per days).
    shared = [tuple(sorted(float(rng.randint(0, 90)) for _ in range(n))) for n in (1, 2, 5, 9, 9, 13)]
    made = []
    for _ in range(3000):
        lo, hi = rng.choice(ranges)
        days = rng.choice([90, 91, 92])
        shape = rng.choice(["scale", "band", "done", "points"])
        edges = rng.choice([None, (0.0, 100.0), (100.0, 0.0), (lo, hi), (20.0, 80.0)])
        ticks = rng.choice([story.ticks_of(lo, hi), (), ((0.0, "not done"), (1.0, "done")), list(story.ticks_of(lo, hi)),
                            ((50.0, "<&>"),)])
        if rng.random() < 0.5:
            xs = rng.choice(shared)
            n = len(xs)
        else:
            n = rng.randint(0, 9)
            xs = sorted(float(rng.randint(0, days)) for _ in range(n))
        # Values many charts share on a scale (svg._y_texts: each y written once per scale), zeros of
        # both signs and a NaN among them, or values of their own.
        ys = ([rng.choice([0.0, -0.0, 25.0, 50.5, 99.5, lo, hi, float("nan")]) for _ in range(n)] if rng.random() < 0.5
              else [rng.uniform(lo, hi) for _ in range(n)])
        forecast = (rng.uniform(lo, hi), rng.uniform(lo, hi)) if n and rng.random() < 0.7 else None
        made.append(story.Series(shape, days, xs, ys, lo, hi, edges, forecast, ticks))  # type: ignore[arg-type]
    svg._AXES.clear()
    charts, groups = svg.Charts(), {}
    for i, s in enumerate(made):
        legend = f"lg-{i % 2}"
        assert _resolved(charts.chart(s, f"c{i}", legend), groups) == _chart_as_written_before(s, f"c{i}", legend), s
    assert 0 < len(groups) < len(made)  # charts of one range and kind drew theirs by reference
    assert 0 < len(svg._AXES) < len(made)  # the ranges were shared
    assert sum(len(svg._frame(days).points) for days in (90, 91, 92)) < len(made)  # and check-in days
    assert sum(len(axes[4]) for axes in svg._AXES.values()) < sum(len(s.ys) for s in made)  # and values



def test_sparklines_are_drawn_as_the_plain_formula_draws_them():
    """svg.sparkline is one %-format per line made once per length (svg._spark), each y read from a
    table by its tenths: lines of any length, flat, single, repeated and arbitrary values, y's on a
    half-tenth (rounded up), NaN, infinities, the least and greatest floats, and labels holding "%",
    each draw what the plain formula draws: y = 16 - (v - lo) / r * 12 to the nearest tenth, a half
    up, and "%.1f" of y for every value when one is not finite."""
    import math
    import random

    from okrtui.method import svg

    def before(values, label):
        vals = list(values)[-8:]
        if not vals:
            return svg.NO_SPARK
        lo, hi = min(vals), max(vals)
        step = 60 / max(len(vals) - 1, 1)
        if hi == lo:
            ys = ["16.0"] * len(vals)
        else:
            tenths = [160.5 - (v - lo) * (120 / (hi - lo)) for v in vals]
            ys = ([f"{math.floor(t) / 10:.1f}" for t in tenths] if all(map(math.isfinite, tenths))
                  else [f"{16 - (v - lo) / (hi - lo) * 12:.1f}" for v in vals])
        pts = " ".join(f"{2 + i * step:.1f},{y}" for i, y in enumerate(ys))
        return svg.SPARK % (label, pts)

    rng = random.Random(2930)
    odd = [0.0, 1.0, 3.0, 24.0, 48.0, 0.125, 0.1, 0.3, 5e-324, 1e-300, 1e308, -1e308, math.nan, math.inf, -math.inf]
    for i in range(6000):
        n = rng.randint(0, 11)
        pick = rng.random()
        values = ([rng.choice([0.0, -0.0, 1.0, 2.5, 100.0]) for _ in range(n)] if pick < 0.3
                  else [rng.choice(odd) for _ in range(n)] if pick < 0.5
                  else [float(rng.randint(0, 240)) for _ in range(n)] + [0.0, 240.0] if pick < 0.7  # half-tenths: 15.75
                  else [rng.choice([float(rng.randint(0, 100)), rng.uniform(-1e6, 1e6)]) for _ in range(n)])
        label = rng.choice([f"s{i}", "100% &amp; %s %d", ""])
        assert svg.sparkline(values, label) == before(values, label), (values, label)
    assert svg.sparkline([float(i) for i in range(8)], "e") == before([float(i) for i in range(8)], "e")  # eight: its f-string


def test_titles_escaped_together_read_as_each_escaped_alone():
    """svg.esc_all escapes a page's titles as one text: every list of titles, hostile or not (markup,
    quotes, ampersands, newlines, controls, bidi overrides, escape codes, empty and None), gives
    exactly what esc gives each title on its own."""
    import random

    from okrtui.method import svg

    pieces = ["Grow", "<script>alert(1)</script>", "a & b", "\"quoted\" 'single'", "two\nlines", "\x1b[31mred",
              "\u202eevil", "tab\there", "", "→ 100 %", "[bold]markup[/]", "\r", "\x85", "\u2028", "&amp;"]
    rng = random.Random(31)
    for _ in range(3000):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 3))) for _ in range(rng.randint(0, 6))]
        if texts and rng.random() < 0.2:
            texts[rng.randrange(len(texts))] = None  # type: ignore[call-overload]
        assert svg.esc_all(texts) == [svg.esc(t) for t in texts], texts
    printable = ["Result <1> & \"2\"", "", "plain"]
    assert svg.esc_all(printable) == ["Result &lt;1&gt; &amp; &quot;2&quot;", "", "plain"]


def test_a_grade_bar_is_filled_to_the_score_in_tenths_of_a_pixel(demo_db):
    """The grade bar's fill is the score (kept between 0 and 1) times 50 px to the nearest tenth,
    in the band's colour; scores that round to one width share one bar, made once per page."""
    from okrtui.method import htmlpage, svg

    def fill(score: float) -> str:
        track, bar = re.findall(r'<rect width="([\d.]+)" height="8" fill="(#\w+)"/>', svg.grade_bar(score, "yellow"))
        return bar[0]

    assert [fill(s) for s in (0.0, 0.574, 0.5749, 0.999, 1.0, 1.7, -0.3)] == ["0.0", "28.7", "28.7", "50.0", "50.0",
                                                                              "50.0", "0.0"]
    assert svg.grade_bar(None, None) == svg.NO_BAR
    assert 'fill="#b42318"' in svg.grade_bar(0.1, "red") and 'fill="#57606a"' in svg.grade_bar(0.1, None)
    rows = htmlpage._Rows(read(demo_db, None, TODAY, team=False).report, {})
    assert rows.grade(0.5741, 0.6, "yellow") is rows.grade(0.5742, 0.6, "yellow")
    assert rows.grade(0.5741, 0.6, "yellow") != rows.grade(0.58, 0.6, "yellow")
    assert len(rows.bars) == 2 and len(rows.grades) == 3
