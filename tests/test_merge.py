"""Merging event mentions into real-world events: the criteria one by one, then a real store
filled by real extraction, merged after each article and all at once."""
import json
import sqlite3

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.store import EventFilter, Store, Writer, connect
from eventwire.store.merge import (
    MergeRules, Mention, cluster, compatible, date_span, dates_compatible, merge, trigger_keys,
)

# Two reports of one shelling (published a day apart, both dated Tuesday 6 May), an earlier
# shelling of the same city, one by other parties on the same day, and a meeting told twice.
ARTICLES = {
    "kharkiv-1": ("Russian forces shelled the Ukrainian city of Kharkiv on Tuesday, killing three "
                  "civilians, Ukrainian officials said.", "2025-05-07"),
    "kharkiv-2": ("Russia attacked Kharkiv in Ukraine on Tuesday with artillery, local authorities "
                  "said.", "2025-05-08"),
    "kharkiv-april": ("Russian forces shelled Kharkiv on April 20, Ukrainian officials said.", "2025-05-07"),
    "gaza": ("Israeli forces shelled Gaza City on Tuesday, Palestinian officials said.", "2025-05-07"),
    "talks-1": ("Kenyan President William Ruto met Ethiopian Prime Minister Abiy Ahmed in Nairobi on "
                "Monday to discuss the Omo river dam.", "2025-05-07"),
    "talks-2": ("Ethiopian Prime Minister Abiy Ahmed held talks with Kenyan President William Ruto in "
                "Nairobi on Monday, officials said.", "2025-05-07"),
}


def m(key, doc, type="ASSAULT", date="2025-05-06", actors=("RUS",), recipients=("UKR",), **kw):
    return Mention(key=(doc, key), doc=doc, type=type, date=date, actors=frozenset(actors),
                   recipients=frozenset(recipients), **kw).with_span()


RULES = MergeRules()


def test_dates_window_and_precision():
    assert date_span("2025-02") == (date_span("2025-02-01")[0], date_span("2025-02-28")[0])
    assert date_span("not a date") is None
    a = m(0, "a", date="2025-05-06")
    assert dates_compatible(a, m(1, "b", date="2025-05-08"), RULES)
    assert not dates_compatible(a, m(1, "b", date="2025-05-09"), RULES)
    assert dates_compatible(a, m(1, "b", date="2025-05", precision="month"), RULES)
    assert not dates_compatible(a, m(1, "b", date="2025-04", precision="month"), RULES)
    assert dates_compatible(a, m(1, "b", date="2025", precision="year"), RULES) is None  # too coarse
    assert dates_compatible(a, m(1, "b", date=None), RULES) is None


def test_criteria():
    a = m(0, "a")
    assert compatible(a, m(1, "b", actors=("RUS", "BLR")), RULES)
    assert compatible(a, m(1, "b", recipients=()), RULES)  # an unknown side does not object
    assert not compatible(a, m(1, "b", actors=("ISR",)), RULES)
    assert not compatible(a, m(1, "b", type="PROTEST"), RULES)
    assert not compatible(a, m(1, "b", status="negated"), RULES)
    # undated: only within its own article
    assert compatible(m(0, "a", date=None), m(1, "a"), RULES)
    assert not compatible(m(0, "a", date=None), m(1, "b"), RULES)
    # symmetric types may swap sides; CONSULT~AGREE by default, not ASSAULT~PROTEST
    met = m(0, "a", type="CONSULT", actors=("KEN",), recipients=("ETH",))
    assert compatible(met, m(1, "b", type="CONSULT", actors=("ETH",), recipients=("KEN",)), RULES)
    assert compatible(met, m(1, "b", type="AGREE", actors=("ETH",), recipients=("KEN",)), RULES)
    assert not compatible(m(0, "a", actors=("RUS",), recipients=("UKR",)),
                          m(1, "b", actors=("UKR",), recipients=("RUS",)), RULES)
    # places: too far apart → not one event, whatever the rest says
    kyiv, lviv = dict(lat=50.45, lon=30.52), dict(lat=49.84, lon=24.03)
    assert compatible(m(0, "a", **kyiv), m(1, "b", **kyiv), RULES)
    assert not compatible(m(0, "a", **kyiv), m(1, "b", **lviv), RULES)
    # across articles, nothing in common but type and date is not enough
    assert not compatible(m(0, "a", actors=(), recipients=()), m(1, "b", actors=(), recipients=()),
                          MergeRules(trigger="off"))
    shell = trigger_keys("shelled")
    assert compatible(m(0, "a", actors=(), recipients=(), triggers=shell),
                      m(1, "b", actors=(), recipients=(), triggers=trigger_keys("shelling")), RULES)
    assert "~attack" in trigger_keys("bombed") and "~attack" in trigger_keys("raids")


def test_cluster_is_order_free_and_spans_are_bounded():
    daily = [m(i, f"d{i}", date=f"2025-05-{i + 1:02d}") for i in range(20)]  # a chain of daily attacks
    groups = cluster(daily)
    assert all(len(g) > 1 for g in groups[:-1])
    for g in groups:
        days = [x.span[0] for x in g]
        assert max(days) - min(days) <= RULES.max_span_days
    keys = sorted(sorted(x.key for x in g) for g in groups)
    assert keys == sorted(sorted(x.key for x in g) for g in cluster(list(reversed(daily))))


# -- a real store ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def docs(engine):
    return {name: engine.extract(text, doc_id=name, published=day) for name, (text, day) in ARTICLES.items()}


def snapshot(db) -> tuple:
    conn = sqlite3.connect(db)
    try:
        members = sorted(conn.execute("SELECT merged_id, article_id, event_idx FROM merged_members"))
        events = sorted(conn.execute("SELECT * FROM merged_events"))
    finally:
        conn.close()
    return members, events


def fill(db, docs, names, each=False):
    conn = connect(db)
    writer = Writer(conn)
    for name in names:
        writer.add_document(docs[name], origin=name)
        if each:
            merge(conn)
    if not each:
        merge(conn)
    conn.close()


def merged_of(store: Store, article_id: str, type_: str):
    """The merged event holding `article_id`'s first mention of `type_`."""
    for ev in store.merged_events(limit=None):
        full = store.merged_event(ev.id)
        if any(h.article_id == article_id and h.event.type == type_ for h in full.members):
            return full
    return None


def test_same_attack_in_two_articles_is_one_event(docs, tmp_path):
    assert all(any(e.type == "ASSAULT" for e in docs[n].events) for n in ("kharkiv-1", "kharkiv-2", "gaza"))
    db = tmp_path / "s.db"
    fill(db, docs, list(ARTICLES))
    with Store(db) as store:
        one = merged_of(store, "kharkiv-1", "ASSAULT")
        assert {h.article_id for h in one.members} == {"kharkiv-1", "kharkiv-2"}
        assert one.source_count == 2 and one.member_count == 2
        assert one.mention_count == 2 + sum(len(h.event.mentions) for h in one.members)
        assert (one.first_seen, one.last_seen) == ("2025-05-07", "2025-05-08")
        assert one.date == "2025-05-06" and "RUS" in one.actors and one.type == "ASSAULT"
        for h in one.members:  # the evidence: sentence and trigger span in the article's text
            text = docs[h.article_id].text
            assert h.evidence and h.evidence in text
            assert text[h.event.trigger.start:h.event.trigger.end] == h.event.trigger.text
        # another date, other parties: events of their own
        assert merged_of(store, "kharkiv-april", "ASSAULT").source_count == 1
        assert merged_of(store, "gaza", "ASSAULT").source_count == 1
        talks = merged_of(store, "talks-1", "CONSULT")
        assert talks is not None and {h.article_id for h in talks.members} == {"talks-1", "talks-2"}
        # every mention belongs to exactly one merged event; filters select through the mentions
        total = sum(e.member_count for e in store.merged_events(limit=None))
        assert total == store.event_count()
        hits = store.merged_events(EventFilter(actor="ISR"))
        assert [e.source_count for e in hits] == [1]
        assert store.merged_count(EventFilter(actor="ISR")) == 1
        assert store.merged_event("nope") is None


def test_incremental_equals_batch_and_reingest_changes_nothing(docs, tmp_path):
    names = list(ARTICLES)
    fill(tmp_path / "batch.db", docs, names)
    fill(tmp_path / "each.db", docs, list(reversed(names)), each=True)
    batch = snapshot(tmp_path / "batch.db")
    assert snapshot(tmp_path / "each.db") == batch
    fill(tmp_path / "batch.db", docs, names)  # the same articles again: skipped, nothing to merge
    assert snapshot(tmp_path / "batch.db") == batch
    conn = connect(tmp_path / "batch.db")
    merge(conn, rebuild=True)
    conn.close()
    assert snapshot(tmp_path / "batch.db") == batch


def test_version_1_store_is_upgraded(tmp_path):
    db = tmp_path / "old.db"
    connect(db).close()
    raw = sqlite3.connect(db)
    raw.executescript("DROP TABLE merged_members; DROP TABLE merged_events;"
                      "UPDATE meta SET value = '1' WHERE key = 'schema_version';")
    raw.close()
    with Store(db) as store:
        assert store.merged_events() == []
        assert store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "2"


def test_cli_merge_and_query_merged(tmp_path):
    corpus = tmp_path / "in.jsonl"

    corpus.write_text("".join(json.dumps({"doc_id": n, "text": t, "published": d}) + "\n"
                              for n, (t, d) in ARTICLES.items()))
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    out = runner.invoke(main, ["ingest", str(corpus), "--db", db, "--no-progress", "--no-merge"])
    assert out.exit_code == 0, out.output
    with Store(db) as store:
        assert store.merged_count() == 0
    out = runner.invoke(main, ["merge", "--db", db])
    assert out.exit_code == 0 and "merged events" in out.output
    out = runner.invoke(main, ["query", "--merged", "--db", db, "--type", "ASSAULT", "--format", "json"])
    rows = [json.loads(line) for line in out.output.splitlines() if line.startswith("{")]
    assert max(r["source_count"] for r in rows) == 2
    shown = runner.invoke(main, ["merge", "--db", db, "--show", rows[0]["id"]])
    assert shown.exit_code == 0 and json.loads(shown.output.splitlines()[-1])["members"]


def test_event_pages_run_from_dated_to_undated(engine, docs, tmp_path):
    """Pages of any size and offset read the same sequence: dated events by date, then undated."""
    db = tmp_path / "pages.db"
    conn = connect(db)
    writer = Writer(conn)
    for name in ARTICLES:
        writer.add_document(docs[name], origin=name)
    for n, text in enumerate(["Police arrested forty protesters in Nairobi.",
                              "Egypt condemned the attack on its embassy."]):
        writer.add_document(engine.extract(text, doc_id=f"undated-{n}"))  # no publication date
    conn.close()
    with Store(db) as store:
        everything = [(h.article_id, h.event.id) for h in store.events(limit=None)]
        dated = [h.event.date is not None for h in store.events(limit=None)]
        assert dated == sorted(dated, reverse=True) and not all(dated)
        for size in (1, 2, 3):
            paged = [(h.article_id, h.event.id) for off in range(0, len(everything) + 2, size)
                     for h in store.events(limit=size, offset=off)]
            assert paged == everything
        assert store.events(offset=len(everything)) == []
