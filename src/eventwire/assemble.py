"""Doc → `models.Document`: the one place where spaCy objects become eventwire's dataclasses."""
from __future__ import annotations

import dataclasses
from typing import Optional

from spacy.tokens import Doc, Span

from eventwire.extract.mentions import EntityMention, PlaceMention, Sentences
from eventwire.knowledge.gazetteer import GazPlace
from eventwire.models import (
    Document, Entity, Event, EventDate, EventSize, Party, Place, Quantity, Quote, RawDocument, Sentence, Speaker,
    TimeExpression,
)
from eventwire.models import Span as SpanModel


def assemble(doc: Doc, raw: RawDocument) -> Document:
    """Everything the components found on `doc`, as a `Document` for `raw`."""
    entities, ids = _entities(doc)
    text = doc.text
    return Document(
        doc_id=raw.doc_id, text=text, published=raw.published, title=raw.title,
        source=raw.source, url=raw.url,
        sentences=tuple(Sentence(doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text))
                        for s, e in Sentences.of(doc).bounds),
        entities=entities,
        places=tuple(place_model(p) for p in doc._.ew_places or ()),
        times=tuple(
            TimeExpression(t.span.text, t.span.start_char, t.span.end_char, t.value, t.precision, t.relation)
            for t in doc._.ew_times or ()
        ),
        quantities=tuple(
            Quantity(q.span.text, q.span.start_char, q.span.end_char, q.value, q.qualifier, q.unit, q.kind)
            for q in doc._.ew_quantities or ()
        ),
        quotes=tuple(_quote(text, q) for q in doc._.ew_quotes or ()),
        events=tuple(_event(n, e, Sentences.of(doc), raw.published) for n, e in enumerate(doc._.ew_events or (), 1)),
        errors=tuple(raw.warnings),
    )


def place_model(p: PlaceMention) -> Place:
    return gaz_place_model(p.place, p.span.text, p.span.start_char, p.span.end_char, p.as_actor)


def gaz_place_model(g: GazPlace, text: str, start: int, end: int, as_actor: bool = False) -> Place:
    return Place(
        text=text, start=start, end=end, name=g.name, geonameid=g.geonameid, country=g.country,
        admin1=g.admin1, lat=g.lat, lon=g.lon, feature=g.feature, as_actor=as_actor,
    )


def _entities(doc: Doc) -> tuple[tuple[Entity, ...], dict[int, str]]:
    mentions: list[EntityMention] = sorted(doc._.ew_entities or (), key=lambda m: (m.start, -(m.end - m.start)))
    ids = {id(m): f"e{i}" for i, m in enumerate(mentions, 1)}
    out = []
    for m in mentions:
        ref = m.refers_to
        out.append(Entity(
            id=ids[id(m)], text=m.span.text, start=m.span.start_char, end=m.span.end_char,
            label=m.label, actor=m.actor, refers_to=ids.get(id(ref)) if ref is not None else None,
        ))
    return tuple(out), ids


def _quote(text: str, q) -> Quote:
    speaker: Optional[Speaker] = None
    if q.speaker is not None:
        span: Span = q.speaker
        actor = None
        if q.speaker_entity is not None:
            root = q.speaker_entity
            actor = root.actor or (root.root().actor if root.refers_to else None)
        speaker = Speaker(span.text, span.start_char, span.end_char, actor)
    return Quote(text=text[q.start:q.end], start=q.start, end=q.end, speaker=speaker, cue=q.cue)


def _party(p) -> Optional[Party]:
    if isinstance(p, EntityMention):
        root = p.root() if p.refers_to is not None and p.root().actor is not None else p
        actor = root.actor or p.actor
        name = actor.name if actor and actor.name else (p.span.text if p.kind == "name" else None)
        return Party(p.span.text, p.span.start_char, p.span.end_char,
                     country=actor.country if actor else None, sector=actor.sector if actor else None,
                     name=name)
    if isinstance(p, PlaceMention):
        return Party(p.span.text, p.span.start_char, p.span.end_char, country=p.place.country)
    return None


def _event(n: int, e, sentences: Sentences, published: Optional[str]) -> Event:
    f = e.frame
    if e.date is not None:
        date = EventDate(e.date.value, e.date.precision, e.date.span.text, "explicit")
    elif e.date_how == "publication" and published:
        date = EventDate(published, "day", None, "publication")
    else:
        date = None
    return Event(
        id=f"ev{n}", type=f.type, mode=f.mode, context=tuple(f.context), cameo=f.cameo, quad=e.quad,
        score=e.score, trigger=SpanModel(e.trigger.text, e.trigger.start_char, e.trigger.end_char),
        sentence=sentences.number(e.trigger.start),
        actor=tuple(dataclasses.replace(x, sector="UAF", how="place") if e.actor_how == "place" else x
                    for x in map(_party, e.actor) if x), recipient=tuple(dataclasses.replace(x, how=e.recipient_how) for x in map(_party, e.recipient) if x),
        date=date, status=e.status, certainty=e.certainty,
        attributed_to=_party(e.attributed_to) if e.attributed_to is not None else None,
        location=place_model(e.location) if e.location is not None else None,
        quantities=tuple(Quantity(q.span.text, q.span.start_char, q.span.end_char, q.value, q.qualifier, q.unit, q.kind)
                         for q in e.quantities),
        confidence=e.confidence,
        mentions=tuple(SpanModel(m.text, m.start_char, m.end_char) for m in e.mentions),
        size=EventSize(**e.size) if e.size else None,
    )
