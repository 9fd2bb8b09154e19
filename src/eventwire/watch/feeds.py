"""Feeds: RSS 2.0, RSS 1.0 and Atom documents (bytes) → the items they list, via feedparser.

feedparser is given the bytes themselves (never a URL or a file name, so it fetches nothing).
It forgives a lot; a document in which it finds neither a feed format nor any item is refused
as malformed, with feedparser's own complaint.
"""
from __future__ import annotations

import calendar
import datetime as dt
import io
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urljoin

from eventwire.errors import EventwireError


class FeedError(EventwireError):
    """A document that is not a readable feed."""


@dataclass(frozen=True)
class FeedItem:
    link: Optional[str]  # absolute URL of the article page
    title: Optional[str]
    published: Optional[str]  # YYYY-MM-DD when the feed gives a date
    guid: Optional[str]


@dataclass(frozen=True)
class Feed:
    title: Optional[str]
    format: str  # feedparser's name for it: rss20, atom10…
    items: tuple[FeedItem, ...]
    warning: Optional[str] = None  # set when feedparser had to forgive something


def parse_feed(data: bytes, url: Optional[str] = None, content_type: Optional[str] = None) -> Feed:
    """The items of the feed in `data`; relative links are resolved against `url`."""
    import feedparser

    headers = {"content-location": url or "", "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if not parsed.get("version") or (parsed.get("bozo") and not parsed.entries):
        problem = parsed.get("bozo_exception")
        detail = f": {' '.join(str(problem).split())[:200]}" if problem else ""
        raise FeedError(f"malformed feed: no RSS or Atom items found{detail}")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or _alternate(entry)
        if link and url:
            link = urljoin(url, link)
        items.append(FeedItem(link=link or None, title=(entry.get("title") or None),
                              published=_date(entry), guid=entry.get("id") or None))
    warning = None
    if parsed.get("bozo"):
        problem = " ".join(str(parsed.get("bozo_exception") or "").split())[:200]
        warning = f"feed is not well-formed ({problem or 'unknown problem'}); {len(items)} item(s) read anyway"
    return Feed(title=parsed.feed.get("title") or None, format=parsed.get("version") or "unknown",
                items=tuple(items), warning=warning)


def _alternate(entry) -> Optional[str]:
    for link in entry.get("links", ()):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def _date(entry) -> Optional[str]:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(value), dt.timezone.utc).date().isoformat()
            except (OverflowError, ValueError):
                continue
    return None
