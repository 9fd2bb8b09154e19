"""`Store`: the one read API of a corpus store, for the CLI, a REST API and a dashboard.

Everything it returns is a frozen dataclass (with `to_dict()`) built from eventwire's models:
never a database row. Events are selected with an `EventFilter`; `timeline` and `network`
aggregate the same selection.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from eventwire.dyads import event_dyads
from eventwire.models import (
    Actor, Document, Entity, Event, Party, Place, Quantity, Quote, Sentence, Speaker, TimeExpression,
)
from eventwire.store.filters import EventFilter, _fts_query, party_code_selects, where_sql
from eventwire.store.results import Edge, EventHit, StoredArticle, StoredFailure, TimelinePoint
from eventwire.store.results import ActorCount, ArticleSummary, PlaceCount
from eventwire.store.results import MergedEvent
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
        sql, params = where_sql(where, parties="in")
        join = " JOIN articles a ON a.id = e.article_id" if where.text else ""  # only text needs the article
        return self.conn.execute(f"SELECT count(*) FROM events e{join} WHERE {sql}", params).fetchone()[0]

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
        mode = self._parties_mode(where)
        sql, params = where_sql(where, parties=mode, walk=mode == "exists")
        base = f"SELECT {_EVENT_COLUMNS} FROM events e JOIN articles a ON a.id = e.article_id WHERE {sql}"
        # Dated events first, then undated ones; within a date in the order they were stored (the
        # rowid follows article and position). Two queries, so that the date index gives the order
        # and a page stops reading after its last row.
        got = 0
        for row in self.conn.execute(base + " AND e.date IS NOT NULL ORDER BY e.date, e.rowid LIMIT ? OFFSET ?",
                                     [*params, -1 if limit is None else limit, offset]):
            got += 1
            yield _hit(row)
        if limit is not None and got >= limit:
            return
        dated = offset + got if got or not offset else self.conn.execute(
            f"SELECT count(*) FROM events e JOIN articles a ON a.id = e.article_id WHERE {sql}"
            " AND e.date IS NOT NULL", params).fetchone()[0]
        for row in self.conn.execute(base + " AND e.date IS NULL ORDER BY e.rowid LIMIT ? OFFSET ?",
                                     [*params, -1 if limit is None else limit - got, max(0, offset - dated)]):
            yield _hit(row)

    def _parties_mode(self, where: EventFilter, common: int = 5_000) -> str:
        """How to select by actor and recipient: from the party rows ("in") when some code
        matches fewer than `common` of them, else event by event ("exists"), which suits walking
        the events in date order until a page is full."""
        for select, params in party_code_selects(where):
            found = self.conn.execute(f"SELECT count(*) FROM ({select} LIMIT ?)", [*params, common]).fetchone()[0]
            if found < common:
                return "in"
        return "exists"

    def timeline(self, where: EventFilter = EventFilter(), by: str = "day",
                 group: str = "type") -> list[TimelinePoint]:
        """Event counts and summed PLOVER scores per period and type (or dyad, one row per
        actor-recipient pair as in `--dyads`). Events dated less precisely than `by` are left out."""
        if by not in PERIODS or group not in GROUPS:
            raise ValueError(f"by must be one of {PERIODS}, group one of {GROUPS}")
        sums: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0.0])
        if group == "type":  # summed in SQL per date and type, then per period
            width = {"year": 4, "month": 7}.get(by, 10)
            if where == EventFilter(type=where.type, since=where.since, until=where.until):
                # only types and dates: from the per-day sums the store keeps (schema.event_days)
                sql, params = where_sql(where)
                cut = f"substr(e.date, 1, {width})" if by in ("month", "year") else "e.date"
                rows = self.conn.execute(
                    f"SELECT {cut} AS d, e.type, sum(e.events), sum(e.score) FROM event_days e WHERE {sql}"
                    f" AND e.events > 0 AND length(e.date) >= {width} GROUP BY d, e.type", params)
            else:
                sql, params = where_sql(where, parties="in")
                join = " JOIN articles a ON a.id = e.article_id" if where.text else ""
                rows = self.conn.execute(
                    f"SELECT e.date, e.type, count(*), total(e.score) FROM events e{join}"
                    f" WHERE {sql} AND length(e.date) >= {width} GROUP BY e.date, e.type", params)
            periods: dict[str, Optional[str]] = {}
            for date, typ, n, score in rows:
                if date not in periods:
                    periods[date] = _period(date, by)
                if periods[date] is not None:
                    cell = sums[(periods[date], typ)]
                    cell[0] += n
                    cell[1] += score
            return [TimelinePoint(p, g, n, round(s, 6)) for (p, g), (n, s) in sorted(sums.items())]
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

    # -- listings for the REST API and the dashboard ------------------------------------------

    def failure_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM failures").fetchone()[0]

    def article_total(self, text: Optional[str] = None) -> int:
        """How many articles are stored (with `text`: whose title, text or quotes have all these words)."""
        sql, params = _article_match(text)
        return self.conn.execute(f"SELECT count(*) FROM articles a WHERE {sql}", params).fetchone()[0]

    def articles(self, text: Optional[str] = None, limit: Optional[int] = 50,
                 offset: int = 0) -> list[ArticleSummary]:
        """Stored articles, most recently stored first, each with its number of events and a
        snippet (around the first word of `text` when given)."""
        sql, params = _article_match(text)
        rows = self.conn.execute(
            "SELECT a.id, a.title, a.published, a.source, a.url, a.stored_at, a.text,"
            " (SELECT count(*) FROM events e WHERE e.article_id = a.id)"
            f" FROM articles a WHERE {sql} ORDER BY a.n DESC LIMIT ? OFFSET ?",
            [*params, -1 if limit is None else limit, offset])
        return [ArticleSummary(r[0], r[1], r[2], r[3], r[4], r[5], r[7], _snippet(r[6], text), _headline(r[1], r[6]))
                for r in rows]

    def event(self, article_id: str, event_id: str) -> Optional[EventHit]:
        """One stored event mention by its article and its id in that article, or None."""
        row = self.conn.execute(
            f"SELECT {_EVENT_COLUMNS} FROM events e JOIN articles a ON a.id = e.article_id"
            " WHERE e.article_id = ? AND e.event_id = ?", (article_id, event_id)).fetchone()
        if row is None:
            return None
        aid, data, published, title, source, url, evidence = row
        return EventHit(aid, Event.from_dict(json.loads(data)), published, title, source, url, evidence)

    def actors(self, where: EventFilter = EventFilter(), limit: Optional[int] = 100) -> list[ActorCount]:
        """The coded parties of the selected events (country, sector, name), most involved first."""
        sql, params = where_sql(where)
        rows = self.conn.execute(
            "SELECT p.country, p.sector, COALESCE(p.name, p.text) AS who,"
            " sum(p.role = 'actor'), sum(p.role = 'recipient'), count(DISTINCT e.article_id || '#' || e.idx)"
            " FROM event_parties p JOIN events e ON e.article_id = p.article_id AND e.idx = p.event_idx"
            f" JOIN articles a ON a.id = e.article_id WHERE {sql}"
            " GROUP BY p.country, p.sector, who ORDER BY 6 DESC, 4 DESC, who LIMIT ?",
            [*params, -1 if limit is None else limit])
        return [ActorCount(*r) for r in rows]

    def locations(self, where: EventFilter = EventFilter()) -> list[PlaceCount]:
        """The geocoded locations of the selected events, with counts and mean score; most first."""
        sums: dict[tuple, list] = defaultdict(lambda: [0, 0.0, 0])
        for hit in self.iter_events(where):
            loc = hit.event.location
            if loc is None or loc.lat is None or loc.lon is None:
                continue
            cell = sums[(loc.name, loc.country, loc.lat, loc.lon)]
            cell[0] += 1
            if hit.event.score is not None:
                cell[1] += hit.event.score
                cell[2] += 1
        places = [PlaceCount(name, country, lat, lon, n, round(s / k, 6) if k else None)
                  for (name, country, lat, lon), (n, s, k) in sums.items()]
        return sorted(places, key=lambda p: (-p.events, p.name))

    def type_counts(self, where: EventFilter = EventFilter()) -> list[tuple[str, int]]:
        """(PLOVER type, number of selected events), most frequent first."""
        sql, params = where_sql(where)
        return [tuple(r) for r in self.conn.execute(
            f"SELECT e.type, count(*) FROM events e JOIN articles a ON a.id = e.article_id WHERE {sql}"
            " GROUP BY e.type ORDER BY 2 DESC, 1", params)]


    # -- merged events (store.merge) ---------------------------------------------------------

    def merged_count(self, where: EventFilter = EventFilter()) -> int:
        """How many merged events have at least one mention selected by `where`."""
        sql, params = _merged_match(where)
        return self.conn.execute(f"SELECT count(*) FROM merged_events m WHERE {sql}", params).fetchone()[0]

    def merged_events(self, where: EventFilter = EventFilter(), limit: Optional[int] = 50,
                      offset: int = 0) -> list[MergedEvent]:
        """One page of merged events (without their members) of which at least one mention is
        selected by `where`; by date (undated last), then most reported first."""
        sql, params = _merged_match(where)
        rows = self.conn.execute(
            f"SELECT {_MERGED_COLUMNS} FROM merged_events m WHERE {sql}"
            " ORDER BY m.date IS NULL, m.date, m.mention_count DESC, m.id LIMIT ? OFFSET ?",
            [*params, -1 if limit is None else limit, offset])
        return [_merged(r) for r in rows]

    def merged_event(self, merged_id: str) -> Optional[MergedEvent]:
        """One merged event with all its evidence: every member mention with its article,
        sentence and trigger span (earliest article first); None when there is no such id."""
        row = self.conn.execute(f"SELECT {_MERGED_COLUMNS} FROM merged_events m WHERE m.id = ?",
                                (merged_id,)).fetchone()
        if row is None:
            return None
        members = tuple(
            EventHit(aid, Event.from_dict(json.loads(data)), published, title, source, url, evidence)
            for aid, data, published, title, source, url, evidence in self.conn.execute(
                f"SELECT {_EVENT_COLUMNS} FROM merged_members mm JOIN events e"
                " ON e.article_id = mm.article_id AND e.idx = mm.event_idx"
                " JOIN articles a ON a.id = e.article_id WHERE mm.merged_id = ?"
                " ORDER BY a.published IS NULL, a.published, a.n, e.idx", (merged_id,)))
        return _merged(row, members)


_MERGED_COLUMNS = (
    "m.id, m.type, m.mode, m.date, m.date_precision, m.actors, m.recipients, m.place_name,"
    " m.place_country, m.lat, m.lon, m.trigger_text, m.score, m.confidence, m.mention_count,"
    " m.member_count, m.source_count, m.first_seen, m.last_seen"
)


def _merged_match(where: EventFilter) -> tuple[str, list]:
    """Merged events with at least one member mention that `where` selects."""
    if where == EventFilter():
        return "1", []
    sql, params = where_sql(where)
    return ("m.id IN (SELECT mm.merged_id FROM events e JOIN articles a ON a.id = e.article_id"
            " JOIN merged_members mm ON mm.article_id = e.article_id AND mm.event_idx = e.idx"
            f" WHERE {sql})"), params


def _merged(row: tuple, members: tuple = ()) -> MergedEvent:
    codes = [tuple(x for x in (v or "").split(",") if x) for v in row[5:7]]
    return MergedEvent(*row[:5], *codes, *row[7:], members=members)


def _hit(row: tuple) -> EventHit:
    aid, data, published, title, source, url, evidence = row
    return EventHit(aid, Event.from_dict(json.loads(data)), published, title, source, url, evidence)


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


def _article_match(text: Optional[str]) -> tuple[str, list]:
    if not text:
        return "1", []
    return "a.n IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)", [_fts_query(text)]


def _headline(title: Optional[str], text: str) -> str:
    line = title or next((x.strip() for x in text.splitlines() if x.strip()), "")
    return line if len(line) <= 120 else line[:119] + "…"


def _snippet(text: str, words: Optional[str], width: int = 220) -> str:
    """About `width` characters of `text`, around the first of `words` found in it."""
    at = 0
    for word in re.findall(r"\w+", words or ""):
        found = re.search(rf"\b{re.escape(word)}", text, re.I)
        if found:
            at = max(0, found.start() - width // 3)
            break
    piece = " ".join(text[at:at + width].split())
    return ("…" if at else "") + piece + ("…" if at + width < len(text) else "")
