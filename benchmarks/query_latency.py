"""Read-API latency on a large synthetic store.

    python benchmarks/query_latency.py [--events 1000000] [--runs 50] [--db FILE] [--json]

Builds (once; kept when `--db` names an existing file) a store with `--events` event rows
written straight into the schema: about 4 events per article, PLOVER types, country codes and
dates drawn from skewed distributions like those of real news (a few countries and types
dominate, the last year is densest), one or two actors and usually a recipient per event, and
an article text of words drawn from a skewed vocabulary for full-text search; 3% of the
events are dated to the month or not at all. Then times `Store`
calls as the CLI and the API make them (one page of 50 events, or a timeline), each run
`--runs` times, and prints p50 and p95 in milliseconds.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

TYPES = [("ASSAULT", 18), ("CONSULT", 16), ("ACCUSE", 10), ("COOPERATE", 8), ("AGREE", 7), ("PROTEST", 7),
         ("SUPPORT", 6), ("REQUEST", 6), ("COERCE", 5), ("THREATEN", 4), ("REJECT", 4), ("AID", 3),
         ("SANCTION", 2), ("MOBILIZE", 2), ("CONCEDE", 1), ("RETREAT", 1)]
SCORES = {"ASSAULT": -9.0, "CONSULT": 1.0, "ACCUSE": -2.0, "COOPERATE": 4.0, "AGREE": 5.0, "PROTEST": -5.0,
          "SUPPORT": 3.0, "REQUEST": -1.0, "COERCE": -7.0, "THREATEN": -6.0, "REJECT": -4.0, "AID": 7.0,
          "SANCTION": -8.0, "MOBILIZE": -6.5, "CONCEDE": 5.0, "RETREAT": 6.0}
COUNTRIES = ("USA CHN RUS UKR GBR FRA DEU ISR PSE IRN IND PAK SYR TUR JPN KOR PRK SAU EGY IRQ AFG KEN ETH NGA "
             "ZAF BRA MEX CAN AUS ITA ESP POL YEM LBN QAT ARE VEN COL ARG IDN PHL VNM THA MMR BGD SDN SSD "
             "SOM LBY TUN MAR DZA GHA UGA TZA RWA COD CMR MLI NER BFA SEN CIV ZWE MOZ AGO ZMB NLD BEL SWE "
             "NOR FIN DNK AUT CHE GRC HUN CZE ROU SRB BLR GEO ARM AZE KAZ UZB NZL CHL PER CUB HTI").split()
SECTORS = ["GOV", "MIL", "COP", "REB", "CVL", "BUS", "MED", "JUD", None]
CITIES = [("Kyiv", "UKR", 50.45, 30.52), ("Gaza", "PSE", 31.5, 34.47), ("Nairobi", "KEN", -1.29, 36.82),
          ("Washington", "USA", 38.9, -77.04), ("Beijing", "CHN", 39.9, 116.4), ("Moscow", "RUS", 55.75, 37.62),
          ("London", "GBR", 51.51, -0.13), ("Tehran", "IRN", 35.69, 51.39), ("Damascus", "SYR", 33.51, 36.29)]
WORDS = ("government minister president talks attack forces police election protest trade border war "
         "ceasefire sanctions aid refugees oil gas nuclear missile summit court vote parliament army troops "
         "rebels militants strike bomb killed arrested deal agreement visit meeting economy inflation "
         "market bank energy climate water dam river drought flood earthquake hospital school").split()
QUERIES = [
    ("events, no filter", {}, "events"),
    ("events, actor (frequent: USA)", {"actor": "USA"}, "events"),
    ("events, actor (rare: KEN)", {"actor": "KEN"}, "events"),
    ("events, recipient KEN-GOV", {"recipient": "KEN-GOV"}, "events"),
    ("events, type ASSAULT,COERCE", {"type": "ASSAULT,COERCE"}, "events"),
    ("events, date range (one month)", {"since": "2024-03-01", "until": "2024-03-31"}, "events"),
    ("events, actor+type+date", {"actor": "RUS", "type": "ASSAULT", "since": "2024-01-01", "until": "2024-06-30"}, "events"),
    ("events, place UKR", {"place": "UKR"}, "events"),
    ("events, text 'ceasefire summit'", {"text": "ceasefire summit"}, "events"),
    ("event count, actor+type", {"actor": "CHN", "type": "CONSULT"}, "count"),
    ("timeline by month, no filter", {}, "timeline"),
    ("timeline by week, actor KEN", {"actor": "KEN"}, "timeline_week"),
    ("timeline by day, type+date", {"type": "PROTEST", "since": "2024-01-01", "until": "2024-12-31"}, "timeline_day"),
]


def _pick(rng: random.Random, items: list, weights: list):
    return rng.choices(items, weights)[0]


def build(path: Path, events: int, seed: int = 7) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from eventwire.store import connect

    rng = random.Random(seed)
    country_w = [1 / (i + 1) ** 1.1 for i in range(len(COUNTRIES))]
    type_names, type_w = zip(*TYPES)
    vocab = [f"w{i}" for i in range(4000)]  # filler words; the news words rank 40 to 300
    for k, w in enumerate(WORDS):
        vocab.insert(40 + 5 * k, w)
    word_w = [1 / (i + 1) for i in range(len(vocab))]
    first = dt.date(2017, 1, 1).toordinal()
    days = dt.date(2025, 12, 31).toordinal() - first
    conn = connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    n_articles = events // 4
    made = 0
    art_rows, fts_rows, ev_rows, party_rows = [], [], [], []

    def flush():
        conn.executemany("INSERT INTO articles (n, id, schema, published, title, source, url, origin, text,"
                         " errors, stored_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", art_rows)
        conn.executemany("INSERT INTO article_fts (rowid, title, text, quotes) VALUES (?,?,?,?)", fts_rows)
        conn.executemany(f"INSERT INTO events VALUES ({','.join('?' * 23)})", ev_rows)
        conn.executemany(f"INSERT INTO event_parties VALUES ({','.join('?' * 10)})", party_rows)
        for rows in (art_rows, fts_rows, ev_rows, party_rows):
            rows.clear()

    for n in range(1, n_articles + 1):
        # later years denser: the square root of a uniform number skews towards the end
        day = dt.date.fromordinal(first + int(days * rng.random() ** 0.5))
        aid = f"syn-{n:08x}"
        words = rng.choices(vocab, word_w, k=80)
        text = " ".join(words)
        title = " ".join(words[:6])
        art_rows.append((n, aid, "eventwire/1", day.isoformat(), title, "synthetic", None, "synthetic", text,
                         "[]", "2026-01-01T00:00:00+00:00"))
        fts_rows.append((n, title, text, ""))
        k = 4 if n < n_articles else events - made
        for idx in range(k):
            typ = _pick(rng, type_names, type_w)
            date, precision = (day - dt.timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))).isoformat(), "day"
            if rng.random() < 0.03:  # some events are known to the month, a few not dated at all
                date, precision = (date[:7], "month") if rng.random() < 0.7 else (None, None)
            actors = [_pick(rng, COUNTRIES, country_w) for _ in range(rng.choice((1, 1, 1, 2)))]
            recipients = [_pick(rng, COUNTRIES, country_w)] if rng.random() < 0.8 else []
            city = rng.choice(CITIES) if rng.random() < 0.4 else None
            parties = {"actor": [], "recipient": []}
            for role, codes in (("actor", actors), ("recipient", recipients)):
                for j, code in enumerate(codes):
                    sector = rng.choice(SECTORS)
                    p = {"text": code, "start": 0, "end": 3, "country": code, "sector": sector, "name": None}
                    parties[role].append(p)
                    party_rows.append((aid, idx, role, j, code, 0, 3, code, sector, None))
            ev = {"id": f"ev{idx + 1}", "type": typ, "trigger": {"text": typ.lower(), "start": 0, "end": 5},
                  "sentence": 0, "score": SCORES[typ], "actor": parties["actor"],
                  "recipient": parties["recipient"],
                  "date": None if date is None else {"value": date, "precision": precision, "text": None,
                                                     "how": "explicit"},
                  "status": "occurred", "certainty": "asserted", "confidence": 0.8,
                  "location": None if city is None else {"text": city[0], "start": 0, "end": 4, "name": city[0],
                                                         "country": city[1], "lat": city[2], "lon": city[3],
                                                         "feature": "city"}}
            ev_rows.append((aid, idx, ev["id"], typ, None, None, None, SCORES[typ], "occurred", "asserted", 0.8,
                            date, precision, None if date is None else "explicit", 0, 0, 60, typ.lower(), 0, 5,
                            city[0] if city else None, city[1] if city else None,
                            json.dumps(ev, separators=(",", ":"))))
            made += 1
        if n % 20000 == 0:
            flush()
    flush()
    conn.execute("COMMIT")
    conn.execute("PRAGMA analysis_limit = 1000")  # the sampled statistics `eventwire merge` keeps
    conn.execute("ANALYZE")
    conn.close()


def run(path: Path, runs: int) -> list[dict]:
    from eventwire.store import EventFilter, Store

    out = []
    with Store(path) as store:
        for name, kw, kind in QUERIES:
            where = EventFilter(**kw)
            call = {"events": lambda: store.events(where, limit=50),
                    "count": lambda: store.event_count(where),
                    "timeline": lambda: store.timeline(where, by="month"),
                    "timeline_week": lambda: store.timeline(where, by="week"),
                    "timeline_day": lambda: store.timeline(where, by="day")}[kind]
            call()  # warm the page cache
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                result = call()
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            size = result if isinstance(result, int) else len(result)
            out.append({"query": name, "p50_ms": round(statistics.median(times), 1),
                        "p95_ms": round(times[max(0, int(round(0.95 * len(times))) - 1)], 1), "rows": size})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--db", help="store file to build (kept) or reuse; default: a temporary file")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "synthetic.db"
        if not path.exists():
            t0 = time.perf_counter()
            build(path, args.events)
            print(f"built {args.events} events in {time.perf_counter() - t0:.0f} s: {path}", file=sys.stderr)
        rows = run(path, args.runs)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for r in rows:
            print(f"{r['query']:<36} p50 {r['p50_ms']:>8.1f} ms   p95 {r['p95_ms']:>8.1f} ms   ({r['rows']} rows)")
        worst = max(r["p95_ms"] for r in rows)
        print(f"worst p95: {worst} ms ({'within' if worst <= 100 else 'over'} 100 ms)")


if __name__ == "__main__":
    main()
