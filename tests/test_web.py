"""The dashboard in a real browser: headless Chromium (the system's package, driven by
Playwright) loads every page from the test server over real articles, checks what is visible
and saves a screenshot of each (their paths are listed at the end of the test run). Skips when
no chromium is installed; .ci/run installs it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SCREENSHOTS, start_server

pytest.importorskip("fastapi")
sync_api = pytest.importorskip("playwright.sync_api")

expect = sync_api.expect

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).is_file()), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (`apt-get install chromium`)")

# No network, no background services, no GPU: the machine may have neither.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
         "--no-default-browser-check", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM,
            headless=True, args=FLAGS, viewport={"width": 1280, "height": 900}, service_workers="block")
        yield context
        context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def page(browser, live_server):
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" and "Failed to load resource" not in msg.text else None)  # 404s are tested apart
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith((live_server, "data:")) else None)
    page.base = live_server
    yield page
    page.close()
    assert not outside, f"the dashboard asked for something outside the server: {outside}"
    assert not problems, problems


def snap(page, shots: Path, name: str) -> None:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    SCREENSHOTS.append(str(path))
    print(f"screenshot: {path}")


def test_overview_shows_counts_latest_events_and_articles(page, shots):
    page.goto(page.base + "/")
    page.wait_for_selector("#latest tr.event-row")
    cards = page.inner_text("#summary")
    assert "4\narticles" in cards and "event mentions" in cards
    assert page.locator("#latest tr.event-row").count() >= 5
    assert page.locator("#articles li").count() == 4
    assert "Omo river" in page.inner_text("#articles")
    assert page.locator("#types .bar-row").count() >= 3
    assert page.locator(".nav a.active").inner_text() == "Overview"
    snap(page, shots, "01-overview")


def test_events_table_filters_and_links_to_the_article(page, shots):
    page.goto(page.base + "/events")
    page.wait_for_selector("tr.event-row")
    total = page.locator("tr.event-row").count()
    assert total >= 10 and "event mentions match" in page.inner_text("#count")
    page.fill("input[name=text]", "Omo river")
    page.click("#filters button[type=submit]")
    expect(page.locator("#count")).to_contain_text("showing 1–")
    expect(page.locator("tr.event-row")).not_to_have_count(total)
    assert "text=Omo+river" in page.url
    snap(page, shots, "02-events-filtered")
    page.locator("tr.event-row a").first.click()
    page.wait_for_selector("#doc .hl-event")
    assert "Omo" in page.inner_text("#doc")
    page.goto(page.base + "/events?actor=%27%20OR%201%3D1--")
    expect(page.locator("#count")).to_contain_text("No event matches")


def test_article_view_highlights_units_and_explains_an_event_on_hover(page, shots, live_server):
    import httpx

    aid = httpx.get(live_server + "/api/v1/search", params={"q": "Omo river"}).json()["articles"]["items"][0]["id"]
    page.goto(page.base + f"/article?id={aid}")
    page.wait_for_selector("#doc .hl-event")
    for kind in ("entity", "place", "time", "quantity", "quote", "event"):
        assert page.locator(f"#doc .hl-{kind}").count() >= 1, kind
    assert "Kenya and Ethiopia agree" in page.inner_text("h1")
    trigger = page.locator("#doc .hl-event").first
    trigger.hover()
    page.wait_for_selector("#details dl")
    details = page.inner_text("#details")
    assert "trigger" in details and "actor" in details and "score" in details
    assert trigger.inner_text().strip() in details  # the trigger's words are quoted as evidence
    assert page.locator("#doc .evidence-trigger").count() >= 1
    assert page.locator("#event-list li").count() >= 3
    snap(page, shots, "03-article-hover")
    page.goto(page.base + "/article?id=..%2F..%2Fetc%2Fpasswd")
    page.wait_for_selector("#head .error")
    assert "nothing at" in page.inner_text("#head")  # the encoded slashes never reach a file or the store
    page.goto(page.base + "/article?id=a..b")
    page.wait_for_selector("#head .error")
    assert "invalid article id" in page.inner_text("#head")


def test_timeline_draws_bars_and_a_score_line(page, shots):
    page.goto(page.base + "/timeline")
    page.wait_for_selector("#chart svg rect.bar")
    assert page.locator("#chart rect.bar").count() >= 3
    assert page.locator("#chart path.score-line").count() == 1
    assert "2025-03" in page.inner_text("#chart")
    page.select_option("select[name=group]", "dyad")
    page.click("#filters button[type=submit]")
    expect(page.locator("#table")).to_contain_text("Dyad")
    assert "→" in page.inner_text("#table")
    snap(page, shots, "04-timeline")


def test_map_draws_the_offline_world_and_event_locations(page, shots):
    page.goto(page.base + "/map")
    page.wait_for_selector("#map svg circle.site")
    assert page.locator("#map path.country").count() > 150  # Natural Earth 1:110m has 177 countries
    assert page.locator("#map circle.site").count() >= 3
    d = page.locator("#map path.country").first.get_attribute("d")
    assert d.startswith("M") and len(d) > 20
    assert "Lat, lon" in page.inner_text("#table")
    snap(page, shots, "05-map")


def test_network_draws_actors_and_weighted_coloured_edges(page, shots):
    page.goto(page.base + "/network")
    page.wait_for_selector("#network svg .node")
    assert page.locator("#network .node").count() >= 4
    assert page.locator("#network .edge").count() >= 3
    colours = {page.locator("#network .edge line").nth(i).get_attribute("stroke")
               for i in range(page.locator("#network .edge line").count())}
    assert len(colours) >= 2  # conflict and cooperation are told apart
    snap(page, shots, "06-network")


def test_paste_an_article_extracts_it_live(page, shots):
    page.goto(page.base + "/extract")
    page.fill("#text", "Brazil and Argentina agree to cut tariffs\n\nBRASILIA — Brazil and Argentina agreed on "
                       "Tuesday to cut tariffs on steel. Police arrested 20 protesters in Brasilia, officials said.")
    page.fill("#published", "2025-05-14")
    page.click("#run")
    page.wait_for_selector("#doc .hl-event", timeout=60_000)
    assert "events" in page.inner_text("#status") and page.locator("#event-list li").count() >= 2
    assert page.locator("#doc .hl-place").count() >= 1
    page.locator("#doc .hl-event").first.hover()
    assert "trigger" in page.inner_text("#details")
    snap(page, shots, "07-paste-an-article")


def test_empty_store_shows_guidance(browser, tmp_path, shots, engine):
    from eventwire.api import create_app

    url, stop = start_server(create_app(tmp_path / "empty.db", engine=engine))
    try:
        page = browser.new_page()
        page.goto(url + "/")
        page.wait_for_selector("#empty")
        text = page.inner_text("#empty")
        assert "is empty" in text and "eventwire ingest" in text and "paste an article" in text
        snap(page, shots, "08-empty-store")
        page.close()
    finally:
        stop()


def test_every_page_shares_one_layout_and_marks_its_nav_link(live_server):
    import re

    import httpx

    from eventwire.api.app import PAGES

    navs = set()
    for p in PAGES:
        r = httpx.get(live_server + p.route)
        assert r.status_code == 200 and "default-src 'self'" in r.headers["content-security-policy"]
        html = r.text
        assert html.count("<main>") == 1 and html.count('<nav class="nav">') == 1 and f"<title>{p.title} · eventwire" in html
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []  # no inline script (the CSP forbids them)
        assert " style=" not in html and " on" + "click=" not in html
        nav = html[html.index('<nav class="nav">'):html.index("</nav>")]
        active = re.findall(r'<a href="([^"]+)" class="active" aria-current="page">', nav)
        assert active == ([p.route] if p.nav else [])
        navs.add(nav.replace(' class="active" aria-current="page"', ""))
        assert f'<script src="/static/{p.script}"></script>' in html
    assert len(navs) == 1  # the same navigation on every page
    (nav,) = navs
    assert re.findall(r'href="([^"]+)"', nav) == [p.route for p in PAGES if p.nav]


def test_stories_list_merged_events_and_open_to_their_mentions(page, shots):
    page.goto(page.base + "/stories")
    page.wait_for_selector("tr.story-row")
    rows = page.locator("tr.story-row").count()
    assert rows >= 3 and "merged events match" in page.inner_text("#count")
    assert page.locator(".nav a.active").inner_text() == "Stories"
    biggest = max(range(rows), key=lambda i: int(page.locator("tr.story-row .toggle").nth(i).inner_text().split()[0]))
    row = page.locator("tr.story-row").nth(biggest)
    mentions = int(row.locator(".toggle").inner_text().split()[0])
    row.locator(".toggle").click()
    page.wait_for_selector("tr.mentions-row li.mention")
    items = page.locator("tr.mentions-row li.mention")
    assert 1 <= items.count() <= mentions and row.locator(".toggle").get_attribute("aria-expanded") == "true"
    assert page.locator("tr.mentions-row mark.trigger").count() == items.count()  # each sentence shows its trigger
    snap(page, shots, "09-stories")
    trigger = page.locator("tr.mentions-row mark.trigger").first.inner_text()
    items.first.locator("a").click()
    page.wait_for_selector("#doc .evidence-trigger")
    assert "event=" in page.url and trigger in page.inner_text("#details")
    page.go_back()
    page.wait_for_selector("tr.story-row")
    page.fill("input[name=text]", "Omo river")
    page.click("#filters button[type=submit]")
    expect(page.locator("tr.story-row")).not_to_have_count(rows)
    page.goto(page.base + "/stories?text=zeppelin")
    expect(page.locator("#count")).to_contain_text("No merged event matches")


def test_monitor_on_a_store_never_watched_explains_how_to_start(page, shots):
    page.goto(page.base + "/monitor")
    page.wait_for_selector("#monitor-empty")
    text = page.inner_text("#monitor-empty")
    assert "never been watched" in text and "eventwire watch FEED_URL --db corpus.db" in text
    assert "eventwire alert add" in text and page.locator("#monitor").is_hidden()
    assert page.locator(".nav a.active").inner_text() == "Monitor"
    snap(page, shots, "10-monitor-empty")


def test_monitor_shows_sources_errors_rules_and_the_alert_log(browser, watched_server, shots):
    from conftest import SECRET

    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        page.goto(watched_server + "/monitor")
        page.wait_for_selector("#sources-table")
        sources = page.inner_text("#sources-table")
        assert page.locator("#sources-table tbody tr").count() == 2 and "/feed.xml" in sources and "refused" in sources
        assert page.locator("#sources-table .badge.status-ok").count() == 1
        assert page.locator("#sources-table .badge.status-error").count() == 1
        assert page.locator("#rounds-table tbody tr").count() == 1 and "#1" in page.inner_text("#rounds-table")
        assert "refused" in page.inner_text("#errors-table")
        assert page.locator("#rules-table tbody tr").count() == 3 and "kenya-talks" in page.inner_text("#rules-table")
        log = page.locator("#deliveries-table tbody tr")
        assert log.count() == 3 and page.locator("#deliveries-table .badge.status-pending").count() == 1
        assert SECRET not in page.content()
        snap(page, shots, "11-monitor")
        page.locator("#deliveries-table a").first.click()
        page.wait_for_selector("#story li.mention")
        assert page.locator("#story mark.trigger").count() >= 1
    finally:
        page.close()
    assert not problems, problems
