"""`Writer`: the single writer of a corpus store.

Each `Document` is stored in one transaction (article row, then every child row), so a reader
or a process killed half-way never sees half an article. Storing an article whose id is already
present changes nothing. Failures are kept once per (origin, reason), with how often they
happened; storing an article clears the failures recorded earlier for the same input.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from typing import Optional

from eventwire.models import Document, Event, Failure


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Writer:
    """Stores documents and failures through `conn` (from `schema.connect`)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def stored_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of `ids` that are already stored."""
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            part = wanted[i:i + 500]
            marks = ",".join("?" * len(part))
            found.update(r[0] for r in self.conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", part))
        return found

    def add_document(self, doc: Document, origin: Optional[str] = None) -> bool:
        """Store `doc` atomically; False (and nothing changed) when its id is already stored."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            cur = c.execute(
                "INSERT OR IGNORE INTO articles (id, schema, published, title, source, url, origin, text,"
                " errors, stored_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (doc.doc_id, doc.schema, doc.published, doc.title, doc.source, doc.url, origin, doc.text,
                 _json(list(doc.errors)), _now()),
            )
            if cur.rowcount == 0:
                c.execute("ROLLBACK")
                return False
            self._children(doc, cur.lastrowid)
            c.execute("DELETE FROM failures WHERE doc_id = ? OR (? IS NOT NULL AND origin = ?)",
                      (doc.doc_id, origin, origin))
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise
        return True

    def add_failure(self, failure: Failure) -> None:
        """Record `failure`; the same origin and reason again only counts one more attempt."""
        now = _now()
        self.conn.execute(
            "INSERT INTO failures (origin, doc_id, reason, first_seen, last_seen) VALUES (?,?,?,?,?)"
            " ON CONFLICT (origin, reason) DO UPDATE SET last_seen = excluded.last_seen,"
            " attempts = attempts + 1, doc_id = COALESCE(excluded.doc_id, doc_id)",
            (failure.origin, failure.doc_id, failure.reason, now, now),
        )

    def _children(self, doc: Document, rowid: int) -> None:
        c, aid = self.conn, doc.doc_id
        c.executemany("INSERT INTO sentences VALUES (?,?,?,?)",
                      [(aid, i, s.start, s.end) for i, s in enumerate(doc.sentences)])
        c.executemany(
            "INSERT INTO entities VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(aid, i, e.id, e.text, e.start, e.end, e.label,
              *((e.actor.name, e.actor.country, e.actor.sector, e.actor.role, e.actor.kb_id, e.actor.how)
                if e.actor else (None,) * 6), e.refers_to)
             for i, e in enumerate(doc.entities)],
        )
        c.executemany(
            "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(aid, i, p.text, p.start, p.end, p.name, p.geonameid, p.country, p.admin1, p.lat, p.lon,
              p.feature, int(p.as_actor)) for i, p in enumerate(doc.places)],
        )
        c.executemany("INSERT INTO times VALUES (?,?,?,?,?,?,?,?)",
                      [(aid, i, t.text, t.start, t.end, t.value, t.precision, t.relation)
                       for i, t in enumerate(doc.times)])
        c.executemany("INSERT INTO quantities VALUES (?,?,?,?,?,?,?,?,?)",
                      [(aid, i, q.text, q.start, q.end, q.value, q.qualifier, q.unit, q.kind)
                       for i, q in enumerate(doc.quantities)])
        c.executemany(
            "INSERT INTO quotes VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [(aid, i, q.text, q.start, q.end, q.cue,
              *((q.speaker.text, q.speaker.start, q.speaker.end,
                 _json(q.speaker.actor.to_dict()) if q.speaker.actor else None,
                 q.speaker.actor.name if q.speaker.actor else None,
                 q.speaker.actor.country if q.speaker.actor else None) if q.speaker else (None,) * 6))
             for i, q in enumerate(doc.quotes)],
        )
        for i, ev in enumerate(doc.events):
            self._event(doc, i, ev)
        c.execute("INSERT INTO article_fts (rowid, title, text, quotes) VALUES (?,?,?,?)",
                  (rowid, doc.title or "", doc.text, "\n".join(q.text for q in doc.quotes)))

    def _event(self, doc: Document, i: int, ev: Event) -> None:
        sent = doc.sentences[ev.sentence] if 0 <= ev.sentence < len(doc.sentences) else None
        date, loc = ev.date, ev.location
        self.conn.execute(
            "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.doc_id, i, ev.id, ev.type, ev.mode, ev.cameo, ev.quad, ev.score, ev.status,
             ev.certainty, ev.confidence, date.value if date else None, date.precision if date else None,
             date.how if date else None, ev.sentence, sent.start if sent else None,
             sent.end if sent else None, ev.trigger.text, ev.trigger.start, ev.trigger.end,
             loc.name if loc else None, loc.country if loc else None, _json(ev.to_dict())),
        )
        self.conn.executemany(
            "INSERT INTO event_parties VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(doc.doc_id, i, role, k, p.text, p.start, p.end, p.country, p.sector, p.name)
             for role, parties in (("actor", ev.actor), ("recipient", ev.recipient))
             for k, p in enumerate(parties)],
        )
