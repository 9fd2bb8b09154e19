"""`Store`: the one read API of a corpus store, for the CLI, a REST API and a dashboard.

Everything it returns is a frozen dataclass (with `to_dict()`) built from eventwire's models:
never a database row. Events are selected with an `EventFilter`; `timeline` and `network`
aggregate the same selection.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from eventwire.dyads import event_dyads
from eventwire.models import (
    Actor, Document, Entity, Event, Party, Place, Quantity, Quote, Sentence, Speaker, TimeExpression,
)
from eventwire.store.filters import EventFilter, where_sql
from eventwire.store.results import Edge, EventHit, StoredArticle, StoredFailure, TimelinePoint
from eventwire.store.schema import connect

PERIODS = ("day", "week", "month", "year")
GROUPS = ("type", "dyad")
NODES = ("country", "code", "name")


_EVENT_COLUMNS = (
    "e.article_id, e.json, a.published, a.title, a.source, a.url,"
    " CASE WHEN e.sentence_start IS NULL THEN NULL"
    " ELSE substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) END"
)


class Store:
    """Read access to the store at `path` (created empty if missing). Use as a context manager
    or call `close()`."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.conn: sqlite3.Connection = connect(path)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # -- articles and failures ---------------------------------------------------------------

    def article_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def event_count(self, where: EventFilter = EventFilter()) -> int:
        sql, params = where_sql(where)
        return self.conn.execute(
            f"SELECT count(*) FROM events e JOIN articles a ON a.id = e.article_id WHERE {sql}", params,
        ).fetchone()[0]

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY n")]

    def article(self, article_id: str) -> Optional[StoredArticle]:
        """The article with all its units, exactly as it was stored, or None."""
        row = self.conn.execute(
            "SELECT id, schema, published, title, source, url, text, errors, origin, stored_at"
            " FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        aid = row[0]

        def rows(table: str, columns: str) -> list[tuple]:
            return self.conn.execute(
                f"SELECT {columns} FROM {table} WHERE article_id = ? ORDER BY idx", (aid,)).fetchall()

        doc = Document(
            doc_id=aid, schema=row[1], published=row[2], title=row[3], source=row[4], url=row[5],
            text=row[6], errors=tuple(json.loads(row[7])),
            sentences=tuple(Sentence(*r) for r in rows("sentences", "start, end")),
            entities=tuple(
                Entity(r[0], r[1], r[2], r[3], r[4],
                       Actor(*r[5:10], how=r[10]) if r[10] is not None else None, r[11])
                for r in rows("entities", "entity_id, text, start, end, label, actor_name, actor_country,"
                                          " actor_sector, actor_role, actor_kb_id, actor_how, refers_to")),
            places=tuple(
                Place(*r[:10], as_actor=bool(r[10]))
                for r in rows("places", "text, start, end, name, geonameid, country, admin1, lat, lon,"
                                        " feature, as_actor")),
            times=tuple(TimeExpression(*r) for r in rows("times", "text, start, end, value, precision, relation")),
            quantities=tuple(Quantity(*r) for r in rows(
                "quantities", "text, start, end, value, qualifier, unit, kind")),
            quotes=tuple(
                Quote(r[0], r[1], r[2], cue=r[3], speaker=None if r[4] is None else Speaker(
                    r[4], r[5], r[6], Actor.from_dict(json.loads(r[7])) if r[7] else None))
                for r in rows("quotes", "text, start, end, cue, speaker_text, speaker_start, speaker_end,"
                                        " speaker_actor")),
            events=tuple(Event.from_dict(json.loads(r[0])) for r in rows("events", "json")),
        )
        return StoredArticle(document=doc, origin=row[8], stored_at=row[9])

    def failures(self, limit: Optional[int] = None, offset: int = 0) -> list[StoredFailure]:
        """Recorded failures, most recent first."""
        rows = self.conn.execute(
            "SELECT origin, reason, doc_id, first_seen, last_seen, attempts FROM failures"
            " ORDER BY last_seen DESC, n DESC LIMIT ? OFFSET ?", (-1 if limit is None else limit, offset))
        return [StoredFailure(*r) for r in rows]

    # -- events ------------------------------------------------------------------------------

    def events(self, where: EventFilter = EventFilter(), limit: Optional[int] = 50,
               offset: int = 0) -> list[EventHit]:
        """One page of the selected events, by date (undated last), then article, then order."""
        return list(self.iter_events(where, limit, offset))

    def iter_events(self, where: EventFilter = EventFilter(), limit: Optional[int] = None,
                    offset: int = 0) -> Iterator[EventHit]:
        """The selected events one at a time (for exports of any size)."""
        sql, params = where_sql(where)
        cursor = self.conn.execute(
            f"SELECT {_EVENT_COLUMNS} FROM events e JOIN articles a ON a.id = e.article_id"
            f" WHERE {sql} ORDER BY e.date IS NULL, e.date, a.n, e.idx LIMIT ? OFFSET ?",
            [*params, -1 if limit is None else limit, offset],
        )
        for aid, data, published, title, source, url, evidence in cursor:
            yield EventHit(aid, Event.from_dict(json.loads(data)), published, title, source, url, evidence)

    def timeline(self, where: EventFilter = EventFilter(), by: str = "day",
                 group: str = "type") -> list[TimelinePoint]:
        """Event counts and summed PLOVER scores per period and type (or dyad, one row per
        actor-recipient pair as in `--dyads`). Events dated less precisely than `by` are left out."""
        if by not in PERIODS or group not in GROUPS:
            raise ValueError(f"by must be one of {PERIODS}, group one of {GROUPS}")
        sums: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0.0])
        for hit in self.iter_events(where):
            period = _period(hit.event.date.value if hit.event.date else None, by)
            if period is None:
                continue
            keys = [hit.event.type] if group == "type" else [
                f"{_label(d.actor, 'country')}→{_label(d.recipient, 'country')}" for d in event_dyads(hit.event)]
            for key in keys:
                cell = sums[(period, key)]
                cell[0] += 1
                cell[1] += hit.event.score or 0.0
        return [TimelinePoint(p, g, n, round(s, 6)) for (p, g), (n, s) in sorted(sums.items())]

    def network(self, where: EventFilter = EventFilter(), node: str = "country") -> list[Edge]:
        """Actor → recipient edges (one per dyad of each event) with event counts and mean score;
        most frequent first. `node`: `country` (code), `code` (country and sector, e.g. KEN-GOV)
        or `name`."""
        if node not in NODES:
            raise ValueError(f"node must be one of {NODES}")
        sums: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0.0, 0])
        for hit in self.iter_events(where):
            for d in event_dyads(hit.event):
                if not d.actor or not d.recipient:
                    continue
                cell = sums[(_label(d.actor, node), _label(d.recipient, node))]
                cell[0] += 1
                if hit.event.score is not None:
                    cell[1] += hit.event.score
                    cell[2] += 1
        edges = [Edge(a, b, n, round(s / k, 6) if k else None) for (a, b), (n, s, k) in sums.items()]
        return sorted(edges, key=lambda e: (-e.events, e.source, e.target))


def _label(parties: tuple[Party, ...], node: str) -> str:
    if not parties:
        return "-"
    p = parties[0]
    if node == "name":
        return p.name or p.text
    if node == "code" and p.country and p.sector:
        return f"{p.country}-{p.sector}"
    return p.country or p.name or p.text


def _period(value: Optional[str], by: str) -> Optional[str]:
    if not value:
        return None
    if by == "year":
        return value[:4] if len(value) >= 4 else None
    if by == "month":
        return value[:7] if len(value) >= 7 else None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    if by == "day":
        return day.isoformat()
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
