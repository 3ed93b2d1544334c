"""The HTML export in a real browser: no console error, no request, nothing run, readable on a phone."""

from __future__ import annotations

import json

from okrtui.storage.sqlite.quickread import read
from tests.browser.chromium import ink
from tests.helpers import TODAY, write_doc

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def open_page(browser, path, viewport=None):
    """The page opened from its file, with every request, console error and dialog recorded.
    Any request leaving the file is aborted (routed), so a slip could not reach anywhere."""
    seen = {"requests": [], "errors": [], "dialogs": []}
    page = browser.new_page(viewport=viewport or {"width": 1200, "height": 900})
    url = path.resolve().as_uri()
    page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(url, wait_until="load")
    return page, seen, url


def test_the_export_opens_clean_and_shows_every_objective_and_band(browser, cli, demo_db, tmp_path):
    out = tmp_path / "okrs.html"
    assert cli("--db", demo_db, "export", "--format", "html", "-o", out).code == 0
    page, seen, url = open_page(browser, out)
    try:
        assert seen["requests"] == [url]  # the file itself, and nothing else
        assert seen["errors"] == [] and seen["dialogs"] == []
        assert ink(page.screenshot(full_page=False)) > 0.01  # not a blank page
        body = page.inner_text("body")
        rep = read(demo_db, None, TODAY, team=False).report
        for o in rep.objectives:
            assert o.title in body
        colours = {}
        for band in ("red", "yellow", "green"):
            badge = page.locator(f".band-{band}").first
            assert badge.inner_text() == band  # the word...
            colours[band] = badge.evaluate("e => getComputedStyle(e).backgroundColor")
        assert len(set(colours.values())) == 3  # ...and a colour of its own
        charts = page.locator("svg.chart")
        assert charts.count() == len(rep.key_results())
        box = charts.first.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 60  # drawn, not collapsed
        assert page.locator("script, img, link, iframe").count() == 0
        # The Health section: every metric of report's, each with its status as a word (and a mark).
        metrics = json.loads(cli("--db", demo_db, "report", "--format", "json").out)["metrics"]
        rows = page.locator("table.health tbody tr")
        assert rows.count() == len(metrics) > 0
        for i, m in enumerate(metrics):
            assert rows.nth(i).locator("th").inner_text() == m["name"]
            status = rows.nth(i).locator('td[data-label="Status"]').inner_text()
            assert m["status"] in status and status[0] in "✓✗·"
    finally:
        page.close()


def test_every_metric_and_status_word_of_the_team_page_is_in_the_dom(browser, cli, demo_db, tmp_path):
    out = tmp_path / "team.html"
    assert cli("--db", demo_db, "export", "--format", "html", "--team", "-o", out).code == 0
    page, seen, url = open_page(browser, out)
    try:
        metrics = json.loads(cli("--db", demo_db, "report", "--team", "--format", "json").out)["metrics"]
        health = page.locator("section.health")
        text = health.inner_text()
        for m in metrics:
            assert m["name"] in text
        words = [r.inner_text() for r in health.locator('td[data-label="Status"]').all()]
        assert words == [{"unhealthy": "✗ unhealthy", "healthy": "✓ healthy", "no data": "· no data"}[m["status"]]
                         + (" ! due" if m["due"] else "") for m in metrics]
        assert {"unhealthy", "healthy", "due"} <= set(" ".join(words).split())
        assert health.locator("svg.spark").count() == len(metrics)
        assert page.locator("h2").first.inner_text() == "Health"
        assert seen["errors"] == [] and seen["requests"] == [url]
    finally:
        page.close()


def test_a_hostile_title_shows_as_text_and_runs_nothing(browser, cli, tmp_path):
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-x", "title": HOSTILE, "period": "2026-Q4", "description": HOSTILE,
         "key_results": [{"id": "kr-x", "title": HOSTILE, "kind": "increase", "start": 0, "target": 10,
                          "check_ins": [{"id": "c-x", "date": "2026-11-20", "value": 3, "note": HOSTILE}]}]}]}
    db = tmp_path / "x.db"
    assert cli("--db", db, "import", write_doc(tmp_path / "doc.json", doc)).code == 0
    assert cli("--db", db, "metric", "add", HOSTILE, "--unit", "</style><script>",
               "--at-least", "5").code == 0
    for args in ([], ["--team"]):  # the team page quotes the latest note too
        out = tmp_path / "x.html"
        assert cli("--db", db, "export", "--format", "html", "--period", "2026-Q4", *args, "-o", out).code == 0
        page, seen, url = open_page(browser, out)
        try:
            assert page.locator("h4").first.inner_text() == HOSTILE  # shown literally
            assert page.inner_text("body").count(HOSTILE) >= 3
            assert page.locator("table.health tbody th").inner_text() == HOSTILE  # the metric's name too
            assert "</style><script>" in page.locator("table.health").inner_text()
            assert page.locator("script, img").count() == 0
            assert seen["dialogs"] == [] and seen["errors"] == [] and seen["requests"] == [url]
        finally:
            page.close()


def test_phone_width_has_no_sideways_scroll(browser, cli, demo_db, tmp_path):
    out = tmp_path / "okrs.html"
    assert cli("--db", demo_db, "export", "--format", "html", "--team", "-o", out).code == 0
    page, seen, _ = open_page(browser, out, viewport={"width": 375, "height": 812})
    try:
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] == 375
        header = page.locator("thead").first.bounding_box()
        assert header is None or header["height"] <= 1  # table headers become each cell's label
        assert page.locator("table.krs td").first.evaluate("e => getComputedStyle(e).display") == "block"
        assert seen["errors"] == []
    finally:
        page.close()
