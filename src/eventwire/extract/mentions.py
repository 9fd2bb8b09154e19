"""What the components leave on a Doc: mentions tied to spaCy spans.

These are the only classes that hold spaCy objects; `eventwire.assemble` turns them into the
frozen `models` dataclasses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Span, Token

from eventwire.knowledge.events import Frame
from eventwire.knowledge.gazetteer import GazPlace
from eventwire.models import Actor
from eventwire.nlp import extensions  # noqa: F401  (every component's Doc._ attributes exist)


FINAL_PUNCT = frozenset({".", "!", "?", "”", '"', "’", "'", ":"})


@dataclass(eq=False)
class PlaceMention:
    span: Span
    place: GazPlace
    as_actor: bool = False
    kb_kind: Optional[str] = None  # "country" | "capital" | "metonym" when the KB knows the name
    metonym_sector: Optional[str] = None


@dataclass(eq=False)
class EntityMention:
    span: Span
    label: str  # PERSON | ORG | GPE | LOC | NORP | FAC
    actor: Optional[Actor] = None
    kind: str = "name"  # name | nominal | pronoun
    refers_to: Optional["EntityMention"] = None
    role_phrase: Optional[str] = None  # for nominals: "president", "defence ministry"
    place: Optional[PlaceMention] = None

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end

    def root(self) -> "EntityMention":
        seen = {id(self)}
        m = self
        while m.refers_to is not None and id(m.refers_to) not in seen:
            seen.add(id(m.refers_to))
            m = m.refers_to
        return m


@dataclass(eq=False)
class TimeMention:
    span: Span
    value: Optional[str]
    precision: str
    relation: str


@dataclass(eq=False)
class QuantityMention:
    span: Span
    value: float | int
    qualifier: str
    unit: Optional[str]
    kind: str


@dataclass(eq=False)
class QuoteMention:
    start: int  # character offsets of the quoted words (without the quotation marks)
    end: int
    speaker: Optional[Span] = None
    speaker_entity: Optional[EntityMention] = None
    cue: Optional[str] = None
    pieces: list[tuple[int, int]] = field(default_factory=list)



class Sentences:
    """Which sentence each token is in, computed once per Doc (spaCy's `Token.sent` walks the
    whole document on every call)."""

    def __init__(self, doc):
        self.bounds: list[tuple[int, int]] = [(s.start, s.end) for s in doc.sents]
        self.index: list[int] = [0] * len(doc)
        for n, (start, end) in enumerate(self.bounds):
            for i in range(start, end):
                self.index[i] = n
        # sentences of running text before each sentence: a headline or a dateline line (no final
        # punctuation) does not count as one
        self.final: list[bool] = []
        for start, end in self.bounds:
            words = [t for t in doc[start:end] if not t.is_space]
            self.final.append(bool(words) and words[-1].text in FINAL_PUNCT)
        self.prose: list[int] = []
        count = 0
        for final in self.final:
            self.prose.append(count)
            count += final

    @classmethod
    def of(cls, doc) -> "Sentences":
        cached = doc.user_data.get("ew_sentences")
        if cached is None or len(cached.index) != len(doc):
            cached = doc.user_data["ew_sentences"] = cls(doc)
        return cached

    def number(self, i: int) -> int:
        return self.index[i]

    def start(self, i: int) -> int:
        return self.bounds[self.index[i]][0]

    def span(self, i: int) -> tuple[int, int]:
        return self.bounds[self.index[i]]

    def headline(self, i: int) -> bool:
        """Whether token `i` stands in a sentence without final punctuation (a headline, a dateline)."""
        return not self.final[self.index[i]]

    def distance(self, earlier: int, later: int) -> int:
        """How many sentences of running text lie from token `earlier` to token `later`."""
        return self.prose[self.index[later]] - self.prose[self.index[earlier]]


@dataclass(eq=False)
class EventMention:
    """An event the coder found: its trigger, frame, parties and what the text says of it."""

    trigger: Span
    frame: Frame
    actor: list[EntityMention | PlaceMention | Token] = field(default_factory=list)
    recipient: list[EntityMention | PlaceMention | Token] = field(default_factory=list)
    status: str = "occurred"
    certainty: str = "asserted"
    attributed_to: Optional[EntityMention] = None
    date: Optional[TimeMention] = None
    date_how: str = "publication"
    location: Optional[PlaceMention] = None
    quantities: list[QuantityMention] = field(default_factory=list)
    confidence: float = 0.5
    mentions: list[Span] = field(default_factory=list)  # repeats of this event later in the text
    size: dict[str, int] = field(default_factory=dict)  # dead / injured / arrested
    actor_how: str = "parse"  # parse | place: unidentified attackers where the attack happened
    recipient_how: str = "parse"  # parse | implied | clause: how the recipient was found
    quad: Optional[str] = None
    score: Optional[float] = None
