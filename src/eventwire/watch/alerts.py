"""Alerts: rules over merged events, and their delivery to a webhook or a JSON Lines file.

A rule selects merged events (see `eventwire.store.merge`) as `eventwire query --merged` does:
a merged event matches when at least one of its mentions matches the rule's actor, recipient,
type and place, and it has at least `min_mentions` mentions and `min_sources` articles.

When deliveries are made. After each round's merge, the merged events that newly stored
articles joined or created are checked against every rule (articles of a round that stopped
before this check are checked in the next one). A matching event is delivered:

- once when it first matches (`kind` "new"), and
- once more each time its mention count has risen above the count last delivered for it
  (`kind` "updated": the story is growing).

So each (rule, merged event, mention count) is delivered at most once, and an event whose
mention count does not rise is not delivered again. A merged event whose
id changes because an earlier report joined it is still recognised: earlier deliveries are
found through the mentions they held. A rule added later does not deliver the events stored
before it; it sees the events that new articles touch from then on.

Delivery. A webhook gets an HTTP POST of the JSON (header `X-Eventwire-Delivery` carries the
delivery id, so a receiver can drop a repeat); network errors, timeouts, 429 and 5xx answers
are retried with exponential backoff (`tries` attempts in a round). A file gets the JSON as one
appended line. Every delivery is recorded in `alert_deliveries` before it is attempted; one that
did not get through stays "pending" and is tried again in each later round, up to
`MAX_ROUNDS` rounds, then it is "failed".
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Optional

from eventwire.errors import EventwireError
from eventwire.models import Record
from eventwire.watch.state import ensure_tables, now

MAX_ROUNDS = 5  # rounds in which a pending delivery is tried before it is given up
_TYPE = re.compile(r"^[A-Z_]+(,[A-Z_]+)*$")


class AlertError(EventwireError):
    """An alert rule that cannot be made as asked."""


@dataclass(frozen=True)
class AlertRule(Record):
    id: int
    name: Optional[str]
    actor: Optional[str]
    recipient: Optional[str]
    type: Optional[str]
    place: Optional[str]
    min_mentions: int
    min_sources: int
    webhook: Optional[str]
    file: Optional[str]
    created_at: str

    @property
    def target(self) -> str:
        return self.webhook or self.file or ""

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in (("actor", self.actor), ("recipient", self.recipient),
                                         ("type", self.type), ("place", self.place)) if v]
        parts.append(f"mentions>={self.min_mentions}")
        if self.min_sources > 1:
            parts.append(f"sources>={self.min_sources}")
        return " ".join(parts)


_RULE_COLUMNS = ("id, name, actor, recipient, type, place, min_mentions, min_sources, webhook, file, "
                 "created_at")


def add_rule(conn: sqlite3.Connection, *, actor: Optional[str] = None, recipient: Optional[str] = None,
             type: Optional[str] = None, place: Optional[str] = None, min_mentions: int = 1,
             min_sources: int = 1, webhook: Optional[str] = None, file: Optional[str] = None,
             name: Optional[str] = None) -> AlertRule:
    """Add a rule; exactly one of `webhook` (an http(s) URL) and `file` is required."""
    from eventwire.watch.fetch import FetchError, check_url

    ensure_tables(conn)
    if (webhook is None) == (file is None):
        raise AlertError("give exactly one of a webhook URL and a file")
    if webhook is not None:
        try:
            check_url(webhook)
        except FetchError as exc:
            raise AlertError(f"webhook: {exc}") from None
    if file is not None:
        file = os.path.abspath(os.path.expanduser(file))
    if type is not None:
        type = ",".join(t.strip().upper() for t in type.split(",") if t.strip()) or None
        if type and not _TYPE.match(type):
            raise AlertError(f"--type {type!r}: PLOVER types, comma-separated (ASSAULT,PROTEST)")
    if min_mentions < 1 or min_sources < 1:
        raise AlertError("minimum counts start at 1")
    cur = conn.execute(
        "INSERT INTO alert_rules (name, actor, recipient, type, place, min_mentions, min_sources, webhook,"
        " file, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (name, actor, recipient, type, place, min_mentions, min_sources, webhook, file, now()))
    return get_rule(conn, cur.lastrowid)


def get_rule(conn: sqlite3.Connection, rule_id: int) -> Optional[AlertRule]:
    ensure_tables(conn)
    row = conn.execute(f"SELECT {_RULE_COLUMNS} FROM alert_rules WHERE id = ?", (rule_id,)).fetchone()
    return AlertRule(*row) if row else None


def list_rules(conn: sqlite3.Connection) -> list[AlertRule]:
    ensure_tables(conn)
    return [AlertRule(*r) for r in conn.execute(f"SELECT {_RULE_COLUMNS} FROM alert_rules ORDER BY id")]


def remove_rule(conn: sqlite3.Connection, rule_id: int) -> bool:
    """Remove a rule (its past deliveries stay in the log); False when there is no such rule."""
    ensure_tables(conn)
    return conn.execute("DELETE FROM alert_rules WHERE id = ?", (rule_id,)).rowcount > 0


# -- delivery --------------------------------------------------------------------------------

@dataclass
class Deliverer:
    """Sends payloads: webhook POSTs with retries and backoff, or lines appended to a file."""

    tries: int = 4
    backoff: float = 1.0  # seconds before the 2nd try; doubled for each further one
    timeout: float = 10.0
    trust_env: bool = True
    _dead: set = field(default_factory=set)  # webhooks that failed in this round: not tried again

    def new_round(self) -> None:
        self._dead.clear()

    def send(self, rule: AlertRule, payload: str, delivery_id: int) -> tuple[int, Optional[str]]:
        """(attempts made, error or None when delivered)."""
        if rule.file:
            try:
                with open(rule.file, "a", encoding="utf-8") as fh:
                    fh.write(payload + "\n")
                    fh.flush()
                    os.fsync(fh.fileno())
                return 1, None
            except OSError as exc:
                return 1, f"cannot append to {rule.file}: {exc.strerror or exc}"
        return self._post(rule.webhook, payload, delivery_id)

    def _post(self, url: str, payload: str, delivery_id: int) -> tuple[int, Optional[str]]:
        import httpx

        from eventwire.watch.fetch import user_agent

        if url in self._dead:
            return 0, "webhook failed earlier in this round; will retry next round"
        headers = {"Content-Type": "application/json", "User-Agent": user_agent(),
                   "X-Eventwire-Delivery": str(delivery_id)}
        error = None
        with httpx.Client(timeout=self.timeout, follow_redirects=False, trust_env=self.trust_env) as client:
            for attempt in range(1, self.tries + 1):
                if attempt > 1:
                    time.sleep(self.backoff * 2 ** (attempt - 2))
                try:
                    resp = client.post(url, content=payload.encode("utf-8"), headers=headers)
                except httpx.HTTPError as exc:
                    error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
                    continue
                if 200 <= resp.status_code < 300:
                    return attempt, None
                error = f"HTTP {resp.status_code}"
                if resp.status_code != 429 and resp.status_code < 500:
                    return attempt, error + " (not retried)"
        self._dead.add(url)
        return self.tries, error


# -- matching --------------------------------------------------------------------------------

def _chunks(values: list, size: int = 400):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def touched_events(conn: sqlite3.Connection, article_ids: list[str]) -> list[str]:
    """Ids of the merged events that hold a mention from one of `article_ids`."""
    found: list[str] = []
    for part in _chunks(sorted(set(article_ids))):
        marks = ",".join("?" * len(part))
        found += [r[0] for r in conn.execute(
            f"SELECT DISTINCT merged_id FROM merged_members WHERE article_id IN ({marks})", part)]
    return sorted(set(found))


def matching(conn: sqlite3.Connection, rule: AlertRule, merged_ids: list[str]) -> list[str]:
    """Those of `merged_ids` that `rule` selects (filters, minimum mentions and sources)."""
    from eventwire.store.filters import EventFilter, where_sql

    where, params = where_sql(EventFilter(actor=rule.actor, recipient=rule.recipient, type=rule.type,
                                          place=rule.place))
    found: list[str] = []
    for part in _chunks(merged_ids):
        marks = ",".join("?" * len(part))
        found += [r[0] for r in conn.execute(
            f"SELECT m.id FROM merged_events m WHERE m.id IN ({marks}) AND m.mention_count >= ?"
            " AND m.source_count >= ? AND m.id IN (SELECT mm.merged_id FROM events e"
            " JOIN articles a ON a.id = e.article_id JOIN merged_members mm"
            f" ON mm.article_id = e.article_id AND mm.event_idx = e.idx WHERE {where})"
            " ORDER BY m.id", [*part, rule.min_mentions, rule.min_sources, *params])]
    return found


def _delivered_before(conn: sqlite3.Connection, rule_id: int, merged_id: str) -> Optional[int]:
    """The highest mention count already delivered (or pending) for this rule and event, found
    by the event's id or by any mention it holds."""
    row = conn.execute(
        "SELECT max(d.mention_count) FROM alert_deliveries d WHERE d.rule_id = ? AND d.status != 'failed'"
        " AND (d.merged_id = ? OR d.id IN (SELECT dm.delivery_id FROM alert_delivery_members dm"
        " JOIN merged_members mm ON mm.article_id = dm.article_id AND mm.event_idx = dm.event_idx"
        " WHERE mm.merged_id = ?))", (rule_id, merged_id, merged_id)).fetchone()
    return row[0]


def payload_for(rule: AlertRule, event, kind: str, delivery_id: int, created_at: str) -> dict:
    """The JSON an alert delivers: the rule, the merged event and its mentions (the evidence)."""
    data = event.to_dict()
    members = data.pop("members", [])
    data["mentions"] = [
        {"article_id": m["article_id"], "event_id": m["event"]["id"], "published": m["published"],
         "title": m["title"], "source": m["source"], "url": m["url"], "evidence": m["evidence"],
         "trigger": m["event"]["trigger"]["text"]}
        for m in members
    ]
    return {"schema": "eventwire-alert/1", "delivery_id": delivery_id, "kind": kind,
            "created_at": created_at,
            "rule": {k: v for k, v in rule.to_dict().items() if k not in ("webhook", "file")},
            "event": data}


@dataclass
class AlertCounts:
    delivered: int = 0
    pending: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)  # (target, reason)


def run_alerts(store, article_ids: list[str], round_id: Optional[int], deliverer: Deliverer) -> AlertCounts:
    """Retry pending deliveries, then deliver what the new articles (`article_ids`, already
    merged) made match, reading through `store` (a `Store`). See the module docstring for when
    an event is delivered."""
    conn = store.conn
    ensure_tables(conn)
    counts = AlertCounts()
    deliverer.new_round()
    rules = {r.id: r for r in list_rules(conn)}
    for did, rule_id, payload in conn.execute(
            "SELECT id, rule_id, payload FROM alert_deliveries WHERE status = 'pending' ORDER BY id"
    ).fetchall():
        rule = rules.get(rule_id)
        if rule is None:
            conn.execute("UPDATE alert_deliveries SET status = 'failed', error = 'rule removed' WHERE id = ?",
                         (did,))
            continue
        _attempt(conn, deliverer, rule, did, payload, counts)
    touched = touched_events(conn, article_ids) if article_ids else []
    if not touched or not rules:
        return counts
    for rule in rules.values():
        for merged_id in matching(conn, rule, touched):
            event = store.merged_event(merged_id)
            before = _delivered_before(conn, rule.id, merged_id)
            if event is None or (before is not None and event.mention_count <= before):
                continue
            kind = "new" if before is None else "updated"
            created = now()
            conn.execute("BEGIN IMMEDIATE")  # the delivery, its payload and its mentions, or nothing
            cur = conn.execute(
                "INSERT OR IGNORE INTO alert_deliveries (rule_id, merged_id, mention_count, source_count, kind,"
                " status, target, payload, created_at, round_id) VALUES (?,?,?,?,?,'pending',?,'',?,?)",
                (rule.id, merged_id, event.mention_count, event.source_count, kind, rule.target, created,
                 round_id))
            if cur.rowcount == 0:
                conn.execute("ROLLBACK")
                continue
            did = cur.lastrowid
            payload = json.dumps(payload_for(rule, event, kind, did, created), ensure_ascii=False,
                                 separators=(",", ":"))
            conn.execute("UPDATE alert_deliveries SET payload = ? WHERE id = ?", (payload, did))
            conn.execute("INSERT OR IGNORE INTO alert_delivery_members SELECT ?, article_id, event_idx"
                         " FROM merged_members WHERE merged_id = ?", (did, merged_id))
            conn.execute("COMMIT")
            _attempt(conn, deliverer, rule, did, payload, counts)
    return counts


def _attempt(conn: sqlite3.Connection, deliverer: Deliverer, rule: AlertRule, did: int, payload: str,
             counts: AlertCounts) -> None:
    tries, error = deliverer.send(rule, payload, did)
    if error is None:
        conn.execute("UPDATE alert_deliveries SET status = 'delivered', attempts = attempts + ?,"
                     " rounds = rounds + 1, error = NULL, delivered_at = ? WHERE id = ?", (tries, now(), did))
        counts.delivered += 1
        return
    row = conn.execute("UPDATE alert_deliveries SET attempts = attempts + ?, rounds = rounds + 1, error = ?"
                       " WHERE id = ? RETURNING rounds", (tries, error, did)).fetchone()
    given_up = "not retried" in error or row[0] >= MAX_ROUNDS
    if given_up:
        conn.execute("UPDATE alert_deliveries SET status = 'failed' WHERE id = ?", (did,))
        counts.failed += 1
    else:
        counts.pending += 1
    counts.errors.append((rule.target, error))
