"""What the store's read API returns: frozen dataclasses with `to_dict()`, never database rows."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from eventwire.models import Document, Event, Record


@dataclass(frozen=True)
class EventHit(Record):
    """One stored event mention with the article it comes from and its evidence sentence."""

    article_id: str
    event: Event
    published: Optional[str] = None
    title: Optional[str] = None
    source: Optional[str] = None
    url: Optional[str] = None
    evidence: Optional[str] = None


@dataclass(frozen=True)
class TimelinePoint(Record):
    period: str
    group: str
    events: int
    score: float


@dataclass(frozen=True)
class Edge(Record):
    source: str
    target: str
    events: int
    mean_score: Optional[float]


@dataclass(frozen=True)
class StoredFailure(Record):
    origin: str
    reason: str
    doc_id: Optional[str]
    first_seen: str
    last_seen: str
    attempts: int


@dataclass(frozen=True)
class StoredArticle(Record):
    """An article with all its units, and where and when it was stored."""

    document: Document
    origin: Optional[str]
    stored_at: str


@dataclass(frozen=True)
class ArticleSummary(Record):
    """A stored article without its units: for lists and search results."""

    id: str
    title: Optional[str]
    published: Optional[str]
    source: Optional[str]
    url: Optional[str]
    stored_at: str
    events: int
    snippet: str
    headline: str = ""  # the title, else the text's first line


@dataclass(frozen=True)
class ActorCount(Record):
    """An actor as coded in events (country, sector, name) and how often it acts or is acted on."""

    country: Optional[str]
    sector: Optional[str]
    name: str
    as_actor: int
    as_recipient: int
    events: int


@dataclass(frozen=True)
class PlaceCount(Record):
    """An event location with coordinates, its number of events and their mean PLOVER score."""

    name: str
    country: Optional[str]
    lat: float
    lon: float
    events: int
    mean_score: Optional[float]


@dataclass(frozen=True)
class MergedEvent(Record):
    """One real-world event: the event mentions merged into it (see docs/MERGING.md) summed up by
    representative fields, with how often and where it was reported. `members` (the evidence:
    each mention with its article, sentence and trigger span) is filled by `Store.merged_event`."""

    id: str
    type: str
    mode: Optional[str]
    date: Optional[str]
    date_precision: Optional[str]
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    place_name: Optional[str]
    place_country: Optional[str]
    lat: Optional[float]
    lon: Optional[float]
    trigger: str
    score: Optional[float]
    confidence: float
    mention_count: int
    member_count: int
    source_count: int
    first_seen: Optional[str]
    last_seen: Optional[str]
    members: tuple[EventHit, ...] = ()
