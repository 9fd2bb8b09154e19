"""The read endpoints: summary, events, one event with its evidence, merged events, articles,
actors, timeline, network, places and search. All of them go through `eventwire.store.Store`."""
from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Depends, Path, Query

from eventwire.api.context import ARTICLE_ID, EVENT_ID, ApiContext, checked_id, context
from eventwire.api.errors import ApiError
from eventwire.api.models import (
    DATE_PATTERN, ERROR_RESPONSES, ArticleDetail, ArticlePage, EventDetail, EventPage, ItemList,
    MergedDetail, MergedPage, SearchResult, Summary,
)
from eventwire.models import Document, Event
from eventwire.store import EventFilter, EventHit, MergedEvent

router = APIRouter(responses=ERROR_RESPONSES)

Ctx = Annotated[ApiContext, Depends(context)]
# No NUL in a text parameter: SQLite stops reading a LIKE pattern at a NUL, so a filter such as
# 'x\0y' would select like 'x' (and '\0' alone like no filter at all).
NO_NUL = r"^[^\x00]*$"


def text_query(description: Optional[str] = None, **limits: Any) -> Any:
    """A text query parameter: at most 200 characters (unless `limits` say otherwise), no NUL."""
    return Query(pattern=NO_NUL, description=description, **{"max_length": 200, **limits})


_Text = Annotated[Optional[str], text_query()]


def event_filter(
    actor: Annotated[Optional[str], text_query("Country or sector code (KEN, GOV), both (KEN-GOV), or part of "
                                               "a name.")] = None,
    recipient: Annotated[Optional[str], text_query("As for actor.")] = None,
    type: Annotated[Optional[str], text_query("PLOVER types, comma-separated.")] = None,
    mode: Annotated[Optional[str], text_query("PLOVER modes, comma-separated.")] = None,
    status: Annotated[Optional[str], text_query("occurred, ongoing, future, historical, hypothetical, negated; "
                                                "comma-separated.")] = None,
    since: Annotated[Optional[str], Query(pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD, "
                                          "inclusive.")] = None,
    until: Annotated[Optional[str], Query(pattern=DATE_PATTERN, description="As for since.")] = None,
    place: Annotated[Optional[str], text_query("Country code or part of a place name.")] = None,
    text: Annotated[Optional[str], text_query("Words that must all occur in the article (full-text "
                                              "search).")] = None,
) -> EventFilter:
    def clean(value: Optional[str]) -> Optional[str]:
        return value.strip() or None if value is not None else None

    return EventFilter(actor=clean(actor), recipient=clean(recipient), type=clean(type), mode=clean(mode),
                       status=clean(status), since=since, until=until, place=clean(place), text=clean(text))


Filter = Annotated[EventFilter, Depends(event_filter)]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")]


def event_id(hit: EventHit) -> str:
    """The API's id of an event mention: its article's id and its id in that article."""
    return f"{hit.article_id}:{hit.event.id}"


def event_item(hit: EventHit) -> dict[str, Any]:
    return {"id": event_id(hit), **hit.to_dict()}


@router.get("/summary", response_model=Summary, summary="What the store holds, for a first look")
def summary(ctx: Ctx) -> dict[str, Any]:
    with ctx.store() as store:
        dated = EventFilter(since="0000")  # events with a date; undated ones sort last
        n_dated = store.event_count(dated)
        latest = store.events(dated, limit=10, offset=max(0, n_dated - 10))
        first = store.events(dated, limit=1)
        return {
            "store": ctx.db_path.name, "articles": store.article_count(), "events": store.event_count(),
            "failures": store.failure_count(), "dated_events": n_dated,
            "first_date": first[0].event.date.value if first else None,
            "last_date": latest[-1].event.date.value if latest else None,
            "types": [{"type": t, "events": n} for t, n in store.type_counts()],
            "latest_events": [event_item(h) for h in reversed(latest)],
            "latest_articles": [a.to_dict() for a in store.articles(limit=8)],
            "can_ingest": bool(ctx.token),
        }


@router.get("/failures", response_model=ArticlePage, summary="Documents that could not be stored, and why")
def failures(ctx: Ctx, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    with ctx.store() as store:
        total = store.failure_count()
        items = store.failures(limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "items": [f.to_dict() for f in items]}


@router.get("/events", response_model=EventPage, summary="Stored event mentions matching the filters")
def events(ctx: Ctx, where: Filter, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    with ctx.store() as store:
        total = store.event_count(where)
        hits = store.events(where, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "items": [event_item(h) for h in hits]}


@router.get("/events/{event_id}", response_model=EventDetail,
            summary="One event mention, with the words behind each of its fields")
def event_detail(ctx: Ctx, event_id: Annotated[str, Path(max_length=200, pattern=EVENT_ID, description=
                                                         "ARTICLE_ID:EVENT_ID, as in the `id` of /events items.")]
                 ) -> dict[str, Any]:
    article_id, sep, local = checked_id(event_id, "event").rpartition(":")
    if not sep or not article_id or not local:
        raise ApiError(400, "an event id is ARTICLE_ID:EVENT_ID, e.g. 81803d837fd940e2:ev1", code="invalid_id")
    with ctx.store() as store:
        hit = store.event(article_id, local)
        stored = store.article(article_id) if hit else None
    if hit is None or stored is None:
        raise ApiError(404, f"no event {event_id!r} in this store")
    doc = stored.document
    return {"id": event_id, "event": hit.event.to_dict(), "evidence": evidence(doc, hit.event),
            "article": {"id": doc.doc_id, "title": doc.title, "published": doc.published,
                        "source": doc.source, "url": doc.url}}


def evidence(doc: Document, event: Event) -> dict[str, Any]:
    """Each coded field of `event` with the text it was read from (offsets into `doc.text`)."""

    def sentence_of(start: int) -> Optional[int]:
        for i, s in enumerate(doc.sentences):
            if s.start <= start < s.end:
                return i
        return None

    def span(start: Optional[int], end: Optional[int], **extra) -> Optional[dict[str, Any]]:
        if start is None or end is None:
            return None
        return {"text": doc.text[start:end], "start": start, "end": end, "sentence": sentence_of(start), **extra}

    def sentence(i: Optional[int]) -> Optional[dict[str, Any]]:
        if i is None or not 0 <= i < len(doc.sentences):
            return None
        s = doc.sentences[i]
        return {"index": i, "start": s.start, "end": s.end, "text": doc.text[s.start:s.end]}

    date_span = None
    if event.date and event.date.text:
        home = doc.sentences[event.sentence] if 0 <= event.sentence < len(doc.sentences) else None
        for t in doc.times:
            if t.text == event.date.text and (home is None or home.start <= t.start < home.end):
                date_span = span(t.start, t.end, value=event.date.value, how=event.date.how)
                break
    loc = event.location
    return {
        "sentence": sentence(event.sentence),
        "trigger": span(event.trigger.start, event.trigger.end),
        "actor": [span(p.start, p.end, coded=p.to_dict()) for p in event.actor],
        "recipient": [span(p.start, p.end, coded=p.to_dict()) for p in event.recipient],
        "date": date_span or ({"value": event.date.value, "how": event.date.how,
                               "note": "the publication date" if event.date.how == "publication" else None}
                              if event.date else None),
        "location": span(loc.start, loc.end, coded=loc.to_dict()) if loc else None,
        "quantities": [span(q.start, q.end, coded=q.to_dict()) for q in event.quantities],
        "attributed_to": (span(event.attributed_to.start, event.attributed_to.end,
                               coded=event.attributed_to.to_dict()) if event.attributed_to else None),
        "mentions": [{**(span(m.start, m.end) or {}),
                      "sentence_text": (sentence(sentence_of(m.start)) or {}).get("text")} for m in event.mentions],
    }


MERGED_ID = r"^[A-Za-z0-9_-]+$"


def merged_item(m: MergedEvent) -> dict[str, Any]:
    item = m.to_dict()
    item.pop("members", None)
    return item


@router.get("/merged", response_model=MergedPage,
            summary="Merged events (one per real-world event) with a mention matching the filters")
def merged(ctx: Ctx, where: Filter, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    with ctx.store() as store:
        total = store.merged_count(where)
        found = store.merged_events(where, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "items": [merged_item(m) for m in found]}


@router.get("/merged/{merged_id}", response_model=MergedDetail,
            summary="One merged event with every mention merged into it: article, sentence, trigger")
def merged_detail(ctx: Ctx, merged_id: Annotated[str, Path(max_length=64, pattern=MERGED_ID, description=
                                                           "As in the `id` of /merged items.")]
                  ) -> dict[str, Any]:
    with ctx.store() as store:
        found = store.merged_event(merged_id)
        if found is None:
            raise ApiError(404, f"no merged event {merged_id!r} in this store")
        docs: dict[str, Optional[Document]] = {}
        mentions = []
        for hit in found.members:
            if hit.article_id not in docs:
                stored = store.article(hit.article_id)
                docs[hit.article_id] = stored.document if stored else None
            doc = docs[hit.article_id]
            ev = evidence(doc, hit.event) if doc else {}
            mentions.append({
                "id": event_id(hit), "event": hit.event.to_dict(),
                "article": {"id": hit.article_id, "title": hit.title, "published": hit.published,
                            "source": hit.source, "url": hit.url, "headline": _headline(hit.title, doc)},
                "sentence": ev.get("sentence") or ({"text": hit.evidence} if hit.evidence else None),
                "trigger": ev.get("trigger"),
            })
    return {**merged_item(found), "mentions": mentions}


def _headline(title: Optional[str], doc: Optional[Document]) -> Optional[str]:
    """The title, or the article's first line (as /articles gives it)."""
    line = title or next((x.strip() for x in (doc.text if doc else "").splitlines() if x.strip()), None)
    return line if not line or len(line) <= 120 else line[:119] + "…"


@router.get("/articles", response_model=ArticlePage, summary="Stored articles, most recently stored first")
def articles(ctx: Ctx, text: _Text = None, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    text = text.strip() or None if text else None
    with ctx.store() as store:
        total = store.article_total(text)
        items = store.articles(text, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "items": [a.to_dict() for a in items]}


@router.get("/articles/{article_id}", response_model=ArticleDetail,
            summary="A stored article with all its units, as `eventwire extract` writes it")
def article(ctx: Ctx, article_id: Annotated[str, Path(max_length=200, pattern=ARTICLE_ID)]) -> dict[str, Any]:
    checked_id(article_id, "article")
    with ctx.store() as store:
        found = store.article(article_id)
    if found is None:
        raise ApiError(404, f"no article {article_id!r} in this store")
    return {"document": found.document.to_dict(), "origin": found.origin, "stored_at": found.stored_at}


@router.get("/actors", response_model=ItemList, summary="Coded actors of the selected events, most involved first")
def actors(ctx: Ctx, where: Filter, limit: Limit = 100) -> dict[str, Any]:
    with ctx.store() as store:
        return {"items": [a.to_dict() for a in store.actors(where, limit=limit)]}


@router.get("/timeline", response_model=ItemList,
            summary="Event counts and summed PLOVER score per period and type or dyad")
def timeline(ctx: Ctx, where: Filter, by: Literal["day", "week", "month", "year"] = "day",
             group: Literal["type", "dyad"] = "type") -> dict[str, Any]:
    with ctx.store() as store:
        return {"items": [p.to_dict() for p in store.timeline(where, by=by, group=group)]}


@router.get("/network", response_model=ItemList,
            summary="Actor → recipient edges with event counts and mean PLOVER score")
def network(ctx: Ctx, where: Filter, node: Literal["country", "code", "name"] = "country") -> dict[str, Any]:
    with ctx.store() as store:
        return {"items": [e.to_dict() for e in store.network(where, node=node)]}


@router.get("/places", response_model=ItemList,
            summary="Geocoded event locations with counts and mean PLOVER score (for the map)")
def places(ctx: Ctx, where: Filter) -> dict[str, Any]:
    with ctx.store() as store:
        return {"items": [p.to_dict() for p in store.locations(where)]}


@router.get("/search", response_model=SearchResult, summary="Full-text search over articles and their events")
def search(ctx: Ctx, q: Annotated[str, text_query("Words that must all occur in the article's title, text or "
                                                  "quotes.", min_length=1)],
           limit: Limit = 20) -> dict[str, Any]:
    where = EventFilter(text=q)
    with ctx.store() as store:
        found = store.articles(q, limit=limit)
        total_articles = store.article_total(q)
        hits = store.events(where, limit=limit)
        total_events = store.event_count(where)
    return {"q": q,
            "articles": {"total": total_articles, "limit": limit, "offset": 0, "items": [a.to_dict() for a in found]},
            "events": {"total": total_events, "limit": limit, "offset": 0, "items": [event_item(h) for h in hits]}}
