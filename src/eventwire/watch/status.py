"""`WatchStatus`: the monitor's read API, for `eventwire sources` and a dashboard.

Sources with their last round and errors, the recent rounds, the error log, the alert rules and
the alert log (every delivery with its state). Everything returned is a frozen dataclass with
`to_dict()`. A store that was never watched has none of these tables: every list is empty then,
and nothing is written.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from eventwire.models import Record
from eventwire.watch.alerts import AlertRule
from eventwire.watch.state import has_tables


@dataclass(frozen=True)
class SourceStatus(Record):
    id: int
    location: str
    kind: str
    added_at: str
    last_round: Optional[int]
    last_checked: Optional[str]
    last_status: Optional[str]  # ok, not-modified, error (None: never visited)
    last_error: Optional[str]
    last_ok: Optional[str]
    items: int  # items seen in all
    stored: int  # of which stored as articles
    failed: int  # of which failed (last attempt)
    last_new_items: int  # in the source's last round
    last_stored: int
    errors: int  # errors recorded in all


@dataclass(frozen=True)
class RoundStatus(Record):
    id: int
    started_at: str
    finished_at: Optional[str]
    sources: int
    new_items: int
    stored: int
    duplicates: int
    failed: int
    errors: int
    alerts: int


@dataclass(frozen=True)
class WatchError(Record):
    round_id: int
    source: Optional[str]  # None: not tied to one source (merging, alert delivery)
    item: Optional[str]  # None: the source itself
    reason: str
    at: str


@dataclass(frozen=True)
class Delivery(Record):
    id: int
    rule_id: int
    merged_id: str
    mention_count: int
    source_count: int
    kind: str  # new, updated
    status: str  # delivered, pending, failed
    attempts: int
    error: Optional[str]
    target: str
    created_at: str
    delivered_at: Optional[str]
    round_id: Optional[int]


class WatchStatus:
    """Read access to the monitor's state in the store behind `conn`, or at a path."""

    def __init__(self, conn_or_path: sqlite3.Connection | str | Path):
        if isinstance(conn_or_path, sqlite3.Connection):
            self.conn, self._own = conn_or_path, False
        else:
            from eventwire.store.schema import connect

            self.conn, self._own = connect(conn_or_path), True
        self.ready = has_tables(self.conn)

    def __enter__(self) -> "WatchStatus":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._own:
            self.conn.close()

    def sources(self) -> list[SourceStatus]:
        if not self.ready:
            return []
        rows = self.conn.execute("""
            SELECT s.id, s.location, s.kind, s.added_at, s.last_round, s.last_checked, s.last_status,
                   s.last_error, s.last_ok,
                   (SELECT count(*) FROM watch_items i WHERE i.source_id = s.id),
                   (SELECT count(*) FROM watch_items i WHERE i.source_id = s.id AND i.status = 'stored'),
                   (SELECT count(*) FROM watch_items i WHERE i.source_id = s.id AND i.status = 'failed'),
                   coalesce((SELECT r.new_items FROM watch_source_rounds r WHERE r.source_id = s.id
                             AND r.round_id = s.last_round), 0),
                   coalesce((SELECT r.stored FROM watch_source_rounds r WHERE r.source_id = s.id
                             AND r.round_id = s.last_round), 0),
                   (SELECT count(*) FROM watch_errors e WHERE e.source_id = s.id)
            FROM watch_sources s ORDER BY s.id""")
        return [SourceStatus(*r) for r in rows]

    def rounds(self, limit: Optional[int] = 20) -> list[RoundStatus]:
        """The latest rounds, newest first."""
        if not self.ready:
            return []
        rows = self.conn.execute(
            "SELECT id, started_at, finished_at, sources, new_items, stored, duplicates, failed, errors, alerts"
            " FROM watch_rounds ORDER BY id DESC LIMIT ?", (-1 if limit is None else limit,))
        return [RoundStatus(*r) for r in rows]

    def errors(self, limit: Optional[int] = 50, source: Optional[int] = None) -> list[WatchError]:
        """The latest errors (of one source, by id, when given), newest first."""
        if not self.ready:
            return []
        rows = self.conn.execute(
            "SELECT e.round_id, s.location, e.item, e.reason, e.at FROM watch_errors e"
            " LEFT JOIN watch_sources s ON s.id = e.source_id WHERE ? IS NULL OR e.source_id = ?"
            " ORDER BY e.n DESC LIMIT ?", (source, source, -1 if limit is None else limit))
        return [WatchError(*r) for r in rows]

    def rules(self) -> list[AlertRule]:
        if not self.ready:
            return []
        from eventwire.watch.alerts import list_rules

        return list_rules(self.conn)

    def deliveries(self, limit: Optional[int] = 50, rule: Optional[int] = None) -> list[Delivery]:
        """The alert log, newest first (of one rule when given)."""
        if not self.ready:
            return []
        rows = self.conn.execute(
            "SELECT id, rule_id, merged_id, mention_count, source_count, kind, status, attempts, error,"
            " target, created_at, delivered_at, round_id FROM alert_deliveries"
            " WHERE ? IS NULL OR rule_id = ? ORDER BY id DESC LIMIT ?",
            (rule, rule, -1 if limit is None else limit))
        return [Delivery(*r) for r in rows]

    def to_dict(self, limit: int = 20) -> dict[str, Any]:
        """Everything a dashboard page shows, as plain JSON."""
        return {
            "sources": [s.to_dict() for s in self.sources()],
            "rounds": [r.to_dict() for r in self.rounds(limit)],
            "errors": [e.to_dict() for e in self.errors(limit)],
            "rules": [r.to_dict() for r in self.rules()],
            "deliveries": [d.to_dict() for d in self.deliveries(limit)],
        }
