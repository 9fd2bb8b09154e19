"""The corpus store's SQLite layout: tables, indexes, the schema version and connection settings.

One article row per stored `Document` (its `doc_id` is the key) and child rows for every unit;
events keep their full JSON next to the coded columns so a stored event reads back unchanged.
`connect` opens (and, when new, creates) a store file with WAL journaling and foreign keys on.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from eventwire.errors import StoreError

SCHEMA_VERSION = 1

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
            "BEGIN IMMEDIATE;" + DDL
            + f"INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}'); COMMIT;"
        )
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None or row[0] != str(SCHEMA_VERSION):
        found = row[0] if row else "none"
        raise StoreError(f"{path}: store schema version {found}, this eventwire reads version "
                         f"{SCHEMA_VERSION}; ingest into a new file")
