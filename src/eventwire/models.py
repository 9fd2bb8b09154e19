"""The data eventwire produces: frozen dataclasses shared by every stage.

`Document.to_dict()` yields exactly the JSON of the output contract (schema ``eventwire/1``) and
`Document.from_dict()` reads it back. Nothing here imports spaCy: the store, the API and the
dashboard only ever see these classes.
"""
from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Optional

SCHEMA = "eventwire/1"


class Record:
    """Mixin: conversion of a frozen dataclass to and from plain JSON-able dicts."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        hints = _type_hints(cls)
        kwargs = {}
        for f in dataclasses.fields(cls):
            if f.name in data:
                kwargs[f.name] = _build(hints[f.name], data[f.name])
        return cls(**kwargs)


@functools.lru_cache(maxsize=None)
def _type_hints(cls) -> dict[str, Any]:
    """A class's resolved field types (resolving them is slow; reading a store does it a lot)."""
    return typing.get_type_hints(cls)


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _build(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            if arg is type(None):
                continue
            return _build(arg, value)
    if origin is tuple:
        (item, *_rest) = typing.get_args(hint)
        return tuple(_build(item, v) for v in value)
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.from_dict(value)
    return value


@dataclass(frozen=True)
class Actor(Record):
    """Who an entity is, coded: country (ISO3, region or IGO/NGO…) and sector."""

    name: Optional[str] = None
    country: Optional[str] = None
    sector: Optional[str] = None
    role: Optional[str] = None
    kb_id: Optional[str] = None
    how: str = "kb"  # kb | appositive | coref | metonymy | context


@dataclass(frozen=True)
class Sentence(Record):
    start: int
    end: int


@dataclass(frozen=True)
class Entity(Record):
    id: str
    text: str
    start: int
    end: int
    label: str  # PERSON | ORG | GPE | LOC | NORP | FAC
    actor: Optional[Actor] = None
    refers_to: Optional[str] = None


@dataclass(frozen=True)
class Place(Record):
    text: str
    start: int
    end: int
    name: str
    geonameid: Optional[int] = None
    country: Optional[str] = None
    admin1: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    feature: str = "other"  # city | country | admin1 | admin2 | landmark | region | other
    as_actor: bool = False


@dataclass(frozen=True)
class TimeExpression(Record):
    text: str
    start: int
    end: int
    value: Optional[str]
    precision: str  # day | month | year | decade | vague
    relation: str  # past | present | future


@dataclass(frozen=True)
class Quantity(Record):
    text: str
    start: int
    end: int
    value: float | int
    qualifier: str = "="  # = | >= | > | <= | < | ~
    unit: Optional[str] = None
    kind: str = "count"  # count | money | percent | measure | ordinal


@dataclass(frozen=True)
class Speaker(Record):
    text: str
    start: int
    end: int
    actor: Optional[Actor] = None


@dataclass(frozen=True)
class Quote(Record):
    text: str
    start: int
    end: int
    speaker: Optional[Speaker] = None
    cue: Optional[str] = None


@dataclass(frozen=True)
class Span(Record):
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Party(Record):
    """One actor or recipient of an event, as written in the text and as coded."""

    text: str
    start: int
    end: int
    country: Optional[str] = None
    sector: Optional[str] = None
    name: Optional[str] = None
    how: Optional[str] = None  # where a party was found (see docs/SCHEMA.md)


@dataclass(frozen=True)
class EventDate(Record):
    value: Optional[str]
    precision: Optional[str] = None
    text: Optional[str] = None
    how: str = "publication"  # explicit | publication | inferred


@dataclass(frozen=True)
class EventSize(Record):
    """PLOVER's size fields: how many were killed, injured, arrested (as the text counts them)."""

    dead: Optional[int] = None
    injured: Optional[int] = None
    arrested: Optional[int] = None


@dataclass(frozen=True)
class Event(Record):
    id: str
    type: str
    trigger: Span
    sentence: int
    mode: Optional[str] = None
    context: tuple[str, ...] = ()
    cameo: Optional[str] = None
    quad: Optional[str] = None
    score: Optional[float] = None
    actor: tuple[Party, ...] = ()
    recipient: tuple[Party, ...] = ()
    date: Optional[EventDate] = None
    status: str = "occurred"
    certainty: str = "asserted"
    attributed_to: Optional[Party] = None
    location: Optional[Place] = None
    quantities: tuple[Quantity, ...] = ()
    confidence: float = 0.0
    mentions: tuple[Span, ...] = ()  # later words in the document that report this same event
    size: Optional[EventSize] = None


@dataclass(frozen=True)
class Document(Record):
    doc_id: str
    text: str
    schema: str = SCHEMA
    published: Optional[str] = None
    title: Optional[str] = None
    source: Optional[str] = None
    url: Optional[str] = None
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[Entity, ...] = ()
    places: tuple[Place, ...] = ()
    times: tuple[TimeExpression, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    errors: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        # The contract lists "schema" first; keep that order for readers of raw JSON.
        return {"schema": data.pop("schema"), **data}


@dataclass(frozen=True)
class RawDocument(Record):
    """A document as read from input, before any language processing."""

    doc_id: str
    text: str
    published: Optional[str] = None
    title: Optional[str] = None
    source: Optional[str] = None
    url: Optional[str] = None
    origin: Optional[str] = None  # where it was read from: "path", "path:line", "-"
    warnings: tuple[str, ...] = ()  # problems that did not stop processing (end up in `errors`)


@dataclass(frozen=True)
class Failure(Record):
    """A document that could not be processed, and why (one line, names the document)."""

    origin: str
    reason: str
    doc_id: Optional[str] = None

    def message(self) -> str:
        """One line naming the document and the reason (line breaks and other control characters
        in a name or reason are written as escapes)."""
        name = self.origin if not self.doc_id or self.doc_id in self.origin else f"{self.origin} ({self.doc_id})"
        return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), f"{name}: {self.reason}")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


__all__ = [
    "SCHEMA", "Actor", "Sentence", "Entity", "Place", "TimeExpression", "Quantity", "Speaker",
    "Quote", "Span", "Party", "EventDate", "Event", "Document", "RawDocument", "Failure",
]
