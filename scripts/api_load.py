"""Load test of `eventwire serve`: many concurrent clients over a realistic mix of requests.

    python scripts/api_load.py [--db FILE] [--clients 50] [--requests 200] [--json FILE]

Builds a store with `eventwire ingest` from the repository's example articles (or serves the
store given with --db, read-only use), starts a real `eventwire serve` on a free loopback port
(scripts/_serve_helpers.py) and then:

1. load: `--clients` concurrent clients (each one keep-alive connection) send `--requests`
   requests each, drawn (seeded) from a weighted mix of GET requests: summary, events with
   each filter and with pagination, event details, articles, article details, search,
   timeline, network, places, actors, merged events and their details, monitor, failures,
   health, dashboard pages and a static script. The ids and filter values come from the
   store itself, so every request of the mix should answer 200.
2. slow clients (unless --slow-clients 0): connections that stay idle, send their headers a
   byte at a time or trickle a POST body, held for --slow-seconds while a few normal clients
   keep sending the mix; they must all be answered.

It prints the total, requests per second, status counts and latency p50/p95/p99/max, overall
and per kind of request, then the slow-client phase. Exit status 1 when any request got a 5xx,
an answer other than 200, or no answer at all (in either phase); `--json FILE` also writes
the report as JSON ('-': to standard output).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Optional

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve_helpers import Server, build_store, percentile, table  # noqa: E402

Request = tuple[str, str, dict[str, Any]]  # (kind, path, query parameters)


# -- the mix ----------------------------------------------------------------------------------


def discover(base: str) -> dict[str, list]:
    """Ids and filter values found in the store through the API: the mix asks for real things."""
    with httpx.Client(base_url=base + "/api/v1", timeout=60) as c:
        events = c.get("/events", params={"limit": 500}).json()["items"]
        articles = c.get("/articles", params={"limit": 500}).json()["items"]
        merged = c.get("/merged", params={"limit": 500}).json()["items"]
    if not events or not articles:
        raise SystemExit("the store holds no events: ingest some articles first (or leave out --db)")
    parties = [p for e in events for p in e["event"]["actor"] + e["event"]["recipient"]]
    words = sorted({w for a in articles for w in (a.get("title") or a.get("headline") or "").split()
                    if w.isalpha() and len(w) > 4}) or ["the"]
    return {
        "event_ids": [e["id"] for e in events],
        "article_ids": [a["id"] for a in articles],
        "merged_ids": [m["id"] for m in merged],
        "types": sorted({e["event"]["type"] for e in events}),
        "statuses": sorted({e["event"]["status"] for e in events if e["event"].get("status")}) or ["occurred"],
        "countries": sorted({p["country"] for p in parties if p.get("country")}) or ["USA"],
        "names": sorted({p["name"].split()[0] for p in parties if p.get("name")}) or ["police"],
        "places": sorted({e["event"]["location"]["name"] for e in events if e["event"].get("location")
                          and e["event"]["location"].get("name")}) or ["Kyiv"],
        "months": sorted({e["event"]["date"]["value"][:7] for e in events if e["event"].get("date")}) or ["2025-01"],
        "words": words,
        "total_events": [len(events)],
    }


def mix(found: dict[str, list]) -> list[tuple[int, Any]]:
    """(weight, rng -> Request) pairs: what dashboard users and API clients ask for, and how often."""
    pick = random.Random.choice

    def ev(kind, **params):
        """A request to /events; a callable parameter value is drawn with the client's rng."""
        return lambda r: (f"events {kind}", "/api/v1/events",
                          {k: v(r) if callable(v) else v for k, v in params.items()})

    pages = max(1, found["total_events"][0] // 10)
    return [
        (5, lambda r: ("summary", "/api/v1/summary", {})),
        (8, ev("(no filter)")),
        (4, ev("?type", type=lambda r: pick(r, found["types"]))),
        (4, ev("?actor code", actor=lambda r: pick(r, found["countries"]))),
        (2, ev("?actor name", actor=lambda r: pick(r, found["names"]))),
        (2, ev("?recipient", recipient=lambda r: pick(r, found["countries"]))),
        (3, ev("?since&until", since=lambda r: pick(r, found["months"]), until="2100")),
        (3, ev("?text", text=lambda r: pick(r, found["words"]))),
        (2, ev("?place", place=lambda r: pick(r, found["places"]))),
        (2, ev("?status", status=lambda r: pick(r, found["statuses"]))),
        (4, ev("?limit&offset", limit=10, offset=lambda r: 10 * r.randrange(pages))),
        (2, ev("combined", type=lambda r: ",".join(r.sample(found["types"], min(2, len(found["types"])))),
               since="2000", limit=20)),
        (8, lambda r: ("event detail", f"/api/v1/events/{pick(r, found['event_ids'])}", {})),
        (3, lambda r: ("articles", "/api/v1/articles", {})),
        (2, lambda r: ("articles ?text", "/api/v1/articles", {"text": pick(r, found["words"])})),
        (5, lambda r: ("article detail", f"/api/v1/articles/{pick(r, found['article_ids'])}", {})),
        (4, lambda r: ("search", "/api/v1/search", {"q": pick(r, found["words"])})),
        (3, lambda r: ("timeline", "/api/v1/timeline", {"by": pick(r, ["day", "week", "month", "year"]),
                                                         "group": pick(r, ["type", "dyad"])})),
        (3, lambda r: ("network", "/api/v1/network", {"node": pick(r, ["country", "code", "name"])})),
        (3, lambda r: ("places", "/api/v1/places", {})),
        (2, lambda r: ("actors", "/api/v1/actors", {})),
        (3, lambda r: ("merged", "/api/v1/merged", {})),
        (1, lambda r: ("merged ?type", "/api/v1/merged", {"type": pick(r, found["types"])})),
        *([(3, lambda r: ("merged detail", f"/api/v1/merged/{pick(r, found['merged_ids'])}", {}))]
          if found["merged_ids"] else []),
        (2, lambda r: ("monitor", "/api/v1/monitor", {})),
        (1, lambda r: ("failures", "/api/v1/failures", {})),
        (3, lambda r: ("health", "/api/v1/health", {})),
        (2, lambda r: ("page /", "/", {})),
        (1, lambda r: ("page /events", "/events", {})),
        (1, lambda r: ("page /article", "/article", {"id": pick(r, found["article_ids"])})),
        (1, lambda r: ("page /timeline|/map|/network|/stories", pick(r, ["/timeline", "/map", "/network", "/stories"]),
                       {})),
        (1, lambda r: ("static script", "/static/common.js", {})),
    ]


def draw(rng: random.Random, choices: list[tuple[int, Any]]) -> Request:
    weights = [w for w, _ in choices]
    return rng.choices([f for _, f in choices], weights)[0](rng)


# -- the phases -------------------------------------------------------------------------------

Record = tuple[str, Optional[int], float]  # (kind, status or None for no answer, seconds)


async def _client(base: str, rng: random.Random, choices, count: Optional[int], until: Optional[float],
                  records: list[Record]) -> None:
    """One client on one keep-alive connection: `count` requests, or requests until `until`."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        done = 0
        while (count is None or done < count) and (until is None or time.monotonic() < until):
            kind, path, params = draw(rng, choices)
            start = time.perf_counter()
            try:
                response = await client.get(path, params=params)
                await response.aread()
                status: Optional[int] = response.status_code
            except httpx.HTTPError:
                status = None
            records.append((kind, status, time.perf_counter() - start))
            done += 1


async def _load(base: str, clients: int, requests: int, seed: int, choices) -> tuple[list[Record], float]:
    records: list[Record] = []
    start = time.perf_counter()
    await asyncio.gather(*(_client(base, random.Random(seed * 100_003 + i), choices, requests, None, records)
                           for i in range(clients)))
    return records, time.perf_counter() - start


def run_load(base: str, clients: int = 50, requests: int = 200, seed: int = 1) -> dict[str, Any]:
    """Phase 1: the report of `clients` x `requests` requests of the mix."""
    records, seconds = asyncio.run(_load(base, clients, requests, seed, mix(discover(base))))
    return {"clients": clients, "requests_per_client": requests, **summarize(records, seconds)}


async def _slow_client(port: int, kind: str, seconds: float, interval: float) -> dict[str, Any]:
    """A connection that idles, or sends headers or a POST body one byte per `interval`."""
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    start = loop.time()
    answer = bytearray()

    async def watch() -> float:
        while chunk := await reader.read(4096):
            answer.extend(chunk)
        return loop.time() - start

    watcher = asyncio.create_task(watch())
    if kind == "headers":
        data = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100_000
    elif kind == "body":
        data = (b"POST /api/v1/extract HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100000\r\n\r\n{\"text\": \"" + b"a" * 100_000)
    else:
        data = b""
    sent = 0
    try:
        while loop.time() - start < seconds and not watcher.done():
            if sent < len(data):
                writer.write(data[sent:sent + 1])
                sent += 1
                await writer.drain()
            await asyncio.sleep(interval)
    except ConnectionError:
        pass
    closed_after = None
    if watcher.done():
        closed_after = watcher.result()
    else:
        watcher.cancel()
    writer.close()
    status = answer[9:12].decode("ascii", "replace") if answer.startswith(b"HTTP/1.1 ") else None
    return {"kind": kind, "bytes_sent": sent, "closed_by_server_after": closed_after, "answer": status}


async def _slow_phase(base: str, port: int, slow: int, normal: int, seconds: float, seed: int, choices):
    kinds = ["idle", "headers", "body"]
    slow_tasks = [asyncio.create_task(_slow_client(port, kinds[i % 3], seconds, 0.5)) for i in range(slow)]
    await asyncio.sleep(1.0)  # the slow connections are open before the normal clients start
    records: list[Record] = []
    start = time.perf_counter()
    until = time.monotonic() + max(1.0, seconds - 2.0)
    await asyncio.gather(*(_client(base, random.Random(seed * 7919 + i), choices, None, until, records)
                           for i in range(normal)))
    elapsed = time.perf_counter() - start
    return await asyncio.gather(*slow_tasks), records, elapsed


def run_slow_clients(base: str, port: int, slow: int = 20, normal: int = 4, seconds: float = 10.0,
                     seed: int = 1) -> dict[str, Any]:
    """Phase 2: `slow` slow connections held for `seconds` while `normal` clients send the mix."""
    held, records, elapsed = asyncio.run(_slow_phase(base, port, slow, normal, seconds, seed, mix(discover(base))))
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for h in held:
        by_kind[h["kind"]]["connections"] += 1
        if h["closed_by_server_after"] is not None:
            by_kind[h["kind"]]["closed_by_server"] += 1
    return {"slow_connections": slow, "seconds": seconds, "slow": {k: dict(v) for k, v in by_kind.items()},
            "normal": summarize(records, elapsed)}


def summarize(records: list[Record], seconds: float) -> dict[str, Any]:
    def stats(rows: list[Record]) -> dict[str, Any]:
        latencies = [t for _, s, t in rows]
        statuses = Counter("none" if s is None else str(s) for _, s, _ in rows)
        return {"requests": len(rows), "statuses": dict(sorted(statuses.items())),
                "5xx": sum(n for s, n in statuses.items() if s.startswith("5")),
                "no_answer": statuses.get("none", 0),
                "unexpected": sum(n for s, n in statuses.items() if s != "200"),
                **{f"p{p}_ms": round(1000 * percentile(latencies, p), 1) for p in (50, 95, 99)},
                "max_ms": round(1000 * max(latencies, default=0.0), 1)}

    kinds: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        kinds[r[0]].append(r)
    overall = stats(records)
    return {**overall, "seconds": round(seconds, 2),
            "requests_per_second": round(len(records) / seconds, 1) if seconds else 0.0,
            "by_kind": {k: stats(v) for k, v in sorted(kinds.items())}}


def ok(report: dict[str, Any]) -> bool:
    """No 5xx, no request without an answer, nothing but 200, in both phases."""
    phases = [report["load"]] + ([report["slow_clients"]["normal"]] if report.get("slow_clients") else [])
    return all(p["unexpected"] == 0 and p["requests"] > 0 for p in phases)


# -- the command ------------------------------------------------------------------------------


def print_report(report: dict[str, Any]) -> None:
    load = report["load"]
    print(f"load: {load['clients']} clients x {load['requests_per_client']} requests = {load['requests']} requests "
          f"in {load['seconds']} s: {load['requests_per_second']} requests/s; statuses {load['statuses']}; "
          f"5xx: {load['5xx']}; no answer: {load['no_answer']}")
    rows = [(kind, s["requests"], " ".join(f"{k}:{v}" for k, v in s["statuses"].items()), s["p50_ms"], s["p95_ms"],
             s["p99_ms"], s["max_ms"]) for kind, s in load["by_kind"].items()]
    rows.append(("ALL", load["requests"], " ".join(f"{k}:{v}" for k, v in load["statuses"].items()), load["p50_ms"],
                 load["p95_ms"], load["p99_ms"], load["max_ms"]))
    print(table(["request", "n", "statuses", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows))
    slow = report.get("slow_clients")
    if slow:
        normal = slow["normal"]
        held = ", ".join(f"{k}: {v.get('connections', 0)} ({v.get('closed_by_server', 0)} closed by the server)"
                         for k, v in slow["slow"].items())
        print(f"\nslow clients: {slow['slow_connections']} connections held {slow['seconds']} s [{held}]; meanwhile "
              f"{normal['requests']} normal requests, statuses {normal['statuses']}, p50 {normal['p50_ms']} ms, "
              f"p95 {normal['p95_ms']} ms, max {normal['max_ms']} ms")
    print("\nresult: " + ("OK: no 5xx, every request answered 200" if report["ok"] else "FAILED: see above"))


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n\n".join(__doc__.split("\n\n")[2:]))
    ap.add_argument("--db", type=Path, help="serve this store (default: build one from the example articles "
                                            "with `eventwire ingest` in a temporary folder)")
    ap.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    ap.add_argument("--requests", type=int, default=200, help="requests per client (default 200)")
    ap.add_argument("--slow-clients", type=int, default=20, help="slow connections in phase 2; 0 skips it "
                                                                 "(default 20)")
    ap.add_argument("--slow-seconds", type=float, default=10.0, help="how long phase 2 lasts (default 10)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the request mix (default 1)")
    ap.add_argument("--json", metavar="FILE", help="also write the report as JSON to FILE ('-': stdout only)")
    args = ap.parse_args(argv)
    if args.clients < 1 or args.requests < 1:
        ap.error("--clients and --requests must be at least 1")
    if args.db is not None and not args.db.is_file():
        ap.error(f"no store at {args.db}")

    with tempfile.TemporaryDirectory(prefix="api-load-") as tmp:
        db = args.db or build_store(Path(tmp) / "corpus.db")
        with Server(db, Path(tmp) / "server", name="load") as server:
            report: dict[str, Any] = {"load": run_load(server.url, args.clients, args.requests, args.seed)}
            if args.slow_clients > 0:
                report["slow_clients"] = run_slow_clients(server.url, server.port, args.slow_clients,
                                                          seconds=args.slow_seconds, seed=args.seed)
            report["server_running_after"] = server.alive()
        report["ok"] = ok(report) and report["server_running_after"]
    if args.json != "-":
        print_report(report)
    if args.json:
        text = json.dumps(report, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
