"""The corpus store: atomic, idempotent writes; one read API whose filters and aggregates agree
with the documents themselves; exports that read back exactly."""
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from eventwire.dyads import event_dyads
from eventwire.ingest import read_inputs, read_text_document
from eventwire.models import Document
from eventwire.store import EventFilter, EventHit, Store, Writer
from eventwire.store.export import FORMATS, export, read_export, records
from eventwire.store.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]

TEXTS = [
    ("Brazil's foreign minister met his Argentine counterpart in Buenos Aires on Tuesday to "
     "discuss trade.", "2025-03-12"),
    ("Police in Kenya arrested twelve protesters in Nairobi on Monday, officials said. The "
     "opposition condemned the arrests.", "2025-03-18"),
    ("Japan condemned North Korea on Friday after a missile test over the Sea of Japan.\n"
     "\"We will not\taccept this,\" the Japanese prime minister said.", "2025-04-04"),
    ("Ethiopia and Kenya signed a water agreement in Addis Ababa on Thursday. The African Union "
     "welcomed the deal.", "2025-04-10"),
]
ODD = {"title": 'A "quoted"\ttitle\nover two lines', "source": 'Daily "Wire"\tdesk\\west\n',
       "url": 'https://example.org/a?b="c"\td\\e\nf'}


@pytest.fixture(scope="module")
def corpus(engine, tmp_path_factory):
    """A store holding the example article and the texts above, and the documents stored."""
    raws = [read_text_document((ROOT / "examples" / "article.txt").read_text(), published="2025-03-12")]
    raws += [read_text_document(text, published=day, **(ODD if n == 2 else {}))
             for n, (text, day) in enumerate(TEXTS)]
    docs = list(engine.process_many(raws))
    assert all(isinstance(d, Document) for d in docs)
    db = tmp_path_factory.mktemp("store") / "corpus.db"
    store = Store(db)
    writer = Writer(store.conn)
    for doc in docs:
        assert writer.add_document(doc, origin=doc.doc_id)
    yield store, docs
    store.close()


def table_counts(store: Store) -> dict[str, int]:
    tables = [r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                               " AND name NOT LIKE 'article_fts%'")]
    return {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def all_events(docs):
    return [(d, e) for d in docs for e in d.events]


def keys(hits):
    return sorted((h.article_id, h.event.id) for h in hits)


def test_articles_round_trip_and_restoring_changes_nothing(corpus):
    store, docs = corpus
    for doc in docs:
        assert store.article(doc.doc_id).document == doc
    before = table_counts(store)
    assert before["articles"] == len(docs) and before["events"] == len(all_events(docs)) > 0
    writer = Writer(store.conn)
    assert not any(writer.add_document(doc) for doc in docs)
    assert table_counts(store) == before
    assert store.article("no-such-id") is None


def test_event_hits_carry_event_article_and_evidence(corpus):
    store, docs = corpus
    hits = store.events(limit=None)
    assert len(hits) == store.event_count() == len(all_events(docs))
    by_id = {d.doc_id: d for d in docs}
    for hit in hits:
        doc = by_id[hit.article_id]
        assert hit.event in doc.events and hit.url == doc.url and hit.title == doc.title
        sentence = doc.sentences[hit.event.sentence]
        assert hit.evidence == doc.text[sentence.start:sentence.end]
        assert hit.event.trigger.text in hit.evidence
    page1, page2 = store.events(limit=3), store.events(limit=3, offset=3)
    assert [h.to_dict() for h in page1 + page2] == [h.to_dict() for h in hits[:6]]


def _party_matches(parties, value: str) -> bool:
    if len(value) == 3 and value.isupper():
        return any(value in (p.country, p.sector) for p in parties)
    return any(value.lower() in (p.name or "").lower() or value.lower() in p.text.lower() for p in parties)


def dated(event, low: str, high: str) -> bool:
    """The event has a date, within `low` and `high` at their precision (2025-03 is all March)."""
    value = event.date.value if event.date else None
    return bool(value) and value[:len(low)] >= low and value[:len(high)] <= high


def test_filters_select_what_they_say(corpus):
    store, docs = corpus
    events = all_events(docs)
    first_actor = next(p for _, e in events for p in e.actor if p.country)
    first_recipient = next(p for _, e in events for p in e.recipient if p.sector)
    named = next(p for _, e in events for p in e.actor if p.name)
    located = next(e.location for _, e in events if e.location)
    types = Counter(e.type for _, e in events).most_common(2)
    statuses = {e.status for _, e in events}
    cases = {
        EventFilter(actor=first_actor.country): lambda d, e: _party_matches(e.actor, first_actor.country),
        EventFilter(recipient=first_recipient.sector): lambda d, e: _party_matches(e.recipient, first_recipient.sector),
        EventFilter(actor=named.name[1:-1].lower()): lambda d, e: _party_matches(e.actor, named.name[1:-1]),
        EventFilter(type=f"{types[0][0]},{types[1][0].lower()}"): lambda d, e: e.type in (types[0][0], types[1][0]),
        EventFilter(status=sorted(statuses)[0]): lambda d, e: e.status == sorted(statuses)[0],
        EventFilter(mode="no-such-mode"): lambda d, e: False,
        EventFilter(since="2025-03-15"): lambda d, e: dated(e, "2025-03-15", "9999"),
        EventFilter(since="2025", until="2025-03"): lambda d, e: dated(e, "2025", "2025-03"),
        EventFilter(since="2025-03-01", until="2025-03-31"): lambda d, e: dated(e, "2025-03-01", "2025-03-31"),
        EventFilter(place=located.country): lambda d, e: bool(e.location and e.location.country == located.country),
        EventFilter(place=located.name[:4].lower()):
            lambda d, e: bool(e.location and located.name[:4].lower() in e.location.name.lower()),
        EventFilter(text="Omo herders"): lambda d, e: "Omo" in d.text and "herders" in d.text,
        EventFilter(text="accept"): lambda d, e: "accept" in d.text,  # inside a quote
        EventFilter(text="zanzibar"): lambda d, e: False,
    }
    for where, wanted in cases.items():
        expected = sorted((d.doc_id, e.id) for d, e in events if wanted(d, e))
        assert keys(store.events(where, limit=None)) == expected, where
        assert store.event_count(where) == len(expected)
    assert store.event_count(EventFilter(actor=first_actor.country)) > 0
    assert store.event_count(EventFilter(text="Omo herders")) > 0
    both = EventFilter(actor=first_actor.country, type=types[0][0], text="Kenya")
    expected = sorted((d.doc_id, e.id) for d, e in events if _party_matches(e.actor, first_actor.country)
                      and e.type == types[0][0] and "Kenya" in d.text)
    assert keys(store.events(both, limit=None)) == expected


def test_timeline_sums_counts_and_scores(corpus):
    store, docs = corpus
    events = [e for _, e in all_events(docs)]
    expected = defaultdict(lambda: [0, 0.0])
    for e in events:
        if e.date and e.date.value and len(e.date.value) >= 7:
            cell = expected[(e.date.value[:7], e.type)]
            cell[0] += 1
            cell[1] += e.score or 0.0
    points = store.timeline(by="month", group="type")
    assert {(p.period, p.group): p.events for p in points} == {k: n for k, (n, _) in expected.items()}
    assert {(p.period, p.group): p.score for p in points} == pytest.approx({k: s for k, (_, s) in expected.items()})
    assert sum(p.events for p in points) == sum(n for n, _ in expected.values()) > 0
    weeks = store.timeline(by="week")
    assert all(p.period[4:6] == "-W" for p in weeks)
    dyads = store.timeline(by="year", group="dyad")
    assert sum(p.events for p in dyads) == sum(len(event_dyads(e)) for e in events
                                               if e.date and e.date.value)
    assert all("→" in p.group for p in dyads)


def test_network_counts_dyads_and_mean_scores(corpus):
    store, docs = corpus
    expected = defaultdict(list)
    for _, e in all_events(docs):
        for d in event_dyads(e):
            if d.actor and d.recipient:
                a, r = d.actor[0], d.recipient[0]
                expected[(a.country or a.name or a.text, r.country or r.name or r.text)].append(e.score)
    edges = store.network()
    assert len(edges) == len(expected) > 0
    for edge in edges:
        scores = expected[(edge.source, edge.target)]
        assert edge.events == len(scores)
        assert edge.mean_score == pytest.approx(sum(scores) / len(scores))
    assert [e.events for e in edges] == sorted((e.events for e in edges), reverse=True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_reads_back(corpus, tmp_path, fmt):
    store, _ = corpus
    hits = store.events(limit=None)
    path = tmp_path / f"events.{fmt}"
    n = export(hits, fmt, path)
    rows = list(records(hits, fmt))
    assert n == len(rows) >= len(hits) > 0
    assert read_export(path, fmt) == rows
    if fmt == "jsonl":
        assert [EventHit.from_dict(r) for r in read_export(path, fmt)] == hits
    assert any(ODD["url"] in r.values() or ODD["source"] in r.values() for r in rows), \
        "the document with quotes, tabs and newlines in its fields was exported"


def test_gdelt_and_icews_columns(corpus, tmp_path):
    store, _ = corpus
    hits = store.events(limit=None)
    gdelt = list(records(hits, "gdelt"))
    assert len(gdelt[0]) == 61 and [r["GLOBALEVENTID"] for r in gdelt] == list(range(1, len(gdelt) + 1))
    for row in gdelt:
        assert row["QuadClass"] in (1, 2, 3, 4) and row["EventRootCode"] == row["EventCode"][:2]
        assert row["SQLDATE"] is None or 19000101 < row["SQLDATE"] < 21000101
    export(hits, "gdelt", tmp_path / "g.tsv")
    lines = (tmp_path / "g.tsv").read_text(encoding="utf-8").split("\n")
    assert all(line.count("\t") == 60 for line in lines if line)
    export(hits, "icews", tmp_path / "i.tsv")
    header = (tmp_path / "i.tsv").read_text(encoding="utf-8").split("\n")[0].split("\t")
    assert header[:3] == ["Event ID", "Event Date", "Source Name"] and len(header) == 20


def test_ingest_skips_stored_documents_and_records_failures(engine, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n, (text, _) in enumerate(TEXTS):
        (folder / f"doc{n}.txt").write_text(text, encoding="utf-8")
    (folder / "copy.txt").write_text(TEXTS[0][0], encoding="utf-8")  # same text: same id
    (folder / "empty.txt").write_text("")
    (folder / "latin1.txt").write_bytes("Caf\xe9 owners in Lyon protested.".encode("latin-1"))
    with Store(tmp_path / "s.db") as store:
        writer = Writer(store.conn)
        first = ingest(read_inputs([str(folder)], published="2025-03-12"), writer, engine=engine)
        assert (first.stored, first.skipped, first.failed) == (len(TEXTS), 1, 2)
        second = ingest(read_inputs([str(folder)], published="2025-03-12"), writer, engine=engine)
        assert (second.stored, second.skipped, second.failed) == (0, len(TEXTS) + 1, 2)
        assert store.article_count() == len(TEXTS)
        failures = store.failures()
        assert {Path(f.origin).name for f in failures} == {"empty.txt", "latin1.txt"}
        assert all(f.attempts == 2 for f in failures)
        assert any("UTF-8" in f.reason for f in failures)
        (folder / "latin1.txt").write_text("Café owners in Lyon protested.", encoding="utf-8")
        third = ingest(read_inputs([str(folder)], published="2025-03-12"), writer, engine=engine)
        assert (third.stored, third.failed) == (1, 1)
        assert [Path(f.origin).name for f in store.failures()] == ["empty.txt"]


def test_a_store_of_another_kind_is_refused(tmp_path):
    from eventwire.errors import StoreError

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE things (x)")
    with pytest.raises(StoreError, match="not an eventwire store"):
        Store(path)


def test_a_nul_in_a_filter_is_refused_not_read_as_no_filter():
    """SQLite reads a LIKE pattern only up to a NUL: such a filter would select every event."""
    from eventwire.store import EventFilter

    for field in ("actor", "recipient", "place", "text", "type"):
        with pytest.raises(ValueError, match=f"the {field} filter contains a NUL"):
            EventFilter(**{field: "KEN\x00' OR 1=1"})
