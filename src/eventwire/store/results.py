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
