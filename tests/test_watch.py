"""Live monitoring (`eventwire.watch`, `eventwire watch`): against a real feed server and a real
webhook receiver, both on loopback, serving articles written for these tests."""
from __future__ import annotations

import hashlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.watch import Deliverer, Fetcher, FetchError, WatchStatus, Watcher, add_rule, parse_source
from eventwire.watch.feeds import FeedError, parse_feed

# -- articles and feeds ------------------------------------------------------------------------

ARTICLES = {
    "/news/kharkiv-strike.html": (
        "Missile strike on Kharkiv",
        "Russian forces attacked the Ukrainian city of Kharkiv on Tuesday, killing three civilians, "
        "local officials said. The strike hit a residential district in the north of the city. Rescue "
        "teams searched the damaged buildings for survivors until late in the evening."),
    "/news/nairobi-talks.html": (
        "Leaders meet in Nairobi",
        "Kenya's president met Ethiopia's prime minister in Nairobi on Monday to discuss the dam on "
        "the Omo river. Both governments described the talks as friendly and promised a further "
        "round of meetings before the rainy season."),
    "/news/kharkiv-followup.html": (
        "Kharkiv clears the rubble",
        "Russia's military launched a missile attack on Kharkiv on Tuesday, Ukrainian authorities "
        "said. Emergency crews worked through the night to clear the rubble, and the city council "
        "opened two schools as shelters for families who lost their homes."),
    "/news/kharkiv-toll.html": (
        "Kharkiv toll rises",
        "Russian troops shelled Kharkiv on Tuesday, the regional governor said on Wednesday. The "
        "number of wounded rose to twenty as doctors treated residents hurt when a block of flats "
        "partly collapsed."),
}
# The same text as the first article, at another address: stored once (same content hash).
ARTICLES["/mirror/strike-copy.html"] = ARTICLES["/news/kharkiv-strike.html"]
PUBLISHED = "Wed, 07 May 2025 09:00:00 GMT"


def page(title: str, text: str) -> bytes:
    return (f"<!doctype html><html><head><title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
            f"<article><h1>{title}</h1>" + "".join(f"<p>{s.strip()}.</p>" for s in text.split(". ") if s)
            + "</article><footer>Loopback Daily</footer></body></html>").encode()


def rss(paths: list[str], title: str = "Loopback Daily") -> bytes:
    items = "".join(
        f"<item><title>{ARTICLES[p][0]}</title><link>{p}</link><guid>{p}</guid>"
        f"<pubDate>{PUBLISHED}</pubDate></item>" for p in paths)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>/</link><description>test feed</description>{items}</channel></rss>").encode()


# -- the servers -------------------------------------------------------------------------------

class Site:
    """A small web site on loopback: `routes` maps a path to (status, headers, body) or to a
    callable that writes the answer itself; every request is logged."""

    def __init__(self):
        self.routes: dict = {}
        self.log: list[tuple[str, str, dict]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):
                site.log.append(("GET", self.path, dict(self.headers)))
                route = site.routes.get(self.path)
                if route is None:
                    return self._send(404, {"Content-Type": "text/plain"}, b"not found")
                if callable(route):
                    return route(self)
                status, headers, body = route
                etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    return self._send(304, {"ETag": etag}, b"")
                self._send(status, {**headers, "ETag": etag} if status == 200 else headers, body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                site.log.append(("POST", self.path, dict(self.headers)))
                site.posts.append((dict(self.headers), body))
                status = site.post_status.pop(0) if site.post_status else 200
                site.answered.append(status)
                self._send(status, {"Content-Type": "text/plain"}, b"ok")

            def _send(self, status, headers, body):
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.posts: list = []
        self.post_status: list[int] = []  # answers to the next POSTs (then 200)
        self.answered: list[int] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def html(self, path: str) -> None:
        self.routes[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, page(*ARTICLES[path]))

    def feed(self, path: str, body: bytes) -> None:
        self.routes[path] = (200, {"Content-Type": "application/rss+xml"}, body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    s = Site()
    for path in ARTICLES:
        s.html(path)
    yield s
    s.close()


@pytest.fixture
def hook():
    s = Site()
    yield s
    s.close()


def dead_url() -> str:
    """A loopback URL where nothing listens: connection refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/feed.xml"


def watcher(db: Path, engine, **kw) -> Watcher:
    return Watcher(db, engine=engine, fetcher=Fetcher(timeout=5, deadline=10, max_bytes=1_000_000,
                                                      trust_env=False),
                   deliverer=Deliverer(tries=3, backoff=0.01, trust_env=False), **kw)


def rows(db: Path, sql: str, *params) -> list[tuple]:
    from eventwire.store.schema import connect

    conn = connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def merged_counts(db: Path) -> list[tuple]:
    """(type, actors, mention_count, source_count, first_seen, last_seen) of the merged events
    of Russian attacks, most mentioned first."""
    return rows(db, "SELECT type, actors, mention_count, source_count, first_seen, last_seen FROM merged_events"
                    " WHERE type = 'ASSAULT' AND actors = 'RUS' ORDER BY mention_count DESC, id")


# -- three rounds, a restart, and the alert log ------------------------------------------------

STRIKE, TALKS, FOLLOWUP, COPY, TOLL = ("/news/kharkiv-strike.html", "/news/nairobi-talks.html",
                                       "/news/kharkiv-followup.html", "/mirror/strike-copy.html",
                                       "/news/kharkiv-toll.html")


def test_three_rounds_then_a_restart(tmp_path, site, hook, engine):
    db, alerts_file = tmp_path / "news.db", tmp_path / "alerts.jsonl"
    feed, dead = parse_source(site.url + "/feed.xml"), parse_source(dead_url())
    w = watcher(db, engine)
    growing = add_rule(w.conn, actor="RUS", type="ASSAULT", min_mentions=3, webhook=hook.url + "/hook")
    talks = add_rule(w.conn, actor="KEN", type="CONSULT", file=str(alerts_file), name="talks")

    # Round 1: two articles; one Russian attack (reported twice in its article), one meeting.
    site.feed("/feed.xml", rss([STRIKE, TALKS]))
    r1 = w.run_round([feed, dead])
    assert [(s.status, s.new_items, s.stored) for s in r1.sources] == [("ok", 2, 2), ("error", 0, 0)]
    assert "connection refused" in r1.sources[1].error
    assert merged_counts(db) == [("ASSAULT", "RUS", 2, 1, "2025-05-07", "2025-05-07")]
    assert (r1.alerts.delivered, len(hook.posts)) == (1, 0)  # the meeting, to the file

    # Round 2: a second report of the attack, and a copy of the first at another URL.
    site.feed("/feed.xml", rss([STRIKE, TALKS, FOLLOWUP, COPY]))
    r2 = w.run_round([feed, dead])
    assert (r2.total("new_items"), r2.total("stored"), r2.total("duplicates")) == (2, 1, 1)
    assert merged_counts(db) == [("ASSAULT", "RUS", 3, 2, "2025-05-07", "2025-05-07")]
    assert len(hook.posts) == 1

    # Round 3: a third report; the attack's alert is updated, the meeting's is not repeated.
    site.feed("/feed.xml", rss([TOLL, STRIKE, TALKS, FOLLOWUP, COPY]))
    r3 = w.run_round([feed, dead])
    assert (r3.total("new_items"), r3.total("stored"), r3.total("duplicates")) == (1, 1, 0)
    assert merged_counts(db) == [("ASSAULT", "RUS", 4, 3, "2025-05-07", "2025-05-07")]
    assert [s.status for s in r3.sources] == ["ok", "error"]
    w.close()

    # The store: four articles, each fetched once; the copy was fetched but not stored again.
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 4
    assert sorted(r[0] for r in rows(db, "SELECT url FROM articles")) == sorted(
        site.url + p for p in (STRIKE, TALKS, FOLLOWUP, TOLL))
    gets = [p for m, p, _ in site.log if m == "GET" and p != "/feed.xml"]
    assert sorted(gets) == sorted([STRIKE, TALKS, FOLLOWUP, COPY, TOLL])
    assert rows(db, "SELECT key, status FROM watch_items ORDER BY key") == sorted(
        [(site.url + p, "duplicate" if p == COPY else "stored") for p in (STRIKE, TALKS, FOLLOWUP, COPY, TOLL)])
    assert all("eventwire/" in h["User-Agent"] for m, _, h in site.log)
    # Each page's main text, without navigation or the headline (kept as the title).
    assert rows(db, "SELECT title, substr(text, 1, 26), published, source FROM articles WHERE url = ?",
                site.url + STRIKE) == [("Missile strike on Kharkiv", "Russian forces attacked th", "2025-05-07",
                                        "Loopback Daily")]

    # The webhook got the attack twice: new at 3 mentions, updated at 4; the file got the meeting once.
    bodies = [json.loads(body) for _, body in hook.posts]
    assert [(b["kind"], b["event"]["mention_count"], b["event"]["source_count"]) for b in bodies] == [
        ("new", 3, 2), ("updated", 4, 3)]
    assert bodies[1]["event"]["type"] == "ASSAULT" and bodies[1]["event"]["actors"] == ["RUS"]
    assert sorted(m["url"] for m in bodies[1]["event"]["mentions"]) == sorted(
        site.url + p for p in (STRIKE, FOLLOWUP, TOLL))
    assert [h["X-Eventwire-Delivery"] for h, _ in hook.posts] == [str(b["delivery_id"]) for b in bodies]
    lines = alerts_file.read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["rule"]["name"] == "talks"
    assert json.loads(lines[0])["event"]["actors"] == ["KEN"]

    # Restart: a new watcher on the same store; an unchanged feed is not downloaded again
    # (304), and a changed feed listing the same items ingests nothing.
    with watcher(db, engine) as w2:
        r4 = w2.run_round()
        site.feed("/feed.xml", rss([COPY, FOLLOWUP, TOLL, STRIKE, TALKS], title="Loopback Daily (new)"))
        r5 = w2.run_round()
    assert [s.status for s in r4.sources] == ["not-modified", "error"]
    assert (r5.sources[0].status, r5.sources[0].items, r5.total("new_items")) == ("ok", 5, 0)
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 4
    assert len(hook.posts) == 1 + 1 and len(alerts_file.read_text().splitlines()) == 1
    feed_gets = [h for m, p, h in site.log if p == "/feed.xml"]
    assert feed_gets[-2].get("If-None-Match")  # conditional GET after the restart

    # The status API: sources with their last round and errors, rounds, the alert log.
    with WatchStatus(db) as status:
        listed = status.sources()
        assert [(s.kind, s.last_status, s.items, s.stored, s.last_round) for s in listed] == [
            ("feed", "ok", 5, 4, 5), ("feed", "error", 0, 0, 5)]
        assert listed[1].errors == 5 and "connection refused" in listed[1].last_error
        assert [(r.id, r.new_items, r.stored, r.duplicates, r.alerts) for r in status.rounds()] == [
            (5, 0, 0, 0, 0), (4, 0, 0, 0, 0), (3, 1, 1, 0, 1), (2, 2, 1, 1, 1), (1, 2, 2, 0, 1)]
        log = status.deliveries()
        assert [(d.rule_id, d.kind, d.mention_count, d.status, d.attempts) for d in log] == [
            (growing.id, "updated", 4, "delivered", 1), (growing.id, "new", 3, "delivered", 1),
            (talks.id, "new", 2, "delivered", 1)]
        assert json.loads(json.dumps(status.to_dict()))["rules"][1]["name"] == "talks"


# -- failures: each recorded, none stops the others ----------------------------------------------

def gigantic(site: Site, chunks: int = 320):
    """A page of 20 MiB sent without a Content-Length, 64 KiB at a time; notes what was sent."""
    site.sent, site.cut = 0, threading.Event()

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        block = b"<p>" + b"news " * 13100 + b"</p>\n"
        try:
            for _ in range(chunks):
                handler.wfile.write(block)
                site.sent += len(block)
        except OSError:  # the client hung up
            site.cut.set()

    return answer


def redirect(to: str):
    def answer(handler):
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


def test_failing_sources_and_items_are_recorded_and_the_others_go_on(tmp_path, site, engine):
    db = tmp_path / "news.db"
    site.routes["/big.html"] = gigantic(site)
    site.routes["/loop/a"] = redirect("/loop/b")
    site.routes["/loop/b"] = redirect("/loop/a")
    site.routes["/to-file"] = redirect("file:///etc/passwd")
    site.routes["/report.pdf"] = (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 not an article")
    site.routes["/broken.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                  b"<html><body><h1>502 Bad Gateway</h1><p>upstream error</p>")
    items = "".join(f"<item><title>{p}</title><link>{p}</link></item>"
                    for p in ("/big.html", "/loop/a", "/to-file", "/report.pdf", "/gone.html", TALKS))
    site.feed("/feed.xml", f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode())
    sources = [parse_source(site.url + "/broken.xml"), parse_source(dead_url()),
               parse_source(site.url + "/feed.xml")]
    with watcher(db, engine) as w:
        first = w.run_round(sources)
        assert [s.status for s in first.sources] == ["error", "error", "ok"]
        assert first.sources[0].error.startswith("malformed feed")
        assert "connection refused" in first.sources[1].error
        feed = first.sources[2]
        assert (feed.items, feed.new_items, feed.stored, feed.failed) == (6, 6, 1, 5)
        reasons = dict(feed.item_errors)
        assert reasons[site.url + "/big.html"].startswith("too large: more than 1,000,000 bytes")
        # The client hung up at the cap: the server could not send its 20 MiB.
        assert site.cut.wait(10) and site.sent < 320 * 65510
        assert reasons[site.url + "/loop/a"].startswith("redirect loop")
        assert "file scheme" in reasons[site.url + "/to-file"]
        assert reasons[site.url + "/report.pdf"] == "not an article page: application/pdf"
        assert reasons[site.url + "/gone.html"].startswith("HTTP 404")
        # Failed items are fetched again in later rounds, three times in all, then left alone.
        fetched = len(site.log)
        w.run_round(sources)
        w.run_round(sources)
        last = w.run_round(sources)
        assert (last.sources[2].new_items, last.sources[2].failed) == (0, 0)
    paths = [p for m, p, _ in site.log if m == "GET"]
    assert paths.count("/gone.html") == 3 and paths.count(TALKS) == 1
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 1
    assert rows(db, "SELECT status, attempts FROM watch_items WHERE key = ?", site.url + "/big.html") == [
        ("failed", 3)]
    assert fetched < len(site.log)
    # The store's failure list names them too (`eventwire failures`).
    assert {r[0] for r in rows(db, "SELECT origin FROM failures")} == {
        site.url + p for p in ("/big.html", "/loop/a", "/to-file", "/report.pdf", "/gone.html")}
    with WatchStatus(db) as status:
        broken, dead, good = status.sources()
        assert (broken.last_status, dead.last_status, good.last_status) == ("error", "error", "not-modified")
        assert broken.errors == 4 and good.errors == 15 and good.failed == 5
        assert any(e.item == site.url + "/loop/a" for e in status.errors(limit=None))


# -- the HTTP client's limits ------------------------------------------------------------------

def test_fetcher_limits(site):
    site.routes["/declared"] = (200, {"Content-Type": "text/html"}, b"x" * 5000)
    for i in range(8):
        site.routes[f"/hop/{i}"] = redirect(f"/hop/{i + 1}")
    site.routes["/hop/8"] = (200, {"Content-Type": "text/plain"}, b"arrived")
    site.feed("/feed.xml", rss([STRIKE]))
    with Fetcher(max_bytes=1000, max_redirects=3, timeout=5, trust_env=False) as f:
        with pytest.raises(FetchError, match="too large: 5,000 bytes declared"):
            f.get(site.url + "/declared")
        with pytest.raises(FetchError, match="too many redirects"):
            f.get(site.url + "/hop/0")
        with pytest.raises(FetchError, match="scheme"):
            f.get("ftp://127.0.0.1/feed.xml")
    with Fetcher(max_redirects=10, timeout=5, trust_env=False) as f:
        assert f.get(site.url + "/hop/0").content == b"arrived"
        first = f.get(site.url + "/feed.xml")
        again = f.get(site.url + "/feed.xml", etag=first.etag)
        assert (first.status, again.status, again.not_modified, again.content) == (200, 304, True, b"")
        with pytest.raises(FetchError, match="connection refused"):
            f.get(dead_url())
        # What a feed on a public address links to must be public too (no local network reads).
        with pytest.raises(FetchError, match="local or private network"):
            f.get(site.url + "/feed.xml", public_only=True)
        with pytest.raises(FetchError, match="local or private network"):
            f.get("http://169.254.169.254/latest/meta-data/", public_only=True)


def test_feed_formats():
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>Atom news</title><id>urn:x</id>
    <updated>2025-05-07T10:00:00Z</updated>
    <entry><title>One</title><id>urn:1</id><link href="/a/one.html"/><updated>2025-05-06T08:00:00Z</updated></entry>
    </feed>"""
    feed = parse_feed(atom, "http://127.0.0.1:9/feeds/atom.xml")
    assert (feed.title, feed.format) == ("Atom news", "atom10")
    assert [(i.link, i.published) for i in feed.items] == [("http://127.0.0.1:9/a/one.html", "2025-05-06")]
    assert parse_feed(rss([STRIKE]), "http://127.0.0.1:9/x").items[0].published == "2025-05-07"
    for bad in (b"", b"plain words, not a feed", b"<html><body>an error page</body></html>"):
        with pytest.raises(FeedError, match="malformed feed"):
            parse_feed(bad, "http://127.0.0.1:9/")
    # A file name is data here, never opened.
    with pytest.raises(FeedError):
        parse_feed(b"/etc/hostname")


# -- folders, webhook retries ------------------------------------------------------------------

def jsonl(path: Path, key: str) -> None:
    path.write_text(json.dumps({"text": ARTICLES[key][1], "published": "2025-05-07", "title": ARTICLES[key][0]})
                    + "\n", encoding="utf-8")


def test_folder_and_webhook_retries(tmp_path, hook, engine):
    db, inbox = tmp_path / "news.db", tmp_path / "inbox"
    inbox.mkdir()
    jsonl(inbox / "strike.jsonl", STRIKE)
    (inbox / ".partial.jsonl").write_text("{", encoding="utf-8")  # hidden: not read
    (inbox / "notes.csv").write_text("a,b\n", encoding="utf-8")  # not an article format
    folder = parse_source(str(inbox))
    assert folder.kind == "folder"
    with watcher(db, engine) as w:
        rule = add_rule(w.conn, actor="RUS", type="ASSAULT", webhook=hook.url + "/hook")
        hook.post_status = [503, 503]  # two failures, then the third try gets through
        r1 = w.run_round([folder])
        assert (r1.total("items"), r1.total("new_items"), r1.total("stored"), r1.alerts.delivered) == (1, 1, 1, 1)
        assert hook.answered == [503, 503, 200]

        # A new file while the webhook is down: stored, its alert pending, delivered next round.
        jsonl(inbox / "followup.jsonl", FOLLOWUP)
        hook.post_status = [503] * 3
        r2 = w.run_round()
        assert (r2.total("new_items"), r2.total("stored"), r2.alerts.delivered, r2.alerts.pending) == (1, 1, 0, 1)
        r3 = w.run_round()
        assert (r3.total("new_items"), r3.alerts.delivered, r3.alerts.pending) == (0, 1, 0)
        assert hook.answered == [503, 503, 200, 503, 503, 503, 200]

        # A changed file is read again (a new article); an unchanged one is not.
        jsonl(inbox / "strike.jsonl", TOLL)
        r4 = w.run_round()
        assert (r4.total("items"), r4.total("new_items"), r4.total("stored")) == (2, 1, 1)
    delivered = [json.loads(body) for (_, body), status in zip(hook.posts, hook.answered, strict=True) if status == 200]
    assert [(d["kind"], d["event"]["mention_count"]) for d in delivered] == [
        ("new", 2), ("updated", 3), ("updated", 4)]
    assert len({d["delivery_id"] for d in delivered}) == 3
    with WatchStatus(db) as status:
        assert [(d.kind, d.status, d.attempts) for d in reversed(status.deliveries(rule=rule.id))] == [
            ("new", "delivered", 3), ("updated", "delivered", 4), ("updated", "delivered", 1)]
    # Restart: nothing new.
    with watcher(db, engine) as w:
        assert w.run_round().total("new_items") == 0
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 3


# -- the commands ------------------------------------------------------------------------------

def test_commands(tmp_path, monkeypatch, engine):
    from eventwire.cli import main
    from eventwire.cli_watch import parse_interval

    assert [parse_interval(x) for x in ("90", "30s", "15m", "1h30m", "2d")] == [90, 30, 900, 5400, 172800]
    with pytest.raises(ValueError):
        parse_interval("15 minutes")
    monkeypatch.setattr("eventwire.cli_watch._load_engine", lambda options: engine)
    db, inbox, out = str(tmp_path / "w.db"), tmp_path / "inbox", tmp_path / "alerts.jsonl"
    inbox.mkdir()
    jsonl(inbox / "talks.jsonl", TALKS)
    run = CliRunner().invoke

    r = run(main, ["alert", "add", "--db", db, "--actor", "KEN", "--type", "consult"])
    assert r.exit_code == 2 and "exactly one of" in r.output
    r = run(main, ["alert", "add", "--db", db, "--type", "CONSULT", "--webhook", "file:///x"])
    assert r.exit_code == 2 and "only http and https" in r.output
    r = run(main, ["alert", "add", "--db", db, "--actor", "KEN", "--type", "consult", "--file", str(out),
                   "--name", "talks"])
    assert r.exit_code == 0 and r.stdout.strip() == "1"
    r = run(main, ["alert", "add", "--db", db, "--actor", "RUS", "--webhook", "http://127.0.0.1:9/hook"])
    assert r.stdout.strip() == "2"
    assert run(main, ["alert", "remove", "--db", db, "2"]).exit_code == 0
    assert run(main, ["alert", "remove", "--db", db, "2"]).exit_code == 1
    listed = run(main, ["alert", "list", "--db", db, "--json"]).stdout.splitlines()
    assert [(json.loads(x)["id"], json.loads(x)["type"]) for x in listed] == [(1, "CONSULT")]

    r = run(main, ["watch", "ftp://example.invalid/feed", "--db", db])
    assert r.exit_code == 2 and "only http and https" in r.output
    r = run(main, ["watch", str(inbox), "--db", db, "--once"])
    assert r.exit_code == 0, r.output
    assert "round 1: 1 source(s), 1 new item(s), 1 stored" in r.stderr
    assert "1 alert(s) delivered" in r.stderr
    r = run(main, ["watch", "--db", db, "--rounds", "2", "--every", "1s"])  # the remembered source
    assert r.exit_code == 0 and "round 3: 1 source(s), 0 new item(s)" in r.stderr
    assert len(out.read_text().splitlines()) == 1

    r = run(main, ["sources", "--db", db])
    assert r.exit_code == 0 and str(inbox) in r.stdout and "ok; 1 items seen, 1 stored" in r.stdout
    status = json.loads(run(main, ["sources", "--db", db, "--json"]).stdout)
    assert [d["status"] for d in status["deliveries"]] == ["delivered"]
    log = run(main, ["alert", "log", "--db", db]).stdout
    assert "rule 1" in log and "new x2  delivered" in log
    assert "conditional GET" in run(main, ["watch", "--help"]).stdout
    assert run(main, ["sources", "--db", str(tmp_path / "none.db")]).exit_code == 1


def test_feed_file_source(tmp_path, site, engine):
    feed_file = tmp_path / "saved.xml"
    feed_file.write_bytes(rss([TALKS]).replace(TALKS.encode(), (site.url + TALKS).encode()))
    source = parse_source(str(feed_file))
    assert source.kind == "feed-file"
    with watcher(tmp_path / "news.db", engine) as w:
        first, second = w.run_round([source]), w.run_round([source])
    assert (first.total("stored"), second.total("new_items")) == (1, 0)
    with pytest.raises(Exception, match="no such file"):
        parse_source(str(tmp_path / "missing.xml"))


def test_a_round_whose_merge_fails_leaves_its_alerts_to_the_next(tmp_path, monkeypatch, engine):
    import eventwire.store.merge as merging

    inbox, out = tmp_path / "inbox", tmp_path / "alerts.jsonl"
    inbox.mkdir()
    jsonl(inbox / "talks.jsonl", TALKS)
    real = merging.merge

    def broken(*args, **kw):
        raise RuntimeError("disk full")

    with watcher(tmp_path / "news.db", engine) as w:
        add_rule(w.conn, actor="KEN", file=str(out))
        monkeypatch.setattr(merging, "merge", broken)
        first = w.run_round([parse_source(str(inbox))])
        assert first.total("stored") == 1 and "disk full" in first.merge_error and not out.exists()
        monkeypatch.setattr(merging, "merge", real)
        second = w.run_round()
        assert (second.total("new_items"), second.alerts.delivered) == (0, 1)
        assert w.run_round().alerts.delivered == 0
        assert any("disk full" in e.reason for e in WatchStatus(w.conn).errors())
    assert len(out.read_text().splitlines()) == 1
