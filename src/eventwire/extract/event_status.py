"""What the text says of an event besides who did it: status (future, hypothetical, negated…),
certainty and who claimed it, its date, its place and its quantities."""
from __future__ import annotations

from typing import Optional

from spacy.tokens import Token

from eventwire.extract.event_syntax import (
    clause_tokens, first_child, governing_verb, is_locative, purpose_tokens,
)
from eventwire.extract.mentions import EntityMention, EventMention, PlaceMention, QuantityMention, TimeMention
from eventwire.extract.times import verb_tense
from eventwire.knowledge.events import Frame


REPORTING = frozenset("say tell report announce state claim confirm add insist write note warn "
                      "believe estimate suggest reveal acknowledge admit indicate".split())


DEMAND_SAYING = frozenset("declare reiterate stress repeat insist argue maintain tell".split())


ALLEGING = frozenset("allege accuse claim charge blame suspect".split())


HEDGES_REPORTED = frozenset({"reportedly", "purportedly", "apparently"})


HEDGES_ALLEGED = frozenset({"allegedly", "supposedly"})


HYPOTHETICAL_AUX = frozenset({"could", "might", "may", "would", "should", "can", "must"})


# "Russia said Sudan must return the helicopter": a saying whose content is an obligation laid on
# someone else is a demand (CAMEO 10)
DEMAND_MODALS = frozenset({"must"})


FAILING = frozenset({"fail", "refuse", "decline"})


INTENT_ADJECTIVES = frozenset("willing ready prepared determined eager poised set likely".split())


# an event dated before the year before publication is historical
HISTORICAL_YEARS = 1


# A verb's complement that has not happened (yet): what someone means to do ("agreed to resign",
# "threatened to attack") is future; what someone wants another to do ("demanded that Uganda
# withdraw", "urged Kenya to reopen") is hypothetical.
INTENDING = frozenset("agree promise vow pledge offer plan intend decide threaten want seek aim hope prepare "
                      "propose".split())
DEMANDING = frozenset("demand urge ask call request order tell insist press appeal".split())


def event_status(tok: Token, frame: Frame, ctx) -> str:
    verb = tok if frame.pos == "VERB" else governing_verb(tok)
    if any(c.dep_ == "neg" for c in tok.children) or (verb is not None and any(c.dep_ == "neg" for c in verb.children)):
        return "negated"
    if failed_clause(verb):
        return "negated"  # "failed to reach an agreement", "refused to withdraw"
    if frame.pos == "NOUN" and any(c.lemma_.lower() in ("planned", "proposed", "expected", "future", "upcoming")
                                   for c in tok.children if c.dep_ in ("amod", "compound")):
        return "future"
    node = verb
    for _ in range(3):
        if node is None:
            break
        auxes = {c.lower_ for c in node.children if c.dep_ in ("aux", "auxpass")}
        if auxes & HYPOTHETICAL_AUX:
            return "hypothetical"
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in node.children):
            return "hypothetical"
        if node.dep_ == "xcomp" and node.head.lemma_.lower() in INTENT_ADJECTIVES:
            return "future"  # "is willing to send", "ready to contribute"
        if node.tag_ == "VB" and (node.dep_ in ("xcomp", "ccomp") or (  # "threatened on Monday to attack"
                node.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children))):
            head = node.head.lemma_.lower()
            if head in INTENDING:
                return "future"
            if head in DEMANDING:
                return "hypothetical"
        tense = verb_tense(node)
        if tense == "future":
            return "future"
        if tense == "past":
            return "occurred"
        if tense == "present":
            if node.tag_ == "VBN" and auxes & {"has", "have"} and node.lemma_ != "be":
                return "occurred"  # present perfect of an action: "has accused"
            return "ongoing"  # "is engaged in", "are fighting", "supports"
        if node.dep_ not in ("xcomp", "advcl", "pcomp", "acl", "conj"):
            break
        node = node.head
    return "occurred"


def failed_clause(verb: Optional[Token]) -> bool:
    """Whether the clause is the complement of 'fail' / 'refuse' ('failed to reach agreement')."""
    return (verb is not None and verb.dep_ == "xcomp" and verb.head.lemma_.lower() in FAILING
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children))


def demand_modal(tok: Token) -> bool:
    """'must' in the clause a saying governs, with a subject of its own."""
    if tok.lower_ not in DEMAND_MODALS or tok.dep_ != "aux":
        return False
    verb = tok.head
    return (verb.dep_ == "ccomp" and verb.head.pos_ == "VERB" and verb.head.lemma_.lower() in REPORTING | DEMAND_SAYING
            and first_child(verb, "nsubj") is not None and first_child(verb.head, "nsubj") is not None)


def conditioned(tok: Token) -> bool:
    """Whether the event's clause carries an 'unless …' condition."""
    verb = tok if tok.pos_ in ("VERB", "AUX") else governing_verb(tok)
    if verb is None:
        return False
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children)
               for c in verb.children)


def event_attribution(ctx, tok: Token) -> tuple[str, Optional[EntityMention]]:
    verb = tok if tok.pos_ == "VERB" else governing_verb(tok)
    for c in list(tok.children) + (list(verb.children) if verb is not None else []):
        if c.lower_ in HEDGES_REPORTED:
            return "reported", None
        if c.lower_ in HEDGES_ALLEGED:
            return "alleged", None
    # climb to a reporting verb whose clause contains the event
    node = verb if verb is not None else tok
    for _ in range(6):
        head = node.head
        if head is node:
            break
        lemma = head.lemma_.lower()
        if head.pos_ in ("VERB", "AUX") and lemma in (REPORTING | ALLEGING) and node.dep_ in (
                "ccomp", "xcomp", "advcl", "pcomp", "prep", "dobj", "conj") and head is not tok:
            sayer = first_child(head, "nsubj")
            m = ctx.mention(sayer) if sayer is not None else None
            certainty = "alleged" if lemma in ALLEGING else "reported"
            return certainty, m
        node = head
    # "according to X"
    sent_start, sent_end = ctx.sentences.span(tok.i)
    doc = tok.doc
    for t in doc[sent_start:sent_end]:
        if t.lower_ == "according" and t.i + 1 < sent_end and doc[t.i + 1].lower_ == "to":
            obj = next((g for g in doc[t.i + 1].children if g.dep_ == "pobj"), None)
            return "reported", ctx.mention(obj) if obj is not None else None
    return "asserted", None


def event_date(ctx, tok: Token) -> tuple[Optional[TimeMention], str]:
    own = clause_tokens(tok)
    hits = [t for t in ctx.times if t.span.start in own and t.value]
    if hits:
        hits.sort(key=lambda t: abs(t.span.start - tok.i))
        return hits[0], "explicit"
    return None, "publication"


def event_location(ctx, tok: Token, ev: EventMention) -> Optional[PlaceMention]:
    own = clause_tokens(tok)
    # then where the act's purpose takes it: "send a guard to join the celebrations in Minsk"
    purpose = purpose_tokens(tok, own)
    places = [p for p in ctx.place_at.values() if p.span.start in own | purpose and p.place.feature != "country"
              and is_locative(p.span.root)]
    if places:
        places.sort(key=lambda p: (p.span.start in purpose, abs(p.span.start - tok.i)))
        return places[0]
    for party in ev.recipient:
        if isinstance(party, PlaceMention) and party.place.feature in ("city", "admin1", "landmark", "region"):
            return party
    return None


def event_quantities(ctx, tok: Token) -> list[QuantityMention]:
    own = {t.i for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "nsubj", "pobj", "attr") for t in c.subtree}
    own |= {tok.i}
    return [q for q in ctx.quantities if q.span.root.i in own or (q.span.start <= tok.i < q.span.end)]
