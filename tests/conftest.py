"""Shared fixtures: one real spaCy-backed engine per test session, and the project's annotated
development data when it is present next to the repository (tests using it skip otherwise)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTWIRE_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def engine():
    from eventwire import Engine

    return Engine().load()  # once for the whole session


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "seed" / "gold.jsonl").is_file():
        pytest.skip("the annotated development data (../shared) is not present")
    return SHARED


def pub(engine, text: str, published: str = "2025-05-07"):
    """Extract `text` as published on `published` (a Wednesday by default)."""
    return engine.extract(text, published=published)


# -- a real server over a store built from real articles (API, schema and dashboard tests) -----

ARTICLES = ROOT / "tests" / "articles"  # short reports written for these tests; date in the file name
SCREENSHOTS: list[str] = []  # dashboard screenshots, listed at the end of the run


def build_store(path: Path, engine) -> Path:
    """Ingest examples/article.txt and tests/articles/*.txt into a new store at `path`."""
    from eventwire.ingest import read_inputs
    from eventwire.store import Store, Writer
    from eventwire.store.ingest import ingest
    from eventwire.store.merge import merge

    sources = [(ROOT / "examples" / "article.txt", "2025-03-12")]
    sources += [(f, f.name[:10]) for f in sorted(ARTICLES.glob("*.txt"))]
    with Store(path) as store:
        for file, published in sources:
            counts = ingest(read_inputs([str(file)], published=published), Writer(store.conn), engine=engine)
            assert counts.stored == 1, counts.failures
        merge(store.conn)  # as `eventwire ingest` does at its end: merged events for /merged
    return path


def start_server(app):
    """Run `app` with uvicorn on a free loopback port, in a thread; returns (base URL, stop)."""
    import socket
    import threading
    import time

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(10)
        sock.close()

    return f"http://127.0.0.1:{sock.getsockname()[1]}", stop


@pytest.fixture(scope="session")
def api_store(tmp_path_factory, engine) -> Path:
    return build_store(tmp_path_factory.mktemp("api") / "corpus.db", engine)


@pytest.fixture(scope="session")
def live_server(api_store, engine) -> str:
    """The base URL of `eventwire serve`'s app over `api_store` (read-only: no token)."""
    pytest.importorskip("fastapi")
    from eventwire.api import create_app

    url, stop = start_server(create_app(api_store, engine=engine, max_body=64 * 1024))
    yield url
    stop()


# -- a store the live monitor has watched (the dashboard's Monitor page) -----------------------

SECRET = "s3cret-hook-token"  # in the webhook URLs below: the API must never show it


@pytest.fixture(scope="session")
def watched_store(tmp_path_factory, engine) -> Path:
    """A store after one real `eventwire watch` round (with test_watch's loopback feed server):
    a feed with two articles, a source that refuses connections, a webhook rule that delivers
    (credentials and a token in its URL), one whose receiver is down, and a file rule."""
    from test_watch import ARTICLES, Site, dead_url, rss, watcher

    from eventwire.watch import add_rule, parse_source

    folder = tmp_path_factory.mktemp("watched")
    db = folder / "news.db"
    site, hook = Site(), Site()
    try:
        for path in ("/news/kharkiv-strike.html", "/news/nairobi-talks.html"):
            site.html(path)
        assert set(ARTICLES) >= set(site.routes)
        site.feed("/feed.xml", rss(["/news/kharkiv-strike.html", "/news/nairobi-talks.html"]))
        down = dead_url().replace("/feed.xml", f"/alerts/{SECRET}?key={SECRET}")
        with watcher(db, engine) as w:
            add_rule(w.conn, actor="KEN", type="CONSULT", name="kenya-talks",
                     webhook=hook.url.replace("://", f"://user:{SECRET}@") + f"/hook/{SECRET}?token={SECRET}")
            add_rule(w.conn, actor="RUS", type="ASSAULT", webhook=down)
            add_rule(w.conn, type="ASSAULT", file=str(folder / "alerts.jsonl"))
            report = w.run_round([parse_source(site.url + "/feed.xml"), parse_source(dead_url())])
        assert report.total("stored") == 2 and len(hook.posts) == 1, report.summary()
    finally:
        site.close()
        hook.close()
    return db


@pytest.fixture(scope="session")
def watched_server(watched_store, engine) -> str:
    pytest.importorskip("fastapi")
    from eventwire.api import create_app

    url, stop = start_server(create_app(watched_store, engine=engine))
    yield url
    stop()


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS:
        terminalreporter.section("dashboard screenshots")
        for path in SCREENSHOTS:
            terminalreporter.write_line(path)
