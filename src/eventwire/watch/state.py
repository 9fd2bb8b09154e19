"""The monitor's own tables, kept in the store file next to the corpus (created if missing).

- `watch_sources`: every source ever watched, its conditional-GET validators and its last round;
- `watch_items`: every item seen, by URL (feed items) or path (folder files), with the content
  hash of what was read and what became of it (stored, duplicate, failed);
- `watch_rounds` and `watch_source_rounds`: what each round did, overall and per source;
- `watch_errors`: every source or item error, with its round;
- `watch_unalerted`: articles stored whose events were not checked against the alert rules yet
  (a round that stopped after storing, or whose merge failed, leaves them to the next one);
- `alert_rules` and `alert_deliveries` (with `alert_delivery_members`, the event mentions a
  delivered merged event held): the alerts and their log.

These tables belong to `eventwire.watch`; the corpus tables are only written through the store's
`Writer` and `merge`.
"""
from __future__ import annotations

import datetime as dt
import sqlite3

DDL = """
CREATE TABLE IF NOT EXISTS watch_sources (
    id            INTEGER PRIMARY KEY,
    location      TEXT NOT NULL UNIQUE,   -- feed URL, or absolute path of a feed file or folder
    kind          TEXT NOT NULL,          -- feed, feed-file, folder
    added_at      TEXT NOT NULL,
    etag          TEXT,                   -- validators for the next conditional GET
    last_modified TEXT,
    last_round    INTEGER,                -- the last round that visited it
    last_checked  TEXT,
    last_status   TEXT,                   -- ok, not-modified, error
    last_error    TEXT,
    last_ok       TEXT                    -- when it last answered with something readable
);
CREATE TABLE IF NOT EXISTS watch_items (
    key          TEXT PRIMARY KEY,        -- the item's URL, or a folder file's absolute path
    source_id    INTEGER NOT NULL,
    content_hash TEXT,                    -- sha256 of the bytes read (files) or of the main text (pages)
    article_id   TEXT,                    -- the stored article it became (or already was)
    status       TEXT NOT NULL,           -- stored, duplicate, failed
    reason       TEXT,                    -- why it failed
    attempts     INTEGER NOT NULL DEFAULT 1,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS watch_items_hash ON watch_items(content_hash);
CREATE TABLE IF NOT EXISTS watch_rounds (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    sources     INTEGER NOT NULL DEFAULT 0,
    new_items   INTEGER NOT NULL DEFAULT 0,
    stored      INTEGER NOT NULL DEFAULT 0,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0,   -- source and item errors
    alerts      INTEGER NOT NULL DEFAULT 0    -- deliveries made
);
CREATE TABLE IF NOT EXISTS watch_source_rounds (
    round_id    INTEGER NOT NULL,
    source_id   INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL,            -- ok, not-modified, error
    items       INTEGER NOT NULL DEFAULT 0,   -- items listed by the feed, files in the folder
    new_items   INTEGER NOT NULL DEFAULT 0,
    stored      INTEGER NOT NULL DEFAULT 0,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    PRIMARY KEY (round_id, source_id)
);
CREATE TABLE IF NOT EXISTS watch_errors (
    n         INTEGER PRIMARY KEY,
    round_id  INTEGER NOT NULL,
    source_id INTEGER NOT NULL,
    item      TEXT,                       -- NULL: the source itself failed
    reason    TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS watch_errors_source ON watch_errors(source_id, n);
CREATE TABLE IF NOT EXISTS watch_unalerted (
    article_id TEXT PRIMARY KEY,          -- stored by a round whose alerts are not checked yet
    round_id   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_rules (
    id            INTEGER PRIMARY KEY,
    name          TEXT,
    actor         TEXT,                   -- as `eventwire query --actor`
    recipient     TEXT,
    type          TEXT,                   -- PLOVER types, comma-separated
    place         TEXT,
    min_mentions  INTEGER NOT NULL DEFAULT 1,
    min_sources   INTEGER NOT NULL DEFAULT 1,
    webhook       TEXT,                   -- exactly one of webhook and file
    file          TEXT,
    created_at    TEXT NOT NULL,
    CHECK ((webhook IS NULL) <> (file IS NULL))
);
CREATE TABLE IF NOT EXISTS alert_deliveries (
    id            INTEGER PRIMARY KEY,
    rule_id       INTEGER NOT NULL,
    merged_id     TEXT NOT NULL,
    mention_count INTEGER NOT NULL,
    source_count  INTEGER NOT NULL,
    kind          TEXT NOT NULL,          -- new (first delivery for this event) or updated
    status        TEXT NOT NULL,          -- delivered, pending (will be retried), failed (gave up)
    attempts      INTEGER NOT NULL DEFAULT 0,   -- requests (or file writes) tried
    rounds        INTEGER NOT NULL DEFAULT 0,   -- rounds in which it was tried
    error         TEXT,
    target        TEXT NOT NULL,          -- webhook URL or file path
    payload       TEXT NOT NULL,          -- the JSON delivered
    created_at    TEXT NOT NULL,
    delivered_at  TEXT,
    round_id      INTEGER,
    UNIQUE (rule_id, merged_id, mention_count)
);
CREATE INDEX IF NOT EXISTS alert_deliveries_rule ON alert_deliveries(rule_id, status);
CREATE TABLE IF NOT EXISTS alert_delivery_members (
    delivery_id INTEGER NOT NULL,
    article_id  TEXT NOT NULL,
    event_idx   INTEGER NOT NULL,
    PRIMARY KEY (delivery_id, article_id, event_idx)
);
CREATE INDEX IF NOT EXISTS alert_delivery_members_event ON alert_delivery_members(article_id, event_idx);
"""

TABLES = ("watch_sources", "watch_items", "watch_rounds", "watch_source_rounds", "watch_errors",
          "watch_unalerted", "alert_rules", "alert_deliveries", "alert_delivery_members")


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def ensure_tables(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Create the monitor's tables in the store behind `conn` when they are missing."""
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not set(TABLES) <= present:
        conn.executescript("BEGIN IMMEDIATE;" + DDL + "COMMIT;")
    return conn


def has_tables(conn: sqlite3.Connection) -> bool:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return set(TABLES) <= present


def register_source(conn: sqlite3.Connection, kind: str, location: str) -> int:
    """The id of the source at `location`, added when new."""
    conn.execute("INSERT OR IGNORE INTO watch_sources (location, kind, added_at) VALUES (?,?,?)",
                 (location, kind, now()))
    return conn.execute("SELECT id FROM watch_sources WHERE location = ?", (location,)).fetchone()[0]
