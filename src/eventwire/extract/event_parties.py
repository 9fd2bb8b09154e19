"""Who an event's parties are: the document's mentions by token, the parties a slot holds, and the
fallbacks when no slot holds one (another party the clause names, both sides of a symmetric
event)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from spacy.tokens import Doc, Token

from eventwire.extract.event_syntax import (
    clause_tokens, conjuncts_of, phrase_tokens, purpose_tokens, slot_tokens, tree_distance,
)
from eventwire.extract.mentions import EntityMention, EventMention, PlaceMention, Sentences
from eventwire.knowledge.events import Frame

GROUP_WORDS = frozenset("thousand thousands hundred hundreds dozen dozens million millions group number "
                        "crowd crowds band handful majority some many most all several scores score".split())


class EventContext:
    """The document's other findings, by token: mentions, places, times and quantities."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.sentences = Sentences.of(doc)
        self.anchor = anchor_date(doc._.ew_published)
        self.mention_at: dict[int, EntityMention] = {}
        # Each token speaks for the smallest mention with an actor that covers it ("Russia" in
        # "Russia's defence ministry"), except the head of a larger mention, which speaks for
        # that mention ("ministry" is the ministry).
        for m in sorted(doc._.ew_entities or (), key=lambda m: -(m.end - m.start)):
            for i in range(m.start, m.end):
                if i == m.span.root.i or i not in self.mention_at or self.mention_at[i].actor is None:
                    self.mention_at[i] = m
        self.place_at: dict[int, PlaceMention] = {i: p for p in doc._.ew_places or () for i in range(p.span.start, p.span.end)}
        self.times = list(doc._.ew_times or ())
        self.quantities = list(doc._.ew_quantities or ())

    def mention(self, tok: Token) -> Optional[EntityMention]:
        m = self.mention_at.get(tok.i)
        return m

    def place_before(self, i: int) -> Optional[PlaceMention]:
        """The last place named before token `i`, in its sentence or the one before."""
        first = self.sentences.span(i)[0]
        previous = self.sentences.span(first - 1)[0] if first > 0 else first
        earlier = [p for p in set(self.place_at.values()) if previous <= p.span.start < i]
        return max(earlier, key=lambda p: p.span.start) if earlier else None

    def first_parties(self, tok: Token, slots) -> list:
        """The parties in the first of `slots` (in order of preference) that holds a party with a
        country; else in the first that holds any ("withdraw their force from Chad": Chad)."""
        first: list = []
        for slot in slots:
            found = self.parties(slot_tokens(tok, (slot,)))
            if any(party_country(p) for p in found):
                return found
            first = first or found
        return first

    def parties(self, toks: list[Token]) -> list:
        out: list = []
        for t in toks:
            if t is None:
                continue
            for member in [t, *conjuncts_of(t)]:
                party = self._party(member)
                if party is not None and not any(same_country(party, o) for o in out):
                    out.append(party)
        return out

    def _party(self, tok: Token):
        m = self.mention(tok)
        if m is not None and m.actor is not None and m.actor.country:
            return m
        p = self.place_at.get(tok.i)
        if p is not None and p.place.country:
            return p
        # an object that is not an actor, owned by one: "barred his plane", "the Russian capital"
        # ("its European Community partners": the closer modifier first, the owner last)
        for child in sorted(tok.children, key=lambda c: c.dep_ == "poss"):
            if child.dep_ in ("poss", "amod", "compound", "nmod"):
                m = self.mention(child)
                if m is not None and m.actor is not None and m.actor.country:
                    return m
        if m is None and (tok.pos_ == "NUM" or tok.lemma_.lower() in GROUP_WORDS):
            # "thousands of Iraqi Kurds", "a group of refugees": the people the number counts
            of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            obj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
            if obj is not None:
                return self._party(obj)
        if m is not None:
            return m  # a sector without a country ("police"), or a name not yet coded, is still a party
        return None


def anchor_date(published: Optional[str]) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def is_identified(p) -> bool:
    """A party we can say something about: a country, or a name (even one not yet coded)."""
    if isinstance(p, PlaceMention):
        return bool(p.place.country)
    if isinstance(p, EntityMention):
        a = p.root().actor if p.refers_to is not None else p.actor
        a = a or p.actor
        return p.kind == "name" or bool(a and (a.country or a.name))
    return False


def same_country(a, b) -> bool:
    return party_country(a) is not None and party_country(a) == party_country(b)


def same_party(a, b) -> bool:
    """The same mention, or mentions of one entity ('Russia' … 'its forces'): not two actors of
    one country, which domestic events have ('Turkish police stopped a student march')."""
    ra = a.root() if isinstance(a, EntityMention) else a
    rb = b.root() if isinstance(b, EntityMention) else b
    if ra is rb or a is b:
        return True
    if isinstance(ra, EntityMention) and isinstance(rb, EntityMention) and ra.actor and rb.actor:
        if ra.actor.kb_id and ra.actor.kb_id == rb.actor.kb_id:
            return True
        return ra.span.text == rb.span.text and party_country(ra) == party_country(rb)
    return party_span(a) == party_span(b) or (party_country(a) is not None and party_country(a) == party_country(b)
                                    and party_text(a).lower() == party_text(b).lower())


def party_span(p) -> tuple[int, int]:
    s = p.span
    return s.start, s.end


def party_text(p) -> str:
    return p.span.text


def party_country(p) -> Optional[str]:
    if isinstance(p, EntityMention):
        root = p.root() if p.refers_to is not None and p.root().actor is not None else p
        return (root.actor or p.actor).country if (root.actor or p.actor) else None
    if isinstance(p, PlaceMention):
        return p.place.country
    return None


def clause_party(ctx, tok: Token, ev: EventMention) -> list:
    """The nearest other party the event's own clause names, when no slot holds a recipient:
    'denounced as a crime Serbia's suppression of unrest' (Serbia), 'imposed a curfew in a town
    in southeastern Turkey' (Turkey). Nearest in the parse first, then in the text."""
    # a verb's clause without its subject; an event noun's own phrase ("Serbia's suppression …")
    own = clause_tokens(tok) if tok.pos_ in ("VERB", "ADJ") else phrase_tokens(tok)
    # what a preposition introduces is the event's topic, clause or not ("outspoken about what it
    # says is China's aid")
    own |= {t.i for c in tok.children if c.dep_ == "prep" for t in c.subtree}
    # "allow refugees to return": the subject of the clause the verb governs is its object
    own |= {t.i for c in tok.children if c.dep_ in ("ccomp", "xcomp")
            for g in c.children if g.dep_ == "nsubj" for t in g.subtree}
    for c in tok.children:
        if c.dep_ in ("nsubj", "nsubjpass", "csubj"):
            own -= {t.i for t in c.subtree}
    # then the purpose the act serves: "blocked a road to show their disapproval of US policy"
    purpose = purpose_tokens(tok, own)
    own |= purpose
    taken = [p for p in ev.actor] + ([ev.attributed_to] if ev.attributed_to is not None else [])
    for p in taken:
        own -= set(range(*party_span(p)))
    best: dict[int, tuple[tuple[bool, bool, int, int], object]] = {}
    for i in own:
        if tok.doc[i].lower_ in ("there", "here") and tok.doc[i].dep_ == "advmod":
            party = ctx.place_before(i)  # "has paid more visits there": the place just named
            if party is not None and party.place.country and not any(same_party(party, a) for a in ev.actor):
                best[id(party)] = ((False, False, tree_distance(tok.doc[i], tok), abs(i - tok.i)), party)
            continue
        party = ctx.mention(tok.doc[i])
        if party is None or party.actor is None or not party.actor.country:
            party = ctx.place_at.get(i)
            if party is None or not party.place.country:
                continue
        if any(same_party(party, a) for a in ev.actor):
            continue
        # another country first (a domestic event is the fallback), then nearest in the parse
        rank = (i in purpose, any(same_country(party, a) for a in ev.actor), tree_distance(tok.doc[i], tok), abs(i - tok.i))
        key = id(party)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, party)
    if not best:
        return []
    return [min(best.values(), key=lambda r: r[0])[1]]


def first_coded(candidates) -> list:
    """The first candidate list with a party that has a country, else the first non-empty one."""
    first: list = []
    for found in candidates:
        if any(party_country(p) for p in found):
            return found
        first = first or found
    return first


def is_means(obj: Token, frame: Frame) -> bool:
    """Whether the frame's object is what the act uses ('drones launched by Kyiv') rather than
    whom it hits: the frame names the object and does not take it as the recipient."""
    if not frame.object or "obj" in frame.recipient:
        return False
    words = {obj.lemma_.lower()} | {g.lemma_.lower() for p in obj.children if p.dep_ == "prep" and p.lower_ == "of"
                                    for g in p.children if g.dep_ == "pobj"}
    return bool(words & set(frame.object))


def symmetric_parties(frame: Frame, tok: Token, ctx, actors: list, recipients: list):
    """Talks, agreements, trade 'between China and Russia': both sides on both sides."""
    if not frame.symmetric:
        return actors, recipients
    between = ctx.parties(slot_tokens(tok, ("prep:between", "prep:among")))
    if between and not actors:
        return between, between
    if actors and not recipients:
        # "sign cooperation agreements, deepening the relationship between China and Russia"
        start, end = ctx.sentences.span(tok.i)
        for t in tok.doc[start:end]:
            if t.lower_ in ("between", "among") and t.dep_ == "prep":
                pair = ctx.parties([g for g in t.children if g.dep_ == "pobj"])
                if len(pair) >= 2:
                    return pair, pair
    return actors, recipients
