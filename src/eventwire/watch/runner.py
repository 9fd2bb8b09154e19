"""One monitoring round over all sources, and the loop that repeats it.

A round visits every source in turn. A feed is fetched with a conditional GET (or read from its
file); each item whose URL was never seen is fetched, its main text extracted with trafilatura
and ingested (one transaction per article, through the store's `ingest`); an item whose text is
already stored (same content hash) is recorded as a duplicate and costs no language processing.
A folder is scanned for files that are new or whose content changed. After the sources, the new
event mentions are merged into merged events, and the alert rules are checked
(`eventwire.watch.alerts`).

Failures stay where they happen: an item that cannot be fetched or read is recorded (and its
URL is tried again in later rounds, at most `max_attempts` times in all); a source that cannot
be fetched or parsed is recorded and the round goes on with the next one. Nothing a source does
is raised out of `run_round`. Everything is recorded in the store, so state survives restarts.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import urlsplit

from eventwire.errors import EventwireError
from eventwire.ingest import DEFAULT_MAX_CHARS
from eventwire.models import Failure, RawDocument
from eventwire.watch import state
from eventwire.watch.alerts import AlertCounts, Deliverer, run_alerts
from eventwire.watch.feeds import Feed, FeedItem, parse_feed
from eventwire.watch.fetch import Fetcher, FetchError, is_private
from eventwire.watch.sources import Source

if TYPE_CHECKING:
    from eventwire.engine import Engine

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
_FOLDER_EXTENSIONS = (".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".json")


@dataclass
class SourceReport:
    """What one round did with one source."""

    source: Source
    status: str = "ok"  # ok, not-modified, error
    items: int = 0
    new_items: int = 0
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    error: Optional[str] = None
    item_errors: list = field(default_factory=list)  # (item, reason)
    article_ids: list = field(default_factory=list)  # stored in this round


@dataclass
class RoundReport:
    """What one round did."""

    round_id: int
    sources: list[SourceReport] = field(default_factory=list)
    merged_events: Optional[int] = None
    merge_error: Optional[str] = None
    alerts: AlertCounts = field(default_factory=AlertCounts)
    seconds: float = 0.0

    def total(self, name: str) -> int:
        return sum(getattr(s, name) for s in self.sources)

    @property
    def errors(self) -> int:
        return (sum(len(s.item_errors) + (s.error is not None) for s in self.sources)
                + (self.merge_error is not None) + len(self.alerts.errors))

    def summary(self) -> str:
        text = (f"round {self.round_id}: {len(self.sources)} source(s), {self.total('new_items')} new item(s), "
                f"{self.total('stored')} stored, {self.total('duplicates')} duplicate(s), "
                f"{self.total('failed')} failed, {self.alerts.delivered} alert(s) delivered")
        if self.alerts.pending:
            text += f", {self.alerts.pending} pending"
        return text + f" ({self.seconds:.1f} s)"


class Watcher:
    """Runs rounds over the store at `db`. `engine` (a loaded `Engine`) is used for extraction,
    else one is made from `engine_options` when the first article needs it. `fetcher` and
    `deliverer` carry the network limits; `max_attempts` bounds how often a failing item URL
    is fetched."""

    def __init__(self, db: str | Path, *, engine: Optional["Engine"] = None,
                 engine_options: Optional[dict[str, Any]] = None, fetcher: Optional[Fetcher] = None,
                 deliverer: Optional[Deliverer] = None, max_chars: int = DEFAULT_MAX_CHARS,
                 max_attempts: int = 3, merge_rules=None):
        from eventwire.store import Store, Writer

        self.store = Store(db)
        self.conn = state.ensure_tables(self.store.conn)
        self.writer = Writer(self.conn)
        self.engine = engine
        self.engine_options = dict(engine_options or {})
        self.fetcher = fetcher or Fetcher()
        self._own_fetcher = fetcher is None
        self.deliverer = deliverer or Deliverer()
        self.max_chars = max_chars
        self.max_attempts = max_attempts
        self.merge_rules = merge_rules

    def __enter__(self) -> "Watcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._own_fetcher:
            self.fetcher.close()
        self.store.close()

    # -- sources ---------------------------------------------------------------------------

    def add_sources(self, sources: Iterable[Source]) -> list[int]:
        return [state.register_source(self.conn, s.kind, s.location) for s in sources]

    def sources(self) -> list[tuple[int, Source]]:
        return [(i, Source(kind, loc)) for i, kind, loc in
                self.conn.execute("SELECT id, kind, location FROM watch_sources ORDER BY id")]

    # -- a round ---------------------------------------------------------------------------

    def run_round(self, sources: Optional[Iterable[Source]] = None) -> RoundReport:
        """One round over `sources` (registered if new), or over every registered source."""
        started = time.monotonic()
        if sources is None:
            chosen = self.sources()
        else:
            sources = list(sources)
            chosen = list(zip(self.add_sources(sources), sources, strict=True))
        cur = self.conn.execute("INSERT INTO watch_rounds (started_at, sources) VALUES (?,?)",
                                (state.now(), len(chosen)))
        report = RoundReport(round_id=cur.lastrowid)
        for source_id, source in chosen:
            report.sources.append(self._visit(report.round_id, source_id, source))
        stored = [a for s in report.sources for a in s.article_ids]
        try:
            from eventwire.store.merge import MergeRules, merge

            if stored or self._unmerged():  # merging reads every event row: only when there is news
                report.merged_events = merge(self.conn, self.merge_rules or MergeRules()).merged_events
            waiting = [r[0] for r in self.conn.execute("SELECT article_id FROM watch_unalerted")]
        except Exception as exc:  # recorded; alerts wait for the next successful merge
            report.merge_error = f"merging failed: {type(exc).__name__}: {exc}"
            self._error(report.round_id, 0, None, report.merge_error)
        else:
            try:
                report.alerts = run_alerts(self.store, waiting, report.round_id, self.deliverer)
                self.conn.executemany("DELETE FROM watch_unalerted WHERE article_id = ?", [(a,) for a in waiting])
            except Exception as exc:
                report.alerts = AlertCounts(errors=[("alerts", f"{type(exc).__name__}: {exc}")])
        for target, reason in report.alerts.errors:
            self._error(report.round_id, 0, target, f"alert delivery: {reason}")
        report.seconds = time.monotonic() - started
        self.conn.execute(
            "UPDATE watch_rounds SET finished_at = ?, new_items = ?, stored = ?, duplicates = ?, failed = ?,"
            " errors = ?, alerts = ? WHERE id = ?",
            (state.now(), report.total("new_items"), report.total("stored"), report.total("duplicates"),
             report.total("failed"), report.errors, report.alerts.delivered, report.round_id))
        return report

    def run(self, every: float, rounds: Optional[int] = None, sources: Optional[Iterable[Source]] = None,
            on_round: Optional[Callable[[RoundReport], None]] = None, sleep=time.sleep) -> int:
        """Rounds every `every` seconds (counted from each round's start), `rounds` times or
        until interrupted; returns the number of rounds run."""
        done = 0
        sources = list(sources) if sources is not None else None
        while rounds is None or done < rounds:
            start = time.monotonic()
            report = self.run_round(sources)
            done += 1
            if on_round:
                on_round(report)
            if rounds is not None and done >= rounds:
                break
            sleep(max(0.0, every - (time.monotonic() - start)))
        return done

    # -- one source ------------------------------------------------------------------------

    def _visit(self, round_id: int, source_id: int, source: Source) -> SourceReport:
        rep = SourceReport(source)
        started = state.now()
        try:
            if source.kind == "folder":
                self._folder(round_id, source_id, source, rep)
            else:
                self._feed(round_id, source_id, source, rep)
        except Exception as exc:  # the source failed as a whole: recorded, the round goes on
            rep.status = "error"
            rep.error = _message(exc)
            self._error(round_id, source_id, None, rep.error)
        self.conn.execute(
            "INSERT OR REPLACE INTO watch_source_rounds VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (round_id, source_id, started, state.now(), rep.status, rep.items, rep.new_items, rep.stored,
             rep.duplicates, rep.failed, rep.error))
        self.conn.execute(
            "UPDATE watch_sources SET last_round = ?, last_checked = ?, last_status = ?, last_error = ?,"
            " last_ok = CASE WHEN ? = 'error' THEN last_ok ELSE ? END WHERE id = ?",
            (round_id, state.now(), rep.status, rep.error, rep.status, state.now(), source_id))
        return rep

    def _feed(self, round_id: int, source_id: int, source: Source, rep: SourceReport) -> None:
        etag, modified = self.conn.execute(
            "SELECT etag, last_modified FROM watch_sources WHERE id = ?", (source_id,)).fetchone()
        if source.kind == "feed":
            resp = self.fetcher.get(source.location, etag=etag, last_modified=modified, accept=FEED_ACCEPT)
            if resp.not_modified:
                rep.status = "not-modified"
                return
            feed = parse_feed(resp.content, resp.url, resp.content_type)
            etag, modified = resp.etag, resp.last_modified
        else:
            path = Path(source.location)
            size = path.stat().st_size
            if size > self.fetcher.max_bytes:
                raise FetchError(f"feed file too large: {size:,} bytes (limit {self.fetcher.max_bytes:,})")
            feed = parse_feed(path.read_bytes(), None)
            etag = modified = None
        if feed.warning:
            self._error(round_id, source_id, None, feed.warning)
        rep.items = len(feed.items)
        retry_later = False
        # A feed on a public address may only send the monitor to public addresses; a feed
        # file, or a feed on this machine or its network, is trusted with local links.
        public_only = source.kind == "feed" and not is_private(urlsplit(source.location).hostname or "")
        for item in feed.items:
            outcome = self._feed_item(round_id, source_id, item, feed, rep, public_only)
            retry_later |= outcome == "retry"
        # Validators are kept only when every item is settled, so that an item to retry is
        # seen again even if the feed itself does not change.
        self.conn.execute("UPDATE watch_sources SET etag = ?, last_modified = ? WHERE id = ?",
                          (None if retry_later else etag, None if retry_later else modified, source_id))

    def _feed_item(self, round_id: int, source_id: int, item: FeedItem, feed: Feed, rep: SourceReport,
                   public_only: bool = False) -> str:
        key = item.link
        if not key:
            key = f"{item.guid or item.title or 'item'} (no link)"
            if self._seen(key) is None:
                rep.new_items += 1
                self._failed(round_id, source_id, key, None, "feed item has no link", rep)
            return "done"
        seen = self._seen(key)
        if seen is not None and (seen[0] != "failed" or seen[1] >= self.max_attempts):
            return "done"
        rep.new_items += 1
        try:
            resp = self.fetcher.get(key, accept=PAGE_ACCEPT, public_only=public_only)
            kind = resp.content_type.split(";")[0].strip().lower()
            if kind and kind not in _PAGE_TYPES:
                raise FetchError(f"not an article page: {kind}")
            raw = self._page_document(resp, item, feed, key)
        except Exception as exc:  # this item only: recorded, tried again in a later round
            attempts = self._failed(round_id, source_id, key, None, _message(exc), rep)
            return "retry" if attempts < self.max_attempts else "done"
        return self._guarded_store(round_id, source_id, key, [raw], _sha(raw.text), rep)

    def _page_document(self, resp, item: FeedItem, feed: Feed, key: str) -> RawDocument:
        from eventwire.ingest.html import extract_main_text
        from eventwire.ingest.sources import read_text_document

        html = resp.text()
        if len(html) > self.max_chars * 20:
            raise FetchError(f"page too large: {len(html):,} characters")
        kind = resp.content_type.split(";")[0].strip().lower()
        if kind == "text/plain":
            title, date, site, text = item.title, None, None, html
        else:
            page = extract_main_text(html)
            title, date, site, text = page.title, page.date, page.source, _without_headline(page.text, page.title)
        return read_text_document(text, published=item.published or date, title=title or item.title,
                                  source=feed.title or site, url=resp.url, origin=key,
                                  max_chars=self.max_chars)

    def _folder(self, round_id: int, source_id: int, source: Source, rep: SourceReport) -> None:
        from eventwire.ingest import read_inputs

        root = Path(source.location)
        if not root.is_dir():
            raise EventwireError(f"{root}: folder not found")
        files = sorted(
            f for f in root.rglob("*")
            if f.is_file() and f.suffix.lower() in _FOLDER_EXTENSIONS
            and not any(part.startswith(".") for part in f.relative_to(root).parts)
        )
        rep.items = len(files)
        for f in files:
            key = str(f)
            try:
                digest = _file_sha(f)
            except OSError as exc:
                self._failed(round_id, source_id, key, None, f"cannot read file: {exc.strerror or exc}", rep)
                continue
            row = self.conn.execute("SELECT content_hash FROM watch_items WHERE key = ?", (key,)).fetchone()
            if row is not None and row[0] == digest:
                continue  # unchanged since it was read
            rep.new_items += 1
            self._guarded_store(round_id, source_id, key, list(read_inputs([key], max_chars=self.max_chars)),
                                digest, rep)

    # -- recording -------------------------------------------------------------------------

    def _guarded_store(self, round_id: int, source_id: int, key: str, items: list, digest: str,
                       rep: SourceReport) -> str:
        """`_store`, with an unexpected error recorded against this item alone."""
        from eventwire.errors import ModelError

        try:
            self._store(round_id, source_id, key, items, digest, rep)
        except ModelError:
            raise  # no pipeline: the whole source fails, and says why
        except Exception as exc:
            attempts = self._failed(round_id, source_id, key, None, _message(exc), rep)
            return "retry" if attempts < self.max_attempts else "done"
        return "done"

    def _store(self, round_id: int, source_id: int, key: str, items: list, digest: str,
               rep: SourceReport) -> None:
        from eventwire.store.ingest import ingest

        new_ids: list[str] = []

        def on_result(origin: str, result) -> None:
            if result is not None and not isinstance(result, Failure):
                new_ids.append(result.doc_id)

        stored = [r.doc_id for r in items if isinstance(r, RawDocument)]
        todo = set(stored) - self.writer.stored_ids(stored)  # the pipeline is loaded only for these
        counts = ingest(items, self.writer, engine=self._engine() if todo else None, on_result=on_result)
        rep.stored += counts.stored
        rep.article_ids += new_ids
        self.conn.executemany("INSERT OR IGNORE INTO watch_unalerted VALUES (?,?)",
                              [(a, round_id) for a in new_ids])
        for failure in counts.failures:
            rep.item_errors.append((failure.origin, failure.reason))
            self._error(round_id, source_id, failure.origin, failure.reason)
        if counts.stored or counts.skipped:
            status = "stored" if counts.stored else "duplicate"
            rep.duplicates += counts.skipped if not counts.stored else 0
            self._upsert(key, source_id, digest, stored[0] if stored else None, status, None)
        else:
            rep.failed += 1
            reason = counts.failures[0].reason if counts.failures else "nothing to store"
            self._upsert(key, source_id, digest, None, "failed", reason)

    def _unmerged(self) -> bool:
        return self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM events e WHERE NOT EXISTS (SELECT 1 FROM merged_members mm"
            " WHERE mm.article_id = e.article_id AND mm.event_idx = e.idx))").fetchone()[0] == 1

    def _engine(self):
        if self.engine is None:
            from eventwire.engine import Engine

            self.engine = Engine(**self.engine_options).load()
        return self.engine

    def _seen(self, key: str) -> Optional[tuple[str, int]]:
        return self.conn.execute("SELECT status, attempts FROM watch_items WHERE key = ?", (key,)).fetchone()

    def _failed(self, round_id: int, source_id: int, key: str, digest: Optional[str], reason: str,
                rep: SourceReport) -> int:
        rep.failed += 1
        rep.item_errors.append((key, reason))
        self._error(round_id, source_id, key, reason)
        self.writer.add_failure(Failure(origin=key, reason=reason))
        return self._upsert(key, source_id, digest, None, "failed", reason)

    def _upsert(self, key: str, source_id: int, digest: Optional[str], article_id: Optional[str],
                status: str, reason: Optional[str]) -> int:
        t = state.now()
        return self.conn.execute(
            "INSERT INTO watch_items (key, source_id, content_hash, article_id, status, reason, first_seen,"
            " last_seen) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (key) DO UPDATE SET"
            " content_hash = excluded.content_hash, article_id = excluded.article_id,"
            " status = excluded.status, reason = excluded.reason, attempts = attempts + 1,"
            " last_seen = excluded.last_seen RETURNING attempts",
            (key, source_id, digest, article_id, status, reason, t, t)).fetchone()[0]

    def _error(self, round_id: int, source_id: int, item: Optional[str], reason: str) -> None:
        self.conn.execute("INSERT INTO watch_errors (round_id, source_id, item, reason, at) VALUES (?,?,?,?,?)",
                          (round_id, source_id, item, reason, state.now()))


def _without_headline(text: str, title: Optional[str]) -> str:
    """The article text without the headline trafilatura puts in front of it: a headline has no
    full stop, so the parser would read it as the start of the first sentence."""
    head = (title or "").strip()
    if head and head[-1] not in ".!?\"'" and text.startswith(head):
        rest = text[len(head):]
        if rest[:1].isspace() and len(rest.split()) >= 5:
            return rest.lstrip()
    return text


def _message(exc: Exception) -> str:
    return str(exc) if isinstance(exc, EventwireError) else f"{type(exc).__name__}: {exc}"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
