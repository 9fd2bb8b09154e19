"""The REST API, against a real uvicorn server over a store built from real articles."""
from __future__ import annotations


import pytest

from conftest import ROOT, start_server

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")

TOKEN = "test-token-3f9c2a"


@pytest.fixture(scope="module")
def client(live_server):
    with httpx.Client(base_url=live_server + "/api/v1", timeout=60) as c:
        yield c


def is_error(response, status: int, code: str | None = None) -> dict:
    """The response has the one error shape, with this status (and code)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message", "status"} <= set(error) and error["status"] == status
    assert isinstance(error["message"], str) and error["message"]
    if code:
        assert error["code"] == code
    return error


def test_health_summary_and_openapi(client, live_server):
    assert client.get("/health").json()["status"] == "ok"
    s = client.get("/summary").json()
    assert s["articles"] == 4 and s["events"] > 0 and s["failures"] == 0
    assert s["latest_events"] and s["latest_articles"] and s["types"]
    assert s["can_ingest"] is False and s["store"] == "corpus.db"  # the name, never the path
    dates = [e["event"]["date"]["value"] for e in s["latest_events"]]
    assert dates == sorted(dates, reverse=True)
    spec = httpx.get(live_server + "/openapi.json").json()
    paths = set(spec["paths"])
    for path in ("/api/v1/extract", "/api/v1/events", "/api/v1/events/{event_id}", "/api/v1/articles/{article_id}",
                 "/api/v1/actors", "/api/v1/timeline", "/api/v1/network", "/api/v1/search", "/api/v1/ingest",
                 "/api/v1/merged", "/api/v1/merged/{merged_id}", "/api/v1/monitor"):
        assert path in paths
    assert not any(p.startswith("/static") for p in paths)


def test_events_filters_and_pagination(client):
    everything = client.get("/events", params={"limit": 500}).json()
    total = everything["total"]
    assert total == len(everything["items"]) > 5
    first = everything["items"][0]
    assert first["id"] == f"{first['article_id']}:{first['event']['id']}" and first["evidence"]
    kind = first["event"]["type"]
    same = client.get("/events", params={"type": kind.lower(), "limit": 500}).json()
    assert same["total"] == sum(1 for i in everything["items"] if i["event"]["type"] == kind)
    assert all(i["event"]["type"] == kind for i in same["items"])
    page = client.get("/events", params={"limit": 2, "offset": 2}).json()
    assert [i["id"] for i in page["items"]] == [i["id"] for i in everything["items"][2:4]]
    assert page["total"] == total and page["limit"] == 2 and page["offset"] == 2
    coded = next(i for i in everything["items"] if any(p["country"] for p in i["event"]["actor"]))
    country = next(p["country"] for p in coded["event"]["actor"] if p["country"])
    by_actor = client.get("/events", params={"actor": country, "limit": 500}).json()
    assert coded["id"] in {i["id"] for i in by_actor["items"]}
    dated = client.get("/events", params={"since": "2025-04", "until": "2025-05-31", "limit": 500}).json()
    assert dated["total"] and all("2025-04" <= i["event"]["date"]["value"][:7] <= "2025-05" for i in dated["items"])
    steel = client.get("/events", params={"text": "tariffs steel"}).json()
    assert steel["total"] and all(i["article_id"] == steel["items"][0]["article_id"] for i in steel["items"])


@pytest.mark.parametrize("name,value", [
    ("actor", "' OR 1=1 --"), ("recipient", "x\"); DROP TABLE events; --"), ("type", "AGREE') OR ('1'='1"),
    ("place", "%"), ("place", "_"), ("text", "\" OR \"\" = \""), ("text", "steel) OR (1"), ("status", "occurred' --"),
])
def test_injection_looking_filters_select_nothing(client, name, value):
    r = client.get("/events", params={name: value})
    assert r.status_code == 200, r.text
    found = r.json()
    if name == "text" and value.startswith("steel"):  # the words 'steel', 'OR' and '1' are all required
        assert found["total"] == 0
    assert found["total"] == 0 and found["items"] == []
    assert client.get("/summary").json()["events"] > 0  # nothing was dropped


def test_event_detail_gives_the_evidence_of_every_field(client):
    items = client.get("/events", params={"limit": 500}).json()["items"]
    for item in items:
        d = client.get(f"/events/{item['id']}").json()
        assert d["id"] == item["id"] and d["event"] == item["event"]
        article = client.get(f"/articles/{d['article']['id']}").json()["document"]
        text = article["text"]
        ev = d["evidence"]
        trig = ev["trigger"]
        assert text[trig["start"]:trig["end"]] == trig["text"] == item["event"]["trigger"]["text"]
        assert ev["sentence"]["text"] in text and ev["sentence"]["start"] <= trig["start"] < ev["sentence"]["end"]
        for role in ("actor", "recipient"):
            assert len(ev[role]) == len(item["event"][role])
            for span in ev[role]:
                assert text[span["start"]:span["end"]] == span["text"] == span["coded"]["text"]
        for span in ev["mentions"]:
            assert text[span["start"]:span["end"]] == span["text"] and span["text"] in span["sentence_text"]
        if ev["location"]:
            assert text[ev["location"]["start"]:ev["location"]["end"]] == ev["location"]["text"]


def test_articles_search_actors_timeline_network_places(client):
    arts = client.get("/articles").json()
    assert arts["total"] == 4 and len(arts["items"]) == 4
    one = client.get(f"/articles/{arts['items'][0]['id']}").json()
    doc = one["document"]
    assert doc["schema"] == "eventwire/1" and doc["text"] and one["stored_at"]
    assert doc["entities"] and doc["sentences"] and doc["events"] is not None
    found = client.get("/search", params={"q": "Omo river"}).json()
    assert found["articles"]["total"] == 1 and "Omo" in found["articles"]["items"][0]["snippet"]
    assert found["events"]["total"] >= 1
    assert client.get("/search", params={"q": "zeppelin"}).json()["articles"]["total"] == 0
    actors = client.get("/actors").json()["items"]
    assert actors and all(a["events"] >= max(a["as_actor"], a["as_recipient"]) > 0 for a in actors)
    points = client.get("/timeline", params={"by": "month", "group": "dyad"}).json()["items"]
    assert points and all(p["period"][:4] == "2025" and p["events"] > 0 for p in points)
    edges = client.get("/network", params={"node": "code"}).json()["items"]
    assert edges and all(e["events"] > 0 for e in edges)
    places = client.get("/places").json()["items"]
    assert places and all(-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 for p in places)


def test_errors_have_one_shape(client, live_server):
    is_error(client.get("/articles/0000000000000000"), 404, "not_found")
    is_error(client.get("/events/0000000000000000:ev1"), 404, "not_found")
    is_error(client.get("/events/no-colon"), 400, "invalid_id")
    is_error(client.get("/events", params={"limit": 0}), 422, "invalid_parameters")
    is_error(client.get("/events", params={"since": "March"}), 422)
    is_error(client.get("/timeline", params={"by": "hour"}), 422)
    is_error(client.get("/search"), 422)
    is_error(client.post("/extract", content=b"{not json", headers={"content-type": "application/json"}), 422)
    is_error(client.post("/extract", json={"text": "a", "html": "<p>b</p>"}), 400, "bad_input")
    is_error(client.post("/extract", json={"text": "   "}), 400, "bad_input")
    is_error(client.post("/extract", json={"text": "x", "fetch": "http://example.org/"}), 422)
    is_error(client.delete("/events"), 405)
    is_error(httpx.get(live_server + "/no/such/page"), 404)


@pytest.mark.parametrize("bad", ["..", "a..b", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a%5Cb", "x" * 201, "a%00b", "a b"])
def test_path_traversal_and_odd_ids_are_refused(client, bad):
    for path in (f"/articles/{bad}", f"/events/{bad}:ev1"):
        r = client.get(path)
        assert r.status_code in (400, 404), (path, r.status_code)
        error = is_error(r, r.status_code)
        assert "root:" not in r.text and error["code"] in ("invalid_id", "not_found")


def test_body_size_limit_gives_413(client):
    big = "Kenya and Ethiopia agreed to talk. " * 3000  # over the test server's 64 KiB
    is_error(client.post("/extract", json={"text": big}), 413, "too_large")
    streamed = client.post("/extract", content=iter([b'{"text": "', b"a" * 70000, b'"}']),
                           headers={"content-type": "application/json"})
    is_error(streamed, 413, "too_large")


def test_extract_text_and_html(client):
    text = (ROOT / "examples" / "article.txt").read_text(encoding="utf-8")
    doc = client.post("/extract", json={"text": text, "published": "2025-03-12"}).json()
    assert doc["schema"] == "eventwire/1" and doc["published"] == "2025-03-12"
    assert {e["type"] for e in doc["events"]} and doc["entities"] and doc["quotes"]
    html = ("<html><head><title>Peru and Chile agree on water</title></head><body><article><h1>Peru and Chile agree"
            "</h1><p>Peru and Chile signed an agreement on Monday to share water from a border river, the foreign "
            "ministry in Lima said. <a href='http://192.0.2.1/'>more</a></p></article></body></html>")
    page = client.post("/extract", json={"html": html, "published": "2025-03-12",
                                         "url": "http://192.0.2.1/never-fetched"}).json()
    assert "Peru" in page["text"] and "<p>" not in page["text"] and page["url"] == "http://192.0.2.1/never-fetched"
    assert any(p["country"] == "PER" for p in page["places"]) or any(
        (e.get("actor") or {}).get("country") == "PER" for e in page["entities"])


def test_ingest_is_refused_without_a_configured_token(client):
    r = client.post("/ingest", json={"documents": [{"text": "Peru and Chile signed a deal on Monday."}]},
                    headers={"Authorization": f"Bearer {TOKEN}"})
    assert "disabled" in is_error(r, 403, "forbidden")["message"]
    assert client.get("/articles").json()["total"] == 4


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory, engine):
    from eventwire.api import create_app

    url, stop = start_server(create_app(tmp_path_factory.mktemp("ingest") / "new.db", token=TOKEN, engine=engine))
    yield url + "/api/v1"
    stop()


def test_ingest_with_token(writable_server):
    docs = {"documents": [
        {"text": (ROOT / "tests" / "articles" / "2025-04-02-aid-pledge.txt").read_text(encoding="utf-8"),
         "published": "2025-04-02", "doc_id": "aid-pledge", "url": "http://192.0.2.1/x"},
        {"html": "<html><body><p>tiny</p></body></html>"},
    ]}
    with httpx.Client(base_url=writable_server, timeout=60) as c:
        is_error(c.post("/ingest", json=docs), 401, "unauthorized")
        is_error(c.post("/ingest", json=docs, headers={"Authorization": "Bearer wrong"}), 401)
        r = c.post("/ingest", json=docs, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 200, r.text
        result = r.json()
        assert result["stored"] == 1 and result["failed"] == 1 and result["ids"] == ["aid-pledge"]
        assert "no article text" in result["failures"][0]["reason"]
        again = c.post("/ingest", json=docs, headers={"X-Eventwire-Token": TOKEN}).json()
        assert again["stored"] == 0 and again["skipped"] == 1
        stored = c.get("/articles/aid-pledge").json()["document"]
        assert stored["url"] == "http://192.0.2.1/x" and stored["events"]
        assert c.get("/summary").json()["can_ingest"] is True
        is_error(c.post("/ingest", json={"documents": [{"text": "x", "doc_id": "../../etc"}]},
                        headers={"Authorization": f"Bearer {TOKEN}"}), 422)


def test_security_headers_and_no_cors(client, live_server):
    r = httpx.get(live_server + "/", headers={"Origin": "http://evil.example"})
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "access-control-allow-origin" not in r.headers
    assert r.headers["x-content-type-options"] == "nosniff"


def test_serve_command_reads_the_token_and_refuses_a_foreign_file(tmp_path):
    from click.testing import CliRunner

    from eventwire.cli import main

    foreign = tmp_path / "other.db"
    import sqlite3
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = CliRunner().invoke(main, ["serve", "--db", str(foreign)])
    assert result.exit_code != 0 and "not an eventwire store" in result.output
    assert "--token-file" in CliRunner().invoke(main, ["serve", "--help"]).output
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "s.db"), "--token-file", str(empty)])
    assert result.exit_code != 0 and "empty" in result.output


def test_eventwire_serve_runs_on_loopback(api_store, tmp_path):
    """The command itself: starts, serves the dashboard and the API on 127.0.0.1, stops on SIGTERM."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = tmp_path / "token"
    token.write_text("from-a-file\n")
    command = [sys.executable, "-c", "from eventwire.cli import main; main()",
               "serve", "--db", str(api_store), "--port", str(port), "--token-file", str(token)]
    proc = subprocess.Popen(command,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "EVENTWIRE_TOKEN": "from-the-environment"})
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.2)
        assert "Overview · eventwire" in httpx.get(base + "/").text
        assert httpx.get(base + "/api/v1/summary").json()["can_ingest"] is True
        r = httpx.post(base + "/api/v1/ingest", json={"documents": [{"text": "x"}]},
                       headers={"Authorization": "Bearer from-the-environment"})
        assert r.status_code == 401  # the file's token wins over the environment's
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert f"serving {api_store} at http://127.0.0.1:{port}/" in err and "ingest enabled" in err


# -- merged events -------------------------------------------------------------------------------

def test_merged_events_filters_pagination_and_mentions(client):
    everything = client.get("/merged", params={"limit": 500}).json()
    total = everything["total"]
    assert total == len(everything["items"]) > 3
    mentions = client.get("/events", params={"limit": 1}).json()["total"]
    assert total <= mentions and sum(m["member_count"] for m in everything["items"]) == mentions
    first = everything["items"][0]
    assert {"id", "type", "actors", "recipients", "mention_count", "source_count", "first_seen", "last_seen"} <= set(first)
    assert "members" not in first and "mentions" not in first
    page = client.get("/merged", params={"limit": 2, "offset": 1}).json()
    assert [m["id"] for m in page["items"]] == [m["id"] for m in everything["items"][1:3]]
    assert (page["total"], page["limit"], page["offset"]) == (total, 2, 1)
    kind = first["type"]
    same = client.get("/merged", params={"type": kind.lower(), "limit": 500}).json()
    assert same["total"] and all(any(x["event"]["type"] == kind for x in client.get(f"/merged/{m['id']}").json()["mentions"])
                                 for m in same["items"])
    assert client.get("/merged", params={"text": "zeppelin"}).json() == {"total": 0, "limit": 50, "offset": 0, "items": []}
    omo = client.get("/merged", params={"text": "Omo river", "limit": 500}).json()
    assert 0 < omo["total"] < total

    seen_mentions = set()
    for m in everything["items"]:
        d = client.get(f"/merged/{m['id']}").json()
        assert {k: d[k] for k in m} == m
        assert len(d["mentions"]) == d["member_count"] and len({x["article"]["id"] for x in d["mentions"]}) == d["source_count"]
        published = [x["article"]["published"] for x in d["mentions"]]
        assert published == sorted(published)  # earliest article first
        for x in d["mentions"]:
            assert x["id"] == f"{x['article']['id']}:{x['event']['id']}" and x["id"] not in seen_mentions
            assert x["article"]["headline"]
            seen_mentions.add(x["id"])
            text = client.get(f"/articles/{x['article']['id']}").json()["document"]["text"]
            trig, sent = x["trigger"], x["sentence"]
            assert text[trig["start"]:trig["end"]] == trig["text"] == x["event"]["trigger"]["text"]
            assert text[sent["start"]:sent["end"]] == sent["text"] and sent["start"] <= trig["start"] < sent["end"]
            assert client.get(f"/events/{x['id']}").json()["event"] == x["event"]
    assert len(seen_mentions) == mentions  # every mention is in exactly one merged event

    is_error(client.get("/merged/m000000000000000"), 404, "not_found")
    for bad in ("a..b", "..%2F..%2Fetc%2Fpasswd", "x" * 65, "a b", "m:1", "a%00b"):
        r = client.get(f"/merged/{bad}")
        assert is_error(r, r.status_code)["code"] in ("invalid_id", "not_found") and r.status_code in (400, 404)
    assert is_error(client.get("/merged/a.b"), 400, "invalid_id")["message"].startswith("invalid merged event id")
    is_error(client.get("/merged", params={"limit": 501}), 422, "invalid_parameters")


# -- the live monitor ------------------------------------------------------------------------------

def test_monitor_on_a_store_never_watched(client, api_store):
    from eventwire.store.schema import connect

    m = client.get("/monitor").json()
    assert m == {"store": "corpus.db", "watched": False, "sources": [], "rounds": [], "errors": [], "rules": [],
                 "deliveries": []}
    conn = connect(api_store)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    assert not any(t.startswith(("watch_", "alert_")) for t in tables)  # reading wrote nothing
    is_error(client.get("/monitor", params={"limit": 0}), 422)


def test_monitor_after_a_watch_round_masks_webhooks(watched_server, watched_store):
    from conftest import SECRET

    from eventwire.watch import WatchStatus

    r = httpx.get(watched_server + "/api/v1/monitor", timeout=30)
    assert r.status_code == 200, r.text
    m = r.json()
    assert SECRET not in r.text and "user:" not in r.text  # no webhook path, query or credentials
    assert str(watched_store.parent) not in r.text  # nor a local path: files show by their name
    assert m["store"] == "news.db" and m["watched"] is True
    with WatchStatus(watched_store) as status:
        assert len(m["sources"]) == len(status.sources()) == 2
        assert [x["id"] for x in m["rounds"]] == [x.id for x in status.rounds()]
        assert len(m["deliveries"]) == len(status.deliveries()) and len(m["errors"]) == len(status.errors())
    feed, dead = m["sources"]
    assert feed["kind"] == "feed" and feed["location"].startswith("http://127.0.0.1:") and feed["location"].endswith("/feed.xml")
    assert (feed["last_round"], feed["last_status"], feed["last_new_items"], feed["last_stored"]) == (1, "ok", 2, 2)
    assert feed["items"] == 2 and feed["latest_error"] is None and feed["last_error"] is None
    assert dead["last_status"] == "error" and "refused" in dead["last_error"]
    assert dead["latest_error"]["round_id"] == 1 and "refused" in dead["latest_error"]["reason"]
    rnd = m["rounds"][0]
    assert (rnd["id"], rnd["sources"], rnd["stored"]) == (1, 2, 2) and rnd["finished_at"]
    assert any(e["source"] == dead["location"] for e in m["errors"])

    talks, down, to_file = m["rules"]
    assert talks["name"] == "kenya-talks" and "actor=KEN" in talks["selects"]
    assert talks["webhook"] == talks["target"] and talks["webhook"].startswith("http://127.0.0.1:")
    assert talks["webhook"].endswith("/…") and talks["webhook"].count("/") == 3
    assert down["webhook"].endswith("/…") and to_file["file"] == "…/alerts.jsonl" and to_file["webhook"] is None
    by_rule = {d["rule_id"]: d for d in m["deliveries"]}
    assert by_rule[talks["id"]]["status"] == "delivered" and by_rule[talks["id"]]["target"] == talks["webhook"]
    assert by_rule[down["id"]]["status"] == "pending" and by_rule[down["id"]]["error"]
    assert by_rule[to_file["id"]]["status"] == "delivered" and by_rule[to_file["id"]]["target"] == "…/alerts.jsonl"
    story = httpx.get(watched_server + f"/api/v1/merged/{by_rule[talks['id']]['merged_id']}").json()
    assert story["type"] == "CONSULT" and "KEN" in story["actors"]


def test_masking_of_urls_and_paths():
    from eventwire.api.monitor import mask_webhook, show_location

    assert mask_webhook("https://bob:pw@hooks.example.org:8443/ew/T0K3N?sig=1#x") == "https://hooks.example.org:8443/…"
    assert mask_webhook("http://hooks.example.org") == "http://hooks.example.org/"
    assert mask_webhook("http://[::1]:9000/a") == "http://[::1]:9000/…"
    assert mask_webhook("not a url") == "(hidden)"
    assert show_location("https://u:p@news.example.org/world.rss?apikey=K") == "https://news.example.org/world.rss?…"
    assert show_location("/srv/data/inbox/") == "…/inbox"
