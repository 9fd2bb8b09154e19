"""The corpus store's SQLite layout: tables, indexes, the schema version and connection settings.

One article row per stored `Document` (its `doc_id` is the key) and child rows for every unit;
events keep their full JSON next to the coded columns so a stored event reads back unchanged.
`connect` opens (and, when new, creates) a store file with WAL journaling and foreign keys on.
Merged events (`merged_events`, `merged_members`, filled by `store.merge`) and two indexes came
with version 2; a version-1 store is upgraded in place when opened (the new tables start empty).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from eventwire.errors import StoreError

SCHEMA_VERSION = 2

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    n         INTEGER PRIMARY KEY,          -- row number, also the full-text index's rowid
    id        TEXT NOT NULL UNIQUE,         -- the document's doc_id (content hash by default)
    schema    TEXT NOT NULL,
    published TEXT,
    title     TEXT,
    source    TEXT,
    url       TEXT,
    origin    TEXT,                          -- where it was read from
    text      TEXT NOT NULL,
    errors    TEXT NOT NULL DEFAULT '[]',   -- JSON list of non-fatal problems
    stored_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);

CREATE TABLE IF NOT EXISTS sentences (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS entities (
    article_id    TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx           INTEGER NOT NULL,
    entity_id     TEXT NOT NULL,
    text          TEXT NOT NULL,
    start         INTEGER NOT NULL,
    end           INTEGER NOT NULL,
    label         TEXT NOT NULL,
    actor_name    TEXT,
    actor_country TEXT,
    actor_sector  TEXT,
    actor_role    TEXT,
    actor_kb_id   TEXT,
    actor_how     TEXT,                      -- NULL when the mention is not an actor
    refers_to     TEXT,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS places (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    geonameid  INTEGER,
    country    TEXT,
    admin1     TEXT,
    lat        REAL,
    lon        REAL,
    feature    TEXT NOT NULL,
    as_actor   INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS times (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    value      TEXT,
    precision  TEXT NOT NULL,
    relation   TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS quantities (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    value      NOT NULL,                     -- no type: an int stays an int, a float a float
    qualifier  TEXT NOT NULL,
    unit       TEXT,
    kind       TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS quotes (
    article_id            TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx                   INTEGER NOT NULL,
    text                  TEXT NOT NULL,
    start                 INTEGER NOT NULL,
    end                   INTEGER NOT NULL,
    cue                   TEXT,
    speaker_text          TEXT,              -- NULL when the quote has no speaker
    speaker_start         INTEGER,
    speaker_end           INTEGER,
    speaker_actor         TEXT,              -- the speaker's Actor as JSON, or NULL
    speaker_name          TEXT,
    speaker_country       TEXT,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS events (
    article_id     TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx            INTEGER NOT NULL,
    event_id       TEXT NOT NULL,
    type           TEXT NOT NULL,
    mode           TEXT,
    cameo          TEXT,
    quad           TEXT,
    score          REAL,
    status         TEXT NOT NULL,
    certainty      TEXT NOT NULL,
    confidence     REAL NOT NULL,
    date           TEXT,                     -- ISO value: YYYY-MM-DD, YYYY-MM, YYYY…
    date_precision TEXT,
    date_how       TEXT,
    sentence       INTEGER NOT NULL,
    sentence_start INTEGER,                  -- evidence: the sentence's span, when known
    sentence_end   INTEGER,
    trigger_text   TEXT NOT NULL,
    trigger_start  INTEGER NOT NULL,
    trigger_end    INTEGER NOT NULL,
    place_name     TEXT,
    place_country  TEXT,
    json           TEXT NOT NULL,            -- the whole Event, as in the output schema
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX IF NOT EXISTS events_type ON events(type, mode);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE TABLE IF NOT EXISTS event_parties (
    article_id TEXT NOT NULL,
    event_idx  INTEGER NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('actor', 'recipient')),
    idx        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    country    TEXT,
    sector     TEXT,
    name       TEXT,
    PRIMARY KEY (article_id, event_idx, role, idx),
    FOREIGN KEY (article_id, event_idx) REFERENCES events(article_id, idx) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS event_parties_country ON event_parties(country, role);
CREATE TABLE IF NOT EXISTS failures (
    n          INTEGER PRIMARY KEY,
    origin     TEXT NOT NULL,
    doc_id     TEXT,
    reason     TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 1,
    UNIQUE (origin, reason)
);
CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5(
    title, text, quotes, content='', tokenize='unicode61 remove_diacritics 2'
);
"""

# Version 2: merged events. One row per real-world event (see docs/MERGING.md); every event row
# belongs to exactly one merged event once `merge` has run (a lone mention is a merged event of one).
# Also for large stores: timelines read (date, type, score) from an index without touching the
# rows (in date order, or event by event for the events of given parties); a country or sector
# code finds its events from an index alone; and `event_days` (kept by triggers) holds the events
# and summed scores per date and type, so an unfiltered timeline reads a few thousand rows
# instead of every event.
V2_DDL = """
CREATE INDEX IF NOT EXISTS events_timeline ON events(date, type, score);
CREATE INDEX IF NOT EXISTS events_summary ON events(article_id, idx, date, type, score);
DROP INDEX IF EXISTS event_parties_country;  -- version 1's, without the event: replaced by
CREATE INDEX IF NOT EXISTS event_parties_country_events ON event_parties(country, role, article_id, event_idx);
CREATE INDEX IF NOT EXISTS event_parties_sector_events ON event_parties(sector, role, article_id, event_idx);
CREATE TABLE IF NOT EXISTS event_days (
    date   TEXT NOT NULL,
    type   TEXT NOT NULL,
    events INTEGER NOT NULL,
    score  REAL NOT NULL,                   -- the sum of the events' PLOVER scores (none = 0)
    PRIMARY KEY (date, type)
);
INSERT OR IGNORE INTO event_days
    SELECT date, type, count(*), total(score) FROM events WHERE date IS NOT NULL GROUP BY date, type;
CREATE TRIGGER IF NOT EXISTS event_days_add AFTER INSERT ON events WHEN NEW.date IS NOT NULL BEGIN
    INSERT INTO event_days VALUES (NEW.date, NEW.type, 1, coalesce(NEW.score, 0))
    ON CONFLICT (date, type) DO UPDATE SET events = events + 1, score = score + excluded.score;
END;
CREATE TRIGGER IF NOT EXISTS event_days_remove AFTER DELETE ON events WHEN OLD.date IS NOT NULL BEGIN
    UPDATE event_days SET events = events - 1, score = score - coalesce(OLD.score, 0)
    WHERE date = OLD.date AND type = OLD.type;
END;
CREATE TABLE IF NOT EXISTS merged_events (
    id             TEXT PRIMARY KEY,          -- stable: derived from the first member
    type           TEXT NOT NULL,             -- representative fields, chosen from the members
    mode           TEXT,
    date           TEXT,
    date_precision TEXT,
    actors         TEXT NOT NULL DEFAULT '',  -- country codes, comma-separated
    recipients     TEXT NOT NULL DEFAULT '',
    place_name     TEXT,
    place_country  TEXT,
    lat            REAL,
    lon            REAL,
    trigger_text   TEXT NOT NULL,
    score          REAL,
    confidence     REAL NOT NULL,
    mention_count  INTEGER NOT NULL,          -- member rows plus their repeat mentions
    member_count   INTEGER NOT NULL,          -- member event rows
    source_count   INTEGER NOT NULL,          -- distinct articles
    first_seen     TEXT,                      -- earliest / latest publication date of an article
    last_seen      TEXT
);
CREATE INDEX IF NOT EXISTS merged_events_date ON merged_events(date);
CREATE INDEX IF NOT EXISTS merged_events_type ON merged_events(type, date);
CREATE TABLE IF NOT EXISTS merged_members (
    merged_id  TEXT NOT NULL REFERENCES merged_events(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL,
    event_idx  INTEGER NOT NULL,
    PRIMARY KEY (article_id, event_idx),
    FOREIGN KEY (article_id, event_idx) REFERENCES events(article_id, idx) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS merged_members_merged ON merged_members(merged_id);
"""


def connect(path: str | Path) -> sqlite3.Connection:
    """Open the store at `path`, creating it if needed; raises `StoreError` on a foreign file."""
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)  # transactions are explicit
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # with WAL: safe against a killed process
        _ensure_schema(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path}: not an eventwire store ({exc})") from None
    except StoreError:
        conn.close()
        raise
    return conn


def _ensure_schema(conn: sqlite3.Connection, path: str | Path) -> None:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" not in tables:
        if tables:
            raise StoreError(f"{path}: not an eventwire store (it has other tables)")
        conn.executescript(
            "BEGIN IMMEDIATE;" + DDL + V2_DDL
            + f"INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}'); COMMIT;"
        )
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is not None and row[0] == "1":  # version 1 → 2: add the merged-event tables
        conn.executescript("BEGIN IMMEDIATE;" + V2_DDL
                           + "UPDATE meta SET value = '2' WHERE key = 'schema_version'; COMMIT;")
        row = ("2",)
    if row is None or row[0] != str(SCHEMA_VERSION):
        found = row[0] if row else "none"
        raise StoreError(f"{path}: store schema version {found}, this eventwire reads version "
                         f"{SCHEMA_VERSION}; ingest into a new file")
